"""Compare two years' answers item by item (``diff``; ``wholediff`` adds the rest of the file), and sum up many files (``status``)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cable.model import answers_by_item, prose
from ..edition import Edition, report_year
from ..errors import ERROR, UNREVIEWED, Diagnostic, TipDraftError, one_line
from ..options import Options


@dataclass
class ItemChange:
    """One questionnaire item across two files."""

    id: str
    place: str  # paragraph.letter in the new file's edition (or the old one's, if removed)
    was: str  # paragraph.letter in the old file's edition ("" if new)
    status: str  # new | removed | unchanged | changed (| unanswered: see ``diff``)
    diff: list[tuple[str, str]] = field(default_factory=list)  # (op, words): op is =, -, +
    # For the redline, not the JSON: the answers' texts (paragraphs apart), and whether the
    # question itself is "new" in the new file's edition or "dropped" from it.
    old_text: str = field(default="", repr=False)
    new_text: str = field(default="", repr=False)
    question: str = ""
    # An unchanged answer: True if review kept it on purpose (no ``carried_over`` left in a file
    # that ``new`` started), False if still marked ``carried_over``, None if the file cannot say.
    reviewed: bool | None = None


def answers_by_id(data: Any, edition: Edition) -> dict[str, tuple[str, str]]:
    """Item id -> (place, the answer's text) for every answered item of a file."""
    answers = data.get("answers") if isinstance(data, dict) else None
    found = answers_by_item(answers, edition)
    return {i: (place, text) for i, (place, value, _) in found.items() if (text := answer_text(value))}


def answer_text(value: Any) -> str:
    """An answer's words as printed (its to-follow note first), paragraphs apart."""
    if isinstance(value, dict):
        note = str(value.get("to_follow") or "").strip()
        body = "\n\n".join(prose(value.get("text")))
        return f"({note}) {body}".strip() if note else body
    return "\n\n".join(prose(value)) if isinstance(value, str) else ""


def carried_over(data: Any, edition: Edition) -> set[str]:
    """The items whose answer ``new`` carried over and ``review`` has not yet cleared."""
    answers = data.get("answers") if isinstance(data, dict) else None
    found = answers_by_item(answers, edition)
    return {i for i, (_, value, _) in found.items() if isinstance(value, dict) and "carried_over" in value}


def reviewed_state(data: Any, item_id: str, carried: set[str]) -> bool | None:
    """Whether an unchanged answer was reviewed: a file ``new`` started (it names its
    ``previous``) records review by taking ``carried_over`` off; another file cannot say."""
    if item_id in carried:
        return False
    return True if isinstance(data, dict) and data.get("previous") else None


def diff(old: tuple[Any, Edition], new: tuple[Any, Edition], unanswered: bool = False) -> list[ItemChange]:
    """Per item of the new edition (then the old items it no longer carries): new, removed,
    unchanged or changed, with a word-level diff of changed answers; with ``unanswered``, the
    items neither file answers too (status unanswered)."""
    (old_data, old_edition), (new_data, new_edition) = old, new
    renumbered = new_edition.name != old_edition.name
    if renumbered and new_edition.previous != old_edition.name:
        raise TipDraftError(f"edition {new_edition.name} does not follow edition {old_edition.name}: no way to match their items")
    before, after = answers_by_id(old_data, old_edition), answers_by_id(new_data, new_edition)
    places = {i.id: f"{p.number}.{i.letter}" for p, i in old_edition.items()}
    changes: list[ItemChange] = []
    carried: set[str] = set()
    for para, item in new_edition.items():
        sources = new_edition.sources(item) if renumbered else (item.id,)
        carried.update(sources)
        change = _item_change(item.id, f"{para.number}.{item.letter}", sources, places, before, after)
        if unanswered or change.status != "unanswered":
            changes.append(change)
    changes += [
        ItemChange(old_id, place, place, "removed", old_text=text, question="dropped")
        for old_id, (place, text) in before.items()
        if old_id not in carried
    ]
    _mark_reviewed(changes, new_data, new_edition)
    return changes


def _mark_reviewed(changes: list[ItemChange], data: Any, edition: Edition) -> None:
    """Say of each unchanged answer whether review kept it (see :func:`reviewed_state`)."""
    not_reviewed = carried_over(data, edition)
    for change in changes:
        if change.status == "unchanged":
            change.reviewed = reviewed_state(data, change.id, not_reviewed)


def _item_change(
    item_id: str,
    place: str,
    sources: tuple[str, ...],
    places: dict[str, str],
    before: dict[str, tuple[str, str]],
    after: dict[str, tuple[str, str]],
) -> ItemChange:
    """One item of the new edition against the old items it carries on."""
    was = ", ".join(places[s] for s in sources if s in places)
    # a joint answer ("B and C") stands under each of its letters: count it once
    old_text = "\n\n".join(dict.fromkeys(before[s][1] for s in sources if s in before))
    new_text = after.get(item_id, ("", ""))[1]
    change = _change(item_id, place, was, old_text, new_text)
    change.old_text, change.new_text = old_text, new_text
    change.question = "" if was else "new"  # no earlier item it carries on
    return change


def _change(item_id: str, place: str, was: str, old: str, new: str) -> ItemChange:
    status, ops = word_diff(old, new)
    return ItemChange(item_id, place, was, status, ops)


def word_diff(old: str, new: str) -> tuple[str, list[tuple[str, str]]]:
    """What happened between two texts (unanswered, new, removed, unchanged or changed: the
    words compared, not the spaces between them) and, if changed, the word-level diff."""
    if not old and not new:
        return "unanswered", []
    if not old:
        return "new", []
    if not new:
        return "removed", []
    if old.split() == new.split():
        return "unchanged", []
    a, b = old.split(), new.split()
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("=", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            ops.append(("+", " ".join(b[j1:j2])))
    return "changed", ops


def inline(ops: Sequence[tuple[str, str]], context: int = 6) -> str:
    """A word diff on one line, ``[-deleted-] {+inserted+}``, long runs of kept words cut to
    ``context`` words either side of a change."""
    out = []
    for index, (op, words) in enumerate(ops):
        if op == "-":
            out.append(f"[-{words}-]")
        elif op == "+":
            out.append(f"{{+{words}+}}")
        else:
            w = words.split()
            first, last = index == 0, index == len(ops) - 1
            if len(w) > 2 * context or ((first or last) and len(w) > context):
                head = [] if first else w[:context]
                tail = [] if last else w[-context:]
                w = [*head, "...", *tail]
            out.append(" ".join(w))
    return " ".join(out)


@dataclass
class Status:
    """One row of ``tipdraft status``."""

    path: str
    country: str | None  # None where the file does not say, or cannot be read (so for each below)
    edition: str | None
    year: int | None
    answered: int
    required: int
    unreviewed: int
    warnings: int
    errors: int


@dataclass(frozen=True)
class StatusCheck:
    """One file's check for ``status``, as a job (:mod:`tip_drafter.batch`): what status
    prints of it (its errors, and the problems of its outputs: a render stopped between its
    renames), and its row (counting its warnings too)."""

    path: Path
    options: Options
    outputs: Path  # the folder its outputs are in

    def run(self) -> tuple[list[Diagnostic], Status]:
        from .. import api, manifest

        checked = api.check(self.path, self.options)
        mixed = manifest.problems(self.path, self.outputs)
        data = checked.document.data if checked.document else None
        said = [*(d for d in checked.diagnostics if d.severity == ERROR), *mixed]
        return said, status_row(self.path, data, checked.report.edition, [*checked.diagnostics, *mixed])


def status_row(path: Path, data: Any, edition: Edition | None, diagnostics: Sequence[Any]) -> Status:
    """Count one file's answers and problems."""
    cable = data.get("cable") if isinstance(data, dict) else None
    country = cable.get("country") if isinstance(cable, dict) else None
    answered, required = _answered(data, edition)
    return Status(
        path=str(path),
        country=str(country) if country not in (None, "") else None,
        edition=edition.name if edition else None,
        year=report_year(data, edition) if edition else None,
        answered=answered,
        required=required,
        unreviewed=sum(d.code == UNREVIEWED for d in diagnostics),
        warnings=sum(d.severity != ERROR for d in diagnostics),
        errors=sum(d.severity == ERROR for d in diagnostics),
    )


def _answered(data: Any, edition: Edition | None) -> tuple[int, int]:
    """How many of the required items a file answers, and how many there are."""
    if edition is None:
        return 0, 0
    answered = answers_by_id(data, edition)
    required = [i for _, i in edition.items() if i.required]
    return sum(i.id in answered for i in required), len(required)


STATUS_HEADER = ("file", "country", "edition", "year", "answered", "unreviewed", "warnings", "errors")


def format_status(rows: Sequence[Status]) -> str:
    """The status table and a summary line."""
    table = [STATUS_HEADER, *(_cells(r) for r in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(len(STATUS_HEADER))]
    return "".join(_aligned(row, widths) + "\n" for row in table) + _summary(rows) + "\n"


def _aligned(row: Sequence[str], widths: Sequence[int]) -> str:
    """A row of the table: the names to the left, the counts to the right."""
    cells = (cell.ljust(w) if i < 3 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
    return "  ".join(cells).rstrip()


def status_summary(rows: Sequence[Status]) -> dict[str, int]:
    """The counts under the table: files, ready (every required item answered, reviewed, no
    error), with errors, and the items unreviewed, warnings and errors of them all."""
    return {
        "files": len(rows),
        "ready": sum(r.answered == r.required and not r.errors and not r.unreviewed for r in rows),
        "with_errors": sum(r.errors > 0 for r in rows),
        "unreviewed": sum(r.unreviewed for r in rows),
        "warnings": sum(r.warnings for r in rows),
        "errors": sum(r.errors for r in rows),
    }


def _summary(rows: Sequence[Status]) -> str:
    counts = status_summary(rows)
    return (
        f"{counts['files']} file(s): {counts['ready']} ready, {counts['with_errors']} with errors, "
        f"{counts['unreviewed']} item(s) unreviewed"
    )


def _cells(r: Status) -> tuple[str, ...]:
    """One row of the status table."""
    counts = (r.unreviewed, r.warnings, r.errors)
    names = (one_line(r.path), one_line(r.country or "?"), one_line(r.edition or "?"))  # from files: escaped
    return (*names, str(r.year or "?"), f"{r.answered}/{r.required}", *map(str, counts))
