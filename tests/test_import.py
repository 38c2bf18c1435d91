"""tipdraft import: real and synthetic cables, every keying style, broken and cut-short cables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tip_drafter import api
from tip_drafter.cli.main import app
from tip_drafter.edition import load_edition
from tip_drafter.errors import NotACable
from tip_drafter.importing import importer
from tip_drafter.importing.importer import import_cable
from tip_drafter.yamlio.load import CountryYAML

from conftest import DATA, EXAMPLE, example_parts, split_cable, without_total, words

runner = CliRunner()
EDITION = load_edition("2009")

HEADER = """VZCZCXYZ0001
PP RUEHXX
DE RUEHNY #0100/01 0401200
ZNR UUUUU ZZH
P 091200Z FEB 09
FM AMEMBASSY OSLO
TO RUEHC/SECSTATE WASHDC PRIORITY 1234
UNCLAS OSLO 000100

SENSITIVE
SIPDIS

E.O. 12958: N/A
TAGS: PHUM KTIP NO
SUBJECT: NORWAY: 2009 TIP REPORT

REF: 08 STATE 132759

1. (U) POC is Poloff Jane Doe, doej@state.gov.

2. (U) Hours spent: Poloff Jane Doe (FO-03): 40 hours.

"""
FOOTER = "\nEND TEXT OF REPORT.\n\nWHITNEY\n"


def para_23(style: str) -> str:
    """Paragraph 23's first two answers keyed in a post's style."""
    if style == "para heading":
        return (
            "------------------------------\nPara 23 -- THE COUNTRY'S TIP SITUATION\n------------------------------\n\n"
            "3. (SBU) A. What are the sources of information on trafficking?\n\nPolice and NGOs report regularly.\n\n"
            "4. (SBU) B. Is the country of origin, transit or destination?\n\nNorway is a destination country.\n\nMost victims come from Nigeria.\n"
        )
    if style == "question heading":
        return (
            "3. (SBU) Question 23: THE COUNTRY'S TIP SITUATION\n\nA. Police and NGOs report regularly.\n\n"
            "B. Norway is a destination country.\n\nMost victims come from Nigeria.\n"
        )
    return "3. (SBU) 23 A. Police and NGOs report regularly.\n\n4. (SBU) 23 B. Norway is a destination country.\n\nMost victims come from Nigeria.\n"


@pytest.mark.parametrize("style", ["para heading", "question heading", "number and letter"])
def test_each_keying_style_lands_under_paragraph_and_letter(style: str) -> None:
    result = import_cable(HEADER + para_23(style) + FOOTER, EDITION)
    para = result.data["answers"][23]
    assert para["mark"] == "SBU"
    assert str(para["A"]) == "Police and NGOs report regularly."
    assert str(para["B"]) == "Norway is a destination country.\n\nMost victims come from Nigeria."
    assert "heading" not in para  # the questionnaire's own title
    cable = result.data["cable"]
    assert (cable["post"], cable["serial"], cable["country"], cable["country_code"]) == ("OSLO", 100, "NORWAY", "NO")
    assert (cable["precedence"], cable["date_time_group"], cable["signature"]) == ("PRIORITY", "091200Z FEB 09", "WHITNEY")
    assert cable["classification"] == "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    assert result.data["hours"]["employees"] == ["Poloff Jane Doe (FO-03): 40 hours"]
    assert result.data["contact"]["email"] == "doej@state.gov"
    missing = [w for w in result.warnings if "no answer found" in w]
    assert len(missing) == 40 and missing[0].startswith(
        "para 23.C: no answer found (conditions victims are held in); paragraph 23 starts at line"
    )


def test_a_repeated_question_is_kept_under_unplaced_with_a_note() -> None:
    result = import_cable(HEADER + para_23("para heading") + FOOTER, EDITION)
    assert any("the question repeated before the answer is kept under 'unplaced'" in note for note in result.notes)
    questions = [p for p in result.data["unplaced"] if str(p.get("heading", "")).endswith(": the question")]
    assert [str(p["text"]) for p in questions] == [
        "What are the sources of information on trafficking?",
        "Is the country of origin, transit or destination?",
    ]


def test_the_example_cable_imports_with_no_warning_and_renders_as_belgium(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["import", str(EXAMPLE), "-o", "countries/imported.yaml"])
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.splitlines()[-1]
        == "wrote countries/imported.yaml (0 warning(s)); check it with: tipdraft validate countries/imported.yaml"
    )
    assert api.check(Path("countries/imported.yaml")).diagnostics == []
    api.render_file(Path("countries/imported.yaml"), tmp_path / "out", api.Options(formats=("txt",)))
    text = (tmp_path / "out" / "imported.txt").read_text()
    assert text == (DATA / "belgium.golden.txt").read_text()
    envelope, body = split_cable(text.splitlines())
    theirs_envelope, theirs_body = example_parts()
    assert words(envelope) == words(theirs_envelope)
    assert without_total(words(body)) == without_total(words(theirs_body))


def test_import_refuses_to_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["import", str(EXAMPLE)]).exit_code == 0
    path = tmp_path / "countries" / "belgium.yaml"
    before = path.read_bytes()
    again = runner.invoke(app, ["import", str(EXAMPLE)])
    assert again.exit_code == 1  # a file problem (it exists), not a command line that cannot be understood
    assert "countries/belgium.yaml: already exists; not overwritten" in again.stderr
    assert path.read_bytes() == before
    assert path.read_text().startswith("# yaml-language-server: $schema=../schemas/2009.schema.json\n")


@pytest.mark.parametrize("cut", [120, 300, 500, 650])
def test_a_cable_cut_short_imports_with_warnings(tmp_path: Path, cut: int) -> None:
    text = "\n".join(EXAMPLE.read_text().splitlines()[:cut])
    result = import_cable(text, EDITION)
    assert any("no END TEXT OF REPORT: the cable may be cut short" in w for w in result.warnings)
    assert any("no answer found" in w for w in result.warnings)
    path = tmp_path / "cut.yaml"
    buffer = __import__("io").StringIO()
    CountryYAML().dump(result.data, buffer)
    path.write_text(buffer.getvalue())
    found = api.check(path).diagnostics
    assert found and all(d.path == str(path) for d in found)


def test_text_that_fits_nowhere_is_kept_with_its_lines() -> None:
    cable = HEADER + "3. (SBU) Summary: Norway made progress this year.\n\n" + para_23("question heading") + FOOTER
    result = import_cable(cable, EDITION)
    line = cable.splitlines().index("3. (SBU) Summary: Norway made progress this year.") + 1
    assert result.data["unplaced"][0]["lines"] == f"{line}-{line}"
    assert str(result.data["unplaced"][0]["text"]) == "3. (SBU) Summary: Norway made progress this year."
    assert f"lines {line}-{line}: could not place this text; kept under 'unplaced'" in result.warnings


@pytest.mark.parametrize("text", ["", "just some words\n", "\x00\x01binary", "UNCLAS\n", "END TEXT OF REPORT.\n"])
def test_text_with_no_class_line_and_no_numbered_paragraph_is_refused(text: str) -> None:
    with pytest.raises(NotACable, match="no classification line and no numbered paragraphs"):
        import_cable(text, EDITION)


def test_numbered_paragraphs_with_no_header_import_only_with_force() -> None:
    text = "1. (U) A paragraph with no header.\n"
    with pytest.raises(NotACable, match="this does not look like a TIP report"):
        import_cable(text, EDITION)
    result: Any = import_cable(text, EDITION, force=True)
    assert any(w.startswith("no classification line (UNCLAS ... 000123) found") for w in result.warnings)
    assert str(result.data["unplaced"][0]["text"]) == "1. (U) A paragraph with no header."


def test_de_line_that_disagrees_is_reported() -> None:
    cable = HEADER.replace("DE RUEHNY #0100/01 0401200", "DE RUEHNY #0100/01 0391200") + para_23("number and letter") + FOOTER
    result = import_cable(cable, EDITION)
    assert "line 3: the DE line's day and time 0391200 do not match the date-time group 091200Z FEB 09" in result.warnings


def test_a_date_time_group_that_is_no_real_date_is_reported_not_a_traceback() -> None:
    cable = HEADER.replace("091200Z FEB 09", "301200Z FEB 09") + para_23("number and letter") + FOOTER
    result = import_cable(cable, EDITION)
    assert result.data["cable"]["date_time_group"] == "301200Z FEB 09"  # kept as written: validate says what is wrong
    assert "line 3: the DE line's day and time 0401200 do not match the date-time group 301200Z FEB 09" in result.warnings


def test_items_with_no_blank_line_between_them() -> None:
    body = "23. (SBU) THE COUNTRY'S TIP SITUATION\n-- A. Police and NGOs report.\n-- B. A destination\ncountry.\n24. (SBU) SETTING THE SCENE\n-- A. Yes.\n"
    result = import_cable(HEADER + body + FOOTER, EDITION)
    answers = result.data["answers"]
    assert (str(answers[23]["A"]), str(answers[23]["B"]), str(answers[24]["A"])) == (
        "Police and NGOs report.",
        "A destination country.",
        "Yes.",
    )
    assert answers[24]["heading"] == "SETTING THE SCENE"


def test_a_signature_with_no_end_line_is_not_taken_for_an_answer() -> None:
    result = import_cable(HEADER + para_23("question heading") + "\nWHITNEY\n", EDITION)
    assert result.data["cable"]["signature"] == "WHITNEY"
    assert str(result.data["answers"][23]["B"]).endswith("Most victims come from Nigeria.")
    assert any("no END TEXT OF REPORT" in w for w in result.warnings)


def test_classified_header_fields() -> None:
    cable = (
        HEADER.replace("UNCLAS OSLO 000100\n\nSENSITIVE\nSIPDIS", "C O N F I D E N T I A L OSLO 000100\n\nNOFORN\nSIPDIS")
        .replace("E.O. 12958: N/A", "E.O. 12958: DECL: 02/09/2019")
        .replace(
            "REF: 08 STATE 132759\n", "REF: 08 STATE 132759\n\nClassified By: Ambassador Whitney\nfor reasons 1.4 (b) and (d).\n"
        )
    )
    result = import_cable(cable + para_23("number and letter") + FOOTER, EDITION)
    header = result.data["cable"]
    assert (header["classification"], list(header["caveats"]), header["declassify"]) == (
        "CONFIDENTIAL",
        ["NOFORN", "SIPDIS"],
        "02/09/2019",
    )
    assert header["classified_by"] == "Ambassador Whitney for reasons 1.4 (b) and (d)."


@pytest.mark.parametrize("key", ["23.A.", "23A.", "A)", "-- A)"])
def test_other_ways_of_writing_an_item(key: str) -> None:
    body = f"3. (SBU) Question 23:\n\n{key} Police and NGOs report.\n\n{key.replace('A', 'B')} A destination country.\n"
    answers = import_cable(HEADER + body + FOOTER, EDITION).data["answers"][23]
    assert (str(answers["A"]), str(answers["B"])) == ("Police and NGOs report.", "A destination country.")


def test_an_unmarked_paragraph_is_left_for_the_post_to_mark() -> None:
    body = "3. Question 23:\n\nA. Police and NGOs report.\n"
    result = import_cable(HEADER + body + FOOTER, EDITION)
    assert "mark" not in result.data["answers"][23]
    assert "para 23: the cable gives it no portion mark; add one (mark: U, SBU, C or S)" in result.warnings


def test_the_ref_line_names_the_questionnaire_answered(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "REF: 2008 SECSTATE 132759" in text
    cable = tmp_path / "cable.txt"
    # The subject names no year: the REF line alone says the 2009 questionnaire is answered.
    cable.write_text(text.replace("2009 TIP REPORT", "TIP REPORT"), encoding="utf-8")
    result = importer.read_file(cable, tmp_path / "a.yaml", None, (DATA / "editions",)).result
    assert result.data["edition"] == "2009"
    # A REF naming the 2010 instruction cable: the 2010 questionnaire, whatever the subject says.
    cable.write_text(text.replace("REF: 2008 SECSTATE 132759", "REF: 10 STATE 2094"), encoding="utf-8")
    result = importer.read_file(cable, tmp_path / "b.yaml", None, (DATA / "editions",)).result
    assert result.data["edition"] == "2010"


def test_a_ref_naming_no_known_questionnaire_is_one_warning(tmp_path: Path) -> None:
    cable = tmp_path / "cable.txt"
    cable.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("REF: 2008 SECSTATE 132759", "REF: 04 STATE 2743"), encoding="utf-8"
    )
    result = importer.read_file(cable, tmp_path / "a.yaml", None).result
    assert [w for w in result.warnings if w.startswith("REF")] == [
        "REF '04 STATE 2743' names no questionnaire tipdraft knows (2009); read as 2009's"
    ]
