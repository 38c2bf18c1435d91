"""Check a loaded country file against its questionnaire edition; report every problem, located."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import countries, errors
from ..domain.classification import MARKS_SAID
from ..domain.dtg import DateTimeGroup
from ..domain.numbering import letters_of, paragraph_number
from ..edition import Edition, load_edition, report_year
from ..errors import ERROR, UNREVIEWED, Diagnostic, InvalidCountryFile, TipDraftError, command
from ..yamlio.load import Document, describe, item_position, key_position, value_position
from . import rules
from .country_format import TOP_LEVEL, country_file, portion_marks
from .fields import Records, Spot
from .rules import Checker


@dataclass
class Validation:
    """What validation found: diagnostics sorted by position, and the edition the file answers."""

    diagnostics: list[Diagnostic]
    edition: Edition | None

    @property
    def errors(self) -> list[Diagnostic]:
        """Only the errors."""
        return [d for d in self.diagnostics if d.severity == ERROR]


def validate(doc: Document, editions: Sequence[Path] = (), draft: bool = False) -> Validation:
    """Run every rule on ``doc``; the edition is read from the file's ``edition`` key.

    First the format (every key and value as the edition's country-file format declares it,
    the same declarations the JSON Schema is written from), then the cable's own rules. In a
    ``draft``, placeholders left in the text are warnings rather than errors.
    """
    checker = Checker(doc, draft)
    data = doc.data
    edition = _edition(checker, data, editions)
    country_file(edition).check(data, Spot(checker, (1, 1), errors.Place()))
    cable = data.get("cable") if isinstance(data.get("cable"), dict) else None
    if cable is not None:
        rules.cable_rules(checker, cable, edition)
        _country(checker, cable)
    answers = data.get("answers")
    if edition is not None:
        _marks(checker, data, edition)
        if cable is not None:
            _years(checker, cable, report_year(data, edition))
        if isinstance(answers, dict):
            rules.order_rules(checker, answers, {p.number: [i.letter for i in p.items] for p in edition.paragraphs})
            _answered_twice(checker, answers, edition)
    _unreviewed(checker, answers)
    _stale(checker, data)
    _kept(checker, data)
    if cable is not None:
        rules.classification_rules(checker, cable)
    rules.text_rules(checker, data)
    return Validation(sorted(set(checker.found)), edition)


def _years(checker: Checker, cable: Any, year: int) -> None:
    """The date-time group and the subject name the report's year (``year:``, or the
    edition's): a year left from last year's cable is an error (a warning in a draft)."""
    sent = DateTimeGroup.read(cable.get("date_time_group"))
    if sent is not None and sent.year != year:
        checker.final_error(
            value_position(cable, "date_time_group"),
            "cable.date_time_group",
            f"sent in {sent.year}, but the report is {year}'s",
            code="year",
        )
    subject = cable.get("subject")
    for named in re.findall(r"\b(?:19|20)\d\d\b", subject) if isinstance(subject, str) else ():
        if int(named) != year:
            checker.final_error(
                value_position(cable, "subject"), "cable.subject", f"names {named}, but the report is {year}'s", code="year"
            )


def _country(checker: Checker, cable: Any) -> None:
    """Country, code and post that the country table says belong to different countries."""
    values = [cable.get(key) for key in ("country", "country_code", "post")]
    if all(isinstance(v, str) for v in values) and (message := countries.mismatch(*values)):
        checker.warn(
            value_position(cable, "country"),
            "cable.country",
            f"{message} (the country table, tip_drafter/data/countries.yaml)",
            code="country",
        )


def edition_of(doc: Document, search: Sequence[Path] = ()) -> Edition:
    """The edition ``doc`` answers, for a command that needs only that (diff, review); what
    stops it is raised located, as validate reports it."""
    checker = Checker(doc)
    edition = _edition(checker, doc.data, search)
    if edition is not None:
        return edition
    if not checker.found and "edition" not in doc.data:
        checker.error((1, 1), "edition", "no 'edition' key: which questionnaire does it answer?", code="required")
    elif not checker.found:
        found = describe(doc.data["edition"])
        checker.error(
            value_position(doc.data, "edition"),
            "edition",
            f"expected an edition's name, such as 2009; found {found}",
            code="type",
        )
    raise InvalidCountryFile(f"{doc.path}: {checker.found[0].message}", diagnostics=checker.found)


def _edition(checker: Checker, data: Any, search: Sequence[Path]) -> Edition | None:
    name = data.get("edition")
    if name is None or isinstance(name, bool) or not isinstance(name, (str, int)):
        return None  # the format reports it
    try:
        return load_edition(str(name), search)
    except TipDraftError as exc:
        checker.error(value_position(data, "edition"), "edition", str(exc), code="enum", pointer="/edition")
        return None


def _marks(checker: Checker, data: Any, edition: Edition) -> None:
    """Collect every portion mark for the classification rules; a framing paragraph without
    one prints the edition's default, with a warning."""
    for found in (m for m in portion_marks(data, edition) if m.known):  # the format reports the others
        if found.default:
            message = f"no portion mark: printed as ({found.mark}), the questionnaire's default (add mark: {MARKS_SAID})"
            checker.warn(found.position, found.where, message, code="mark")
        checker.marks.append((found.position, found.where, found.mark))


def _mappings(value: Any) -> list[tuple[Any, Any]]:
    """The entries of a mapping whose values are mappings (none if ``value`` is not one)."""
    return [(k, v) for k, v in value.items() if isinstance(v, dict)] if isinstance(value, dict) else []


def _answered_twice(checker: Checker, answers: Any, edition: Edition) -> None:
    """A letter under two keys (``B and C`` and ``C``): JSON Schema cannot say this one."""
    for key, para in _mappings(answers):
        number = paragraph_number(key)
        if number is None or edition.paragraph(number) is None:
            continue
        first: dict[str, str] = {}
        for name in (k for k in para if isinstance(k, str)):
            for letter in letters_of(name) or ():
                if letter in first:
                    message = f"answered twice: under {first[letter]!r} and under {name!r}"
                    checker.error(key_position(para, name), errors.Place(number, (letter,)), message, code="answered-twice")
                first.setdefault(letter, name)


def _unreviewed(checker: Checker, answers: Any) -> None:
    """An answer carried over from last year and not yet reviewed: an error for a final cable
    (render refuses it), a warning in a draft."""
    for key, para in _mappings(answers):
        for name, value in para.items():
            letters = letters_of(name) if isinstance(name, str) else None
            if letters and isinstance(value, dict) and "carried_over" in value:
                year = value["carried_over"]
                label = f"{key}.{letters[0]}"  # the name review takes (a joint answer by any of its letters)
                message = (
                    f"carried over from {year}, not yet reviewed: check it, then: {command('review', checker.doc.path, label)}"
                )
                checker.final_error(
                    key_position(value, "carried_over"), errors.Place.item(key, letters), message, code=UNREVIEWED
                )


def _stale(checker: Checker, data: Any) -> None:
    """Fields ``new`` kept from last year that a person has to check (the point of contact,
    the hours, the signature ...): each one, until reviewed, as a carried-over answer is."""
    places = data.get("unreviewed")
    for index, place in enumerate(places if isinstance(places, list) else ()):
        message = f"kept from last year, not yet reviewed: check it, then: {command('review', checker.doc.path, place)}"
        checker.final_error(item_position(places, index), str(place), message, code=UNREVIEWED)


def _kept(checker: Checker, data: Any) -> None:
    """Records kept in the file but never printed: a warning with their count."""
    for name, f in TOP_LEVEL.items():
        if isinstance(f.kind, Records) and name in data:
            records = data[name]
            count = len(records) if isinstance(records, list) else 0
            checker.warn(key_position(data, name), name, f"{count} {f.doc}", code="kept")
