"""The data home: one folder holding the default corpus, index and exported models.

Default is the platform's user data directory; `JOBSEARCH_HOME` overrides it (read through
`jobsearch.settings`, never at import time).
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir


def data_home() -> Path:
    from jobsearch.settings import current

    home = current().home
    return home if home is not None else Path(user_data_dir("jobsearch"))


def default_corpus_dir() -> Path:
    return data_home() / "corpus"


def default_index_dir() -> Path:
    return data_home() / "index"


def models_dir() -> Path:
    return data_home() / "models"


def cache_dir() -> Path:
    return data_home() / "cache"
