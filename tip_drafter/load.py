"""Load a country file with ruamel.yaml, keeping where every key and value sits."""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.reader import ReaderError

from .errors import ERROR, Diagnostic, UnreadableFile

MAX_BYTES = 4 * 1024 * 1024  # a full submission is ~40 KB; anything this big is not one


class CountryConstructor(RoundTripConstructor):
    """Round-trip constructor that keeps dates as the text the user typed, and notes
    duplicate keys from the node tree before building (one parse does both).

    A date-like value (``2009-02-30``) would otherwise be built as a date, or fail to build
    with no position; the validator says what it expects instead.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.duplicates: list[tuple[Node, Node]] = []

    def construct_document(self, node: Node) -> Any:
        """Find duplicate keys on the node tree, then build the data as usual."""
        self.duplicates = duplicate_keys(node)
        return super().construct_document(node)


CountryConstructor.add_constructor("tag:yaml.org,2002:timestamp", CountryConstructor.construct_yaml_str)


class CountryYAML(YAML):
    """Round-trip YAML that keeps duplicate keys (we report them ourselves, all at once)."""

    def __init__(self) -> None:
        super().__init__(typ="rt")
        self.Constructor = CountryConstructor
        self.allow_duplicate_keys = True
        self.preserve_quotes = True
        self.width = 88
        self.indent(mapping=2, sequence=4, offset=2)


@dataclass
class Document:
    """A parsed country file: its data (ruamel round-trip objects) and where it came from."""

    path: str
    data: CommentedMap
    text: str


def read_text(path: Path, shown: str) -> str:
    """The file's text, or a located diagnostic saying why it is not UTF-8 YAML text."""
    try:
        if path.is_dir():
            raise UnreadableFile.whole(shown, "is a folder, not a country file")
        if path.stat().st_size > MAX_BYTES:
            raise _fatal(shown, 1, 1, f"file is larger than the {MAX_BYTES // 1024 // 1024} MiB limit for a country file")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile.whole(shown, "no such file") from None
    except PermissionError:
        raise UnreadableFile.whole(shown, "permission denied: cannot read the file") from None
    except OSError as exc:
        raise UnreadableFile.whole(shown, f"cannot read: {exc.strerror or exc}") from None
    return decode(raw, shown)


def decode(raw: bytes, shown: str) -> str:
    """Decode UTF-8 (with or without a BOM); a bad byte is reported at its line and column."""
    if b"\x00" in raw:
        line, col = _position(raw, raw.index(b"\x00"))
        raise _fatal(shown, line, col, "file contains NUL bytes: this is a binary file, not YAML text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _position(raw, exc.start)
        byte = raw[exc.start]
        hint = " (saved as Windows-1252 or Latin-1? save it as UTF-8)" if byte >= 0x80 else ""
        raise _fatal(shown, line, col, f"not UTF-8 text: byte 0x{byte:02X} cannot be decoded{hint}") from None


def parse(text: str, shown: str) -> Document:
    """Parse YAML text into a mapping; syntax errors and duplicate keys are located."""
    yaml = CountryYAML()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = yaml.load(io.StringIO(text))
            duplicates = [_duplicate(shown, key, first) for key, first in yaml.constructor.duplicates]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise _fatal(shown, line, col, f"YAML syntax error: {_yaml_message(exc)}") from None
    except ReaderError as exc:
        line, col = _text_position(text, exc.position)
        raise _fatal(shown, line, col, f"character {exc.character!r} is not allowed in YAML text") from None
    except RecursionError:
        raise _fatal(shown, 1, 1, "cannot read YAML: the data is nested too deeply") from None
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise _fatal(shown, 1, 1, f"cannot read YAML: {type(exc).__name__}: {exc}") from None
    if data is None:
        raise _fatal(shown, 1, 1, "file is empty: expected a country file (a mapping with 'edition', 'cable', 'answers')")
    if not isinstance(data, CommentedMap):
        raise _fatal(shown, 1, 1, f"expected a mapping of keys at the top level, found {describe(data)}")
    if duplicates:
        raise UnreadableFile(f"{shown}: duplicate keys", diagnostics=sorted(duplicates))
    return Document(path=shown, data=data, text=text)


def load(path: Path, shown: str | None = None) -> Document:
    """Read and parse the country file at ``path``; ``shown`` is the name used in messages."""
    name = shown or str(path)
    return parse(read_text(path, name), name)


def describe(value: object) -> str:
    """A short, safe description of a value's type for messages (never its whole content)."""
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    return f"a {type(value).__name__} value"


def flow_list(items: list[str]) -> CommentedSeq:
    """A list written on one line, ``[SENSITIVE, SIPDIS]``, as people write short lists."""
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def key_name(key: object) -> str:
    """A mapping key as text for messages; a list or mapping used as a key is never expanded."""
    if isinstance(key, (str, int, float, bool)) or key is None:
        text = str(key)
        return text if len(text) <= 80 else text[:77] + "..."
    return f"<{describe(key)[2:]} used as a key>"


def key_position(mapping: Any, key: object) -> tuple[int, int]:
    """1-based line and column of ``key`` in a round-trip mapping (1:1 if unknown)."""
    try:
        line, col = mapping.lc.key(key)
        return line + 1, col + 1
    except (AttributeError, KeyError, TypeError):
        return container_position(mapping)


def value_position(mapping: Any, key: object) -> tuple[int, int]:
    """1-based line and column of the value under ``key`` (of the key, when the value is
    empty: there is nothing else to point at)."""
    if mapping.get(key) is None:
        return key_position(mapping, key)
    try:
        line, col = mapping.lc.value(key)
        return line + 1, col + 1
    except (AttributeError, KeyError, TypeError):
        return key_position(mapping, key)


def item_position(seq: Any, index: int) -> tuple[int, int]:
    """1-based line and column of item ``index`` of a round-trip sequence."""
    try:
        line, col = seq.lc.item(index)
        return line + 1, col + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return container_position(seq)


def container_position(node: Any) -> tuple[int, int]:
    """Where a mapping or sequence starts."""
    if isinstance(node, (CommentedMap, CommentedSeq)) and node.lc.line is not None:
        return node.lc.line + 1, node.lc.col + 1
    return 1, 1


def duplicate_keys(root: Node) -> list[tuple[Node, Node]]:
    """(key node, first key node of the same name) for every repeated key in the tree."""
    found: list[tuple[Node, Node]] = []
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue  # aliases point at nodes already checked: no exponential walk
        seen_nodes.add(id(node))
        if isinstance(node, MappingNode):
            first: dict[str, Node] = {}
            for key, value in node.value:
                if not isinstance(key.value, list):
                    if str(key.value) in first:
                        found.append((key, first[str(key.value)]))
                    else:
                        first[str(key.value)] = key
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return found


def _duplicate(shown: str, key: Node, first: Node) -> Diagnostic:
    mark, line = key.start_mark, first.start_mark.line + 1
    message = f"duplicate key {str(key.value)!r} (first given on line {line}); only one may stay"
    return Diagnostic(shown, mark.line + 1, mark.column + 1, ERROR, "", message)


def _yaml_message(exc: MarkedYAMLError) -> str:
    parts = [exc.context or "", exc.problem or ""]
    text = "; ".join(p.strip() for p in parts if p and p.strip())
    if "\\t" in text or "'\\t'" in text or "tab" in text.lower():
        text += " (YAML does not allow tabs for indentation: use spaces)"
    return text or "invalid YAML"


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    col = len(before) - (before.rfind(b"\n") + 1) + 1
    return line, col


def _text_position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _fatal(shown: str, line: int, col: int, message: str) -> UnreadableFile:
    diag = Diagnostic(shown, line, col, ERROR, "", " ".join(message.split()))
    return UnreadableFile(diag.format(), diagnostics=[diag])
