"""The learned query model at serving time: a MiniLM token tagger (BIO spans: place,
excluded place, company, pay, period, recency, workplace, office days, seniority,
employment type, schedule, role, skill) plus an intent classifier, run by ONNX Runtime.
It only finds spans; IDs come from the deterministic resolvers (`jobsearch.query.hybrid`).

The ONNX file is built from the packaged MiniLM and the small adapter that ships beside this
module (`tagger/`) into the data home's models folder (`python -m jobsearch.models.tagger
build`, or `load_tagger(build=True)`); the query engine factory uses it once it is there.
See docs/query-model.md."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_NAME = "query-tagger"
INPUT_NAMES = ("input_ids", "attention_mask")
OUTPUT_NAMES = ("tag_logits", "intent_logits")
# Longer queries are cut here; the rules still read all of the text.
MAX_TOKENS = 128
SHIPPED = Path(__file__).with_name("tagger")


@dataclass(frozen=True, slots=True)
class TaggedSpan:
    start: int
    end: int
    kind: str
    text: str
    score: float  # mean probability of the span's tags


@dataclass(frozen=True, slots=True)
class TaggerOutput:
    spans: tuple[TaggedSpan, ...]
    intent: str
    intent_score: float


def decode_spans(
    offsets: list[tuple[int, int]], tag_ids: np.ndarray, probs: np.ndarray, tags: tuple[str, ...] | list[str]
) -> list[tuple[int, int, str, float]]:
    """BIO tags of word pieces -> (start, end, kind, score) character spans. An I- tag that
    does not continue a span of its kind opens one (lenient decoding); special tokens have
    offsets (0, 0) and are skipped."""
    spans: list[tuple[int, int, str, float]] = []
    cur: list | None = None
    for (a, b), t, p in zip(offsets, tag_ids, probs, strict=True):
        if a == b:
            continue
        tag = tags[int(t)]
        if tag == "O":
            cur = None
            continue
        prefix, kind = tag.split("-", 1)
        if prefix == "I" and cur is not None and cur[2] == kind:
            cur[1] = b
            cur[3].append(float(p))
            continue
        cur = [a, b, kind, [float(p)]]
        spans.append(cur)  # type: ignore[arg-type]
    return [(a, b, k, float(np.mean(ps))) for a, b, k, ps in spans]


class QueryTagger:
    """tag(text) -> TaggerOutput. One ONNX Runtime session, thread-safe."""

    def __init__(self, model_dir: Path, *, threads: int = 1) -> None:
        import onnxruntime as ort

        self._load_vocab(model_dir)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(model_dir / "model.onnx"), opts, providers=["CPUExecutionProvider"])
        names = [o.name for o in self.session.get_outputs()]
        if names != list(OUTPUT_NAMES):
            raise ValueError(f"{model_dir / 'model.onnx'}: outputs {names}, expected {list(OUTPUT_NAMES)}")

    def _load_vocab(self, model_dir: Path) -> None:
        """Labels and tokenizer of a model version folder (shared with remote runners)."""
        from tokenizers import Tokenizer

        meta = json.loads((model_dir / "labels.json").read_text())
        self.tags: tuple[str, ...] = tuple(meta["tags"])
        self.intents: tuple[str, ...] = tuple(meta["intents"])
        self.version: str = meta.get("version", "unknown")
        self.model_dir = model_dir
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)

    def run(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(tag_logits, intent_logits) of a batch; a remote runner overrides only this."""
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask}
        tag_logits, intent_logits = self.session.run(list(OUTPUT_NAMES), feeds)
        return tag_logits, intent_logits

    def logits(self, text: str) -> tuple[list[tuple[int, int]], np.ndarray, np.ndarray]:
        enc = self.tokenizer.encode(text)
        ids = np.asarray([enc.ids], dtype=np.int64)
        tag_logits, intent_logits = self.run(ids, np.ones_like(ids))
        return list(enc.offsets), tag_logits[0], intent_logits[0]

    def tag(self, text: str) -> TaggerOutput:
        offsets, tag_logits, intent_logits = self.logits(text)
        tag_p = _softmax(tag_logits)
        ids = tag_p.argmax(-1)
        spans = decode_spans(offsets, ids, tag_p.max(-1), self.tags)
        intent_p = _softmax(intent_logits)
        best = int(intent_p.argmax())
        return TaggerOutput(
            spans=tuple(TaggedSpan(a, b, k, text[a:b], s) for a, b, k, s in spans),
            intent=self.intents[best],
            intent_score=float(intent_p[best]),
        )


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


_LOCK = threading.Lock()
_LOADED: dict[Path, QueryTagger] = {}


def shipped_version() -> str | None:
    """Version of the adapter that ships with the package (None when none does)."""
    card = SHIPPED / "labels.json"
    if not card.is_file():
        return None
    return json.loads(card.read_text()).get("version")


def tagger_dir(models_dir: Path | None = None, *, build: bool = False) -> Path | None:
    """The built model folder of the shipped adapter; with `build`, built when missing
    (about a minute: merge the adapter into the packaged MiniLM, export, fuse, quantise).
    None when it is not built (and not asked to be), when no adapter ships, or with
    `JOBSEARCH_QUERY_MODEL=off`."""
    if os.environ.get("JOBSEARCH_QUERY_MODEL", "").lower() in ("off", "0", "false", "rules"):
        return None
    version = shipped_version()
    if version is None:
        return None
    if models_dir is None:
        from jobsearch.home import models_dir as default_models_dir

        models_dir = default_models_dir()
    target = models_dir / MODEL_NAME / version
    if not (target / "model.onnx").is_file():
        if not build:
            return None
        from jobsearch.query.tagger_build import build_from_adapter

        build_from_adapter(SHIPPED, target)
    return target


def load_tagger(models_dir: Path | None = None, *, threads: int = 1, build: bool = False) -> QueryTagger | None:
    """The shared QueryTagger of this process, or None without a built one (see tagger_dir)."""
    with _LOCK:
        path = tagger_dir(models_dir, build=build)
        if path is None:
            return None
        if path not in _LOADED:
            _LOADED[path] = QueryTagger(path, threads=threads)
        return _LOADED[path]
