"""`jobsearch rank ...`: export a trained cross-encoder as a ranker version, measure what
the sparse mask does to it on the judged dev set, and fine-tune it under the sparse mask."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="The cross-encoder ranker: export, sparse-mask check and fine-tune (docs/ranker.md).",
                  no_args_is_help=True)

JUDGED = Path("../shared/relevance/judged-dev.jsonl")


@app.command()
def export(
    checkpoint: Annotated[Path, typer.Argument(help="A BertForSequenceClassification folder (num_labels=1, tokenizer files).")],
    out: Annotated[Path | None, typer.Option(help="Version folder (default: <data home>/models/ranker/1).")] = None,
    layers: Annotated[int | None, typer.Option(help="Keep only the first N layers (default: all).")] = None,
    calibration: Annotated[Path | None, typer.Option(help="calibration.json to ship with the version.")] = None,
    fp32: Annotated[bool, typer.Option("--fp32", help="Keep fp32 weights (default: int8).")] = False,
    model_id: Annotated[str | None, typer.Option(help="Model id (default: ranker-<layers>l-<sha of the graphs>).")] = None,
) -> None:
    """Export the prefix and candidate ONNX graphs, tokenizer, calibration and model card."""
    from jobsearch.home import models_dir
    from jobsearch.rank.export import export_ranker

    target = out or models_dir() / "ranker" / "1"
    card = export_ranker(checkpoint, target, layers=layers, calibration=calibration, int8=not fp32, model_id=model_id,
                         rebuild=f"jobsearch rank export {checkpoint} --out {target}" + (f" --layers {layers}" if layers else "")
                         + (f" --calibration {calibration}" if calibration else "") + (" --fp32" if fp32 else ""))
    size = sum(p.stat().st_size for p in target.iterdir())
    typer.echo(f"{card.model_id}: {target} ({size / 1e6:.1f} MB, {card.quantization})")


@app.command("sparse-check")
def sparse_check(
    checkpoint: Annotated[Path, typer.Argument(help="A BertForSequenceClassification folder.")],
    judged: Annotated[Path, typer.Option(help="The LLM-judged dev set (judged-dev.jsonl).")] = JUDGED,
    layers: Annotated[int | None, typer.Option(help="Keep only the first N layers.")] = None,
    onnx: Annotated[Path | None, typer.Option(help="Also score with this exported ranker version (int8 ONNX).")] = None,
) -> None:
    """NDCG@10 on the judged dev set's pools: ordinary attention vs the sparse cached path
    (and the exported ONNX version, when given)."""
    from jobsearch.rank.export import load_checkpoint
    from jobsearch.rank.inputs import PairTokenizer
    from jobsearch.rank.prefix import PrefixCrossEncoder
    from jobsearch.rank.sparse_tune import full_scores, judged_ndcg, read_judged, sparse_scores

    if not judged.is_file():
        raise typer.BadParameter(f"no judged dev set at {judged}")
    model = load_checkpoint(checkpoint, layers=layers)
    tok = PairTokenizer.from_file(checkpoint / "tokenizer.json")
    enc = PrefixCrossEncoder(model).eval()
    entries = read_judged(judged)
    result = {
        "checkpoint": str(checkpoint), "layers": model.config.num_hidden_layers, "judge": "LLM dev set",
        "ndcg10_full_attention": judged_ndcg(lambda q, t: full_scores(model, tok, q, t), entries),
        "ndcg10_sparse_cached": judged_ndcg(lambda q, t: sparse_scores(enc, tok, q, t), entries),
    }
    if onnx is not None:
        from jobsearch.rank.onnx_ranker import OnnxRanker

        ranker = OnnxRanker.load(onnx, budget_ms=1e9)
        result["ndcg10_onnx"] = judged_ndcg(ranker.score, entries)
        result["onnx"] = str(onnx)
    typer.echo(json.dumps(result, indent=2))


@app.command("sparse-tune")
def sparse_tune_cmd(
    checkpoint: Annotated[Path, typer.Argument(help="A BertForSequenceClassification folder (trained, full attention).")],
    out: Annotated[Path, typer.Option(help="Where to save the tuned checkpoint.")],
    queries: Annotated[Path, typer.Option(help="queries.jsonl of `jobsearch eval queries` (train split used).")],
    index: Annotated[Path | None, typer.Option(help="Index root for the candidates (default: <data home>/index).")] = None,
    corpus: Annotated[Path | None, typer.Option(help="Corpus folder (default: <data home>/corpus).")] = None,
    layers: Annotated[int | None, typer.Option(help="Keep only the first N layers.")] = None,
    n_queries: Annotated[int, typer.Option(help="Training queries (each with its top candidates).")] = 400,
    depth: Annotated[int, typer.Option(help="Retrieved candidates per query.")] = 50,
    steps: Annotated[int, typer.Option(help="Optimizer steps.")] = 400,
    max_minutes: Annotated[float, typer.Option(help="Stop after this many minutes (0: no limit).")] = 0.0,
) -> None:
    """Self-distil the checkpoint's full-attention scores into its sparse cached path."""
    import shutil

    from jobsearch.rank.export import load_checkpoint
    from jobsearch.rank.inputs import PairTokenizer
    from jobsearch.rank.sparse_tune import TuneConfig, lists_from_pipeline, sparse_tune

    model = load_checkpoint(checkpoint, layers=layers)
    tok = PairTokenizer.from_file(checkpoint / "tokenizer.json")
    lists = lists_from_pipeline(queries, index=index, corpus=corpus, n_queries=n_queries, depth=depth)
    typer.echo(f"{len(lists)} queries x <= {depth} candidates")
    tuned = sparse_tune(model, tok, lists, TuneConfig(steps=steps, max_minutes=max_minutes), log=typer.echo)
    out.mkdir(parents=True, exist_ok=True)
    tuned.save_pretrained(str(out))
    for f in checkpoint.iterdir():
        if f.name.startswith(("tokenizer", "vocab", "special_tokens", "calibration")):
            shutil.copy(f, out / f.name)
    typer.echo(f"saved {out}")
