"""Phrases that need the member: "near me" (the member's city and cities within ~50 km)
and "where I have a connection" (the member's connection companies). Without a member
they are reported as unresolved, with a hint to pick one."""

from __future__ import annotations

import re

from jobsearch.query.draft import Draft
from jobsearch.query.gazetteer_index import place_index
from jobsearch.query.text import QueryText
from jobsearch.schema import Member

NEAR_ME_KM = 50.0
NEAR_ME = re.compile(
    r"\b(?:(?:near|close\s+to|around|by)\s+(?:me|my\s+(?:home|house|place|location|city))|"
    r"in\s+my\s+(?:area|city|region|town)|nearby|within\s+commuting\s+distance|commutable|"
    r"(?:near|close\s+to|around)\s+where\s+i\s+live)\b"
)
# "jobs that fit my background": the member's profile becomes the meaning to match.
_MINE = r"my\s+(?:background|profile|experience|skills?(?:\s+set)?|skillset|cv|resume|career)\b"
PROFILE = re.compile(
    rf"\b(?:(?:that|which)\s+)?(?:fit|fits|match|matches|suit|suits|fitting|matching|suiting|for|like)\s+{_MINE}"
    rf"|\b(?:for\s+(?:someone|somebody|people|a\s+person)\s+)?with\s+{_MINE}"
    r"|\bfor\s+(?:someone|people)\s+like\s+me\b"
    r"|\b(?:the\s+)?same\s+(?:kind\s+of\s+|sort\s+of\s+|type\s+of\s+)?(?:role|job|work|position)\s+(?:(?:as|that)\s+)?i\s+(?:have|do|did)(?:\s+now)?\b"
    r"|\b(?:like|similar\s+to)\s+my\s+(?:current|last|present)\s+(?:role|job|position)\b"
    r"|\bin\s+my\s+(?:field|line\s+of\s+work|area\s+of\s+expertise|profession)\b"
)
# "the next step up from my current job": the profile, one seniority level up.
STEP_UP = re.compile(
    r"\b(?:the\s+)?next\s+(?:step|level|move)(?:\s+up)?(?:\s+(?:from|after)\s+my\s+(?:current\s+)?(?:job|role|position))?\b"
    r"|\bstep\s+up\s+from\s+my\s+(?:current\s+)?(?:job|role|position)\b|\b(?:a\s+)?promotion\b"
)
# "pays more than I make now": above the member's current (preferred minimum) pay.
MORE_PAY = re.compile(
    r"\b(?:that\s+)?(?:pays?|paying)\s+(?:more|better)\s+than\s+(?:what\s+)?i\s+(?:make|earn|get)(?:\s+now|\s+currently|\s+today)?\b"
    r"|\bbetter\s+paid\s+than\s+my\s+(?:current\s+)?(?:job|role)\b|\b(?:a\s+)?raise\b"
)
NEXT_LEVEL = {"intern": "entry", "entry": "mid", "mid": "senior", "senior": "lead", "lead": "manager",
              "manager": "director", "director": "executive", "executive": "executive"}
_I_AM = r"(?:i'?m|i’m|i\s+am)"
CONNECTIONS = re.compile(
    r"\b(?:(?:at\s+)?(?:companies|places|employers|firms)\s+)?(?:where|at\s+which)\s+i\s+(?:have|know)\s+"
    r"(?:a\s+|some\s+|any\s+)?(?:connections?|contacts?|someone|somebody|people|friends?|a\s+friend)\b"
    r"|\b(?:at\s+)?(?:companies|places|employers|firms)\s+(?:where\s+)?my\s+(?:connections|contacts|friends|network)\s+work\b"
    r"|\bwhere\s+my\s+(?:connections|contacts|friends|network)\s+(?:work|are)\b"
    rf"|\b(?:at\s+)?(?:companies|places|employers|firms)\s+(?:that\s+)?{_I_AM}\s+connected\s+(?:to|with)\b"
    rf"|\bwhere\s+{_I_AM}\s+connected\b|\b(?:in|from|at\s+companies\s+in)\s+my\s+network\b"
    r"|\b(?:with|through)\s+(?:a\s+|my\s+)?(?:connections?|contacts?|referrals?)\b"
)


def extract_personal(q: QueryText, draft: Draft, member: Member | None) -> None:
    def needs_member(span: str) -> bool:
        """Without a member the phrase is claimed but unresolved, with a hint to pick one."""
        draft.unresolved_phrase(span, kind="needs_member",
                                hint=f"“{span}” needs to know who you are: pick a member.")
        return True

    def near_me(m: re.Match[str]) -> bool:
        span = q.span(m.start(), m.end())
        if member is None:
            return needs_member(span)
        if not member.location_id or member.location_id not in place_index().g.cities:
            draft.unresolved_phrase(span, kind="needs_location",
                                    hint=f"“{span}”: member {member.member_id} has no known location.")
            return True
        ix = place_index()
        city = ix.g.cities[member.location_id]
        ids = ix.within_km(city, NEAR_ME_KM)
        draft.add_values("location_ids", ids, label=f"Near you: within {NEAR_ME_KM:g} km of {ix.label(city)}",
                         span=span)
        draft.member_used = True
        return True

    def connections(m: re.Match[str]) -> bool:
        span = q.span(m.start(), m.end())
        if member is None:
            return needs_member(span)
        draft.member_used = True
        if not member.connection_company_ids:
            draft.unresolved_phrase(span, kind="no_connections",
                                    hint=f"Member {member.member_id} has no connections at any company yet.")
            return True
        draft.add_values("company_ids", list(member.connection_company_ids),
                         label="Companies where you have a connection", span=span)
        return True

    def profile(m: re.Match[str]) -> bool:
        span = q.span(m.start(), m.end())
        if member is None:
            return needs_member(span)
        draft.member_used = True
        draft.profile_text = profile_text(member)
        return True

    def step_up(m: re.Match[str]) -> bool:
        span = q.span(m.start(), m.end())
        if member is None:
            return needs_member(span)
        draft.member_used = True
        draft.profile_text = profile_text(member)
        if member.seniority:
            level = NEXT_LEVEL[member.seniority]
            draft.add_values("seniority", [level], label=f"One step up: {level}", span=span)
        return True

    def more_pay(m: re.Match[str]) -> bool:
        span = q.span(m.start(), m.end())
        if member is None:
            return needs_member(span)
        floor = member.preferences.min_salary
        if floor is None or floor.amount is None:
            draft.unresolved_phrase(span, kind="needs_pay", hint=f"Member {member.member_id} has no current pay on file.")
            return True
        draft.member_used = True
        draft.set_value("min_salary", floor.model_dump(), label=f"More than you make now ({floor.amount:,.0f} "
                        f"{floor.currency or 'USD'} / {floor.period or 'year'})", span=span,
                        text=f"{floor.amount:g} {floor.currency or 'USD'}/{floor.period or 'year'}")
        return True

    q.sub(STEP_UP, step_up)
    q.sub(MORE_PAY, more_pay)
    q.sub(CONNECTIONS, connections)
    q.sub(NEAR_ME, near_me)
    q.sub(PROFILE, profile)


def profile_text(member: Member) -> str:
    """What a member's profile means for retrieval: the role of the headline (not the
    employer: "Data Engineer at Acme" should not pull Acme's postings) and leading skills."""
    role = member.headline.split(" at ")[0].strip()
    skills = ", ".join(member.skills[:6])
    return f"{role}. {skills}" if skills else role
