"""Next year's draft: start a country file from last year's (or from nothing), carrying
every answer over, marked unreviewed, onto the new questionnaire's numbering."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from .. import countries
from ..cable.framing import KINDS
from ..cable.model import answers_by_item
from ..domain.classification import BY_WORD, SENSITIVE, highest_mark
from ..edition import Edition, Item, Paragraph, load_edition, report_year
from ..errors import TipDraftError, UsageError, command
from ..format import schema
from ..format.validate import edition_of
from ..output import refuse_overwrite
from ..yamlio.load import flow_list, load

PLACEHOLDER = "TBD"
REVIEW_NOTE = "tipdraft review marks it reviewed (or delete this line)"


@dataclass
class Draft:
    """What ``new`` did: the file written and a report for the user."""

    path: Path
    carried: int = 0
    cleared: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # kept fields marked for review


def new_draft(
    source: Path, year: int, output: Path, edition: str | None = None, editions: Sequence[Path] = (), force: bool = False
) -> Draft:
    """Write next year's draft of ``source`` to ``output`` (never over a file unless ``force``)."""
    refuse_overwrite(output, force)
    doc = load(source, keep_comments=True)
    data = doc.data
    old = edition_of(doc, editions)
    if not isinstance(data.get("answers"), dict):
        raise TipDraftError(f"{source}: not a country file with an edition and answers: run {command('validate', source)} on it")
    new = load_edition(edition, editions) if edition else old
    report = Draft(output)
    old_year = report_year(data, old)
    if year <= old_year:
        raise UsageError(f"--year {year}: the new draft's year must come after {source}'s ({old_year})")
    data["edition"] = new.name
    if new.report_year != year:
        _set_after(data, "edition", "year", year)
    elif "year" in data:
        del data["year"]
    _set_after(data, "year" if "year" in data else "edition", "previous", _relative(source, output))
    _move_on(data, old, old_year, year, report)
    _mark_stale(data, old, year, report)
    report.carried = _mark_unreviewed(data["answers"], old_year)
    if new.name != old.name:
        data["answers"] = _map_answers(data, old, new, report)
    schema.write_country(data, output, new, exclusive=not force)
    return report


def skeleton(
    edition_name: str,
    country: str,
    output: Path,
    editions: Sequence[Path] = (),
    force: bool = False,
    warnings: list[str] | None = None,
    year: int | None = None,
) -> Path:
    """An empty country file with every paragraph and item in order, each topic as a comment;
    the post and code from the country table (a country it does not know: TBD, and a warning
    appended to ``warnings``); ``year``, when it is not the edition's, is written as the
    report year."""
    refuse_overwrite(output, force)
    edition = load_edition(edition_name, editions)
    data = CommentedMap()
    data["edition"] = edition.name
    if year is not None and year != edition.report_year:
        data["year"] = year
    known = countries.by_name(country)
    if known is None and warnings is not None:
        warnings.append(f"{country!r} is not in the country table: post and country_code left {PLACEHOLDER} to fill in")
    data["cable"] = _blank_cable(known.name if known else country.upper(), edition, known, data.get("year", edition.report_year))
    for frame in edition.framing:
        data[frame.id] = CommentedMap([("mark", frame.mark), *KINDS[frame.kind].blank()])
        data.yaml_set_comment_before_after_key(frame.id, before=f"{frame.title}")
    answers = data["answers"] = CommentedMap()
    for para in edition.paragraphs:
        answers[para.number] = entry = CommentedMap(mark=_or_tbd(edition.defaults.mark))
        answers.yaml_set_comment_before_after_key(para.number, before=f"{para.number}. {para.title}", indent=2)
        for item in para.items:
            entry[item.letter] = ""
            entry.yaml_add_eol_comment(f"{item.topic}{'' if item.required else ' (optional)'}", item.letter)
    schema.write_country(data, output, edition, exclusive=not force)
    return output


def _move_on(data: Any, old: Edition, old_year: int, year: int, report: Draft) -> None:
    """Clear or move on what belongs to last year's cable."""
    _move_cable_on(data.get("cable"), old_year, year, report)
    _move_envelope_on(data, report)
    for frame in old.framing:
        value = data.get(frame.id)
        if isinstance(value, dict) and KINDS[frame.kind].move_on(value):
            report.cleared.append(frame.id)


def _move_cable_on(cable: Any, old_year: int, year: int, report: Draft) -> None:
    if isinstance(cable, CommentedMap):
        for key in ("date_time_group", "serial"):
            if key in cable:
                cable[key] = PLACEHOLDER
                report.cleared.append(f"cable.{key}")
        if isinstance(cable.get("subject"), str):
            cable["subject"] = cable["subject"].replace(str(old_year), str(year))
            report.cleared.append("cable.subject (year)")
        cable["reference"] = f"[insert the {year} instruction cable]"
        report.cleared.append("cable.reference")
        if "reference_note" in cable:
            _delete(cable, "reference_note")
            report.cleared.append("cable.reference_note")


def _move_envelope_on(data: Any, report: Draft) -> None:
    transmission = data.get("transmission")
    if isinstance(transmission, dict):
        _clear_serials(transmission, report)


def _clear_serials(transmission: dict[str, Any], report: Draft) -> None:
    """Last year's per-addressee serials go: each cable has its own."""
    for kind in ("to", "info"):
        serials = [a.pop("serial") for a in transmission.get(kind) or () if isinstance(a, dict) and "serial" in a]
        if serials:
            report.cleared.append(f"transmission.{kind} serials")


def _delete(mapping: CommentedMap, key: str) -> None:
    """Remove ``key``; a comment standing after its value goes to the key before it."""
    keys = list(mapping)
    comments = mapping.ca.items.pop(key, None)
    del mapping[key]
    after = comments[2] if comments and len(comments) > 2 else None
    index = keys.index(key)
    if after is not None and index > 0:
        slot = mapping.ca.items.setdefault(keys[index - 1], [None, None, None, None])
        if slot[2] is None:
            slot[2] = after


def _mark_stale(data: CommentedMap, edition: Edition, year: int, report: Draft) -> None:
    """List what ``new`` kept that belongs to last year's people and cable (the point of
    contact, the hours, the signature, a subject with more than the year, the channel):
    validate warns of each, and a final render waits until ``tipdraft review`` clears them."""
    cable, transmission = data.get("cable") or {}, data.get("transmission") or {}
    places = [f.id for f in edition.framing if KINDS[f.kind].stale and f.id in data]
    places += ["cable.signature"] if "signature" in cable else []
    subject = str(cable.get("subject", ""))
    if re.sub(r"\s+", " ", subject).strip() != f"{cable.get('country', '')}: {year} TIP REPORT":
        places.append("cable.subject")
    places += ["transmission.channel"] if "channel" in transmission else []
    if places:
        _set_after(data, "previous", "unreviewed", flow_list(places))
        report.stale = places


def _relative(source: Path, output: Path) -> str:
    """``source`` as seen from ``output``'s folder (for ``tipdraft review`` to find it)."""
    return Path(os.path.relpath(source.resolve(), output.resolve().parent)).as_posix()


def _set_after(data: CommentedMap, after: str, key: str, value: Any) -> None:
    """Set ``key`` (placed after ``after`` if new); the comment that stood after ``after``'s
    value (the one above the next key) stays above that next key."""
    if key in data:
        data[key] = value
        return
    data.insert(list(data).index(after) + 1, key, value)
    slot = data.ca.items.get(after)
    if slot and len(slot) > 2 and slot[2] is not None:
        data.ca.items.setdefault(key, [None, None, None, None])[2] = slot[2]
        slot[2] = None


def _mark_unreviewed(answers: Any, old_year: int) -> int:
    """Put ``carried_over: <year>`` on every answer; a string answer becomes a mapping."""
    count = 0
    for para in answers.values():
        if not isinstance(para, CommentedMap):
            continue
        for key in list(para):
            if key in ("mark", "heading"):
                continue
            value = para[key]
            if not isinstance(value, CommentedMap):
                value = CommentedMap([("text", value)])
                # the answer's comments (after its key, its block indicator, its end) go with its text
                comments = para.ca.items.pop(key, None)
                if comments:
                    value.ca.items["text"] = comments
                para[key] = value
            value.insert(0, "carried_over", old_year, comment=REVIEW_NOTE)
            count += 1
    return count


def _map_answers(data: Any, old: Edition, new: Edition, report: Draft) -> CommentedMap:
    """The answers moved onto the new edition's paragraphs and letters by item id."""
    by_id = answers_by_item(data["answers"], old)
    placed: set[str] = set()
    answers = CommentedMap()
    for para in new.paragraphs:
        entry = _map_paragraph(para, new, by_id, placed, report)
        if entry:
            answers[para.number] = entry
    _keep_dropped(data, {old_id: v for old_id, v in by_id.items() if old_id not in placed}, report)
    return answers


def _map_paragraph(
    para: Paragraph, new: Edition, by_id: dict[str, tuple[str, Any, str]], placed: set[str], report: Draft
) -> CommentedMap:
    """One paragraph of the new edition, its items answered from the old items they carry on,
    marked as the highest of their old paragraphs' marks."""
    entry = CommentedMap()
    marks: list[str] = []
    for item in para.items:
        found = [(old_id, by_id[old_id]) for old_id in new.sources(item) if old_id in by_id]
        placed.update(old_id for old_id, _ in found)
        marks += [mark for _, (_, _, mark) in found]
        if found:
            _place(entry, para, item, found, report)
        else:
            report.added.append(f"{para.number}.{item.letter} {item.topic}")
    if entry:
        entry.insert(0, "mark", highest_mark(marks))
    return entry


def _keep_dropped(data: Any, dropped: dict[str, tuple[str, Any, str]], report: Draft) -> None:
    """Answers no item of the new edition carries on, kept under ``dropped``."""
    if not dropped:
        return
    data["dropped"] = CommentedSeq(CommentedMap(id=i, was=v[0], answer=v[1]) for i, v in dropped.items())
    data.yaml_set_comment_before_after_key(
        "dropped", before="Answers to questions the new questionnaire no longer asks: kept, not printed."
    )
    report.dropped += [f"{v[0]} ({i})" for i, v in dropped.items()]


def _place(
    entry: CommentedMap, para: Paragraph, item: Item, found: list[tuple[str, tuple[str, Any, str]]], report: Draft
) -> None:
    # A joint answer ("B and C") is found once per letter: take each answer once.
    answers = list({id(value): value for _, (_, value, _) in found}.values())
    value = answers[0] if len(answers) == 1 else _merged(answers)
    # an answer placed twice (a split) must not be one shared node: YAML would write an alias
    entry[item.letter] = CommentedMap(value) if isinstance(value, dict) else value
    olds = ", ".join(dict.fromkeys(place for _, (place, _, _) in found))
    if olds != f"{para.number}.{item.letter}":
        report.moved.append(f"{olds} -> {para.number}.{item.letter}")


def _merged(answers: list[Any]) -> CommentedMap:
    """Several earlier questions merged into one: their answers, one after another."""
    texts = [str(a.get("text", "") if isinstance(a, dict) else a).strip() for a in answers]
    year = next((a["carried_over"] for a in answers if isinstance(a, dict) and "carried_over" in a), None)
    return CommentedMap([("carried_over", year), ("text", LiteralScalarString("\n\n".join(t for t in texts if t)))])


def _blank_cable(country: str, edition: Edition, known: countries.Country | None, year: int) -> CommentedMap:
    """The new file's ``cable:``: what the country table knows, the edition's defaults, and
    TBD where the post must fill in (its serial, date-time group, signature)."""
    return CommentedMap(
        post=known.post if known else PLACEHOLDER,
        country=country,
        country_code=known.code if known else PLACEHOLDER,
        serial=PLACEHOLDER,
        date_time_group=PLACEHOLDER,
        **_header_defaults(edition),
        subject=f"{country}: {year} TIP REPORT",
        reference=(edition.instruction if year == edition.report_year else "") or f"[insert the {year} instruction cable]",
        signature=PLACEHOLDER,
    )


def _header_defaults(edition: Edition) -> dict[str, Any]:
    """The cable's header words from the edition's ``defaults:`` (TBD where it gives none):
    SENSITIVE added under an SBU classification and only there, every required tag added."""
    defaults = edition.defaults
    level = BY_WORD.get(defaults.classification)
    caveats = [c for c in defaults.caveats if c != SENSITIVE]
    return {
        "precedence": _or_tbd(defaults.precedence),
        "classification": _or_tbd(defaults.classification),
        "caveats": flow_list([SENSITIVE, *caveats] if level and level.sensitive else caveats),
        "executive_order": _or_tbd(defaults.executive_order),
        "tags": flow_list(list(dict.fromkeys([*defaults.tags, *edition.required_tags]))),
    }


def _or_tbd(value: str) -> str:
    """A default the edition gives, or TBD for the post to fill in."""
    return value or PLACEHOLDER
