"""Refinement of an understood query: dropping constraints (the page's removable chips)
and naming them in messages. Pure functions over ParsedQuery / Filters."""

from __future__ import annotations

from collections.abc import Sequence

from jobsearch.errors import BadQueryError
from jobsearch.schema import Filters, ParsedQuery

FILTER_NAMES: frozenset[str] = frozenset(Filters.model_fields)


def filters_without(filters: Filters, name: str) -> Filters:
    """`filters` with one filter reset to "no constraint"."""
    default = Filters.model_fields[name].get_default(call_default_factory=True)
    return filters.model_copy(update={name: default})


def drop_constraints(parsed: ParsedQuery, remove: Sequence[str]) -> ParsedQuery:
    """Apply `remove` items: "filter" drops a whole filter, "filter:value" one value of a
    list filter (or the scalar filter if its value matches)."""
    filters = parsed.filters
    constraints = list(parsed.constraints)
    for item in remove:
        name, _, value = item.partition(":")
        if name not in FILTER_NAMES:
            known = ", ".join(sorted(FILTER_NAMES))
            raise BadQueryError(f"cannot remove unknown filter {name!r}; known filters: {known}")
        current = getattr(filters, name)
        if value and isinstance(current, list):
            # One chip may stand for several values ("Silicon Valley" -> its cities, joined
            # by commas); values another chip still claims stay.
            values = value.split(",")
            if any(v not in current for v in values):
                raise BadQueryError(f"filter {name!r} has no value {value!r} to remove")
            kept_by_others = {
                v
                for c in constraints
                if c.get("filter") == name and c.get("value") != value
                for v in c.get("value", "").split(",")
            }
            drop = set(values) - kept_by_others
            filters = filters.model_copy(update={name: [v for v in current if v not in drop]})
            constraints = [
                c for c in constraints if not (c.get("filter") == name and c.get("value") == value)
            ]
        else:
            filters = filters_without(filters, name)
            constraints = [c for c in constraints if c.get("filter") != name]
        if name == "workplace" and not filters.workplace:
            # "mostly remote" is one chip for two filters: the share goes with the workplace.
            filters = filters_without(filters, "min_remote_share")
            constraints = [c for c in constraints if c.get("filter") != "min_remote_share"]
    return parsed.model_copy(update={"filters": filters, "constraints": constraints})


def describe_filter(parsed: ParsedQuery, name: str) -> str:
    """Human label of a filter, from the query engine's constraint labels when it has them."""
    labels = [c["label"] for c in parsed.constraints if c.get("filter") == name and c.get("label")]
    return " or ".join(labels) if labels else name.replace("_", " ")
