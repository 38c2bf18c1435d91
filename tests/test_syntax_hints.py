"""The likeliest newcomer mistakes in YAML, located at their questionnaire place with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from tip_drafter import api

from conftest import BELGIUM

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
