"""Held-out batch 2 (issue 13): 84 more hand-written queries with the filters a careful
reader expects, written and committed after the parser was fixed on batch 1
(heldout_expectations.py) and BEFORE running it on these, so they estimate the fixed parser
on queries it has not seen. Same companies, members and spec format as batch 1."""

from __future__ import annotations

from heldout_expectations import (
    ATLANTA,
    AUSTIN,
    BOSTON,
    CHENNAI,
    CHICAGO,
    CINCINNATI,
    DENVER,
    EDINBURGH,
    GLASGOW,
    INDIANAPOLIS,
    JACKSONVILLE_FL,
    KANSAS_CITY_MO,
    LONDON,
    MARSEILLE,
    MELBOURNE,
    MEMPHIS,
    MILWAUKEE,
    MUMBAI,
    NANTES,
    NYC,
    OAKLAND,
    SAN_JOSE,
    SEATTLE,
    ST_LOUIS,
    TUCSON,
    VIENNA,
)

# GeoNames ids looked up in the project's gazetteer (name, country, state)
DURHAM_NC, ARLINGTON_VA, SCOTTSDALE, BELLEVUE_WA, IRVINE, FORT_LAUDERDALE, RENO, ALBUQUERQUE = (
    "4464368", "4744709", "5313457", "5786882", "5359777", "4155966", "5511077", "5454711")
OKLAHOMA_CITY, DES_MOINES, HAMILTON_ON, WELLINGTON, ESSEN, DORTMUND, MONTPELLIER, ALICANTE = (
    "4544349", "4853828", "5969782", "2179537", "2928810", "2935517", "2992166", "2521978")
GRANADA, PORTO_ALEGRE, SALVADOR_BR, GENOA, VERONA, PALERMO, ARNHEM, LUBLIN, SZCZECIN = (
    "2517117", "3452925", "3450554", "3176219", "3164527", "2523920", "2759661", "765876", "3083829")
SENDAI, KAWASAKI, KOLKATA, NOIDA, DUBAI, BASEL, GRAZ, LIMERICK, BRIGHTON, COVENTRY, SWANSEA = (
    "2111149", "1859642", "1275004", "7279746", "292223", "2661604", "2778067", "2962943", "2654710", "2652221", "2636432")
BREMEN, CORK, MALAGA = "2944388", "2965140", "2514256"

ROWS: list[tuple[str, str, str, str | None, str, dict[str, object]]] = [
    # short / abbreviations
    ("k001", "short", "en", None, "cna jobs cincinnati", {"location_ids": [f"city:{CINCINNATI}"]}),
    ("k002", "short", "en", None, "sdr boston", {"location_ids": [f"city:{BOSTON}"]}),
    ("k003", "short", "en", None, "esthetician scottsdale", {"location_ids": [f"city:{SCOTTSDALE}"]}),
    ("k004", "short", "en", None, "janitor milwaukee", {"location_ids": [f"city:{MILWAUKEE}"]}),
    ("k005", "short", "en", None, "vet tech", {}),
    ("k006", "short", "en", None, "electrician apprentice reno", {"location_ids": [f"city:{RENO}"]}),
    ("k007", "short", "en", None, "qa tester", {}),
    ("k008", "short", "en", None, "swe intern nyc", {"location_ids": [f"city:{NYC}"], "seniority": ["intern"]}),
    ("k009", "short", "en", None, "pt jobs", {}),  # "pt": physical therapist or part-time; a reader cannot tell
    ("k010", "short", "en", None, "line cook st louis", {"location_ids": [f"city:{ST_LOUIS}"]}),
    # typos
    ("k011", "typo", "en", None, "recepionist jobs in memphis", {"location_ids": [f"city:{MEMPHIS}"]}),
    ("k012", "typo", "en", None, "sofware tester indianapolis", {"location_ids": [f"city:{INDIANAPOLIS}"]}),
    ("k013", "typo", "en", None, "pharmacy techician albuquerque", {"location_ids": [f"city:{ALBUQUERQUE}"]}),
    ("k014", "typo", "en", None, "enviromental engineer denver", {"location_ids": [f"city:{DENVER}"]}),
    ("k015", "typo", "en", None, "dental hygentist tuscon", {"location_ids": [f"city:{TUCSON}"]}),
    # pay
    ("k016", "pay", "en", None, "plumber $35/hour kansas city mo", {"location_ids": [f"city:{KANSAS_CITY_MO}"], "min_salary": (35, "USD", "hour")}),
    ("k017", "pay", "en", None, "full stack dev 90-120k remote", {"workplace": ["remote"], "min_salary": (90000, "USD", "year")}),
    ("k018", "pay", "en", None, "devops mumbai 20 lpa", {"location_ids": [f"city:{MUMBAI}"], "min_salary": (2000000, "INR", "year")}),
    ("k019", "pay", "en", None, "nurse edinburgh £35k+", {"location_ids": [f"city:{EDINBURGH}"], "min_salary": (35000, "GBP", "year")}),
    ("k020", "pay", "en", None, "oilfield jobs $2000 a week", {"min_salary": (2000, "USD", "week")}),
    ("k021", "pay", "en", None, "teacher dubai 15000 aed a month", {"location_ids": [f"city:{DUBAI}"], "min_salary": (15000, "AED", "month")}),
    ("k022", "pay", "en", None, "data scientist melbourne $140k", {"location_ids": [f"city:{MELBOURNE}"], "min_salary": (140000, "AUD", "year")}),
    ("k023", "pay", "en", None, "sap consultant €700 per day", {"min_salary": (700, "EUR", "day")}),
    ("k024", "pay", "en", None, "top paying trucking jobs", {"min_salary": ("relative", "p90")}),
    ("k025", "pay", "en", None, "cook $17 hourly jacksonville", {"location_ids": [f"city:{JACKSONVILLE_FL}"], "min_salary": (17, "USD", "hour")}),
    # workplace
    ("k026", "workplace", "en", None, "remote only bookkeeping", {"workplace": ["remote"]}),
    ("k027", "workplace", "en", None, "hybrid 3 days onsite oakland", {"location_ids": [f"city:{OAKLAND}"], "workplace": ["hybrid", "remote"], "min_remote_share": 0.4}),
    ("k028", "workplace", "en", None, "copywriter work from home", {"workplace": ["remote"]}),
    ("k029", "workplace", "en", None, "on site lab technician durham nc", {"location_ids": [f"city:{DURHAM_NC}"], "workplace": ["onsite"]}),
    ("k030", "workplace", "en", None, "remote us based recruiter", {"country_codes": ["US"], "workplace": ["remote"]}),
    ("k031", "workplace", "en", None, "hybrid or onsite controller san jose", {"location_ids": [f"city:{SAN_JOSE}"], "workplace": ["hybrid", "onsite"]}),
    # recency
    ("k032", "recency", "en", None, "cashier jobs posted yesterday", {"posted_within_days": 2}),
    ("k033", "recency", "en", None, "latest product owner jobs", {"posted_within_days": 3}),
    ("k034", "recency", "en", None, "nanny jobs in the past 5 days", {"posted_within_days": 5}),
    ("k035", "recency", "en", None, "bank teller jobs this month", {"posted_within_days": 30}),
    # exclusions and companies
    ("k036", "exclusion", "en", None, "delivery driver, not amazon or walmart", {"exclude_company_ids": ["co-amazon", "co-walmart"]}),
    ("k037", "exclusion", "en", None, "admin jobs no recruiters please", {"exclude_company_types": ["staffing"]}),
    ("k038", "exclusion", "en", None, "nurse jobs in florida except miami", {"location_ids": ["state:FL"], "exclude_location_ids": ["city:4164138"]}),
    ("k039", "exclusion", "en", None, "teacher jobs outside nyc", {"exclude_location_ids": [f"outside:{NYC}"]}),
    ("k040", "exclusion", "en", None, "retail jobs not at Acme Staffing", {"exclude_company_ids": ["co-acme"]}),
    ("k041", "company", "en", None, "positions with Globex", {"company_ids": ["co-globex"]}),
    ("k042", "company", "en", None, "nursing at kaiser", {"company_ids": ["co-kaiser"]}),  # "Kaiser Permanente" as people say it
    ("k043", "company", "en", None, "jobs at Netflix", {"company_ids": ["unknown:netflix"]}),
    ("k044", "company", "en", None, "infosys jobs chennai", {"location_ids": [f"city:{CHENNAI}"], "company_ids": ["co-infosys"]}),
    # places
    ("k045", "place", "en", None, "paralegal arlington va", {"location_ids": [f"city:{ARLINGTON_VA}"]}),
    ("k046", "place", "en", None, "barista hamilton ontario", {"location_ids": [f"city:{HAMILTON_ON}"]}),
    ("k047", "place", "en", None, "it support bellevue wa", {"location_ids": [f"city:{BELLEVUE_WA}"]}),
    ("k048", "place", "en", None, "software jobs greater boston", {"location_ids": ["metro:greater-boston"]}),
    ("k049", "place", "en", None, "warehouse jobs twin cities", {"location_ids": ["metro:twin-cities"]}),
    ("k050", "place", "en", None, "teacher jobs in oklahoma", {"location_ids": ["state:OK"]}),
    ("k051", "place", "en", None, "pharmacist near fort lauderdale", {"location_ids": [f"near:{FORT_LAUDERDALE}"]}),
    ("k052", "place", "en", None, "tech jobs irvine or san jose", {"location_ids": [f"city:{IRVINE}", f"city:{SAN_JOSE}"]}),
    ("k053", "place", "en", None, "remote jobs in ireland", {"country_codes": ["IE"], "workplace": ["remote"]}),
    ("k054", "place", "en", None, "chef cork ireland", {"location_ids": [f"city:{CORK}"]}),
    ("k055", "place", "en", None, "machinist des moines", {"location_ids": [f"city:{DES_MOINES}"]}),
    ("k056", "place", "en", None, "support worker glasgow or edinburgh", {"location_ids": [f"city:{GLASGOW}", f"city:{EDINBURGH}"]}),
    ("k057", "place", "en", None, "engineer jobs noida", {"location_ids": [f"city:{NOIDA}"]}),
    ("k058", "place", "en", None, "dc metro paralegal", {"location_ids": ["metro:dc-metro"]}),
    # levels, types, long
    ("k059", "level", "en", None, "sr devops engineer contract", {"seniority": ["senior"], "employment_type": ["contract"]}),
    ("k060", "level", "en", None, "junior accountant part time", {"seniority": ["entry"], "employment_type": ["part_time"]}),
    ("k061", "level", "en", None, "principal engineer seattle", {"location_ids": [f"city:{SEATTLE}"], "seniority": ["lead"]}),
    ("k062", "level", "en", None, "temp to hire receptionist", {"employment_type": ["temporary"]}),
    ("k063", "long", "en", None, "senior java developer in Chicago, hybrid, $150k+, full-time, no staffing agencies",
     {"location_ids": [f"city:{CHICAGO}"], "workplace": ["hybrid"], "min_salary": (150000, "USD", "year"),
      "exclude_company_types": ["staffing"], "seniority": ["senior"], "employment_type": ["full_time"]}),
    ("k064", "long", "en", None, "entry level marketing job in atlanta, posted this week",
     {"location_ids": [f"city:{ATLANTA}"], "posted_within_days": 7, "seniority": ["entry"]}),
    ("k065", "long", "en", None, "contract ux designer london, £450 a day, fully remote",
     {"location_ids": [f"city:{LONDON}"], "workplace": ["remote"], "min_salary": (450, "GBP", "day"), "employment_type": ["contract"]}),
    # personal
    ("k066", "personal", "en", "h-aus", "openings at companies where i know people", {"company_ids": ["member:connections"]}),
    ("k067", "personal", "en", "h-ber", "jobs near me posted today", {"location_ids": ["near:member"], "posted_within_days": 1}),
    ("k068", "personal", "en", "h-aus", "a promotion from my current role in austin", {"location_ids": [f"city:{AUSTIN}"], "seniority": ["lead"]}),
    ("k069", "personal", "en", "h-blr", "remote jobs in my network", {"workplace": ["remote"], "company_ids": ["member:connections"]}),
    # other languages
    ("k070", "non_english", "de", None, "Altenpflegerin Teilzeit Bremen", {"location_ids": [f"city:{BREMEN}"], "employment_type": ["part_time"]}),
    ("k071", "non_english", "de", None, "Lagerist Essen Vollzeit ohne Zeitarbeit", {"location_ids": [f"city:{ESSEN}"], "exclude_company_types": ["staffing"], "employment_type": ["full_time"]}),
    ("k072", "non_english", "de", None, "Buchhalterin Wien Homeoffice", {"location_ids": [f"city:{VIENNA}"], "workplace": ["remote"]}),
    ("k073", "non_english", "fr", None, "serveuse Nantes temps partiel", {"location_ids": [f"city:{NANTES}"], "employment_type": ["part_time"]}),
    ("k074", "non_english", "fr", None, "électricien Marseille CDI", {"location_ids": [f"city:{MARSEILLE}"], "employment_type": ["full_time"]}),
    ("k075", "non_english", "fr", None, "développeur Montpellier télétravail partiel", {"location_ids": [f"city:{MONTPELLIER}"], "workplace": ["hybrid"]}),
    ("k076", "non_english", "es", None, "cocinero Málaga jornada completa", {"location_ids": [f"city:{MALAGA}"], "employment_type": ["full_time"]}),
    ("k077", "non_english", "es", None, "programador Alicante teletrabajo", {"location_ids": [f"city:{ALICANTE}"], "workplace": ["remote"]}),
    ("k078", "non_english", "pt", None, "vaga eletricista Porto Alegre", {"location_ids": [f"city:{PORTO_ALEGRE}"]}),
    ("k079", "non_english", "pt", None, "desenvolvedor Salvador remoto", {"location_ids": [f"city:{SALVADOR_BR}"], "workplace": ["remote"]}),
    ("k080", "non_english", "it", None, "autista Genova tempo pieno", {"location_ids": [f"city:{GENOA}"], "employment_type": ["full_time"]}),
    ("k081", "non_english", "it", None, "commessa Verona part time", {"location_ids": [f"city:{VERONA}"], "employment_type": ["part_time"]}),
    ("k082", "non_english", "nl", None, "vacatures schoonmaker Arnhem", {"location_ids": [f"city:{ARNHEM}"]}),
    ("k083", "non_english", "pl", None, "programista Lublin zdalnie", {"location_ids": [f"city:{LUBLIN}"], "workplace": ["remote"]}),
    ("k084", "non_english", "ja", None, "川崎 エンジニア 正社員", {"location_ids": [f"city:{KAWASAKI}"], "employment_type": ["full_time"]}),
]
