"""`jobsearch eval ...`: synthetic queries, the teacher cross-encoder, the evaluation
harness and the LLM-grader check. Heavy imports live inside the commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    name="eval",
    help=(
        "Relevance ground truth and evaluation.\n\n"
        "  jobsearch eval queries                      # synthetic queries with their intent -> <home>/eval/queries\n\n"
        "  jobsearch eval run --system minilm          # NDCG@10, MRR, Recall@100, violations, parse F1 per query type\n\n"
        "  jobsearch eval run --system bm25\n\n"
        "  jobsearch eval compare bm25.json minilm.json  # per-type deltas\n\n"
        "  jobsearch eval train-teacher                # cross-encoder teacher on policy grades -> <home>/models/teacher\n\n"
        "  jobsearch eval grade --query-id q0-00001    # the policy grader's top jobs, with reasons\n\n"
        "The judge is the policy grader (docs/grading-policy.md)."
    ),
    no_args_is_help=True,
)

CorpusOpt = Annotated[Path | None, typer.Option(help="corpus folder (default: <home>/corpus)")]
QueriesOpt = Annotated[Path | None, typer.Option(help="queries folder or .jsonl (default: <home>/eval/queries)")]


def _corpus(corpus_dir: Path | None) -> Path:
    from jobsearch import home

    return corpus_dir or home.default_corpus_dir()


def _queries(path: Path | None) -> Path:
    from jobsearch import home

    return path or home.data_home() / "eval" / "queries"


@app.command()
def queries(
    corpus_dir: CorpusOpt = None,
    out: Annotated[Path | None, typer.Option(help="output folder (default: <home>/eval/queries)")] = None,
    n: Annotated[int, typer.Option(help="number of queries")] = 2000,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same corpus: same queries)")] = 0,
) -> None:
    """Generate synthetic queries (>= 30 template families, paraphrases, typos, casing) with
    their structured intent; split by template family and occupation group."""
    from collections import Counter

    from jobsearch.models.jobtable import JobTable
    from jobsearch.models.synth_queries import generate_queries, write_queries

    from jobsearch.corpus.members import load_members

    corpus = _corpus(corpus_dir)
    jobs = JobTable.from_corpus(corpus)
    members = load_members(corpus) if (corpus / "members.jsonl").exists() else {}
    qs = generate_queries(jobs, list(members.values()), n=n, seed=seed)
    jl, pq = write_queries(qs, _queries(out))
    typer.echo(f"{len(qs)} queries -> {jl}, {pq}; splits {dict(Counter(q.split for q in qs))}")


@app.command()
def run(
    system: Annotated[str, typer.Option(help="minilm (the pipeline), bm25 (keywords + parsed filters), bm25-raw")] = "minilm",
    split: Annotated[str, typer.Option(help="train | val | test")] = "test",
    limit: Annotated[int, typer.Option(help="evaluate only the first N queries of the split (0: all)")] = 0,
    corpus_dir: CorpusOpt = None,
    index_dir: Annotated[Path | None, typer.Option(help="index folder (default: <home>/index)")] = None,
    queries_path: QueriesOpt = None,
    out: Annotated[Path | None, typer.Option(help="result JSON (default: <home>/eval/runs/<system>-<split>.json); .md beside it")] = None,
    ranker: Annotated[bool, typer.Option(help="minilm: re-rank with the data home's ranker (no time budget)")] = False,
    fusion_weight: Annotated[float | None, typer.Option(help="with --ranker: score = logit + W x cosine "
                                                              "(default: the ranker card's)")] = None,
    rank_depth: Annotated[int, typer.Option(help="with --ranker: candidates re-ranked")] = 100,
) -> None:
    """Run one system over a split and judge it with the policy grader."""
    import torch
    from jobsearch.models.context import build_system, eval_context, load_grader
    from jobsearch.models.eval import run_eval, save
    from jobsearch.models.synth_queries import read_queries

    from jobsearch import home

    torch.set_num_threads(max(1, torch.get_num_threads()))
    corpus = _corpus(corpus_dir)
    qs = read_queries(_queries(queries_path), split=split)
    qs = qs[:limit] if limit else qs
    grader, table = load_grader(corpus)
    ctx = eval_context(grader, table)
    try:
        built = build_system(system, ctx, index_dir=index_dir, corpus_dir=corpus, ranker=ranker,
                             fusion_weight=fusion_weight, rank_depth=rank_depth)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    result = run_eval(system, built, qs, ctx)
    result["split"] = split
    target = out or home.data_home() / "eval" / "runs" / f"{system}-{split}.json"
    js, md = save(result, target)
    typer.echo(md.read_text())
    typer.echo(f"-> {js}")


@app.command()
def compare(a: Annotated[Path, typer.Argument(help="run A (baseline) JSON")],
            b: Annotated[Path, typer.Argument(help="run B (candidate) JSON")]) -> None:
    """Per-query-type deltas of two runs (B - A), as a markdown table."""
    from jobsearch.models.eval import compare as diff
    from jobsearch.models.eval import compare_markdown

    typer.echo(compare_markdown(diff(json.loads(a.read_text()), json.loads(b.read_text()))))


@app.command()
def grade(
    query_id: Annotated[str, typer.Option(help="a query id from the query set")],
    k: Annotated[int, typer.Option(help="how many top-graded jobs to show")] = 10,
    corpus_dir: CorpusOpt = None,
    queries_path: QueriesOpt = None,
) -> None:
    """Show the policy grader's best jobs for one synthetic query, with the reasons."""
    import numpy as np
    from jobsearch.models.context import load_grader
    from jobsearch.models.policy import GRADE_NAMES
    from jobsearch.models.synth_queries import read_queries

    q = next((x for x in read_queries(_queries(queries_path)) if x.query_id == query_id), None)
    if q is None:
        raise typer.BadParameter(f"no query {query_id!r}")
    grader, _ = load_grader(_corpus(corpus_dir))
    g = grader.grade_all(q.intent)
    order = np.lexsort((-g.similarity, -g.grades))[:k]
    typer.echo(f"{q.intent.text}  [{q.family}]\n{q.intent.filters.model_dump(exclude_defaults=True)}")
    for i in order:
        typer.echo(f"{GRADE_NAMES[g.grades[i]]:9} {grader.jobs.job_id[g.idx[i]]}  {grader.jobs.title[g.idx[i]]}: "
                   + "; ".join(g.reasons(int(i))))


@app.command("train-teacher")
def train_teacher(
    corpus_dir: CorpusOpt = None,
    queries_path: QueriesOpt = None,
    out: Annotated[Path | None, typer.Option(help="checkpoint folder (default: <home>/models/teacher)")] = None,
    per_grade: Annotated[int, typer.Option(help="training pairs per grade (5 grades)")] = 600,
    epochs: Annotated[float, typer.Option()] = 1.0,
    batch_size: Annotated[int, typer.Option()] = 16,
    lr: Annotated[float, typer.Option()] = 4e-5,
    max_length: Annotated[int, typer.Option(help="tokens of query + job")] = 128,
    eval_pairs: Annotated[int, typer.Option(help="held-out pairs per grade for cut points (val) and QWK (test)")] = 150,
    threads: Annotated[int, typer.Option(help="torch CPU threads")] = 2,
    max_minutes: Annotated[float, typer.Option(help="stop training after this many minutes (0: no limit)")] = 0,
    init: Annotated[Path | None, typer.Option(help="continue from this teacher checkpoint instead of MiniLM")] = None,
    seed: Annotated[int, typer.Option()] = 0,
    soft: Annotated[bool, typer.Option(help="learn grades with the strict filters lifted; the exact filter check "
                                            "gates the teacher (--strict: learn violations from text too)")] = True,
    evaluate_only: Annotated[bool, typer.Option(help="with --init: no training, refit cut points and report")] = False,
) -> None:
    """Train the cross-encoder teacher on policy grades (train split), fit its grade cut
    points on the val split, report QWK vs the policy grader on the test split and
    throughput. Small on purpose (a few thousand pairs): it runs on a laptop CPU.

    With --soft (default) the cross-encoder learns what the filters leave to judgement
    (role, skills, seniority, mission, meaning) and a strict-filter violation is Bad by the
    exact check, as the policy says; the report gives QWK of both the cross-encoder alone
    (soft grades) and the gated teacher (full grades)."""
    import torch
    from jobsearch.models.context import load_grader
    from jobsearch.models.relevance_metrics import agreement_report
    from jobsearch.models.synth_queries import read_queries
    from jobsearch.models.teacher import CrossEncoderTeacher, TrainConfig, config_dict, throughput
    from jobsearch.models.teacher_data import build_pairs, violating

    from jobsearch import home

    if evaluate_only and not init:
        raise typer.BadParameter("--evaluate-only needs --init <teacher checkpoint>")
    torch.set_num_threads(threads)
    grader, _ = load_grader(_corpus(corpus_dir))
    allq = read_queries(_queries(queries_path))
    split = {s: [q for q in allq if q.split == s] for s in ("train", "val", "test")}
    train = build_pairs(split["train"], grader, per_grade=per_grade, seed=seed, soft=soft)
    val = build_pairs(split["val"], grader, per_grade=eval_pairs, seed=seed + 1, soft=soft)
    test = build_pairs(split["test"], grader, per_grade=eval_pairs, seed=seed + 2, soft=soft)
    # graded with the filters, read in the view the soft teacher learned
    test_full = build_pairs(split["test"], grader, per_grade=eval_pairs, seed=seed + 3, soft_view=True) if soft else test
    typer.echo(f"pairs: train {len(train)}, val {len(val)}, test {len(test)}")
    config = TrainConfig(epochs=epochs, batch_size=batch_size, lr=lr, max_length=max_length, seed=seed,
                         time_budget_s=max_minutes * 60 or None)
    teacher = (CrossEncoderTeacher.load(init) if init else CrossEncoderTeacher.from_base(max_length=max_length, seed=seed))
    teacher.max_length = max_length
    losses = [] if evaluate_only else teacher.train(train, config)
    import numpy as np

    val_logits = teacher.score([p.query for p in val], [p.job for p in val], progress=True)
    val_qwk = teacher.fit_cuts(val_logits, np.array([p.grade for p in val]))
    test_logits = teacher.score([p.query for p in test], [p.job for p in test], progress=True)
    prior = {}
    if init and (init / "teacher.json").exists():
        prior = json.loads((init / "teacher.json").read_text()).get("report", {})
    report = {
        "continued_from": str(init) if init else None,
        "prior_steps": prior.get("steps", 0) + prior.get("prior_steps", 0),
        "soft": soft,
        "test": agreement_report(teacher.grades_of(test_logits), [p.grade for p in test]),
        "val_qwk": val_qwk,
        "pairs_per_second": throughput(teacher, test[:256]),
        "threads": threads,
        "config": config_dict(config),
        "n_pairs": {"train": len(train), "val": len(val), "test": len(test)},
        "loss_first_20": float(np.mean(losses[:20])) if losses else None,
        "loss_last_20": float(np.mean(losses[-20:])) if losses else None,
        "steps": len(losses),
    }
    if soft:  # the teacher as the harness uses it: exact filter check, then the cross-encoder
        by_id = {q.query_id: q for q in split["test"]}
        full_logits = teacher.score([p.query for p in test_full], [p.job for p in test_full], progress=True)
        gated = np.where(violating(test_full, by_id, grader), 0, teacher.grades_of(full_logits))
        report["test_gated"] = agreement_report(gated, [p.grade for p in test_full])
    target = out or home.models_dir() / "teacher"
    teacher.save(target, extra={"report": report, "soft": soft})
    typer.echo(json.dumps({k: v for k, v in report.items() if k != "config"}, indent=1))
    typer.echo(f"-> {target}")


@app.command("train-retriever")
def train_retriever(
    corpus_dir: CorpusOpt = None,
    index_dir: Annotated[Path | None, typer.Option(help="index folder (default: <home>/index)")] = None,
    queries_path: QueriesOpt = None,
    models_dir: Annotated[Path | None, typer.Option(help="models folder holding retriever/1; the tower goes to query/1 "
                                                         "(default: <home>/models)")] = None,
    steps: Annotated[int, typer.Option(help="optimizer steps")] = 1500,
    batch_size: Annotated[int, typer.Option(help="queries per step")] = 32,
    lr: Annotated[float, typer.Option(help="AdamW peak learning rate")] = 5e-5,
    temperature: Annotated[float, typer.Option(help="softmax temperature of cosine scores")] = 0.05,
    grade_scale: Annotated[float, typer.Option(help="target weight e^(scale x grade)")] = 3.0,
    threads: Annotated[int, typer.Option(help="torch CPU threads")] = 2,
    max_minutes: Annotated[float, typer.Option(help="stop training after this many minutes (0: no limit)")] = 0,
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """Distil the policy grader into the retriever's query side (a "query tower").

    Fine-tunes MiniLM on the train split so that its query vector ranks the corpus's
    *fixed* document vectors as the policy grader grades them (strict filters lifted: the
    index enforces those), keeps the best step on the val split, exports it to ONNX at
    <models>/query/1 paired with the retriever's documents. `jobsearch serve`, `search` and
    `eval run` pick it up; the index is not rebuilt. Remove the folder to go back.

    Example: jobsearch eval train-retriever --steps 1500 --max-minutes 20"""
    import tempfile

    import torch
    from jobsearch.models.context import load_grader
    from jobsearch.models.query_tower import QueryTower, TowerConfig, build_targets, config_dict
    from jobsearch.models.synth_queries import read_queries

    from jobsearch import home
    from jobsearch.encode.default import QUERY_MODEL, retriever_model_id
    from jobsearch.encode.export import export_retriever
    from jobsearch.pipeline import open_pipeline

    torch.set_num_threads(threads)
    models = models_dir or home.models_dir()
    docs_model = retriever_model_id(models)
    grader, _ = load_grader(_corpus(corpus_dir))
    pipeline = open_pipeline(index_dir, _corpus(corpus_dir), warm=False)

    def parse(text: str, member_id: str | None) -> str:  # what the pipeline will encode
        return pipeline.parse(text, member_id=member_id).semantic_text

    allq = read_queries(_queries(queries_path))
    train = build_targets([q for q in allq if q.split == "train"], grader, parse)
    val = build_targets([q for q in allq if q.split == "val"], grader, parse)
    typer.echo(f"queries with a relevant job: train {len(train.texts)}, val {len(val.texts)}")
    if not train.texts:
        raise typer.BadParameter("no training queries with a relevant job: run `jobsearch eval queries` first")
    config = TowerConfig(steps=steps, batch_size=batch_size, lr=lr, temperature=temperature, grade_scale=grade_scale,
                         seed=seed, time_budget_s=max_minutes * 60 or None)
    tower = QueryTower.from_base(max_length=config.max_length)
    assert grader.jobs.vectors is not None  # load_grader attaches the job vectors
    curve = tower.train(train, grader.jobs.vectors, config, val=val)
    with tempfile.TemporaryDirectory(prefix="query-tower-") as tmp:
        tower.save(Path(tmp))
        target = export_retriever(models, source=Path(tmp), name=QUERY_MODEL, doc_model_id=docs_model)
    report = {"doc_model_id": docs_model, "curve": curve, "config": config_dict(config),
              "n_queries": {"train": len(train.texts), "val": len(val.texts)}}
    (target / "training.json").write_text(json.dumps(report, indent=1))
    typer.echo(json.dumps({"curve": curve}, indent=1))
    typer.echo(f"-> {target}")


DEV_SYSTEMS = ("bm25", "retrieval", "served", "ranker", "cross-encoder")


@app.command()
def dev(
    judged: Annotated[Path | None, typer.Option(help="judged dev set (default: ../shared/relevance/judged-dev.jsonl)")] = None,
    system: Annotated[list[str] | None, typer.Option(help="bm25 | retrieval (the packaged MiniLM, PyTorch) | "
                                                            "served (the data home's exported encoder, as search uses it) | ranker (the data home's ONNX "
                                                            "ranker, else the shipped one, on compact texts) | "
                                                            "cross-encoder (needs --checkpoint); repeatable")] = None,
    checkpoint: Annotated[Path | None, typer.Option(help="a ranker/teacher checkpoint folder (HF, num_labels=1): "
                                                         "scores (query side, compact text) pairs")] = None,
    scores: Annotated[list[Path] | None, typer.Option(help="dev_scores.json(.gz) of a training run: "
                                                           "{qid: {system: [score per judged posting]}}")] = None,
    calibration: Annotated[list[str] | None, typer.Option(help="SYSTEM=calibration.json: grade that system's scores "
                                                                "(QWK, confusion matrix, label checks)")] = None,
    corpus_dir: CorpusOpt = None,
    out: Annotated[Path | None, typer.Option(help="result JSON (default: <home>/eval/runs/dev.json); .md beside it")] = None,
) -> None:
    """The second judge: score every judged pair of the LLM-judged dev set with each system
    and report agreement (QWK, Kendall tau per query), re-ranking of each judged pool
    (NDCG@10, P@10, first result Good or better) and the calibration table.

    Example: jobsearch eval dev --system bm25 --scores run/dev_scores.json.gz --calibration student_L2=cal.json"""
    from jobsearch.models.dev_scoring import load_scores, score_dev
    from jobsearch.models.dev_set import DevSetError, evaluate, markdown, read_judged

    from jobsearch import home
    from jobsearch.rank.calibration import CalibrationError, ScoreCalibration

    path = judged or Path("..") / "shared" / "relevance" / "judged-dev.jsonl"
    try:
        queries = read_judged(path)
    except DevSetError as exc:
        raise typer.BadParameter(str(exc)) from exc
    by_system: dict[str, dict[str, Any]] = {}
    for s in system or []:
        if s not in DEV_SYSTEMS:
            raise typer.BadParameter(f"expected a system in {', '.join(DEV_SYSTEMS)}, got {s!r}")
        if s == "cross-encoder" and checkpoint is None:
            raise typer.BadParameter("--system cross-encoder needs --checkpoint DIR")
        by_system[s] = score_dev(s, queries, checkpoint=checkpoint, corpus_dir=corpus_dir)
    for f in scores or []:
        try:
            by_system.update(load_scores(f))
        except (OSError, ValueError) as exc:
            raise typer.BadParameter(f"{f}: {exc}") from exc
    if not by_system:
        raise typer.BadParameter("nothing to evaluate: give --system and/or --scores")
    cals = {}
    for item in calibration or []:
        name, _, file = item.partition("=")
        if not file:
            raise typer.BadParameter(f"expected SYSTEM=FILE, got {item!r}")
        try:
            cals[name] = ScoreCalibration.load(Path(file))
        except CalibrationError as exc:
            raise typer.BadParameter(str(exc)) from exc
    try:
        results = [evaluate(queries, sc, name=name, calibration=cals.get(name)) for name, sc in by_system.items()]
    except DevSetError as exc:
        raise typer.BadParameter(str(exc)) from exc
    target = out or home.data_home() / "eval" / "runs" / "dev.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=1))
    md = markdown(results)
    target.with_suffix(".md").write_text(md)
    typer.echo(md)
    typer.echo(f"-> {target}")


@app.command("ranker-bundle")
def ranker_bundle(
    corpus_dir: CorpusOpt = None,
    queries_path: QueriesOpt = None,
    out: Annotated[Path, typer.Option(help="bundle folder (carried to the accelerator run)")] = Path(".rankdata"),
    judged: Annotated[Path | None, typer.Option(help="judged dev set to include")] = None,
    n_eval: Annotated[int, typer.Option(help="val and test queries graded over every job, each")] = 400,
) -> None:
    """Write the ranker's training bundle (models/ranker_data.py) for scripts/gpu_train_ranker.py."""
    from jobsearch.models.ranker_data import build_bundle
    from jobsearch.models.synth_queries import read_queries

    path = judged or Path("..") / "shared" / "relevance" / "judged-dev.jsonl"
    counts = build_bundle(_corpus(corpus_dir), read_queries(_queries(queries_path)), out,
                          judged=path if path.exists() else None, n_eval=n_eval)
    typer.echo(json.dumps(counts, indent=1))


@app.command("ranker-finish")
def ranker_finish(
    run_dir: Annotated[Path, typer.Option("--run", help="the accelerator run's output folder (student parts, eval_scores.npz)")],
    out: Annotated[Path, typer.Option(help="student checkpoint folder to write (HF, tokenizer, calibration files)")],
    bundle: Annotated[Path, typer.Option(help="the bundle the run read")] = Path(".rankdata"),
    layers: Annotated[int | None, typer.Option(help="layers of the saved student (default: the run's metrics.json)")] = None,
) -> None:
    """Assemble the student checkpoint from an accelerator run's fp16 parts and fit its two
    calibrations (ranker logits, retrieval cosines) on the run's val pools (policy grades)."""
    from jobsearch.models.calibrate import fit_run
    from jobsearch.models.student_checkpoint import assemble

    metrics_path = run_dir / "metrics.json"
    if not metrics_path.exists():
        raise typer.BadParameter(f"no metrics.json in {run_dir}: not a scripts/gpu_train_ranker.py output")
    metrics = json.loads(metrics_path.read_text())
    layers = layers or (metrics.get("student_saved") or {}).get("layers")
    if not layers:
        raise typer.BadParameter("the run saved no student; pass --layers")
    keep = {k: metrics.get(k) for k in ("device", "policy", "distill_set", "teacher_train", "args")}
    assemble(run_dir, out, layers=int(layers), extra={"source": "scripts/gpu_train_ranker.py", **keep})
    report = fit_run(run_dir, bundle, out, model_id=f"ranker-minilm-L{layers}-{out.name}")
    typer.echo(json.dumps(report, indent=1))
    typer.echo(f"-> {out}")


@app.command("serve-policy")
def serve_policy(
    port: Annotated[int, typer.Option(help="port on 127.0.0.1")] = 8089,
    corpus_dir: CorpusOpt = None,
    model: Annotated[str, typer.Option(help="model name the endpoint answers to")] = "jobsearch-policy",
) -> None:
    """Serve the policy grader as an OpenAI-compatible chat model on 127.0.0.1 (a stand-in
    LLM judge for `llm-agreement` and for teams without an LLM endpoint)."""
    import uvicorn
    from jobsearch.models.context import load_grader
    from jobsearch.models.llm_server import policy_model_app

    grader, _ = load_grader(_corpus(corpus_dir))
    uvicorn.run(policy_model_app(grader, model_name=model), host="127.0.0.1", port=port)


@app.command("llm-agreement")
def llm_agreement(
    base_url: Annotated[str, typer.Option(help="OpenAI-compatible server root, e.g. http://127.0.0.1:8089")],
    model: Annotated[str, typer.Option(help="model name")],
    api_key: Annotated[str | None, typer.Option(envvar="JOBSEARCH_LLM_API_KEY", help="bearer token, if the server wants one")] = None,
    split: Annotated[str, typer.Option()] = "test",
    limit: Annotated[int, typer.Option(help="queries to grade")] = 50,
    per_query: Annotated[int, typer.Option(help="jobs per query (the policy grader's mix of grades)")] = 20,
    corpus_dir: CorpusOpt = None,
    queries_path: QueriesOpt = None,
) -> None:
    """Grade a sample with an LLM judge and report agreement with the policy grader
    (exact, within one, QWK, confusion matrix). Grades are cached under <home>/cache."""
    import random

    from jobsearch.models.context import load_grader
    from jobsearch.models.llm_grader import LLMGrader, agreement_with_policy
    from jobsearch.models.synth_queries import read_queries
    from jobsearch.models.teacher_data import candidates

    from jobsearch import home

    grader, _ = load_grader(_corpus(corpus_dir))
    qs = read_queries(_queries(queries_path), split=split)[:limit]
    rng = random.Random(0)
    items = [(q.intent, [str(grader.jobs.job_id[i]) for i in candidates(q, grader, rng)[:per_query]]) for q in qs]
    llm = LLMGrader(base_url, model, grader.jobs, members=grader.members, api_key=api_key,
                    cache_path=home.cache_dir() / "llm-grades.sqlite")
    report = agreement_with_policy(llm, grader, items)
    typer.echo(json.dumps(report, indent=1))


if __name__ == "__main__":  # `python -m jobsearch.models.cli ...` before the lead mounts `jobsearch eval`
    app()
