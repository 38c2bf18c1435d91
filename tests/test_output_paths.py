"""Every OS error on a path the user names is one line, exit 1; nothing the user had changes,
and no temporary file is left."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tip_drafter.cli.main import app
from tip_drafter.output import TMP_SUFFIX

from conftest import BELGIUM, EXAMPLE

runner = CliRunner()
LONG = "n" * 300


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its sha256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "countries").mkdir()
    shutil.copy(BELGIUM, tmp_path / "countries" / "belgium.yaml")
    (tmp_path / "a-file").write_text("not a folder\n")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere" / "at-all")
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "belgium.txt").write_text("an earlier render\n")
    return tmp_path


CASES = {
    "-o a regular file": (
        ["render", "countries/belgium.yaml", "-o", "a-file", "--format", "txt"],
        "a-file is a file, not a folder",
    ),
    "-o under a regular file": (
        ["render", "countries/belgium.yaml", "-o", "a-file/out", "--format", "txt"],
        "a-file is a file, not a folder",
    ),
    "-o a dangling link": (
        ["render", "countries/belgium.yaml", "-o", "dangling", "--format", "txt"],
        "dangling is a link to a folder that does not exist",
    ),
    "-o a 300-character name": (["render", "countries/belgium.yaml", "-o", LONG, "--format", "txt"], "File name too long"),
    "-o in /proc": (["render", "countries/belgium.yaml", "-o", "/proc/tipdraft-out", "--format", "txt"], "cannot write"),
    "schema -o under a file": (["schema", "-o", "a-file/x.schema.json"], "a-file is a file, not a folder"),
    "new -o under a file": (
        ["new", "--from", "countries/belgium.yaml", "--year", "2010", "-o", "a-file/b.yaml"],
        "a-file is a file, not a folder",
    ),
    "skeleton --country of 300 letters": (["skeleton", "--country", LONG], "File name too long"),
    "import -o under a file": (["import", str(EXAMPLE), "-o", "a-file/b.yaml"], "a-file is a file, not a folder"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_unwritable_output_path_is_one_line_and_changes_nothing(project: Path, case: str) -> None:
    args, reason = CASES[case]
    before = tree(project)
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    problems = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert problems and all(reason in line for line in problems[-1:]), result.stderr
    assert "Traceback" not in result.output + result.stderr
    after = tree(project)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing the user had changed
    assert not [name for name in after if name.endswith(TMP_SUFFIX) or name.endswith(".tmp")]


def test_file_names_and_file_text_reach_the_terminal_escaped(project: Path) -> None:
    evil = project / "countries" / "evil\x1b]0;owned\x07\nforged.yaml"
    text = BELGIUM.read_text().replace("  signature: BUSH", '  signature: "BUSH\\e[2J"')
    evil.write_text(text)
    for args in (
        ["validate", str(evil)],
        ["render", str(evil), "--format", "txt"],
        ["status", str(evil)],
        ["diff", str(BELGIUM), str(evil)],
    ):
        result = runner.invoke(app, args)
        shown = result.stdout + result.stderr
        assert "\x1b" not in shown and "\x07" not in shown, args
        assert "forged.yaml" not in shown.replace("\\nforged.yaml", ""), args  # the line break is written as \n


@pytest.mark.parametrize("kind", ["symlink", "dangling symlink", "fifo"])
@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["render", "countries/belgium.yaml", "--format", "txt", "-o", "output"], "output/belgium.txt"),
        (
            ["diff", "countries/belgium.yaml", "countries/belgium.yaml", "--format", "html", "-o", "output/belgium.html"],
            "output/belgium.html",
        ),
        (["schema", "-o", "output/belgium.txt", "--force"], "output/belgium.txt"),
    ],
)
def test_an_output_is_never_written_over_a_link_a_fifo_or_a_device(
    project: Path, kind: str, command: list[str], name: str
) -> None:
    """Renaming over a symbolic link replaces the link and leaves its target as it was; over
    a FIFO or a device it replaces a file that is no output: every command refuses, as one line."""
    target = project / name
    target.unlink(missing_ok=True)
    if kind == "fifo":
        os.mkfifo(target)
    else:
        (project / "elsewhere.txt").write_text("kept\n")
        target.symlink_to(project / ("elsewhere.txt" if kind == "symlink" else "nowhere.txt"))
    before = tree(project)
    result = runner.invoke(app, command)
    assert result.exit_code == 1, result.output
    assert f"{name}: is " in result.stderr and "not replaced" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output
    assert tree(project) == before and (target.is_symlink() or kind == "fifo")


@pytest.mark.parametrize(
    ("command", "status", "message"),
    [
        (["diff", "d.yaml", "countries/belgium.yaml"], 1, "d.yaml: error: is a folder, not a country file"),
        (["review", "d.yaml", "--all"], 1, "d.yaml: error: is a folder, not a country file"),
        (["new", "--from", "d.yaml", "--year", "2010"], 1, "d.yaml: error: is a folder, not a country file"),
        (["import", "d.yaml"], 2, "tipdraft: error: d.yaml: no cable files (*.txt, *.text, *.cable) in this folder"),
    ],
)
def test_a_folder_named_like_a_file_is_one_line_that_says_so(
    project: Path, command: list[str], status: int, message: str
) -> None:
    (project / "d.yaml").mkdir()
    before = tree(project)
    result = runner.invoke(app, command)
    assert (result.exit_code, result.stderr.strip()) == (status, message), result.output
    assert tree(project) == before
