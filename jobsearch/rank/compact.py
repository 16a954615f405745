"""The compact text of a posting: what the cross-encoder ranker reads instead of the full
posting (title, seniority, key skills, one clause of the description; at most 64 tokens).
Computed once per posting at `index build` and stored in the shard set's records
(`compact_text`); sets built before it existed get it computed on the fly (`record_text`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

COLUMN = "compact_text"
MAX_TOKENS = 64
KEY_SKILLS = 5
# The clause: enough words to say what the job is, short enough to leave room for the rest.
CLAUSE_WORDS = 18
_SPACE = re.compile(r"\s+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z0-9]+")
# Sentences about pay, place, contract or the employer say nothing the filters do not.
_NOISE = re.compile(
    r"^(pay|salary|about us|this role is on site|hybrid:|fully remote|full-time|part-time|"
    r"fixed-term|temporary|internship \()", re.IGNORECASE,
)
_STOP = frozenset(
    ["a", "an", "and", "as", "at", "be", "for", "from", "in", "is", "of", "on", "or", "our", "the", "to", "we", "with", "you", "your", "will", "who", "this", "that", "are", "join", "working", "work", "hiring", "looking", "experienced", "strong", "skills"]
)
_LABEL = re.compile(r"^(what you will do|what we look for|responsibilities|requirements)\s*:\s*", re.IGNORECASE)


def compact_text(record: Mapping[str, Any]) -> str:
    """`"<title> (<seniority>). Skills: a, b, c. <one clause>"`, cut to MAX_TOKENS tokens
    of the ranker's tokenizer. `record` is a posting row (POSTINGS_SCHEMA dict form)."""
    return compact_texts([record])[0]


def compact_texts(records: Iterable[Mapping[str, Any]]) -> list[str]:
    """`compact_text` of many records (tokenized in one batch)."""
    texts = [_compose(r) for r in records]
    encodings = _tokenizer().encode_batch(texts, add_special_tokens=False)
    return [_truncate(t, e) if len(e.ids) > MAX_TOKENS else t for t, e in zip(texts, encodings, strict=True)]


def _compose(record: Mapping[str, Any]) -> str:
    title = _clean(record.get("title"))
    seniority = _clean(record.get("seniority"))
    head = f"{title} ({seniority})" if title and seniority else title or seniority
    skills = [s for s in (_clean(x) for x in _items(record.get("skills"))) if s][:KEY_SKILLS]
    parts = [head] if head else []
    if skills:
        parts.append("Skills: " + ", ".join(skills))
    known = " ".join([title, _clean(record.get("company_name")), *skills])
    clause = _clause(_clean(record.get("description")), known=known)
    if clause:
        parts.append(clause)
    return ". ".join(p.rstrip(".") for p in parts) + ("." if parts else "")


def record_text(record: Mapping[str, Any]) -> str:
    """The stored compact text of a candidate record, or computed now for sets built before
    the column existed."""
    stored = record.get(COLUMN)
    return stored if isinstance(stored, str) and stored else compact_text(record)


def _clause(description: str, *, known: str) -> str:
    """The first sentence that adds meaning beyond the title and skills (not pay, place or
    contract terms), cut to its first clause of at most CLAUSE_WORDS words."""
    seen = set(_WORD.findall(known.lower())) | _STOP
    fallback = ""
    for sentence in _SENTENCE.split(description):
        sentence = _LABEL.sub("", sentence.strip())
        if not sentence or _NOISE.match(sentence):
            continue
        fallback = fallback or sentence
        new = set(_WORD.findall(sentence.lower())) - seen
        if len(new) >= 4:
            return _first_clause(sentence)
    return _first_clause(fallback) if fallback else ""


def _first_clause(sentence: str) -> str:
    words = sentence.split(" ")
    if len(words) <= CLAUSE_WORDS:
        return sentence
    cut = " ".join(words[:CLAUSE_WORDS])
    # End at the last clause boundary inside the cut when there is one past its middle.
    stop = max(cut.rfind(";"), cut.rfind(","))
    return cut[:stop] if stop > len(cut) // 2 else cut


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from tokenizers import Tokenizer

    from jobsearch.rank.tokenizer import base_tokenizer_file

    tok = Tokenizer.from_file(str(base_tokenizer_file()))
    tok.no_truncation()
    tok.no_padding()
    return tok


def _truncate(text: str, enc: Any) -> str:
    """Cut `text` at a word boundary so it is at most MAX_TOKENS wordpieces (no specials)."""
    end = enc.offsets[MAX_TOKENS - 1][1]
    cut = text[:end]
    # Keep whole words: drop a word the limit split in two.
    if end < len(text) and text[end].isalnum() and " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:")


def _clean(value: object) -> str:
    return _SPACE.sub(" ", value).strip() if isinstance(value, str) else ""


def _items(raw: object) -> list[object]:
    # a list from pyarrow, a numpy array from pandas, or one skill as a bare string
    return [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, Iterable) else []


def with_compact_text(table: Any) -> Any:
    """A records table (pyarrow) with the `compact_text` column, computed where missing."""
    import pyarrow as pa

    if COLUMN in table.column_names:
        return table
    texts = compact_texts(table.to_pylist())
    return table.append_column(pa.field(COLUMN, pa.string()), pa.array(texts, pa.string()))
