"""A field's type from the words that name it ("birth date" -> date, "cost" -> decimal).

The rules look at the field's words, last word first (the head), then at its
modifiers; explicit cues found by the grammar (a range, listed values,
"whether ...", a unit) take precedence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from launchforge_core.pipeline.extractor import lexicon as lx
from launchforge_core.pipeline.extractor.grammar_words import CURRENCIES
from launchforge_core.pipeline.extractor.words import singular

MONEY = frozenset(
    """price cost amount value fee total salary wage wages budget rent balance deposit tip
    revenue income charge fine bill tuition prize earnings winnings spend spending spent
    payment payout premium refund subtotal rate-per-hour hourly-rate rate pay invoice-amount
    donation contribution pledge sponsorship discount tax vat profit commission bid
    fare toll bounty allowance stipend retainer cash takings money royalty royalties
    instalment installment""".split()
)
# "rate" alone is money only next to a money word ("hourly rate"); otherwise a rating.
INTEGER_WORDS = frozenset(
    """count quantity qty capacity level age duration number minutes days weeks
    months years seconds seats pages reps sets stock points goals rank floor year birth-year
    copies units pieces servings portions attendees guests visitors players members
    participants people kids children tickets rooms beds bedrooms bathrooms laps
    steps calories episodes chapters rounds innings wickets runs strokes shots birdies
    votes likes views downloads followers subscribers eggs chicks litter items packets
    faults handicap pulse systolic diastolic landings nights runtime gsm vintage minute
    placing adults tries assists saves fouls appearances caps leftovers rebounds steals
    turnovers tackles bags sacks boxes crates cartons bottles trays bales tins buckets
    drums""".split()  # "date, bags, amount": how many bags
)
NUMBER_WORDS = frozenset(
    """weight height length width depth distance temperature temp percentage percent ratio
    latitude longitude volume area speed pace kg kgs lbs pounds litres liters ml grams
    miles km kilometres kilometers metres meters feet inches mileage dose dosage ph
    moisture humidity rainfall yield bmi abv gravity size-cm elevation altitude
    hours""".split()  # "hours worked": 1.5 is an answer
)
BOOLEAN_WORDS = frozenset(
    """paid done active completed complete returned approved archived published vaccinated
    available verified confirmed attended signed finished delivered shipped cancelled
    canceled resolved closed open booked spayed neutered neutered chipped microchipped
    insured registered certified vegan vegetarian gluten-free favourite favorite read
    watched visited owned sold rented borrowed lent packed checked cleaned passed won
    sent received accepted rejected invited rsvped answered billed invoiced refunded
    reimbursed scheduled repaired fixed tested inspected urgent private public
    featured pinned starred flagged enabled disabled settled""".split()
)
DATE_WORDS = frozenset(
    """date day birthday birthdate deadline dob anniversary expiry expiration due since
    etd eta""".split()
)
TIME_WORDS = frozenset({"time"})
DATETIME_WORDS = frozenset({"datetime", "timestamp", "when"})
TEXT_WORDS = frozenset(
    """notes note description comments comment details instructions directions steps summary
    bio biography remarks feedback content body message story symptoms observations
    findings thoughts review reflections journal entry lyrics recipe method comments
    explanation diagnosis-notes treatment-notes minutes agenda plan done work""".split()
)
EMAIL_WORDS = frozenset({"email", "emails", "e-mail"})
URL_WORDS = frozenset({"url", "link", "website", "homepage", "site", "webpage", "web-page"})
PHONE_WORDS = frozenset({"phone", "mobile", "telephone", "cell", "cellphone", "tel", "landline"})
ENUM_WORDS = frozenset({"status", "stage", "severity", "priority"})
# Default choices for an enum word when the idea lists none.
DEFAULT_CHOICES = {
    "status": ["planned", "in progress", "done"],
    "stage": ["new", "in progress", "done"],
    "severity": ["low", "medium", "high", "critical"],
    "priority": ["low", "medium", "high"],
}
# "interest rate (10%)", "commission rate": a percentage, not money
_PERCENT_RATES = frozenset({"interest", "commission", "tax", "vat", "discount", "exchange"})
# "number" that is an identifier, not a count.
# "cell number", "contact number": a phone
_PHONE_BEFORE_NUMBER = frozenset(
    {"phone", "contact", "cell", "cellphone", "mobile", "telephone", "landline", "m-pesa", "mpesa"}
    | {"whatsapp", "cp"}  # "cp number": a cellphone's, in the Philippines
)
IDENTIFIER_BEFORE_NUMBER = frozenset(
    """phone serial account reference ref tracking license licence registration plate
    policy invoice order case ticket room table seat flight isbn part model membership
    id vat tax house unit lot booking confirmation member student employee badge
    jersey shirt bib card extension key sample job receipt batch certificate permit
    voucher microchip chip passport consumer bike vehicle container consignment shipment
    parcel tag file trailer""".split()
)


# "the cost in pounds": after a money word, pounds are the currency
_MONEY_UNITS = CURRENCIES | {"pounds"}


# "date ready", "date due": the date of a state, said after the word
_READY_WORDS = frozenset({"ready", "due", "complete", "finished", "free", "open", "closed", "live"})


@dataclass
class FieldDraft:
    """A field as the grammar found it, before it is typed and named."""

    words: list[str]
    type: str | None = None  # set when the grammar saw a cue (whether -> boolean)
    choices: list[str] = field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None
    position: int = 0

    @property
    def key(self) -> str:
        return "_".join(self.words)


# Plural field names that stay plural: a list kept as text, or a count ("hours").
KEEP_PLURAL = frozenset(
    """notes comments details instructions steps directions tags labels photos pictures
    images minutes hours seconds days weeks months years points goals assists stars reps sets
    calories allergies medications symptoms remarks observations findings ingredients
    skills interests hobbies keywords specs specifications measurements dimensions contents
    lyrics chords dues earnings winnings savings sales goods clothes species series news
    attempts copies guests players seats pages servings bedrooms kilos kilograms litres
    liters kilometres kilometers tonnes tons gallons pints miles takings leftovers
    rebounds fouls steals turnovers tackles saves""".split()
)


# A field named by its unit alone: "kilos", "litres", "km" (a measure, a number).
# "items added", "legs won": a plural noun and one of these is how many (not "keys
# returned", a yes/no, or "procedures done", a list)
COUNTED_PARTICIPLES = frozenset(
    """won lost added taken sold used bought scored caught collected played picked planted
    laid hatched delivered sent received booked attended poured served ordered missed
    saved obtained achieved earned gained loaded moulded made produced fired packed shipped
    printed cooked baked brewed harvested found cut felled rejected""".split()
)
MEASURE_HEADS = frozenset(
    """mhz khz ghz hz kg kgs km kms cm mm ml litres liters kilos kilograms kilometres
    kilometers tonnes tons gallons pints miles lbs hectares acres hectare acre""".split()
)


# Units a measurement is told in, a number with a fraction: "tide height in m",
# "canopy height in cm" (a decimal field takes a whole number too)
_MEASURED_IN = frozenset(
    "km miles kg kgs lbs litres liters l oz ounces kilos kilograms tonnes tons gallons pints"
    " kwh m metres meters cm furlongs yards acres hectares".split()
)


def infer_type(words: list[str], *, unit: str | None = None) -> str:
    """The spec type for a field named by ``words`` (lower-case, singular or plural)."""
    if len(words) == 1 and words[0].partition("-")[2] in ("in", "out"):
        # "bushels-in", "bags-out": how much came in or went out
        inner = infer_type([words[0].partition("-")[0]], unit=unit)
        return "number" if inner == "string" else inner
    if (
        len(words) >= 2
        and words[0] in ("last", "next", "previous")
        and (
            singular(words[-1]) in lx.EVENT_NOUNS
            or words[-1] in ("service", "serviced", "inspected", "check", "checked")
        )
    ):
        return "date"  # "last DOT inspection", "next service": when it was or will be
    if len(words) > 2 and words[1] == "of" and words[0] in ("date", "time"):
        return "date" if words[0] == "date" else "time"  # "date of first contact"
    if (
        len(words) > 2
        and words[0] == "date"
        and (words[-1].endswith("ed") or words[-1] in lx.IRREGULAR_VERBS)
    ):
        return "date"  # "date work started", "date brine filling started": when it did
    if len(words) == 2 and words[0] in ("date", "day") and words[1] in _READY_WORDS:
        return "date"  # "date ready", "date due", "date complete": when it was or will be
    if "per" in words[1:-1]:
        # "price per night", "rate per word": a money rate; "calls per day": a count
        per = words.index("per")
        before = infer_type(words[:per])
        if words[per - 1] == "rate":
            return "decimal"
        if before in ("decimal", "integer", "number"):
            return before
        if singular(words[per - 1]) != words[per - 1]:
            return "integer"
    head = words[-1]
    if len(words) > 1 and head in ("out", "back", "in", "off", "up", "on", "on-site", "off-site"):
        head = words[-2]  # "date out", "time back": typed by the noun before
    if head.partition("-")[2] in ("from", "to", "until", "till"):
        head = head.partition("-")[0]  # "date-from", "time-until": an end of a range, a date
    if len(words) > 1 and (
        head.endswith("ed")
        or head in lx.IRREGULAR_VERBS
        or head in ("paid", "done", "taken", "made", "sold", "bought", "built", "set", "put", "cut")
    ):
        if (
            words[-1] in COUNTED_PARTICIPLES
            and singular(words[-2]) != words[-2]
            and unit not in _MEASURED_IN  # "seedlings used (kg)": weighed, not counted
            and words[-2] not in MEASURE_HEADS  # "gallons collected": a measure
            and words[-2] not in ("problems", "issues")  # "problems found": described
        ):
            return "integer"  # "items added", "packets taken", "legs won": how many
        head = words[-2]  # "date joined", "year built", "number born": typed by the noun before
    one = singular(head)
    mods = set(words[:-1])
    if head in ("days", "weeks", "nights", "months") and head != words[-1]:
        return "integer"  # "days worked", "nights stayed": how many, not a date
    if head in MEASURE_HEADS or head.startswith("square-"):  # "square feet" too
        return "number" if head not in ("cm", "mm", "ml") else "integer"  # "frequency mhz"
    if mods & {"percent", "percentage"}:
        return "number"  # "percent cover": a share out of a hundred
    if head in PHONE_WORDS or (mods & _PHONE_BEFORE_NUMBER and head == "number"):
        return "phone"
    if head in EMAIL_WORDS or one in EMAIL_WORDS or (head == "address" and "email" in mods):
        return "email"
    if head == "site" and mods and not mods & {"web", "home"}:
        return "string"  # "launch site", "dive site": a place, not a web address
    if head in URL_WORDS or one in URL_WORDS or "url" in mods:
        return "url"
    if head in ("datetime", "timestamp") or (head == "time" and "date" in mods):
        return "datetime"
    if head == "date" and "time" in mods:
        return "datetime"
    if words in (["month"], ["week"]):
        return "date"  # "a sales record with the month, ...": which month, a day in it
    if head in DATE_WORDS or one in DATE_WORDS or head.endswith("-date") or head == "birth-date":
        return "date"
    if head in TIME_WORDS:
        return "time"
    if head in ENUM_WORDS:
        return "enum"
    if head == "rate" and mods & {"hourly", "daily", "nightly", "weekly", "monthly", "day"}:
        return "decimal"
    if head == "limit" and mods & {"credit", "spending", "overdraft", "borrowing"}:
        return "decimal"  # "the credit limit we allow them": money, not "the age limit"
    if head == "rate" and mods & _PERCENT_RATES:
        return "number"  # "interest rate": a percentage
    if (head in MONEY and head != "rate") or (one in MONEY and one != "rate"):
        return "decimal"
    if head == "number" and mods & IDENTIFIER_BEFORE_NUMBER:
        return "string"
    if head == "hours" or unit == "hours":
        return "number"  # "hours worked", "duration in hours": 1.5 is an answer
    if head in ("minutes", "days", "seconds") or unit in ("minutes", "days"):
        return "integer"
    if unit in _MEASURED_IN or (unit and unit.startswith("square")):
        return "number"
    if unit in ("mm", "ml", "g", "grams", "inches", "feet"):
        return "integer"
    if unit in ("degrees", "watts", "volts", "amps", "percent"):
        return "integer"
    if unit in (
        "mhz",
        "khz",
        "ghz",
        "hz",
        "kwh",
        "kva",
        "kw",
        "kilowatts",
        "mph",
        "kph",
        "knots",
        "psi",
        "ppm",
        "decibels",
    ):
        return "number"
    if unit in _MONEY_UNITS:
        return "decimal"
    if head in ("position", "placing", "place") and mods & {
        "finish",
        "finishing",
        "final",
        "overall",
    }:
        return "integer"  # "finish position": a place in a race, not where a thing stands
    if head == "size" and mods & {"group", "party", "team", "class", "household", "family", "crew"}:
        return "integer"  # "group size", "household size": how many people
    if head in ("rating", "score", "stars", "grade") and not mods & {"letter"}:
        return "integer"
    if head in INTEGER_WORDS or one in INTEGER_WORDS:
        return "integer"
    if head in NUMBER_WORDS or one in NUMBER_WORDS:
        return "number"
    if head in BOOLEAN_WORDS and not mods:
        return "boolean"
    if head in ("flag", "yes-no"):
        return "boolean"
    if head == "method" and mods:
        return "string"  # "payment method", "payout method": one of a few ways, not prose
    if head in TEXT_WORDS or one in TEXT_WORDS:
        return "text"
    if head in ("address",):
        return "string"
    return "string"


def field_name(draft: FieldDraft) -> list[str]:
    """The words of the field's name ("duration" + unit minutes -> duration_minutes)."""
    words = [w for w in draft.words if w not in ("flag", "yes-no")] or draft.words
    counted = any(  # "number of workers", "estimated number of workers"
        w in ("number", "count") and words[k + 1 : k + 2] == ["of"] and k + 2 < len(words)
        for k, w in enumerate(words)
    )
    either = "or" in words and bool(draft.choices)  # "indoors_or_outdoors": the two values
    # "how many visitors came": a count of visitors, named so (not "visitor")
    many = (
        draft.type == "integer" and words[-1] in INTEGER_WORDS and singular(words[-1]) != words[-1]
    )
    if words[-1] not in KEEP_PLURAL and not draft.unit and not counted and not either and not many:
        words = [*words[:-1], singular(words[-1])]  # "due dates" -> due_date
    if words[-1] in ("birth-date", "birth-year"):
        words = [*words[:-1], *words[-1].split("-")]
    if draft.unit and draft.unit not in words and draft.unit not in _MONEY_UNITS:
        words = [*words, *draft.unit.split("-")]
    return words
