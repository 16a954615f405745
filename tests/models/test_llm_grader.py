"""The LLM-grader backend over real HTTP on 127.0.0.1, against the OpenAI-compatible
server that serves the policy grader as a model: batching, retries, caching, agreement."""

from __future__ import annotations

import httpx
import numpy as np
import pytest
from jobsearch.models.intent import QueryIntent
from jobsearch.models.llm_grader import LLMGrader, LLMGraderError, agreement_with_policy
from jobsearch.models.llm_prompt import parse_answer
from jobsearch.models.llm_server import policy_model_app

from jobsearch.schema import Filters
from jobsearch.serve import serve_in_background

Q = QueryIntent(text="software engineer jobs in Seattle, no staffing agencies", semantic_text="software engineer",
                occupation_code="15-1252.00", skills=["Python"],
                filters=Filters(location_ids=["5809844"], exclude_company_types=["staffing"]))
P = QueryIntent(text="jobs that fit my background", semantic_text="software engineer", member_id="m1",
                personal=["profile"])


@pytest.fixture()
def server(case_grader):
    app = policy_model_app(case_grader)
    with serve_in_background(app) as url:
        yield app, url


def test_grades_match_the_policy_and_batches_split(server, case_grader, case_jobs, case_member) -> None:
    app, url = server
    ids = list(case_jobs.job_id)
    llm = LLMGrader(url, "jobsearch-policy", case_jobs, members={"m1": case_member}, batch_size=7)
    got = llm.grade(Q, ids)
    assert np.array_equal(got.grades, case_grader.grade(Q, ids).grades)
    assert app.state.requests == -(-len(ids) // 7)
    assert "violates strict filter: company_type" in got.reasons(ids.index("staffing"))[0]
    # personalised: the member travels in the prompt and the server fills the profile
    assert np.array_equal(llm.grade(P, ids).grades, case_grader.grade(P, ids).grades)


def test_cache_answers_repeats_without_http(server, case_jobs, tmp_path) -> None:
    app, url = server
    ids = list(case_jobs.job_id)[:10]
    llm = LLMGrader(url, "jobsearch-policy", case_jobs, batch_size=4, cache_path=tmp_path / "grades.sqlite")
    first = llm.grade(Q, ids).grades
    sent = app.state.requests
    again = LLMGrader(url, "jobsearch-policy", case_jobs, batch_size=4, cache_path=tmp_path / "grades.sqlite")
    assert np.array_equal(again.grade(Q, ids).grades, first)
    assert app.state.requests == sent  # every grade came from the cache file
    llm.grade(Q, list(case_jobs.job_id)[:12])  # two new jobs: one more request
    assert app.state.requests == sent + 1


def test_retries_a_server_that_fails_first(case_grader, case_jobs) -> None:
    app = policy_model_app(case_grader, fail_first=2)
    with serve_in_background(app) as url:
        llm = LLMGrader(url, "jobsearch-policy", case_jobs, batch_size=50, backoff_s=0.01, concurrency=1)
        got = llm.grade(Q, ["ideal", "staffing"])
    assert got.grades.tolist() == [4, 0]
    assert llm.retries == 2 and app.state.requests == 3


def test_gives_up_after_max_retries(case_grader, case_jobs) -> None:
    app = policy_model_app(case_grader, fail_first=100)
    with serve_in_background(app) as url:
        llm = LLMGrader(url, "jobsearch-policy", case_jobs, max_retries=2, backoff_s=0.01)
        with pytest.raises(LLMGraderError, match="3 attempts"):
            llm.grade(Q, ["ideal"])
    assert app.state.requests == 3


def test_wrong_model_is_a_client_error_not_retried(server, case_jobs) -> None:
    app, url = server
    llm = LLMGrader(url, "no-such-model", case_jobs, backoff_s=0.01)
    with pytest.raises(LLMGraderError, match="refused"):
        llm.grade(Q, ["ideal"])
    assert app.state.requests == 1


def test_agreement_report(server, case_grader, case_jobs, case_member) -> None:
    _, url = server
    ids = list(case_jobs.job_id)
    llm = LLMGrader(url, "jobsearch-policy", case_jobs, members={"m1": case_member})
    report = agreement_with_policy(llm, case_grader, [(Q, ids), (P, ids)])
    assert report["n"] == 2 * len(ids)
    assert report["exact"] == 1.0 and report["qwk"] == pytest.approx(1.0)
    assert sum(map(sum, report["confusion"])) == 2 * len(ids)


def test_models_endpoint_and_schema_checks(server) -> None:
    _, url = server
    assert httpx.get(url + "/v1/models").json()["data"][0]["id"] == "jobsearch-policy"
    with pytest.raises(ValueError, match="missing"):
        parse_answer('{"grades": [{"job_id": "a", "grade": 3, "reason": ""}]}', ["a", "b"])
    with pytest.raises(ValueError, match="integer grade"):
        parse_answer('{"grades": [{"job_id": "a", "grade": 7, "reason": ""}]}', ["a"])
