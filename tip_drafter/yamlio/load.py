"""Load a country file with ruamel.yaml, keeping where every key and value sits."""

from __future__ import annotations

import functools
import io
import itertools
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver

try:
    from ruamel.yaml.cyaml import CBaseLoader as LibyamlParser
    from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
except ImportError:  # no ruamel.yaml.clib (not CPython): no early depth check, no fast path
    LibyamlParser = None  # type: ignore[assignment,misc]

from ..errors import ERROR, Code, Diagnostic, Place, UnreadableFile
from . import cache, syntax
from .read import COUNTRY_FILE, MAX_BYTES, FileKind, decode, fatal, not_printable, read_text, refuse_size

MAX_DEPTH = 100  # a country file nests 4 deep; the round-trip scanner slows quadratically with depth


MAX_NODES = 50_000  # a full submission has ~2,000; the round-trip parser takes ~0.1 ms a node


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
        """Find duplicate keys on the node tree and place empty values, then build the data as usual."""
        self.duplicates = duplicate_keys(node)
        place_empty_values(node)
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

    def text(self, data: Any) -> str:
        """``data`` written as a country file's YAML text."""
        buffer = io.StringIO()
        self.dump(data, buffer)
        return buffer.getvalue()


@dataclass
class Document:
    """A parsed country file: its data (ruamel round-trip objects) and where it came from."""

    path: str
    data: CommentedMap
    text: str

    @functools.cached_property
    def lines(self) -> list[str]:
        """The text's lines."""
        return self.text.split("\n")

    @functools.cached_property
    def offsets(self) -> list[int]:
        """Where each line of the text starts (0-based offsets)."""
        return [0, *itertools.accumulate(len(line) + 1 for line in self.lines[:-1])]

    def value_end(self, line: int) -> int:
        """Where the value that starts on 0-based ``line`` ends: its line, and the lines below
        that are blank or indented deeper (a block scalar's text, a quoted or plain value's
        continuation), never a later key or a comment. Worked out once per line."""
        ends = self.__dict__.setdefault("_value_ends", {})
        if line not in ends:
            lines = self.lines
            indent = _indent(lines[line])
            last = line + 1
            while last < len(lines) and (not lines[last].strip() or _indent(lines[last]) > indent):
                last += 1
            ends[line] = self.offsets[last] - 1 if last < len(lines) else len(self.text)
        return int(ends[line])


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def parse(text: str, shown: str, keep_comments: bool = False, kind: FileKind = COUNTRY_FILE) -> Document:
    """Parse YAML text into a mapping; syntax errors and duplicate keys are located.

    The same round-trip values come from either of two parsers: libyaml's (in C, ten times
    faster) where only the data and its positions are needed, ruamel's own where the file will
    be written back (``keep_comments``: only it keeps comments) or where libyaml cannot read
    the text (ruamel's messages locate the problem, with hints).
    """
    if too_many_nodes(text):
        raise fatal(shown, 1, 1, f"more than {MAX_NODES:,} keys, values and list items: not {kind.what} ({kind.full})")
    yaml = CountryYAML()
    plain = _scan(text, shown)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            node = _compose_in_c(text) if plain and not keep_comments else None
            data = yaml.load(io.StringIO(text)) if node is None else yaml.constructor.construct_document(node)
    except (YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise _yaml_error(exc, text, shown) from None
    duplicates = [_duplicate(shown, key, first) for key, first in yaml.constructor.duplicates]
    if data is None:
        raise fatal(shown, 1, 1, f"file is empty: expected {kind.what} ({kind.shape})")
    if not isinstance(data, CommentedMap):
        raise fatal(shown, 1, 1, f"expected a mapping of keys at the top level, found {describe(data)}")
    if duplicates:
        raise UnreadableFile(f"{shown}: duplicate keys", diagnostics=sorted(duplicates))
    return Document(path=shown, data=data, text=text)


def too_many_nodes(text: str) -> bool:
    """Whether the YAML text holds more than ``MAX_NODES`` scalars, lists and mappings, counted
    with the C event parser (fast), stopping at the limit. Text it cannot parse is left to
    the round-trip parser, which locates the error."""
    if len(text) < MAX_NODES:  # every node takes at least a character
        return False
    try:
        from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
    except ImportError:  # no C parser (not CPython): the round-trip parser takes its time
        return False
    from ruamel.yaml.events import NodeEvent

    parser = CParser(text)
    nodes = 0
    try:
        while (event := parser.get_event()) is not None and type(event).__name__ != "StreamEndEvent":
            nodes += isinstance(event, NodeEvent)
            if nodes > MAX_NODES:
                return True
    except YAMLError:
        return False
    finally:
        parser.dispose()
    return False


def read_data(text: str) -> Any:
    """Trusted YAML data of tipdraft's own (an edition, the country table), as plain Python
    values: parsed once by libyaml, then kept in the user's cache (see :mod:`cache`)."""
    return cache.parsed(text, _read_data)


def _read_data(text: str) -> Any:
    """YAML text as plain values, read by libyaml entirely in C where ruamel.yaml.clib is there
    (a third of the time of ruamel's safe loader, which builds in Python)."""
    try:
        from ruamel.yaml.cyaml import CSafeLoader
    except ImportError:
        return YAML(typ="safe").load(text)
    loader = CSafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load(path: Path, shown: str | None = None, keep_comments: bool = False, kind: FileKind = COUNTRY_FILE) -> Document:
    """Read and parse the country file (or the ``kind`` of file) at ``path``; ``shown`` is
    the name used in messages; ``keep_comments`` for a file that will be written back."""
    name = shown or str(path)
    return parse(read_text(path, name, kind), name, keep_comments, kind)


def load_text(text: str, shown: str) -> Document:
    """Parse a country file given as text, as :func:`load` reads one from a file named
    ``shown``: the same size limit, the same located diagnostics."""
    raw = text.encode("utf-8", "surrogatepass")  # a lone surrogate: reported as a file's bad bytes are
    refuse_size(raw, shown, MAX_BYTES, "a country file")
    return parse(decode(raw, shown), shown)


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
    tag = getattr(value, "tag", None)
    if tag is not None:  # ruamel's TaggedScalar: ``!!str 12``, ``!local x``
        name = str(getattr(tag, "value", tag)).replace("tag:yaml.org,2002:", "!!")
        return f"a value with the tag {name} (write it without the tag)"
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


def _nodes(root: Node) -> Iterator[Node]:
    """Every node of the tree once (an alias points at a node already seen: no exponential walk)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, MappingNode):
            stack.extend(value for _, value in node.value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)


def duplicate_keys(root: Node) -> list[tuple[Node, Node]]:
    """(key node, first key node of the same name) for every repeated key in the tree."""
    found: list[tuple[Node, Node]] = []
    for node in _nodes(root):
        if isinstance(node, MappingNode):
            first: dict[str, Node] = {}
            for key, _ in node.value:
                if not isinstance(key.value, list):
                    if str(key.value) in first:
                        found.append((key, first[str(key.value)]))
                    else:
                        first[str(key.value)] = key
    return found


def place_empty_values(root: Node) -> None:
    """Put every empty value (``x:`` with nothing after it) at its key. It has no text of its
    own: libyaml places it after the colon, ruamel's parser at the next thing it reads (often
    lines below); at the key, both parsers agree, and a message about it points at its name."""
    for node in _nodes(root):
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if isinstance(value, ScalarNode) and value.value == "" and not value.style:  # plain (None or "")
                    value.start_mark = value.end_mark = key.start_mark


def _duplicate(shown: str, key: Node, first: Node) -> Diagnostic:
    mark, line = key.start_mark, first.start_mark.line + 1
    message = f"duplicate key {str(key.value)!r} (first given on line {line}); only one may stay"
    return Diagnostic(shown, mark.line + 1, mark.column + 1, ERROR, Place(), message, Code.DUPLICATE_KEY)


def _yaml_message(exc: MarkedYAMLError) -> str:
    parts = [exc.context or "", exc.problem or ""]
    text = "; ".join(p.strip() for p in parts if p and p.strip())
    if "\\t" in text or "'\\t'" in text or "tab" in text.lower():
        text += " (YAML does not allow tabs for indentation: use spaces)"
    return text or "invalid YAML"


if LibyamlParser is not None:

    class _LibyamlComposer(CParser, VersionedResolver):  # type: ignore[misc]
        """libyaml's parser and composer with the round-trip resolver (YAML 1.2: ``NO`` is text)."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            VersionedResolver.__init__(self, loader=self)


def _compose_in_c(text: str) -> Node | None:
    """The node tree (with every position) as libyaml composes it, or None where it cannot
    read the text."""
    composer = _LibyamlComposer(text)
    try:
        return composer.get_single_node()  # type: ignore[no-any-return]
    except (YAMLError, ValueError, TypeError):
        return None
    finally:
        composer.dispose()


# Event attributes only the round-trip parser reads as it must: an anchor, an explicit tag, and a
# document's %YAML (1.1 reads ``no`` as false and ``010`` as 8) or %TAG directive.
_NOT_PLAIN = ("anchor", "tag", "version", "tags")


def _scan(text: str, shown: str) -> bool:
    """Refuse data nested deeper than MAX_DEPTH, at the collection that goes too deep, before
    the round-trip parser (which takes seconds over a few thousand ``[``), and tell whether
    the file is plain: no anchor, alias, explicit tag or directive, which only the round-trip
    parser builds as it keeps them, and no tab, which libyaml accepts in places the round-trip
    parser refuses (so a file one reads, the other must too). libyaml's parser reads the
    events in a millisecond; what it cannot read is left to the round-trip parser (not plain)."""
    if LibyamlParser is None:
        return False
    parser, depth, plain = LibyamlParser(text), 0, "\t" not in text
    try:
        while parser.check_event():
            event = parser.get_event()
            depth += isinstance(event, CollectionStartEvent) - isinstance(event, CollectionEndEvent)
            plain = plain and all(getattr(event, name, None) is None for name in _NOT_PLAIN)
            if depth > MAX_DEPTH:
                line, col = event.start_mark.line + 1, event.start_mark.column + 1
                raise fatal(shown, line, col, f"cannot read YAML: the data is nested more than {MAX_DEPTH} levels deep")
    except (YAMLError, ValueError, TypeError):
        return False
    finally:
        parser.dispose()
    return plain


def _yaml_error(exc: Exception, text: str, shown: str) -> UnreadableFile:
    """The located diagnostic for a file the YAML parser could not read."""
    match exc:
        case MarkedYAMLError():
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            if dedent := syntax.dedented(text, line):  # the parser fails later, where the text goes on
                message = f"YAML syntax error: {dedent.message()}"
                return fatal(shown, dedent.line, dedent.column, message, syntax.place(text, dedent.header), code="syntax")
            hint = syntax.explain(exc, text, line)
            message = f"YAML syntax error: {_yaml_message(exc)}" + (f": {hint}" if hint else "")
            return fatal(shown, line, col, message, syntax.place(text, line), code="syntax")
        case ReaderError():
            return not_printable(shown, text, exc.position, exc.character)
        case RecursionError():
            return fatal(shown, 1, 1, "cannot read YAML: the data is nested too deeply")
    return fatal(shown, 1, 1, f"cannot read YAML: {type(exc).__name__}: {exc}", code="syntax")
