"""Walk a cable's body passage by passage, placing each under the framing paragraph, the
questionnaire paragraph and the letter it belongs to; what fits nowhere is kept as a piece."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, assert_never

from ..cable.framing import KINDS
from ..domain.classification import higher_mark
from ..edition import Edition
from ..errors import para_label
from .cableparse import Passage
from .passages import ItemStart, NumberedText, PlainText, QuestionStart, Step, TextEnd, classify, names_another

SIGNATURE = re.compile(r"[A-Z][A-Z'-]+(?: [A-Z][A-Z'-]+){0,2}\s*\.?")


@dataclass
class GatheredAnswer:
    """One lettered answer being gathered."""

    letters: list[str]
    mark: str
    paragraphs: list[str]
    line: int


@dataclass
class Piece:
    """Text that fits no field: kept under 'unplaced' with its lines and the heading it sat under."""

    first: int
    last: int
    paragraphs: list[str]
    heading: str = ""

    def add(self, block: Passage) -> None:
        """One more paragraph of this piece."""
        self.paragraphs.append(block.text)
        self.last = block.last


@dataclass
class Gathered:
    """The body as it is read: framing paragraphs, questionnaire paragraphs, leftovers."""

    framing: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # id -> (mark, paragraphs)
    marks: dict[int, str] = field(default_factory=dict)
    headings: dict[int, str] = field(default_factory=dict)
    answers: dict[int, list[GatheredAnswer]] = field(default_factory=dict)
    unplaced: list[Piece] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # headings of paragraphs the edition does not have
    signature: str = ""
    ended: bool = False
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def gather(blocks: list[Passage], edition: Edition) -> Gathered:
    return _Reader(edition).read(blocks)


class _Reader:
    """Walks the body's blocks, placing each under the paragraph and letter it belongs to."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.titles = {p.number: p.title for p in edition.paragraphs}
        self.numbers = set(self.titles)
        self.gathered = Gathered()
        self.question: int | None = None
        self.current: GatheredAnswer | list[str] | None = None  # where a following paragraph of text goes
        self.piece: Piece | None = None  # under another questionnaire's heading: what follows goes here

    def read(self, blocks: list[Passage]) -> Gathered:
        steps = [classify(b, self.numbers, self.edition.end) for b in blocks]
        if blocks and SIGNATURE.fullmatch(blocks[-1].text) and not any(isinstance(s, TextEnd) for s in steps):
            self.gathered.signature, blocks = blocks[-1].text.rstrip(" ."), blocks[:-1]  # a name alone at the end
        for index, (block, step) in enumerate(zip(blocks, steps, strict=False)):
            if isinstance(step, TextEnd):
                self.gathered.ended = True
                self._after_end(blocks[index + 1 :])
                break
            if not self._place(block, step):
                self._unplace(block)
        self._foreign_warning()
        return self.gathered

    def _foreign_warning(self) -> None:
        if self.gathered.foreign:
            self.gathered.warnings.append(
                f"the cable answers a questionnaire edition {self.edition.name} does not know (its headings: "
                f"{'; '.join(self.gathered.foreign[:4])}{' ...' if len(self.gathered.foreign) > 4 else ''}): "
                "those paragraphs are kept under 'unplaced', grouped by heading"
            )

    def _unplace(self, block: Passage) -> None:
        heading = self.gathered.headings.get(self.question, para_label(self.question)) if self.question else ""
        self.gathered.unplaced.append(Piece(block.first, block.last, [block.text], heading))

    def _after_end(self, rest: list[Passage]) -> None:
        """The chief of mission's name after the closing line; anything more (an addendum, a
        second cable) kept under 'unplaced'."""
        rest = [b for b in rest if re.search(r"[A-Za-z0-9]", b.text)]  # an archive's stray '.' left out
        if rest and SIGNATURE.fullmatch(rest[0].text.upper()):
            self.gathered.signature, rest = rest[0].text.rstrip(" ."), rest[1:]
        if rest:
            piece = Piece(rest[0].first, rest[0].first, [], "after END TEXT")
            for block in rest:
                piece.add(block)
            self.gathered.unplaced.append(piece)

    def _place(self, block: Passage, step: Step) -> bool:
        """Take one step; False if the block has no place."""
        if self.piece is not None and not isinstance(step, QuestionStart) and not self._framing_next(step):
            self.piece.add(block)  # under another questionnaire's heading until the next heading
            return True
        match step:
            case QuestionStart():
                return self._question(block, step)
            case ItemStart():
                return self._item(block, step)
            case NumberedText():
                return self._numbered(step)
            case PlainText():
                return self._text(block)
            case TextEnd():
                return True
        assert_never(step)

    def _framing_next(self, step: Step) -> bool:
        """A numbered paragraph of the post's own (contact, hours) after the answers."""
        return isinstance(step, NumberedText) and _role(step.text, self.gathered.framing, self.edition) is not None

    def _question(self, block: Passage, step: QuestionStart) -> bool:
        self.question, self.current, self.piece = step.number, None, None
        if step.number not in self.numbers or names_another(step.heading, step.number, self.titles):
            # another questionnaire's paragraph: its text kept as it is
            self.question = None
            self.piece = Piece(block.first, block.last, [], block.text)
            self.gathered.unplaced.append(self.piece)
            self.gathered.foreign.append(block.text)
            return True
        if step.mark:
            self.gathered.marks[step.number] = higher_mark(self.gathered.marks.get(step.number, ""), step.mark)
        if step.heading and step.heading != self.gathered.headings.setdefault(step.number, step.heading):
            self.gathered.unplaced.append(
                Piece(block.first, block.last, [block.text], f"{para_label(step.number)}: a second heading")
            )
        return True

    def _item(self, block: Passage, step: ItemStart) -> bool:
        if step.number is not None:
            self.question = step.number
        if self.question is None:
            return False
        self.current = GatheredAnswer(step.letters, step.mark, [step.text] if step.text else [], block.first)
        self.gathered.answers.setdefault(self.question, []).append(self.current)
        if step.mark:
            self.gathered.marks[self.question] = higher_mark(self.gathered.marks.get(self.question, ""), step.mark)
        return True

    def _numbered(self, step: NumberedText) -> bool:
        role = _role(step.text, self.gathered.framing, self.edition) if self.question is None else None
        if role is None:
            self.current = None
            return False
        self.gathered.framing[role] = (step.mark, [step.text])
        self.current = self.gathered.framing[role][1]
        return True

    def _text(self, block: Passage) -> bool:
        if self.current is None:
            return False
        (self.current.paragraphs if isinstance(self.current, GatheredAnswer) else self.current).append(block.text)
        return True


def _role(text: str, taken: dict[str, Any], edition: Edition) -> str | None:
    """Which framing paragraph a numbered paragraph before the answers is (the first free one
    whose kind recognises it)."""
    free = [f for f in edition.framing if f.id not in taken]
    return next((f.id for f in free if KINDS[f.kind].recognises(text, f.default)), None)
