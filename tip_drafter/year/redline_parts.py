"""The redline's marked paragraphs, and its sections outside the answers (header, framing, marks, kept)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .marks import MarkedParagraph, Run, marked

if TYPE_CHECKING:
    from .wholediff import FieldChange, Section

__all__ = ["MarkedParagraph", "Run", "marked"]  # the redline takes them from here with its own parts


FIELD_NOTES = {
    "changed": "changed since last year",
    "new": "new: not there last year",
    "removed": "removed: not there this year",
    "unchanged": "unchanged since last year, not reviewed: possibly stale",
}
FIELD_SHORT = {"unchanged": "unchanged, not reviewed"}
Row = tuple[str, int, int, int, int]  # a section of the summary: name, changed, new, removed, same


@dataclass(frozen=True)
class FieldEntry:
    """One field outside the answers that changed (or stayed the same, not yet reviewed)."""

    anchor: str
    change: FieldChange
    paragraphs: tuple[MarkedParagraph, ...]

    @property
    def note(self) -> str:
        """What happened to it."""
        return FIELD_NOTES[self.change.status]

    @property
    def short(self) -> str:
        """The same, for the summary table."""
        return FIELD_SHORT.get(self.change.status, self.change.status)


@dataclass(frozen=True)
class FieldPart:
    """A section of the file outside the answers: the header, the framing paragraphs, ..."""

    heading: str
    entries: tuple[FieldEntry, ...]
    unchanged: int  # fields the same both years


def field_parts(sections: Sequence[Section]) -> tuple[FieldPart, ...]:
    """Each section outside the answers, its fields numbered for the summary's links."""
    parts, number = [], 0
    for section in sections:
        entries = []
        for change in section.fields:
            number += 1
            entries.append(FieldEntry(f"field-{number}", change, marked(change)))
        parts.append(FieldPart(section.title, tuple(entries), section.unchanged))
    return tuple(parts)


def field_row(section: Section) -> Row:
    """A section's row of the summary: its name, then how many of its fields changed, are
    new, were removed and are the same."""
    count = section.count
    return (section.title, count("changed"), count("new"), count("removed"), count("unchanged"))
