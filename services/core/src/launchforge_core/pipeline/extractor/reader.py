"""The grammar: what an idea says it keeps (entities), about what (fields) and how
the things connect (relations), read from its noun phrases and the words between.

The reader records facts while it walks each sentence's chunks:
- entity mentions, from where a noun phrase stands: a list item ("owners, pets
  and visits"), the object of a keeping verb ("I track my clients"), one side of
  a relation phrase ("clients and their dogs", "visits of pets");
- fields, from attribute lists tied to an entity ("pets with species and birth
  date", "walks (date, duration, whether they were paid)", "for each dog I note
  its breed", "each book has a title");
- relations, from the phrases that tie two entities ("X and their Y", "X of /
  in / for each / by / per Y", "X assigned to Y", "Y's Xs", "each Y has Xs",
  "members book classes"); many-to-many from "which Xs go in each Y" or "X can
  be in several Ys".

The rules are mixins, one module per kind of phrase: ``lists`` (lists of things),
``fieldlists`` (attribute lists) and ``clauses`` (prose); ``ReaderCore`` below
holds the facts and the walk over the sentences, ``base`` the state they share.
``roles`` says what a noun phrase can stand for; ``grammar_words`` holds the word
sets the rules turn on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from launchforge_core.pipeline.extractor import lexicon as lx
from launchforge_core.pipeline.extractor.base import ReaderBase
from launchforge_core.pipeline.extractor.chunks import NP, Chunk, chunk, token_text
from launchforge_core.pipeline.extractor.clauses import ClauseReader
from launchforge_core.pipeline.extractor.events import EventReader
from launchforge_core.pipeline.extractor.fieldlists import FieldReader
from launchforge_core.pipeline.extractor.fields import FieldDraft
from launchforge_core.pipeline.extractor.lists import ListReader
from launchforge_core.pipeline.extractor.roles import entity_words, meta_owner, np_role
from launchforge_core.pipeline.extractor.tokens import (
    Token,
    split_sentences,
    title_line,
    tokenize,
    verb_forms,
)
from launchforge_core.pipeline.extractor.words import (
    VIEW_HEADINGS,
    is_person,
    singular,
    views_heading,
)

__all__ = [
    "EntityDraft",
    "Reader",
    "ReaderCore",
    "Reading",
    "entity_words",
    "meta_owner",
    "np_role",
    "read",
    "singular_key",
]


@dataclass
class EntityDraft:
    key: str  # "service-record": words joined with "-", last word singular
    words: list[str]
    first: tuple[int, int]
    evidence: int = 0
    fields: dict[str, FieldDraft] = field(default_factory=dict)
    listed: bool = False  # an item of a list of things (title list, object list)
    # named as one of many ("dogs", "each dog", "a dog", "two dogs"), not only as a
    # single thing ("my blood pressure", "competitive overwatch")
    counted: bool = False


@dataclass
class Reading:
    entities: dict[str, EntityDraft] = field(default_factory=dict)
    relations: list[tuple[str, str]] = field(default_factory=list)  # (child, parent)
    links: list[tuple[str, str]] = field(default_factory=list)  # many-to-many (owner, member)
    # a role told outright ("one member leads it"): kept beside a link of the same pair
    roles: list[tuple[str, str]] = field(default_factory=list)
    focus_fields: list[tuple[str, FieldDraft]] = field(default_factory=list)
    kinds: dict[str, list[str]] = field(default_factory=dict)  # "(dentists and hygienists)"
    # (child, parent key) ties that count only if the parent is kept for other reasons
    pending: list[tuple[str, str]] = field(default_factory=list)
    # "a project can use several yarns": (subject, object, verb)
    many: list[tuple[str, str, str]] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    called: str | None = None
    notes: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    sentences: list[list[Token]] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # entity keys in list order
    # "callouts (we call them shouts)": (the word used first, the writer's own word)
    aliases: list[tuple[str, str]] = field(default_factory=list)
    # "for each pupil on a trip we record whether ...": the details of one pair of a link
    link_fields: dict[frozenset[str], dict[str, FieldDraft]] = field(default_factory=dict)
    # "everything else hangs off a cell line": the words of the record all others are of
    hub: list[str] = field(default_factory=list)


# Verbs after which the thing named is a record of the writer's ("log a visit: ...").
_LOGGING_VERBS = frozenset(
    {"log", "record", "keep", "note", "write-down", "keep-track-of", "track", "store", "save"}
    | {"want", "need"}  # "I want a record of each one: ..."
)
# "every morning we do a reading: the date, ...": what is done once each time, then told
_DOING_VERBS = frozenset({"do", "take", "make", "run", "hold", "carry-out", "get", "receive"}) | {
    "open",  # "we open a claim for the member: ..."
    "raise",
    "issue",
    "file",
}
# "A job docket is opened when a machine comes in: ...": what makes a record, said passive
_MAKING_VERBS = _DOING_VERBS | {"create", "start", "write"}
# "I'd like: total fees per month, ...": a want before a colon, and the kinds of view that
# open what is wanted
_WANTING = frozenset({"like", "love", "want", "need"})
_VIEW_KINDS = frozenset(
    """total totals average averages number count percent percentage how-many sum maximum
    minimum""".split()
)

# "containers sit under a shipment: ...": where each of the records is, told by a verb
_PLACED_VERBS = frozenset(
    {"sit", "go", "belong", "hang", "fall", "come", "live", "stay", "happen", "occur"}
)
# "Everything else hangs off a cell line.": the record every other one is of
_HUB = re.compile(
    r"(?i)\beverything(?:\s+else)?\s+(?:hangs\s+(?:off|from)|belongs\s+to|links\s+to|"
    r"is\s+(?:tied|linked|attached)\s+to|(?:sits|goes|is)\s+under)\s+(?:a|an|one|the)\s+"
    r"([a-z][a-z -]{1,30}?)\s*(?:[.,;!]|$)"
)
# "a boarder occupies one bed: name, ...": verbs whose subject holds one of a kept thing
_HELD_VERBS = frozenset({"occupy", "rent", "lease", "use"})
# Words for the app that, in the plural after a word of their own, are records kept
# ("Spray applications:", "a list of dharma books: title, author")
_RECORDS_IN_PLURAL = frozenset({"application"}) | lx.META_BUT_ENTITY_IN_PLURAL
# "total hours", "stats": words of a view, never of a record's details
_SUMMED = lx.AGGREGATE_WORDS | lx.SUMMARY_NOUNS


# "every person who ... is a constituent": a word for anyone, which the sentence then names
_GENERIC_PEOPLE = frozenset({"person", "one", "people", "individual"})


# "I don't need to know who bought what", "we do not track ...": what the person says
# they do not want kept.
_REFUSED_VERBS = frozenset("need want care track keep record log bother mind store have".split())


def _named_before(cs: list[Chunk], k: int, inside: list[bool]) -> bool:
    """A noun phrase right before ``k``, or before a remark in brackets that ends there
    ("Player stats (one per player per game) - goals, ...")."""
    j = k - 1
    if j > 0 and isinstance(cs[j], Token) and cs[j].text in ("too", "also"):
        j -= 1  # "vet treatments are on one animal too - date, ..."
    if j == 1 and isinstance(cs[j], Token) and cs[j].tag == "VERB" and cs[j].text.endswith("ed"):
        j -= 1  # "Poojas offered - pooja name, ...": the things, then how they come
    if isinstance(cs[j], Token) and cs[j].text == ")":
        j -= 1
        while j >= 0 and inside[j]:
            j -= 1
        j -= 1 if j >= 0 and isinstance(cs[j], Token) and cs[j].text == "(" else 0
    return j >= 0 and isinstance(cs[j], NP)


def _listed_after(cs: list[Chunk], k: int) -> bool:
    """A noun phrase after the dash at ``k`` that opens a list, not a clause about each
    ("dealers (website, phone) - each coin records which dealer ...")."""
    after = cs[k + 1]
    bracket = isinstance(cs[k - 1], Token) and cs[k - 1].text == ")"
    if isinstance(after, Token) and after.text == "which" and k == 1:
        # "Registration - which player entered which tournament, date registered, ..."
        return k + 2 < len(cs) and isinstance(cs[k + 2], NP)
    return isinstance(after, NP) and not (bracket and after.each)


def _one_made(cs: list[Chunk], k: int, colon: int) -> bool:
    """``a reading`` at ``k``, before the colon: one thing done (not "the accounts")."""
    thing = cs[k] if k < colon else None
    return isinstance(thing, NP) and thing.det in ("a", "an")


def _without_refusals(cs: list[Chunk]) -> list[Chunk]:
    """``cs`` without a clause in which the person says they do not want something kept
    ("- I don't need to know who bought what though", "No need to record who cleaned"):
    its nouns are things left out, not records. The clause runs to a "but" or ";"."""
    for k, c in enumerate(cs):
        refused = (
            token_text(cs, k) in ("i", "we")
            and token_text(cs, k + 1) in ("do", "does", "did")
            and token_text(cs, k + 2) in ("n't", "not")
            and token_text(cs, k + 3) in _REFUSED_VERBS
        ) or (
            isinstance(c, NP)
            and c.head == "need"
            and c.det == "no"
            and token_text(cs, k + 1) == "to"
        )
        if not refused:
            continue
        end = next((j for j in range(k + 1, len(cs)) if token_text(cs, j) in ("but", ";")), len(cs))
        start = k
        while token_text(cs, start - 1) in ("-", ",", "and"):
            start -= 1
        return _without_refusals(cs[:start] + cs[end:])
    return cs


class ReaderCore(ReaderBase):
    def __init__(self, idea: str) -> None:
        self.r = Reading()
        self.idea = idea
        self.sentence = 0
        self.last_entity: str | None = None
        self.last_many_verb = ""
        self.previous_item: str | None = None
        self.last_person: str | None = None
        # the person who is the subject of the latest clause, and the sentence it is in
        self.person_subject: tuple[str, int] | None = None
        self.last_named: tuple[str, int] | None = None

    # --- facts ------------------------------------------------------------------------

    def role(self, np: Chunk) -> str:
        """``np_role``, except that a noun already kept as an entity stays one ("by vehicle",
        and "a question" once questions have an answer).

        A token (no noun phrase at all) has the role "token"."""
        if not isinstance(np, NP):
            return "token"
        role = np_role(np)
        key = "-".join(entity_words(np))
        if role in ("attribute", "abstract", "self") and key in self.r.entities:
            return "entity"
        if (
            role == "meta"
            and not np.plural
            and (np.det in ("a", "an", "each", "every") or np.numbers == ["one"])
            and np.singular in lx.META_BUT_ENTITY_IN_PLURAL
            and key in self.r.entities
            and self.r.entities[key].evidence > 0
        ):
            return "entity"  # "questions have an answer; a question can ..."
        return role

    def entity(
        self,
        np: NP,
        *,
        strength: int = 1,
        listed: bool = False,
        force: bool = False,
        period: bool = False,
        heading: bool = False,
    ) -> str | None:
        """The entity ``np`` names (created on first mention), or None if it names none.

        ``force``: the caller has seen that an attribute-like noun has records of its own
        ("grades per student with ..."); ``period``: that a time word does ("every night
        has a date and a host church"); ``heading``: that a word for the app heads a list
        of its own records ("Site: site code, name")."""
        role = self.role(np)
        if force and role in ("attribute", "abstract"):
            role = "entity"
        if period and role == "period":
            role = "entity"
        if heading and role == "meta":
            role = "entity"  # "Site: site code, name, ...": survey sites, not the app's
        if (
            force
            and role == "meta"
            and (np.head in lx.BUSINESS_NOUNS or np.singular in lx.TITLE_HEADS)
            and np.det in ("a", "an")
        ):
            role = "entity"  # "players belong to a team": one of the teams, not the writer's
        if role == "self" and listed and np.singular in ("user", "person"):
            role = "entity"  # "users (department, email)" in a list of things
        if role != "entity":
            return None
        words = entity_words(np)
        key = "-".join(words)
        draft = self.r.entities.get(key)
        if draft is None:
            draft = EntityDraft(key, words, (self.sentence, np.index))
            self.r.entities[key] = draft
        draft.evidence += strength
        self.last_named = (key, self.sentence)
        if np.plural or np.each or np.numbers or np.det in ("a", "an", "another"):
            draft.counted = True
        if strength > 0:
            self.last_entity = key
            if is_person(key):
                self.last_person = key
        if listed:
            draft.listed = True
            if key not in self.r.order:
                self.r.order.append(key)
        return key

    def owner_of(self, np: NP) -> str | None:
        """Whose "their name" / "its size": the last person (their) or thing (its) named;
        whose "each volunteer's name": the volunteer's ("the customer's name" on a quote
        stays the quote's, unless customers are kept already)."""
        who = np.owner
        if (
            who is not None
            and self.role(who) == "entity"
            and (who.each or who.plural or who.singular in self.r.entities)
        ):
            return self.entity(who, strength=2)
        if np.det not in ("their", "his", "her", "its"):
            return None
        keys = list(self.r.entities)
        if np.det == "its":
            return self.last_entity
        if self.person_subject and self.person_subject[1] == self.sentence:
            # "each client is assigned to one therapist, and we keep their name": the
            # subject of the clause before, not the last person named (centering)
            return self.person_subject[0]
        people = [k for k in reversed(keys) if is_person(k)]
        return self.last_person or (people[0] if people else self.last_entity)

    def relation(self, child: str | None, parent: str | None) -> None:
        known = self.r.relations
        if (
            child
            and parent
            and child != parent
            and not {(child, parent), (parent, child)} & set(known)
        ):
            known.append((child, parent))

    def add_field(self, owner: str | None, draft: FieldDraft) -> None:
        if owner is None or owner not in self.r.entities:
            self.r.focus_fields.append(("", draft))
            return
        entity = self.r.entities[owner]
        entity.evidence = max(entity.evidence, 1)  # a thing with named fields is kept
        entity.fields.setdefault(draft.key, draft)

    # --- reading ------------------------------------------------------------------------

    def read(self) -> Reading:
        tokens = tokenize(self.idea)
        called = re.search(
            r"\b(?:called|named)\s+[\"']?([A-Za-z0-9][\w' -]{1,40}?)[\"']?\s*(?:[.,;!(]|$)",
            self.idea,
        )
        if called:
            self.r.called = called.group(1).strip()
        hub = _HUB.search(self.idea)
        if hub:
            self.r.hub = [singular(w) for w in hub.group(1).lower().split()]
        sentences = split_sentences(tokens)
        self.r.sentences = sentences
        title = title_line(self.idea)
        skip = len(split_sentences(tokenize(title))) if title else 0
        for index, sentence in enumerate(sentences):
            self.sentence = index
            chunks = chunk(sentence)
            if index < skip:
                # "Pig records (small herd, ~20 sows)" over the lists: the app's name only
                named = next((c for c in chunks if isinstance(c, NP)), None)
                if index == 0 and named is not None:
                    self.r.title = named.words
                continue
            if self._strip_called(chunks):
                continue
            chunks = self._strip_alias(chunks)
            chunks = self._each_has(self._who_is_a(_without_refusals(chunks)))
            if not chunks:
                continue
            self.read_sentence(chunks, first=index == 0)
        return self.r

    def read_features(self, features: list[str]) -> None:
        """The build form's features, one phrase each: a thing named is an entity ("check-ins"),
        an attribute a field of the idea's main entity ("due dates", "a rating from 1 to 5")."""
        main = max(
            (e for e in self.r.entities.values() if e.evidence > 0),
            key=lambda e: (e.listed, e.evidence, -e.first[0], -e.first[1]),
            default=None,
        )
        for number, feature in enumerate(features):
            self.sentence = len(self.r.sentences) + number
            for sentence in split_sentences(tokenize(feature)):
                chunks = chunk(sentence)
                first = next((c for c in chunks if isinstance(c, NP)), None)
                if first is None:
                    continue
                if self.role(first) == "attribute" or (
                    main is None and self.role(first) != "entity"
                ):
                    # with no entity yet, the fields wait for the fallback one (focus_fields)
                    owner = main.key if main is not None else None
                    self.read_fields(chunks, chunks.index(first), owner, closer=None)
                else:
                    self.read_items(chunks, chunks.index(first), listed=True, skip_unknown=True)

    def _strip_alias(self, cs: list[Chunk]) -> list[Chunk]:
        """``callouts (we call them shouts) have ...``: the aside names the same records
        by the writer's own word; it is noted and taken out of the sentence."""
        for k in range(1, len(cs) - 5):
            words = [c.text if isinstance(c, Token) else "" for c in cs[k : k + 4]]
            if (
                words[0] == "("
                and words[1] in ("we", "i", "they", "people")
                and self._base(words[2]) == "call"
                and words[3] in ("them", "it", "these")
                and isinstance(cs[k - 1], NP)
                and isinstance(cs[k + 4], NP)
                and isinstance(cs[k + 5], Token)
                and cs[k + 5].text == ")"
            ):
                first, own = cs[k - 1], cs[k + 4]
                assert isinstance(first, NP)
                assert isinstance(own, NP)
                names = ("-".join(entity_words(first)), "-".join(entity_words(own)))
                self.r.aliases.append(names)
                return self._renumbered(cs[:k] + cs[k + 6 :])
        return cs

    def _who_is_a(self, cs: list[Chunk]) -> list[Chunk]:
        """``every person who contacts us is a constituent ...``: the writer's own word for
        everyone who does it, which the rest of the idea uses ("one constituent can have
        several cases"); the sentence reads on as ``every constituent ...``."""
        if len(cs) < 4:
            return cs
        first, be, own, colon = cs[:4]
        if (
            isinstance(first, NP)
            and first.det in ("every", "each")
            and isinstance(be, Token)
            and be.text == "is"
            and isinstance(own, NP)
            and own.det in ("a", "an")
            and not own.mods
            and isinstance(colon, Token)
            and colon.text == ":"
            and self.role(first) == "entity"
            and self.role(own) == "entity"
        ):
            # "every visit is a patrol: which guard, which site, ...": patrols, so called
            self.r.aliases.append(("-".join(entity_words(first)), own.singular))
            return self._renumbered([NP(head=own.head, det="every", index=0), *cs[3:]])
        if not isinstance(cs[1], Token) or cs[1].text not in ("who", "that"):
            return cs
        first = cs[0]
        generic = (isinstance(first, NP) and first.each and first.singular in _GENERIC_PEOPLE) or (
            isinstance(first, Token) and first.text in ("everyone", "everybody", "anyone")
        )
        if not generic:
            return cs
        for k in range(2, min(len(cs) - 1, 8)):
            c, own = cs[k], cs[k + 1]
            if (
                isinstance(c, Token)
                and c.text in ("is", "becomes")
                and isinstance(own, NP)
                and own.det in ("a", "an")
                and not own.mods
                and self.role(own) == "entity"
            ):
                if isinstance(first, NP):
                    self.r.aliases.append(("-".join(entity_words(first)), own.singular))
                every = NP(head=own.head, det="every", index=0)
                return self._renumbered([every, *cs[k + 2 :]])
        return cs

    @staticmethod
    def _renumbered(cs: list[Chunk]) -> list[Chunk]:
        """``cs`` with each noun phrase's index its place in the shortened sentence."""
        for index, item in enumerate(cs):
            if isinstance(item, NP):
                item.index = index
        return cs

    def _each_has(self, cs: list[Chunk]) -> list[Chunk]:
        """``We run sessions. Each [one] has a title, ...``: "each" opening a sentence is
        each of the things the sentence before named last, read as ``each session has``. (Within
        one sentence, "sessions: each has ...", the chunker already reads it so.)"""
        one = 1 if len(cs) > 1 and isinstance(cs[1], Token) and cs[1].text == "one" else 0
        first, verb = (cs[k] if k < len(cs) else None for k in (0, 1 + one))
        if (
            isinstance(first, Token)
            and first.text in ("each", "every")
            and isinstance(verb, Token)
            and verb.text in ("has", "have", "gets", "needs")
            and (named := self._named_just_before()) is not None
        ):
            words = named.split("-")  # "Each one has ...": each of them, as "Each has ..."
            return [NP(head=words[-1], mods=words[:-1], det="each", index=0), *cs[1 + one :]]
        return cs

    def _strip_called(self, chunks: list[Chunk]) -> bool:
        """A sentence that only names the app ("Call it Green Thumb.") adds nothing."""
        words = [c.text for c in chunks if isinstance(c, Token)]
        return bool(words) and words[0] in ("call", "called", "name", "named") and len(chunks) < 6

    def read_sentence(self, cs: list[Chunk], *, first: bool) -> None:
        inside = self._in_parentheses(cs)  # "(name, payout method: cash or credit)"
        if first and self._title_line(cs, inside):
            return
        colon = next(
            (
                k
                for k, c in enumerate(cs)
                if isinstance(c, Token)
                and not inside[k]
                and (c.text == ":" or (c.text == "-" and 0 < k < len(cs) - 1))
                and (c.text == ":" or (_named_before(cs, k, inside) and _listed_after(cs, k)))
                # "we do temperature checks - each check has a date ...": a clause follows
                and not (c.text == "-" and self._each_one_has(cs, k + 1))
            ),
            None,
        )
        verbs_before = colon is not None and any(
            isinstance(c, Token) and c.tag == "VERB" and not inside[k]
            for k, c in enumerate(cs[:colon])
        )  # "places (shops, pubs where a tin sits): name, ...": an aside, no clause
        if (
            colon == 2
            and isinstance(cs[0], NP)
            and cs[0].plural
            and isinstance(cs[1], Token)
            and cs[1].text.endswith("ed")
            and self._participle(cs[1].text)
        ):
            verbs_before = False  # "Poojas offered - pooja name, fee, ...": a heading
        if colon is not None and (self._views_heading(cs[:colon]) or self._views_wanted(cs, colon)):
            return  # "Reports wanted: pump-out charges per month": read by the summaries
        if (
            colon is not None
            and verbs_before
            and colon <= 8
            and cs[colon].text == ":"
            and colon + 1 < len(cs)
            and self.role(cs[colon + 1]) == "entity"
            and self._starts_clause(cs, colon + 1)
        ):
            # "Running a youth orchestra: musicians have a name, ...": a title, then a
            # clause of its own (the title's words are the scene, not a record)
            head = [c for c in cs[:colon] if isinstance(c, NP)]
            if first and head:
                self.r.title = head[-1].words
            self.read_clauses(cs[colon + 1 :])
            return
        if colon is not None and verbs_before and self._recorded_with_fields(cs, colon):
            return
        if colon is not None and verbs_before and self._logged_with_fields(cs, colon):
            return
        one = cs[colon - 2] if colon is not None and colon >= 3 else None
        if (
            colon is not None
            and cs[colon].text == ":"
            and isinstance(one, NP)
            and one.det in ("a", "an", "each")
            and self._base(cs[colon - 1].text) == "be"
            and cs[colon - 3].text in ("so", "and", ",", ";")
            and self.role(one) in ("entity", "attribute")
        ):
            # "..., so a trough check is: which run, which trough, ...": what one is
            self.read_clauses(cs[: colon - 3])
            self.read_title_list(one, cs, colon + 1, first=first)
            return
        if colon == 5 and self._one_doing(cs):
            return
        if colon is not None and cs[colon].text in (":", "-") and self._one_at_one(cs, colon):
            return
        named = cs[colon - 1] if colon is not None and colon >= 3 else None
        if (
            colon is not None
            and cs[colon].text == ":"
            and isinstance(named, NP)
            and named.plural
            and not named.det
            and token_text(cs, colon - 2) == "so"
            and verbs_before
            and self.role(named) in ("entity", "attribute")
        ):
            # "the density is checked every few days, so brine readings: pan, date, ...":
            # the reason, then the records kept and their details
            self.read_clauses(cs[: colon - 2])
            self.read_title_list(named, cs, colon + 1, first=False)
            return
        outside = (
            sum(
                1
                for k in range(colon)
                if not inside[k] and not (isinstance(cs[k], Token) and cs[k].text in ("(", ")"))
            )
            if colon is not None
            else 0
        )
        if colon is not None and not verbs_before and outside <= 8:
            # "products (milk, eggs, orange juice): name, price": the products
            head = [c for k, c in enumerate(cs[:colon]) if isinstance(c, NP) and not inside[k]]
            if head:
                title_np = head[-1]
                before = cs[:colon]
                if (
                    len(before) == 3
                    and isinstance(before[0], NP)
                    and token_text(before, 1) in ("on", "in", "at")
                    and isinstance(before[2], NP)
                    and before[2].det == "the"
                    and self.role(before[0]) == "entity"
                ):
                    title_np = before[0]  # "classes on the timetable: the style, ...": classes
                per = before[1:] if token_text(before, 0) in ("and", "then", "also") else before
                whose = per[2] if len(per) > 2 else None
                if (
                    len(per) >= 3
                    and isinstance(per[0], NP)
                    and per[0].plural
                    and not per[0].det
                    and token_text(per, 1) in ("against", "for", "per", "on", "from")
                    and isinstance(whose, NP)
                    and all(isinstance(c, NP) or c.tag in ("CONJ", "DET", "ADJ") for c in per[2:])
                    and self.role(per[0]) == "entity"
                ):
                    # "and expenses against each horse: date, ...": expenses, each a horse's;
                    # "then complaints from vendors and the public: ...": complaints
                    self.read_title_list(per[0], cs, colon + 1, first=first)
                    # ("maintenance issues per room: ...": each a room's too)
                    each = whose.det in ("each", "every") or (
                        token_text(per, 1) == "per" and not whose.det and not whose.plural
                    )
                    parent = self._known_key(whose) if each else None
                    if parent is not None and len(per) == 3:
                        self.relation(self.entity(per[0], strength=2), parent)
                    return
                subject, be = before[0], before[1] if len(before) > 1 else None
                defined = (
                    len(before) >= 3
                    and isinstance(subject, NP)
                    and isinstance(be, Token)
                    and self._base(be.text) == "be"
                    and self.role(subject) == "entity"
                    and (
                        len(before) == 3
                        or subject.det in ("a", "an", "each", "every")
                        # "Dispatches are by truck: date, truck no., ...": how they go;
                        # "Payments are per boarder: rent, ...": each a boarder's
                        or (len(before) == 4 and token_text(before, 2) in ("by", "via", "per"))
                    )
                )
                if defined and isinstance(subject, NP):
                    # "Gigs are the bookings: the venue, ...": gigs; "A batch is one run of
                    # the still for a particular gin - date, ...": the batch, a gin's
                    title_np = subject
                # "For each comfort room: ...": one of a kind, never the app's title
                heads = first and title_np.det not in ("each", "every")
                self.read_title_list(title_np, cs, colon + 1, first=heads)
                whose_np = before[3] if len(before) == 4 else None
                if defined and isinstance(whose_np, NP) and token_text(before, 2) == "per":
                    self.relation(self._known_key(title_np), self._known_key(whose_np))
                if defined and len(before) > 3:
                    # "A batch is one run of the still for a particular gin": a gin's
                    self._child_of_named(
                        before, title_np, ("for", "of"), start=2, dets=("a", "an", "each", "one")
                    )
                if any(isinstance(c, Token) and c.text == "one" for c in before):
                    # "Player stats (one per player per game): goals, ...": of both
                    self._child_of_named(before, title_np, ("per",))
                record = self._known_key(title_np)
                for k, one in enumerate(before):
                    if (
                        inside[k]
                        and isinstance(one, NP)
                        and one.numbers == ["one"]
                        and record is not None
                        and (key := self._known_key(one)) not in (None, record)
                    ):
                        # "Entries (one exhibitor in one class): ...": an exhibitor's, a class's
                        self.relation(record, key)
                return
        first_np = cs[0]
        if (
            colon is None
            and isinstance(first_np, NP)
            and first_np.head == "name"
            and len(first_np.mods) == 1
            and not first_np.det
            and token_text(cs, 1) == ","
        ):
            owner = self._known_key(NP(head=first_np.mods[0], det="the", index=0))
            if owner is not None:
                # "We also have sponsors. Sponsor name, amount (£), contact email, ...": the
                # sponsors' details, listed after them
                self._read_field_items(cs, 0, owner)
                return
        if not any(
            isinstance(c, Token) and (c.tag == "VERB" or (c.tag == "AUX" and c.text != "'s"))
            for c in cs
        ):
            # a verbless fragment: "Owners, pets and visits." reads as a list of things
            start = next((k for k, c in enumerate(cs) if isinstance(c, NP)), None)
            if start is not None and all(
                isinstance(c, NP) or c.tag in ("PUNCT", "CONJ", "DET", "ADJ", "PREP", "NUM")
                for c in cs
            ):
                if first and len(cs) <= 4 and len([c for c in cs if isinstance(c, NP)]) == 1:
                    np = cs[start]
                    assert isinstance(np, NP)
                    self.r.title = np.words
                    if self.role(np) == "entity" and np.singular not in lx.TITLE_HEADS:
                        self.entity(np, strength=1)
                    return
                self.read_items(cs, start, listed=True, skip_unknown=True)
                return
        self.read_clauses(cs)

    def _title_line(self, cs: list[Chunk], inside: list[bool]) -> bool:
        """``Seagrass monitoring - Moreton Bay project (uni + volunteer divers)``: the idea's
        title line, a name and the one project it is for (set as the title). A dash at
        the third chunk at most, then a single thing outside brackets."""
        dash = next(
            (k for k, c in enumerate(cs[:3]) if isinstance(c, Token) and c.text == "-"), None
        )
        if dash is None or dash == 0:
            return False
        after = [
            c
            for k, c in enumerate(cs[dash + 1 :], dash + 1)
            if not inside[k] and not (isinstance(c, Token) and c.text in ("(", ")", "."))
        ]
        before = cs[:dash]
        if not (
            len(after) == 1
            and isinstance(after[0], NP)
            and not after[0].plural
            and after[0].det is None
            and len(after[0].words) >= 2
            and after[0].head in ("project", "programme", "program", "study", "survey")
            and all(isinstance(c, NP) or c.tag in ("VERB", "NOUN") for c in before)
        ):
            return False
        self.r.title = [w for c in before for w in (c.words if isinstance(c, NP) else [c.text])]
        return True

    def _views_wanted(self, cs: list[Chunk], colon: int) -> bool:
        """``For the monthly partners' meeting I'd like: total fees per month, ...``: a
        want said just before the colon, and a view asked for right after it."""
        wanted = colon >= 2 and self._base(token_text(cs, colon - 1) or "") in _WANTING
        first = cs[colon + 1] if colon + 1 < len(cs) else None
        said = [*first.adjs, *first.words] if isinstance(first, NP) else [token_text(cs, colon + 1)]
        return wanted and bool(set(said[:1]) & _VIEW_KINDS)

    @staticmethod
    def _views_heading(before: list[Chunk]) -> bool:
        """``Reports wanted``, ``For the report to the mayor``: views asked for, not a
        record's details (the one test, on the words, that the summaries use too)."""
        said: list[str] = []
        for c in before:
            if isinstance(c, NP):
                said += [*([c.det] if c.det else []), *c.adjs, *c.words]
            else:
                said.append(c.text)
        return views_heading(said)

    def _child_of_named(
        self,
        before: list[Chunk],
        record: NP,
        preps: tuple[str, ...],
        *,
        start: int = 0,
        dets: tuple[str, ...] | None = None,
    ) -> None:
        """``record`` is a child of each kept thing named right after one of ``preps``
        (from ``start`` on, with one of ``dets`` when given)."""
        child = self._known_key(record)
        for k in range(start, len(before) - 1):
            prep, named = before[k], before[k + 1]
            if (
                isinstance(prep, Token)
                and prep.text in preps
                and isinstance(named, NP)
                and (dets is None or named.det in dets)
            ):
                # "(one per driver per race)" after "league races: ...": a league race's
                self.relation(child, self._known_or_clipped_key(named, child))

    def _each_one_has(self, cs: list[Chunk], k: int) -> bool:
        """``each check has ...`` at ``k``: a clause about each of a kind, not a list."""
        each, has = (cs[j] if j < len(cs) else None for j in (k, k + 1))
        return (
            isinstance(each, NP)
            and each.each
            and isinstance(has, Token)
            and self._base(has.text) in ("have", "get", "need")
        )

    def _logged_with_fields(self, cs: list[Chunk], colon: int) -> bool:
        """``we each log a visit: who went, the date, ...``, ``I also log every practice
        cook on the smoker in between contests: the date, the meat, ...``: what is logged
        before the colon owns the list after it (not the last noun before the colon).
        ``each night we go out counts as a patrol: I note the date, ...``: so does what
        a span of time counts as."""
        start = colon + 1
        who, noted = (cs[k] if k < len(cs) else None for k in (start, start + 1))
        if (
            isinstance(who, Token)
            and who.text in ("i", "we")
            and isinstance(noted, Token)
            and self._base(noted.text) in _LOGGING_VERBS
        ):
            start += 2  # ": I note the date, ..."
        if not (start < len(cs) and self._looks_like_field_list(cs, start)):
            return False
        verb = next(
            (
                k
                for k in range(colon - 1, -1, -1)
                if isinstance(cs[k], Token)
                and cs[k].tag == "VERB"
                and (
                    self._base(cs[k].text) in _LOGGING_VERBS
                    or (self._base(cs[k].text) in _DOING_VERBS and _one_made(cs, k + 1, colon))
                    or (
                        self._base(cs[k].text) == "count"
                        and isinstance(cs[k + 1], Token)
                        and cs[k + 1].text == "as"
                    )
                )
            ),
            None,
        )
        if verb is None or verb + 1 >= colon:
            return False
        if isinstance(cs[verb + 1], Token) and cs[verb + 1].text == "as":
            verb += 1  # "counts as a patrol"
        thing = cs[verb + 1]
        owner: str | None = None
        if isinstance(thing, NP) and (
            thing.singular in ("note", "entry") or thing.singular in lx.CONTAINERS
        ):
            # "I want a record of each one: ...": of the things just named
            of = cs[verb + 2 : colon]
            texts = [c.text if isinstance(c, Token) else "" for c in of]
            if texts[:1] == ["of"] and texts[1:] in (["each", "one"], ["every", "one"], ["them"]):
                # "I pick stones up on beach walks and I want a record of each one"
                named = next(
                    (
                        c
                        for c in cs[:verb]
                        if isinstance(c, NP) and c.plural and self.role(c) == "entity"
                    ),
                    None,
                )
                owner = self.entity(named, strength=2) if named else self.last_entity
            elif texts[:1] == ["of"] and len(of) == 2 and isinstance(of[1], NP):
                owner = self.entity(of[1], strength=2)
            elif thing.mods and (
                not of
                or (
                    texts[:1] == ["for"]
                    and len(of) == 2
                    and isinstance(of[1], NP)
                    and of[1].each
                    and of[1].head in lx.PERIOD_NOUNS
                )
            ):
                # "I want a cooking log for each day: the date, ...": a log of its own kind
                owner = self.entity(thing, strength=2, listed=True, force=True)
        elif isinstance(thing, NP) and self.role(thing) == "entity":
            between = cs[verb + 2 : colon]
            if any(isinstance(c, Token) and c.text in ("(", "and", ",") for c in between):
                return False  # "clients (name, ...) and their appointments: date, ..."
            owner = self.entity(thing, strength=2)
        if owner is None:
            return False
        self.read_clauses(cs[:colon])  # "during a visit they record sightings: ..."
        whose = cs[verb + 3] if verb + 4 == colon else None
        if (
            token_text(cs, verb + 2) == "for"
            and isinstance(whose, NP)
            and (key := self._known_key(whose)) is not None
            and key != owner
        ):
            self.relation(owner, key)  # "we open a claim for the member: ...": the member's
        getter = cs[verb - 1] if verb else None
        if (
            isinstance(getter, NP)
            and getter.det in ("each", "every")
            and (key := self._known_key(getter)) is not None
            and key != owner
        ):
            self.relation(owner, key)  # "each patient gets a pack: ...": the patient's
        self.last_entity = owner
        self._read_field_items(cs, start, owner)
        return True

    def _recorded_with_fields(self, cs: list[Chunk], colon: int) -> bool:
        """``Every cleaning is recorded by the janitor who did it: which CR, date, ...``:
        the thing recorded owns the list (and is the one who recorded it's, when kept)."""
        one, be, done, by, who = (cs[k] if k < len(cs) else None for k in range(5))
        done_by_outsiders = (
            # "Prizes are donated by local businesses - prize name, value": given by whom
            # the app keeps no record of, so the prizes own the list
            colon == 5
            and isinstance(one, NP)
            and one.plural
            and one.det in (None, "the", "our", "my")
            and isinstance(by, Token)
            and by.text == "by"
            and isinstance(who, NP)
            and self.role(who) in ("meta", "self")
        )
        # "A job docket is opened when a machine comes in: date in, the fault, ...": made
        # then, with what the list tells
        made_when = (
            isinstance(done, Token)
            and self._base(done.text) in _MAKING_VERBS
            and token_text(cs, 3) in ("when", "whenever", "once")
        )
        if not (
            isinstance(one, NP)
            and (one.det in ("each", "every", "a", "an") or done_by_outsiders)
            and isinstance(be, Token)
            and self._base(be.text) == "be"
            and isinstance(done, Token)
            and done.tag == "VERB"
            and (done.text.endswith("ed") or made_when)
            and (self._base(done.text) in _LOGGING_VERBS or done_by_outsiders or made_when)
            and self.role(one) in ("entity", "attribute")
            and self._looks_like_field_list(cs, colon + 1)
        ):
            return False
        owner = self.entity(one, strength=2, listed=True, force=True)
        if owner is None:
            return False
        if (
            token_text(cs, 3) == "by"
            and isinstance(who, NP)
            and (key := self._known_key(who)) is not None
            and key != owner
        ):
            self.relation(owner, key)
        self.last_entity = owner
        self._read_field_items(cs, colon + 1, owner)
        return True

    @staticmethod
    def _in_parentheses(cs: list[Chunk]) -> list[bool]:
        """For each chunk, whether it stands inside parentheses."""
        depth, inside = 0, []
        for c in cs:
            if isinstance(c, Token) and c.text == ")":
                depth = max(0, depth - 1)
            inside.append(depth > 0)
            if isinstance(c, Token) and c.text == "(":
                depth += 1
        return inside

    def read_title_list(self, title_np: NP, cs: list[Chunk], start: int, *, first: bool) -> None:
        """``Title: item, item and item``: a list of things, or the title thing's fields."""
        items_start = start
        kept_reports = not first and self._reports_kept(title_np, cs, start)
        if title_np.singular in VIEW_HEADINGS and not title_np.mods and not kept_reports:
            return  # "Reports: jobs per mechanic per week": views, read by the summaries
        # "Results (one per member per night): club night, member, games won, bingos":
        # a list that opens with a record kept is the details of one of these
        fields_only = self._looks_like_field_list(cs, items_start) or (
            not first and self._names_a_record_first(cs, items_start, one=True)
        )
        if (
            first
            and fields_only
            and title_np.singular in lx.META_NOUNS
            and isinstance(cs[start - 1], Token)
            and cs[start - 1].text == "-"
        ):
            self.r.title = title_np.words
            return  # "Garage system - MOT & servicing": the app's name and what it is for
        rest = [c for c in cs[start:] if not (isinstance(c, Token) and c.text == ".")]
        if (
            first
            and isinstance(cs[start - 1], Token)
            and cs[start - 1].text == "-"
            and len(rest) == 1
            and isinstance(rest[0], NP)
            and self.role(rest[0]) == "meta"
        ):
            self.r.title = title_np.words
            return  # "embroidery biz - orders app", "Blinds & Shutters - job tracker"
        if first:
            self.r.title = title_np.words
        if fields_only:
            owner_np = title_np
            # "Fertiliser applications: date, bags used": applications made, records
            applied = (
                not first
                and title_np.plural
                and bool(title_np.mods)
                and title_np.singular in _RECORDS_IN_PLURAL
            )
            if (
                title_np.singular in lx.TITLE_HEADS or self.role(title_np) == "meta"
            ) and not applied:
                owner_np = (
                    NP(head=title_np.mods[-1], mods=title_np.mods[:-1], index=title_np.index)
                    if title_np.mods
                    else title_np
                )
            # "Results: boat, race, finish position": a plural heading over a list of
            # details is records of their own, even when the word alone is a field
            # ("Species (name, code)": a word that is its own plural, so named too; "Site:
            # site code, name, ...": a word for the app's site naming its own records)
            role = self.role(owner_np)
            counted = not first and (
                (
                    role == "attribute"
                    and (
                        owner_np.plural
                        or owner_np.det in ("each", "every")  # "For each comfort room: ..."
                        or lx.SINGULAR_OVERRIDES.get(owner_np.head) == owner_np.head
                        or self._names_a_record_first(cs, items_start)
                    )
                )
                or (
                    role in ("attribute", "meta")
                    and self._names_itself_first(owner_np, cs, items_start)
                )
                or kept_reports
            )
            owner = self.entity(
                owner_np, strength=2, listed=True, force=counted, heading=counted and role == "meta"
            )
            self._read_field_items(cs, items_start, owner)
            return
        if not first and self.role(title_np) == "entity":
            owner = self.entity(title_np, strength=2, listed=True)
            self._read_field_items(cs, items_start, owner)
            return

        end = self.read_items(cs, items_start, listed=True, skip_unknown=True)
        self._clause_after_list(cs, end)

    def _one_at_one(self, cs: list[Chunk], colon: int) -> bool:
        """``[..., so] feedback is one playtester at one session: fun rating, ...``: a
        record of one of each (whatever its word), and its details after the colon (or a
        dash); also a record at one of another ("jobs are at one property: ...",
        "containers sit under a shipment - ..."). False (nothing read) when the words are
        not that."""
        start = next((k + 1 for k in range(colon - 1, -1, -1) if token_text(cs, k) == "so"), 0)
        before = cs[start:colon]
        while before and token_text(before, len(before) - 1) in ("too", "also"):
            before = before[:-1]  # "vet treatments are on one animal too: ..."
        subject = before[0] if before else None
        sides = before[2::2]
        verb = self._base(token_text(before, 1) or "")
        placed = len(before) == 4 and token_text(before, 2) in lx.PREPOSITIONS
        if placed:
            sides = before[3:]  # "jobs are at one property: date booked, ..."
        # "a boarder occupies one bed - name, school, ...": the boarder's details
        held = len(before) == 3 and verb in _HELD_VERBS
        if not (
            len(before) in (3, 4, 5)
            and isinstance(subject, NP)
            and subject.det in (None, "a", "an", "each", "every")
            and (verb == "be" or (placed and verb in _PLACED_VERBS) or held)
            and all(
                isinstance(side, NP)
                and (side.numbers == ["one"] or (placed and side.det in ("a", "an")))
                for side in sides
            )
            and all(isinstance(side, NP) and self._known_key(side) for side in sides)
            and (len(before) in (3, 4) or token_text(before, 3) in lx.PREPOSITIONS)
            and self._looks_like_field_list(cs, colon + 1)
        ):
            return False
        key = self.entity(subject, strength=2, listed=True, force=True)
        if key is None:
            return False
        told = start and any(isinstance(c, NP) and c.head == subject.head for c in cs[:start])
        if start and not told:
            # "we meet monthly, so a visit is one ...": what comes before, read; "after
            # each session every tester fills out feedback, so feedback is ...": said again
            self.read_clauses(cs[: start - 1])
        for side in sides:
            assert isinstance(side, NP)
            self.relation(key, self._known_key(side))
        self.last_entity = key
        self._read_field_items(cs, colon + 1, key)
        return True

    def _one_doing(self, cs: list[Chunk]) -> bool:
        """``An order is a customer ordering a bat: order date, price, ...``: a record
        of one thing doing something to another, each of them the record's, and its
        details after the colon. False (nothing read) when the words are not that."""
        one, doer, verb, done = cs[0], cs[2], cs[3], cs[4]
        if not (
            isinstance(one, NP)
            and one.det in ("a", "an", "each", "every")
            and self._base(token_text(cs, 1) or "") == "be"
            and isinstance(doer, NP)
            and doer.det in ("a", "an", "one")
            and isinstance(verb, Token)
            and verb.tag == "VERB"
            and verb.text.endswith("ing")
            and isinstance(done, NP)
            and done.det in ("a", "an", "one", "their", "his", "her")
            and self.role(one) in ("entity", "attribute")
            and self.role(doer) == "entity"
            and self.role(done) in ("entity", "attribute")
        ):
            return False
        key = self.entity(one, strength=2, listed=True, force=True)
        if key is None:
            return False
        for side in (doer, done):
            self.relation(key, self.entity(side, strength=1))
        self.read_title_list(one, cs, 6, first=False)  # (a record, never the app's title)
        return True

    def _names_a_record_first(self, cs: list[Chunk], i: int, *, one: bool = False) -> bool:
        """``high score: machine, player name, score, date``: a field word over a list that
        opens with a record already kept (the parent it belongs to) is a record too."""
        first = cs[i] if i < len(cs) else None
        if isinstance(first, Token) and first.text == "which" and i + 1 < len(cs):
            # "Registration - which player entered which tournament, date registered"
            which = cs[i + 1]
            return isinstance(which, NP) and self._known_key(which) is not None
        return (
            isinstance(first, NP)
            and self._known_key(first) is not None
            and not (one and first.plural)
            and i + 1 < len(cs)
            and isinstance(cs[i + 1], Token)
            and cs[i + 1].text == ","
        )

    def _reports_kept(self, title: NP, cs: list[Chunk], i: int) -> bool:
        """``Report: date reported, address, surface, photo link`` (a row of a table of
        the things kept): reports made to the writer, each a record with its details, not
        the views asked for ("Reports: jobs per mechanic" asks for views)."""
        rest = cs[i:]
        return (
            title.singular == "report"
            and sum(1 for c in rest if isinstance(c, Token) and c.text == ",") >= 2
            and not any(
                (isinstance(c, Token) and c.text in ("per", "how-many"))
                or (isinstance(c, NP) and bool({*c.adjs, *c.mods, c.head} & _SUMMED))
                for c in rest
            )
            and self._looks_like_field_list(cs, i)
        )

    @staticmethod
    def _names_itself_first(title: NP, cs: list[Chunk], i: int) -> bool:
        """``Plan: plan name, meals per day, ...``: a heading whose first item is its own
        name is a record (a plan) even when the word alone is a field."""
        first = cs[i] if i < len(cs) else None
        return (
            isinstance(first, NP)
            and first.mods[:1] == [title.head]
            and first.head in ("name", "title", "number", "code", "id")
        )

    def _read_field_items(self, cs: list[Chunk], i: int, owner: str | None) -> None:
        """``Heading: item, item, ...``: the comma parts a field each, so an item the
        field reader stops at ("description of the piece", "inspector who signed it
        off") costs that item only, not the rest of the line."""
        inside = self._in_parentheses(cs)
        titled = not any(isinstance(c, Token) and c.tag in ("VERB", "AUX", "PRON") for c in cs[:i])
        clause = next(
            (
                k
                for k in range(i + 1, len(cs) if titled else 0)
                if not inside[k]
                and token_text(cs, k - 1) in (",", "and")
                and getattr(cs[k], "det", None) in ("each", "every")
                and self._starts_clause(cs, k)
            ),
            None,
        )
        if clause is not None:
            # "Feed deliveries: date, tonnes, and every delivery goes to one pen": the
            # list is over, a clause of its own follows
            self._read_field_items(cs[:clause], i, owner)
            self.read_clauses(cs[clause:])
            return
        while i < len(cs):
            if token_text(cs, i) in ("with", "plus", "including") and i + 1 < len(cs):
                i += 1  # "Exams: each one is for a student, with the subject, ...": its items
            end = self.read_fields(cs, i, owner, closer=None, heading_items=True)
            i = next(
                (
                    k + 1
                    for k in range(max(end, i + 1), len(cs))
                    if not inside[k] and isinstance(cs[k], Token) and cs[k].text == ","
                ),
                len(cs),
            )

    def _clause_after_list(self, cs: list[Chunk], end: int) -> None:
        """``...: talks with title and duration - each talk has one speaker, one room``:
        a clause after the list, read as a sentence of its own."""
        if not (end + 2 < len(cs) and isinstance(cs[end], Token) and cs[end].text in ("-", ";")):
            return
        rest = cs[end + 1 :]
        head, verb = rest[0], rest[1]
        if not (isinstance(head, NP) and isinstance(verb, Token) and verb.tag in ("VERB", "AUX")):
            return
        for index, item in enumerate(rest):
            if isinstance(item, NP):
                item.index = index
        self.read_clauses(rest)

    def _fields_start(self, cs: list[Chunk], i: int) -> bool:
        """Whether what starts at ``i`` is an attribute ("- name, which side, ..."); the
        field reader hands later items ("..., and tables with ...") back by itself."""
        c = cs[i] if i < len(cs) else None
        if isinstance(c, Token):
            return c.text in ("which", "what", "whether", "how-many", "how-long", "how-often")
        return isinstance(c, NP) and self.role(c) == "attribute" and not c.plural

    def _looks_like_field_list(self, cs: list[Chunk], start: int) -> bool:
        nps: list[NP] = []
        depth = 0
        purpose = False  # in "for staff children or siblings": whom an item is for
        for k in range(start, len(cs)):
            c = cs[k]
            if isinstance(c, Token):
                depth += {"(": 1, ")": -1}.get(c.text, 0)
                continue
            prev = cs[k - 1] if k else None
            if depth or (isinstance(prev, Token) and prev.text in ("how-many", "which", "what")):
                continue  # "(lace, fingering)", "how many skeins": not things of their own
            counter = cs[k - 2] if k >= 2 else None
            after = cs[k + 1] if k + 1 < len(cs) else None
            if (
                isinstance(prev, Token)
                and prev.text == "of"
                and isinstance(counter, NP)
                and counter.head in ("number", "count", "amount")
                and not (isinstance(after, Token) and after.text in ("per", "by", "each", "in"))
            ):
                continue  # "date, number of players, deposit": a count ("per vet": a view)
            if (
                isinstance(after, Token)
                and after.text == "per"
                and not c.det
                and not (isinstance(prev, Token) and prev.text == "of")  # "number of X per Y"
            ):
                continue  # "plan name, meals per day, rotis per meal": rates, not records
            if isinstance(after, Token) and after.text == "yes-no":
                continue  # "net 30 terms y/n": a yes/no, not terms kept
            if isinstance(after, Token) and after.tag == "VERB" and self._participle(after.text):
                continue  # "marks obtained", "games won": what was done, not things kept
            if isinstance(prev, Token) and prev.text == "in" and np_role(c) == "attribute":
                continue  # "capacity in litres (6000 or 12000)": the unit of a field
            if (
                isinstance(prev, Token)
                and nps
                and (prev.text == "for" or (purpose and prev.text in ("or", "and")))
            ):
                purpose = True
                continue  # "..., and discount for staff children or siblings": who it is for
            purpose = False
            if np_role(c) == "attribute" and c.plural and self._has_posts(cs, k + 1):
                return False  # "ticket types with a label": records of their own
            nps.append(c)
        if not nps:
            return False
        plural_things = [
            np
            for np in nps
            if (self.role(np) == "entity" or np.singular in ("user", "person"))
            and np.plural
            and not np.owner
        ]
        return not plural_things

    def _base(self, word: str) -> str:
        return verb_forms().get(word, word)


class Reader(ClauseReader, EventReader, FieldReader, ListReader, ReaderCore):
    """The whole grammar: the rules of each mixin over the core's facts."""


def read(idea: str, features: list[str] | tuple[str, ...] = ()) -> Reading:
    reader = Reader(idea)
    reading = reader.read()
    if features:
        reader.read_features([f for f in features if f.strip()])
    return reading


def singular_key(word: str) -> str:
    return singular(word)
