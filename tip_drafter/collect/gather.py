"""Gather country files (and sent cables) into rows: one per answer, one per submission."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .. import api
from ..cable.model import answers_by_item, prose
from ..domain import classification
from ..domain.dtg import DateTimeGroup
from ..edition import Edition, report_year
from ..errors import ERROR, UNREVIEWED, WARNING, Code, Diagnostic, Place, TipDraftError
from ..year.compare import answer_text, answers_by_id

T = TypeVar("T")
SubmissionKey = tuple[str, str, int | None]  # post, country, year: one submission

ANSWERED, EMPTY, TO_FOLLOW, NOT_REVIEWED, DROPPED, UNPLACED = (
    "answered",
    "empty",
    "to follow",
    "carried over, not reviewed",
    "dropped",
    "unplaced",
)
STATUSES = (ANSWERED, EMPTY, TO_FOLLOW, NOT_REVIEWED, DROPPED, UNPLACED)
KEPT = (DROPPED, UNPLACED)  # text kept in a file but printed by no item: rows of its own, no item's cell
ANSWER_COLUMNS = ("post", "country", "code", "year", "edition", "paragraph", "letter", "item", "topic", "mark", "status", "text")


@dataclass(frozen=True)
class Submission:
    """One post's file: who sent it, for which year and questionnaire, and how complete it is."""

    source: str
    post: str
    country: str
    code: str
    year: int | None
    edition: str
    classification: str
    answered: int
    required: int
    unreviewed: int
    errors: int
    warnings: int

    @property
    def key(self) -> SubmissionKey:
        return (self.post, self.country, self.year)


@dataclass(frozen=True)
class AnswerRow:
    """One answer of one post's submission, in the long form an analyst filters and pivots."""

    post: str
    country: str
    code: str
    year: int | None
    edition: str
    paragraph: int | None
    letter: str
    item: str
    topic: str
    mark: str
    status: str
    text: str
    source: str = ""  # the file it came from (not a column: two files of one post and year keep one)
    part: str = ""  # its paragraph's id (prosecution): the same part of the questionnaire in every edition

    def values(self) -> tuple[Any, ...]:
        """The row's values in :data:`ANSWER_COLUMNS` order."""
        return tuple(getattr(self, name) for name in ANSWER_COLUMNS)


@dataclass(frozen=True)
class Failure:
    """A file that could not be collected, and why (its problems, located)."""

    source: str
    problems: tuple[Diagnostic, ...]


@dataclass
class Collection:
    """Everything collected: the submissions, their answers, and the files that failed."""

    submissions: list[Submission] = field(default_factory=list)
    answers: list[AnswerRow] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings about the collection itself (two files of one post and year)
    up_to: str | None = None  # the highest portion mark of a copy made with --up-to (withhold)

    def marking(self) -> str:
        """The highest portion mark of any answer collected (``U`` when there is none)."""
        marks = [row.mark for row in self.answers if row.mark in classification.PORTION_RANK]
        return classification.highest_mark(marks) if marks else "U"


@dataclass(frozen=True)
class Loaded:
    """One source's data, its edition and what checking it said."""

    source: str
    data: Any
    edition: Edition
    diagnostics: tuple[Diagnostic, ...]


def collect(paths: Sequence[Path], options: api.Options, cables: bool = False) -> Collection:
    """Read every file (country files; with ``cables``, sent cables imported on the fly) into
    one :class:`Collection`; a file that cannot be read is listed under ``failures`` and the
    others are still collected."""
    found = Collection()
    for path in paths:
        gather(found, path, options, cables)
    return finish(found)


def gather(found: Collection, path: Path, options: api.Options, cables: bool = False) -> None:
    """Add one file's submission and answers to ``found`` (or its failure)."""
    try:
        loaded = load_cable(path, options) if cables else load_country_file(path, options)
    except TipDraftError as exc:
        loaded = failure_of(path, exc)
    if isinstance(loaded, Failure):
        found.failures.append(loaded)
    else:
        add(found, loaded)


def failure_of(path: Path, exc: TipDraftError, said: str = "") -> Failure:
    """A file that could not be collected: its located problems, else the error said of it
    (after ``said``: "not in the book: ")."""
    whole = Diagnostic(str(path), 0, 0, ERROR, Place(), said + exc.about(path), Code.FILE)
    return Failure(str(path), tuple(exc.diagnostics) or (whole,))


def finish(found: Collection) -> Collection:
    """The submissions in country order (then post and year), their answers in the same order,
    each post's in questionnaire order; of two files of one post, country and year, the one
    named last is kept, with a note."""
    _keep_last(found)
    found.submissions.sort(key=lambda s: (s.country, s.post, s.year or 0))
    order = {(s.post, s.country, s.year): n for n, s in enumerate(found.submissions)}
    found.answers.sort(key=lambda a: order.get((a.post, a.country, a.year), 0))  # stable: questionnaire order within a post
    return found


def _keep_last(found: Collection) -> None:
    found.submissions[:] = latest(found.submissions, lambda s: s.key, lambda s: s.source, found.notes)
    sources = {s.source for s in found.submissions}
    found.answers[:] = [a for a in found.answers if a.source in sources]


def latest(items: Sequence[T], key: Callable[[T], SubmissionKey], source: Callable[[T], str], notes: list[str]) -> list[T]:
    """Of the ``items`` of one post, country and year (their ``key``), the one whose file was
    named last, in the order given, with a note naming both files: the rule of every output of
    ``collect``, the tables and the book."""
    last: dict[SubmissionKey, T] = {}
    for item in items:
        if (k := key(item)) in last:
            post, country, year = k
            notes.append(
                f"{source(last[k])} and {source(item)} are both {post}'s {year} submission for {country}: {source(item)} is kept"
            )
        last[k] = item
    kept = {id(item) for item in last.values()}
    return [item for item in items if id(item) in kept]


def submission_key(data: Any, year: int | None) -> SubmissionKey:
    """The post and country a file's ``cable:`` names ("" for none), and its report's year."""
    cable = data.get("cable") if isinstance(data, dict) else None
    cable = cable if isinstance(cable, dict) else {}
    return (_word(cable.get("post")), _word(cable.get("country")), year)


def load_country_file(path: Path, options: api.Options) -> Loaded | Failure:
    """A country file checked as ``validate`` checks it."""
    checked = api.check(path, options)
    edition = checked.report.edition
    if checked.document is None or edition is None:
        return Failure(str(path), tuple(d for d in checked.diagnostics if d.severity == ERROR))
    return Loaded(str(path), checked.document.data, edition, tuple(checked.diagnostics))


def load_cable(path: Path, options: api.Options) -> Loaded:
    """A sent cable, imported in memory as ``tipdraft import`` reads it."""
    from ..importing.importer import read_file  # here: importing cables is only needed with --cables

    read = read_file(path, None, None, options.editions)
    warnings = tuple(Diagnostic(str(path), 0, 0, WARNING, Place(), w, Code.IMPORT) for w in read.result.warnings)
    data = read.result.data
    year = _cable_year(data, path)
    if year is not None and "year" not in data:  # a 2004 report answers its own year's questions, whatever edition reads it
        data["year"] = year
    return Loaded(str(path), data, read.edition, warnings)


CABLE_ID = re.compile(r"^(\d\d)[A-Z]")  # 05ACCRA0432: a cable's id starts with the year it was sent


def _cable_year(data: Any, path: Path) -> int | None:
    """The year a cable was sent: its date-time group's, else its id's (the file's name, as
    archives name cables), else unknown."""
    sent = DateTimeGroup.read((data.get("cable") or {}).get("date_time_group"))
    if sent is not None:
        return sent.year
    named = CABLE_ID.match(path.name)
    if named is None:
        return None
    two = int(named[1])
    return (1900 if two >= 70 else 2000) + two  # cables with such ids date from the 1970s on


def add(found: Collection, loaded: Loaded) -> None:
    """One source's submission and answer rows."""
    data, edition = loaded.data, loaded.edition
    cable = data.get("cable") if isinstance(data, dict) else None
    cable = cable if isinstance(cable, dict) else {}
    submission = _submission(loaded, cable)
    found.submissions.append(submission)
    found.answers.extend(answer_rows(data, edition, submission, file_mark(cable.get("classification"))))


def _submission(loaded: Loaded, cable: dict[str, Any]) -> Submission:
    data, edition = loaded.data, loaded.edition
    required = [i for _, i in edition.items() if i.required]
    answered = answers_by_id(data, edition)
    post, country, year = submission_key(data, report_year(data, edition))
    return Submission(
        source=loaded.source,
        post=post,
        country=country,
        code=_word(cable.get("country_code")),
        year=year,
        edition=edition.name,
        classification=_word(cable.get("classification")),
        answered=sum(i.id in answered for i in required),
        required=len(required),
        unreviewed=sum(d.code == UNREVIEWED for d in loaded.diagnostics),
        errors=sum(d.severity == ERROR for d in loaded.diagnostics),
        warnings=sum(d.severity != ERROR for d in loaded.diagnostics),
    )


def _word(value: object) -> str:
    return "" if value is None else str(value).strip()


def file_mark(word: object) -> str:
    """The portion mark of a file's own classification (SBU for FOR OFFICIAL USE ONLY): what
    an answer without a mark of its own, and text kept but not printed, are taken to be. A
    classification tipdraft does not know is taken as the highest (the copy errs on the safe side)."""
    return classification.mark_of(classification.of_or_highest(word))


def answer_rows(data: Any, edition: Edition, submission: Submission, fallback: str) -> list[AnswerRow]:
    """Every item of the edition (answered or not), then what was dropped or left unplaced; an
    answer whose paragraph has no mark tipdraft knows is marked as the file (``fallback``)."""
    answers = data.get("answers") if isinstance(data, dict) else None
    found = answers_by_item(answers, edition)
    marks = _paragraph_marks(answers)
    rows = []
    for para, item in edition.items():
        place = found.get(item.id)
        value = place[1] if place else None
        mark = place[2] if place else marks.get(para.number, "")
        mark = mark if mark in classification.PORTION_RANK else fallback
        row = _row(submission, para.number, item.letter, item.id, item.topic, mark, status_of(value), answer_text(value))
        rows.append(dataclasses.replace(row, part=para.id))
    rows += _kept_rows(data, submission, fallback)
    return rows


def status_of(value: object) -> str:
    """What an answer is: answered, empty, to follow (a note, no text yet), or carried over
    from last year and not yet reviewed."""
    if isinstance(value, dict):
        if value.get("carried_over") is not None:
            return NOT_REVIEWED
        if prose(value.get("text")):
            return ANSWERED
        return TO_FOLLOW if str(value.get("to_follow") or "").strip() else EMPTY
    return ANSWERED if isinstance(value, str) and prose(value) else EMPTY


def _paragraph_marks(answers: Any) -> dict[int, str]:
    if not isinstance(answers, dict):
        return {}
    marks = {}
    for key, entry in answers.items():
        if isinstance(entry, dict) and str(key).isdigit():
            marks[int(str(key))] = _word(entry.get("mark"))
    return marks


def _kept_rows(data: Any, submission: Submission, mark: str) -> list[AnswerRow]:
    """``dropped`` (answers a new edition no longer asks for) and ``unplaced`` (text an import
    could not place): kept in the file, so kept in the collection too."""
    rows = []
    for entry in _records(data, "dropped"):
        paragraph, _, letter = _word(entry.get("was")).partition(".")
        number = int(paragraph) if paragraph.isdigit() else None
        text = answer_text(entry.get("answer"))
        rows.append(_row(submission, number, letter, _word(entry.get("id")), "", mark, DROPPED, text))
    for entry in _records(data, "unplaced"):
        text = "\n\n".join(prose(entry.get("text")))
        rows.append(_row(submission, None, "", "", _word(entry.get("heading")), mark, UNPLACED, text))
    return rows


def _records(data: Any, key: str) -> Iterable[dict[str, Any]]:
    value = data.get(key) if isinstance(data, dict) else None
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _row(
    s: Submission, paragraph: int | None, letter: str, item: str, topic: str, mark: str, status: str, text: str
) -> AnswerRow:
    return AnswerRow(s.post, s.country, s.code, s.year, s.edition, paragraph, letter, item, topic, mark, status, text, s.source)


def withhold(found: Collection, limit: str) -> Collection:
    """The collection with every answer marked above ``limit`` (a portion mark; an unknown mark
    counts as above any) withheld: its text replaced by a note marked ``limit``, so a copy marked
    ``limit`` never shows more and its marking says ``limit`` at most."""
    rows = [_withheld(row, limit) if classification.above(row.mark, limit) else row for row in found.answers]
    return Collection(found.submissions, rows, found.failures, found.notes, limit)


def _withheld(row: AnswerRow, limit: str) -> AnswerRow:
    """The row without a word of its portion: its text, and the topic and item id that the
    file, not the edition, gave it (an unplaced passage's heading, a dropped answer's id)."""
    note = f"[withheld: a ({row.mark or 'unmarked'}) portion, above this copy's marking ({limit})]"
    own = row.status in KEPT
    return dataclasses.replace(row, text=note, mark=limit, topic="" if own else row.topic, item="" if own else row.item)
