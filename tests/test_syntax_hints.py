"""The likeliest newcomer mistakes in YAML, located at their questionnaire place with a hint."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tip_drafter import api

from conftest import BELGIUM, examples

TEXT = BELGIUM.read_text(encoding="utf-8")
ANSWER_23B = TEXT[TEXT.index("    B: |-") : TEXT.index("    C: |-")]


def first_problem(tmp_path: Path, text: str) -> str:
    path = tmp_path / "country.yaml"
    path.write_text(text, encoding="utf-8")
    return api.check(path).diagnostics[0].format()[len(str(path)) :]


@pytest.mark.parametrize(
    ("answer", "place", "hint"),
    [
        ("    B: 'the Government's view is clear'\n", "para 23.B", "an apostrophe inside a value in single quotes ends it"),
        ("    B: The main problem: debt bondage\n", "para 23.B", "a colon followed by a space inside a value starts a new key"),
    ],
)
def test_an_answer_that_breaks_yaml_is_located_at_its_item_with_a_hint(
    tmp_path: Path, answer: str, place: str, hint: str
) -> None:
    problem = first_problem(tmp_path, TEXT.replace(ANSWER_23B, answer))
    line = TEXT.replace(ANSWER_23B, answer).splitlines().index(answer.rstrip("\n")) + 1
    assert problem.startswith(f":{line}:")
    assert f" error: {place}: YAML syntax error: " in problem
    assert hint in problem
    assert "|-" in problem  # and how to write it instead


def test_a_key_indented_apart_from_its_neighbours_gets_a_hint(tmp_path: Path) -> None:
    problem = first_problem(tmp_path, TEXT.replace("  signature: BUSH\n", " signature: BUSH\n"))
    assert "error: cable.signature: YAML syntax error:" in problem
    assert "indented differently from the keys beside it" in problem


@pytest.mark.parametrize(
    ("before", "after", "place", "hint"),
    [
        # a paragraph's mark dedented to the paragraph's own level
        ("  25:\n    mark: SBU\n", "  25:\n  mark: SBU\n", "answers", "indented deeper than the key above"),
        # an answer's key indented one space too far
        (
            '    heading: "INVESTIGATION AND PROSECUTION OF TRAFFICKERS."\n    A: |-\n',
            '    heading: "INVESTIGATION AND PROSECUTION OF TRAFFICKERS."\n     A: |-\n',
            "para 25",
            "",
        ),
        # a tab before a key
        ("  23:\n    mark: SBU\n    A: |-\n", "  23:\n    mark: SBU\n\tA: |-\n", "para 23", "YAML does not allow tabs"),
    ],
)
def test_a_misindented_key_is_placed_at_its_paragraph_never_at_a_key_that_is_no_item(
    tmp_path: Path, before: str, after: str, place: str, hint: str
) -> None:
    assert before in TEXT
    problem = first_problem(tmp_path, TEXT.replace(before, after, 1))
    assert f" error: {place}: YAML syntax error: " in problem, problem
    assert hint in problem, problem
    assert "put the value in double quotes" not in problem  # the value is quoted already, or no value is the matter


# A block answer (``E: |-``), its text lines after the first: (0-based line, text's indentation).
_HEADER = re.compile(r"^ +[A-Z]+: \|-$")


def _block_lines(text: str) -> list[tuple[int, int]]:
    lines, found = text.split("\n"), []
    for i, line in enumerate(lines):
        if not _HEADER.match(line):
            continue
        body = list(itertools.takewhile(lambda j: not lines[j] or lines[j].startswith(" " * 6), range(i + 1, len(lines))))
        texts = [j for j in body if lines[j].strip()]
        indent = len(lines[texts[0]]) - len(lines[texts[0]].lstrip())
        # the first line sets the block's indentation: dedenting it alone only moves the text
        found += [(j, indent) for j in texts[1:]]
    return found


BLOCK_LINES = _block_lines(TEXT)


def _dedent(text: str, index: int, spaces: int) -> str:
    lines = text.split("\n")
    lines[index] = " " * spaces + lines[index].lstrip(" ")
    return "\n".join(lines)


def test_a_line_dedented_inside_a_block_answer_is_reported_at_that_line(tmp_path: Path) -> None:
    """A line of 25.E moved to the left margin: the parser fails lines later, in the middle of
    the text; the report names the dedented line, its first column, the answer and what happened."""
    index = TEXT.split("\n").index("        drug trade. On July 1, 2008, the labor court magistrate's office conducted a")
    problem = first_problem(tmp_path, _dedent(TEXT, index, 0))
    assert problem == (
        f":{index + 1}:1: error: para 25.E: YAML syntax error: this line is indented less than the lines of text"
        " above it (8 spaces), so it ends the text that starts on line 236 and cannot be read itself:"
        " indent it by 8 spaces like them"
    )


@settings(max_examples=examples(3))
@given(st.sampled_from(BLOCK_LINES), st.data())
def test_whichever_line_of_a_block_answer_is_dedented_the_first_problem_is_at_that_line(
    tmp_path_factory: pytest.TempPathFactory, where: tuple[int, int], data: st.DataObject
) -> None:
    """Whatever line of whichever block answer loses some of its indentation, the file's first
    problem is on that line: a syntax error saying so, or (where the line now reads as a key)
    the unknown key it became."""
    index, indent = where
    spaces = data.draw(st.integers(0, indent - 1), label="spaces")
    path = tmp_path_factory.mktemp("dedent") / "country.yaml"
    path.write_text(_dedent(TEXT, index, spaces), encoding="utf-8")
    first = api.check(path).diagnostics[0]
    assert (first.line, first.column) == (index + 1, spaces + 1), first.format()
    assert "is indented less than the lines of text above it" in first.message or "unknown key" in first.message
