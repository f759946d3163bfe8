"""Prose clauses: subjects, verbs, objects and the phrases around them.

``members book classes``, ``each recipe has ingredients``, ``jobs are assigned to a
crew``, ``for each dog I note its breed``, ``which songs go in each setlist``.
"""

from __future__ import annotations

from launchforge_core.pipeline.extractor import lexicon as lx
from launchforge_core.pipeline.extractor.base import ReaderBase
from launchforge_core.pipeline.extractor.chunks import NP, Chunk, token_text
from launchforge_core.pipeline.extractor.events import NOTING_VERBS
from launchforge_core.pipeline.extractor.fields import FieldDraft
from launchforge_core.pipeline.extractor.grammar_words import (
    CHILD_VERBS,
    CREATING_VERBS,
    HAVE_VERBS,
    JOINING_VERBS,
    NEVER_COUNTED,
    PERSONAL_EVENTS,
    PLACES_BOOKED,
    RELATION_PREPS,
    RELATION_VERBS,
    TYING_VERBS,
    UNITS,
)
from launchforge_core.pipeline.extractor.roles import entity_words, meta_owner
from launchforge_core.pipeline.extractor.tokens import Token
from launchforge_core.pipeline.extractor.words import is_event, is_person

# "each player plays for one team", "every driver works for one depot": whose it is
SERVING_VERBS = frozenset({"play", "work", "ride", "race", "drive", "volunteer", "compete"})
# "one record per buyer", "a card for each horse": the word for one of the records
_RECORD_WORDS = frozenset({"record", "entry", "row", "card", "file", "profile", "page", "sheet"})
# "we record a result: ...", "I log a walk with ...": verbs that make a record
_SEVERAL = frozenset({"several", "multiple", "many"})
_RECORDING_VERBS = frozenset({"record", "log", "add", "create", "enter", "keep", "note"})
# "we'd like a monthly count", "I want totals": what a writer asks of a summary
_VIEW_NOUNS = lx.SUMMARY_NOUNS | lx.AGGREGATE_WORDS | {"report", "reports", "summary"}
_PERIOD_ADJECTIVES = frozenset({"daily", "weekly", "monthly", "yearly", "annual", "termly"})
_ASKER_TAGS = frozenset({"PRON", "AUX", "ADV", "VERB"})


class ClauseReader(ReaderBase):
    # --- clauses --------------------------------------------------------------------------

    def _for_one_we_note(self, cs: list[Chunk], i: int) -> bool:
        """``for a booking we need ...``, ``for the commission itself I log ...``: at the
        start of a clause, one of a kept kind of record, then the writer and a verb."""
        np = cs[i + 1] if i + 1 < len(cs) else None
        if not (
            isinstance(np, NP)
            and np.det in ("a", "an", "the")
            and not np.plural
            and self.role(np) == "entity"
            and self._clause_start(cs, i)
        ):
            return False
        j = i + 2
        if j < len(cs) and isinstance(cs[j], Token) and cs[j].text == "itself":
            j += 1
        first = cs[j] if j < len(cs) else None
        if (
            isinstance(first, NP)
            and first.det == "the"
            and not first.plural
            and self.role(first) == "attribute"
        ):
            # "we need the client's name ..., and for the event the date, the venue, ...":
            # the writer's need carries on to the next record
            return True
        who = first
        verb = cs[j + 1] if j + 1 < len(cs) else None
        while isinstance(verb, Token) and verb.tag in ("ADV", "AUX") and j + 2 < len(cs):
            j += 1
            verb = cs[j + 1]
        return (
            isinstance(who, Token)
            and who.text in ("we", "i", "they")
            and isinstance(verb, Token)
            and verb.tag == "VERB"
        )

    def _asks_for_a_view(self, cs: list[Chunk], j: int) -> bool:
        """From ``j``: ``we'd like a monthly count of new cases``: the writer asks for a
        summary (for whom, "for our funders", is then no record)."""
        while (
            j < len(cs)
            and isinstance(cs[j], Token)
            and (cs[j].tag in _ASKER_TAGS or cs[j].text == "like")
        ):
            j += 1
        np = cs[j] if j < len(cs) else None
        if not isinstance(np, NP):
            return False
        words = {*np.adjs, *np.words}
        return bool(words & _VIEW_NOUNS) or (
            np.head in ("count", "number") and bool(words & _PERIOD_ADJECTIVES)
        )

    def _a_kept_field(self, np: NP) -> bool:
        """``bait type`` when trials have a bait type: a field of a kept record (and no
        record of its own), what a view groups by."""
        key = "_".join(self._field_words(np))
        return self._known_key(np) is None and any(
            key in draft.fields for draft in self.r.entities.values()
        )

    def read_clauses(self, cs: list[Chunk]) -> None:
        """Prose: subjects, verbs, objects and the phrases around them.

        ``focus`` is the entity the sentence is about so far (its subject, or the X of
        "for each X"); attribute lists without an owner of their own are its fields.
        """
        if self._noted_on_each(cs):
            return
        i = 0
        focus: str | None = None
        subject: NP | None = None
        while i < len(cs):
            c = cs[i]
            if isinstance(c, Token):
                text = c.text
                nxt = cs[i + 1] if i + 1 < len(cs) else None
                if (
                    (text == "for" or (text == "against" and isinstance(nxt, NP) and nxt.each))
                    and isinstance(nxt, NP)
                    and (
                        nxt.each
                        or (
                            nxt.plural
                            and self.role(nxt) == "entity"
                            and self._clause_start(cs, i)
                            and not self._asks_for_a_view(cs, i + 2)
                        )
                    )
                    and not self._a_kept_field(nxt)  # "the average ... for each bait type"
                ):
                    # "for each order ...": what one has each of is a record, even when the
                    # word alone would be an attribute
                    focus = self.entity(nxt, strength=1, force=nxt.each)
                    if focus:
                        i = self._focus_fields(cs, i + 2, focus)
                        continue
                if text == "for" and self._for_one_we_note(cs, i):
                    # "For a booking we need the date, ...", "for the commission itself I
                    # log ...": the one record the writer fills in
                    assert isinstance(nxt, NP)
                    focus = self.entity(nxt, strength=1)
                    if focus:
                        i = self._focus_fields(cs, i + 2, focus)
                        continue
                after_next = cs[i + 2] if i + 2 < len(cs) else None
                them = (
                    text == "for"
                    and isinstance(nxt, Token)
                    and nxt.text in ("them", "those", "these")
                    and isinstance(after_next, Token)
                    and after_next.text in ("we", "i")
                )  # "vulnerable residents in each patch - for them we keep the name, ..."
                if (
                    text == "for"
                    and isinstance(nxt, Token)
                    and (
                        them
                        or (
                            nxt.text in ("each", "every")
                            and isinstance(after_next, Token)
                            and after_next.text == "one"
                        )
                    )
                    and (self.last_entity or self._named_just_before())
                ):
                    # "we have bells, and for each one I want the number": the last thing
                    # ("we go to five competitions a season, and for each one ...": the
                    # things just named in this sentence, when it names some; "we have
                    # sixty shooters. For each one ...": the things the last one named)
                    named = [
                        c
                        for c in cs[:i]
                        if isinstance(c, NP) and c.plural and self.role(c) == "entity"
                    ]
                    one = self.entity(named[-1], strength=1) if named else None
                    owner = one or self._named_just_before() or self.last_entity
                    if owner is not None:  # always, by the test above
                        i = self._focus_fields(cs, i + (2 if them else 3), owner)
                        continue
                if (
                    text in ("at", "on", "after", "during", "in", "within")
                    and isinstance(nxt, NP)
                    and self._clause_start(cs, i)
                    and (nxt.each or nxt.det == "the" or (text == "within" and nxt.det == "a"))
                    and "-".join(entity_words(nxt)) in self.r.entities
                ):
                    focus = self.entity(nxt, strength=1)  # "At the visit I note ..."
                    if focus:
                        i = self._focus_fields(cs, i + 2, focus)
                        continue
                if (
                    c.tag == "VERB"
                    and text in ("get", "gets", "got")
                    and subject is not None
                    and self.role(subject) == "entity"
                ):
                    j = self._be_tied(cs, i + 1, subject)
                    if j is not None:
                        i = j  # "every guest gets assigned to a table"
                        continue
                tied_to = self._tied_after_comma(cs, i)
                if tied_to is not None:
                    i, subject = tied_to, None  # "..., again tied to the patrol"
                    continue
                if c.tag == "VERB":
                    was = subject
                    i = self._verb(cs, i, subject, focus)
                    # "jobs come from a client and get assigned to one translator": the
                    # same subject goes on after "and"
                    subject = was if self._and_verb(cs, i) else None
                    continue
                if (
                    c.tag == "AUX"
                    and self._base(text) == "have"
                    and isinstance(nxt, Token)
                    and nxt.tag == "VERB"
                    and not nxt.text.endswith("ing")
                    and nxt.text not in ("had", "has")
                ):
                    # "how many shifts each volunteer has done", "people have signed up
                    # to each shift" ("sign-up" once joined): a tense, not a having
                    i += 1
                    continue
                if c.tag == "AUX" and self._base(text) == "have":
                    if subject is not None and (
                        self.role(subject) == "entity"
                        or self._one_of_many_businesses(subject, cs, i + 1)
                    ):
                        was = subject
                        i = self._have(cs, i + 1, subject)
                        # "users have a name and belong to a group": the same subject
                        subject = was if self._and_verb(cs, i) else None
                        continue
                    if self._pronoun_before(cs, i) or subject is not None:
                        # "we have about 20 clients", "our club has members"
                        i = self._verb(cs, i, subject, focus)
                        subject = None
                        continue
                if (
                    c.tag == "AUX"
                    and self._base(text) == "be"
                    and self._subject_pronoun(cs, i) in ("i", "we")
                    and isinstance(nxt, NP)
                ):
                    i += 2  # "I'm the treasurer", "we're a small charity": about the writer
                    subject = None
                    continue
                at = i + 1  # past "just", "basically": "a session is just a date, ..."
                while at < len(cs) and isinstance(cs[at], Token) and cs[at].tag == "ADV":
                    at += 1
                what = cs[at] if at < len(cs) else None
                after_next = cs[at + 1] if at + 1 < len(cs) else None
                if (
                    subject is not None
                    and self.role(subject) == "entity"
                    and c.tag == "AUX"
                    and self._base(text) == "be"
                    and isinstance(what, NP)
                    and (
                        what.det in ("a", "an")
                        or (what.det is None and subject.plural and token_text(cs, at + 1) == ",")
                    )
                    and self.role(what) == "attribute"
                    and isinstance(after_next, Token)
                    and (
                        after_next.text in (",", "and")
                        or (after_next.text == "(" and token_text(cs, at + 2) == "like")
                    )
                ):
                    # "an outing is a date, a place, the weather and ...": what it has
                    # ("breeds are just a name (e.g. Noiler, Kuroiler) and a cost",
                    # "customers are just name, email and the club they play for")
                    key = self.entity(subject, strength=2)
                    if key:
                        i, subject = self.read_fields(cs, at, key, closer=None), None
                        continue
                if (
                    subject is not None
                    and subject.plural
                    and self.role(subject) == "entity"
                    and c.tag == "AUX"
                    and self._base(text) == "be"
                    and isinstance(what, NP)
                    and what.plural
                    and what.det is None
                    and isinstance(after_next, Token)
                    and after_next.text == "with"
                ):
                    # "attendants are freelancers with a name, ...": what the kept things
                    # are, then what they have; the word for what they are is no record
                    key = self.entity(subject, strength=2)
                    if key:
                        i, subject = self.read_fields(cs, at + 2, key, closer=None), None
                        continue
                if (
                    subject is not None
                    and c.tag == "AUX"
                    and self._base(text) == "be"
                    and isinstance(what, NP)
                ):
                    j = self._one_of_each(cs, subject, what, at)
                    if j is not None:
                        i, subject = j, None  # "a placement is a locum at a clinic - ..."
                        continue
                if (
                    subject is not None
                    and (self.role(subject) == "entity" or self._counted_attribute(subject))
                    and ((c.tag == "AUX" and self._base(text) == "be") or text in ("get", "gets"))
                ):
                    j = self._be_tied(cs, i + 1, subject)
                    if j is not None:
                        i = j  # "each job is for a customer", "jobs are assigned to a crew"
                        continue
                if (
                    text == "there"
                    and isinstance(nxt, Token)
                    and self._base(nxt.text) == "be"
                    # "whether there's a", "when there is a death we open a claim": when
                    # a record is made, not one kept
                    and not (i and cs[i - 1].text in ("whether", "if", "when", "whenever"))
                ):
                    j = i + 2
                    while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("ADV", "DET"):
                        j += 1
                    if j < len(cs) and isinstance(cs[j], NP) and self.role(cs[j]) == "entity":
                        np = cs[j]
                        assert isinstance(np, NP)
                        focus = self.entity(np, strength=2, listed=True)
                        i = self.read_items(cs, j, listed=True)
                        continue
                if text == "which" and isinstance(nxt, NP):
                    i = self._which_go_in(cs, i + 1)
                    continue
                if text in ("i", "we"):
                    j = self._record_for_every(cs, i)  # "we record a result for every driver"
                    if j is not None:
                        i, subject = j, None
                        continue
                if (
                    text in ("when", "whenever", "after", "once")
                    and self._clause_start(cs, i)
                    # "once a month our hall turns into ...": how often, not when
                    and not (text == "once" and isinstance(nxt, NP) and self.role(nxt) == "period")
                ):
                    j = self.read_when_i(cs, i)  # "when I inspect a hive I note the date"
                    if j is not None:
                        i, subject = j, None
                        continue
                if text == "who":
                    j = self.read_who_which(cs, i)  # "who borrowed which game, when ..."
                    if j is not None:
                        i, subject = j, None
                        continue
                before = cs[i - 1] if i else None
                if (
                    text == "("
                    and isinstance(before, NP)
                    and before is not subject
                    and (before.det in ("a", "an", "the", "one", "each", "every") or before.of_many)
                    and self.role(before) == "entity"
                    and isinstance(nxt, NP)
                    and self.role(nxt) == "attribute"
                ):
                    # "every order comes from a customer (name, email, country)": the
                    # customer's fields, not the order's
                    key = self.entity(before, strength=2)
                    if key:
                        i = self.read_fields(cs, i + 1, key, closer=")")
                        continue
                if (
                    text in ("with", ":", "(")
                    and focus
                    and isinstance(nxt, NP)
                    and (self.role(nxt) == "attribute" or nxt.det in ("the", "a", "an"))
                ):
                    closer = ")" if text == "(" else None
                    i = self.read_fields(cs, i + 1, focus, closer=closer)
                    continue
                if text == "(" and subject is not None and not self._a_place_before(cs, i):
                    key = self.entity(subject) if self.role(subject) == "entity" else None
                    if key:
                        i = self.read_fields(cs, i + 1, key, closer=")")
                        continue
                if text in (",", ";") or (c.tag == "CONJ" and text not in ("and", "or")):
                    subject = None
                if (
                    text == "it"
                    and subject is None
                    and self._starts_clause(cs, i)
                    and (i == 0 or cs[i - 1].text in ("and", "but", ",", ";"))
                ):
                    subject = self._it_np(cs, i)  # "..., and it's sat in one of our rooms"
                i += 1
                continue
            np = c
            before = cs[i - 1] if i else None
            main = self._past_a_relative_clause(cs, i + 1, np) if np.each else None
            if main is not None and self.role(np) == "entity":
                # "each deer that gets dropped off belongs to a hunter": its own verb next
                focus = self.entity(np, strength=1) or focus
                i, subject = main, np
                continue
            if (
                isinstance(before, Token)
                and before.text == "for"
                and np.det in lx.POSSESSIVE_DETERMINERS
                and self._asks_for_a_view(cs, i + 1)
            ):
                i, subject = i + 1, None  # "for our funders we'd like a monthly count": whom for
                continue
            done = self._record_where_noted(cs, i, subject)
            if done is not None:
                i, subject = done, None  # "they do a practice test where I note the date"
                continue
            kept = self._record_per(cs, i)
            if kept is not None:
                i, subject = kept, None  # "one record per buyer, with their name and email"
                continue
            if self._relative_then_have(cs, i):
                # "each party they book has the child's name": the party has it (and is
                # theirs, when "they" are people the idea keeps)
                subject = np
                pron = cs[i + 1]
                if pron.text == "they" and self.last_person and self.role(np) == "entity":
                    self.relation(self.entity(np, strength=1), self.last_person)
                i += 3
                continue
            if (
                is_person(np.singular)
                and self.role(np) == "entity"
                and (np.det in ("a", "an", "the", "each", "every") or np.of_many)
                and self._starts_clause(cs, i)
            ):
                done = self._act_then_note(cs, i)
                if done is not None:
                    # "every morning one of the handlers weighs each bird and we write
                    # down the date, the weight ...": the act is the record noted
                    i, subject = done, None
                    continue
            main_verb = self._past_who_does(cs, i)
            if main_verb is not None:
                # "every seller who turns up gets a pitch": the seller gets it; "each thing
                # a visitor brings in gets a ticket": a thing is no record, the visitor is
                inner = cs[i + 1]
                subject = (
                    inner
                    if isinstance(inner, NP)
                    and self.role(np) != "entity"
                    and self.role(inner) == "entity"
                    else np
                )
                if self.role(subject) == "entity":
                    focus = self.entity(subject, strength=0) or focus  # what "I note" is of
                i = main_verb
                continue
            if (np.head == "time" and np.det in ("every", "each")) or np.head == "whenever":
                j = self.read_every_time(cs, i)  # "every time a kid does a chore, i add ..."
                if j is not None:
                    i, subject = j, None
                    continue
            if np.owner is not None:
                self._possessive(np, self.entity(np) if self.role(np) == "entity" else None)
            nxt = cs[i + 1] if i + 1 < len(cs) else None
            after = cs[i + 2] if i + 2 < len(cs) else None
            owner_np = meta_owner(np)
            if owner_np is not None and self._has_posts(cs, i + 1):
                # "A habit tracker with daily check-ins": habits, and what they have
                key = self.entity(owner_np, strength=2, listed=True)
                focus = key or focus
                i = self.read_posts(cs, i + 1, key)
                continue
            # "clients and their dogs"
            if (
                isinstance(nxt, Token)
                and nxt.text in ("and", "with")
                and isinstance(after, NP)
                and after.det in ("their", "its", "his", "her")
                and self.role(np) == "entity"
                and self.role(after) == "entity"
            ):
                parent = self.entity(np, strength=2)
                child = self.entity(after, strength=2)
                if child and parent and is_person(child) and not is_person(parent):
                    self.relation(parent, child)  # "dogs and their owners": the owners' dogs
                else:
                    self.relation(child, parent)
                i = self.read_posts(cs, i + 3, child)
                subject = None
                continue
            if (
                self.role(np) == "entity"
                and np.plural
                and isinstance(nxt, Token)
                and nxt.text == "-"
                and self._fields_start(cs, i + 2)
            ):
                # "then the visits - which client, the date, ...": a thing and its fields
                key = self.entity(np, strength=2, listed=True)
                focus = key or focus
                i, subject = self.read_fields(cs, i + 2, key, closer=None), None
                continue
            if self.role(np) == "entity" and self._has_posts(cs, i + 1) and self._is_strong(np):
                key = self.entity(np)
                focus = key or focus
                i = self.read_posts(cs, i + 1, key)
                subject = np
                continue
            if self._each_at_a_place(cs, i):
                # "every run down the hill is one cart in one heat": the run is the subject,
                # "down the hill" where it happens
                focus = self.entity(np, strength=0) or focus
                subject = np
                i += 3
                continue
            each = cs[i - 2] if i >= 2 else None
            if (
                focus
                and isinstance(before, Token)
                and before.tag == "PREP"
                and isinstance(each, Token)
                and each.text in ("each", "every")
                and (np.det == "one" or np.numbers == ["one"])
                and self.role(np) == "entity"
            ):
                # "and then articles, each from one newspaper, with a headline": the
                # articles' parent; what follows is still the articles'
                parent = self.entity(np, strength=1, force=True)
                if parent and parent != focus:
                    self.relation(focus, parent)
                i += 1
                continue
            paid = cs[i - 2] if i >= 2 else None
            if (
                isinstance(before, Token)
                and before.text in ("to", "from")
                and isinstance(paid, NP)
                and subject is paid
                and paid.plural
                and is_event(paid.singular)
                and self.role(paid) == "entity"
                and self._known_key(np) is not None
            ):
                # "payments to farmers are made by M-Pesa, we record ...": the farmers'
                # payments, and the payments are what the sentence goes on about
                event = self.entity(paid, strength=1)
                if event is not None and event != self._known_key(np):
                    self.relation(event, self._known_key(np))
                    focus = self.last_entity = event
                    i += 1
                    continue
            if self.role(np) == "entity" and self._is_strong(np):
                focus = self.entity(np, strength=0) or focus
                if self._starts_clause(cs, i):
                    self._many(cs, i, np)
                    if focus and is_person(focus):
                        self.person_subject = (focus, self.sentence)
            # "for our funders we want ...": who it is for is not who does it
            subject = None if isinstance(before, Token) and before.text == "for" else np
            i += 1

    def _record_per(self, cs: list[Chunk], i: int) -> int | None:
        """At ``a record per|for [each] X [,] with <fields>``: X is the record kept, and
        the fields are its own; None if the words are not that."""
        np, per = cs[i], cs[i + 1] if i + 1 < len(cs) else None
        thing = cs[i + 2] if i + 2 < len(cs) else None
        kind_of_record = self._kind_of_record_per(cs, i)
        if kind_of_record is not None:
            return kind_of_record
        if not (
            isinstance(np, NP)
            and np.singular in _RECORD_WORDS
            and not np.mods
            and isinstance(per, Token)
            and per.text in ("per", "for")
            and isinstance(thing, NP)
            and self.role(thing) in ("entity", "attribute")
        ):
            return None
        after = i + 4 if self._comma_with(cs, i + 3) else i + 3
        if not (after < len(cs) and isinstance(cs[after], Token) and cs[after].text == "with"):
            return None
        key = self.entity(thing, strength=2, listed=True, force=True)
        return self.read_posts(cs, after, key) if key else None

    def _kind_of_record_per(self, cs: list[Chunk], i: int) -> int | None:
        """At ``a sales record per edition with the month, ...``: a named kind of record,
        one for each of a kept thing, is a record of its own, that thing's child, with
        the fields after "with"; None if the words are not that."""
        np, per = cs[i], cs[i + 1] if i + 1 < len(cs) else None
        thing = cs[i + 2] if i + 2 < len(cs) else None
        if not (
            isinstance(np, NP)
            and np.singular in _RECORD_WORDS
            and np.mods
            and np.det in ("a", "an", "one")
            and isinstance(per, Token)
            and per.text == "per"
            and isinstance(thing, NP)
            and (self.role(thing) == "entity" or self._known_key(thing) is not None)
        ):
            return None
        after = i + 4 if self._comma_with(cs, i + 3) else i + 3
        if not (after < len(cs) and isinstance(cs[after], Token) and cs[after].text == "with"):
            return None
        child = self.entity(np, strength=2, listed=True, force=True)
        if child is None:
            return None
        self.relation(child, self._known_key(thing) or self.entity(thing, strength=1))
        self.last_entity = child
        return self.read_fields(cs, after + 1, child, closer=None)

    def _relative_then_have(self, cs: list[Chunk], i: int) -> bool:
        """``NP they book has ...`` at ``i``: a thing, a clause about it, then what it has."""
        pron, verb, have = (cs[k] if k < len(cs) else None for k in (i + 1, i + 2, i + 3))
        return (
            isinstance(pron, Token)
            and pron.text in ("i", "we", "they", "you")
            and isinstance(verb, Token)
            and verb.tag == "VERB"
            and isinstance(have, Token)
            and have.tag == "AUX"
            and self._base(have.text) == "have"
        )

    def _comma_with(self, cs: list[Chunk], j: int) -> bool:
        """``, with`` at ``j``: "gets a pitch, with a pitch number and ..."."""
        words = [c.text if isinstance(c, Token) else "" for c in cs[j : j + 2]]
        return words == [",", "with"]

    def _past_who_does(self, cs: list[Chunk], i: int) -> int | None:
        """``NP who turns up gets ...`` at ``i``: where the main verb is, past a short
        relative clause with no object ("who turns up", "that comes in", "a visitor
        brings in", "every batch I cook comes from"); else None."""
        who = cs[i + 1] if i + 1 < len(cs) else None
        inner = (
            isinstance(who, NP) and who.det in ("a", "an", "the") and not isinstance(cs[i], Token)
        )
        writer = (  # "every batch I cook comes from"
            isinstance(who, Token) and who.text in ("i", "we") and self.role(cs[i]) == "entity"
        )
        if not ((isinstance(who, Token) and who.text in ("who", "that")) or inner or writer):
            return None
        k = i + 2
        if not (k < len(cs) and isinstance(cs[k], Token) and cs[k].tag == "VERB"):
            return None
        k += 1
        while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag == "ADV":
            k += 1
        if inner and k < len(cs) and isinstance(cs[k], Token) and cs[k].tag == "PREP":
            k += 1  # "a visitor brings in"
        main = cs[k] if k < len(cs) else None
        if isinstance(main, Token) and main.tag == "VERB":
            return k
        return None

    def _right_before(self, cs: list[Chunk], i: int, np: NP) -> bool:
        """Whether ``np`` is the verb's own subject ("tenants report ...", "every seller
        who turns up gets"), not a noun before a relative clause ("spots where i find
        mushrooms")."""
        k = i - 1
        while k >= 0 and isinstance(cs[k], Token) and cs[k].tag in ("AUX", "ADV"):
            k -= 1
        return k >= 0 and (cs[k] is np or self._past_who_does(cs, np.index) == i)

    def _past_a_relative_clause(self, cs: list[Chunk], i: int, subject: NP | None) -> int | None:
        """At ``that gets dropped off`` right after the subject, before its own verb
        ("belongs to a hunter"): where that verb is; None if the words are not that."""
        if not (
            subject is not None
            and 0 < i < len(cs)
            and cs[i - 1] is subject
            and cs[i].text in ("that", "which", "who")
        ):
            return None
        for k in range(i + 2, min(i + 6, len(cs))):
            c = cs[k]
            if not isinstance(c, Token):
                return None
            if c.tag in ("VERB", "AUX") and self._base(c.text) in ("belong", "be", "have"):
                between = cs[i + 1 : k]
                if between and all(
                    isinstance(t, Token)
                    and (t.tag in ("VERB", "AUX", "ADV") or t.text in _PARTICLES)
                    for t in between
                ):
                    return k
                return None
        return None

    def _one_of_each(self, cs: list[Chunk], subject: NP, what: NP, at: int) -> int | None:
        """``a placement is a locum at a clinic for a block of dates - start date, ...``:
        a record defined as one of a kept thing with one of another, tied to both, and
        the details after a dash or colon its fields. Where reading goes on, or None."""
        done = cs[at + 1] if at + 1 < len(cs) else None
        if isinstance(done, Token) and done.tag == "VERB" and self._participle(done.text):
            at += 1  # "every session is one computer used by one member"
        other = cs[at + 2] if at + 2 < len(cs) else None
        prep = cs[at + 1] if at + 1 < len(cs) else None
        if not (
            not subject.plural
            and (subject.det in ("a", "an", "one") or subject.each)
            and self.role(subject) == "entity"
            and _one(what)
            and isinstance(prep, Token)
            and prep.text in ("at", "with", "in", "on", "for", "from", "of", "by")
            and isinstance(other, NP)
            and _one(other)
        ):
            return None
        first, second = self._known_key(what), self._known_key(other)
        if second is None and first is not None and self.role(other) == "entity":
            second = self.entity(other, strength=1)  # "... used by one member": met here
        if first is None or second is None or first == second:
            return None
        key = self.entity(subject, strength=2)
        if key is None or key in (first, second):
            return None
        self.relation(key, first)
        self.relation(key, second)
        j = self._each_one(cs, at + 3, key)  # "..., started by one researcher"
        if token_text(cs, j) == "-" and token_text(cs, j + 1) in ("we", "i"):
            noted = self._what_i_note(cs, j + 1, ())
            if noted is not None:
                return self.read_fields(cs, noted, key, closer=None)  # "- we log the date"
        then = cs[j] if j < len(cs) else None
        if isinstance(then, Token) and then.text in (",", "on", "at", "with"):
            told = self._tied_details(cs, j, key)  # "... on a date, with a slot, ..."
            if told != j:
                return told
        while j < len(cs) and not (
            isinstance(cs[j], Token) and cs[j].text in ("-", ":", "with", ";")
        ):
            noted = self._what_i_note(cs, j, ()) if cs[j].text in ("we", "i") else None
            if noted is not None:
                return self.read_fields(cs, noted, key, closer=None)  # ", we log the date"
            j += 1  # "for a block of dates": what it is for, no record
        if j < len(cs) and cs[j].text != ";":
            return self.read_fields(cs, j + 1, key, closer=None)
        return j

    def _and_verb(self, cs: list[Chunk], i: int) -> bool:
        """``and get ...`` / ``and is ...`` at ``i``: a second verb of the same subject
        (also past the object's own details: "comes from a customer (name, email) and is
        for one model")."""
        if i < len(cs) and isinstance(cs[i], Token) and cs[i].text == "(":
            close = next(
                (k for k in range(i, len(cs)) if isinstance(cs[k], Token) and cs[k].text == ")"),
                None,
            )
            if close is not None:
                i = close + 1
        first = cs[i] if i < len(cs) else None
        second = cs[i + 1] if i + 1 < len(cs) else None
        before = cs[i - 1] if 0 < i <= len(cs) else None  # a verb read may end past the end
        if (
            isinstance(before, Token)
            and before.text == "and"
            and isinstance(first, Token)
            and first.tag == "VERB"
        ):
            return True  # a field list read up to its "and": "... an email and belong to"
        return (
            isinstance(first, Token)
            and first.text == "and"
            and isinstance(second, Token)
            and second.tag in ("VERB", "AUX")
        )

    def _counted_attribute(self, np: NP) -> bool:
        """``every quote is for one client``, ``a photo has a date``: a word that usually
        names a field, counted one by one as the subject of its own clause, so a record."""
        return (
            (np.each or np.det in ("a", "an"))
            and np.owner is None
            and self.role(np) == "attribute"
            and (np.singular not in NEVER_COUNTED or bool(np.mods))  # "each sale day"
        )

    def _be_tied(self, cs: list[Chunk], j: int, subject: NP) -> int | None:
        """After "is"/"are"/"gets": ``in a class``, ``for a customer``, ``assigned to a crew``.

        The subject is the child (many-to-one); returns where reading goes on, or None."""
        counted = self._counted_attribute(subject)
        while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("ADV", "AUX"):
            j += 1
        one = cs[j] if j < len(cs) else None
        if (
            isinstance(one, NP)
            and one.numbers == ["one"]
            and self.role(one)
            in (
                "entity",
                "attribute",
            )
        ):
            # "a session is one tutor with ...", "every visit is one observer at one site"
            child = self.entity(subject, force=counted)
            self.relation(child, self.entity(one, force=True))
            after = self._each_one(cs, j + 1, child)
            return self._tied_details(cs, after, child)  # "..., on a date, with a slot"
        passive = False
        if j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("VERB", "ADJ"):
            token = cs[j]
            assert isinstance(token, Token)
            if not self._participle(token.text):
                return None
            passive = True
            j += 1
            if token_text(cs, j) == "out" and token_text(cs, j + 1) in ("on", "for", "against"):
                j += 1  # "a loan is taken out on a motorbike"
        if j < len(cs) and isinstance(cs[j], Token) and cs[j].tag == "PREP":
            if cs[j].text not in RELATION_PREPS | {"with", "part-of", "through", "via", "against"}:
                return None
            j += 1
        elif not passive:
            return None
        while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("DET", "NUM"):
            j += 1
        target = cs[j] if j < len(cs) else None
        if not isinstance(target, NP) or target.det in lx.MANY_DETERMINERS:
            return None  # "can be shown in several exhibitions": many on both sides
        # "sat in one of our rooms", "is for one pedal model": a word that could be a field,
        # but counted as one of many records
        forced = (
            (target.of_many or target.numbers == ["one"])
            and self.role(target) == "attribute"
            and target.singular not in NEVER_COUNTED
            and target.singular not in UNITS
        )
        if self.role(target) != "entity" and not forced:
            return None
        child = self.entity(subject, force=counted)
        # "each hive is in one apiary": one of several, so a record even when named once
        single = target.numbers == ["one"] or (cs[j - 1].text == "one" if j else False)
        parent = self.entity(target, strength=2 if single else 1, force=forced)
        self.relation(child, parent)
        has = self._which_have(cs, j + 1)
        if forced and parent and has is not None:
            return self._have(cs, has, target)  # "..., which have a name and a capacity"
        j = self._each_one(cs, j + 1, child)  # "booked for one student with one instructor"
        return self._tied_details(cs, j, child)

    def _which_have(self, cs: list[Chunk], j: int) -> int | None:
        """``, which has`` / ``, which just needs`` / ``which have`` at ``j``: what the thing
        before has; where what it has starts, or None if the words are not that."""
        k = j + 1 if j < len(cs) and isinstance(cs[j], Token) and cs[j].text == "," else j
        if not (k < len(cs) and isinstance(cs[k], Token) and cs[k].text == "which"):
            return None
        k += 1
        if k < len(cs) and isinstance(cs[k], Token) and cs[k].tag == "ADV":
            k += 1
        verb = cs[k] if k < len(cs) else None
        has = isinstance(verb, Token) and self._base(verb.text) in ("have", "need")
        return k + 1 if has else None

    def _tied_details(self, cs: list[Chunk], j: int, child: str | None) -> int:
        """``..., on a date with a start time and a price``: the tied record's fields."""
        k = j + 1 if j < len(cs) and isinstance(cs[j], Token) and cs[j].text == "," else j
        prep = cs[k] if k < len(cs) else None
        nxt = cs[k + 1] if k + 1 < len(cs) else None
        if (
            child
            and token_text(cs, k) == "and"
            and isinstance(nxt, Token)
            and self._base(nxt.text) == "have"
            and isinstance(cs[k + 2] if k + 2 < len(cs) else None, NP)
        ):
            # "each policy is for one client and with one insurer, and has the policy no.,
            # ...": the same thing's details
            return self.read_fields(cs, k + 2, child, closer=None)
        if child and token_text(cs, j) in ("-", ":") and self._looks_like_field_list(cs, j + 1):
            # "a loan is taken out on a motorbike - start date, total amount, ...": its own
            return self.read_fields(cs, j + 1, child, closer=None)
        dash = j + 1 if token_text(cs, j) in ("-", ",", ":") else j
        noted = self._what_i_note(cs, dash, ()) if token_text(cs, dash) in ("we", "i") else None
        if child and noted is not None:
            # "a test is one cell on one channel - we log the start timestamp, ...": its
            return self.read_fields(cs, noted, child, closer=None)
        if (
            child
            and isinstance(prep, Token)
            and prep.text in ("on", "at", "with")
            and isinstance(nxt, NP)
            and self.role(nxt) == "attribute"
        ):
            if prep.text == "with":
                return self.read_posts(cs, k, child)
            j = self.read_fields(cs, k + 1, child, closer=None)
            return self.read_posts(cs, j, child)  # "on a date with a start time ..."
        return self.read_posts(cs, j, child) if child else j

    def _each_one(self, cs: list[Chunk], j: int, child: str | None) -> int:
        """``... at one site``, ``... taking one boat``: more parents, one of each (also
        after "and": "with one client and one therapist", "handled by one student and
        signed off by one solicitor")."""
        while j + 1 < len(cs):
            c, target = cs[j], cs[j + 1]
            if isinstance(c, Token) and c.text == "and":
                k = j + 1
                while k < len(cs) and k - j <= 4 and isinstance(cs[k], Token):
                    t = cs[k]
                    assert isinstance(t, Token)
                    if not (
                        (t.tag == "VERB" and self._participle(t.text)) or t.tag in ("ADV", "PREP")
                    ):
                        break
                    k += 1
                one = cs[k] if k < len(cs) else None
                then = cs[k + 1] if k + 1 < len(cs) else None
                if (
                    isinstance(one, NP)
                    and self._one_kind(one)
                    # not "..., and one driver takes it": a clause of its own
                    and not (isinstance(then, Token) and then.tag in ("VERB", "AUX"))
                ):
                    known = "-".join(entity_words(one)) in self.r.entities
                    # "one supervising solicitor" once solicitors are kept: a solicitor
                    parent = (
                        one.singular
                        if not known and one.singular in self.r.entities
                        else self.entity(one, force=True)
                    )
                    self.relation(child, parent)
                    j = k + 1
                    continue
                break
            if (
                isinstance(c, Token)
                and (c.tag == "PREP" or c.tag == "VERB")
                and isinstance(target, NP)
                and self._one_kind(target)
            ):
                self.relation(child, self.entity(target, force=True))
                j += 2
                continue
            on = cs[j + 2] if j + 2 < len(cs) else None
            if (
                isinstance(c, Token)
                and c.tag == "VERB"
                and c.text.endswith("ing")
                and isinstance(target, Token)
                and target.tag == "PREP"
                and isinstance(on, NP)
                and on.numbers == ["one"]
                and (self._known_or_clipped_key(on, child) is not None or self._one_kind(on))
            ):
                # "a bid is one guest bidding on one lot": the (auction) lot is the bid's too
                lot = self._known_or_clipped_key(on, child)
                self.relation(child, lot or self.entity(on, force=True))
                j += 3
                continue
            by = cs[j + 3] if j + 3 < len(cs) else None
            if (
                token_text(cs, j) == ","
                and isinstance(target, Token)
                and target.tag == "VERB"
                and self._participle(target.text)
                and token_text(cs, j + 2) in ("by", "with", "for", "at", "on", "in")
                and isinstance(by, NP)
                and self._one_kind(by)
            ):
                j += 2  # "one cell on one channel, started by one researcher": to "by ..."
                continue
            break
        return j

    def _one_kind(self, np: NP) -> bool:
        """``one tutor``, ``one boat``: one of a kind of thing (or of a word that could be
        a field, counted so as one of many records)."""
        return np.numbers == ["one"] and self.role(np) in ("entity", "attribute")

    def _subject_pronoun(self, cs: list[Chunk], i: int) -> str | None:
        """The pronoun before a verb (past auxiliaries and adverbs): "they also pay"."""
        k = i - 1
        while k >= 0 and isinstance(cs[k], Token) and cs[k].tag in ("AUX", "ADV"):
            k -= 1
        c = cs[k] if k >= 0 else None
        return c.text if isinstance(c, Token) and c.tag == "PRON" else None

    def _it(self, cs: list[Chunk], i: int) -> str | None:
        """What "it" before ``i`` stands for: the thing this sentence is about.

        "An appointment is for one patient with one of the audiologists, and it has a
        date": the subject of the sentence's clause, not the last thing named; with no
        subject of its own (or a person), the last thing named."""
        return self._topic(cs, i) or self.last_entity

    def _topic(self, cs: list[Chunk], i: int) -> str | None:
        """The thing (not a person) that is the subject of a clause before ``i``."""
        for k in range(i - 1, -1, -1):
            c = cs[k]
            if not isinstance(c, NP):
                continue
            nxt = k + 1
            while nxt < len(cs) and isinstance(cs[nxt], Token) and cs[nxt].tag == "ADV":
                nxt += 1
            verb = cs[nxt] if nxt < len(cs) else None
            if not (isinstance(verb, Token) and verb.tag in ("VERB", "AUX")) or nxt >= i:
                continue
            key = "-".join(entity_words(c))
            if key in self.r.entities and not is_person(key) and self.role(c) == "entity":
                return key
        return None

    def _record_named_before(self, cs: list[Chunk], i: int, other: str) -> str | None:
        """The last record kept that the sentence names as "a/an ..." before ``i`` (not
        ``other``, not a person)."""
        for c in reversed(cs[:i]):
            if isinstance(c, NP) and c.det in ("a", "an"):
                key = self._known_key(c)
                if key is not None and key != other and not is_person(key):
                    return key
        return None

    def _tied_after_comma(self, cs: list[Chunk], i: int) -> int | None:
        """``..., the time seen, again tied to the patrol``: the record just described is
        that kept thing's. Where reading goes on, or None if not so."""
        c = cs[i]
        k = i - 1
        while k >= 0 and isinstance(cs[k], Token) and cs[k].tag == "ADV":
            k -= 1
        parent = cs[i + 2] if i + 2 < len(cs) else None
        if not (
            isinstance(c, Token)
            and c.text in ("tied", "linked", "attached", "connected")
            and k >= 0
            and token_text(cs, k) == ","
            and token_text(cs, i + 1) == "to"
            and isinstance(parent, NP)
        ):
            return None
        # the record the sentence described: its first kept thing
        record = next(
            (
                key
                for np in cs[:k]
                if isinstance(np, NP)
                and self.role(np) == "entity"
                and (key := self._known_key(np)) is not None
            ),
            None,
        )
        key = self._known_key(parent)
        if key is None or record is None or key == record:
            return None
        self.relation(record, key)
        return i + 3

    def _noted_on_each(self, cs: list[Chunk]) -> bool:
        """``The date digitised should also be recorded on each specimen``, ``the colour
        is noted for every plant``: details told first, then what each is kept on (a thing
        already known); False, reading nothing, if the sentence is not so."""
        aux = next((k for k, c in enumerate(cs) if isinstance(c, Token) and c.tag == "AUX"), None)
        if aux is None or not isinstance(cs[0], NP) or self.role(cs[0]) != "attribute":
            return False
        k = aux
        while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag in ("AUX", "ADV"):
            k += 1
        verb, prep, each = (cs[n] if n < len(cs) else None for n in range(k, k + 3))
        rest = cs[k + 3 :]
        if not (
            isinstance(verb, Token)
            and verb.tag == "VERB"
            and self._base(verb.text) in NOTING_VERBS
            and any(self._base(token_text(cs, b) or "") == "be" for b in range(aux, k))
            and isinstance(prep, Token)
            and prep.text in ("on", "for", "against", "of")
            and isinstance(each, NP)
            and each.det in ("each", "every")
            and all(isinstance(c, Token) and c.tag == "PUNCT" for c in rest)
        ):
            return False
        owner = self._known_key(each)
        if owner is None:
            return False
        self.read_fields(cs[:aux], 0, owner, closer=None)
        return True

    def _each_at_end(self, cs: list[Chunk], j: int) -> str | None:
        """The known thing of a closing ``of each specimen`` (``for every visit``) after the
        fields from ``j``: what the noted details are each one's. None if not so."""
        end = next(
            (
                k
                for k in range(j, len(cs))
                if isinstance(cs[k], Token) and cs[k].text in (".", ";", ":")
            ),
            len(cs),
        )
        last = cs[end - 1] if end - 2 > j else None
        if (
            isinstance(last, NP)
            and last.det in ("each", "every")
            and token_text(cs, end - 2) in ("of", "for", "on", "against")
            and all(isinstance(c, NP) or c.text in (",", "and") for c in cs[j : end - 2])
        ):
            return self._known_key(last)
        return None

    def _topics_record(self, cs: list[Chunk], i: int, topic: str | None) -> str | None:
        """``topic``, or its record that is the object of its own verb before ``i``: "each
        dog gets a run at a trial: we write down the points" notes the run's."""
        if topic is None:
            return None
        children = {child for child, parent in self.r.relations if parent == topic}
        for k in range(i - 2):
            c, verb, obj = cs[k], cs[k + 1], cs[k + 2]
            if (
                isinstance(c, NP)
                and "-".join(entity_words(c)) == topic
                and isinstance(verb, Token)
                and verb.tag == "VERB"
                and isinstance(obj, NP)
                and obj.det in ("a", "an")
                and "-".join(entity_words(obj)) in children
            ):
                return "-".join(entity_words(obj))
        return topic

    def _it_np(self, cs: list[Chunk], i: int) -> NP | None:
        """The thing "it" at ``i`` stands for, as a noun phrase the clause rules can read."""
        key = self._it(cs, i)
        draft = self.r.entities.get(key) if key else None
        if draft is None:
            return None
        return NP(head=draft.words[-1], mods=draft.words[:-1], det="the", index=i)

    def _pronoun_before(self, cs: list[Chunk], i: int) -> bool:
        prev = cs[i - 1] if i else None
        return isinstance(prev, Token) and prev.tag == "PRON" and prev.text in lx.SUBJECT_PRONOUNS

    def _starts_clause(self, cs: list[Chunk], i: int) -> bool:
        k = i + 1
        while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag == "ADV":
            k += 1  # "a piece usually goes ..."
        nxt = cs[k] if k < len(cs) else None
        return isinstance(nxt, Token) and nxt.tag in ("VERB", "AUX")

    def _many(self, cs: list[Chunk], i: int, subject: NP) -> None:
        """``one project can use several yarns``: a many side, paired up into a link later."""
        j = i + 1
        verb = ""
        while (
            j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("AUX", "VERB", "PREP", "ADV")
        ):  # "a piece usually goes through two firings"
            token = cs[j]
            assert isinstance(token, Token)
            passive = verb == "be" and token.tag == "VERB" and self._participle(token.text)
            if (token.tag == "VERB" and not passive) or (
                token.tag == "AUX" and self._base(token.text) in ("be", "have")
            ):
                verb = self._base(token.text)  # "can be shown in several": still "be"
            j += 1
        if j >= len(cs) or not isinstance(cs[j], NP) or j == i + 1:
            return
        obj = cs[j]
        assert isinstance(obj, NP)
        if subject.det == "one-or-more" and self.role(obj) == "entity":
            self._people_in(obj, subject)  # "one or more guides go on each trip"
            return
        if obj.det not in (*lx.MANY_DETERMINERS, "some") and not (obj.numbers and obj.plural):
            return
        if obj.det == "one-or-more" and self._people_in(subject, obj):
            return  # "a session has one or more students"
        a, b = self.entity(subject, strength=0), self.entity(obj, strength=1)
        if a and b and a != b:
            self.r.many.append((a, b, verb))
            self.last_many_verb = verb

    def _people_in(self, thing: NP | str, people: NP) -> bool:
        """``one or more students`` in a session: people picked for a thing, many-to-many.

        Only people: "each school enters one or more teams" are the school's own."""
        a = self.entity(thing, strength=1) if isinstance(thing, NP) else thing
        if not is_person(people.singular) or a is None or is_person(a):
            return False
        b = self.entity(people, strength=1)
        if not a or not b or a == b:
            return False
        self.r.links.append((a, b))
        return True

    def _clause_start(self, cs: list[Chunk], i: int) -> bool:
        return i == 0 or (isinstance(cs[i - 1], Token) and cs[i - 1].text in (",", "and"))

    def _is_strong(self, np: NP) -> bool:
        invariant = lx.SINGULAR_OVERRIDES.get(np.head) == np.head  # "the fish", "species"
        return np.plural or np.each or np.of_many or np.singular in self.r.entities or invariant

    def _focus_fields(self, cs: list[Chunk], i: int, focus: str) -> int:
        """After ``for each dog``: ``(,) I (want to) record its breed, age and ...``."""
        parents = [focus]
        prep = cs[i] if i < len(cs) else None
        other = cs[i + 1] if i + 1 < len(cs) else None
        pair: str | None = None  # "for each pupil on a trip": the other side of a pair
        if (
            isinstance(prep, Token)
            and prep.text in ("in", "of", "at", "on")
            and isinstance(other, NP)
            and (other.each or (other.det in ("a", "an") and prep.text != "of"))
            and self.role(other) == "entity"
        ):
            # "for every team in every round ...": a second parent
            parents.append(self.entity(other, strength=1) or focus)
            pair = parents[-1] if parents[-1] != focus else None
            i += 2
        elif (
            isinstance(prep, Token)
            and prep.text in ("from", "to", "by")
            and isinstance(other, NP)
            and self._known_key(other) is not None
            and self._known_key(other) != focus
        ):
            # "for payments from senders we just need the date, ...": whose they are
            known = self._known_key(other)
            assert known is not None
            self.relation(focus, known)
            i += 2
        doer = self._one_who_does_it(cs, i, focus)
        if doer is not None:
            # "for every word a kid is given we write down the round and whether they
            # spelled it", "for each page a volunteer does we save the date": one doing of
            # one, a record of the pair
            pair, i = doer
            if is_event(focus) and not is_event(pair):
                # "for each delivery a farmer brings we record the date, ...": what they
                # did, a record of theirs (one delivery, one farmer), not a pairing
                self.relation(focus, pair)
                pair = None
        we = next(
            (k for k in range(i, min(i + 3, len(cs))) if token_text(cs, k) in ("i", "we")), None
        )
        for_every = self._record_for_every(cs, we, also=focus) if we is not None else None
        if for_every is not None:
            # "for each match I keep an appearance record for every player who played: ..."
            return for_every
        record = self._record_noted(cs, i)
        if record is not None:
            # "for every team in every round we record a result: room, side, ...": the
            # result is a record of its own, of the team and of the round
            np, j = record
            child = self.entity(np, strength=2, listed=True, force=True)
            if child:
                for parent in dict.fromkeys(parents):
                    self.relation(child, parent)
                self.last_entity = child
                return self.read_fields(cs, j, child, closer=None)
        while i < len(cs):
            c = cs[i]
            if isinstance(c, Token) and (
                c.tag in ("PUNCT", "PRON", "AUX", "ADV")
                or c.text in ("to", "want", "need")
                or (c.text == "like" and cs[i - 1].text in ("'d", "would"))  # "I'd like"
            ):
                if c.text in (".", ";"):
                    return i
                i += 1
                continue
            if isinstance(c, Token) and c.tag == "VERB":
                i += 1
                continue
            break
        if pair is not None:
            return self._pair_fields(cs, i, focus, pair)
        each_other = self._every_other_with(cs, i, focus)
        if each_other is not None:
            # "against each event I record every rider who rode it, with their start
            # number, ...": the details of one rider in one event, a record of the pair
            member, at = each_other
            return self._pair_fields(cs, at, member, focus)
        return self.read_fields(cs, i, focus, closer=None)

    def _one_who_does_it(self, cs: list[Chunk], i: int, focus: str) -> tuple[str, int] | None:
        """At ``a kid is given`` / ``a volunteer does`` after "for every word": the one
        who does it (a person the idea keeps) and where the clause after it starts; None
        if the words are not that."""
        np = cs[i] if i < len(cs) else None
        if not (
            isinstance(np, NP)
            and np.det in ("a", "an", "the", "each")
            and is_person(np.singular)
            and self.role(np) == "entity"
        ):
            return None
        k = i + 1
        while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag in ("AUX", "ADV", "VERB"):
            k += 1  # "is given", "does"
        noter = cs[k] if k < len(cs) else None
        if not (k > i + 1 and isinstance(noter, Token) and noter.text in ("we", "i", ",")):
            return None
        person = self.entity(np, strength=1)
        if person is None or person == focus:
            return None
        return person, k

    def _every_other_with(self, cs: list[Chunk], i: int, focus: str) -> tuple[str, int] | None:
        """At ``every rider [who rode it], with ...``: the other side of the pair and where
        its details start; None if the words are not that."""
        np = cs[i] if i < len(cs) else None
        if not (isinstance(np, NP) and np.each and self.role(np) == "entity"):
            return None
        k = i + 1
        if k < len(cs) and isinstance(cs[k], Token) and cs[k].text in ("who", "that"):
            while k < len(cs) and not (isinstance(cs[k], Token) and cs[k].text in (",", "with")):
                k += 1
        if k < len(cs) and isinstance(cs[k], Token) and cs[k].text == ",":
            k += 1
        if not (k < len(cs) and isinstance(cs[k], Token) and cs[k].text == "with"):
            return None
        member = self.entity(np, strength=2)
        if member is None or member == focus:
            return None
        return member, k + 1

    def _pair_fields(self, cs: list[Chunk], i: int, member: str, other: str) -> int:
        """``for each pupil on a trip we record whether the consent form came back and how
        much they've paid``: the details of one pupil on one trip, a record of the pair
        (the many-to-many link of pupils and trips), not of the pupil alone."""
        have = self.r.entities[member].fields if member in self.r.entities else {}
        before = set(have)
        end = self.read_fields(cs, i, member, closer=None)
        told = {k: have.pop(k) for k in list(have) if k not in before}
        if not told:
            return end
        self.r.link_fields.setdefault(frozenset((member, other)), {}).update(told)
        if not any({member, other} == set(link) for link in self.r.links):
            self.r.links.append((other, member))
        return end

    def _rating(self, cs: list[Chunk], j: int, base: str, rater: str, rated: str) -> int:
        """``members rate each book from 1 to 5``: a Rating of the book by the member,
        with its score (and the range the idea gives)."""
        noun = "rating" if base == "rate" else "review"
        record = self.entity(NP(head=noun, det="a", index=j), strength=2, listed=True, force=True)
        if record is None:
            return j
        self.relation(record, rater)
        self.relation(record, rated)
        score = FieldDraft(["score"], type="integer", position=j)
        found = self._range_at(cs, j)
        if found is not None:
            (score.minimum, score.maximum), j = found
        else:
            score.minimum, score.maximum = 1, 5
        self.add_field(record, score)
        return j

    def _record_where_noted(self, cs: list[Chunk], i: int, subject: NP | None) -> int | None:
        """At ``a practice test`` of ``they do a practice test where I note the date,
        ...``: a thing done, then what is noted of it; the record is of who does it."""
        np = cs[i]
        where = cs[i + 1] if i + 1 < len(cs) else None
        before = cs[i - 1] if i else None
        if not (
            isinstance(np, NP)
            and np.det in ("a", "an")
            and isinstance(where, Token)
            and where.text == "where"
            and isinstance(before, Token)
            and before.tag == "VERB"
        ):
            return None
        noted = self._what_i_note(cs, i + 2, skip=("ADV",))
        if noted is None:
            return None
        child = self.entity(np, strength=2, listed=True, force=True)
        if child is None:
            return None
        doer = cs[i - 2] if i >= 2 else None
        if isinstance(doer, Token) and doer.text in ("they", "he", "she") and self.last_person:
            self.relation(child, self.last_person)  # "they do a test": theirs
        elif subject is not None and is_person(subject.singular) and self.role(subject) == "entity":
            self.relation(child, self.entity(subject, strength=1))  # "each pupil does a test"
        self.last_entity = child
        return self.read_fields(cs, noted, child, closer=None)

    def _a_record_made(self, cs: list[Chunk], k: int, *, wanted: bool = False) -> NP | None:
        """At ``k``: ``record a result``, ``log a walk`` (``wanted``: "want a result" too):
        the record a verb makes."""
        verb = cs[k] if k < len(cs) else None
        np = cs[k + 1] if k + 1 < len(cs) else None
        if (
            isinstance(verb, Token)
            and verb.tag == "VERB"
            and (self._base(verb.text) in _RECORDING_VERBS or (wanted and verb.text == "want"))
            and isinstance(np, NP)
            and (np.det in ("a", "an") or (np.det in _SEVERAL and np.plural))
        ):
            return np  # ("we keep several species counts - ...": records of their own)
        return None

    def _record_for_every(self, cs: list[Chunk], i: int, also: str | None = None) -> int | None:
        """At ``we``: ``we record a result for every driver in a session: which kart,
        ...``: the record is named, of each of the things it is for (and of ``also``, the
        X of "for each X" before it); None if not that."""
        k = i + 1
        while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag in ("AUX", "ADV"):
            k += 1
        # ("I'd like an appearance record for every lad who played: ...")
        np = self._a_record_made(cs, k, wanted=True)
        prep, each = (cs[n] if n < len(cs) else None for n in (k + 2, k + 3))
        if not (
            np is not None
            and isinstance(prep, Token)
            and prep.text == "for"
            and isinstance(each, NP)
            and each.each
            and self.role(each) == "entity"
        ):
            return None
        parents = [each]
        j = k + 4
        where, other = (cs[n] if n < len(cs) else None for n in (j, j + 1))
        if (
            isinstance(where, Token)
            and where.text in ("in", "at", "on", "of")
            and isinstance(other, NP)
            and other.det in ("a", "an", "the", "each", "every")
            and self.role(other) == "entity"
        ):
            parents.append(other)  # "for every driver in a session": of the session too
            j += 2
        if token_text(cs, j) in ("who", "that") and token_text(cs, j + 1) is not None:
            j += 2  # "for every lad who played": which of them
        then = cs[j] if j < len(cs) else None
        if not (isinstance(then, Token) and then.text in (":", "with", "-")):
            return None
        child = self.entity(np, strength=2, listed=True, force=True)
        if child is None:
            return None
        if also is not None and also != child:
            self.relation(child, also)
        for parent in parents:
            self.relation(child, self.entity(parent, strength=1))
        self.last_entity = child
        return self.read_fields(cs, j + 1, child, closer=None)

    def _record_noted(self, cs: list[Chunk], i: int) -> tuple[NP, int] | None:
        """``we record a result:`` / ``I log a walk with``: the record and where its
        fields start, or None."""
        k = i
        while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag in ("PUNCT", "ADV"):
            k += 1
        if not (k < len(cs) and isinstance(cs[k], Token) and cs[k].text in ("i", "we")):
            return None
        k += 1
        while k < len(cs) and isinstance(cs[k], Token) and cs[k].tag in ("AUX", "ADV"):
            k += 1
        np = self._a_record_made(cs, k)
        then = cs[k + 2] if k + 2 < len(cs) else None
        if (
            np is not None
            and isinstance(then, Token)
            and then.text in (":", "with", "-")
            # "a result: room, side ...", "a result with the position, the club and ...":
            # a word that names a field alone is a record when its own fields follow
            and (
                self.role(np) == "entity"
                or (
                    self.role(np) == "attribute"
                    and (
                        then.text == ":"
                        or (then.text == "-" and np.det in _SEVERAL)
                        or (
                            then.text == "with"
                            and np.det in ("a", "an")
                            and self._looks_like_field_list(cs, k + 3)
                        )
                    )
                )
            )
        ):
            return np, k + 3
        return None

    def _ties_or_becomes(
        self, cs: list[Chunk], j: int, base: str, subject_key: str | None, obj: NP
    ) -> int | None:
        """Records told by what they do to others, with ``obj`` at ``j``:

        - "a rental ties one tenant to one unit with a start date": a child of both;
        - "(a quote) ... it becomes a job with a date": the job is the quote's;
        - "they make a payment on it with an amount": the payment is the thing's named
          before ("it"), not the payer's.

        Where reading goes on, or None if the clause is none of these."""
        nxt = cs[j + 1] if j + 1 < len(cs) else None
        after = cs[j + 2] if j + 2 < len(cs) else None
        if (
            base in TYING_VERBS
            and subject_key
            and self.role(obj) == "entity"
            and isinstance(nxt, Token)
            and nxt.text in ("to", "with", "and")
            and isinstance(after, NP)
            and self.role(after) == "entity"
        ):
            for side in (obj, after):
                self.relation(subject_key, self.entity(side, strength=2))
            self.last_entity = subject_key
            return self._tied_details(cs, j + 2 + 1, subject_key)
        if base in ("become", "turn") and subject_key and self.role(obj) == "entity":
            return self._child_record(cs, j + 1, obj, subject_key)
        if obj.det in ("a", "an") and self.last_entity and not is_person(self.last_entity):
            return self._record_against_it(cs, j, self.last_entity)
        return None

    def _record_against_it(self, cs: list[Chunk], j: int, parent: str) -> int | None:
        """``a shopping receipt against it``, ``a note on it``: at ``j``, a record of
        ``parent``'s (the "it"), with what follows; None if ``j`` is not that."""
        record = cs[j] if j < len(cs) else None
        tail = [c.text if isinstance(c, Token) else "" for c in cs[j + 1 : j + 3]]
        if not (
            isinstance(record, NP)
            and self.role(record) == "entity"
            and tail in (["on", "it"], ["for", "it"], ["against", "it"])
        ):
            return None
        return self._child_record(cs, j + 3, record, parent)

    def _goes_against(self, cs: list[Chunk], j: int, subject: NP | None, base: str) -> int | None:
        """``each delivery goes against a job with the tonnes and what it cost``: the
        subject is a record of the job's, with those details; None if it is not that."""
        if (
            isinstance(cs[j], Token)
            and cs[j].text in ("in", "down")
            and j + 1 < len(cs)
            and isinstance(cs[j + 1], Token)
            and cs[j + 1].text == "against"
        ):
            j += 1  # "each gift I buy goes in against the person it's for"
        prep, parent = cs[j], cs[j + 1] if j + 1 < len(cs) else None
        if not (
            base in ("go", "count", "sit", "get-logged", "be-logged")
            and isinstance(prep, Token)
            and prep.text == "against"
            and subject is not None
            and self.role(subject) == "entity"
            and isinstance(parent, NP)
            and self.role(parent) == "entity"
        ):
            return None
        child = self.entity(subject, strength=2, listed=True)
        owner = self.entity(parent, strength=2)
        if child is None or owner is None or child == owner:
            return None
        self.relation(child, owner)
        self.last_entity = child
        return self.read_posts(cs, j + 2, child)

    def _child_record(self, cs: list[Chunk], at: int, record: NP, parent: str) -> int | None:
        """``record`` is a record of ``parent``'s, with what follows at ``at`` (its fields
        and ties); None when it names the parent itself."""
        child = self.entity(record, strength=2, listed=True)
        if child is None or child == parent:
            return None
        self.relation(child, parent)
        self.last_entity = child
        return self.read_posts(cs, at, child)

    def _verb(self, cs: list[Chunk], i: int, subject: NP | None, focus: str | None) -> int:
        verb = cs[i]
        assert isinstance(verb, Token)
        base = self._base(verb.text)
        prior = self.last_entity  # the record named before this clause's subject
        j = i + 1
        # particles and adverbs between the verb and its object
        while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("ADV",):
            j += 1
        prep: str | None = None
        if j < len(cs) and isinstance(cs[j], Token) and cs[j].tag == "PREP":
            prep = cs[j].text
            child_prep = base in CHILD_VERBS and prep in ("from", "out-of", "through", "via")
            against = self._goes_against(cs, j, subject, base)
            if against is not None:
                return against
            if (
                prep not in ("for", "to", "in", "on", "onto", "with", "at", "of", "into")
                and not child_prep
            ):
                return j
            j += 1
        them = cs[j] if j < len(cs) else None
        after_them = cs[j + 1] if j + 1 < len(cs) else None
        if (
            isinstance(them, Token)
            and them.text in ("them", "it")
            and isinstance(after_them, Token)
            and after_them.text in (":", "(", "-")
            and self.last_entity
            and (base in lx.KEEPING_VERBS or verb.text == "keep-track-of")
        ):
            # "I collect vinyl records and I want to keep track of them: artist, title"
            closer = ")" if after_them.text == "(" else None
            return self.read_fields(cs, j + 2, self.last_entity, closer=closer)
        if (
            isinstance(them, Token)
            and them.text == "it"
            and prep is None
            and self._one_does_it(subject, base, prior)
        ):
            return j + 1
        if (
            isinstance(them, Token)
            and them.text == "it"
            and subject is not None
            and subject.det == "one-or-more"
            and prior is not None
            and self._people_in(prior, subject)
        ):
            return j + 1  # "one or more students take part in it"
        if j >= len(cs) or not isinstance(cs[j], NP):
            return i + 1
        obj = cs[j]
        assert isinstance(obj, NP)
        kept = self._record_per(cs, j)
        if kept is not None:
            return kept  # "we keep a card for each horse with its name and age"
        has = self._which_have(cs, j + 1)
        if (
            obj.det in ("a", "an")
            and self.role(obj) == "entity"
            and has is not None
            and self.entity(obj, strength=2) is not None
        ):
            # "we open a case, which has the date ...", "I write up a warning notice,
            # which just needs the date issued"
            return self._have(cs, has, obj)
        if obj.head == "number" and {*obj.adjs, *obj.mods} & lx.AGGREGATE_WORDS:
            # "I want the average number of ants ...": a view, not records
            of = cs[j + 1] if j + 1 < len(cs) else None
            return j + 3 if isinstance(of, Token) and of.text == "of" else j + 1
        if (
            obj.singular in lx.CONTAINERS
            and j + 2 < len(cs)
            and isinstance(cs[j + 1], Token)
            and cs[j + 1].text == "of"
            and isinstance(cs[j + 2], NP)
        ):
            j += 2  # "a list of the artists": the artists are the records
            obj = cs[j]
            assert isinstance(obj, NP)
            container = True
        else:
            container = False
        subject_key = (
            self.entity(subject, strength=1)
            if subject is not None
            and self.role(subject) == "entity"
            and self._is_strong(subject)
            and subject.head not in ("people", "folks", "customers-in-general")
            else None
        )
        if (
            subject_key is None
            and subject is not None
            and is_person(subject.head)
            and self.role(subject) == "entity"
            and subject.head not in ("people", "folks")
        ):
            subject_key = self.entity(subject, strength=1)  # "when a customer calls"
        pronoun = self._subject_pronoun(cs, i)
        if subject_key is None and pronoun in ("they", "he", "she"):
            subject_key = self.last_person or self.last_entity  # "they pay a fee"
        elif subject_key is None and pronoun == "it":
            subject_key = self._it(cs, i)
        if subject_key is None and subject is not None and base in TYING_VERBS:
            subject_key = self.entity(subject, strength=2)  # "a rental ties ..."
        if (
            subject is not None
            and ((prep is not None and prep != "with") or (subject.each and obj.numbers == ["one"]))
            and not subject.plural
            and (obj.numbers == ["one"] or obj.of_many)
            and self.role(subject) == "entity"
            and self.role(obj) in ("entity", "attribute")
            and base not in lx.KEEPING_VERBS
            and base not in CHILD_VERBS  # read below, with what follows them
            and base not in ("become", "turn", "make")  # "each specimen becomes one job"
        ):
            # "a delivery goes to one shop and comes out of a particular batch", "each
            # sponsor backs one show": one of many after the verb makes the subject its child
            child = subject_key or self.entity(subject, strength=2)
            parent = self.entity(obj, force=True)
            if child and parent and child != parent:
                self.relation(child, parent)
                return j + 1
        tied = self._ties_or_becomes(cs, j, base, subject_key, obj)
        if tied is not None:
            return tied
        if (
            subject_key
            and (self.role(obj) == "entity" or obj.head in PLACES_BOOKED)
            and subject is not None
        ):
            booked = self.read_act_between(cs, j, subject_key, base)
            if booked is not None:
                return booked  # "guests book a pitch for a stay, and we need the dates"
        if base in ("rate", "review") and subject_key and is_person(subject_key):
            rated = self.entity(obj, strength=1) if self.role(obj) == "entity" else None
            if rated and rated != subject_key:
                return self._rating(cs, j + 1, base, subject_key, rated)
        if base in HAVE_VERBS and subject is not None and self._counted_attribute(subject):
            return self._have(cs, j, subject)  # "each unit has a number"
        if base in HAVE_VERBS and subject_key and subject is not None:
            return self._have(cs, j, subject)
        serves = (
            base in SERVING_VERBS
            and prep == "for"
            and (obj.numbers == ["one"] or obj.det in ("a", "an", "one"))
        )
        if (base in CHILD_VERBS or serves) and subject_key and prep is not None:
            # "each artwork belongs to one artist": what it belongs to is a record, even
            # when the word alone would be an attribute
            parent = (
                self.entity(obj, force=True)
                if self.role(obj) in ("entity", "attribute", "meta")
                else None
            )
            if parent:
                self.relation(subject_key, parent)  # "routes belong to a wall"
                if j + 1 < len(cs) and isinstance(cs[j + 1], Token) and cs[j + 1].text == ":":
                    return self.read_fields(cs, j + 2, subject_key, closer=None)
                return j + 1
        keeping = (
            base in lx.KEEPING_VERBS or verb.text in ("keep-track-of", "sign-up-for") or container
        )
        role = self.role(obj)
        if (
            keeping
            and role == "abstract"
            and obj.plural
            and not (obj.adjs or obj.mods)
            and self._has_posts(cs, j + 1)
        ):
            role = "entity"  # "I want to log breakdowns against a machine with the date"
        logged = cs[j + 1] if j + 1 < len(cs) else None
        if (
            base in NOTING_VERBS
            and obj.det in ("a", "an")
            and not obj.plural
            and obj.mods
            and isinstance(logged, Token)
            and logged.text in ("-", ":")
            and self._looks_like_field_list(cs, j + 2)
        ):
            # "we log a dig day - which claim, the date, hours worked": a record of its own
            # (its name's last word alone would be a date), and its fields
            record = self.entity(obj, strength=2, listed=True, force=True)
            if record is not None:
                self.last_entity = record
                return self.read_fields(cs, j + 2, record, closer=None)
        made_by = (
            subject_key
            if subject_key and subject is not None and self._right_before(cs, i, subject)
            else None
        )
        with_fields = isinstance(logged, Token) and logged.text in ("with", ":")
        # the writer's own: a word that names a field alone ("a result") only before "with"
        by_writer = (
            pronoun in ("i", "we")
            and role == "attribute"
            and isinstance(logged, Token)
            and logged.text == "with"
        )
        if (
            (made_by or by_writer)
            and base in NOTING_VERBS
            and obj.det in ("a", "an")
            and not obj.mods
            and role in ("entity", "attribute")
            and with_fields
            and self._looks_like_field_list(cs, j + 2)
        ):
            # "the guard logs an incident with the time, the type, ...": a record the
            # subject makes, with its own fields (not the subject's fields); "we add a
            # result with their position, their club and ...": one the writer makes
            child = self.entity(obj, strength=2, force=True)
            if child:
                if made_by:
                    self.relation(child, made_by)
                self.last_entity = child
                return self.read_fields(cs, j + 2, child, closer=None)
        if (
            subject is not None
            and (subject_key or subject.det in ("a", "an", "each", "every"))
            and self._right_before(cs, i, subject)
            and (self.role(subject) == "entity" or self._counted_attribute(subject))
            and not is_person(subject.singular)
            and base in NOTING_VERBS
            and base not in ("keep", "add", "put", "enter")
            and obj.det in ("the", "a", "an", "its", None)
            and not obj.plural
        ):
            # "a test result records the parameter, the value and the unit": what a
            # record records are its fields
            record = subject_key or self.entity(
                subject, strength=2, force=self._counted_attribute(subject)
            )
            return self.read_fields(cs, j, record, closer=None)
        known = self._known_key(obj)
        if (
            role == "entity"
            and pronoun in ("i", "we", "they")
            and base in NOTING_VERBS
            and obj.det == "the"
            and not obj.plural
            and known is not None
            and isinstance(logged, Token)
            and logged.text == ","
            and self._looks_like_field_list(cs, j + 2)
        ):
            # "someone does an audit session on each ward - we record the ward, the date,
            # ...": the session's fields, the ward among them
            record = self._record_named_before(cs, i, known)
            if record is None:  # "payments to farmers are made ..., we record the farmer, ..."
                record = next(
                    (r for r in (focus, self.last_entity) if (r, known) in self.r.relations),
                    None,
                )
            if record is not None:
                return self.read_fields(cs, j, record, closer=None)
        if role == "attribute":
            owner = self.owner_of(obj) or subject_key or focus or self.last_entity
            if pronoun in ("i", "we", "they") and base in NOTING_VERBS and obj.owner is None:
                # "each call is made by a volunteer to one member, and afterwards they log
                # the date": what is noted is the call's, the thing the sentence is about
                owner = self._topics_record(cs, i, self._topic(cs, i)) or owner
                # "we also record the colour and the size of each specimen": each one's
                owner = self._each_at_end(cs, j) or owner
            if owner:
                return self.read_fields(cs, j, owner, closer=None)
        if (
            subject_key
            and not keeping
            and subject is not None
            and role == "entity"
            and (
                obj.det in ("a", "an")
                or (obj.det is None and obj.plural and self._right_before(cs, i, subject))
            )
            and "-".join(entity_words(obj)) != subject_key
            and (self._has_posts(cs, j + 1) or self._comma_with(cs, j + 1))
        ):
            # "a room gets a cleaning task with ...", "tenants report maintenance requests
            # with a description": the subject's records, with what they have
            child = self.entity(obj, strength=2)
            self.relation(child, subject_key)
            self.last_entity = child
            return self.read_posts(cs, j + 2 if self._comma_with(cs, j + 1) else j + 1, child)
        if base in lx.WEAK_VERBS and not keeping:
            return j
        if role != "entity":
            return j + 1
        if (
            subject_key
            and not keeping
            and subject is not None
            and subject.each
            and obj.plural
            and self.role(obj) == "entity"
        ):
            child = self.entity(obj)
            self.relation(child, subject_key)  # "each student works on pieces"
            self.last_entity = child
            return j + 1
        if subject_key and not keeping and base not in RELATION_VERBS:
            return j + 1
        after = cs[j + 2] if j + 2 < len(cs) else None
        if (
            keeping
            and subject_key is None
            and obj.det == "the"
            and not obj.plural
            and not obj.mods
            and self._known_key(obj) is None
            and self.last_entity is not None
            and token_text(cs, j + 1) == ","
            and isinstance(after, NP)
            and self.role(after) == "attribute"
        ):
            # "every run is for one design. I log the factory, quantity ordered, ...":
            # which factory, the first of the run's details, not a record of factories
            return self.read_fields(cs, j, self.last_entity, closer=None)
        # the opening sentence of a longer idea sets the scene ("I bake custom cakes from my
        # kitchen"): what it names is kept only if the rest of the idea comes back to it
        intro = self.sentence == 0 and len(self.r.sentences) >= 3
        end = self.read_items(
            cs,
            j,
            listed=keeping and not intro,
            strength=0 if intro else 2 if keeping else 1,
            bare_weak=True,
        )
        obj_key = self.entity(obj, strength=0)
        if subject_key and obj_key and obj_key != subject_key:
            self._subject_object(subject_key, obj_key, base, prep)
        return end

    def _one_does_it(self, subject: NP | None, base: str, prior: str | None) -> bool:
        """``..., and one member leads it``: the thing named before is the subject's.

        "it" is the last record kind named; a single named doer of a relation verb
        (one member, a teacher) is its parent, many-to-one."""
        if (
            subject is None
            or subject.plural
            or not (subject.numbers == ["one"] or subject.det in ("a", "an", "one"))
            or self.role(subject) != "entity"
            or base not in RELATION_VERBS | CREATING_VERBS
            or prior is None
        ):
            return False
        doer = self.entity(subject, strength=1)
        if doer is None or doer == prior:
            return False
        self.relation(prior, doer)
        self.r.roles.append((prior, doer))
        self.last_entity = prior
        return True

    def _subject_object(self, subject: str, obj: str, base: str, prep: str | None) -> None:
        """``members book classes``: the object is the subject's (many-to-one)."""
        from launchforge_core.pipeline.extractor.words import is_person

        if prep is None and base in ("register", "enrol", "enroll") and is_person(subject):
            # "each member can register dependants", "parents enrol their kids": whom they
            # put on the books is theirs
            self.relation(obj, subject)
            return
        if is_person(obj) and is_person(subject):
            return
        if base in JOINING_VERBS and is_person(subject) and prep in (None, "for", "in", "on", "to"):
            self.r.many.append((subject, obj, base))  # "volunteers sign up for shifts"
            return
        if base not in CREATING_VERBS and not (
            is_person(subject) and obj.split("-")[-1] in PERSONAL_EVENTS
        ):
            return  # "children borrow books": an event between them, not ownership
        self.relation(obj, subject)

    def _have(self, cs: list[Chunk], j: int, subject: NP) -> int:
        """``each recipe has ingredients and a cooking time``."""
        if self._one_of_many_businesses(subject, cs, j):
            # "practice night is every thursday, so a practice has a date, a start time":
            # one of many, with details of its own, not the writer's business
            owner = self.entity(
                NP(head=subject.head, mods=subject.mods, det="a"),
                force=True,
                listed=True,
                period=self.role(subject) == "period",
            )
            return self.read_fields(cs, j, owner, closer=None)
        if self.role(subject) in ("meta", "self"):
            # "our garden has about 40 plots": the things kept
            while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("ADV", "PREP"):
                j += 1
            if j < len(cs) and isinstance(cs[j], NP) and self.role(cs[j]) == "entity":
                return self.read_items(cs, j, listed=True)
            return j
        owner = self.entity(subject, strength=1, force=self._counted_attribute(subject))
        if owner is None:
            return j
        while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("ADV", "DET", "NUM"):
            j += 1
        # "a visit can have a shopping receipt against it with the amount spent"
        told = self._record_against_it(cs, j, owner)
        if told is not None:
            return told
        nested = cs[j + 2] if j + 2 < len(cs) else None
        if (
            subject.each
            and isinstance(cs[j] if j < len(cs) else None, NP)
            and token_text(cs, j + 1) == "of"
            and isinstance(nested, NP)
            and nested.numbers == ["one"]
            and self._known_key(nested) not in (None, owner)
        ):
            # "every tank holds fish of one line": the tank is of one line
            self.relation(owner, self._known_key(nested))
            return j + 3
        j = self.read_fields(cs, j, owner, closer=None)
        kept = cs[j] if j < len(cs) else None
        if (
            isinstance(kept, NP)
            and kept.plural
            and not kept.det
            and self.role(kept) == "entity"
            and self._has_posts(cs, j + 1)
        ):
            # "each member has dependants with a name and ...": the member's, with theirs
            child = self.entity(kept, strength=2)
            if child is not None and child != owner:
                self.relation(child, owner)
                return self.read_posts(cs, j + 1, child)
        k = j
        while k + 1 < len(cs) and isinstance(cs[k], Token) and cs[k].tag == "PREP":
            if not isinstance(cs[k + 1], NP):
                break
            k += 2  # "... a link to the image": the last field's own phrase
        if k < len(cs) and isinstance(cs[k], Token) and cs[k].text == "and":
            # "a photo has a date and a link and shows one tree": one parent of each
            after = self._each_one(cs, k + 1, owner)
            if after > k + 1:
                return after
        return j

    def _one_of_many_businesses(self, subject: NP, cs: list[Chunk], j: int) -> bool:
        """``a practice has a date``, ``users have a name``: a word that names a business
        or the app's users, counted and given details (a date, a name), so a record."""
        first = cs[j] if j < len(cs) else None
        counted = (
            (
                self.role(subject) == "meta"
                and subject.head in lx.BUSINESS_NOUNS
                and subject.det in ("a", "an", "each", "every")
            )
            or (
                # "each diary has a volume number": one of many kept books, not the app
                self.role(subject) == "meta"
                and subject.singular in lx.TITLE_HEADS
                and subject.det in ("each", "every")
            )
            or (
                # "users have a name and an email and belong to a research group": the
                # people the app keeps, not whoever uses it
                self.role(subject) == "self" and subject.singular == "user"
            )
            or (
                # "every night has a date and a host church": one of many, with details
                self.role(subject) == "period" and subject.det in ("each", "every")
            )
        )
        return (
            counted
            and isinstance(first, NP)
            and first.det in ("a", "an")
            and self.role(first) == "attribute"
        )

    def _which_go_in(self, cs: list[Chunk], j: int) -> int:
        """``which songs go in each setlist`` / ``which X belong to which Y``: many-to-many."""
        member = cs[j]
        assert isinstance(member, NP)
        k = j + 1
        prior = self.last_entity
        verbs = k
        while verbs < len(cs) and isinstance(cs[verbs], Token) and cs[verbs].tag in ("VERB", "ADV"):
            verbs += 1
        it = cs[verbs] if verbs < len(cs) else None
        if (
            verbs > k
            and isinstance(it, Token)
            and it.text == "it"
            and prior is not None
            and self.role(member) == "entity"
        ):
            # "... and I note which teacher runs it": the last thing named is the doer's
            doer = self.entity(member, strength=1)
            if doer and doer != prior:
                self.relation(prior, doer)
                self.r.roles.append((prior, doer))
                self.last_entity = prior
            return verbs + 1
        while (
            k < len(cs) and isinstance(cs[k], Token) and cs[k].tag in ("VERB", "AUX", "PREP", "WH")
        ):
            k += 1  # "which students performed in which recital"
        each_one = [c.text if isinstance(c, Token) else "" for c in cs[k : k + 2]]
        kept_kind = self.role(member) in ("entity", "attribute")
        if each_one in (["each", "one"], ["every", "one"]) and prior and kept_kind:
            # "... exercises, and I need to know which crew attended each one"
            b = self._known_prefix(member) or self.entity(member, strength=1, force=True)
            if b and b != prior and (prior, b) not in self.r.links:
                self.r.links.append((prior, b))
            return k + 2
        owner_np = cs[k] if k < len(cs) else None
        if (
            isinstance(owner_np, NP)
            and self.role(owner_np) == "entity"
            # "which players were in the squad": one squad, the match's, not a record kind
            and (owner_np.det != "the" or "-".join(entity_words(owner_np)) in self.r.entities)
        ):
            a, b = self.entity(owner_np, strength=2), self.entity(member, strength=2)
            if a and b and a != b and (a, b) not in self.r.links:
                self.r.links.append((a, b))
            return k + 1
        return j + 1

    def _a_place_before(self, cs: list[Chunk], i: int) -> bool:
        """``a club in north Tipperary (junior B, ...)``: a place named before the bracket
        at ``i``, where the scene is, not a record with fields."""
        np, prep = cs[i - 1] if i else None, cs[i - 2] if i >= 2 else None
        return (
            isinstance(np, NP)
            and isinstance(prep, Token)
            and prep.text in ("in", "near", "outside", "around", "from")
            and self._known_key(np) is None
        )

    def _known_prefix(self, np: NP) -> str | None:
        """``which crew`` once crew members are kept and "crew" is not: the crew member
        (the one kept thing whose name the words start); None otherwise."""
        key = "-".join(entity_words(np))
        draft = self.r.entities.get(key)
        if draft is not None and draft.evidence > 0:
            return None
        longer = [k for k, d in self.r.entities.items() if k.startswith(f"{key}-") and d.evidence]
        return longer[0] if len(longer) == 1 else None

    def _possessive(self, np: NP, key: str | None) -> None:
        """``the dog's vet`` (the dog refers to one vet) / ``each client's dogs``."""
        assert np.owner is not None
        owner = self.entity(np.owner) if self.role(np.owner) == "entity" else None
        if owner is None:
            return
        if key is None:
            if self.role(np) == "attribute":
                self.add_field(owner, FieldDraft(self._field_words(np)))
            return
        if np.plural:
            self.relation(key, owner)
        else:
            self.relation(owner, key)


# Words that end a phrasal verb: "dropped off", "comes in", "signs up"
_PARTICLES = frozenset({"off", "in", "up", "out", "back", "on", "over", "down"})


def _one(np: NP) -> bool:
    """``a locum``, ``one computer``: a single thing, said so."""
    return not np.plural and (np.det in ("a", "an", "one") or np.numbers == ["one"])
