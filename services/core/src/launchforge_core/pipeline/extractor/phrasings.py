"""Ways people say a record's shape, rewritten to the plain wording the grammar reads.

"Each cure is in one barn and from one land: date loaded, ..." says what "Each cure is in
one barn and from one land and has date loaded, ..." says; "amount RM" what "amount (RM)"
says. Each rule is one regular-expression rewrite with an example of what it reads and
what it makes of it (``says`` -> ``reads``, checked by the tests), applied in order:
an earlier rule may make the words a later one reads. Regular expressions over the text,
like the rest of ``tokens.normalise``, and not a parser: the grammar after them reads
chunks, and these are wordings it would otherwise read as records or fields of their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from launchforge_core.pipeline.extractor.words import singular
from launchforge_core.pipeline.naming import plural

# A currency's sign and the word the grammar knows it by.
SIGN_CODES = {
    "$": "usd",
    "\u00a3": "gbp",
    "\u20ac": "eur",
    "\u20b9": "inr",
    "\u20a6": "ngn",
    "\u20b1": "php",
    "\u20b5": "cedis",
}
# Currency codes people write after a money word ("amount RM", "fee KSh"), by their
# letters: the code says the field is money, and is no part of its name
_CURRENCY_CODES = (
    "rm|ksh|kshs|rs|usd|gbp|eur|inr|ngn|php|zar|aud|cad|nzd|kes|ghs|tzs|ugx|myr|sgd|aed|sar|"
    "pkr|bdt|lkr|idr|thb|vnd|jmd|ttd|xof|xaf|zmw|mwk|etb|egp|mad|brl|mxn|cop|clp|pen|ars"
)
_MONEY_BEFORE_CODE = (
    "amount|price|cost|fee|fees|total|rent|deposit|balance|value|charge|salary|wage|wages|"
    "fare|paid|payment|budget|bill|tip|rate"
)
# Singular heading words that name records only in the plural ("Lots: lot no., ...",
# "Tapping days: date, ..."), as a heading of fields may still write them
_PLURAL_ONLY_HEADS = frozenset({"lot", "day", "night", "session", "week", "month", "log", "entry"})
# The ends of a range, and where one may stand as an item of a list
_RANGE_ENDS = r"(?:from|to|till|until)"
_LIST_ITEM_START = r"(^|[,:;(][ \t]*|\b(?:has|have|with|and|a|the)[ \t]+)"
_LIST_ITEM_END = r"(?=[ \t]*(?:[,;).]|and\b|or\b|$))"


@dataclass(frozen=True)
class Rewrite:
    """One wording and its plain form: ``says`` becomes ``reads``."""

    says: str
    reads: str
    pattern: re.Pattern[str]
    replace: str | Callable[[re.Match[str]], str]

    def __call__(self, text: str) -> str:
        return self.pattern.sub(self.replace, text)


def _rule(
    says: str,
    reads: str,
    pattern: str,
    replace: str | Callable[[re.Match[str]], str],
    flags: int = 0,
) -> Rewrite:
    return Rewrite(says, reads, re.compile(pattern, flags), replace)


def _plural_heading(m: re.Match[str]) -> str:
    words = m.group(2).split()
    last = words[-1]
    if last.lower() not in _PLURAL_ONLY_HEADS:
        return m.group(0)
    many = plural(last.lower())
    many = many.upper() if last.isupper() else many
    return m.group(1) + " ".join([*words[:-1], many]) + m.group(3)


def _label_before_each(m: re.Match[str]) -> str:
    if singular(m.group(3).lower()) == singular(m.group(4).lower()):
        return m.group(0)  # "Items: every item we tag gets ...": the items' own heading
    return f"{m.group(1)}{m.group(2)}. "


REWRITES: tuple[Rewrite, ...] = (
    # one example, in quotes, of what goes in the field (not its choices, which are
    # listed: 'like "a" or "b"'); in brackets it is a remark, which is read as one
    _rule(
        'package name like "Umrah Ekonomi 12 Hari", departure date',
        "package name, departure date",
        r"[ \t]*(\([ \t]*)?\blike[ \t]+\"[^\"\n]{1,60}\"(?![ \t]*(?:,[ \t]*\"|or\b|and[ \t]+\"|/))",
        lambda m: m.group(0) if m.group(1) else "",
        re.IGNORECASE,
    ),
    # a currency's sign after the field: money, as "price per kg (usd)" says it
    _rule(
        "price per kg US$ and date sold, entry fee \u00a3",
        "price per kg (usd) and date sold, entry fee (gbp)",
        r"(?<=[a-z])(?<!\bin)(?<!\bof)[ \t]+(?:US|NZ|AU|A|C|Z|HK|S)?"
        r"([$\u00a3\u20ac\u20b9\u20a6\u20b1])(?=[ \t]*(?:[,;)\n]|and\b|or\b|$))",
        lambda m: f" ({SIGN_CODES[m.group(1)]})",
    ),
    # a currency code after a money word: money (a bare "amount rm" would be a field
    # named so, holding text)
    _rule(
        "date, amount RM, fee KSh and receipt no.",
        "date, amount (RM), fee (KSh) and receipt no.",
        rf"(?i)\b({_MONEY_BEFORE_CODE})[ \t]+({_CURRENCY_CODES})\.?(?![\w.])"
        r"(?=[ \t]*(?:[,;)/\n]|and\b|or\b|$))",
        r"\1 (\2)",
    ),
    # a heading of fields in the singular whose word names records only in the plural
    # (a lone "lot" or "day" is a word of amount or time)
    _rule(
        "TAPPING DAY: date, lot, tapper",
        "TAPPING DAYS: date, lot, tapper",
        r"(?m)^([ \t]*(?:[-*\u2022][ \t]+)?)([A-Za-z]+(?:[ \t]+[A-Za-z]+)?)"
        r"([ \t]*:[ \t]*(?=[^\n]*,))",
        _plural_heading,
    ),
    # what is noted each time, said short
    _rule(
        "every time we fill one, the date, crop and bushels in",
        "every time we fill one we note the date, crop and bushels in",
        r"(?i)\b((?:every|each)[ \t]+time|whenever)[ \t]+(we|i)[ \t]+([a-z]+)[ \t]+(one|it)"
        r"[ \t]*[,:-]?[ \t]+(?=the[ \t]+[a-z-]+(?:[ \t]+[a-z-]+)?[ \t]*,)",
        r"\1 \2 \3 \4 \2 note ",
    ),
    # how much came in or went out, one field (not a preposition)
    _rule(
        "date, bushels in, bags out",
        "date, bushels-in, bags-out",
        r"(?im)((?:^|[,:;(]|\band\b)[ \t]*(?:and[ \t]+)?)([a-z]+s)[ \t]+(in|out)\b"
        r"(?=[ \t]*(?:[,;).]|and\b|or\b|$))",
        r"\1\2-\3",
    ),
    # how they are kept, said before their details, names no record
    _rule(
        "We have foster carers, recorded by household: household name",
        "We have foster carers: household name",
        r"(?i),?[ \t]+(?:recorded|kept|listed|filed|stored|tracked|grouped|registered)[ \t]+"
        r"(?:by|per|under)[ \t]+(?:the[ \t]+)?[a-z-]+(?=[ \t]*:)",
        "",
    ),
    # the two ends of a range, each one field, as an item of a list ("raised to date," is
    # how much so far, and "the date from the form" reads as it is)
    _rule(
        "has from date, to date, amount",
        "has from-date, to-date, amount",
        rf"(?im){_LIST_ITEM_START}({_RANGE_ENDS})[ \t]+(date|time)\b{_LIST_ITEM_END}",
        r"\1\2-\3",
    ),
    _rule(
        "has date from, date to and a room",
        "has date-from, date-to and a room",
        rf"(?im){_LIST_ITEM_START}(date|time)[ \t]+({_RANGE_ENDS})\b{_LIST_ITEM_END}",
        r"\1\2-\3",
    ),
    # a label before a sentence that says itself what each record has, no heading
    _rule(
        "Requirement is: every member has member code",
        "Requirement is. every member has member code",
        r"(?im)(^|[.!?][ \t]+)((?:[a-z][\w'-]*[ \t]+){0,3}([a-z][\w'-]*))[ \t]*:[ \t]*"
        r"(?=(?:for[ \t]+)?(?:each|every)[ \t]+(?!(?:has|have|one|of|day|week|month|year|time)\b)"
        r"([a-z-]+)(?:[ \t]+[a-z-]+)?[ \t]+(?:has|have|gets|needs|we)\b)",
        _label_before_each,
    ),
    # a record of two kept things, then its own details
    _rule(
        "A booking is one couple and one car: date, pick up time",
        "Each booking is for one couple and one car and has date, pick up time",
        r"(?im)(^|[.!?][ \t]+)(?:a|an|each|every)[ \t]+([a-z-]+)[ \t]+is[ \t]+(?:for[ \t]+)?"
        r"(one[ \t]+[a-z-]+(?:[ \t]+[a-z-]+)?[ \t]+and[ \t]+one[ \t]+[a-z-]+(?:[ \t]+[a-z-]+)?)"
        r"[ \t]*(?::|[ \t]-)[ \t]+(?=[^.\n]{1,40},)",
        r"\1Each \2 is for \3 and has ",
    ),
    # where each one belongs, then what it has
    _rule(
        "Each cure is in one barn and from one land: date loaded, date unloaded",
        "Each cure is in one barn and from one land and has date loaded, date unloaded",
        r"(?im)(^|[.!?][ \t]+)((?:each|every)[ \t]+[a-z-]+[ \t]+(?:is|goes|belongs)[ \t]+"
        r"(?:in|at|on|for|from|to|with|under)[ \t]+(?:one|a|an)[ \t]+[^.:;\n]{2,80}?)"
        r"[ \t]*(?::|[ \t]-)[ \t]+(?=[^.\n]{1,40},)",
        r"\1\2 and has ",
    ),
    # what is recorded (the first verb is what is done, and "record" no record)
    _rule(
        "for each nut delivery we weigh and record the date",
        "for each nut delivery we record the date",
        r"(?i)\b(we|i)[ \t]+(?!(?:also|then|just|only|always|usually|often)\b)[a-z]+[ \t]+and[ \t]+"
        r"(record|note|log|write down|keep|enter|track)\b(?=[ \t]+(?:the|their|its|his|her)\b)",
        r"\1 \2",
    ),
    # record-keeping, the app itself (not "keep records of the cows", nor "records: ...")
    _rule(
        "they want us to keep proper records so we can apply",
        "they want us to keep track so we can apply",
        r"(?i)\b(keep|keeping|kept|maintain|maintaining)[ \t]+(?:(?:proper|good|better|accurate|"
        r"decent|basic|clear|tidy|our|the|all|some)[ \t]+)?records\b"
        r"(?![ \t]*(?:of|for|on|about|like|[:(-]))",
        r"\1 track",
    ),
    # when, no season kept
    _rule(
        "In picking season the women bring nuts",
        "the women bring nuts",
        r"(?im)(^|[.!?][ \t]+)(?:in|during)[ \t]+(?:the[ \t]+)?(?:[a-z]+[ \t]+)?"
        r"(season|off-season|summer|winter|spring|autumn|fall)\b,?[ \t]*(?=[a-z])",
        lambda m: m.group(1),
    ),
    # the things, by the name the writer uses
    _rule(
        "We have 14 greenhouses which we call blocks.",
        "We have 14 blocks.",
        r"(?i)\b[a-z-]+[ \t]+(?:which|that)[ \t]+(?:we|they|i|everyone)[ \t]+(?:call|name)[ \t]+"
        r"([a-z-]+)\b",
        r"\1",
    ),
    # a date with its time, as "(date and time)" says it
    _rule(
        "the arrival (date and hour)",
        "the arrival (date and time)",
        r"(?i)(\([ \t]*date[ \t]*(?:and|/|,)[ \t]*)hour([ \t]*\))",
        r"\1time\2",
    ),
    # the field may be empty, no more
    _rule(
        "the tracking code if it has, size, a photo if any.",
        "the tracking code, size, a photo.",
        r"(?i)[ \t]+if[ \t]+(?:it|they|there|she|he)[ \t]+(?:has|have|is|are)(?:[ \t]+(?:one|any))?"
        r"(?=[ \t]*(?:[,;.)]|and\b|$))|[ \t]+if[ \t]+any(?=[ \t]*(?:[,;.)]|and\b|$))",
        "",
    ),
    # who the figures are for
    _rule(
        "For the assembleia I want to show how many packages arrive",
        "I want to show how many packages arrive",
        r"(?i)\bfor[ \t]+(?:the|our|my)[ \t]+[a-z-]+(?:[ \t]+[a-z-]+)?,?[ \t]+(?=(?:i|we)[ \t]+"
        r"(?:want|need|would[ \t]+like|'d[ \t]+like)[ \t]+to[ \t]+"
        r"(?:show|see|know|report|present)\b)",
        "",
    ),
    # on one shipment, its parent (as "one" says it)
    _rule(
        "and each box goes on a shipment.",
        "and each box goes on one shipment.",
        r"(?im)\b((?:each|every)[ \t]+[a-z-]+[ \t]+(?:goes|(?:is|gets)[ \t]+(?:put|packed|loaded))"
        r"[ \t]+(?:on|in|into|onto))[ \t]+an?[ \t]+(?=[a-z-]+[ \t]*(?:[.,;]|$))",
        r"\1 one ",
    ),
    # each flight belongs to a swing
    _rule(
        "Then flights hang off the swing: date",
        "Then flights belong to the swing: date",
        r"(?i)\b(?:hang|hangs|sit|sits)[ \t]+(?:off|from|under)[ \t]+(the|a|an|each|every|one)\b",
        r"belong to \1",
    ),
    # how much was used, told in kilos (no seedling record; "diesel used in litres" reads
    # as it is)
    _rule(
        "lines planted, seedlings used in kg and the variety",
        "lines planted, seedlings used (kg) and the variety",
        r"(?i)\b([a-z]+s[ \t]+(?:used|taken|sold|bought|collected|harvested|planted|given|fed|"
        r"applied|added|delivered|produced))[ \t]+in[ \t]+(kg|kgs|kilos|litres|liters|tonnes|tons|"
        r"grams|lbs|pounds|bags|sacks|crates|boxes)\b",
        r"\1 (\2)",
    ),
    # the cars named by example, in brackets after how many there are: no details of theirs
    _rule(
        "we've got 5 cars (two Rolls Royce Phantoms, a Bentley and a 1960s Jag). For",
        "we've got 5 cars. For",
        r"(?i)(\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twelve|a few|several)"
        r"[ \t]+[a-z-]+s)[ \t]*\((?=[^()\n]*,)(?=(?:an?|one|two|three|four|five)[ \t])[^()\n]*\)",
        r"\1",
    ),
    # the field, and where it goes said after it (its values follow in brackets)
    _rule(
        "the market it's going to (EU, UK, local)",
        "the market (EU, UK, local)",
        r"(?i)(?<=[a-z])[ \t]+(?:it's|it[ \t]+is|they're|they[ \t]+are|it[ \t]+goes|they[ \t]+go)"
        r"(?:[ \t]+going)?[ \t]+(?:to|for|in|from|at|on|into)(?=[ \t]*\()",
        "",
    ),
    # how the writer feels, no record: "it's a miracle we've never double booked a car"
    _rule(
        "honestly it's a miracle we've never double booked a car.",
        "honestly we've never double booked a car.",
        r"(?i)\bit(?:'s|[ \t]+is)[ \t]+a[ \t]+(?:miracle|wonder|shame|pity|nightmare|joke|mess)"
        r"(?:[ \t]+that)?[ \t]+",
        "",
    ),
    # a record of the animal's, with those details
    _rule(
        "each animal gets a fair result: the class, its placing, the sale price",
        "each fair result is for one animal and has the class, its placing, the sale price",
        r"(?i)\b(?:each|every)[ \t]+([a-z-]+)[ \t]+gets[ \t]+(?:a|an|one)[ \t]+"
        r"([a-z-]+(?:[ \t]+[a-z-]+)?)[ \t]*:[ \t]*(?=[^.\n]{1,60},)",
        r"each \2 is for one \1 and has ",
    ),
    # when, no night kept
    _rule(
        "We also take breakfast orders the night before - for a booking",
        "We also take breakfast orders - for a booking",
        r"(?i)[ \t]+the[ \t]+(?:night|day|week|morning|evening)[ \t]+(?:before|after)\b"
        r"(?=[ \t]*[-:,.;])",
        "",
    ),
    # one name, not a week and a verb
    _rule(
        "the week commencing date, week ending",
        "the week-commencing date, week-ending",
        r"(?i)\b(week|month)[ \t]+(commencing|beginning|ending|starting)\b",
        r"\1-\2",
    ),
    # a yes/no
    _rule(
        "quality training (done or not)",
        "quality training (yes/no)",
        r"(?i)\([ \t]*(?:done|yes|paid|true|given|passed|attended)[ \t]+or[ \t]+(?:not|no)[ \t]*\)",
        "(yes/no)",
    ),
    # the batches are what is kept
    _rule(
        "The butter is made in batches: batch no., date",
        "Batches: batch no., date",
        r"(?im)(^|[.!?][ \t]+)(?:the|our|all the)[ \t]+[a-z-]+(?:[ \t]+[a-z-]+)?"
        r"[ \t]+(?:is|are)[ \t]+"
        r"(?:made|produced|brewed|cooked|baked|processed|packed|roasted|dyed|fired|bottled|mixed)"
        r"[ \t]+in[ \t]+(batches|lots|runs|rounds|loads)[ \t]*(?=:|[ \t]-[ \t])",
        lambda m: f"{m.group(1)}{m.group(2).capitalize()}",
    ),
    # the record's other name, a gloss
    _rule(
        "Each departure (one group) has package name",
        "Each departure has package name",
        r"(?i)\b((?:each|every)[ \t]+[a-z-]+(?:[ \t]+[a-z-]+)?)[ \t]*\([^()\n]{1,30}\)"
        r"(?=[ \t]+(?:has|have|gets|needs|comes with|belongs|is|goes|joins|lives)\b)",
        r"\1",
    ),
    # each registers, giving those details
    _rule(
        "Jemaah register with name, IC no., phone",
        "Jemaah: name, IC no., phone",
        r"(?m)(^|[.!?][ \t]+)(?!(?:we|i|you|they|people|everyone|everybody)\b)"
        r"([A-Za-z][a-z-]*(?:[ \t]+[a-z-]+)?)[ \t]+registers?[ \t]+with[ \t]+"
        r"(?!(?:us|me|the|a|an)\b)",
        r"\1\2: ",
    ),
)


def rewrite_phrasings(text: str) -> str:
    """``text`` with every rule of ``REWRITES`` applied, in order."""
    for rule in REWRITES:
        text = rule(text)
    return text
