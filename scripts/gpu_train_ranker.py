"""Train the ranker at scale in one run (an accelerator when lent, else the CPU at a small
size): embed the corpus, measure retrieval order, train the teacher cross-encoder on policy
grades, score the retriever's top-K of many queries with it, distil layer-pruned students
(query-prefix sparse attention, compact job text; Margin-MSE + listwise KL), evaluate all on
the policy val/test splits (re-ranking the top 100) and on the judged dev pools, and write
the chosen student in fp16 parts plus metrics to --out as it goes.

Reads only the bundle of models/ranker_data.py (`jobsearch eval ranker-bundle`) and a
MiniLM folder; imports torch, transformers, numpy and two torch-only modules of this repo
(the prefix model and the losses), so it runs under an accelerator image's own Python.

  python scripts/gpu_train_ranker.py --bundle .rankdata --base .rankdata/minilm --out OUT [--tiny]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import math
import random
import sys
import time
import types
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
T0 = time.monotonic()



def optimizer_step(loss, model, opt, sched) -> float:  # noqa: ANN001 - torch objects
    """Backward, clip to norm 1, step optimiser and schedule, clear grads; the loss value."""
    from torch import nn

    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    sched.step()
    opt.zero_grad(set_to_none=True)
    return float(loss.detach())

def _repo_modules() -> tuple[Any, Any, Any]:
    """PrefixCrossEncoder and the two losses, loaded from their files (the repo need not
    be installed; `jobsearch.models` maps to models/ only in an installed package)."""
    sys.path.insert(0, str(ROOT))
    if "jobsearch.models" not in sys.modules:
        try:
            import jobsearch.models  # noqa: F401  (installed: the real package)
        except ImportError:
            pkg = types.ModuleType("jobsearch.models")
            pkg.__path__ = [str(ROOT / "models")]
            sys.modules["jobsearch.models"] = pkg
    from jobsearch.models.losses.listwise_kl import ListwiseKLLoss
    from jobsearch.models.losses.margin_mse import MarginMSELoss

    spec = importlib.util.spec_from_file_location("_prefix", ROOT / "jobsearch" / "rank" / "prefix.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod.PrefixCrossEncoder, MarginMSELoss, ListwiseKLLoss


class Run:
    def __init__(self, out: Path) -> None:
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        self.metrics: dict[str, Any] = {"stages": {}}
        self.logf = open(out / "log.txt", "a")  # noqa: SIM115

    def log(self, msg: str) -> None:
        line = f"[{time.monotonic() - T0:7.1f}s] {msg}"
        print(line, flush=True)
        self.logf.write(line + "\n")
        self.logf.flush()

    def put(self, key: str, value: Any) -> None:
        self.metrics[key] = value
        self.metrics["elapsed_s"] = round(time.monotonic() - T0, 1)
        (self.out / "metrics.json").write_text(json.dumps(self.metrics, indent=1))


def read_gz(path: Path) -> Any:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)


# ---------------------------------------------------------------- metrics (numpy only)
def dcg(g: np.ndarray, k: int) -> float:
    g = np.asarray(g[:k], dtype=np.float64)
    return float(((2.0 ** g - 1) / np.log2(np.arange(2, len(g) + 2))).sum())


def ndcg(ranked: np.ndarray, ideal: np.ndarray, k: int = 10) -> float:
    best = dcg(np.sort(np.asarray(ideal))[::-1], k)
    return dcg(np.asarray(ranked), k) / best if best > 0 else 0.0


# ---------------------------------------------------------------- models
def amp(device: torch.device) -> Any:
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=device.type == "cuda")


def embed(model: Any, tok: Any, texts: list[str], device: torch.device, *, bs: int, max_len: int = 128) -> np.ndarray:
    out = []
    with torch.inference_mode(), amp(device):
        for s in range(0, len(texts), bs):
            enc = tok(texts[s:s + bs], truncation=True, max_length=max_len, padding=True, return_tensors="pt").to(device)
            h = model(**enc).last_hidden_state.float()
            m = enc["attention_mask"].unsqueeze(-1).float()
            v = (h * m).sum(1) / m.sum(1).clamp(min=1)
            out.append(nn.functional.normalize(v, dim=-1).cpu())
    return torch.cat(out).numpy() if out else np.zeros((0, 384), np.float32)


def cross_model(base: Path, layers: int, device: torch.device) -> Any:
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(str(base), num_labels=1, dtype=torch.float32)
    model.bert.encoder.layer = model.bert.encoder.layer[:layers]
    model.config.num_hidden_layers = layers
    # all-MiniLM was trained with mean pooling; its CLS pooler barely responds. An identity
    # pooler passes tanh(CLS) through so the head starts from real features (models/teacher.py).
    with torch.no_grad():
        d = model.bert.pooler.dense
        d.weight.copy_(torch.eye(d.weight.shape[0]))
        d.bias.zero_()
    return model.to(device)


def param_groups(model: Any, lr: float, head_scale: float = 20.0) -> list[dict[str, Any]]:
    head = [p for n, p in model.named_parameters() if n.startswith(("classifier", "bert.pooler"))]
    body = [p for n, p in model.named_parameters() if not n.startswith(("classifier", "bert.pooler"))]
    return [{"params": body, "lr": lr}, {"params": head, "lr": lr * head_scale}]


def schedule(opt: Any, total: int) -> Any:
    warm = max(1, total // 10)
    return torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total - s) / max(1, total - warm)) if s >= warm else (s + 1) / warm)


def score_pairs(model: Any, tok: Any, qs: list[str], js: list[str], device: torch.device, *, bs: int,
                max_len: int) -> np.ndarray:
    out = np.zeros(len(qs), np.float32)
    model.eval()
    with torch.inference_mode(), amp(device):
        for s in range(0, len(qs), bs):
            enc = tok(qs[s:s + bs], js[s:s + bs], truncation="longest_first", max_length=max_len, padding=True,
                      return_tensors="pt").to(device)
            out[s:s + bs] = model(**enc).logits.squeeze(-1).float().cpu().numpy()
    return out


class Student:
    """The served layout: `[CLS] query [SEP]` prefix + `[CLS] job [SEP]` candidate under the
    sparse mask, score at the candidate's [CLS] (jobsearch/rank/prefix.py, inputs.py)."""

    def __init__(self, prefix_cls: Any, model: Any, tok: Any, device: torch.device, *, prefix_tokens: int = 48,
                 candidate_tokens: int = 66) -> None:
        self.model = model
        self.enc = prefix_cls(model)
        self.tok = tok
        self.device = device
        self.pt, self.ct = prefix_tokens, candidate_tokens
        cls_id, sep_id = tok.cls_token_id, tok.sep_token_id
        self.cls, self.sep = cls_id, sep_id
        enc = self.enc

        def _embed(input_ids: torch.Tensor, *, offset: Any, token_type: Any) -> torch.Tensor:  # device-aware
            emb = enc.bert.embeddings
            n = input_ids.shape[1]
            pos = (torch.arange(n, device=input_ids.device) + offset).unsqueeze(0)
            types_ = token_type if isinstance(token_type, torch.Tensor) else torch.full_like(input_ids, token_type)
            x = emb.word_embeddings(input_ids) + emb.position_embeddings(pos) + emb.token_type_embeddings(types_)
            return emb.LayerNorm(x)

        enc._embed = _embed

    def ids(self, texts: list[str], limit: int) -> list[list[int]]:
        if not texts:
            return []
        enc = self.tok(texts, add_special_tokens=False, truncation=False)["input_ids"]
        return [[self.cls, *e[: limit - 2], self.sep] for e in enc]

    def _run(self, prefixes: list[list[int]], per: int, flat: list[list[int]]) -> torch.Tensor:
        """Scores of `flat` candidates; prefix q serves candidates q*per..(q+1)*per-1. All
        prefixes have one length p (the served layout: candidate positions start at p)."""
        p = len(prefixes[0])
        b = len(flat)
        c = max(len(x) for x in flat)
        ids = np.zeros((b, p + c), np.int64)
        cmask = np.zeros((b, c), np.int64)
        ids[:, :p] = np.repeat(np.asarray(prefixes, np.int64), per, axis=0)
        for i, x in enumerate(flat):
            ids[i, p:p + len(x)] = x
            cmask[i, :len(x)] = 1
        d = self.device
        ids_t = torch.from_numpy(ids).to(d)
        cm = torch.from_numpy(cmask).to(d)
        types_ = torch.zeros_like(ids_t)
        types_[:, p:] = 1
        n = p + c
        mask = torch.zeros(b, n, n, dtype=torch.long, device=d)
        mask[:, :, :p] = 1
        mask[:, :p, p:] = 0
        mask[:, p:, p:] = cm[:, None, :].expand(b, c, c)
        return self.enc.full(ids_t, types_, mask, score_at=p)

    def forward(self, prefix: list[int], cands: list[list[int]]) -> torch.Tensor:
        """Scores of candidates (token id lists) against one prefix (token id list)."""
        return self._run([prefix], len(cands), cands)

    def forward_groups(self, prefixes: list[list[int]], cands: list[list[list[int]]]) -> torch.Tensor:
        """(Q, K) scores: queries with prefixes of one length, K candidates each, in one batch."""
        if any(len(x) != len(prefixes[0]) for x in prefixes):
            raise ValueError("forward_groups needs prefixes of one length")
        q, k = len(prefixes), len(cands[0])
        return self._run(prefixes, k, [x for group in cands for x in group]).view(q, k)

    def score_lists(self, prefix_ids: list[list[int]], cand_ids: list[list[list[int]]], *, bs: int = 512) -> list[np.ndarray]:
        self.model.eval()
        out = []
        with torch.inference_mode(), amp(self.device):
            for pre, cands in zip(prefix_ids, cand_ids, strict=True):
                parts = [self.forward(pre, cands[s:s + bs]).float().cpu().numpy() for s in range(0, len(cands), bs)]
                out.append(np.concatenate(parts) if parts else np.zeros(0, np.float32))
        return out


# ---------------------------------------------------------------- the run
def main() -> None:  # noqa: C901, PLR0915 - one linear script, stage by stage
    ap = argparse.ArgumentParser()
    ap.add_argument("--bundle", type=Path, default=ROOT / ".rankdata")
    ap.add_argument("--base", type=Path, default=ROOT / ".rankdata" / "minilm")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--tiny", action="store_true", help="a few steps of everything (CPU smoke test)")
    ap.add_argument("--teacher-epochs", type=float, default=2.0)
    ap.add_argument("--teacher-seconds", type=float, default=140)
    ap.add_argument("--teacher-max-len", type=int, default=160)
    ap.add_argument("--distill-k", type=int, default=32)
    ap.add_argument("--pseudo-queries", type=int, default=8000, help="job-title queries added to the distillation set")
    ap.add_argument("--student-layers", default="2,3,1,6")
    ap.add_argument("--student-epochs", type=float, default=3.0)
    ap.add_argument("--student-seconds", type=float, default=55)
    ap.add_argument("--eval-depth", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    prefix_cls, MarginMSELoss, ListwiseKLLoss = _repo_modules()
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    run = Run(args.out)
    tiny = args.tiny
    bs_big = 1024 if device.type == "cuda" else 64
    run.put("device", torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu")
    run.put("args", {k: str(v) for k, v in vars(args).items()})
    run.log(f"device {run.metrics['device']}, torch {torch.__version__}")

    jobs = read_gz(args.bundle / "jobs.json.gz")
    queries = read_gz(args.bundle / "queries.json.gz")
    tp = np.load(args.bundle / "teacher.npz")
    ev = np.load(args.bundle / "eval.npz")
    dev = read_gz(args.bundle / "dev.json.gz") if (args.bundle / "dev.json.gz").exists() else []
    n_jobs = len(jobs["job_id"])
    if tiny:
        dev = dev[:3]
    tok = AutoTokenizer.from_pretrained(str(args.base))
    run.log(f"bundle: {n_jobs} jobs, {len(queries)} queries, {len(tp['g'])} teacher pairs, {len(ev['qidx'])} eval queries, {len(dev)} dev queries")

    # 1. retrieval: MiniLM vectors of every job and query (mean pooling, as the index)
    enc_model = AutoModel.from_pretrained(str(args.base), dtype=torch.float32).to(device).eval()
    if tiny:  # a CPU smoke test embeds a few hundred jobs; the rest score 0 (never retrieved first)
        some = sorted(set(rng.sample(range(n_jobs), min(200, n_jobs))) | set(tp["j"][:64].tolist()))
        job_vec = np.zeros((n_jobs, 384), np.float32)
        job_vec[some] = embed(enc_model, tok, [jobs["embed"][j] for j in some], device, bs=bs_big)
    else:
        job_vec = embed(enc_model, tok, jobs["embed"], device, bs=bs_big)
    q_vec = embed(enc_model, tok, [q["semantic"] for q in queries], device, bs=bs_big)
    run.log("embedded jobs and queries")

    eval_q = ev["qidx"].tolist()
    soft = ev["soft"].astype(np.int64)
    allowed = np.unpackbits(ev["allowed"], axis=1)[:, :n_jobs].astype(bool) if len(eval_q) else np.zeros((0, n_jobs), bool)
    depth = 5 if tiny else args.eval_depth
    pools: list[np.ndarray] = []
    for r, qi in enumerate(eval_q):
        s = job_vec @ q_vec[qi]
        s = np.where(allowed[r], s, -np.inf)
        top = np.argsort(-s)[:depth]
        pools.append(top[np.isfinite(s[top])])
    split_of = [queries[qi]["split"] for qi in eval_q]

    def policy_eval(name: str, scores: list[np.ndarray]) -> dict[str, Any]:
        res: dict[str, Any] = {}
        for split in ("val", "test"):
            vals = []
            for r in range(len(eval_q)):
                if split_of[r] != split or not (soft[r][allowed[r]] >= 3).any():
                    continue
                pool = pools[r]
                order = pool[np.argsort(-scores[r], kind="stable")]
                vals.append(ndcg(soft[r][order], soft[r][allowed[r]], 10))
            res[split] = {"ndcg@10": float(np.mean(vals)) if vals else None, "n": len(vals)}
        return res

    retrieval_scores = [job_vec[p] @ q_vec[qi] for p, qi in zip(pools, eval_q, strict=True)]
    results: dict[str, Any] = {"retrieval": policy_eval("retrieval", retrieval_scores)}
    run.put("policy", results)
    dev_scores: dict[str, dict[str, list[float]]] = {}
    if dev:
        dq_vec = embed(enc_model, tok, [d["semantic"] for d in dev], device, bs=bs_big)
        for d, v in zip(dev, dq_vec, strict=True):
            jv = embed(enc_model, tok, d["embed"], device, bs=bs_big)
            dev_scores[d["qid"]] = {"retrieval": (jv @ v).tolist()}
    run.log(f"retrieval: {results['retrieval']}")
    del enc_model

    def save_dev() -> None:
        with gzip.open(args.out / "dev_scores.json.gz", "wt") as f:
            json.dump(dev_scores, f)

    save_dev()

    # 2. teacher: full cross-attention over (query side, teacher text), soft policy grades
    tq, tj, tg = tp["q"], tp["j"], tp["g"].astype(np.float32)
    teacher = cross_model(args.base, 6, device)
    n_pairs = len(tg)
    tbs = 256 if device.type == "cuda" else 16
    steps = 3 if tiny else math.ceil(n_pairs / tbs * args.teacher_epochs)
    opt = torch.optim.AdamW(param_groups(teacher, 5e-5), weight_decay=0.01)
    sched = schedule(opt, steps)
    bce = nn.BCEWithLogitsLoss()
    order = np.arange(n_pairs)
    teacher.train()
    step, t_start, losses = 0, time.monotonic(), []
    while step < steps and time.monotonic() - t_start < args.teacher_seconds:
        np.random.default_rng(step).shuffle(order)
        for s in range(0, n_pairs, tbs):
            if step >= steps or time.monotonic() - t_start > args.teacher_seconds:
                break
            b = order[s:s + tbs]
            enc = tok([queries[q]["side"] for q in tq[b]], [jobs["teacher"][j] for j in tj[b]], truncation="longest_first",
                      max_length=args.teacher_max_len, padding=True, return_tensors="pt").to(device)
            with amp(device):
                logits = teacher(**enc).logits.squeeze(-1).float()
            loss = bce(logits, torch.tensor(tg[b] / 4.0, device=device))
            losses.append(optimizer_step(loss, teacher, opt, sched))
            step += 1
            if step % 200 == 0:
                run.log(f"teacher step {step}/{steps} loss {np.mean(losses[-100:]):.4f}")
    run.put("teacher_train", {"steps": step, "planned": steps, "pairs": n_pairs, "seconds": round(time.monotonic() - t_start, 1),
                              "loss_first": float(np.mean(losses[:20])), "loss_last": float(np.mean(losses[-20:]))})
    t_eval = time.monotonic()
    teacher_scores = []
    for p, qi in zip(pools, eval_q, strict=True):
        teacher_scores.append(score_pairs(teacher, tok, [queries[qi]["side"]] * len(p), [jobs["teacher"][j] for j in p],
                                          device, bs=bs_big, max_len=args.teacher_max_len))
    n_scored = sum(len(p) for p in pools)
    results["teacher"] = policy_eval("teacher", teacher_scores)
    results["teacher"]["pairs_per_s"] = round(n_scored / max(1e-9, time.monotonic() - t_eval), 1)
    for d in dev:
        dev_scores[d["qid"]]["teacher"] = score_pairs(teacher, tok, [d["side"]] * len(d["teacher"]), d["teacher"], device,
                                                      bs=bs_big, max_len=args.teacher_max_len).tolist()
    run.put("policy", results)
    save_dev()
    run.log(f"teacher: {results['teacher']}")

    # 3. distillation set: the retriever's top-K of every train query and of job-title
    #    pseudo-queries, scored by the teacher
    k = 4 if tiny else args.distill_k
    train_q = [i for i, q in enumerate(queries) if q["split"] == "train"]
    n_pseudo = 8 if tiny else args.pseudo_queries
    pseudo_jobs = rng.sample(range(n_jobs), min(n_pseudo, n_jobs))
    pseudo_text = [jobs["compact"][j].split(". Skills:")[0].split(" (")[0] for j in pseudo_jobs]
    sides = [queries[i]["side"] for i in train_q] + pseudo_text
    sem_vec = q_vec[train_q]
    if pseudo_text:
        enc_model = AutoModel.from_pretrained(str(args.base), dtype=torch.float32).to(device).eval()
        sem_vec = np.concatenate([q_vec[train_q], embed(enc_model, tok, pseudo_text, device, bs=bs_big)])
        del enc_model
    if tiny:
        sides, sem_vec = sides[:16], sem_vec[:16]
    jv_t = torch.tensor(job_vec, device=device)
    cand = torch.topk(torch.tensor(sem_vec, device=device) @ jv_t.T, k, dim=1).indices.cpu().numpy()
    t_logits = np.zeros(cand.shape, np.float32)
    flat_q = [sides[i] for i in range(len(sides)) for _ in range(k)]
    flat_j = [jobs["teacher"][j] for j in cand.reshape(-1)]
    t_logits = score_pairs(teacher, tok, flat_q, flat_j, device, bs=bs_big, max_len=args.teacher_max_len).reshape(cand.shape)
    run.put("distill_set", {"queries": len(sides), "k": k, "pairs": int(cand.size), "teacher_pairs": n_pairs,
                            "logit_mean": float(t_logits.mean()), "logit_std": float(t_logits.std())})
    run.log(f"distillation set: {len(sides)} queries x {k} = {cand.size} pairs")
    del teacher
    if device.type == "cuda":
        torch.cuda.empty_cache()

    # 4. students: first L layers of MiniLM, sparse prefix attention, compact text
    margin, listwise = MarginMSELoss(), ListwiseKLLoss(temperature=1.0)
    layer_list = [int(x) for x in args.student_layers.split(",")]
    best: tuple[int, float] | None = None
    teacher_test = results["teacher"]["test"]["ndcg@10"] or 0.0
    compact_ids_cache: dict[int, list[int]] = {}
    for layers in layer_list:
        model = cross_model(args.base, layers, device)
        st = Student(prefix_cls, model, tok, device)
        pre_ids = st.ids(sides, st.pt)
        need = sorted(set(cand.reshape(-1).tolist()) | {int(j) for p in pools for j in p})
        missing = [j for j in need if j not in compact_ids_cache]
        for j, ids in zip(missing, st.ids([jobs["compact"][j] for j in missing], st.ct), strict=True):
            compact_ids_cache[j] = ids
        by_len: dict[int, list[int]] = {}
        for i, p in enumerate(pre_ids):
            by_len.setdefault(len(p), []).append(i)
        qpb = max(1, (512 if device.type == "cuda" else 16) // k)  # queries per step
        batches = [grp[s:s + qpb] for grp in by_len.values() for s in range(0, len(grp), qpb)]
        steps = 3 if tiny else math.ceil(len(batches) * args.student_epochs)
        opt = torch.optim.AdamW(param_groups(model, 1e-4, 10.0), weight_decay=0.01)
        sched = schedule(opt, steps)
        model.train()
        step, s_start, losses = 0, time.monotonic(), []
        while step < steps and time.monotonic() - s_start < args.student_seconds:
            rng.shuffle(batches)
            for bq in batches:
                if step >= steps or time.monotonic() - s_start > args.student_seconds:
                    break
                with amp(device):
                    s_scores = st.forward_groups([pre_ids[i] for i in bq],
                                                 [[compact_ids_cache[int(j)] for j in cand[i]] for i in bq]).float()
                t = torch.tensor(t_logits[bq], device=device)
                loss = listwise(s_scores, t) + 0.2 * margin(s_scores, t) if k > 1 else ((s_scores - t) ** 2).mean()
                losses.append(optimizer_step(loss, model, opt, sched))
                step += 1
                if step % 200 == 0:
                    run.log(f"student L{layers} step {step}/{steps} loss {np.mean(losses[-100:]):.4f}")
        train_s = time.monotonic() - s_start
        t_eval = time.monotonic()
        prefixes = st.ids([queries[qi]["side"] for qi in eval_q], st.pt)
        s_scores_eval = st.score_lists(prefixes, [[compact_ids_cache[int(j)] for j in p] for p in pools])
        pps = n_scored / max(1e-9, time.monotonic() - t_eval)
        name = f"student_L{layers}"
        results[name] = policy_eval(name, s_scores_eval)
        results[name].update({"steps": step, "planned_steps": steps, "train_s": round(train_s, 1),
                              "loss_first": float(np.mean(losses[:20])) if losses else None,
                              "loss_last": float(np.mean(losses[-20:])) if losses else None,
                              "pairs_per_s_eval": round(pps, 1)})
        for d in dev:
            pre = st.ids([d["side"]], st.pt)
            dev_scores[d["qid"]][name] = st.score_lists(pre, [st.ids(d["compact"], st.ct)])[0].tolist()
        run.put("policy", results)
        save_dev()
        run.log(f"{name}: {results[name]}")
        test = results[name]["test"]["ndcg@10"] or 0.0
        ok = test >= 0.97 * teacher_test
        rank_key = (0 if ok else 1, layers if ok else -test)
        if layers <= 3 and (best is None or rank_key < best[1]):
            best = (layers, rank_key)
            save_student(model, args.out, layers, run)
            np.savez_compressed(args.out / "eval_scores.npz", pools=np.array([np.pad(p, (0, depth - len(p)), constant_values=-1) for p in pools]),
                                qidx=np.array(eval_q), retrieval=_padded(retrieval_scores, depth),
                                teacher=_padded(teacher_scores, depth), student=_padded(s_scores_eval, depth),
                                student_layers=np.array(layers))
        del model, st, opt
        if device.type == "cuda":
            torch.cuda.empty_cache()
    run.put("chosen_student_layers", best[0] if best else None)
    run.log("done")


def _padded(lists: list[np.ndarray], depth: int) -> np.ndarray:
    out = np.full((len(lists), depth), np.nan, np.float32)
    for r, s in enumerate(lists):
        out[r, :len(s)] = s
    return out


def save_student(model: Any, out: Path, layers: int, run: Run, part_bytes: int = 15_000_000) -> None:
    """fp16 state dict as safetensors parts of <= part_bytes (the $OUT file limit); a tensor
    larger than a part is cut along its first axis into `<name>.__chunk<i>` pieces
    (models/student_checkpoint.py joins them)."""
    from safetensors.torch import save_file

    for old in out.glob("student.part*.safetensors"):
        old.unlink()
    sd: dict[str, torch.Tensor] = {}
    for key, v in model.state_dict().items():
        if not v.is_floating_point():
            continue
        t = v.detach().to(torch.float16).cpu().contiguous()
        nbytes = t.numel() * t.element_size()
        if nbytes <= part_bytes:
            sd[key] = t
            continue
        rows = max(1, part_bytes // max(1, nbytes // t.shape[0]))
        for i, s in enumerate(range(0, t.shape[0], rows)):
            sd[f"{key}.__chunk{i}"] = t[s:s + rows].contiguous()
    parts: list[dict[str, torch.Tensor]] = [{}]
    size = 0
    for key, t in sd.items():
        n = t.numel() * t.element_size()
        if size and size + n > part_bytes:
            parts.append({})
            size = 0
        parts[-1][key] = t
        size += n
    for i, p in enumerate(parts):
        save_file(p, str(out / f"student.part{i}.safetensors"))
    run.put("student_saved", {"layers": layers, "parts": len(parts)})
    run.log(f"saved student L{layers} in {len(parts)} parts")


if __name__ == "__main__":
    main()
