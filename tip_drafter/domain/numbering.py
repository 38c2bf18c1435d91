"""Paragraph and letter numbering: a paragraph key as a number, the letters an answer key covers."""

from __future__ import annotations

import re

SEPARATOR = r"(?: *, *| +and +)"  # between the letters of a key that answers several: "B and C", "A, B"
_LETTER_KEY = re.compile(rf"^[A-Z](?:{SEPARATOR}[A-Z])*\Z")


def letters_of(key: str) -> list[str] | None:
    """The letters an answer key covers: ``"B and C"`` -> ``["B", "C"]``; None if not a letter key."""
    if not _LETTER_KEY.match(key):
        return None
    return re.findall(r"[A-Z]", key)


def letters_label(letters: list[str]) -> str:
    """How a cable prints several letters: ``B. and C.``, ``A., B. and C.``."""
    dotted = [f"{letter}." for letter in letters]
    return dotted[0] if len(dotted) == 1 else ", ".join(dotted[:-1]) + " and " + dotted[-1]


def paragraph_number(key: object) -> int | None:
    """A paragraph key as a number: ``23`` or ``"23"``."""
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    if isinstance(key, str) and re.fullmatch(r"[0-9]+", key):
        return int(key)
    return None
