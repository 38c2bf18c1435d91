"""What a cable is, as a person reading it would tell: a TIP report or not (the signs, read from
the data table ``data/tip_signs.yaml``), and which questionnaire edition it answers."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.error import YAMLError

from .. import resources
from ..domain.classification import MARK_PATTERN
from ..edition import available_editions, load_edition
from ..errors import TipDraftError
from ..yamlio.load import read_data

SIGNS = resources.DATA / "tip_signs.yaml"
PARTS = ("subject", "tags", "pass", "reference", "body", "keyed", "instruction")
# A paragraph that opens a lettered answer keyed to a paragraph, or a paragraph's question,
# whatever questionnaire it answers: "-- A.", "23 A.", "2. (U) 23.A.", "Para 16: Overview",
# "Question 25." (the importer places only this edition's; this only tells the kind of cable).
KEYED = re.compile(
    rf"^(?:\d+\.\s+)?(?:\((?:{MARK_PATTERN})\)\s*)?"
    r"(?:(?:--\s*)?(?:\d+\s*\.?\s*)?[A-Z][.)]\s|(?i:para(?:graph)?\.?|question)\s+\d+\b)"
)


@dataclass(frozen=True)
class Sign:
    """One sign that a cable is a TIP report: where to look, what to find, what it weighs."""

    name: str
    where: str
    pattern: re.Pattern[str]
    at_least: int
    weight: int

    def found(self, parts: Mapping[str, Sequence[str]]) -> bool:
        """Whether enough of the cable's ``parts`` (its paragraphs, its tags) show this sign."""
        return sum(1 for text in parts.get(self.where, ()) if self.pattern.search(text)) >= self.at_least


@dataclass(frozen=True)
class Verdict:
    """Whether a cable is a TIP report, and the signs found and looked for."""

    found: tuple[str, ...]
    looked_for: tuple[str, ...]
    is_tip: bool

    def refusal(self) -> str:
        """The one line that refuses a cable that is no TIP report, naming the signs looked for."""
        seen = f"; found only: {', '.join(self.found)}" if self.found else ""
        return f"this does not look like a TIP report (looked for {', '.join(self.looked_for)}{seen}); --force imports it"


@dataclass(frozen=True)
class _Table:
    threshold: int
    signs: tuple[Sign, ...]


def judge(parts: Mapping[str, Sequence[str]]) -> Verdict:
    """Weigh the signs found in ``parts`` (each of :data:`PARTS` -> its texts) against the table's threshold."""
    table = _table()
    found = [s for s in table.signs if s.found(parts)]
    return Verdict(
        tuple(s.name for s in found),
        tuple(s.name for s in table.signs),
        sum(s.weight for s in found) >= table.threshold,
    )


def keyed(paragraphs: Sequence[str]) -> list[str]:
    """The paragraphs that open a lettered answer or a paragraph's question."""
    return [p for p in paragraphs if KEYED.match(p)]


@functools.cache
def _table() -> _Table:
    try:
        data = read_data(SIGNS.read_text(encoding="utf-8"))
        signs = tuple(_sign(entry) for entry in data["signs"])
        return _Table(int(data["threshold"]), signs)
    except (OSError, YAMLError, KeyError, TypeError, ValueError, re.error) as exc:
        raise TipDraftError(f"{SIGNS}: not a valid table of TIP report signs: {exc}") from exc


def _sign(entry: dict[str, Any]) -> Sign:
    if entry["where"] not in PARTS:
        raise ValueError(f"sign {entry['name']!r} looks in {entry['where']!r}, not one of {', '.join(PARTS)}")
    return Sign(
        str(entry["name"]), entry["where"], re.compile(str(entry["pattern"])), int(entry.get("at_least", 1)), int(entry["weight"])
    )


def edition_for(text: str, editions: Sequence[Path]) -> tuple[str, str]:
    """The edition a cable answers, and a warning when its REF line names none tipdraft knows.

    The edition whose instruction cable the REF line names, else the year in the cable's
    subject if there is such an edition, else the newest one."""
    known = available_editions(editions)
    ref = re.search(r"^REF:\s*(.+)$", text, re.MULTILINE)
    answered = next((name for name in known if ref and names_instruction(ref[1], load_edition(name, editions).instruction)), "")
    if answered:
        return answered, ""
    year = re.search(r"SUBJECT:.*?\b(20\d\d)\b", text)
    chosen = year[1] if year and year[1] in known else known[-1]  # never empty: the bundled ones
    note = f"REF {ref[1].strip()!r} names no questionnaire tipdraft knows ({', '.join(known)}); read as {chosen}'s" if ref else ""
    return chosen, note


def names_instruction(reference: str, instruction: str) -> bool:
    """Whether a REF line names the instruction cable ``instruction`` (``2008 STATE 132759``),
    in any of the ways cables write it (``08 STATE 132759``, ``2008 SECSTATE 132759``, ``STATE 132759``)."""
    serial = re.search(r"\b(\d{4,6})\s*$", instruction)
    return bool(serial and re.search(rf"\b(?:SEC)?STATE\s+{serial[1]}\b", reference.upper()))
