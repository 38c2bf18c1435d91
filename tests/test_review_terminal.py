"""An interactive ``tipdraft review`` session, driven through a pseudo-terminal as a person would."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest

from tip_drafter.year import review
from tip_drafter.year.nextyear import new_draft

from conftest import BELGIUM

pytestmark = pytest.mark.slow  # the command in a pseudo-terminal (the "slow" marker: pyproject.toml)

APPEND = "import sys\nwith open(sys.argv[1], 'a') as f:\n    f.write('\\n\\nA sentence added in review.')\n"


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    source = tmp_path / "belgium.yaml"
    source.write_text(BELGIUM.read_text())
    target = tmp_path / "belgium-2010.yaml"
    new_draft(source, 2010, target)
    fields = [p.label for p in review.open_session(target).pending() if not p.number]
    review.mark(target, fields, everything=False)  # the walk below is over the answers
    return target


def test_a_terminal_session_marks_edits_skips_and_quits(draft: Path, tmp_path: Path) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(APPEND)
    first, second, third = [p.label for p in review.open_session(draft).pending()[:3]]
    total = len(review.open_session(draft).pending())
    child = pexpect.spawn(
        sys.executable,
        ["-m", "tip_drafter", "review", str(draft)],
        env={
            "EDITOR": f"{sys.executable} {editor}",
            "NO_COLOR": "1",
            "PATH": "/usr/bin:/bin",
            "TERM": "dumb",
            "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"],  # the session's own (conftest)
        },
        encoding="utf-8",
        timeout=30,
    )
    child.expect_exact(f"-- {first} (1 of {total})")
    child.expect_exact("unchanged since last year")
    child.expect_exact("[r]eviewed, [s]kip, [e]dit, [q]uit? ")
    child.send("x")  # not a choice: asked again, nothing skipped
    child.expect_exact("choose r (reviewed), s (skip), e (edit) or q (quit)")
    child.expect_exact("? ")
    child.send("r")  # one key, no Enter
    child.expect_exact(f"-- {second} (2 of {total})")
    child.expect_exact("? ")
    child.send("e")
    child.expect_exact("changed since last year")
    child.expect(r"\{\+A\s+sentence\s+added\s+in\s+review\.\+\}")  # wrapped for the terminal
    child.expect_exact("? ")
    child.send("s")
    child.expect_exact(f"-- {third} (3 of {total})")
    child.expect_exact("? ")
    child.send("q")
    child.expect_exact(f"1 marked reviewed; {total - 1} left")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    left = [p.label for p in review.open_session(draft).pending()]
    assert first not in left and second in left and third in left
    assert "A sentence added in review." in draft.read_text()
