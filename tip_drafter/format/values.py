"""What a value holds, beyond its type: a placeholder still to fill in, or nothing that prints;
and the Python reading of the format's (ECMA-262) patterns."""

from __future__ import annotations

import re
from collections.abc import Iterator

# A value the drafter has still to fill in. Accepted wherever a value goes (the text rules
# report it: an error in a final, a warning in a draft).
PLACEHOLDER = r"^(?:[Tt][Bb][Dd]|[Tt][Kk]|[Xx][Xx]+|\?\?\?|\[[ \t]*[Ii][Nn][Ss][Ee][Rr][Tt]\b[^\]]*\])$"
# The same words found inside a text (``Hours: TBD``, ``[insert the date]``): the text rules
# report each (an error in a final, a warning in a draft); a test holds the two together.
PLACEHOLDERS = re.compile(r"\bTBD\b|\bTK\b|(?<![A-Za-z])XX+(?![A-Za-z])|\?\?\?|\[\s*insert\b[^\]]*\]", re.IGNORECASE)
# At least one character that prints: not a space, a line break or an invisible format character.
VISIBLE = r"[^\t-\r \u0085\u00a0\u00ad\u1680\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]"


def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """The Python reading of an ECMA-262 pattern: ``$`` is the very end, ``\\d`` and ``\\s`` ASCII."""
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern, re.ASCII)


_PLACEHOLDER = ecma_pattern(PLACEHOLDER)
_VISIBLE = re.compile(VISIBLE)


def is_placeholder(value: object) -> bool:
    """True for a whole value that is a placeholder to fill in (``TBD``, ``[insert the date]``)."""
    return isinstance(value, str) and bool(_PLACEHOLDER.search(value))


# What every one of PLACEHOLDERS's matches holds, case-folded: a text with none of these has no
# placeholder, and is not scanned by the expression (a scan of every text was a sixth of a
# ``status``). The fold matches as IGNORECASE does (the Kelvin sign is a ``k``).
_PLACEHOLDER_MARKS = ("tbd", "tk", "xx", "???", "[")


def placeholders(text: str) -> Iterator[re.Match[str]]:
    """The placeholders written inside ``text`` (``Hours: TBD``, ``[insert the date]``)."""
    folded = text.casefold()
    if any(mark in folded for mark in _PLACEHOLDER_MARKS):
        yield from PLACEHOLDERS.finditer(text)


def is_blank(value: object) -> bool:
    """True for text with nothing that prints (spaces, zero-width characters, soft hyphens)."""
    return not isinstance(value, str) or not _VISIBLE.search(value)
