"""The form ``tipdraft edit`` shows: one field per thing the cable prints, in the cable's order,
labelled from the declared format and the edition, each with its place in the file, its value,
last year's text and whether it is still to review; and the edits a filled-in form makes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..domain.numbering import letters_of, paragraph_number
from ..edition import Edition, Paragraph
from ..format.country_format import CABLE, FRAMING, PARAGRAPH
from ..format.fields import Choice, Field, ListOf, Number, json_pointer
from ..yamlio.editing import Key, Pointer
from ..yamlio.load import Document
from ..year.compare import answer_text, word_diff

# The header's fields in the order the cable prints them; the format's other fields follow.
PRINTED = (
    "classification",
    "caveats",
    "pass",
    "executive_order",
    "declassify",
    "classified_by",
    "tags",
    "subject",
    "reference",
    "reference_note",
)
# Where a key's own name is not what people call it.
NAMES = {
    "pass": "Pass lines",
    "tags": "TAGS",
    "reference": "REF",
    "executive_order": "E.O.",
    "declassify": "DECL",
    "reference_note": "Reference note",
    "to_follow": "Data to follow",
    "mark": "Portion mark",
    "employees": "Hours, one row per employee",
}
KEPT_ELSEWHERE = "Kept from last year, edited in the file itself"
LONG = ("text", "reference_note", "intro")  # text that may run over several lines


TEXT, NOTE = "text", "to_follow"  # an answer's two fields: its text and its data-to-follow note


def answer_field(base: str, part: str) -> str:
    """The id of an answer's ``part`` (:data:`TEXT` or :data:`NOTE`); ``base`` names the answer."""
    return f"{base}:{part}"


def answer_part(fid: str) -> tuple[str, str]:
    """The answer a field id names and which of its parts it is (``("", "")`` for no answer's)."""
    base, _, part = fid.rpartition(":")
    return (base, part) if part in (TEXT, NOTE) else ("", "")


@dataclass(frozen=True)
class FormField:
    """One field of the form: ``id`` stays the same whatever shape the answer takes in the file
    (``answers/25/E:text``); ``pointer`` is where its value is in this text."""

    id: str
    pointer: Pointer
    label: str
    hint: str
    kind: str  # text, textarea, choice, list, rows, reviewed
    value: Any  # str; list[str] for list and rows; bool for reviewed
    section: str
    choices: tuple[str, ...] = ()
    order: tuple[Key, ...] = ()  # the keys of its mapping in the cable's order (where a new key goes)
    required: bool = False
    number: bool = False  # a whole number in the file (serial)
    item: str = ""  # the item it answers, as diagnostics name it: ``25.E``, ``25.B/C``
    last_year: str = ""
    carried: bool = False  # an answer carried over (or a field kept) and not yet reviewed
    present: bool = True  # the key is in the file
    note: str = ""  # an answer's data-to-follow note (printed first: last year's text is compared with both)
    answer: Pointer = ()  # a note's answer, when it is plain text in the file (a note makes it a mapping)

    def as_json(self) -> dict[str, Any]:
        """What the page builds the field from."""
        out = {
            "id": self.id,
            "label": self.label,
            "hint": self.hint,
            "kind": self.kind,
            "value": self.value,
            "section": self.section,
            "choices": list(self.choices),
            "required": self.required,
            "item": self.item,
            "carried": self.carried,
            "pointer": json_pointer(self.pointer),  # where the value is in the file (RFC 6901)
        }
        if self.last_year:
            out["last_year"] = self.last_year
            out["diff"] = diff(self.last_year, self.value, self.note)
        return out


def diff(last_year: str, text: Any, note: Any = "") -> list[list[str]]:
    """Last year's answer against this year's as printed (its note first, as last year's is),
    word by word: ``[op, words]`` (``=``, ``-``, ``+``)."""
    state, ops = word_diff(last_year, answer_text({"text": str(text or ""), "to_follow": str(note or "")}))
    if state == "unchanged":
        return [["=", last_year]]
    return [list(op) for op in ops] or [["-", last_year]]


@dataclass
class Form:
    """The fields of one country file's text, in the cable's order."""

    fields: list[FormField]
    kept: list[str] = field(default_factory=list)  # the file's ``unreviewed`` places
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # id -> its lines in the file (1-based)
    by_id: dict[str, FormField] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {f.id: f for f in self.fields}

    def changed(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values that differ from the file's, of fields the form has, as the form holds them (:func:`normal`)."""
        held = {k: normal(self.by_id[k], v) for k, v in values.items() if k in self.by_id}
        return {k: v for k, v in held.items() if v != self.by_id[k].value}

    def diffs(self, changed: Mapping[str, Any]) -> dict[str, list[list[str]]]:
        """The word diffs against last year of the answers ``changed`` touches (text or note), by text field."""
        out = {}
        for base in {answer_part(k)[0] for k in changed} - {""}:
            fid = answer_field(base, TEXT)
            form_field = self.by_id.get(fid)
            if form_field is not None and form_field.last_year:
                note = changed.get(answer_field(base, NOTE), form_field.note)
                out[fid] = diff(form_field.last_year, changed.get(fid, form_field.value), note)
        return out

    def field_for(self, where: str, line: int, unreviewed: bool = False) -> str:
        """The field a diagnostic is about: for one saying an item is still to review, its
        "reviewed" control; its item (``para 25.E``); else the narrowest field whose lines hold
        ``line``; "" for one about no field."""
        if unreviewed and f"unreviewed:{where}" in self.by_id:
            return f"unreviewed:{where}"
        named = self._item_field(where, "reviewed" if unreviewed else "textarea")
        if named:
            return named
        holding = [(end - start, fid) for fid, (start, end) in self.spans.items() if start <= line <= end]
        return min(holding)[1] if holding else ""

    def _item_field(self, where: str, kind: str) -> str:
        """The field of ``kind`` of the item a diagnostic names (``para 25.E``), if any."""
        if not where.startswith("para "):
            return ""
        item = where.removeprefix("para ").split(" ")[0]
        return next((f.id for f in self.fields if f.item == item and f.kind == kind), "")


def wrong_type(form_field: FormField, value: Any) -> str:
    """What ``value`` should have been, if the page cannot have sent it for this field ("" if
    it can): true or false for a "reviewed" control, a list of texts for a list, else a text."""
    if form_field.kind == "reviewed":
        return "" if isinstance(value, bool) else "true or false"
    if form_field.kind in ("list", "rows"):
        return "" if isinstance(value, list) and all(isinstance(v, str) for v in value) else "a list of texts"
    return "" if isinstance(value, str) else "a text"


def normal(form_field: FormField, value: Any) -> Any:
    """A value as the page sent it, as the form holds it (lines as the file has them: a line
    break is one character, whatever the browser or the system sent)."""
    if form_field.kind == "reviewed":
        return bool(value)
    if form_field.kind in ("list", "rows"):
        items = value if isinstance(value, list) else str(value).split("\n")
        return [str(v).strip() for v in items if str(v).strip()]
    return str(value if value is not None else "").replace("\r\n", "\n").replace("\r", "\n")


def build(document: Document, edition: Edition, previous: Mapping[str, tuple[str, str]] | None = None) -> Form:
    """The form of ``document``: header, framing paragraphs, every questionnaire item."""
    data = document.data
    kept = [str(p) for p in data.get("unreviewed") or [] if isinstance(p, str)]
    found = _header(_mapping(data, "cable"), kept)
    for number, frame in enumerate(edition.framing, 1):
        found += _framing(_mapping(data, frame.id), frame.id, f"{number}. {frame.title}", frame.kind, frame.mark, kept)
    answers = _mapping(data, "answers")
    numbers = tuple(p.number for p in edition.paragraphs)
    for para in edition.paragraphs:
        key = next((k for k in answers if paragraph_number(k) == para.number), para.number)
        found += _paragraph(para, key, _mapping(answers, key), numbers, previous or {})
    return Form(_kept_elsewhere(found, kept) + found, kept, _spans(document, found))


def _kept_elsewhere(found: list[FormField], kept: list[str]) -> list[FormField]:
    """The "reviewed" controls of the kept fields the form has no field for (the routing envelope)."""
    controls = {f.id for f in found}
    return [_kept_control(p, KEPT_ELSEWHERE, _words(p.rsplit(".", 1)[-1])) for p in kept if f"unreviewed:{p}" not in controls]


def _mapping(data: Any, key: Any) -> dict[Any, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _words(key: str) -> str:
    return NAMES.get(key) or key.replace("_", " ").capitalize()


def _plain(value: Any, declared: Field) -> tuple[str, Any]:
    """The form's kind of a declared field and its value in the form."""
    if isinstance(declared.kind, ListOf):
        return "list", [str(v) for v in value] if isinstance(value, list) else []
    if isinstance(declared.kind, Choice):
        return "choice", "" if value is None else str(value)
    text = "" if value is None else str(value)
    return ("textarea" if "\n" in text else "text"), text


def _declared(prefix: Pointer, mapping: Mapping[Any, Any], keys: Mapping[str, Field], section: str) -> list[FormField]:
    """A field per declared key of a record, in the order given."""
    out = []
    order = tuple(keys)
    for key, declared in keys.items():
        kind, value = _plain(mapping.get(key), declared)
        kind = "textarea" if key in LONG and kind == "text" else kind
        kind = "rows" if key == "employees" else kind
        choices = declared.kind.choices if isinstance(declared.kind, Choice) else ()
        pointer = (*prefix, key)
        number = isinstance(declared.kind, Number) or isinstance(mapping.get(key), int)
        ident = "/".join(str(p) for p in pointer)
        out.append(
            FormField(ident, pointer, _words(key), declared.doc, kind, value, section, choices, order, declared.required, number)
        )
        out[-1] = _with(out[-1], present=key in mapping)
    return out


def _with(form_field: FormField, **changes: Any) -> FormField:
    return replace(form_field, **changes)


def _header(cable: Mapping[Any, Any], kept: list[str]) -> list[FormField]:
    keys = {k: CABLE.keys[k] for k in (*PRINTED, *CABLE.keys) if k in CABLE.keys}
    # shown in the order printed; a new key goes where the format declares it, as files have it
    found = [_with(f, order=tuple(CABLE.keys)) for f in _declared(("cable",), cable, keys, "Cable header")]
    return _kept_controls(found, kept)


def _framing(value: Mapping[Any, Any], key: str, section: str, kind: str, mark: str, kept: list[str]) -> list[FormField]:
    found = _declared((key,), value, FRAMING[kind].keys, section)
    found = [_with(f, value=f.value or mark) if f.pointer[-1] == "mark" and not f.present else f for f in found]
    return _kept_controls(found, kept, key, section)


def _kept_controls(found: list[FormField], kept: list[str], section_key: str = "", section: str = "") -> list[FormField]:
    """A "reviewed" control after each field (or section) kept from last year and not reviewed."""
    out = []
    if section_key in kept:
        out.append(_kept_control(section_key, section, section or _words(section_key)))
    for f in found:
        out.append(f)
        place = ".".join(str(p) for p in f.pointer)
        if place in kept:
            out.append(_kept_control(place, f.section, f.label))
    return out


def _kept_control(place: str, section: str, label: str) -> FormField:
    """The "reviewed" control of a kept field, labelled with the field's own words (``place``,
    such as ``cable.subject``, is the file's, not the drafter's)."""
    hint = "kept from last year: check it still holds, then mark it reviewed"
    return FormField(f"unreviewed:{place}", ("unreviewed",), f"Reviewed: {label}", hint, "reviewed", False, section, carried=True)


def _paragraph(para: Paragraph, key: Any, value: Mapping[Any, Any], numbers: tuple[int, ...], previous: Any) -> list[FormField]:
    """The paragraph's mark and heading, then each answer by letter (joint answers as the file
    has them), an empty field for each item not answered yet."""
    section = f"{para.number}. {para.title}"
    letters = tuple(i.letter for i in para.items)
    order: tuple[Key, ...] = (*numbers, *PARAGRAPH.keys, *letters)
    found = [_with(f, order=order) for f in _declared(("answers", key), value, PARAGRAPH.keys, section)]
    for answer_key, covered in _answer_keys(para, value):
        found += _answer(para, (*("answers", key), answer_key), value.get(answer_key), covered, order, previous)
    return found


def _answer_keys(para: Paragraph, value: Mapping[Any, Any]) -> list[tuple[str, list[str]]]:
    """The paragraph's answers in the questionnaire's order, each key with the letters it
    answers: a joint answer (``B and C``) as the file has it, at its first letter; a letter
    not answered yet under its own key."""
    joint = {k: letters_of(k) or [] for k in value if isinstance(k, str) and letters_of(k)}
    done: set[str] = set()
    out = []
    for item in para.items:
        if item.letter not in done:
            answer_key = next((k for k, ls in joint.items() if item.letter in ls), item.letter)
            out.append((answer_key, joint.get(answer_key, [item.letter])))
            done.update(out[-1][1])
    return out


def _answer(
    para: Paragraph, pointer: Pointer, value: Any, letters: list[str], order: tuple[Key, ...], previous: Any
) -> list[FormField]:
    """An answer's text, its data-to-follow note and, when carried over, its "reviewed" control."""
    item = f"{para.number}.{'/'.join(letters)}"
    label, hint, last, required = _described(para, letters, previous)
    section = f"{para.number}. {para.title}"
    base = f"answers/{para.number}/{pointer[-1]}"
    text, note, carried = _parts(value)
    common: dict[str, Any] = {"section": section, "order": order, "item": item, "present": value is not None}
    found = [
        FormField(
            answer_field(base, TEXT),
            (*pointer, "text") if isinstance(value, dict) else pointer,
            label,
            hint,
            "textarea",
            text,
            required=required,
            last_year=last,
            carried=carried,
            note=note,
            **common,
        ),
        FormField(
            answer_field(base, NOTE),
            (*pointer, "to_follow"),
            f"{item} data to follow",
            "a note that data will follow later, printed in brackets first",
            "text",
            note,
            answer=() if isinstance(value, dict) else pointer,
            **common,
        ),
    ]
    return found + ([_reviewed(base, pointer, item, common)] if carried else [])


def _described(para: Paragraph, letters: list[str], previous: Any) -> tuple[str, str, str, bool]:
    """An answer's label (``25.E law-enforcement statistics ...``), hint, last year's text
    (from the items it carries on) and whether the questionnaire requires it."""
    items = [i for letter in letters if (i := para.item(letter)) is not None]
    label = f"{para.number}.{' and '.join(letters)} {'; '.join(i.topic for i in items)}"
    kinds = ", ".join(dict.fromkeys(i.kind for i in items))
    last = "\n\n".join(dict.fromkeys(previous[i.id][1] for i in items if i.id in previous))
    return label, f"the answer ({kinds}): blank lines separate its paragraphs", last, any(i.required for i in items)


def _reviewed(base: str, pointer: Pointer, item: str, common: dict[str, Any]) -> FormField:
    """The "reviewed" control of an answer carried over: checked, its marker goes (as review does)."""
    hint = "carried over from last year: check it still holds, then mark it reviewed (as tipdraft review does)"
    return FormField(
        f"{base}:reviewed", (*pointer, "carried_over"), f"{item} reviewed", hint, "reviewed", False, carried=True, **common
    )


def _parts(value: Any) -> tuple[str, str, bool]:
    """An answer's text, its data-to-follow note, whether it is carried over (plain text, or a mapping)."""
    if not isinstance(value, dict):
        return ("" if value is None else str(value)), "", False
    text, note = value.get("text"), value.get("to_follow")
    return ("" if text is None else str(text)), ("" if note is None else str(note)), "carried_over" in value


def _spans(document: Document, found: list[FormField]) -> dict[str, tuple[int, int]]:
    """Each field's lines in the file (1-based, first and last), for the fields the file has
    (a "reviewed" control of a kept field is about a field, not about the list it is in)."""
    spans = {}
    for form_field in found:
        at = None if form_field.id.startswith("unreviewed:") else _located(document.data, form_field.pointer)
        if at is not None:
            start = at[0].lc.key(at[1])[0]
            end = document.text.count("\n", 0, document.value_end(start))
            spans[form_field.id] = (start + 1, end + 1)
    return spans


def _located(data: Any, pointer: Pointer) -> tuple[Any, Key] | None:
    """The mapping that holds the pointer's value and its key there, if the file has it."""
    node, at = data, None
    for key in pointer:
        real = next((k for k in (key, str(key), _int(key)) if isinstance(node, dict) and k is not None and k in node), None)
        if real is None:
            return None
        at, node = (node, real), node[real]
    return at if at is not None and hasattr(at[0], "lc") else None


def _int(key: Key) -> int | None:
    return int(key) if isinstance(key, str) and key.isdigit() else None
