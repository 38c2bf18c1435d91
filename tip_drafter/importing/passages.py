"""What each passage of a cable's body is, as the importer reads it: a paragraph's question,
a lettered answer, another numbered paragraph, prose going on, or the closing line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .cableparse import NUMBERED, Passage

QUESTION_STYLES = (
    # "Para 23 -- THE COUNTRY'S TIP SITUATION" (between dash rules), "Paragraph 23:"
    re.compile(r"^Para(?:graph)?\.?\s+(\d+)\s*(?:[-:.]+\s*(.*))?$", re.IGNORECASE),
    # "Question 23:" (alone, or after an own paragraph number)
    re.compile(r"^Question\s+(\d+)\s*[:.-]*\s*(.*)$", re.IGNORECASE),
)
# "-- A.", "A.", "A)", "23 A.", "23A.", "23.A.", and joint ones: "-- B. and C.", "I., J."
ITEM = re.compile(r"^(?:--\s*)?(?:(\d+)\s*\.?\s*)?([A-Z])[.)]((?:\s*(?:,|and|&)\s*[A-Z][.)])*)(?:\s+(.*))?$")
END_VARIANTS = re.compile(r"END (?:OF )?TEXT(?: OF (?:THE )?REPORT)?\.?", re.IGNORECASE)  # as posts wrote it


@dataclass(frozen=True)
class QuestionStart:
    """A paragraph's question or heading: ``23. (SBU) Para 23 -- THE COUNTRY'S TIP SITUATION``."""

    number: int
    mark: str
    heading: str


@dataclass(frozen=True)
class ItemStart:
    """A lettered answer opens: ``-- B. and C. text``; ``23 A. text`` names its paragraph too."""

    number: int | None
    letters: list[str]
    mark: str
    text: str


@dataclass(frozen=True)
class NumberedText:
    """A numbered paragraph that is not a question: a framing paragraph, or unplaced."""

    mark: str
    text: str


@dataclass(frozen=True)
class PlainText:
    """A paragraph of prose that goes on what came before."""


@dataclass(frozen=True)
class TextEnd:
    """The closing line: the edition's ``framing.end``, or as a post wrote it."""


Step = QuestionStart | ItemStart | NumberedText | PlainText | TextEnd


def classify(block: Passage, numbers: set[int], end: str) -> Step:
    """What a block of the body is."""
    text = block.text
    if text.upper() == end.upper() or END_VARIANTS.fullmatch(text):
        return TextEnd()
    numbered = NUMBERED.match(text)
    mark, rest = (numbered["mark"] or "", numbered["rest"]) if numbered else ("", text)
    step = _question_or_item(rest, mark, numbers)
    if step is not None:
        return step
    if numbered is None:
        return PlainText()
    if int(numbered["number"]) in numbers and _is_heading(rest):
        return QuestionStart(int(numbered["number"]), mark, rest)
    return NumberedText(mark, rest)


def _question_or_item(rest: str, mark: str, numbers: set[int]) -> QuestionStart | ItemStart | None:
    """A paragraph's question (``Para 23 -- ...``) or a lettered item (``-- B.``), if ``rest`` opens one."""
    for style in QUESTION_STYLES:
        if m := style.match(rest):
            return QuestionStart(int(m[1]), mark, (m[2] or "").strip())
    item = ITEM.match(rest)
    number = int(item[1]) if item and item[1] is not None else None
    if item is None or (number is not None and number not in numbers):
        return None
    return ItemStart(number, re.findall(r"[A-Z]", item[2] + item[3]), mark, (item[4] or "").strip())


def _is_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def names_another(heading: str, number: int, titles: Mapping[int, str]) -> bool:
    """Whether paragraph ``number``'s heading in the cable is another paragraph's title, sharing
    no word with its own: the cable keys another questionnaire's answers to numbers this one
    uses too (2010's ``Question 25. THE COUNTRY'S TIP SITUATION`` is 2009's paragraph 23). A
    heading of the post's own words (``Para 23 -- Overview``) names no other."""
    mine = _title_words(heading)
    if not mine or mine & _title_words(titles.get(number, "")):
        return False
    return any(mine & _title_words(title) for other, title in titles.items() if other != number)


def _title_words(text: str) -> set[str]:
    """The words that tell one title from another: four letters or more (not THE, AND, TIP)."""
    return set(re.findall(r"[A-Z]{4,}", text.upper()))
