"""Typing noise for synthetic queries: typos in the role words and casing changes, so the
query engine and retrievers are judged on text that looks typed, not templated."""

from __future__ import annotations

import random

TYPO_RATE = 0.12
CASING = (("lower", 0.30), ("upper", 0.03), ("title", 0.05))


def typo(word: str, rng: random.Random) -> str:
    """One keyboard slip: swap two neighbours, drop or double a letter."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 2)
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def maybe_typo(text: str, rng: random.Random) -> tuple[str, list[str]]:
    if rng.random() >= TYPO_RATE:
        return text, []
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 5]
    if not long:
        return text, []
    i = rng.choice(long)
    words[i] = typo(words[i], rng)
    return " ".join(words), ["typo"]


def casing(text: str, rng: random.Random) -> tuple[str, list[str]]:
    r = rng.random()
    acc = 0.0
    for name, p in CASING:
        acc += p
        if r < acc:
            return getattr(text, name)(), [name]
    return text, []
