"""The country file's declarations, built from the field kinds of :mod:`.fields`: every section's keys, and an edition's paragraphs and items as kinds."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from .. import errors
from ..domain import classification, dtg
from ..domain.classification import FOUO, MARKS, MARKS_SAID, SENSITIVE, WORDS
from ..domain.numbering import SEPARATOR, letters_of, paragraph_number
from ..edition import Edition, Paragraph
from ..yamlio.load import describe, key_name, key_position, value_position
from .fields import (
    AnyMapping,
    Choice,
    EditionName,
    Field,
    Json,
    Kind,
    ListOf,
    Number,
    Record,
    Records,
    Spot,
    Text,
    fields,
    join,
)
from .values import VISIBLE, is_blank

# Precedence word -> the letter doubled on the relay line and single before the date-time group.
PRECEDENCE: dict[str, str] = {"FLASH": "Z", "IMMEDIATE": "O", "PRIORITY": "P", "ROUTINE": "R"}

EXECUTIVE_ORDER = "12958"  # the E.O. a cable cites when its file names none (the cable and an import)

MARK = Field(
    Choice(MARKS),
    f"portion marking: {MARKS_SAID}",
    required=True,
    missing=f"no portion mark: add mark: {MARKS_SAID}",
)


@dataclass(frozen=True)
class SensitiveCaveat:
    """The cable's rule between classification and caveats: SENSITIVE under an SBU (FOR
    OFFICIAL USE ONLY) cable, and under no other (the words: ``classification``)."""

    def check(self, value: dict[Any, Any], at: Spot) -> None:
        """The caveat missing, or where it may not be (an unknown word, or caveats that are not
        a list: the format says so already)."""
        level = classification.of(value.get("classification"))
        caveats = value.get("caveats", [])
        if level is None or not isinstance(caveats, list):
            return
        if problem := classification.caveat_problem(level, caveats):
            key = "classification" if level.sensitive else "caveats"  # missing, or where it may not be
            Spot(at.out, value_position(value, key), join(at.where, key), (*at.pointer, "caveats")).error(problem, "caveat")

    def json(self) -> Json:
        """``if`` FOR OFFICIAL USE ONLY ``then`` caveats contain SENSITIVE; ``if`` another
        known classification ``then`` they do not."""
        sensitive = {"contains": {"const": SENSITIVE}}
        fouo = {"if": _classified([FOUO.word]), "then": {"required": ["caveats"], "properties": {"caveats": sensitive}}}
        others = _classified([word for word in WORDS if word != FOUO.word])
        return {"allOf": [fouo, {"if": others, "then": {"properties": {"caveats": {"not": sensitive}}}}]}


def _classified(words: list[str]) -> Json:
    """A cable classified as one of ``words``."""
    return {"required": ["classification"], "properties": {"classification": {"enum": words}}}


CABLE = Record(
    fields(
        post=Field(Text(), "the sending post as in the FM line, without AMEMBASSY (e.g. BRUSSELS)", required=True),
        country=Field(Text(), "the country reported on, in capitals", required=True),
        country_code=Field(
            Text(r"^[A-Z]{2}$", "two capital letters, e.g. BE"), "two-letter country tag, printed last in TAGS", required=True
        ),
        serial=Field(Number(), "the cable's serial number (244 prints as 000244)", required=True),
        date_time_group=Field(Text(dtg.PATTERN, f"e.g. {dtg.EXAMPLE}"), "when sent: DDhhmmZ MON YY", required=True),
        precedence=Field(Choice(tuple(PRECEDENCE)), "IMMEDIATE, PRIORITY or ROUTINE", required=True),
        classification=Field(Choice(WORDS), "the cable's overall classification", required=True),
        caveats=Field(ListOf(Text()), "caveat lines under the classification line, e.g. SENSITIVE, SIPDIS"),
        **{"pass": Field(ListOf(Text()), "pass and attention lines, e.g. STATE PASS G/TIP")},
        executive_order=Field(Text(numbers=True), f"the E.O. number (default {EXECUTIVE_ORDER})"),
        declassify=Field(
            Text(r"^\d{2}/\d{2}/\d{4}$", "MM/DD/YYYY"), "declassification date of a classified cable (DECL: MM/DD/YYYY)"
        ),
        classified_by=Field(Text(), "who classified a classified cable, and why"),
        tags=Field(ListOf(Text(), nonempty=True), "subject tags; the country code is added last", required=True),
        subject=Field(Text(), "the subject line, in capitals", required=True),
        reference=Field(Text(), "the instruction cable answered, e.g. 2008 SECSTATE 132759"),
        reference_note=Field(Text(), "a note printed after REF"),
        signature=Field(Text(), "the chief of mission's surname", required=True),
    ),
    "the cable's metadata: header, classification, subject",
    rules=(SensitiveCaveat(),),
)


def cable_for(edition: Edition) -> Record:
    """The cable's section for ``edition``: its tags must hold the tags the edition requires."""
    tags = CABLE.keys["tags"]
    why = f"the {edition.name} questionnaire requires the tag(s)"
    kind = ListOf(Text(), nonempty=True, contains=edition.required_tags, contains_why=why)
    return replace(CABLE, keys={**CABLE.keys, "tags": replace(tags, kind=kind)})


ADDRESSEE = Record(
    fields(
        routing=Field(Text(r"^[A-Z]{4,8}$", "4-8 capital letters"), "routing indicator, e.g. RUEHC", required=True),
        address=Field(Text(), "the addressee, e.g. SECSTATE WASHDC", required=True),
        serial=Field(Text(r"^\d{1,4}$", "up to 4 digits"), "per-addressee serial of a State post, 4 digits"),
        precedence=Field(Choice(tuple(PRECEDENCE)), "this addressee's precedence, if not the cable's"),
    ),
    "an addressee",
)

TRANSMISSION = Record(
    fields(
        channel=Field(Text(), "the channel and sequence line, e.g. VZCZCXRO8220"),
        relays=Field(ListOf(Text()), "relay stations on the precedence line"),
        station=Field(Text(), "the originating station in the DE line, e.g. RUEHBS", required=True),
        sender=Field(Text(), "the FM line (default AMEMBASSY <post>)"),
        to=Field(ListOf(ADDRESSEE), "action addressees", required=True),
        info=Field(ListOf(ADDRESSEE), "information addressees"),
    ),
    "routing and addressees, as the communications center sends them",
)

ANSWER = Record(
    fields(
        text=Field(Text(blank=True), "the answer: one or more paragraphs of prose"),
        to_follow=Field(Text(blank=True), "a note that data will follow later, printed in brackets first"),
        carried_over=Field(Text(numbers=True), "the year this answer was carried over from; remove once reviewed"),
    ),
    "an answer with a note that data will follow",
)

HOURS_PATTERN = r"^(.+?)\s*\(([^()]+)\)\s*:\s*(\d+(?:\.\d+)?|TBD)\s+hours?$"

# The fields of a framing paragraph, by its kind in the edition (the mark is optional there:
# the edition gives a default).
FRAMING = {
    "contact": Record(
        fields(
            mark=MARK,
            name=Field(Text(), "the point of contact's name (required unless text is given)"),
            title=Field(Text(), "their job title"),
            email=Field(Text(r"^[^@\s]+@[^@\s]+$", "name@host"), "their e-mail address"),
            phone=Field(Text(), "their office phone"),
            text=Field(Text(), "the paragraph as printed (default: written from the fields)"),
        ),
        needs=(("name",), ("text",)),
        needs_message="give the point of contact's name (or the paragraph as printed, in text)",
        optional=frozenset({"mark"}),
    ),
    "hours": Record(
        fields(
            mark=MARK,
            intro=Field(Text(), "the sentence before the list, e.g. Hours spent by Embassy X ..."),
            employees=Field(
                ListOf(Text(HOURS_PATTERN, "Title Name (GRADE): N hours")), "one line per employee: Title Name (GRADE): N hours"
            ),
            text=Field(Text(), "the paragraph as printed, when the lines do not follow the form"),
        ),
        needs=(("intro", "employees"), ("text",)),
        needs_message="give intro and employees (or the paragraph as printed, in text)",
        optional=frozenset({"mark"}),
    ),
    "text": Record(
        fields(mark=MARK, text=Field(Text(), "the line as printed (default: the edition's)")), optional=frozenset({"mark"})
    ),
}


@dataclass(frozen=True)
class Answer(Kind):
    """One lettered answer: text, or a mapping with text and a to_follow note."""

    placeholder = False

    def check(self, value: Any, at: Spot) -> None:
        """Text that prints, or an answer mapping."""
        if isinstance(value, dict):
            ANSWER.check(value, at)
            if is_blank(value.get("text")) and is_blank(value.get("to_follow")):
                at.error("answer is empty", "empty", at_key=True, final=True)
        elif value is None or (isinstance(value, str) and is_blank(value)):  # ``A:`` as ``A: ""``
            at.error("answer is empty", "empty", final=True)
        elif not isinstance(value, str):
            at.error(f"expected the answer's text (or text and to_follow), found {describe(value)}", "type")

    def json(self) -> Json:
        """A string that prints, or the answer mapping."""
        printed = [{"required": [k], "properties": {k: {"pattern": VISIBLE}}} for k in ("text", "to_follow")]
        return {"anyOf": [Text().json(), {**ANSWER.json(), "anyOf": printed}]}


@dataclass(frozen=True)
class QuestionnaireParagraph(Kind):
    """A numbered paragraph of an edition: its mark, an optional heading, one key per letter
    (or per group of letters answered together)."""

    para: Paragraph
    placeholder = False

    def check(self, value: Any, at: Spot) -> None:
        """A mapping of mark, heading and lettered answers; every required item answered."""
        if not isinstance(value, dict):
            at.error(f"expected a mapping of lettered answers, found {describe(value)}", "type")
            return
        answered: set[str] = set()
        PARAGRAPH.check_keys(value, at, lambda key, here: self._answer(value, key, here, answered))
        for item in self.para.items:
            if item.required and item.letter not in answered:
                where = errors.Place(self.para.number, (item.letter,))
                Spot(at.out, at.key_pos or at.pos, where, (*at.pointer, item.letter)).error(
                    f"no answer ({item.topic})", "required", final=True
                )

    def _answer(self, value: Any, key: Any, here: Spot, answered: set[str]) -> bool:
        letters = letters_of(key_name(key))
        if not letters:
            return False  # reported as an unknown key
        where = errors.Place(self.para.number, tuple(letters))
        unknown = [letter for letter in letters if self.para.item(letter) is None]
        if unknown:
            items = self.para.items
            has = f"{items[0].letter}-{items[-1].letter}" if items else "none"
            message = f"paragraph {self.para.number} has no item {unknown[0]} (it has {has})"
            Spot(here.out, here.key_pos or here.pos, where, here.pointer).error(message, "unknown-key")
            return True
        answered.update(letters)
        Answer().check(value[key], Spot(here.out, here.pos, where, here.pointer, here.key_pos))
        return True

    def json(self) -> Json:
        """Mark, heading, each letter, joint-letter keys; required items present."""
        letters = "".join(i.letter for i in self.para.items)
        joint = rf"^[{letters}](?:{SEPARATOR}[{letters}])*$"
        out = PARAGRAPH.json()
        out["description"] = f"{self.para.number}. {self.para.title}"
        for item in self.para.items:
            out["properties"][item.letter] = {
                "description": f"{self.para.number}.{item.letter}: {item.topic} ({item.kind})",
                **Answer().json(),
            }
        out["patternProperties"] = {joint: {"description": "one answer for several letters, e.g. 'B and C'", **Answer().json()}}
        present = [
            {
                "not": {
                    "type": "object",
                    "propertyNames": {"not": {"pattern": rf"^(?:[{letters}]{SEPARATOR})*{i.letter}(?:{SEPARATOR}[{letters}])*$"}},
                }
            }
            for i in self.para.items
            if i.required
        ]
        if present:
            out["allOf"] = present
        return out


PARAGRAPH = Record(fields(mark=MARK, heading=Field(Text(), "the title as the post printed it (default: the edition's)")))


@dataclass(frozen=True)
class Answers(Kind):
    """The answers, keyed by paragraph number: only the edition's paragraphs, each required
    one present."""

    edition: Edition
    placeholder = False

    def check(self, value: Any, at: Spot) -> None:
        """Each key a paragraph of the edition; each paragraph with a required item present."""
        if not isinstance(value, dict):
            at.error(f"expected a mapping of paragraphs, found {describe(value)}", "type")
            return
        seen = {self._paragraph(value, key, at) for key in value}
        for para in self.edition.paragraphs:
            if para.number not in seen and _asks(para):
                missing = Spot(at.out, at.key_pos or at.pos, errors.Place(para.number), (*at.pointer, str(para.number)))
                missing.error(f"paragraph is missing ({para.title})", "required", final=True)

    def _paragraph(self, value: Any, key: Any, at: Spot) -> int | None:
        """Check one paragraph; its number, if the edition has it."""
        number = paragraph_number(key)
        para = self.edition.paragraph(number) if number is not None else None
        here = at.key(value, key, errors.Place.item(key_name(key) if number is None else number))
        if para is None:
            numbers = ", ".join(str(p.number) for p in self.edition.paragraphs)
            message = f"the {self.edition.name} questionnaire has no paragraph {key_name(key)!r} (it has {numbers})"
            here.on_key().error(message, "unknown-key")
            return None
        QuestionnaireParagraph(para).check(
            value[key], Spot(at.out, here.pos, errors.Place(para.number), here.pointer, here.key_pos)
        )
        return para.number

    def json(self) -> Json:
        """Paragraph numbers as patterns (YAML keys are numbers; JSON names are text)."""
        return {
            "type": "object",
            "patternProperties": {f"^{p.number}$": QuestionnaireParagraph(p).json() for p in self.edition.paragraphs},
            "required": [str(p.number) for p in self.edition.paragraphs if _asks(p)],
            "additionalProperties": False,
        }


def _asks(para: Paragraph) -> bool:
    """Whether a paragraph has a required item (and so must be there)."""
    return any(i.required for i in para.items)


class PortionMark(NamedTuple):
    """A portion mark a country file gives, or implies, and where it stands."""

    position: tuple[int, int]
    where: errors.Place
    mark: str  # as given (``TS``, ``(S)``: not known marks, which the format's checks report)
    default: bool  # the file gives none: the edition's default for a framing paragraph

    @property
    def known(self) -> bool:
        """Whether the mark is one of the portion marks (U, SBU, C, S)."""
        return self.mark in MARKS


def portion_marks(data: Any, edition: Edition) -> list[PortionMark]:
    """Every portion mark of a country file: each framing paragraph's (the edition's default
    where the paragraph gives none) and each questionnaire paragraph's, known or not."""
    found = []
    for frame in edition.framing:
        value = data.get(frame.id)
        if isinstance(value, dict) and "mark" not in value:
            found.append(PortionMark(key_position(data, frame.id), errors.Place.named(frame.id), frame.mark, True))
        elif isinstance(value, dict):
            found.append(PortionMark(value_position(value, "mark"), errors.Place.named(frame.id), str(value["mark"]), False))
    answers = data.get("answers")
    for key, para in answers.items() if isinstance(answers, dict) else ():
        if isinstance(para, dict) and "mark" in para:
            found.append(PortionMark(value_position(para, "mark"), errors.Place.item(key), str(para["mark"]), False))
    return found


TOP_LEVEL = fields(
    edition=Field(EditionName(), "the questionnaire edition this file answers, e.g. 2009", required=True),
    year=Field(Number(), "the report year, when it is not the edition's (a draft started from last year's file)"),
    unreviewed=Field(
        ListOf(Text()), "fields kept from last year that may be stale (set by tipdraft new; tipdraft review clears them)"
    ),
    previous=Field(
        Text(), "last year's country file, this draft's start (set by tipdraft new; tipdraft review compares with it)"
    ),
    cable=Field(CABLE, CABLE.doc, required=True),
    transmission=Field(TRANSMISSION, TRANSMISSION.doc),
    answers=Field(AnyMapping(), "the answers, keyed by paragraph number and letter", required=True),
    dropped=Field(Records(), "answer(s) to questions this edition no longer asks: kept here, not printed"),
    unplaced=Field(Records(), "piece(s) of an imported cable that fit no field: kept here, not printed"),
)


def country_file(edition: Edition | None) -> Record:
    """The whole file's format for ``edition``: its framing paragraphs and answers added to the
    sections every file has (without an edition, the answers are only checked to be a mapping)."""
    if edition is None:
        return Record(TOP_LEVEL, "a tipdraft country file", open=True)
    keys = dict(TOP_LEVEL)
    keys["edition"] = Field(EditionName(edition.name), TOP_LEVEL["edition"].doc, required=True)
    keys["cable"] = Field(cable_for(edition), CABLE.doc, required=True)
    for frame in edition.framing:
        keys[frame.id] = Field(FRAMING[frame.kind], frame.title, required=frame.required)
    keys["answers"] = Field(Answers(edition), TOP_LEVEL["answers"].doc, required=True)
    return Record(keys, f"tipdraft country file, {edition.name} questionnaire ({edition.instruction})")
