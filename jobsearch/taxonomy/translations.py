"""Query words of eight languages in English: roles (occupation titles written from O*NET
titles, `jobsearch.taxonomy.occupation_data`), workplace, employment type, pay and schedule
words, and the small function words that glue them ("à", "desde", "come", "bij").

`TERMS` are distinctive words: one of them names the query's language. `GRAMMAR` words are
rewritten only once the language is known (Italian "come", Spanish "de", Dutch "stage" are
words of English or of other languages too). Keys are written with accents; matching folds
case and accents. Coverage and sources: docs/query-language.md ("Eight languages")."""

from __future__ import annotations


def _table(text: str) -> dict[str, str]:
    """'foreign = english' pairs, one per line or separated by ';'."""
    out: dict[str, str] = {}
    for item in text.replace("\n", ";").split(";"):
        if "=" in item:
            foreign, english = item.split("=", 1)
            for word in foreign.split("|"):
                out[word.strip()] = english.strip()
    return out


TERMS: dict[str, dict[str, str]] = {
    "de": _table("""
        elektriker|elektrikerin|elektroniker = electrician; pflegefachkraft|krankenschwester|krankenpfleger|pflegekraft|gesundheits- und krankenpfleger = registered nurse
        altenpfleger|altenpflegerin = nursing assistant; softwareentwickler|softwareentwicklerin = software developer; entwickler|entwicklerin = developer
        ingenieur|ingenieurin = engineer; maschinenbauingenieur = mechanical engineer; buchhalter|buchhalterin = accountant; bilanzbuchhalter = accountant
        lagerarbeiter|lagermitarbeiter|lagerist|lageristin|lagerhelfer = warehouse worker; lkw-fahrer|berufskraftfahrer|kraftfahrer = truck driver; fahrer|fahrerin = driver
        koch|köchin = cook; verkäufer|verkäuferin = sales associate; datenanalyst|datenanalystin = data analyst; projektleiter|projektmanager = project manager
        kundenberater|kundenservice = customer service representative; kfz-mechatroniker|mechaniker|mechatroniker = mechanic; schweißer = welder
        reinigungskraft = cleaner; erzieher|erzieherin = preschool teacher; lehrer|lehrerin = teacher; arzt|ärztin = physician; apotheker = pharmacist
        vertriebsmitarbeiter = sales representative; sachbearbeiter = administrative assistant; intensivstation = intensive care unit
        stellen|stelle|stellenangebote|stellenangebot|jobangebote = jobs; vollzeit = full-time; teilzeit = part-time; unbefristet|festanstellung = permanent
        befristet|zeitarbeit|aushilfe = temporary; praktikum = internship; werkstudent|werkstudentin = part-time student jobs; homeoffice|mobiles arbeiten = remote
        vor ort|im büro = on-site; nachtschicht|nachtdienst = night shift; schichtdienst|schichtarbeit = rotating shifts; wochenende|wochenenden = weekends
        berufseinsteiger|einsteiger|ohne berufserfahrung|keine erfahrung = entry level; monat|monatlich = month; jährlich = a year; stunde = hour
        gehalt = salary; mindestens = at least; brutto = ; suche = looking for
        keine zeitarbeit|ohne zeitarbeit|keine zeitarbeitsfirmen|keine personalvermittlung|keine personaldienstleister|keine agenturen|ohne personalvermittler = no staffing agencies
        im monat|pro monat = a month; im jahr|pro jahr = a year; pro stunde|die stunde = per hour
        diese woche|dieser woche = this week; heute = today; in den letzten = in the last; tagen|tage = days; wochen = weeks"""),
    "fr": _table("""
        infirmière|infirmier = nurse; aide-soignante|aide-soignant = nursing assistant; développeur|développeuse = developer
        développeur full stack|développeuse full stack = full stack developer; ingénieur|ingénieure = engineer; comptable = accountant
        cuisinier|cuisinière = cook; chauffeur poids lourd|conducteur poids lourd = truck driver; électricien|électricienne = electrician
        magasinier|magasinière = warehouse worker; vendeur|vendeuse = sales associate; analyste de données = data analyst; chef de projet = project manager
        serveur|serveuse = server; enseignant|enseignante|professeur des écoles = teacher; technicien|technicienne = technician; plombier = plumber
        mécanicien = mechanic; offre d'emploi|offres d'emploi|offre d emploi|emplois = jobs; emploi = job; télétravail partiel = hybrid; télétravail = remote
        en présentiel|présentiel|sur site = on-site; hybride = hybrid; à distance = remote; cdi = permanent; cdd|intérim = temporary
        temps plein = full-time; temps partiel = part-time; alternance = apprenticeship; de nuit|travail de nuit = night shift
        week-end|week-ends = weekends; débutant|débutants|sans expérience = entry level; salaire = salary; au moins = at least; par mois = a month
        par an = a year; de l'heure|par heure = per hour; je cherche|recherche = looking for
        pas d'agence|pas d'agences|sans agence|sans agences|pas d'intérim|hors intérim|pas de cabinet de recrutement = no staffing agencies
        cette semaine = this week; aujourd'hui = today; ce mois-ci = this month; derniers = last; jours = days; offres = jobs; publiées|publiés = posted"""),
    "es": _table("""
        desarrollador backend = backend developer; desarrollador frontend = frontend developer; desarrollador|desarrolladora = developer
        programador|programadora = programmer; ingeniero de software = software engineer; ingeniero de calidad = quality engineer; ingeniero|ingeniera = engineer
        enfermero|enfermera = nurse; contador|contadora|contable = accountant; cocinero|cocinera = cook; camionero|chofer de camión = truck driver
        chofer = driver; electricista = electrician; mozo de almacén|almacenista = warehouse worker; vendedor|vendedora = sales associate
        analista de datos = data analyst; jefe de proyecto = project manager; mecánico = mechanic; maestro|maestra = teacher; camarero|camarera|mesero|mesera = server
        atención al cliente = customer service; diseñador|diseñadora = designer; trabajo|empleo = job; ofertas de empleo|oferta de empleo|vacantes = jobs
        remoto|en remoto|teletrabajo = remote; híbrido = hybrid; presencial = on-site; desde casa = from home
        tiempo completo|jornada completa = full-time; medio tiempo|media jornada|tiempo parcial = part-time; indefinido = permanent; temporal = temporary
        prácticas|pasantía = internship; más de = over; al menos = at least; mínimo = at least; al mes|por mes|mensuales = a month; al año|anuales|por año = a year
        por hora = per hour; salario|sueldo = salary; turno de noche = night shift; fines de semana = weekends; sin experiencia = entry level; busco = looking for
        sin ett|sin etts|sin agencias|sin intermediarios = no staffing agencies; repartidor|repartidora = delivery driver
        hoy = today; este mes = this month; últimos = last; días = days; publicadas|publicados = posted"""),
    "pt": _table("""
        analista de dados = data analyst; desenvolvedor|desenvolvedora = developer; engenheiro|engenheira = engineer; enfermeiro|enfermeira = nurse
        cozinheiro|cozinheira = cook; motorista de caminhão = truck driver; motorista = driver; eletricista = electrician
        auxiliar de armazém|estoquista|auxiliar de estoque = warehouse worker; gerente de projetos = project manager; garçom|garçonete = server
        atendimento ao cliente = customer service; vaga|emprego = job; vagas|empregos = jobs; híbrido = hybrid; presencial = on-site
        tempo integral = full-time; meio período = part-time; estágio = internship; efetivo|clt = permanent; temporário = temporary
        mais de = over; pelo menos|no mínimo = at least; por mês|mensal = a month; por ano = a year; salário = salary
        turno da noite|noturno = night shift; fim de semana = weekends; sem experiência = entry level; procuro = looking for
        sem agências|sem agência|sem consultorias|sem intermediários = no staffing agencies; tempo inteiro|a tempo inteiro = full-time; tempo parcial|a tempo parcial = part-time
        hoje = today; este mês = this month; dias = days"""),
    "it": _table("""
        cuoco|cuoca = cook; cameriere|cameriera = server; sviluppatore|sviluppatrice = developer; programmatore = programmer
        ingegnere = engineer; infermiere|infermiera = nurse; contabile|ragioniere = accountant; magazziniere = warehouse worker; autista = driver
        elettricista = electrician; commesso|commessa = sales associate; analista dati = data analyst; insegnante = teacher; meccanico = mechanic
        addetto alle pulizie = cleaner; lavoro = job; offerte di lavoro|offerta di lavoro = jobs; cerco = looking for
        da remoto|in remoto|smart working|telelavoro = remote; ibrido = hybrid; in sede = on-site; tempo pieno = full-time; tempo parziale = part-time
        tempo indeterminato = permanent; tempo determinato = temporary; tirocinio = internship; almeno = at least; più di|oltre = over
        mila = thousand; al mese = a month; all'anno = a year; all'ora = per hour; stipendio = salary; turno di notte = night shift
        fine settimana = weekends; senza esperienza = entry level; anche = also
        no agenzie|senza agenzie|niente agenzie|no agenzia = no staffing agencies; questa settimana = this week; oggi = today
        ultimi = last; giorni = days; pubblicati|pubblicate = posted"""),
    "nl": _table("""
        magazijnmedewerker|magazijnmedewerkster = warehouse worker; vrachtwagenchauffeur = truck driver; verpleegkundige = nurse
        softwareontwikkelaar = software developer; ontwikkelaar = developer; boekhouder = bookkeeper; elektricien|elektromonteur = electrician
        verkoopmedewerker = sales associate; data-analist|data analist = data analyst; projectleider = project manager; leraar|lerares = teacher
        schoonmaker = cleaner; klantenservice medewerker|klantenservicemedewerker = customer service representative; vacature = job; vacatures = jobs
        baan = job; thuiswerken = remote; op afstand = remote; op kantoor|op locatie = on-site; hybride = hybrid
        vast contract|vaste baan = permanent; tijdelijk|uitzendwerk = temporary; minimaal|ten minste = at least; meer dan = over; per maand = a month
        per jaar = a year; per uur = per hour; salaris = salary; ploegendienst = rotating shifts; nachtdienst = night shift; zonder ervaring = entry level
        geen uitzendbureau|geen uitzendbureaus|zonder uitzendbureau|geen bureaus|geen detacheerders = no staffing agencies
        deeltijds|deeltijd = part-time; voltijds|voltijd = full-time; deze week = this week; vandaag = today; afgelopen = last; dagen = days; geplaatst = posted"""),
    "pl": _table("""
        księgowa|księgowy = accountant; programista|programistka = software developer; inżynier = engineer; pielęgniarka|pielęgniarz = nurse
        kierowca ciężarówki|kierowca c+e = truck driver; kierowca = driver; magazynier = warehouse worker; elektryk = electrician; kucharz|kucharka = cook
        sprzedawca|sprzedawczyni = sales associate; analityk danych = data analyst; kierownik projektu = project manager; nauczyciel|nauczycielka = teacher
        mechanik = mechanic; spawacz = welder; obsługa klienta = customer service; praca = job; oferty pracy = jobs
        zdalnie|zdalna|praca zdalna = remote; hybrydowo|hybrydowa = hybrid; stacjonarnie|stacjonarna = on-site; pełny etat|pełen etat = full-time
        pół etatu|część etatu = part-time; umowa o pracę = permanent; umowa zlecenie = contract; staż|praktyki = internship; tymczasowa = temporary
        co najmniej = at least; powyżej|ponad = over; miesięcznie|na miesiąc = a month; rocznie = a year; na godzinę = per hour; wynagrodzenie = salary
        nocna zmiana = night shift; bez doświadczenia = entry level; warszawie = Warsaw; krakowie = Kraków; wrocławiu = Wrocław; poznaniu = Poznań
        gdańsku = Gdańsk; łodzi = Łódź
        bez agencji|bez agencji pracy|bez pośredników = no staffing agencies; w tym tygodniu = this week; dzisiaj|dziś = today
        ostatnie|ostatnich = last; dni = days"""),
    "ja": _table("""
        東京 = Tokyo; 大阪 = Osaka; 横浜 = Yokohama; 名古屋 = Nagoya; 札幌 = Sapporo; 福岡 = Fukuoka; 京都 = Kyoto; 神戸 = Kobe
        ソフトウェアエンジニア = software engineer; データサイエンティスト = data scientist; データアナリスト = data analyst; エンジニア = engineer
        プログラマー = programmer; 看護師 = nurse; 会計士|経理 = accountant; 営業 = sales representative; トラック運転手 = truck driver
        ドライバー|運転手 = driver; 電気工事士 = electrician; 調理師|料理人 = cook; 倉庫作業 = warehouse worker; 事務 = administrative assistant
        プロジェクトマネージャー = project manager; デザイナー = designer; 教師 = teacher; 介護士 = caregiver; 販売 = sales associate
        リモート可 = remote or hybrid; フルリモート|完全リモート = fully remote; 在宅勤務 = remote; リモート = remote; ハイブリッド = hybrid; 出社 = on-site
        正社員 = permanent; 契約社員 = contract; 派遣 = temporary; アルバイト|パート = part-time; インターン = internship; 新卒 = new grad
        介護|介護職 = caregiver; 未経験可|未経験 = no experience; 英語 = English; 求人 = jobs; 仕事 = job; 夜勤 = night shift; 週末|土日 = weekends; 以上 = or more
        派遣不可|派遣除く|派遣以外 = no staffing agencies; 今週 = this week; 本日|今日 = today; 新着 = new"""),
}

GRAMMAR: dict[str, dict[str, str]] = {
    "de": _table("in = in; bei = at; nicht = not; ohne = without; und = and; oder = or; ab = from; über = over; mehr als = more than; pro = per; als = as; remote = remote; hybrid = hybrid"),
    "fr": _table("à = in; en = in; chez = at; pas de = no; sans = without; et = and; ou = or; de = of; d' = of; le = the; la = the; les = the; mois = month; an = year; stage = internship; chauffeur = driver; freelance = freelance; plus de = over"),
    "es": _table("esta semana = this week; conductor = driver; en = in; de = of; del = of the; y = and; o = or; sin = without; no = not; desde = from; mil = thousand; para = for; como = as; la = the; el = the"),
    "pt": _table("esta semana|essa semana = this week; últimos = last; em = in; de = of; do = of; da = of; e = and; ou = or; sem = without; não = not; mil = thousand; remoto = remote; home office = remote; contador = accountant; programador = programmer; vendedor = sales associate; técnico = technician; professor = teacher; como = as"),
    "it": _table("a = in; in = in; di = of; e = and; o = or; senza = without; non = not; come = as; per = for; part time = part time; stage = internship; weekend = weekends"),
    "nl": _table("in = in; bij = at; en = and; of = or; niet = not; zonder = without; kok = cook; chauffeur = driver; docent = teacher; monteur = mechanic; werk = work; stage = internship; weekend = weekends; accountant = accountant"),
    "pl": _table("w = in; i = and; lub = or; bez = without; nie = not; tys = thousand; zł = PLN; b2b = contract; na = for"),
    "ja": _table(""),
}
