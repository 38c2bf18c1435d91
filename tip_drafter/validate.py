"""Check a loaded country file against its questionnaire edition; report every problem, located."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import rules, schema
from .edition import Edition, Paragraph, load_edition
from .errors import ERROR, UNREVIEWED, WARNING, Diagnostic, TipDraftError
from .load import Document, describe, item_position, key_name, key_position, value_position
from .rules import Checker, Position
from .schema import Field


@dataclass
class Report:
    """What validation found: diagnostics sorted by position, and the edition the file answers."""

    diagnostics: list[Diagnostic]
    edition: Edition | None

    @property
    def errors(self) -> list[Diagnostic]:
        """Only the errors."""
        return [d for d in self.diagnostics if d.severity == ERROR]


def validate(doc: Document, editions: Sequence[Path] = (), draft: bool = False) -> Report:
    """Run every rule on ``doc``; the edition is read from the file's ``edition`` key.

    In a ``draft``, placeholders left in the text are warnings rather than errors.
    """
    c = Checker(doc, draft)
    data = doc.data
    edition = _edition(c, data, editions)
    framing_ids = [f.id for f in edition.framing] if edition else []
    _unknown_keys(c, data, [f.name for f in schema.TOP_LEVEL] + framing_ids, "")
    _required(c, data, schema.TOP_LEVEL, "", (1, 1))
    cable = _section(c, data, "cable", schema.CABLE)
    transmission = _section(c, data, "transmission", schema.TRANSMISSION)
    if cable is not None:
        rules.cable_rules(c, cable, edition)
    if transmission is not None:
        for kind in ("to", "info"):
            _addressees(c, transmission, kind)
    if edition is not None:
        _framing(c, data, edition)
        answers = data.get("answers")
        if isinstance(answers, dict):
            _answers(c, answers, edition)
            rules.order_rules(c, answers, {p.number: [i.letter for i in p.items] for p in edition.paragraphs})
        elif "answers" in data:
            c.error(value_position(data, "answers"), "answers", f"expected a mapping of paragraphs, found {describe(answers)}")
    for f in schema.TOP_LEVEL:
        if f.kind == "records" and f.name in data:
            records = data[f.name]
            count = len(records) if isinstance(records, list) else 0
            c.warn(key_position(data, f.name), f.name, f"{count} {f.doc}")
    if cable is not None:
        rules.classification_rules(c, cable)
    rules.text_rules(c, data)
    return Report(sorted(set(c.found)), edition)


def _edition(c: Checker, data: Any, search: Sequence[Path]) -> Edition | None:
    name = data.get("edition")
    if name is None:
        return None  # reported as a missing required key
    pos = value_position(data, "edition")
    if not isinstance(name, (str, int)) or isinstance(name, bool):
        c.error(pos, "edition", f"expected an edition name such as 2009, found {describe(name)}")
        return None
    try:
        return load_edition(str(name), search)
    except TipDraftError as exc:
        c.error(pos, "edition", str(exc))
        return None


def _section(c: Checker, data: Any, key: str, fields: Sequence[Field]) -> Any:
    value = data.get(key)
    if key not in data:
        return None
    if not isinstance(value, dict):
        c.error(value_position(data, key), key, f"expected a mapping of keys, found {describe(value)}")
        return None
    check_fields(c, value, fields, key, key_position(data, key))
    return value


def check_fields(c: Checker, mapping: Any, fields: Sequence[Field], where: str, pos: Position, also: Sequence[str] = ()) -> None:
    """Unknown keys, missing required keys, and each present value against its declared field.

    ``also`` names keys that are allowed here but checked by another rule.
    """
    _unknown_keys(c, mapping, [f.name for f in fields] + list(also), where)
    _required(c, mapping, fields, where, pos)
    for f in fields:
        if f.name in mapping and f.kind not in ("mapping", "addressees", "records"):
            _value(c, mapping, f, _join(where, f.name))


def _unknown_keys(c: Checker, mapping: Any, known: Sequence[str], where: str) -> None:
    for key in mapping:
        name = key_name(key)
        if name not in known:
            c.error(key_position(mapping, key), where, f"unknown key {name!r}{_suggest(name, known)}")


def _required(c: Checker, mapping: Any, fields: Sequence[Field], where: str, pos: Position) -> None:
    for f in fields:
        if f.required and f.name not in mapping:
            c.error(pos, _join(where, f.name), f"missing required key {f.name!r} ({f.doc})")


def _value(c: Checker, mapping: Any, f: Field, where: str) -> None:
    value = mapping[f.name]
    pos = value_position(mapping, f.name)
    if f.kind == "list":
        if not isinstance(value, list):
            c.error(pos, where, f"expected a list, found {describe(value)}")
            return
        for i, element in enumerate(value):
            _scalar(c, element, f, item_position(value, i), f"{where}[{i + 1}]")
        if f.required and not value:
            c.error(pos, where, "list is empty")
        return
    _scalar(c, value, f, pos, where)


def _scalar(c: Checker, value: Any, f: Field, pos: Position, where: str) -> None:
    if isinstance(value, str) and rules.PLACEHOLDERS.fullmatch(value.strip()):
        return  # a placeholder to fill in: the text rules report it (an error unless a draft)
    if f.kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            c.error(pos, where, f"expected a positive whole number, found {describe(value)}")
        return
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        c.error(pos, where, f"expected text, found {describe(value)}")
    elif not value.strip():
        if f.required or where.endswith("]"):
            c.error(pos, where, "is empty")
    elif f.choices and value not in f.choices:
        c.error(pos, where, f"{value!r} is not one of {', '.join(f.choices)}{_suggest(value, f.choices)}")
    elif f.pattern and not re.match(f.pattern, value.strip()):
        c.error(pos, where, f"{value!r} is not in the expected form ({f.hint or f.doc})")


def _addressees(c: Checker, transmission: Any, kind: str) -> None:
    value = transmission.get(kind)
    if kind not in transmission:
        return
    where = f"transmission.{kind}"
    if not isinstance(value, list):
        c.error(value_position(transmission, kind), where, f"expected a list of addressees, found {describe(value)}")
        return
    for i, entry in enumerate(value):
        here, pos = f"{where}[{i + 1}]", item_position(value, i)
        if isinstance(entry, dict):
            check_fields(c, entry, schema.ADDRESSEE, here, pos)
        else:
            c.error(pos, here, f"expected a mapping with routing and address, found {describe(entry)}")


def _framing(c: Checker, data: Any, edition: Edition) -> None:
    for frame in edition.framing:
        if frame.id not in data:
            if frame.required:
                c.error((1, 1), frame.id, f"missing required paragraph {frame.id!r} ({frame.title})")
            continue
        value, pos = data[frame.id], key_position(data, frame.id)
        if not isinstance(value, dict):
            c.error(value_position(data, frame.id), frame.id, f"expected a mapping, found {describe(value)}")
            continue
        fields = schema.FRAMING[frame.kind]
        check_fields(c, value, [f for f in fields if f.name != "mark"], frame.id, pos, also=["mark"])
        if frame.kind == "contact" and "name" not in value and "text" not in value:
            c.error(pos, frame.id, "give the point of contact's name (or the paragraph as printed, in text)")
        if frame.kind == "hours" and "text" not in value and not ("intro" in value and "employees" in value):
            c.error(pos, frame.id, "give intro and employees (or the paragraph as printed, in text)")
        _portion_mark(c, value, frame.id, pos, default=frame.mark)


def _portion_mark(c: Checker, mapping: Any, where: str, pos: Position, default: str | None) -> None:
    """The portion mark: checked if present; missing, an error, or (with the edition's
    ``default`` for a framing paragraph) a warning."""
    if "mark" in mapping:
        _value(c, mapping, schema.MARK, f"{where}.mark")
        mark = mapping["mark"]
        if isinstance(mark, str) and mark in schema.PORTION_RANK:
            c.marks.append((value_position(mapping, "mark"), where, mark))
    elif default is None:
        c.error(pos, where, "no portion mark: add mark: U, SBU, C or S")
    else:
        c.warn(pos, where, f"no portion mark: printed as ({default}), the questionnaire's default (add mark: U, SBU, C or S)")
        c.marks.append((pos, where, default))


def _answers(c: Checker, answers: Any, edition: Edition) -> None:
    seen: set[int] = set()
    numbers = ", ".join(str(p.number) for p in edition.paragraphs)
    for key in answers:
        pos = key_position(answers, key)
        number = _paragraph_number(key)
        para = edition.paragraph(number) if number is not None else None
        if para is None:
            c.error(
                pos,
                f"para {key_name(key)}",
                f"the {edition.name} questionnaire has no paragraph {key_name(key)!r} (it has {numbers})",
            )
            continue
        seen.add(para.number)
        value = answers[key]
        if not isinstance(value, dict):
            c.error(
                value_position(answers, key),
                f"para {para.number}",
                f"expected a mapping of lettered answers, found {describe(value)}",
            )
            continue
        _paragraph(c, value, para, pos)
    for para in edition.paragraphs:
        if para.number not in seen and any(i.required for i in para.items):
            c.error(key_position(c.doc.data, "answers"), f"para {para.number}", f"paragraph is missing ({para.title})")


def _paragraph_number(key: object) -> int | None:
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    if isinstance(key, str) and key.strip().isdigit():
        return int(key)
    return None


def _paragraph(c: Checker, value: Any, para: Paragraph, pos: Position) -> None:
    where = f"para {para.number}"
    _portion_mark(c, value, where, pos, default=None)
    if "heading" in value:
        _value(c, value, schema.PARAGRAPH[1], f"{where}.heading")
    answered: dict[str, str] = {}
    allowed = [i.letter for i in para.items] + ["mark", "heading"]
    for key in value:
        name = key_name(key)
        if name in ("mark", "heading"):
            continue
        letters = schema.letters_of(name)
        kpos = key_position(value, key)
        if letters is None:
            c.error(kpos, where, f"unknown key {name!r}{_suggest(name, allowed)}")
            continue
        for letter in letters:
            _claim(c, para, letter, name, answered, kpos)
        _answer(c, value, key, f"{where}.{'/'.join(letters)}")
    for item in para.items:
        if item.required and item.letter not in answered:
            c.error(pos, f"{where}.{item.letter}", f"no answer ({item.topic})")


def _claim(c: Checker, para: Paragraph, letter: str, key: str, answered: dict[str, str], pos: Position) -> None:
    where = f"para {para.number}.{letter}"
    if para.item(letter) is None:
        letters = f"{para.items[0].letter}-{para.items[-1].letter}" if para.items else "none"
        c.error(pos, where, f"paragraph {para.number} has no item {letter} (it has {letters})")
    elif letter in answered:
        c.error(pos, where, f"answered twice: under {answered[letter]!r} and under {key!r}")
    else:
        answered[letter] = key


def _answer(c: Checker, para_map: Any, key: Any, where: str) -> None:
    value, pos = para_map[key], value_position(para_map, key)
    if isinstance(value, dict):
        check_fields(c, value, schema.ANSWER, where, key_position(para_map, key))
        if "carried_over" in value:
            year = key_name(value["carried_over"])
            message = f"carried over from {year}, not yet reviewed: remove 'carried_over' once reviewed"
            c.found.append(Diagnostic(c.doc.path, *key_position(value, "carried_over"), WARNING, where, message, UNREVIEWED))
        text, note = value.get("text"), value.get("to_follow")
        if not _blank(text) or not _blank(note):
            return
        pos = key_position(para_map, key)
    elif not isinstance(value, str):
        c.error(pos, where, f"expected the answer's text (or text and to_follow), found {describe(value)}")
        return
    elif value.strip():
        return
    c.error(pos, where, "answer is empty")


def _blank(value: object) -> bool:
    return not isinstance(value, str) or not value.strip()


def _suggest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name
