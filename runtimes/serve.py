"""Entry point of the jobsearch KServe runtimes (`python -m jobsearch.runtimes.serve`):
one ModelServer process serving one role (shard server, query engine or transformer).
The ServingRuntime and InferenceServices in the Helm chart run this."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from typing import Any

STAGES = ("query", "encoder", "shards", "ranker")


def build_parser() -> argparse.ArgumentParser:
    from kserve import model_server

    ap = argparse.ArgumentParser(parents=[model_server.parser], description=__doc__)
    ap.add_argument("--role", choices=["shard", "query", "transformer"], required=True)
    ap.add_argument("--index-dir", type=Path, help="Index root to serve (default: the data home's).")
    ap.add_argument("--active-file", type=Path, help="File naming the index root (the operator's pointer).")
    ap.add_argument("--corpus-dir", type=Path, help="Corpus folder with members.jsonl.")
    ap.add_argument("--shard", type=int, default=0)
    ap.add_argument("--shards", type=int, default=1)
    ap.add_argument("--poll-seconds", type=float, default=1.0, help="How often to check the pointer.")
    ap.add_argument("--store", default=os.environ.get("JOBSEARCH_STORE") or None,
                    help="Posting store DSN: shard servers follow its change log (default: $JOBSEARCH_STORE).")
    ap.add_argument("--query-url", help="Query engine model URL (default: the predictor host).")
    ap.add_argument("--encoder-url", help="Triton encoder model URL, e.g. http://h/v2/models/retriever.")
    ap.add_argument("--encoder-dir", type=Path, help="Model version folder with the tokenizer files.")
    ap.add_argument("--shard-url", action="append", default=[], help="Shard server model URL (repeat).")
    ap.add_argument("--ranker-url", help="Triton base URL serving ranker_prefix and ranker_candidate, e.g. http://h.")
    ap.add_argument("--ranker-dir", type=Path, help="Ranker version folder (tokenizer, model card, calibration).")
    ap.add_argument("--rank-depth", type=int, default=100, help="Candidates the ranker re-scores.")
    ap.add_argument("--remote-timeout", type=float, default=10.0, help="Seconds per remote call (default of each stage).")
    for stage in STAGES:
        ap.add_argument(f"--{stage}-timeout", type=float, help=f"Seconds per call to the {stage} stage.")
    ap.add_argument("--cache-size", type=int, default=2048, help="Answers the transformer caches (0: none).")
    return ap


def make_model(args: argparse.Namespace) -> Any:
    from jobsearch.runtimes.catalog import resolve_index_dir

    if args.role == "shard":
        from jobsearch.runtimes.shard_server import ShardServer

        return ShardServer(args.model_name, shard=args.shard, shards=args.shards,
                           active_file=args.active_file, index_dir=args.index_dir,
                           poll_s=args.poll_seconds, store=args.store)
    index_dir = resolve_index_dir(index_dir=args.index_dir, active_file=args.active_file)
    if args.role == "query":
        from jobsearch.runtimes.query_server import QueryEngineServer

        return QueryEngineServer(args.model_name, index_dir=index_dir, corpus_dir=args.corpus_dir,
                                 active_file=args.active_file)
    from jobsearch.runtimes.transformer import SearchTransformer

    query_url = args.query_url or f"http://{args.predictor_host}/v2/models/{args.model_name}"
    return SearchTransformer(
        args.model_name, query_url=query_url, encoder_url=args.encoder_url,
        encoder_dir=args.encoder_dir, shard_urls=args.shard_url, index_dir=index_dir,
        corpus_dir=args.corpus_dir, active_file=args.active_file, timeout_s=args.remote_timeout,
        ranker_url=args.ranker_url, ranker_dir=args.ranker_dir, rank_depth=args.rank_depth,
        stage_timeouts={s: t for s in STAGES if (t := getattr(args, f"{s}_timeout")) is not None},
        cache_size=args.cache_size,
    )


def main(argv: list[str] | None = None) -> None:
    import kserve
    from jobsearch.runtimes.kserve_io import install_error_handler

    from jobsearch import settings

    args, _ = build_parser().parse_known_args(argv)
    settings.install(settings.Settings.from_env())
    logging.basicConfig(level=logging.INFO)
    install_error_handler()
    model = make_model(args)
    model.load()
    kserve.ModelServer(http_port=args.http_port, grpc_port=args.grpc_port, enable_grpc=False,
                       workers=1).start([model])


if __name__ == "__main__":
    main()
