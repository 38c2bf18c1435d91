"""tipdraft import knows a TIP submission as a person would (subject, tags, pass line, REF,
keyed answers), of any year, and refuses what is not one; the country from the post and
subject before a neighbour's tag, from the DE line's station and the body when that is all."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from tip_drafter.cli.main import app
from tip_drafter.edition import load_edition
from tip_drafter.errors import NotACable
from tip_drafter.importing import recognize
from tip_drafter.importing.importer import import_cable

from conftest import DATA

runner = CliRunner()
EDITION = load_edition("2009")
TIP = sorted((DATA / "tip-cables").glob("*.txt"))
NOT_TIP = sorted((DATA / "not-tip").glob("*.txt"))
COUNTRIES = {
    "03RANGOON0234.txt": ("BURMA", "BM"),
    "03SANJOSE0601.txt": ("COSTA RICA", "CS"),
    "04ACCRA0370.txt": ("GHANA", "GH"),
    "05ACCRA0432.txt": ("GHANA", "GH"),
    "05GUATEMALA0520.txt": ("GUATEMALA", "GT"),
    "05PANAMA0312.txt": ("PANAMA", "PM"),
    "05PANAMA0555.txt": ("PANAMA", "PM"),
    "07PANAMA0382.txt": ("PANAMA", "PM"),
    "07LIMA412.txt": ("PERU", "PE"),
    "10NASSAU148.txt": ("BAHAMAS", "BF"),
}


def test_the_fixtures_are_the_ones_named() -> None:
    assert [p.name for p in TIP] == sorted(COUNTRIES)


@pytest.mark.parametrize("cable", TIP, ids=lambda p: p.name)
def test_every_tip_submission_imports_without_force_and_keeps_every_word(tmp_path: Path, cable: Path) -> None:
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", str(cable), "-o", str(out)])
    assert result.exit_code == 0, result.output
    imported = import_cable(cable.read_text(), EDITION)  # the no-loss check runs inside: it raises on a loss
    assert (imported.data["cable"]["country"], imported.data["cable"]["country_code"]) == COUNTRIES[cable.name]
    assert not [w for w in imported.warnings if "signs name different countries" in w]


@pytest.mark.parametrize("cable", NOT_TIP, ids=lambda p: p.name)
def test_a_weekly_report_a_visa_cable_and_a_drug_cable_are_still_refused(tmp_path: Path, cable: Path) -> None:
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", str(cable), "-o", str(out)])
    assert result.exit_code == 1
    assert (
        "this does not look like a TIP report (looked for a subject on trafficking in persons (TIP), the KTIP tag"
        in result.stderr
    )
    assert "--force imports it" in result.stderr
    assert not out.exists()
    assert runner.invoke(app, ["import", str(cable), "-o", str(out), "--force"]).exit_code == 0


SUBJECTS = [
    "Peru: 2007 Anti-Trafficking in Persons Report",
    "BURMA: THIRD ANNUAL TIP REPORT",
    "GUATEMALA ANTI-TIP REPORT",
    "2004 TRAFFICKING IN PERSON REPORT - GHANA",
    "GHANA'S 2006 TRAFFICKING-IN-PERSONS REPORT",
    "COSTA RICA: TRAFFICING IN PERSONS REPORT 2003",
    "Moldova: human trafficking report",
]
REFUSED_SUBJECTS = [
    "NORWAY: WEEKLY ECONOMIC HIGHLIGHTS",
    "GUATEMALA: ANTI-TRAFFICKING OF NARCOTICS OPERATIONS",
    "VISAS: A TIPPING POINT IN FRAUD",
    "Budget tips for the new fiscal year",
]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_the_subject_alone_is_enough(subject: str) -> None:
    assert recognize.judge({"subject": [subject]}).is_tip


@pytest.mark.parametrize("subject", REFUSED_SUBJECTS)
def test_a_subject_on_something_else_is_not(subject: str) -> None:
    assert not recognize.judge({"subject": [subject]}).is_tip


def test_the_tag_set_alone_is_not_enough_but_with_trafficking_discussed_it_is() -> None:
    tags = ["KCRM", "PHUM", "KWMN", "SMIG", "KFRD", "ASEC", "PREF", "ELAB"]
    assert not recognize.judge({"tags": tags}).is_tip
    body = ["Victims of trafficking were found.", "Ten women were trafficked to Spain.", "Human trafficking grew."]
    assert recognize.judge({"tags": tags, "body": body}).is_tip
    assert not recognize.judge({"tags": ["CVIS", "KFRD", "ASEC"], "body": body}).is_tip


def test_a_pass_line_to_g_tip_a_known_ref_or_keyed_answers_are_each_enough() -> None:
    assert recognize.judge({"pass": ["DEPT FOR G/TIP'S JENNIFER SMITH"]}).is_tip
    assert recognize.names_instruction("08 STATE 132759", EDITION.instruction)
    assert recognize.judge({"instruction": ["08 STATE 132759"]}).is_tip
    keyed = recognize.keyed(["Para 18: Overview", "A. (U) Ghana is a source.", "B. (U) Women.", "1. (U) The krone rose."])
    assert keyed == ["Para 18: Overview", "A. (U) Ghana is a source.", "B. (U) Women."]
    assert recognize.judge({"keyed": keyed}).is_tip


def test_the_refusal_says_what_was_found_when_it_was_not_enough() -> None:
    text = (DATA / "not-tip" / "weekly.txt").read_text().replace("ECON EFIN PGOV", "KCRM PHUM KWMN SMIG")
    with pytest.raises(NotACable, match=r"; found only: 4 tags of KCRM PHUM KWMN SMIG KFRD ASEC PREF ELAB\); --force"):
        import_cable(text, EDITION)


def test_an_archive_extract_with_no_subject_and_no_tags_is_known_by_its_keyed_answers() -> None:
    result = import_cable((DATA / "tip-cables" / "05ACCRA0432.txt").read_text(), EDITION)
    assert [p.get("heading") for p in result.data["unplaced"]][-2:] == ["Para 18: Overview", "Para 19: Prevention"]
    assert (result.data["cable"]["post"], result.data["cable"]["country"]) == ("ACCRA", "GHANA")


NASSAU = (DATA / "tip-cables" / "10NASSAU148.txt").read_text()


def test_nassau_tagged_bf_and_ha_is_the_bahamas_with_haiti_kept_in_the_tags() -> None:
    cable = import_cable(NASSAU, EDITION).data["cable"]
    assert (cable["country"], cable["country_code"]) == ("BAHAMAS", "BF")
    assert list(cable["tags"])[-2:] == ["KMCA", "HA"]


def test_the_post_and_subject_win_over_the_last_tag_even_when_it_is_the_only_one() -> None:
    result = import_cable(NASSAU.replace("KMCA, BF, HA", "KMCA, HA"), EDITION)
    assert (result.data["cable"]["country"], result.data["cable"]["country_code"]) == ("BAHAMAS", "BF")
    assert list(result.data["cable"]["tags"])[-1] == "HA"
    assert [w for w in result.warnings if "signs name different countries" in w] == [
        "the cable's signs name different countries: read as BAHAMAS (BF) from subject, post, DE line; "
        "but TAGS HA (HAITI): check country and country_code"
    ]


PANAMA = (DATA / "tip-cables" / "05PANAMA0312.txt").read_text()


def test_with_no_fm_line_and_no_known_post_the_de_line_and_the_body_name_the_country() -> None:
    text = PANAMA.replace("PANAMA 000312", "ISTHMUS 000312").replace("ASEC PREF ELAB", "ASEC PREF ELAB XL")
    result = import_cable(text, EDITION)
    assert (result.data["cable"]["country"], result.data["cable"]["country_code"]) == ("PANAMA", "PM")
    assert not [w for w in result.warnings if "signs name different countries" in w]
    only_body = import_cable(text.replace("DE RUEHZP", "DE RUEHXX"), EDITION).data["cable"]
    assert only_body["country"] == "PANAMA"


def test_an_extract_with_no_class_line_is_read_from_its_routing_lines_and_captions() -> None:
    """Archives print some cables from the DE line on, with no class line, FM line, TAGS or subject."""
    result = import_cable((DATA / "tip-cables" / "07PANAMA0382.txt").read_text(), EDITION)
    cable = result.data["cable"]
    assert (cable["country"], cable["date_time_group"], cable["reference"]) == ("PANAMA", "122030Z MAR 07", "2006 STATE 202745")
    assert "lines 1-2: not part of the cable (an archive's metadata), left out" in result.notes


def test_archive_words_after_the_country_code_in_tags_do_not_hide_it() -> None:
    cable = import_cable((DATA / "tip-cables" / "05PANAMA0555.txt").read_text(), EDITION).data["cable"]
    assert (cable["country"], cable["country_code"]) == ("PANAMA", "PM")
    assert cable["subject"] == "PANAMA'S INPUT FOR FIFTH ANNUAL ANTI-TRAFFICKING IN PERSONS (TIP) REPORT"


def test_signs_that_disagree_are_one_warning_naming_each() -> None:
    text = PANAMA.replace("DE RUEHZP", "DE RUEHMU").replace("ASEC PREF ELAB", "ASEC PREF ELAB NU")
    result = import_cable(text, EDITION)
    assert result.data["cable"]["country"] == "PANAMA"
    found = [w for w in result.warnings if "signs name different countries" in w]
    assert found == [
        "the cable's signs name different countries: read as PANAMA (PM) from post, body; "
        "but TAGS NU (NICARAGUA), DE line RUEHMU (NICARAGUA): check country and country_code"
    ]


def test_a_post_reporting_on_another_country_agrees_with_it() -> None:
    text = NASSAU.replace("NASSAU", "BRIDGETOWN").replace("THE BAHAMAS TENTH", "ANTIGUA AND BARBUDA TENTH")
    text = text.replace("KMCA, BF, HA", "KMCA, AC").replace("DE RUEHBH", "DE RUEHWN")
    result = import_cable(text, EDITION)
    assert (result.data["cable"]["country"], result.data["cable"]["country_code"]) == ("ANTIGUA AND BARBUDA", "AC")
    assert not [w for w in result.warnings if "signs name different countries" in w]


PRINTS = {  # as archives print cables
    "as sent": lambda text: text,
    "blank lines doubled": lambda text: text.replace("\n\n", "\n\n\n"),
    "trailing spaces": lambda text: text.replace("\n", "  \n"),
    "words two spaces apart": lambda text: text.replace(" ", "  "),  # archive.org's prints
}


@given(st.sampled_from(TIP), st.sampled_from(sorted(PRINTS)), st.booleans())
def test_recognition_and_no_loss_hold_however_an_archive_printed_it(cable: Path, printed: str, upper: bool) -> None:
    text = PRINTS[printed](cable.read_text())
    result = import_cable(text.upper() if upper else text, EDITION)  # refused, or a word lost: it raises
    assert result.data["cable"]["country"] == COUNTRIES[cable.name][0]


def test_another_questionnaires_paragraph_under_a_number_this_one_uses_is_kept_by_its_heading() -> None:
    """Nassau answers 2010's questionnaire: its Question 25 (THE COUNTRY'S TIP SITUATION) is
    2009's paragraph 23, not 2009's 25 (INVESTIGATION AND PROSECUTION OF TRAFFICKERS)."""
    result = import_cable(NASSAU, EDITION)
    assert dict(result.data["answers"]) == {}
    headings = [str(p.get("heading", "")) for p in result.data["unplaced"]]
    assert "2. (U) Question 25. THE COUNTRY'S TIP SITUATION:" in headings
    peru = import_cable((DATA / "tip-cables" / "07LIMA412.txt").read_text(), EDITION)
    assert dict(peru.data["answers"]) == {}
    assert "4. (U) Para 23: Investigation and Prosecution" in [str(p.get("heading", "")) for p in peru.data["unplaced"]]


def test_a_heading_in_the_posts_own_words_keeps_its_answers_in_place() -> None:
    for heading in ("Overview", "THE COUNTRY'S TIP SITUATION", "TIP SITUATION IN NORWAY"):
        text = NASSAU.replace("Question 25. THE COUNTRY'S TIP SITUATION:", f"Question 23. {heading}")
        assert "A" in import_cable(text, EDITION).data["answers"][23]


OTHER_SUBJECTS = [
    "WEEKLY ECONOMIC HIGHLIGHTS",
    "FRAUD SUMMARY - SECOND QUARTER",
    "NARCOTICS TRAFFICKING ROUTES",
    "ELECTION UPDATE",
]
OTHER_TAGS = ["ECON", "EFIN", "PGOV", "PREL", "CVIS", "SNAR", "KCRM", "PHUM", "KFRD", "ASEC"]  # the TIP set's are weak alone
OTHER_WORDS = ["oil", "budget", "election", "visa", "cocaine", "border", "minister", "smuggling", "police", "court"]


@given(
    st.sampled_from(OTHER_SUBJECTS),
    st.lists(st.sampled_from(OTHER_TAGS), min_size=1, max_size=6, unique=True),
    st.lists(st.lists(st.sampled_from(OTHER_WORDS), min_size=3, max_size=12), min_size=1, max_size=6),
)
def test_a_cable_on_something_else_is_refused_whatever_its_words(
    subject: str, tags: list[str], paragraphs: list[list[str]]
) -> None:
    body = "\n\n".join(f"{n}. (U) {' '.join(words).capitalize()}." for n, words in enumerate(paragraphs, start=1))
    text = f"UNCLAS OSLO 000200\n\nE.O. 12958: N/A\nTAGS: {' '.join(tags)} NO\nSUBJECT: NORWAY: {subject}\n\n{body}\n"
    with pytest.raises(NotACable, match="this does not look like a TIP report"):
        import_cable(text, EDITION)
