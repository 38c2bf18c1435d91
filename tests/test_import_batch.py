"""tipdraft import of a folder: one file per cable (several years of one country too), every
entry reported (a link to nothing, a loop of links), names that cannot forge the summary, and
a summary whose rows do not grow with the number of copies of one cable."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tip_drafter.cli.main import app

from conftest import DATA, EXAMPLE

runner = CliRunner()
TIP = sorted((DATA / "tip-cables").glob("*.txt"))


def batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> tuple[int, list[str], list[str]]:
    """Import ``cables/`` into ``imported/``: the exit status, the summary's lines (the new
    schema's line left out) and the files written."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["import", "cables", "-o", "imported", *extra])
    lines = [line for line in result.stdout.splitlines() if not line.startswith("wrote schemas/")]
    written = sorted(p.name for p in (tmp_path / "imported").iterdir()) if (tmp_path / "imported").exists() else []
    return result.exit_code, lines, written


def folder(tmp_path: Path, cables: list[Path]) -> Path:
    out = tmp_path / "cables"
    out.mkdir()
    for cable in cables:
        shutil.copy(cable, out / cable.name)
    return out


def test_a_folder_of_real_submissions_writes_one_file_per_cable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder(tmp_path, [*TIP, DATA / "05MANAGUA0412.txt", EXAMPLE, *sorted((DATA / "not-tip").glob("*.txt"))])
    status, lines, written = batch(tmp_path, monkeypatch)
    assert status == 1  # the three that are no TIP report
    assert lines[-1] == "15 cable(s): 12 written, 3 not imported"
    assert written == [
        "bahamas.yaml",
        "belgium.yaml",
        "burma.yaml",
        "costa-rica.yaml",
        "ghana-2004.yaml",
        "ghana-432.yaml",
        "guatemala.yaml",
        "nicaragua.yaml",
        "panama-2005.yaml",
        "panama-2007.yaml",
        "panama-555.yaml",
        "peru.yaml",
    ]


def test_the_reports_of_several_years_of_one_country_are_named_by_year(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cables = tmp_path / "cables"
    cables.mkdir()
    lima = (DATA / "tip-cables" / "07LIMA412.txt").read_text()
    for year in ("2006", "2007", "2008"):
        (cables / f"lima-{year}.txt").write_text(lima.replace("2007 Anti-Trafficking", f"{year} Anti-Trafficking"))
    status, lines, written = batch(tmp_path, monkeypatch)
    assert status == 0, lines
    assert written == ["peru-2006.yaml", "peru-2007.yaml", "peru-2008.yaml"]


def test_one_year_twice_is_told_apart_by_the_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cables = tmp_path / "cables"
    cables.mkdir()
    lima = (DATA / "tip-cables" / "07LIMA412.txt").read_text()
    (cables / "a.txt").write_text(lima)
    (cables / "b.txt").write_text(lima.replace("LIMA 000412", "LIMA 000455").replace("#0412/01", "#0455/01"))
    assert batch(tmp_path, monkeypatch)[2] == ["peru-2007-412.yaml", "peru-2007-455.yaml"]


def test_a_line_break_in_a_file_name_cannot_forge_a_line_of_the_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cables = tmp_path / "cables"
    cables.mkdir()
    forged = "x\n2 cable(s): 2 written, 0 not imported\r\x1b[2J.txt"  # a file name holds anything but / and NUL
    (cables / forged).write_text((DATA / "not-tip" / "weekly.txt").read_text())
    shutil.copy(EXAMPLE, cables / EXAMPLE.name)
    status, lines, _ = batch(tmp_path, monkeypatch)
    assert status == 1
    assert len(lines) == 4  # the head, two rows, the count
    assert lines[-1] == "2 cable(s): 1 written, 1 not imported"
    assert lines[2].startswith("cables/x\\n2 cable(s): 2 written, 0 not imported\\r\\x1b[2J.txt  -")


def test_a_link_to_nothing_and_a_loop_of_links_are_reported_not_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cables = folder(tmp_path, [EXAMPLE])
    os.symlink(tmp_path / "gone.txt", cables / "dangling.txt")
    os.symlink(cables / "loop-b.txt", cables / "loop-a.txt")
    os.symlink(cables / "loop-a.txt", cables / "loop-b.txt")
    status, lines, written = batch(tmp_path, monkeypatch)
    assert status == 1
    assert written == ["belgium.yaml"]
    rows = {line.split()[0]: line for line in lines[1:-1]}
    assert rows["cables/dangling.txt"].endswith("error: a symbolic link to a file that does not exist: no cable to import")
    assert rows["cables/loop-a.txt"].endswith("error: a loop of symbolic links: no cable to import")
    assert rows["cables/loop-b.txt"].endswith("error: a loop of symbolic links: no cable to import")
    assert lines[-1] == "4 cable(s): 1 written, 3 not imported"


def test_many_copies_of_one_cable_make_a_summary_whose_rows_do_not_grow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cables = tmp_path / "cables"
    cables.mkdir()
    text = (DATA / "05MANAGUA0412.txt").read_text()
    for n in range(120):
        (cables / f"copy-{n:03d}.txt").write_text(text)
    status, lines, written = batch(tmp_path, monkeypatch)
    assert status == 1 and written == []
    assert lines[-1] == "120 cable(s): 0 written, 120 not imported"
    assert max(len(line) for line in lines) < 300
    assert lines[1].endswith(
        "error: imported/nicaragua.yaml: also the name of cables/copy-001.txt and 118 more cable(s) of this batch "
        "(the same country, year and serial: copies of one cable?): import each alone, with -o"
    )
