"""One case (at least) for each class of fault and hostile input of issue 10, each held to the
same promise: one located message, the documented exit status, the sources and every earlier
output byte for byte as they were (sha256), and no temporary file left behind.

The signal and killed-worker cases need processes of their own: they are in
test_all_or_nothing.py and test_editor_and_batch.py, and assert the same promise."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tip_drafter.cli.main import app
from tip_drafter.output import TMP_SUFFIX

from conftest import BELGIUM

runner = CliRunner()
Setup = Callable[[Path], None]


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (FIFOs and links left out) with its sha256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def edited(name: str, old: str, new: str) -> Setup:
    """A copy of Belgium's file as ``countries/<name>`` with one text replaced."""

    def setup(project: Path) -> None:
        text = BELGIUM.read_text(encoding="utf-8")
        assert old in text
        (project / "countries" / name).write_text(text.replace(old, new, 1), encoding="utf-8")

    return setup


def file_at(path: str, text: str) -> Setup:
    def setup(project: Path) -> None:
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text, encoding="utf-8")

    return setup


def fifo(project: Path) -> None:
    os.mkfifo(project / "countries" / "pipe.yaml")


def nothing(project: Path) -> None:
    """The project as the fixture made it."""


AID = "      Victims qualify for housing, administrative, legal and psychological aid."
RENDER = ["render", "countries/belgium.yaml"]
# class: (what the project gets first, the command, the exit status, what the message says)
CASES: dict[str, tuple[Setup, list[str], int, str]] = {
    "1 relative --template-dir, broken template": (
        file_at("house/cable.txt.j2", "{% if %}\n"),
        [*RENDER, "--template-dir", "house"],
        1,
        r"house/cable\.txt\.j2:1: template error: Expected an expression",
    ),
    "2 -o under a regular file": (nothing, [*RENDER, "-o", "a-file/out"], 1, r"a-file is a file, not a folder"),
    "2 -o a dangling link": (nothing, [*RENDER, "-o", "dangling"], 1, r"dangling is a link to a folder that does not exist"),
    "3 an escape sequence in an answer": (
        edited("belgium.yaml", "  signature: BUSH", '  signature: "BUSH\\e[31m"'),
        ["render", "countries/belgium.yaml"],
        1,
        r"belgium\.yaml:\d+:\d+: error: cable\.signature: character '\\x1b' \(U\+001B, a control character\)",
    ),
    "3 a NUL escape in an answer": (
        edited("belgium.yaml", "  signature: BUSH", '  signature: "BUSH\\0"'),
        RENDER,
        1,
        r"belgium\.yaml:\d+:\d+: error: cable\.signature: character '\\x00' \(U\+0000, a control character\)",
    ),
    "4 two inputs, one output name": (
        file_at("other/belgium.yaml", BELGIUM.read_text(encoding="utf-8")),
        [*RENDER, "other/belgium.yaml"],
        1,
        r"would all write output/belgium\.\*",
    ),
    "5 a file that cannot be read": (
        edited("broken.yaml", 'edition: "2009"', "edition: ["),
        ["render", "countries/broken.yaml"],
        1,
        r"broken\.yaml:\d+:\d+: error: .*YAML syntax error",
    ),
    "6 an answer of a zero-width space and a soft hyphen": (
        edited("belgium.yaml", AID, "      \u200b\u00ad"),
        RENDER,
        1,
        r"belgium\.yaml:\d+:\d+: error: para 26\.E: answer is empty",
    ),
    "6 a post that widens the classification line": (
        edited("belgium.yaml", "  post: BRUSSELS", "  post: " + "BRUSSELS" * 10),
        RENDER,
        1,
        r"belgium\.yaml:\d+:\d+: error: cable\.post: makes the classification line .* wider than the cable's width",
    ),
    "6 a mistyped --template-dir": (nothing, [*RENDER, "--template-dir", "hosue"], 2, r"template folder hosue: no such folder"),
    "6 an edition outside the edition folders": (
        edited("belgium.yaml", 'edition: "2009"', 'edition: "../../etc/x"'),
        RENDER,
        1,
        r"belgium\.yaml:5:10: error: edition: '\.\./\.\./etc/x' is not an edition name",
    ),
    "6 a 300-character edition name": (
        edited("belgium.yaml", 'edition: "2009"', 'edition: "' + "9" * 300 + '"'),
        RENDER,
        1,
        r"belgium\.yaml:5:10: error: edition: '9+\.\.\.' is not an edition name",
    ),
    "7 an override that divides by zero": (
        file_at("house/cable.txt.j2", "{{ 1/0 }}\n"),
        [*RENDER, "--template-dir", "house"],
        1,
        r"house/cable\.txt\.j2:1: template error: ZeroDivisionError",
    ),
    "7 an override that extends itself": (
        file_at("house/cable.txt.j2", '{% extends "cable.txt.j2" %}\n'),
        [*RENDER, "--template-dir", "house"],
        1,
        r"cable\.txt\.j2(:\d+)?: template error",
    ),
    "7 an override that never ends": (
        file_at("house/cable.txt.j2", "{% for i in range(10**9) %}{% for j in range(10**9) %}x{% endfor %}{% endfor %}\n"),
        [*RENDER, "--template-dir", "house"],
        1,
        r"house/cable\.txt\.j2:1: template error: .*(MAX_RANGE|too big|limit)",
    ),
    "8 tipdraft.toml with render as text": (
        file_at("tipdraft.toml", 'render = "x"\n'),
        RENDER,
        1,
        r"tipdraft\.toml:1:1: error: render must be a table",
    ),
    "9 a FIFO as the country file": (
        fifo,
        ["render", "countries/pipe.yaml"],
        1,
        r"pipe\.yaml:1:1: error: not a regular file \(a pipe, socket or device\)",
    ),
    "9 /dev/zero as the country file": (
        nothing,
        ["render", "/dev/zero"],
        1,
        r"/dev/zero:1:1: error: not a regular file",
    ),
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with Belgium's file and the outputs of an earlier render of each input."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "countries").mkdir()
    shutil.copy(BELGIUM, tmp_path / "countries" / "belgium.yaml")
    (tmp_path / "a-file").write_text("not a folder\n")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere" / "at-all")
    (tmp_path / "output").mkdir()
    for name in ("belgium", "broken", "pipe"):
        (tmp_path / "output" / f"{name}.txt").write_text(f"{name}: an earlier render\n")
        (tmp_path / "output" / f"{name}.pdf").write_bytes(b"%PDF-1.7 an earlier render\n")
    return tmp_path


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.slow
def test_each_class_is_one_located_line_and_changes_nothing(project: Path, case: str) -> None:
    setup, args, status, message = CASES[case]
    setup(project)
    before = tree(project)
    result = runner.invoke(app, args)
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output + result.stderr
    problems = [line for line in result.stderr.splitlines() if re.search(r"(^|: )error: ", line)]
    assert problems and any(re.search(message, line) for line in problems), result.stderr
    after = tree(project)
    assert after == before  # the sources and every earlier output, byte for byte; nothing new
    assert not [name for name in after if name.endswith(TMP_SUFFIX)]


@pytest.mark.slow
def test_a_relative_template_dir_that_works_replaces_both_outputs(project: Path) -> None:
    """Class 1 when nothing is wrong: the README's own example renders, all outputs new."""
    file_at("house/transmission.txt.j2", "")(project)
    before = tree(project)
    result = runner.invoke(app, [*RENDER, "--template-dir", "house"])
    assert result.exit_code == 0, result.output
    after = tree(project)
    assert after["output/belgium.txt"] != before["output/belgium.txt"]
    assert after["output/belgium.pdf"] != before["output/belgium.pdf"]
    assert {k: v for k, v in after.items() if not k.startswith(("output/belgium.", "output/.belgium."))} == {
        k: v for k, v in before.items() if not k.startswith("output/belgium.")
    }
    assert not [name for name in after if name.endswith(TMP_SUFFIX)]
