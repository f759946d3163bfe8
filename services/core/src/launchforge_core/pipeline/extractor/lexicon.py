"""Word lists the idea reader tags and classifies words with.

Closed classes (determiners, prepositions, pronouns...) are complete; open
classes (verbs, adjectives, attribute nouns) hold the words people use when
they describe an app. A word in none of them is read as a noun, which is
what an unknown word in an app idea nearly always is.
"""

from __future__ import annotations

DETERMINERS = frozenset(
    """a an the this that these those each every all any some no my our your their his her its
    whose another other several many few multiple various both either certain much more
    most such one-or-more""".split()
)
# Determiners that mark "one record of X" (each X has ..., for every X ...).
EACH = frozenset({"each", "every", "per", "any"})
# "several orders", "more than one property": one thing has many of these
MANY_DETERMINERS = frozenset({"several", "many", "multiple", "various", "one-or-more"})
POSSESSIVE_DETERMINERS = frozenset({"my", "our", "your", "their", "his", "her", "its", "whose"})

PREPOSITIONS = frozenset(
    """of in on at for with by from to into onto per about under over between through during
    within without across after before until via like including against among around behind
    near since than toward towards upon versus vs as inside outside along beside besides
    throughout except""".split()
)
SUBJECT_PRONOUNS = frozenset({"i", "we", "you", "they", "he", "she", "it", "people", "everyone"})
PRONOUNS = frozenset(
    """i we you they he she it them us me him her someone anyone everyone everybody somebody
    anybody nobody ones myself ourselves themselves yourself itself something anything
    whatever whoever whichever
    everything nothing this that these those mine ours yours theirs there here""".split()
)
WH_WORDS = frozenset(
    {"who", "whom", "which", "that", "what", "where", "when", "how", "why", "whoever", "whatever"}
)
CONJUNCTIONS = frozenset({"and", "or", "plus", "nor", "but", "then", "so", "because", "while"})
AUXILIARIES = frozenset(
    """is are was were be been being am has have had having do does did can could will would
    shall should may might must not n't cannot ca wo 're 've 'll 'd 'm 's""".split()
)
MODALS = frozenset({"would", "could", "should", "will", "can", "must", "might", "may"})
ADVERBS = frozenset(
    """also then just only really very too so currently usually often sometimes always never
    afterwards afterward beforehand meanwhile optionally ideally possibly preferably
    easily quickly maybe probably even still already mostly mainly basically actually right
    now later together again soon especially mostly simply roughly about around approx
    approximately either else instead ever yet ago back up down out off over regularly
    automatically manually separately quite rather pretty kinda sort well alot lot somewhat
    anyway anyhow otherwise therefore however thus hence perhaps ahead""".split()
)
NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy
    eighty ninety hundred hundreds thousand thousands dozen dozens half""".split()
)
NUMBER_VALUES = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}

# Adjectives that modify the things people track; they never name an entity.
ADJECTIVES = frozenset(
    """winning small big large huge tiny simple personal daily weekly monthly yearly annual nightly
    particular certain
    hourly quarterly new old local different various current upcoming past previous next
    favourite favorite free main basic easy online offline shared multiple several many
    few other whole entire specific individual private public internal external regular
    recurring future recent full part-time full-time young little available complete good
    great best important general certain overdue vegan vegetarian organic fresh frozen
    homemade professional medical digital physical second-hand rare nearby
    pending inactive late early quick fast slow short long high low
    single double extra special average typical real actual correct proper exact
    separate same whole various numerous lovely nice cool fun proper little tiny massive
    weird random basic fancy cheap expensive busy quiet hard soft heavy light dark bright
    red green blue black white yellow orange purple pink brown grey gray local foreign
    international national regional urban rural residential commercial elderly adult junior
    senior youth annual seasonal spring summer autumn winter fall indoor outdoor wild
    domestic electric manual automatic digital analog broken damaged missing
    difficult messy complicated confusing hectic chaotic tedious stressful crazy impossible
    tricky painful awkward unmanageable overwhelming
    upcoming ongoing unfinished unpaid outstanding on-hand in-stock on-staff
    older younger newer bigger smaller larger""".split()
)

# Verbs people use when they describe what an app does (base forms; inflections are derived).
VERBS = frozenset(
    """track log record keep cut manage store list see view show add create edit delete remove
    book schedule assign plan organize organise note mark rate review sell buy order pay send
    share collect follow monitor run walk teach attend borrow lend rent belong contain include
    have own hold register sign check return remember know want need help let allow use make
    get go come visit take give write read play join meet host handle treat repair fix deliver
    ship cook grow water plant harvest invoice bill charge earn spend save budget count measure
    compare sort filter search find import export upload print message post comment vote like
    subscribe enroll enrol apply interview hire train coach volunteer donate sponsor lead
    coordinate report catalog catalogue describe capture enter input update maintain keep
    look feed clean wash groom brew bake sew knit build design test run drive fly sail swim
    ride cycle hike climb fish hunt breed raise adopt foster rescue vaccinate diagnose prescribe
    sit stay live move rent lease own loan owe lend split reimburse refund quote estimate
    approve reject accept decline cancel confirm remind notify alert email call text reach
    contact ask answer respond reply list publish draft submit grade mark score win lose beat
    perform practice practise rehearse record film photograph shoot edit mix master sing
    dance act direct produce manage supervise mentor tutor study learn teach research analyze
    analyse experiment sample label tag categorize categorise group link connect relate
    attach associate map belong go fit work happen occur arrive leave depart start begin end
    finish complete close open expire renew lapse due mean try like love hate prefer wish
    hope think guess figure decide choose pick select set put place stock restock supply
    source purchase procure receive pick drop deliver dispatch pack unpack store sort file
    archive log jot write type fill tick assign allocate distribute split share swap trade
    exchange lend borrow return check browse discover explore visit tour travel stay book
    reserve plan invite rsvp attend host celebrate organize fundraise raise donate give
    pledge sponsor volunteer help serve cook bake brew ferment grow plant sow prune water
    weed fertilize harvest pick graze milk shear breed calve hatch lay feed vaccinate weigh
    treat inspect audit service maintain repair replace install upgrade wash become tie turn
    occupy inhabit
    cover cost offer babysit swap tick bring flip pour""".split()
)
# Irregular forms -> base.
IRREGULAR_VERBS = {
    "kept": "keep",
    "sold": "sell",
    "bought": "buy",
    "paid": "pay",
    "sent": "send",
    "ran": "run",
    "taught": "teach",
    "lent": "lend",
    "held": "hold",
    "knew": "know",
    "known": "know",
    "made": "make",
    "got": "get",
    "gotten": "get",
    "went": "go",
    "gone": "go",
    "came": "come",
    "took": "take",
    "taken": "take",
    "gave": "give",
    "given": "give",
    "wrote": "write",
    "written": "write",
    "read": "read",
    "met": "meet",
    "grew": "grow",
    "grown": "grow",
    "spent": "spend",
    "found": "find",
    "led": "lead",
    "built": "build",
    "drove": "drive",
    "driven": "drive",
    "flew": "fly",
    "flown": "fly",
    "swam": "swim",
    "rode": "ride",
    "ridden": "ride",
    "bred": "breed",
    "sat": "sit",
    "left": "leave",
    "began": "begin",
    "begun": "begin",
    "chose": "choose",
    "chosen": "choose",
    "put": "put",
    "set": "set",
    "won": "win",
    "lost": "lose",
    "beat": "beat",
    "sang": "sing",
    "sung": "sing",
    "did": "do",
    "done": "do",
    "had": "have",
    "has": "have",
    "saw": "see",
    "seen": "see",
    "shot": "shoot",
    "thought": "think",
    "brought": "bring",
    "caught": "catch",
    "laid": "lay",
    "fed": "feed",
    "dealt": "deal",
    "shorn": "shear",
    "sown": "sow",
    "mown": "mow",
    "thrown": "throw",
    "blown": "blow",
    "woven": "weave",
    "stolen": "steal",
    "broken": "break",
    "frozen": "freeze",
    "born": "bear",
    "worn": "wear",
    "torn": "tear",
    "sewn": "sew",
    "shown": "show",
    "drawn": "draw",
    "hung": "hang",
    "stuck": "stick",
    "spun": "spin",
    "dug": "dig",
    "crept": "creep",
    "slept": "sleep",
    "swept": "sweep",
    "felt": "feel",
    "meant": "mean",
    "told": "tell",
    "heard": "hear",
    "threw": "throw",
    "wore": "wear",
    "broke": "break",
    "fought": "fight",
    "sought": "seek",
    "fled": "flee",
    "bled": "bleed",
    "bent": "bend",
    "lit": "light",
    "burnt": "burn",
    "learnt": "learn",
    "spoke": "speak",
    "spoken": "speak",
}
# Verbs that do not name an action on records (their object is not an entity).
WEAK_VERBS = frozenset(
    """want need help let allow use make get go come be do think guess try like love hate
    prefer wish hope mean figure decide see look know remember seem happen""".split()
)
# Verbs that open an imperative sentence ("Track expenses", "Show totals per month").
IMPERATIVES = frozenset(
    """track log manage record keep list store add plan schedule organize organise catalog
    catalogue follow monitor show let help create build make see view allow collect note
    save send sell rent book find search compare calculate generate remind notify sort
    filter group count sum display print export import need want keep-track-of include
    assign give split link connect mark tag enter capture""".split()
)
# Verbs whose object is the data the app keeps: "track my clients", "log workouts".
KEEPING_VERBS = frozenset(
    """track log record keep manage store list organize organise catalog catalogue collect
    maintain capture enter add save hold monitor follow register file archive jot note
    inventory have own sell rent lend loan book schedule plan host run teach coach grow raise
    breed stock sell buy buy order offer serve employ hire list review rate brew bake cook
    make build repair service inspect test sample feed treat walk train watch read play
    borrow visit attend publish write write-up""".split()
)
# "keep track of", "sign up for": multiword verbs, joined into one token.
PHRASAL = {
    ("keep", "track", "of"): "keep-track-of",
    ("keeps", "track", "of"): "keep-track-of",
    ("keeping", "track", "of"): "keep-track-of",
    ("kept", "track", "of"): "keep-track-of",
    ("keep", "tabs", "on"): "keep-track-of",
    ("sign", "up", "for"): "sign-up-for",
    ("signs", "up", "for"): "sign-up-for",
    ("signed", "up", "for"): "sign-up-for",
    ("sign", "up"): "sign-up",
    ("take", "part", "in"): "join",
    ("takes", "part", "in"): "joins",
    ("took", "part", "in"): "joined",
    ("signs", "up"): "sign-up",
    ("signed", "up"): "sign-up",
    ("as", "well", "as"): "and",
    ("along", "with"): "with",
    ("together", "with"): "with",
    ("such", "as"): "like",
    ("for", "example"): "like",
    ("for", "instance"): "like",
    ("e", "g"): "like",
    ("eg",): "like",
    ("i", "e"): "like",
    ("a", "lot", "of"): "many",
    ("lots", "of"): "many",
    ("a", "bunch", "of"): "many",
    ("a", "pool", "of"): "many",  # "there's a pool of about twenty casuals"
    ("a", "couple", "of"): "some",
    ("a", "few"): "some",
    ("one", "or", "more"): "one-or-more",
    ("more", "than", "one"): "one-or-more",
    ("each", "other"): "each-other",
    ("how", "many"): "how-many",
    ("how", "much"): "how-much",
    ("how", "long"): "how-long",
    ("how", "often"): "how-often",
    ("out", "of"): "out-of",
    ("up", "to"): "up-to",
    ("kind", "of"): "kind-of",
    ("sort", "of"): "kind-of",
    ("write", "down"): "write-down",
    ("fill", "in"): "fill-in",
    ("fill", "out"): "fill-in",
    ("fills", "in"): "fill-in",
    ("fills", "out"): "fill-in",
    ("writes", "down"): "write-down",
    ("jot", "down"): "write-down",
    ("note", "down"): "write-down",
    ("take", "down"): "write-down",
    ("keep", "a", "record", "of"): "keep-track-of",
    ("keep", "records", "of"): "keep-track-of",
    ("in", "progress"): "in-progress",
    ("on", "hold"): "on-hold",
    ("to", "do"): "to-do",
    ("check", "in"): "check-in",
    ("check", "ins"): "check-ins",
    ("check", "out"): "check-out",
    ("check", "outs"): "check-outs",
    ("log", "in"): "log-in",
    ("e", "mail"): "email",
    ("e", "mails"): "emails",
    ("web", "site"): "website",
    ("per", "cent"): "percent",
    ("date", "of", "birth"): "birth-date",
    ("head", "of", "household"): "household-head",
    ("year", "of", "birth"): "birth-year",
    ("yes", "or", "no"): "yes-no",
    ("yes", "/", "no"): "yes-no",
    ("y", "/", "n"): "yes-no",
    ("yes", "no"): "yes-no",
    ("on", "hand"): "on-hand",
    ("on", "staff"): "on-staff",
    ("square", "metres"): "square-metres",
    ("square", "meters"): "square-meters",
    ("square", "feet"): "square-feet",
    ("in", "stock"): "in-stock",
    ("pick", "up"): "pick-up",
    ("pick", "ups"): "pick-ups",
    ("drop", "off"): "drop-off",
    ("drop", "offs"): "drop-offs",
}

# Nouns that name the app or its parts, not data ("an app to...", "a dashboard").
META_NOUNS = frozenset(
    """app apps application tool system platform website site program software tracker
    manager database spreadsheet solution portal dashboard page screen interface ui
    organizer organiser planner helper assistant bot thing things stuff way ways lot lots bit
    idea ideas overview view views report reports reminder reminders leaderboard leaderboards
    scoreboard scoreboards
    notification notifications alert alerts feature features option options ability
    everything anything something nothing information info data details record-keeping
    business company-wide life work job-board help need needs problem problems question
    questions moment while hobby side-hustle purpose
    whole rest beginning track list lists log logs journal diary
    notebook book-keeping bookkeeping admin paperwork mess chaos headache excel sheet sheets
    timetable timetables rota rotas entity entities
    notepad paper notes-app calendar whiteboard whiteboards post-it post-its excel
    google-sheets sheets spreadsheets notebooks clipboard""".split()
)
# Meta nouns that can still be an entity when named in the plural as things to record.
META_BUT_ENTITY_IN_PLURAL = frozenset(
    {
        "application",
        "tool",
        "site",
        "program",
        "report",
        "reminder",
        "job",
        "journal",
        "book",
        "paper",
        "part",
        "record",
        "log",
        "entry",
        "page",
        "list",
        "question",  # "a quick question" is about the app; "questions have an answer" records
        "lot",  # "a lot of work" says much; "auction lots have a lot number" are records
        "track",  # "keep track of" is the app; "Tracks: name, length" are records
    }
)
# The writer's own business or group ("my tattoo studio", "our club"): the app's owner.
BUSINESS_NOUNS = frozenset(
    """business studio shop store practice clinic salon bakery cafe restaurant agency firm
    company club society association charity nonprofit organisation organization farm
    smallholding garden household family home workshop office startup lab laboratory
    school nursery daycare gym library church choir band troupe league brewery winery
    kitchen team department group community hospital pharmacy surgery""".split()
)
# Containers whose "of" names the records: "a list of the artists", "a log of walks".
CONTAINERS = frozenset(
    """list lists record records log logs register database catalog catalogue collection
    inventory directory record-keeping overview history track archive set bunch lot lots
    number variety couple handful series range programme roster lineup line-up rota
    agenda""".split()
)
# Nouns that stand for the writer or the people the app is for, not records.
SELF_NOUNS = frozenset(
    """i me we us myself ourselves user users everyone everybody someone somebody anyone
    folks guys friends-and-family""".split()
)
# Abstract nouns that are never a record by themselves.
ABSTRACT_NOUNS = frozenset(
    """pair pairs loaf loaves dozen dozens bunch handful slice slices
    track progress history overview summary summaries stats statistics analytics insight
    spend spending percent percentage takings income revenue earnings turnover profit profits
    insights trend trends total totals average averages sum count streak streaks breakdown
    access way sense eye
    tabs touch care use sure mind fun money thing things lot bit much many few more most
    less all none each either both top bottom side front back middle today tomorrow
    yesterday morning evening night weekend""".split()
)

# Spans of time: a field ("year") or a grouping ("per month"), never records.
PERIOD_NOUNS = frozenset(
    """day days week weeks month months year years weekend weekends hour hours minute
    minutes second seconds quarter quarters fortnight decade night nights morning mornings
    evening evenings afternoon today tomorrow yesterday time times""".split()
) | frozenset(
    # "every Thursday", "on Monday and Wednesday evenings": when, never a record
    """monday tuesday wednesday thursday friday saturday sunday mondays tuesdays
    wednesdays thursdays fridays saturdays sundays""".split()
)
# Nouns that ask for a view of the data rather than name a field of it.
SUMMARY_NOUNS = frozenset(
    """streak streaks totals averages stats statistics trends breakdown breakdowns charts
    graphs insights analytics""".split()
)
# Words that open a summary phrase ("total sales", "average score per player").
AGGREGATE_WORDS = frozenset("""total totals average avg sum mean running cumulative""".split())
# Words that are never a noun in an idea (interjections, verbs people do not use as nouns).
NEVER_NOUNS = frozenset(
    """want wants wanted go goes going went yes no ok okay lol haha hmm please thanks
    thank etc also maybe really pretty twice once thrice get gets got getting belong
    belongs""".split()
)
# Person nouns: records of people (clients, members). Used for implicit relations.
PERSON_NOUNS = frozenset(
    """adult teen teenager toddler dependant dependent beneficiary
    owner client customer member student teacher patient player employee staff volunteer
    tenant guest driver author artist coach gardener user contact donor parent child kid
    instructor trainer doctor vet nurse therapist candidate applicant supplier vendor
    landlord subscriber reader participant athlete runner swimmer friend attendee speaker
    buyer seller agent worker contractor technician mechanic tutor mentor mentee manager
    resident visitor passenger traveler traveller camper pupil teammate colleague lead
    prospect borrower lender renter caregiver carer adopter foster sponsor partner host
    performer musician singer dancer actor crew referee umpire judge chef cook waiter
    baker farmer grower beekeeper rider cyclist climber diver hiker fisher hunter
    photographer model writer editor reviewer researcher scientist professor lecturer
    clinician dentist physio physiotherapist stylist barber groomer walker sitter nanny
    babysitter cleaner plumber electrician builder carpenter painter landscaper courier
    dispatcher rep representative salesperson account household family person people
    individual homeowner shopper diner patron fan follower alumni alumnus graduate intern
    apprentice trainee recruit recruiter interviewer hiring-manager landlady tenant
    occupant neighbour neighbor coachee athlete officer leader chair treasurer secretary
    admin administrator moderator organizer organiser coordinator supervisor gymnast
    learner inspector assessor examiner invigilator marshal steward warden ranger guide
    surveyor recorder patroller fitter engineer therapist practitioner consultant
    apprentice player skater golfer bowler archer rower sailor paddler surfer skier
    entrant competitor contestant finalist trialist angler breeder handler keeper
    listener viewer caller collector enthusiast hobbyist rider jockey""".split()
)
# Things people own: listed after a person, they are that person's ("owners, pets").
OWNED_NOUNS = frozenset(
    """pet dog cat horse animal vehicle car bike bicycle motorbike boat house home property
    account device phone laptop instrument policy plot garden allotment locker""".split()
)
# Event / transaction nouns: things that happen to or between other records.
EVENT_NOUNS = frozenset(
    """visit appointment booking reservation loan order sale purchase payment donation
    session lesson match game walk ride trip shift check-in checkin log entry attendance
    enrollment enrolment registration rental delivery shipment transaction expense invoice
    inspection repair treatment vaccination harvest workout run feeding watering meeting
    interview application performance gig show transfer assignment review rating vote
    signup sign-up pickup pick-up dropoff drop-off consultation incident issue ticket
    request claim reading measurement observation sighting catch tasting test result
    lab-result service-record maintenance cleaning grooming checkup check-up exam
    examination training practice rehearsal class course event competition race tournament
    fixture screening viewing showing listing offer bid quote estimate contract lease
    tenancy stay check-out checkout borrowing lending return refund deposit withdrawal
    transfer contribution pledge subscription membership renewal goal score submission
    assessment evaluation audit survey response answer attempt play round leg stage
    episode entry diary-entry journal-entry note-entry mood-entry weigh-in dose
    medication-dose intake meal sleep nap symptom bite sting injury accident outage
    breakdown fault complaint feedback""".split()
)

# Nouns that are an attribute of a record, not a record ("birth date", "cost").
# Entries map to a field type hint; see fields.py for the full typing rules.
ATTRIBUTE_NOUNS = frozenset(
    """name title date time timestamp datetime day birthday birth-year deadline description
    notes note comment comments
    details price cost amount value fee total salary wage budget rent balance deposit tip
    revenue income charge fine bill tuition prize earnings winnings status stage priority
    severity
    quantity qty count number capacity level age duration minutes hours seconds days weeks
    months years size colour color weight height length width depth distance temperature temp
    percentage percent rating score grade stars points goals rank position role address
    street city town postcode zip country region location place venue room floor phone
    mobile telephone cell email url link website homepage photo photos picture pictures
    image images avatar logo tag tags label labels category kind type genre breed species
    variety gender sex diagnosis condition model make brand serial isbn sku barcode code
    reference id identifier username handle password slug key summary bio biography
    content body text message subject reason purpose result outcome answer feedback
    instructions steps method directions ingredients-list frequency interval schedule
    dose dosage unit units volume area speed pace calories reps sets mileage odometer
    latitude longitude coordinates timezone language currency quantity stock inventory
    availability paid done active completed returned approved archived published
    vaccinated available verified confirmed attended signed flag opponent contact
    occupation company employer school grade-level allergies allergy requirement requirements
    medication
    medications symptoms mood energy sleep weather notes-field status-field remarks
    observations findings expiry expiration dob start end start-date end-date due-date
    opening closing arrival departure checkin checkout departure-date return-date etd eta
    nickname surname firstname lastname first-name last-name full-name website
    instagram twitter handle license licence plate vin registration reg owner-name
    author director artist publisher edition format pages isbn year season episode
    origin source destination route vessel vehicle make-model mileage fuel
    ph moisture humidity rainfall yield harvest-weight germination depth spacing
    author's choice preference side method mode style tier plan shift-type rate quote
    estimate deposit balance split""".split()
)
# Plural nouns that are still an attribute (a list kept as text) rather than records.
PLURAL_ATTRIBUTES = frozenset(
    """notes comments details instructions steps directions tags labels photos pictures
    images minutes hours seconds days weeks months years points goals stars reps sets
    calories allergies medications symptoms remarks observations findings ingredients-list
    credentials skills interests hobbies keywords specs specifications measurements
    dimensions contents lyrics chords initials leftovers tries""".split()
)

# Head words of a list-like idea's title ("Veterinary clinic records:"): not entities.
TITLE_HEADS = frozenset(
    """records record tracker tracking log logs logbook manager management planner planning
    organizer organiser app application system database db list lists inventory catalog
    catalogue journal diary book notebook register registry directory hub portal dashboard
    tool admin crm erp board schedule scheduler calendar ledger archive collection notes""".split()
)

# Irregular or tricky singular forms inflect gets wrong for our purpose.
SINGULAR_OVERRIDES = {
    "data": "data",
    "specimen": "specimen",
    "todo": "task",
    "todos": "task",
    "to-do": "task",
    "to-dos": "task",
    "dues": "dues",
    "meds": "medication",
    "med": "medication",
    "pics": "picture",
    "docs": "document",
    "stats": "stat",
    "species": "species",
    "taxa": "taxon",
    "series": "series",
    "news": "news",
    "media": "media",
    "equipment": "equipment",
    "staff": "staff",
    "sheep": "sheep",
    "fish": "fish",
    "deer": "deer",
    "aircraft": "aircraft",
    "clothes": "clothing",
    "people": "person",
    "kids": "kid",
    "alumni": "alumnus",
    "criteria": "criterion",
    "diagnoses": "diagnosis",
    "analyses": "analysis",
    "statuses": "status",
    "bus": "bus",
    "gas": "gas",
    "canvas": "canvas",
    "class": "class",
    "glass": "glass",
    "address": "address",
    "business": "business",
    "process": "process",
    "status": "status",
    "campus": "campus",
    "bonus": "bonus",
    "census": "census",
    "virus": "virus",
    "chorus": "chorus",
    "focus": "focus",
    "menus": "menu",
    "cactus": "cactus",
    "cacti": "cactus",
    "fungi": "fungus",
    "hummus": "hummus",
    "lens": "lens",
    "chassis": "chassis",
    "hives": "hive",
    "leaves": "leaf",
    "shelves": "shelf",
    "calves": "calf",
    "wolves": "wolf",
    "knives": "knife",
    "lives": "life",
    "wives": "wife",
    "halves": "half",
    "thieves": "thief",
    "loaves": "loaf",
    "scarves": "scarf",
    "dice": "die",
    "geese": "goose",
    "mice": "mouse",
    "teeth": "tooth",
    "feet": "foot",
    "oxen": "ox",
    "men": "man",
    "women": "woman",
    "children": "child",
    "vertices": "vertex",
    "indices": "index",
    "appendices": "appendix",
    "matrices": "matrix",
    "quizzes": "quiz",
    "pieces": "piece",
    "sales": "sale",
    "goods": "goods",
    "supplies": "supply",
    "pajamas": "pajamas",
    "trousers": "trousers",
    "scissors": "scissors",
    "glasses": "glasses",
    "earnings": "earnings",
    "winnings": "winnings",
    "savings": "savings",
    "belongings": "belongings",
    "lyrics": "lyrics",
    "analytics": "analytics",
    "physics": "physics",
    "athletics": "athletics",
    "gymnastics": "gymnastics",
    "logistics": "logistics",
}
