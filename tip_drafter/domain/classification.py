"""What a classification means: its words and ranks, the portion marks it allows, its caveat,
how the class line and the envelope's security line print it, and reading a class line back."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Portion marks, lowest first; a portion may not rank above its cable.
PORTION_RANK = {"U": 0, "SBU": 1, "C": 2, "S": 3}
MARKS = tuple(PORTION_RANK)
MARKS_SAID = f"{', '.join(MARKS[:-1])} or {MARKS[-1]}"  # "U, SBU, C or S", as messages list them
MARK_PATTERN = "|".join(MARKS)  # for the regexes that read "4. (SBU)" in a cable's text
SENSITIVE = "SENSITIVE"  # the caveat an SBU cable carries, and only an SBU cable


@dataclass(frozen=True)
class Classification:
    """One classification level of a cable: ``UNCLASSIFIED//FOR OFFICIAL USE ONLY`` ranks 1."""

    word: str
    rank: int

    def __str__(self) -> str:
        return self.word

    @property
    def classified(self) -> bool:
        """CONFIDENTIAL and above: the cable needs a DECL date and a Classified By line."""
        return self.rank >= PORTION_RANK["C"]

    @property
    def sensitive(self) -> bool:
        """Whether the cable must carry the SENSITIVE caveat (and may: no other level may)."""
        return self.rank == PORTION_RANK["SBU"]

    def allows(self, mark: str) -> bool:
        """Whether a portion marked ``mark`` may stand in a cable of this classification."""
        return PORTION_RANK[mark] <= self.rank

    @property
    def opening(self) -> str:
        """How the class line opens: UNCLAS, or the classified word spaced out."""
        return " ".join(self.word) if self.classified else "UNCLAS"

    @property
    def security_line(self) -> str:
        """The envelope's ZNR/ZNY line: ``ZNR UUUUU ZZH``, ``ZNY CCCCC ZZH``."""
        letter = self.word[0]
        return "ZNR UUUUU ZZH" if letter == "U" else f"ZNY {letter * 5} ZZH"


UNCLASSIFIED = Classification("UNCLASSIFIED", 0)
FOUO = Classification("UNCLASSIFIED//FOR OFFICIAL USE ONLY", 1)
CONFIDENTIAL = Classification("CONFIDENTIAL", 2)
SECRET = Classification("SECRET", 3)
LEVELS = (UNCLASSIFIED, FOUO, CONFIDENTIAL, SECRET)
BY_WORD = {level.word: level for level in LEVELS}
WORDS = tuple(BY_WORD)
CLASSIFICATIONS = {level.word: level.rank for level in LEVELS}  # word -> rank, lowest first


def of(word: object) -> Classification | None:
    """The classification a country file names, or None if it names none."""
    return BY_WORD.get(word) if isinstance(word, str) else None


def of_or_highest(word: object) -> Classification:
    """The classification a file names, the highest where it names one tipdraft does not know
    (a copy or a book errs on the safe side)."""
    return of(word) or LEVELS[-1]


def mark_of(level: Classification) -> str:
    """The portion mark that stands for ``level`` (SBU for FOR OFFICIAL USE ONLY)."""
    return next(mark for mark, rank in PORTION_RANK.items() if rank == level.rank)


def above(mark: object, limit: str) -> bool:
    """Whether a portion marked ``mark`` is above the portion mark ``limit`` (a copy made up to
    it withholds it); a mark tipdraft does not know counts as above any (the safe side)."""
    rank = PORTION_RANK.get(mark, len(PORTION_RANK)) if isinstance(mark, str) else len(PORTION_RANK)
    return rank > PORTION_RANK[limit]


def of_mark(mark: str) -> Classification:
    """The classification a portion mark stands for (SBU: FOR OFFICIAL USE ONLY)."""
    return next(level for level in LEVELS if level.rank == PORTION_RANK[mark])


def needed(word: object, marks: Iterable[str]) -> Classification | None:
    """What a document must be marked: the classification it names, raised to its highest
    portion mark (unknown marks are left out); None if it names no known classification."""
    named = of(word)
    if named is None:
        return None
    return max([named, *(of_mark(m) for m in marks if m in PORTION_RANK)], key=lambda level: level.rank)


def higher_mark(a: str, b: str) -> str:
    """The higher of two portion marks (an unknown or empty mark ranks lowest)."""
    return a if PORTION_RANK.get(a, -1) >= PORTION_RANK.get(b, -1) else b


def highest_mark(marks: Iterable[str]) -> str:
    """The highest of some portion marks."""
    return max(marks, key=lambda m: PORTION_RANK.get(m, 0))


def caveat_problem(level: Classification, caveats: Iterable[object]) -> str | None:
    """What is wrong with the SENSITIVE caveat of a cable at ``level``, if anything."""
    has = SENSITIVE in caveats
    if level.sensitive and not has:
        return f"an SBU (FOR OFFICIAL USE ONLY) cable must carry the {SENSITIVE} caveat"
    if has and not level.sensitive:
        return f"{SENSITIVE} goes only with {FOUO.word}, not {level.word}"
    return None


# The class line as printed: "UNCLAS BRUSSELS 000244", "C O N F I D E N T I A L SECTION 01 OF 02 ...";
# archives also print the classified words unspaced.
_OPENINGS = {level.opening: level for level in LEVELS if level.classified}
_OPENINGS.update({level.word: level for level in LEVELS if level.classified})
CLASS_LINE = re.compile(
    rf"^(?P<word>UNCLAS|{'|'.join(re.escape(w) for w in _OPENINGS)})\s+"
    r"(?:SECTION\s+\d+\s+OF\s+\d+\s+)?(?P<post>.+?)\s+(?P<serial>\d{6})$"
)


@dataclass(frozen=True)
class ClassLine:
    """A class line read back: the post and serial it names, and how it opened."""

    opening: str
    post: str
    serial: int

    def classification(self, caveats: Iterable[object]) -> Classification:
        """The cable's classification: UNCLAS is FOR OFFICIAL USE ONLY with SENSITIVE under it."""
        if self.opening == "UNCLAS":
            return FOUO if SENSITIVE in caveats else UNCLASSIFIED
        return _OPENINGS[self.opening]


def read_class_line(line: str) -> ClassLine | None:
    """The class line ``line`` is, or None if it is not one."""
    if m := CLASS_LINE.match(line):
        return ClassLine(m["word"], m["post"], int(m["serial"]))
    return None
