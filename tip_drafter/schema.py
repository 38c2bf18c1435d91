"""The country file's format, declared: sections, fields, what each takes, and the cable's vocabularies."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .classification import CLASSIFICATIONS as CLASSIFICATIONS
from .classification import PORTION_RANK as PORTION_RANK
from .dtg import PATTERN as DTG_PATTERN

# Precedence word -> the letter doubled on the relay line and single before the DTG.
PRECEDENCE = {"FLASH": "Z", "IMMEDIATE": "O", "PRIORITY": "P", "ROUTINE": "R"}
HOURS_PATTERN = r"^(?P<employee>.+?)\s*\((?P<grade>[^()]+)\)\s*:\s*(?P<hours>\d+(?:\.\d+)?|TBD)\s+hours?$"
LETTERS_PATTERN = r"^[A-Z](?:(?:\s*,\s*|\s+and\s+)[A-Z])*$"


@dataclass(frozen=True)
class Field:
    """One key of a section: what it takes, whether it must be there, what it means."""

    name: str
    kind: str  # text | integer | list | addressees | choice | mapping | records
    required: bool
    doc: str
    pattern: str = ""
    choices: tuple[str, ...] = ()
    hint: str = ""


def _choice(name: str, required: bool, doc: str, choices: Iterable[str]) -> Field:
    return Field(name, "choice", required, doc, choices=tuple(choices))


TOP_LEVEL = (
    Field("edition", "text", True, "the questionnaire edition this file answers, e.g. 2009"),
    Field("year", "integer", False, "the report year, when it is not the edition's (a draft started from last year's file)"),
    Field("cable", "mapping", True, "the cable's metadata: header, classification, subject"),
    Field("transmission", "mapping", False, "routing and addressees, as the communications center sends them"),
    Field("answers", "mapping", True, "the answers, keyed by paragraph number and letter"),
    Field("dropped", "records", False, "answer(s) to questions this edition no longer asks: kept here, not printed"),
    Field("unplaced", "records", False, "piece(s) of an imported cable that fit no field: kept here, not printed"),
)

CABLE = (
    Field("post", "text", True, "the sending post as in the FM line, without AMEMBASSY (e.g. BRUSSELS)"),
    Field("country", "text", True, "the country reported on, in capitals"),
    Field(
        "country_code",
        "text",
        True,
        "two-letter country tag, printed last in TAGS",
        r"^[A-Z]{2}$",
        hint="two capital letters, e.g. BE",
    ),
    Field("serial", "integer", True, "the cable's serial number (244 prints as 000244)"),
    Field("date_time_group", "text", True, "when sent: DDhhmmZ MON YY", DTG_PATTERN, hint="e.g. 201555Z FEB 09"),
    _choice("precedence", True, "IMMEDIATE, PRIORITY or ROUTINE", PRECEDENCE),
    _choice("classification", True, "the cable's overall classification", CLASSIFICATIONS),
    Field("caveats", "list", False, "caveat lines under the classification line, e.g. SENSITIVE, SIPDIS"),
    Field("pass", "list", False, "pass and attention lines, e.g. STATE PASS G/TIP"),
    Field("executive_order", "text", False, "the E.O. number (default 12958)"),
    Field(
        "declassify",
        "text",
        False,
        "declassification date of a classified cable (DECL: MM/DD/YYYY)",
        r"^\d{2}/\d{2}/\d{4}$",
        hint="MM/DD/YYYY",
    ),
    Field("classified_by", "text", False, "who classified a classified cable, and why"),
    Field("tags", "list", True, "subject tags; the country code is added last"),
    Field("subject", "text", True, "the subject line, in capitals"),
    Field("reference", "text", False, "the instruction cable answered, e.g. 2008 SECSTATE 132759"),
    Field("reference_note", "text", False, "a note printed after REF"),
    Field("signature", "text", True, "the chief of mission's surname"),
)

TRANSMISSION = (
    Field("channel", "text", False, "the channel and sequence line, e.g. VZCZCXRO8220"),
    Field("relays", "list", False, "relay stations on the precedence line"),
    Field("station", "text", True, "the originating station in the DE line, e.g. RUEHBS"),
    Field("sender", "text", False, "the FM line (default AMEMBASSY <post>)"),
    Field("to", "addressees", True, "action addressees"),
    Field("info", "addressees", False, "information addressees"),
)

ADDRESSEE = (
    Field("routing", "text", True, "routing indicator, e.g. RUEHC", r"^[A-Z]{4,8}$", hint="4-8 capital letters"),
    Field("address", "text", True, "the addressee, e.g. SECSTATE WASHDC"),
    Field("serial", "text", False, "per-addressee serial of a State post, 4 digits", r"^\d{1,4}$", hint="up to 4 digits"),
    _choice("precedence", False, "this addressee's precedence, if not the cable's", PRECEDENCE),
)

MARK = _choice("mark", True, "portion marking: U, SBU, C or S", PORTION_RANK)

# Fields of a framing paragraph, by its kind in the edition.
FRAMING = {
    "contact": (
        MARK,
        Field("name", "text", False, "the point of contact's name (required unless text is given)"),
        Field("title", "text", False, "their job title"),
        Field("email", "text", False, "their e-mail address", r"^[^@\s]+@[^@\s]+$", hint="name@host"),
        Field("phone", "text", False, "their office phone"),
        Field("text", "text", False, "the paragraph as printed (default: written from the fields)"),
    ),
    "hours": (
        MARK,
        Field("intro", "text", False, "the sentence before the list, e.g. Hours spent by Embassy X ..."),
        Field(
            "employees",
            "list",
            False,
            "one line per employee: Title Name (GRADE): N hours",
            HOURS_PATTERN,
            hint="Title Name (GRADE): N hours",
        ),
        Field("text", "text", False, "the paragraph as printed, when the lines do not follow the form"),
    ),
    "text": (MARK, Field("text", "text", False, "the line as printed (default: the edition's)")),
}

PARAGRAPH = (
    MARK,
    Field("heading", "text", False, "the title as the post printed it (default: the edition's)"),
)

ANSWER = (
    Field("text", "text", False, "the answer: one or more paragraphs of prose"),
    Field("to_follow", "text", False, "a note that data will follow later, printed in brackets first"),
    Field("carried_over", "text", False, "the year this answer was carried over from; remove once reviewed"),
)


def letters_of(key: str) -> list[str] | None:
    """The letters an answer key covers: ``"B and C"`` -> ``["B", "C"]``; None if not a letter key."""
    if not re.match(LETTERS_PATTERN, key.strip()):
        return None
    return re.findall(r"[A-Z]", key)


def letters_label(letters: list[str]) -> str:
    """How a cable prints several letters: ``B. and C.``, ``A., B. and C.``."""
    dotted = [f"{letter}." for letter in letters]
    return dotted[0] if len(dotted) == 1 else ", ".join(dotted[:-1]) + " and " + dotted[-1]
