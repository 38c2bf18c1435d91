"""Validation of country files against the 2009 edition: every problem located, all at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tip_drafter import api
from tip_drafter.edition import load_edition
from tip_drafter.errors import InvalidCountryFile

from conftest import BELGIUM

EDITION = load_edition("2009")
ITEMS = [(p.number, i.letter) for p in EDITION.paragraphs for i in p.items]


def messages(path: Path) -> list[str]:
    return [d.format() for d in api.check(path).diagnostics]


def key_of(para: Any, letter: str) -> str:
    return next(k for k in para if k not in ("mark", "heading") and letter in str(k).split(" and "))


def test_belgium_is_clean() -> None:
    assert messages(BELGIUM) == []


def test_edition_lists_the_2009_paragraphs_and_items() -> None:
    assert [p.number for p in EDITION.paragraphs] == [23, 24, 25, 26, 27]
    assert ["".join(i.letter for i in p.items) for p in EDITION.paragraphs] == [
        "ABCDE",
        "ABCD",
        "ABCDEFGHIJKLM",
        "ABCDEFGHIJKLM",
        "ABCDEFG",
    ]
    ids = [i.id for p in EDITION.paragraphs for i in p.items]
    assert len(ids) == len(set(ids)) == 42


@pytest.mark.parametrize(("number", "letter"), ITEMS)
def test_emptying_any_answer_is_a_located_error(
    belgium_data: Any, write_country: Callable[..., Path], number: int, letter: str
) -> None:
    para = belgium_data["answers"][number]
    key = key_of(para, letter)
    if isinstance(para[key], dict):
        para[key] = {"text": "", "to_follow": ""}
    else:
        para[key] = ""
    path = write_country(belgium_data)
    found = api.check(path).diagnostics
    assert len(found) == 1, found
    d = found[0]
    label = "/".join(str(key).split(" and "))
    assert (d.severity, d.where) == ("error", f"para {number}.{label}")
    assert d.message == "answer is empty"
    assert path.read_text().splitlines()[d.line - 1].strip().startswith(f"{key}:")


@pytest.mark.parametrize(("number", "letter"), [(23, "D"), (25, "E"), (26, "M"), (27, "A")])
def test_deleting_an_item_names_it(belgium_data: Any, write_country: Callable[..., Path], number: int, letter: str) -> None:
    del belgium_data["answers"][number][letter]
    path = write_country(belgium_data)
    found = api.check(path).diagnostics
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if t == f"  {number}:")
    topic = EDITION.paragraph(number).item(letter).topic  # type: ignore[union-attr]
    assert [d.format() for d in found] == [f"{path}:{line}:3: error: para {number}.{letter}: no answer ({topic})"]


def test_exact_messages_on_a_small_file(write_country: Callable[..., Path]) -> None:
    path = write_country(
        BELGIUM.read_text().replace("    D: |-\n      Belgium is not a source country.\n", "    D: ''\n    notes: stray\n")
    )
    lines = path.read_text().splitlines()
    d_line = lines.index("    D: ''") + 1
    assert messages(path) == [
        f"{path}:{d_line}:8: error: para 23.D: answer is empty",
        f"{path}:{d_line + 1}:5: error: para 23: unknown key 'notes'",
    ]


def test_unknown_keys_get_a_suggestion(belgium_data: Any, write_country: Callable[..., Path]) -> None:
    belgium_data["cable"]["signatur"] = "BUSH"
    belgium_data["answers"][24]["mrak"] = "SBU"
    found = messages(write_country(belgium_data))
    assert any("error: cable: unknown key 'signatur' (did you mean 'signature'?)" in m for m in found)
    assert any("error: para 24: unknown key 'mrak' (did you mean 'mark'?)" in m for m in found)


def test_duplicate_keys_are_all_reported(write_country: Callable[..., Path]) -> None:
    text = BELGIUM.read_text()
    text = text.replace(
        "    D: |-\n      Belgium is not a source country.\n", "    D: |-\n      Belgium is not a source country.\n    D: again\n"
    )
    text = text.replace("  signature: BUSH\n", "  signature: BUSH\n  signature: OBAMA\n")
    path = write_country(text)
    lines = path.read_text().splitlines()
    assert messages(path) == [
        f"{path}:{lines.index('  signature: OBAMA') + 1}:3: error: duplicate key 'signature' (first given on line {lines.index('  signature: BUSH') + 1}); only one may stay",
        f"{path}:{lines.index('    D: again') + 1}:5: error: duplicate key 'D' (first given on line {lines.index('    D: again') - 1}); only one may stay",
    ]


def test_a_letter_answered_jointly_and_alone_is_an_error(belgium_data: Any, write_country: Callable[..., Path]) -> None:
    belgium_data["answers"][25].insert(4, "C", "Labor penalties, again.")
    found = api.check(write_country(belgium_data)).diagnostics
    assert [(d.where, d.message) for d in found] == [("para 25.C", "answered twice: under 'B and C' and under 'C'")]


def test_unknown_paragraph_and_letter(belgium_data: Any, write_country: Callable[..., Path]) -> None:
    belgium_data["answers"][28] = {"mark": "SBU", "A": "text"}
    belgium_data["answers"][24]["Z"] = "text"
    found = [(d.where, d.message) for d in api.check(write_country(belgium_data)).diagnostics]
    assert ("para 28", "the 2009 questionnaire has no paragraph '28' (it has 23, 24, 25, 26, 27)") in found
    assert ("para 24.Z", "paragraph 24 has no item Z (it has A-D)") in found


def test_missing_paragraph_and_missing_mark(belgium_data: Any, write_country: Callable[..., Path]) -> None:
    del belgium_data["answers"][27]
    del belgium_data["answers"][23]["mark"]
    found = [(d.severity, d.where, d.message) for d in api.check(write_country(belgium_data)).diagnostics]
    assert ("error", "para 27", "paragraph is missing (PREVENTION)") in found
    assert ("error", "para 23", "no portion mark: add mark: U, SBU, C or S") in found


def test_wrong_types_are_named(belgium_data: Any, write_country: Callable[..., Path]) -> None:
    belgium_data["cable"]["serial"] = "two hundred"
    belgium_data["cable"]["tags"] = "KTIP"
    belgium_data["answers"][24]["A"] = ["a", "list"]
    found = [(d.where, d.message) for d in api.check(write_country(belgium_data)).diagnostics]
    assert ("cable.serial", "expected a positive whole number, found text") in found
    assert ("cable.tags", "expected a list, found text") in found
    assert ("para 24.A", "expected the answer's text (or text and to_follow), found a list") in found


def test_classified_portion_in_an_unclassified_cable_renders_nothing(
    belgium_data: Any, write_country: Callable[..., Path], tmp_path: Path
) -> None:
    belgium_data["answers"][25]["mark"] = "C"
    path = write_country(belgium_data)
    out = tmp_path / "out"
    with pytest.raises(InvalidCountryFile) as caught:
        api.render_file(path, out, api.Options())
    assert [(d.where, d.message) for d in caught.value.diagnostics] == [
        ("para 25", "portion marked (C) is above the cable's classification UNCLASSIFIED//FOR OFFICIAL USE ONLY: not rendered")
    ]
    assert not out.exists()


def test_all_problems_come_in_one_run_sorted_by_position(belgium_data: Any, write_country: Callable[..., Path]) -> None:
    belgium_data["cable"]["country_code"] = "BEL"
    belgium_data["cable"]["date_time_group"] = "301555Z FEB 09"
    belgium_data["answers"][23]["A"] = ""
    belgium_data["answers"][27]["G"] = ""
    found = api.check(write_country(belgium_data)).diagnostics
    assert [d.where for d in found] == ["cable.country_code", "cable.date_time_group", "para 23.A", "para 27.G"]
    assert [d.line for d in found] == sorted(d.line for d in found)


def test_hours_lines_must_name_grade_and_hours(belgium_data: Any, write_country: Callable[..., Path]) -> None:
    belgium_data["hours"]["employees"][1] = "Political-Economic Counselor Richard Eason: a lot"
    found = [(d.where, d.message) for d in api.check(write_country(belgium_data)).diagnostics]
    assert found == [
        (
            "hours.employees[2]",
            "'Political-Economic Counselor Richard Eason: a lot' is not in the expected form (Title Name (GRADE): N hours)",
        )
    ]


@pytest.mark.parametrize("invisible", ["\u200b", "\u00ad", " \u00a0 ", "\ufeff\u2060", "\t"])
def test_an_answer_of_invisible_characters_is_empty(
    belgium_data: Any, write_country: Callable[..., Path], invisible: str
) -> None:
    belgium_data["answers"][23]["C"] = invisible
    found = [(d.where, d.message) for d in api.check(write_country(belgium_data)).diagnostics if d.severity == "error"]
    assert found == [("para 23.C", "answer is empty")]


def test_text_where_a_number_may_not_stand_says_to_quote_it(belgium_data: Any, write_country: Callable[..., Path]) -> None:
    belgium_data["cable"]["post"] = 123
    found = [(d.where, d.message, d.pointer) for d in api.check(write_country(belgium_data)).diagnostics]
    assert found == [("cable.post", 'expected text, found a number (123): put it in quotes ("123")', "/cable/post")]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country_code", "NL", "country BELGIUM has code BE, not NL"),
        ("post", "THE HAGUE", "country BELGIUM has post BRUSSELS, not THE HAGUE"),
    ],
)
def test_country_code_and_post_that_disagree_get_a_warning_with_the_right_value(
    belgium_data: Any, write_country: Callable[..., Path], field: str, value: str, message: str
) -> None:
    belgium_data["cable"][field] = value
    found = [(d.severity, d.where, d.message) for d in api.check(write_country(belgium_data)).diagnostics]
    assert ("warning", "cable.country", f"{message} (the country table, tip_drafter/data/countries.yaml)") in found


@pytest.mark.parametrize("name", ["../countries/belgium", "/etc/passwd", "y" * 300, "2009/../2009"])
def test_an_edition_is_found_by_name_only(belgium_data: Any, write_country: Callable[..., Path], name: str) -> None:
    belgium_data["edition"] = name
    found = [(d.where, d.message) for d in api.check(write_country(belgium_data)).diagnostics if d.severity == "error"]
    assert len(found) == 1 and found[0][0] == "edition" and "is not an edition name" in found[0][1]


@pytest.mark.parametrize(
    ("year", "dtg", "subject", "expected"),
    [
        (
            None,
            "201555Z FEB 08",
            "BELGIUM: 2009 TIP REPORT",
            [("cable.date_time_group", "sent in 2008, but the report is 2009's")],
        ),
        (2010, "121200Z FEB 10", "BELGIUM: 2009 TIP REPORT", [("cable.subject", "names 2009, but the report is 2010's")]),
        (2010, "121200Z FEB 10", "BELGIUM: 2010 TIP REPORT", []),
    ],
)
def test_the_year_the_date_time_group_and_the_subject_agree(
    belgium_data: Any,
    write_country: Callable[..., Path],
    year: int | None,
    dtg: str,
    subject: str,
    expected: list[tuple[str, str]],
) -> None:
    if year is not None:
        belgium_data.insert(1, "year", year)
    belgium_data["cable"]["date_time_group"] = dtg
    belgium_data["cable"]["subject"] = subject
    found = [(d.where, d.message) for d in api.check(write_country(belgium_data)).diagnostics if d.severity == "error"]
    assert found == expected


def test_in_a_draft_empty_and_missing_answers_are_warnings(belgium_data: Any, write_country: Callable[..., Path]) -> None:
    belgium_data["answers"][23]["C"] = ""
    del belgium_data["answers"][23]["D"]
    del belgium_data["answers"][24]
    path = write_country(belgium_data)
    final = {(d.severity, d.where) for d in api.check(path).diagnostics}
    draft = {(d.severity, d.where) for d in api.check(path, api.Options(draft=True)).diagnostics}
    places = {"para 23.C", "para 23.D", "para 24"}
    assert {("error", p) for p in places} <= final
    assert {("warning", p) for p in places} <= draft and not any(s == "error" for s, _ in draft)
