"""The redline: what changed in a country file since last year, as HTML or PDF for reviewers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import output
from ..api import loaded
from ..cable.render import bundled_templates, renderer_for
from ..domain import classification
from ..domain.classification import MARKS
from ..domain.dtg import DateTimeGroup
from ..edition import Edition, Item, Paragraph, report_year
from ..errors import ERROR, Code, Diagnostic, InvalidCountryFile, OutputError, Place, UsageError
from ..format.country_format import PortionMark, portion_marks
from ..pdf.job import PdfJob
from ..pdf.maker import make
from ..yamlio.load import value_position
from .compare import ItemChange
from .redline_parts import FieldPart, MarkedParagraph, Row, field_parts, field_row, marked
from .wholediff import Section, compare

PAGE = "redline.html.j2"
FORMATS = ("html", "pdf")  # what write_redline writes
ANSWER_NOTES = {
    "changed": "changed since last year",
    "new": "new answer: none last year",
    "removed": "answer removed: none this year",
    "unanswered": "not answered, this year or last",
}
# An unchanged answer, by what review did with it (compare.reviewed_state).
UNCHANGED_NOTES = {
    False: "unchanged since last year, not reviewed: possibly stale",
    True: "unchanged since last year, reviewed: kept on purpose",
    None: "unchanged since last year: possibly stale",
}
UNCHANGED_SHORT = {False: "unchanged, not reviewed", True: "unchanged, reviewed", None: "unchanged: stale?"}
DROPPED_NOTE = "last year's answer: no longer asked"
SHORT_NOTES = {
    "changed": "changed",
    "new": "new",
    "removed": "removed",
    "unanswered": "unanswered",
}


@dataclass(frozen=True)
class Side:
    """One of the two files compared: its name as given, its data and its edition."""

    path: Path
    data: Any
    edition: Edition

    @property
    def year(self) -> int:
        """The year the file reports on."""
        return report_year(self.data, self.edition)


@dataclass(frozen=True)
class Entry:
    """One questionnaire item of the redline."""

    number: int  # its order in the redline (its anchor)
    change: ItemChange
    place: str  # in this year's edition ("" for a question dropped from it)
    topic: str
    paragraphs: tuple[MarkedParagraph, ...]
    question: str  # what happened to the question: "moved from 23.B", "new in edition 2010", ...
    question_short: str

    @property
    def answer(self) -> str:
        """What happened to the answer (an unchanged one: whether review kept it on purpose)."""
        if self.change.question == "dropped":
            return DROPPED_NOTE
        if self.change.status == "unchanged":
            return UNCHANGED_NOTES[self.change.reviewed]
        return ANSWER_NOTES[self.change.status]

    @property
    def answer_short(self) -> str:
        """The same, for the summary table."""
        if self.change.question == "dropped":
            return "not asked"
        if self.change.status == "unchanged":
            return UNCHANGED_SHORT[self.change.reviewed]
        return SHORT_NOTES[self.change.status]


@dataclass(frozen=True)
class Part:
    """A numbered paragraph of this year's edition and its items (or the dropped questions)."""

    heading: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Redline:
    """Everything the redline's template prints."""

    old: Side
    new: Side
    title: str
    banner: str
    date: str  # W3C date stamped in the PDF: the new year's first day, so the bytes stay the same
    parts: tuple[Part, ...]
    counts: tuple[tuple[str, int], ...]
    table: tuple[Row, ...] = ()  # per section of the file: changed, new, removed, same
    before: tuple[FieldPart, ...] = ()  # the sections the cable prints before the answers
    after: tuple[FieldPart, ...] = ()  # what the files keep, not printed

    @property
    def entries(self) -> list[Entry]:
        """Every item, in the redline's order."""
        return [entry for part in self.parts for entry in part.entries]

    @property
    def questions_changed(self) -> bool:
        """Whether any question is new, moved or dropped (else the summary has no column for them)."""
        return any(entry.question for entry in self.entries)


def build(old: Side, new: Side) -> Redline:
    """The redline of ``new`` against ``old``, in the order the cable prints it: the header
    and framing fields, the paragraph marks, every item in ``new``'s edition's order, then
    what the files keep unprinted."""
    comparison = compare((old.data, old.edition), (new.data, new.edition), unanswered=True)
    changes = comparison.answers
    questions = _question_notes(changes, old.edition, new.edition)
    now, before = _items(new.edition), _items(old.edition)
    parts: dict[str, list[Entry]] = {}
    for number, (change, notes) in enumerate(zip(changes, questions, strict=True), start=1):
        dropped = change.question == "dropped"
        para, item = before[change.id] if dropped else now[change.id]
        heading = f"Dropped from the questionnaire in edition {new.edition.name}" if dropped else f"{para.number}. {para.title}"
        entry = Entry(number, change, "" if dropped else change.place, item.topic, marked(change), *notes)
        parts.setdefault(heading, []).append(entry)
    entries = [entry for listed in parts.values() for entry in listed]
    fields = field_parts([*comparison.before, *comparison.after])
    return Redline(
        old,
        new,
        title=f"Redline: {_country(new, old)}, {old.year} to {new.year}",
        banner=banner([old, new]),
        date=_new_year(new).iso,
        parts=tuple(Part(h, tuple(e)) for h, e in parts.items()),
        counts=_counts(entries),
        table=_table(entries, comparison.before, comparison.after),
        before=fields[: len(comparison.before)],
        after=fields[len(comparison.before) :],
    )


def _new_year(side: Side) -> DateTimeGroup:
    """The first day of the year a file reports on (of its edition's, for a year no calendar
    has): the redline's date, the same for the same files."""
    return DateTimeGroup.new_year(side.year if 1900 <= side.year <= 9999 else side.edition.report_year)


def _items(edition: Edition) -> dict[str, tuple[Paragraph, Item]]:
    return {i.id: (p, i) for p, i in edition.items()}


def _country(*sides: Side) -> str:
    """The country the files are about, as the newer one names it."""
    for side in sides:
        cable = side.data.get("cable") if isinstance(side.data, dict) else None
        country = cable.get("country") if isinstance(cable, dict) else None
        if isinstance(country, str) and country.strip():
            return country.strip()
    return "(no country named)"


def _question_notes(changes: Sequence[ItemChange], old: Edition, new: Edition) -> list[tuple[str, str]]:
    """What happened to each item's question between the editions, in full and for the table."""
    items = _items(new)
    continued = Counter(s for _, i in new.items() for s in new.sources(i)) if new.name != old.name else Counter()
    split = {s for s, n in continued.items() if n > 1}
    return [_question_note(c, new.name, bool(c.id in items and split & set(new.sources(items[c.id][1])))) for c in changes]


def _question_note(change: ItemChange, edition: str, split: bool) -> tuple[str, str]:
    """New, dropped, split (one of several items an earlier one became), merged (from several)
    or moved; or nothing."""
    if change.question == "new":
        return f"new in edition {edition}", f"new in {edition}"
    if change.question == "dropped":
        return f"dropped from the questionnaire in edition {edition}", "dropped"
    if split:
        return f"split from {change.was}", "split"
    if change.was != change.place:
        how = "merged" if "," in change.was else "moved"
        return f"{how} from {change.was}", how
    return "", ""


def _counts(entries: Sequence[Entry]) -> tuple[tuple[str, int], ...]:
    """Of the answers, beyond the table: the unchanged ones by what review did with them, the
    items neither file answers, and the questions that are new, moved or dropped."""
    answers = Counter(entry.answer_short for entry in entries)
    questions = Counter(entry.question_short for entry in entries if entry.question_short)
    kept = [(f"answers {short}", answers[short]) for short in UNCHANGED_SHORT.values() if answers[short]]
    return (*kept, ("items unanswered", answers["unanswered"]), *((f"questions {kind}", n) for kind, n in questions.items()))


def _table(entries: Sequence[Entry], before: Sequence[Section], after: Sequence[Section]) -> tuple[Row, ...]:
    """One row per section of the file, in the cable's order: how many of its fields (of the
    answers: how many answers; a dropped question's counts with its question) changed, are
    new, were removed, and are the same as last year."""
    answers = Counter(entry.answer_short for entry in entries)
    same = sum(answers[short] for short in UNCHANGED_SHORT.values())
    row = ("Answers", answers["changed"], answers["new"], answers["removed"], same)
    return (*map(field_row, before), row, *map(field_row, after))


def banner(sides: Sequence[Side]) -> str:
    """The redline's classification: the highest of the files' classifications and of every
    portion mark in them, so it is never lower than either file. A mark or classification it
    cannot read stops it: the redline could be marked below what it shows."""
    return max((_level(side) for side in sides), key=lambda level: level.rank).word


def _level(side: Side) -> classification.Classification:
    """What one file calls for: its classification raised to its highest portion mark."""
    marks = portion_marks(side.data, side.edition)
    _refuse_unknown(side, [m for m in marks if not m.known])
    cable = side.data.get("cable") if isinstance(side.data, dict) else None
    named = cable.get("classification") if isinstance(cable, dict) else None
    level = classification.needed(named, (m.mark for m in marks))
    if level is None:
        where = value_position(cable, "classification") if isinstance(cable, dict) and "classification" in cable else (1, 1)
        message = f"no known classification ({', '.join(classification.WORDS)}): the redline could not be marked"
        problem = Diagnostic(str(side.path), *where, ERROR, Place.named("cable.classification"), message, Code.CLASSIFICATION)
        raise InvalidCountryFile(f"{side.path}: {message}", diagnostics=[problem])
    return level


def _refuse_unknown(side: Side, unknown: list[PortionMark]) -> None:
    """Stop at the portion marks the redline cannot rank, each located."""
    if unknown:
        problems = [
            Diagnostic(
                str(side.path),
                *m.position,
                ERROR,
                m.where,
                f"portion mark {m.mark!r} is not one of {', '.join(MARKS)}",
                Code.ENUM,
            )
            for m in unknown
        ]
        raise InvalidCountryFile(
            f"{side.path}: the redline could not be marked: a portion mark it cannot read", diagnostics=problems
        )


def html(redline: Redline) -> str:
    """The redline as an HTML page: the PDF is made from it."""
    renderer = renderer_for(())
    return renderer.page(PAGE, redline=redline, assets=bundled_templates().as_uri())


def pdf(redline: Redline, page: str) -> bytes:
    """The redline's PDF, made from its HTML page (the same bytes for the same files)."""
    job = PdfJob(page, (bundled_templates().resolve(),), strict=True, epoch=_new_year(redline.new).epoch)
    return make(job)[0]


SUFFIXES = {".html": "html", ".htm": "html", ".pdf": "pdf"}


def format_for(target: Path | None, fmt: str | None) -> str:
    """The redline's format: ``fmt`` as asked, else as ``target``'s suffix says (``-o x.pdf``).
    A target whose name is not a redline's (``-o notes.yaml``) is refused, and so is a suffix
    that says the other format: ``-o x.pdf --format html`` would write a page under a PDF's name."""
    by_suffix = SUFFIXES.get(target.suffix.lower()) if target is not None else None
    if target is not None and by_suffix is None:  # a redline never lands on a country file or any other
        raise UsageError(f"{target}: a redline's name ends in .html or .pdf (this one's does not: it could be a file of yours)")
    if fmt is not None and by_suffix is not None and by_suffix != fmt:
        raise UsageError(f"{target}: the name says {by_suffix}, --format says {fmt}: make them agree")
    chosen = fmt or by_suffix
    if chosen is None:
        raise UsageError("a redline is written as html or pdf: say --format html or pdf")
    return chosen


def default_target(new: Path, fmt: str) -> Path:
    """``output/<new file's name>.redline.html`` (or ``.pdf``)."""
    return output.output_path(Path("output"), f"{new.stem}.redline", fmt)


def write_redline(old: Path, new: Path, fmt: str, target: Path | None = None, editions: Sequence[Path] = ()) -> Path:
    """Compare two country files and write the redline (``fmt``: html or pdf), all or nothing;
    the file written."""
    if fmt not in FORMATS:
        raise UsageError(f"a redline is written as {' or '.join(FORMATS)}, not {fmt!r}")
    sides = [Side(path, *loaded(path, editions)) for path in (old, new)]
    target = target or default_target(new, fmt)
    if any(target.resolve() == side.path.resolve() for side in sides):
        raise OutputError(f"{target}: refusing to write the redline over a country file it compares")
    redline = build(*sides)
    page = html(redline)
    output.replace_all({target: pdf(redline, page) if fmt == "pdf" else page.encode("utf-8")})
    return target
