"""Field kinds, the building blocks of every declared file format (country files and editions):
each checks a value and emits its JSON Schema.

Each kind answers two questions about the same rule: is this value right here (``check``,
reporting through a :class:`Spot`), and what is the JSON Schema fragment that says so
(``json``). ``tipdraft validate`` and ``tipdraft schema`` both walk these declarations, so
the editor and the validator cannot disagree. Patterns are written once, in the subset that
Python's ``re`` and ECMA-262 (JSON Schema's regex dialect) read alike.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .. import errors
from ..yamlio.load import describe, item_position, key_name, key_position, value_position
from .values import PLACEHOLDER, VISIBLE, ecma_pattern, is_blank, is_placeholder

Position = tuple[int, int]
Pointer = tuple[str | int, ...]
Json = dict[str, Any]

# Codes of the diagnostics the format gives (the rules beyond the format give others).
FORMAT_CODES = frozenset({"type", "enum", "pattern", "empty", "required", "unknown-key", "contains", "caveat"})


class Reporter(Protocol):
    """Where a kind's findings go (``rules.Checker``)."""

    def error(
        self, pos: Position, where: errors.Place, message: str, *, code: str = "", pointer: str = "", final: bool = False
    ) -> None:
        """Record an error (``final``: in a final only; a draft may still lack it)."""


@dataclass(frozen=True)
class Spot:
    """Where a value sits: in the file (position), in the questionnaire (``where``, as data) and in the
    document tree (``pointer``). Kinds report through it and descend with :meth:`key`/:meth:`item`."""

    out: Reporter
    pos: Position
    where: errors.Place
    pointer: Pointer = ()
    key_pos: Position | None = None  # the key's position, for problems of the whole mapping

    def error(self, message: str, code: str, at_key: bool = False, final: bool = False) -> None:
        """Report ``message`` here (at the key that holds the value, with ``at_key``; with
        ``final``, a problem of a final only: a draft may still lack an answer)."""
        pos = self.key_pos if at_key and self.key_pos else self.pos
        self.out.error(pos, self.where, message, code=code, pointer=json_pointer(self.pointer), final=final)

    def on_key(self) -> Spot:
        """This place, located at the key that holds the value (for a key that is wrong itself)."""
        return Spot(self.out, self.key_pos or self.pos, self.where, self.pointer)

    def key(self, mapping: Any, key: Any, where: errors.Place | str) -> Spot:
        """The place of the value under ``key``, in the questionnaire at ``where`` (a string:
        a place outside the answers, key by key: ``cable.post``)."""
        at = where if isinstance(where, errors.Place) else errors.Place.named(where)
        return Spot(self.out, value_position(mapping, key), at, (*self.pointer, key_name(key)), key_position(mapping, key))

    def item(self, seq: Any, index: int) -> Spot:
        """The place of item ``index`` of a list."""
        return Spot(self.out, item_position(seq, index), self.where.child(index), (*self.pointer, index))


def json_pointer(pointer: Pointer) -> str:
    """RFC 6901: ``("cable", "post")`` -> ``/cable/post``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in pointer)


def join(where: errors.Place, name: str) -> errors.Place:
    """A questionnaire place one key deeper: ``cable`` + ``post`` -> ``cable.post``."""
    return where.child(name)


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a near miss, else nothing."""
    known = list(choices)
    same = [c for c in known if c.lower() == word.lower()]  # "d" for "D": too short for difflib
    match = same or difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


class Kind:
    """What a field takes. Subclasses implement ``check`` and ``json``."""

    placeholder = True  # a placeholder may stand for the value

    def check(self, value: Any, at: Spot) -> None:
        """Report what is wrong with ``value`` at ``at``."""
        raise NotImplementedError

    def json(self) -> Json:
        """The JSON Schema fragment that accepts exactly the values ``check`` accepts."""
        raise NotImplementedError

    def validate(self, value: Any, at: Spot) -> None:
        """``check``, unless the value is a placeholder this kind lets stand."""
        if not (self.placeholder and is_placeholder(value)):
            self.check(value, at)

    def schema(self) -> Json:
        """``json``, or a placeholder where this kind lets one stand."""
        fragment = self.json()
        if not self.placeholder:
            return fragment
        return {"anyOf": [fragment, {"type": "string", "pattern": PLACEHOLDER}]}


def _whole_number(value: object) -> bool:
    """An int that is not a yes/no value (YAML's ``true`` is a bool, and a bool is an int)."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Text(Kind):
    """Text that prints: not blank, and in ``pattern``'s form if one is given."""

    pattern: str = ""
    hint: str = ""
    numbers: bool = False  # a number stands for its digits (``executive_order: 12958``)
    blank: bool = False  # may be blank (an answer's text beside a to_follow note)

    def check(self, value: Any, at: Spot) -> None:
        """Text (or, with ``numbers``, a whole number), with something that prints, in form;
        with ``blank``, nothing at all (``text:``) is blank text."""
        if value is None and self.blank:
            return
        if _whole_number(value):
            if not self.numbers:
                at.error(f'expected text, found {describe(value)}: put it in quotes ("{value}")', "type")
        elif not isinstance(value, str):
            at.error(f"expected text, found {describe(value)}", "type")
        elif not self.blank and is_blank(value):
            at.error("is empty: give a value or remove the key", "empty")
        elif self.pattern and not ecma_pattern(self.pattern).search(value):
            at.error(f"{value!r} is not in the expected form ({self.hint})", "pattern")

    def json(self) -> Json:
        """A string with a visible character (and the pattern); an integer too with ``numbers``."""
        patterns = [p for p in ("" if self.blank else VISIBLE, self.pattern) if p]
        text: Json = {"type": ["string", "null"] if self.blank else "string"}
        if patterns:
            text["allOf"] = [{"pattern": p} for p in patterns]
        return {"anyOf": [text, {"type": "integer"}]} if self.numbers else text


@dataclass(frozen=True)
class Number(Kind):
    """A positive whole number."""

    def check(self, value: Any, at: Spot) -> None:
        """An integer of 1 or more (not a yes/no value)."""
        if not _whole_number(value) or value < 1:
            at.error(f"expected a positive whole number, found {describe(value)}", "type")

    def json(self) -> Json:
        """An integer, minimum 1."""
        return {"type": "integer", "minimum": 1}


@dataclass(frozen=True)
class Choice(Kind):
    """One of a fixed set of words."""

    choices: tuple[str, ...]

    def check(self, value: Any, at: Spot) -> None:
        """One of the words, exactly."""
        if not isinstance(value, str) or value not in self.choices:
            shown = repr(value) if isinstance(value, str) else describe(value)
            hint = suggest(value, self.choices) if isinstance(value, str) else ""
            at.error(f"{shown} is not one of {', '.join(self.choices)}{hint}", "enum")

    def json(self) -> Json:
        """An enum."""
        return {"enum": list(self.choices)}


@dataclass(frozen=True)
class ListOf(Kind):
    """A list whose every element is of ``element``'s kind; ``nonempty`` when it must hold one;
    ``contains``: values it must hold (an edition's required tags), said by ``contains_why``
    (``the 2009 questionnaire requires the tag(s)``)."""

    element: Kind
    nonempty: bool = False
    contains: tuple[str, ...] = ()
    contains_why: str = "the list must hold"
    placeholder = False

    def check(self, value: Any, at: Spot) -> None:
        """A list; each element checked at its own place; the values it must hold."""
        if not isinstance(value, list):
            at.error(f"expected a list, found {describe(value)}", "type")
            return
        if self.nonempty and not value:
            at.error("list is empty", "empty")
        for index, element in enumerate(value):
            self.element.validate(element, at.item(value, index))
        missing = [v for v in self.contains if v not in value]
        if missing:
            at.error(f"{self.contains_why} {', '.join(missing)}", "contains")

    def json(self) -> Json:
        """An array of the element's schema (``contains`` each value it must hold)."""
        out: Json = {"type": "array", "items": self.element.schema()}
        if self.nonempty:
            out["minItems"] = 1
        if self.contains:
            out["allOf"] = [{"contains": {"const": v}} for v in self.contains]
        return out


class Rule(Protocol):
    """A rule between the keys of one mapping (this key's value asks for that one's), which
    checks a mapping and says itself in JSON Schema (draft-07 ``if``/``then``)."""

    def check(self, value: dict[Any, Any], at: Spot) -> None:
        """Report what breaks the rule in ``value``."""

    def json(self) -> Json:
        """The rule as a JSON Schema fragment over the mapping."""


@dataclass(frozen=True)
class Field:
    """One key of a mapping: what it takes, whether it must be there, what it means."""

    kind: Kind
    doc: str
    required: bool = False
    missing: str = ""  # what to say when a required key is missing (default: its name and doc)


def fields(**declared: Field) -> dict[str, Field]:
    """Fields declared by name, in the order written."""
    return declared


@dataclass(frozen=True)
class Record(Kind):
    """A mapping of declared keys; ``needs`` lists alternatives of which one must be present
    (``[("name",), ("text",)]``: a name or the text as printed), said by ``needs_message``."""

    keys: Mapping[str, Field]
    doc: str = ""
    needs: tuple[tuple[str, ...], ...] = ()
    needs_message: str = ""
    optional: frozenset[str] = frozenset()  # declared required, but not here (a framing paragraph's mark)
    open: bool = False  # other keys allowed (a file whose edition is unknown: its paragraphs are too)
    rules: tuple[Rule, ...] = ()  # rules between its keys
    placeholder = False

    def check(self, value: Any, at: Spot) -> None:
        """A mapping: unknown keys, missing keys, each value, the alternatives, then the rules."""
        if not isinstance(value, dict):
            at.error(f"expected a mapping of keys, found {describe(value)}", "type")
            return
        self.check_keys(value, at)
        if self.needs and not any(all(k in value for k in alternative) for alternative in self.needs):
            at.error(self.needs_message, "required", at_key=True)
        for rule in self.rules:
            rule.check(value, at)

    def check_keys(self, value: Any, at: Spot, others: Callable[[Any, Spot], bool] | None = None) -> None:
        """Each key of ``value``: known and checked, or passed to ``others`` (True: it took it)."""
        for key in value:
            name = key_name(key)
            here = at.key(value, key, join(at.where, name))
            if name in self.keys:
                self.keys[name].kind.validate(value[key], here)
            elif not self.open and not (others and others(key, here)):
                Spot(at.out, here.key_pos or at.pos, at.where, here.pointer).error(
                    f"unknown key {name!r}{suggest(name, self.keys)}", "unknown-key"
                )
        self._missing(value, at)

    def _missing(self, value: Any, at: Spot) -> None:
        for name in self.required():
            if name not in value:
                f = self.keys[name]
                where = at.where if f.missing else join(at.where, name)
                message = f.missing or f"missing required key {name!r} ({f.doc})"
                Spot(at.out, at.key_pos or at.pos, where, (*at.pointer, name)).error(message, "required")

    def required(self) -> list[str]:
        """The keys that must be present."""
        return [name for name, f in self.keys.items() if f.required and name not in self.optional]

    def json(self) -> Json:
        """An object with exactly these properties."""
        out: Json = {
            "type": "object",
            "properties": {name: {"description": f.doc, **f.kind.schema()} for name, f in self.keys.items()},
            "required": self.required(),
            "additionalProperties": self.open,
        }
        if self.doc:
            out["description"] = self.doc
        if self.needs:
            out["anyOf"] = [{"required": list(alternative)} for alternative in self.needs]
        if self.rules:
            out["allOf"] = [rule.json() for rule in self.rules]
        return out


@dataclass(frozen=True)
class Records(Kind):
    """A list of free-form mappings, kept in the file but never printed (``dropped``, ``unplaced``)."""

    placeholder = False

    def check(self, value: Any, at: Spot) -> None:
        """A list of mappings."""
        if not isinstance(value, list):
            at.error(f"expected a list of mappings, found {describe(value)}", "type")
            return
        for index, element in enumerate(value):
            if not isinstance(element, dict):
                at.item(value, index).error(f"expected a mapping, found {describe(element)}", "type")

    def json(self) -> Json:
        """An array of objects."""
        return {"type": "array", "items": {"type": "object"}}


@dataclass(frozen=True)
class EditionName(Kind):
    """The edition a file answers: its name, as text or a number (``2009``)."""

    name: str = ""  # when known, the only name allowed (the schema of one edition)
    placeholder = False

    def check(self, value: Any, at: Spot) -> None:
        """An edition name such as 2009."""
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            at.error(f"expected an edition name such as 2009, found {describe(value)}", "type")

    def json(self) -> Json:
        """This edition's name, as text or as a number."""
        if not self.name:
            return {"type": ["string", "integer"]}
        return {"enum": [self.name, int(self.name)] if self.name.isdigit() else [self.name]}


@dataclass(frozen=True)
class AnyMapping(Kind):
    """A mapping whose keys are not known here (the answers of a file whose edition is unknown)."""

    placeholder = False

    def check(self, value: Any, at: Spot) -> None:
        """A mapping."""
        if not isinstance(value, dict):
            at.error(f"expected a mapping, found {describe(value)}", "type")

    def json(self) -> Json:
        """An object."""
        return {"type": "object"}
