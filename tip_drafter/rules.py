"""The cable's own rules: header, classification, characters and placeholders, and a lint of
the laid-out lines. Each rule only says what is wrong; the ``Checker`` knows the file."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import charset, classification, country_format
from .dtg import DateTimeGroup
from .dtg import looks_like as dtg_form
from .edition import Edition
from .errors import ERROR, WARNING, Diagnostic
from .fields import PLACEHOLDERS
from .layout import Kind, Line
from .load import Document, item_position, key_name, key_position, value_position

Position = tuple[int, int]


@dataclass
class Checker:
    """Collects diagnostics for one document; rules call ``error`` and ``warn``."""

    doc: Document
    draft: bool = False
    found: list[Diagnostic] = field(default_factory=list)
    marks: list[tuple[Position, str, str]] = field(default_factory=list)

    def error(self, pos: Position, where: str, message: str, *, code: str = "", pointer: str = "", final: bool = False) -> None:
        """Record an error at ``pos`` (``code``: its kind; ``pointer``: the value's JSON pointer;
        ``final``: an error in a final render only, a warning in a draft)."""
        severity = WARNING if final and self.draft else ERROR
        self.found.append(Diagnostic(self.doc.path, pos[0], pos[1], severity, where, message, code, pointer))

    def warn(self, pos: Position, where: str, message: str, *, code: str = "") -> None:
        """Record a warning at ``pos``."""
        self.found.append(Diagnostic(self.doc.path, pos[0], pos[1], WARNING, where, message, code))

    def final_error(self, pos: Position, where: str, message: str, *, code: str = "") -> None:
        """An error in a final render, a warning in a draft."""
        self.error(pos, where, message, code=code, final=True)


def cable_rules(c: Checker, cable: Any, edition: Edition | None) -> None:
    """Date-time group, subject in capitals (the required tags are the format's: ``country_format``)."""
    dtg = cable.get("date_time_group")
    if dtg_form(dtg) and DateTimeGroup.read(dtg) is None:
        c.error(
            value_position(cable, "date_time_group"), "cable.date_time_group", f"{dtg!r} is not a real date and time", code="date"
        )
    subject = cable.get("subject")
    if isinstance(subject, str) and subject != subject.upper():
        c.warn(value_position(cable, "subject"), "cable.subject", "a cable's subject is written in capitals", code="capitals")


def classification_rules(c: Checker, cable: Any) -> None:
    """Portions never above the cable; DECL and Classified By exactly when classified (what
    each level means: ``classification``; the caveat it asks for is the format's rule, which
    the JSON Schema says too: ``country_format.SensitiveCaveat``)."""
    level = classification.of(cable.get("classification"))
    if level is None:
        return
    for pos, where, mark in c.marks:
        if not level.allows(mark):
            c.error(
                pos,
                where,
                f"portion marked ({mark}) is above the cable's classification {level}: not rendered",
                code="classification",
            )
    for key in ("declassify", "classified_by"):
        _classified_only(c, cable, level, key)


def _classified_only(c: Checker, cable: Any, level: classification.Classification, key: str) -> None:
    """A classified cable needs ``key``; an unclassified one has none."""
    if level.classified and key not in cable:
        c.error(value_position(cable, "classification"), f"cable.{key}", f"a {level} cable needs {key!r}", code="classification")
    elif not level.classified and key in cable:
        c.error(key_position(cable, key), f"cable.{key}", f"an unclassified cable has no {key!r}", code="classification")


def text_rules(c: Checker, data: Any) -> None:
    """Placeholders left in the text, and characters a cable cannot carry."""
    for where, pos, text in strings(data):
        for m in PLACEHOLDERS.finditer(text):
            c.final_error(
                locate(c.doc, pos, m.group(0), 1), where, f"placeholder {m.group(0)!r} left in the text", code="placeholder"
            )
        seen: dict[str, int] = {}
        for found in charset.findings(text):
            seen[found.char] = seen.get(found.char, 0) + 1
            at = locate(c.doc, pos, found.char, seen[found.char])
            if found.replacement is None:
                c.error(at, where, f"character {found.describe} has no ASCII form: a cable is plain ASCII", code="charset")
            else:
                verb = "transliterated" if charset.is_letter(found.char) else "converted"
                c.warn(at, where, f"character {found.describe} is {verb} to {found.replacement!r}", code="converted")


def order_rules(c: Checker, answers: Any, order: dict[int, list[str]]) -> None:
    """Answers keyed out of the questionnaire's order print in order, with a warning."""
    numbers = [k for k in answers if isinstance(k, int) and k in order]
    if numbers != sorted(numbers):
        first = next(b for a, b in itertools.pairwise(numbers) if b < a)
        c.warn(
            key_position(answers, first),
            f"para {first}",
            "paragraphs are out of order in the file; the cable prints them in order",
            code="order",
        )
    for number in numbers:
        if isinstance(answers[number], dict):
            _letter_order(c, answers[number], number, order[number])


def _letter_order(c: Checker, para: Any, number: int, letters: list[str]) -> None:
    """Each letter of one paragraph that comes after a later one in the file."""
    keys = [(k, found[0]) for k in para if (found := country_format.letters_of(key_name(k)))]
    ranks = [letters.index(letter) if letter in letters else -1 for _, letter in keys]
    for (key, letter), before, now in zip(keys[1:], ranks, ranks[1:], strict=False):
        if now < before:
            c.warn(
                key_position(para, key),
                f"para {number}.{letter}",
                "answer is out of order in the file; the cable prints the letters in order",
                code="order",
            )


def strings(data: Any) -> Iterator[tuple[str, Position, str]]:
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


def place(path: tuple[Any, ...]) -> str:
    """A questionnaire place for a path in the file: ``para 25.B/C``, ``cable.subject``."""
    if len(path) >= 3 and path[0] == "answers":
        letters = country_format.letters_of(key_name(path[2]))
        return f"para {key_name(path[1])}.{'/'.join(letters) if letters else key_name(path[2])}"
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) and out else f"{'.' if out else ''}{key_name(part)}"
    return out


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


def lint(c: Checker, data: Any, edition: Edition, lines: Sequence[Line], width: int) -> None:
    """Check the laid-out cable by its lines' kinds: widths, empty numbered paragraphs, the
    order of paragraph numbers and of letters. Problems are located at their source in the file."""
    where_is = _paragraph_places(data, edition)
    texts = functools.cache(lambda: list(strings(data)))  # the file's texts, walked once if a line is too wide
    number, letter = 0, ""
    for line in lines:
        if line.kind is Kind.CLASSIFICATION:
            _lint_classification(c, data["cable"], line.text, width)
        elif line.kind is not Kind.ENVELOPE:  # the envelope is not wrapped
            _lint_width(c, texts, line.text, width)
        if line.kind is Kind.PARAGRAPH:
            _lint_paragraph(c, line, number, where_is)
            number, letter = line.number, ""
        elif line.kind is Kind.ITEM:
            if line.letter <= letter:
                pos, where = where_is(number)
                c.error(pos, where, f"item {line.letter} follows item {letter}: the letters must go in order", code="sequence")
            letter = line.letter


def _lint_classification(c: Checker, cable: Any, text: str, width: int) -> None:
    """The classification line is never wrapped; what makes it long is the post's name."""
    if len(text) > width:
        c.error(
            value_position(cable, "post"),
            "cable.post",
            f"makes the classification line {text!r} {len(text)} characters, wider than the cable's width {width}: shorten the post or raise --width",
            code="width",
        )


def _lint_width(c: Checker, texts: Callable[[], list[tuple[str, Position, str]]], text: str, width: int) -> None:
    """A line is wider than the cable only where one word is: words are never split. It is
    placed in the value it comes from (the first of the file's ``texts`` that holds it as written)."""
    for word in (w for w in text.split() if len(w) > width):
        written = _as_written(word)  # the cable may print a value inside brackets: "(" + a to-follow note + ")"
        source = next(((where, pos) for where, pos, value in texts() if written in value), ("", (1, 1)))
        c.error(
            locate(c.doc, source[1], written, 1),
            source[0],
            f"{word[:40]!r}... is {len(word)} characters, wider than the cable's width {width}: break it or raise --width",
            code="width",
        )


def _as_written(word: str) -> str:
    """The part of a printed word that a value holds: the longest run of it between the
    brackets the templates print around a value (the to-follow note's parentheses)."""
    return max(re.split(r"[()\[\]]", word), key=len) or word


def _lint_paragraph(c: Checker, line: Line, before: int, where_is: Callable[[int], tuple[Position, str]]) -> None:
    """A numbered paragraph says something, and its number is above the one before it."""
    pos, where = where_is(line.number)
    if line.section is not None and not (line.section.paragraphs or line.section.answers):
        c.error(pos, where, "numbered paragraph is empty", code="empty")
    if line.number <= before:
        c.error(pos, where, f"paragraph {line.number} follows paragraph {before}: the numbers must go up", code="sequence")


def _paragraph_places(data: Any, edition: Edition) -> Callable[[int], tuple[Position, str]]:
    """A function from a rendered paragraph number to (position, place) in the file."""
    framing = [f.id for f in edition.framing if f.id in data]
    answers = data.get("answers") or {}

    def where_is(number: int) -> tuple[Position, str]:
        if 1 <= number <= len(framing):
            return key_position(data, framing[number - 1]), framing[number - 1]
        key = next((k for k in answers if str(k) == str(number)), None)
        return (key_position(answers, key) if key is not None else (1, 1)), f"para {number}"

    return where_is
