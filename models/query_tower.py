"""Retrieval distilled from the teacher: fine-tune the query side of the MiniLM retriever
so that q . d over the index's *fixed* document vectors ranks jobs the way the policy
grader grades them. Documents keep their model, so an index never needs re-encoding when
the query tower improves (the served pair is "query model X for document model Y")."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch
from jobsearch.models.policy import PolicyGrader
from jobsearch.models.relevance_metrics import ndcg_at
from jobsearch.models.synth_queries import SynthQuery

from jobsearch.schema import Filters

# What the pipeline encodes for a query: its parse's semantic text (or the raw text).
Parse = Callable[[str, str | None], str]


@dataclass
class TowerConfig:
    """steps: optimizer steps. batch_size: queries per step. lr: AdamW peak (linear
    warm-up over 5% of steps, then linear decay). temperature: softmax temperature of
    cosine scores. grade_scale: target weight e^(grade_scale * grade), so each grade
    outranks the one below by that factor. max_length: query tokens."""

    steps: int = 1500
    batch_size: int = 32
    lr: float = 5e-5
    temperature: float = 0.05
    grade_scale: float = 3.0
    max_length: int = 64
    seed: int = 0
    eval_every: int = 250
    time_budget_s: float | None = None


@dataclass
class Targets:
    """Query texts (as the pipeline encodes them) and their soft grades over every job."""

    query_ids: list[str]
    texts: list[str]
    grades: np.ndarray  # int8 (n_queries, n_jobs)


def soft_grades(q: SynthQuery, grader: PolicyGrader) -> np.ndarray:
    """Grades of every job with the strict filters lifted: the index's filter mask enforces
    those; the retriever's job is to order what passes."""
    intent = q.intent.model_copy(update={"filters": Filters()})
    return grader.grade_rows(intent, np.arange(grader.jobs.n)).grades


def build_targets(queries: Sequence[SynthQuery], grader: PolicyGrader, parse: Parse, *,
                  progress: bool = True) -> Targets:
    """Queries the judge finds no relevant job for teach nothing and are dropped."""
    from tqdm import tqdm

    ids, texts, rows = [], [], []
    for q in tqdm(queries, desc="grading targets", unit="query", disable=not progress, leave=False):
        g = soft_grades(q, grader)
        if g.max() == 0:
            continue
        ids.append(q.query_id)
        texts.append(parse(q.intent.text, q.intent.member_id) or q.intent.text)
        rows.append(g)
    grades = np.stack(rows).astype(np.int8) if rows else np.zeros((0, grader.jobs.n), np.int8)
    return Targets(ids, texts, grades)


def mean_ndcg(query_vectors: np.ndarray, doc_vectors: np.ndarray, grades: np.ndarray, k: int = 10) -> float:
    """NDCG@k of ranking every job by cosine, against the soft grades."""
    scores = query_vectors @ doc_vectors.T
    top = np.argsort(-scores, axis=1)[:, :k]
    return float(np.mean([ndcg_at(grades[i, top[i]], grades[i], k) for i in range(len(grades))]))


class QueryTower:
    """MiniLM with mean pooling (the retriever's own architecture) trained on the query side."""

    def __init__(self, embedder: Any, tokenizer: Any, max_length: int) -> None:
        self.embedder = embedder
        self.tokenizer = tokenizer
        self.max_length = max_length

    @classmethod
    def from_base(cls, *, max_length: int = 64) -> QueryTower:
        from jobsearch.encode.tokenize import load_tokenizer
        from jobsearch.encode.torch_encoder import base_model_path, load_embedder

        base = base_model_path()
        return cls(load_embedder(base), load_tokenizer(base, max_length), max_length)

    def _forward(self, texts: Sequence[str]) -> torch.Tensor:
        from jobsearch.encode.tokenize import pad_batch, token_ids

        ids, mask = pad_batch(token_ids(self.tokenizer, list(texts)))
        return self.embedder(torch.from_numpy(ids), torch.from_numpy(mask))

    def encode(self, texts: Sequence[str], batch_size: int = 128) -> np.ndarray:
        self.embedder.eval()
        with torch.inference_mode():
            parts = [self._forward(texts[i : i + batch_size]).float().numpy() for i in range(0, len(texts), batch_size)]
        return np.concatenate(parts) if parts else np.zeros((0, 384), np.float32)

    def train(self, train: Targets, doc_vectors: np.ndarray, config: TowerConfig, *, val: Targets | None = None,
              progress: bool = True) -> list[dict[str, float]]:
        """Listwise distillation: KL(target || softmax(q . D / T)) over the whole corpus,
        target proportional to e^(grade_scale * grade). Returns the learning curve
        (step, loss, val NDCG@10) and keeps the weights of the best validation step."""
        from tqdm import tqdm

        rng = random.Random(config.seed)
        torch.manual_seed(config.seed)
        docs = torch.from_numpy(np.ascontiguousarray(doc_vectors, dtype=np.float32))
        log_target = torch.log_softmax(torch.from_numpy(train.grades.astype(np.float32)) * config.grade_scale, dim=1)
        opt = torch.optim.AdamW(self.embedder.parameters(), lr=config.lr, weight_decay=0.01)
        warm = max(1, config.steps // 20)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min((s + 1) / warm, max(0.0, (config.steps - s) / max(1, config.steps - warm))))
        curve: list[dict[str, float]] = []
        best: tuple[float, dict[str, Any] | None] = (-1.0, None)

        def checkpoint(step: int, loss: float) -> None:
            nonlocal best
            point: dict[str, float] = {"step": step, "loss": round(loss, 4)}
            if val is not None and len(val.texts):
                point["val_ndcg@10"] = round(mean_ndcg(self.encode(val.texts), doc_vectors, val.grades), 4)
                if point["val_ndcg@10"] > best[0]:
                    best = (point["val_ndcg@10"], {k: v.detach().clone() for k, v in self.embedder.state_dict().items()})
                self.embedder.train()
            curve.append(point)

        checkpoint(0, float("nan"))
        self.embedder.train()
        started, losses = time.monotonic(), []
        bar = tqdm(total=config.steps, desc="training query tower", unit="step", disable=not progress)
        for step in range(1, config.steps + 1):
            idx = rng.sample(range(len(train.texts)), min(config.batch_size, len(train.texts)))
            q = self._forward([train.texts[i] for i in idx])
            log_p = torch.log_softmax(q @ docs.T / config.temperature, dim=1)
            loss = torch.nn.functional.kl_div(log_p, log_target[idx], log_target=True, reduction="batchmean")
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.embedder.parameters(), 1.0)
            opt.step()
            sched.step()
            losses.append(loss.item())
            bar.update(1)
            bar.set_postfix(loss=f"{np.mean(losses[-20:]):.3f}")
            out_of_time = config.time_budget_s is not None and time.monotonic() - started > config.time_budget_s
            if step % config.eval_every == 0 or step == config.steps or out_of_time:
                checkpoint(step, float(np.mean(losses[-config.eval_every:])))
            if out_of_time:
                break
        bar.close()
        if best[1] is not None:
            self.embedder.load_state_dict(best[1])
        self.embedder.eval()
        return curve

    def save(self, folder: Any) -> None:
        """HF weights + tokenizer files: a folder `export_retriever(source=...)` can export."""
        import shutil
        from pathlib import Path

        from jobsearch.encode.export import TOKENIZER_FILES
        from jobsearch.encode.torch_encoder import base_model_path

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.embedder.bert.save_pretrained(str(folder))  # writes its own config.json
        base = base_model_path()
        for name in TOKENIZER_FILES:
            if name != "config.json" and (base / name).is_file():
                shutil.copy2(base / name, folder / name)


def config_dict(config: TowerConfig) -> dict[str, Any]:
    return asdict(config)
