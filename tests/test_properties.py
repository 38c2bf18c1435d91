"""Property tests: whatever the file holds, validate answers with exit 0, 1 or 2, names the
file in every message, and never shows a traceback."""

from __future__ import annotations

import copy
import io
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tip_drafter.cli.main import app
from tip_drafter.edition import load_edition
from tip_drafter.errors import NotACable
from tip_drafter.importing.importer import import_cable
from tip_drafter.yamlio.load import CountryYAML

from conftest import BELGIUM, EXAMPLE, examples

runner = CliRunner()
EDITION = load_edition("2009")
# Lines of a real cable, shuffled and mixed with noise by the import test below.
IMPORT_LINES = [
    *[line for line in EXAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()][::7],
    "", "UNCLAS SECTION 01 OF 02 OSLO 000100", "DE RUEHNY #0100/01 0401200", "P 301200Z FEB 09", "TO RUEHC/SECSTATE WASHDC",
    "Para 23 -- TITLE", "3. (SBU) Question 24:", "-- B. and C. text", "23 A. x", "END TEXT OF REPORT.", "OSLO 00000100 002 OF 002",
]  # fmt: skip
BELGIUM_LINES = BELGIUM.read_text(encoding="utf-8").splitlines(keepends=True)
WORKDIR = Path(tempfile.mkdtemp(prefix="tipdraft-props-"))


def check_contract(content: bytes) -> int:
    """Validate ``content`` as a country file: exit 0, 1 or 2, every message names the file,
    no traceback. Returns the exit status."""
    path = WORKDIR / "country.yaml"
    path.write_bytes(content)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in result.output
    problems = [line for line in result.stderr.splitlines() if line]
    if result.exit_code != 0:
        assert problems, "a failing run must say why"
    for line in problems:
        assert str(path) in line, line
    return result.exit_code


snippets = st.sampled_from(
    ["", "\t", ":", "- ", "&a ", "*a", "{", "}", "[", "]", "'", '"', "#", "? ", "---", "...", "!!python/object ",
     "25:", "  E: ''", "    mark: C", "null", "~", "2009-02-30", "\u201cquoted\u201d", "\x00", "\ufeff", "    ", "\n"]
)  # fmt: skip


@st.composite
def mutated_belgium(draw: st.DrawFn) -> bytes:
    lines = list(BELGIUM_LINES)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "replace", "truncate", "indent"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "insert":
            lines.insert(i, draw(snippets) + draw(st.text(max_size=20)) + "\n")
        elif action == "replace":
            line = lines[i]
            j = draw(st.integers(0, max(len(line) - 1, 0)))
            lines[i] = line[:j] + draw(snippets) + line[j + 1 :]
        elif action == "truncate":
            lines = lines[:i]
        else:
            lines[i] = " " * draw(st.integers(1, 3)) + lines[i]
    return "".join(lines).encode("utf-8", "surrogatepass")


@settings(max_examples=examples(6))
@given(mutated_belgium())
def test_mutated_country_files(content: bytes) -> None:
    check_contract(content)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10) | st.integers(20, 30), children, max_size=5)
    ),
    max_leaves=25,
)
top_keys = st.sampled_from(["edition", "cable", "answers", "transmission", "contact", "hours", "begin", "other"])


@settings(max_examples=examples(4))
@given(st.dictionaries(top_keys, yaml_values, max_size=8))
def test_random_documents(document: dict[str, Any]) -> None:
    buffer = io.StringIO()
    CountryYAML().dump(document, buffer)
    check_contract(buffer.getvalue().encode("utf-8", "surrogatepass"))


@settings(max_examples=examples(3))
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_random_bytes(content: bytes) -> None:
    check_contract(content)


@settings(max_examples=examples(2))
@given(st.lists(st.sampled_from(IMPORT_LINES) | st.text(max_size=40), max_size=40))
def test_import_of_any_text_writes_a_file_validate_can_read(lines: list[str]) -> None:
    try:
        result = import_cable("\n".join(lines), EDITION, force=True)
    except NotACable as exc:  # refused as no cable: fine; never because a word would be lost
        assert "would lose text" not in str(exc)
        return
    buffer = io.StringIO()
    CountryYAML().dump(result.data, buffer)
    assert check_contract(buffer.getvalue().encode("utf-8", "surrogatepass")) in (0, 1)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in items:
        found += [(*prefix, key), *_paths(value, (*prefix, key))]
    return found


BELGIUM_DATA = CountryYAML().load(BELGIUM.read_text(encoding="utf-8"))  # copied, never changed: parsing is 5x slower
BELGIUM_DATA_PATHS = _paths(BELGIUM_DATA)
typed_values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**12), st.floats(), st.text(max_size=40),
    st.sampled_from(["", "TBD", "C", "S", "B and C", "Z", "311200Z FEB 09", "SECRET", "{{ 7*7 }}", "<b>x</b>", "x" * 90, "\u00e9"]),
    st.lists(st.text(max_size=8), max_size=3), st.dictionaries(st.sampled_from(["text", "to_follow", "carried_over", "x"]), st.text(max_size=8), max_size=2),
)  # fmt: skip


@settings(max_examples=examples(3))
@given(st.lists(st.tuples(st.sampled_from(BELGIUM_DATA_PATHS), typed_values), min_size=1, max_size=3))
def test_any_value_of_any_type_anywhere_in_a_valid_file(changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    data = copy.deepcopy(BELGIUM_DATA)
    for path, value in changes:
        node = data
        for part in path[:-1]:
            if (
                not isinstance(node, (dict, list))
                or (isinstance(node, list) and not isinstance(part, int))
                or part not in (node if isinstance(node, dict) else range(len(node)))
            ):
                break
            node = node[part]
        else:
            last = path[-1]
            if isinstance(node, dict) or (isinstance(node, list) and isinstance(last, int) and last < len(node)):
                node[last] = value
    buffer = io.StringIO()
    CountryYAML().dump(data, buffer)
    check_contract(buffer.getvalue().encode("utf-8", "surrogatepass"))
