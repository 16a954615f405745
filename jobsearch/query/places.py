"""Place-name resolution: finds cities, "City, State/Country", metros, US states and
countries in the query and turns them into `location_ids` / `country_codes`.

A name counts as a place after a place preposition ("in", "near", "around", "based in",
"within 30 km of"), in a list continuing one ("in Silicon Valley or Seattle"), when
qualified ("Portland, ME", "columbus oh", "London UK"), or on its own when it cannot be a
role word (see `vocab`). After "not", "except", "excluding" or "outside" a place is left
out ("Texas but not Houston" -> `exclude_location_ids`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jobsearch.query.draft import Draft
from jobsearch.query.english import english_count, is_english
from jobsearch.query.gazetteer_index import CA_PROVINCES, GB_NATIONS, CityHit, PlaceIndex
from jobsearch.query.text import CONSUMED, QueryText
from jobsearch.query.vocab import GUARD, SKILL_CONTEXT
from jobsearch.schema import Suggestion
from jobsearch.taxonomy.metros import by_key, metro_ids
from jobsearch.taxonomy.places import City

NEAR_KM = 50.0
MILES_KM = 1.609344
# Lower-case single-word city names need at least this population to count on their own.
BARE_MIN_POPULATION = 100_000
BARE_ALTERNATE_POPULATION = 1_000_000  # a bare alternate name must be a big city's
# Where each of the eight languages (`jobsearch.query.languages`) is the local one.
LANGUAGE_COUNTRIES: dict[str, frozenset[str]] = {
    "de": frozenset(["DE", "AT", "CH", "LI", "LU"]), "fr": frozenset(["FR", "BE", "CH", "LU", "MC", "CA"]),
    "es": frozenset(["ES", "MX", "AR", "CO", "CL", "PE", "VE", "EC", "GT", "CU", "BO", "DO", "HN", "PY", "SV", "NI",
                     "CR", "PA", "UY", "PR"]),
    "pt": frozenset(["PT", "BR", "AO", "MZ"]), "it": frozenset(["IT", "CH", "SM"]), "nl": frozenset(["NL", "BE"]),
    "pl": frozenset(["PL"]), "ja": frozenset(["JP"]),
}
PREPOSITIONS = {"in": "in", "near": "near", "around": "near", "nearby": "near",
                "not": "exclude", "except": "exclude", "excluding": "exclude", "outside": "outside"}
EXCLUDING = ("exclude", "outside")
OUTSIDE_KM = 30.0  # "outside London": the city and its immediate surroundings are left out
# "I live just outside Tampa": where the person is, not a place to leave out.
_LIVE_WORDS = frozenset(["live", "lives", "living", "just", "based", "located", "reside", "im", "stay"])
# Two-letter US state codes that are also English words: a state only when written "City, OR"
# or in capitals ("Portland or Seattle" is a list, "columbus oh" is Ohio).
WORD_CODES = frozenset(["or", "in", "me", "hi", "ok", "id", "de", "la", "al", "co", "ma", "pa", "as", "oh"])
LOWER_QUALIFIER_CODES_OK = frozenset(["oh"])
# Short metro names typed in lower case ("dfw"); others need capitals ("GTA", "NoVA").
LOWER_METRO_KEYS = frozenset(["dfw", "sfba"])
CASED_METRO_KEYS = frozenset(["nova"])
# A bare lower-case alternate name of a big city ("bangalore") unless it is a common word.
COMMON_WORD_COUNT = 10_000_000
# A state name that is also a city's name means the state unless the city is this big
# ("Colorado", "Florida" -> the state; "Washington" -> the city).
STATE_OVER_CITY_POPULATION = 500_000
AREA_WORDS = frozenset(["area", "metro", "region"])
# "any state", "all 50 states", "nationwide": the whole US (US-only words: "state", CDL).
ANY_STATE = re.compile(r"\b(?:any|all(?:\s+50)?|every)\s+(?:us\s+|u\.s\.\s+)?states?\b|\bnationwide\b|\bcoast\s+to\s+coast\b")
_JOINER = re.compile(r"^[\s.'’-]*$")
_US_AFTER = re.compile(r"[\s-]*(?:based|only)\b")
_US_BEFORE = re.compile(r"\bremote[\s,(-]*$")
_RADIUS = re.compile(r"\bwithin\s+(\d{1,4})\s*(km|kms|kilometers|kilometres|mi|miles?)\s+(?:of|from)\s+$")
_LEAD_WORDS = frozenset(["based", "located", "close", "next", "within", "km", "kms", "mi", "mile", "miles", "kilometers", "kilometres"])


@dataclass
class Found:
    kind: str  # city | metro | state | country
    start_tok: int
    end_tok: int  # exclusive
    key: str
    hits: list[CityHit] = field(default_factory=list)


@dataclass
class PlaceOutcome:
    country: str | None = None  # country of the first place, for the pay currency


class PlaceParser:
    def __init__(self, index: PlaceIndex, *, member_country: str | None = None, member_city: City | None = None,
                 language: str | None = None) -> None:
        self.ix = index
        self.member_country = member_country or (member_city.country_code if member_city else None)
        self.member_city = member_city
        # Countries where the query's language is spoken: there a city's own name
        # ("Torino", "Napoli", "Lisboa") is its name, not a foreign alternate.
        self.home_countries = LANGUAGE_COUNTRIES.get(language or "", frozenset())

    def parse(self, q: QueryText, draft: Draft) -> PlaceOutcome:
        out = PlaceOutcome()
        # (start, end, ids) of each included place, and the cities of the current list
        # ("Nashville or Knoxville area": the area word widens every city of the list).
        self._taken: list[tuple[int, int, list[str]]] = []
        self._chain: list[City] = []

        def any_state(m: re.Match[str]) -> bool:
            draft.add_values("country_codes", ["US"], label="United States (any state)", span=q.span(m.start(), m.end()))
            out.country = out.country or "US"
            return True

        q.sub(ANY_STATE, any_state)
        toks = q.words()
        self._loop(q, draft, toks, out)
        self._parenthesised(q, draft)
        return out

    def _loop(self, q: QueryText, draft: Draft, toks: list, out: PlaceOutcome) -> None:
        i, ctx, radius = 0, None, None
        while i < len(toks):
            word = toks[i][2]
            prep_ctx = self._preposition(q, toks, i)
            if prep_ctx is not None:
                kind, rad, first = prep_ctx
                found = self._match(q, toks, first)
                if found and self._accept(q, toks, found, prepositioned=True):
                    i = self._take(q, draft, toks, i, found, kind, rad, out)
                    ctx, radius = kind, rad
                    continue
                if kind not in EXCLUDING and self._unknown(q, toks, i, first, draft):
                    i = first + 1
                    continue
            elif ctx is not None and word in ("or", "and") and i + 1 < len(toks):
                found = self._match(q, toks, i + 1)
                if found and self._accept(q, toks, found, prepositioned=True, listed=True):
                    i = self._take(q, draft, toks, i, found, ctx, radius, out)
                    continue
            elif ctx is not None and self._separated(q, toks, i):
                found = self._match(q, toks, i)
                if found and self._accept(q, toks, found, prepositioned=True):
                    i = self._take(q, draft, toks, i, found, ctx, radius, out)
                    continue
            found = self._match(q, toks, i)
            if found and self._accept(q, toks, found, prepositioned=False):
                i = self._take(q, draft, toks, i, found, "in", None, out)
                ctx, radius = "in", None
                continue
            if word not in ("or", "and", "the"):
                ctx = None
            i += 1

    def _parenthesised(self, q: QueryText, draft: Draft) -> None:
        """"DC metro (NoVA/MD)": places in brackets right after a place name parts of it;
        they narrow to what they share with it instead of adding the rest of Maryland."""
        for _a_start, a_end, a_ids in self._taken:
            m = re.match(r"\s*\(([^)]*)\)", q.original[a_end:])
            if not m:
                continue
            inner = (a_end + m.start(1), a_end + m.end(1))
            outer = set(a_ids)
            for b_start, b_end, b_ids in self._taken:
                if inner[0] <= b_start and b_end <= inner[1] and outer & set(b_ids):
                    value = ",".join(b_ids)
                    draft.constraints = [c for c in draft.constraints
                                         if not (c["filter"] == "location_ids" and c["value"] == value)]
                    others = {v for c in draft.constraints if c["filter"] == "location_ids" for v in c["value"].split(",")}
                    draft.filters["location_ids"] = [i for i in draft.filters["location_ids"] if i in others]

    # -- recognising ------------------------------------------------------------------

    def _preposition(self, q: QueryText, toks: list, i: int) -> tuple[str, float | None, int] | None:
        """(kind, radius km, first place token) when token i opens a place phrase:
        "in", "near", "around", "close to", "within 30 km of"."""
        word = toks[i][2]
        if i + 1 >= len(toks):
            return None
        kind: str | None = PREPOSITIONS.get(word)
        radius = NEAR_KM if kind == "near" else None
        if word == "to" and i and toks[i - 1][2] in ("close", "next"):
            kind = "near"
            radius = NEAR_KM
        if word in ("of", "from"):
            m = _RADIUS.search(q.s[max(0, toks[i][0] - 40) : toks[i][1] + 1])
            if m:
                kind = "near"
                amount = float(m.group(1))
                radius = amount * MILES_KM if m.group(2).startswith("mi") else amount
        if kind is None:
            return None
        if kind == "outside":
            if i and toks[i - 1][2] in _LIVE_WORDS:
                kind, radius = "near", NEAR_KM
            else:
                radius = OUTSIDE_KM
        first = i + 1
        if kind in EXCLUDING and toks[first][2] in ("in", "of", "from", "near", "around") and first + 1 < len(toks):
            first += 1
        if toks[first][2] == "the" and first + 1 < len(toks):
            first += 1
        return kind, radius, first

    def _phrase_start(self, q: QueryText, toks: list, i: int) -> int:
        """Char offset where the place phrase opening at token i starts, taking in "based",
        "located", "close", "within 30 km"."""
        j = i
        while j > 0 and (toks[j - 1][2] in _LEAD_WORDS or toks[j - 1][2].isdigit()):
            if not _JOINER.match(q.s[toks[j - 1][1] : toks[j][0]]):
                break
            j -= 1
        return toks[j][0]

    def _separated(self, q: QueryText, toks: list, i: int) -> bool:
        gap = q.s[toks[i - 1][1] : toks[i][0]] if i else ""
        return bool(gap) and CONSUMED not in gap and gap.strip() in (",", "/", "&", ", or", ", and")

    def _match(self, q: QueryText, toks: list, i: int) -> Found | None:
        """Longest name starting at token i (words joined by spaces, hyphens, dots)."""
        if i >= len(toks) or toks[i][2] not in self.ix.first_words:
            return None
        ix = self.ix
        # The words a name can span: up to the first gap that is not a joiner (linear, once).
        run, most = 1, min(ix.max_words, len(toks) - i)
        while run < most and _JOINER.match(q.s[toks[i + run - 1][1] : toks[i + run][0]]):
            run += 1
        for n in range(run, 0, -1):
            key = " ".join(t[2] for t in toks[i : i + n])
            if key in ix.metros:
                return Found("metro", i, i + n, ix.metros[key])
            if key in ix.countries and key in ix.states:
                return Found("state", i, i + n, ix.states[key])
            if key in ix.countries and key in ix.cities and self._city_state(key):
                return Found("city", i, i + n, key, list(ix.cities[key]))
            if key in ix.countries:
                return Found("country", i, i + n, ix.countries[key])
            # a state's name beats a town of that name, and any city's other name ("oklahoma")
            if key in ix.states and key in ix.cities and (ix.cities[key][0].city.population < STATE_OVER_CITY_POPULATION
                                                          or not ix.cities[key][0].primary):
                return Found("state", i, i + n, ix.states[key])
            if key in ix.cities:
                return Found("city", i, i + n, key, list(ix.cities[key]))
            if key in ix.states:
                return Found("state", i, i + n, ix.states[key])
            if n == 1 and key in ix.state_codes and key not in WORD_CODES:
                return Found("state", i, i + 1, ix.state_codes[key])
        return None

    def _city_state(self, key: str) -> bool:
        """Singapore, Hong Kong, Monaco: the country is one city of the same name, and
        postings name the city."""
        best = self.ix.cities[key][0]
        return best.primary and best.city.country_code == self.ix.countries[key]

    def _accept(self, q: QueryText, toks: list, f: Found, *, prepositioned: bool, listed: bool = False) -> bool:
        """Is this name a place here? `listed`: it follows "in Seattle or ..." (a second
        place of a list, so "in seattle or oceanside" keeps Oceanside)."""
        start = toks[f.start_tok][0]
        end = toks[f.end_tok - 1][1]
        key = " ".join(t[2] for t in toks[f.start_tok : f.end_tok])
        capital = q.is_capitalised(start)
        # Title Case or UPPER CASE throughout: a capital says nothing about a name.
        shouted = q.original.istitle() or q.original.isupper()
        if self._qualifier(q, toks, f) is not None:
            return True
        if start == 0 and q.original[end : end + 1] == ":" and f.kind == "city":
            return True  # a heading: "Barking: facilities technician wanted"
        if f.kind == "state" and key in self.ix.state_codes and key not in self.ix.states:
            # A bare code ("NJ"): in capitals, in a query that is not shouted throughout.
            return q.original[start:end].isupper() and not q.original.isupper()
        if f.kind == "metro" and key in CASED_METRO_KEYS:
            return not q.original[start:end].islower() and not q.original.isupper()
        if f.kind == "metro" and key in LOWER_METRO_KEYS:
            return True
        if key in GUARD and not capital and not listed:
            return False
        if prepositioned:
            # "getting out in march", "in plain english": a lower-case English word is a
            # word, not a small town of that name.
            return not (f.kind == "city" and not capital and is_english(key)
                        and (f.hits[0].city.population < BARE_MIN_POPULATION or not f.hits[0].primary))
        if key in GUARD:
            return False
        if f.kind == "country" and len(key) <= 3:
            # "uk", "usa", "uae" in lower case too; "us" is a word, but not in "us based",
            # "us-only", "remote us"
            if q.original[start:end].isupper():
                return True
            if key == "us":
                low = q.original.lower()  # the cue may be consumed already ("remote")
                return bool(_US_AFTER.match(low, end) or _US_BEFORE.search(low, 0, start))
            return len(key) > 1 and not is_english(key)
        if f.kind in ("metro", "state", "country"):
            return len(key) > 3 or q.original[start : toks[f.end_tok - 1][1]].isupper()
        best = f.hits[0]
        if best.primary:
            multiword = f.end_tok - f.start_tok > 1
            return (capital and not shouted) or multiword or best.city.population >= BARE_MIN_POPULATION
        # Another name of a city, bare: only big cities ("Bombay"), and capitals count only
        # where the query is not capitalised throughout ("Roles Matching My Profile").
        accented = q.original[start:end].lower() != q.s[start:end]
        lower_ok = q.original[start:end].islower() and english_count(key) < COMMON_WORD_COUNT
        if best.city.country_code in self.home_countries and (capital or accented) and not shouted:
            return best.city.population >= BARE_MIN_POPULATION
        return ((capital and not shouted) or accented or lower_ok) and len(key) >= 4 \
            and best.city.population >= BARE_ALTERNATE_POPULATION

    def _qualifier(self, q: QueryText, toks: list, f: Found) -> tuple[int, list[CityHit]] | None:
        """"City, ST" / "City, Country": (tokens used, the candidates it keeps)."""
        if f.kind != "city" or f.end_tok >= len(toks):
            return None
        gap = q.s[toks[f.end_tok - 1][1] : toks[f.end_tok][0]]
        if CONSUMED in gap or gap.strip() not in (",", ""):
            return None
        for n in (3, 2, 1):
            if f.end_tok + n > len(toks):
                continue
            words = toks[f.end_tok : f.end_tok + n]
            if any(not _JOINER.match(q.s[a[1] : b[0]]) for a, b in zip(words, words[1:], strict=False)):
                continue
            key = " ".join(w[2] for w in words)
            raw = q.original[words[0][0] : words[-1][1]]
            keep = self._filter(f.hits, key, raw, comma=gap.strip() == ",")
            if keep:
                return n, keep
        return None

    def _filter(self, hits: list[CityHit], key: str, raw: str, *, comma: bool) -> list[CityHit]:
        ix = self.ix
        tests = []
        if key in ix.state_codes and (comma or raw.isupper() or key not in WORD_CODES or key in LOWER_QUALIFIER_CODES_OK):
            tests.append(lambda c: c.country_code == "US" and c.admin1_code == ix.state_codes[key])
        if key in ix.states:
            tests.append(lambda c: c.country_code == "US" and c.admin1_code == ix.states[key])
        if key in CA_PROVINCES and (comma or len(key) > 2):
            tests.append(lambda c: c.country_code == "CA" and c.admin1_code == CA_PROVINCES[key])
        if key in GB_NATIONS:
            tests.append(lambda c: c.country_code == "GB" and c.admin1_code == GB_NATIONS[key])
        if key in ix.countries and (len(key) > 2 or comma or raw.isupper() or not is_english(key)):  # "cambridge uk"
            tests.append(lambda c: c.country_code == ix.countries[key])
        if len(key) == 2 and comma and key.upper() in ix.g.countries:
            tests.append(lambda c: c.country_code == key.upper())
        for test in tests:
            keep = [h for h in hits if test(h.city)]
            if keep:
                return keep
        return []

    # -- recording --------------------------------------------------------------------

    def _take(self, q: QueryText, draft: Draft, toks: list, i: int, f: Found, kind: str,
              radius: float | None, out: PlaceOutcome) -> int:
        """Record place `f` (opened at token i), consume its words; return the next token."""
        end_tok = f.end_tok
        qual = self._qualifier(q, toks, f)
        hits = f.hits
        if qual is not None:
            end_tok += qual[0]
            hits = qual[1]
        listed = toks[i][2] in ("or", "and")
        if not listed:
            self._chain = []
        widen = False
        if f.kind == "city" and radius is None and kind not in EXCLUDING and end_tok < len(toks) \
                and toks[end_tok][2] in AREA_WORDS and _JOINER.match(q.s[toks[end_tok - 1][1] : toks[end_tok][0]]):
            radius = NEAR_KM  # "the Knoxville area": the city and its surroundings
            end_tok += 1
            widen = True
        start_char = self._phrase_start(q, toks, i) if toks[i][2] not in ("or", "and") else toks[i][0]
        end_char = toks[end_tok - 1][1]
        span = q.span(toks[f.start_tok][0], end_char)
        ix = self.ix
        excluding = kind in EXCLUDING
        target = "exclude_location_ids" if excluding else "location_ids"
        prefix = "Not in " if excluding else ""
        country: str
        if f.kind == "city":
            city = self._choose(hits, qualified=qual is not None)
            if not excluding:
                self._ambiguity(draft, span, city, f.hits if qual is None else [])
            country = city.country_code
            if radius is not None:
                ids = ix.within_km(city, radius)
                label = f"{prefix}{'Within' if not excluding else 'or within'} {radius:g} km of {ix.label(city)}"
                if excluding:
                    label = f"Not within {radius:g} km of {ix.label(city)}"
            else:
                ids, label = [city.id], prefix + ix.label(city)
            draft.add_values(target, ids, label=label, span=span)
            if widen:
                for earlier in self._chain:
                    self._widen(draft, earlier)
            if radius is None and not excluding:
                self._chain.append(city)
        elif f.kind == "metro":
            metro = by_key()[f.key]
            country = metro.country
            ids = list(metro_ids(f.key))
            draft.add_values(target, ids, label=f"{prefix}{metro.name} ({len(ids)} places)", span=span)
        elif f.kind == "state":
            country = "US"
            ids = list(ix.state_cities(f.key))
            draft.add_values(target, ids, label=f"{prefix}{ix.g.us_states[f.key]}, US ({len(ids)} places)", span=span)
        else:
            country, ids = f.key, []
            name = ix.g.countries[f.key].name if f.key in ix.g.countries else f.key
            draft.add_values("exclude_country_codes" if excluding else "country_codes", [f.key],
                             label=prefix + name, span=span)
        if not excluding:
            out.country = out.country or country
            self._taken.append((toks[f.start_tok][0], end_char, ids))
        q.consume(start_char, end_char)
        return end_tok

    def _widen(self, draft: Draft, city: City) -> None:
        """A city of a list that ends in "area": its chip becomes the area's."""
        chip = next((c for c in draft.constraints if c["filter"] == "location_ids" and c["value"] == city.id), None)
        if chip is None:
            return
        draft.constraints.remove(chip)
        draft.add_values("location_ids", self.ix.within_km(city, NEAR_KM),
                         label=f"Within {NEAR_KM:g} km of {self.ix.label(city)}", span=chip["span"])

    def _choose(self, hits: list[CityHit], *, qualified: bool) -> City:
        if not qualified and self.member_country:
            local = [h for h in hits if h.city.country_code == self.member_country]
            home = self.member_city
            # the one in the member's own state ("portland" for a member in Maine)
            if home is not None and home.admin1_code:
                local = [h for h in local if h.city.admin1_code == home.admin1_code] or local
            if local:
                return local[0].city
        return hits[0].city

    def _ambiguity(self, draft: Draft, span: str, chosen: City, hits: list[CityHit]) -> None:
        # Only alternatives someone could plausibly mean: comparable size, nearer home.
        others = [
            h.city for h in hits
            if h.primary and h.city.id != chosen.id
            and h.city.population >= chosen.population * (0.05 if h.city.country_code == chosen.country_code else 0.15)
        ][:5]
        if not others:
            return
        options = [{"location_id": c.id, "label": self.ix.label(c)} for c in [chosen, *others]]
        draft.suggestions.append(Suggestion(
            kind="ambiguous_place",
            text=f"“{span}” could mean several places; using {self.ix.label(chosen)}. "
                 "Add a state or country to pick another.",
            options=options,
        ))

    def _unknown(self, q: QueryText, toks: list, i: int, first: int, draft: Draft) -> bool:
        """A capitalised name after a place preposition that no taxonomy knows ("in
        Atlantis"): report it as unresolved instead of searching for it as meaning."""
        if first >= len(toks) or q.original.istitle():
            return False
        if i and toks[i - 1][2] in SKILL_CONTEXT:
            return False
        words: list[tuple[int, int, str]] = []
        for t in toks[first : first + 3]:
            if not q.is_capitalised(t[0]) or t[2] in GUARD or not q.free(t[0], t[1]):
                break
            if words and not _JOINER.match(q.s[words[-1][1] : t[0]]):
                break
            words.append(t)
        if not words:
            return False
        phrase = q.span(toks[i][0], words[-1][1])
        name = q.span(words[0][0], words[-1][1])
        draft.unresolved_phrase(
            phrase, kind="unknown_place",
            hint=f"No place called “{name}” is known; try a city, metro area, US state or country.",
        )
        q.consume(toks[i][0], words[-1][1])
        return True
