"""Edit a country file in place: each value changed where it stands, every other byte of the file kept.

The form (``tipdraft edit``) saves through here, and so can any caller: an edit names a value by
its path in the file (``("answers", 25, "E", "text")``) and gives its new value (or deletes it);
the lines of that value are rewritten and nothing else, so comments, key order, quoting and
block style elsewhere are as they were and ``git diff`` shows only what changed. Every save is
checked by reading the new text back: it must hold exactly the old data with the edits made.
"""

from __future__ import annotations

import copy
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import TipDraftError
from .load import Document, parse

Key = str | int
Pointer = tuple[Key, ...]


class Delete:
    """The value of an edit that removes its key (``carried_over`` once an answer is reviewed)."""

    def __repr__(self) -> str:
        return "DELETE"


DELETE = Delete()


@dataclass(frozen=True)
class Edit:
    """One value of the file, by its path, and what it becomes; ``order`` lists the keys of its
    mapping in the order the cable prints them, so a new key goes in its place, not last."""

    pointer: Pointer
    value: Any
    order: tuple[Key, ...] = ()


class EditError(TipDraftError):
    """An edit that cannot be made without changing more than it names; nothing is written."""


def apply_edits(text: str, edits: Sequence[Edit], shown: str = "country file") -> str:
    """``text`` with every edit made in place (each value's own lines rewritten, new keys added
    in their place, deleted keys' lines removed); raises :class:`EditError` if the result would
    not read back as the old data with exactly these edits."""
    crlf = text.count("\r\n") == text.count("\n") > 0  # a file with Windows line ends keeps them, new lines too
    text = text.replace("\r\n", "\n") if crlf else text
    expected = _plain(_parsed(text, shown).data)
    for edit in edits:
        text = _apply(text, edit, shown)
        _set(expected, edit)
    try:
        got = _plain(_parsed(text, shown).data)
    except TipDraftError:
        got = None
    if got != expected:
        raise EditError(f"{shown}: the change could not be written without touching other values; nothing was saved")
    return text.replace("\n", "\r\n") if crlf else text


@functools.lru_cache(maxsize=4)
def _parsed(text: str, shown: str) -> Document:
    """The text parsed, kept for the next edits of the same text (the form checks each
    keystroke's edits against the text it loaded); only read here, never changed."""
    return parse(text, shown)


def _apply(text: str, edit: Edit, shown: str) -> str:
    document = _parsed(text, shown)
    lines = text.split("\n")
    parent, key, depth = _deepest(document.data, edit.pointer)
    if depth == len(edit.pointer) - 1 and isinstance(parent, CommentedMap) and key in parent:
        start, end = _span(document, parent, key)
        if edit.value is DELETE:
            return "\n".join(lines[:start] + lines[end:])
        indent = parent.lc.key(key)[1]
        child = _child_indent(lines, start, end, indent)
        style = _Style(_flow(lines, parent, key), _quote(lines, parent, key), child, _item_lines(lines, parent[key]))
        new = _entry_lines(_key_text(lines[start], indent, key), edit.value, indent, style)
        return "\n".join(lines[:start] + new + lines[end:])
    if edit.value is DELETE:
        return text  # nothing there to delete
    if not isinstance(parent, CommentedMap) or (depth < len(edit.pointer) - 1 and key in parent):
        raise EditError(f"{shown}: {_shown(edit.pointer[: depth + 1])} is not a mapping; cannot set {_shown(edit.pointer)}")
    value = _nest(edit.pointer[depth + 1 :], edit.value)
    at, indent = _insertion(document, parent, key, edit.order, edit.pointer[:depth])
    return "\n".join(lines[:at] + _entry_lines(_format_key(key), value, indent, _Style()) + lines[at:])


def _deepest(data: Any, pointer: Pointer) -> tuple[Any, Key, int]:
    """The deepest mapping on the pointer's path that exists, the key looked up in it, and its depth."""
    node = data
    for depth, key in enumerate(pointer):
        found = _lookup(node, key)
        if depth == len(pointer) - 1 or found is None or not isinstance(node[found], CommentedMap):
            return node, (found if found is not None else key), depth
        node = node[found]
    raise EditError("an empty path names no value")


def _lookup(node: Any, key: Key) -> Key | None:
    """The key as the file writes it (``25`` or ``"25"`` for a paragraph number)."""
    if not isinstance(node, CommentedMap):
        return None
    for candidate in (key, str(key), int(key) if isinstance(key, str) and key.isdigit() else None):
        if candidate is not None and candidate in node:
            return candidate
    return None


def _span(document: Document, mapping: CommentedMap, key: Key) -> tuple[int, int]:
    """The lines [start, end) of one key and its value (trailing blank and comment lines stay)."""
    start = mapping.lc.key(key)[0]
    end_offset = document.value_end(start)
    end = document.text.count("\n", 0, end_offset) + 1
    lines = document.lines
    while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return start, end


def _key_text(line: str, indent: int, key: Key) -> str:
    """The key as the file writes it (``B and C``, ``"25"``), taken from its line."""
    rest = line[indent:]
    for sep in (": ", ":"):
        head = rest.split(sep, 1)[0] if sep in rest else ""
        if head and not head.startswith(("'", '"', "{", "[")):
            return head
    return _format_key(key)


@dataclass(frozen=True)
class _Style:
    """How the value being replaced was written, so its new value is written the same way."""

    flow: bool = False  # a list in flow style, [A, B]
    quote: str = ""  # the quote a quoted scalar had
    child: int | None = None  # the column its block's lines started at
    items: tuple[tuple[Any, str], ...] = ()  # a block list's items of one line each: (value, line as written)


def _quote(lines: list[str], mapping: CommentedMap, key: Key) -> str:
    line, col = mapping.lc.value(key)
    first = lines[line][col : col + 1]
    return first if first in ("'", '"') else ""


def _child_indent(lines: list[str], start: int, end: int, indent: int) -> int | None:
    """The column of a block value's first line below its key (None for a value on the key's line)."""
    for line in lines[start + 1 : end]:
        if line.strip() and not line.lstrip().startswith("#"):
            column = len(line) - len(line.lstrip(" "))
            return column if column >= indent else None
    return None


def _flow(lines: list[str], mapping: CommentedMap, key: Key) -> bool:
    """Whether the value stands in flow style (``[A, B]``) on its key's line."""
    line, col = mapping.lc.value(key)
    return bool(lines[line][col:].lstrip().startswith(("[", "{")))


def _insertion(document: Document, parent: CommentedMap, key: Key, order: tuple[Key, ...], path: Pointer) -> tuple[int, int]:
    """Where a new key of ``parent`` goes (the line before which it is inserted) and its indent."""
    keys = list(parent)
    if not keys:
        raise EditError(f"{document.path}: {_shown(path)} is empty; add its first value in an editor")
    indent = parent.lc.key(keys[0])[1]
    rank = {str(k): n for n, k in enumerate(order)}
    later = [k for k in keys if str(key) in rank and str(k) in rank and rank[str(k)] > rank[str(key)]]
    if later:
        return parent.lc.key(later[0])[0], indent
    return _span(document, parent, keys[-1])[1], indent


def _nest(rest: Pointer, value: Any) -> Any:
    for key in reversed(rest):
        value = {key: value}
    return value


def _entry_lines(key_text: str, value: Any, indent: int, style: _Style) -> list[str]:
    """``key: value`` as lines at ``indent``: text over several lines as a literal block, a
    list in the style it had, a mapping in block style; the block's lines where the old ones were."""
    pad = " " * indent
    inner = " " * (style.child if style.child is not None else indent + 2)
    if isinstance(value, str) and "\n" in value and _literal_ok(value):
        return [f"{pad}{key_text}: {_literal(value, inner, indent)[0]}", *_literal(value, inner, indent)[1:]]
    if isinstance(value, (dict, list)) and not (style.flow and isinstance(value, list)):
        return [f"{pad}{key_text}:", *_block_lines(value, inner, style)]
    return [f"{pad}{key_text}: {_inline(value, style.quote)}"]


def _block_lines(value: dict[Any, Any] | list[Any], inner: str, style: _Style) -> list[str]:
    """A mapping or list in block style below its key: a list of text item by item as it was
    written; a mapping entry by entry, as :func:`_entry_lines` writes a value (text over
    several lines as a literal block: an answer given a data-to-follow note keeps its look)."""
    if isinstance(value, list) and _text_list(value) and style.items:
        return _list_lines(value, inner, style.items)
    if isinstance(value, dict):
        return [line for k, v in value.items() for line in _entry_lines(_format_key(k), v, len(inner), _Style())]
    return [f"{inner}{line}" for line in _dump(value).rstrip("\n").split("\n")]


def _text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _item_lines(lines: list[str], value: Any) -> tuple[tuple[Any, str], ...]:
    """A block list's items as written, when each stands on one line of its own (``- "X"``)."""
    if not isinstance(value, CommentedSeq) or not value or not _text_list(value):
        return ()
    found = []
    for index, item in enumerate(value):
        line, col = value.lc.item(index)
        text = lines[line]
        if not text[:col].rstrip().endswith("-") or (index + 1 < len(value) and value.lc.item(index + 1)[0] != line + 1):
            return ()
        found.append((item, text))
    return tuple(found)


def _list_lines(value: list[str], inner: str, items: tuple[tuple[Any, str], ...]) -> list[str]:
    """A list of text in block style, each item as it was written where it is unchanged, a
    new one quoted as the list's first item is (so a list edited keeps its look, and git diff
    shows only the items that changed)."""
    kept = {str(v): line for v, line in items}
    first = items[0][1]
    quote = '"' if first.lstrip()[1:].lstrip().startswith('"') else ""
    return [kept.get(v) or f"{inner}- {_inline(v, quote)}" for v in value]


def _literal(value: str, inner: str, indent: int) -> list[str]:
    """A literal block: its header (``|-``; an indentation indicator when the text starts with a
    space; clip or keep when it ends with line breaks) and its lines at ``inner``."""
    body = value.rstrip("\n").split("\n")
    trailing = len(value) - len(value.rstrip("\n"))
    chomp = "-" if not trailing else "" if trailing == 1 else "+"  # strip, clip or keep the final line breaks
    head = f"|{len(inner) - indent}{chomp}" if body[0].startswith(" ") else f"|{chomp}"
    kept = [""] * (trailing - 1 if chomp == "+" else 0)
    return [head, *(f"{inner}{line}" if line else "" for line in body), *kept]


def _literal_ok(value: str) -> bool:
    """Text a literal block keeps as it is: printable, no trailing spaces a block would lose,
    something on a line (a block of line breaks alone is written quoted)."""
    lines = value.split("\n")
    return bool(value.strip("\n")) and all(line.isprintable() and line == line.rstrip() for line in lines)


def _inline(value: Any, quote: str = "") -> str:
    """A value on its key's line: plain where YAML reads it back the same, else quoted (in
    double quotes where the old value had them)."""
    if isinstance(value, str) and (not value.isprintable() or quote == '"'):
        return _double_quoted(value)
    if isinstance(value, list):
        flow = _yaml()
        flow.default_flow_style = True
        return _dump(value, flow).strip()
    return _dump({"v": value}).strip()[len("v: ") :]


def _double_quoted(value: str) -> str:
    """A YAML double-quoted scalar: every character that does not print written as an escape."""
    out = []
    for ch in value:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _dump(value: Any, yaml: YAML | None = None) -> str:
    buffer = io.StringIO()
    (yaml or _yaml()).dump(value, buffer)
    return buffer.getvalue()


def _yaml() -> YAML:
    yaml = YAML()
    yaml.width = 2**31 - 1  # never folded: a value's line is the user's, however long its words
    yaml.default_flow_style = False
    yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


def _format_key(key: Key) -> str:
    return _inline(key)


def _shown(pointer: Pointer) -> str:
    return ".".join(str(k) for k in pointer) or "the file"


def _set(data: Any, edit: Edit) -> None:
    """The edit made on plain data (what the new text must read back as)."""
    node = data
    for key in edit.pointer[:-1]:
        node = node.setdefault(_plain_key(node, key), {})
    last = _plain_key(node, edit.pointer[-1])
    if edit.value is DELETE:
        node.pop(last, None)
    else:
        node[last] = copy.deepcopy(edit.value)


def _plain_key(node: dict[Any, Any], key: Key) -> Key:
    for candidate in (key, str(key), int(key) if isinstance(key, str) and key.isdigit() else None):
        if candidate is not None and candidate in node:
            return candidate
    return key


def _plain(value: Any) -> Any:
    if isinstance(value, (dict, CommentedMap)):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, CommentedSeq)):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, str) else value
