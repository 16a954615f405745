"""The parse in progress: filters being filled, one chip per understood constraint,
unresolved phrases and suggestions. Extractors write here; the engine freezes it into a
ParsedQuery."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jobsearch.schema import Filters, Suggestion


@dataclass
class Draft:
    filters: dict[str, Any] = field(default_factory=lambda: Filters().model_dump())
    constraints: list[dict[str, str]] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    member_used: bool = False
    profile_text: str = ""  # set by "fits my background": the member's profile as meaning

    def add_values(self, name: str, values: list[str], *, label: str, span: str) -> bool:
        """Add values to a list filter and one chip for them. A chip of several values
        (a metro, a state, "near X") carries them comma-joined in `value`. Returns True
        (the span is claimed), so a substitution callback can return it."""
        current: list[str] = self.filters[name]
        new = [v for v in values if v not in current]
        current.extend(new)
        if not values:
            return True
        value = ",".join(values)
        if any(c["filter"] == name and c["value"] == value for c in self.constraints):
            return True
        self.constraints.append({"filter": name, "value": value, "label": label, "span": span})
        return True

    def set_value(self, name: str, value: Any, *, label: str, span: str, text: str | None = None) -> None:
        """Set a scalar filter (the last mention wins) and its chip."""
        self.filters[name] = value
        self.constraints = [c for c in self.constraints if c["filter"] != name]
        shown = text if text is not None else str(value)
        self.constraints.append({"filter": name, "value": shown, "label": label, "span": span})

    def unresolved_phrase(self, phrase: str, *, kind: str, hint: str) -> None:
        if phrase not in self.unresolved:
            self.unresolved.append(phrase)
            self.suggestions.append(Suggestion(kind=kind, text=hint))
