"""YAML syntax errors told as a drafter needs them: the questionnaire place the parser had reached,
what probably went wrong, and how to write it instead."""

from __future__ import annotations

import re

from ruamel.yaml.error import MarkedYAMLError

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
    path: list[tuple[int, str]] = []
    for raw in text.split("\n")[: max(line, 1)]:
        if not (m := KEY.match(raw)):
            continue
        indent = len(m["indent"]) + (len(raw) - len(raw.lstrip(" -")) - len(m["indent"]))
        while path and path[-1][0] >= indent:
            path.pop()
        path.append((indent, m["key"].strip("'\"")))
    return tuple(key for _, key in path)


def place(text: str, line: int) -> str:
    """The questionnaire place of ``line``: ``para 25.E``, ``cable.subject`` ("" at the top)."""
    from .country_format import letters_of, paragraph_number  # only for a file that cannot be read

    keys = keys_above(text, line)
    if not keys or keys[0] != "answers":
        return ".".join(keys)
    # as far as the keys are what they should be: a paragraph's number, then an item's letters
    if len(keys) < 2 or paragraph_number(keys[1]) is None:
        return "answers"
    if len(keys) < 3 or letters_of(keys[2]) is None:
        return f"para {keys[1]}"
    return f"para {keys[1]}.{keys[2]}"
