"""The whole country file compared in the order the cable prints it: header, framing, paragraph marks, answers, what is kept."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..cable.framing import KINDS
from ..cable.model import prose
from ..domain.numbering import paragraph_number
from ..edition import Edition, Framing, report_year
from ..errors import WARNING, Code, Diagnostic, Place, para_label
from ..format.country_format import PARAGRAPH, TOP_LEVEL
from ..format.fields import Record, Records
from ..yamlio.load import value_position
from .compare import ItemChange, diff, inline, word_diff
from .marks import marked

Run = tuple[str, str]  # (op, words): op is = (kept), - (deleted) or + (inserted)
Pair = tuple[Any, Edition]  # a file's data and its edition

# The sections of ``cable:`` and ``transmission:`` in the order the cable prints them: the
# transmission envelope above the classification line, then the header. Their fields are the
# format's own (country_format), in the order it declares them.
HEADER = ("transmission", "cable")
# What a file keeps but never prints (``dropped``, ``unplaced``): every list of free-form
# records the format declares. The other top-level keys are bookkeeping, not cable content:
# ``edition`` and ``year`` stand in the comparison's title, ``previous`` and ``unreviewed``
# (like an answer's ``carried_over``) only say how far review has got.
KEPT = tuple(name for name, f in TOP_LEVEL.items() if isinstance(f.kind, Records))
STATUSES = ("changed", "new", "removed", "unchanged")


@dataclass
class FieldChange:
    """One field of the file outside the answers across two files."""

    place: str  # where in the file: cable.subject, contact.name, 23 mark, dropped
    topic: str  # what it is, in words (the format's description of it)
    status: str  # changed | new | removed | unchanged
    diff: list[Run] = field(default_factory=list)
    old_text: str = field(default="", repr=False)
    new_text: str = field(default="", repr=False)
    stale: bool = False  # unchanged, and the file's ``unreviewed`` still lists it
    fields: int = 1  # how many fields the row stands for (a whole paragraph kept unreviewed: all of its)


@dataclass
class Section:
    """The fields of one part of the file: those to show (changed, new, removed, or unchanged
    and not yet reviewed), and how many stayed the same."""

    key: str  # header | framing | paragraphs | kept
    title: str
    fields: list[FieldChange]
    unchanged: int

    def count(self, status: str) -> int:
        """How many fields have ``status`` (unchanged ones: all of them, shown or not)."""
        return self.unchanged if status == "unchanged" else sum(f.fields for f in self.fields if f.status == status)


@dataclass
class Comparison:
    """Two files compared whole: the sections before the answers, the answers, the sections after."""

    before: tuple[Section, ...]
    answers: list[ItemChange]
    after: tuple[Section, ...]


def compare(old: Pair, new: Pair, unanswered: bool = False) -> Comparison:
    """``new`` against ``old``: header fields, framing paragraphs and paragraph marks, then
    the answers item by item (``unanswered``: with the items neither file answers), then what
    the files keep unprinted."""
    unreviewed = _unreviewed(new[0])
    before = (
        Section("header", "Header", _header(old[0], new[0], unreviewed), 0),
        Section("framing", "Framing paragraphs", _framing(old, new, unreviewed), 0),
        Section("paragraphs", "Paragraph marks and headings", _paragraphs(old, new), 0),
    )
    after = (Section("kept", "Kept in the file, not printed", _kept(old[0], new[0]), 0),)
    for section in (*before, *after):
        section.unchanged = sum(f.fields for f in section.fields if f.status == "unchanged")
        section.fields = [f for f in section.fields if f.status != "unchanged" or f.stale]
    return Comparison(before, diff(old, new, unanswered), after)


def field_text(value: Any) -> str:
    """A field's words as a reviewer reads them: a list one element a paragraph, a mapping
    ``key: value; ...`` on one line, a text its paragraphs apart."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n\n".join(t for v in value if (t := field_text(v)))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {t}" for k, v in value.items() if (t := " ".join(field_text(v).split())))
    return "\n\n".join(prose(str(value)))


def _mapping(data: Any, key: str) -> dict[Any, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _unreviewed(data: Any) -> set[str]:
    """The places ``new`` listed as kept from last year and ``review`` has not yet cleared."""
    places = data.get("unreviewed") if isinstance(data, dict) else None
    return {str(p) for p in places} if isinstance(places, list) else set()


def _short(doc: str) -> str:
    """A field's description without a closing parenthesis: ``the E.O. number``."""
    return re.sub(r" \([^()]*\)$", "", doc)


def _fields(old: dict[Any, Any], new: dict[Any, Any], record: Record, prefix: str, topic: str) -> Iterator[FieldChange]:
    """Each declared field of a mapping that either file fills."""
    for name, declared in record.keys.items():
        old_text, new_text = field_text(old.get(name)), field_text(new.get(name))
        status, ops = word_diff(old_text, new_text)
        if status != "unanswered":
            place = f"{prefix}.{name}" if prefix else name
            yield FieldChange(place, f"{topic}{_short(declared.doc)}", status, ops, old_text, new_text)


def _marked(changes: Iterator[FieldChange], unreviewed: set[str], whole: str, topic: str) -> list[FieldChange]:
    """The fields, those unchanged and listed in ``unreviewed`` stale; where ``whole`` is listed
    there (``contact``), its unchanged fields are one row, stale, for all of them."""
    found = list(changes)
    if whole not in unreviewed:
        for change in found:
            change.stale = change.status == "unchanged" and change.place in unreviewed
        return found
    kept = [f for f in found if f.status == "unchanged"]
    if not kept:
        return found
    what = topic if len(kept) == len(found) else f"{topic}: its other fields"
    return [*(f for f in found if f.status != "unchanged"), FieldChange(whole, what, "unchanged", stale=True, fields=len(kept))]


def _header(old: Any, new: Any, unreviewed: set[str]) -> list[FieldChange]:
    """``transmission:`` then ``cable:``, field by field."""
    found: list[FieldChange] = []
    for section in HEADER:
        record = TOP_LEVEL[section].kind
        assert isinstance(record, Record)  # the format declares both as records
        fields = _fields(_mapping(old, section), _mapping(new, section), record, section, "")
        found += _marked(fields, unreviewed, section, record.doc)
    return found


def _frames(old: Edition, new: Edition) -> list[Framing]:
    """This year's edition's framing paragraphs, then last year's it no longer has."""
    ids = {f.id for f in new.framing}
    return [*new.framing, *(f for f in old.framing if f.id not in ids)]


def _framing(old: Pair, new: Pair, unreviewed: set[str]) -> list[FieldChange]:
    """Each framing paragraph the editions declare, field by field as its kind declares them."""
    found: list[FieldChange] = []
    for frame in _frames(old[1], new[1]):
        record = KINDS[frame.kind].format
        fields = _fields(_mapping(old[0], frame.id), _mapping(new[0], frame.id), record, frame.id, f"{frame.title}: ")
        found += _marked(fields, unreviewed, frame.id, frame.title)
    return found


def _paragraph_entry(data: Any, number: int | None) -> dict[Any, Any]:
    answers = _mapping(data, "answers")
    return next((v for k, v in answers.items() if paragraph_number(k) == number and isinstance(v, dict)), {})


def _paragraphs(old: Pair, new: Pair) -> list[FieldChange]:
    """Each numbered paragraph's own fields (its portion mark, its heading as printed), matched
    across editions by the paragraph's id."""
    numbers = {p.id: p.number for p in old[1].paragraphs}
    found: list[FieldChange] = []
    for para in new[1].paragraphs:
        was, now = _paragraph_entry(old[0], numbers.get(para.id)), _paragraph_entry(new[0], para.number)
        for change in _fields(was, now, PARAGRAPH, "", f"{para_label(para.number)}, {para.title}: "):
            change.place = f"{para.number} {change.place}"
            found.append(change)
    return found


def _kept(old: Any, new: Any) -> list[FieldChange]:
    """``dropped`` and ``unplaced``, each as a whole."""
    record = Record({name: TOP_LEVEL[name] for name in KEPT})
    return list(_fields(old if isinstance(old, dict) else {}, new if isinstance(new, dict) else {}, record, "", ""))


def order_warning(old: tuple[Path, Any, Edition], new: tuple[Path, Any, Edition]) -> Diagnostic | None:
    """A warning when the first file (last year's) reports on a later year than the second:
    the two were probably given the wrong way round."""
    (old_path, old_data, old_edition), (new_path, new_data, new_edition) = old, new
    first, second = report_year(old_data, old_edition), report_year(new_data, new_edition)
    if first <= second:
        return None
    key = "year" if isinstance(old_data, dict) and "year" in old_data else "edition"
    where = value_position(old_data, key) if isinstance(old_data, dict) and key in old_data else (1, 1)
    message = (
        f"this file reports on {first}, later than {new_path.name} ({second}): it is compared as last year's; "
        f"give last year's file first (tipdraft diff {new_path.name} {old_path.name})"
    )
    return Diagnostic(str(old_path), *where, WARNING, Place(), message, Code.ORDER)


NOTES = {
    "new": "not there last year",
    "removed": "not there this year",
}
ANSWER_NOTES = {"new": "no answer last year", "removed": "no answer this year"}
UNCHANGED_NOTES = {
    True: "identical to last year's answer, reviewed: kept on purpose",
    False: "identical to last year's answer, not reviewed: stale?",
    None: "identical to last year's answer: stale?",
}


def format_text(comparison: Comparison, context: int = 6) -> str:
    """The comparison for a terminal: a heading per section, one line per field or item,
    changes word by word, then a summary line per section."""
    lines: list[str] = []
    for section in comparison.before:
        lines += _section_lines(section, context)
    lines += ["Answers", *_answer_lines(comparison.answers, context)]
    for section in comparison.after:
        lines += _section_lines(section, context)
    lines += [f"{title}: {counts}" for title, counts in summary(comparison)]
    return "\n".join(lines) + "\n"


def _section_lines(section: Section, context: int) -> list[str]:
    lines = [section.title]
    if not section.fields:
        lines.append(f"  no change ({section.unchanged} field(s) the same)" if section.unchanged else "  none in either file")
    width = max((len(f.place) for f in section.fields), default=0)
    for change in section.fields:
        note = "  not reviewed: stale?" if change.stale else f"  {NOTES[change.status]}" if change.status in NOTES else ""
        lines.append(f"{change.place:{width}} {change.status:9} {change.topic}{note}")
        lines += _changed_paragraphs(change, context)
    return lines


def _changed_paragraphs(change: ItemChange | FieldChange, context: int) -> list[str]:
    """The paragraphs of a text (a list's elements) that changed, word by word: all of a new
    one inserted, all of a removed one deleted."""
    return ["    " + inline(p.runs, context) for p in marked(change) if p.changed]


def _answer_lines(changes: Sequence[ItemChange], context: int) -> list[str]:
    lines = []
    for change in changes:
        moved = f" (was {change.was})" if change.was and change.was != change.place else ""
        note = UNCHANGED_NOTES[change.reviewed] if change.status == "unchanged" else ANSWER_NOTES.get(change.status, "")
        lines.append(f"{change.place:6} {change.status:9} {change.id}{moved}" + (f"  {note}" if note else ""))
        lines += _changed_paragraphs(change, context)
    return lines


def answer_counts(changes: Sequence[ItemChange]) -> dict[str, int]:
    """How many answers changed, are new, were removed, stayed the same (and of those, how
    many were reviewed and how many not)."""
    counts = {s: sum(c.status == s for c in changes) for s in STATUSES}
    unchanged = [c for c in changes if c.status == "unchanged"]
    counts["reviewed"] = sum(c.reviewed is True for c in unchanged)
    counts["not reviewed"] = sum(c.reviewed is False for c in unchanged)
    return counts


def summary(comparison: Comparison) -> list[tuple[str, str]]:
    """One line per section, in the cable's order: its counts."""

    def said(counts: dict[str, int]) -> str:
        words = ", ".join(f"{counts[s]} {s}" for s in STATUSES)
        of = [f"{counts[k]} {k}" for k in ("reviewed", "not reviewed") if counts.get(k)]
        return words + (f" ({', '.join(of)})" if of else "")

    sections = [*comparison.before, None, *comparison.after]
    return [
        (s.title, said({status: s.count(status) for status in STATUSES}))
        if s
        else ("Answers", said(answer_counts(comparison.answers)))
        for s in sections
    ]


ITEM_JSON = ("id", "place", "was", "status", "diff", "reviewed")
FIELD_JSON = ("place", "topic", "status", "diff", "stale")


def to_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison as JSON-ready data: a list per section, in the cable's order, and the counts."""
    out: dict[str, Any] = {}
    for section in comparison.before:
        out[section.key] = _fields_json(section)
    out["answers"] = [{k: v for k, v in asdict(c).items() if k in ITEM_JSON} for c in comparison.answers]
    for section in comparison.after:
        out[section.key] = _fields_json(section)
    counts = {s.key: {status: s.count(status) for status in STATUSES} for s in (*comparison.before, *comparison.after)}
    out["counts"] = {**counts, "answers": answer_counts(comparison.answers)}
    return out


def _fields_json(section: Section) -> list[dict[str, Any]]:
    return [{k: v for k, v in asdict(f).items() if k in FIELD_JSON} for f in section.fields]
