"""Pay phrases -> `min_salary`: amounts ("over 150k", "at least $70/hour", "80.000 € plus",
"£60,000", "6 figures", "25 LPA", "$2,500 a week", "£450/day") and statistics ("above median pay" -> {"relative": "median"},
resolved at search time). The currency of an amount without one comes from the place's
country (or the member's), else USD; the period is a year unless stated."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jobsearch.errors import BadQueryError
from jobsearch.query.draft import Draft
from jobsearch.query.english import is_english
from jobsearch.query.text import QueryText
from jobsearch.taxonomy.currency import USD_PER_UNIT, known_currency

SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₪": "ILS"}
WORDS = {
    "usd": "USD", "us$": "USD", "dollar": "USD", "dollars": "USD", "bucks": "USD",
    "eur": "EUR", "euro": "EUR", "euros": "EUR", "gbp": "GBP", "pound": "GBP", "pounds": "GBP",
    "quid": "GBP", "chf": "CHF", "franc": "CHF", "francs": "CHF", "swiss francs": "CHF",
    "cad": "CAD", "c$": "CAD", "ca$": "CAD", "aud": "AUD", "a$": "AUD", "nzd": "NZD",
    "sek": "SEK", "nok": "NOK", "dkk": "DKK", "yen": "JPY", "jpy": "JPY", "inr": "INR",
    "rupees": "INR", "sgd": "SGD", "s$": "SGD", "pln": "PLN", "zl": "PLN", "brl": "BRL",
    "mxn": "MXN", "hkd": "HKD", "kr": "kr",
}
# Every other ISO code the rate table knows, when it is not an English word ("15000 aed a
# month", "600000 zar"; not "try", "cop", "ron").
_MORE = sorted(c.lower() for c in USD_PER_UNIT
               if c.lower() not in WORDS and c.lower() != "php" and not is_english(c.lower()))  # PHP: the language
WORDS.update({c: c.upper() for c in _MORE})
DOLLAR_FAMILY = {"CAD", "AUD", "NZD", "SGD", "HKD", "MXN"}
SYMBOL_FOR = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}

_CUR = r"(?:us\$|c\$|ca\$|a\$|s\$|[$€£¥₹₩₪]|usd|eur|gbp|chf|cad|aud|nzd|sek|nok|dkk|jpy|inr|sgd|pln|brl|mxn|hkd|" + "|".join(_MORE) + ")"
_CURWORD = r"(?:swiss\s+francs|dollars?|bucks|euros?|pounds?|quid|francs?|yen|rupees|zl|kr|" + _CUR[3:]
_NUMBER = r"\d{1,3}(?:[.,\s]\d{3})+(?![\d])|\d+(?:[.,]\d+)?"
_MULT = r"(?:k|m|mm|thousand|grand|mil|million)\b"
_PERIOD = (r"(?:\s*(?:/|per|an?|each)\s*(?P<per>hour|hr|h|day|week|wk|month|mo|year|yr|annum)\b"
           r"|\s*(?P<adv>hourly|daily|weekly|monthly|annually|yearly|a\s+year|p\.?\s?a\.?(?!\w)|p/?h\b|p/?d\b))")
_LEADIN = (r"(?:(?:paying|pays|pay|salary|salaries|comp|compensation|earning|earn|making|make|base|"
           r"wage|wages|rate|with|that\s+pays?)\s*(?:of\s+|is\s+|:\s*)?)?")
_CMP = (r"(?P<cmp>over|above|more\s+than|at\s+least|min(?:imum)?|starting\s+(?:at|from)|from|>=?|≥|"
        r"no\s+less\s+than|not\s+less\s+than|upwards\s+of|north\s+of|in\s+excess\s+of)?\s*")
_AFTER = r"(?P<plus>\s*\+|\s+plus\b|\s+or\s+more\b|\s+(?:and|or)\s+(?:up|above|higher)\b|\s+min(?:imum)?\b)?"
AMOUNT = re.compile(
    rf"(?<![\w.,]){_LEADIN}{_CMP}(?P<cur1>{_CUR})?\s*(?P<num>{_NUMBER})\s*(?P<mult>{_MULT})?"
    rf"(?:\s*(?:-|–|to)\s*(?:{_CUR})?\s*(?:{_NUMBER})\s*(?P<mult2>{_MULT})?)?"
    rf"(?:\s*(?P<cur2>{_CURWORD}\b|[$€£])\.?)?{_AFTER}{_PERIOD}?{_AFTER.replace('plus', 'plus2')}",
)
FIGURES = re.compile(r"\b(?:paying\s+|with\s+|pays\s+)?(?P<n>6|7|six|seven)[\s-]figures?(?:\s+(?:salary|pay|income|comp))?\b")
RELATIVE = re.compile(
    r"\b(?:paying\s+|pays\s+|with\s+|that\s+pays?\s+)?(?P<cmp>above|over|better\s+than|higher\s+than|at\s+least|more\s+than)"
    r"\s+(?:the\s+)?(?P<stat>median|average|avg|market(?:\s+rate)?)(?:\s+(?:pay|salary|salaries|comp|compensation|wages?|rate))?\b"
    r"|\b(?:paying\s+|with\s+)?(?P<top>top|highest)[\s-](?P<what>(?:10|25)\s*%\s*(?:of\s+)?)?(?:pay(?:ing)?|salar\w*|comp\w*|dollar|earners?)\b"
    r"|\b(?P<well>well[\s-]pa(?:id|ying)|high(?:ly)?[\s-]pa(?:id|ying)|above[\s-]market(?:\s+pay)?)\b"
)
CEILING = re.compile(rf"\b(?:under|below|less\s+than|at\s+most|up\s+to|max(?:imum)?)\s+(?:{_CUR})?\s*(?:{_NUMBER})\s*(?:{_MULT})?")
_PERIODS = {"hour": "hour", "hr": "hour", "h": "hour", "hourly": "hour", "ph": "hour", "p/h": "hour",
            "month": "month", "mo": "month", "monthly": "month", "week": "week", "wk": "week", "weekly": "week",
            "day": "day", "daily": "day", "pd": "day", "p/d": "day"}
# Indian pay idioms: "25 LPA" (lakhs per annum), "12 lakh", "1.2 crore" -> INR a year.
INDIAN = re.compile(
    r"(?<![\w.,])(?:(?:over|above|more\s+than|at\s+least|min(?:imum)?|from|>=?)\s*)?(?:₹|inr|rs\.?)?\s*"
    r"(?P<num>\d+(?:\.\d+)?)\s*(?:-\s*\d+(?:\.\d+)?\s*)?(?P<unit>lpa|lakhs?|lacs?|crores?|cr)\b"
    r"(?:\s*(?:per\s+annum|p\.?a\.?|a\s+year|per\s+year|ctc))?(?:\s*\+|\s+plus\b|\s+or\s+more\b)?"
)
# "at least -50000": refused with a reason, never read as 50000.
NEGATIVE = re.compile(
    r"(?:over|above|more\s+than|at\s+least|min(?:imum)?|from|paying|pays|salary|pay|earn(?:ing)?|>=?)\s*"
    r"(?:[$€£¥₹]\s*)?[-−–]\s*[$€£¥₹]?\s*\d"
)


@dataclass
class PendingPay:
    """An amount whose currency may still depend on the place found later."""

    amount: float
    currency: str | None  # None: take the place's; "kr" / "USD" from "$": refined by the place
    period: str
    span: str
    symbol: str | None


def _number(text: str) -> float:
    text = text.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return float(re.sub(r"[.,]", "", text))
    return float(text.replace(",", "."))


def extract_pay(q: QueryText, draft: Draft) -> list[PendingPay]:
    found: list[PendingPay] = []

    def relative(m: re.Match[str]) -> bool:
        if m.group("stat"):
            stat, label = "median", "Above median pay for the role and place"
        elif m.group("top"):
            what = m.group("what") or ""
            stat = "p75" if what.startswith("25") else "p90"
            label = f"Top pay ({'top 25%' if stat == 'p75' else 'top 10%'} for the role and place)"
        else:
            stat, label = "p75", "Well paid (top 25% for the role and place)"
        draft.set_value("min_salary", {"amount": None, "currency": None, "period": None, "relative": stat},
                        label=label, span=q.span(m.start(), m.end()), text=stat)
        return True

    def figures(m: re.Match[str]) -> bool:
        amount = 1_000_000.0 if m.group("n") in ("7", "seven") else 100_000.0
        found.append(PendingPay(amount, None, "year", q.span(m.start(), m.end()), None))
        return True

    def amount(m: re.Match[str]) -> bool:
        cur_raw = (m.group("cur1") or m.group("cur2") or "").strip()
        mult = (m.group("mult") or m.group("mult2") or "").strip()
        per = m.group("per") or (m.group("adv") or "").replace(" ", "").replace(".", "")
        period = _PERIODS.get(per, "year")
        value = _number(m.group("num"))
        if mult in ("k", "thousand", "grand"):
            value *= 1_000
        elif mult in ("m", "mm", "mil", "million"):
            value *= 1_000_000
        plus = m.group("plus") or m.group("plus2")
        cue = cur_raw or mult or plus or m.group("cmp") or per
        if not cue or value <= 0:
            return False
        if not (cur_raw or mult or per) and value < 1000:
            return False  # "over 5 years", "3 days": a bare small number is not pay
        if not per and value < 1000 and not mult:
            period = "hour"  # "at least $70" reads as an hourly rate
        currency = SYMBOLS.get(cur_raw) or WORDS.get(" ".join(cur_raw.split())) if cur_raw else None
        symbol = cur_raw if cur_raw in SYMBOLS else None
        found.append(PendingPay(value, currency, period, q.span(m.start(), m.end()), symbol))
        return True

    def indian(m: re.Match[str]) -> bool:
        unit = m.group("unit")
        amount = float(m.group("num")) * (10_000_000 if unit.startswith("cr") else 100_000)
        found.append(PendingPay(amount, "INR", "year", q.span(m.start(), m.end()), None))
        return True

    def ceiling(m: re.Match[str]) -> bool:
        draft.unresolved_phrase(q.span(m.start(), m.end()), kind="unsupported",
                                hint="Pay ceilings are not a filter; only a minimum pay is.")
        return True

    negative = NEGATIVE.search(q.s)
    if negative:
        raise BadQueryError(f"“{q.span(negative.start(), len(q.s))[:40]}”: a pay floor cannot be negative; "
                            "write the least you would accept, e.g. “at least 50000”")
    q.sub(INDIAN, indian)
    q.sub(RELATIVE, relative)
    q.sub(FIGURES, figures)
    q.sub(CEILING, ceiling)
    q.sub(AMOUNT, amount)
    return found


def settle_pay(draft: Draft, pending: list[PendingPay], local_currency: str | None) -> None:
    """Give each amount its currency (stated, else local, else USD) and set the floor (the
    highest one stated wins)."""
    for p in pending:
        local = local_currency if local_currency and known_currency(local_currency) else None
        cur = p.currency
        if cur is None:
            cur = local or "USD"
        elif cur == "USD" and p.symbol == "$" and local in DOLLAR_FAMILY:
            cur = local
        elif cur == "kr":
            cur = local if local in ("SEK", "NOK", "DKK") else "SEK"
        amount = round(p.amount, 2)
        shown = f"{SYMBOL_FOR.get(cur, cur + ' ')}{amount:,.0f}" if amount >= 100 else f"{SYMBOL_FOR.get(cur, cur + ' ')}{amount:g}"
        draft.set_value("min_salary", {"amount": amount, "currency": cur, "period": p.period, "relative": None},
                        label=f"≥ {shown} / {p.period}", span=p.span, text=f"{amount:g} {cur}/{p.period}")
