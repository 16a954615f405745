"""The compact text the ranker reads: its parts, its token limit, and that shard sets carry
it (built with it, or computed when a set written before it is loaded)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest

from jobsearch.rank.compact import COLUMN, MAX_TOKENS, _tokenizer, compact_text, record_text

ROW = {
    "job_id": "j1",
    "title": "Senior Data Engineer",
    "seniority": "senior",
    "company_name": "Acme",
    "skills": ["Python", "Spark", "SQL", "Airflow", "Kafka", "dbt", "AWS"],
    "description": (
        "Data Engineer at Acme in Berlin, working with Python, Spark and SQL. What you will do: "
        "Design and maintain data pipelines that feed the analytics warehouse. Build streaming jobs. "
        "About us: Acme is an employer in retail. Pay: 80,000 EUR per year."
    ),
}


def _tokens(text: str) -> int:
    return len(_tokenizer().encode(text, add_special_tokens=False).ids)


def test_parts_title_seniority_key_skills_and_one_informative_clause() -> None:
    text = compact_text(ROW)
    assert text.startswith("Senior Data Engineer (senior). Skills: Python, Spark, SQL, Airflow, Kafka.")
    assert "dbt" not in text  # key skills only
    # The opener only repeats title, company and skills; the clause that says what the job is wins.
    assert text.endswith("Design and maintain data pipelines that feed the analytics warehouse.")
    assert "Pay" not in text and "About us" not in text


def test_at_most_64_tokens_cut_at_a_word() -> None:
    long = dict(ROW, title="Principal Distributed Systems Reliability " * 20, skills=["Kubernetes"] * 20)
    text = compact_text(long)
    assert _tokens(text) <= MAX_TOKENS
    assert text.split()[-1] in {"Principal", "Distributed", "Systems", "Reliability"}
    assert _tokens(compact_text(ROW)) <= MAX_TOKENS


def test_sparse_records_still_give_text() -> None:
    assert compact_text({"title": "Nurse"}) == "Nurse."
    assert compact_text({"title": "Nurse", "skills": "triage"}) == "Nurse. Skills: triage."
    assert compact_text({}) == ""


def test_record_text_prefers_the_stored_column() -> None:
    assert record_text({**ROW, COLUMN: "stored"}) == "stored"
    assert record_text(ROW) == compact_text(ROW)


def test_index_build_stores_compact_text_and_old_sets_get_it_on_load(tmp_path: Path) -> None:
    from jobsearch.corpus.table import POSTINGS_SCHEMA
    from jobsearch.index import FlatIndex
    from jobsearch.index.build import build_from_arrays
    from jobsearch.index.layout import RECORDS
    from jobsearch.schema import Filters

    rows = []
    for i, title in enumerate(["Registered Nurse", "Data Engineer", "Pharmacist"]):
        row = {name: None for name in POSTINGS_SCHEMA.names}
        row.update(job_id=f"j{i}", title=title, description=f"{title} job. Care for patients and run the ward team daily.",
                   company_id="c", company_name="Co", company_type="direct", location_ids=["GB-LND"],
                   workplace="onsite", remote_share=0.0, posted_at=np.datetime64("2026-11-01", "s").astype(object),
                   seniority="mid", employment_type="full_time", occupation_code="29-1141", skills=["triage"])
        rows.append(row)
    vecs = np.eye(3, 8, dtype=np.float32)
    set_dir = build_from_arrays(tmp_path / "index", vecs, rows, model_id="m")
    index = FlatIndex.open(tmp_path / "index")
    got = index.search(vecs[:1], Filters(), 3, with_records=True)[0].records
    assert got is not None and got[0][COLUMN] == compact_text(rows[0])

    # A set written before the column existed: strip it from the files, load, still there.
    shard = next(p for p in set_dir.iterdir() if p.name.startswith("shard-"))
    table = ipc.open_file(pa.memory_map(str(shard / RECORDS))).read_all()
    assert COLUMN in table.column_names
    old = table.drop_columns([COLUMN])
    shard.chmod(0o755)
    tmp = shard / "records.tmp"  # not over the memory-mapped file `old` still reads
    with pa.OSFile(str(tmp), "wb") as sink, ipc.new_file(sink, old.schema) as writer:
        writer.write_table(old)
    tmp.replace(shard / RECORDS)
    from jobsearch.index.segment import Segment
    from jobsearch.index.shardset import load_set

    vocab = load_set(set_dir, verify=False).segments[0].vocab
    seg = Segment.load(shard, vocab, dtype="float16")
    assert seg.records_at([1])[0][COLUMN] == compact_text(rows[1])


@pytest.mark.parametrize("n", [1, 50])
def test_batch_equals_single(n: int) -> None:
    from jobsearch.rank.compact import compact_texts

    rows = [dict(ROW, title=f"Engineer {i}") for i in range(n)]
    assert compact_texts(rows) == [compact_text(r) for r in rows]
