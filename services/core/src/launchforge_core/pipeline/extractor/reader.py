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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from launchforge_core.pipeline.extractor import lexicon as lx
from launchforge_core.pipeline.extractor.chunks import NP, Chunk, chunk
from launchforge_core.pipeline.extractor.fields import FieldDraft
from launchforge_core.pipeline.extractor.tokens import Token, split_sentences, tokenize, verb_forms
from launchforge_core.pipeline.extractor.words import is_person, singular

# Prepositions that tie a child to its parent: "visits of pets", "ingredients in recipes".
RELATION_PREPS = frozenset(
    {
        "of",
        "in",
        "for",
        "per",
        "by",
        "from",
        "on",
        "at",
        "within",
        "under",
        "inside",
        "to",
        "into",
        "about",
    }
)
# Prepositions that tie two things only when the second is plural, "each" or known
# ("shifts at locations"); "at the community centre" is where, not a record.
WEAK_PREPS = frozenset({"at", "on", "from", "to", "into", "about", "under", "within", "inside"})
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
# Verbs whose subject is the child of the object: "routes belong to a wall".
CHILD_VERBS = frozenset({"belong", "live", "sit", "stay", "fit", "hang"})
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
# Units that may follow a field: "frame size in cm", "duration in minutes".
UNITS = frozenset(
    """minutes minute hours hour days day seconds second weeks months years km kms miles
    kg kgs lbs pounds litres liters litre liter ml l grams g cm mm m metres meters inches
    feet ft oz ounces euros dollars gbp usd eur percent celsius fahrenheit kwh watts degrees
    mhz khz ghz hz volts amps
    square-metres square-meters square-feet""".split()
)
# Past participles that finish a field's name: "work done", "date joined".
_PARTICIPLE_ENDINGS = ("ed", "en")
_PARTICIPLES = frozenset({"done", "made", "spent", "taken", "used", "won", "lost", "sold", "paid"})
# Words that tie "whether ..." or a bare participle to a boolean field.
_BOOL_SKIP = frozenset({"it", "they", "he", "she", "the", "a", "an", "was", "were", "is", "are"})


@dataclass
class EntityDraft:
    key: str  # "service-record": words joined with "-", last word singular
    words: list[str]
    first: tuple[int, int]
    evidence: int = 0
    fields: dict[str, FieldDraft] = field(default_factory=dict)
    listed: bool = False  # an item of a list of things (title list, object list)


@dataclass
class Reading:
    entities: dict[str, EntityDraft] = field(default_factory=dict)
    relations: list[tuple[str, str]] = field(default_factory=list)  # (child, parent)
    links: list[tuple[str, str]] = field(default_factory=list)  # many-to-many (owner, member)
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


def np_role(np: NP) -> str:
    """What a noun phrase can stand for: entity, attribute, meta, self or abstract."""
    head, one = np.head, np.singular
    if head in lx.SELF_NOUNS or one in lx.SELF_NOUNS:
        return "self"
    if head in lx.PERIOD_NOUNS and not np.mods:
        return "period"
    if head in UNITS and not np.mods:
        return "attribute"  # "litres", "kg": a measure
    if (one in lx.META_NOUNS or head in lx.META_NOUNS) and not (
        np.plural and one in lx.META_BUT_ENTITY_IN_PLURAL
    ):
        return "meta"
    if head in lx.BUSINESS_NOUNS and np.det in (None, "my", "our", "a", "an", "the", "this"):
        return "meta"  # "my tattoo studio", "our community garden": who owns the app
    if one in lx.ABSTRACT_NOUNS and not np.mods:
        return "abstract"
    first = (np.adjs + np.mods + [head])[0]
    if first in lx.AGGREGATE_WORDS and len(np.adjs + np.mods) >= 1:
        return "abstract"  # "total sales", "average score": a summary, not records
    if head in lx.PLURAL_ATTRIBUTES and one not in ENTITY_WHEN_PLURAL:
        return "attribute"
    if (head in lx.ATTRIBUTE_NOUNS or one in lx.ATTRIBUTE_NOUNS) and not (
        np.plural and one in ENTITY_WHEN_PLURAL
    ):
        return "attribute"
    return "entity"


def meta_owner(np: NP) -> NP | None:
    """``a habit tracker``, ``my recipe app``: the thing the app is for, named by the
    modifier of a word that names the app itself (None when there is no such modifier)."""
    if np_role(np) != "meta" or not np.mods or np.head in lx.BUSINESS_NOUNS:
        return None
    head = np.mods[-1]
    if head in lx.META_NOUNS or head in lx.SELF_NOUNS or head in lx.ADJECTIVES:
        return None
    owner = NP(head=head, mods=np.mods[:-1], det=np.det, index=np.index)
    return owner if np_role(owner) == "entity" else None


def entity_words(np: NP) -> list[str]:
    """The words that name the entity: noun modifiers and the singular head."""
    mods = [m for m in np.mods if m not in lx.META_NOUNS and m not in lx.SELF_NOUNS]
    return [*mods[-1:], np.singular] if mods else [np.singular]


class Reader:
    def __init__(self, idea: str) -> None:
        self.r = Reading()
        self.idea = idea
        self.sentence = 0
        self.last_entity: str | None = None
        self.last_many_verb = ""
        self.last_person: str | None = None

    # --- facts ------------------------------------------------------------------------

    def role(self, np: Chunk) -> str:
        """``np_role``, except that a noun already kept as an entity stays one ("by vehicle").

        A token (no noun phrase at all) has the role "token"."""
        if not isinstance(np, NP):
            return "token"
        role = np_role(np)
        if role in ("attribute", "abstract", "self") and (
            "-".join(entity_words(np)) in self.r.entities
        ):
            return "entity"
        return role

    def entity(
        self, np: NP, *, strength: int = 1, listed: bool = False, force: bool = False
    ) -> str | None:
        """The entity ``np`` names (created on first mention), or None if it names none.

        ``force``: the caller has seen that an attribute-like noun has records of its own
        ("grades per student with ...")."""
        role = self.role(np)
        if force and role in ("attribute", "abstract"):
            role = "entity"
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
        """Whose "their name" / "its size": the last person (their) or thing (its) named."""
        if np.det not in ("their", "his", "her", "its"):
            return None
        keys = list(self.r.entities)
        if np.det == "its":
            return self.last_entity
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
        sentences = split_sentences(tokens)
        self.r.sentences = sentences
        for index, sentence in enumerate(sentences):
            self.sentence = index
            chunks = chunk(sentence)
            if self._strip_called(chunks):
                continue
            self.read_sentence(chunks, first=index == 0)
        return self.r

    def _strip_called(self, chunks: list[Chunk]) -> bool:
        """A sentence that only names the app ("Call it Green Thumb.") adds nothing."""
        words = [c.text for c in chunks if isinstance(c, Token)]
        return bool(words) and words[0] in ("call", "called", "name", "named") and len(chunks) < 6

    def read_sentence(self, cs: list[Chunk], *, first: bool) -> None:
        colon = next(
            (
                k
                for k, c in enumerate(cs)
                if isinstance(c, Token)
                and (c.text == ":" or (c.text == "-" and 0 < k < len(cs) - 1))
                and (c.text == ":" or (isinstance(cs[k - 1], NP) and isinstance(cs[k + 1], NP)))
            ),
            None,
        )
        verbs_before = colon is not None and any(
            isinstance(c, Token) and c.tag == "VERB" for c in cs[:colon]
        )
        if colon is not None and not verbs_before and colon <= 8:
            head = [c for c in cs[:colon] if isinstance(c, NP)]
            if head:
                title_np = head[-1]
                self.read_title_list(title_np, cs, colon + 1, first=first)
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

    def read_title_list(self, title_np: NP, cs: list[Chunk], start: int, *, first: bool) -> None:
        """``Title: item, item and item``: a list of things, or the title thing's fields."""
        items_start = start
        fields_only = self._looks_like_field_list(cs, items_start)
        if first:
            self.r.title = title_np.words
        if fields_only:
            owner_np = title_np
            if title_np.singular in lx.TITLE_HEADS or self.role(title_np) == "meta":
                owner_np = (
                    NP(head=title_np.mods[-1], mods=title_np.mods[:-1], index=title_np.index)
                    if title_np.mods
                    else title_np
                )
            owner = self.entity(owner_np, strength=2, listed=True)
            self.read_fields(cs, items_start, owner, closer=None)
            return
        if not first and self.role(title_np) == "entity":
            owner = self.entity(title_np, strength=2, listed=True)
            self.read_fields(cs, items_start, owner, closer=None)
            return
        self.read_items(cs, items_start, listed=True, skip_unknown=True)

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
        for k in range(start, len(cs)):
            c = cs[k]
            if isinstance(c, Token):
                depth += {"(": 1, ")": -1}.get(c.text, 0)
                continue
            prev = cs[k - 1] if k else None
            if depth or (isinstance(prev, Token) and prev.text in ("how-many", "which", "what")):
                continue  # "(lace, fingering)", "how many skeins": not things of their own
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

    # --- lists of things ----------------------------------------------------------------

    def read_items(
        self,
        cs: list[Chunk],
        i: int,
        *,
        listed: bool,
        strength: int = 2,
        bare_weak: bool = False,
        skip_unknown: bool = False,
    ) -> int:
        """``owners, pets with species and birth date, and visits with ...``: entities.

        Items named together before a shared phrase share it: in "waterings,
        feedings and repottings of each plant", all three are of a plant.
        """
        previous: str | None = None
        group: list[str] = []
        while i < len(cs):
            c = cs[i]
            if isinstance(c, Token) and (c.text in (",", "and", "or", "plus") or c.tag == "DET"):
                i += 1
                continue
            if (
                isinstance(c, Token)
                and c.text == "which"
                and i + 1 < len(cs)
                and isinstance(cs[i + 1], NP)
            ):
                i = self._which_go_in(cs, i + 1)
                continue
            if (
                isinstance(c, NP)
                and group
                and i + 1 < len(cs)
                and isinstance(cs[i + 1], Token)
                and cs[i + 1].tag in ("VERB", "AUX")
                and not self._participle(cs[i + 1].text)
                and not skip_unknown
            ):
                return i  # "we have coops and each hen lives in one": a clause of its own
            if not isinstance(c, NP):
                if skip_unknown and (c.tag != "VERB" or self._participle(c.text)):
                    i = self._after_item(cs, i, previous)
                    if i < len(cs):
                        continue
                break
            owner_np = meta_owner(c)
            if owner_np is not None and self._has_posts(cs, i + 1):
                c = owner_np  # "a habit tracker with daily check-ins": the habits
            role = self.role(c)
            forced = role == "attribute" and c.plural and self._has_posts(cs, i + 1)
            if forced:
                role = "entity"  # "tasting notes per wine with ...": records of their own
            if role == "attribute" and previous is not None:
                # "clients with phone, email and their dogs": back into the fields
                i = self.read_fields(cs, i, previous, closer=None)
                continue
            weak = bare_weak and c.det is None and not c.plural and not c.numbers
            if weak and "-".join(entity_words(c)) not in self.r.entities:
                # "I teach piano": a mass noun, not records (kept only if more is said of it)
                key = self.entity(c, strength=0) if role == "entity" else None
            else:
                key = (
                    self.entity(c, strength=strength, listed=listed, force=forced)
                    if role == "entity"
                    else None
                )
            if c.owner is not None:
                self._possessive(c, key)
            if key and c.det in ("their", "its") and previous:
                self.relation(key, previous)
            if key:
                group.append(key)
            i = self._relative_clause(cs, i + 1, key)
            start = i
            i = self.read_posts(cs, i, key, group=group)
            if i != start:
                group = []
            if key:
                previous = key
            if i < len(cs) and isinstance(cs[i], NP):
                continue
            if i < len(cs) and isinstance(cs[i], Token) and cs[i].text in (",", "and", "or"):
                continue
            break
        return i

    def _after_item(self, cs: list[Chunk], i: int, previous: str | None) -> int:
        """Past what the list reader cannot read, to the next item (", each stored in a rack"
        still ties the previous item to the rack)."""
        while i < len(cs):
            c = cs[i]
            if isinstance(c, Token) and c.text in (",", ";"):
                return i
            if isinstance(c, Token) and c.tag == "VERB" and previous and self._participle(c.text):
                j = i + 1
                if j < len(cs) and isinstance(cs[j], Token) and cs[j].tag == "PREP":
                    j += 1
                if j < len(cs) and isinstance(cs[j], NP) and self.role(cs[j]) == "entity":
                    target = cs[j]
                    assert isinstance(target, NP)
                    self.relation(previous, self.entity(target))
                    i = j + 1
                    continue
            i += 1
        return i

    def read_posts(
        self, cs: list[Chunk], i: int, key: str | None, *, group: list[str] | None = None
    ) -> int:
        """What follows an item: its fields, its parent or its children."""
        members = group if group else ([key] if key else [])
        while i < len(cs):
            c = cs[i]
            if not isinstance(c, Token):
                break
            if c.text == "with" and i + 1 < len(cs):
                nxt = cs[i + 1]
                if isinstance(nxt, NP) and nxt.each and self.role(nxt) == "entity":
                    parent = self.entity(nxt)
                    for member in members:
                        self.relation(member, parent)
                    i += 2
                    continue
                i = self.read_fields(cs, i + 1, key, closer=None)
                continue
            if c.text == "(":
                i = self.read_fields(cs, i + 1, key, closer=")")
                continue
            if c.text == "," and key and i + 1 < len(cs):
                j = i + 1
                while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag == "ADV":
                    j += 1
                after_comma = cs[j] if j < len(cs) else None
                if isinstance(after_comma, Token) and after_comma.text == "with":
                    i = j
                    continue
                following = cs[j + 1] if j + 1 < len(cs) else None
                if (
                    isinstance(after_comma, Token)
                    and after_comma.text in ("each", "every")
                    and isinstance(following, Token)
                    and following.text == "with"
                ):
                    i = self.read_fields(cs, j + 2, key, closer=None)  # ", each with a date"
                    continue
                if isinstance(after_comma, Token) and after_comma.text in ("each", "every", "all"):
                    k = j + 1
                    if k < len(cs) and isinstance(cs[k], Token) and cs[k].tag == "VERB":
                        k += 1
                    if k < len(cs) and isinstance(cs[k], Token) and cs[k].tag == "PREP":
                        k += 1
                    target = cs[k] if k < len(cs) else None
                    if isinstance(target, NP) and self.role(target) == "entity":
                        for member in members:  # ", each in one room"
                            self.relation(member, self.entity(target))
                        i = k + 1
                        continue
                if (
                    isinstance(after_comma, NP)
                    and self.role(after_comma) == "attribute"
                    and not after_comma.plural
                ):
                    i = self.read_fields(cs, j, key, closer=None)  # ", just name and role"
                    continue
                if isinstance(after_comma, Token) and after_comma.text in (
                    "what",
                    "which",
                    "whether",
                    "how-many",
                    "how-much",
                    "how-long",
                ):
                    i = self.read_fields(cs, j, key, closer=None)  # ", what instrument ..."
                    continue
                break
            if (
                c.text == "-"
                and i + 2 < len(cs)
                and isinstance(cs[i + 1], NP)
                and isinstance(cs[i + 2], Token)
                and cs[i + 2].tag in ("AUX", "VERB")
            ):
                break  # "- each talk has ...": a clause, read by the list reader's caller
            if c.text in (":", "-") and key:
                if self._looks_like_field_list(cs, i + 1) or self._fields_start(cs, i + 1):
                    i = self.read_fields(cs, i + 1, key, closer=None)
                else:
                    i = self.read_items(cs, i + 1, listed=True)
                continue
            if c.tag == "PREP" and c.text in RELATION_PREPS and i + 1 < len(cs):
                nxt = cs[i + 1]
                if (
                    isinstance(nxt, NP)
                    and self.role(nxt) == "entity"
                    and key
                    and c.text in WEAK_PREPS
                    and not self._known_or_many(nxt)
                ):
                    # "tickets about a device": a tie if devices turn out to be kept
                    for member in members:
                        self.r.pending.append((member, "-".join(entity_words(nxt))))
                    i += 2
                    continue
                if isinstance(nxt, NP) and self.role(nxt) == "entity" and key:
                    parent = self.entity(nxt)
                    for member in members:
                        self.relation(member, parent)
                    i += 2
                    continue
                break
            if c.tag == "VERB" and key and self._participle(c.text):
                j = i + 1
                if j < len(cs) and isinstance(cs[j], Token) and cs[j].tag == "PREP":
                    j += 1
                if j < len(cs) and isinstance(cs[j], NP) and self.role(cs[j]) == "entity":
                    parent_np = cs[j]
                    assert isinstance(parent_np, NP)
                    self.relation(key, self.entity(parent_np))
                    i = j + 1
                    continue
                break
            break
        return i

    def _known_or_many(self, np: NP) -> bool:
        """Plural, "each", or already kept: "shifts at locations", not "at the centre"."""
        return np.plural or np.each or "-".join(entity_words(np)) in self.r.entities

    def _participle(self, word: str) -> bool:
        """``assigned``, ``hosted``, ``sitting``, ``taken``: a verb form that modifies a noun."""
        return (
            word.endswith(("ed", "ing")) or word in _PARTICIPLES or word in lx.IRREGULAR_VERBS
        ) and word not in ("does", "did", "doing", "has", "had", "having", "being", "been")

    def _relative_clause(self, cs: list[Chunk], i: int, key: str | None) -> int:
        """``ratings members give books``, ``the walks I do with each dog``: ties to both."""
        if key is None or i + 1 >= len(cs):
            return i
        start = i
        if isinstance(cs[i], Token) and cs[i].text in ("where", "that", "which", "who", "whom"):
            i += 1  # "leases where a tenant rents a unit"
            if i + 1 >= len(cs):
                return start
        subject = cs[i]
        if isinstance(subject, NP) and subject.det in ("a", "an", "the") and not subject.plural:
            subject_ok = self.role(subject) == "entity"
        else:
            subject_ok = None
        verb_at = i + 1
        while (
            verb_at + 1 < len(cs)
            and isinstance(cs[verb_at], Token)
            and cs[verb_at].tag in ("AUX", "ADV")
            and isinstance(cs[verb_at + 1], Token)
            and cs[verb_at + 1].tag in ("AUX", "ADV", "VERB")
        ):
            verb_at += 1  # "the jobs I have done": the last of the verb group
        if verb_at >= len(cs):
            return start
        verb = cs[verb_at]
        if not (isinstance(verb, Token) and verb.tag in ("VERB", "AUX")):
            return i
        if isinstance(subject, NP):
            if self.role(subject) != "entity" or (
                not subject.plural and not subject.each and not subject_ok
            ):
                return start
            self.relation(key, self.entity(subject))
        elif not (isinstance(subject, Token) and subject.tag == "PRON"):
            return start
        elif subject.text in ("they", "he", "she") and self.last_person not in (None, key):
            self.relation(key, self.last_person)  # "every donation they make"
        j = verb_at + 1
        if j < len(cs) and isinstance(cs[j], Token) and cs[j].tag == "PREP":
            j += 1
        if j < len(cs) and isinstance(cs[j], NP) and self.role(cs[j]) == "entity":
            obj = cs[j]
            assert isinstance(obj, NP)
            verb_word = cs[verb_at].text if isinstance(cs[verb_at], Token) else ""
            target = self.entity(obj)
            if start != i and self._base(verb_word) in JOINING_VERBS and target:
                # "volunteers who sign up for shifts": each of them, many of those
                self.r.many.append((key, target, self._base(verb_word)))
            else:
                self.relation(key, target)
            return j + 1
        # the rest of the clause: "the jobs I do for them - date, ..."
        j = verb_at + 1
        while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("PREP", "PRON", "ADV"):
            j += 1
        return j

    # --- fields -------------------------------------------------------------------------

    def read_fields(self, cs: list[Chunk], i: int, owner: str | None, *, closer: str | None) -> int:
        """A list of attributes of ``owner``; plural things in it are its children."""
        if closer == ")" and self._aside(cs, i):
            return self._skip_parens(cs, i)
        if closer == ")" and self._examples(cs, i):
            kinds = [c.singular for c in cs[i:] if isinstance(c, NP)]
            while i < len(cs) and not (isinstance(cs[i], Token) and cs[i].text == ")"):
                i += 1
            if owner:
                self.r.kinds.setdefault(owner, kinds)
            return i + 1
        after_and = False
        while i < len(cs):
            c = cs[i]
            if isinstance(c, Token):
                if closer and c.text == closer:
                    return i + 1
                if c.text in (",", "/"):
                    i += 1
                    after_and = c.text == "," and after_and
                    continue
                if c.text in ("and", "or", "plus"):
                    i += 1
                    after_and = True
                    continue
                if c.tag == "DET" or c.text in ("also", "maybe", "optionally", "any"):
                    i += 1
                    continue
                if c.text in ("whether", "if"):
                    i = self._whether(cs, i + 1, owner, closer)
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
                if c.text == "when" or c.text == "where":
                    i = self._when(cs, i, owner, closer)
                    continue
                if c.text in ("which", "what") and i + 1 < len(cs) and isinstance(cs[i + 1], NP):
                    ref = cs[i + 1]
                    assert isinstance(ref, NP)
                    after_ref = cs[i + 2] if i + 2 < len(cs) else None
                    if ref.plural and isinstance(after_ref, Token) and after_ref.tag == "VERB":
                        i = self._which_go_in(cs, i + 1)  # "which songs go in each setlist"
                        continue
                    # "which artist": a reference, made a relation once artists are known
                    draft = FieldDraft([ref.singular], position=i)
                    self.add_field(owner, draft)
                    j = i + 2
                    while j < len(cs) and not (
                        isinstance(cs[j], Token) and cs[j].text in (",", "and", "(", closer)
                    ):
                        j += 1
                    if j < len(cs) and isinstance(cs[j], Token) and cs[j].text == "(":
                        choices, j = self._choices(cs, j + 1, closer=")")
                        if len(choices) >= 2:  # "what instrument (piano or guitar)"
                            draft.choices, draft.type = choices, "enum"
                    i = j
                    continue
                if c.text == "how-often":
                    draft = FieldDraft(["frequency"], position=i)
                    j = i + 1
                    while j < len(cs) and not (
                        isinstance(cs[j], Token) and cs[j].text in (",", "and", "(", closer)
                    ):
                        j += 1
                    if j < len(cs) and isinstance(cs[j], Token) and cs[j].text == "(":
                        choices, j = self._choices(cs, j + 1, closer=")")
                        if len(choices) >= 2:  # "how often (daily, weekly or monthly)"
                            draft.choices, draft.type = choices, "enum"
                    self.add_field(owner, draft)
                    i = j
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
                if (
                    c.tag == "VERB"
                    and self._participle(c.text)
                    and i + 1 < len(cs)
                    and isinstance(cs[i + 1], Token)
                    and cs[i + 1].text in ("at", "on")
                    and self._ends_item(cs, i + 2, closer)
                ):
                    kind = "datetime" if cs[i + 1].text == "at" else "date"
                    words = [c.text, cs[i + 1].text]
                    self.add_field(owner, FieldDraft(words, type=kind, position=i))
                    i += 2
                    continue
                if c.tag == "VERB" and owner and i + 1 < len(cs):
                    j = i + 1
                    if isinstance(cs[j], Token) and cs[j].tag == "PREP":
                        j += 1
                    target = cs[j] if j < len(cs) else None
                    if isinstance(target, NP) and self.role(target) == "entity":
                        # "each hosted by a member", "discussing one book"
                        self.relation(owner, self.entity(target))
                        i = j + 1
                        continue
                if c.tag in ("VERB", "ADJ") and self._boolean_word(c.text):
                    self.add_field(owner, FieldDraft([c.text], type="boolean", position=i))
                    i += 1
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
                        counted = "integer" if c.text == "how-many" else None
                        self.add_field(owner, FieldDraft(words, type=counted, position=i))
                        i = self._skip_clause(cs, j + 1, closer)
                        continue
                    i += 1
                    continue
                if closer is None:
                    return i
                i += 1  # inside parentheses: skip what we cannot read
                continue
            np = c
            role = self.role(np)
            forced = role == "attribute" and np.plural and self._has_posts(cs, i + 1)
            if forced:
                role = "entity"  # "grades per student with ...": records of their own
            if (
                role == "abstract"
                and len(np.adjs + np.mods) >= 1
                and (np.adjs + np.mods + [np.head])[0] in lx.AGGREGATE_WORDS
            ) or np.head in ("averages", "totals"):
                return i  # "weekly averages of ...": a summary asked for, not a field
            if np.head in lx.SUMMARY_NOUNS:
                i += 1  # "with daily check-ins and streaks": a view, read by the summaries
                continue
            if role in ("meta", "self") and not closer:
                nxt = cs[i + 1] if i + 1 < len(cs) else None
                if role == "self" or not (
                    self._ends_item(cs, i + 1, closer)
                    or (isinstance(nxt, Token) and self._participle(nxt.text))
                ):
                    return i
            nxt = cs[i + 1] if i + 1 < len(cs) else None
            if (
                closer is None
                and isinstance(nxt, Token)
                and (nxt.tag == "AUX" or (nxt.tag == "VERB" and not self._participle(nxt.text)))
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
                and not np.plural
                and isinstance(nxt, Token)
                and nxt.text == "("
                and self._choice_list_ahead(cs, i + 2)
            ):
                role = "attribute"  # "meal choice (chicken, fish or veggie)"
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
                and self._ends_item(cs, i + 2, closer)
                and "-".join(entity_words(np)) not in self.r.entities
            ):
                role = "attribute"  # "the procedures done": what was done, kept as text
            if role == "entity" and (np.plural or np.each or np.det in ("their", "its")):
                nxt = cs[i + 1] if i + 1 < len(cs) else None
                starts_item = isinstance(nxt, Token) and nxt.text in ("with", "(", ":")
                if closer is None and ((after_and and starts_item) or starts_item):
                    return i  # "..., and visits with diagnosis": the next item
                if np.plural and closer is None and after_and and owner is None:
                    return i
                child = self.entity(np, force=forced)
                if np.each:
                    self.relation(owner, child)
                else:
                    self.relation(child, owner)
                i = self._relative_clause(cs, i + 1, child)
                i = self.read_posts(cs, i, child)
                after_and = False
                continue
            draft = FieldDraft(self._field_words(np), position=i)
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
                and nxt.tag == "ADV"
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
                and self.role(after) != "entity"
                and np.head
                in ("number", "date", "name", "time", "amount", "place", "type", "level")
            ):
                # "number of servings", "date of purchase": one field
                draft.words = [*draft.words, "of", *self._field_words(after)]
                i += 2
                nxt = cs[i + 1] if i + 1 < len(cs) else None
            if (
                isinstance(nxt, Token)
                and nxt.tag in ("VERB", "ADJ")
                and self._participle(nxt.text)
                and self._ends_item(cs, i + 2, closer)
            ):
                draft.words = [*draft.words, nxt.text]  # "work done", "date joined"
                i += 1
            i = self._field_cues(cs, i + 1, draft)
            following = cs[i] if i < len(cs) else None
            if (
                isinstance(following, Token)
                and following.tag == "PRON"
                and following.text in ("i", "we", "they", "it", "you")
            ):
                i = self._skip_clause(cs, i, closer)  # "hero i played", "the date it went out"
            if role == "entity" and not np.plural and np.singular in self.r.entities:
                # "visits with pet and date": a reference to a known entity
                self.relation(owner, np.singular)
            else:
                self.add_field(owner, draft)
            after_and = False
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
                if unit_word in ("euros", "dollars"):
                    draft.type = "decimal"
                return i + 2
        from launchforge_core.pipeline.extractor.fields import infer_type

        if infer_type(draft.words) == "text":
            if t.text == "(":  # "dietary notes (gluten free, nut allergy)": examples
                return self._skip_parens(cs, i)
            return i
        if t.text in ("like", ":", "-") or (t.text == "(" and self._choice_list_ahead(cs, i + 1)):
            choices, j = self._choices(cs, i + 1, closer=")" if t.text == "(" else None)
            if len(choices) >= 2:
                draft.choices = choices
                draft.type = "enum"
                return j
        if t.text == "of" and draft.words[-1] in ("status", "stage", "severity", "priority"):
            choices, j = self._choices(cs, i + 1, closer=None)
            if len(choices) >= 2:
                draft.choices = choices
                draft.type = "enum"
                return j
        if t.text in ("flag", "yes-no") or (t.text == "(" and self._yes_no(cs, i + 1)):
            draft.type = "boolean"
            return i + (1 if t.text != "(" else 4)
        if t.text == "," and self._trailing_choices(cs, i + 1):
            choices, j = self._choices(cs, i + 1, closer=None)
            if 2 <= len(choices) <= 4:
                draft.choices, draft.type = choices, "enum"  # "a shift, morning or evening"
                return j
        if t.text == "either" or (t.tag == "DET" and t.text == "either"):
            choices, j = self._choices(cs, i + 1, closer=None)
            if len(choices) >= 2:
                draft.choices, draft.type = choices, "enum"
                return j
        return i

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

    def _ends_item(self, cs: list[Chunk], i: int, closer: str | None) -> bool:
        if i >= len(cs):
            return True
        c = cs[i]
        return isinstance(c, Token) and (
            c.text in (",", "and", "or", ")", "yes-no", "flag") or c.text == closer
        )

    def _skip_parens(self, cs: list[Chunk], i: int) -> int:
        while i < len(cs) and not (isinstance(cs[i], Token) and cs[i].text == ")"):
            i += 1
        return i + 1

    def _aside(self, cs: list[Chunk], i: int) -> bool:
        """``(some are kids so i need ...)``: a remark in parentheses, not a list of fields."""
        for c in cs[i:]:
            if isinstance(c, Token) and c.text in (",", ")"):
                return False
            if isinstance(c, Token) and c.text in ("whether", "if", "which", "how-many", "what"):
                return False
            if isinstance(c, Token) and c.tag in ("AUX", "VERB") and not self._participle(c.text):
                return True
        return False

    def _trailing_choices(self, cs: list[Chunk], i: int) -> bool:
        """``w1 or w2`` (or ``w1, w2 or w3``) of bare words, closing the sentence."""
        words, ors = 0, 0
        for c in cs[i:]:
            if isinstance(c, NP):
                if c.det is not None or len(c.words) > 2:
                    return False
                words += 1
            elif c.text == "or":
                ors += 1
            elif c.text == "," or c.tag == "ADJ":
                words += c.tag == "ADJ"
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

    def _choice_list_ahead(self, cs: list[Chunk], i: int) -> bool:
        separators = 0
        for c in cs[i:]:
            if isinstance(c, Token) and c.text == ")":
                break
            if isinstance(c, Token) and c.text in (",", "or", "/"):
                separators += 1
            if isinstance(c, Token) and c.tag == "VERB" and not self._participle(c.text):
                return False
        return separators >= 1

    def _choices(self, cs: list[Chunk], i: int, *, closer: str | None) -> tuple[list[str], int]:
        """``planned, in progress or done``: short values separated by commas/or/slashes."""
        values: list[str] = []
        current: list[str] = []
        while i < len(cs):
            c = cs[i]
            text = c.text if isinstance(c, Token) else " ".join([*c.adjs, *c.mods, c.head])
            if isinstance(c, Token) and closer and text == closer:
                i += 1
                break
            if isinstance(c, Token) and text in (",", "or", "/", "and"):
                if current:
                    values.append(" ".join(current))
                    current = []
                i += 1
                if text == "and" and values and closer is None:
                    pass
                continue
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
        clean: list[str] = []
        for value in values:
            value = value.strip()
            if value and value not in clean and len(value) <= 40:
                clean.append(value)
        return clean, i

    def _whether(self, cs: list[Chunk], i: int, owner: str | None, closer: str | None) -> int:
        """``whether they were paid`` -> paid: boolean."""
        words: list[str] = []
        while i < len(cs):
            c = cs[i]
            if isinstance(c, Token) and (c.text in (",", "and", "or") or c.text == closer):
                break
            if isinstance(c, Token) and c.tag == "PUNCT":
                break
            if isinstance(c, NP):
                if self.role(c) == "self" or (c.det in ("a", "an", "the") and not words):
                    pass  # the subject: "whether the dog is ..."
                elif c.det is None or c.det in lx.POSSESSIVE_DETERMINERS or words:
                    words.extend(w for w in c.words if w not in lx.POSSESSIVE_DETERMINERS)
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
        words = words[:3] if words[:1] == ["has"] else words[-2:]
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
            self.add_field(owner, FieldDraft(["location"], type="string", position=i))
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

    def _skip_clause(self, cs: list[Chunk], i: int, closer: str | None) -> int:
        while i < len(cs):
            c = cs[i]
            if isinstance(c, Token) and (c.text in (",", "and") or c.text == closer):
                break
            i += 1
        return i

    def _boolean_word(self, word: str) -> bool:
        from launchforge_core.pipeline.extractor.fields import BOOLEAN_WORDS

        return word in BOOLEAN_WORDS

    def _base(self, word: str) -> str:
        return verb_forms().get(word, word)

    # --- clauses --------------------------------------------------------------------------

    def read_clauses(self, cs: list[Chunk]) -> None:
        """Prose: subjects, verbs, objects and the phrases around them.

        ``focus`` is the entity the sentence is about so far (its subject, or the X of
        "for each X"); attribute lists without an owner of their own are its fields.
        """
        i = 0
        focus: str | None = None
        subject: NP | None = None
        while i < len(cs):
            c = cs[i]
            if isinstance(c, Token):
                text = c.text
                nxt = cs[i + 1] if i + 1 < len(cs) else None
                if (
                    text == "for"
                    and isinstance(nxt, NP)
                    and (
                        nxt.each
                        or (nxt.plural and self.role(nxt) == "entity" and self._clause_start(cs, i))
                    )
                ):
                    focus = self.entity(nxt, strength=1)
                    if focus:
                        i = self._focus_fields(cs, i + 2, focus)
                        continue
                if (
                    text in ("at", "on", "after", "during", "in")
                    and isinstance(nxt, NP)
                    and self._clause_start(cs, i)
                    and (nxt.each or nxt.det == "the")
                    and "-".join(entity_words(nxt)) in self.r.entities
                ):
                    focus = self.entity(nxt, strength=1)  # "At the visit I note ..."
                    if focus:
                        i = self._focus_fields(cs, i + 2, focus)
                        continue
                if c.tag == "VERB":
                    i = self._verb(cs, i, subject, focus)
                    subject = None
                    continue
                if c.tag == "AUX" and self._base(text) == "have":
                    if subject is not None and self.role(subject) == "entity":
                        i = self._have(cs, i + 1, subject)
                        subject = None
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
                if (
                    subject is not None
                    and self.role(subject) == "entity"
                    and ((c.tag == "AUX" and self._base(text) == "be") or text in ("get", "gets"))
                ):
                    j = self._be_tied(cs, i + 1, subject)
                    if j is not None:
                        i = j  # "each job is for a customer", "jobs are assigned to a crew"
                        continue
                if text == "there" and isinstance(nxt, Token) and self._base(nxt.text) == "be":
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
                if (
                    text in ("with", ":", "(")
                    and focus
                    and isinstance(nxt, NP)
                    and (self.role(nxt) == "attribute" or nxt.det in ("the", "a", "an"))
                ):
                    closer = ")" if text == "(" else None
                    i = self.read_fields(cs, i + 1, focus, closer=closer)
                    continue
                if text == "(" and subject is not None:
                    key = self.entity(subject) if self.role(subject) == "entity" else None
                    if key:
                        i = self.read_fields(cs, i + 1, key, closer=")")
                        continue
                if text in (",", ";") or (c.tag == "CONJ" and text not in ("and", "or")):
                    subject = None
                i += 1
                continue
            np = c
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
                self.relation(child, parent)
                i = self.read_posts(cs, i + 3, child)
                subject = None
                continue
            if self.role(np) == "entity" and self._has_posts(cs, i + 1) and self._is_strong(np):
                key = self.entity(np)
                focus = key or focus
                i = self.read_posts(cs, i + 1, key)
                subject = np
                continue
            if self.role(np) == "entity" and self._is_strong(np):
                focus = self.entity(np, strength=0) or focus
                if self._starts_clause(cs, i):
                    self._many(cs, i, np)
            subject = np
            i += 1

    def _be_tied(self, cs: list[Chunk], j: int, subject: NP) -> int | None:
        """After "is"/"are"/"gets": ``in a class``, ``for a customer``, ``assigned to a crew``.

        The subject is the child (many-to-one); returns where reading goes on, or None."""
        while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("ADV", "AUX"):
            j += 1
        passive = False
        if j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("VERB", "ADJ"):
            token = cs[j]
            assert isinstance(token, Token)
            if not self._participle(token.text):
                return None
            passive = True
            j += 1
        if j < len(cs) and isinstance(cs[j], Token) and cs[j].tag == "PREP":
            if cs[j].text not in RELATION_PREPS | {"with", "part-of"}:
                return None
            j += 1
        elif not passive:
            return None
        while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("DET", "NUM"):
            j += 1
        target = cs[j] if j < len(cs) else None
        if not isinstance(target, NP) or self.role(target) != "entity":
            return None
        self.relation(self.entity(subject), self.entity(target))
        return j + 1

    def _subject_pronoun(self, cs: list[Chunk], i: int) -> str | None:
        """The pronoun before a verb (past auxiliaries and adverbs): "they also pay"."""
        k = i - 1
        while k >= 0 and isinstance(cs[k], Token) and cs[k].tag in ("AUX", "ADV"):
            k -= 1
        c = cs[k] if k >= 0 else None
        return c.text if isinstance(c, Token) and c.tag == "PRON" else None

    def _pronoun_before(self, cs: list[Chunk], i: int) -> bool:
        prev = cs[i - 1] if i else None
        return isinstance(prev, Token) and prev.tag == "PRON" and prev.text in lx.SUBJECT_PRONOUNS

    def _starts_clause(self, cs: list[Chunk], i: int) -> bool:
        nxt = cs[i + 1] if i + 1 < len(cs) else None
        return isinstance(nxt, Token) and nxt.tag in ("VERB", "AUX")

    def _many(self, cs: list[Chunk], i: int, subject: NP) -> None:
        """``one project can use several yarns``: a many side, paired up into a link later."""
        j = i + 1
        verb = ""
        while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("AUX", "VERB", "PREP"):
            token = cs[j]
            assert isinstance(token, Token)
            if token.tag == "VERB" or (
                token.tag == "AUX"
                and self._base(token.text)
                in (
                    "be",
                    "have",
                )
            ):
                verb = self._base(token.text)
            j += 1
        if j >= len(cs) or not isinstance(cs[j], NP) or j == i + 1:
            return
        obj = cs[j]
        assert isinstance(obj, NP)
        if obj.det not in ("several", "many", "multiple", "various", "some") and not (
            obj.numbers and obj.plural
        ):
            return
        a, b = self.entity(subject, strength=0), self.entity(obj, strength=1)
        if a and b and a != b:
            self.r.many.append((a, b, verb))
            self.last_many_verb = verb

    def _has_posts(self, cs: list[Chunk], i: int) -> bool:
        """Whether fields, a parent or children follow (what ``read_posts`` would read)."""
        if i >= len(cs):
            return False
        c = cs[i]
        nxt = cs[i + 1] if i + 1 < len(cs) else None
        if isinstance(c, NP):
            # "ratings members give books": a relative clause of its own
            return (
                c.plural
                and self.role(c) == "entity"
                and isinstance(nxt, Token)
                and nxt.tag == "VERB"
            )
        if c.tag == "PRON" and isinstance(nxt, Token) and nxt.tag in ("VERB", "AUX"):
            return c.text in ("i", "we", "they")  # "the walks I do", "the games we own"
        assert isinstance(c, Token)
        if c.text in ("with", "("):
            return True
        if c.tag == "PREP" and c.text in RELATION_PREPS and isinstance(nxt, NP):
            return self.role(nxt) == "entity" and (c.text != "to" or nxt.each)
        if c.tag == "VERB" and self._participle(c.text):
            after = cs[i + 2] if i + 2 < len(cs) else None
            if isinstance(nxt, Token) and nxt.tag == "PREP" and isinstance(after, NP):
                return self.role(after) == "entity"  # "goals scored in a game"
            return self._base(c.text) in RELATION_VERBS and c.text.endswith("ed")
        return False

    def _clause_start(self, cs: list[Chunk], i: int) -> bool:
        return i == 0 or (isinstance(cs[i - 1], Token) and cs[i - 1].text in (",", "and"))

    def _is_strong(self, np: NP) -> bool:
        invariant = lx.SINGULAR_OVERRIDES.get(np.head) == np.head  # "the fish", "species"
        return np.plural or np.each or np.singular in self.r.entities or invariant

    def _focus_fields(self, cs: list[Chunk], i: int, focus: str) -> int:
        """After ``for each dog``: ``(,) I (want to) record its breed, age and ...``."""
        while i < len(cs):
            c = cs[i]
            if isinstance(c, Token) and (
                c.tag in ("PUNCT", "PRON", "AUX", "ADV") or c.text in ("to", "want", "need")
            ):
                if c.text in (".", ";"):
                    return i
                i += 1
                continue
            if isinstance(c, Token) and c.tag == "VERB":
                i += 1
                continue
            break
        return self.read_fields(cs, i, focus, closer=None)

    def _verb(self, cs: list[Chunk], i: int, subject: NP | None, focus: str | None) -> int:
        verb = cs[i]
        assert isinstance(verb, Token)
        base = self._base(verb.text)
        j = i + 1
        # particles and adverbs between the verb and its object
        while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("ADV",):
            j += 1
        prep: str | None = None
        if j < len(cs) and isinstance(cs[j], Token) and cs[j].tag == "PREP":
            prep = cs[j].text
            if prep not in ("for", "to", "in", "on", "with", "at", "of", "into"):
                return j
            j += 1
        if j >= len(cs) or not isinstance(cs[j], NP):
            return i + 1
        obj = cs[j]
        assert isinstance(obj, NP)
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
            subject_key = self.last_entity
        if base in HAVE_VERBS and subject_key and subject is not None:
            return self._have(cs, j, subject)
        if base in CHILD_VERBS and subject_key and prep is not None:
            parent = self.entity(obj) if self.role(obj) == "entity" else None
            if parent:
                self.relation(subject_key, parent)  # "routes belong to a wall"
                if j + 1 < len(cs) and isinstance(cs[j + 1], Token) and cs[j + 1].text == ":":
                    return self.read_fields(cs, j + 2, subject_key, closer=None)
                return j + 1
        keeping = (
            base in lx.KEEPING_VERBS or verb.text in ("keep-track-of", "sign-up-for") or container
        )
        role = self.role(obj)
        if role == "attribute":
            owner = self.owner_of(obj) or subject_key or focus or self.last_entity
            if owner:
                return self.read_fields(cs, j, owner, closer=None)
        if base in lx.WEAK_VERBS and not keeping:
            return j
        if role != "entity":
            return j + 1
        if (
            subject_key
            and not keeping
            and subject is not None
            and self.role(obj) == "entity"
            and obj.det in ("a", "an")
            and self._has_posts(cs, j + 1)
        ):
            child = self.entity(obj, strength=2)  # "a room gets a cleaning task with ..."
            self.relation(child, subject_key)
            self.last_entity = child
            return self.read_posts(cs, j + 1, child)
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

    def _subject_object(self, subject: str, obj: str, base: str, prep: str | None) -> None:
        """``members book classes``: the object is the subject's (many-to-one)."""
        from launchforge_core.pipeline.extractor.words import is_person

        if is_person(obj) and is_person(subject):
            return
        if base not in CREATING_VERBS:
            return  # "children borrow books": an event between them, not ownership
        self.relation(obj, subject)

    def _have(self, cs: list[Chunk], j: int, subject: NP) -> int:
        """``each recipe has ingredients and a cooking time``."""
        if self.role(subject) in ("meta", "self"):
            # "our garden has about 40 plots": the things kept
            while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("ADV", "PREP"):
                j += 1
            if j < len(cs) and isinstance(cs[j], NP) and self.role(cs[j]) == "entity":
                return self.read_items(cs, j, listed=True)
            return j
        owner = self.entity(subject, strength=1)
        if owner is None:
            return j
        while j < len(cs) and isinstance(cs[j], Token) and cs[j].tag in ("ADV", "DET", "NUM"):
            j += 1
        return self.read_fields(cs, j, owner, closer=None)

    def _which_go_in(self, cs: list[Chunk], j: int) -> int:
        """``which songs go in each setlist`` / ``which X belong to which Y``: many-to-many."""
        member = cs[j]
        assert isinstance(member, NP)
        k = j + 1
        while (
            k < len(cs) and isinstance(cs[k], Token) and cs[k].tag in ("VERB", "AUX", "PREP", "WH")
        ):
            k += 1  # "which students performed in which recital"
        if k < len(cs) and isinstance(cs[k], NP) and self.role(cs[k]) == "entity":
            owner_np = cs[k]
            assert isinstance(owner_np, NP)
            a, b = self.entity(owner_np, strength=2), self.entity(member, strength=2)
            if a and b and a != b and (a, b) not in self.r.links:
                self.r.links.append((a, b))
            return k + 1
        return j + 1

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


def read(idea: str) -> Reading:
    return Reader(idea).read()


def singular_key(word: str) -> str:
    return singular(word)
