"""Next year's draft (new, skeleton), edition mapping, diff and status."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pypdf
import pytest
from typer.testing import CliRunner

from tip_drafter import api
from tip_drafter.cli.main import app
from tip_drafter.yamlio.load import CountryYAML
from tip_drafter.year import review

from conftest import BELGIUM, DATA, matches_golden

runner = CliRunner()
EDITIONS = DATA / "editions"
COMMENTS = {
    "  signature: BUSH\n": "  # who signs: the chargé, this year\n  signature: BUSH\n",
    "  post: BRUSSELS\n": "  post: BRUSSELS  # as in the FM line\n",
    '    - {routing: RUEHSF, address: AMEMBASSY SOFIA, serial: "0324"}\n': '    # Sofia asked to be copied\n    - {routing: RUEHSF, address: AMEMBASSY SOFIA, serial: "0324"}\n',
    "  25:\n": "  # paragraph 25 cleared by the legal attache\n  25:\n",
    "    D: |-\n      Belgium is not a source country.\n": "    D: |-  # one line is enough\n      Belgium is not a source country.\n    # E was rewritten in January\n",
    "  27:\n    mark: SBU\n": "  27:\n    mark: SBU  # prevention stays SBU\n",
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "countries").mkdir()
    text = BELGIUM.read_text()
    for old, new in COMMENTS.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (tmp_path / "countries" / "belgium.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def new_2010_edition() -> Any:
    """tipdraft new onto the fixture edition 2010, written to countries/be10.yaml."""
    return invoke(
        "new",
        "--from",
        "countries/belgium.yaml",
        "--year",
        "2010",
        "--edition",
        "2010",
        "--editions",
        str(EDITIONS),
        "-o",
        "countries/be10.yaml",
    )


def test_new_carries_every_answer_over_keeping_every_comment(project: Path) -> None:
    result = invoke("new", "--from", "countries/belgium.yaml", "--year", "2010")
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.splitlines()[1]  # after the line about the schema it wrote
        == "wrote countries/belgium-2010.yaml: 40 answer(s) carried over, marked unreviewed (review them: tipdraft review countries/belgium-2010.yaml)"
    )
    text = (project / "countries" / "belgium-2010.yaml").read_text()
    for comment in re.findall(r"#[^\n]*", "".join(COMMENTS.values())):
        assert comment in text, comment
    for line in BELGIUM.read_text().splitlines():
        if line.startswith("#") and "yaml-language-server" not in line:
            assert line in text
    assert text.startswith("# yaml-language-server: $schema=../schemas/2009.schema.json\n")
    assert (project / "schemas" / "2009.schema.json").is_file()


def test_new_marks_answers_unreviewed_and_moves_year_bound_fields_on(project: Path) -> None:
    invoke("new", "--from", "countries/belgium.yaml", "--year", "2010")
    data = CountryYAML().load((project / "countries" / "belgium-2010.yaml").read_text())
    assert data["year"] == 2010
    cable = data["cable"]
    assert (cable["serial"], cable["date_time_group"]) == ("TBD", "TBD")
    assert cable["subject"] == "BELGIUM: 2010 TIP REPORT -- CORRECTED COPY"
    assert cable["reference"] == "[insert the 2010 instruction cable]"
    assert "reference_note" not in cable
    assert all("serial" not in a for a in data["transmission"]["info"])
    assert data["hours"]["employees"][2] == "Political Officer Aaron Jensen (FO-02): TBD hours"
    answers = [v for para in data["answers"].values() for k, v in para.items() if k not in ("mark", "heading")]
    assert len(answers) == 40 and all(a["carried_over"] == 2009 for a in answers)
    assert data["answers"][25]["E"]["to_follow"] == "2008 LAW ENFORCEMENT STATISTICS WILL BE AVAILABLE AT A LATER DATE."


@pytest.mark.slow
def test_a_final_render_is_refused_until_every_answer_is_reviewed(project: Path) -> None:
    invoke("new", "--from", "countries/belgium.yaml", "--year", "2010")
    path = project / "countries" / "belgium-2010.yaml"
    validate = invoke("validate", str(path))
    # validate says what render would: unreviewed is an error for a final cable, a warning in a draft
    assert validate.stdout.endswith("1 file(s) checked: 54 error(s), 0 warning(s)\n")
    assert "error: contact: kept from last year, not yet reviewed" in validate.stderr
    assert f"{path}" in validate.stderr and "error: para 23.A: carried over from 2009, not yet reviewed" in validate.stderr
    drafted = invoke("validate", "--draft", str(path))
    assert drafted.exit_code == 0 and drafted.stdout.endswith("1 file(s) checked: 0 error(s), 54 warning(s)\n")
    assert "warning: para 23.A: carried over from 2009, not yet reviewed" in drafted.stderr
    draft = invoke("render", str(path), "--draft")
    assert draft.exit_code == 0, draft.output
    first_page = pypdf.PdfReader(project / "output" / "belgium-2010.draft.pdf").pages[0].extract_text()
    assert "DRAFT - UNCLASSIFIED//FOR OFFICIAL USE ONLY - DRAFT" in first_page
    # placeholders filled in: only the unreviewed answers stand in the way of a final render
    text = path.read_text()
    text = text.replace("serial: TBD", "serial: 31").replace("date_time_group: TBD", "date_time_group: 121200Z FEB 10")
    text = text.replace("[insert the 2010 instruction cable]", "2010 SECSTATE 2094").replace("TBD hours", "4 hours")
    path.write_text(text)
    final = invoke("render", str(path), "--format", "txt", "-o", "final")
    assert final.exit_code == 1
    assert f"not rendered: 45 item(s) kept from last year and not yet reviewed (tipdraft review {path})" in final.stderr
    assert f"to render it as a draft: tipdraft render --draft --format txt -o final {path}" in final.stderr
    assert "error: para 27.G: carried over from 2009, not yet reviewed" in final.stderr
    assert not (project / "final").exists()
    # reviewed: every answer and kept field
    review.mark(path, [], everything=True)
    reviewed = invoke("render", str(path), "--format", "txt", "-o", "final")
    assert reviewed.exit_code == 0, reviewed.output
    assert "UNCLAS SECTION 01 OF 08 BRUSSELS 000031" in (project / "final" / "belgium-2010.txt").read_text()


def test_new_refuses_to_overwrite_and_leaves_the_file_unchanged(project: Path) -> None:
    assert invoke("new", "--from", "countries/belgium.yaml", "--year", "2010").exit_code == 0
    target = project / "countries" / "belgium-2010.yaml"
    target.write_text(target.read_text() + "# my edits\n")
    before = target.read_bytes()
    again = invoke("new", "--from", "countries/belgium.yaml", "--year", "2010")
    assert again.exit_code == 1  # a file problem (it exists), not a command line that cannot be understood
    assert (
        "countries/belgium-2010.yaml: already exists; not overwritten (use --force to replace it, or -o to write elsewhere)"
        in again.stderr
    )
    assert target.read_bytes() == before
    assert invoke("new", "--from", "countries/belgium.yaml", "--year", "2010", "--force").exit_code == 0
    assert "# my edits" not in target.read_text()


def test_new_edition_maps_answers_to_new_numbers_and_reports_it(project: Path) -> None:
    result = new_2010_edition()
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "  added: 25.F new trends since the last report" in lines
    moved = next(line for line in lines if line.startswith("  moved: "))
    for step in ("23.A -> 25.A", "25.B, 25.C -> 27.B", "25.M -> 27.K", "26.C -> 28.C", "26.C -> 28.D", "27.G -> 29.G"):
        assert step in moved
    assert "  dropped (kept under 'dropped'): 25.L (prosecution.peacekeepers)" in lines
    data = CountryYAML().load((project / "countries" / "be10.yaml").read_text())
    old = CountryYAML().load(BELGIUM.read_text())["answers"]
    new = data["answers"]
    assert list(new) == [25, 26, 27, 28, 29] and "F" not in new[25]
    assert new[25]["A"]["text"] == old[23]["A"]
    assert new[27]["B"]["text"] == old[25]["B and C"]
    assert new[28]["C"]["text"] == new[28]["D"]["text"] == old[26]["C"]
    assert new[27]["K"]["text"] == old[25]["M"]
    assert data["dropped"][0]["was"] == "25.L" and data["dropped"][0]["answer"]["text"] == old[25]["L"]
    check = api.check(project / "countries" / "be10.yaml", api.Options(editions=[EDITIONS], draft=True))
    assert [d.message for d in check.diagnostics if d.severity == "error"] == []


def test_skeleton_lists_every_item_with_its_topic(project: Path) -> None:
    result = invoke("skeleton", "--edition", "2009", "--country", "Cote d'Ivoire")
    assert result.exit_code == 0, result.output
    text = (project / "countries" / "cote-d-ivoire.yaml").read_text()
    assert "    E: '' # law-enforcement statistics and notable cases" in text
    assert "  # 26. PROTECTION AND ASSISTANCE TO VICTIMS" in text
    found = api.check(project / "countries" / "cote-d-ivoire.yaml").diagnostics
    assert sum(d.message == "answer is empty" for d in found) == 42
    assert invoke("new", "--country", "Norway").exit_code == 0
    assert (project / "countries" / "norway.yaml").is_file()


def test_diff_golden(project: Path) -> None:
    invoke("new", "--from", "countries/belgium.yaml", "--year", "2010")
    path = project / "countries" / "belgium-2010.yaml"
    text = path.read_text()
    text = text.replace(
        "Belgium is not a source country.", "Belgium is not a source country, but some Belgian minors were exploited at home."
    )
    text = text.replace("The Belgian authorities acknowledge that trafficking is\n        a problem.", "")
    path.write_text(text)
    data = CountryYAML().load(path.read_text())
    del data["answers"][24]["A"]
    del data["answers"][27]["G"]
    buffer = __import__("io").StringIO()
    CountryYAML().dump(data, buffer)
    path.write_text(buffer.getvalue())
    result = invoke("diff", "countries/belgium.yaml", "countries/belgium-2010.yaml")
    assert result.exit_code == 0, result.output
    assert matches_golden("diff.golden.txt", result.stdout)
    as_json = invoke("diff", "countries/belgium.yaml", "countries/belgium-2010.yaml", "--format", "json")
    import json

    changes = json.loads(as_json.stdout)["answers"]
    assert next(c for c in changes if c["status"] == "changed")["diff"][-1] == [
        "+",
        "country, but some Belgian minors were exploited at home.",
    ]


def test_diff_across_editions(project: Path) -> None:
    new_2010_edition()
    path = project / "countries" / "be10.yaml"
    path.write_text(path.read_text().replace("  26:\n", "    F: Labor trafficking in the construction sector grew.\n  26:\n"))
    result = invoke("diff", "countries/belgium.yaml", "countries/be10.yaml", "--editions", str(EDITIONS))
    lines = result.stdout.splitlines()
    assert "25.A   unchanged situation.information (was 23.A)  identical to last year's answer, not reviewed: stale?" in lines
    assert "25.F   new       situation.new-trends  no answer last year" in lines
    assert (
        "27.B   unchanged prosecution.penalties (was 25.B, 25.C)  identical to last year's answer, not reviewed: stale?" in lines
    )
    assert "28.D   unchanged protection.medical-aid (was 26.C)  identical to last year's answer, not reviewed: stale?" in lines
    assert "25.L   removed   prosecution.peacekeepers  no answer this year" in lines
    assert "Answers: 0 changed, 1 new, 1 removed, 41 unchanged (41 not reviewed)" in lines


def test_status_golden(project: Path) -> None:
    invoke("new", "--from", "countries/belgium.yaml", "--year", "2010")
    invoke("skeleton", "--country", "Norway")
    result = invoke("status")
    assert result.exit_code == 1  # counted as validate counts: the skeleton has errors (its answers are missing)
    assert matches_golden("status.golden.txt", result.stdout)
    shutil.rmtree(project / "countries")
    (project / "countries").mkdir()
    shutil.copy(BELGIUM, project / "countries" / "belgium.yaml")
    clean = invoke("status", "countries", "--format", "json")
    assert clean.exit_code == 0
    import json

    assert json.loads(clean.stdout)["files"] == [
        {
            "path": "countries/belgium.yaml",
            "country": "BELGIUM",
            "edition": "2009",
            "year": 2009,
            "answered": 42,
            "required": 42,
            "unreviewed": 0,
            "warnings": 0,
            "errors": 0,
        }
    ]


@pytest.mark.parametrize("year", ["2009", "2005"])
def test_new_refuses_a_year_that_is_not_later(project: Path, year: str) -> None:
    result = invoke("new", "--from", "countries/belgium.yaml", "--year", year)
    assert result.exit_code in (1, 2)
    assert f"--year {year}: the new draft's year must come after countries/belgium.yaml's (2009)" in result.stderr
    assert not (project / "countries" / f"belgium-{year}.yaml").exists()


def test_a_schema_written_beside_a_new_file_is_announced(project: Path) -> None:
    result = invoke("skeleton", "--country", "Norway")
    assert result.exit_code == 0
    assert "wrote schemas/2009.schema.json (the JSON Schema the file's first line points editors at)" in result.stdout
    again = invoke("skeleton", "--country", "France")
    assert "schemas/" not in again.stdout  # there already: nothing written, nothing said


def test_new_for_a_country_writes_the_year_asked_for(project: Path) -> None:
    result = invoke("new", "--country", "Norway", "--year", "2010", "-o", "countries/norway-2010.yaml")
    assert result.exit_code == 0, result.output
    data = CountryYAML().load((project / "countries" / "norway-2010.yaml").read_text())
    assert data["year"] == 2010
    assert data["cable"]["subject"] == "NORWAY: 2010 TIP REPORT"
    assert data["cable"]["reference"] == "[insert the 2010 instruction cable]"
    checked = api.check(project / "countries" / "norway-2010.yaml", api.Options(draft=True))
    assert not [d for d in checked.diagnostics if d.code == "year"]
