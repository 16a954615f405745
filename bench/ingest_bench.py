"""Ingestion benchmark: write-to-visible latency, upserts of new text (embedding included),
updates that keep the text, searches under a sustained upsert load, and a full rebuild of
the same corpus for comparison. Real parts: the HTTP API on loopback, the SQLite (or
PostgreSQL: --store DSN) store, the follower, the ONNX encoder, the FlatIndex.

    python bench/ingest_bench.py --home ~/.local/share/jobsearch --out bench/results/ingest_bench.json

Needs a data home with a corpus, an exported encoder and a built index (`jobsearch demo
--no-serve`). Speed is never pass/fail; the JSON records the CPU and its load."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info  # noqa: E402

TOKEN = "bench-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WORDS = ["marine", "geologist", "robotics", "compiler", "payroll", "orthodontist", "sommelier", "actuary", "glaciologist", "locksmith", "typographer", "arborist", "cartographer", "perfumer", "luthier"]


def pct(xs: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(xs), q)) * 1000, 1) if xs else float("nan")


def new_posting(template: dict[str, Any], i: int, tag: str) -> dict[str, Any]:
    w = WORDS[i % len(WORDS)]
    return {**template, "job_id": f"{tag}-{i}", "title": f"{w.title()} {tag} {i}",
            "description": f"{tag} {i}: {w} work, {WORDS[(i * 7) % len(WORDS)]} projects, team {i % 97}."}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", type=Path, default=None, help="Data home (default: JOBSEARCH_HOME or the user's).")
    ap.add_argument("--store", default=None, help="Store location (default: a temp SQLite file).")
    ap.add_argument("--latency-writes", type=int, default=100)
    ap.add_argument("--new-texts", type=int, default=1000)
    ap.add_argument("--updates", type=int, default=10_000)
    ap.add_argument("--mixed-seconds", type=float, default=30.0)
    ap.add_argument("--rebuild", action="store_true", help="Also time a full rebuild (re-encodes the corpus).")
    ap.add_argument("--out", type=Path, default=Path("bench/results/ingest_bench.json"))
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.home:
        os.environ["JOBSEARCH_HOME"] = str(args.home)

    from jobsearch import home
    from jobsearch.api import create_app
    from jobsearch.encode.cache import CachedEncoder
    from jobsearch.encode.default import default_encoder
    from jobsearch.pipeline import open_pipeline
    from jobsearch.serve import serve_in_background
    from jobsearch.store.settings import IngestSettings

    tmp = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    shutil.copytree(home.default_index_dir(), tmp / "index", symlinks=True)
    pipeline = open_pipeline(tmp / "index", home.default_corpus_dir())
    index = pipeline.retriever
    app = create_app(pipeline)
    app.state.ingest_settings = IngestSettings(store=args.store or str(tmp / "store.sqlite"), admin_token=TOKEN,
                                               visible_timeout_s=10.0, compact_min_rows=10**9, compact_every_s=10**9)
    encoder = CachedEncoder(default_encoder(), tmp / "cache")  # a cold cache: every new text is embedded
    from jobsearch.api.postings import start_ingest

    t0 = time.perf_counter()
    ingest = start_ingest(app, encoder=encoder)
    ingest._attached.wait(600)  # noqa: SLF001 - the bench waits for adoption of the corpus
    results: dict[str, Any] = {"machine": machine_info(), "rows": index.rows,
                               "adopt_s": round(time.perf_counter() - t0, 2),
                               "note": "2-core machine shared by many sessions: absolute numbers read slow"}
    with serve_in_background(app) as url, httpx.Client(timeout=120, headers=AUTH) as client:
        first = index.records_table().slice(0, 1).to_pylist()[0]
        from jobsearch.corpus.table import row_to_posting

        base = json.loads(row_to_posting(first).model_dump_json())
        base.pop("apply_url", None)

        # 1. write-to-visible: single PUTs of new text; a separate thread polls the index.
        acks, seen = [], []
        for i in range(args.latency_writes):
            p = new_posting(base, i, "lat")
            sent = time.perf_counter()
            done = threading.Event()

            def watch(job_id: str = p["job_id"], start: float = sent, flag: threading.Event = done) -> None:
                while True:
                    try:
                        index.records([job_id])
                        seen.append(time.perf_counter() - start)
                        flag.set()
                        return
                    except KeyError:
                        time.sleep(0.002)

            threading.Thread(target=watch, daemon=True).start()
            r = client.put(f"{url}/v1/postings/{p['job_id']}", json=p)
            acks.append(time.perf_counter() - sent)
            assert r.status_code == 200, r.text
            done.wait(30)
        results["write_to_visible_ms"] = {"p50": pct(seen, 50), "p99": pct(seen, 99), "n": len(seen),
                                          "ack_p50": pct(acks, 50), "ack_p99": pct(acks, 99)}

        # 2. new texts through NDJSON batches (embedding included), visible when answered. Real
        # postings' lengths: each new posting pairs one corpus posting's description and skills
        # with another's title and company, so no text is in the embedding cache.
        n = index.rows
        picked = index.records_table().take(np.arange(min(n, 2 * args.new_texts))).to_pylist()
        real = [json.loads(row_to_posting(r).model_dump_json()) for r in picked]
        rows = []
        for i in range(args.new_texts):
            body, head = real[i % len(real)], real[(7 * i + 3) % len(real)]
            p = {**body, "job_id": f"new-{i}", "title": head["title"], "company": head["company"]}
            p.pop("apply_url", None)
            rows.append(json.dumps(p))
        results["new_text_chars_mean"] = round(float(np.mean([len(json.loads(r)["description"]) for r in rows])))
        t = time.perf_counter()
        for s in range(0, len(rows), 250):
            r = client.post(f"{url}/v1/postings:batch", content="\n".join(rows[s:s + 250]).encode())
            assert r.status_code == 200 and not r.json()["errors"] and r.json()["visible"], r.text[:500]
        dt = time.perf_counter() - t
        results["new_text_upserts_per_s"] = round(args.new_texts / dt, 1)

        # 3. updates that keep the text (pay, expiry): no embedding, one transaction per batch.
        ids = index.records_table().column("job_id").to_pylist()
        stored = ingest.store.rows(ids[: min(len(ids), 2000)])
        postings = [json.loads(s.posting) for s in stored.values() if s.posting]
        for p in postings:
            p.pop("apply_url", None)
        t = time.perf_counter()
        n = 0
        while n < args.updates:
            lines = []
            for p in postings[:1000]:
                n += 1
                if p.get("salary"):
                    p["salary"]["max"] += 1  # a pay change: same text, new version
                lines.append(json.dumps({**p, "valid_through": f"2031-01-01T00:00:{n % 60:02d}Z"}))
            r = client.post(f"{url}/v1/postings:batch", content="\n".join(lines).encode())
            assert r.status_code == 200 and not r.json()["errors"], r.text[:500]
        results["same_text_updates_per_s"] = round(n / (time.perf_counter() - t), 1)

        # 4. searches alone, then under ~10k upserts/min; failures counted.
        queries = ["python developer remote", "nurse in Seattle", "data engineer Berlin paying 70k euros",
                   "sales manager posted this week", "senior accountant not from staffing agencies"]

        searcher = httpx.Client(timeout=120)  # no admin token: a plain search client

        def search_loop(seconds: float) -> tuple[list[float], dict[int, int]]:
            lat, failed, k = [], {}, 0
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                q = f"{queries[k % len(queries)]} {k}"  # every text distinct: no cache hits
                k += 1
                s = time.perf_counter()
                r = searcher.post(f"{url}/v1/search", json={"query": q, "k": 20})
                lat.append(time.perf_counter() - s)
                if r.status_code != 200:
                    failed[r.status_code] = failed.get(r.status_code, 0) + 1
            return lat, failed

        alone, failed_alone = search_loop(args.mixed_seconds)
        stop = threading.Event()
        written = [0]

        def writer() -> None:
            j = 0
            with httpx.Client(timeout=120, headers=AUTH) as w:
                while not stop.is_set():
                    t1 = time.monotonic()
                    batch = [json.dumps({**postings[(j + x) % len(postings)],
                                         "valid_through": f"2032-01-01T00:{(j // 60) % 60:02d}:{j % 60:02d}Z"})
                             for x in range(17)]
                    j += 17
                    w.post(f"{url}/v1/postings:batch", params={"wait": "false"}, content="\n".join(batch).encode())
                    written[0] += 17
                    stop.wait(max(0.0, 0.1 - (time.monotonic() - t1)))  # 170 rows / s = 10.2k / min

        wt = threading.Thread(target=writer, daemon=True)
        wt.start()
        mixed, failed_mixed = search_loop(args.mixed_seconds)
        stop.set()
        wt.join(60)
        results["search_ms"] = {
            "read_only": {"p50": pct(alone, 50), "p99": pct(alone, 99), "n": len(alone), "failed": failed_alone},
            "with_upserts": {"p50": pct(mixed, 50), "p99": pct(mixed, 99), "n": len(mixed), "failed": failed_mixed,
                             "upserts_per_min": round(written[0] / args.mixed_seconds * 60)},
        }
        results["lag_after_s"] = ingest.status()["lag_seconds"]
        t = time.perf_counter()
        ingest.compact()
        results["compaction_s"] = round(time.perf_counter() - t, 2)

    if args.rebuild:
        from jobsearch.index.build import build_index

        data_home = home.data_home()
        cold = tmp / "rebuild-home"  # a cold embedding cache: every posting is encoded again
        cold.mkdir()
        (cold / "models").symlink_to(data_home / "models")
        os.environ["JOBSEARCH_HOME"] = str(cold)
        t = time.perf_counter()
        build_index(data_home / "corpus", tmp / "rebuilt", default_encoder(), progress=False)
        results["full_rebuild_s"] = round(time.perf_counter() - t, 1)
        results["full_rebuild_postings_per_s"] = round(results["rows"] / results["full_rebuild_s"], 1)
    ingest.stop()
    results["machine_after"] = {"loadavg": list(os.getloadavg())}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
