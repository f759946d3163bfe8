"""Attribute lists: ``species, birth date and whether they were neutered``.

Each item is a field of the owner (its words, and the cues after it: a range, listed
values, a unit, yes/no); ``whether ...``, ``when ...``, ``how long/often/many ...``
and ``which X`` name fields of their own; plural things in the list are children.
"""

from __future__ import annotations

from launchforge_core.pipeline.extractor import lexicon as lx
from launchforge_core.pipeline.extractor.base import ReaderBase
from launchforge_core.pipeline.extractor.chunks import NP, Chunk, token_text
from launchforge_core.pipeline.extractor.events import NOTING_VERBS
from launchforge_core.pipeline.extractor.fields import (
    BOOLEAN_WORDS,
    COUNTED_PARTICIPLES,
    MONEY,
    FieldDraft,
    infer_type,
)
from launchforge_core.pipeline.extractor.grammar_words import (
    _BOOL_SKIP,
    _DATE_VERBS,
    CURRENCIES,
    PAIR_NOUNS,
    QUANTITY_AFTER,
    SHARED_HEAD_MODIFIERS,
    UNITS,
    WHERE_WORDS,
)
from launchforge_core.pipeline.extractor.roles import entity_words, np_role
from launchforge_core.pipeline.extractor.tokens import Token
from launchforge_core.pipeline.extractor.words import is_person, singular

# Plural nouns that, among a thing's details, say how many: "servings", "bedrooms".
COUNTED_PLURALS = frozenset(
    """servings portions seats pages bedrooms bathrooms berths copies attempts reps laps
    calories points spots places""".split()
)
# Verbs too light to name a date by: "the date it went out", "the date it was set up"
_LIGHT_VERBS = frozenset({"go", "come", "get", "set", "put", "add", "make", "do", "take", "be"})
# Words that start the reason of a yes/no field: "whether it got cancelled because of rain"
_REASONS = frozenset({"because", "since", "due", "as", "so", "if", "when", "after", "until"})
# Fields that can be told in things counted: "the capacity in eggs", "size in people"
_COUNTED_IN = frozenset({"capacity", "size", "quantity", "amount", "count", "total"})
# Words in brackets after a field that make its values examples, not all there are
_OPEN_ENDED = frozenset(
    """mostly usually mainly typically generally normally often sometimes including like
    anything whatever etc others""".split()
)
# The endings of past participles: "whether it was sent or received", "shaken or stirred".
_PARTICIPLE_ENDS = ("ed", "en", "nt", "wn", "ld", "ne", "ght")
# "date of purchase", "type of work": the head and what follows "of" name one field.
OF_FIELD_HEADS = frozenset(("number", "date", "name", "time", "amount", "place", "type", "level"))
# "number of seasons", "count of puppies": a count of things, even of things that are
# records elsewhere, so one integer field and not a child entity.
COUNT_HEADS = frozenset(("number", "count", "amount", "total"))
_MEASURE_OF_HEADS = frozenset(("quantity", "amount", "weight", "volume"))
# What goods come in, counted: "bags of flour", "crates of eggs"
_PACKS = frozenset(
    "bag sack box crate bottle carton tin can bucket tray bale drum jerrycan pallet".split()
)
# What is charged for each of a thing: "rate per container", "fee per pupil"
_RATE_HEADS = frozenset(("rate", "price", "fee", "charge", "tariff"))
# Words for the way something is done, prose alone but one of a few when the few are told
_WAYS = frozenset(("method", "mode", "style", "tier", "plan"))


def _bracketed(cs: list[Chunk], i: int) -> list[str]:
    """The words of a bracket opened before ``i``, up to its ")"."""
    inner: list[str] = []
    for c in cs[i:]:
        if isinstance(c, Token) and c.text == ")":
            break
        inner.append(c.text)
    return inner


# "how bad it was", "how far we went", "how I felt": the quality asked about, by its
# noun (the field a person would name for it)
HOW_NAMES = {
    "bad": "severity",
    "serious": "severity",
    "severe": "severity",
    "far": "distance",
    "old": "age",
    "big": "size",
    "large": "size",
    "heavy": "weight",
    "tall": "height",
    "high": "height",
    "deep": "depth",
    "hot": "temperature",
    "warm": "temperature",
    "cold": "temperature",
    "fast": "speed",
    "hard": "difficulty",
    "difficult": "difficulty",
    "busy": "busyness",
    "full": "fullness",
    "spicy": "heat",
    "feel": "feeling",
    "felt": "feeling",
    "paid": "payment method",  # "how they paid (cash, card or bank transfer)"
    "pay": "payment method",
    "pays": "payment method",
}
# "what they paid", "what I charged": an amount of money.
WHAT_MONEY_VERBS = frozenset({"pay", "charge", "spend", "cost", "earn", "owe", "bill"})


def _participle_of(text: str, base: str) -> str:
    """The participle that names a field told as a clause: "what we practiced",
    "whether the deposit was paid", "whether we gave him antihistamine" (given)."""
    if text.endswith("ed"):
        return text
    if base in _IRREGULAR_PARTICIPLES:
        return _IRREGULAR_PARTICIPLES[base]
    forms = [form for form, of in lx.IRREGULAR_VERBS.items() if of == base and form != base]
    if forms:  # "threw" -> thrown, "crept" -> crept: the participle the word lists know
        return next((form for form in forms if form.endswith("n")), forms[0])
    if base.endswith("e"):
        return f"{base}d"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return f"{base[:-1]}ied"
    return f"{base}ed"


# "where I went", "where we drove to": the place a trip ends; "where I started from"
_GOING = frozenset({"go", "drive", "travel", "head", "fly", "ride", "walk", "deliver"})
_SETTING_OUT = frozenset({"start", "leave", "set-off", "depart", "begin"})
# "where we placed", "where she finished": a place in a ranking, a number
_PLACING = frozenset({"place", "finish", "rank"})
# "the date their medical expires" -> expiry: the noun of what happens on a date
_EVENT_NOUNS = {
    "expire": "expiry",
    "renew": "renewal",
    "arrive": "arrival",
    "depart": "departure",
    "deliver": "delivery",
    "close": "closing",
    "open": "opening",
}
# Words after a verb that finish it, not what it is done to: "taken away", "sent back"
_PARTICLE_NOUNS = frozenset({"away", "back", "out", "up", "off", "home", "down", "over"})
_IRREGULAR_PARTICIPLES = {
    "cost": "cost",
    "ate": "eaten",  # "what he ate", where "ate" is no verb the word lists know
    "go": "gone",
    "come": "come",
    "drink": "drunk",
    "drank": "drunk",
    "think": "thought",
    "feel": "felt",
    "sleep": "slept",
    "hold": "held",
    "keep": "kept",
    "meet": "met",
    "hear": "heard",
    "teach": "taught",
    "leave": "left",
    "break": "broken",
    "speak": "spoken",
    "show": "shown",
    "tell": "told",
    "ride": "ridden",
    "eat": "eaten",
    "wear": "worn",
    "give": "given",
    "take": "taken",
    "pay": "paid",
    "sell": "sold",
    "buy": "bought",
    "send": "sent",
    "bring": "brought",
    "write": "written",
    "do": "done",
    "see": "seen",
    "make": "made",
    "get": "got",
    "find": "found",
    "build": "built",
    "feed": "fed",
    "lend": "lent",
    "spend": "spent",
    "win": "won",
    "lose": "lost",
    "choose": "chosen",
    "drive": "driven",
    "run": "run",
    "set": "set",
    "put": "put",
}


# "win percent per roster", "attendance count per class": a measure asked for per thing
_MEASURE_HEADS = frozenset({"percent", "percentage", "count", "average", "total"})


# "area of law", "type of work", "date of first contact": a field named by an aspect
# and what it is of
ASPECT_HEADS = frozenset(
    """area type kind sort class grade level method mode style form category field date time
    place source reason cause""".split()
)


# What a field is, said in brackets after its name in a list of details
_TYPE_HINTS = {
    "date": "date",
    "time": "time",
    "free text": "text",
    "long text": "text",
    "text": "text",
    "notes": "text",
    "number": "integer",
    "whole number": "integer",
    "quantity": "integer",  # "bricks moulded (qty)": how many
    "count": "integer",
    "decimal": "number",
    "gbp": "decimal",  # "quote (£)": an amount of money
    "eur": "decimal",
    "usd": "decimal",
}


def _said_date_and_time(cs: list[Chunk], i: int) -> bool:
    """``(date and time)`` at ``i`` (the notes' "(date/time)" reads so): one instant."""
    return [c.text for c in cs[i : i + 5]] == ["(", "date", "and", "time", ")"]


# Units a count is whole in: "how many minutes late" is 12, "how many kg" may be 2.5
_WHOLE_UNITS = frozenset({"minutes", "minute", "days", "day", "weeks", "months", "years"})
# "the max number of couples", "an estimated number of workers": a count, so qualified
_HOW_MANY_WORDS = frozenset(
    {"max", "maximum", "min", "minimum", "estimated", "approximate", "expected", "total"}
)
# "the stop code off the little sign": where a field's value is found, a remark on it
_WHERE_FOUND = frozenset({"off", "from", "on", "at", "in", "inside", "under", "near"})


class FieldReader(ReaderBase):
    # --- fields -------------------------------------------------------------------------

    def read_fields(
        self,
        cs: list[Chunk],
        i: int,
        owner: str | None,
        *,
        closer: str | None,
        heading_items: bool = False,
    ) -> int:
        """A list of attributes of ``owner``; plural things in it are its children.

        ``heading_items``: the items of a "Heading: a, b, c" line, where a plural item
        that is no list of its own is the heading's field ("qualifications")."""
        if closer == ")" and self._aside(cs, i):
            return self._skip_parens(cs, i)
        if closer == ")" and self._examples(cs, i):
            kinds = [c.singular for c in cs[i:] if isinstance(c, NP)]
            if owner:
                self.r.kinds.setdefault(owner, kinds)
            return self._skip_parens(cs, i)
        after_and = False
        after_comma = False
        fields_read = 0
        while i < len(cs):
            c = cs[i]
            choice = self._either_item(cs, i, closer)
            if choice is not None:
                words, j = choice  # "..., temporary or permanent": one field, one of two
                name = [words[0], "or", words[1]]
                self.add_field(owner, FieldDraft(name, type="enum", choices=words, position=i))
                i = j
                fields_read += 1
                continue
            if isinstance(c, Token):
                if closer and c.text == closer:
                    return i + 1
                if c.text in (",", "/"):
                    i += 1
                    after_and = c.text == "," and after_and
                    after_comma = c.text == ","
                    continue
                if c.text in ("and", "or", "plus"):
                    i += 1
                    after_and = True
                    continue
                if c.tag == "DET" or c.text in ("also", "maybe", "optionally", "any"):
                    i += 1
                    continue
                if (
                    after_and
                    and c.tag == "VERB"
                    and self._base(c.text) in NOTING_VERBS
                    and i + 1 < len(cs)
                    and isinstance(cs[i + 1], NP)
                    and self.role(cs[i + 1]) in ("attribute", "period")
                ):
                    i += 1  # "I note whether it's dated and add the year of ...": more of it
                    continue
                words = [t.text if isinstance(t, Token) else "" for t in cs[i : i + 4]]
                if words[:2] == ["rather", "than"] or words[:2] == ["instead", "of"]:
                    # "a code rather than their name (for anonymity), their year of birth"
                    i += 3
                    if i < len(cs) and isinstance(cs[i], Token) and cs[i].text == "(":
                        i = self._skip_parens(cs, i)
                    continue
                if (
                    words[:1] == ["if"]
                    and words[1:2] in (["they"], ["it"], ["he"], ["she"])
                    and words[2:3] in (["have"], ["has"])
                    and words[3:4] in (["one"], ["any"])
                ):
                    i += 4  # "their organisation if they have one": the field may be empty
                    continue
                if (
                    c.text in ("if", "where")
                    and fields_read
                    and i + 1 < len(cs)
                    and cs[i + 1].text in ("known", "any", "applicable", "available", "relevant")
                ):
                    i += 2  # "birth year if known": the field may be empty
                    continue
                if c.text in ("whether", "if"):
                    i = self._whether(cs, i + 1, owner, closer)
                    continue
                by = i + 2 if token_text(cs, i + 1) in ("up", "out", "off") else i + 1
                who = cs[by + 2] if token_text(cs, by + 1) == "(" and by + 2 < len(cs) else None
                if (
                    c.tag in ("VERB", "ADJ")  # "frozen by": an adjective's word too
                    and (c.text.endswith("ed") or c.text in lx.IRREGULAR_VERBS)
                    and token_text(cs, i - 1) in (",", "and", ":")  # an item of its own
                    and token_text(cs, by) == "by"
                    and (token_text(cs, by + 1) in ("(", "and", ",") or by + 1 >= len(cs))
                    # "attended by (health worker)": who, a record of theirs (read elsewhere)
                    and not (isinstance(who, NP) and self.role(who) == "entity")
                ):
                    # "made up by and checked by (initials for both)": who did it, a field
                    words = [t.text for t in cs[i : by + 1] if isinstance(t, Token)]
                    self.add_field(owner, FieldDraft(words, type="string", position=i))
                    i = by + 1
                    fields_read += 1
                    continue
                flagged = self._yes_no_item(cs, i, closer)
                if flagged is not None:
                    # "went well y/n", "in range y/n": a yes/no so named
                    self.add_field(owner, FieldDraft(flagged[0], type="boolean", position=i))
                    i = flagged[1]
                    fields_read += 1
                    continue
                if c.text == "because" and fields_read:
                    # "expiry date because you have to bin mascara every 3 months": why
                    while i < len(cs) and not (
                        isinstance(cs[i], Token) and cs[i].text in (";", ")", closer)
                    ):
                        i += 1
                    continue
                pron = cs[i + 1] if i + 1 < len(cs) else None
                word = cs[i + 2] if i + 2 < len(cs) else None
                if (
                    c.tag == "AUX"
                    and self._base(c.text) == "be"
                    and isinstance(pron, Token)
                    and pron.text in ("it", "they")
                    and isinstance(word, Token)
                    and word.tag in ("VERB", "ADJ")
                ):
                    # "is it paid or not"
                    self.add_field(owner, FieldDraft([word.text], type="boolean", position=i))
                    i = self._skip_clause(cs, i + 3, closer)
                    continue
                if (
                    c.text in ("how", "where")
                    and token_text(cs, i + 1) == "("
                    and self._choice_list_ahead(cs, i + 2)
                ):
                    # "whether we won, how (pin, tech fall or forfeit)", "where (home, office
                    # or outside)": the way, or the place, one of those
                    choices, j = self._choices(cs, i + 2, closer=")")
                    if len(choices) >= 2:
                        field = "how" if c.text == "how" else "location"
                        self.add_field(
                            owner, FieldDraft([field], type="enum", choices=choices, position=i)
                        )
                        i = j
                        continue
                if c.text == "when" or c.text == "where":
                    i = self._when(cs, i, owner, closer)
                    continue
                if c.text in ("which", "what") and i + 1 < len(cs) and isinstance(cs[i + 1], NP):
                    ref = cs[i + 1]
                    assert isinstance(ref, NP)
                    after_ref = cs[i + 2] if i + 2 < len(cs) else None
                    if (
                        ref.plural
                        and isinstance(after_ref, Token)
                        and (
                            after_ref.tag == "VERB"
                            or (owner and c.text == "which" and after_ref.tag == "AUX")
                        )
                    ):
                        links = len(self.r.links)
                        j = self._which_go_in(cs, i + 1)  # "which songs go in each setlist"
                        if (
                            len(self.r.links) == links
                            and owner
                            and c.text == "which"
                            and self.role(ref) == "entity"
                            and ref.head not in PAIR_NOUNS
                        ):
                            # "for each walk we pick which alpacas go out", "for each match
                            # I note which players were in the squad": many of them, each
                            # in many of these
                            member = self.entity(ref, strength=2)
                            if member and member != owner and (owner, member) not in self.r.links:
                                self.r.links.append((owner, member))
                            j = self._skip_clause(cs, i + 2, closer)
                        i = j
                        continue
                    if (
                        owner
                        and ref.plural
                        and isinstance(after_ref, Token)
                        and after_ref.text in ("we", "i", "they")
                        and self.role(ref) == "entity"
                        and ref.head not in PAIR_NOUNS  # "which shoes I wore": one pair
                    ):
                        # "for each display we plan which products we're firing": many
                        member = self.entity(ref, strength=2)
                        if member and member != owner and (owner, member) not in self.r.links:
                            self.r.links.append((owner, member))
                        i = self._skip_clause(cs, i + 2, closer)
                        if member and member != owner and self._how_many_next(cs, i):
                            # "which parts we used, the quantity and the price charged
                            # each": how many of each, and the rest, are the pair's
                            i = self._pair_fields(cs, i + 1, member, owner)
                        continue
                    # "which artist": a reference, made a relation once artists are known
                    draft = FieldDraft([*ref.mods, ref.singular], position=i)  # "which CR"
                    self.add_field(owner, draft)
                    second = cs[i + 3] if i + 3 < len(cs) else None
                    if (
                        isinstance(after_ref, Token)
                        and after_ref.tag in ("VERB", "PREP")
                        and isinstance(second, Token)
                        and second.text == "which"
                    ):
                        # "which player entered which tournament", "which umpire on which
                        # match": both references
                        i += 3
                        continue
                    # "what instrument (piano or guitar)"; "which truck we used - trucks
                    # just need ...": the dash ends it
                    i = self._item_choices(cs, i + 2, (",", "and", "(", "-", ";", closer), draft)
                    continue
                if c.text == "how-often":
                    draft = FieldDraft(["frequency"], position=i)
                    # "how often (daily, weekly or monthly)"
                    j = self._item_choices(cs, i + 1, (",", "and", "(", closer), draft)
                    self.add_field(owner, draft)
                    i = j
                    continue
                if c.text == "how":
                    told = self._how_it_was(cs, i, owner, closer)
                    if told is not None:  # "how bad it was on a scale of 1 to 5"
                        i = told
                        continue
                if c.text == "how-long":
                    draft = FieldDraft(["length"], type="integer", position=i)
                    j = i + 1
                    while j < len(cs) and not (
                        isinstance(cs[j], Token) and cs[j].text in (",", "and", closer)
                    ):
                        unit = cs[j]
                        if isinstance(unit, NP) and unit.head in UNITS:
                            draft.unit = unit.head  # "how long it was in minutes"
                        j += 1
                    self.add_field(owner, draft)
                    i = j
                    continue
                following = cs[i + 1] if i + 1 < len(cs) else None
                if c.tag == "PREP" and isinstance(following, Token) and following.tag == "WH":
                    i = self._skip_clause(cs, i + 1, closer)  # "notes on what we covered"
                    continue
                each = self._each_kept(cs, i + 1) if c.text == "for" and fields_read else None
                parents, j = [], i
                while each is not None:
                    parents.append(each)
                    j += 2
                    each = (
                        self._each_kept(cs, j + 1)
                        if token_text(cs, j) in ("on", "in", "at", "per", "and")
                        else None
                    )
                if (
                    owner is not None
                    and parents
                    and owner not in parents
                    and (token_text(cs, j) in (None, ".", ";", closer))
                ):
                    # "Slots: role, hours worked, for each interpreter on each assignment":
                    # one of each of those, said last ("for every site, its name": the site's
                    # own details follow, read as such)
                    for parent in parents:
                        self.relation(owner, parent)
                    i = j
                    continue
                if (
                    c.text == "for"
                    and fields_read
                    and isinstance(following, NP)
                    and not following.det
                    and not (following.plural or following.adjs)
                    and self._known_key(following) is None
                    and self._ends_item(cs, i + 2, closer)
                ):
                    i += 2  # "a postcode for parking, and ...": what the field is for
                    continue
                told_when = (
                    c.tag == "VERB"
                    and self._participle(c.text)
                    and i + 1 < len(cs)
                    and isinstance(cs[i + 1], Token)
                    and cs[i + 1].text in ("at", "on")
                )
                said = _said_date_and_time(cs, i + 2)  # "reported on (date/time)"
                if told_when and (said or self._ends_item(cs, i + 2, closer)):
                    kind = "datetime" if cs[i + 1].text == "at" or said else "date"
                    words = [c.text, cs[i + 1].text]
                    self.add_field(owner, FieldDraft(words, type=kind, position=i))
                    i += 7 if said else 2
                    continue
                if (
                    c.tag == "VERB"
                    and after_and
                    and self._base(c.text) in ("note", "record", "log", "write-down", "take")
                    and i + 1 < len(cs)
                    and isinstance(cs[i + 1], NP)
                    and self.role(cs[i + 1]) == "attribute"
                ):
                    i += 1  # "we give it a reference and note the species, ...": the same
                    continue
                if c.tag == "VERB" and owner and i + 1 < len(cs):
                    j = i + 1
                    if isinstance(cs[j], Token) and cs[j].tag == "PREP":
                        j += 1
                    # "attended by (health worker)": who, in brackets
                    bracketed = token_text(cs, j) == "(" and token_text(cs, j + 2) == ")"
                    j += bracketed
                    target = cs[j] if j < len(cs) else None
                    after_target = cs[j + 1] if j + 1 < len(cs) else None
                    # "referred to RHU (y/n)": the yes/no in brackets
                    in_brackets = (
                        not bracketed
                        and token_text(cs, j + 1) == "("
                        and token_text(cs, j + 2) == "yes-no"
                        and token_text(cs, j + 3) == ")"
                    )
                    if isinstance(target, NP) and (
                        (isinstance(after_target, Token) and after_target.text == "yes-no")
                        or in_brackets
                    ):
                        # "trained on printers yes/no": a yes/no field, not a tie
                        words = [c.text, *[t.text for t in cs[i + 1 : j]], *target.words]
                        self.add_field(owner, FieldDraft(words, type="boolean", position=i))
                        i = j + (4 if in_brackets else 2)
                        continue
                    if (
                        isinstance(target, NP)
                        and self.role(target) == "entity"
                        and cs[i + 1].text != "per"  # "targets thrown per shooter": a rate
                    ):
                        # "each hosted by a member", "discussing one book"
                        self.relation(owner, self.entity(target))
                        i = j + 1 + bracketed
                        continue
                paid_in = cs[i + 3] if i + 3 < len(cs) else None
                if (
                    c.tag == "VERB"
                    and self._participle(c.text)
                    and i + 2 < len(cs)
                    and cs[i + 1].text == "for"
                    and cs[i + 2].text == "("
                    and isinstance(paid_in, NP)
                    and paid_in.head in CURRENCIES
                ):
                    # "bought for (£)", "sold for (£)": the money it went for
                    words = [c.text, "for"]
                    self.add_field(owner, FieldDraft(words, type="decimal", position=i))
                    i = self._skip_parens(cs, i + 2)
                    fields_read += 1
                    continue
                if c.tag in ("VERB", "ADJ") and self._boolean_word(c.text):
                    self.add_field(owner, FieldDraft([c.text], type="boolean", position=i))
                    i += 1
                    continue
                hinted = self._type_in_brackets(cs, i + 1)
                if c.tag in ("ADJ", "VERB") and hinted is not None:
                    prev = cs[i - 1] if i else None
                    if isinstance(prev, Token) and prev.text in (",", "and", ":"):
                        # "weaned (no.)": how many were, named by the word
                        self.add_field(owner, FieldDraft([c.text], type=hinted, position=i))
                        i += 4
                        continue
                if c.tag in ("ADJ", "VERB") and self._ends_item(cs, i + 1, closer):
                    prev = cs[i - 1] if i else None
                    if isinstance(prev, Token) and prev.text in (",", "and", "(", ":"):
                        following = cs[i + 1] if i + 1 < len(cs) else None
                        yes_no = isinstance(following, Token) and following.text == "yes-no"
                        self.add_field(
                            owner,
                            FieldDraft([c.text], type="boolean" if yes_no else None, position=i),
                        )
                        i += 2 if yes_no else 1  # "vintage", "rooted yes-no"
                        continue
                if c.tag == "NUM":
                    i = self._numbered(cs, i, owner)
                    continue
                if c.text == "(":
                    i = self._skip_parens(cs, i)  # "timestamp (UTC)": a remark
                    continue
                if c.text == "what":
                    told = self._what_clause(cs, i, owner, closer)  # "what we practiced"
                    if told is not None:
                        i = told
                        continue
                if c.text == "who":
                    told = self._who_did_it(cs, i, owner, closer)  # "who referred them"
                    if told is not None:
                        i = told
                        continue
                if c.text in ("who", "what") and i + 1 < len(cs):
                    i = self._skip_clause(cs, i + 1, closer)  # "who borrowed what"
                    continue
                if c.text == "how-many" and (i + 1 >= len(cs) or not isinstance(cs[i + 1], NP)):
                    self.add_field(owner, FieldDraft(["quantity"], type="integer", position=i))
                    i += 1  # "species, how many, and the date"
                    continue
                if c.text == "how-many" or c.text == "how-much":
                    j = i + 1
                    if j < len(cs) and isinstance(cs[j], NP):
                        np = cs[j]
                        assert isinstance(np, NP)
                        words = [*np.words[:-1], np.head]
                        measured = np.head in UNITS and np.head not in _WHOLE_UNITS
                        counted = (
                            "integer"
                            if c.text == "how-many" and np.head != "hours" and not measured
                            else None
                        )  # "how many hours it took", "how many kg": 1.5 is an answer
                        end = self._skip_clause(cs, j + 1, closer)
                        held = [
                            t.text for t in cs[j + 1 : end] if t.text in QUANTITY_AFTER
                        ]  # "how many kg we have in stock": kg_in_stock
                        if measured and held:
                            words = [*words, *held[0].split("-")]
                        how = cs[j + 1] if j + 1 < len(cs) else None
                        if (
                            np.head in UNITS
                            and isinstance(how, Token)
                            and how.tag == "ADJ"
                            and not (measured and how.text in held)  # (once: "kg in stock")
                        ):
                            words = [*words, how.text]  # "how many minutes late": minutes_late
                        self.add_field(
                            owner,
                            FieldDraft(words, type="number" if measured else counted, position=i),
                        )
                        also = cs[j + 2] if j + 2 < len(cs) else None
                        if (
                            counted
                            and isinstance(cs[j + 1] if j + 1 < len(cs) else None, Token)
                            and cs[j + 1].text == "and"
                            and isinstance(also, NP)
                            and also.plural
                            and also.det is None
                            and "-".join(entity_words(also)) not in self.r.entities
                        ):
                            # "how many goals and assists each one got": two counts
                            self.add_field(owner, FieldDraft(also.words, type=counted, position=i))
                            j += 2
                        i = self._skip_clause(cs, j + 1, closer)
                        continue
                    i += 1
                    continue
                remark_end = self._past_whose(cs, i + 2)
                if (
                    c.text in _WHERE_FOUND
                    and fields_read
                    and isinstance(following, NP)
                    and following.det in ("the", "a", "an", "each")
                    and not following.plural
                    and self._known_key(following) is None
                    and self._ends_item(cs, remark_end, closer)
                    and self._more_fields_after(cs, remark_end)
                ):
                    # "the stop code off the little sign, ...", "the number of people in
                    # the bridal party I'm doing, ...": where it is found, or of whom
                    i = remark_end
                    continue
                if closer is None:
                    return i
                i += 1  # inside parentheses: skip what we cannot read
                continue
            np = c
            role = self.role(np)
            if fields_read and self._new_clause_at(cs, i):
                return i  # "..., and every month they make a payment": not a field
            parts = self._parts_after(cs, i + 1)
            if parts:
                # "the final score - so our goals, our points, their goals and their
                # points": the score is kept as its parts, each told by whose it is
                for part in parts:
                    words = [str(part.det), *self._field_words(part)]
                    self.add_field(owner, FieldDraft(words, position=part.index))
                i = cs.index(parts[-1], i) + 1
                fields_read += len(parts)
                continue
            forced = (
                role == "attribute"
                and np.plural
                and not (np.head in UNITS and not np.mods)  # "grams of filament": a measure
                # "medical notes (allergies, inhalers)": free text and what goes in it
                and infer_type(self._field_words(np)) != "text"
                and self._has_posts(cs, i + 1)
                and not self._aside_after(cs, i + 1)  # "names (just a text field is fine)"
            )
            if forced:
                role = "entity"  # "grades per student with ...": records of their own
            of = cs[i + 1] if i + 1 < len(cs) else None
            listed_np = cs[i + 2] if i + 2 < len(cs) else None
            if (
                owner
                and fields_read > 0
                and isinstance(cs[i - 1], Token)
                and cs[i - 1].text in (",", "and")  # not "..., plus a list of my meds"
                and np.det in ("a", "an")
                and np.singular in lx.CONTAINERS
                and not (np.head == "number" and (np.adjs or np.mods))  # "an estimated number"
                and isinstance(of, Token)
                and of.text == "of"
                and isinstance(listed_np, NP)
                and listed_np.plural
                and self.role(listed_np) == "entity"
            ):
                # "each recipe has a name, ... and a list of ingredients with quantities"
                child = self.entity(listed_np, strength=2)
                self.relation(child, owner)
                i = self.read_posts(cs, i + 3, child)
                after_and = after_comma = False
                continue
            one_amount = (
                fields_read > 0
                and not np.plural
                and np.head in MONEY
                and np.det in (None, "the", "a")
            )  # "number of guests, (the) total price and ...": the booking's own total
            summed = (
                role == "abstract"
                and len(np.adjs + np.mods) >= 1
                and (np.adjs + np.mods + [np.head])[0] in lx.AGGREGATE_WORDS
                and not one_amount
            )
            if summed and heading_items and self._ends_item(cs, i + 1, closer):
                role = "attribute"  # "Results: member, total score, best word": its own
            elif summed or np.head in ("averages", "totals"):
                return i  # "weekly averages of ...": a summary asked for, not a field
            if (
                role == "entity"
                and np.plural
                and (
                    np.head in COUNTED_PLURALS
                    # "date, bags, amount": how many bags, an item of its own
                    or (
                        np.singular in _PACKS
                        and not np.mods
                        and token_text(cs, i - 1) == ","
                        and token_text(cs, i + 1) in (",", "and")
                    )
                )
                and "-".join(entity_words(np)) not in self.r.entities
            ):
                # "a name, bedrooms and a nightly rate": how many, not records
                self.add_field(owner, FieldDraft(list(np.words), type="integer", position=i))
                i += 1
                after_and = after_comma = False
                fields_read += 1
                continue
            per = cs[i + 1] if i + 2 < len(cs) else None
            per_what = cs[i + 2] if i + 2 < len(cs) else None
            if (
                role == "entity"
                and np.plural
                and not np.det
                and (fields_read or heading_items)
                and isinstance(per, Token)
                and per.text == "per"
                and isinstance(per_what, NP)
                and not per_what.plural
                and not per_what.det
                and self._ends_item(cs, i + 3, closer)
            ):
                # "plan name, meals per day, rotis per meal": how many in each, not records
                words = [*self._field_words(np), "per", *per_what.words]
                self.add_field(owner, FieldDraft(words, type="integer", position=i))
                i += 3
                after_and = after_comma = False
                fields_read += 1
                continue
            if np.head in lx.SUMMARY_NOUNS:
                i += 1  # "with daily check-ins and streaks": a view, read by the summaries
                continue
            if role == "meta" and np.singular in self.r.entities:
                role = "entity"  # "with the family who sat": a family the idea keeps
            ahead = cs[i + 1] if i + 1 < len(cs) else None
            if (
                role == "meta"
                and np.head in lx.BUSINESS_NOUNS
                and np.det == "the"
                and fields_read
                and isinstance(ahead, Token)
                and ahead.text in ("it", "they", "he", "she")
            ):
                role = "attribute"  # "each site has a name, the school it serves": a field
            if (
                role in ("meta", "entity")
                and (not np.plural or self._or_ahead(cs, i + 2))
                and isinstance(ahead, Token)
                and ahead.text == "("
                and self._choice_list_ahead(cs, i + 2)
            ):
                # "meal choice (chicken, fish or veggie)", "platform (eBay / Vinted / Depop)":
                # one of those, though the word alone names a record or the app
                role = "attribute"
            if (
                role == "meta"
                and not np.plural
                and isinstance(ahead, Token)
                and ahead.text == "("
                and token_text(cs, i + 2) in _OPEN_ENDED
            ):
                role = "attribute"  # "age group (e.g. 8-11s)": a field, and an example of it
            if role in ("meta", "self") and not closer:
                nxt = cs[i + 1] if i + 1 < len(cs) else None
                if role == "self" or not (
                    self._ends_item(cs, i + 1, closer)
                    or (isinstance(nxt, Token) and self._participle(nxt.text))
                ):
                    return i
            nxt = cs[i + 1] if i + 1 < len(cs) else None
            verb_at = i + 1
            while verb_at < len(cs) and cs[verb_at].text in ("just", "only", "also", "then"):
                verb_at += 1  # "and staff just need a name": the verb past the adverb
            verb = cs[verb_at] if verb_at < len(cs) else None
            if (
                closer is None
                and isinstance(verb, Token)
                and (verb.tag == "AUX" or (verb.tag == "VERB" and not self._participle(verb.text)))
                and (np.each or role == "entity")
            ):
                return i  # "..., and each patient should have": a new clause
            if np.plural and isinstance(nxt, Token) and nxt.text in QUANTITY_AFTER:
                # "bottles on hand": how many, not a list of bottles
                words = [*np.mods, np.head, nxt.text.replace("-", " ")]
                words = [p for w in words for p in w.split()]
                self.add_field(owner, FieldDraft(words, type="integer", position=i))
                i += 2
                after_and = False
                continue
            if (
                role == "entity"
                and closer is None
                and after_and
                and not np.each
                and isinstance(nxt, Token)
                and nxt.tag == "VERB"
                and self._has_posts(cs, i + 1)
            ):
                return i  # "..., and loot found in a session with ...": the next item
            if (
                role == "entity"
                and np.plural
                and isinstance(nxt, Token)
                and nxt.tag in ("VERB", "ADJ")
                and self._participle(nxt.text)
                and (
                    self._ends_item(cs, i + 2, closer)
                    or self._type_in_brackets(cs, i + 2) in ("number", "integer")
                )
                and "-".join(entity_words(np)) not in self.r.entities
            ):
                # "the procedures done": what was done, kept as text ("bricks moulded
                # (qty)": how many)
                role = "attribute"
            if (
                role == "entity"
                and isinstance(nxt, Token)
                and nxt.text == "yes-no"
                and "-".join(entity_words(np)) not in self.r.entities
            ):
                role = "attribute"  # "net 30 terms y/n": a yes/no, not terms kept
            done = (  # past "they speak", "they can offer" ("homes we clean" are records)
                self._verb_after_modal(cs, i + 2)
                if isinstance(nxt, Token) and nxt.text in ("they", "he", "she")
                else None
            )
            if (
                role == "entity"
                and np.plural
                and done is not None
                and "-".join(entity_words(np)) not in self.r.entities
                and not self._has_posts(cs, done)
            ):
                role = "attribute"  # "languages they speak": a list kept as text
            known = "-".join(entity_words(np)) in self.r.entities
            stuff = cs[i + 2] if i + 2 < len(cs) else None
            if (
                role == "entity"
                and np.plural
                and not np.det
                and not np.mods
                and np.singular in _PACKS
                and not known
                and token_text(cs, i + 1) == "of"
                and isinstance(stuff, NP)
                and not stuff.det
                and self._known_key(stuff) is None
            ):
                # "bags of flour, bags of sugar": how many of each came, not bag records
                words = [*self._field_words(np), "of", *stuff.words]
                draft = FieldDraft(words, type="integer", position=i)
                self.add_field(owner, draft)
                i += 3
                after_and = after_comma = False
                fields_read += 1
                continue
            if role == "entity" and (
                np.plural
                or np.each
                or (np.det in ("their", "its") and (known or is_person(np.singular)))
            ):  # "their trade" among details is a field; "their dogs" are records
                nxt = cs[i + 1] if i + 1 < len(cs) else None
                if (
                    heading_items
                    and np.plural
                    and np.det is None
                    and closer is None
                    and self._bare_item(cs, i + 1)
                ):
                    # "practitioners - name, qualifications, hourly rate": an item of a
                    # heading's line is the heading's, a list kept as text (or, when the
                    # idea keeps those things, theirs: see assemble)
                    draft = FieldDraft(self._field_words(np), position=i)
                    i = self._field_cues(cs, i + 1, draft)
                    self.add_field(owner, draft)
                    fields_read += 1
                    continue
                starts_item = isinstance(nxt, Token) and nxt.text in ("with", "(", ":")
                if closer is None and ((after_and and starts_item) or starts_item):
                    return i  # "..., and visits with diagnosis": the next item
                if closer is None and after_and and isinstance(nxt, Token) and nxt.tag == "AUX":
                    return i  # "..., and our members have a name": a clause of its own
                if (
                    closer is None
                    and np.plural
                    and np.det is None
                    and after_comma
                    and fields_read
                    and "-".join(entity_words(np)) != owner
                ):
                    return i  # "products with price and stock, suppliers, ...": the next item
                if np.plural and closer is None and after_and and owner is None:
                    return i
                child = self.entity(np, force=forced)
                every = not np.plural and np.det in ("each", "every")
                if (np.each or not np.plural) and not every:  # "their team": one team
                    self.relation(owner, child)
                else:  # "their pets", "for each case we log every letter": the owner's many
                    self.relation(child, owner)
                i = self._relative_clause(cs, i + 1, child)
                i = self.read_posts(cs, i, child)
                after_and = False
                continue
            draft = FieldDraft(self._field_words(np), position=i)
            have = self.r.entities[owner].fields if owner in self.r.entities else {}
            if np.det in ("our", "their", "your", "my") and draft.key in have:
                # "our score, their score": two scores, told apart by whose they are
                draft = FieldDraft([np.det, *draft.words], position=i)
            nxt = cs[i + 1] if i + 1 < len(cs) else None
            after = cs[i + 2] if i + 2 < len(cs) else None
            if (
                np.head in ASPECT_HEADS
                and not np.plural
                and isinstance(nxt, Token)
                and nxt.text == "of"
                and isinstance(after, NP)
                and after.det is None
                and not after.plural
                and self._known_key(after) is None
            ):
                # "the area of law (housing, family, ...)", "date of first contact": one
                # field named by both, not a record of laws
                draft.words = [*draft.words, "of", *after.words]
                i += 2
                nxt = cs[i + 1] if i + 1 < len(cs) else None
                after = cs[i + 2] if i + 2 < len(cs) else None
            if (
                isinstance(nxt, Token)
                and nxt.text == "of"
                and isinstance(after, NP)
                and after.det in ("the", "a", "an", "any")
                and infer_type(draft.words) == "text"
                and self._known_key(after) is None
            ):
                i += 2  # "a summary of the problem", "a description of any damage": the text
                nxt = cs[i + 1] if i + 1 < len(cs) else None
                after = cs[i + 2] if i + 2 < len(cs) else None
            if (
                len(np.words) == 1
                and np.head in SHARED_HEAD_MODIFIERS
                and isinstance(nxt, Token)
                and nxt.text in ("and", "or", "/")
                and isinstance(after, NP)
                and len(after.words) > 1
            ):
                draft.words = [np.head, after.head]  # "min and max players": min_players
            shared = self._shared_head(cs, i)
            if shared is not None:
                draft.words = [np.head, shared]  # "swim, bike and run splits": swim_split
            if (
                np.head == "date"
                and isinstance(nxt, Token)
                and nxt.text == "and"
                and isinstance(after, NP)
                and after.words == ["time"]
            ):
                draft.words = [*draft.words, "time"]  # "date and time": one datetime
                i += 2
                nxt = cs[i + 1] if i + 1 < len(cs) else None
            if (
                isinstance(nxt, Token)
                and nxt.tag in ("ADV", "PREP")  # "the time in, minutes in the water"
                and nxt.text in ("out", "back", "in", "off", "up", "on")
                and self._ends_item(cs, i + 2, closer)
            ):
                draft.words = [*draft.words, nxt.text]  # "time out", "time back"
                i += 1
                nxt = cs[i + 1] if i + 1 < len(cs) else None
            if (
                isinstance(nxt, Token)
                and nxt.text == "of"
                and isinstance(after, NP)
                and (
                    (self.role(after) != "entity" and np.head in OF_FIELD_HEADS)
                    or (  # "date of referral" among a referral's own details
                        np.head in OF_FIELD_HEADS
                        and owner is not None
                        and self._known_key(after) == owner
                    )
                    or (  # "the name of the deceased": no record of the deceased is kept
                        np.head in OF_FIELD_HEADS
                        and after.det == "the"
                        and not after.plural
                        and self._known_key(after) is None
                    )
                    or (  # "the date of the last sweep": when the last one was, not a record
                        np.head in ("date", "time")
                        and {"last", "next", "first", "latest", "previous"}
                        & {*after.mods, *after.adjs}
                    )
                    or (
                        np.head in COUNT_HEADS
                        and set(np.mods) <= _HOW_MANY_WORDS  # "a max number of couples"
                        # "number of fish": a word that is its own plural
                        and (after.plural or lx.SINGULAR_OVERRIDES.get(after.head) == after.head)
                    )
                    or (np.head in UNITS and not np.mods)  # "grams of filament used"
                    or (  # "quantity of salt (tonnes)": how much of a stuff, no salt record
                        np.head in _MEASURE_OF_HEADS
                        and not np.mods
                        and after.det is None
                        and not after.plural
                        and self._known_key(after) is None
                    )
                )
            ):
                # "number of servings", "date of purchase": one field
                draft.words = [*draft.words, "of", *self._field_words(after)]
                if np.head in ("number", "count"):
                    draft.type = "integer"
                elif np.head in UNITS:
                    draft.type = "number"
                i += 2
                nxt = cs[i + 1] if i + 1 < len(cs) else None
            if (
                isinstance(nxt, Token)
                and nxt.tag in ("VERB", "ADJ")
                and self._participle(nxt.text)
                and (
                    self._ends_item(cs, i + 2, closer)
                    or _in_currency(cs, i + 2)
                    or (token_text(cs, i + 2) == "(" and token_text(cs, i + 3) == "yes-no")
                    or (token_text(cs, i + 2) == "in" and _unit_at(cs, i + 3))
                    # "coal used (tonnes)", "bricks moulded (qty)", "last serviced (date)"
                    or self._type_in_brackets(cs, i + 2)
                    in ("number", "integer", "date", "datetime", "time")
                )
            ):
                # "work done", "price quoted (£)", "sub paid (yes/no)", "fuel used in litres"
                draft.words = [*draft.words, nxt.text]
                i += 1
            elif (
                np.head in ("amount", "total", "balance", "sum", "cost", "price")
                and isinstance(nxt, Token)
                and nxt.text == "to"
                and (
                    (isinstance(after, Token) and after.tag == "VERB")
                    or (isinstance(after, NP) and not (after.det or after.mods or after.plural))
                )
                and (self._ends_item(cs, i + 3, closer) or token_text(cs, i + 3) == "(")
            ):
                # "total amount to repay (KSh)": one field, not a record of repaying
                draft.words = [*draft.words, "to", after.text]
                i += 2
            elif (
                draft.words[0] in ("date", "time")
                and isinstance(nxt, Token)
                and nxt.tag == "VERB"
                and nxt.text.endswith("ing")
                and (ended := token_text(cs, i + 2)) is not None
                and self._participle(ended)
                and not ended.endswith("ing")
                and self._ends_item(cs, i + 3, closer)
            ):
                # "the date brine filling started": when that happened, one field
                draft.words = [*draft.words, nxt.text, ended]
                i += 2
            i = self._field_cues(cs, self._past_a_short_clause(cs, i + 1), draft)
            following = cs[i] if i < len(cs) else None
            happens = cs[i + 1] if i + 1 < len(cs) else None
            if (
                token_text(cs, i) in ("at", "after", "before")
                and isinstance(happens, Token | NP)
                and happens.text.endswith("ing")
                and not (isinstance(happens, NP) and (happens.det or happens.mods))
                and self._ends_item(cs, i + 2, closer)
            ):
                i += 2  # "the number of infertile eggs at candling": when it is counted
                following = cs[i] if i < len(cs) else None
                happens = cs[i + 1] if i + 1 < len(cs) else None
            if (
                isinstance(following, Token)
                and following.tag == "VERB"
                and following.text.endswith("ing")
                and token_text(cs, i + 1) in ("it", "them", "him", "her")
                and self._ends_item(cs, i + 2, closer)
            ):
                i += 2  # "the fee earner handling it, ...": who, said with what they do
                following = cs[i] if i < len(cs) else None
                happens = cs[i + 1] if i + 1 < len(cs) else None
            if (
                isinstance(following, Token)
                and following.tag == "PRON"
                and following.text in ("i", "we", "they", "it", "you")
            ):
                end = self._skip_clause(cs, i, closer)  # "hero i played", "the date it went out"
                self._when_it_did(draft, cs[i + 1 : end], owner)
                i = end
            elif (
                isinstance(following, NP)
                and following.det == "the"
                and isinstance(happens, Token)
                and happens.tag == "VERB"
                and happens.text != self._base(happens.text)
                and (
                    happens.text.endswith("s")
                    or token_text(cs, i + 2) in lx.PREPOSITIONS
                    or self._ends_item(cs, i + 2, closer)
                )
                and fields_read
            ):
                # "the registration number the county board gives him", "the batch the
                # chicks came from": a clause on the field, not the next field
                i = self._skip_clause(cs, i, closer)
            elif (
                draft.words == ["date"]
                and isinstance(following, NP)
                and following.det in ("their", "his", "her", "its")
                and isinstance(happens, Token)
                and happens.tag == "VERB"
            ):
                # "the date their medical expires" -> medical_expiry_date
                base = self._base(happens.text)
                draft.words = [following.head, _EVENT_NOUNS.get(base, base), "date"]
                i = self._skip_clause(cs, i, closer)
            elif (
                isinstance(following, NP)
                and following.det in ("their", "his", "her", "its")
                and isinstance(happens, Token)
                and happens.tag == "VERB"
                and happens.text.endswith(("ed", "en"))
                and self._ends_item(cs, i + 2, closer)
            ):
                i += 2  # "the points their side scored": whose they are, said of the points
            per = cs[i] if i < len(cs) else None
            target = cs[i + 1] if i + 1 < len(cs) else None
            known_key = self._known_or_clipped_key(np, owner) if role == "entity" else None
            if (
                isinstance(per, Token)
                and per.text == "per"
                and isinstance(target, NP)
                and self.role(target) == "entity"
                and "-".join(entity_words(target)) != owner
            ):
                if np.head in _MEASURE_HEADS:
                    pass  # "win percent per roster": a view, read by the summaries
                elif known_key is not None:
                    # "..., and sales with date and price, one sale per tree": a tie
                    self.relation(known_key, self.entity(target))
                elif self._bare_entity("-".join(entity_words(target))) or (
                    # "transporters - name, rate per container": what the transporter
                    # charges for each, not the container's
                    np.head in _RATE_HEADS and owner is not None
                ):
                    # "rate per word", "price per night": a rate, this owner's field (and
                    # "the price per chick" where chicks are only named in passing)
                    draft.words = [*draft.words, "per", *target.words]
                    self.add_field(owner, draft)
                else:
                    # "a budget per event": the event's field, not this list's owner's
                    self.add_field(self.entity(target), draft)
                i += 2
            elif known_key is not None and not np.plural and draft.type != "boolean":
                # ("returning client y/n" is a yes/no of the client's, not a tie)
                if np.det in lx.MANY_DETERMINERS:
                    # "a customer can have more than one property": the owner's records
                    self.relation(known_key, owner)
                else:
                    # "visits with pet and date", "one time slot": a known entity
                    self.relation(owner, known_key)
            else:
                self.add_field(owner, draft)
            after_and = False
            after_comma = False
            fields_read += 1
        return i

    def _field_words(self, np: NP) -> list[str]:
        words = [w for w in [*np.adjs, *np.mods, np.head] if w not in lx.POSSESSIVE_DETERMINERS]
        if words and words[0] in ("own", "other", "various", "different", "several", "multiple"):
            words = words[1:] or words
        if np.owner is not None and (
            np_role(np.owner) != "entity" or np.owner.singular not in self.r.entities
        ):
            words = [*np.owner.words, *words]  # "the teacher's name": teacher_name
        return words or [np.head]

    def _field_cues(self, cs: list[Chunk], i: int, draft: FieldDraft) -> int:
        """Ranges, listed values and units right after a field's name."""
        n = len(cs)

        def tok(k: int) -> Token | None:
            item = cs[k] if k < n else None
            return item if isinstance(item, Token) else None

        t = tok(i)
        if t is None:
            return i
        if t.text in ("rated", "scored", "graded", "ranked", "ranging") and tok(i + 1):
            i += 1  # "temperament rated 1 to 5"
            t = tok(i)
            assert t is not None
        if t.text == "yes-no":
            draft.type = "boolean"
            return i + 1
        which = i + 1 if t.text == "," else i
        said = [c.text if isinstance(c, Token) else "" for c in cs[which : which + 3]]
        if said[:2] in (["which", "is"], ["which", "are"], ["that", "is"]) or said == [
            "which",
            "can",
            "be",
        ]:
            # "their mobility, which is independent, frame or wheelchair": the values
            start = which + (3 if said[1] == "can" else 2)
            choices, j = self._choices(cs, start, closer=None)
            if 2 <= len(choices) <= 8 and all(len(c.split()) <= 3 for c in choices):
                draft.choices, draft.type = choices, "enum"
                return j
        if _said_date_and_time(cs, i):
            draft.type = "datetime"  # "a deadline (date and time)": one instant
            return i + 5
        hinted = self._type_in_brackets(cs, i)
        if hinted is not None:
            if (
                hinted != "number"
                # "run time (hours)": a length of time, not a time of day
                or infer_type(draft.words) in ("string", "time")
                or (isinstance(cs[i + 1], NP) and cs[i + 1].text == "percent")  # "(%)": a share
                # "seedlings used (kg)": weighed, not counted
                or (draft.words[-1] in COUNTED_PARTICIPLES and len(draft.words) > 1)
            ):
                draft.type = hinted  # "joined (date)", "medical conditions (free text)"
            return i + 3
        # a range: "from 1 to 5", "1-5", "(1-5)", "out of 10", "between 1 and 10"
        nums = self._range_at(cs, i)
        if nums is not None:
            (low, high), i = nums
            draft.minimum, draft.maximum = low, high
            draft.type = "integer" if float(low).is_integer() and float(high).is_integer() else None
            return i
        if t.text == "in" and i + 1 < n:
            unit = cs[i + 1]
            unit_word = "-".join(unit.words) if isinstance(unit, NP) else unit.text
            if unit_word in UNITS:
                draft.unit = unit_word
                if unit_word in CURRENCIES:
                    draft.type = "decimal"
                return i + 2
            if (
                isinstance(unit, NP)
                and unit.plural
                and not unit.det
                and draft.words[-1] in _COUNTED_IN
                and self._known_key(unit) is None
            ):
                draft.type = "integer"  # "the capacity in eggs": how many eggs it holds
                return i + 2
        if t.text == "per" and isinstance(cs[i + 1] if i + 1 < n else None, NP):
            unit = cs[i + 1]
            assert isinstance(unit, NP)
            if (
                not unit.det
                and (unit.head in UNITS or f"{unit.head}s" in UNITS)
                and singular(draft.words[-1]) == draft.words[-1]  # not "quoted prices per month"
            ):
                # "the price per litre in naira": one rate, said in one currency
                draft.words = [*draft.words, "per", unit.head]
                return self._field_cues(cs, i + 2, draft)
        if infer_type(draft.words) == "text":
            if t.text == "(" and (
                self._slashed_choices(cs, i + 1)
                # "method (transfer or cash)": a way, one of those told
                or (draft.words[-1] in _WAYS and self._choice_list_ahead(cs, i + 1))
            ):
                choices, j = self._choices(cs, i + 1, closer=")")
                if len(choices) >= 2:  # "method (cash / card / cheque)": one of these
                    draft.choices, draft.type = choices, "enum"
                    return j
            if t.text == "(":  # "dietary notes (gluten free, nut allergy)": examples
                return self._skip_parens(cs, i)
            return i
        named = draft.words[-1] in ("name", "title")  # "the name (cultivar or hybrid name)"
        if t.text == "(" and token_text(cs, i + 1) in _OPEN_ENDED:
            return self._skip_parens(cs, i)  # "a name (e.g. Noiler, Kuroiler)": examples
        if t.text in ("like", ":", "-") or (
            t.text == "(" and not named and self._choice_list_ahead(cs, i + 1)
        ):
            choices, j = self._choices(cs, i + 1, closer=")" if t.text == "(" else None)
            if len(choices) >= 2:
                draft.choices = choices
                draft.type = "enum"
                return j
            if t.text == "like" and choices:
                return j  # 'a name like "Pirate Ship", a size, ...': one example, read on
        if t.text == "of" and draft.words[-1] in ("status", "stage", "severity", "priority"):
            choices, j = self._choices(cs, i + 1, closer=None)
            if len(choices) >= 2:
                draft.choices = choices
                draft.type = "enum"
                return j
        if t.text in ("flag", "yes-no") or (t.text == "(" and self._yes_no(cs, i + 1)):
            draft.type = "boolean"
            return i + (1 if t.text != "(" else 4)
        if (
            t.text == ","
            and infer_type(draft.words) == "string"  # not "repair date, temporary or ..."
            and self._trailing_choices(cs, i + 1)
        ):
            choices, j = self._choices(cs, i + 1, closer=None)
            if 2 <= len(choices) <= 4:
                draft.choices, draft.type = choices, "enum"  # "a shift, morning or evening"
                return j
        after = cs[i + 1] if i + 1 < len(cs) else None
        # "status, either planning, active or done"
        either = t.text == "," and isinstance(after, NP) and after.det == "either"
        if t.text == "either" or either:
            choices, j = self._choices(cs, i + 1, closer=None)
            if len(choices) >= 2:
                draft.choices, draft.type = choices, "enum"
                return j
        return i

    def _each_kept(self, cs: list[Chunk], k: int) -> str | None:
        """The kept entity that ``each X`` at ``k`` names, else None."""
        np = cs[k] if k < len(cs) else None
        return self._known_key(np) if isinstance(np, NP) and np.each else None

    @staticmethod
    def _how_many_next(cs: list[Chunk], i: int) -> bool:
        """Whether a comma at ``i`` is followed by how many of something there were ("...,
        the quantity", "..., how many")."""
        nxt = cs[i + 1] if token_text(cs, i) == "," and i + 1 < len(cs) else None
        if isinstance(nxt, Token):
            return nxt.text == "how-many"
        return isinstance(nxt, NP) and not nxt.mods and nxt.head in ("quantity", "qty", "amount")

    def _bare_entity(self, key: str) -> bool:
        """Whether ``key`` is no kept thing yet, or one named only in passing (no fields,
        not in a list of things)."""
        draft = self.r.entities.get(key)
        return draft is None or (not draft.fields and not draft.listed)

    @staticmethod
    def _parts_after(cs: list[Chunk], i: int) -> list[NP]:
        """At a dash or colon after a field: its parts, when a list of three or more
        things told by whose they are follows ("- so our goals, our points, their
        goals"); else none."""
        if token_text(cs, i) not in ("-", ":"):
            return []
        start = i + 1 + (token_text(cs, i + 1) in ("so", "i-e", "namely"))
        parts: list[NP] = []
        for c in cs[start : start + 10]:
            if isinstance(c, NP) and c.det in ("our", "their", "his", "her", "my"):
                parts.append(c)
            elif not (isinstance(c, Token) and c.text in (",", "and")):
                break
        return parts if len(parts) >= 3 else []

    def _examples(self, cs: list[Chunk], i: int) -> bool:
        """``(dentists and hygienists)``: kinds of the thing before, not its fields."""
        nps: list[NP] = []
        for c in cs[i:]:
            if isinstance(c, Token) and c.text == ")":
                break
            if isinstance(c, NP):
                nps.append(c)
            elif c.text not in (",", "and", "or", "/"):
                return False
        return len(nps) >= 2 and all(np.plural and self.role(np) == "entity" for np in nps)

    def _new_clause_at(self, cs: list[Chunk], i: int) -> bool:
        """``every month they pay``, ``each week we ...``: a time said once per repeat,
        then a subject and its verb, where a list of fields would go on."""
        np, who, verb = (cs[k] if k < len(cs) else None for k in (i, i + 1, i + 2))
        if self._each_at_a_place(cs, i):
            return True  # "..., and every run down the hill is one cart in one heat"
        return (
            isinstance(np, NP)
            and np.each
            and isinstance(who, Token)
            and who.tag == "PRON"
            and who.text in lx.SUBJECT_PRONOUNS
            and isinstance(verb, Token)
            and verb.tag in ("VERB", "AUX")
        )

    def _each_at_a_place(self, cs: list[Chunk], i: int) -> bool:
        """``every run down the hill is ...`` at ``i``: a thing counted one by one, where it
        happens, then its verb."""
        np, where, place, verb = (cs[k] if k < len(cs) else None for k in range(i, i + 4))
        return (
            isinstance(np, NP)
            and np.each
            and isinstance(where, Token)
            and where.text in WHERE_WORDS
            and isinstance(place, NP)
            and place.det == "the"
            and not place.plural
            and isinstance(verb, Token)
            and verb.tag in ("AUX", "VERB")
            and self.role(np) == "entity"
        )

    def _ends_item(self, cs: list[Chunk], i: int, closer: str | None) -> bool:
        if i >= len(cs):
            return True
        c = cs[i]
        return isinstance(c, Token) and (
            c.text in (",", "and", "or", ")", "yes-no", "flag") or c.text == closer
        )

    @staticmethod
    def _yes_no_item(cs: list[Chunk], i: int, closer: str | None) -> tuple[list[str], int] | None:
        """At a list item that starts with a verb or a preposition and ends in "y/n": its
        words, and where reading goes on; else None."""
        before, first = cs[i - 1] if i else None, cs[i]
        if not (
            isinstance(before, Token)
            and before.text in (",", ":", "(")
            and isinstance(first, Token)
            and (
                first.tag in ("VERB", "PREP", "ADV", "ADJ")  # "seasonal (yes/no)" too
                or first.text in lx.MODALS  # "would buy (y/n)"
            )
        ):
            return None
        k = i
        while (
            k < len(cs)
            and k - i < 3
            and not (isinstance(cs[k], Token) and cs[k].text in (",", ";", "yes-no", closer))
        ):
            k += 1
        end = cs[k] if k < len(cs) else None
        if k == i or not (isinstance(end, Token) and end.text == "yes-no"):
            return None
        words = [
            "or" if c.text == "/" else w
            for c in cs[i:k]
            if not (isinstance(c, Token) and c.text in ("(", ")"))
            for w in (c.words if isinstance(c, NP) else [c.text])
        ]  # "attended (Y/N)", "tampered/missing? y/n": tampered_or_missing
        if k + 1 < len(cs) and isinstance(cs[k + 1], Token) and cs[k + 1].text == ")":
            k += 1
        return [w for w in words if w not in ("a", "an", "the")], k + 1

    @staticmethod
    def _past_whose(cs: list[Chunk], i: int) -> int:
        """Past ``I'm doing`` / ``we use`` at ``i``: a short clause on the thing before."""
        k = i
        if not (k < len(cs) and isinstance(cs[k], Token) and cs[k].text in lx.SUBJECT_PRONOUNS):
            return i
        k += 1
        while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag in ("AUX", "ADV"):
            k += 1
        return k + 1 if k < len(cs) and isinstance(cs[k], Token) and cs[k].tag == "VERB" else i

    def _more_fields_after(self, cs: list[Chunk], i: int) -> bool:
        """At ``i`` a comma or "and", then another field: an attribute, or "whether" /
        "how many" ... (the list goes on past a remark on the one before)."""
        j = i + 1
        if j < len(cs) and isinstance(cs[j], Token) and cs[j].text in ("and", "plus"):
            j += 1
        nxt = cs[j] if j < len(cs) else None
        if isinstance(nxt, NP):
            return self.role(nxt) == "attribute"
        return isinstance(nxt, Token) and nxt.tag == "WH" and nxt.text != "which"

    def _skip_parens(self, cs: list[Chunk], i: int) -> int:
        """Past the ``)`` that closes; an aside left open runs to the sentence's end
        ("(mostly old folks. Each visit ...": the full stop split it)."""
        while i < len(cs) and not (isinstance(cs[i], Token) and cs[i].text == ")"):
            i += 1
        return min(i + 1, len(cs))

    def _aside_after(self, cs: list[Chunk], i: int) -> bool:
        """A remark in parentheses at ``i``."""
        opener = cs[i] if i < len(cs) else None
        return isinstance(opener, Token) and opener.text == "(" and self._aside(cs, i + 1)

    def _aside(self, cs: list[Chunk], i: int) -> bool:
        """``(some are kids so i need ...)``: a remark in parentheses, not a list of fields."""
        opener = cs[i] if i < len(cs) else None
        if isinstance(opener, Token) and opener.text in ("basically", "like", "aka", "i-e"):
            return True  # "crates (basically folders, each with a name)"
        if token_text(cs, i) == "one" and token_text(cs, i + 1) in lx.PREPOSITIONS:
            return True  # "two branches (one near Talwandi, one in Landmark City)"
        for c in cs[i:]:
            if isinstance(c, Token) and c.text in (",", ")"):
                return False
            if isinstance(c, Token) and c.text in ("whether", "if", "which", "how-many", "what"):
                return False
            if isinstance(c, Token) and c.tag in ("AUX", "VERB") and not self._participle(c.text):
                return True
        return False

    def _item_choices(
        self, cs: list[Chunk], j: int, stops: tuple[str | None, ...], draft: FieldDraft
    ) -> int:
        """From ``j`` to where the item ends (the first of ``stops``); values listed in
        parentheses there are the field's choices. Returns where reading goes on."""
        while j < len(cs) and not (isinstance(cs[j], Token) and cs[j].text in stops):
            j += 1
        nums = self._range_at(cs, j) if j < len(cs) and cs[j].text == "(" else None
        if nums is not None:
            (low, high), j = nums  # "which moment it was (1 to 5)": a number in a range
            draft.minimum, draft.maximum = low, high
            draft.type = "integer" if float(low).is_integer() and float(high).is_integer() else None
            return j
        if j < len(cs) and isinstance(cs[j], Token) and cs[j].text == "(":
            choices, after = self._choices(cs, j + 1, closer=")")
            if len(choices) >= 2:
                draft.choices, draft.type = choices, "enum"
                return after
            # "which terrain we used (the village one or the one behind the bar)": a remark
            return self._skip_parens(cs, j + 1)
        return j

    def _either_item(
        self, cs: list[Chunk], i: int, closer: str | None
    ) -> tuple[list[str], int] | None:
        """``..., temporary or permanent, ...``: a list item that is two describing words
        with "or" between, the values of one field (where the next comma or the end
        follows)."""
        first, conj, second = (cs[k] if k < len(cs) else None for k in (i, i + 1, i + 2))
        prev = cs[i - 1] if i else None
        if not (
            isinstance(prev, Token)
            and prev.text in (",", ":")
            and self._describing_word(first)
            and isinstance(conj, Token)
            and conj.text == "or"
            and self._describing_word(second)
            and (i + 3 >= len(cs) or self._ends_item(cs, i + 3, closer))
        ):
            return None
        assert first is not None
        assert second is not None
        return [first.text, second.text], i + 3

    def _describing_word(self, c: Chunk | None) -> bool:
        """An adjective, or one bare word no rule knows as a thing ("permanent")."""
        if isinstance(c, Token):
            return c.tag == "ADJ"
        return (
            isinstance(c, NP)
            and not c.words[1:]
            and not c.adjs
            and c.det is None
            and not c.plural
            and c.head not in self.r.entities
            and self.role(c) not in ("attribute", "period")
        )

    def _trailing_choices(self, cs: list[Chunk], i: int) -> bool:
        """``w1 or w2`` (or ``w1, w2 or w3``) of bare words, closing the sentence."""
        words, ors, last = 0, 0, False
        for c in cs[i:]:
            if last:
                return False  # "size, indoor or outdoor, price": the list goes on
            if isinstance(c, NP):
                if c.det is not None or len(c.words) > 2 or self.role(c) == "attribute":
                    return False  # "name, email, school or company": fields, not values
                words += 1
                last = ors == 1
            elif c.text == "or":
                ors += 1
            elif c.text == "," or c.tag == "ADJ":
                words += c.tag == "ADJ"
                last = ors == 1 and c.tag == "ADJ"
            else:
                return False
        return ors == 1 and 2 <= words <= 4

    def _yes_no(self, cs: list[Chunk], i: int) -> bool:
        words = [c.text for c in cs[i : i + 3] if isinstance(c, Token)]
        return bool(words) and words[0] in ("yes-no", "y", "true")

    def _range_at(self, cs: list[Chunk], i: int) -> tuple[tuple[float, float], int] | None:
        texts = [c.text if isinstance(c, Token) else "" for c in cs[i : i + 6]]
        nums = [self._number(t) for t in texts]
        offset = 1 if texts[:1] == ["("] else 0
        t = texts[offset:]
        v = nums[offset:]
        end = i + offset
        if (
            len(t) >= 4
            and t[0] in ("from", "between")
            and v[1] is not None
            and v[3] is not None
            and t[2] in ("to", "and", "-")
        ):
            return (v[1], v[3]), end + 4 + (1 if offset and texts[5:6] == [")"] else 0)
        if len(t) >= 3 and v[0] is not None and t[1] in ("-", "to", "/") and v[2] is not None:
            return (v[0], v[2]), end + 3 + (
                1 if offset and len(texts) > 4 and texts[4] == ")" else 0
            )
        if len(t) >= 2 and t[0] == "out-of" and v[1] is not None:
            return (0.0, v[1]), end + 2
        if len(t) >= 2 and t[0] == "up-to" and v[1] is not None:
            return (0.0, v[1]), end + 2
        return None

    @staticmethod
    def _number(text: str) -> float | None:
        if text and text[0].isdigit():
            try:
                return float(text.replace(",", ""))
            except ValueError:
                return None
        value = lx.NUMBER_VALUES.get(text)
        return float(value) if value is not None else None

    def _numbered(self, cs: list[Chunk], i: int, owner: str | None) -> int:
        """``a 1-5 rating``: a range before the field's name."""
        found = self._range_at(cs, i)
        if found is None:
            return i + 1
        (low, high), j = found
        if j < len(cs) and isinstance(cs[j], NP):
            np = cs[j]
            assert isinstance(np, NP)
            draft = FieldDraft(self._field_words(np), type="integer", position=i)
            draft.minimum, draft.maximum = low, high
            self.add_field(owner, draft)
            return j + 1
        return j

    @staticmethod
    def _past_a_short_clause(cs: list[Chunk], i: int) -> int:
        """Past ``they want`` / ``they shoot in`` at ``i`` when the field's values follow it:
        "the format they want (USB, CD or download)", "the grade they shoot in, which is
        AA, A, B or C"; else ``i``."""
        k = i
        if not (k + 1 < len(cs) and isinstance(cs[k], Token) and cs[k].tag == "PRON"):
            return i
        if not (isinstance(cs[k + 1], Token) and cs[k + 1].tag == "VERB"):
            return i
        k += 2
        if k < len(cs) and isinstance(cs[k], Token) and cs[k].tag == "PREP":
            k += 1
        said = [c.text if isinstance(c, Token) else "" for c in cs[k : k + 2]]
        return k if said[:1] == ["("] or said == [",", "which"] else i

    @staticmethod
    def _slashed_choices(cs: list[Chunk], i: int) -> bool:
        """``(cash / card / cheque)``: words between slashes only, up to the bracket."""
        slashes = 0
        for c in cs[i:]:
            if not isinstance(c, Token):
                continue
            if c.text == ")":
                return slashes >= 1
            if c.text == "/":
                slashes += 1
            elif c.text in (",", "or", "and", "like"):
                return False
        return False

    @staticmethod
    def _or_ahead(cs: list[Chunk], i: int) -> bool:
        """Whether a bracket opened before ``i`` offers values one of which is taken
        ("ribbons (ivory, white or none)"), not a list of details ("parts (name, qty)")."""
        said = _bracketed(cs, i)
        return ("or" in said or "/" in said) and "and" not in said

    def _choice_list_ahead(self, cs: list[Chunk], i: int) -> bool:
        """Whether a bracket opened before ``i`` lists the values a field takes (not
        examples: "(mostly Phalaenopsis and Cattleya but really anything)")."""
        separators = 0
        for c in cs[i:]:
            if isinstance(c, Token) and c.text == ")":
                break
            if isinstance(c, Token) and c.text in _OPEN_ENDED:
                return False
            if isinstance(c, Token) and c.text in (",", "or", "/"):
                separators += 1
            if isinstance(c, Token) and c.tag == "VERB" and not self._participle(c.text):
                return False
        return separators >= 1

    def _choices(self, cs: list[Chunk], i: int, *, closer: str | None) -> tuple[list[str], int]:
        """``planned, in progress or done``: short values separated by commas/or/slashes."""
        values: list[str] = []
        current: list[str] = []
        current_at = i
        while i < len(cs):
            c = cs[i]
            text = c.text if isinstance(c, Token) else " ".join([*c.adjs, *c.mods, c.head])
            if isinstance(c, Token) and closer and text == closer:
                i += 1
                break
            if text == "yes-no" and current and values and closer is None:
                # "type - hot / cold / mixer, sentinel y/n": the next field, a yes/no
                return self._clean_choices(values), current_at
            if isinstance(c, Token) and text in (",", "or", "/", "and"):
                if current:
                    values.append(" ".join(current))
                    current = []
                i += 1
                current_at = i
                if text == "and" and values and closer is None:
                    pass
                continue
            if isinstance(c, Token) and c.tag == "AUX" and values:
                # "(bride or groom side, some of the groom's people are buying ...)": the
                # aside's subject is no choice
                current = []
                break
            if isinstance(c, Token) and (c.tag in ("PUNCT", "WH", "AUX") or text == "with"):
                break
            if isinstance(c, Token) and c.tag == "PRON":
                break
            if (
                isinstance(c, NP)
                and c.det is not None
                and c.det not in ("no", "the")
                and values
                and not current
            ):
                break
            current.append(text.replace("-", " ") if text in ("in-progress", "on-hold") else text)
            if len(current) > 3:
                return [], i
            i += 1
        if current:
            values.append(" ".join(current))
        return self._clean_choices(values), i

    @staticmethod
    def _clean_choices(values: list[str]) -> list[str]:
        clean: list[str] = []
        for value in values:
            value = value.strip()
            if value and value not in clean and len(value) <= 40:
                clean.append(value)
        return clean

    def _whether_done_to(self, cs: list[Chunk], i: int, end: int) -> list[str] | None:
        """``whether the client has paid the deposit`` -> deposit_paid; ``whether the
        invoice has been paid`` -> invoice_paid: the thing the act is done to, then the
        act's participle, as people name such a field. None if the clause is not that."""
        reason = next(
            (k for k in range(i, end) if isinstance(cs[k], Token) and cs[k].text in _REASONS),
            end,
        )
        end = reason  # "whether it got cancelled because of rain": the reason names none
        verbs = [k for k in range(i, end) if isinstance(cs[k], Token) and cs[k].tag == "VERB"]
        if not verbs:
            return None
        verb = cs[verbs[-1]]
        assert isinstance(verb, Token)
        base = self._base(verb.text)
        if verb.text.endswith("ing") or base in ("get", "have", "want", "need", "like"):
            return None  # "whether they're bringing a dog", "whether we got a photo": as said
        if base in _GOING and not verb.text.endswith("ed"):
            return None  # "whether they went underground": where they went, as said
        done = _participle_of(verb.text, base)
        k = verbs[-1] + 1
        while k < end and isinstance(cs[k], Token) and cs[k].tag in ("PRON", "DET", "ADV"):
            k += 1  # "give him antihistamine"
        found = cs[k] if k < end else None
        after = found if isinstance(found, NP) else None  # an object, not "paid in cash"
        if (
            after is not None
            and not after.plural
            and after.det in (None, "the", "a", "an", *lx.POSSESSIVE_DETERMINERS)
            and self.role(after) in ("entity", "attribute")
            and after.head not in _PARTICLE_NOUNS
        ):
            # "has paid the deposit", "give him antihistamine", "signed the consent form"
            return [*after.mods[-1:], after.head, done]
        before = [c for c in cs[i : verbs[-1]] if isinstance(c, NP)]
        passive = any(
            isinstance(c, Token) and self._base(c.text) == "be" for c in cs[i : verbs[-1]]
        )
        if (
            passive
            and before
            and (
                before[-1].det in ("the", "a", "an", "its", "their")
                or (before[-1].det is None and not before[-1].plural)  # "hand hygiene was done"
            )
            and self.role(before[-1]) in ("entity", "attribute")
            and (
                verb.text.endswith(("ed", "en", "id", "ld", "nt", "ht"))
                or (  # "whether hand hygiene was done (yes/no)", not "was left in service"
                    verb.text in lx.IRREGULAR_VERBS
                    and all(c.text in ("yes-no", "or", "not") for c in cs[verbs[-1] + 1 : end])
                )
            )
        ):
            return [*before[-1].mods[-1:], before[-1].head, done]  # "the invoice has been paid"
        return None

    def _whether_this_or_that(
        self, cs: list[Chunk], i: int, closer: str | None
    ) -> tuple[list[str], int] | None:
        """``whether it's indoors or outdoors``, ``whether they're a chef or front of
        house``: one of two values (the words of each, where reading goes on), not a
        yes/no; None for any other "whether" clause."""
        j = i
        if not (j + 1 < len(cs) and isinstance(cs[j], Token) and cs[j].text in ("it", "they")):
            return None
        be = cs[j + 1]
        if not (isinstance(be, Token) and self._base(be.text) == "be"):
            return None
        j += 2
        if j < len(cs) and isinstance(cs[j], Token) and cs[j].text in ("a", "an"):
            j += 1
        values: list[str] = []
        for part in range(2):
            words: list[str] = []
            while j < len(cs) and len(words) < 4:
                c = cs[j]
                if isinstance(c, Token) and (
                    c.text in (",", "and", ";", ")", closer) or (c.text == "or" and not part)
                ):
                    break
                if (
                    isinstance(c, Token)
                    and c.tag not in ("ADJ", "PREP", "NOUN", "NV", "DET")
                    and not (c.tag == "VERB" and self._base(c.text) == c.text)  # "trade"
                    and not (
                        c.tag == "VERB"
                        and (c.text.endswith(_PARTICIPLE_ENDS) or c.text in lx.IRREGULAR_VERBS)
                    )  # "sent", "heard"
                ):
                    return None
                words.extend(c.words if isinstance(c, NP) else [c.text])
                j += 1
            if not words or len(words) > 3:
                return None
            values.append(" ".join(w for w in words if w not in ("a", "an")))
            if part == 0:
                if not (j < len(cs) and isinstance(cs[j], Token) and cs[j].text == "or"):
                    return None
                j += 1
                if j < len(cs) and isinstance(cs[j], Token) and cs[j].text in ("a", "an"):
                    j += 1
        if any(v in ("not", "no", "none") for v in values):
            return None  # "whether it's paid or not": a yes/no
        return values, j

    def _whether(self, cs: list[Chunk], i: int, owner: str | None, closer: str | None) -> int:
        """``whether they were paid`` -> paid: boolean."""
        either = self._whether_this_or_that(cs, i, closer)
        if either is not None:
            values, end = either
            name = [*values[0].split(), "or", *values[1].split()]
            self.add_field(owner, FieldDraft(name, type="enum", choices=values, position=i))
            return end
        end = i
        while end < len(cs) and not (
            isinstance(cs[end], Token)
            and (
                cs[end].text in (",", "and", "or")
                or cs[end].text == closer
                or cs[end].tag == "PUNCT"
            )
        ):
            end += 1
        named = self._whether_done_to(cs, i, end)
        if named is not None:
            self.add_field(owner, FieldDraft(named, type="boolean", position=i))
            return end
        words: list[str] = []
        reason = False  # "whether it got cancelled because of the rain": the reason names none
        # "whether there's a shelter", "whether they're a regular": named by the noun (the
        # thing there is, what they are), not a subject
        by_noun = isinstance(cs[i], Token) and cs[i].text == "there" if i < end else False
        what = cs[i + 2] if i + 2 < end else None
        by_noun = by_noun or (
            isinstance(what, NP)
            and what.det in ("a", "an")
            and isinstance(cs[i], Token)
            and cs[i].text in ("they", "he", "she", "it")
            and isinstance(cs[i + 1], Token)
            and self._base(cs[i + 1].text) == "be"
        )
        while i < end:
            c = cs[i]
            if isinstance(c, Token) and c.text in _REASONS and words:
                reason = True
            if reason:
                pass
            elif isinstance(c, NP):
                if by_noun and not words:
                    words.extend(w for w in c.words if w not in ("a", "an", "any"))
                elif self.role(c) == "self" or (c.det in ("a", "an", "the") and not words):
                    pass  # the subject: "whether the dog is ..."
                elif c.det is None or c.det in lx.POSSESSIVE_DETERMINERS or words:
                    # "whether he got a yellow card": yellow_card ("its own tap": tap)
                    told = [*(a for a in c.adjs if a not in ("own", "other")), *c.words]
                    words.extend(w for w in told if w not in lx.POSSESSIVE_DETERMINERS)
            elif c.text in ("has", "have", "had") and not words:
                words.append("has")
            elif (
                c.text not in _BOOL_SKIP
                and c.tag in ("VERB", "ADJ", "ADV", "NOUN", "PREP")
                and (c.tag != "PREP" or words)
            ):
                words.append(c.text)
            i += 1
        words = [
            w for w in words if (w not in lx.AUXILIARIES or w == "has") and w not in lx.PRONOUNS
        ]
        if (
            words[:1] == ["has"]
            and len(words) > 2
            and self._participle(words[1])
            and words[2] in lx.PREPOSITIONS
        ):
            words = words[1:]  # "whether it has been sent to the showroom": sent_to_showroom
        if words[:1] == ["has"]:
            words = words[:3]
        elif len(words) == 3 and self._participle(words[0]) and words[1] in lx.PREPOSITIONS:
            pass  # "whether it was sent to the showroom": sent_to_showroom
        else:
            words = words[-2:]
        if words and words[-1] in lx.PREPOSITIONS:
            words = words[:-1]
        if words:
            self.add_field(owner, FieldDraft(words, type="boolean", position=i))
        return i

    def _when(self, cs: list[Chunk], i: int, owner: str | None, closer: str | None) -> int:
        """``when it was taken`` -> taken_at; ``when I started`` -> start_date; ``where``."""
        word = cs[i].text if isinstance(cs[i], Token) else ""
        end = self._skip_clause(cs, i + 1, closer)
        if word == "where":
            name = self._where_name(cs[i + 1 : end])
            kind = "integer" if name == ["place"] else None
            self.add_field(owner, FieldDraft(name, type=kind, position=i))
            return end
        verb = next((c for c in cs[i + 1 : end] if isinstance(c, Token) and c.tag == "VERB"), None)
        name, kind = ["date"], "date"
        if verb is not None:
            base = self._base(verb.text)
            if base in _DATE_VERBS:
                name = [base, "date"]
            elif verb.text.endswith(("ed", "en")) or verb.text in lx.IRREGULAR_VERBS:
                name, kind = [verb.text, "at"], "datetime"
        self.add_field(owner, FieldDraft(name, type=kind, position=i))
        return end

    def _where_name(self, clause: list[Chunk]) -> list[str]:
        """``where I went`` -> destination, ``where I started from`` -> start location,
        ``where they live`` -> address; any other "where" is the location."""
        verbs = [self._base(c.text) for c in clause if isinstance(c, Token) and c.tag == "VERB"]
        last = clause[-1] if clause else None
        if (isinstance(last, Token) and last.text == "from") or set(verbs) & _SETTING_OUT:
            return ["start", "location"]
        if set(verbs) & _GOING:
            return ["destination"]
        if "live" in verbs:
            return ["address"]
        if set(verbs) & _PLACING:
            return ["place"]  # "where we placed", "where we finished in the ranking"
        return ["location"]

    def _what_clause(
        self, cs: list[Chunk], i: int, owner: str | None, closer: str | None
    ) -> int | None:
        """``what we practiced``, ``what they paid``: a field told as a clause.

        Named by its verb (practiced: text); a payment verb is an amount (paid_amount)."""
        j = i + 1
        pron = cs[j] if j < len(cs) else None
        after = cs[j + 1] if j + 1 < len(cs) else None
        kind = self._what_it_is(cs, i)
        if kind is not None:
            # "what it is (bowl, pen, lamp or other)", "what kind of stone it is": its kind
            words, j = kind
            draft = FieldDraft(words, position=i)
            self.add_field(owner, draft)
            return self._item_choices(cs, j, (",", "and", "(", ";", closer), draft)
        if (
            isinstance(pron, Token)
            and pron.text == "it"
            and isinstance(after, Token)
            and after.text in ("cost", "costs")
        ):
            # "what it cost us": the thing's cost
            self.add_field(owner, FieldDraft(["cost"], type="decimal", position=i))
            return self._skip_clause(cs, j + 2, closer)
        if not (isinstance(pron, Token) and pron.text in ("we", "i", "they", "he", "she")):
            return None
        j += 1
        while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("AUX", "ADV"):
            j += 1
        verb = cs[j] if j < len(cs) else None
        if not isinstance(verb, Token) or verb.tag != "VERB":
            return None
        base = self._base(verb.text)
        end = self._skip_clause(cs, j + 1, closer)
        if base in WHAT_MONEY_VERBS:
            draft = FieldDraft(
                [_participle_of(verb.text, base), "amount"], type="decimal", position=i
            )
        else:
            draft = FieldDraft([_participle_of(verb.text, base)], type="text", position=i)
        self.add_field(owner, draft)
        return end

    @staticmethod
    def _what_it_is(cs: list[Chunk], i: int) -> tuple[list[str], int] | None:
        """``what it is`` -> (["kind"], after it); ``what kind of stone it is`` ->
        (["stone", "type"], after it). None for any other "what" clause."""
        j = i + 1
        words = ["kind"]
        kind = cs[j] if j < len(cs) else None
        if isinstance(kind, Token) and kind.text in ("kind-of", "type-of", "sort-of"):
            thing = cs[j + 1] if j + 1 < len(cs) else None
            if not isinstance(thing, NP):
                return None
            words, j = [*thing.words[:-1], thing.singular, "type"], j + 2
        pron = cs[j] if j < len(cs) else None
        verb = cs[j + 1] if j + 1 < len(cs) else None
        after = cs[j + 2] if j + 2 < len(cs) else None
        if (
            isinstance(pron, Token)
            and pron.text in ("it", "they")
            and isinstance(verb, Token)
            and verb.text in ("is", "are", "'s", "'re", "was", "were")
            and (after is None or (isinstance(after, Token) and after.text in ("(", ",", "and")))
        ):
            return words, j + 2  # not "what it's worth"
        return None

    def _when_it_did(self, draft: FieldDraft, clause: list[Chunk], owner: str | None) -> None:
        """``the year it was wired`` -> year_wired; a second ``the date it's ready`` (after
        "the date it was poured") -> ready_date: so two dates stay two fields. A first
        date stays "date", which is what people call it."""
        if draft.words == ["date"]:
            have = self.r.entities[owner].fields if owner in self.r.entities else {}
            if "date" not in have:
                return
        elif draft.words != ["year"]:
            return
        verbs = [c.text for c in clause if isinstance(c, Token) and c.tag == "VERB"]
        others = [
            c.text if isinstance(c, Token) else c.head
            for c in clause
            if (isinstance(c, Token) and c.tag == "ADJ")
            or (isinstance(c, NP) and c.det is None and not c.mods)
        ]
        done = next(iter(verbs or others), None)
        if done is None or done in lx.AUXILIARIES or self._base(done) in _LIGHT_VERBS:
            return
        if draft.words == ["year"]:
            draft.words = ["year", done]
            draft.type = "integer"
        else:
            draft.words = [self._base(done), "date"]

    @staticmethod
    def _shared_head(cs: list[Chunk], i: int) -> str | None:
        """At ``swim`` in ``their swim, bike and run splits``: bare words listed before a
        plural compound whose head names a field share that head (swim_split, bike_split;
        the compound itself is run_split). None when the list is not so made."""

        def bare(c: Chunk | None) -> bool:
            return (
                isinstance(c, NP)
                and not c.mods
                and not c.adjs
                and c.det in (None, "their", "its", "his", "her", "the")
                and (c.head not in lx.ATTRIBUTE_NOUNS or c.head in SHARED_HEAD_MODIFIERS)
                and not c.plural
            )

        if not bare(cs[i]):
            return None
        j = i + 1
        while j + 1 < len(cs) and cs[j].text == "," and bare(cs[j + 1]):
            j += 2
        conj = cs[j] if j < len(cs) else None
        last = cs[j + 1] if j + 1 < len(cs) else None
        if not (isinstance(conj, Token) and conj.text in ("and", "or") and isinstance(last, NP)):
            return None
        if (
            len(last.words) == 2
            and last.plural
            and last.det is None
            and last.mods[0] not in lx.ATTRIBUTE_NOUNS
            and last.singular in lx.ATTRIBUTE_NOUNS
        ):
            return last.singular
        return None

    def _how_it_was(
        self, cs: list[Chunk], i: int, owner: str | None, closer: str | None
    ) -> int | None:
        """At ``how``: ``how bad it was [on a scale of 1 to 5]``, ``how I felt out of ten``,
        ``how they paid (cash or card)``: a field named by the quality (severity, feeling,
        payment method), an integer when a scale is given, the choices in brackets. None
        when the word after "how" names no quality."""
        nxt = cs[i + 1] if i + 1 < len(cs) else None
        word = None
        if isinstance(nxt, NP) and nxt.det is None and not nxt.mods and not nxt.adjs:
            word = nxt.head
        elif isinstance(nxt, Token) and nxt.tag == "ADJ":
            word = nxt.text
        elif isinstance(nxt, Token) and nxt.tag == "PRON" and i + 2 < len(cs):
            verb = cs[i + 2]
            word = verb.text if isinstance(verb, Token) and verb.tag == "VERB" else None
        name = HOW_NAMES.get(word or "")
        if name is None:
            return None
        draft = FieldDraft(name.split(), position=i)
        end = self._item_choices(cs, i + 1, (",", "and", "(", closer), draft)
        for j in range(i + 2, end):
            found = self._range_at(cs, j)
            if found is not None:
                (draft.minimum, draft.maximum), _ = found
                draft.type = "integer"
                break
        self.add_field(owner, draft)
        return end

    @staticmethod
    def _verb_after_modal(cs: list[Chunk], i: int) -> int | None:
        """Just past the verb at ``i``, or after a modal there ("they can offer"); None
        when no verb is there."""
        k = i
        modal = k < len(cs) and isinstance(cs[k], Token) and cs[k].text in lx.MODALS
        k += 1 if modal else 0
        c = cs[k] if k < len(cs) else None
        after = cs[k + 1] if k + 1 < len(cs) else None
        if modal and isinstance(after, Token) and after.tag == "PREP":
            return None  # "the languages they can guide in": what they do it in, records
        done = isinstance(c, Token) and (
            c.tag == "VERB" or (modal and c.text in ("do", "have"))  # "they can do it in"
        )
        return k + 1 if done else None

    @staticmethod
    def _type_in_brackets(cs: list[Chunk], i: int) -> str | None:
        """The type a bracket after a field's name gives it: "(date)", "(free text)",
        "(number)"; None when the brackets say something else."""
        if not (i + 2 < len(cs) and cs[i].text == "(" and cs[i + 2].text == ")"):
            return None
        inner = cs[i + 1]
        words = " ".join([*inner.adjs, *inner.words]) if isinstance(inner, NP) else inner.text
        if words in UNITS and words not in CURRENCIES:
            return "number"  # "height above ground (m)": a measure
        if words in CURRENCIES:
            return "decimal"  # "advance taken (₹)": money
        return _TYPE_HINTS.get(words)

    @staticmethod
    def _bare_item(cs: list[Chunk], i: int) -> bool:
        """Whether an item ends at ``i``: the line's end, a comma, or a remark in brackets
        ("medical conditions (free text)"), not a list of its own ("(name, qty)")."""
        nxt = cs[i] if i < len(cs) else None
        if nxt is None or (isinstance(nxt, Token) and nxt.text in (",", ".")):
            return True
        if not (isinstance(nxt, Token) and nxt.text == "("):
            return False
        inner = _bracketed(cs, i + 1)
        return "," not in inner and "and" not in inner

    def _who_did_it(
        self, cs: list[Chunk], i: int, owner: str | None, closer: str | None
    ) -> int | None:
        """``who <did> it|them [(a, b or c)]`` in a list of details: the one who did it
        to the record ("who referred them (GP, self or school)" -> referred_by, an enum
        of those). None if the words are not that."""
        verb = cs[i + 1] if i + 1 < len(cs) else None
        them = cs[i + 2] if i + 2 < len(cs) else None
        before = cs[i - 1] if i else None
        who = cs[i + 1] if i + 1 < len(cs) else None
        if (
            isinstance(who, NP)
            and who.det == "the"
            and isinstance(them, Token)
            and self._base(them.text) == "be"
            and self._ends_item(cs, i + 3, closer)
        ):
            # "who the auditor was": the auditor, one of the people kept or a name
            known = self._known_key(who)
            if known is not None and owner is not None and known != owner:
                self.relation(owner, known)
            else:
                self.add_field(owner, FieldDraft(self._field_words(who), position=i))
            return i + 3
        if not (
            isinstance(before, Token)
            and before.text in (",", "and", ":", "(")  # "the inspector who signed it": his
            and isinstance(verb, Token)
            and verb.tag in ("VERB", "AUX")
            and (verb.text.endswith("ed") or verb.text in lx.IRREGULAR_VERBS)
            and isinstance(them, Token)
            and them.text in ("them", "it", "him", "her")
        ):
            return None
        draft = FieldDraft([verb.text, "by"], position=i)
        j = i + 3
        particle = cs[j] if j < len(cs) else None
        if isinstance(particle, Token) and particle.text in ("off", "in", "out", "up", "over"):
            draft.words = [verb.text, particle.text, "by"]  # "who signed them off"
            j += 1
        if j < len(cs) and isinstance(cs[j], Token) and cs[j].text == "(":
            choices, after = self._choices(cs, j + 1, closer=")")
            if len(choices) >= 2:
                draft.choices, draft.type, j = choices, "enum", after
        person = self.last_person
        if (
            not draft.choices
            and person is not None
            and person != owner
            and self.r.entities[person].fields
            and (owner, person) not in self.r.relations
        ):
            # "members (name, email), and submissions with ... who submitted it": one of
            # the people the idea keeps (but "a sign-off with the member, ... and who
            # signed them off" is someone else's name)
            self.relation(owner, person)
        elif verb.text.endswith("ed"):
            self.add_field(owner, draft)
        else:
            return None  # "who did it" among people the idea does not keep: no name to give
        return self._skip_clause(cs, j, closer)

    def _skip_clause(self, cs: list[Chunk], i: int, closer: str | None) -> int:
        while i < len(cs):
            c = cs[i]
            if isinstance(c, Token) and (c.text in (",", "and") or c.text == closer):
                break
            i += 1
        return i

    def _boolean_word(self, word: str) -> bool:
        return word in BOOLEAN_WORDS


def _unit_at(cs: list[Chunk], k: int) -> bool:
    """Whether a unit ("litres", "km", "naira") is named at ``k``."""
    unit = cs[k] if k < len(cs) else None
    return isinstance(unit, NP) and "-".join(unit.words) in UNITS


def _in_currency(cs: list[Chunk], k: int) -> bool:
    """``(£)``, ``(KSh)`` at ``k``: the currency an amount is in."""
    unit = cs[k + 1] if k + 2 < len(cs) else None
    return (
        cs[k].text == "("
        and isinstance(unit, NP)
        and unit.head in CURRENCIES
        and cs[k + 2].text == ")"
        if k < len(cs)
        else False
    )
