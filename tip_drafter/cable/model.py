"""The logical cable built from a valid country file: what the templates print, already ordered."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..domain import numbering
from ..domain.charset import to_ascii
from ..domain.classification import BY_WORD, Classification
from ..domain.dtg import DateTimeGroup
from ..edition import Edition, Paragraph, report_year
from ..format import country_format
from .framing import KINDS


@dataclass(frozen=True)
class Addressee:
    """One TO or INFO line: ``RUEHC/SECSTATE WASHDC IMMEDIATE 8616``."""

    routing: str
    address: str
    precedence: str
    serial: str


@dataclass(frozen=True)
class Transmission:
    """The envelope above the classification line."""

    channel: str
    relays: tuple[str, ...]
    station: str
    sender: str
    to: tuple[Addressee, ...]
    info: tuple[Addressee, ...]


@dataclass(frozen=True)
class Answer:
    """One lettered answer: its label (``B. and C.``) and its paragraphs of prose."""

    label: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """A numbered paragraph: framing (text only) or a questionnaire paragraph with answers."""

    number: int
    mark: str
    heading: str
    paragraphs: tuple[str, ...] = ()
    answers: tuple[Answer, ...] = ()
    key: str = ""  # the country file's key it comes from: a framing paragraph's (contact), or the paragraph number


@dataclass(frozen=True)
class Cable:
    """Everything a template needs, with no YAML objects left in it."""

    post: str
    country_code: str
    serial: int
    date_time_group: str
    sent: DateTimeGroup | None  # None in a draft whose date-time group is still to come
    year: int
    precedence: str
    classification: str
    caveats: tuple[str, ...]
    pass_lines: tuple[str, ...]
    eo_line: str
    tags: tuple[str, ...]
    subject: str
    reference: str
    reference_note: str
    classified_by: str
    signature: str
    sections: tuple[Section, ...]
    end: str
    transmission: Transmission | None

    @property
    def precedence_letter(self) -> str:
        """O for IMMEDIATE, P for PRIORITY, R for ROUTINE."""
        return country_format.PRECEDENCE[self.precedence]

    @property
    def level(self) -> Classification:
        """The cable's classification and all it implies."""
        return BY_WORD[self.classification]

    @property
    def classification_word(self) -> str:
        """How the classification line opens (see ``Classification.opening``)."""
        return self.level.opening

    @property
    def all_tags(self) -> tuple[str, ...]:
        """The TAGS line's words: the subject tags, then the country code."""
        return (*self.tags, self.country_code)

    @property
    def author(self) -> str:
        """The sending post as the FM line names it."""
        return self.transmission.sender if self.transmission else f"AMEMBASSY {self.post}"

    @property
    def julian(self) -> str:
        """The DE line's day of the year and time, 0511555 (a draft's placeholder as it is)."""
        return self.sent.julian if self.sent else self.date_time_group

    @property
    def dated(self) -> DateTimeGroup:
        """When sent; a draft not yet sent: the start of the report's year."""
        return self.sent or DateTimeGroup.new_year(self.year)

    @property
    def sent_iso(self) -> str:
        """The date as a W3C date: 2009-02-20T15:55:00Z."""
        return self.dated.iso

    @property
    def sent_epoch(self) -> int:
        """The date in seconds since 1970 (UTC): the PDF's date."""
        return self.dated.epoch

    @property
    def security_line(self) -> str:
        """The security line of the envelope (see ``Classification.security_line``)."""
        return self.level.security_line


def build(data: Any, edition: Edition) -> Cable:
    """Turn a validated country file into the logical cable."""
    cable = data["cable"]
    level = str(cable["classification"])
    decl = f"DECL: {cable['declassify']}" if "declassify" in cable else "N/A"
    return Cable(
        post=_text(cable["post"]),
        country_code=_text(cable["country_code"]),
        serial=cable["serial"] if isinstance(cable["serial"], int) else 0,  # 0: a draft's placeholder
        date_time_group=_text(cable["date_time_group"]),
        sent=DateTimeGroup.read(cable["date_time_group"]),
        year=report_year(data, edition),
        precedence=str(cable["precedence"]),
        classification=level,
        caveats=tuple(_text(c) for c in cable.get("caveats") or ()),
        pass_lines=tuple(_text(p) for p in cable.get("pass") or ()),
        eo_line=f"E.O. {_text(cable.get('executive_order', country_format.EXECUTIVE_ORDER))}: {decl}",
        tags=tuple(_text(t) for t in cable["tags"]),
        subject=_text(cable["subject"]),
        reference=_text(cable.get("reference", "")),
        reference_note=_text(cable.get("reference_note", "")),
        classified_by=_text(cable.get("classified_by", "")),
        signature=_text(cable["signature"]),
        sections=_framing(data, edition) + _questionnaire(data["answers"], edition),
        end=edition.end,
        transmission=_transmission(data.get("transmission"), cable),
    )


def answers_by_item(answers: Any, edition: Edition) -> dict[str, tuple[str, Any, str]]:
    """Item id -> (its place, "25.B"; the answer as written; its paragraph's mark) for every
    item a file's answers cover (a joint answer, "B and C", under each of its letters)."""
    found: dict[str, tuple[str, Any, str]] = {}
    if not isinstance(answers, dict):
        return found
    by_number = {str(k): v for k, v in answers.items()}
    for para in edition.paragraphs:
        entry = by_number.get(str(para.number))
        if not isinstance(entry, dict):
            continue
        for key, value in entry.items():
            for letter in numbering.letters_of(str(key)) or []:
                if (item := para.item(letter)) is not None:
                    found[item.id] = (f"{para.number}.{letter}", value, str(entry.get("mark", "")))
    return found


def prose(value: object) -> tuple[str, ...]:
    """Paragraphs of an answer: blank lines separate them, other line breaks are spaces."""
    text = _text(value).replace("\r\n", "\n").replace("\r", "\n")
    return tuple(
        " ".join(line.strip() for line in p.split("\n")).strip() for p in re.split(r"\n[ \t]*\n", text.strip()) if p.strip()
    )


def _text(value: object) -> str:
    """A value as cable text: stripped and in ASCII (validation has warned about conversions)."""
    return to_ascii(str(value).strip()) if value is not None else ""


def _framing(data: Any, edition: Edition) -> tuple[Section, ...]:
    sections: list[Section] = []
    for frame in edition.framing:
        value = data.get(frame.id)
        if value is None:
            continue
        body = KINDS[frame.kind].printed(value, frame.default, _text(data["cable"]["post"]))
        mark = _text(value.get("mark")) or frame.mark  # validation warned of a missing one
        sections.append(Section(len(sections) + 1, mark, frame.title, prose(body), key=frame.id))
    return tuple(sections)


def _questionnaire(answers: Any, edition: Edition) -> tuple[Section, ...]:
    by_number = {int(k): v for k, v in answers.items()}
    return tuple(
        _paragraph(para, by_number[para.number]) for para in edition.paragraphs if by_number.get(para.number) is not None
    )


def _paragraph(para: Paragraph, value: Any) -> Section:
    """One answered paragraph, its answers in the questionnaire's order of letters."""
    keyed = [(numbering.letters_of(str(k)), v) for k, v in value.items() if k not in ("mark", "heading")]
    order = [i.letter for i in para.items]
    keyed.sort(key=lambda kv: order.index(kv[0][0]) if kv[0] else 0)
    heading = _text(value.get("heading")) or para.title
    items = tuple(Answer(numbering.letters_label(letters or []), _answer(v)) for letters, v in keyed)
    return Section(para.number, _text(value.get("mark")), heading, answers=items, key=str(para.number))


def _answer(value: Any) -> tuple[str, ...]:
    if isinstance(value, dict):
        body = list(prose(value.get("text")))
        note = _text(value.get("to_follow"))
        if note:
            body[:1] = [f"({note}) {body[0]}" if body else f"({note})"]
        return tuple(body)
    return prose(value)


def _transmission(value: Any, cable: Any) -> Transmission | None:
    if value is None:
        return None
    precedence = str(cable["precedence"])

    def addressees(key: str) -> tuple[Addressee, ...]:
        return tuple(
            Addressee(
                routing=_text(a["routing"]),
                address=_text(a["address"]),
                precedence=_text(a.get("precedence", precedence)),
                serial=_text(a["serial"]).zfill(4) if "serial" in a else "",
            )
            for a in value.get(key) or ()
        )

    return Transmission(
        channel=_text(value.get("channel", "")),
        relays=tuple(_text(r) for r in value.get("relays") or ()),
        station=_text(value["station"]),
        sender=_text(value.get("sender")) or f"AMEMBASSY {_text(cable['post'])}",
        to=addressees("to"),
        info=addressees("info"),
    )
