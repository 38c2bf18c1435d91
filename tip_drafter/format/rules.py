"""The cable's own rules: header, classification, characters and placeholders (the lint of the
laid-out lines is :mod:`..cable.lint`). Each rule only says what is wrong; the ``Checker`` knows the file."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..domain import charset, classification, numbering
from ..domain.dtg import DateTimeGroup
from ..domain.dtg import looks_like as dtg_form
from ..edition import Edition
from ..errors import ERROR, WARNING, Code, Diagnostic, Place
from ..yamlio.load import Document, item_position, key_name, key_position, value_position
from .values import placeholders

Position = tuple[int, int]


@dataclass
class Checker:
    """Collects diagnostics for one document; rules call ``error`` and ``warn``."""

    doc: Document
    draft: bool = False
    found: list[Diagnostic] = field(default_factory=list)
    marks: list[tuple[Position, Place, str]] = field(default_factory=list)

    def error(
        self, pos: Position, where: Place | str, message: str, *, code: str = "", pointer: str = "", final: bool = False
    ) -> None:
        """Record an error at ``pos`` in the questionnaire's place ``where`` (a string: a place
        outside the answers, ``cable.subject``); ``code``: its kind; ``pointer``: the value's
        JSON pointer; ``final``: an error in a final render only, a warning in a draft."""
        severity = WARNING if final and self.draft else ERROR
        self.found.append(Diagnostic(self.doc.path, pos[0], pos[1], severity, _place(where), message, Code(code), pointer))

    def warn(self, pos: Position, where: Place | str, message: str, *, code: str = "") -> None:
        """Record a warning at ``pos``."""
        self.found.append(Diagnostic(self.doc.path, pos[0], pos[1], WARNING, _place(where), message, Code(code)))

    def final_error(self, pos: Position, where: Place | str, message: str, *, code: str = "") -> None:
        """An error in a final render, a warning in a draft."""
        self.error(pos, where, message, code=code, final=True)


def cable_rules(checker: Checker, cable: Any, edition: Edition | None) -> None:
    """Date-time group, subject in capitals (the required tags are the format's: ``country_format``)."""
    dtg = cable.get("date_time_group")
    if dtg_form(dtg) and DateTimeGroup.read(dtg) is None:
        checker.error(
            value_position(cable, "date_time_group"), "cable.date_time_group", f"{dtg!r} is not a real date and time", code="date"
        )
    subject = cable.get("subject")
    if isinstance(subject, str) and subject != subject.upper():
        checker.warn(
            value_position(cable, "subject"), "cable.subject", "a cable's subject is written in capitals", code="capitals"
        )


def classification_rules(checker: Checker, cable: Any) -> None:
    """Portions never above the cable; DECL and Classified By exactly when classified (what
    each level means: ``classification``; the caveat it asks for is the format's rule, which
    the JSON Schema says too: ``country_format.SensitiveCaveat``)."""
    level = classification.of(cable.get("classification"))
    if level is None:
        return
    for pos, where, mark in checker.marks:
        if not level.allows(mark):
            checker.error(
                pos,
                where,
                f"portion marked ({mark}) is above the cable's classification {level}: not rendered",
                code="classification",
            )
    for key in ("declassify", "classified_by"):
        _classified_only(checker, cable, level, key)


def _classified_only(checker: Checker, cable: Any, level: classification.Classification, key: str) -> None:
    """A classified cable needs ``key``; an unclassified one has none."""
    if level.classified and key not in cable:
        checker.error(
            value_position(cable, "classification"), f"cable.{key}", f"a {level} cable needs {key!r}", code="classification"
        )
    elif not level.classified and key in cable:
        checker.error(key_position(cable, key), f"cable.{key}", f"an unclassified cable has no {key!r}", code="classification")


def text_rules(checker: Checker, data: Any) -> None:
    """Placeholders left in the text, and characters a cable cannot carry."""
    for where, pos, text in strings(data):
        for m in placeholders(text):
            checker.final_error(
                locate(checker.doc, pos, m.group(0), 1), where, f"placeholder {m.group(0)!r} left in the text", code="placeholder"
            )
        seen: dict[str, int] = {}
        for found in charset.findings(text):
            seen[found.char] = seen.get(found.char, 0) + 1
            at = locate(checker.doc, pos, found.char, seen[found.char])
            if found.replacement is None:
                checker.error(at, where, f"character {found.describe} has no ASCII form: a cable is plain ASCII", code="charset")
            else:
                verb = "transliterated" if charset.is_letter(found.char) else "converted"
                checker.warn(at, where, f"character {found.describe} is {verb} to {found.replacement!r}", code="converted")


def order_rules(checker: Checker, answers: Any, order: dict[int, list[str]]) -> None:
    """Answers keyed out of the questionnaire's order print in order, with a warning."""
    numbers = [k for k in answers if isinstance(k, int) and k in order]
    if numbers != sorted(numbers):
        first = next(b for a, b in itertools.pairwise(numbers) if b < a)
        checker.warn(
            key_position(answers, first),
            Place(first),
            "paragraphs are out of order in the file; the cable prints them in order",
            code="order",
        )
    for number in numbers:
        if isinstance(answers[number], dict):
            _letter_order(checker, answers[number], number, order[number])


def _letter_order(checker: Checker, para: Any, number: int, letters: list[str]) -> None:
    """Each letter of one paragraph that comes after a later one in the file."""
    keys = [(k, found[0]) for k in para if (found := numbering.letters_of(key_name(k)))]
    ranks = [letters.index(letter) if letter in letters else -1 for _, letter in keys]
    for (key, letter), before, now in zip(keys[1:], ranks, ranks[1:], strict=False):
        if now < before:
            checker.warn(
                key_position(para, key),
                Place(number, (letter,)),
                "answer is out of order in the file; the cable prints the letters in order",
                code="order",
            )


def _place(where: Place | str) -> Place:
    return where if isinstance(where, Place) else Place.named(where)


def strings(data: Any) -> Iterator[tuple[Place, Position, str]]:
    """Every text value in the file with its questionnaire place and position.

    Shared (aliased) lists and mappings are visited once, so an alias bomb costs nothing.
    """
    seen: set[int] = set()
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        entries = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        for key, value in reversed(entries):
            if isinstance(value, str):
                pos = value_position(node, key) if isinstance(node, dict) else item_position(node, key)
                yield place((*path, key)), pos, value
            elif isinstance(value, (dict, list)):
                stack.append((value, (*path, key)))


def place(path: tuple[Any, ...]) -> Place:
    """The questionnaire place of a path in the file: ``para 25.B/C``, ``cable.subject``."""
    parts = tuple(part if isinstance(part, int) and i else key_name(part) for i, part in enumerate(path))
    if len(path) >= 3 and path[0] == "answers":
        number = numbering.paragraph_number(path[1])
        letters = numbering.letters_of(key_name(path[2]))
        # what the text lies under, below the item (``E: {text: ...}``) is not part of its label
        return Place.item(key_name(path[1]) if number is None else number, letters or (key_name(path[2]),))
    return Place(field_path=parts)


def locate(doc: Document, start: Position, needle: str, nth: int) -> Position:
    """Where the ``nth`` ``needle`` stands in the value that starts at ``start`` (``start`` if
    it is not there as written, as for a character written as an escape in a quoted string);
    never in a later key or a comment (see :meth:`Document.value_end`)."""
    first = start[0] - 1
    if not 0 <= first < len(doc.offsets):
        return start
    at, end = doc.offsets[first] + start[1] - 1 - len(needle), doc.value_end(first)
    for _ in range(nth):
        at = doc.text.find(needle, at + len(needle), end)
        if at < 0:
            return start
    line = bisect.bisect_right(doc.offsets, at) - 1
    return line + 1, at - doc.offsets[line] + 1
