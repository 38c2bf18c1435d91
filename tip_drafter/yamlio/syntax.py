"""YAML syntax errors told as a drafter needs them: the questionnaire place the parser had reached,
what probably went wrong, and how to write it instead."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ..domain.numbering import letters_of, paragraph_number
from ..errors import Place

# A line that opens a key: its indentation and the key (quoted keys unquoted).
KEY = re.compile(r"""^(?P<indent> *)(?:- +)?(?P<key>'[^']*'|"[^"]*"|[A-Za-z0-9_][^:#]*?)\s*:(?:\s|$)""")

# A key whose unquoted value holds a colon and a space: ``B: The main problem: debt``.
PLAIN_VALUE_WITH_COLON = re.compile(r"""^\s*(?:- +)?[^'"\s#][^:#]*:\s+[^'"|>\s#][^#]*?:(?:\s|$)""")
BLOCK = "write the answer as a block: the key, then |- and the text on the lines below, indented"
HINTS = (
    (
        "mapping values are not allowed here",
        lambda line: PLAIN_VALUE_WITH_COLON.match(line) is not None,
        "a colon followed by a space inside a value starts a new key; put the value in double quotes"
        ' (B: "The main problem: debt"), or ' + BLOCK,
    ),
    (
        "mapping values are not allowed here",
        lambda line: True,
        "a key indented deeper than the key above it, which has its value already: keys of one mapping start in the same column",
    ),
    (
        "expected <block end>, but found '<scalar>'",
        lambda line: re.search(r":\s*'", line) is not None and line.count("'") % 2 == 1,
        "an apostrophe inside a value in single quotes ends it: write it twice ('the Government''s view'), or " + BLOCK,
    ),
    (
        "expected <block end>, but found '<scalar>'",
        lambda line: re.search(r':\s*"', line) is not None and line.count('"') % 2 == 1,
        'a double quote opened and not closed on this line, or one inside the value: write it as \\", or ' + BLOCK,
    ),
    (
        "expected <block end>, but found '<scalar>'",
        lambda line: True,
        "text goes on where a key should start: a quote above may be unbalanced, or a line not indented enough",
    ),
    (
        "while parsing a flow",
        lambda line: True,
        "a [ or { is opened and never closed",
    ),
    (
        "found unexpected end of stream",
        lambda line: True,
        "a quote is opened and never closed: look for an unmatched ' or \" above",
    ),
    (
        "expected <block end>, but found '<block mapping start>'",
        lambda line: True,
        "this line is indented differently from the keys beside it: indent keys of one mapping by the same spaces",
    ),
    (
        "could not find expected ':'",
        lambda line: True,
        "a line of a value that is not indented under its key: indent it, or " + BLOCK,
    ),
)


def explain(exc: MarkedYAMLError, text: str, line: int) -> str:
    """A hint for the error at 1-based ``line`` of ``text`` ("" when none fits)."""
    problem = f"{exc.context or ''} {exc.problem or ''}"
    lines = text.split("\n")
    candidates = [lines[i] for i in (line - 1, line - 2) if 0 <= i < len(lines)]
    for words, fits, hint in HINTS:
        if words in problem and any(fits(candidate) for candidate in candidates):
            return hint
    return ""


def keys_above(text: str, line: int) -> tuple[str, ...]:
    """The keys that enclose 1-based ``line``, outermost first, read from the indentation (the
    parser failed, so there is no tree to ask)."""
    return tuple(key for _, key in _path(text.split("\n")[: max(line, 1)]))


def _path(lines: list[str]) -> list[tuple[int, str]]:
    """The column and name of each key that encloses the end of ``lines``, outermost first."""
    path: list[tuple[int, str]] = []
    for raw in lines:
        if not (m := KEY.match(raw)):
            continue
        indent = len(m["indent"]) + (len(raw) - len(raw.lstrip(" -")) - len(m["indent"]))
        while path and path[-1][0] >= indent:
            path.pop()
        path.append((indent, m["key"].strip("'\"")))
    return path


def place(text: str, line: int) -> Place:
    """The questionnaire place of ``line``: ``para 25.E``, ``cable.subject`` (none at the top)."""
    keys = keys_above(text, line)
    if not keys or keys[0] != "answers":
        return Place(field_path=tuple(keys))
    # as far as the keys are what they should be: a paragraph's number, then an item's letters
    number = paragraph_number(keys[1]) if len(keys) >= 2 else None
    if number is None:
        return Place.named("answers")
    letters = letters_of(keys[2]) if len(keys) >= 3 else None
    return Place(number, tuple(letters or ()))


# A key whose value is a block of text: ``E: |-`` (an explicit indentation digit is left alone:
# the text's indentation is then not the first line's).
BLOCK_HEADER = re.compile(r"""^ *(?:- +)?(?:'[^']*'|"[^"]*"|[^\s#'"-][^#]*?)\s*:\s+[|>][-+]?\s*(?:#.*)?$""")


@dataclass(frozen=True)
class Dedent:
    """A line indented less than the block of text it sits in, which ends the block there."""

    line: int  # 1-based, the dedented line
    column: int  # 1-based, its first character
    header: int  # 1-based, the line of the key that opens the block (``E: |-``)
    indent: int  # the spaces the block's text is indented by
    start: int  # 1-based, the block's first line of text

    def message(self) -> str:
        """What happened, in the drafter's words."""
        return (
            f"this line is indented less than the lines of text above it ({self.indent} spaces), so it ends"
            f" the text that starts on line {self.start} and cannot be read itself:"
            f" indent it by {self.indent} spaces like them"
        )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _first_text(lines: list[str], start: int) -> int:
    """The 0-based index of the first line from ``start`` on that is not blank (or the end)."""
    return next((j for j in range(start, len(lines)) if lines[j].strip()), len(lines))


def _ends_of_blocks(lines: list[str], until: int) -> Iterator[Dedent]:
    """Each line up to 1-based ``until`` that ends a block of text by being indented less."""
    i = 0
    while i < min(until, len(lines)):
        if not BLOCK_HEADER.match(lines[i]):
            i += 1
            continue
        first = _first_text(lines, i + 1)
        indent = _indent(lines[first]) if first < len(lines) else 0
        if indent <= _indent(lines[i]):
            i = first  # an empty block: the next line is a key again
            continue
        end = next((j for j in range(first, len(lines)) if lines[j].strip() and _indent(lines[j]) < indent), len(lines))
        if end < until:
            yield Dedent(end + 1, _indent(lines[end]) + 1, i + 1, indent, first + 1)
        i = end


def _is_structure(lines: list[str], dedent: Dedent) -> bool:
    """Whether the line that ended the block reads as the file's structure: a key, a list item
    or a comment at the column of a key that encloses the block."""
    line = lines[dedent.line - 1]
    shaped = KEY.match(line) is not None or line.lstrip().startswith(("#", "- ")) or line.strip() == "-"
    return shaped and dedent.column - 1 in {indent for indent, _ in _path(lines[: dedent.header])} | {0}


def first_error_line(text: str) -> int | None:
    """The 1-based line at which the YAML parser first fails on ``text`` (None: it reads it all)."""
    try:
        from ruamel.yaml.cyaml import CBaseLoader as Events
    except ImportError:  # no C parser: the round-trip one, slower
        from ruamel.yaml import YAML

        return _error_line(lambda: list(YAML().parse(text)))
    events = Events(text)
    try:
        return _error_line(lambda: _read_events(events))
    finally:
        events.dispose()


def _read_events(events: Any) -> None:
    while events.check_event():
        events.get_event()


def _error_line(read: Callable[[], object]) -> int | None:
    try:
        read()
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return mark.line + 1 if mark else 0
    except (YAMLError, ValueError, TypeError):
        return 0
    return None


def dedented(text: str, error_line: int) -> Dedent | None:
    """The line of a block of text that was indented less than the rest and so broke the file
    where the parser failed at 1-based ``error_line`` (it fails later, where the text goes on).
    A line that reads as a key or a comment is taken for one unless the text goes on below
    it and indenting it like the text lets the parser read past ``error_line``."""
    lines = text.split("\n")
    failed_at = None
    for dedent in reversed(list(_ends_of_blocks(lines, error_line))):  # the nearest first
        if not _is_structure(lines, dedent):
            return dedent
        if not _text_goes_on(lines, dedent):
            continue  # the text does not go on below it: a key that ended the block as it should
        failed_at = failed_at or first_error_line(text) or error_line
        after = first_error_line(_indented(lines, dedent))
        if after is None or after > failed_at:
            return dedent
    return None


def _text_goes_on(lines: list[str], dedent: Dedent) -> bool:
    """Whether the next line that is not blank is indented like the block's text again."""
    after = _first_text(lines, dedent.line)
    return after < len(lines) and _indent(lines[after]) >= dedent.indent


def _indented(lines: list[str], dedent: Dedent) -> str:
    """The text with the dedented line indented like the block it broke."""
    at = dedent.line - 1
    return "\n".join([*lines[:at], " " * dedent.indent + lines[at].lstrip(" "), *lines[at + 1 :]])
