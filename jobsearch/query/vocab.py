"""Words that look like places but, written in lower case, mean a role, a domain or a
skill ("mobile developer", "jobs in sales"). Such a word is a place only when written as
one: capitalised after a place preposition ("in Nice") or qualified ("Reading, UK")."""

from __future__ import annotations

GUARD: frozenset[str] = frozenset(["data", "nurse", "nursing", "mobile", "reading", "bath", "nice", "orange", "independence", "marathon", "sales", "marketing", "finance", "security", "energy", "health", "care", "support", "design", "product", "research", "media", "art", "arts", "law", "legal", "retail", "teaching", "education", "music", "sport", "sports", "construction", "government", "insurance", "banking", "hospitality", "manufacturing", "logistics", "transport", "remote", "hybrid", "office", "home", "senior", "junior", "lead", "staff", "principal", "intern", "entry", "mid", "level", "manager", "director", "executive", "engineer", "developer", "analyst", "python", "java", "go", "golang", "rust", "ruby", "swift", "scala", "kotlin", "react", "angular", "vue", "node", "cloud", "web", "devops", "machine", "learning", "ai", "ml", "it", "hr", "ux", "ui", "qa", "ops", "sre", "green", "golden", "mission", "enterprise", "commerce", "liberty", "justice", "normal", "union", "temple", "sale", "best", "time", "hope", "unity", "industry", "pleasant", "surprise", "concord", "delta", "vista", "paradise", "commonwealth", "providence", "centennial", "sandy", "bend", "sparks", "flint", "marl", "troy", "franklin", "warren", "kent", "chester", "newton", "norman", "chandler", "gilbert", "mary", "ann", "man", "van", "bush", "split", "brick", "plantation", "homestead", "sunrise", "wedding", "hub", "mango", "cork", "derby", "harrow", "slough", "oral", "male", "pest", "natal", "perm", "hue", "aba", "mage", "bo", "ho", "san", "wa", "sur", "ode", "kai", "tome", "colon", "largo", "canton", "chino", "pilar", "bam", "moron", "soma", "lander", "guider", "bender", "shaping", "mascara", "duma", "batman", "warder", "tula", "tanga", "samba", "serra", "salta", "erode", "buda", "koto", "honcho", "boma", "bali", "nada", "sari", "mau", "saga", "marka", "pali", "bade", "sucre", "anda", "guna", "naga", "tonk", "moro", "tyre", "midland", "chia", "manas", "ruse", "lira", "codo", "pare", "assis", "edea", "moa", "banda", "arar", "beni", "ponce", "victoria", "florence", "aurora", "mesa", "garland", "cypress", "hayward", "corona", "midland", "meridian", "auburn", "upland", "goodyear", "hoover", "dearborn", "jacana", "napa", "sparks", "torrent", "lakeland", "riverside", "oceanside", "anchorage", "buffalo", "centurion", "archway", "barking", "providence", "mesquite", "killeen", "worcester", "chesterfield", "crawley", "telford", "wigan", "kubernetes", "aws", "azure", "gcp", "docker", "terraform", "sql", "spark", "kafka", "hadoop", "excel", "tableau", "salesforce", "sap", "oracle", "linux", "windows", "android", "ios", "unity", "unreal", "figma", "photoshop", "english", "french", "german", "spanish", "italian", "dutch", "portuguese", "chinese", "japanese", "korean", "customer", "service", "account", "accounting", "operations", "project", "program", "quality", "safety", "compliance", "public", "private", "social"])


# Job-title nouns: "Security Officer", "Care Assistant" are roles, even capitalised (GeoNames
# has towns named Officer (AU), Clerk, Driver...); a place only after "in"/"near".
TITLE_NOUNS: frozenset[str] = frozenset(
    ["officer", "assistant", "clerk", "technician", "driver", "teacher", "worker", "specialist",
     "coordinator", "consultant", "representative", "agent", "designer", "architect", "scientist",
     "therapist", "pharmacist", "mechanic", "electrician", "plumber", "carpenter", "chef", "cook",
     "cashier", "accountant", "auditor", "attorney", "lawyer", "paralegal", "administrator",
     "supervisor", "inspector", "operator", "programmer", "tester", "writer", "editor", "producer",
     "photographer", "librarian", "counselor", "counsellor", "physician", "surgeon", "dentist",
     "hygienist", "receptionist", "secretary", "banker", "broker", "trader", "underwriter",
     "adjuster", "recruiter", "planner", "estimator", "surveyor", "machinist", "welder", "painter",
     "laborer", "labourer", "janitor", "guard", "housekeeper", "baker", "butcher", "barber",
     "stylist", "advisor", "adviser", "associate", "partner", "controller", "buyer", "steward",
     "pilot", "captain", "nanny", "tutor", "professor", "lecturer", "instructor", "trainer",
     "coach", "medic", "paramedic", "midwife", "caregiver", "dispatcher", "courier", "installer",
     "foreman", "superintendent", "chief", "head", "vp", "president", "founder", "owner"]
)
GUARD = GUARD | TITLE_NOUNS

# A word before "in" that makes the phrase a skill or domain, not a place
# ("experience in Kubernetes", "degree in Data Science").
SKILL_CONTEXT: frozenset[str] = frozenset(
    ["experience", "experienced", "skills", "skilled", "expertise", "expert", "background", "degree", "phd", "masters", "bachelor", "bachelors", "certified", "certification", "interested", "interest", "specialising", "specializing", "specialist", "specialized", "specialised", "proficient", "proficiency", "fluent", "knowledge"]
)
