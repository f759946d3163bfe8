"""Lists of things: ``owners, pets with species and birth date, and visits``.

Each item is an entity; what follows it (``with ...``, ``(...)``, ``of each Y``,
``assigned to Y``, a relative clause) gives its fields, its parent or its children.
"""

from __future__ import annotations

from launchforge_core.pipeline.extractor import lexicon as lx
from launchforge_core.pipeline.extractor.base import ReaderBase
from launchforge_core.pipeline.extractor.chunks import NP, Chunk, token_text
from launchforge_core.pipeline.extractor.fields import FieldDraft
from launchforge_core.pipeline.extractor.grammar_words import (
    _PARTICIPLES,
    JOINING_VERBS,
    RELATION_PREPS,
    RELATION_VERBS,
    WEAK_PREPS,
)
from launchforge_core.pipeline.extractor.roles import entity_words, meta_owner
from launchforge_core.pipeline.extractor.tokens import Token
from launchforge_core.pipeline.extractor.words import is_person

# Verbs whose base form ends in "ed": "staff just need a name" is no participle
_EED_VERBS = frozenset(
    {"need", "feed", "breed", "bleed", "seed", "weed", "speed", "proceed", "succeed", "exceed"}
)


# Words for a number of things taken together: "a batch of eggs", "a tray of seedlings"
_COLLECTIVES = frozenset(
    """batch tray crate box bag bundle set group clutch litter flock herd""".split()
)


class ListReader(ReaderBase):
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
                and (group or previous is not None)
                and i + 1 < len(cs)
                and isinstance(cs[i + 1], Token)
                and cs[i + 1].tag in ("VERB", "AUX")
                and not self._participle(cs[i + 1].text)
                and not skip_unknown
            ):
                return i  # "we have coops and each hen lives in one": a clause of its own
            if (group or previous is not None) and self._each_at_a_place(cs, i):
                return i  # "..., and every run down the hill is one cart in one heat"
            if not isinstance(c, NP):
                if skip_unknown and (c.tag != "VERB" or self._participle(c.text)):
                    i = self._after_item(cs, i, previous)
                    if i < len(cs):
                        continue
                break
            item_at = i
            owner_np = meta_owner(c)
            if owner_np is not None and self._has_posts(cs, i + 1):
                owner_key = "-".join(entity_words(owner_np))
                listed_again = any(
                    isinstance(x, NP) and "-".join(entity_words(x)) == owner_key
                    for x in cs[i + 1 :]
                )
                if listed_again and isinstance(cs[i + 1], Token) and cs[i + 1].text == "with":
                    # "a todo app with projects and tasks": a list of things, not children
                    return self.read_items(
                        cs, i + 2, listed=listed, strength=strength, skip_unknown=skip_unknown
                    )
                c = owner_np  # "a habit tracker with daily check-ins": the habits
            role = self.role(c)
            forced = (
                role in ("attribute", "abstract")
                and c.plural
                and not (role == "abstract" and (c.adjs or c.mods))  # "total sales per ..."
                and self._has_posts(cs, i + 1)
            )
            if forced:
                role = "entity"  # "tasting notes per wine with ...", "breakdowns against"
            if role == "attribute" and previous is not None:
                # "clients with phone, email and their dogs": back into the fields (at least
                # past this one, when the field reader stops at it)
                i = max(self.read_fields(cs, i, previous, closer=None), i + 1)
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
                if is_person(key) and not is_person(previous):
                    self.relation(previous, key)  # "dogs and their owners": the owners' dogs
                else:
                    self.relation(key, previous)
            if key:
                group.append(key)
            self.previous_item = previous
            i = self._relative_clause(cs, i + 1, key)
            start = i
            i = self.read_posts(cs, i, key, group=group)
            if i != start:
                group = []
            if key:
                previous = key
                self.previous_item = key
            verb = cs[i] if i < len(cs) else None
            if (
                skip_unknown
                and isinstance(verb, Token)
                and verb.tag == "VERB"
                and not self._participle(verb.text)
                and key
            ):
                self.read_clauses(cs[item_at:])  # "A library app: members borrow books"
                return len(cs)
            if i < len(cs) and isinstance(cs[i], NP):
                continue
            if i < len(cs) and isinstance(cs[i], Token) and cs[i].text in (",", "and", "or"):
                continue
            if (
                skip_unknown
                and key
                and i < len(cs)
                and isinstance(cs[i], Token)
                and cs[i].text not in ("-", ";", ":")  # "... - each talk has one room"
            ):
                i = self._after_item(cs, i, key)  # "players with name, each on a team, and ..."
                if i < len(cs):
                    continue
            break
        return i

    def _past_examples(self, cs: list[Chunk], i: int) -> int:
        """From the first example of ``like glass eyes and forms``: past the examples,
        which are kinds of the thing before them, not records of their own."""
        while i < len(cs) and (
            isinstance(cs[i], NP) or (isinstance(cs[i], Token) and cs[i].text in (",", "and", "or"))
        ):
            if isinstance(cs[i], Token) and cs[i].text in (",", "and") and i + 1 < len(cs):
                after = cs[i + 1]
                if isinstance(after, Token) and after.tag in ("PRON", "VERB"):
                    return i  # ", and I record ...": the sentence goes on
            i += 1
        return i

    def _after_item(self, cs: list[Chunk], i: int, previous: str | None) -> int:
        """Past what the list reader cannot read, to the next item (", each stored in a rack"
        still ties the previous item to the rack)."""
        while i < len(cs):
            c = cs[i]
            if isinstance(c, Token) and c.text in (",", ";"):
                return i
            target = cs[i + 1] if i + 1 < len(cs) else None
            if (
                isinstance(c, Token)
                and c.tag == "PREP"
                and c.text in ("on", "in", "at", "with", "under", "for")
                and previous
                and i > 0
                and isinstance(cs[i - 1], Token)
                and cs[i - 1].text in ("each", "every")
                and isinstance(target, NP)
                and (target.det in ("a", "an", "one") or target.numbers == ["one"])
            ):
                # "players with name and nickname, each on a team": the team's
                self.relation(previous, self.entity(target, force=True))
                i += 2
                continue
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
            if isinstance(c, NP) and self.role(c) == "period" and c.det in ("each", "every"):
                i += 1  # "invoices each month with an amount": when, then what they have
                continue
            if not isinstance(c, Token):
                break
            rival = cs[i + 1] if i + 1 < len(cs) else None
            if (
                c.text in ("against", "versus", "vs")
                and isinstance(rival, NP)
                and key
                and "-".join(entity_words(rival)) not in self.r.entities
            ):
                # "matches against other clubs with ...": who they play, not records
                self.add_field(key, FieldDraft(["opponent"], position=i))
                i += 2
                continue
            if c.text == "against" and key and self._one_kept(rival):
                # "log breakdowns against a machine with the date": the machine's; "the
                # order against the guest and the fabric, with ...": both's
                kept = [rival]
                i += 2
                while token_text(cs, i) == "and" and self._one_kept(
                    cs[i + 1] if i + 1 < len(cs) else None
                ):
                    kept.append(cs[i + 1])
                    i += 2
                for one in kept:
                    assert isinstance(one, NP)
                    for member in members:
                        self.relation(member, self.entity(one))
                continue
            if c.text == "like" and isinstance(rival, NP) and key and rival.plural:
                i = self._past_examples(cs, i + 1)  # "supplies like glass eyes and forms"
                continue
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
                whose = cs[j + 1] if j + 1 < len(cs) else None
                if (
                    isinstance(after_comma, Token)
                    and after_comma.text
                    in ("what", "which", "whether", "how-many", "how-much", "how-long")
                    and not (
                        # ", which my wife just loves": a remark on them, not a field
                        after_comma.text == "which"
                        and isinstance(whose, NP)
                        and whose.det in ("my", "our")
                    )
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
                # ("- amount pledged (KSh), date pledged": a field, what was done)
                and not (
                    cs[i + 2].tag == "VERB"
                    and self._participle(cs[i + 2].text)
                    and not getattr(cs[i + 1], "det", None)
                    and token_text(cs, i + 3) in ("(", ",", "and")
                )
            ):
                break  # "- each talk has ...": a clause, read by the list reader's caller
            if c.text in (":", "-") and key:
                if self._looks_like_field_list(cs, i + 1) or self._fields_start(cs, i + 1):
                    i = self.read_fields(cs, i + 1, key, closer=None)
                else:
                    i = self.read_items(cs, i + 1, listed=True)
                continue
            by_field = cs[i + 1] if i + 1 < len(cs) else None
            if (
                c.text == "by"
                and key
                and isinstance(by_field, NP)
                and self.role(by_field) == "attribute"
                and not by_field.plural
            ):
                # "expenses by category": what they are grouped by is one of their fields
                self.add_field(key, FieldDraft(list(by_field.words), position=i))
                i += 2
                continue
            if c.tag == "PREP" and c.text in RELATION_PREPS and i + 1 < len(cs):
                nxt = cs[i + 1]
                then = cs[i + 2] if i + 2 < len(cs) else None
                if (
                    c.text == "for"
                    and isinstance(nxt, NP)
                    and nxt.each
                    and (
                        (
                            isinstance(then, NP)
                            and self.role(then) == "attribute"
                            and then.det in ("the", "a", "an", "its", "their")
                        )
                        or (isinstance(then, Token) and then.text in ("i", "we"))
                    )
                ):
                    break  # "..., and for each order the pickup date": that order's fields
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
                item = cs[i - 1] if i else None
                if (
                    c.text == "of"
                    and isinstance(item, NP)
                    and item.singular in _COLLECTIVES
                    and isinstance(nxt, NP)
                    and nxt.plural
                    and nxt.det is None
                    and self._known_key(nxt) is None
                ):
                    i += 2  # "each batch of eggs": what a batch is made of, no records
                    continue
                if isinstance(nxt, NP) and self.role(nxt) == "entity" and key:
                    parent = self.entity(nxt)
                    if isinstance(item, NP) and item.each and nxt.plural and nxt.det is None:
                        # "I teach each pupil in lessons": each one has many of those
                        self.relation(parent, key)
                        i += 2
                        continue
                    if (
                        c.text == "of"
                        and nxt.plural
                        and any(n not in ("one", "1") for n in nxt.numbers)
                        and len(members) == 1
                    ):
                        # "courses of five weekly sessions", "teams of four players": what
                        # each is made of, so those are its children
                        self.relation(parent, key)
                        i += 2
                        continue
                    for member in members:
                        self.relation(member, parent)
                    i += 2
                    continue
                if (
                    isinstance(nxt, NP)
                    and nxt.det in ("the", "my", "our")
                    and self.role(nxt) != "attribute"
                    and isinstance(then, Token)
                    and then.text == ","
                ):
                    i += 2  # "12 colonies in the lab, each with ...": where they are
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

    def _one_kept(self, c: Chunk | None) -> bool:
        """``a machine``, ``the fabric``: one of the things kept (not "other clubs")."""
        return (
            isinstance(c, NP)
            and c.det in ("a", "an", "the", "each", "one")
            and "-".join(entity_words(c)) in self.r.entities
        )

    def _known_or_many(self, np: NP) -> bool:
        """Plural, "each", or already kept: "shifts at locations", not "at the centre"."""
        return np.plural or np.each or "-".join(entity_words(np)) in self.r.entities

    def _participle(self, word: str) -> bool:
        """``assigned``, ``hosted``, ``sitting``, ``taken``: a verb form that modifies a noun."""
        ing = word.endswith("ing") and any(v in word[:-3] for v in "aeiouy")  # not "bring"
        ed = word.endswith("ed") and word not in _EED_VERBS  # not "need"
        return (ed or ing or word in _PARTICIPLES or word in lx.IRREGULAR_VERBS) and word not in (
            "does",
            "did",
            "doing",
            "has",
            "had",
            "having",
            "being",
            "been",
        )

    def _relative_clause(self, cs: list[Chunk], i: int, key: str | None) -> int:
        """``ratings members give books``, ``the walks I do with each dog``: ties to both."""
        if key is None or i + 1 >= len(cs):
            return i
        has = self._which_have(cs, i)
        if has is not None:  # "routes, which have a number and an operator"
            return self.read_fields(cs, has, key, closer=None)
        start = i
        if isinstance(cs[i], Token) and cs[i].text in ("where", "that", "which", "who", "whom"):
            i += 1  # "leases where a tenant rents a unit"
            if i + 1 >= len(cs):
                return start
            verb = cs[i]
            if isinstance(verb, Token) and verb.tag == "VERB":
                # "every cat that comes through our house: name, age, ...": the clause
                # says which things; what follows the colon is what they have
                k = i + 1
                while k < len(cs) and not (
                    isinstance(cs[k], Token) and cs[k].text in (":", ",", "and", "(", "with")
                ):
                    k += 1
                if k < len(cs) and isinstance(cs[k], Token) and cs[k].text == ":":
                    return k
        subject = cs[i]
        if (
            isinstance(subject, NP)
            and (subject.det in ("a", "an", "the", "one") or subject.numbers == ["one"])
            and not subject.plural
        ):  # "trials where one colony gets offered a bait": one colony's
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
        each = cs[j] if j < len(cs) else None
        following = cs[j + 1] if j + 1 < len(cs) else None
        if (
            isinstance(each, Token)
            and each.text in ("each", "every", "one")
            and not isinstance(following, NP)
            and self.previous_item not in (None, key)
        ):
            self.relation(key, self.previous_item)  # "the exercises I do in each"
            return j + 1
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
            if (
                cs[j].text == "them"
                and isinstance(cs[j - 1], Token)
                and cs[j - 1].tag == "PREP"
                and self.previous_item not in (None, key)
            ):
                self.relation(key, self.previous_item)  # "my clients, the shoots I do for them"
            j += 1
        return j

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
        if c.text == "against" and isinstance(nxt, NP) and nxt.det in ("a", "an", "each", "one"):
            return self.role(nxt) == "entity"  # "breakdowns against a machine"
        if c.tag == "PREP" and c.text in RELATION_PREPS and isinstance(nxt, NP):
            return self.role(nxt) == "entity" and (c.text != "to" or nxt.each)
        if c.tag == "VERB" and self._participle(c.text):
            after = cs[i + 2] if i + 2 < len(cs) else None
            if isinstance(nxt, Token) and nxt.tag == "PREP" and isinstance(after, NP):
                return self.role(after) == "entity"  # "goals scored in a game"
            return self._base(c.text) in RELATION_VERBS and c.text.endswith("ed")
        return False
