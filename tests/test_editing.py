"""Editing a country file in place (what the form saves through): only the values edited change, every other byte stays."""

from __future__ import annotations

import difflib
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tip_drafter.yamlio.editing import DELETE, Edit, EditError, apply_edits
from tip_drafter.yamlio.load import parse

from conftest import BELGIUM, examples

TEXT = BELGIUM.read_text(encoding="utf-8")
DATA = parse(TEXT, "belgium.yaml").data
ANSWERS = [(int(p), str(k)) for p, entry in DATA["answers"].items() for k in entry if k not in ("mark", "heading")]
HEADER = ["subject", "reference", "reference_note", "signature", "post", "country"]

text_values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
lines_of_text = st.lists(
    st.text(alphabet=st.characters(codec="utf-8", blacklist_categories=("Cs", "Cc")), max_size=60), min_size=1, max_size=6
)


def _changed_lines(old: str, new: str) -> set[int]:
    """0-based lines of ``old`` that the edit replaced or removed (and where it inserted)."""
    changed: set[int] = set()
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, old.split("\n"), new.split("\n"), autojunk=False).get_opcodes():
        if tag != "equal":
            changed.update(range(i1, max(i2, i1 + 1)))
    return changed


def _span(key_path: tuple[Any, ...]) -> set[int]:
    """The lines of a value in Belgium's file (its key's line to the line before the next key)."""
    node = DATA
    for key in key_path[:-1]:
        node = node[key]
    keys = list(node)
    start = node.lc.key(key_path[-1])[0]
    following = keys.index(key_path[-1]) + 1
    end = (
        node.lc.key(keys[following])[0]
        if following < len(keys)
        else start + TEXT[TEXT.index("\n".join(TEXT.split("\n")[start : start + 1])) :].count("\n")
    )
    return set(range(start, end))


def test_no_edit_is_the_same_bytes() -> None:
    assert apply_edits(TEXT, []) == TEXT


@settings(max_examples=examples(1))
@given(st.sampled_from(ANSWERS), st.one_of(text_values, lines_of_text.map("\n".join)))
def test_an_answer_edited_changes_only_its_lines_and_reads_back(item: tuple[int, str], value: str) -> None:
    para, key = item
    pointer: tuple[Any, ...] = (
        ("answers", para, key) if not isinstance(DATA["answers"][para][key], dict) else ("answers", para, key, "text")
    )
    try:
        new = apply_edits(TEXT, [Edit(pointer, value)])
    except EditError:
        assume(False)
        return
    got = parse(new, "x").data
    node = got
    for k in pointer:
        node = node[k]
    assert node == value
    assert _changed_lines(TEXT, new) <= _span(("answers", para, key)), "lines outside the answer changed"


@settings(max_examples=examples(1))
@given(st.sampled_from(HEADER), text_values.filter(lambda v: "\n" not in v))
def test_a_header_field_edited_changes_one_line(field: str, value: str) -> None:
    try:
        new = apply_edits(TEXT, [Edit(("cable", field), value)])
    except EditError:
        assume(False)
        return
    assert parse(new, "x").data["cable"][field] == value
    assert _changed_lines(TEXT, new) == {DATA["cable"].lc.key(field)[0]}


def test_a_reviewed_answer_loses_its_carried_over_line_only() -> None:
    draft = TEXT.replace(
        "    D: |-\n      Belgium is not a source country.",
        "    D:\n      carried_over: 2008  # review me\n      text: |-\n        Belgium is not a source country.",
    )
    new = apply_edits(draft, [Edit(("answers", 23, "D", "carried_over"), DELETE)])
    assert [line for line in difflib.ndiff(draft.split("\n"), new.split("\n")) if line[:1] in "+-"] == [
        "-       carried_over: 2008  # review me"
    ]


def test_a_new_answer_goes_in_its_letter_s_place() -> None:
    without = apply_edits(TEXT, [Edit(("answers", 23, "C"), DELETE)])
    back = apply_edits(
        without, [Edit(("answers", 23, "C"), "Held in degrading conditions.", order=("mark", "heading", "A", "B", "C", "D", "E"))]
    )
    assert list(parse(back, "x").data["answers"][23]) == ["mark", "A", "B", "C", "D", "E"]


def test_an_edit_that_cannot_be_written_in_place_is_refused_whole() -> None:
    with pytest.raises(EditError, match="not a mapping"):
        apply_edits(TEXT, [Edit(("cable", "subject", "x"), "y")])
