"""Slot values for the query tagger's training data: how people write each kind of span,
in English and seven other languages, with the idioms the rule parser struggles with (lower
case places, "LPA", "max 2 office days", "anything but Amazon"). Read by
`models.tagger_data`; roles, skills, places and companies come from the taxonomies."""

from __future__ import annotations

# The span kinds the tagger labels (BIO over word pieces). Order is the label order.
SPAN_KINDS: tuple[str, ...] = (
    "place", "xplace", "company", "xcompany", "pay", "period", "recency", "workplace",
    "office_days", "seniority", "emptype", "schedule", "role", "skill",
)

WORKPLACE = {
    "en": ("remote", "fully remote", "work from home", "wfh", "hybrid", "on-site", "onsite", "in-office",
           "in office", "remote-first", "100% remote", "home based", "partly remote", "on site"),
    "de": ("remote", "Homeoffice", "hybrid", "vor Ort", "mobiles Arbeiten"),
    "fr": ("télétravail", "télétravail partiel", "en présentiel", "hybride", "à distance"),
    "es": ("remoto", "teletrabajo", "híbrido", "presencial", "en remoto"),
    "pt": ("remoto", "híbrido", "presencial", "home office"),
    "it": ("da remoto", "smart working", "ibrido", "in sede"),
    "nl": ("thuiswerken", "hybride", "op locatie", "remote"),
    "pl": ("zdalnie", "praca zdalna", "hybrydowo", "stacjonarnie"),
    "ja": ("リモート可", "リモート", "在宅勤務", "ハイブリッド"),
}
EMPTYPE = {
    "en": ("full time", "full-time", "part time", "part-time", "contract", "temp", "temporary", "permanent",
           "freelance", "contract-to-hire", "seasonal", "internship", "fixed term", "1099", "w2"),
    "de": ("Vollzeit", "Teilzeit", "unbefristet", "befristet", "Werkstudent", "Minijob", "Festanstellung"),
    "fr": ("CDI", "CDD", "temps plein", "temps partiel", "intérim", "stage", "alternance"),
    "es": ("jornada completa", "media jornada", "tiempo parcial", "indefinido", "temporal", "prácticas"),
    "pt": ("tempo integral", "meio período", "CLT", "PJ", "estágio", "temporário"),
    "it": ("tempo pieno", "part time", "tempo indeterminato", "tempo determinato", "stage"),
    "nl": ("fulltime", "parttime", "vast contract", "tijdelijk", "stage", "uitzend"),
    "pl": ("pełny etat", "pół etatu", "umowa o pracę", "B2B", "staż", "umowa zlecenie"),
    "ja": ("正社員", "契約社員", "派遣", "アルバイト", "パート"),
}
SENIORITY = {
    "en": ("senior", "sr", "sr.", "junior", "jr", "entry level", "entry-level", "mid-level", "mid level", "lead",
           "principal", "staff", "new grad", "graduate", "no experience required", "no experience", "experienced",
           "head of", "director level", "early career"),
    "de": ("Senior", "Junior", "Berufseinsteiger", "ohne Erfahrung", "erfahren"),
    "fr": ("senior", "junior", "débutant", "confirmé", "sans expérience"),
    "es": ("senior", "junior", "sin experiencia", "con experiencia"),
    "pt": ("sênior", "júnior", "pleno", "sem experiência"),
    "it": ("senior", "junior", "senza esperienza", "neolaureato"),
    "nl": ("senior", "junior", "starter", "medior", "zonder ervaring"),
    "pl": ("senior", "junior", "mid", "bez doświadczenia"),
    "ja": ("未経験", "シニア", "新卒"),
}
SCHEDULE = {
    "en": ("night shift", "nights", "day shift", "weekends only", "weekend", "overnight", "flexible hours",
           "4 day week", "four day week", "12 hour shifts", "home every night", "evenings", "9 to 5",
           "monday to friday", "no weekends", "rotating shifts", "swing shift", "a few hours a week"),
    "de": ("Nachtschicht", "Schichtdienst", "Gleitzeit", "Wochenende", "Frühschicht"),
    "fr": ("de nuit", "de jour", "horaires flexibles", "week-end", "en équipe"),
    "es": ("turno de noche", "turno de mañana", "horario flexible", "fines de semana"),
    "pt": ("turno da noite", "horário flexível", "escala 12x36", "fim de semana"),
    "it": ("turno di notte", "orario flessibile", "weekend", "turni"),
    "nl": ("ploegendienst", "nachtdienst", "weekenddienst", "flexibele uren"),
    "pl": ("praca zmianowa", "nocna zmiana", "elastyczne godziny", "weekendy"),
    "ja": ("夜勤", "シフト制", "土日休み", "週3日"),
}
RECENCY = {
    "en": ("posted this week", "this week", "posted today", "today", "last 24 hours", "in the last 3 days",
           "past week", "posted in the last week", "within the last 2 weeks", "last 14 days", "new", "recent",
           "posted recently", "past month", "since monday", "last 5 days", "this month", "fresh"),
    "de": ("diese Woche", "heute", "neu", "letzte 7 Tage"),
    "fr": ("cette semaine", "aujourd'hui", "récentes", "moins de 7 jours"),
    "es": ("esta semana", "hoy", "recientes", "últimos 7 días"),
    "pt": ("esta semana", "hoje", "recentes", "últimos 7 dias"),
    "it": ("questa settimana", "oggi", "recenti"),
    "nl": ("deze week", "vandaag", "nieuw"),
    "pl": ("w tym tygodniu", "dzisiaj", "nowe"),
    "ja": ("新着", "今週"),
}
OFFICE_DAYS = (
    "max 2 office days", "2 days in office", "3 days a week in the office", "one day a week onsite",
    "no more than 2 days in the office", "at most 1 day on site", "office 2 days a week", "1-2 days in office",
    "2 office days max", "in the office once a week", "max 3 days onsite", "two days a week in office",
    "office once a month", "4 days remote", "mostly remote", "3 days remote",
)
# A pay amount, the period that may follow it, and lead-ins. Amounts in many spellings.
PAY_FORMS = (
    "${k}k", "${k},000", "${k}K", "{k}k", "{k}k USD", "{k},000 USD", "USD {k}k", "£{k}k", "£{k},000", "€{k}k",
    "{k}k€", "{k}k €", "{k}k EUR", "{k} 000 €", "{k}.000 €", "{k}k CAD", "{k}k AUD", "CHF {k}k", "SGD {k}k",
    "{k}k SGD", "{k}k GBP",
)
PAY_SMALL_FORMS = ("${n}", "{n} dollars", "£{n}", "€{n}", "{n} euros", "{n} EUR", "${n}.50", "{n} USD",
                   "{n} MXN", "R$ {n}", "{n} zł", "{n} PLN", "¥{n}", "{n}円", "{n} CHF", "{n}")
PAY_IDIOMS = ("{l} LPA", "{l} lpa", "{l} lakh", "{l} lakhs per annum", "{l}L", "{l} lakh per annum",
              "{l}-{l2} LPA", "{k}k€ brutto", "{k}k € brut", "{k} mil euros", "{k} mil")
PAY_RELATIVE = ("above median pay", "above median salary", "well paid", "top pay", "above average pay",
                "paying more than the median", "top 25% pay", "competitive salary")
PERIOD = {
    "hour": ("an hour", "per hour", "/hr", "/hour", "hourly", "an hr", "p/h", "ph", "die Stunde", "de l'heure",
             "la hora", "por hora", "all'ora", "per uur", "za godzinę", "時給"),
    "day": ("a day", "per day", "/day", "day rate", "daily", "pro Tag", "par jour", "al día", "por dia"),
    "week": ("a week", "per week", "/week", "weekly", "/wk", "pro Woche", "par semaine", "por semana"),
    "month": ("a month", "per month", "/month", "/mo", "monthly", "pro Monat", "im Monat", "par mois",
              "al mes", "por mês", "al mese", "per maand", "miesięcznie", "月給"),
    "year": ("a year", "per year", "/yr", "per annum", "annually", "p.a.", "im Jahr", "par an", "al año",
             "por ano", "all'anno", "per jaar", "rocznie", "年収"),
}
PAY_LEADS = ("paying at least", "at least", "over", "above", "min", "minimum", "more than", "starting at", "from",
             "salary above", "salary of at least", "no less than", "making", "pays", "ab", "mindestens", "plus de",
             "más de", "mais de", "più di", "minimaal", "od", "")
# How people cue an exclusion: the cue stays outside the span (the span is the name).
EXCLUDE_PLACE_CUES = ("but not {x}", "not {x}", "outside {x}", "excluding {x}", "except {x}", "anywhere but {x}",
                      "not in {x}", "no {x}", "other than {x}", "avoid {x}", "but not in {x}")
EXCLUDE_COMPANY_CUES = ("not {x}", "anything but {x}", "no {x}", "except {x}", "excluding {x}", "not at {x}",
                        "avoid {x}", "other than {x}", "but not {x}", "not {x} please", "no jobs at {x}")
COMPANY_CUES = ("at {x}", "jobs at {x}", "{x} jobs", "working for {x}", "with {x}", "{x} hiring", "for {x}",
                "at {x} only", "{x} careers")
# Short forms people type for roles: the rules know few of them; the resolver expands them.
ROLE_SHORT = ("rn", "swe", "sre", "pm", "cdl a driver", "cdl driver", "hvac tech", "pharm tech", "sysadmin",
              "ml eng", "ml engineer", "devops", "qa", "ux designer", "fp&a analyst", "sparky", "cna", "lpn",
              "dba", "bi analyst", "csr", "sdr", "ae", "data eng", "fullstack dev", "frontend dev", "backend dev",
              "mech engineer", "truck driver", "forklift driver", "line cook", "barista", "cashier",
              "warehouse associate", "nurse", "teacher", "electrician", "plumber", "welder", "accountant",
              "bookkeeper", "receptionist", "paralegal", "dental hygienist", "caregiver", "dispatcher")
ROLE_FOREIGN = {
    "de": ("Elektriker", "Pflegefachkraft", "Softwareentwickler", "Buchhalter", "Krankenschwester", "Lagerarbeiter",
           "Koch", "Verkäufer", "Maschinenbauingenieur", "Projektleiter", "Erzieher", "Kraftfahrer",
           "Datenanalyst", "Altenpfleger", "Mechatroniker"),
    "fr": ("infirmière", "développeur full stack", "comptable", "chef de projet", "serveur", "cuisinier",
           "ingénieur logiciel", "vendeur", "chauffeur poids lourd", "électricien", "aide-soignant",
           "développeur web", "commercial", "magasinier"),
    "es": ("desarrollador backend", "enfermera", "contador", "camarero", "cocinero", "ingeniero de software",
           "analista de datos", "conductor", "electricista", "vendedor", "profesor", "administrativo"),
    "pt": ("analista de dados", "desenvolvedor", "enfermeiro", "contador", "motorista", "vendedor",
           "engenheiro de software", "cozinheiro", "eletricista", "professor", "auxiliar administrativo"),
    "it": ("cuoco", "sviluppatore", "infermiere", "contabile", "cameriere", "magazziniere", "ingegnere",
           "commesso", "elettricista", "autista"),
    "nl": ("magazijnmedewerker", "vrachtwagenchauffeur", "verpleegkundige", "ontwikkelaar", "boekhouder",
           "kok", "verkoper", "monteur", "elektricien", "docent"),
    "pl": ("księgowa", "programista", "kierowca", "pielęgniarka", "magazynier", "sprzedawca", "elektryk",
           "kucharz", "analityk danych", "inżynier"),
    "ja": ("ソフトウェアエンジニア", "看護師", "エンジニア", "営業", "経理", "ドライバー", "介護職", "データアナリスト"),
}
# Job words around the slots, per language ("jobs", "Stellen", "offre d'emploi").
JOB_WORDS = {
    "de": ("Stellen", "Jobs", "Stellenangebote", "gesucht", "Job als"),
    "fr": ("offre d'emploi", "emploi", "poste de", "cherche emploi"),
    "es": ("trabajo", "empleo", "oferta de trabajo", "busco trabajo de"),
    "pt": ("vaga", "vagas", "emprego", "vaga de"),
    "it": ("lavoro", "cerco lavoro come", "offerte di lavoro"),
    "nl": ("vacature", "vacatures", "baan als"),
    "pl": ("praca", "oferty pracy", "praca jako"),
    "ja": ("求人", "仕事", "募集"),
}
LANGUAGES = tuple(JOB_WORDS)
