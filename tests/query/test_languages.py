"""Eight languages parse to the same filters and an equivalent English semantic text as their
English translation. The dev set's non-English queries (d59-d66, ../shared/relevance) are
written here as pairs, with a few more per language."""

from __future__ import annotations

import pytest

from jobsearch.query.engine import RuleQueryEngine
from jobsearch.query.languages import detect

PAIRS = [
    # the dev set's non-English queries
    ("Elektriker Stellen Hamburg unbefristet Vollzeit", "permanent full-time electrician jobs in Hamburg"),
    ("offre d'emploi infirmière de nuit Lyon", "nurse job, night shift, Lyon"),
    ("trabajo desarrollador backend remoto desde Madrid más de 40 mil euros",
     "backend developer job, remote from Madrid, over 40k euros"),
    ("vaga analista de dados São Paulo híbrido", "data analyst job São Paulo hybrid"),
    ("cerco lavoro come cuoco a Milano anche part time", "looking for work as a cook in Milan, part time ok"),
    ("vacatures magazijnmedewerker Rotterdam ploegendienst", "warehouse worker jobs Rotterdam rotating shifts"),
    ("praca księgowa Warszawa zdalnie", "accountant job Warsaw remote"),
    ("東京 ソフトウェアエンジニア 英語 リモート可", "Tokyo software engineer, English, remote or hybrid"),
    # more of each
    ("Pflegefachkraft Intensivstation Teilzeit Hamburg", "registered nurse intensive care unit part-time Hamburg"),
    ("Softwareentwickler Homeoffice mindestens 5k€/Monat", "software developer remote at least 5k€/month"),
    ("développeur full stack CDI Lyon télétravail partiel", "full stack developer permanent Lyon hybrid"),
    ("enfermera turno de noche en Sevilla", "nurse night shift in Sevilla"),
    ("motorista de caminhão em Curitiba tempo integral", "truck driver in Curitiba full-time"),
    ("magazziniere a Torino tempo indeterminato", "warehouse worker in Turin permanent"),
    ("vacature vrachtwagenchauffeur CE Rotterdam", "truck driver CE job Rotterdam"),
    ("programista Kraków zdalnie pełny etat", "software developer Kraków remote full-time"),
    ("大阪 看護師 夜勤 正社員", "Osaka nurse night shift permanent"),
]


@pytest.fixture(scope="module")
def engine() -> RuleQueryEngine:
    return RuleQueryEngine()


@pytest.mark.parametrize(("foreign", "english"), PAIRS)
def test_same_filters_and_english_meaning(engine: RuleQueryEngine, foreign: str, english: str) -> None:
    a, b = engine.parse(foreign), engine.parse(english)
    assert a.filters == b.filters
    assert a.semantic_text.lower() == b.semantic_text.lower()
    assert a.wishes == b.wishes
    assert a.filters != engine.parse("x").filters  # each pair states at least one constraint


@pytest.mark.parametrize(
    ("text", "code"),
    [("Elektriker Stellen Hamburg", "de"), ("offre d'emploi infirmière", "fr"), ("trabajo remoto", "es"),
     ("vaga analista de dados", "pt"), ("cerco lavoro", "it"), ("vacatures Rotterdam", "nl"),
     ("praca zdalnie", "pl"), ("東京 エンジニア", "ja"),
     ("remote python developer in Berlin", None), ("director of nursing, stage manager, conductor", None),
     ("fulltime nurse in Boston", None)],
)
def test_language_detection(text: str, code: str | None) -> None:
    assert detect(text) == code


def test_english_words_are_not_rewritten(engine: RuleQueryEngine) -> None:
    parsed = engine.parse("director of nursing in Boston, full time")
    assert parsed.semantic_text == "director of nursing"
