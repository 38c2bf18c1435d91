"""An answer's or a field's text as the redline prints it: paragraphs of kept, deleted and inserted words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

Run = tuple[str, str]  # (op, words): op is = (kept), - (deleted) or + (inserted)


class Changed(Protocol):
    """What changed between two years' texts (an item's answer, a field's value)."""

    status: str
    diff: list[Run]
    old_text: str
    new_text: str


@dataclass(frozen=True)
class MarkedParagraph:
    """One paragraph of an answer as the redline prints it: its runs of kept, deleted and
    inserted words, and whether it changed (a change bar in the margin)."""

    runs: tuple[Run, ...]

    @property
    def changed(self) -> bool:
        """Whether any word of it was deleted or inserted."""
        return any(op != "=" for op, _ in self.runs)


def marked(change: Changed) -> tuple[MarkedParagraph, ...]:
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
