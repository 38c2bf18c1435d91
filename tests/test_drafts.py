"""Drafts cannot pass for finals; two inputs never write one output; --strict says why."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from tip_drafter.cli import app

from conftest import BELGIUM

runner = CliRunner()
DRAFT_LINE = "DRAFT -- NOT FOR TRANSMISSION -- DRAFT"


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
