"""G/TIP's outputs against what an attacker or an accident gives them: an output that is one of
the inputs, a database of another program or behind a link, a copy withheld up to a mark, cells
a spreadsheet would run, a file no template can render."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tip_drafter import api
from tip_drafter.cli.main import app
from tip_drafter.collect import book, gather
from tip_drafter.collect.gather import collect, withhold
from tip_drafter.collect.tables import csv_bytes
from tip_drafter.errors import TipDraftError

from conftest import BELGIUM

runner = CliRunner()
TEXT = BELGIUM.read_text(encoding="utf-8")


def _collect(*args: str) -> tuple[int, str]:
    done = runner.invoke(app, ["collect", *args])
    return done.exit_code, done.output


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".html", ".sqlite", ".pdf"])
def test_an_output_that_is_one_of_the_files_collected_is_refused(tmp_path: Path, suffix: str) -> None:
    mine = tmp_path / f"belgium{suffix}"
    mine.write_text(TEXT, encoding="utf-8")
    link = tmp_path / f"link{suffix}"
    link.symlink_to(mine)
    for output in (mine, link):
        status, said = _collect(str(mine), "-o", str(output))
        assert status == 2 and "is one of the files collected; not overwritten" in said
    assert mine.read_text(encoding="utf-8") == TEXT


def test_a_database_behind_a_link_or_of_another_program_is_not_written(tmp_path: Path) -> None:
    target = tmp_path / "target.bin"
    (tmp_path / "link.sqlite").symlink_to(target)
    status, said = _collect(str(BELGIUM), "-o", str(tmp_path / "link.sqlite"))
    assert status == 1 and "is a symbolic link; not replaced" in said and not target.exists()
    for table in ("customers", "answers_old"):  # a table named like one of tipdraft's is another program's too
        theirs = tmp_path / f"{table}.sqlite"
        with sqlite3.connect(theirs) as db:
            db.execute(f"CREATE TABLE {table} (name TEXT)")
        before = theirs.read_bytes()
        status, said = _collect(str(BELGIUM), "-o", str(theirs))
        assert status == 1 and f"is a database that is not tipdraft's ({table})" in said and theirs.read_bytes() == before
    (tmp_path / "folder.sqlite").mkdir()
    status, said = _collect(str(BELGIUM), "-o", str(tmp_path / "folder.sqlite"))
    assert status == 1 and "is a folder; cannot write the database there" in said
    ours = tmp_path / "new" / "all.sqlite"  # its folder is made, as for every other output
    assert _collect(str(BELGIUM), "-o", str(ours))[0] == 0
    assert _collect(str(BELGIUM), "-o", str(ours))[0] == 0  # ours: collected again


def _secret(tmp_path: Path) -> Path:
    path = tmp_path / "paris.yaml"
    text = TEXT.replace("post: BRUSSELS", "post: PARIS").replace("country: BELGIUM", "country: FRANCE")
    path.write_text(
        text
        + "dropped:\n  - id: SECRET-ID-agent-z\n    was: 27.H\n    answer: Dropped words.\n"
        + "unplaced:\n  - lines: 10-12\n    heading: SECRET HEADING agent Z\n    text: Unplaced words.\n",
        encoding="utf-8",
    )
    return path


def test_a_copy_up_to_a_mark_keeps_no_word_of_a_portion_above_it(tmp_path: Path) -> None:
    """A passage kept in the file (dropped, unplaced) has the file's own mark (SBU for Belgium):
    in a U copy its heading and id are its words too, and are withheld with its text."""
    rows = withhold(collect([_secret(tmp_path)], api.Options()), "U").answers
    kept = [r for r in rows if r.status in gather.KEPT]
    assert len(kept) == 2 and all(r.mark == "U" and r.text.startswith("[withheld") for r in kept)
    assert not [r for r in rows if "agent" in f"{r.item} {r.topic} {r.text}"]


def test_a_copy_up_to_a_mark_is_not_added_to_a_database_holding_text_above_it(tmp_path: Path) -> None:
    database = tmp_path / "all.sqlite"
    assert _collect(str(BELGIUM), "-o", str(database))[0] == 0  # every portion, SBU included
    before = database.read_bytes()
    status, said = _collect(str(_secret(tmp_path)), "--up-to", "U", "-o", str(database))
    assert status == 1 and "already holds text marked SBU, above --up-to U" in said and database.read_bytes() == before
    fresh = tmp_path / "u.sqlite"
    assert _collect(str(_secret(tmp_path)), "--up-to", "U", "-o", str(fresh))[0] == 0
    assert _collect(str(BELGIUM), "--up-to", "U", "-o", str(fresh))[0] == 0  # a U copy into a U copy


def test_csv_cells_a_spreadsheet_would_run_start_with_an_apostrophe(tmp_path: Path) -> None:
    path = tmp_path / "belgium.yaml"
    formulas = ['=HYPERLINK("http://x","click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]
    text = TEXT.replace("post: BRUSSELS", f"post: '{formulas[0]}'")
    for letter, formula in zip("ABCD", formulas[1:], strict=False):
        text = text.replace(f"    {letter}: |-\n", f"    {letter}: |-\n      {formula}\n", 1)
    path.write_text(text, encoding="utf-8")
    found = collect([path], api.Options())
    cells = [cell for row in csv.reader(io.StringIO(csv_bytes(found).decode("utf-8"))) for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    assert "'" + formulas[0] in cells and any(cell.startswith("'-2+3") for cell in cells)


def test_a_file_no_template_can_render_is_not_in_the_book_and_the_others_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(TEXT, encoding="utf-8")
    checked = api.check

    def limited(path: Path, options: api.Options) -> api.Checked:
        if path == big:
            raise TipDraftError("templates/cable.html.j2:14: template error: a value too big for a cable")
        return checked(path, options)

    monkeypatch.setattr(book.api, "check", limited)
    found = gather.Collection()
    parts = book.chapters([big, BELGIUM], api.Options(), found)
    assert [p.source for p in parts] == [str(BELGIUM)]
    [failure] = found.failures
    assert failure.source == str(big) and "not in the book: templates/cable.html.j2:14" in failure.problems[0].message


def test_sarif_names_a_loop_of_links_given_by_its_whole_path(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").symlink_to(tmp_path / "two.yaml")
    (tmp_path / "two.yaml").symlink_to(tmp_path / "one.yaml")
    done = runner.invoke(app, ["validate", "--format", "sarif", str(tmp_path / "one.yaml")])
    assert done.exit_code == 1 and (done.exception is None or isinstance(done.exception, SystemExit)), done.exception
    assert '"uri": "file://' in done.stdout and "Traceback" not in done.output


def test_a_cable_that_is_not_a_tip_report_is_named_once(tmp_path: Path) -> None:
    weekly = tmp_path / "weekly.txt"
    weekly.write_text(
        "UNCLASSIFIED\nSUBJECT: WEEKLY NARCOTICS REPORT\n\n1. Nothing on trafficking in persons.\n", encoding="utf-8"
    )
    status, said = _collect("--cables", str(weekly), "-o", str(tmp_path / "all.csv"))
    assert status == 1 and said.count(str(weekly)) == 1, said
