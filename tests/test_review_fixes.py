"""Holes a review found: one placeholder rule, a schema never written over a country file,
review without last year's file, whole-file problems on a colour terminal, a file named twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tip_drafter import api, console
from tip_drafter.cli.main import app
from tip_drafter.errors import Diagnostic
from tip_drafter.format.values import PLACEHOLDERS, is_placeholder, placeholders
from tip_drafter.year import review
from tip_drafter.year.nextyear import new_draft

from conftest import BELGIUM, examples

runner = CliRunner()


@given(st.sampled_from(["TBD", "tbd", "TK", "XX", "xxxx", "???", "[insert the date]", "[ INSERT serial ]"]))
def test_every_whole_value_placeholder_is_one_the_text_rules_report(value: str) -> None:
    assert is_placeholder(value) and PLACEHOLDERS.fullmatch(value.strip())


# Texts near the placeholders: their words in any case, the letters IGNORECASE folds (the
# Kelvin sign, a long s, a dotless and a dotted i), brackets and question marks, around letters.
NEAR_PLACEHOLDERS = st.lists(
    st.sampled_from(
        ["TBD", "tBd", "TK", "t\u212a", "XX", "xXx", "???", "?", "[", "]", "insert", "\u0130NSERT", "\u017f", "a", " ", "\n"]
    )
    | st.text(max_size=3),
    max_size=12,
).map("".join)


@settings(max_examples=examples(30))  # a cheap property: many texts
@given(NEAR_PLACEHOLDERS)
@example("Hours: TBD")
@example("t\u212a")
@example("[insert]")
@example("XX, ???")
def test_the_quick_look_for_placeholders_finds_what_the_expression_finds(text: str) -> None:
    """placeholders() scans only a text holding one of the marks: it finds what a scan of
    every text would."""
    assert [m.span() for m in placeholders(text)] == [m.span() for m in PLACEHOLDERS.finditer(text)]


def test_a_bracketed_word_is_not_a_placeholder_and_fails_a_final(tmp_path: Path) -> None:
    path = tmp_path / "country.yaml"
    path.write_text(BELGIUM.read_text().replace("  country_code: BE\n", '  country_code: "[be]"\n'))
    found = [(d.severity, d.where) for d in api.check(path).diagnostics]
    assert ("error", "cable.country_code") in found


def test_schema_is_never_written_over_a_country_file(tmp_path: Path) -> None:
    target = tmp_path / "b3.yaml"
    shutil.copy(BELGIUM, target)
    result = runner.invoke(app, ["schema", "-o", str(target)])
    assert result.exit_code == 1
    assert "exists and is not a schema tipdraft wrote; not overwritten (use --force to replace it)" in result.stderr
    assert target.read_bytes() == BELGIUM.read_bytes()


def test_review_goes_on_without_last_years_file(tmp_path: Path) -> None:
    source = tmp_path / "belgium.yaml"
    shutil.copy(BELGIUM, source)
    draft = tmp_path / "belgium-2010.yaml"
    new_draft(source, 2010, draft)
    source.unlink()
    result = runner.invoke(app, ["review", str(draft), "23.A"])
    assert result.exit_code == 0, result.output
    assert review.open_session(draft).previous == {}


def test_a_whole_file_problem_keeps_its_words_on_a_colour_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(console, "colour_wanted", lambda stream: True)
    console.Console().diagnostics([Diagnostic("nosuch.yaml", 0, 0, "error", "", "no such file", "file")])
    shown = capsys.readouterr().err
    assert shown.startswith("nosuch.yaml: ") and shown.endswith(": no such file\n")


def test_a_file_named_twice_is_rendered_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "countries").mkdir()
    shutil.copy(BELGIUM, tmp_path / "countries" / "belgium.yaml")
    result = runner.invoke(app, ["render", "countries", "countries/belgium.yaml", "--format", "txt"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "output" / "belgium.txt").exists()
