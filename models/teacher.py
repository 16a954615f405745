"""The teacher cross-encoder: MiniLM (the packaged all-MiniLM-L6-v2 weights) with a
one-logit head, trained on policy grades of (query, job) pairs. Later issues distil its
logits into the retriever and the ranker; its grades come from fitted cut points."""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from jobsearch.models.teacher_data import Pair
from torch import nn

META_FILE = "teacher.json"


@dataclass
class TrainConfig:
    """epochs: passes over the pairs. batch_size: pairs per step. lr: AdamW peak learning
    rate (linear warm-up over 10% of steps, then linear decay); the new head
    uses head_lr_scale times that. max_length: tokens of
    query + job. max_steps: stop early (tests). seed: shuffling and head init."""

    epochs: float = 1.0
    batch_size: int = 16
    lr: float = 4e-5
    max_length: int = 128
    max_steps: int | None = None
    seed: int = 0
    head_lr_scale: float = 20.0
    time_budget_s: float | None = None  # stop after this much wall-clock time (shared CPUs)


class GradeTargetLoss(nn.Module):
    """Binary cross-entropy of the logit against the grade scaled to [0, 1] (grade / 4),
    the soft-label loss sentence-transformers' CrossEncoder uses for graded relevance.

    Inputs: logits (batch,) float, grades (batch,) integers 0..4."""

    def __init__(self, n_grades: int = 5) -> None:
        super().__init__()
        self.top = n_grades - 1
        self.bce = nn.BCEWithLogitsLoss()

    def forward(self, logits: torch.Tensor, grades: torch.Tensor) -> torch.Tensor:
        if logits.shape != grades.shape:
            raise ValueError(f"expected logits and grades of one shape, got {tuple(logits.shape)} and {tuple(grades.shape)}")
        if grades.min() < 0 or grades.max() > self.top:
            raise ValueError(f"expected grades in 0..{self.top}, got {grades.min().item()}..{grades.max().item()}")
        return self.bce(logits, grades.float() / self.top)


def base_model_path() -> Path:
    from jobsearch.encode.torch_encoder import base_model_path as minilm

    return minilm()


class CrossEncoderTeacher:
    """score(queries, jobs) -> logits; grade(...) -> 0..4 via cut points on the logit."""

    def __init__(self, model: Any, tokenizer: Any, *, max_length: int = 128,
                 cuts: Sequence[float] | None = None) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.max_length = max_length
        # Default cut points: the logits where sigmoid(x) * 4 crosses .5, 1.5, 2.5, 3.5.
        self.cuts = list(cuts) if cuts else [math.log(p / (1 - p)) for p in (0.125, 0.375, 0.625, 0.875)]

    @classmethod
    def from_base(cls, *, max_length: int = 128, seed: int = 0) -> CrossEncoderTeacher:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        torch.manual_seed(seed)
        path = str(base_model_path())
        model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=1, local_files_only=True)
        # all-MiniLM-L6-v2 was trained with mean pooling; its CLS pooler barely responds
        # (|output| ~ 0.06), which starves the head of signal and the loss sits at ln 2.
        # An identity pooler passes tanh(CLS) through so fine-tuning starts from real features.
        with torch.no_grad():
            dense = model.bert.pooler.dense
            dense.weight.copy_(torch.eye(dense.weight.shape[0]))
            dense.bias.zero_()
        return cls(model, AutoTokenizer.from_pretrained(path, local_files_only=True), max_length=max_length)

    @classmethod
    def load(cls, folder: Path) -> CrossEncoderTeacher:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        from jobsearch.errors import ModelNotFoundError

        folder = Path(folder)
        if not (folder / META_FILE).exists():
            raise ModelNotFoundError(f"no teacher at {folder}; run `jobsearch eval train-teacher`")
        meta = json.loads((folder / META_FILE).read_text())
        model = AutoModelForSequenceClassification.from_pretrained(str(folder), local_files_only=True)
        tok = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        return cls(model, tok, max_length=meta["max_length"], cuts=meta["cuts"])

    def save(self, folder: Path, *, extra: dict | None = None) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(str(folder))
        self.tokenizer.save_pretrained(str(folder))
        meta = {"max_length": self.max_length, "cuts": self.cuts, "base": "all-MiniLM-L6-v2", **(extra or {})}
        (folder / META_FILE).write_text(json.dumps(meta, indent=2))

    def _batch(self, queries: Sequence[str], jobs: Sequence[str]) -> dict[str, torch.Tensor]:
        return self.tokenizer(list(queries), list(jobs), truncation="longest_first", max_length=self.max_length,
                              padding=True, return_tensors="pt")

    def score(self, queries: Sequence[str], jobs: Sequence[str], *, batch_size: int = 64,
              progress: bool = False) -> np.ndarray:
        if len(queries) != len(jobs):
            raise ValueError(f"expected as many jobs as queries, got {len(jobs)} and {len(queries)}")
        from tqdm import tqdm

        out = np.zeros(len(queries), dtype=np.float32)
        self.model.eval()
        starts = range(0, len(queries), batch_size)
        with torch.inference_mode():
            for s in tqdm(starts, desc="teacher scoring", unit="batch", disable=not progress, leave=False):
                enc = self._batch(queries[s : s + batch_size], jobs[s : s + batch_size])
                out[s : s + batch_size] = self.model(**enc).logits.squeeze(-1).float().numpy()
        return out

    def grades_of(self, logits: np.ndarray) -> np.ndarray:
        return np.searchsorted(np.asarray(self.cuts), logits).astype(np.int8)

    def fit_cuts(self, logits: np.ndarray, grades: np.ndarray) -> float:
        """Choose the four cut points that maximise QWK on held-out pairs (coordinate
        search over logit quantiles); returns that QWK."""
        from jobsearch.models.relevance_metrics import quadratic_weighted_kappa

        grid = np.quantile(logits, np.linspace(0.01, 0.99, 99))
        cuts = np.array(self.cuts, dtype=np.float64)
        best = quadratic_weighted_kappa(np.searchsorted(cuts, logits), grades)
        for _ in range(3):
            for c in range(4):
                lo = cuts[c - 1] if c else -np.inf
                hi = cuts[c + 1] if c < 3 else np.inf
                for v in grid[(grid > lo) & (grid < hi)]:
                    trial = cuts.copy()
                    trial[c] = v
                    k = quadratic_weighted_kappa(np.searchsorted(trial, logits), grades)
                    if k > best:
                        best, cuts = k, trial
        self.cuts = cuts.tolist()
        return float(best)

    def train(self, pairs: Sequence[Pair], config: TrainConfig, *, progress: bool = True) -> list[float]:
        """Fine-tune on pairs; returns the loss of every step."""
        from tqdm import tqdm
        from transformers import get_linear_schedule_with_warmup

        if not pairs:
            raise ValueError("expected training pairs, got none")
        rng = random.Random(config.seed)
        order = list(range(len(pairs)))
        steps_per_epoch = math.ceil(len(pairs) / config.batch_size)
        total = math.ceil(steps_per_epoch * config.epochs)
        if config.max_steps is not None:  # a step budget wins over epochs (tests, smoke runs)
            total = config.max_steps
        # The fresh head (pooler + classifier) learns at head_lr_scale x the encoder's rate:
        # at the encoder's rate it takes hundreds of steps to leave ln 2.
        head = [p for n, p in self.model.named_parameters() if n.startswith(("classifier", "bert.pooler"))]
        body = [p for n, p in self.model.named_parameters() if not n.startswith(("classifier", "bert.pooler"))]
        opt = torch.optim.AdamW([{"params": body, "lr": config.lr},
                                 {"params": head, "lr": config.lr * config.head_lr_scale}], weight_decay=0.01)
        sched = get_linear_schedule_with_warmup(opt, max(1, total // 10), total)
        loss_fn = GradeTargetLoss()
        self.model.train()
        losses: list[float] = []
        bar = tqdm(total=total, desc="training teacher", unit="step", disable=not progress)
        step = 0
        started = time.monotonic()
        while step < total:
            if config.time_budget_s is not None and time.monotonic() - started > config.time_budget_s:
                break
            rng.shuffle(order)
            for s in range(0, len(order), config.batch_size):
                if step >= total or (config.time_budget_s is not None
                                     and time.monotonic() - started > config.time_budget_s):
                    break
                batch = [pairs[i] for i in order[s : s + config.batch_size]]
                enc = self._batch([p.query for p in batch], [p.job for p in batch])
                logits = self.model(**enc).logits.squeeze(-1)
                loss = loss_fn(logits, torch.tensor([p.grade for p in batch]))
                loss.backward()
                nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                opt.step()
                sched.step()
                opt.zero_grad()
                losses.append(float(loss.item()))
                step += 1
                bar.update(1)
                bar.set_postfix(loss=f"{np.mean(losses[-20:]):.4f}")
        bar.close()
        self.model.eval()
        return losses


def throughput(teacher: CrossEncoderTeacher, pairs: Sequence[Pair], *, batch_size: int = 64) -> float:
    """Pairs scored per second (inference, current torch thread count)."""
    t = time.perf_counter()
    teacher.score([p.query for p in pairs], [p.job for p in pairs], batch_size=batch_size)
    return len(pairs) / (time.perf_counter() - t)


def config_dict(config: TrainConfig) -> dict:
    return asdict(config)
