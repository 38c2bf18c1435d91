"""Template overrides run sandboxed and within limits: every failure is one line naming the
template file and line, never a traceback, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tip_drafter.cable import render
from tip_drafter.cli.main import app

from conftest import BELGIUM

runner = CliRunner()
CASES = {
    "recursive macro": ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}\n", 1, "recursion too deep"),
    "extends itself": ('{% extends "cable.txt.j2" %}\n', 1, "recursion too deep"),
    "division by zero": ("line one\n{{ 1/0 }}\n", 2, "ZeroDivisionError: division by zero"),
    "private attribute": ("{{ cable.__class__.__mro__ }}\n", 1, "access to attribute '__class__'"),
    "endless loop": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
        1,
        "still running after",
    ),
    "a huge power, folded while compiling": ("{{ (10 ** 1000000000) % 7 }}\n", 1, "10 ** 1000000000 would make a value too big"),
    "a huge repetition": ('line one\n{{ "x" * 10 ** 12 }}\n', 2, "'x' * 1000000000000 would make a value too big"),
    "huge output": ('{% for i in range(100000) %}{{ "x" * 1000 }}{% endfor %}\n', None, "output larger than 8 MiB"),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.slow
def test_a_hostile_override_is_one_located_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    monkeypatch.setattr(render, "MAX_SECONDS", 0.5)
    text, line, message = CASES[case]
    folder = tmp_path / "house"
    folder.mkdir()
    (folder / "cable.txt.j2").write_text(text)
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(BELGIUM), "--template-dir", str(folder), "-o", str(out), "--format", "txt"])
    assert result.exit_code == 1
    where = f"{folder / 'cable.txt.j2'}:{line}" if line else f"{folder / 'cable.txt.j2'}"
    assert f"{where}: template error: " in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_compiled_templates_are_cached_and_a_cache_that_cannot_be_made_is_skipped(tmp_path: Path) -> None:
    import subprocess
    import sys

    cache = tmp_path / "cache"
    for home in (cache, tmp_path / "a-file"):
        (tmp_path / "a-file").touch()
        done = subprocess.run(
            [sys.executable, "-m", "tip_drafter", "validate", str(BELGIUM)],
            env={"XDG_CACHE_HOME": str(home), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
    assert list(cache.glob("tipdraft/jinja-*/*.jinja"))


def test_a_control_character_a_template_adds_is_one_line_per_file_and_the_others_go_on(tmp_path: Path) -> None:
    folder = tmp_path / "house"
    folder.mkdir()
    text = (render.SOURCE_TEMPLATES / "cable.txt.j2").read_text()
    (folder / "cable.txt.j2").write_text(text.replace("TAGS: ", 'TAGS: {{ "\\x1b[31m" }}', 1))
    result = runner.invoke(app, ["validate", str(BELGIUM), str(tmp_path / "nosuch.yaml"), "--template-dir", str(folder)])
    assert result.exit_code == 1
    assert f"{BELGIUM}: error: cable.txt.j2 (or its override) writes '\\x1b' (U+001B, a control character)" in result.stderr
    assert f"{tmp_path / 'nosuch.yaml'}: error: no such file" in result.stderr
    assert result.stdout.strip() == "2 file(s) checked: 2 error(s), 0 warning(s)"
