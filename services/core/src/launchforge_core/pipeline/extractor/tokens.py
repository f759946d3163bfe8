"""Sentences, tokens and part-of-speech tags for an idea, by word lists and context.

A tag is one of: DET, PREP, PRON, WH, CONJ, AUX, ADV, ADJ, NUM, VERB, NOUN, POSS
(the ``'s`` of a possessive), PUNCT. Words the lists do not know are nouns; a
word that can be a noun or a verb ("walks", "book", "log") is decided by the
words around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from launchforge_core.pipeline.extractor import lexicon as lx
from launchforge_core.pipeline.extractor.phrasings import SIGN_CODES, rewrite_phrasings
from launchforge_core.pipeline.extractor.words import singular
from launchforge_core.pipeline.naming import plural

# Letters are any script's ("débutant", "tête-à-tête" are one word each), digits apart.
_L = r"[^\W\d_]"
_TOKEN = re.compile(
    r"\d+[a-z][a-z0-9]*\b|"  # "160m", "ft8"-like codes stay one token
    + rf"\d+(?:[.,]\d+)?|{_L}+(?:-{_L}+)*(?:'[a-z]+(?=[^a-z']|$))?|'[a-z]+|n't|[(),:;.!?/]|-"
)


@dataclass
class Token:
    text: str  # lower-case
    tag: str
    start: int  # offset in the normalised text (for the app name)

    @property
    def is_plural(self) -> bool:
        return is_plural(self.text)

    def __repr__(self) -> str:
        return f"{self.text}/{self.tag}"


_BULLET_PATTERN = r"^\s*(?:[-*\u2022]|\d+[.)])\s+"  # "- ", "* ", "1. ", "2) "
_BULLET = re.compile(_BULLET_PATTERN)
# "Customers: name, phone", "kites - name, colour": a list's item
_ITEM = re.compile(r"^\s*[A-Za-z][\w'&/()]*(?:\s+[\w'&/()]+){0,3}\s*(?::|\s-\s)")


# A heading on a line of its own: "Sets", "BOOKINGS", "parties:" (a few words, no list)
_HEADING = re.compile(
    r"^\s*([A-Za-z][\w'&/()]*(?:-\w+)*(?:[ \t]+[\w'&/()]+(?:-\w+)*){0,4}"
    r"(?:[ \t]*\([^()\n]*\))?)[ \t]*(:?)[ \t]*$"
)  # "products (milk, eggs, orange juice)", "PUMP-OUTS" too


# Words after which "no" is the answer, not a number ("yes or no", "said no")
_NOT_A_NUMBER = frozenset(
    """or and yes said say says answer answered is are was were be if whether just
    mostly definitely probably certainly""".split()
)


# Shorthand people write in notes, as the words it stands for ("appts", "DOB", "est. age",
# "qty in stock"), so the app's fields and records get whole names
_ABBREVIATIONS = [
    (r"\bappts\b", "appointments"),
    (r"\bappt\b", "appointment"),
    (r"\bd\.?o\.?b\b\.?", "date of birth"),
    (r"\best\.(?=\s)", "estimated"),
    (r"\(\s*tick(?:\s+(?:box|if\s+(?:yes|so|done|paid)))?\s*\)", "(yes/no)"),  # "(tick if yes)"
    (r"\bqty\b", "quantity"),
    (r"\bnext of kin\b", "next-of-kin"),  # "next of kin name": one person's name
    (r"\bavg\b\.?", "average"),
    (r"\bmob\b", "mobile"),
    (r"\b(on|off)[ -]site\b", r"\1-site"),  # "hours on site": where, not a site record
    (r"\bpts\b", "points"),
    (r"(?<=[A-Za-z]) #(?=[\s,)]|$)", " number"),  # "week #"
    (r"\bamt\b", "amount"),
    (r"\baddr\b", "address"),
    (r"\bdesc\b", "description"),
    (r"\bhrs\b", "hours"),
    (r"\bsq\.?\s*(ft|feet)\b", "square feet"),
    (r"\bsq\.?\s*(m|metres|meters)\b", "square metres"),
    (r"\bmins\b", "minutes"),
    (r"\bdate\s*/\s*time\b", "date and time"),
    (r"\blat\b(\s*[,/&]\s*|\s+and\s+)long\b", r"latitude\1longitude"),  # "lat, long"
    (r"\blat\b", "latitude"),
    (r"\blng\b", "longitude"),
    (r"\belev\b", "elevation"),
    (r"\bht\b", "height"),
    (r"\bwt\b", "weight"),
    (r"\btel\b\.?", "telephone"),
    (r"\bm-pesa\b", "mpesa"),
    (r"\bdept\b\.?", "department"),
    (r"\bext\.?\s+(?:no\b\.?|number\b)", "extension number"),  # "ext. no."
    (r"\(\s*\u00a3\s*\)", "(gbp)"),  # "quote (£)": money (the sign alone is no word)
    (r"\(\s*\u20ac\s*\)", "(eur)"),
    (r"\(\s*\$\s*\)", "(usd)"),
    (r"\(\s*\u20b9\s*\)", "(inr)"),
    (r"\(\s*\u20a6\s*\)", "(ngn)"),
    (r"\(\s*\u20b1\s*\)", "(php)"),
    (r"(?<=[a-z] )\(R\)", "(zar)"),  # "duty payable (R)": rand
    (r"\(\s*(?:gh)?\u20b5\s*\)", "(cedis)"),  # "fee (GH₵)": Ghana's cedis
    # "water temp °C", "(°F)": a temperature's scale, no word of the field's name
    (r"\(\s*\u00b0\s*[cf]\s*\)", ""),
    (r"\s*\u00b0\s*[cf]\b", ""),
    (r"\(\s*\u00b0\s*[^\s()]{1,4}\s*\)", "(decimal)"),  # "density (°Bé)": degrees of a scale
    # "entry fee in ₹", "cost in $": the currency, said by its sign
    (r"\bin\s*\u00a3(?=[\s,;)]|$)", "in gbp"),
    (r"\bin\s*\u20ac(?=[\s,;)]|$)", "in eur"),
    (r"\bin\s*\$(?=[\s,;)]|$)", "in usd"),
    (r"\bin\s*\u20b9(?=[\s,;)]|$)", "in inr"),
    (r"(?<=\w)\?(?=[ \t]+\(?(?:y/n|yes/no)\b)", ""),  # "grant funded? y/n": a yes/no
]


def markdown_tables(text: str) -> str:
    """``| Item | name, qty |`` rows as ``Item: name, qty``: a table of things and what to
    record about each reads as the list it is; the rule row (``|---|---|``) and the header
    row above it (``| thing | what to record |``) name no records and go."""
    lines = text.split("\n")
    out: list[str] = []
    for k, line in enumerate(lines):
        stripped = line.strip()
        if not (stripped.startswith("|") and stripped.count("|") >= 3):
            out.append(line)
            continue
        cells = [cell.strip() for cell in stripped.strip("|").split("|")]
        following = lines[k + 1].strip() if k + 1 < len(lines) else ""
        if all(re.fullmatch(r":?-{2,}:?", cell) for cell in cells if cell) or re.fullmatch(
            r"\|?\s*:?-{2,}.*", following
        ):
            continue  # the rule row, and the header row over it
        named = [cell for cell in cells if cell]
        out.append(f"{named[0]}: {', '.join(named[1:])}" if len(named) > 1 else " ".join(named))
    return "\n".join(out)


# "Arm: placebo | low dose", "status - quote / approved": a named item, its values after it
_NAMED_ITEM = re.compile(r"^\s*[A-Za-z][\w '&()]{0,40}?(?::|\s-\s|\s->\s)")


def list_separators(text: str) -> str:
    """The separators people put between the items of a note, as commas: "name / company /
    phone", "date | time slot | adults" (columns), "rider -> scooter" inside an item line;
    a markdown heading's hashes go. Values after a named item ("Arm: placebo | low dose",
    "status -> available / out") stay values, and so do "(rapid / long acting)"."""
    out: list[str] = []
    for line in text.split("\n"):
        line = re.sub(r"^(\s*)#{1,6}\s+", r"\1", line)  # "### Participants"
        line = re.sub(r"(\*\*|__)(\S[^*\n]*?)\1", r"\2", line)  # "**Flavors**": bold
        if line.strip().startswith("|"):
            out.append(line)  # a table row: markdown_tables reads it
            continue
        body = _BULLET.sub("", line)
        named = _NAMED_ITEM.match(body)
        headed = None if named else _headed_row(body)
        if headed is not None:
            out.append(line[: len(line) - len(body)] + headed)
            continue
        if " | " in line:
            line = line.replace(" | ", " / " if named else ", ")
            body = _BULLET.sub("", line)  # "Clients -> name | DOB | phone": cells as slashes
        # "name / company / phone", or a named item's fields: "repair: machine / date / fix"
        slashed_items = named is None and " / " in line and len(line.split()) <= 24
        if slashed_items or (named is not None and _slashed_fields(body[named.end() :])):
            line = _outside_brackets(line, " / ", ", ")
        elif named is not None and " -> " in line[named.end() :]:
            head, rest = (
                line[: len(line) - len(body) + named.end()],
                line[len(line) - len(body) + named.end() :],
            )
            rest = re.sub(r"\s->\s(?=[^,]*\s/\s)", " - ", rest)  # "status -> available / out"
            line = head + rest.replace(" -> ", ", ")  # "Hires: rider -> scooter, date"
        out.append(line)
    return "\n".join(out)


def _headed_row(body: str) -> str | None:
    """``Return | client | tax year | date filed`` and ``order lines / order / timber /
    volume`` as ``Return: client, tax year, ...``: a row of three or more cells whose first
    is a thing's name (a word or a few, no field word like "name / company / phone") is
    that thing and what to record about it. None when the row is not so."""
    for sep in (" | ", " / "):
        cells = [cell.strip() for cell in _outside_brackets(body, sep, "\0").split("\0")]
        if len(cells) < 3 or not all(cells):
            continue
        # "Contributions (daily, per vehicle) | ...": a remark on the heading
        head = re.sub(r"\s*\([^()]*\)$", "", cells[0]).split()
        if not (
            0 < len(head) <= 3
            and all(word.isalpha() for word in head)
            # "I track walks / feeds / vet visits": a sentence's values, no heading
            and head[0].lower() not in lx.PRONOUNS | lx.POSSESSIVE_DETERMINERS
            and head[-1].lower() not in lx.ATTRIBUTE_NOUNS
            and head[-1].lower() not in _NEVER_A_CHOICE
            and all(len(re.sub(r"\([^()]*\)", " ", cell).split()) <= 8 for cell in cells)
        ):
            return None
        return f"{cells[0]}: {', '.join(cells[1:])}"
    return None


# "pupils; first name, surname, class": a heading of a few words, a semicolon, its items
_SEMICOLON_HEADING = re.compile(r"^(\s*[A-Za-z][\w '&/-]{0,30}?)\s*;\s*(\S.*)$")
_HEADED_LINE = re.compile(r"^(\s*[A-Za-z][\w '&/()-]{0,30}?:\s*)(\S.*)$")


def _semicolon_items(line: str) -> str:
    """``kids: name; DOB; grade`` as ``kids: name, DOB, grade``: a heading's items kept
    apart by semicolons, each a few words ("notes: we meet fridays; guests pay" is a
    remark and stays)."""
    m = _HEADED_LINE.match(line)
    if m is None or "," in re.sub(r"\([^()]*\)", " ", m.group(2)):
        return line
    items = m.group(2).split(";")
    sizes = [len(re.sub(r"\([^()]*\)", " ", item).split()) for item in items]
    if len(items) >= 2 and all(0 < size <= (4 if len(items) >= 3 else 2) for size in sizes):
        return m.group(1) + ",".join(items)
    return line


def _semicolon_headings(text: str) -> str:
    """``classes; class name, teacher`` as ``classes: class name, teacher``: a line whose
    head is at most three words and whose rest is a list of short items (a sentence with
    a semicolon in it, "we meet on fridays; members pay, guests don't", stays one)."""
    out = []
    for line in text.split("\n"):
        m = _SEMICOLON_HEADING.match(line)
        if m is not None and len(m.group(1).split()) <= 3:
            bare = re.sub(r"\([^()]*\)", " ", m.group(2))  # "(hot / jacket)": one item's values
            items = bare.split(",")
            if len(items) >= 2 and all(0 < len(item.split()) <= 5 for item in items):
                line = f"{m.group(1)}: {m.group(2)}"
        out.append(_trailing_choices(_semicolon_items(line)))
    return "\n".join(out)


def _bracketed_headings(text: str) -> str:
    """``Site (site code, name, zone)`` over ``Survey (site, date, ...)`` as ``Site: site
    code, name, zone`` and ``Survey: site, date, ...``: lines of a heading and its items
    in brackets, each next to another of that shape (so "material (foamex, dibond,
    acrylic)" among an order's items stays one field and its values)."""
    lines = text.split("\n")
    out = []
    for k, line in enumerate(lines):
        near = lines[max(k - 1, 0) : k] + lines[k + 1 : k + 2]
        m = _BRACKETED_LIST.match(line)
        if m and _bracketed_items(line) and any(_bracketed_items(other) for other in near):
            line = f"{m.group(1)}: {m.group(2)}"
        out.append(line)
    return "\n".join(out)


# "Species (name, code)": a heading of a few words and its items in brackets, on one line
_BRACKETED_LIST = re.compile(r"^(\s*[A-Za-z][\w'&/-]*(?: [\w'&/-]+){0,2})\s*\(([^()]*)\)\s*$")


def _bracketed_items(line: str) -> list[str]:
    """The items of a ``Species (name, code)`` line: two or more, each short; else []."""
    m = _BRACKETED_LIST.match(line)
    items = m.group(2).split(",") if m else []
    return items if len(items) >= 2 and all(0 < len(i.split()) <= 6 for i in items) else []


# "payments: pupil, amount, method - cash, card, cheque": the last item's values after a dash
_TRAILING_CHOICES = re.compile(
    r"^(\s*[A-Za-z][\w '&/-]{0,30}:[^\n]*,\s*[A-Za-z][\w ]{0,25}?)\s+-\s+"
    r"([A-Za-z]+(?:\s*,\s*[A-Za-z]+)*(?:\s*,?\s+or\s+[A-Za-z]+|\s*,\s*[A-Za-z]+))\s*$"
)


def _trailing_choices(line: str) -> str:
    """``payments: pupil, method - cash, card, cheque`` as ``..., method (cash / card /
    cheque)``: single words after the last item's dash, at the end of an item line, are
    its values, not more items."""
    m = _TRAILING_CHOICES.match(line)
    if m is None:
        return line
    values = re.split(r"\s*,\s*|\s+or\s+", m.group(2))
    return f"{m.group(1)} ({' / '.join(v for v in values if v)})"


# Field words no list of choices holds ("quote / approved / printed" are a status's values).
_NEVER_A_CHOICE = frozenset(
    "name date time notes description details comments cost price amount total phone email "
    "address title number".split()
)


def _slashed_fields(rest: str) -> bool:
    """``repair: machine / date / problem / parts cost``: after a named item, three or more
    cells between slashes, at least two of them different field words and one a word no
    choice is (a name, a date, a cost), are its fields, not its values (``Arm: placebo /
    low dose / high dose``, ``status - quote / approved / printed``)."""
    cells = _outside_brackets(rest, " / ", "\0").split("\0")
    if len(cells) < 3:
        return False
    heads = [re.sub(r"\(.*", "", cell).split() for cell in cells]  # "type (EM, DMD)" -> type
    last_words = {words[-1].lower() for words in heads if words}
    return len(last_words & lx.ATTRIBUTE_NOUNS) >= 2 and bool(last_words & _NEVER_A_CHOICE)


def _outside_brackets(line: str, old: str, new: str) -> str:
    """``line`` with ``old`` replaced by ``new`` where it stands outside brackets."""
    depth, k, out = 0, 0, []
    while k < len(line):
        ch = line[k]
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth <= 0 and line.startswith(old, k):
            out.append(new)
            k += len(old)
            continue
        out.append(ch)
        k += 1
    return "".join(out)


def _arrow_headings(text: str) -> str:
    """``clients -> name, address``, ``jobs => date, price``, ``sites = farm name, ...``:
    a heading and its list, as ``clients: name, address`` says them."""
    text = re.sub(r"(?m)^(\s*[A-Za-z][\w '&/()]{0,40}?)\s*[-=]+>\s*", r"\1: ", text)
    return re.sub(r"(?m)^(\s*[A-Za-z][\w '&/()]{0,40}?)\s*=(?=[^=\n]*,)\s*", r"\1: ", text)


def title_line(text: str) -> str | None:
    """The first line of a list-like idea when it only names the whole thing ("Pig records
    (small herd, ~20 sows)", "acupuncture practice - need something simple"): a line of its
    own, with no list in it, over a blank line and at least two "Heading: items" lines.
    None when the idea does not start so."""
    text = text.replace("\u2013", " - ").replace("\u2014", " - ")
    folded = fold_headed_lists(markdown_tables(list_separators(_arrow_headings(text))))
    lines = folded.strip().split("\n")
    if len(lines) < 3 or lines[1].strip():
        return None
    first = lines[0].strip()
    bare = re.sub(r"\([^()]*\)", "", first)
    heads = [
        found.group(0)
        for line in lines[2:]
        if "," in line and (found := _ITEM.match(_BULLET.sub("", line)))
    ]  # "Customers: name, phone" -> "Customers:"
    if ":" in bare or _BULLET.match(first) or len(heads) < 2 or len(first) > 90:
        return None
    if "," in bare:
        # "E-scooter hire - seafront kiosk, Apr-Sept" names the app; "Bike shop - customers,
        # bikes, repairs" names the lists below it
        headings = {
            singular(w.lower()) for head in heads for w in re.split(r"[^A-Za-z]+", head) if w
        }
        named = bare.split(" - ", 1)[-1]  # what the line lists, after its name
        words = {singular(w.lower()) for w in re.split(r"[^A-Za-z]+", named) if w}
        if words & headings:
            return None
    return first


def fold_headed_lists(text: str) -> str:
    """``Sets`` / ``- set number`` / ``- name`` as ``Sets: set number, name``: a heading
    line and the item lines under it (bullets; lines indented under it, as in "- customers"
    over "    - name"; or, under a heading in capitals or with a colon, plain short lines
    up to a blank line) read as the one-line list they are. A bullet that is a list of
    its own ("* patients: name, phone") is left as it is."""
    lines = [_one_per_heading(line) for line in text.split("\n")]
    out: list[str] = []
    headed = {
        singular(m.group(1).split()[-1].lower())
        for line in lines
        if (m := _HEADING.match(_BULLET.sub("", line))) and m.group(1).split()
    }
    aliases: dict[str, str] = {}
    k = 0
    while k < len(lines):
        bulleted = bool(_BULLET.match(lines[k]))
        heading = _HEADING.match(_BULLET.sub("", lines[k]) if bulleted else lines[k])
        if heading is None:
            out.append(lines[k])
            k += 1
            continue
        title, colon = heading.group(1), heading.group(2)
        # "SIGNS (an order can have several)": a remark on the heading, not part of it
        # (but "Results (one per member per night)" says what each result is of)
        aside = re.search(r"\s*\((?!one )((?:[^(),]*\s){2,}[^(),]*)\)$", title)
        remark = None
        if aside:
            title = title[: aside.start()]
            remark = _remark_sentence(aside.group(1).strip(), title)
        else:
            per = re.search(r"\s*\(([^()]*?)\bper ((?:[a-z]+ ){0,2}[a-z]+)\)$", title)
            if per and per.group(2).split()[-1] not in _PERIOD_WORDS and "one " not in per.group(1):
                # "Readings (twice a day, per fridge)": each reading is of one fridge
                title = title[: per.start()]
                remark = f"each {_singular_title(title)} is for one {per.group(2)}"
        if remark:
            remark = _aliased(remark, title, headed, aliases)
        indent = _indent(lines[k])
        plain_ok = bool(colon) or (title.isupper() and any(ch.isalpha() for ch in title))
        one_line = (
            k + 1 < len(lines)
            and "," in lines[k + 1]
            and _plain_item(lines[k + 1])
            and (k + 2 >= len(lines) or not lines[k + 2].strip())
        )  # "Divisions" over "name, night played" and a blank line: that list
        plain_ok = plain_ok or (one_line and not bulleted and len(title.split()) <= 3)
        items: list[str] = []
        told_after = None
        j = k + 1
        while j < len(lines) and lines[j].strip():
            line = lines[j]
            each = _ONE_PER_LINE.match(line.strip())
            if j == k + 1 and each is not None and not items:
                # "Player stats" / "One row per player per game" / "- player" ...: what each
                # of its records is of, a remark on the heading
                title = f"{title} (one {each.group(1)})"
                j += 1
                continue
            deeper = _indent(line) > indent
            if bulleted and not deeper:
                break  # "- customers" / "- products": the next item of the outer list
            item = _BULLET.sub("", line).strip()
            valued = re.fullmatch(r"([A-Za-z][\w '?]{0,40}?)(?:\s*:|\s-)\s*([^,:]+)", item)
            if valued and " / " in valued.group(2) and (_BULLET.match(line) or deeper or plain_ok):
                # "- Severity: mild / moderate / severe", "status - quote / approved":
                # one field and its values
                items.append(f"{valued.group(1)} ({valued.group(2)})")
                j += 1
                continue
            told = _TOLD_LIST.fullmatch(item)
            if (
                told is not None
                and j == k + 1
                and not _BULLET.match(line)
                and told.group(2).count(",") >= 2
                and (j + 1 >= len(lines) or not lines[j + 1].strip())
            ):
                # "Lab tests" / "for each lot we send samples to the lab: sample date, lab
                # name, result": the heading's fields, told in a sentence that is said after
                items.append(told.group(2))
                told_after = f"{told.group(1)}."
                j += 1
                break
            if _is_sentence(item):
                break  # "- each order is cut from one hide - I note ...": a sentence of its own
            chosen = re.fullmatch(r"([A-Za-z][\w ']{0,30}?)\s*:\s*([^:()]+\bor\b[^:()]+)", item)
            if chosen and deeper and _BULLET.match(line):
                # "    - category: wallet, belt, bag or watch strap": one field, its values
                items.append(f"{chosen.group(1)} ({chosen.group(2)})")
                j += 1
                continue
            if _BULLET.match(line):
                values = _valued_field(item)
                if values is not None:
                    items.append(values)  # "- reason: breakdown, accident, lockout"
                    j += 1
                    continue
                if _ITEM.match(re.sub(r"\([^()]*\)", "", item)):  # not "Visit no. (1 - 6)"
                    break  # "* patients: name, phone": an item list of its own
                items.append(item)
            elif (deeper or (plain_ok and not _items_are_bullets(lines, k + 1, j))) and (
                _plain_item(line)
            ):
                items.append(line.strip())
            else:
                break
            j += 1
        if not items:
            out.append(lines[k])
            k += 1
            continue
        said = [f"{remark[0].upper()}{remark[1:]}."] if remark else []
        listed = f"{'- ' if bulleted else ''}{title}: {', '.join(items)}"
        # a remark said of the heading's records ("each vaccine stock is kept in one
        # fridge") goes before the list, so they are known as records when it is read; a
        # sentence of its own ("a key belongs to one clock") after it, as written
        own = aside is not None and remark is not None and _is_sentence(aside.group(1))
        out += [listed, *said] if own else [*said, listed]
        out += [told_after] if told_after else []
        k = j
    return "\n".join(out)


# "yes/no", "and/or", "cash/card": a choice or a joke between the two, never one field
_NOT_ONE_FIELD = frozenset({"yes", "and", "not", "cash", "card"})
# "for each lot we send samples to the lab: sample date, lab name, result": a sentence
# (four words or more before the colon) that tells a list
_TOLD_LIST = re.compile(r"((?:[^\s:,]+\s+){3,}[^\s:,]+)\s*:\s*(\S.*)")
# "Vaccine stock (kept in one fridge)": what each record is, said without its subject
_KEPT_REMARK = re.compile(
    r"(?i)^(?:kept|stored|held|done|made|fitted|owned|run|assigned|linked|tied|attached|"
    r"logged|taken|recorded|set up|carried out)\b[^()]*\bone\s+[a-z]"
)
_PERIOD_WORDS = frozenset({"day", "week", "month", "year", "night", "hour", "session", "shift"})


def _arrow_remarks(text: str) -> str:
    """``Tanks: rack position, ...`` over an indented ``-> every tank holds fish of one
    line`` or ``-> done on one tank``: a remark on the line above, as a sentence of its
    own (what it leaves unsaid, the records of the line above, put back)."""
    out: list[str] = []
    title = ""
    for line in text.split("\n"):
        arrow = re.match(r"^\s+(?:->|\u2192|=>|>>)\s*(\S.*)$", line)
        if arrow is None:
            named = re.match(r"^\s*([A-Za-z][A-Za-z ]{0,40}?)\s*:", line)
            title = named.group(1) if named else title
            out.append(line)
            continue
        remark = _remark_sentence(arrow.group(1).rstrip(" ."), title)
        out.append(f"{remark[0].upper()}{remark[1:]}." if remark else line)
    return "\n".join(out)


def _singular_title(title: str) -> str:
    words = title.lower().split()
    return " ".join([*words[:-1], singular(words[-1])]) if words else ""


def _remark_sentence(aside: str, title: str) -> str | None:
    """A heading's remark that says how its records tie to others, as a sentence: "(a
    ribbon is fitted to one machine)" as it is, "(kept in one fridge)" as "each vaccine
    stock is kept in one fridge". None for any other remark ("an order can have
    several" says nothing a list needs)."""
    if _is_sentence(aside):
        return aside
    if _KEPT_REMARK.match(aside) and title.split():
        return f"each {_singular_title(title)} is {aside}"
    return None


def _aliased(remark: str, title: str, headed: set[str], aliases: dict[str, str]) -> str:
    """A heading's remark with its other word for the heading's records put back:
    "Typewriters (each machine is by one maker)" says "each typewriter ...", and a later
    "(a ribbon is fitted to one machine)" means one typewriter too. A word that heads a
    list of its own is never taken for another's."""
    m = re.match(
        rf"(?i)(?:each|every|a|an|one)\s+(?:[a-z]+\s+){{0,2}}?([a-z]+)\s+{_SAYING}", remark
    )
    own = singular(title.split()[-1].lower()) if title.split() else ""
    if m and own:
        said = singular(m.group(1).lower())
        if said != own and said not in headed and said not in aliases:
            aliases[said] = own
    for said, own_word in aliases.items():
        remark = re.sub(rf"(?i)\b{re.escape(said)}s?\b", own_word, remark)
    return remark


def _valued_field(item: str) -> str | None:
    """``reason: breakdown, accident, lockout`` among a heading's bullets as ``reason
    (breakdown, accident, lockout)``: a field named by an attribute word and its values,
    each a word or two (not "patients: name, phone", a list of its own). None if not so."""
    m = re.fullmatch(r"([A-Za-z][\w ']{0,30}?)\s*:\s*([^:()]+)", item)
    if m is None:
        return None
    head = m.group(1).lower().split()
    values = [value.strip() for value in re.split(r",|\bor\b", m.group(2))]
    if (
        len(head) <= 2
        and singular(head[-1]) == head[-1]
        and head[-1] not in lx.PLURAL_ATTRIBUTES
        # "- owner: name, phone" is a thing and its details, "- cause: storm, flood" values
        and (
            head[-1] in lx.ATTRIBUTE_NOUNS
            or not any(value.lower() in lx.ATTRIBUTE_NOUNS for value in values)
        )
        and len(values) >= 2
        and all(0 < len(value.split()) <= 2 for value in values)
    ):
        return f"{m.group(1)} ({m.group(2).strip()})"
    return None


# "One row per player per game" under a heading: what each record is of
_ONE_PER_LINE = re.compile(
    r"(?i)one (?:(?:row|line|record|entry|sheet) )?((?:per|for each|for every) [^,:()]+?)\.?$"
)


# Words that open a sentence, not an item's name: "each order is cut from one hide"
_SENTENCE_OPENERS = frozenset({"each", "every", "we", "i", "they", "it", "there"})
# A short bullet that opens so and has one of these verbs is a sentence too: "- every
# report is in one neighborhood", "- a removal belongs to one report"
_SAYING = r"(?:is|are|belongs?|has|have|goes|go|gets|get|can|must|should|will)\b"
_SHORT_SENTENCE = re.compile(
    rf"(?i)^(?:each|every|a|an|one|we|i|they)\s+(?:\w+\s+){{0,3}}?{_SAYING}"
)


def _is_sentence(item: str) -> bool:
    """Whether a bullet is a sentence of its own, not an item of the heading's list."""
    words = item.split()
    long_one = len(words) > 8 and words[0].lower() in _SENTENCE_OPENERS
    return long_one or (len(words) >= 4 and _SHORT_SENTENCE.match(item) is not None)


# "Results - one per member per club night (most play 3 games)": a heading, what each is of
_ONE_PER_HEADING = re.compile(
    r"^(\s*[A-Za-z][\w']*(?: [\w']+){0,2})\s+-\s+"
    r"(one (?:(?:line|row|record|entry|sheet) )?(?:per|for each|for every) [^():]+?)"
    r"\s*(?:\([^()]*\))?\s*(?::\s*(\S.*))?$"
)


def _one_per_heading(line: str) -> str:
    """``Results - one per member per club night (...)`` as ``Results (one per member per
    club night)``: the heading, with what each of its records is of kept as a remark (and
    "Bout results - one line per player per bout: the entrant, ..." with its items)."""
    m = _ONE_PER_HEADING.match(line)
    if m is None:
        return line
    each = re.sub(r"^one (?:line|row|record|entry|sheet) ", "one ", m.group(2))
    return f"{m.group(1)} ({each})" + (f": {m.group(3)}" if m.group(3) else "")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _items_are_bullets(lines: list[str], start: int, end: int) -> bool:
    """Whether the item lines read so far under a heading were bullets."""
    return any(_BULLET.match(line) for line in lines[start:end])


def _plain_item(line: str) -> bool:
    """A short line that can be one item under a heading ("start date", "deposit paid
    (yes/no)", "name, email, phone"), not a sentence or a heading with its own list."""
    words = line.split()
    return (
        bool(words)
        and not _ITEM.match(line)
        and not line.rstrip().endswith(".")
        and (len(words) <= 6 or "," in line or "/" in line)
    )


# A line that ends on the heading of a list that begins a new sentence: ". Tracks:"
_HEADS_A_LIST = re.compile(r"[.;!?]\s+[A-Za-z][\w'/-]*(?: [\w'/-]+){0,3}:$")


def _cut_mid_sentence(lines: list[str], width: int) -> str:
    """A line of an item block that the idea's wrapping width cut mid-sentence
    ("Clinics: clinic name, ..., and whether we" / "provide accommodation."): joined with
    the next, which goes on in lower case and is no item or bullet of its own."""
    joined = [lines[0]]
    for line in lines[1:]:
        before = joined[-1].rstrip()
        # "..., mulberry area (acres), and" / "irrigation (...)": a line that stops on a
        # comma or a joining word goes on, even short of the width (words spelled out
        # since, "(CRC)" as "chawki rearing centres", make other lines longer)
        joining = before.endswith((",", " and", " or")) or line.startswith(("and ", "or "))
        if (
            width >= 60
            and len(before) >= (0.6 if joining else 0.8) * width
            # "breed" / "(bivoltine, cross breed) and ...": the values go on too
            and (line[:1].islower() or line[:1] == "(")
            and not _BULLET.match(line)
            # "..., type - male," / "female or PWD - and ...": a comma goes on, whatever
            # the next line looks like
            and (
                joining
                or (before[-1:].isalpha() and not _ITEM.match(line))
                # "... (just the wheel brand). Tracks:" / "name, country, length": the
                # next sentence's heading, its list on the next line
                or _HEADS_A_LIST.search(before) is not None
            )
        ):
            joined[-1] = before + " " + line
        else:
            joined.append(line)
    return "\n".join(joined)


def unwrap(text: str) -> str:
    """Prose pasted with hard line breaks (from an email, an editor that wraps at a
    width) as the sentences it is: in a block of lines (blank lines part blocks) that
    all but the last come near the same width, a line goes on in the next one, unless
    the next one is a bullet. Other line breaks end a sentence, as in list-like ideas,
    whose lines come in all lengths ("Customers: name, phone" under a longer one) and
    are mostly "Heading: ..." items."""
    out: list[str] = []
    all_lines = text.split("\n")
    width = max(len(line.rstrip()) for line in all_lines)
    # the idea is wrapped at a width when prose lines (not items) keep coming to it
    prose_at_width = [
        line for line in all_lines if len(line.rstrip()) >= 0.8 * width and not _ITEM.match(line)
    ]
    width = width if len(prose_at_width) >= 3 else 0
    for block in re.split(r"(\n\s*\n)", text):
        lines = block.split("\n")
        widths = [len(line.rstrip()) for line in lines]
        items = sum(bool(_ITEM.match(line)) for line in lines)
        wrapped = (
            len(lines) >= 2
            and max(widths[:-1]) >= 50
            and min(widths[:-1]) >= 0.8 * max(widths)
            and items * 2 < len(lines)  # not a list whose lines came out alike
        )
        if not wrapped:
            out.append(_cut_mid_sentence(lines, width))
            continue
        joined = [lines[0]]
        for line in lines[1:]:
            if _BULLET.match(line):
                joined.append(line)
            else:
                joined[-1] = joined[-1].rstrip() + " " + line.lstrip()
        out.append("\n".join(joined))
    return "".join(out)


# One to three words of a value listed in a sentence ("solar", "treatment plant").
_SHORT_VALUE = rf"{_L}[\w'-]*(?: {_L}[\w'-]*){{0,2}}"


_ABBREVIATED = re.compile(r"\b((?:[A-Za-z]+[ -]){1,4}?)([A-Za-z]+)\s*\(([A-Z]{2,5})s?\)")


def spelled_out(text: str) -> str:
    """``the comfort rooms (CR)`` ... ``which CR``: the letters stand for the words they
    were given for (their initials), so "which CR" names a comfort room kept, not a
    record or a field called CR."""
    for m in list(_ABBREVIATED.finditer(text)):
        letters = m.group(3)
        words = [*m.group(1).split(), m.group(2)][-len(letters) :]
        words = [part for word in words for part in word.split("-")][-len(letters) :]
        if len(words) != len(letters) or any(
            w[0].lower() != c.lower() for w, c in zip(words, letters, strict=True)
        ):
            continue
        # "chawki rearing centres (CRC)": one name, whose -ing word is no verb
        gap = "-" if any(w.lower().endswith("ing") for w in words[:-1]) else " "
        one = gap.join([*words[:-1], singular(words[-1].lower())])
        many = gap.join(words[:-1]) + gap + (words[-1] if one != gap.join(words) else one + "s")
        named = m.group(0)[: m.start(3) - m.start(0) - 1].rstrip()
        if gap == "-":
            named = named[: len(named) - len(" ".join(words))] + many.strip()
        text = text.replace(m.group(0), named)
        text = re.sub(rf"\b{letters}s\b", many.strip(), text)
        text = re.sub(rf"\b{letters}\b", one, text)
    return text


def normalise(text: str) -> str:
    """Lower-case text (letters of any script) with the punctuation the grammar reads kept."""
    text = spelled_out(text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("\u2013", " - ").replace("\u2014", " - ")
    text = text.replace("&", " and ").replace("+", " and ").replace("%", " percent ")
    # "agreed rate (GH₵ per month)", "(£ per night)": money, whatever it is per
    text = re.sub(
        r"\(\s*((?:GH)?\u20b5|[$\u00a3\u20ac\u20b9\u20a6\u20b1])\s*(?:per|a|/)\s*[A-Za-z]+\s*\)",
        lambda m: "(" + SIGN_CODES[m.group(1).lstrip("GH")] + ")",
        text,
    )
    # "total $ per month", "average £ a job": the money, said by its sign
    text = re.sub(
        r"\b(total|average|sum of|avg)\s*[$\u00a3\u20ac\u20b9\u20b1\u20a6](?!\s*\d)",
        r"\1 money",
        text,
        flags=re.IGNORECASE,
    )
    # "we fish out of Yarmouth (LFA 34)", "an inspector at Ramanagara (Karnataka)": a
    # place named mid-sentence, and a remark on it, never a thing and its details
    text = re.sub(
        r"(?<=[a-z,] )((?:in|at|from|out of|near|around) (?:[A-Z][a-z]+ ){1,2})\([^()\n]*\)",
        r"\1",
        text,
    )
    # "model · serial number · year made" (a middle dot between items; a wrapped line
    # that starts with one goes on with the list above it)
    text = re.sub(r"(?m)^([ \t]*)\u00b7[ \t]*", r"\1", text)
    text = re.sub(r"[ \t]*\u00b7[ \t]*", ", ", text)
    text = _arrow_remarks(text)
    # "Sevadars (our volunteers) - we need their name": the heading's other name, a gloss
    text = re.sub(
        r"(?m)^([ \t]*[A-Z][\w-]*(?:[ \t]+[\w-]+){0,2})[ \t]*\((?:our|my|aka|i\.e\.)[ \t]+"
        r"[^()\n]{1,30}\)(?=[ \t]*(?:-|:|\u2013))",
        r"\1",
        text,
    )
    # "We do weighings every fortnight or so: weigh date, ...": how often, before the
    # details, is no part of what is listed
    text = re.sub(
        r"(?i)(?<!for)(?<!of)[ \t]+(?:every(?: other)?|once a|twice a)[ \t]+(?:day|week|fortnight|"
        r"month|year|morning|evening|night|season|[a-z]+day)(?:[ \t]+or[ \t]+so)?(?=[ \t]*:)",
        "",
        text,
    )
    # "set up by one researcher", "signed off by a manager": who did it, the particle
    # being no part of the tie
    text = re.sub(
        r"(?<=[a-z]ed|set|put|run|ade|one) (?:up|out|off|down) (?=by (?:one|a|an|each|the)\b)",
        " ",
        text,
    )
    text = list_separators(text)
    text = re.sub(r"\bw/o\b", " without ", text, flags=re.IGNORECASE)
    text = re.sub(r"\bw/(?=\s|$)", " with ", text, flags=re.IGNORECASE)
    # "rooted?" inside a list: a yes/no field
    text = re.sub(r"([,:(]\s*[A-Za-z][\w -]{0,30}?)\?(?=\s|,|\)|$)", r"\1 yes-no", text)
    # "the person to be served, the service address": which person, one item of a list
    text = re.sub(r"(?<=[a-z]) to be (?=[a-z]+ed[ \t]*[,;)])", " ", text)
    # "..., and of course which team went out": a word said, no item of the list
    text = re.sub(r"\b(and|but|,)[ \t]+of[ \t]+course\b,?", r"\1", text, flags=re.I)
    # "each stocking is in one pond of course.": said in passing, no course kept
    text = re.sub(r"[ \t]+of[ \t]+course(?=[ \t]*[.,;!)]|$)", "", text, flags=re.I | re.M)
    # "thirty-odd pitches", "20-odd clients": about that many
    text = re.sub(r"\b([A-Za-z]+|\d+)-odd\b", r"\1", text)
    text = re.sub(r"\be\.g\.|\bi\.e\.", " like ", text, flags=re.IGNORECASE)
    text = rewrite_phrasings(text)
    # "- for each one the unit name, the model ...": each of those just named, then its
    # fields (not a thing called "each one the unit name")
    text = re.sub(r"\b([Ff]or (?:each|every) one)(?= (?:the|their|its) )", r"\1,", text)
    # "(An. gambiae s.l., An. funestus or Culex)": abbreviations inside brackets end no
    # sentence (a number's point stays)
    text = re.sub(
        r"\([^()\n]*\)",
        lambda m: re.sub(r"(?<!\d)\.(?!\d)", "", m.group(0)),
        text,
    )
    # "For booking we capture date, ...": for each booking, said short (not "for
    # weddings we need ...", which reads as it is)
    text = re.sub(
        r"\b([Ff]or)\s+(?!(?:example|instance|now|that|this|it|them|all|any|one|us|me|sure|"
        r"each|every|some|the|a|an|our|my|your|their|his|her|its)\b)([a-z]*(?:ss|[a-rt-z]))\s+"
        r"(?=(?:we|i)\s+(?:capture|record|note|log|keep|track|write|take|need|want|enter|"
        r"store)\b)",
        r"\1 each \2 ",
        text,
    )
    # "fee collected month wise": per month
    text = re.sub(r"\b(day|week|month|year)[ -]?wise\b", r"per \1", text, flags=re.I)
    # "loads of requests", "heaps of bookings": many of them, no record of loads
    text = re.sub(r"\b(?:loads|heaps|tons|plenty) of\b", "many", text, flags=re.IGNORECASE)
    # "no. of players", "membership no.", "week no": a number, not a full stop or a "no"
    text = re.sub(r"\bno\.?(\s+)of\b", r"number\1of", text, flags=re.IGNORECASE)
    text = re.sub(r"(?<![\w#])#(\s*)of\b", r"number\1of", text, flags=re.IGNORECASE)  # "# of"
    # "run, date, no. shorn": how many, as an item of a list
    # (a lower-case word after it: ", no. We don't" is an answer)
    text = re.sub(r"(?<=[,:(]) ?[Nn]o\.[ \t]+(?=[a-z])", " number ", text)
    text = re.sub(
        r"\b([A-Za-z]+) no\.?(?=[ \t]*(?:[,)/;]|\(|$|and\b|or\b))",
        lambda m: m.group(0) if m.group(1).lower() in _NOT_A_NUMBER else f"{m.group(1)} number",
        text,
        flags=re.IGNORECASE | re.MULTILINE,
    )
    text = re.sub(r"\betc\.?", " ", text, flags=re.IGNORECASE)
    # "Orders go through stages: enquiry, quoted, fitted.": each order's stage, one of those
    text = re.sub(
        r"\b([A-Za-z]+) (?:go|goes|move|moves|pass|passes) through (?:the |these |a few )?"
        r"(stage|status|step|phase)(?:s|es)?[ \t]*[:-][ \t]*([^.\n]+)",
        r"\1 have a \2 (\3)",
        text,
        flags=re.IGNORECASE,
    )
    # "a 'who with' box", 'a "used by" column': the words in quotes name the field
    text = re.sub(
        r"(?<![\w'])['\"]([A-Za-z][A-Za-z -]{0,24}?)['\"][ \t]+(?:box|field|column|space)\b",
        lambda m: m.group(1).replace(" ", "-"),
        text,
    )
    # "expiry date cause you have to bin mascara": because, said short
    text = re.sub(
        r"(?:\b|')(?:cause|cuz|coz|cos)\b(?=\s+(?:i|you|we|they|he|she|it|there)\b)",
        "because",
        text,
        flags=re.IGNORECASE,
    )
    # "I'd like an appearance record for ...", "we would love a feeding log": a record
    # wanted ("I'd like a weekly total" asks for a view, and reads so)
    text = re.sub(
        r"(?:'d|\bwould)(\s+)(?:like|love)\b(?=\s+(?:a|an)\s+(?:\w+\s+){0,2}(?:record|entry|log)\b)",
        r"\1want",
        text,
        flags=re.IGNORECASE,
    )
    # "we've got sixty shooters", "each site has got a name": have, said the British way
    # (a line break stays where it was: unwrapping reads the lines' widths)
    text = re.sub(r"'ve(\s+)got\b", r" have\1", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(have|has)(\s+)got\b", r"\1\2", text, flags=re.IGNORECASE)
    text = re.sub(
        r"\b(he|she|it|that|there|who|what)'s(\s+)got\b",
        r"\1 has\2",
        text,
        flags=re.IGNORECASE,
    )
    # "weaned (no.)", "tubs (no., model, ...)": the number
    text = re.sub(r"\(\s*no\.?\s*(?=[),])", "(number", text, flags=re.IGNORECASE)
    # "result (µg/m3)", "speed (km/h)": a measure in a unit of units, not two choices
    text = re.sub(
        r"\(\s*[\u00b5u]?(?:g|mg|kg|m|km|l|ml|cm|mm)\d?\s*/\s*(?:m|h|hr|l|s|km|ha)\d?\s*\)",
        "(decimal)",
        text,
        flags=re.IGNORECASE,
    )
    for short, full in _ABBREVIATIONS:
        text = re.sub(short, full, text, flags=re.IGNORECASE)
    text = _arrow_headings(text)
    # (a table's rows first: "| Taxon | family; genus |" is a heading and its items)
    text = _semicolon_headings(_bracketed_headings(markdown_tables(text)))
    text = unwrap(fold_headed_lists(text))
    # (after unwrapping, which reads the lines' widths as written)
    # "Me and a few mates run a league", "a couple of friends and I": who writes, all
    # together (no record of mates)
    text = re.sub(
        r"(?i)\b(?:me|i|myself) and (?:a few|some|a couple of|two|three|my|a group of) "
        r"(?:[a-z]+ ){0,2}(?:mates|friends|pals|buddies|colleagues|neighbours|neighbors)\b"
        r"|\b(?:a few|some|a couple of|two|three|my) (?:[a-z]+ ){0,2}(?:mates|friends|pals|"
        r"buddies|colleagues|neighbours|neighbors) and (?:i|me|myself)\b",
        "we",
        text,
    )
    # "the results: one row per driver per race with position, points": what each
    # result is of, as a heading's remark says it ("Results (one per driver per race):")
    text = re.sub(
        r"(?i)\b([a-z][a-z-]*)[ \t]*[:,][ \t]*one[ \t]+(?:row|line|record|entry)[ \t]+"
        r"(?:per|for each|for every)[ \t]+([a-z]+)(?:[ \t]+(?:and )?(?:per|for each)[ \t]+"
        r"([a-z]+))?(?:,?[ \t]+(?:with|showing|giving)[ \t]+|[ \t]*:[ \t]*)",
        lambda m: (
            f"{m.group(1)} (one per {m.group(2)}"
            + (f" per {m.group(3)}" if m.group(3) else "")
            + "): "
        ),
        text,
    )
    # "Prizes ... - prize name, value ($) - and each prize gets awarded to a catch": the
    # list between dashes ends, and a sentence of its own begins (not after examples, "a
    # piece - a print, a photo - and each piece is a job": one sentence, as written)
    text = re.sub(
        r"([ \t]+-[ \t]+([^-\n]{3,160}?[\w)]))[ \t]+-[ \t]+and[ \t]+(?=(?:each|every)[ \t])",
        lambda m: m.group(0) if re.search(r"\b(?:a|an)\b", m.group(2)) else m.group(1) + ". ",
        text,
    )
    # "Every fish brought to the tent is a catch for one angler: species, ...": the record
    # is the catch (the fish, and where it was brought, say what a catch is)
    text = re.sub(
        r"(?i)\b(every|each)[ \t]+[a-z-]+[ \t]+(?:[a-z-]+ed|that|which|we|i|you|they|"
        r"[a-z-]+(?=[ \t]+(?:to|into|in|at|from|by|on|off|up)\b))\b"
        r"[^.:;,]{0,60}?[ \t]+(?:is|counts[ \t]+as)[ \t]+(?:a|an|one)[ \t]+([a-z-]+)[ \t]+"
        r"(?=(?:for|of|by|from)[ \t]+(?:one|a|an|each|every)[ \t])",
        r"\1 \2 is ",
        text,
    )
    # "an app the weigh-in volunteers can use on a tablet": who uses the app, and on
    # what, are no records
    text = re.sub(
        r"(?i)\b(app|tool|system|form|something)(?:[ \t]+(?:that|which))?[ \t]+"
        r"(?:the|our|my)[ \t]+[a-z -]{1,30}?[ \t]+(can|could|will)[ \t]+use\b",
        r"\1 we \2 use",
        text,
    )
    text = re.sub(
        r"(?i)[ \t]+(?:on|from)[ \t]+(?:a|an|my|our|their|the)[ \t]+(?:tablet|ipad|laptop|"
        r"smartphone|phone|computer|pc)s?\b(?![ \t]+(?:number|no|call)\b)",
        "",
        text,
    )
    # "an angler can belong to a team - we just need the team name and the captain's
    # name": what is kept of the team, in a sentence of its own
    text = re.sub(
        r"(?i)\b(belongs?|belonging|belonged)[ \t]+to[ \t]+((?:a|an|one)[ \t]+[a-z-]+)[ \t]+[-:]"
        r"[ \t]+(?=(?:we|i)[ \t])",
        r"\1 to \2. ",
        text,
    )
    # "every student is in one of my classes - a class has a day, time, ...": a clause of
    # its own after the dash
    text = re.sub(
        r"(?<=[a-z])[ \t]+-[ \t]+"
        r"(?=(?:(?:a|an|each|every)[ \t]+(?!one\b)[a-z-]+|[a-z-]+s)[ \t]+(?:has|have|gets)\b)",
        ". ",
        text,
    )
    # "we keep a parts list - part name, ...": a list of parts, as "a list of parts" says
    text = re.sub(
        r"(?i)\b(a|an|the|our|my)[ \t]+([a-z]+[^s\W]s)[ \t]+(list|register|catalogue|catalog)\b"
        r"(?=[ \t]*(?:-|:|\())",
        r"\1 \3 of \2",
        text,
    )
    # "so there's also a weigh-in log: wrestler, date, weight": the weigh-ins, listed
    text = re.sub(
        r"(?i)(?:,[ \t]*(?:so|and)[ \t]+)?\bthere(?:'s|[ \t]+is)(?:[ \t]+also)?[ \t]+(?:a|an)[ \t]+"
        r"([a-z-]+(?:[ \t]+[a-z-]+)?[ \t]+(?:log|register|sheet|book))[ \t]*:",
        r". \1:",
        text,
    )
    # "weight (lbs, to one decimal)": how it is written, no field of its own
    text = re.sub(
        r"(?i),?[ \t]*to[ \t]+(?:one|two|three|1|2|3)[ \t]+(?:decimal(?:[ \t]+places?)?|dp)\b",
        "",
        text,
    )
    # "Meets are duals or small tournaments: date, ...": the kinds of meet, a remark
    text = re.sub(
        r"(?i)\b([a-z-]+s)[ \t]+are[ \t]+((?:[a-z-]+[ \t]+){0,2}[a-z-]+s[ \t]+or[ \t]+"
        r"(?:[a-z-]+[ \t]+){0,2}[a-z-]+s)[ \t]*:",
        r"\1 (\2):",
        text,
    )
    # "what I'd like to pull up: ...": to see
    text = re.sub(r"(?i)\bto[ \t]+(?:pull|bring|call|look)[ \t]+up\b", "to see", text)
    # "..., calm before (1 to 5), calm after (1 to 5)": a measure taken before and after,
    # each a field of its own
    text = re.sub(
        r"(?:(?<=[,:] )|(?<=average )|(?<=avg )|(?<=total ))([a-z]+)[ \t]+(before|after)"
        r"(?=[ \t]*(?:\(|,|\b(?:and|for|per|by)\b))",
        r"\1-\2",
        text,
    )
    # "..., and a few words of notes": the notes
    text = re.sub(
        r"(?i)\b(?:a few|some|a couple of)[ \t]+words(?:[ \t]+(?:of|as)[ \t]+"
        r"(notes?|comments?|description|reflections?))?\b",
        lambda m: m.group(1) or "notes",
        text,
    )
    # "each dive happens during a trip", "some of my sits happen during a retreat", "a
    # heat is part of a round": one of those, as "belongs to" says it
    text = re.sub(
        r"(?i)\b((?:each|every|a|an)[ \t]+[a-z-]+)[ \t]+(?:happens|takes[ \t]+place|is[ \t]+part)"
        r"[ \t]+(?:during|in|at|on|of)[ \t]+(?=(?:a|an|one)[ \t])",
        r"\1 belongs to ",
        text,
    )
    text = re.sub(
        r"(?i)\b((?:some|most|many|all)(?:[ \t]+of[ \t]+(?:my|our|the))?[ \t]+[a-z-]+s)[ \t]+"
        r"(?:happen|take[ \t]+place|are[ \t]+part)[ \t]+(?:during|in|at|on|of)[ \t]+"
        r"(?=(?:a|an|one)[ \t])",
        r"\1 belong to ",
        text,
    )
    # "make/model", "parent/guardian contact no.": one field that goes by either word
    # (written without spaces; "name / phone" are two)
    text = re.sub(
        r"(?<=[,:] )([a-z]{3,})/([a-z]{3,})\b(?![ \t]*(?:/|\?|\(?y/n|\(?yes))",
        lambda m: (
            m.group(0)
            if {m.group(1).lower(), m.group(2).lower()} & _NOT_ONE_FIELD
            else f"{m.group(1)}-{m.group(2)}"
        ),
        text,
    )
    # "Every term each pupil is given a bill: term, total amount": each bill is a pupil's
    # (a record, though "bill" alone is an amount)
    text = re.sub(
        r"(?i)\b(?:(?:every|each)[ \t]+(?:term|month|week|year|season|semester|quarter),?[ \t]+)?"
        r"(?:every|each)[ \t]+([a-z-]+)[ \t]+(?:is[ \t]+given|is[ \t]+sent|is[ \t]+issued|gets|"
        r"receives)[ \t]+(?:a|an|one)[ \t]+([a-z-]+)[ \t]*:",
        r"each \2 is for one \1:",
        text,
    )
    # "mode of payment (bank transfer, POS or cash)": how it was paid, one field
    text = re.sub(
        r"(?i)\b(mode|method|means|form|way|type|terms)[ \t]+of[ \t]+"
        r"(payment|transport|delivery)\b",
        r"\2 \1",
        text,
    )
    # "Gusto ko makita:" (Filipino, "I'd like to see"), as people mix it into English
    text = re.sub(
        r"(?i)\bgusto[ \t]+(?:ko|kong|namin|naming)[ \t]+(?:makita|ma-?check)\b",
        "i would like to see",
        text,
    )
    # "-> call these Slots: role, hours": what the writer calls them, and their details
    text = re.sub(
        r"(?i)[ \t]*(?:->|-|,|;)?[ \t]*(?:we[ \t]+|i[ \t]+|let's[ \t]+)?call[ \t]+"
        r"(?:these|them|those|it|this|each[ \t]+one)[ \t]+([a-z][a-z-]*)[ \t]*:",
        r". \1:",
        text,
    )
    # "Summaries pls:", "Reports please -": a request, the word said in passing
    text = re.sub(r"(?i)\b(summaries|reports|views|totals)[ \t]+(?:pls|plz|please)\b", r"\1", text)
    # "League races are just a track and a date": what each has, said with "are"
    text = re.sub(
        r"(?i)\b([a-z][a-z-]*s)[ \t]+are[ \t]+(?:just|simply|basically|only)[ \t]+"
        r"(?=(?:a|an)[ \t]+[a-z-]+[ \t]+and[ \t]+(?:a|an|the)[ \t])",
        r"\1 have ",
        text,
    )
    # "..., and then the results (one per driver per race): ...": a new sentence
    text = re.sub(
        r"(?i),?[ \t]+(?:and[ \t]+)?then[ \t]+(?:the[ \t]+)?([a-z][a-z-]*s[ \t]*\(one per [^()]*\)"
        r"[ \t]*:)",
        r". \1",
        text,
    )
    # "Result (one per member per session): ...": records, named as a heading names them
    text = re.sub(
        r"(?i)\b([a-z][a-z-]*[a-z])(?=[ \t]*\(one[ \t]+per[ \t])",
        lambda m: m.group(1) if m.group(1).endswith("s") else plural(m.group(1)),
        text,
    )
    # "My practice laps I log myself - track, date": the records put first, as "I log my
    # practice laps - track, date" says them
    text = re.sub(
        r"(?im)(^|[.!?][ \t]+)(my|our)[ \t]+((?:[a-z][\w-]*[ \t]+){0,2}[a-z][\w-]*s)[ \t]+"
        r"(i|we)[ \t]+(log|record|keep|track|note|enter)(?:[ \t]+(?:myself|ourselves))?"
        r"(?=[ \t]*(?:-|:|\u2013))",
        r"\1\4 \5 \2 \3",
        text,
    )
    # "whether it was in-kind rather than cash (y/n)": the yes/no, not the other way
    text = re.sub(
        r"(?<=\w)[ \t]+(?:rather[ \t]+than|instead[ \t]+of)[ \t]+[\w-]+(?=[ \t]*(?:[(,.;]|and\b))",
        "",
        text,
        flags=re.IGNORECASE,
    )
    # "we enrol households: for each household the ...": a sentence, then the next
    text = re.sub(r"(?<=[a-z]):\s+(?=[Ff]or (?:each|every)\b)", ". ", text)
    # "..., rate per tonne and payment received or not.": a yes/no item of a list ("whether
    # it was paid or not" reads so already)
    text = re.sub(
        r"((?:,|:|\band)[ \t]+(?!whether\b|if\b)[A-Za-z][\w -]{0,30}?)[ \t]+or[ \t]+not\b"
        r"(?:[ \t]*\((?:y/n|yes/no)\))?(?=[ \t]*(?:[,.;)]|$))",
        r"\1 yes-no",
        text,
        flags=re.MULTILINE,
    )
    # "..., so payments should be separate: which guest paid, the amount": records of their
    # own, then what each has
    text = re.sub(
        r"\b([A-Za-z]+s)\s+(?:should|must|will|would|need\s+to|have\s+to)?\s*be\s+(?:kept\s+)?"
        r"(?:separate|separately|apart|on\s+their\s+own)\s*:",
        r". \1:",
        text,
    )
    # "in every village we enrol a number of households": several of them, no count
    text = re.sub(
        r"\b((?:we|i|they)\s+[a-z]+)\s+a\s+number\s+of\b", r"\1 several", text, flags=re.I
    )
    # "groomers (the machines, not the people)": which sense of the word, no fields
    text = re.sub(r"\s*\((?:the |a |an )?[\w -]+, not (?:the |a |an )?[\w -]+\)", "", text)
    # "permits to members, eh:", "..., lol.": a word said, not a thing
    text = re.sub(r",\s*(?:eh|lol|haha|innit)\b(?=\s*[:.,;!?]|\s*$)", "", text, flags=re.I)
    # "the pump type - solar, windmill or diesel - and the depth": values between dashes,
    # as in brackets (once the lines are unwrapped)
    text = re.sub(
        rf"(?<=\w) - ((?:{_SHORT_VALUE}, )*{_SHORT_VALUE},? or {_SHORT_VALUE}) - (?=\w)",
        r" (\1) ",
        text,
    )
    # "prescription items - a patient on a medicine - with the dose": what one is, an
    # aside between dashes as in brackets
    text = re.sub(
        r"(?<=\w) - ((?:a|an|one) [a-z]+(?: [a-z]+)? (?:on|of|with|for|in|at|and|to) "
        r"(?:a|an|one|the) [a-z]+(?: [a-z]+)?) - (?=\w)",
        r" (\1) ",
        text,
        flags=re.IGNORECASE,
    )
    # After unwrapping, which reads the lines' widths as written. "I tick it as dated",
    # "we mark them as paid": a yes/no noted
    text = re.sub(
        r"\b(?:tick|ticks|mark|marks|flag|flags)\s+(?:it|them)\s+(?:as|off as)\s+(?=[a-z])",
        "note whether it is ",
        text,
        flags=re.IGNORECASE,
    )
    # "hot tub hire - need: tubs (no., model), customers (...)": the things to keep, not a
    # record called Need (a "need:" before a summary stays as it is)
    text = re.sub(
        r"\b(?:need|needs|want|wants)[ \t]*:[ \t]*(?=[A-Za-z][\w ]*s[ \t]*[(:-])",
        "",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(f"(?m){_BULLET_PATTERN}", ". ", text)  # bullets end a sentence
    text = re.sub(r"[\r\n]+", " . ", text)
    text = text.lower()
    # contractions: "they've" -> "they 've", "don't" -> "do n't"
    text = re.sub(
        r"\b(i|you|we|they|he|she|it|that|there|who|what|here)'(s|ve|re|d|ll|m)\b", r"\1 '\2", text
    )
    text = re.sub(r"\b([a-z]+)n't\b", r"\1 n't", text)
    text = re.sub(r"([a-z])'s\b", r"\1 's", text)  # possessive: "the dog's vet"
    # "the owners' dogs" is the owners' as "the owner's" is; "kids' clothes" a kind of clothes
    text = re.sub(r"\b(kids|girls|boys|ladies|babies|mens|womens|childrens)'", r"\1", text)
    return re.sub(r"\b([a-z]+s)'(?=[\s,.;:!?)]|$)", r"\1 's", text)


def split_sentences(tokens: list[Token]) -> list[list[Token]]:
    out: list[list[Token]] = [[]]
    for token in tokens:
        before = out[-1][-1].text if out[-1] else ""
        listed = len(out[-1]) >= 2 and out[-1][-2].text in (",", "or", "and")
        if (
            token.text == "."
            and len(before) == 1
            and before.isalpha()
            and before not in "ai"
            and not listed  # "grade - A, B or C. Dispatches ...": the last of some values
        ):
            continue  # "E. coli", "J. Smith": an initial, not the end of a sentence
        if token.tag == "PUNCT" and token.text in ".!?;":
            if out[-1]:
                out.append([])
            continue
        out[-1].append(token)
    return [s for s in out if s]


@cache
def verb_forms() -> dict[str, str]:
    """Every inflected form of the known verbs -> its base form."""
    forms: dict[str, str] = dict(lx.IRREGULAR_VERBS)
    for be in ("is", "are", "was", "were", "am", "'m", "'re", "'s", "be", "been", "being"):
        forms[be] = "be"
    for have in ("has", "have", "had", "having", "'ve"):
        forms[have] = "have"
    for base in lx.VERBS:
        forms.setdefault(base, base)
        for form in _inflections(base):
            forms.setdefault(form, base)
    return forms


def _inflections(base: str) -> list[str]:
    if base.endswith("e"):
        ed, ing = base + "d", base[:-1] + "ing"
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        ed, ing = base[:-1] + "ied", base + "ing"
    elif (
        len(base) >= 3
        and base[-1] not in "aeiouwxy"
        and base[-2] in "aeiou"
        and base[-3] not in "aeiou"
        and len(base) <= 4
    ):
        ed, ing = base + base[-1] + "ed", base + base[-1] + "ing"
    else:
        ed, ing = base + "ed", base + "ing"
    if base.endswith(("s", "x", "z", "ch", "sh", "o")):
        s = base + "es"
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        s = base[:-1] + "ies"
    else:
        s = base + "s"
    return [s, ed, ing, base + "ed", base + "ing"]


def is_plural(word: str) -> bool:
    from launchforge_core.pipeline.extractor.words import singular

    return singular(word) != word


def tokenize(idea: str) -> list[Token]:
    """Tokens of the idea, phrasal verbs and fixed phrases joined, each tagged."""
    text = normalise(idea)
    raw = [(m.group(0), m.start()) for m in _TOKEN.finditer(text)]
    joined: list[tuple[str, int]] = []
    i = 0
    while i < len(raw):
        for size in (3, 2, 1):
            key = tuple(w for w, _ in raw[i : i + size])
            if len(key) == size and key in lx.PHRASAL:
                joined.append((lx.PHRASAL[key], raw[i][1]))
                i += size
                break
        else:
            joined.append(raw[i])
            i += 1
    tokens = [Token(word, _static_tag(word), start) for word, start in joined]
    # "put fuel receipts in: date, litres": the particle of "put in" left before the colon
    tokens = [
        t
        for k, t in enumerate(tokens)
        if not (
            t.text == "in"
            and 0 < k < len(tokens) - 1
            and tokens[k + 1].text == ":"
            and tokens[k - 1].tag in ("NOUN", "NV")
        )
    ]
    for pronoun, token in pairwise(tokens):
        if token.text == "'s" and pronoun.text in _IS_AFTER:
            token.tag = "AUX"  # "it's sat in one of our rooms": "it is", not a possessive
    for k, token in enumerate(tokens[:-2]):
        if token.text == "am" and tokens[k + 1].text in ("or", "/") and tokens[k + 2].text == "pm":
            token.tag = "NOUN"  # "shift (AM or PM)": the morning, not "I am"
    for about, number in pairwise(tokens):
        if about.text in _ABOUT and number.tag == "NUM":
            about.tag = "ADV"  # "a round with about 150 houses": roughly, not a topic
    _each_of_us_verbs(tokens)
    tokens = _each_ones(tokens)
    _each_does(tokens)
    _resolve(tokens)
    tokens = _without_postposed_adjectives(tokens)
    _either_or_verbs(tokens)
    _our_noun_verbs(tokens)
    _plural_subject_verbs(tokens)
    _second_verb_after_and(tokens)
    _two_verbs_of_one_subject(tokens)
    _which_nouns_and_off(tokens)
    for i, token in enumerate(tokens):
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        before = tokens[i - 1] if i else None
        if (
            token.text in ("that", "this", "these", "those")
            and after is not None
            and after.tag in ("NOUN", "ADJ")
            and (before is None or before.tag in ("PREP", "VERB", "PUNCT", "CONJ"))
        ):
            token.tag = "DET"  # "for that boat", not "the boat that ..."
    for i, token in enumerate(tokens[1:], start=1):
        before = tokens[i - 1]
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            token.tag == "ADV"
            and token.text in _ADVERBS_ALSO_NOUNS
            and before.text in ("a", "an", "the", "each", "every", "one")
        ):
            token.tag = "NOUN"  # "a well is drilled for a customer", "each round has"
        if (
            token.text == "lot"
            and token.tag == "ADV"
            and (
                before.text in ("each", "every", "per", "which", "one")
                or (
                    before.text not in ("a", "the")
                    and after is not None
                    and after.text in ("number", "code", "size", "id", "reference")
                )
            )
        ):
            token.tag = "NOUN"  # "lot number", "each lot: ...": a lot sold, not a lot of
        if (
            token.tag in ("NOUN", "ADJ")
            and token.text.endswith("ed")
            and before.tag == "NOUN"
            and after is not None
            and after.text in ("it", "them", "him", "her")
        ):
            token.tag = "VERB"  # "which shed dried it": what the shed did, no "shed dried"
        if (
            token.text in ("me", "us")
            and before.tag in ("NOUN", "NV")
            and (i == 1 or tokens[i - 2].tag == "PUNCT")
        ):
            before.tag = "VERB"  # "Show me: average severity per month": asked, not kept
        if (
            token.tag == "NOUN"
            and token.text.endswith("ed")
            and len(token.text) > 5
            and before.text in ("is", "are", "was", "were", "been", "be", "gets", "get", "got")
        ):
            token.tag = "VERB"  # "once a core is cross-dated": done to it, not a thing
        if (
            before.text == "each"
            and i >= 2
            and tokens[i - 2].text == ","
            and token.text.endswith("ing")
            and token.text in verb_forms()
            and token.tag in ("NOUN", "NV")
            and after is not None
            and after.text in ("a", "an", "one", "the", "their", "its")
        ):
            token.tag = "VERB"  # "14 wardens, each covering a patch": what each one does
        if token.text in ("away", "off", "along") and before.tag == "VERB":
            token.tag = "ADV"  # "three of them rumbling away in the garage": how, not what
        if (
            token.tag == "ADJ"
            and before.text in ("a", "an")
            and token.text not in ("few", "little", "lot", "bit")
            and (after is None or after.tag in ("PRON", "AUX", "PUNCT", "CONJ", "PREP"))
        ):
            token.tag = "NOUN"  # "when a resident has a fall I note ...": a thing, not a kind
        if token.tag == "NOUN" and before.tag == "PRON" and before.text in _SUBJECTS:
            token.tag = "VERB"  # "the rigs I operate": an unknown word after "I" is a verb
        modal = tokens[i - 2] if before.tag == "ADV" and i >= 2 else before
        if (
            token.tag == "NOUN"
            and modal.text in lx.MODALS
            and after is not None
            and after.tag in ("DET", "NUM", "PRON", "PREP")
        ):
            token.tag = "VERB"  # "would settle a few", "can obviously sit in": verbs
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            token.text in ("do", "does", "did")
            and before.tag in ("NOUN", "PRON")
            and after is not None
            and after.tag in ("DET", "NUM")
        ):
            token.tag = "VERB"  # "a firefighter does an equipment check": the main verb
    return tokens


def _static_tag(word: str) -> str:
    if word in "(),:;.!?/-":
        return "PUNCT"
    if word == "'s":
        return "POSS"
    if word.startswith("'") or word == "n't":
        return "AUX"
    if word[0].isdigit():
        return "NUM"
    if word in ("how-long", "how-often"):
        return "WH"
    if word == "yes-no":
        return "ADV"
    if word in ("like", "many", "some", "how-many", "how-much", "out-of", "up-to", "kind-of"):
        return {"many": "DET", "some": "DET"}.get(word, "PREP")
    if word == "one-or-more":
        return "DET"
    if word in lx.CONJUNCTIONS:
        return "CONJ"
    if word in ("whether", "if"):
        return "WH"
    if word in lx.WH_WORDS:
        return "WH"
    if word in lx.DETERMINERS:
        return "DET"
    if word in lx.PREPOSITIONS:
        return "PREP"
    if word in lx.PRONOUNS:
        return "PRON"
    if word in lx.AUXILIARIES:
        return "AUX"
    if word in lx.NUMBER_WORDS:
        return "NUM"
    if word in ("keep-track-of", "sign-up-for", "sign-up", "write-down"):
        return "VERB"
    if word in ("want", "wants", "wanted", "go", "goes", "going", "went", "get", "gets", "got"):
        return "VERB"
    if word in ("belong", "belongs", "getting", "doing", "come", "comes", "came"):
        return "VERB"
    if word in lx.ADVERBS or (word in lx.NEVER_NOUNS and word not in lx.VERBS):
        return "ADV"
    if word in lx.ADJECTIVES:
        return "ADJ"
    if (
        word.endswith("ly")
        and word not in lx.ATTRIBUTE_NOUNS
        and word not in _NOUNS_IN_LY
        and not word.endswith("fly")  # butterfly, dragonfly
        and len(word) > 4
    ):
        # "obviously", "finally", "carefully": adverbs; "weekly", "elderly", "lovely": adjectives
        return "ADV" if word.endswith(_ADVERB_ENDINGS) else "ADJ"
    if word in verb_forms():
        return "NV"  # a verb, perhaps also a noun: decided in context
    if len(word) > 5 and word.endswith(("ed", "ing")) and "-" not in word:
        return "NV"  # an unknown verb form ("passed", "repotted"): decided in context
    return "NOUN"


_ADVERB_ENDINGS = (
    "ally",
    "ously",
    "ively",
    "ently",
    "antly",
    "fully",
    "lessly",
    "ably",
    "ibly",
    "edly",
)
# Nouns that end like an adverb: "every family has a surname" is no "-ly" word.
_NOUNS_IN_LY = frozenset(
    """family families assembly supply rally ally jelly belly lily anomaly monopoly holly
    tally gully bully doily""".split()
)
_NOUN_BEFORE = frozenset({"DET", "ADJ", "POSS", "NUM"})
# Verbs followed by another verb's bare form ("help track clients", "want log runs").
BARE_VERB_TAKERS = frozenset(
    """want wants need needs help helps let lets make makes can could will would should
    must may might do does did please""".split()
)
_VERB_BEFORE = frozenset({"AUX", "PRON", "WH"})
# Pronouns that only ever stand as a subject: a word after one is its verb
_SUBJECTS = frozenset({"i", "we", "they", "he", "she", "someone", "somebody"})
# Before a number these say how many, roughly: "about 150 houses", "around 40 sites"
_ABOUT = frozenset({"about", "around", "roughly", "approximately", "nearly", "almost"})
# Adverbs that are nouns after a determiner: "a well", "each round", "the back"
_ADVERBS_ALSO_NOUNS = frozenset({"well", "round", "back"})
# Before a verb's bare form: "it would settle", "we could track"
# "'s" after these is "is" (or "has"): "it's", "that's", "there's", "what's"
_IS_AFTER = frozenset({"it", "that", "there", "he", "she", "what", "who", "where", "this"})


def _each_of_us_verbs(tokens: list[Token]) -> None:
    """``we each log a visit``: "each" after "we" is each of us, and the word after it
    (before its object) the verb."""
    for k in range(1, len(tokens) - 2):
        who, each, word, obj = tokens[k - 1 : k + 3]
        if (
            who.text in ("we", "they", "you")
            and each.text in ("each", "all", "both")
            and word.tag in ("NV", "NOUN")
            and obj.tag in ("DET", "NUM", "PRON")
        ):
            each.tag, word.tag = "ADV", "VERB"


def _each_does(tokens: list[Token]) -> None:
    """``..., and each drives one of our cars``: "each" alone is each of the things just
    named (the chunker says which), and the -s word after it, before its object, the verb."""
    forms = verb_forms()
    for k in range(len(tokens) - 2):
        each, word, obj = tokens[k : k + 3]
        before = tokens[k - 1] if k else None
        if (
            each.text == "each"
            and (before is None or before.text in ("and", ",", ";"))
            and word.tag in ("NV", "NOUN")
            and word.text.endswith("s")
            and forms.get(word.text, word.text) != word.text
            and obj.tag in ("DET", "NUM", "PRON")
        ):
            each.tag, word.tag = "PRON", "VERB"


def _which_nouns_and_off(tokens: list[Token]) -> None:
    """``which loan it's against``: the word after "which" is the thing, not a verb;
    ``the harvests off each field``: "off" before "each" is where they come from."""
    for k in range(1, len(tokens) - 1):
        if (
            tokens[k - 1].text == "which"
            and tokens[k].tag == "VERB"
            and not tokens[k].text.endswith(("ed", "ing"))
            and tokens[k + 1].tag in ("PRON", "PUNCT")
        ):
            tokens[k].tag = "NOUN"
        if (
            tokens[k].text == "off"
            and tokens[k - 1].tag == "NOUN"
            and tokens[k + 1].text in ("each", "every")
        ):
            tokens[k].tag = "PREP"


def _each_ones(tokens: list[Token]) -> list[Token]:
    """``the churches with each one's name and contact person``: "each one's" is their
    (each of the things just named has its own)."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        words = [t.text for t in tokens[k : k + 3]]
        if words in (["each", "one", "'s"], ["every", "one", "'s"]):
            out.append(Token("their", _static_tag("their"), tokens[k].start))
            k += 3
            continue
        out.append(tokens[k])
        k += 1
    return out


def _without_postposed_adjectives(tokens: list[Token]) -> list[Token]:
    """``for each taxon present I write down ...``: an adjective after its noun, before
    the clause goes on, only says which ones; it names nothing, so it goes."""
    out: list[Token] = []
    for i, token in enumerate(tokens):
        prev = tokens[i - 1] if i else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            token.text in _AFTER_NOUN_ADJECTIVES
            and prev is not None
            and prev.tag == "NOUN"
            and nxt is not None
            and nxt.tag == "PRON"  # not "capacity, seats available, price": a field's name
        ):
            continue
        out.append(token)
    return out


def _resolve(tokens: list[Token]) -> None:
    """Decide noun or verb for every ``NV`` token from its neighbours."""
    forms = verb_forms()
    for i, token in enumerate(tokens):
        if token.tag != "NV":
            continue
        word = token.text
        base = forms.get(word, word)
        prev = tokens[i - 1] if i else None
        if prev is not None and prev.tag == "PUNCT" and prev.text in ".!?;":
            prev = None  # a new sentence
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and nxt.text == ":" and word.endswith("ing") and prev is not None:
            token.tag = "NOUN"  # "Event planning:", "Dog walking:": the name of an activity
            continue
        if (
            word.endswith("ing")
            and prev is not None
            and prev.tag == "NOUN"
            and i >= 2
            and tokens[i - 2].tag in ("DET", "ADJ")
            and nxt is not None
            and (nxt.text in lx.BUSINESS_NOUNS or nxt.text in lx.META_NOUNS)
        ):
            token.tag = "NOUN"  # "a dog walking business", "a sim racing league": its name
            continue
        if prev is None and _title_ahead(tokens, i):
            token.tag = "NOUN"  # "Book club app: ..." names the app, it does not book
            continue
        if word == "own" and prev is not None:
            # "every yarn I own" (a verb) / "its own water tap" (an adjective)
            token.tag = "ADJ" if prev.tag in ("DET", "POSS") else "VERB"
            continue
        before_prev = tokens[i - 2] if i >= 2 else None
        if (
            word.endswith("s")
            and word != base
            and prev is not None
            and prev.tag in ("ADJ", "NOUN")
            and before_prev is not None
            and before_prev.text in ("their", "his", "her", "its")
            and (nxt is None or nxt.tag in ("PUNCT", "CONJ"))
        ):
            prev.tag, token.tag = "NOUN", "VERB"  # "the date their medical expires"
            continue
        if (
            word.endswith("s")
            and word not in lx.ATTRIBUTE_NOUNS  # "the GPS coordinates": what is noted
            and prev is not None
            and prev.tag == "NOUN"
            and _determined_singular(tokens, i - 1)
            and (
                nxt is None
                or nxt.tag in ("DET", "CONJ", "PRON", "PREP", "ADV")
                or (nxt.tag == "NOUN" and is_plural(nxt.text))  # "each team plays matches"
                # "every tank holds fish of one line": a word that is its own plural
                or (lx.SINGULAR_OVERRIDES.get(nxt.text) == nxt.text and nxt.tag != "PUNCT")
                or (nxt.tag == "PUNCT" and nxt.text not in (":", "(", "-"))
                or nxt.text.endswith("ing")
            )
        ):
            token.tag = "VERB"  # "which yarns each project uses"
            continue
        if (
            word.endswith("ing")
            and prev is not None
            and prev.tag == "NOUN"
            and _determined_singular(tokens, i - 1)
            and nxt is not None
            and nxt.text in ("itself", "has", "needs")
        ):
            token.tag = "NOUN"  # "the wedding day booking itself has ...": the thing
            continue
        after_next = tokens[i + 2] if i + 2 < len(tokens) else None
        if _after_reduced_relative(tokens, i):
            token.tag = "VERB"  # "every batch I cook comes from one recipe"
            continue
        token.tag = _decide(word, base, prev, nxt, after_next)


# Determiners before one thing: "each project uses", "their check expires".
_SINGULAR_DETS = frozenset(
    {"each", "every", "the", "a", "an", "one", "my", "our", "their", "its", "his", "her", "your"}
)


def _determined_singular(tokens: list[Token], i: int) -> bool:
    """``each project``, ``an accepted quote``: a singular noun after a determiner."""
    if is_plural(tokens[i].text):
        return False
    k = i - 1
    while k >= 0 and tokens[k].tag in ("ADJ", "NOUN", "NV"):
        k -= 1
    return k >= 0 and tokens[k].text in _SINGULAR_DETS


def _either_or_verbs(tokens: list[Token]) -> None:
    """``each attempt either passes or fails``: after a noun (or "and"), ``either X or Y``
    with two third-person forms are two verbs (and "either" is no determiner)."""
    for k in range(1, len(tokens) - 3):
        either, first, conj, second = tokens[k : k + 4]
        if (
            either.text == "either"
            and (tokens[k - 1].tag in ("NOUN", "NV") or tokens[k - 1].text == "and")
            and conj.text == "or"
            and all(
                t.tag in ("NOUN", "NV") and t.text.endswith("s") and not t.text.endswith("ss")
                for t in (first, second)
            )
        ):
            either.tag, first.tag, second.tag = "ADV", "VERB", "VERB"


def _our_noun_verbs(tokens: list[Token]) -> None:
    """``my family farms oysters``, ``each sponsor backs one show``: after "my|our|each"
    and one noun, a third-person form before a plural noun or a determiner is the verb
    (no list knows "farm" or "back")."""
    for k in range(2, len(tokens) - 1):
        owner, noun, word, obj = tokens[k - 2], tokens[k - 1], tokens[k], tokens[k + 1]
        if (
            owner.text in ("my", "our", "each", "every")
            and noun.tag == "NOUN"
            and not is_plural(noun.text)
            and word.tag == "NOUN"
            and word.text.endswith("s")
            and not word.text.endswith("ss")
            and (
                (obj.tag == "NOUN" and is_plural(obj.text))
                or obj.text in ("one", "a", "an", "the", "two", "several")
                # "our shop processes deer": a word that is its own plural
                or (obj.tag == "NOUN" and lx.SINGULAR_OVERRIDES.get(obj.text) == obj.text)
            )
        ):
            word.tag = "VERB"  # "each sponsor backs one show"


def _plural_subject_verbs(tokens: list[Token]) -> None:
    """``quite a few guides speak more than one language``: after a plural noun, a bare
    word before "more than one", "several" or "many" is the verb (no list knows
    "speak")."""
    for k in range(1, len(tokens) - 1):
        subject, word, obj = tokens[k - 1], tokens[k], tokens[k + 1]
        if (
            subject.tag == "NOUN"
            and is_plural(subject.text)
            and word.tag in ("NOUN", "NV")
            and not is_plural(word.text)
            and not word.text.endswith(("ing", "ed"))
            and obj.text in ("one-or-more", "several", "many", "multiple")
        ):
            word.tag = "VERB"


def _second_verb_after_and(tokens: list[Token]) -> None:
    """``the volunteer reads the gauge and submits the date``: after a verb and its
    object, "and" and a third-person form before a determiner is a second verb of the
    same subject (no list knows "submit")."""
    for k in range(3, len(tokens) - 1):
        before, conj, word, obj = tokens[k - 2], tokens[k - 1], tokens[k], tokens[k + 1]
        if not (
            conj.text == "and"
            and before.tag == "NOUN"
            and not is_plural(before.text)
            and word.tag in ("NOUN", "NV")
            and word.text.endswith("s")
            and not word.text.endswith(("ss", "us", "is"))
            and obj.text in ("the", "a", "an", "their", "its", "his", "her", "our", "my")
        ):
            continue
        window = tokens[max(0, k - 7) : k - 2]
        if any(t.tag == "VERB" for t in window) and not any(
            t.text in (".", ";", ":", ",") for t in window
        ):
            word.tag = "VERB"


def _two_verbs_of_one_subject(tokens: list[Token]) -> None:
    """``customers ring or message us``: after a plural noun, a bare word before "or"/
    "and" and a verb's bare form is a verb too (no list knows "ring")."""
    for k in range(1, len(tokens) - 2):
        word, subject, conj, verb = tokens[k], tokens[k - 1], tokens[k + 1], tokens[k + 2]
        if (
            word.tag == "NOUN"
            and not is_plural(word.text)
            and subject.tag == "NOUN"
            and is_plural(subject.text)
            and conj.text in ("or", "and")
            and verb.tag == "VERB"
            and verb.text == verb_forms().get(verb.text, verb.text)
        ):
            word.tag = "VERB"


def _after_reduced_relative(tokens: list[Token], i: int) -> bool:
    """``every batch I cook comes from ...``: a third-person form after ``NOUN I VERB``
    is the main verb of the noun (the "that" of "batch that I cook" left out)."""
    word = tokens[i].text
    if not (word.endswith("s") and verb_forms().get(word, word) != word and i >= 3):
        return False
    noun, subject, verb = tokens[i - 3], tokens[i - 2], tokens[i - 1]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return (
        noun.tag in ("NOUN", "NV")
        and subject.text in _SUBJECTS
        and verb.tag in ("VERB", "NV", "NOUN")  # "I taste": made a verb after this pass
        and nxt is not None
        and nxt.tag in ("PREP", "DET", "ADV")
    )


def _title_ahead(tokens: list[Token], i: int) -> bool:
    """A colon or dash within the next few words, with only nouns before it."""
    for token in tokens[i + 1 : i + 7]:
        if token.text in (":", "-"):
            return True
        if token.tag not in ("NOUN", "ADJ", "NV"):
            return False
    return False


# Adjectives that follow their noun ("each species present", "the tools available").
_AFTER_NOUN_ADJECTIVES = frozenset({"present", "available", "involved", "concerned"})
# Words for a record that are verbs too ("we record", "a sales record per edition").
_RECORD_NOUNS = frozenset({"record", "log", "entry", "note"})


def _decide(
    word: str, base: str, prev: Token | None, nxt: Token | None, after_next: Token | None = None
) -> str:
    ing = word.endswith("ing")
    # an unknown verb form ("passed") has no base of its own: its ending says what it is
    ed = word.endswith(("ed", "en")) and (word != base or word not in verb_forms())
    if word in lx.IRREGULAR_VERBS and word not in ("read", "set", "put", "beat"):
        ed = True
    third = word.endswith("s") and word != base
    if prev is None or (prev.tag == "PUNCT" and prev.text in "(:,"):
        # Start of a sentence or list item: "Track expenses" vs "walks (date, ...)".
        if ed:
            return "ADJ" if nxt is not None and nxt.tag in ("NOUN", "NV") else "VERB"
        if third or word.endswith("ings"):
            return "NOUN"
        if prev is not None and prev.text in "(,:":
            if (
                prev.text == ","
                and word in ("set", "put", "run", "cut", "read")
                and nxt is not None
                and nxt.text == "by"
                and after_next is not None
                and after_next.text in ("one", "a", "an", "the", "each")
            ):
                return "VERB"  # "..., set by one researcher": who set it up
            return "NOUN" if not (nxt and nxt.tag in ("DET", "PRON")) else "VERB"
        if base not in lx.IMPERATIVES and not (nxt is not None and nxt.tag in ("DET", "PRON")):
            return "NOUN"  # "Service records per vehicle"
        return "VERB" if nxt is not None and nxt.tag in ("DET", "NOUN", "NV", "ADJ") else "NOUN"
    if prev.tag == "PUNCT" and prev.text == ")":
        return "VERB" if ed or ing else "NOUN"
    if prev.tag in _NOUN_BEFORE:
        if ed and nxt is not None and nxt.tag in ("NOUN", "NV"):
            return "ADJ"  # "the assigned gardener", "applied date"
        if (
            (ed or ing)
            and prev.text in ("each", "every", "all")
            and (nxt is None or nxt.tag == "PREP")
        ):
            return "VERB"  # "each hosted by a member", "each growing in a plot"
        return "NOUN"
    if prev.tag == "PREP":
        if prev.text == "to" and not third and not word.endswith("ings"):
            return "VERB"  # "want to book", "need to log"
        if ing and nxt is not None and nxt.tag in ("DET", "PRON", "NOUN", "NV", "ADJ", "NUM"):
            return "VERB"  # "for tracking my habits", "since turning forty"
        if ed:
            return "VERB"
        return "NOUN"
    if prev.tag in _VERB_BEFORE or prev.tag == "ADV":
        if prev.text in ("have", "has", "had", "'ve") and third:
            return "NOUN"  # "we have tours scheduled with ...": things had, not a verb
        if prev.tag == "WH" and prev.text in ("what", "which", "whose") and not ed and not ing:
            if prev.text == "which" and (
                nxt is None or nxt.tag == "CONJ" or (nxt.tag == "PUNCT" and nxt.text in ",.;)")
            ):
                return "NOUN"  # "who signed up for which hike."
            return "NOUN" if third else "VERB"
        return "VERB"
    if prev.tag in ("NOUN", "NV"):
        if ed or ing:
            return "VERB"  # "plots assigned to", "members booking"
        if (
            word in lx.ATTRIBUTE_NOUNS
            and word == base
            and (
                nxt is None
                or nxt.tag == "CONJ"
                or (nxt.tag == "PUNCT" and nxt.text in ",.;)")
                # "parts cost (£)": a field and its unit
                or (nxt.text == "(" and after_next is not None and after_next.tag == "NOUN")
            )
        ):
            return "NOUN"  # "honey frames count and ...": a field named by what it counts
        if (
            word in lx.ATTRIBUTE_NOUNS
            and word == base
            and nxt is not None
            and nxt.tag == "NUM"
            and after_next is not None
            and after_next.text in ("to", "-", "out")
        ):
            return "NOUN"  # "epiphyte score 1 to 5": a field and its range
        if word in _RECORD_NOUNS and nxt is not None and nxt.text == "per":
            return "NOUN"  # "a sales record per edition": a kind of record, one for each
        if not third and prev.is_plural and word == base:
            return "VERB"  # "orders come in", "members book classes"
        if (
            nxt is not None
            and nxt.tag in ("DET", "PRON", "NUM", "ADJ")
            and nxt.text not in _SUBJECTS
        ):
            return "VERB"  # "members book the classes" (but "their practical test I record")
        if not third and nxt is not None and nxt.tag in ("NOUN", "NV") and prev.is_plural:
            return "VERB"  # "members book classes"
        return "NOUN"  # "dog walks", "service records"
    if prev.tag == "VERB":
        if ing or ed:
            return "VERB"
        if (
            not third
            and nxt is not None
            and nxt.tag == "NOUN"
            and is_plural(nxt.text)
            and prev.text not in BARE_VERB_TAKERS
        ):
            return "NOUN"  # "we book work days", "log water tests": a compound noun
        return "NOUN" if third or nxt is None or nxt.tag in ("PUNCT", "CONJ", "PREP") else "VERB"
    if prev.tag == "CONJ":
        if (
            third
            and nxt is not None
            and nxt.tag == "PREP"
            and after_next is not None
            and after_next.tag == "NUM"
        ):
            return "VERB"  # "... and runs for 6 weeks"
        if ed:
            return "ADJ" if nxt is not None and nxt.tag in ("NOUN", "NV") else "VERB"
        if ing and nxt is not None and nxt.tag in ("DET", "PRON", "NUM", "NOUN", "NV"):
            return "VERB"  # "and discussing one book"
        if (
            third
            and nxt is not None
            and (nxt.text in ("one", "a", "an", "each", "every") or nxt.tag == "PRON")
        ):
            return "VERB"  # "... and shows one tree", "and covers each exam"
        if third or word.endswith("ings"):
            return "NOUN"
        return "VERB" if nxt is not None and nxt.tag in ("DET", "PRON") else "NOUN"
    return "NOUN"
