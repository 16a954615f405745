"""The embedded ranker: the prefix and candidate graphs in ONNX Runtime, in-process.

Per request: the query side is tokenised and run through the prefix graph once; the
candidates' compact texts are scored against its keys/values in length-sorted batches.
Past its time budget (a timer terminates the graph run in flight) it raises
`RankerUnavailableError(reason="timeout")` and the pipeline answers in retrieval order; any runtime failure is
`reason="error"`."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from jobsearch.errors import ModelNotFoundError, RankerUnavailableError
from jobsearch.rank.compact import record_text
from jobsearch.rank.export import (
    CALIBRATION_FILE,
    CANDIDATE_FILE,
    PREFIX_FILE,
    TOKENIZER_FILE,
    RankerManifest,
    sha256,
)
from jobsearch.rank.inputs import PairTokenizer, query_side
from jobsearch.schema import Member, ParsedQuery
from jobsearch.stages import Candidates, MatchCalibration

RANKER_MODEL = "ranker"
# Generous against the 40 ms p50 target on 2 quiet cores; a shared machine needs the slack.
DEFAULT_BUDGET_MS = 150.0
BATCH = 64


class OnnxRanker:
    def __init__(
        self,
        prefix: Any,
        candidate: Any,
        tokenizer: PairTokenizer,
        *,
        model_id: str,
        calibration: MatchCalibration | None = None,
        budget_ms: float = DEFAULT_BUDGET_MS,
        batch: int = BATCH,
        fusion_weight: float = 0.0,
    ) -> None:
        self.prefix_session = prefix
        self.candidate_session = candidate
        self.tokenizer = tokenizer
        self.model_id = model_id
        self.calibration = calibration
        self.budget_ms = budget_ms
        self.batch = batch
        self.fusion_weight = fusion_weight

    @classmethod
    def load(cls, folder: Path, *, budget_ms: float = DEFAULT_BUDGET_MS, threads: int | None = None,
             verify: bool = True, fusion_weight: float | None = None) -> OnnxRanker:
        """Open a ranker version folder (see jobsearch.rank.export), checking its files
        against the model card's sha256 unless `verify` is off. `fusion_weight` overrides
        the card's (evaluation of other weights)."""
        from jobsearch.encode.onnx_encoder import make_session

        folder = Path(folder)
        card = RankerManifest.read(folder)
        for name, digest in card.files.items():
            path = folder / name
            if not path.is_file():
                raise ModelNotFoundError(f"ranker {folder}: {name} is missing; re-run `jobsearch rank export`")
            if verify and sha256(path) != digest:
                raise ModelNotFoundError(f"ranker {folder}: {name} does not match its sha256 in manifest.json")
        tok = PairTokenizer.from_file(folder / TOKENIZER_FILE, prefix_tokens=card.prefix_tokens,
                                      candidate_tokens=card.candidate_tokens)
        if fusion_weight is not None:
            card = dataclasses.replace(card, fusion_weight=fusion_weight)
        return cls(
            make_session(folder / PREFIX_FILE, threads=threads),
            make_session(folder / CANDIDATE_FILE, threads=threads),
            tok,
            **card_options(folder, card),
            budget_ms=budget_ms,
        )

    def rank(self, query: ParsedQuery, candidates: Candidates, *, member: Member | None = None) -> np.ndarray:
        """The served score: the cross-encoder's logit, plus `fusion_weight` x the retrieval
        cosine when the model card fuses them."""
        if candidates.records is None:
            raise RankerUnavailableError("the ranker needs the candidates' records", reason="error")
        logits = self.score(query_side(query, member), [record_text(r) for r in candidates.records])
        if not self.fusion_weight:
            return logits
        return logits + np.float32(self.fusion_weight) * np.asarray(candidates.scores, dtype=np.float32)

    def score(self, query_text: str, texts: Sequence[str]) -> np.ndarray:
        """Scores of `texts` (compact texts) for one query side, within the time budget."""
        deadline = time.perf_counter() + self.budget_ms / 1000
        out = np.zeros(len(texts), dtype=np.float32)
        if not texts:
            return out
        keys, values = self._run(self.prefix_session, {"input_ids": self.tokenizer.prefix(query_text)}, deadline)
        ids, mask = self.tokenizer.candidates(texts)
        # Similar lengths together: each batch pads only to its own longest text.
        order = np.argsort(-mask.sum(axis=1), kind="stable")
        for start in range(0, len(order), self.batch):
            idx = order[start : start + self.batch]
            width = int(mask[idx].sum(axis=1).max())
            (scores,) = self._run(self.candidate_session, {
                "input_ids": ids[idx, :width], "attention_mask": mask[idx, :width],
                "prefix_keys": keys, "prefix_values": values,
            }, deadline)
            out[idx] = scores
        return out

    def _run(self, session: Any, feeds: dict[str, np.ndarray], deadline: float) -> list[np.ndarray]:
        """One graph run that stops at the deadline: an ONNX Runtime session is told to
        terminate by a timer (a remote one is bounded by its HTTP timeout)."""
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise self._timeout()
        opts = _run_options(session)
        timer = None
        if opts is not None:
            timer = threading.Timer(remaining, setattr, (opts, "terminate", True))
            timer.daemon = True
            timer.start()
        try:
            return session.run(None, feeds, opts) if opts is not None else session.run(None, feeds)
        except RankerUnavailableError:
            raise
        except Exception as exc:  # onnxruntime raises its own types; the pipeline must not fail
            if opts is not None and opts.terminate:
                raise self._timeout() from exc
            raise RankerUnavailableError(f"the ranker failed: {exc}", reason="error") from exc
        finally:
            if timer is not None:
                timer.cancel()

    def _timeout(self) -> RankerUnavailableError:
        return RankerUnavailableError(f"the ranker ran past its {self.budget_ms:.0f} ms budget", reason="timeout")


def _run_options(session: Any) -> Any:
    import onnxruntime as ort

    return ort.RunOptions() if isinstance(session, ort.InferenceSession) else None


def card_options(folder: Path, card: RankerManifest) -> dict[str, Any]:
    """What a ranker version's card sets on an `OnnxRanker`, embedded or remote: model id,
    fusion weight and calibration (none for a fused score: the pipeline then grades by the
    retrieval calibration, which the dev set found right more often; docs/ranker.md)."""
    calibration = None if card.fusion_weight else load_calibration(Path(folder) / CALIBRATION_FILE)
    return {"model_id": card.model_id, "calibration": calibration, "fusion_weight": card.fusion_weight}


def load_calibration(path: Path) -> MatchCalibration | None:
    """The ranker's score calibration (jobsearch.rank.calibration), or None without one."""
    if not path.is_file():
        return None
    from jobsearch.rank.calibration import ScoreCalibration

    return ScoreCalibration.load(path)


def ranker_versions(models_dir: Path) -> list[Path]:
    """Complete ranker versions under `<models_dir>/ranker/`, newest (highest) last."""
    root = Path(models_dir) / RANKER_MODEL
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if p.is_dir() and (p / "manifest.json").is_file() and not p.name.endswith(".tmp")]
    return sorted(found, key=lambda p: (int(p.name) if p.name.isdigit() else -1, p.name))


def default_ranker(models_dir: Path | None = None, *, budget_ms: float = DEFAULT_BUDGET_MS,
                   threads: int | None = None, fusion_weight: float | None = None) -> OnnxRanker | None:
    """The newest ranker version in the data home's models folder, or None when there is none
    (the pipeline then answers in retrieval order)."""
    if models_dir is None:
        from jobsearch.home import models_dir as home_models

        models_dir = home_models()
    versions = ranker_versions(models_dir)
    return (OnnxRanker.load(versions[-1], budget_ms=budget_ms, threads=threads, fusion_weight=fusion_weight)
            if versions else None)


def retrieval_calibration(models_dir: Path | None = None) -> MatchCalibration | None:
    """Grades for retrieval scores when no ranker runs: `calibration.json` (scale
    retrieval-cosine) in the query tower's folder when one is installed, else in the
    retriever's; None when neither has one."""
    if models_dir is None:
        from jobsearch.home import models_dir as home_models

        models_dir = home_models()
    for sub in ("query", "retriever"):
        path = Path(models_dir) / sub / "1" / CALIBRATION_FILE
        if (Path(models_dir) / sub / "1" / "manifest.json").is_file() and path.is_file():
            return load_calibration(path)
    return None
