"""Cables are printable ASCII and line breaks: convert what has an ASCII form, and say what does not."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Characters pasted from word processors and e-mail, and what a cable types instead.
PUNCTUATION = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2212": "-",
    "\u2014": "--", "\u2015": "--",
    "\u2026": "...",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\u3000": " ",
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
    "\u2022": "-", "\u00b7": "-", "\u2044": "/",
}  # fmt: skip
# ASCII control characters: a tab is a space in a cable; the others (escape, bell, NUL,
# backspace, DEL: what a terminal or a printer would act on) have no form in one.
CONTROLS = {chr(c): None for c in (*range(0x20), 0x7F) if chr(c) not in "\n\r"} | {"\t": " "}
# Letters that Unicode does not decompose into a base letter and an accent.
LETTERS = {
    "ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe",
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Þ": "TH", "þ": "th", "\u0131": "i",
}  # fmt: skip


# What a cable cannot carry as it is: anything outside printable ASCII but the line breaks.
FOREIGN = re.compile(r"[^\n\r\x20-\x7e]")
FIXED: dict[str, str | None] = {**CONTROLS, **PUNCTUATION, **LETTERS}


@dataclass(frozen=True)
class Finding:
    """One non-ASCII character in a text: where, what, and what it becomes (None: no ASCII form)."""

    offset: int
    char: str
    replacement: str | None

    @property
    def describe(self) -> str:
        """``'\u2019' (U+2019 RIGHT SINGLE QUOTATION MARK)``, ``'\x1b' (U+001B, a control character)``."""
        name = unicodedata.name(self.char, "")
        if not name:
            name = ", a control character" if unicodedata.category(self.char) == "Cc" else ", an unnamed character"
        else:
            name = " " + name
        return f"{self.char!r} (U+{ord(self.char):04X}{name})"


def replacement(char: str) -> str | None:
    """The ASCII text for ``char``: itself if printable ASCII, a table entry, a letter without
    its accent (``è`` -> ``e``), or None when there is no ASCII form."""
    if char in FIXED:
        return FIXED[char]
    if char.isascii():
        return char
    if unicodedata.category(char) == "Cc":
        return None  # C1 controls: no form in a cable
    return _without_accents(char)


def _without_accents(char: str) -> str | None:
    decomposed = unicodedata.normalize("NFKD", char)
    stripped = "".join(PUNCTUATION.get(c, c) for c in decomposed if not unicodedata.combining(c))
    if not stripped:  # an accent typed apart from its letter (e + U+0301): the letter stays
        return "" if unicodedata.combining(char) else None
    return stripped if stripped.isascii() else None


def is_letter(char: str) -> bool:
    """True for a letter (transliterated) rather than punctuation or a space (converted)."""
    return unicodedata.category(char).startswith("L")


def findings(text: str) -> list[Finding]:
    """Every character of ``text`` that a cable cannot carry as it is (non-ASCII, control
    characters), with its ASCII form."""
    return [Finding(m.start(), m[0], replacement(m[0])) for m in FOREIGN.finditer(text)]


def to_ascii(text: str) -> str:
    """``text`` with every convertible character converted; others become ``?``.

    Validation refuses text with characters that have no ASCII form, so a valid file never
    reaches the ``?``.
    """
    return FOREIGN.sub(lambda m: r if (r := replacement(m[0])) is not None else "?", text)
