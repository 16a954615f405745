"""What the ranker reads, as text and as token ids: the query side (the query as understood
plus member context) and each candidate's compact text. One module, used by the embedded
ranker, the remote ranker, the exporter and the sparse-mask fine-tune, so all see the same
ids."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from jobsearch.encode.tokenize import pad_batch
from jobsearch.schema import Member, ParsedQuery

# [CLS] + up to 46 query tokens + [SEP]; [CLS] + a compact text (<= 64 tokens) + [SEP].
PREFIX_TOKENS = 48
CANDIDATE_TOKENS = 66


def query_side(query: ParsedQuery, member: Member | None = None) -> str:
    """`"<text> | occupation: <title>; <family> | me: <headline>; <member occupation>; lives in <place>"`:
    the text as typed, the occupation the query engine resolves it to, and what the ranker
    may use of the member (the teacher's query side, jobsearch.models.teacher_data)."""
    from jobsearch.taxonomy.occupations import get_occupation, match_occupation

    text = query.text
    occ = match_occupation(text)
    if occ is not None:
        text = f"{text} | occupation: {occ.title}; {occ.family_name}"
    if member is None:
        return text
    bits = [member.headline]
    mine = get_occupation(member.occupation_code or "")
    if mine is not None:
        bits.append(f"occupation: {mine.title}; {mine.family_name}")
    if member.location_id:
        from jobsearch.taxonomy.places import gazetteer

        bits.append(f"lives in {gazetteer().display_name(member.location_id)}")
    return f"{text} | me: {'; '.join(bits)}"


class PairTokenizer:
    """Token ids of the prefix (`[CLS] query [SEP]`) and of candidates (`[CLS] job [SEP]`)."""

    def __init__(self, tokenizer: Any, *, prefix_tokens: int = PREFIX_TOKENS,
                 candidate_tokens: int = CANDIDATE_TOKENS) -> None:
        self.tok = tokenizer
        self.tok.no_padding()
        self.tok.no_truncation()
        self.prefix_tokens = prefix_tokens
        self.candidate_tokens = candidate_tokens

    @classmethod
    def from_file(cls, path: Any, **kwargs: int) -> PairTokenizer:
        from tokenizers import Tokenizer

        return cls(Tokenizer.from_file(str(path)), **kwargs)

    def prefix(self, text: str) -> np.ndarray:
        """(1, P) int64 ids."""
        return np.asarray([self._ids([text], self.prefix_tokens)[0]], dtype=np.int64)

    def candidates(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(B, C) int64 ids and attention mask, right-padded."""
        return pad_batch(self._ids(texts, self.candidate_tokens))

    def pairs(self, query: str, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Ordinary cross-encoder pairs `[CLS] query [SEP] job [SEP]`, the same tokens as the
        prefix + candidate split (without the candidate's own [CLS]): ids, mask, token types."""
        prefix = self._ids([query], self.prefix_tokens)[0]
        jobs = [ids[1:] for ids in self._ids(texts, self.candidate_tokens)]
        ids, mask = pad_batch([prefix + j for j in jobs])
        types = np.zeros_like(ids)
        types[:, len(prefix):] = 1
        return ids, mask, types * mask

    def _ids(self, texts: Sequence[str], limit: int) -> list[list[int]]:
        cls_id, sep_id = self.tok.token_to_id("[CLS]"), self.tok.token_to_id("[SEP]")
        encs = self.tok.encode_batch(list(texts), add_special_tokens=False)
        return [[cls_id, *e.ids[: limit - 2], sep_id] for e in encs]
