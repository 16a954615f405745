"""Template families for synthetic queries: each family is one way people ask (role only,
role + place, constraint-heavy, mission, skills, pay, recency, personalised...) written in
several paraphrases. Families, not single strings, are the unit of the train/test split,
so the test split holds phrasings never seen in training."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    name: str
    query_type: str  # one of intent.QUERY_TYPES
    patterns: tuple[str, ...]  # str.format patterns over the slots below
    held_out: bool = False  # whole family goes to the test split


# Slots a pattern may use: {role} {city} {city2} {country} {skill} {skill2} {pay} {hourly}
# {days} {mission}. What each slot means as a filter is decided in synth_queries.
FAMILIES: tuple[Family, ...] = (
    # role only
    Family("role_plain", "role", ("{role} jobs", "{role} positions", "looking for {role} roles", "{role}")),
    Family("role_hiring", "role", ("who is hiring a {role}", "companies hiring {role}", "open {role} positions")),
    Family("role_question", "role", ("any {role} openings?", "are there {role} jobs available",
                                     "find me work as a {role}"), held_out=True),
    # role + place
    Family("role_city", "role_place", ("{role} jobs in {city}", "{role} in {city}", "{role} positions based in {city}")),
    Family("city_first", "role_place", ("{city} {role} openings", "jobs in {city} for a {role}",
                                        "{city}: {role} wanted"), held_out=True),
    Family("role_country", "role_place", ("{role} jobs in {country}", "{role} anywhere in {country}",
                                          "{role} roles across {country}")),
    Family("role_two_cities", "role_place", ("{role} jobs in {city} or {city2}", "{role} in {city} and {city2}")),
    # workplace
    Family("remote_role", "workplace", ("remote {role} jobs", "{role}, fully remote", "work from home {role}")),
    Family("hybrid_city", "workplace", ("hybrid {role} in {city}", "{role} in {city}, hybrid",
                                        "{role} jobs in {city} with a hybrid schedule")),
    Family("onsite_city", "workplace", ("on-site {role} in {city}", "{role} in {city}, onsite only",
                                        "in-office {role} jobs in {city}"), held_out=True),
    # pay
    Family("pay_amount", "pay", ("{role} paying over {pay}", "{role} jobs {pay}+", "{role} with a salary of at least {pay}")),
    Family("pay_relative", "pay", ("{role} jobs above median pay", "well paid {role} roles, above median salary",
                                   "{role} paying more than the median")),
    Family("pay_hourly", "pay", ("{role} paying at least {hourly} an hour", "{role} jobs {hourly}/hour or more"),
           held_out=True),
    # recency
    Family("recent_week", "recency", ("{role} jobs posted this week", "new {role} openings this week",
                                      "{role} posted in the last week")),
    Family("recent_days", "recency", ("{role} posted in the last {days} days", "{role} jobs from the past {days} days"),
           held_out=True),
    Family("recent_today", "recency", ("{role} jobs posted today", "today's {role} openings", "{role} posted in the last 24 hours")),
    # company type
    Family("no_staffing", "company_type", ("{role} jobs, no staffing agencies", "{role} not from recruiters",
                                           "{role} roles, direct employers only")),
    # seniority
    Family("senior_role", "seniority", ("senior {role} jobs", "{role}, senior level", "senior {role} positions")),
    Family("entry_role", "seniority", ("entry level {role}", "junior {role} jobs", "entry-level {role} positions"),
           held_out=True),
    # employment type
    Family("contract_role", "constraint_heavy", ("contract {role} work", "{role} contract roles", "{role} on contract")),
    Family("part_time", "constraint_heavy", ("part-time {role}", "{role}, part time", "part time {role} jobs"),
           held_out=True),
    # skills
    Family("skill_pair", "skill", ("jobs using {skill} and {skill2}", "{skill} and {skill2} jobs",
                                   "roles where I can use {skill} and {skill2}")),
    Family("skill_role", "skill", ("{role} with {skill} experience", "{skill} {role}", "{role} jobs that use {skill}")),
    Family("skill_city", "skill", ("{skill} jobs in {city}", "work with {skill} in {city}"), held_out=True),
    # mission / values
    Family("mission_background", "mission", ("make a difference in {mission} using my {role} background",
                                             "use my {role} skills to help {mission}",
                                             "{role} work that helps {mission}")),
    Family("mission_role", "mission", ("{role} at a company working on {mission}", "{role} jobs in {mission}"),
           held_out=True),
    # constraint-heavy
    Family("heavy_two_city", "constraint_heavy", (
        "{role} jobs in {city} or {city2}, remote, not from staffing agencies, posted this week, above median pay",
        "{role} in {city} or {city2} | remote | no agencies | this week | above median pay")),
    Family("heavy_remote_pay", "constraint_heavy", ("remote {role} paying {pay}+ posted in the last {days} days",
                                                    "{role}, remote, at least {pay}, last {days} days"),
           held_out=True),
    Family("heavy_city_senior", "constraint_heavy", ("senior {role} in {city}, hybrid, no staffing agencies",
                                                     "hybrid senior {role} jobs in {city}, direct employers only")),
    Family("heavy_country_pay_recent", "constraint_heavy", ("{role} jobs in {country} over {pay}, posted this week",
                                                            "{role} in {country}, {pay}+, this week")),
    # personalised
    Family("connections", "personalised", ("{role} jobs where I have a connection",
                                           "{role} at companies where I know someone",
                                           "{role} roles at companies where I have connections")),
    Family("near_me", "personalised", ("{role} jobs near me", "{role} close to where I live", "{role} near me")),
    Family("for_me", "personalised", ("jobs that fit my background", "roles matching my profile",
                                      "what jobs suit my experience")),
    Family("for_me_remote", "personalised", ("remote jobs for someone with my skills", "remote roles that fit my profile"),
           held_out=True),
    Family("connections_remote", "personalised", ("remote {role} jobs where I have a connection",
                                                  "remote {role} at companies where I know people")),
)

# Mission phrases and the NAICS prefixes of employers that serve them.
MISSIONS: dict[str, tuple[str, ...]] = {
    "the environment": ("2211", "5416", "562", "924"),
    "clean energy": ("2211", "5417"),
    "healthcare": ("62", "3254"),
    "education": ("611",),
    "public health": ("62", "5417"),
    "financial inclusion": ("5221",),
    "local communities": ("623", "624", "813"),
}


def family(name: str) -> Family:
    for f in FAMILIES:
        if f.name == name:
            return f
    raise KeyError(f"no template family {name!r}")
