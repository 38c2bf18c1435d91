"""An edition file's format, declared once with the country file's field kinds: ``tipdraft edition check`` walks it,
``tipdraft schema --editions`` writes it as JSON Schema, and the rules no schema can say (unique ids, letters in
order, what ``continues`` names) are checked here too, every problem located."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import errors
from ..domain.classification import MARKS
from ..edition import ANSWER_KINDS, DataPath, Edition, load_edition, repeats
from ..errors import ERROR, Diagnostic, TipDraftError, UnreadableFile
from ..yamlio.load import describe, load
from ..yamlio.read import EDITION_FILE
from .country_format import CABLE
from .fields import Choice, EditionName, Field, Json, Kind, ListOf, Number, Position, Record, Spot, Text, fields, suggest

LETTER = r"^[A-Z]$"
IDENTIFIER = r"^[a-z0-9][a-z0-9._-]*$"


@dataclass(frozen=True)
class Flag(Kind):
    """A yes/no value (``required: true``)."""

    placeholder = False

    def check(self, value: Any, at: Spot) -> None:
        """true or false."""
        if not isinstance(value, bool):
            at.error(f"expected true or false, found {describe(value)}", "type")

    def json(self) -> Json:
        """A boolean."""
        return {"type": "boolean"}


@dataclass(frozen=True)
class Ids(Kind):
    """One id or a list of ids (``continues: situation.flows`` or ``[a.b, a.c]``)."""

    placeholder = False

    def check(self, value: Any, at: Spot) -> None:
        """An id, or a non-empty list of ids."""
        if isinstance(value, list):
            ListOf(ID, nonempty=True).validate(value, at)
        else:
            ID.validate(value, at)

    def json(self) -> Json:
        """A string id or an array of them."""
        return {"anyOf": [ID.schema(), ListOf(ID, nonempty=True).schema()]}


@dataclass(frozen=True)
class Words(Text):
    """Text in an edition: no placeholder stands for it (an edition is G/TIP's, finished before it is sent)."""

    placeholder = False


ID = Words(IDENTIFIER, "an id: lower-case letters, digits, '.', '-' or '_', such as prosecution.statistics")
ID_FIELD = Field(ID, "a stable id, kept from year to year while the question is the same", required=True)
KIND = Field(Choice(ANSWER_KINDS), "the kind of answer", required=False)
REQUIRED = Field(Flag(), "whether the post must answer it (default true)")
ITEM = Record(
    fields(
        letter=Field(Words(LETTER, "one capital letter"), "the item's letter in this edition", required=True),
        id=ID_FIELD,
        topic=Field(Words(), "what the question asks, in a few words", required=True),
        kind=KIND,
        required=REQUIRED,
        continues=Field(Ids(), "the previous edition's id(s) this item carries on (renamed, merged or split)"),
    )
)
PARAGRAPH = Record(
    fields(
        number=Field(Number(), "the paragraph's number in the cable", required=True),
        id=ID_FIELD,
        title=Field(Words(), "the paragraph's title", required=True),
        items=Field(ListOf(ITEM, nonempty=True), "its lettered questions, in order", required=True),
    )
)
FRAMING = Record(
    fields(
        id=ID_FIELD,
        title=Field(Words(), "what the paragraph is", required=True),
        kind=Field(Choice(ANSWER_KINDS), "the kind of paragraph (contact, hours, text)", required=True),
        required=REQUIRED,
        mark=Field(Choice(MARKS), "its default portion mark"),
        default=Field(Words(), "its default text"),
    )
)
# What a new country file starts with: the cable's keys as the country file declares them
# (the same words allowed), none required, and each answer paragraph's mark.
DEFAULTS = Record(
    fields(
        **{
            key: replace(CABLE.keys[key], required=False)
            for key in ("classification", "precedence", "caveats", "executive_order", "tags")
        },
        mark=Field(Choice(MARKS), "each answer paragraph's portion mark"),
    ),
    doc="What tipdraft new --country writes into a new country file (SENSITIVE and the required tags are added)",
)
EDITION = Record(
    fields(
        edition=Field(EditionName(), "the edition's name, the file's name without .yaml (2010)", required=True),
        title=Field(Words(), "the instruction cable's title"),
        instruction=Field(Words(), "the instruction cable (2009 STATE 123456)"),
        report_year=Field(Number(), "the year of the report it prepares", required=True),
        previous=Field(EditionName(), "the edition this one follows, whose ids continues names"),
        required_tags=Field(ListOf(Words(r"^[A-Z][A-Z0-9]*$", "a TAGS word such as KTIP")), "tags every cable must carry"),
        defaults=Field(DEFAULTS, "what a new country file starts with: the cable's header words, the answers' mark"),
        framing=Field(
            Record(
                fields(
                    before=Field(ListOf(FRAMING, nonempty=True), "the post's own paragraphs before the answers", required=True),
                    end=Field(Words(), "the closing line (END TEXT OF REPORT.)", required=True),
                )
            ),
            "the framing paragraphs around the answers",
            required=True,
        ),
        paragraphs=Field(ListOf(PARAGRAPH, nonempty=True), "the numbered paragraphs, in order", required=True),
    ),
    doc="A questionnaire edition of tipdraft: its paragraphs, lettered items and framing paragraphs",
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07) of edition files, from the same declarations the check walks."""
    body = EDITION.json()
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "tipdraft-edition.schema.json",
        "title": body.pop("description"),
        **body,
    }


@dataclass
class Found:
    """What checking one edition file found, located (a :class:`fields.Reporter`)."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(
        self, pos: Position, where: errors.Place, message: str, *, code: str = "", pointer: str = "", final: bool = False
    ) -> None:
        """Record an error at ``pos``."""
        self.diagnostics.append(Diagnostic(self.path, pos[0], pos[1], ERROR, where, message, errors.Code(code), pointer))


def check_edition(path: Path, search: Sequence[Path] = ()) -> list[Diagnostic]:
    """Every problem of an edition file, located: its format (as the schema says), then ids
    used twice, paragraph numbers used twice, letters out of order, ``continues`` naming an id
    the previous edition lacks, framing paragraphs the previous edition has and this one lacks."""
    try:
        document = load(path, kind=EDITION_FILE)
    except UnreadableFile as exc:
        return list(exc.diagnostics)
    found = Found(str(path))
    root = Spot(found, (1, 1), errors.Place())
    EDITION.validate(document.data, root)
    if not found.diagnostics:
        _rules(document.data, root, path, [path.parent, *search])
    return sorted(set(found.diagnostics))


def _rules(data: Any, root: Spot, path: Path, search: Sequence[Path]) -> None:
    _repeats(data, root)
    _paragraphs_in_order(data, root)
    name = str(data["edition"])
    if path.stem != name:
        root.key(data, "edition", "edition").error(
            f"the edition {name!r} must be in a file named {name}.yaml (this is {path.name})", "name"
        )
    if "previous" in data:
        _against_previous(data, root, search)


def _repeats(data: Any, root: Spot) -> None:
    """Each value used twice (the rule's home: :func:`tip_drafter.edition.repeats`), located
    where it is used again, with where it was first."""
    for repeat in repeats(data):
        line, col = _located(data, root, repeat.first).pos
        if repeat.what == "letter":
            number, letter = repeat.value.split(".", 1)
            said = f"letter {letter} is used twice in paragraph {number}"
        else:
            said = f"id {repeat.value!r} is used twice" if repeat.what == "id" else f"paragraph {repeat.value} is used twice"
        _located(data, root, repeat.again).error(f"{said} (first at line {line}, column {col})", "duplicate")


def _located(data: Any, root: Spot, path: DataPath) -> Spot:
    """The place of the value at ``path``, in the questionnaire at its paragraph and letter."""
    at, node = root, data
    for step in path[:-1]:
        at = at.item(node, step) if isinstance(step, int) else at.key(node, step, at.where)
        node = node[step]
    where = errors.Place.named("framing")
    if path[0] == "paragraphs":
        para = data["paragraphs"][path[1]]
        letters = [str(para["items"][path[3]]["letter"])] if len(path) > 4 else []
        where = errors.Place.item(para["number"], letters)
    return at.key(node, path[-1], where)


def _id_holders(data: Any, root: Spot) -> list[tuple[Spot, Any]]:
    """Every mapping that carries an id (framing paragraphs, paragraphs, items), with its place."""
    out: list[tuple[Spot, Any]] = []
    framing = data["framing"]["before"]
    frames = root.key(data, "framing", "framing").key(data["framing"], "before", "framing")
    out += [(frames.item(framing, n), f) for n, f in enumerate(framing)]
    paragraphs = root.key(data, "paragraphs", "")
    for n, para in enumerate(data["paragraphs"]):
        at = Spot(root.out, paragraphs.item(data["paragraphs"], n).pos, errors.Place.item(para["number"]))
        out.append((at, para))
        items = at.key(para, "items", at.where)
        out += [
            (Spot(root.out, items.item(para["items"], k).pos, errors.Place.item(para["number"], [str(i["letter"])])), i)
            for k, i in enumerate(para["items"])
        ]
    return out


def _paragraphs_in_order(data: Any, root: Spot) -> None:
    paragraphs = root.key(data, "paragraphs", "")
    seen: set[int] = set()
    last = 0
    for n, para in enumerate(data["paragraphs"]):
        at = Spot(root.out, paragraphs.item(data["paragraphs"], n).pos, errors.Place.item(para["number"]))
        number = int(para["number"])
        if number < last and number not in seen:  # one used twice is a repeat (_repeats)
            at.key(para, "number", at.where).error(
                f"paragraph {number} comes after paragraph {last}: put the paragraphs in order", "order"
            )
        seen.add(number)
        last = max(last, number)
        _letters_in_order(para, at)


def _letters_in_order(para: Any, at: Spot) -> None:
    items = at.key(para, "items", at.where)
    last = ""
    seen: set[str] = set()
    for k, item in enumerate(para["items"]):
        letter = str(item["letter"])
        here = Spot(at.out, items.item(para["items"], k).pos, errors.Place(at.where.paragraph, (str(letter),)))
        if letter < last and letter not in seen:  # one used twice is a repeat (_repeats)
            here.key(item, "letter", here.where).error(
                f"letter {letter} comes after {last}: letters go A, B, C, ... in order", "order"
            )
        seen.add(letter)
        last = max(last, letter)


def _against_previous(data: Any, root: Spot, search: Sequence[Path]) -> None:
    previous_at = root.key(data, "previous", "previous")
    try:
        previous = load_edition(str(data["previous"]), search)
    except TipDraftError as exc:
        previous_at.error(f"the previous edition cannot be read: {exc}", "previous")
        return
    known = {i.id for _, i in previous.items()}
    for place, holder in _id_holders(data, root):
        if "continues" not in holder:
            continue
        named = holder["continues"] if isinstance(holder["continues"], list) else [holder["continues"]]
        for ident in named:
            if str(ident) not in known:
                place.key(holder, "continues", place.where).error(
                    f"continues {ident!r}, which edition {previous.name} does not have{_near(str(ident), known)}", "continues"
                )
    _framing_kept(data, root, previous)


def _near(ident: str, known: set[str]) -> str:
    return suggest(ident, sorted(known))


def _framing_kept(data: Any, root: Spot, previous: Edition) -> None:
    have = {str(f.get("id")) for f in data["framing"]["before"]}
    frames = root.key(data, "framing", "framing").key(data["framing"], "before", "framing")
    for frame in previous.framing:
        if frame.id not in have:
            frames.error(f"the framing paragraph {frame.id!r} ({frame.title}) of edition {previous.name} is missing", "framing")
