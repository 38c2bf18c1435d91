"""The import's invariant: every word of a cable's body is somewhere in the country file built
from it (an answer, a framing paragraph, a heading or 'unplaced'), in the order the cable had."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..domain.classification import MARK_PATTERN
from ..edition import Edition
from .cableparse import Passage
from .passages import END_VARIANTS

WORD = re.compile(r"[A-Za-z0-9]+")
# What the importer reads as structure, not text: "3. (SBU)", "Para 23 --", "Question 23:", "-- B. and C."
KEY = re.compile(
    rf"^\s*(?:\d+\s*\.\s*)?(?:\((?:{MARK_PATTERN})\)\s*)?"
    r"(?:(?:Para(?:graph)?\.?|Question)\s+\d+\s*[-:.]*\s*)?"
    r"(?:(?:--\s*)?(?:\d+\s*\.?\s*)?[A-Z][.)](?:\s*(?:,|and|&)\s*[A-Z][.)])*(?:\s+|$))?",
    re.IGNORECASE,
)


def words(text: str) -> list[str]:
    """The words of ``text`` (letters and digits), in capitals: punctuation and layout aside."""
    return [w.upper() for w in WORD.findall(text)]


def losses(passages: Iterable[Passage], data: Mapping[str, Any], edition: Edition) -> list[str]:
    """One message per passage of the body whose words are not all in the file, in order."""
    units = [words(u) for u in _units(data, edition)]
    found = [{*u} for u in units]
    out = []
    for passage in passages:
        wanted = [] if _closing(passage.text, edition) else words(KEY.sub("", passage.text, count=1))
        if wanted and not any(wanted[0] in f and _within(wanted, u) for f, u in zip(found, units, strict=True)):
            out.append(
                f"lines {passage.first}-{passage.last}: words of the cable are missing from the file built from it: "
                f"{' '.join(wanted[:12])}{' ...' if len(wanted) > 12 else ''}"
            )
    return out


def _closing(text: str, edition: Edition) -> bool:
    """The closing line: the edition prints it."""
    return text.upper() == edition.end.upper() or END_VARIANTS.fullmatch(text) is not None


def _within(wanted: list[str], unit: list[str]) -> bool:
    """Whether ``wanted`` is in ``unit``, word for word and together."""
    size = len(wanted)
    return any(unit[i : i + size] == wanted for i, word in enumerate(unit) if word == wanted[0])


def _units(data: Mapping[str, Any], edition: Edition) -> Iterator[str]:
    """The file's texts, each as one string: an answer, a heading, a framing paragraph, an
    unplaced piece, the signature."""
    answers = data.get("answers") or {}
    for para in edition.paragraphs:
        if para.number in answers:
            yield para.title
            yield from (" ".join(_strings(v)) for v in answers[para.number].values())
    for frame in edition.framing:
        if frame.id in data:
            yield " ".join([*_strings(data[frame.id]), frame.default])  # the default: printed when no text
    for piece in data.get("unplaced") or ():
        yield " ".join(_strings(piece))
    yield str((data.get("cable") or {}).get("signature", ""))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    else:
        yield str(value)
