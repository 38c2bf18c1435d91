"""Resource limits by content: only regular files are read, never past the cap, and a file of
too many nodes is refused before the slow parser sees it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tip_drafter.cli.main import app
from tip_drafter.yamlio.load import MAX_NODES
from tip_drafter.yamlio.read import MAX_BYTES

runner = CliRunner()


def validate(path: Path | str) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", str(path)])
    return result.exit_code, result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "country.yaml"
    os.mkfifo(fifo)
    code, stderr = validate(fifo)
    assert code == 1
    assert stderr.startswith(f"{fifo}:1:1: error: not a regular file (a pipe, socket or device)")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_that_never_ends_is_refused() -> None:
    code, stderr = validate("/dev/zero")
    assert code == 1
    assert stderr.startswith("/dev/zero:1:1: error: not a regular file")


def test_a_list_of_many_items_under_the_size_cap_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "country.yaml"
    path.write_text("edition: '2009'\nanswers: [" + ",".join("1" for _ in range(MAX_NODES * 3)) + "]\n")
    assert path.stat().st_size < MAX_BYTES
    code, stderr = validate(path)
    assert code == 1
    assert stderr.startswith(f"{path}:1:1: error: more than {MAX_NODES:,} keys, values and list items")


def test_a_file_past_the_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "country.yaml"
    path.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")
    code, stderr = validate(path)
    assert code == 1
    assert stderr.startswith(f"{path}:1:1: error: file is larger than the 4 MiB limit for a country file")


@pytest.mark.parametrize(
    ("value", "problem"),
    [('"' + "a" * 5000 + '"', "File name too long"), ('"a\\u0000b"', "embedded null byte"), ('"nowhere"', "no such folder")],
)
def test_a_setting_the_system_refuses_names_the_settings_file_and_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, problem: str
) -> None:
    from conftest import BELGIUM

    monkeypatch.chdir(tmp_path)
    (tmp_path / "tipdraft.toml").write_text(f"# house style\n[render]\n  template_dir = {value}\n")
    for args in (["validate", str(BELGIUM)], ["render", str(BELGIUM), "-o", "out"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith(f"tipdraft.toml:3:3: error: [render] template_dir: {problem}"), result.stderr[:300]
        assert len(result.stderr.splitlines()) == 1 and len(result.stderr) < 400
        assert "Traceback" not in result.output


@pytest.mark.parametrize("name", ["b" * 5000, "b/" * 3000])
def test_a_template_folder_the_system_refuses_on_the_command_line_is_one_usage_line(name: str) -> None:
    result = runner.invoke(app, ["validate", "belgium", "--template-dir", name])
    assert result.exit_code == 2
    assert result.stderr.startswith("tipdraft: error: template folder ")
    assert len(result.stderr.splitlines()) == 1 and len(result.stderr) < 400
