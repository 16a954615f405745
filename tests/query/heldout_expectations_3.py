"""Held-out batch 3 (issue 13): 64 more hand-written queries with the filters a careful
reader expects, written after the parser was fixed on batches 1 and 2 and committed BEFORE
running it on these: the held-out estimate of the parser as of that commit. Same
companies, members and spec format as batch 1."""

from __future__ import annotations

# GeoNames ids looked up in the project's gazetteer (name, country, state)
FRESNO, CHARLESTON_SC, SAVANNAH, KNOXVILLE, SPOKANE, BATON_ROUGE, LITTLE_ROCK, LANSING_MI = (
    "5350937", "4574324", "4221552", "4634946", "5811696", "4315588", "4119403", "4998830")
ANN_ARBOR, ANAHEIM, LONG_BEACH, SHEFFIELD, NOTTINGHAM, BELFAST, CARDIFF, HALIFAX_CA, WINNIPEG = (
    "4984247", "5323810", "5367929", "2638077", "2641170", "2655984", "2653822", "6324729", "6183235")
QUEBEC, PERTH_AU, GOLD_COAST, BONN, MANNHEIM, KARLSRUHE, AUGSBURG, RENNES, GRENOBLE = (
    "6325494", "2063523", "2165087", "2946447", "2873891", "2892794", "2954172", "2983990", "3014728")
ZARAGOZA, MURCIA, VALLADOLID, BRAGA, CAMPINAS, FLORIANOPOLIS, TRIESTE, PADUA, BARI = (
    "3104324", "2513416", "3106672", "2742032", "3467865", "3463237", "3165185", "3171728", "3182351")
TILBURG, BREDA, BYDGOSZCZ, GDYNIA, OKAYAMA, KUMAMOTO, HAMAMATSU, LUCKNOW = (
    "2746301", "2758401", "3102014", "3099424", "1854383", "1858421", "1863289", "1264733")
GENT, LIEGE, GENEVA, LINZ, PORTO = "2797656", "2792413", "2660646", "2772400", "2735943"
JAIPUR = "1269515"
NYC, LONDON, SEATTLE, CHICAGO, TORONTO, BERLIN = "5128581", "2643743", "5809844", "4887398", "6167865", "2950159"

ROWS: list[tuple[str, str, str, str | None, str, dict[str, object]]] = [
    ("m001", "short", "en", None, "hvac installer fresno", {"location_ids": [f"city:{FRESNO}"]}),
    ("m002", "short", "en", None, "sous chef charleston sc", {"location_ids": [f"city:{CHARLESTON_SC}"]}),
    ("m003", "short", "en", None, "np jobs knoxville", {"location_ids": [f"city:{KNOXVILLE}"]}),
    ("m004", "short", "en", None, "cdl b driver spokane", {"location_ids": [f"city:{SPOKANE}"]}),
    ("m005", "short", "en", None, "mri tech", {}),
    ("m006", "short", "en", None, "grant writer", {}),
    ("m007", "typo", "en", None, "accoutant baton rouge", {"location_ids": [f"city:{BATON_ROUGE}"]}),
    ("m008", "typo", "en", None, "ocupational therapist little rock", {"location_ids": [f"city:{LITTLE_ROCK}"]}),
    ("m009", "typo", "en", None, "registred nurse savanah", {"location_ids": [f"city:{SAVANNAH}"]}),
    ("m010", "pay", "en", None, "research assistant ann arbor $20 per hour", {"location_ids": [f"city:{ANN_ARBOR}"], "min_salary": (20, "USD", "hour")}),
    ("m011", "pay", "en", None, "warehouse lead long beach 60k+", {"location_ids": [f"city:{LONG_BEACH}"], "min_salary": (60000, "USD", "year")}),
    ("m012", "pay", "en", None, "sales exec sheffield £40k basic", {"location_ids": [f"city:{SHEFFIELD}"], "min_salary": (40000, "GBP", "year")}),
    ("m013", "pay", "en", None, "java dev jaipur 12 lpa", {"location_ids": [f"city:{JAIPUR}"], "min_salary": (1200000, "INR", "year")}),
    ("m014", "pay", "en", None, "mine worker perth $120k", {"location_ids": [f"city:{PERTH_AU}"], "min_salary": (120000, "AUD", "year")}),
    ("m015", "pay", "en", None, "contract tester £350 a day", {"min_salary": (350, "GBP", "day"), "employment_type": ["contract"]}),
    ("m016", "pay", "en", None, "it support winnipeg 55k", {"location_ids": [f"city:{WINNIPEG}"], "min_salary": (55000, "CAD", "year")}),
    ("m017", "workplace", "en", None, "fully remote technical writer", {"workplace": ["remote"]}),
    ("m018", "workplace", "en", None, "hybrid analyst nottingham", {"location_ids": [f"city:{NOTTINGHAM}"], "workplace": ["hybrid"]}),
    ("m019", "workplace", "en", None, "office based receptionist cardiff", {"location_ids": [f"city:{CARDIFF}"], "workplace": ["onsite"]}),
    ("m020", "workplace", "en", None, "remote canada bookkeeper", {"country_codes": ["CA"], "workplace": ["remote"]}),
    ("m021", "workplace", "en", None, "engineer with at most 2 days a week in the office, chicago", {"location_ids": [f"city:{CHICAGO}"], "workplace": ["hybrid", "remote"], "min_remote_share": 0.6}),
    ("m022", "recency", "en", None, "line cook jobs posted in the last 48 hours", {"posted_within_days": 2}),
    ("m023", "recency", "en", None, "fresh marketing jobs seattle", {"location_ids": [f"city:{SEATTLE}"], "posted_within_days": 3}),
    ("m024", "recency", "en", None, "hiring now forklift anaheim", {"location_ids": [f"city:{ANAHEIM}"], "posted_within_days": 7}),
    ("m025", "exclusion", "en", None, "data jobs in texas not dallas or houston", {"location_ids": ["state:TX"], "exclude_location_ids": ["city:4684888", "city:4699066"]}),
    ("m026", "exclusion", "en", None, "accountant, avoid agencies", {"exclude_company_types": ["staffing"]}),
    ("m027", "exclusion", "en", None, "warehouse jobs but not at Amazon", {"exclude_company_ids": ["co-amazon"]}),
    ("m028", "exclusion", "en", None, "designer jobs not in london", {"exclude_location_ids": [f"city:{LONDON}"]}),
    ("m029", "exclusion", "en", None, "barista jobs other than Initech", {"exclude_company_ids": ["co-initech"]}),
    ("m030", "company", "en", None, "jobs at Hooli or Globex", {"company_ids": ["co-hooli", "co-globex"]}),
    ("m031", "company", "en", None, "work for Microsoft", {"company_ids": ["unknown:microsoft"]}),
    ("m032", "place", "en", None, "nurse lansing michigan", {"location_ids": [f"city:{LANSING_MI}"]}),
    ("m033", "place", "en", None, "teacher halifax nova scotia", {"location_ids": [f"city:{HALIFAX_CA}"]}),
    ("m034", "place", "en", None, "jobs in belfast northern ireland", {"location_ids": [f"city:{BELFAST}"]}),
    ("m035", "place", "en", None, "tour guide gold coast", {"location_ids": [f"city:{GOLD_COAST}"]}),
    ("m036", "place", "en", None, "mechanic in the dfw area", {"location_ids": ["metro:dfw"]}),
    ("m037", "place", "en", None, "chicagoland electrician", {"location_ids": ["metro:chicagoland"]}),
    ("m038", "place", "en", None, "nurse jobs in georgia", {"location_ids": ["state:GA"]}),  # job seekers' "georgia" here is the state
    ("m039", "level", "en", None, "lead carpenter full time", {"seniority": ["lead"], "employment_type": ["full_time"]}),
    ("m040", "level", "en", None, "graduate scheme engineering london", {"location_ids": [f"city:{LONDON}"], "seniority": ["entry"]}),
    ("m041", "level", "en", None, "vp level marketing roles nyc", {"location_ids": [f"city:{NYC}"], "seniority": ["executive"]}),
    ("m042", "level", "en", None, "freelance video editor", {"employment_type": ["contract"]}),
    ("m043", "long", "en", None, "mid level data analyst, toronto, hybrid 2 days in office, 80k CAD+, full time",
     {"location_ids": [f"city:{TORONTO}"], "workplace": ["hybrid", "remote"], "min_remote_share": 0.6,
      "min_salary": (80000, "CAD", "year"), "seniority": ["mid"], "employment_type": ["full_time"]}),
    ("m044", "personal", "en", "h-lon", "finance jobs near me, hybrid", {"location_ids": ["near:member"], "workplace": ["hybrid"]}),
    ("m045", "personal", "en", "h-me", "companies where i have connections", {}),  # this member has none: nothing to ask for
    ("m046", "personal", "en", "h-aus", "a raise, remote", {"workplace": ["remote"], "min_salary": (140000, "USD", "year")}),
    # other languages
    ("m047", "non_english", "de", None, "Mechatroniker Augsburg Vollzeit", {"location_ids": [f"city:{AUGSBURG}"], "employment_type": ["full_time"]}),
    ("m048", "non_english", "de", None, "Krankenpfleger Bonn Nachtdienst Teilzeit", {"location_ids": [f"city:{BONN}"], "employment_type": ["part_time"]}),
    ("m049", "non_english", "de", None, "Softwareentwickler Karlsruhe ab 60.000 Euro", {"location_ids": [f"city:{KARLSRUHE}"], "min_salary": (60000, "EUR", "year")}),
    ("m050", "non_english", "de", None, "Verkäuferin Linz Teilzeit", {"location_ids": [f"city:{LINZ}"], "employment_type": ["part_time"]}),
    ("m051", "non_english", "fr", None, "comptable Rennes CDI temps plein", {"location_ids": [f"city:{RENNES}"], "employment_type": ["full_time"]}),
    ("m052", "non_english", "fr", None, "ingénieur Grenoble télétravail", {"location_ids": [f"city:{GRENOBLE}"], "workplace": ["remote"]}),
    ("m053", "non_english", "fr", None, "infirmière Liège temps partiel", {"location_ids": [f"city:{LIEGE}"], "employment_type": ["part_time"]}),
    ("m054", "non_english", "fr", None, "développeur Genève", {"location_ids": [f"city:{GENEVA}"]}),
    ("m055", "non_english", "es", None, "enfermero Zaragoza sin experiencia", {"location_ids": [f"city:{ZARAGOZA}"], "seniority": ["entry"]}),
    ("m056", "non_english", "es", None, "camarera Murcia fines de semana", {"location_ids": [f"city:{MURCIA}"]}),
    ("m057", "non_english", "pt", None, "vagas desenvolvedor Campinas híbrido", {"location_ids": [f"city:{CAMPINAS}"], "workplace": ["hybrid"]}),
    ("m058", "non_english", "pt", None, "enfermeira Braga tempo parcial", {"location_ids": [f"city:{BRAGA}"], "employment_type": ["part_time"]}),
    ("m059", "non_english", "it", None, "infermiere Padova turno di notte", {"location_ids": [f"city:{PADUA}"]}),
    ("m060", "non_english", "it", None, "sviluppatore Bari ibrido", {"location_ids": [f"city:{BARI}"], "workplace": ["hybrid"]}),
    ("m061", "non_english", "nl", None, "vacature chauffeur Tilburg vast contract", {"location_ids": [f"city:{TILBURG}"], "employment_type": ["full_time"]}),
    ("m062", "non_english", "nl", None, "verpleegkundige Gent deeltijds", {"location_ids": [f"city:{GENT}"], "employment_type": ["part_time"]}),
    ("m063", "non_english", "pl", None, "kierowca Bydgoszcz umowa o pracę", {"location_ids": [f"city:{BYDGOSZCZ}"], "employment_type": ["full_time"]}),
    ("m064", "non_english", "ja", None, "岡山 看護師 パート", {"location_ids": [f"city:{OKAYAMA}"], "employment_type": ["part_time"]}),
]
