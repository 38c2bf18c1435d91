"""Import a cable's text into a country file: the header into its fields, the answers under
their paragraph and letter, whatever fits nowhere kept (never dropped) with a warning."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from ..cable.framing import KINDS
from ..domain.classification import MARKS_SAID
from ..edition import Edition, load_edition
from ..errors import NotACable, para_label
from ..format import schema
from ..options import COUNTRIES
from ..output import refuse_overwrite
from . import cableinput, cableparse, header, kept, recognize
from .placing import Gathered, GatheredAnswer, Piece, gather

TO_FOLLOW = re.compile(r"^\(([^()a-z]{12,})\)\s*(.*)$")


@dataclass
class Imported:
    """The country file's data and what the user should know about the import."""

    data: CommentedMap
    warnings: list[str]
    notes: list[str]
    found: str = ""  # the questionnaire the cable answers: the edition's name, "other" or "none"


def import_cable(text: str, edition: Edition, force: bool = False) -> Imported:
    """Read a cable (as sent, or as an archive printed it) into country-file data.

    Raises :class:`NotACable` for text that is no cable, a cable that is no TIP report (unless
    ``force``), and, never silently, if the file built would lose any word of the body."""
    cable = cableparse.parse(text)
    if not cable.header and not any(cableparse.NUMBERED.match(b.text) for b in cable.body):
        raise NotACable("no classification line and no numbered paragraphs: this is not a cable")
    gathered = gather(cable.body, edition)
    gathered.unplaced[:0] = [Piece(b.first, b.last, [b.text], "header") for b in cable.leftovers]
    verdict = recognize.judge(_parts(cable, gathered, edition))
    if not force and not verdict.is_tip:
        raise NotACable(verdict.refusal())
    data = _build(cable, gathered, edition)
    lost = kept.losses([*cable.leftovers, *cable.body], data, edition)
    if lost:
        raise NotACable("the import would lose text; nothing written:\n" + "\n".join(lost))
    found = edition.name if gathered.answers else "other" if gathered.foreign else "none"
    return Imported(data, _warnings(cable, gathered, edition), cable.notes + gathered.notes, found)


def _build(cable: cableparse.ParsedCable, gathered: Gathered, edition: Edition) -> CommentedMap:
    data = CommentedMap()
    data["edition"] = edition.name
    data["cable"] = header.cable_fields(cable, gathered.signature, gathered.warnings)
    if cable.envelope.get("station") and cable.envelope.get("to"):
        data["transmission"] = header.transmission(cable)
    elif cable.envelope:
        gathered.notes.append(
            "part of the routing envelope only: its date-time group and precedence read, no transmission: written"
        )
    for frame in edition.framing:
        if frame.id in gathered.framing:
            data[frame.id] = _framing(frame.kind, frame.default, *gathered.framing[frame.id])
    data["answers"] = _answers(gathered, edition)
    if gathered.unplaced:
        data["unplaced"] = CommentedSeq(_unplaced(b) for b in gathered.unplaced)
    return data


def _warnings(cable: cableparse.ParsedCable, gathered: Gathered, edition: Edition) -> list[str]:
    warnings = (
        cable.warnings
        + gathered.warnings
        + _missing(gathered, edition)
        + [
            f"lines {b.first}-{b.last}: could not place this text; kept under 'unplaced'"
            for b in gathered.unplaced
            if not b.heading.endswith(": the question")
        ]
    )
    if not gathered.ended:
        warnings.append(f"line {cable.last_line}: no {edition.end.rstrip('.') or 'closing line'}: the cable may be cut short")
    return warnings


def _parts(cable: cableparse.ParsedCable, gathered: Gathered, edition: Edition) -> dict[str, list[str]]:
    """The parts of the cable the signs of a TIP report are looked for in (see :mod:`recognize`)."""
    h = cable.header
    reference = " ".join(str(h.get(k, "")) for k in ("reference", "reference_note")).strip()
    body = [b.text for b in cable.body]
    placed = [para_label(n) for n, answers in gathered.answers.items() for _ in answers]  # this edition's, however keyed
    return {
        "subject": [str(h.get("subject", ""))],
        "tags": list(dict.fromkeys([*h.get("tags", []), *([h["country_code"]] if h.get("country_code") else [])])),
        "pass": [*h.get("pass", []), *h.get("caveats", [])],
        "reference": [reference] if reference else [],
        "body": body,
        "keyed": [*placed, *gathered.foreign] if len(placed) + len(gathered.foreign) >= 3 else recognize.keyed(body),
        "instruction": [reference] if recognize.names_instruction(reference, edition.instruction) else [],
    }


def _unplaced(piece: Piece) -> CommentedMap:
    entry = CommentedMap(lines=f"{piece.first}-{piece.last}")
    if piece.heading:
        entry["heading"] = piece.heading
    entry["text"] = _literal(piece.paragraphs)
    return entry


def _framing(kind: str, default: str, mark: str, paragraphs: list[str]) -> CommentedMap:
    return CommentedMap([*([("mark", mark)] if mark else []), *KINDS[kind].imported(paragraphs, default, _literal)])


def _answers(gathered: Gathered, edition: Edition) -> CommentedMap:
    out = CommentedMap()
    for para in edition.paragraphs:
        found = gathered.answers.get(para.number)
        if not found and para.number not in gathered.marks and para.number not in gathered.headings:
            continue
        entry = out[para.number] = _para_entry(gathered, para.number, para.title)
        for answer in found or []:
            key = " and ".join(answer.letters)
            if key in entry:
                gathered.notes.append(f"line {answer.line}: {para.number}.{key} answered twice; the two answers are joined")
                entry[key] = _literal([str(entry[key]), *answer.paragraphs])
                continue
            entry[key] = _answer_value(_drop_question(answer, gathered, para.number))
    return out


def _para_entry(gathered: Gathered, number: int, title: str) -> CommentedMap:
    """A paragraph's mark and, where the cable's differs from the questionnaire's, heading."""
    entry = CommentedMap()
    if gathered.marks.get(number):
        entry["mark"] = gathered.marks[number]
    else:  # validate asks for one: a portion mark is the post's call, not ours
        gathered.warnings.append(f"{para_label(number)}: the cable gives it no portion mark; add one (mark: {MARKS_SAID})")
    heading = gathered.headings.get(number, "")
    if heading and heading != title:
        entry["heading"] = heading
    return entry


def _drop_question(answer: GatheredAnswer, gathered: Gathered, number: int) -> list[str]:
    """Posts that repeat each question before answering it: the answer under its letter, the
    question under 'unplaced'."""
    if len(answer.paragraphs) > 1 and answer.paragraphs[0].rstrip().endswith("?"):
        gathered.notes.append(f"line {answer.line}: the question repeated before the answer is kept under 'unplaced'")
        gathered.unplaced.append(
            Piece(answer.line, answer.line, answer.paragraphs[:1], f"{para_label(number, answer.letters)}: the question")
        )
        return answer.paragraphs[1:]
    return answer.paragraphs


def _answer_value(paragraphs: list[str]) -> Any:
    if paragraphs and (m := TO_FOLLOW.match(paragraphs[0])):
        rest = [m[2], *paragraphs[1:]] if m[2] else paragraphs[1:]
        return CommentedMap([("to_follow", m[1].strip()), ("text", _literal(rest))])
    return _literal(paragraphs)


def _missing(gathered: Gathered, edition: Edition) -> list[str]:
    answered = {(n, letter) for n, answers in gathered.answers.items() for a in answers for letter in a.letters}
    lines = {n: answers[0].line for n, answers in gathered.answers.items() if answers}
    return [
        f"{para_label(p.number, (i.letter,))}: no answer found ({i.topic})"
        + (f"; paragraph {p.number} starts at line {lines[p.number]}" if p.number in lines else "")
        for p, i in edition.items()
        if i.required and (p.number, i.letter) not in answered
    ]


def _literal(paragraphs: Iterator[str] | list[str]) -> LiteralScalarString:
    """Paragraphs as a block of text wrapped for reading; rendering joins the lines again."""
    wrapped = ["\n".join(textwrap.wrap(p, 80, break_long_words=False, break_on_hyphens=False)) for p in paragraphs if p.strip()]
    text: LiteralScalarString = LiteralScalarString("\n\n".join(wrapped))
    return text


@dataclass
class Read:
    """A cable read and converted, not yet written: the country file's data, its edition and
    where it goes."""

    output: Path
    result: Imported
    edition: Edition

    def write(self, force: bool = False) -> None:
        """Write the country file (never over a file unless ``force``)."""
        refuse_overwrite(self.output, force)
        schema.write_country(self.result.data, self.output, self.edition)


def imported(
    read: cableinput.CableText, name: str, edition: str | None, editions: Sequence[Path], force: bool
) -> tuple[Imported, Edition]:
    """A cable's text imported (the edition its REF or subject names unless ``edition``), its
    reading's warnings first; a refusal names ``name``. What a file and a text import share."""
    found, note = (edition, "") if edition else recognize.edition_for(read.text, editions)
    chosen = load_edition(found, editions)
    try:
        result = import_cable(read.text, chosen, force)
    except NotACable as exc:
        raise NotACable(f"{name}: {exc}") from None
    result.warnings[:0] = [*read.warnings, *([note] if note else [])]
    return result, chosen


def read_file(
    cable: Path,
    output: Path | None,
    edition: str | None,
    editions: Sequence[Path] = (),
    force: bool = False,
    folder: Path = COUNTRIES,
) -> Read:
    """Import the cable at ``cable`` in memory (``force``: even one that is no TIP report);
    :meth:`Read.write` writes it.

    Without ``edition``: the edition whose instruction cable the REF line names, else the
    year in the cable's subject, if there is such an edition; else the newest one. Without
    ``output``, the file is named after the country in ``folder`` (after the cable's file
    when no country was found).
    """
    read = cableinput.read_cable(cable)
    result, chosen = imported(read, str(cable), edition, editions, force)
    if output is None:
        country = str(result.data["cable"].get("country", "")).lower()
        name = "" if country == "tbd" else "-".join(re.findall(r"[a-z0-9]+", country))
        output = folder / f"{name or cable.stem.lower()}.yaml"
    return Read(output, result, chosen)
