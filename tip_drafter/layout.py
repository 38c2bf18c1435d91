"""Fixed-width layout: wrap logical lines to the cable's width, cut pages, insert page markers."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from .errors import UsageError


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


@dataclass(frozen=True)
class Laid:
    """Laid-out cable text and how many pages (sections) it makes."""

    lines: tuple[str, ...]
    pages: int


def wrap(text: str, width: int, keep_first: bool = False) -> list[str]:
    """Wrap each logical line at ``width``; at most one blank line in a row, none at the ends.

    Words are never split, not even at hyphens: a word longer than the width stands alone.
    With ``keep_first`` the first line (the classification line) is never wrapped.
    """
    out: list[str] = []
    for index, line in enumerate(text.splitlines()):
        line = line.rstrip()
        if not line.strip():
            if out and out[-1]:
                out.append("")
            continue
        if keep_first and index == 0:
            out.append(line)
            continue
        out.extend(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) or [""])
    while out and not out[-1]:
        out.pop()
    return out


def paginate(lines: list[str], settings: Settings, marker: str) -> Laid:
    """Cut ``lines`` into pages of ``settings.lines_per_page`` lines.

    Every page but the first opens with its marker (``marker`` formatted with ``page`` and
    ``pages``) and a blank line; every page but the last ends with a blank line. So the
    markers stand every ``lines_per_page`` lines, wherever the text is, mid-sentence too.
    """
    per = settings.lines_per_page
    pages: list[list[str]] = []
    rest = list(lines)
    while rest:
        room = per - (2 if pages else 0) - 1
        if len(rest) <= room + 1:
            room = len(rest)
        pages.append(rest[:room])
        rest = rest[room:]
        while rest and not rest[0]:
            rest.pop(0)  # a new page never opens with a blank line after its marker
    total = max(len(pages), 1)
    out: list[str] = []
    for number, page in enumerate(pages, start=1):
        if number > 1:
            out += ["", marker.format(page=number, pages=total), ""]
        out += page
    return Laid(tuple(out), total)


# Any post's page marker, as this layout writes it and as archives print it
# ("BRUSSELS 00000244 002 OF 009", "PORT AU PR 00000199 001.2 OF 010").
MARKER = re.compile(r"^\S.{0,9} \d{8} \d{3}(?:\.\d+)? OF \d{3}$")


def marker_format(post: str, serial: int) -> str:
    """The page-marker pattern: ``BRUSSELS 00000244 {page:03d} OF {pages:03d}``."""
    return f"{post[:10]} {serial:08d} {{page:03d}} OF {{pages:03d}}"
