"""Events described by a who/which clause: "who borrowed which game, when they took it
and when it came back".

People rarely name the record such a clause describes (a loan), only its sides (a
neighbour, a game) and its moments. The verb names the record when it has a usual
noun (borrow -> Loan, book -> Booking); any other verb ("who signed up for which hike",
"who played which piece") ties the two sides through a link entity. The "when ..."
clauses that follow are the event's dates.
"""

from __future__ import annotations

from collections.abc import Iterator

from launchforge_core.pipeline.extractor.base import ReaderBase
from launchforge_core.pipeline.extractor.chunks import NP, Chunk, token_text
from launchforge_core.pipeline.extractor.fields import FieldDraft
from launchforge_core.pipeline.extractor.grammar_words import PLACES_BOOKED
from launchforge_core.pipeline.extractor.roles import entity_words
from launchforge_core.pipeline.extractor.tokens import Token
from launchforge_core.pipeline.extractor.words import is_person, singular


# Verb (base form) -> the noun of the record that one act of it makes.
def _writers(cs: list[Chunk], start: int, end: int) -> Iterator[int]:
    """Where "I" or "we" stands from ``start`` to ``end``, up to the end of the sentence
    ("guests book a pitch, and we need ...": the writer's clause after an act)."""
    for k in range(start, end):
        c = cs[k]
        if isinstance(c, Token) and c.text in (".", ";", ":"):
            return
        if isinstance(c, Token) and c.text in ("i", "we"):
            yield k


# "residents report incidents to us": verbs that hand a thing in to the writer
_HANDED_IN = frozenset({"report", "send", "submit", "bring", "log", "raise", "file", "hand"})
EVENT_BY_VERB = {
    "borrow": "loan",
    "lend": "loan",
    "loan": "loan",
    "rent": "rental",
    "hire": "hire",
    "book": "booking",
    "reserve": "reservation",
    "buy": "purchase",
    "purchase": "purchase",
    "order": "order",
    "adopt": "adoption",
    "donate": "donation",
    "pay": "payment",
    "visit": "visit",
    "attend": "attendance",
    "check-out": "checkout",
    "review": "review",
    "rate": "rating",
}
# "when I inspect a hive I note ...": the record one act of the verb makes.
ACT_BY_VERB = {
    **EVENT_BY_VERB,
    "inspect": "inspection",
    "enter": "entry",
    "check": "check",
    "service": "service",
    "clean": "cleaning",
    "water": "watering",
    "feed": "feeding",
    "treat": "treatment",
    "weigh": "weighing",
    "groom": "grooming",
    "test": "test",
    "repair": "repair",
    "fix": "repair",
    "measure": "measurement",
    "walk": "walk",
    "bathe": "bath",
    "prune": "pruning",
    "mow": "mowing",
    "harvest": "harvest",
    "pick": "picking",
    "milk": "milking",
    "shear": "shearing",
    "vaccinate": "vaccination",
    "deliver": "delivery",
    "collect": "collection",
    "sell": "sale",
    "tune": "tuning",
    "survey": "survey",
    "audit": "audit",
    "assess": "assessment",
    "examine": "examination",
    # sports and outings: the act's own noun ("when someone runs a course": a run)
    "run": "run",
    "race": "race",
    "ride": "ride",
    "climb": "climb",
    "dive": "dive",
    "swim": "swim",
    "fly": "flight",
    "catch": "catch",
    "haul": "haul",
}
# Verbs by which the writer notes what follows: "I note the date, ...".
NOTING_VERBS = frozenset(
    """note record log write write-down track keep jot enter put add mark fill-in store
    save""".split()
)
# "..., and we need the arrival date": what is noted of a thing just told
_NOTED_OR_NEEDED = NOTING_VERBS | {"need", "want"}
# "when it came back", "when they took it": the date's name, by the verb (and particle).
MOMENT_NAMES = {
    "take": "taken",
    "come-back": "returned",
    "bring-back": "returned",
    "give-back": "returned",
    "get-back": "returned",
    "return": "returned",
    "go-out": "out",
    "get": "received",
    "give": "given",
    "come": "arrived",
    "leave": "left",
    "start": "started",
    "begin": "started",
    "end": "ended",
    "finish": "finished",
}


# "every time", "each time", "whenever": what follows happens again and again.
_EVERY_TIME_DETS = frozenset({"every", "each"})
# Who can do an act the writer then notes: the writer, or anyone.
_DOERS = frozenset({"i", "we", "someone", "somebody", "anyone", "anybody", "they", "he", "she"})
# "when a patient has a fall", "whenever he gets a reaction": what befalls the doer
_BEFALLING = frozenset({"have", "get", "suffer"})
# A going-to before the act: "go out to tune one".
_TRIP_VERBS = frozenset({"go", "come", "head", "pop", "drive", "get"})
# Verbs whose object names the act itself: "do a sweep", "carry out an inspection".
_LIGHT_VERBS = frozenset({"do", "carry-out", "make", "hold", "give"})
# The thing acted on, named again: "tune one", "check it".
_SAME_THING = frozenset({"one", "it", "them"})
# "I fill in a certificate with ...", "we issue a receipt with ...": a record made
_MAKING = frozenset({"fill-in", "write", "make", "issue", "create", "open", "raise", "start"})
# who notes what happened: "I note", "we log", "they log it with ..."
_NOTERS = frozenset({"i", "we", "they", "he", "she"})
# Verbs too general to name a record by their -ing form ("when I get a horse").
_NOT_ACTS = frozenset(
    """be have get see find go come take put keep want need like love use know think say
    tell ask call start finish open close leave let try""".split()
)


def _aux_or_adverb(chunk: Chunk) -> bool:
    """``has``, ``always``: words between a doer and the act."""
    return isinstance(chunk, Token) and chunk.tag in ("AUX", "ADV")


def _gerund(base: str) -> str:
    """The act's noun by its -ing form: shoe -> shoeing, tune -> tuning, trim -> trimming."""
    if base.endswith("ie"):
        return f"{base[:-2]}ying"
    if base.endswith("e") and len(base) > 2 and base[-2] not in "aeiouy":
        return f"{base[:-1]}ing"
    if (
        3 <= len(base) <= 6
        and sum(ch in "aeiou" for ch in base) == 1  # one syllable: split, scrub (not visit)
        and base[-1] not in "aeiouwxy"
        and base[-2] in "aeiou"
        and base[-3] not in "aeiou"
    ):
        return f"{base}{base[-1]}ing"
    return f"{base}ing"


class EventReader(ReaderBase):
    def read_when_i(self, cs: list[Chunk], i: int) -> int | None:
        """At ``when``: ``when I inspect a hive I note the date, ...``.

        The act is a record of its own (an Inspection of the Hive) and what is noted
        its fields. None when the sentence is not that, or the verb names no record."""
        j = i + 1
        happening = cs[j] if j < len(cs) else None
        if (
            isinstance(happening, NP)
            and happening.det in ("a", "an", "the")
            and self.role(happening) == "entity"
        ):
            done = self._when_it_happens(cs, j, happening)
            if done is not None:
                return done
        bought = self._bulk_acted_on(cs, j)
        if bought is not None:
            return bought  # "when fuel is bought we record ..."
        return self._act_then_note(cs, j)

    def _act_then_note(self, cs: list[Chunk], j: int) -> int | None:
        """At the doer: ``I [go out to] VERB a THING, I note <attributes>``.

        The doer is the writer ("I", "we"), anyone ("someone hires a tool"), or a kind
        of person the idea keeps ("a member borrows a book": the record is that
        member's too). The thing may be named again by a pronoun ("tune one") or be
        the act itself ("do a sweep"). The verb names the record (tune -> Tuning)."""
        doer = cs[j] if j < len(cs) else None
        doer_at = j
        if isinstance(doer, Token) and doer.text in ("something", "anything", "one"):
            return self._something_happens(cs, j)
        person: NP | None = None
        befalls = self._what_befalls(cs, j + 1)
        if isinstance(doer, NP) and self.role(doer) == "entity" and is_person(doer.singular):
            person = doer
        elif isinstance(doer, NP) and befalls is not None and self.role(doer) == "entity":
            person = doer  # "each time a hive has a swarm": the swarm is the hive's
        elif not (isinstance(doer, Token) and doer.text in _DOERS):
            return None
        j += 1
        visit = self._come_in_for(cs, j) if befalls is None else None
        if visit is not None:
            came_for = cs[visit]  # "when they come in for an eye test": the test
            assert isinstance(came_for, NP)
            befalls, j = came_for, visit - 1
        while befalls is None and j < len(cs) and _aux_or_adverb(cs[j]):
            j += 1
        j = self._past_a_trip(cs, j)
        verb = cs[j] if j < len(cs) else None
        base = self._act_verb(verb)
        thing = cs[j + 1] if j + 1 < len(cs) else None
        told = j + 2  # where what the writer notes is told: past the verb and its object
        parent: str | None = None
        event_np: NP | None = None
        if befalls is not None:
            event_np = befalls  # "when he has a reaction": the reaction is the record
        elif (
            isinstance(verb, Token)
            and verb.tag == "VERB"
            and isinstance(thing, NP)
            and person is not None
            and thing.det in ("their", "his", "her")
            and not thing.owner
            and self.role(thing) in ("entity", "attribute")
        ):
            event_np = thing  # "when a pupil takes their practical test": the pupil's
        elif (
            base in ACT_BY_VERB
            and person is not None
            and isinstance(cs[j - 1], Token)
            and cs[j - 1].tag == "AUX"
        ):
            # "when a gymnast is assessed [for a badge], the coach records ...": the act
            # done to the person, named by its verb (the badge is only what it is for)
            prep = isinstance(thing, Token) and thing.tag == "PREP"
            after = j + 3 if prep and j + 2 < len(cs) and isinstance(cs[j + 2], NP) else j + 1
            if self._what_i_note(cs, after, skip=("PUNCT", "ADV")) is None:
                return None
            told = after
        elif (
            base in ACT_BY_VERB
            and person is not None
            and isinstance(thing, Token)
            and thing.text in _NOTERS
            and self._what_i_note(cs, j + 1, skip=("ADV",)) is not None
        ):
            told = j + 1  # "when a customer orders we log the order date, ...": no object
        elif (
            isinstance(verb, Token)
            and self._base(verb.text) in _LIGHT_VERBS | {"take"}
            and isinstance(thing, NP)
            and thing.det in ("a", "an")
            and not (thing.owner or thing.mods)
            and self.role(thing) == "attribute"
        ):
            # "when they take a dose I log the date, how many puffs ...": a field word
            # done once each time, with what is noted of it, is a record of its own
            event_np = thing
        elif (
            isinstance(thing, NP)
            and thing.plural
            and thing.det in ("some", "several")
            and base not in ACT_BY_VERB
            and self.role(thing) == "entity"
        ):
            # "the student performs a few pieces, so I keep the title, author, ...": the
            # pieces are what is noted, each of them a record (the student's are through
            # what they are performed for)
            event_np, person = thing, None
            each = cs[doer_at - 1] if token_text(cs, doer_at - 2) == "for" else None
            if isinstance(each, NP) and each.each:
                parent = self._known_key(each)  # "for every exam the student performs ..."
        elif base is None or thing is None:
            return self._any_act_then_record(cs, told, person)
        elif isinstance(thing, Token) and thing.text == ",":
            # "and when they pay, a payment with date and amount": the record, said alone
            return self._record_said_after(cs, j + 2, doer, person)
        elif base in ACT_BY_VERB and self._bulk(thing):
            assert isinstance(thing, NP)
            event_np = self._bulk_act(thing, base)  # "when we buy fuel": a FuelPurchase
        elif isinstance(thing, NP) and (
            self.role(thing) == "entity" or thing.singular in self.r.entities
        ):
            if base in _LIGHT_VERBS and thing.det in ("a", "an") and not thing.owner:
                event_np = thing  # "do a sweep": the act is named
            elif thing.det in ("my", "our", "your"):
                return None  # "when I open my shop": a place, not one of many
            else:
                parent = self._known_compound(self.entity(thing, strength=1))
        elif isinstance(thing, Token) and thing.text in _SAME_THING and self.last_entity:
            parent = self._the_thing_again(self.last_entity)  # "tune one", "check it"
        elif (
            base in ACT_BY_VERB
            and isinstance(thing, Token)
            and thing.text in ("from", "to", "for", "with")
            and isinstance(whom := cs[j + 2] if j + 2 < len(cs) else None, NP)
            and whom.det in ("a", "an", "the", "one")
            and is_person(whom.singular)
            and self.role(whom) == "entity"
        ):
            # "every time we buy from a farmer we record ...": a purchase, the farmer's
            parent = self._known_compound(self.entity(whom, strength=1))
            told = j + 3
        else:
            return None
        noun = None if event_np or base is None else ACT_BY_VERB.get(base) or _gerund(base)
        if noun is None and event_np is None:
            return None
        found = self._who_notes_what(cs, told, skip=("PUNCT", "ADV", "CONJ"))
        noter, noted = found if found is not None else (None, None)
        logged = cs[noted] if noted is not None and event_np is None else None
        if (
            noted is not None
            and isinstance(logged, NP)
            and logged.det in ("a", "an")
            and self.role(logged) == "entity"
            and token_text(cs, noted + 1) in (":", "-", None)
        ):
            # "each time someone splits a flask we log a passage: ...": the passage is the
            # record (the act, and what it was done to, only say when one is made)
            return noted
        if noted is None and event_np is None:
            # "whenever I inspect a property I fill in a certificate with the number, ...":
            # the record is named, and is of what was acted on
            named = self._record_made(cs, told)
            if named is not None:
                event_np, noted = named
        if noted is None:
            return None
        where = thing.index if isinstance(thing, NP) else verb.index if isinstance(verb, NP) else 0
        event = self.entity(
            event_np or NP(head=str(noun), det="a", index=where),
            strength=2,
            listed=True,
            force=event_np is not None,
        )
        if parent is not None:
            self.relation(event, parent)
        if person is not None:
            self.relation(event, self.entity(person, strength=1))
        elif (
            befalls is not None
            and isinstance(doer, Token)
            and doer.text in ("he", "she", "they")
            and self.last_person
        ):
            self.relation(event, self.last_person)  # "whenever he has a reaction": his
        if noter is not None:
            self.relation(event, self.entity(noter, strength=1))  # "the coach records"
        self.last_entity = event
        return self.read_fields(cs, noted, event, closer=None)

    def _record_said_after(
        self, cs: list[Chunk], k: int, doer: Chunk | None, person: NP | None
    ) -> int | None:
        """At ``a payment with date and amount`` after "when they pay,": the record (of
        the person who acted) and its fields; None if the words are not that."""
        record = cs[k] if k < len(cs) else None
        then = cs[k + 1] if k + 1 < len(cs) else None
        if not (
            isinstance(record, NP)
            and record.det in ("a", "an")
            and isinstance(then, Token)
            and then.text in ("with", ":")
            and self.role(record) in ("entity", "attribute")
            and self._looks_like_field_list(cs, k + 2)
        ):
            return None
        event = self.entity(record, strength=2, listed=True, force=True)
        if event is None:
            return None
        if person is not None:
            self.relation(event, self.entity(person, strength=1))
        elif isinstance(doer, Token) and doer.text in ("he", "she", "they") and self.last_person:
            self.relation(event, self.last_person)  # "when they pay": the customer's
        self.last_entity = event
        return self.read_fields(cs, k + 2, event, closer=None)

    def _bulk(self, thing: Chunk | None) -> bool:
        """``fuel``, ``hay``: a bare singular noun no record of the idea, bought or used by
        the amount, not one of many."""
        return (
            isinstance(thing, NP)
            and thing.det is None
            and not (thing.plural or thing.numbers or thing.owner)
            and thing.singular not in self.r.entities
            and self.role(thing) in ("entity", "attribute")
        )

    def _bulk_act(self, thing: NP, base: str) -> NP:
        """The record one act on a bulk thing makes: buy fuel -> a fuel purchase."""
        return NP(
            head=ACT_BY_VERB[base], mods=[*thing.mods, thing.head], det="a", index=thing.index
        )

    def _bulk_acted_on(self, cs: list[Chunk], j: int) -> int | None:
        """At the thing: ``[every time] fuel is bought [for a gen], we record the date,
        ...``: the act's record (a FuelPurchase) with what is noted as its fields; None
        if the words are not that."""
        thing = cs[j] if j < len(cs) else None
        k = j + 1
        while k < len(cs) and _aux_or_adverb(cs[k]):
            k += 1
        base = self._act_verb(cs[k] if k < len(cs) else None)
        if not (k > j + 1 and base in ACT_BY_VERB and self._bulk(thing)):
            return None
        assert isinstance(thing, NP)
        assert base is not None
        k += 1
        kept: list[str] = []  # "harvested from a pan": the pan kept is the act's
        while k + 1 < len(cs) and isinstance(cs[k], Token) and cs[k].tag == "PREP":
            where = cs[k + 1]  # "... for the shop"
            if isinstance(where, NP) and (key := self._known_key(where)) is not None:
                kept.append(key)
            k += 2
        found = self._who_notes_what(cs, k, skip=("PUNCT", "ADV", "CONJ"))
        if found is None:
            return None
        noter, noted = found
        event = self.entity(self._bulk_act(thing, base), strength=2, listed=True, force=True)
        for key in kept:
            self.relation(event, key)
        if noter is not None:
            self.relation(event, self.entity(noter, strength=1))
        self.last_entity = event
        return self.read_fields(cs, noted, event, closer=None)

    def _something_happens(self, cs: list[Chunk], j: int) -> int | None:
        """At ``something``: ``when something sells I write down the date, ...``: the
        act's record (a Sale), with what is noted as its fields; None if not that."""
        base = self._act_verb(cs[j + 1] if j + 1 < len(cs) else None)
        noun = ACT_BY_VERB.get(base or "")
        noted = self._what_i_note(cs, j + 2, skip=("PUNCT", "ADV")) if noun else None
        if noun is None or noted is None:
            return None
        event = self.entity(NP(head=noun, det="a", index=j), strength=2, listed=True)
        self.last_entity = event
        return self.read_fields(cs, noted, event, closer=None)

    def _come_in_for(self, cs: list[Chunk], j: int) -> int | None:
        """At the verb: ``come [in|round] for an eye test``: where the thing come for
        (a record of its own) stands; None if the words are not that."""
        verb = cs[j] if j < len(cs) else None
        if not (isinstance(verb, Token) and self._base(verb.text) in ("come", "go", "pop")):
            return None
        k = j + 1
        while k < len(cs) and isinstance(cs[k], Token) and cs[k].text in ("in", "round", "back"):
            k += 1
        thing = cs[k + 1] if k + 1 < len(cs) else None
        if (
            k < len(cs)
            and isinstance(cs[k], Token)
            and cs[k].text == "for"
            and isinstance(thing, NP)
            and thing.det in ("a", "an", "their", "his", "her")
            and self.role(thing) == "entity"
        ):
            return k + 1
        return None

    def _what_befalls(self, cs: list[Chunk], j: int) -> NP | None:
        """At the verb: ``has|gets|suffers a THING`` (one of many, no one's): the thing,
        a record of its own ("when a patient has a fall I note ..."); else None."""
        verb = cs[j] if j < len(cs) else None
        thing = cs[j + 1] if j + 1 < len(cs) else None
        if (
            isinstance(verb, Token)
            and self._base(verb.text) in _BEFALLING
            and isinstance(thing, NP)
            and thing.det in ("a", "an")
            and not thing.owner
            and self.role(thing) == "entity"
        ):
            return thing
        return None

    def _any_act_then_record(self, cs: list[Chunk], k: int, person: NP | None) -> int | None:
        """``when I take a tablet for it I log a dose with <attributes>``: whatever the act,
        the record named is one of its own, of the last thing named (for "it" / "one")
        and of the person who acted."""
        named = self._record_made(cs, k)
        if named is None:
            return None
        record, at = named
        prior = self.last_entity
        child = self.entity(record, strength=2, listed=True, force=True)
        if child is None:
            return None
        about = [c for c in cs[k:at] if isinstance(c, Token) and c.text in ("it", "one")]
        if about and prior and prior != child:
            # "looking for one", "for it": the last thing named
            self.relation(child, self._the_thing_again(prior))
        if person is not None:
            self.relation(child, self.entity(person, strength=1))
        self.last_entity = child
        return self.read_fields(cs, at, child, closer=None)

    def _record_made(self, cs: list[Chunk], k: int) -> tuple[NP, int] | None:
        """From ``k``: ``[,] I fill in|write|make a RECORD with <attributes>``: the record
        and where its attributes start; None if the clause is not that."""
        # past a short phrase first: "when I take a tablet for it, I log a dose with ..."
        for ahead in range(k, min(k + 4, len(cs))):
            c = cs[ahead]
            if isinstance(c, Token) and c.text in (".", ";", ":"):
                return None
            if isinstance(c, Token) and c.text in _NOTERS:
                k = ahead
                break
        pron, verb, record, with_ = (cs[n] if n < len(cs) else None for n in range(k, k + 4))
        if (
            isinstance(pron, Token)
            and pron.text in _NOTERS
            and isinstance(verb, Token)
            and verb.tag == "VERB"
            and (self._base(verb.text) in NOTING_VERBS or self._base(verb.text) in _MAKING)
            and isinstance(record, NP)
            and record.det in ("a", "an")
            and self.role(record) in ("entity", "attribute")
            and isinstance(with_, Token)
            and with_.text in ("with", ":")
        ):
            return record, k + 4
        return None

    def _the_thing_again(self, last: str) -> str:
        """What "one" or "it" names: the last thing named, or when that was a person
        ("each piano belongs to one customer. when I tune one"), the thing they have."""
        if not is_person(last):
            return last
        theirs = [c for c, p in self.r.relations if p == last and not is_person(c)]
        return theirs[-1] if theirs else last

    def _past_a_trip(self, cs: list[Chunk], j: int) -> int:
        """``go out to tune one``, ``come round to check it``: the index of the act after
        a going-to; ``j`` itself when there is none."""
        verb = cs[j] if j < len(cs) else None
        if not (isinstance(verb, Token) and self._base(verb.text) in _TRIP_VERBS):
            return j
        k = j + 1
        while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag == "ADV":
            k += 1
        if k < len(cs) and isinstance(cs[k], Token) and cs[k].text == "to":
            return k + 1
        return j

    def _act_verb(self, chunk: Chunk | None) -> str | None:
        """The base form of the verb of an act, also when the chunker took it for a
        bare noun after "to" ("to tune": NP(tune)); None if it is no act."""
        if isinstance(chunk, Token) and chunk.tag == "VERB":
            base = self._base(chunk.text)
            if base == chunk.text and base.endswith("s") and not base.endswith("ss"):
                base = singular(base)  # a verb no word list knows: "flips" -> flip
            elif base == chunk.text and base.endswith("ed"):
                # "assessed", "serviced": the act a list of acts knows by its base
                base = next((b for b in (base[:-2], base[:-1]) if b in ACT_BY_VERB), base)
        elif (
            isinstance(chunk, NP)
            and chunk.det is None
            and not chunk.mods
            and not chunk.adjs
            and chunk.head in ACT_BY_VERB
        ):
            base = chunk.head
        else:
            return None
        return None if base in _NOT_ACTS else base

    def read_every_time(self, cs: list[Chunk], i: int) -> int | None:
        """At ``every time`` / ``whenever``: ``A VERB B, [we] VERB C [with ...]``.

        "every time a kid does a chore i add a log entry with the date": the entry is
        one kid's doing of one chore, so a child of both (and the chore is not the kid's).
        None if the sentence does not go that way."""
        j = i + 1
        if j < len(cs) and isinstance(cs[j], Token) and cs[j].text in _DOERS:
            return self._act_then_note(cs, j)  # "each time I shoe a horse I record ..."
        bought = self._bulk_acted_on(cs, j)
        if bought is not None:
            return bought  # "every time fuel is bought we record ..."
        doer = cs[j] if j < len(cs) else None
        verb = cs[j + 1] if j + 1 < len(cs) else None
        if isinstance(doer, NP) and self._what_befalls(cs, j + 1) is not None:
            return self._act_then_note(cs, j)  # "each time a patient has a fall I note ..."
        if not (
            isinstance(doer, NP)
            and (self.role(doer) == "entity" or doer.singular in self.r.entities)
            and isinstance(verb, Token)
            and verb.tag == "VERB"
        ):
            return None
        k = j + 2
        while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag in ("PREP", "ADV"):
            k += 1
        done = cs[k] if k < len(cs) else None
        if not isinstance(done, NP) or self.role(done) != "entity":
            # "whenever a family babysits for another we log the session with ...": the
            # record is named by the noting clause, and is the doer's
            return self._doer_then_record(cs, k, doer)
        k += 1
        while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag in ("PUNCT", "PRON", "AUX"):
            if cs[k].text in (".", ";"):
                return None
            k += 1
        act = cs[k] if k < len(cs) else None
        if (
            isinstance(act, Token)
            and self._base(act.text) in ("want", "need", "have", "like")
            and token_text(cs, k + 1) == "to"
        ):
            k += 2  # "... I want to log a volunteer entry with ...": the logging
            act = cs[k] if k < len(cs) else None
        record = cs[k + 1] if k + 1 < len(cs) else None
        if not (
            isinstance(act, Token)
            and act.tag == "VERB"
            and isinstance(record, NP)
            and self.role(record) == "entity"
        ):
            return None
        a, b = self.entity(doer, strength=1), self.entity(done, strength=1)
        event = self.entity(record, strength=2, listed=True)
        self.relation(event, a)
        self.relation(event, b)
        self.last_entity = event
        return self.read_posts(cs, k + 2, event)

    def _doer_then_record(self, cs: list[Chunk], k: int, doer: NP) -> int | None:
        """From ``k``, a few words on: ``we log the session with <fields>``; the session is
        a record of the doer's. None if no such clause follows in the sentence."""
        for j in range(k, min(k + 6, len(cs))):
            c = cs[j]
            if isinstance(c, Token) and c.text in (".", ";"):
                return None
            if not (isinstance(c, Token) and c.text in ("i", "we")):
                continue
            verb, record, then = (cs[n] if n < len(cs) else None for n in (j + 1, j + 2, j + 3))
            if not (
                isinstance(verb, Token)
                and verb.tag == "VERB"
                and self._base(verb.text) in NOTING_VERBS
                and isinstance(record, NP)
                and record.det in ("a", "an", "the")
                and self.role(record) == "entity"
                and isinstance(then, Token)
                and then.text in ("with", ":")
            ):
                return None
            child = self.entity(record, strength=2, listed=True)
            self.relation(child, self.entity(doer, strength=1, force=True))
            self.last_entity = child
            return self.read_fields(cs, j + 4, child, closer=None)
        return None

    def read_act_between(self, cs: list[Chunk], j: int, doer: str, base: str) -> int | None:
        """At the object of ``DOERS VERB a THING``, a verb with a usual record ("guests
        book a pitch for a stay, and we need the arrival date, ..."): the record (a
        Booking) is of the people and of the thing, and what is noted later in the
        sentence is its fields. None when nothing is noted of it there."""
        noun = EVENT_BY_VERB.get(base)
        thing = cs[j] if j < len(cs) else None
        if not isinstance(thing, NP):
            return None
        if noun is None:
            # "residents report incidents to us and we log the date, which street, ...":
            # what is noted is of the thing reported, not of whoever reports it
            return self._object_noted(cs, j, thing) if base in _HANDED_IN else None
        on, place = (cs[k] if k < len(cs) else None for k in (j + 1, j + 2))
        if (
            thing.head in PLACES_BOOKED
            and isinstance(on, Token)
            and on.text in ("on", "in", "for", "at")
            and isinstance(place, NP)
            and self.role(place) == "entity"
        ):
            thing, j = place, j + 2  # "book a place on a course": the course is booked
        noted = None
        k = next(_writers(cs, j + 1, min(j + 8, len(cs))), None)  # the first "I"/"we" decides
        if k is not None:
            verb = cs[k + 1] if k + 1 < len(cs) else None
            first = k + 2
            while first < len(cs) and isinstance(cs[first], Token) and cs[first].tag == "DET":
                first += 1
            if (
                isinstance(verb, Token)
                and self._base(verb.text) in _NOTED_OR_NEEDED
                and first < len(cs)
                and self._notable(cs[first])
                and not self._theirs(cs[first])
            ):
                noted = k + 2
        if noted is None:
            # "guests book onto an event ... a booking has ...": if the idea keeps such a
            # record, it is of both
            if (
                self.role(thing) == "entity"
                and is_person(doer)
                and not thing.plural
                and thing.head not in PLACES_BOOKED
            ):
                self.r.pending.append((noun, doer))
                self.r.pending.append((noun, "-".join(entity_words(thing))))
            return None
        record = self.entity(NP(head=noun, det="a", index=thing.index), strength=2, listed=True)
        self.relation(record, doer)
        self.relation(record, self.entity(thing, strength=1))
        self.last_entity = record
        return self.read_fields(cs, noted, record, closer=None)

    def _object_noted(self, cs: list[Chunk], j: int, thing: NP) -> int | None:
        """At ``incidents`` of "residents report incidents to us and we log ...": the
        fields noted later in the sentence, of the thing handed in; None when none are."""
        if not (thing.plural or thing.det in ("a", "an")) or self.role(thing) != "entity":
            return None
        noted = next(
            (
                k + 2
                for k in _writers(cs, j + 1, min(j + 6, len(cs) - 1))
                if isinstance(cs[k + 1], Token) and self._base(cs[k + 1].text) in _NOTED_OR_NEEDED
            ),
            None,
        )
        first = cs[noted] if noted is not None and noted < len(cs) else None
        if noted is None or self._theirs(first) or (isinstance(first, NP) and first.owner):
            return None  # "customers bring in instruments, so I need the customer's name"
        record = self.entity(thing, strength=2, listed=True)
        if record is None:
            return None
        self.last_entity = record
        return self.read_fields(cs, noted, record, closer=None)

    @staticmethod
    def _theirs(chunk: Chunk | None) -> bool:
        """``their name``: "tenants rent the units, we need their name" is the tenants'."""
        return isinstance(chunk, NP) and chunk.det in ("their", "his", "her")

    def _when_it_happens(self, cs: list[Chunk], j: int, happening: NP) -> int | None:
        """``when an adoption goes through we record the date and the fee``: the thing
        that happens is a record, and what is noted its fields."""
        k = j + 1
        while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag in ("AUX", "ADV", "PREP"):
            k += 1
        verb = cs[k] if k < len(cs) else None
        if not isinstance(verb, Token) or verb.tag != "VERB":
            return None
        if is_person(happening.singular) and self._act_verb(verb) in ACT_BY_VERB:
            return None  # "when a gymnast is assessed": the assessment is the record
        noted = self._what_i_note(cs, k + 1, skip=("ADV", "PREP", "PUNCT"))
        if noted is None:
            return None
        event = self.entity(happening, strength=2, listed=True)
        if event is None:
            return None
        self.last_entity = event
        return self.read_fields(cs, noted, event, closer=None)

    def _what_i_note(self, cs: list[Chunk], k: int, skip: tuple[str, ...]) -> int | None:
        """From ``k``: ``[, ] I [always] note|record|write down <attributes>``, in the same
        sentence. The index of the first attribute noted, or None if the clause is not that."""
        found = self._who_notes_what(cs, k, skip)
        return found[1] if found is not None else None

    def _who_notes_what(
        self, cs: list[Chunk], k: int, skip: tuple[str, ...]
    ) -> tuple[NP | None, int] | None:
        """:meth:`_what_i_note`, with the person the idea keeps who notes it ("..., the
        coach records the date"; None for "I", "we", "they")."""
        while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag in skip:
            if cs[k].text in (".", ";", ":"):
                return None
            k += 1
        noter: NP | None = None
        who = cs[k] if k < len(cs) else None
        if (
            isinstance(who, NP)
            and who.det in ("the", "a", "their", "his", "her")
            and is_person(who.singular)
            and self.role(who) == "entity"
        ):
            noter = who
        elif not (isinstance(who, Token) and who.text in _NOTERS):
            return None
        k += 1
        while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag in ("AUX", "ADV"):
            k += 1
        wish = cs[k] if k < len(cs) else None
        if (
            isinstance(wish, Token)
            and self._base(wish.text) in ("want", "need", "like", "have")
            and k + 1 < len(cs)
            and isinstance(cs[k + 1], Token)
            and cs[k + 1].text == "to"
        ):
            k += 2  # "I want to log the date": what is noted all the same
        note = cs[k] if k < len(cs) else None
        if (
            isinstance(note, Token)
            and self._base(note.text) in NOTING_VERBS
            and [c.text if isinstance(c, Token) else "" for c in cs[k + 1 : k + 3]]
            == ["it", "with"]
        ):
            return noter, k + 3  # "whenever someone flips a vial they log it with their initials"
        given = cs[k + 2] if k + 2 < len(cs) else None
        if (
            isinstance(note, Token)
            and self._base(note.text) in ("give", "assign")
            and isinstance(cs[k + 1], Token)
            and cs[k + 1].text in ("it", "them")
            and isinstance(given, NP)
            and self.role(given) == "attribute"
        ):
            return (
                noter,
                k + 2,
            )  # "when an animal is brought in we give it a reference and note ..."
        taken = cs[k + 1] if k + 1 < len(cs) else None
        took_theirs = (
            isinstance(note, Token)
            and self._base(note.text) == "take"
            and isinstance(taken, NP)
            and taken.det in ("their", "his", "her")
        )  # "when someone enters a class we take their tractor make": noted of the act
        if not (
            isinstance(note, Token)
            and note.tag == "VERB"
            and (self._base(note.text) in NOTING_VERBS or took_theirs)
            and k + 1 < len(cs)
            and self._notable(cs[k + 1])
        ):
            return None
        if self._record_made(cs, k - 1) is not None:
            return None  # "I fill in a certificate with ...": a record of its own
        return noter, k + 1

    def _notable(self, chunk: Chunk) -> bool:
        """What a record notes first: an attribute, or a thing the idea keeps already
        ("we write down the tool, the customer, the date"), or a yes/no ("whether they
        have paid")."""
        if isinstance(chunk, Token):
            return chunk.text == "whether"
        return isinstance(chunk, NP) and (
            self.role(chunk) in ("attribute", "period") or chunk.singular in self.r.entities
        )

    def read_who_which(self, cs: list[Chunk], i: int) -> int | None:
        """At ``who``: ``who VERB [prep] which/what THING``; None if it is not that clause."""
        j = i + 1
        while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("AUX", "ADV"):
            j += 1
        verb = cs[j] if j < len(cs) else None
        if not isinstance(verb, Token) or verb.tag != "VERB":
            return None
        j += 1
        while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("PREP", "ADV"):
            j += 1
        wh = cs[j] if j < len(cs) else None
        thing = cs[j + 1] if j + 1 < len(cs) else None
        if not (
            isinstance(wh, Token)
            and wh.text in ("which", "what")
            and isinstance(thing, NP)
            and self.role(thing) == "entity"
        ):
            return None
        person = self.last_person or next(
            (k for k in reversed(self.r.entities) if is_person(k)), None
        )
        thing_key = self._known_compound(self.entity(thing, strength=2))
        if person is None or thing_key is None or thing_key == person:
            return None
        base = self._base(verb.text)
        noun = EVENT_BY_VERB.get(base)
        if noun is None:
            if (thing_key, person) not in self.r.links:
                self.r.links.append((thing_key, person))  # "who signed up for which hike"
            return j + 2
        event = self.entity(NP(head=noun, det="a", index=thing.index), strength=2)
        sides = {person, thing_key}
        self.r.relations[:] = [
            r for r in self.r.relations if set(r) != sides
        ]  # the event ties them
        self.relation(event, person)
        self.relation(event, thing_key)
        self.last_entity = event
        return self._moments(cs, j + 2, event)

    def _known_compound(self, key: str | None) -> str | None:
        """``which game`` after "board games": the board game (merged later by name)."""
        longer = [k for k in self.r.entities if k.endswith(f"-{key}")]
        return longer[0] if key and len(longer) == 1 else key

    def _moments(self, cs: list[Chunk], j: int, event: str | None) -> int:
        """``, when they took it and when it came back``: the event's dates."""
        while j < len(cs):
            k = j
            while k < len(cs) and isinstance(cs[k], Token) and cs[k].text in (",", "and"):
                k += 1
            if not (k < len(cs) and isinstance(cs[k], Token) and cs[k].text == "when"):
                return j
            k += 1
            while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag in ("PRON", "AUX"):
                k += 1
            verb = cs[k] if k < len(cs) else None
            if not isinstance(verb, Token) or verb.tag != "VERB":
                return j
            base = self._base(verb.text)
            k += 1
            while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag in ("PRON", "ADV"):
                if cs[k].tag == "ADV" and f"{base}-{cs[k].text}" in MOMENT_NAMES:
                    base = f"{base}-{cs[k].text}"  # "came back"
                k += 1
            name = MOMENT_NAMES.get(base) or (
                verb.text if verb.text.endswith("ed") else f"{base.rstrip('e')}ed"
            )
            self.add_field(event, FieldDraft(["date", name], type="date", position=k))
            j = k
        return j
