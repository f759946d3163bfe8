"""The state every part of the reader shares, and the rules one part calls on another.

``Reader`` (in ``reader``) is made of mixins, one per kind of phrase: ``ListReader``
(lists of things), ``FieldReader`` (attribute lists), ``ClauseReader`` (prose
clauses), ``EventReader`` (who/which clauses) and ``ReaderCore`` (the facts and the
walk over sentences). Each derives from ``ReaderBase``, which declares the state and,
as abstract methods, the rules that another mixin implements.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from launchforge_core.pipeline.extractor import lexicon as lx
from launchforge_core.pipeline.extractor.chunks import NP, Chunk
from launchforge_core.pipeline.extractor.fields import FieldDraft
from launchforge_core.pipeline.extractor.roles import entity_words

if TYPE_CHECKING:
    from launchforge_core.pipeline.extractor.reader import Reading

# Words after a kept thing's name that stand for that thing: "placed with a carer
# household" (the carer, kept by household), "the patient's file"
_STANDS_FOR_WHOSE = frozenset({"household", "family", "record", "file", "profile", "account"})


class ReaderBase(ABC):
    r: Reading
    idea: str
    sentence: int  # the index of the sentence being read
    last_entity: str | None
    last_many_verb: str
    previous_item: str | None  # the last item of the list being read
    last_person: str | None
    person_subject: tuple[str, int] | None
    # the latest entity named at all ("we have sixty shooters": named, not yet told of)
    # and the sentence it is in
    last_named: tuple[str, int] | None

    def _known_key(self, np: NP) -> str | None:
        """The kept entity ``np`` names: "time slot" -> time-slot, "pet" -> pet."""
        words = entity_words(np)
        for key in ("-".join(words), np.singular):
            if key in self.r.entities:
                return key
        if len(words) > 1 and words[-1] in _STANDS_FOR_WHOSE:
            key = "-".join(words[:-1])  # "a carer household", "the patient file": the carer
            if key in self.r.entities:
                return key
        return None

    def _known_or_clipped_key(self, np: NP, owner: str | None) -> str | None:
        """``_known_key``, or the one kept thing (not ``owner``) whose name ends in the
        bare word: "items: trip, ..." after "sourcing trips: ..." names a sourcing trip."""
        key = self._known_key(np)
        if key is not None or np.mods or np.adjs or np.owner:
            return key
        if np.singular in lx.ATTRIBUTE_NOUNS:
            return None
        longer = [k for k in self.r.entities if k.endswith("-" + np.singular)]
        return longer[0] if len(longer) == 1 and longer[0] != owner else None

    def _named_just_before(self) -> str | None:
        """The entity the sentence before this one named last, if it named one."""
        if self.last_named is not None and self.last_named[1] == self.sentence - 1:
            return self.last_named[0]
        return None

    # --- facts and helpers (reader.ReaderCore) ------------------------------------------

    @abstractmethod
    def role(self, np: Chunk) -> str: ...

    @abstractmethod
    def entity(
        self,
        np: NP,
        *,
        strength: int = 1,
        listed: bool = False,
        force: bool = False,
        period: bool = False,
    ) -> str | None: ...

    @abstractmethod
    def owner_of(self, np: NP) -> str | None: ...

    @abstractmethod
    def relation(self, child: str | None, parent: str | None) -> None: ...

    @abstractmethod
    def add_field(self, owner: str | None, draft: FieldDraft) -> None: ...

    @abstractmethod
    def _fields_start(self, cs: list[Chunk], i: int) -> bool: ...

    @abstractmethod
    def _looks_like_field_list(self, cs: list[Chunk], start: int) -> bool: ...

    @abstractmethod
    def _base(self, word: str) -> str: ...

    # --- lists of things (lists.ListReader) ---------------------------------------------

    @abstractmethod
    def read_items(
        self,
        cs: list[Chunk],
        i: int,
        *,
        listed: bool,
        strength: int = 2,
        bare_weak: bool = False,
        skip_unknown: bool = False,
    ) -> int: ...

    @abstractmethod
    def read_posts(
        self, cs: list[Chunk], i: int, key: str | None, *, group: list[str] | None = None
    ) -> int: ...

    @abstractmethod
    def _participle(self, word: str) -> bool: ...

    @abstractmethod
    def _pair_fields(self, cs: list[Chunk], i: int, member: str, other: str) -> int: ...

    @abstractmethod
    def _relative_clause(self, cs: list[Chunk], i: int, key: str | None) -> int: ...

    @abstractmethod
    def _has_posts(self, cs: list[Chunk], i: int) -> bool: ...

    @abstractmethod
    def _starts_clause(self, cs: list[Chunk], i: int) -> bool: ...

    # --- events (events.EventReader) ------------------------------------------------------

    @abstractmethod
    def read_who_which(self, cs: list[Chunk], i: int) -> int | None: ...

    @abstractmethod
    def _range_at(self, cs: list[Chunk], i: int) -> tuple[tuple[float, float], int] | None: ...

    @abstractmethod
    def read_every_time(self, cs: list[Chunk], i: int) -> int | None: ...

    @abstractmethod
    def read_when_i(self, cs: list[Chunk], i: int) -> int | None: ...

    @abstractmethod
    def _act_then_note(self, cs: list[Chunk], j: int) -> int | None: ...

    @abstractmethod
    def read_act_between(self, cs: list[Chunk], j: int, doer: str, base: str) -> int | None: ...

    @abstractmethod
    def _what_i_note(self, cs: list[Chunk], k: int, skip: tuple[str, ...]) -> int | None: ...

    # --- attribute lists (fieldlists.FieldReader) ---------------------------------------

    @abstractmethod
    def read_fields(
        self,
        cs: list[Chunk],
        i: int,
        owner: str | None,
        *,
        closer: str | None,
        heading_items: bool = False,
    ) -> int: ...

    @abstractmethod
    def _field_words(self, np: NP) -> list[str]: ...

    # --- clauses (clauses.ClauseReader) -------------------------------------------------

    @abstractmethod
    def _which_have(self, cs: list[Chunk], j: int) -> int | None: ...

    @abstractmethod
    def read_clauses(self, cs: list[Chunk]) -> None: ...

    @abstractmethod
    def _which_go_in(self, cs: list[Chunk], j: int) -> int: ...

    @abstractmethod
    def _each_at_a_place(self, cs: list[Chunk], i: int) -> bool: ...

    @abstractmethod
    def _possessive(self, np: NP, key: str | None) -> None: ...
