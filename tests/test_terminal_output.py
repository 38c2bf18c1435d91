"""What a person sees on a terminal: a multi-file render under a pseudo-terminal, read back
through a small terminal emulator (what the screen shows, not the bytes)."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pexpect
import pytest

from conftest import BELGIUM, ROOT

pytestmark = pytest.mark.slow  # the command in a pseudo-terminal (the "slow" marker: pyproject.toml)

# The control sequences a progress display writes: cursor up/down, erase in line, SGR, modes.
CONTROL = re.compile(r"\x1b\[(\??)(\d*)(?:;\d+)*([A-Za-z])")


def screen(output: str) -> list[str]:
    """The lines a terminal would show after ``output``: enough of one to follow rich's live
    display (carriage return, new line, cursor up, erase line; colours and modes ignored)."""
    lines, row, col, i = [""], 0, 0, 0
    while i < len(output):
        if m := CONTROL.match(output, i):
            count = int(m[2] or 1)
            if m[3] == "A" and not m[1]:
                row = max(0, row - count)
            elif m[3] == "K":  # erase in line (the whole line for 2K, from the cursor otherwise)
                lines[row] = "" if m[2] == "2" else lines[row][:col]
            i = m.end()
            continue
        char = output[i]
        i += 1
        if char == "\r":
            col = 0
        elif char == "\n":
            row, col = row + 1, 0
            lines += [""] * (row + 1 - len(lines))
        elif char.isprintable():
            line = lines[row].ljust(col)
            lines[row] = line[:col] + char + line[col + 1 :]
            col += 1
    return [line.rstrip() for line in lines]


def test_a_multi_file_render_prints_each_files_line_whole_under_a_progress_bar(tmp_path: Path) -> None:
    """Each file's line starts a line of its own: no fragment of the progress bar is glued to
    it (``rendering ━━ 25% 0:00:01posts/post3.yaml: wrote ...``), and the bar is gone at the end."""
    posts = tmp_path / "posts"
    posts.mkdir()
    names = [f"post{n}" for n in range(1, 5)]
    for name in names:
        shutil.copy(BELGIUM, posts / f"{name}.yaml")
    (posts / "post3.yaml").write_text(BELGIUM.read_text().replace("  signature: BUSH\n", ""))  # one fails
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "COLUMNS": "200"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "tip_drafter", "render", "posts", "--format", "pdf", "--jobs", "1", "-o", "out"],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=120,
        dimensions=(60, 200),
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    shown = [line for line in screen(child.before) if line]
    wrote = [line for line in shown if ": wrote " in line]
    assert [line.split(":")[0] for line in wrote] == [f"posts/{name}.yaml" for name in names if name != "post3"], shown
    assert any(line.startswith("posts/post3.yaml:") and "error: cable.signature" in line for line in shown), shown
    assert not any("rendering" in line or "━" in line for line in shown), shown  # the bar left nothing behind
    assert shown[-1] == "3 rendered, 1 failed: posts/post3.yaml"
