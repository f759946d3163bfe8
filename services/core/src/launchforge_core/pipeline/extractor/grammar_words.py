"""Word sets the reader's rules turn on: the prepositions and verbs that tie one thing
to another, the nouns that are records of their own when plural, the words that
follow a field's name (quantities, units, participles) and the small words a
"whether ..." field's name leaves out.

The general word lists (tags, noun classes) are in ``lexicon``; these belong to the
grammar's rules.
"""

from __future__ import annotations

# Prepositions that tie a child to its parent: "visits of pets", "ingredients in recipes".
RELATION_PREPS = frozenset(
    {
        "of",
        "in",
        "for",
        "per",
        "by",
        "from",
        "off",
        "on",
        "at",
        "within",
        "under",
        "inside",
        "to",
        "into",
        "onto",
        "about",
        "through",
        "via",
    }
)
# Prepositions that tie two things only when the second is plural, "each" or known
# ("shifts at locations"); "at the community centre" is where, not a record.
WEAK_PREPS = frozenset(
    {
        "at",
        "on",
        "from",
        "off",
        "to",
        "into",
        "about",
        "under",
        "within",
        "inside",
        "through",
        "via",
    }
)
# Verbs (as participles or in "X belongs to Y") that tie a child to a parent.
RELATION_VERBS = frozenset(
    """assign belong link attach tie own write make book take create give send record log
    do hold run teach lead host organize organise manage play perform sell buy order
    place file raise submit leave post publish keep borrow rent lease lend loan use
    schedule plan store grow keep connect relate associate allocate sign-up-for sign-up
    attend join enroll enrol visit""".split()
)
# Verbs whose subject makes or owns its object: "customers place orders", "players score
# goals" (the object is the subject's). Others ("children borrow books") are events.
CREATING_VERBS = frozenset(
    """place make write create post submit file log record score raise breed grow own have
    keep manage run lead coach host organize organise publish upload send issue earn
    collect take""".split()
)
# What a person makes happen and then has ("a donor books an appointment", "clients
# place orders"): whatever the verb, each one is that person's.
PERSONAL_EVENTS = frozenset(
    """appointment booking reservation order purchase payment donation request claim
    application submission complaint enquiry inquiry referral""".split()
)
# Verbs whose subject is the child of the object: "routes belong to a wall", "jobs come
# from a client", "every item comes out of one donation bag".
CHILD_VERBS = frozenset({"belong", "live", "sit", "stay", "fit", "hang", "come"})
# Verbs whose subject owns the objects: "each recipe has ingredients".
HAVE_VERBS = frozenset({"have", "contain", "include", "hold", "own", "carry", "list"})
# Attribute nouns that name records of their own when plural ("categories", "rooms").
ENTITY_WHEN_PLURAL = frozenset(
    """contact room vehicle route episode season owner author artist company school employer
    venue location place category unit goal model brand genre publisher director source
    destination vessel opponent medication
    position class course stage event order invoice payment bill ticket subject teacher
    breed variety ingredient
    supplier vendor material producer region""".split()
)
# "min and max players", "start and end dates": the first word shares the second's head.
SHARED_HEAD_MODIFIERS = frozenset(
    """min max minimum maximum start end first last home away opening closing check-in
    check-out pickup drop-off arrival departure""".split()
)
# "when it was taken" -> taken_at; "when I started" -> start_date.
_DATE_VERBS = frozenset(
    """start end finish join buy purchase open close plant sow order move book hire adopt
    arrive leave return receive pay sign register enrol enroll expire""".split()
)
# Verbs by which people join things many-to-many ("volunteers who sign up for shifts").
JOINING_VERBS = frozenset(
    """sign-up-for sign-up register enrol enroll attend join take subscribe""".split()
)
# "bottles on hand", "copies in stock": a count of things, kept as a number.
QUANTITY_AFTER = frozenset({"on-hand", "in-stock", "left", "remaining", "available", "owned"})
# Currencies a money field may be said in: "the price in naira".
CURRENCIES = frozenset(
    """euros dollars gbp usd eur naira rupees pesos shillings rand yen yuan cedis kwacha
    ringgit baht dirhams kes ksh ngn inr php zar aud cad nzd""".split()
)
# Units that may follow a field: "frame size in cm", "duration in minutes".
UNITS = CURRENCIES | frozenset(
    """minutes minute hours hour days day seconds second weeks months years km kms miles
    kg kgs lbs pounds litres liters litre liter ml l grams g cm mm m metres meters inches
    feet ft oz ounces percent celsius fahrenheit kwh watts degrees
    mhz khz ghz hz volts amps kilos kilo kilograms kilometres kilometers tonnes tons
    gallons pints kva kw kilowatts mph kph knots psi ppm ppb decibels cc
    furlongs acres hectares
    square-metres square-meters square-feet""".split()
)
# Past participles that finish a field's name: "work done", "date joined".
_PARTICIPLE_ENDINGS = ("ed", "en")
_PARTICIPLES = frozenset(
    {"done", "made", "spent", "taken", "used", "won", "lost", "sold", "paid", "cut"}
)
# Words that tie "whether ..." or a bare participle to a boolean field.
_BOOL_SKIP = frozenset({"it", "they", "he", "she", "the", "a", "an", "was", "were", "is", "are"})
# "a rental ties a tenant to a unit": the subject is a record of both sides.
TYING_VERBS = frozenset({"tie", "link", "connect", "pair", "match"})
# Field words that stay fields even when counted one by one: "each date", "every name".
NEVER_COUNTED = frozenset("""time date day week month year name hour minute note notes""".split())
# Things named in the plural that are one thing: "which shoes I wore" is one pair.
PAIR_NOUNS = frozenset(
    """shoes boots trainers sneakers glasses spectacles trousers jeans pants shorts gloves
    skates skis goggles headphones scissors binoculars""".split()
)
# "every run down the hill", "each lap around the park": where a thing happens
WHERE_WORDS = frozenset(
    """down up along across around round over through past at on in into from""".split()
)

# "book a place on a course": the word for a share of the thing booked
PLACES_BOOKED = frozenset({"place", "spot", "slot", "seat", "space"})
