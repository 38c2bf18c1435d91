"""Fixed-width layout: wrap typed logical lines to the cable's width, cut pages, insert page markers."""

from __future__ import annotations

import enum
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Section

from ..errors import UsageError


@dataclass(frozen=True)
class Settings:
    """Layout settings: line width and the number of lines from one page marker to the next."""

    width: int = 62
    lines_per_page: int = 76

    def __post_init__(self) -> None:
        if self.width < 20:
            raise UsageError(f"width {self.width} is too narrow for a cable (at least 20)")
        if self.lines_per_page < 10:
            raise UsageError(f"{self.lines_per_page} lines per page is too few (at least 10)")


class Kind(enum.Enum):
    """What a line of the cable is: the stages after layout ask this, never the line's text."""

    ENVELOPE = "envelope"  # the transmission envelope above the classification line
    CLASSIFICATION = "classification"  # the classification line: never wrapped
    TEXT = "text"
    BLANK = "blank"
    MARKER = "marker"  # a page marker, placed by paginate
    PARAGRAPH = "paragraph"  # the first line of a numbered paragraph
    ITEM = "item"  # the first line of a lettered item
    END = "end"  # the closing line (the edition's END TEXT line)
    SIGNATURE = "signature"


@dataclass(frozen=True)
class Line:
    """One line of the cable and what it is. A paragraph start carries its number and the
    model's section; an item start carries its (first) letter."""

    kind: Kind
    text: str
    number: int = 0
    letter: str = ""
    section: Section | None = None


BLANK = Line(Kind.BLANK, "")
UNWRAPPED = frozenset({Kind.ENVELOPE, Kind.CLASSIFICATION})


@dataclass(frozen=True)
class Laid:
    """Laid-out cable lines and how many pages (sections) they make."""

    lines: tuple[Line, ...]
    pages: int


def wrap(lines: Iterable[Line], width: int, memo: dict[str, list[str]] | None = None) -> list[Line]:
    """Wrap each logical line at ``width``; at most one blank line in a row, none at the ends.

    Words are never split, not even at hyphens: a word longer than the width stands alone.
    Envelope and classification lines are never wrapped. A wrapped line's first part keeps
    its kind; the rest are text. ``memo`` keeps the texts already wrapped at this width (a
    second pass over the same body wraps only what changed).
    """
    out: list[Line] = []
    for line in lines:
        text = line.text.rstrip()
        if not text.strip():
            if out and out[-1].kind is not Kind.BLANK:
                out.append(BLANK)
        elif line.kind in UNWRAPPED:
            out.append(replace(line, text=text))
        else:
            parts = _parts(text, width, {} if memo is None else memo)
            out.append(replace(line, text=parts[0]))
            out.extend(Line(Kind.TEXT, part) for part in parts[1:])
    while out and out[-1].kind is Kind.BLANK:
        out.pop()
    return out


def _parts(text: str, width: int, memo: dict[str, list[str]]) -> list[str]:
    """``text`` wrapped at ``width`` (from ``memo`` when it was wrapped before)."""
    if text not in memo:
        memo[text] = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return memo[text]


def paginate(lines: Sequence[Line], settings: Settings, marker: str) -> Laid:
    """Cut ``lines`` into pages of ``settings.lines_per_page`` lines.

    Every page but the first opens with its marker (``marker`` formatted with ``page`` and
    ``pages``) and a blank line; every page but the last ends with a blank line. So the
    markers stand every ``lines_per_page`` lines, wherever the text is, mid-sentence too;
    where a page would end on the blank line between two paragraphs, that blank is the
    page's last line and its marker stands one line earlier (never two blanks in a row).
    """
    per = settings.lines_per_page
    pages: list[list[Line]] = []
    rest = list(lines)
    while rest:
        room = per - (2 if pages else 0) - 1
        if len(rest) <= room + 1:
            room = len(rest)
        pages.append(rest[:room])
        rest = rest[room:]
        while rest and rest[0].kind is Kind.BLANK:
            rest.pop(0)  # a new page never opens with a blank line after its marker
    total = max(len(pages), 1)
    out: list[Line] = []
    for number, page in enumerate(pages, start=1):
        if number > 1:
            ending = [] if out[-1].kind is Kind.BLANK else [BLANK]
            out += [*ending, Line(Kind.MARKER, marker.format(page=number, pages=total)), BLANK]
        out += page
    return Laid(tuple(out), total)


# Any post's page marker, as this layout writes it and as archives print it
# ("BRUSSELS 00000244 002 OF 009", "PORT AU PR 00000199 001.2 OF 010"): the importer reads
# archived cables with it; this package's own stages know a marker by its kind. The numbers
# have at least the digits marker_format pads them to, and as many more as they need
# ("003 OF 1153", "10000 OF 12000", a serial past 99999999).
MARKER = re.compile(r"^\S.{0,9} +\d{8,} +\d{3,}(?:\.\d+)? OF \d{3,}$")


def marker_format(post: str, serial: int) -> str:
    """The page-marker pattern: ``BRUSSELS 00000244 {page:03d} OF {pages:03d}``."""
    return f"{post[:10]} {serial:08d} {{page:03d}} OF {{pages:03d}}"
