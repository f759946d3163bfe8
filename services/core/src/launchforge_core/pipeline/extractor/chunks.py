"""Noun phrases: runs of determiners, numbers, adjectives and nouns ending in a noun.

``"their two dogs"`` -> NP(det="their", mods=[], head="dogs"); ``"the dog's vet"``
-> NP(head="vet", owner=NP("dog")). Every other token stays a chunk of its own,
so the grammar reads a sentence as NPs, verbs, prepositions and punctuation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from launchforge_core.pipeline.extractor import lexicon as lx
from launchforge_core.pipeline.extractor.tokens import Token
from launchforge_core.pipeline.extractor.words import singular


@dataclass
class NP:
    head: str
    mods: list[str] = field(default_factory=list)  # noun/participle modifiers, in order
    adjs: list[str] = field(default_factory=list)
    det: str | None = None
    numbers: list[str] = field(default_factory=list)
    owner: NP | None = None  # the possessor: "the dog's vet"
    of_many: bool = False  # "one of our fixers": one, of a kind there are many of
    index: int = 0  # position of the chunk in its sentence

    tag = "NP"

    @property
    def text(self) -> str:
        return " ".join([*self.mods, self.head])

    @property
    def singular(self) -> str:
        return singular(self.head)

    @property
    def plural(self) -> bool:
        return self.singular != self.head

    @property
    def each(self) -> bool:
        return self.det in lx.EACH

    @property
    def words(self) -> list[str]:
        return [*self.mods, self.head]

    def __repr__(self) -> str:
        det = f"{self.det} " if self.det else ""
        own = f"{self.owner.text}'s " if self.owner else ""
        return f"NP({det}{own}{' '.join(self.adjs + self.words)})"


Chunk = NP | Token

_NP_PARTS = frozenset({"DET", "NUM", "ADJ", "NOUN"})


def token_text(cs: list[Chunk], k: int) -> str | None:
    """The text of the token at ``k`` (None past the end or for a noun phrase)."""
    c = cs[k] if 0 <= k < len(cs) else None
    return c.text if isinstance(c, Token) else None


def chunk(sentence: list[Token]) -> list[Chunk]:
    out: list[Chunk] = []
    i = 0
    while i < len(sentence):
        token = sentence[i]
        if token.tag not in _NP_PARTS:
            out.append(token)
            i += 1
            continue
        j = i
        while j < len(sentence) and sentence[j].tag in _NP_PARTS:
            j += 1
            # a determiner after a noun starts the next phrase: "yarns each project"
            if j < len(sentence) and sentence[j].tag == "DET" and sentence[j - 1].tag == "NOUN":
                break
            # "every time fuel is bought": the time ends its phrase, the thing starts one
            if (
                j - i == 2
                and sentence[i].text in ("every", "each")
                and sentence[j - 1].text == "time"
                and j < len(sentence)
                and sentence[j].tag == "NOUN"
            ):
                break
            # a plural noun ends its phrase: "ratings members give" is two phrases
            # (compounds take singular modifiers: "service records")
            if (
                j + 1 < len(sentence)
                and sentence[j - 1].tag == "NOUN"
                and sentence[j].tag == "NOUN"
                and singular(sentence[j - 1].text) != sentence[j - 1].text
                and "-" not in sentence[j - 1].text
                and sentence[j + 1].tag in ("VERB", "AUX")
            ):
                break  # "ratings members give": a relative clause, not "parts cost"
        span = sentence[i:j]
        nouns = [k for k, t in enumerate(span) if t.tag == "NOUN"]
        if not nouns:
            out.extend(span)
            i = j
            continue
        last = nouns[-1]
        np = _make_np(span[: last + 1])
        possessor = j < len(sentence) and sentence[j].tag == "POSS"
        if possessor and j + 1 < len(sentence) and sentence[j + 1].tag in _NP_PARTS:
            # "the dog's vet": the possessed NP follows; the possessor is its owner
            k = j + 1
            while k < len(sentence) and sentence[k].tag in _NP_PARTS:
                k += 1
            tail = sentence[j + 1 : k]
            tail_nouns = [n for n, t in enumerate(tail) if t.tag == "NOUN"]
            if tail_nouns:
                possessed = _make_np(tail[: tail_nouns[-1] + 1])
                possessed.owner = np
                possessed.index = len(out)
                out.append(possessed)
                out.extend(tail[tail_nouns[-1] + 1 :])
                i = k
                continue
        np.index = len(out)
        out.append(np)
        out.extend(span[last + 1 :])
        i = j + (1 if possessor else 0)
    out = _one_of_the(out)
    for index, item in enumerate(out):
        if isinstance(item, NP):
            item.index = index
    return out


# "one of the rooms" is one room, "each of the trees" each tree: the partitive names one
# thing of a kind, the way the rules read "one room" and "each tree"
_PARTITIVE_DETS = frozenset({"the", "our", "my", "their", "your", "his", "her", "its", "these"})


def _one_of_the(chunks: list[Chunk]) -> list[Chunk]:
    out: list[Chunk] = []
    i = 0
    while i < len(chunks):
        c = chunks[i]
        of = chunks[i + 1] if i + 1 < len(chunks) else None
        np = chunks[i + 2] if i + 2 < len(chunks) else None
        them = _them(out) if isinstance(np, Token) and np.text == "them" else None
        if (
            isinstance(c, Token)
            and c.text == "one"
            and isinstance(of, Token)
            and of.text == "of"
            and them is not None
        ):
            # "... two lofts, each with a name, and every bird lives in one of them"
            out.append(NP(head=them.singular, mods=them.mods, numbers=["one"], of_many=True))
            i += 3
            continue
        every = (
            _them(out, subject_too=True) if isinstance(np, Token) and np.text == "them" else None
        )
        each_one = isinstance(of, Token) and of.text == "one"
        verb = np if each_one else of
        if (
            isinstance(c, Token)
            and c.text in ("each", "every")
            and isinstance(verb, Token)
            and verb.text in ("has", "gets", "needs")
        ):
            # "we plan videos well ahead: each one has a working title", "we run
            # sessions: each has a title": each video, each session
            named = _them(out, subject_too=True)
            if named is not None:
                out.append(NP(head=named.singular, mods=named.mods, det="each"))
                i += 2 if each_one else 1
                continue
        if isinstance(c, Token) and c.text == "each" and c.tag == "PRON":
            # "drivers have a name, and each drives one of our cars": each driver
            named = _them(out, subject_too=True)
            if named is not None:
                out.append(NP(head=named.singular, mods=named.mods, det="each"))
                i += 1
                continue
        if (
            isinstance(c, Token)
            and c.text in ("each", "every")
            and isinstance(of, Token)
            and of.text == "of"
            and every is not None
        ):
            # "players have a name, and each of them plays for one team": each player
            out.append(NP(head=every.singular, mods=every.mods, det="each"))
            i += 3
            continue
        if (
            isinstance(c, Token)
            and c.text in ("one", "each", "every", "any")
            and isinstance(of, Token)
            and of.text == "of"
            and isinstance(np, NP)
            and np.det in _PARTITIVE_DETS
            and np.plural
            and (not np.numbers or c.text == "one")  # "one of the two teams"
            and np.owner is None
        ):
            if c.text == "one":
                one = NP(
                    head=np.singular, mods=np.mods, adjs=np.adjs, numbers=["one"], of_many=True
                )
            else:  # "each of my categories": each one, and still many of them
                one = NP(head=np.head, mods=np.mods, adjs=np.adjs, det="each")
            out.append(one)
            i += 3
            continue
        out.append(c)
        i += 1
    return out


def _them(before: list[Chunk], *, subject_too: bool = False) -> NP | None:
    """The things "them" in "one of them" names: the last plural noun phrase before it
    in the sentence (outside brackets) that is not the subject of the clause it ends
    ("every bird"); with ``subject_too`` (for "each of them") the subject counts too."""
    subject = (
        None
        if subject_too
        else next(
            (
                c
                for k, c in reversed(list(enumerate(before)))
                if isinstance(c, NP)
                and k + 1 < len(before)
                and isinstance(before[k + 1], Token)
                and before[k + 1].tag in ("VERB", "AUX")
            ),
            None,
        )
    )
    depth = 0  # "providers (dentists and hygienists)": the kinds in brackets are not it
    for c in reversed(before):
        if isinstance(c, Token):
            depth += {")": 1, "(": -1}.get(c.text, 0)
        if (
            isinstance(c, NP)
            and depth == 0
            and c.plural
            and c is not subject
            and (subject is None or c.singular != subject.singular)
            and c.det != "other"  # "written by other volunteers, and each one goes in"
        ):
            return c
    return None


def _make_np(span: list[Token]) -> NP:
    det = next((t.text for t in span if t.tag == "DET"), None)
    numbers = [t.text for t in span if t.tag == "NUM"]
    head = span[-1].text
    mods: list[str] = []
    adjs: list[str] = []
    for t in span[:-1]:
        if t.tag == "NOUN":
            mods.append(t.text)
        elif t.tag == "ADJ":
            # an adjective between nouns breaks the compound: keep the nouns after it
            adjs.append(t.text)
            if mods:
                adjs.extend(mods)
                mods = []
    return NP(head=head, mods=mods, adjs=adjs, det=det, numbers=numbers)
