"""The sparse mask against ordinary attention, and the short fine-tune that closes the gap.

A student trained with full attention reads its score from the pair's [CLS], which under the
sparse mask cannot see the job; the cached path reads the candidate's own [CLS] instead. So a
checkpoint needs a short self-distillation under the sparse mask before it serves: the same
weights, run as `PrefixCrossEncoder`, learn to give the scores the full-attention model gives
(MSE on scores plus listwise KL within each query's candidates). `judged_ndcg` measures both
on the LLM-judged dev set (../shared/relevance/judged-dev.jsonl)."""

from __future__ import annotations

import copy
import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from jobsearch.rank.compact import record_text
from jobsearch.rank.inputs import PairTokenizer
from jobsearch.rank.prefix import PrefixCrossEncoder

# (query side, candidate compact texts)
QueryList = tuple[str, list[str]]


def full_scores(model: Any, tok: PairTokenizer, query: str, texts: Sequence[str]) -> np.ndarray:
    """Ordinary (full-attention) cross-encoder scores, read at the pair's [CLS]."""
    ids, mask, types = tok.pairs(query, texts)
    with torch.no_grad():
        out = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask),
                    token_type_ids=torch.from_numpy(types)).logits[:, 0]
    return out.numpy()


def sparse_scores(enc: PrefixCrossEncoder, tok: PairTokenizer, query: str, texts: Sequence[str]) -> np.ndarray:
    """Scores of the cached sparse path (what the ONNX graphs compute), in PyTorch."""
    ids, mask = tok.candidates(texts)
    with torch.no_grad():
        keys, values = enc.prefix(torch.from_numpy(tok.prefix(query)))
        return enc.candidate(torch.from_numpy(ids), torch.from_numpy(mask), keys, values).numpy()


@dataclass
class TuneConfig:
    """steps: optimizer steps, one query's candidates each. lr: AdamW peak (linear decay).
    kl_weight: weight of the listwise KL beside the score MSE. max_candidates: per step."""

    steps: int = 400
    lr: float = 3e-5
    kl_weight: float = 1.0
    max_candidates: int = 32
    seed: int = 0
    max_minutes: float = 0.0


def sparse_tune(model: Any, tok: PairTokenizer, lists: Sequence[QueryList], config: TuneConfig,
                *, log: Callable[[str], None] = print) -> Any:
    """A copy of `model` fine-tuned so its sparse cached path gives the scores `model` gives
    with full attention. Returns the tuned BertForSequenceClassification."""
    if not lists:
        raise ValueError("sparse_tune needs at least one (query, candidates) list")
    rng = random.Random(config.seed)
    torch.manual_seed(config.seed)
    teacher = model.eval()
    targets = [full_scores(teacher, tok, q, texts) for q, texts in lists]
    student = copy.deepcopy(model).train()
    enc = PrefixCrossEncoder(student)
    opt = torch.optim.AdamW(student.parameters(), lr=config.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, 1 - s / config.steps))
    started = time.monotonic()
    for step in range(config.steps):
        i = rng.randrange(len(lists))
        query, texts = lists[i]
        pick = rng.sample(range(len(texts)), min(config.max_candidates, len(texts)))
        ids, mask = tok.candidates([texts[j] for j in pick])
        want = torch.from_numpy(targets[i][pick])
        keys, values = enc.prefix(torch.from_numpy(tok.prefix(query)))
        got = enc.candidate(torch.from_numpy(ids), torch.from_numpy(mask), keys, values)
        kl = torch.nn.functional.kl_div(torch.log_softmax(got, 0), torch.softmax(want, 0), reduction="sum")
        loss = torch.nn.functional.mse_loss(got, want) + config.kl_weight * kl
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(student.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 50 == 0:
            log(f"step {step}: loss {loss.item():.4f}")
        if config.max_minutes and time.monotonic() - started > config.max_minutes * 60:
            log(f"stopped at step {step}: --max-minutes {config.max_minutes}")
            break
    return student.eval()


def read_judged(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def judged_query_side(entry: dict[str, Any]) -> str:
    """The query side the ranker would read for a dev-set query (its member, when given)."""
    from jobsearch.rank.inputs import query_side
    from jobsearch.schema import Member, ParsedQuery

    member = None
    if entry.get("member"):
        fields = set(Member.model_fields)
        member = Member(**{k: v for k, v in entry["member"].items() if k in fields})
    return query_side(ParsedQuery(text=entry["query"], semantic_text=entry["query"]), member)


def ndcg_at(grades_in_order: Sequence[float], k: int = 10) -> float:
    gains = [(2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades_in_order[:k])]
    ideal = [(2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(sorted(grades_in_order, reverse=True)[:k])]
    return sum(gains) / sum(ideal) if sum(ideal) > 0 else float("nan")


def judged_ndcg(score: Callable[[str, list[str]], np.ndarray], judged: Sequence[dict[str, Any]],
                k: int = 10) -> float:
    """Mean NDCG@k of re-ranking each judged pool by `score(query side, compact texts)`
    (pools with no graded-relevant posting are skipped)."""
    values = []
    for entry in judged:
        pool = entry["judged"]
        texts = [record_text(j["posting"]) for j in pool]
        grades = np.array([j["grade"] for j in pool], dtype=float)
        if not len(grades) or grades.max() <= 0:
            continue
        s = score(judged_query_side(entry), texts)
        values.append(ndcg_at(grades[np.argsort(-s, kind="stable")].tolist(), k))
    return float(np.mean(values))


def read_query_texts(path: Path, *, split: str = "train") -> list[tuple[str, str | None]]:
    """(text, member id) of the `split` queries in a `jobsearch eval queries` queries.jsonl."""
    out = []
    for line in Path(path).read_text().splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("split", split) != split:
            continue
        intent = row.get("intent") or {}
        out.append((intent.get("text") or row.get("text") or row["query"], intent.get("member_id")))
    return out


def lists_from_pipeline(queries: Path, *, index: Path | None, corpus: Path | None, n_queries: int,
                        depth: int, seed: int = 0) -> list[QueryList]:
    """(query side, compact texts of the retriever's top `depth`) for `n_queries` train queries."""
    from jobsearch.pipeline import open_pipeline
    from jobsearch.query.relative_pay import for_retrieval
    from jobsearch.rank.inputs import query_side

    pipeline = open_pipeline(index, corpus, warm=False, ranker=False)
    texts = read_query_texts(queries)
    random.Random(seed).shuffle(texts)
    out: list[QueryList] = []
    for text, member_id in texts[:n_queries]:
        parsed = pipeline.engine.parse(text, member_id)
        vec = pipeline.encoder.encode([parsed.semantic_text or text])
        cands = pipeline.retriever.search(np.asarray(vec, np.float32), for_retrieval(parsed.filters), depth,
                                          with_records=True)[0]
        if len(cands) >= 2 and cands.records:
            member = pipeline.members.get(member_id) if member_id else None
            out.append((query_side(parsed, member), [record_text(r) for r in cands.records]))
    return out
