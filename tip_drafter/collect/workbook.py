"""The collection as a workbook an analyst opens: a sheet of submissions, then one sheet per paragraph."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from .. import output
from ..domain import classification
from .gather import KEPT, AnswerRow, Collection, Submission

SUBMISSION_HEADER = (
    "post",
    "country",
    "year",
    "edition",
    "classification",
    "answered",
    "required",
    "unreviewed",
    "errors",
    "warnings",
    "file",
)
KEYS = ("post", "country", "year")  # the columns that name a row of a paragraph's sheet
CELL_LIMIT = 32767  # characters a workbook's cell holds
CUT = " [cut here: the whole answer is in the CSV and the database]"


def workbook_bytes(found: Collection) -> bytes:
    """The workbook: ``Submissions`` first, then a sheet per paragraph (posts down, items
    across), each cell's text led by its portion mark; the marking (the highest mark of any
    cell) in every sheet's header and footer and on the cover row."""
    import xlsxwriter  # here: only collecting to .xlsx needs it

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    marking = classification.of_mark(found.marking()).word
    book.set_properties({"title": "TIP report submissions", "subject": marking, "comments": f"Classification: {marking}"})
    styles = _styles(book)
    _submissions_sheet(book, styles, found.submissions, marking)
    for part, rows in _paragraphs(found.answers).items():
        _paragraph_sheet(book, styles, part, rows, found.submissions, marking)
    book.close()
    return buffer.getvalue()


def write_workbook(found: Collection, path: Path) -> None:
    """The workbook, replaced all or nothing."""
    output.replace_all({path: workbook_bytes(found)})


def _styles(book: object) -> dict[str, object]:
    add = book.add_format  # type: ignore[attr-defined]
    return {
        "head": add({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1, "bg_color": "#DDDDDD"}),
        "text": add({"text_wrap": True, "valign": "top"}),
        "key": add({"bold": True, "valign": "top"}),
    }


def _mark_pages(sheet: object, marking: str) -> None:
    sheet.set_header(f"&C&B{marking}")  # type: ignore[attr-defined]
    sheet.set_footer(f"&C&B{marking}&R&P of &N")  # type: ignore[attr-defined]


def _submissions_sheet(book: object, styles: dict[str, object], rows: Sequence[Submission], marking: str) -> None:
    sheet = book.add_worksheet("Submissions")  # type: ignore[attr-defined]
    _mark_pages(sheet, marking)
    sheet.write_row(0, 0, SUBMISSION_HEADER, styles["head"])
    for n, s in enumerate(rows, start=1):
        values = (s.post, s.country, s.year, s.edition, s.classification, s.answered, s.required)
        sheet.write_row(n, 0, (*values, s.unreviewed, s.errors, s.warnings, s.source), styles["text"])
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(len(rows), 1), len(SUBMISSION_HEADER) - 1)
    sheet.set_column(0, 1, 18)
    sheet.set_column(4, 4, 38)
    sheet.set_column(10, 10, 40)


def _paragraphs(rows: Sequence[AnswerRow]) -> dict[str, list[AnswerRow]]:
    """The answers by part of the questionnaire (the paragraph's id, so that a paragraph
    renumbered in another edition is one sheet), in the order they first come."""
    by_part: dict[str, list[AnswerRow]] = {}
    for row in rows:
        if row.part and row.status not in KEPT:  # dropped and unplaced text: in the CSV and database
            by_part.setdefault(row.part, []).append(row)
    return by_part


def _paragraph_sheet(
    book: object, styles: dict[str, object], part: str, rows: list[AnswerRow], posts: Sequence[Submission], marking: str
) -> None:
    """Posts down, the part's items across (by item id, so two editions line up; each labelled
    with its place and topic where it is first found)."""
    sheet = book.add_worksheet(part[:31])  # type: ignore[attr-defined]  # a sheet's name is at most 31 characters
    _mark_pages(sheet, marking)
    labels: dict[str, str] = {}
    for row in rows:
        labels.setdefault(row.item, f"{row.paragraph}.{row.letter} {row.topic}")
    sheet.write_row(0, 0, (*KEYS, *labels.values()), styles["head"])
    cells = {(row.post, row.country, row.year, row.item): row for row in rows}
    columns = list(labels)
    for n, s in enumerate(posts, start=1):
        sheet.write_row(n, 0, (s.post, s.country, s.year), styles["key"])
        for column, item in enumerate(columns, start=len(KEYS)):
            sheet.write_string(n, column, _cell(cells.get((s.post, s.country, s.year, item))), styles["text"])
    sheet.freeze_panes(1, len(KEYS))
    sheet.autofilter(0, 0, max(len(posts), 1), len(KEYS) + len(columns) - 1)
    sheet.set_column(0, 1, 16)
    sheet.set_column(len(KEYS), len(KEYS) + len(columns), 60)


def _cell(row: AnswerRow | None) -> str:
    """An answer as a cell: its portion mark first, as in the cable; its status when it has no text."""
    if row is None:
        return ""
    mark = f"({row.mark}) " if row.mark else ""
    body = row.text if row.text else f"[{row.status}]"
    if row.text and row.status != "answered":
        body = f"[{row.status}] {row.text}"
    cell = mark + body
    if len(cell) > CELL_LIMIT:  # a cell holds at most 32,767 characters: the rest is said to be elsewhere
        cell = cell[: CELL_LIMIT - len(CUT)] + CUT
    return cell
