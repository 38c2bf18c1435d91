"""tipdraft import on the cables posts really have: older questionnaires, no envelope, addenda,
the country from the table; and on what is not a cable: refused, nothing written."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tip_drafter import api
from tip_drafter.cable import layout
from tip_drafter.cli.main import app
from tip_drafter.edition import load_edition
from tip_drafter.importing.importer import import_cable
from tip_drafter.yamlio import read

from conftest import DATA, EXAMPLE

runner = CliRunner()
EDITION = load_edition("2009")
OLDER = DATA / "05MANAGUA0412.txt"
EXAMPLE_LINES = EXAMPLE.read_text().splitlines()


def test_an_older_questionnaire_under_dash_rule_headings_is_kept_by_heading() -> None:
    result = import_cable(OLDER.read_text(), EDITION)
    pieces = {str(p.get("heading", "")): p for p in result.data["unplaced"]}
    assert list(pieces) == [
        "",
        "Para 16: Overview",
        "Para 17: Prevention",
        "Para 18: Investigation and Prosecution",
        "after END TEXT",
    ]
    assert pieces["Para 16: Overview"]["lines"] == "25-34"
    assert str(pieces["Para 17: Prevention"]["text"]).startswith('A. "Does the government acknowledge that trafficking is a')
    assert "radio spots in Spanish and Miskito" in str(pieces["Para 17: Prevention"]["text"])
    assert "00000412" not in str(pieces["Para 17: Prevention"]["text"])  # the page marker between is taken out
    assert dict(result.data["answers"]) == {}  # not forced into 2009's items
    foreign = [w for w in result.warnings if "questionnaire edition 2009 does not know" in w]
    assert foreign == [
        "the cable answers a questionnaire edition 2009 does not know (its headings: Para 16: Overview; "
        "Para 17: Prevention; Para 18: Investigation and Prosecution): those paragraphs are kept under "
        "'unplaced', grouped by heading"
    ]


def test_text_after_end_text_is_kept_and_the_signature_read() -> None:
    result = import_cable(OLDER.read_text(), EDITION)
    assert result.data["cable"]["signature"] == "TRIVELLI"
    after = result.data["unplaced"][-1]
    assert (after["lines"], after["heading"]) == ("66-67", "after END TEXT")
    assert str(after["text"]).startswith("3. ADDENDUM: Post notes that the shelter run by Casa Alianza")
    assert "lines 66-67: could not place this text; kept under 'unplaced'" in result.warnings


def test_the_contact_paragraph_is_kept_as_printed() -> None:
    contact = import_cable(OLDER.read_text(), EDITION).data["contact"]
    assert contact["email"] == "lopezm@state.gov"
    assert " ".join(str(contact["text"]).split()) == (
        "Point of contact for this report is Poloff Maria Lopez, tel. 505-266-6010, lopezm@state.gov."
    )


def test_the_country_comes_from_the_table_not_the_post_or_the_subject() -> None:
    cable = import_cable(OLDER.read_text(), EDITION).data["cable"]
    assert (cable["country"], cable["country_code"], cable["post"]) == ("NICARAGUA", "NU", "MANAGUA")
    assert list(cable["tags"]) == ["KCRM", "PHUM", "SMIG", "KWMN", "ELAB", "XL"]


def test_a_regional_last_tag_is_skipped_for_the_country_code() -> None:
    text = OLDER.read_text().replace("ELAB XL NU", "NU ELAB XL")
    cable = import_cable(text, EDITION).data["cable"]
    assert (cable["country"], cable["country_code"]) == ("NICARAGUA", "NU")
    assert list(cable["tags"]) == ["KCRM", "PHUM", "SMIG", "KWMN", "ELAB", "XL"]


def test_with_no_country_code_the_post_names_the_country() -> None:
    text = OLDER.read_text().replace("ELAB XL NU", "ELAB XL").replace("SUBJECT: NICARAGUA: ", "SUBJECT: ")
    cable = import_cable(text, EDITION).data["cable"]
    assert (cable["country"], cable["country_code"]) == ("NICARAGUA", "NU")


def test_no_country_anywhere_is_tbd_with_a_warning() -> None:
    text = OLDER.read_text().replace("ELAB XL NU", "ELAB XL").replace("MANAGUA", "ATLANTIS").replace("NICARAGUA: ", "")
    text = text.replace("DE RUEHMU", "DE RUEHXX").replace("Embassy Managua", "Embassy Atlantis")  # no evidence
    result = import_cable(text, EDITION)
    assert (result.data["cable"]["country"], result.data["cable"]["country_code"]) == ("TBD", "TBD")
    assert "no country found in TAGS, the post or the subject: country and country_code left TBD" in result.warnings


def write_cable(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cable.txt"
    path.write_text(text)
    return path


def test_a_cable_without_envelope_is_valid_once_the_placeholders_are_filled(tmp_path: Path) -> None:
    cable = write_cable(tmp_path, "\n".join(EXAMPLE_LINES[36:]))
    out = tmp_path / "belgium.yaml"
    result = runner.invoke(app, ["import", str(cable), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "no date time group found in the cable: date_time_group: TBD to fill in" in result.stderr
    text = out.read_text()
    assert "transmission:" not in text
    assert [d.message for d in api.check(out).diagnostics] == ["placeholder 'TBD' left in the text"] * 2
    out.write_text(
        text.replace("date_time_group: TBD", "date_time_group: 201555Z FEB 09").replace(
            "precedence: TBD", "precedence: IMMEDIATE"
        )
    )
    assert api.check(out).diagnostics == []


def test_a_cable_from_its_de_line_reads_precedence_and_date_time_group() -> None:
    start = next(i for i, line in enumerate(EXAMPLE_LINES) if line.startswith("DE "))
    no_to = [line for line in EXAMPLE_LINES[start:] if "/" not in line or line.startswith(("STATE PASS", "PRM"))]
    result = import_cable("\n".join(no_to), EDITION)
    cable = result.data["cable"]
    assert (cable["precedence"], cable["date_time_group"]) == ("IMMEDIATE", "201555Z FEB 09")
    assert "transmission" not in result.data


def test_page_markers_past_999_sections() -> None:
    assert layout.MARKER.match("BRUSSELS 00000244 1000 OF 2463")
    text = OLDER.read_text().replace("MANAGUA 00000412  001 OF 002", "MANAGUA 00000412 1000 OF 2463")
    pieces = import_cable(text, EDITION).data["unplaced"]
    assert all("2463" not in str(p["text"]) for p in pieces)


REFUSED = {
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary data (NUL bytes): not a cable's text"),
    "control characters": (bytes(range(1, 32)) * 10 + b"UNCLAS X 000001\n", "control characters: binary data"),
    "empty": (b" \n\n", "empty: there is no cable to import"),
    "prose": (b"Just a note about the weather.\nNothing numbered here.\n", "no classification line and no numbered paragraphs"),
    "utf-16 no BOM": ("UNCLAS OSLO 000100\n".encode("utf-16-le"), "binary data (NUL bytes)"),
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_what_is_not_a_cable_is_refused_and_nothing_written(tmp_path: Path, kind: str) -> None:
    raw, message = REFUSED[kind]
    cable = tmp_path / "input.txt"
    cable.write_bytes(raw)
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", str(cable), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_the_readme_is_not_a_tip_report(tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", str(DATA.parent.parent / "README.md"), "-o", str(out)])
    assert result.exit_code == 1
    assert not out.exists()


WEEKLY = """UNCLAS OSLO 000200

E.O. 12958: N/A
TAGS: ECON EFIN NO
SUBJECT: NORWAY: WEEKLY ECONOMIC HIGHLIGHTS

1. (U) The krone rose two percent against the euro this week.

2. (U) Oil output fell in January.

WHITNEY
"""


def test_a_cable_that_is_no_tip_report_is_refused_unless_forced(tmp_path: Path) -> None:
    cable, out = write_cable(tmp_path, WEEKLY), tmp_path / "out.yaml"
    refused = runner.invoke(app, ["import", str(cable), "-o", str(out)])
    assert refused.exit_code == 1
    assert "this does not look like a TIP report" in refused.stderr
    assert not out.exists()
    forced = runner.invoke(app, ["import", str(cable), "-o", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "The krone rose two percent" in out.read_text()


def test_a_utf16_cable_with_its_bom_is_read_with_a_warning(tmp_path: Path) -> None:
    cable, out = tmp_path / "cable.txt", tmp_path / "out.yaml"
    cable.write_bytes(codecs.BOM_UTF16_LE + OLDER.read_text().encode("utf-16-le"))
    result = runner.invoke(app, ["import", str(cable), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "the file is UTF-16 (its byte order mark says so); read as such" in result.stderr
    assert "Casa Alianza" in out.read_text()


def test_control_characters_never_reach_the_file(tmp_path: Path) -> None:
    text = OLDER.read_text().replace("Casa Alianza", "Casa\x1b[31m Alianza\x07")
    cable, out = write_cable(tmp_path, text), tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", str(cable), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 control character(s) taken out" in result.stderr
    written = out.read_text()
    assert "\x1b" not in written and "\x07" not in written
    assert "Casa[31m Alianza" in written


def test_a_cable_larger_than_the_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_BYTES", 1000)
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", str(OLDER), "-o", str(out)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_folder_of_cables_imports_past_the_bad_ones_with_a_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "cables"
    folder.mkdir()
    (folder / "05MANAGUA0412.txt").write_text(OLDER.read_text())
    (folder / "09BRUSSELS244.txt").write_text(EXAMPLE.read_text())
    (folder / "weekly.txt").write_text(WEEKLY)
    result = runner.invoke(app, ["import", "cables", "-o", "imported"])
    assert result.exit_code == 1, result.output
    assert [line for line in result.stdout.splitlines() if not line.startswith("wrote schemas/")] == [
        "cable                     written                  country    edition  answers  unplaced  warnings",
        "cables/05MANAGUA0412.txt  imported/nicaragua.yaml  NICARAGUA  other    0        5         49",
        "cables/09BRUSSELS244.txt  imported/belgium.yaml    BELGIUM    2009     40       0         0",
        "cables/weekly.txt         -                        -          -        -        -         "
        "error: this does not look like a TIP report (looked for a subject on trafficking in persons (TIP), the KTIP "
        "tag, 4 tags of KCRM PHUM KWMN SMIG KFRD ASEC PREF ELAB, G/TIP on the pass line, a REF to the TIP questionnaire, "
        "a REF on TIP reporting, 3 lettered answers keyed to paragraphs, 3 paragraphs on trafficking in persons); "
        "--force imports it",
        "3 cable(s): 2 written, 1 not imported",
    ]
    assert sorted(p.name for p in (tmp_path / "imported").iterdir()) == ["belgium.yaml", "nicaragua.yaml"]


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_two_copies_of_one_cable_in_a_batch_are_both_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, force: list[str]
) -> None:
    """As render refuses two inputs that would write one output: neither is written, even
    with --force (which would have had the second replace the first)."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "cables"
    folder.mkdir()
    (folder / "09BRUSSELS244.txt").write_text(EXAMPLE.read_text())
    (folder / "again.txt").write_text(EXAMPLE.read_text())
    (folder / "05MANAGUA0412.txt").write_text(OLDER.read_text())
    result = runner.invoke(app, ["import", "cables", "-o", "imported", *force])
    assert result.exit_code == 1, result.output
    assert "cables/09BRUSSELS244.txt  -" in result.stdout and "cables/again.txt          -" in result.stdout
    assert (
        "error: imported/belgium.yaml: also the name of cables/again.txt (the same country, year and serial: "
        "copies of one cable?): import each alone, with -o"
    ) in result.stdout
    assert "error: imported/belgium.yaml: also the name of cables/09BRUSSELS244.txt" in result.stdout
    assert result.stdout.endswith("3 cable(s): 1 written, 2 not imported\n")
    assert sorted(p.name for p in (tmp_path / "imported").iterdir()) == ["nicaragua.yaml"]


def test_several_cables_into_a_country_file_name_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["import", str(EXAMPLE), str(OLDER), "-o", "two.yaml"])
    assert result.exit_code == 2
    assert "two.yaml: several cables are written into a folder, and this names a country file" in result.stderr
    assert not (tmp_path / "two.yaml").exists()
