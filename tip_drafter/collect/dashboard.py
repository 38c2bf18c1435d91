"""The collection as a dashboard: one page, posts down and items across, each answer's status as colour and words."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .. import output
from ..cable.render import renderer_for
from ..domain import classification
from .gather import ANSWERED, EMPTY, NOT_REVIEWED, STATUSES, TO_FOLLOW, AnswerRow, Collection, Submission

PAGE = "collect/dashboard.html.j2"
SHORT = {  # what a cell says, as few letters as a person reads at a glance, with the colour
    ANSWERED: "answered",
    EMPTY: "empty",
    TO_FOLLOW: "to follow",
    NOT_REVIEWED: "unreviewed",
}


@dataclass(frozen=True)
class Column:
    """One questionnaire item across the posts: its place and topic, lined up by its id."""

    item: str
    place: str
    topic: str


@dataclass(frozen=True)
class Line:
    """One post's row: the submission and its cells (a status, or "" where its edition has no such item)."""

    submission: Submission
    cells: tuple[str, ...]


def dashboard_html(found: Collection) -> str:
    """The page (self-contained: its style and its small filter script inline, nothing fetched)."""
    items = _columns(found.answers)
    by_cell = {(r.post, r.country, r.year, r.item): r.status for r in found.answers if r.item}
    lines = [Line(s, tuple(by_cell.get((s.post, s.country, s.year, c.item), "") for c in items)) for s in found.submissions]
    counts = Counter(r.status for r in found.answers)
    return renderer_for(()).page(
        PAGE,
        columns=items,
        lines=lines,
        counts=[(status, counts.get(status, 0)) for status in STATUSES],
        short=SHORT,
        failures=found.failures,
        marking=classification.of_mark(found.marking()).word,
    )


def write_dashboard(found: Collection, path: Path) -> None:
    """The dashboard, replaced all or nothing."""
    output.replace_all({path: dashboard_html(found).encode("utf-8")})


def _columns(rows: list[AnswerRow]) -> list[Column]:
    seen: dict[str, Column] = {}
    for row in rows:
        if row.item and row.paragraph is not None and row.status in SHORT and row.item not in seen:
            seen[row.item] = Column(row.item, f"{row.paragraph}.{row.letter}", row.topic)
    return list(seen.values())
