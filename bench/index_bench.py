"""Flat index vs FAISS on the same data, queries and filters (issue 3).

Systems: this engine with fp16 rows (fused scan / gather) and with int8 rows (VNNI scan,
exact fp16 re-score from a memory-mapped file), faiss IndexFlatIP (+ IDSelectorBitmap),
faiss SQfp16, HNSW (M=32, efSearch 64/256) and IVF-Flat (nlist 1024, nprobe 8/32).
Data: random and clustered unit vectors, d=384. Reports p50/p99 latency, QPS, recall@10 vs
exact fp32, build time, add/remove of 1% of rows, bytes per vector, and the engine's scan
GB/s as a share of the read bandwidth measured in the same run. JSON to bench/results/.

    python bench/index_bench.py --quick                 # 200k, a few minutes
    python bench/index_bench.py --sizes 200000,1000000  # the full table (long)
    python bench/index_bench.py --sizes 1000000 --data random --batches 1,16,256 --no-ann
                                                        # 1M: engine fp16/int8 vs flat faiss
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

D = 384
K = 10
COMPANIES = 1000  # filter attribute: company code, uniform; m companies = m/1000 of rows
SELECTIVITY_COMPANIES = {1.0: 0, 0.1: 100, 0.01: 10, 0.001: 1}


def unit(x: np.ndarray) -> np.ndarray:
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def make_data(kind: str, n: int, nq: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if kind == "random":
        return (unit(rng.standard_normal((n, D), dtype=np.float32)),
                unit(rng.standard_normal((nq, D), dtype=np.float32)))
    centers = unit(rng.standard_normal((1000, D), dtype=np.float32))
    x = np.empty((n, D), np.float32)
    for s in range(0, n, 100_000):  # chunked: keeps peak memory at one copy
        e = min(n, s + 100_000)
        x[s:e] = centers[rng.integers(1000, size=e - s)] + 0.06 * rng.standard_normal((e - s, D), dtype=np.float32)
    q = centers[rng.integers(1000, size=nq)] + 0.06 * rng.standard_normal((nq, D), dtype=np.float32)
    return unit(x), unit(q)


def read_bandwidth() -> float:
    """GB/s of a plain parallel read (torch sum over 1 GiB), best of 5."""
    import torch

    t = torch.ones(1 << 28)
    best = min(_timed(lambda: t.sum()) for _ in range(5))
    return t.numel() * 4 / best / 1e9


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    a = time.perf_counter()
    fn()
    return time.perf_counter() - a


def exact_topk(x: np.ndarray, q: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """fp32 brute force: the truth recall is measured against."""
    out = np.empty((q.shape[0], K), np.int64)
    for s in range(0, q.shape[0], 64):
        sc = q[s : s + 64] @ x.T
        if mask is not None:
            sc[:, ~mask] = -np.inf
        part = np.argpartition(-sc, K, axis=1)[:, :K]
        order = np.argsort(-np.take_along_axis(sc, part, 1), axis=1)
        out[s : s + 64] = np.take_along_axis(part, order, 1)
    return out


def recall(got: np.ndarray, truth: np.ndarray, n_pass: int) -> float:
    want = min(K, n_pass)
    return float(np.mean([len(set(g[g >= 0]) & set(t[:want])) / want for g, t in zip(got, truth, strict=True)]))


@dataclass
class Engine:
    index: object
    ids: np.ndarray
    table: pa.Table

    @classmethod
    def build(cls, x: np.ndarray, company: np.ndarray, dtype: str, tmp: Path) -> tuple[Engine, float]:
        """A one-shard engine over `x`; int8 keeps its fp16 rows memory-mapped from a file
        in `tmp`, as a loaded set does (only re-scored rows page in)."""
        from jobsearch.index.columns import Vocab
        from jobsearch.index.flat import FlatIndex
        from jobsearch.index.layout import Manifest, ShardInfo
        from jobsearch.index.segment import Segment
        from jobsearch.index.shardset import ShardSet

        n = x.shape[0]
        t0 = time.perf_counter()
        vec = x.astype(np.float16)
        cols = _columns(company)
        ids = np.array([f"j{i}" for i in range(n)])
        table = pa.table({"job_id": pa.array(ids)})
        vocab = Vocab(places=["0"], place_country=np.zeros(1, np.int16), countries=["US"],
                      companies=[f"c{i:04d}" for i in range(COMPANIES)])
        if dtype == "int8":
            from jobsearch.index.int8scan import Int8Rows

            np.save(tmp / "vectors.f16.npy", vec)
            del vec
            mapped = np.load(tmp / "vectors.f16.npy", mmap_mode="r")
            r8 = Int8Rows.from_fp16(mapped)
            seg = Segment(vectors=r8.codes, scales=r8.scale, bounds=r8.bounds, fp16=mapped, columns=cols,
                          vocab=vocab, records=table, name="bench")
        else:
            seg = Segment(vectors=vec, columns=cols, vocab=vocab, records=table, name="bench")
        manifest = Manifest(format_version=1, set_version="bench", model_id="bench", dim=D, dtype=dtype,
                            rows=n, shards=[ShardInfo("shard-000", n, {})], created="", corpus_fingerprint="")
        index = FlatIndex(ShardSet(path=Path("."), manifest=manifest, vocab=vocab, segments=(seg,)))
        build_s = time.perf_counter() - t0
        return cls(index, ids, table), build_s

    def search(self, q: np.ndarray, filters) -> np.ndarray:  # type: ignore[no-untyped-def]
        hits = self.index.search(q, filters, K)  # type: ignore[attr-defined]
        out = np.full((q.shape[0], K), -1, np.int64)
        for i, h in enumerate(hits):
            out[i, : len(h)] = [int(j[1:]) for j in h.job_ids]
        return out


def _columns(company: np.ndarray):  # type: ignore[no-untyped-def]
    from jobsearch.index.columns import Columns

    n = company.shape[0]
    z8 = np.zeros(n, np.uint8)
    return Columns(loc_offsets=np.arange(n + 1, dtype=np.int64), loc_codes=np.zeros(n, np.int32), workplace=z8,
                   seniority=z8, employment_type=z8, company_type=z8, company=company.astype(np.int32),
                   remote_share=np.zeros(n, np.float32), salary_usd=np.full(n, 1e5), posted_at=np.zeros(n, np.int64))


def engine_filters(sel: float):  # type: ignore[no-untyped-def]
    from jobsearch.schema import Filters

    m = SELECTIVITY_COMPANIES[sel]
    return Filters(company_ids=[f"c{i:04d}" for i in range(m)]) if m else Filters()


def faiss_systems(x: np.ndarray, n: int, hnsw_max: int, quick: bool, ann: bool = True) -> dict[str, tuple[object, float, dict]]:
    import faiss

    out: dict[str, tuple[object, float, dict]] = {}
    t = time.perf_counter()
    flat = faiss.IndexFlatIP(D)
    flat.add(x)
    out["faiss-flat"] = (flat, time.perf_counter() - t, {})
    t = time.perf_counter()
    sq = faiss.IndexScalarQuantizer(D, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
    sq.train(x[:1000])
    sq.add(x)
    out["faiss-sqfp16"] = (sq, time.perf_counter() - t, {})
    if n <= hnsw_max:
        t = time.perf_counter()
        h = faiss.IndexHNSWFlat(D, 32, faiss.METRIC_INNER_PRODUCT)
        h.add(x)
        b = time.perf_counter() - t
        for ef in (64, 256):
            out[f"hnsw-ef{ef}"] = (h, b, {"efSearch": ef})
    if not ann:
        return out
    t = time.perf_counter()
    quant = faiss.IndexFlatIP(D)
    ivf = faiss.IndexIVFFlat(quant, D, 1024, faiss.METRIC_INNER_PRODUCT)
    ivf.train(x[np.random.default_rng(0).choice(n, size=min(n, 60_000), replace=False)])
    ivf.add(x)
    b = time.perf_counter() - t
    for nprobe in (8, 32):
        out[f"ivf-nprobe{nprobe}"] = (ivf, b, {"nprobe": nprobe})
    return out


def faiss_search(index, params: dict, q: np.ndarray, mask: np.ndarray | None) -> np.ndarray:  # type: ignore[no-untyped-def]
    import faiss

    sel = None
    if mask is not None:
        bits = np.packbits(mask, bitorder="little")
        sel = faiss.IDSelectorBitmap(mask.shape[0], faiss.swig_ptr(bits))
    if "efSearch" in params:
        p = faiss.SearchParametersHNSW(efSearch=params["efSearch"], sel=sel)
    elif "nprobe" in params:
        p = faiss.SearchParametersIVF(nprobe=params["nprobe"], sel=sel)
    else:
        p = faiss.SearchParameters(sel=sel)
    _, idx = index.search(q, K, params=p)
    return idx


def time_calls(fn, q: np.ndarray, batch: int, calls: int) -> tuple[list[float], np.ndarray]:  # type: ignore[no-untyped-def]
    fn(q[:batch])  # warm-up (compilation, caches)
    lat, res = [], []
    for c in range(calls):
        qb = q[(c * batch) % q.shape[0] :][:batch]
        if qb.shape[0] < batch:
            qb = q[:batch]
        t = time.perf_counter()
        r = fn(qb)
        lat.append(time.perf_counter() - t)
        res.append(r)
    return lat, np.concatenate(res)


def queries_for(q: np.ndarray, batch: int, calls: int) -> np.ndarray:
    picked = []
    for c in range(calls):
        qb = q[(c * batch) % q.shape[0] :][:batch]
        picked.append(qb if qb.shape[0] == batch else q[:batch])
    return np.concatenate(picked)


def turnover(engine: Engine, x: np.ndarray) -> dict[str, float]:
    """Add then remove 1% of rows on the engine (delta segment + tombstones)."""
    n = x.shape[0]
    m = max(1, n // 100)
    rows = [{"job_id": f"new{i}", "title": "t", "description": "d", "company_id": "c0000", "company_name": "c",
             "company_type": "direct", "location_ids": ["0"], "workplace": "onsite", "remote_share": 0.0,
             "posted_at": datetime(2026, 1, 1, tzinfo=UTC), "seniority": "mid", "employment_type": "full_time"}
            for i in range(m)]
    from jobsearch.index.segment import records_table

    table = records_table(rows)
    from jobsearch.taxonomy.places import gazetteer

    gazetteer()  # loaded once per process; not part of an add
    t = time.perf_counter()
    engine.index.view.segments[0].row_of("j0")  # type: ignore[attr-defined]  # job id -> row map, built once
    id_map_s = time.perf_counter() - t
    t = time.perf_counter()
    engine.index.add(x[:m], table)  # type: ignore[attr-defined]
    add_s = time.perf_counter() - t
    t = time.perf_counter()
    engine.index.remove([f"j{i}" for i in range(0, n, 100)])  # type: ignore[attr-defined]
    remove_s = time.perf_counter() - t
    return {"add_1pct_ms": add_s * 1e3, "remove_1pct_ms": remove_s * 1e3, "id_map_build_ms": id_map_s * 1e3}


def faiss_turnover(x: np.ndarray) -> dict[str, float]:
    import faiss

    n = x.shape[0]
    m = n // 100
    flat = faiss.IndexIDMap2(faiss.IndexFlatIP(D))
    flat.add_with_ids(x, np.arange(n, dtype=np.int64))
    t = time.perf_counter()
    flat.add_with_ids(x[:m], np.arange(n, n + m, dtype=np.int64))
    add_s = time.perf_counter() - t
    t = time.perf_counter()
    flat.remove_ids(faiss.IDSelectorBatch(np.arange(0, n, 100, dtype=np.int64)))
    return {"add_1pct_ms": add_s * 1e3, "remove_1pct_ms": (time.perf_counter() - t) * 1e3}


def run(args: argparse.Namespace) -> dict:
    import faiss
    import numba
    import torch

    bw = read_bandwidth()
    results: dict = {
        "created": datetime.now(UTC).isoformat(), "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(), "threads": {"numba": numba.get_num_threads(), "torch": torch.get_num_threads(),
                                            "faiss": faiss.omp_get_max_threads()},
        "loadavg_start": os.getloadavg(), "read_bandwidth_gbs": bw, "k": K, "dim": D, "rows": [],
        "turnover": [], "build": [],
    }
    print(f"read bandwidth {bw:.1f} GB/s, load {os.getloadavg()}")
    for n in args.sizes:
        for kind in args.data:
            x, q = make_data(kind, n, args.queries, seed=n % 97)
            company = np.random.default_rng(1).integers(COMPANIES, size=n)
            tmp = tempfile.TemporaryDirectory(prefix="index-bench-")
            systems: dict[str, tuple] = {}
            bytes_per: dict[str, float] = {}
            for dtype in args.engine_dtypes:
                engine, eb = Engine.build(x, company, dtype, Path(tmp.name))
                seg = engine.index.view.segments[0]  # type: ignore[attr-defined]
                systems[f"engine-{dtype}"] = (engine, eb, {"scan_bytes": seg.vectors.nbytes + (
                    seg.scales.nbytes if seg.scales is not None else 0)})
                bytes_per[f"engine-{dtype}"] = (seg.vector_bytes + seg.columns.nbytes) / n
            if not args.engine_only:
                systems.update(faiss_systems(x, n, args.hnsw_max if args.ann else 0, args.quick, args.ann))
            bytes_per |= {"faiss-flat": 4 * D, "faiss-sqfp16": 2 * D,
                         # estimates: fp32 rows + level-0 links (2M ids) / + the stored id
                         "hnsw-ef64": 4 * D + 2 * 32 * 4, "hnsw-ef256": 4 * D + 2 * 32 * 4,
                         "ivf-nprobe8": 4 * D + 8, "ivf-nprobe32": 4 * D + 8}
            for name, (_, b, _) in systems.items():
                results["build"].append({"n": n, "data": kind, "system": name, "build_s": b,
                                         "bytes_per_vector": bytes_per.get(name)})
            for sel in args.selectivities:
                mask = None if sel == 1.0 else np.isin(company, np.arange(SELECTIVITY_COMPANIES[sel]))
                n_pass = n if mask is None else int(mask.sum())
                for batch in args.batches:
                    if sel < 1.0 and batch > args.max_filtered_batch:
                        continue
                    calls = args.calls if batch == 1 else max(args.min_calls, args.calls * 4 // batch)
                    qall = queries_for(q, batch, calls)
                    truth = exact_topk(x, qall, mask)
                    for name, (idx, _, params) in systems.items():
                        if name != "engine" and batch == 256 and n >= 1_000_000 and name == "faiss-flat" and sel < 1:
                            continue
                        if name.startswith("engine"):
                            f = engine_filters(sel)
                            fn = lambda qb, f=f, engine=idx: engine.search(qb, f)  # noqa: E731
                        else:
                            fn = lambda qb, idx=idx, params=params, mask=mask: faiss_search(idx, params, qb, mask)  # noqa: E731
                        lat, got = time_calls(fn, q, batch, calls)
                        p50 = float(np.percentile(lat, 50))
                        row = {"n": n, "data": kind, "system": name, "batch": batch, "selectivity": sel,
                               "p50_ms": p50 * 1e3, "p99_ms": float(np.percentile(lat, 99)) * 1e3,
                               "qps": batch / float(np.mean(lat)), "recall_at_10": recall(got, truth, n_pass),
                               "calls": calls}
                        if name.startswith("engine") and sel == 1.0 and batch == 1:
                            # Bandwidth again now: on a shared machine it moves during a run.
                            bw_now = read_bandwidth()
                            gbs = params["scan_bytes"] / p50 / 1e9
                            row.update(scan_gbs=gbs, read_bandwidth_gbs=bw_now, bandwidth_share=gbs / bw_now)
                        results["rows"].append(row)
                        print(json.dumps(row))
            for name in [s for s in systems if s.startswith("engine")]:
                results["turnover"].append({"n": n, "data": kind, "system": name, **turnover(systems[name][0], x)})
            if not args.engine_only:
                results["turnover"].append({"n": n, "data": kind, "system": "faiss-flat(IDMap2)", **faiss_turnover(x)})
            print(json.dumps(results["turnover"][-2:]))
            del systems, engine, seg, x
            tmp.cleanup()
    results["loadavg_end"] = os.getloadavg()
    return results


def markdown(results: dict) -> str:
    """The results as markdown tables (latency/recall per cell, then build and turnover)."""
    lines = [
        f"Measured {results['created'][:16]} on {results['cpus']} CPUs ({results['machine']}), "
        f"threads {results['threads']}, load average {tuple(round(x, 1) for x in results['loadavg_start'])} at start "
        f"and {tuple(round(x, 1) for x in results.get('loadavg_end', ()))} at end; read bandwidth "
        f"{results['read_bandwidth_gbs']:.1f} GB/s (torch sum, same run). k={results['k']}, d={results['dim']}.",
        "",
        "| N | data | batch | filter | system | p50 ms | p99 ms | QPS | recall@10 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["rows"]:
        extra = ""
        if "scan_gbs" in r:
            bw_cell = r.get("read_bandwidth_gbs", results["read_bandwidth_gbs"])
            extra = f" ({r['scan_gbs']:.1f} GB/s; read bw {bw_cell:.1f} → {100 * r['bandwidth_share']:.0f}%)"
        lines.append(
            f"| {r['n']:,} | {r['data']} | {r['batch']} | {100 * r['selectivity']:g}% | {r['system']} | "
            f"{r['p50_ms']:.2f}{extra} | {r['p99_ms']:.2f} | {r['qps']:,.0f} | {r['recall_at_10']:.3f} |"
        )
    lines += ["", "| N | data | system | build s | bytes/vector |", "|---|---|---|---|---|"]
    for b in results["build"]:
        bpv = "" if b["bytes_per_vector"] is None else f"{b['bytes_per_vector']:.0f}"
        lines.append(f"| {b['n']:,} | {b['data']} | {b['system']} | {b['build_s']:.2f} | {bpv} |")
    lines += ["", "| N | data | system | add 1% ms | remove 1% ms |", "|---|---|---|---|---|"]
    for t in results["turnover"]:
        lines.append(f"| {t['n']:,} | {t['data']} | {t['system']} | {t['add_1pct_ms']:.1f} | {t['remove_1pct_ms']:.1f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="200000,1000000", help="comma-separated row counts")
    ap.add_argument("--data", default="random,clustered")
    ap.add_argument("--batches", default="1,16,256")
    ap.add_argument("--selectivities", default="1,0.1,0.01,0.001")
    ap.add_argument("--max-filtered-batch", type=int, default=16, help="filtered cells only up to this batch")
    ap.add_argument("--queries", type=int, default=512, help="distinct query vectors")
    ap.add_argument("--calls", type=int, default=40, help="timed calls per cell (batch 1)")
    ap.add_argument("--min-calls", type=int, default=3, help="timed calls per cell at least (big batches)")
    ap.add_argument("--hnsw-max", type=int, default=200_000, help="skip HNSW above this many rows (build time)")
    ap.add_argument("--engine-only", action="store_true")
    ap.add_argument("--engine-dtypes", default="float16,int8", help="engine row storage(s) to run")
    ap.add_argument("--no-ann", dest="ann", action="store_false", help="skip HNSW and IVF (exact systems only)")
    ap.add_argument("--quick", action="store_true", help="200k rows, random data, fewer calls")
    ap.add_argument("--out", default=None, help="JSON path (default bench/results/index_bench-<time>.json)")
    ap.add_argument("--markdown", default=None, help="also print the tables of a results JSON (no run)")
    args = ap.parse_args()
    if args.markdown:
        print(markdown(json.loads(Path(args.markdown).read_text())))
        return
    if args.quick:
        args.sizes, args.data, args.calls = "200000", "random", 20
    args.sizes = [int(s) for s in str(args.sizes).split(",")]
    args.data = args.data.split(",")
    args.batches = [int(b) for b in args.batches.split(",")]
    args.selectivities = [float(s) for s in args.selectivities.split(",")]
    args.engine_dtypes = args.engine_dtypes.split(",")
    results = run(args)
    out = Path(args.out or Path(__file__).parent / "results" / f"index_bench-{datetime.now(UTC):%Y%m%dT%H%M%S}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    out.with_suffix(".md").write_text(markdown(results))
    print(f"wrote {out} and {out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
