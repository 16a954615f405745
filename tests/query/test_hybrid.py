"""Rules + tagger: the tagger's spans only add what the rules missed, every ID comes from the
deterministic resolvers, the rules' reading wins where both speak, and the built tagger in
the pipeline's factory."""

from __future__ import annotations

import pytest

from jobsearch.query.engine import RuleQueryEngine
from jobsearch.query.hybrid import HybridQueryEngine, with_tagger
from jobsearch.query.learned import TaggedSpan, TaggerOutput, tagger_dir


class SpansTagger:
    """A tagger that finds the spans it is given (the model's decision, fixed), so each
    test checks what the hybrid does with a span, through the real resolvers."""

    version = "fixed"

    def __init__(self, *spans: tuple[str, str, float]) -> None:
        self.spans = spans

    def tag(self, text: str) -> TaggerOutput:
        found = []
        for phrase, kind, score in self.spans:
            at = text.find(phrase)
            assert at >= 0, phrase
            found.append(TaggedSpan(at, at + len(phrase), kind, phrase, score))
        return TaggerOutput(tuple(found), "role_place", 0.9)


@pytest.fixture(scope="module")
def rules(companies, members) -> RuleQueryEngine:
    return RuleQueryEngine(companies=companies, members=members)


def test_a_missed_place_is_resolved_by_the_rules_resolver(rules) -> None:
    text = "nurse jobs mobile"
    assert rules.parse(text).filters.location_ids == []  # lower-case "mobile" is a word to the rules
    got = HybridQueryEngine(rules, SpansTagger(("mobile", "place", 0.95))).parse_detailed(text)
    assert got.parsed.filters.location_ids == rules.parse("jobs in Mobile").filters.location_ids
    assert got.parsed.semantic_text == "nurse"
    chip = [c for c in got.parsed.constraints if c.get("source") == "model"]
    assert chip and chip[0]["span"] == "mobile" and chip[0]["filter"] == "location_ids"


def test_an_excluded_place_and_an_excluded_company(rules) -> None:
    text = "cashier jobs nice, avoid amazon"
    tagger = SpansTagger(("nice", "xplace", 0.9), ("amazon", "xcompany", 0.9))
    got = HybridQueryEngine(rules, tagger).parse(text)
    assert got.filters.exclude_location_ids == rules.parse("not in Nice").filters.exclude_location_ids != []
    assert got.filters.exclude_company_ids == ["co-amazon"]
    assert got.filters.location_ids == [] and got.filters.company_ids == []


def test_unknown_names_add_no_ids(rules) -> None:
    text = "engineer jobs at Google in Atlantis"
    tagger = SpansTagger(("Google", "company", 0.99), ("Atlantis", "place", 0.99))
    got = HybridQueryEngine(rules, tagger).parse_detailed(text)
    base = rules.parse(text)
    assert got.parsed.filters == base.filters  # nothing invented
    assert got.added == ()


def test_rules_win_where_both_speak_and_weak_spans_are_ignored(rules) -> None:
    text = "data engineer in Seattle, remote"
    base = rules.parse(text)
    tagger = SpansTagger(("Seattle", "xplace", 0.99), ("data engineer", "company", 0.3))
    got = HybridQueryEngine(rules, tagger).parse(text)
    assert got.filters == base.filters and got.semantic_text == base.semantic_text


def test_bad_input_is_refused_like_the_rules(rules) -> None:
    from jobsearch.errors import BadQueryError

    with pytest.raises(BadQueryError):
        HybridQueryEngine(rules, SpansTagger()).parse("   ")


def test_factory_uses_the_tagger_only_when_built(rules, tmp_path) -> None:
    assert with_tagger(rules, models_dir=tmp_path) is rules


@pytest.mark.slow
def test_built_tagger_in_the_hybrid(rules, tmp_path_factory) -> None:
    models = tmp_path_factory.getbasetemp() / "query-models"
    if tagger_dir(models, build=True) is None:
        pytest.skip("no query tagger adapter ships in jobsearch/query/tagger/")
    engine = with_tagger(rules, models_dir=models)
    assert isinstance(engine, HybridQueryEngine)
    for text in ("accountant positions in London UK", "mechanical engineer in Texas but not Houston",
                 "hybrid data analyst Berlin max 2 office days, not Globex"):
        got, base = engine.parse(text), rules.parse(text)
        ids = set(got.filters.location_ids) | set(got.filters.exclude_location_ids)
        # every place ID is one the rules' resolver gives for some words of the text
        assert ids >= set(base.filters.location_ids) | set(base.filters.exclude_location_ids)
        for c in got.constraints:
            assert c["span"].lower() in text.lower()
