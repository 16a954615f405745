"""Fixtures of the relevance tests: a small hand-built corpus that carries the worked cases
of docs/grading-policy.md, and a generated corpus + query set for the harness tests."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SEATTLE, SAN_FRANCISCO, BERLIN = "5809844", "5391959", "2950159"

BASE = dict(
    title="Software Engineer",
    description="Build backend services in Python on Kubernetes.",
    company=dict(id="c-acme", name="Acme", type="direct", industry_naics="513210"),
    location_ids=[SEATTLE],
    workplace="hybrid",
    remote_share=0.6,
    salary=dict(min=150000, max=190000, currency="USD", period="year"),
    posted_at=NOW - timedelta(days=2),
    seniority="senior",
    employment_type="full_time",
    occupation_code="15-1252.00",
    skills=["Python", "Kubernetes", "Go"],
)

# name -> changes to BASE; the policy-case tests grade these by name.
VARIANTS: dict[str, dict] = {
    "ideal": {},
    "staffing": {"company": dict(id="c-staff", name="StaffCo", type="staffing", industry_naics="561311")},
    "old": {"posted_at": NOW - timedelta(days=10)},
    "onsite": {"workplace": "onsite", "remote_share": 0.0},
    "remote": {"workplace": "remote", "remote_share": 1.0},
    "san_francisco": {"location_ids": [SAN_FRANCISCO]},
    "low_pay": {"salary": dict(min=100000, max=140000, currency="USD", period="year")},
    "no_pay": {"salary": None},
    "range_reaches": {"salary": dict(min=120000, max=160000, currency="USD", period="year")},
    "eur_pay": {"salary": dict(min=130000, max=140000, currency="EUR", period="year")},
    "other_skills": {"skills": ["Java", "React"]},
    "half_skills": {"skills": ["Python", "React"]},
    "qa": {"title": "QA Engineer", "occupation_code": "15-1253.00", "skills": ["Selenium", "Java"]},
    "devops_skills": {"title": "DevOps Engineer", "occupation_code": "15-1299.08", "skills": ["Kubernetes", "Python"]},
    "devops_other": {"title": "DevOps Engineer", "occupation_code": "15-1299.08", "skills": ["Terraform"]},
    "eng_manager": {"title": "Engineering Manager", "occupation_code": "11-3021.00", "skills": ["Python", "hiring"]},
    "it_support": {"title": "IT Support Specialist", "occupation_code": "15-1232.00", "skills": ["troubleshooting"]},
    "accountant": {"title": "Accountant", "occupation_code": "13-2011.00", "skills": ["Excel"]},
    "electrical": {"title": "Electrical Engineer", "occupation_code": "17-2071.00", "skills": ["Python", "PCB"]},
    "ops_research": {"title": "Operations Research Analyst", "occupation_code": "15-2031.00", "skills": ["Gurobi"]},
    "mid": {"seniority": "mid"},
    "entry": {"seniority": "entry"},
    "lead": {"seniority": "lead"},
    "other_company": {"company": dict(id="c-other", name="Other", type="direct", industry_naics="513210")},
    "berlin": {"location_ids": [BERLIN]},
    "marketing_green": {"title": "Marketing Manager", "occupation_code": "11-2021.00", "skills": ["SEO"],
                        "company": dict(id="c-green", name="GreenCo", type="direct", industry_naics="562111")},
    "marketing_software": {"title": "Marketing Manager", "occupation_code": "11-2021.00", "skills": ["SEO"]},
    "market_research_green": {"title": "Market Research Analyst", "occupation_code": "13-1161.00", "skills": ["SQL"],
                              "company": dict(id="c-green", name="GreenCo", type="direct", industry_naics="562111")},
    "data_scientist": {"title": "Data Scientist", "occupation_code": "15-2051.00", "skills": ["Python", "PyTorch"]},
    "hourly_ok": {"salary": dict(min=62, max=70, currency="USD", period="hour")},
    "hourly_low": {"salary": dict(min=40, max=50, currency="USD", period="hour")},
}


def _merge(change: dict) -> dict:
    out = dict(BASE)
    out.update(change)
    return out


@pytest.fixture(scope="session")
def case_table():
    """Postings table of the policy cases; job ids are the variant names."""
    from jobsearch.corpus.table import postings_to_table
    from jobsearch.schema import Posting

    return postings_to_table([Posting(job_id=name, **_merge(ch)) for name, ch in VARIANTS.items()])


@pytest.fixture(scope="session")
def case_jobs(case_table):
    from jobsearch.models.jobtable import JobTable

    return JobTable(case_table)


@pytest.fixture(scope="session")
def case_member():
    from jobsearch.schema import Member

    return Member(member_id="m1", name="Ada", headline="Senior software engineer, Python and Kubernetes",
                  occupation_code="15-1252.00", skills=["Python", "Kubernetes"], seniority="senior",
                  location_id=SEATTLE, connection_company_ids=["c-acme"])


@pytest.fixture(scope="session")
def case_grader(case_jobs, case_member):
    from jobsearch.models.policy import PolicyGrader

    return PolicyGrader(case_jobs, members={"m1": case_member}, now=NOW)


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory) -> object:
    """A small generated corpus (the real generator) for query-set tests."""
    from jobsearch.corpus.generate import generate_corpus

    out = tmp_path_factory.mktemp("relevance-corpus")
    generate_corpus(out, n_jobs=800, seed=5, n_members=30, progress=False)
    return out


@pytest.fixture(scope="session")
def small_jobs(small_corpus):
    from jobsearch.models.jobtable import JobTable

    return JobTable.from_corpus(small_corpus)


@pytest.fixture(scope="session")
def small_members(small_corpus):
    from jobsearch.corpus.members import load_members

    return load_members(small_corpus)
