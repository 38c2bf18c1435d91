"""``tipdraft edit`` on the command line: a file it cannot open is one located line and exit 1,
before any server starts; its help has an example."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tip_drafter.options import Options
from tip_drafter.preview.edit_session import EditSession
from tip_drafter.year.nextyear import new_draft

from conftest import ROOT


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tip_drafter", "edit", *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_a_missing_or_broken_file_is_one_located_line_and_exit_1(tmp_path: Path) -> None:
    missing = run("nowhere.yaml", "--no-open", cwd=tmp_path)
    assert missing.returncode == 1 and "nowhere.yaml" in missing.stderr and "Traceback" not in missing.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text('edition: "2009"\ncable:\n  post: [BRUSSELS\n')
    done = run(str(broken), "--no-open", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr and done.stdout == ""
    assert [line for line in done.stderr.splitlines() if line.startswith(f"{broken}:")], done.stderr


def test_help_has_an_example(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tip_drafter", "edit", "--help"], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0 and "Example: tipdraft edit" in " ".join(done.stdout.split())


def test_a_kept_field_the_form_has_no_field_for_can_still_be_marked_reviewed(tmp_path: Path) -> None:
    source = tmp_path / "belgium.yaml"
    source.write_text((ROOT / "countries" / "belgium.yaml").read_text())
    path = tmp_path / "belgium-2010.yaml"
    new_draft(source, 2010, path)
    session = EditSession.open(path, Options(draft=True))
    page = session.load()
    ids = [f["id"] for f in page["fields"]]
    assert "unreviewed:transmission.channel" in ids
    saved, _ = session.save(page["digest"], {"unreviewed:transmission.channel": True})
    assert saved and "transmission.channel" not in path.read_text().split("unreviewed:", 1)[1].split("\n", 1)[0]
