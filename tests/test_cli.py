"""The tipdraft command through Typer's runner: exit codes, messages, files written."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tip_drafter.cli import app

from conftest import BELGIUM

runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder laid out like the project: countries/belgium.yaml, no output/ yet."""
    (tmp_path / "countries").mkdir()
    (tmp_path / "empty").mkdir()
    shutil.copy(BELGIUM, tmp_path / "countries" / "belgium.yaml")
    cwd = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(cwd)


def test_validate_clean_file_prints_only_a_summary() -> None:
    result = invoke("validate", str(BELGIUM))
    assert result.exit_code == 0
    assert result.stdout == "1 file(s) checked: 0 error(s), 0 warning(s)\n"


def test_validate_reports_located_errors_and_exits_1(belgium_data: Any, write_country: Callable[..., Path]) -> None:
    belgium_data["answers"][26]["G"] = ""
    path = write_country(belgium_data)
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    lines = path.read_text().splitlines()
    line = next(i for i in range(lines.index("  26:"), len(lines)) if lines[i].startswith("    G:")) + 1
    assert f"{path}:{line}:8: error: para 26.G: answer is empty" in result.stderr
    assert "Traceback" not in result.output


def test_validate_json_has_the_same_content(belgium_data: Any, write_country: Callable[..., Path]) -> None:
    import json

    belgium_data["answers"][26]["G"] = ""
    result = invoke("validate", "--format", "json", str(write_country(belgium_data)))
    found = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [(d["severity"], d["where"], d["message"]) for d in found] == [("error", "para 26.G", "answer is empty")]


def test_render_writes_text_and_pdf_into_output(project: Path) -> None:
    result = invoke("render", "countries/belgium.yaml")
    assert result.exit_code == 0, result.output
    assert (project / "output" / "belgium.txt").read_text().startswith("VZCZCXRO8220\n")
    assert (project / "output" / "belgium.pdf").read_bytes().startswith(b"%PDF-")


def test_render_finds_a_bare_name_in_countries(project: Path) -> None:
    result = invoke("render", "belgium.yaml", "--format", "txt")
    assert result.exit_code == 0, result.output
    assert (project / "output" / "belgium.txt").exists()
    assert not (project / "output" / "belgium.pdf").exists()


def test_render_of_an_invalid_file_writes_nothing(project: Path) -> None:
    path = project / "countries" / "belgium.yaml"
    path.write_text(path.read_text().replace("  signature: BUSH\n", ""))
    result = invoke("render", "countries/belgium.yaml")
    assert result.exit_code == 1
    assert (
        "countries/belgium.yaml:" in result.stderr and "error: cable.signature: missing required key 'signature'" in result.stderr
    )
    assert not (project / "output").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("validate", "no-such.yaml"), "tipdraft: error: no-such.yaml: no such file"),
        (("render", "no-such.yaml"), "tipdraft: error: no-such.yaml: no such file"),
        (
            ("render", "countries/belgium.yaml", "--width", "5"),
            "tipdraft: error: width 5 is too narrow for a cable (at least 20)",
        ),
        (("validate", "empty"), "tipdraft: error: empty: no country files (*.yaml) in this folder"),
        (("render", "empty"), "tipdraft: error: empty: no country files (*.yaml) in this folder"),
    ],
)
def test_usage_errors_exit_2_without_traceback(project: Path, args: tuple[str, ...], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_render_width_option(project: Path) -> None:
    result = invoke("render", "belgium", "--format", "txt", "--width", "50")
    assert result.exit_code == 0, result.output
    lines = (project / "output" / "belgium.txt").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("UNCLAS"))
    assert max(len(line) for line in lines[start + 1 :]) <= 50
