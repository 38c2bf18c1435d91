"""The lint of the laid-out cable: line widths, empty numbered paragraphs, the order of
paragraph numbers and letters, each located at its source in the country file."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

from ..edition import Edition
from ..errors import Place
from ..format.rules import Checker, Position, locate, strings
from ..yamlio.load import key_position, value_position
from .layout import Kind, Line


def lint(checker: Checker, data: Any, edition: Edition, lines: Sequence[Line], width: int) -> None:
    """Check the laid-out cable by its lines' kinds: widths, empty numbered paragraphs, the
    order of paragraph numbers and of letters. Problems are located at their source in the file."""
    where_is = _paragraph_places(data, edition)
    texts = functools.cache(lambda: list(strings(data)))  # the file's texts, walked once if a line is too wide
    number, letter = 0, ""
    for line in lines:
        if line.kind is Kind.CLASSIFICATION:
            _lint_classification(checker, data["cable"], line.text, width)
        elif line.kind is not Kind.ENVELOPE:  # the envelope is not wrapped
            _lint_width(checker, texts, line.text, width)
        if line.kind is Kind.PARAGRAPH:
            _lint_paragraph(checker, line, number, where_is)
            number, letter = line.number, ""
        elif line.kind is Kind.ITEM:
            if line.letter <= letter:
                pos, where = where_is(number)
                checker.error(
                    pos, where, f"item {line.letter} follows item {letter}: the letters must go in order", code="sequence"
                )
            letter = line.letter


def _lint_classification(checker: Checker, cable: Any, text: str, width: int) -> None:
    """The classification line is never wrapped; what makes it long is the post's name."""
    if len(text) > width:
        checker.error(
            value_position(cable, "post"),
            "cable.post",
            f"makes the classification line {text!r} {len(text)} characters, wider than the cable's width {width}: shorten the post or raise --width",
            code="width",
        )


def _lint_width(checker: Checker, texts: Callable[[], list[tuple[Place, Position, str]]], text: str, width: int) -> None:
    """A line is wider than the cable only where one word is: words are never split. It is
    placed in the value it comes from (the first of the file's ``texts`` that holds it as written)."""
    for word in (w for w in text.split() if len(w) > width):
        written = _as_written(word)  # the cable may print a value inside brackets: "(" + a to-follow note + ")"
        source = next(((where, pos) for where, pos, value in texts() if written in value), ("", (1, 1)))
        checker.error(
            locate(checker.doc, source[1], written, 1),
            source[0],
            f"{word[:40]!r}... is {len(word)} characters, wider than the cable's width {width}: break it or raise --width",
            code="width",
        )


def _as_written(word: str) -> str:
    """The part of a printed word that a value holds: the longest run of it between the
    brackets the templates print around a value (the to-follow note's parentheses)."""
    return max(re.split(r"[()\[\]]", word), key=len) or word


def _lint_paragraph(checker: Checker, line: Line, before: int, where_is: Callable[[int], tuple[Position, Place]]) -> None:
    """A numbered paragraph says something, and its number is above the one before it."""
    pos, where = where_is(line.number)
    if line.section is not None and not (line.section.paragraphs or line.section.answers):
        checker.error(pos, where, "numbered paragraph is empty", code="empty")
    if line.number <= before:
        checker.error(pos, where, f"paragraph {line.number} follows paragraph {before}: the numbers must go up", code="sequence")


def _paragraph_places(data: Any, edition: Edition) -> Callable[[int], tuple[Position, Place]]:
    """A function from a rendered paragraph number to (position, place) in the file."""
    framing = [f.id for f in edition.framing if f.id in data]
    answers = data.get("answers") or {}

    def where_is(number: int) -> tuple[Position, Place]:
        if 1 <= number <= len(framing):
            return key_position(data, framing[number - 1]), Place.named(framing[number - 1])
        key = next((k for k in answers if str(k) == str(number)), None)
        return (key_position(answers, key) if key is not None else (1, 1)), Place(number)

    return where_is
