"""The edits a filled-in form makes to its country file: one per changed field, in the file's
own terms (a note added to a plain answer makes it a mapping; "reviewed" removes the marker)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..yamlio.editing import DELETE, Edit
from .form import NOTE, TEXT, Form, FormField, answer_field, answer_part


def form_edits(form: Form, values: Mapping[str, Any]) -> list[Edit]:
    """The edits that make the file hold ``values`` (only what changed)."""
    return edits(form, form.changed(values))


def edits(form: Form, changed: Mapping[str, Any]) -> list[Edit]:
    """The edits for ``changed`` (field id -> new value, as the form holds values)."""
    out: list[Edit] = []
    reviewed: list[str] = []
    for fid, value in changed.items():
        if fid.startswith("unreviewed:"):
            reviewed += [fid.split(":", 1)[1]] if value else []
        else:
            out += _edit(form, form.by_id[fid], value, changed)
    if reviewed:
        left = [place for place in form.kept if place not in reviewed]
        out.append(Edit(("unreviewed",), left or DELETE))
    return out


def _edit(form: Form, form_field: FormField, value: Any, changed: Mapping[str, Any]) -> list[Edit]:
    """The edit of one field (none for an answer's text that goes in with its new note)."""
    if form_field.answer and answer_part(form_field.id)[1] == NOTE:
        return [_note_on_plain(form, form_field, value, changed)]
    if _joined(form, form_field.id, changed):
        return []
    return [Edit(form_field.pointer, _value(form_field, value), form_field.order)]


def _joined(form: Form, fid: str, changed: Mapping[str, Any]) -> bool:
    """Whether the text of a plain answer goes in with its new note (one edit for the answer)."""
    base, part = answer_part(fid)
    note = answer_field(base, NOTE)
    return part == TEXT and note in changed and bool(form.by_id[note].answer)


def _note_on_plain(form: Form, note: FormField, value: Any, changed: Mapping[str, Any]) -> Edit:
    """A data-to-follow note on an answer the file has as plain text: the answer becomes a
    mapping of its text and the note (or stays text, if the note is empty)."""
    text_id = answer_field(answer_part(note.id)[0], TEXT)
    text = changed.get(text_id, form.by_id[text_id].value)
    if not value:
        return Edit(note.answer, text, note.order)
    return Edit(note.answer, {"text": text, "to_follow": value} if text else {"to_follow": value}, note.order)


NUMBER_DIGITS = 18  # a number field's digits written as a number; more stay text, which validate refuses at the field


def _value(form_field: FormField, value: Any) -> Any:
    """The file's value for a field's new value: an optional field left empty is removed; a
    number stays a number; "reviewed" removes the carried-over marker."""
    if form_field.kind == "reviewed":
        return DELETE
    empty = value in ("", [])
    if empty and not form_field.required and answer_part(form_field.id)[1] != TEXT:
        return DELETE
    digits = value.strip() if isinstance(value, str) else ""
    if form_field.number and digits.isascii() and digits.isdigit() and len(digits) <= NUMBER_DIGITS:
        return int(digits)
    return value
