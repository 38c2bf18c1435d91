"""Drafts cannot pass for finals; two inputs never write one output; --strict says why."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tip_drafter.cli.main import app

from conftest import BELGIUM

runner = CliRunner()
DRAFT_LINE = "DRAFT -- NOT FOR TRANSMISSION -- DRAFT"


@pytest.mark.slow
def test_a_draft_has_draft_names_and_says_draft_first_and_last(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(BELGIUM), "--draft", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["belgium.draft.pdf", "belgium.draft.txt"]
    lines = (out / "belgium.draft.txt").read_text().splitlines()
    assert lines[0] == lines[-1] == DRAFT_LINE
    final = runner.invoke(app, ["render", str(BELGIUM), "-o", str(out)])
    assert final.exit_code == 0
    assert DRAFT_LINE not in (out / "belgium.txt").read_text()


def test_two_inputs_of_one_name_write_nothing_over_each_other(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(BELGIUM, tmp_path / folder / "belgium.yaml")
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["render", str(tmp_path / "a" / "belgium.yaml"), str(tmp_path / "b" / "belgium.yaml"), "-o", str(out), "--format", "txt"],
    )
    assert result.exit_code == 1
    assert "would all write" in result.stderr
    assert not out.exists() or not list(out.iterdir())
    assert result.stdout.splitlines()[-1].startswith("0 rendered, 2 failed")


def test_strict_says_how_many_warnings_it_treated_as_errors(tmp_path: Path) -> None:
    path = tmp_path / "country.yaml"
    path.write_text(BELGIUM.read_text().replace('  subject: "BELGIUM: 2009', '  subject: "Belgium: 2009'))
    validate = runner.invoke(app, ["validate", str(path), "--strict"])
    assert validate.exit_code == 1
    assert validate.stdout.strip() == "1 file(s) checked: 0 error(s), 1 warning(s) (--strict: 1 warning(s) treated as errors)"
    render = runner.invoke(app, ["render", str(path), "--strict", "-o", str(tmp_path / "out")])
    assert render.exit_code == 1
    assert f"{path}: not rendered: 1 warning(s) treated as errors (--strict)" in render.stderr


def new_draft(folder: Path, name: str) -> Path:
    """``tipdraft new --from belgium.yaml --year 2010`` into ``folder/name``: every answer
    unreviewed, the serial and date-time group placeholders."""
    shutil.copy(BELGIUM, folder / "belgium.yaml")
    target = folder / name
    made = runner.invoke(app, ["new", "--from", str(folder / "belgium.yaml"), "--year", "2010", "-o", str(target)])
    assert made.exit_code == 0, made.output
    return target


@pytest.mark.slow
def test_a_new_draft_that_only_a_final_render_refuses_is_told_the_draft_command(tmp_path: Path) -> None:
    """It fails on unreviewed answers and placeholders alone: the last line says --draft
    renders it, with the command quoted for the shell (the name has a space and a quote)."""
    path = new_draft(tmp_path, "belgium's draft 2010.yaml")
    out = tmp_path / "my out"
    result = runner.invoke(app, ["render", str(path), "-o", str(out)])
    assert result.exit_code == 1
    last = result.stderr.splitlines()[-1]
    command = f"tipdraft render --draft -o {shlex.quote(str(out))} {shlex.quote(str(path))}"
    assert last == f"tipdraft: note: {path}: a draft allows each of these; to render it as a draft: {command}"
    pasted = shlex.split(last.split("to render it as a draft: ")[1])
    drafted = runner.invoke(app, pasted[1:])
    assert drafted.exit_code == 0, drafted.output
    assert (out / "belgium's draft 2010.draft.pdf").exists()


def test_the_draft_command_keeps_every_option_the_render_was_given(tmp_path: Path) -> None:
    """Pasted, it renders as the refused command would have: the same editions, templates,
    layout, paper and tagging, not the defaults."""
    path = new_draft(tmp_path, "belgium-2010.yaml")
    editions, templates, out = tmp_path / "editions", tmp_path / "templates", tmp_path / "out"
    editions.mkdir()
    templates.mkdir()
    given = ["--editions", str(editions), "--template-dir", str(templates), "--width", "66", "--paper", "A4", "--untagged"]
    result = runner.invoke(app, ["render", str(path), "-o", str(out), "--format", "pdf", *given])
    assert result.exit_code == 1
    pasted = shlex.split(result.stderr.splitlines()[-1].split("to render it as a draft: ")[1])
    assert pasted[:3] == ["tipdraft", "render", "--draft"] and pasted[-1] == str(path)
    assert sorted(pasted[3:-1]) == sorted(["--format", "pdf", "-o", str(out), *given])


def test_a_draft_with_an_error_a_draft_does_not_allow_is_not_told_to_render_as_a_draft(tmp_path: Path) -> None:
    path = new_draft(tmp_path, "belgium-2010.yaml")
    path.write_text(path.read_text().replace("  signature: BUSH\n", "  signature: BUSH\n  signatory: BUSH\n"))
    result = runner.invoke(app, ["render", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "unknown key 'signatory'" in result.stderr
    assert "--draft" not in result.stderr


def test_the_suggested_commands_are_quoted_for_the_shell(tmp_path: Path) -> None:
    """A new draft's name with a space: the review command it suggests pastes as it stands,
    and so does the one each unreviewed answer suggests."""
    folder = tmp_path / "my countries"
    folder.mkdir()
    shutil.copy(BELGIUM, folder / "belgium.yaml")
    target = folder / "belgium 2010.yaml"
    made = runner.invoke(app, ["new", "--from", str(folder / "belgium.yaml"), "--year", "2010", "-o", str(target)])
    assert f"(review them: tipdraft review '{target}')" in made.stdout
    checked = runner.invoke(app, ["validate", str(target)])
    assert f"check it, then: tipdraft review '{target}' 23.A\n" in checked.stderr
