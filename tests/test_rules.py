"""The cable's own rules, each shown with its exact message and location."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tip_drafter import api, layout
from tip_drafter.errors import InvalidCountryFile

from conftest import BELGIUM

TEXT = BELGIUM.read_text(encoding="utf-8")
Write = Callable[..., Path]


def edited(old: str, new: str) -> str:
    assert TEXT.count(old) == 1, old
    return TEXT.replace(old, new)


def position(path: Path, needle: str, nth: int = 1) -> tuple[int, int]:
    found = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        col = line.find(needle)
        while col >= 0:
            found += 1
            if found == nth:
                return number, col + 1
            col = line.find(needle, col + 1)
    raise AssertionError(needle)


def formatted(path: Path, options: api.Options | None = None) -> list[str]:
    return [d.format() for d in api.check(path, options).diagnostics]


CLASSIFICATIONS = {
    "UNCLASSIFIED": {"caveats": ["SIPDIS"]},
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY": {"caveats": ["SENSITIVE", "SIPDIS"]},
    "CONFIDENTIAL": {
        "caveats": ["SIPDIS"],
        "declassify": "02/20/2019",
        "classified_by": "Charge Wayne Bush for reasons 1.4 (b) and (d).",
    },
    "SECRET": {
        "caveats": ["SIPDIS"],
        "declassify": "02/20/2019",
        "classified_by": "Charge Wayne Bush for reasons 1.4 (b) and (d).",
    },
}
RANK = {"UNCLASSIFIED": 0, "UNCLASSIFIED//FOR OFFICIAL USE ONLY": 1, "CONFIDENTIAL": 2, "SECRET": 3}
MARKS = {"U": 0, "SBU": 1, "C": 2, "S": 3}


@pytest.mark.parametrize(("level", "mark"), list(itertools.product(CLASSIFICATIONS, MARKS)))
def test_classification_guard(belgium_data: Any, write_country: Write, tmp_path: Path, level: str, mark: str) -> None:
    cable = belgium_data["cable"]
    cable["classification"] = level
    cable.update(CLASSIFICATIONS[level])
    for number in (23, 24, 25, 26, 27):
        belgium_data["answers"][number]["mark"] = "U"
    belgium_data["begin"]["mark"] = "U"
    belgium_data["answers"][25]["mark"] = mark
    path = write_country(belgium_data)
    out = tmp_path / "out"
    if MARKS[mark] > RANK[level]:
        with pytest.raises(InvalidCountryFile) as caught:
            api.render_file(path, out, api.Options(formats=("txt",)))
        line, col = position(path, f"mark: {mark}")
        assert [d.format() for d in caught.value.diagnostics] == [
            f"{path}:{line}:{col + 6}: error: para 25: portion marked ({mark}) is above the cable's classification {level}: not rendered"
        ]
        assert not out.exists()
    else:
        api.render_file(path, out, api.Options(formats=("txt",)))
        text = (out / "country.txt").read_text()
        assert f"25. ({mark}) INVESTIGATION" in text
        first = "UNCLAS" if RANK[level] < 2 else " ".join(level)
        assert text.split("\n")[22].startswith(first)
        assert ("E.O. 12958: DECL: 02/20/2019" in text) == (RANK[level] >= 2)
        assert ("Classified By: Charge Wayne Bush" in text) == (RANK[level] >= 2)
        assert ("\nSENSITIVE\n" in text) == (level == "UNCLASSIFIED//FOR OFFICIAL USE ONLY")


def test_unclassified_belgium_with_one_confidential_paragraph_exits_1(write_country: Write, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tip_drafter.cli import app

    path = write_country(edited("  26:\n    mark: SBU\n", "  26:\n    mark: C\n"))
    result = CliRunner().invoke(app, ["render", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "error: para 26: portion marked (C) is above the cable's classification" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"caveats": ["SIPDIS"]},
            "error: cable.classification: an SBU (FOR OFFICIAL USE ONLY) cable must carry the SENSITIVE caveat",
        ),
        ({"declassify": "02/20/2019"}, "error: cable.declassify: an unclassified cable has no 'declassify'"),
        ({"classified_by": "Bush"}, "error: cable.classified_by: an unclassified cable has no 'classified_by'"),
        (
            {"classification": "CONFIDENTIAL"},
            "error: cable.caveats: SENSITIVE goes only with UNCLASSIFIED//FOR OFFICIAL USE ONLY, not CONFIDENTIAL",
        ),
        (
            {"classification": "CONFIDENTIAL", "caveats": ["SIPDIS"]},
            "error: cable.declassify: a CONFIDENTIAL cable needs 'declassify'",
        ),
        ({"date_time_group": "301555Z FEB 09"}, "error: cable.date_time_group: '301555Z FEB 09' is not a real date and time"),
        (
            {"date_time_group": "20 Feb 2009"},
            "error: cable.date_time_group: '20 Feb 2009' is not in the expected form (e.g. 201555Z FEB 09)",
        ),
        ({"tags": ["PHUM", "KCRM"]}, "error: cable.tags: the 2009 questionnaire requires the tag(s) KTIP"),
        ({"country_code": "BEL"}, "error: cable.country_code: 'BEL' is not in the expected form (two capital letters, e.g. BE)"),
        ({"serial": 0}, "error: cable.serial: expected a positive whole number, found a number (0)"),
        ({"precedence": "URGENT"}, "error: cable.precedence: 'URGENT' is not one of FLASH, IMMEDIATE, PRIORITY, ROUTINE"),
        ({"subject": "Belgium: 2009 TIP report"}, "warning: cable.subject: a cable's subject is written in capitals"),
    ],
)
def test_header_and_classification_rules(belgium_data: Any, write_country: Write, change: dict[str, Any], expected: str) -> None:
    belgium_data["cable"].update(change)
    found = formatted(write_country(belgium_data))
    assert any(line.endswith(expected) for line in found), found


def test_typographic_quotes_render_as_ascii_with_located_warnings(write_country: Write, tmp_path: Path) -> None:
    path = write_country(
        edited(
            "      Belgium is not a source country.", "      Belgium is \u201cnot\u201d a source country \u2014 it\u2019s not."
        )
    )
    line, col = position(path, "\u201c")
    assert formatted(path) == [
        f"{path}:{line}:{col}: warning: para 23.D: character '\u201c' (U+201C LEFT DOUBLE QUOTATION MARK) is converted to '\"'",
        f"{path}:{line}:{col + 4}: warning: para 23.D: character '\u201d' (U+201D RIGHT DOUBLE QUOTATION MARK) is converted to '\"'",
        f"{path}:{line}:{col + 23}: warning: para 23.D: character '\u2014' (U+2014 EM DASH) is converted to '--'",
        f"{path}:{line}:{col + 27}: warning: para 23.D: character '\u2019' (U+2019 RIGHT SINGLE QUOTATION MARK) is converted to \"'\"",
    ]
    api.render_file(path, tmp_path, api.Options(formats=("txt",)))
    text = (tmp_path / "country.txt").read_bytes()
    assert text.isascii()
    assert b'-- D. Belgium is "not" a source country -- it\'s not.' in text


def test_accented_letters_are_transliterated_and_other_scripts_refused(write_country: Write) -> None:
    path = write_country(edited("the Liege city government", "the Li\u00e8ge city government (\u041b\u044c\u0435\u0436)"))
    line, col = position(path, "\u00e8")
    found = formatted(path)
    assert (
        found[0]
        == f"{path}:{line}:{col}: warning: para 25.K: character '\u00e8' (U+00E8 LATIN SMALL LETTER E WITH GRAVE) is transliterated to 'e'"
    )
    assert (
        found[1]
        == f"{path}:{line}:{col + 21}: error: para 25.K: character '\u041b' (U+041B CYRILLIC CAPITAL LETTER EL) has no ASCII form: a cable is plain ASCII"
    )
    assert len(found) == 5


@pytest.mark.parametrize("placeholder", ["TBD", "TK", "XX", "[insert figures]", "???", "20XX"])
def test_placeholders_are_errors_in_a_final_render_and_warnings_in_a_draft(write_country: Write, placeholder: str) -> None:
    path = write_country(edited("Belgium is not a source country.", f"Belgium is not a source country since {placeholder}."))
    token = "XX" if placeholder == "20XX" else placeholder
    line, col = position(path, token)
    message = f"para 23.D: placeholder {token!r} left in the text"
    assert formatted(path) == [f"{path}:{line}:{col}: error: {message}"]
    assert formatted(path, api.Options(draft=True)) == [f"{path}:{line}:{col}: warning: {message}"]


def test_a_word_wider_than_the_cable_is_a_located_error(write_country: Write) -> None:
    url = "http://www.example.org/" + "a" * 60
    path = write_country(edited("through www.ecops.be.", f"through {url}."))
    line, col = position(path, url)
    assert formatted(path) == [
        f"{path}:{line}:{col}: error: para 25.K: '{url[:40]}'... is {len(url) + 1} characters, wider than the cable's width 62: break it or raise --width"
    ]


def test_answers_out_of_order_print_in_order_with_a_warning(belgium_data: Any, write_country: Write, tmp_path: Path) -> None:
    para = belgium_data["answers"][24]
    para.move_to_end("A")
    path = write_country(belgium_data)
    lines = path.read_text().splitlines()
    line = next(i for i in range(lines.index("  24:"), len(lines)) if lines[i].startswith("    A:")) + 1
    assert formatted(path) == [
        f"{path}:{line}:5: warning: para 24.A: answer is out of order in the file; the cable prints the letters in order"
    ]
    api.render_file(path, tmp_path, api.Options(formats=("txt",)))
    text = (tmp_path / "country.txt").read_text()
    assert text.index("-- A. The Belgian authorities") < text.index("-- B. The Council of Ministers")


def test_strict_makes_warnings_fatal(belgium_data: Any, write_country: Write, tmp_path: Path) -> None:
    belgium_data["cable"]["subject"] = "Belgium: 2009 TIP report"
    path = write_country(belgium_data)
    api.render_file(path, tmp_path / "a", api.Options(formats=("txt",)))
    with pytest.raises(InvalidCountryFile):
        api.render_file(path, tmp_path / "b", api.Options(formats=("txt",), strict=True))
    assert not (tmp_path / "b").exists()


def test_empty_numbered_paragraph_is_an_error(tmp_path: Path, write_country: Write) -> None:
    editions = tmp_path / "editions"
    editions.mkdir()
    edition = (Path(__file__).parent.parent / "tip_drafter" / "editions" / "2009.yaml").read_text()
    edition = edition.replace('      default: "Begin Text of Report:"\n', "")
    (editions / "2009.yaml").write_text(edition)
    path = write_country(BELGIUM.read_text())  # begin has no text, and now the edition gives none
    line, _ = position(path, "begin:")
    found = formatted(path, api.Options(editions=[editions]))
    assert found == [f"{path}:{line}:1: error: begin: numbered paragraph is empty"]


def test_several_problems_in_one_run(write_country: Write) -> None:
    text = edited("  serial: 244\n", "  serial: -1\n").replace(
        "    mark: SBU\n    A: |-\n      Information", "    A: |-\n      TBD Information"
    )
    path = write_country(text.replace("  signature: BUSH\n", "  signatur: BUSH\n"))
    found = api.check(path).diagnostics
    assert [(d.severity, d.where) for d in found] == [
        ("error", "cable.signature"),
        ("error", "cable.serial"),
        ("error", "cable"),
        ("error", "para 23"),
        ("error", "para 23.A"),
    ]
    assert [d.line for d in found] == sorted(d.line for d in found)


def test_a_framing_paragraph_without_a_mark_takes_the_editions_with_a_warning(write_country: Write, tmp_path: Path) -> None:
    path = write_country(edited("contact:\n  mark: U\n", "contact:\n"))
    line, _ = position(path, "contact:")
    assert formatted(path) == [
        f"{path}:{line}:1: warning: contact: no portion mark: printed as (U), the questionnaire's default (add mark: U, SBU, C or S)"
    ]
    api.render_file(path, tmp_path, api.Options(formats=("txt",)))
    assert "1. (U) POC for Brussels is Political Officer Aaron Jensen." in (tmp_path / "country.txt").read_text()


@pytest.mark.parametrize(
    ("escape", "char"), [("\\e[31m", "\x1b"), ("\\0", "\x00"), ("\\a", "\x07"), ("\\b", "\x08"), ("\\x7f", "\x7f")]
)
def test_a_control_character_is_an_error_at_its_place(write_country: Write, escape: str, char: str) -> None:
    path = write_country(edited('  subject: "BELGIUM: 2009', f'  subject: "BELGIUM{escape}: 2009'))
    line, col = position(path, "  subject:")
    found = [line for line in formatted(path) if ": error: " in line]
    described = f"{char!r} (U+{ord(char):04X}, a control character)"
    assert found == [
        f"{path}:{line}:{col + 11}: error: cable.subject: character {described} has no ASCII form: a cable is plain ASCII"
    ]


def test_a_tab_in_an_answer_prints_as_a_space_with_a_warning(write_country: Write) -> None:
    path = write_country(
        edited(
            "      Information on trafficking in persons is supplied", "      Information on\ttrafficking in persons is supplied"
        )
    )
    found = formatted(path)
    assert (
        len(found) == 1 and "warning: para" in found[0] and "'\\t' (U+0009, a control character) is converted to ' '" in found[0]
    )


def test_a_classification_line_wider_than_the_cable_is_an_error_at_the_post(write_country: Write) -> None:
    post = "PORT OF SPAIN AND THE ISLANDS OF TRINIDAD AND TOBAGO"
    path = write_country(edited("  post: BRUSSELS\n", f"  post: {post}\n"))
    line, col = position(path, post)
    classification = f"UNCLAS SECTION 01 OF 08 {post} 000244"
    assert formatted(path) == [
        f"{path}:{line}:{col}: error: cable.post: makes the classification line {classification!r} 83 characters,"
        " wider than the cable's width 62: shorten the post or raise --width"
    ]
    assert formatted(path, api.Options(settings=layout.Settings(width=83))) == []


def reordering_templates(tmp_path: Path) -> Path:
    """A template override that prints paragraph 24 before 23, and 24.B before 24.A."""
    folder = tmp_path / "house"
    folder.mkdir()
    text = (Path(__file__).parent.parent / "templates" / "cable.txt.j2").read_text()
    sections = "cable.sections[:3] + cable.sections[4:5] + cable.sections[3:4] + cable.sections[5:]"
    answers = "{% set answers = s.answers[1::-1] + s.answers[2:] if s.number == 24 else s.answers %}"
    for old, new in (
        ("{% for s in cable.sections %}", f"{{% for s in {sections} %}}"),
        ("{% for a in s.answers %}", f"{answers}\n{{% for a in answers %}}"),
    ):
        assert text.count(old) == 1
        text = text.replace(old, new)
    (folder / "cable.txt.j2").write_text(text)
    return folder


def test_paragraph_numbers_must_go_up_and_letters_go_in_order(tmp_path: Path) -> None:
    options = api.Options(template_dirs=[reordering_templates(tmp_path)])
    line = {number: TEXT.splitlines().index(f"  {number}:") + 1 for number in (23, 24)}
    assert formatted(BELGIUM, options) == [
        f"{BELGIUM}:{line[23]}:3: error: para 23: paragraph 23 follows paragraph 24: the numbers must go up",
        f"{BELGIUM}:{line[24]}:3: error: para 24: item A follows item B: the letters must go in order",
    ]


def test_a_word_too_wide_in_a_to_follow_note_is_placed_in_the_note(tmp_path: Path) -> None:
    """The cable prints the note in parentheses, "(NOTE)": the word it prints is not the word the
    file holds; it was placed at 1:1 with no item (a property test of test_fast_parse found it)."""
    wide = "A" * 70
    path = tmp_path / "wide.yaml"
    text = BELGIUM.read_text(encoding="utf-8").replace("to_follow: 2008 LAW", f"to_follow: {wide} 2008 LAW", 1)
    path.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if wide in row)
    column = text.splitlines()[line - 1].index(wide) + 1
    found = [d for d in api.check(path).diagnostics if d.code == "width"]
    assert [(d.line, d.column, d.where) for d in found] == [(line, column, "para 25.E")]
