"""The redline's marked paragraphs, and its sections outside the answers (header, framing, marks, kept)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # wholediff prints its changes with split_runs: imported here for the types only
    from .compare import ItemChange
    from .wholediff import FieldChange, Section

Run = tuple[str, str]  # (op, words): op is = (kept), - (deleted) or + (inserted)


@dataclass(frozen=True)
class MarkedParagraph:
    """One paragraph of an answer as the redline prints it: its runs of kept, deleted and
    inserted words, and whether it changed (a change bar in the margin)."""

    runs: tuple[Run, ...]

    @property
    def changed(self) -> bool:
        """Whether any word of it was deleted or inserted."""
        return any(op != "=" for op, _ in self.runs)


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


def marked(change: ItemChange | FieldChange) -> tuple[MarkedParagraph, ...]:
    """The answer's paragraphs as the redline prints them: this year's text with last year's
    deletions and this year's insertions marked (a removed answer: last year's, all deleted)."""
    if change.status == "changed":
        return split_runs(change.diff, change.new_text)
    op = {"unchanged": "=", "new": "+", "removed": "-", "unanswered": ""}[change.status]
    text = change.old_text if change.status == "removed" else change.new_text
    return tuple(MarkedParagraph(((op, paragraph),)) for paragraph in text.split("\n\n") if paragraph)


def split_runs(ops: Sequence[Run], new_text: str) -> tuple[MarkedParagraph, ...]:
    """The word diff cut back into this year's paragraphs (the diff runs over the words of the
    whole answer; a deletion stays in the paragraph where it falls)."""
    sizes = [len(p.split()) for p in new_text.split("\n\n")]
    paragraphs: list[list[Run]] = [[]]
    left = sizes[0]
    for op, words in ops:
        pending = words.split()
        if op == "-":
            paragraphs[-1].append((op, words))
            continue
        while pending:
            if left == 0 and len(paragraphs) < len(sizes):
                paragraphs.append([])
                left = sizes[len(paragraphs) - 1]
            last = len(paragraphs) == len(sizes)
            taken = pending if last else pending[:left]
            paragraphs[-1].append((op, " ".join(taken)))
            pending, left = pending[len(taken) :], left - len(taken)
    return tuple(MarkedParagraph(tuple(runs)) for runs in paragraphs if runs)
