"""What a careful reader expects the filters of each dev-set query to be
(../shared/relevance/judged-dev.jsonl), read from the query text under the constraint rules of
../shared/relevance/JUDGE.md. Written by hand, before looking at what the parser does.

Places are written as specs the test expands: "city:ID", "near:ID" (50 km), "outside:ID"
(30 km, excluded), "state:XX", "metro:KEY", "near:member" (the member's home, 50 km); companies
as "member:connections" or "unknown:NAME"; pay as (amount, currency, period). A field not
named must be empty. Readings that needed a choice say why."""

from __future__ import annotations

HOUSTON, SEATTLE, PHOENIX, BRISBANE, COLUMBUS_OH = "4699066", "5809844", "5308655", "2174003", "4509177"
BERLIN, MUNICH, LOUISVILLE, TORONTO, LONDON, CHARLOTTE = "2950159", "2867714", "4299276", "6167865", "2643743", "4460243"
DENVER, LAS_VEGAS, AMSTERDAM, BENGALURU, LISBON, PORTO = "5419384", "5506956", "2759794", "1277333", "2267057", "2735943"
NASHVILLE, KNOXVILLE, SINGAPORE, MEXICO_CITY, HAMBURG, LYON = "4644585", "4634946", "1880252", "3530597", "2911298", "2996944"
MADRID, SAO_PAULO, MILAN, ROTTERDAM, WARSAW, TOKYO = "3117735", "3448439", "3173435", "2747891", "756135", "1850147"
TAMPA, CHICAGO, AUSTIN = "4174757", "4887398", "4671654"

EXPECTED: dict[str, dict[str, object]] = {
    "d01": {"location_ids": [f"city:{HOUSTON}"]},
    "d02": {}, "d03": {}, "d04": {},
    "d05": {"location_ids": [f"city:{SEATTLE}"]},
    "d06": {"location_ids": [f"city:{PHOENIX}"]},
    "d07": {}, "d08": {}, "d09": {},
    "d10": {"location_ids": [f"city:{BRISBANE}"]},
    "d11": {}, "d12": {}, "d13": {},
    "d14": {"location_ids": [f"city:{COLUMBUS_OH}"]},
    "d15": {}, "d16": {},
    "d17": {"country_codes": ["US"], "workplace": ["remote"], "min_salary": (150000, "USD", "year")},
    "d18": {"location_ids": ["metro:sf-bay-area"], "posted_within_days": 7},
    # "hybrid ok": hybrid is acceptable, nothing is ruled out
    "d19": {"location_ids": [f"city:{BERLIN}", f"city:{MUNICH}"], "min_salary": (80000, "EUR", "year"),
            "seniority": ["senior"]},
    "d20": {"location_ids": [f"city:{LOUISVILLE}"], "min_salary": (18, "USD", "hour"),
            "exclude_company_types": ["staffing"]},
    "d21": {"location_ids": [f"city:{TORONTO}"], "workplace": ["hybrid"], "min_salary": (75000, "CAD", "year"),
            "employment_type": ["full_time"]},
    # "outside london, remote within UK": UK-listed remote contracts, London and its surroundings left out
    "d22": {"country_codes": ["GB"], "exclude_location_ids": [f"outside:{LONDON}"], "workplace": ["remote"],
            "min_salary": (450, "GBP", "day"), "employment_type": ["contract"]},
    "d23": {"location_ids": [f"city:{CHARLOTTE}"], "workplace": ["onsite"], "seniority": ["entry"]},
    "d24": {"location_ids": ["state:CO"], "exclude_location_ids": [f"city:{DENVER}"],
            "min_salary": (120000, "USD", "year"), "employment_type": ["full_time"]},
    # "not amazon dsp": no such employer in the index, nothing to leave out
    "d25": {"location_ids": ["metro:dfw"]},
    "d26": {"location_ids": [f"city:{LAS_VEGAS}"], "posted_within_days": 7},
    "d27": {"location_ids": [f"city:{AMSTERDAM}"], "workplace": ["hybrid"]},
    "d28": {"location_ids": [f"city:{BENGALURU}"], "min_salary": (3000000, "INR", "year")},
    "d29": {"location_ids": [f"city:{LISBON}", f"city:{PORTO}"], "workplace": ["hybrid", "remote"],
            "min_remote_share": 0.6, "min_salary": (45000, "EUR", "year"), "posted_within_days": 14,
            "exclude_company_types": ["staffing"], "seniority": ["mid"]},
    # "the Nashville or Knoxville area": both areas; "no travel agencies": staffing firms
    "d30": {"location_ids": [f"near:{NASHVILLE}", f"near:{KNOXVILLE}"], "min_salary": (40, "USD", "hour"),
            "exclude_company_types": ["staffing"], "employment_type": ["full_time"]},
    "d31": {"location_ids": [f"city:{SINGAPORE}"], "min_salary": (15000, "SGD", "month")},
    "d32": {"location_ids": ["state:NJ"], "employment_type": ["temporary"]},
    # "DC metro (NoVA/MD)": the DC metro area, its Virginia and Maryland parts
    "d33": {"location_ids": ["metro:dc-metro"], "workplace": ["hybrid"]},
    # "onsite fine": no workplace limit; "permanent not contract": full-time
    "d34": {"location_ids": [f"city:{MEXICO_CITY}"], "min_salary": (40000, "MXN", "month"),
            "seniority": ["entry", "mid"], "employment_type": ["full_time"]},
    "d35": {}, "d36": {}, "d37": {}, "d38": {}, "d39": {}, "d40": {}, "d41": {}, "d42": {}, "d43": {},
    "d44": {}, "d45": {}, "d46": {}, "d47": {}, "d48": {},
    # "no internships on my resume" is background; "new grad" is entry level
    "d49": {"seniority": ["entry"]},
    "d50": {}, "d51": {},
    "d52": {"country_codes": ["DE"], "employment_type": ["internship"]},
    # "for college students": intern or entry level (the judge calls a senior post a violation)
    "d53": {"seniority": ["intern", "entry"]},
    "d54": {"employment_type": ["part_time"]},
    "d55": {}, "d56": {},
    "d57": {"seniority": ["entry"]},
    "d58": {},
    "d59": {"location_ids": [f"city:{HAMBURG}"], "employment_type": ["full_time"]},
    "d60": {"location_ids": [f"city:{LYON}"]},
    "d61": {"location_ids": [f"city:{MADRID}"], "workplace": ["remote"], "min_salary": (40000, "EUR", "year")},
    "d62": {"location_ids": [f"city:{SAO_PAULO}"], "workplace": ["hybrid"]},
    # "anche part time": part time too, not only
    "d63": {"location_ids": [f"city:{MILAN}"]},
    "d64": {"location_ids": [f"city:{ROTTERDAM}"]},
    "d65": {"location_ids": [f"city:{WARSAW}"], "workplace": ["remote"]},
    # "リモート可": remote work possible
    "d66": {"location_ids": [f"city:{TOKYO}"], "workplace": ["remote", "hybrid"]},
    "d67": {"company_ids": ["member:connections"]},
    "d68": {"workplace": ["remote"]},
    "d69": {"location_ids": ["near:member"], "posted_within_days": 7},
    "d70": {},
    # the member has no current pay on file: nothing to compare with (reported, not guessed)
    "d71": {},
    # one level above the member's (senior -> lead)
    "d72": {"seniority": ["lead"]},
    "d73": {"location_ids": [f"city:{DENVER}"]},
    "d74": {"location_ids": ["near:member"]},
    # "I live outside Tampa ... open to remote": near Tampa, remote acceptable (not required)
    "d75": {"location_ids": [f"near:{TAMPA}"], "min_salary": (22, "USD", "hour")},
    # contradictory on purpose: both levels, both workplaces as written, Chicago, 200k
    "d76": {"location_ids": [f"city:{CHICAGO}"], "workplace": ["remote", "onsite"], "min_salary": (200000, "USD", "year"),
            "seniority": ["entry", "senior"]},
    "d77": {},
    "d78": {"country_codes": ["US"]},
    "d79": {"location_ids": ["state:FL"]},
    # Tesla has no postings in this index: an honest empty answer, reported
    "d80": {"location_ids": [f"city:{AUSTIN}"], "company_ids": ["unknown:tesla"]},
}
