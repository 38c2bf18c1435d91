"""The domain's value types: the date-time group, the classification, and the report year."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pypdf
import pytest

from tip_drafter import api
from tip_drafter.domain import classification
from tip_drafter.domain.classification import CONFIDENTIAL, FOUO, SECRET, UNCLASSIFIED, read_class_line
from tip_drafter.domain.dtg import PATTERN, DateTimeGroup
from tip_drafter.yamlio.load import load
from tip_drafter.year import nextyear

from conftest import BELGIUM


def test_a_date_time_group_reads_and_prints_every_form() -> None:
    sent = DateTimeGroup.parse("201555Z FEB 09")
    assert str(sent) == "201555Z FEB 09"
    assert sent.julian == "0511555"
    assert sent.iso == "2009-02-20T15:55:00Z"
    assert sent.epoch == 1235145300
    assert sent.year == 2009
    assert DateTimeGroup.parse("010000Z JAN 10").julian == "0010000"
    assert DateTimeGroup.parse("312359Z DEC 08").julian == "3662359"  # 2008 is a leap year


@pytest.mark.parametrize("year", [2008, 2009])
def test_every_day_of_a_year_reads_back_as_printed(year: int) -> None:
    day = DateTimeGroup.new_year(year)
    for n in range(1, 367 if year % 4 == 0 else 366):
        again = DateTimeGroup.parse(str(day))
        assert again == day and again.julian == f"{n:03d}0000" and again.iso.startswith(f"{year}-")
        day = DateTimeGroup(day.when + dt.timedelta(days=1))


@pytest.mark.parametrize("text", ["301555Z FEB 09", "290000Z FEB 09", "202455Z FEB 09", "201560Z FEB 09", "001555Z FEB 09"])
def test_a_date_time_group_that_is_no_real_time_is_refused(text: str) -> None:
    assert re.match(PATTERN, text)  # of the form, but no day or time there is
    with pytest.raises(ValueError, match=r"day is out of range|does not match|unconverted"):
        DateTimeGroup.parse(text)
    assert DateTimeGroup.read(text) is None
    assert DateTimeGroup.parse("290000Z FEB 08").iso == "2008-02-29T00:00:00Z"


@pytest.mark.parametrize("text", ["TBD", "201555Z Feb 09", "201555 FEB 09", "201555Z FEB 2009", "20155Z FEB 09"])
def test_a_date_time_group_not_of_the_form_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a date-time group"):
        DateTimeGroup.parse(text)
    assert not re.match(PATTERN, text)


def test_the_date_time_group_pattern_is_a_json_schema_pattern() -> None:
    assert "(?P<" not in PATTERN and "(?<" not in PATTERN  # no named groups: ECMA-262 has none of Python's


def test_what_each_classification_allows_and_prints() -> None:
    assert [level.word for level in classification.LEVELS] == list(classification.CLASSIFICATIONS)
    assert [(level.allows("SBU"), level.allows("C")) for level in classification.LEVELS] == [
        (False, False),
        (True, False),
        (True, True),
        (True, True),
    ]
    assert [level.opening for level in classification.LEVELS] == [
        "UNCLAS",
        "UNCLAS",
        "C O N F I D E N T I A L",
        "S E C R E T",
    ]
    assert [level.security_line for level in classification.LEVELS] == [
        "ZNR UUUUU ZZH",
        "ZNR UUUUU ZZH",
        "ZNY CCCCC ZZH",
        "ZNY SSSSS ZZH",
    ]
    assert [level.classified for level in classification.LEVELS] == [False, False, True, True]


def test_the_sensitive_caveat_goes_with_fouo_and_only_with_it() -> None:
    assert classification.caveat_problem(FOUO, ["SENSITIVE", "SIPDIS"]) is None
    assert classification.caveat_problem(UNCLASSIFIED, ["SIPDIS"]) is None
    assert "must carry the SENSITIVE caveat" in str(classification.caveat_problem(FOUO, ["SIPDIS"]))
    assert "SENSITIVE goes only with" in str(classification.caveat_problem(CONFIDENTIAL, ["SENSITIVE"]))


@pytest.mark.parametrize(
    ("line", "caveats", "expected"),
    [
        ("UNCLAS SECTION 01 OF 04 BRUSSELS 000244", ["SENSITIVE", "SIPDIS"], (FOUO, "BRUSSELS", 244)),
        ("UNCLAS BRUSSELS 000244", ["SIPDIS"], (UNCLASSIFIED, "BRUSSELS", 244)),
        ("C O N F I D E N T I A L OSLO 000012", [], (CONFIDENTIAL, "OSLO", 12)),
        ("SECRET SECTION 02 OF 03 PARIS 001234", [], (SECRET, "PARIS", 1234)),
    ],
)
def test_a_class_line_reads_back(line: str, caveats: list[str], expected: tuple[object, str, int]) -> None:
    read = read_class_line(line)
    assert read is not None
    assert (read.classification(caveats), read.post, read.serial) == expected


def test_a_line_that_is_no_class_line() -> None:
    assert read_class_line("UNCLASSIFIED BRUSSELS") is None
    assert read_class_line("SUBJECT: BELGIUM: 2009 TIP REPORT") is None


@pytest.mark.slow
def test_a_draft_for_2010_is_dated_2010(tmp_path: Path) -> None:
    draft = tmp_path / "belgium-2010.yaml"
    nextyear.new_draft(BELGIUM, 2010, draft)
    data = load(draft).data
    assert data["year"] == 2010 and data["cable"]["date_time_group"] == "TBD"
    api.render_file(draft, tmp_path, api.Options(formats=("txt", "html", "pdf"), draft=True))
    html = (tmp_path / "belgium-2010.draft.html").read_text()
    assert '<meta name="dcterms.created" content="2010-01-01T00:00:00Z">' in html
    meta = pypdf.PdfReader(tmp_path / "belgium-2010.draft.pdf").metadata
    assert meta is not None
    assert meta["/CreationDate"] == "D:20100101000000Z"


def test_next_years_draft_of_a_draft_moves_on_from_its_own_year(tmp_path: Path) -> None:
    first, second = tmp_path / "2010.yaml", tmp_path / "2011.yaml"
    nextyear.new_draft(BELGIUM, 2010, first)
    nextyear.new_draft(first, 2011, second)
    data = load(second).data
    assert data["year"] == 2011
    assert data["cable"]["subject"].startswith("BELGIUM: 2011 TIP REPORT")
    assert {
        answer["carried_over"] for para in data["answers"].values() for k, answer in para.items() if k not in ("mark", "heading")
    } == {2010}


def test_the_messages_list_the_portion_marks_from_the_marks_themselves() -> None:
    """ "U, SBU, C or S" is said from the marks, in rank order, wherever a message lists them."""
    from tip_drafter.format import country_format, edition_format

    assert classification.MARKS_SAID == "U, SBU, C or S"
    assert classification.MARKS_SAID.replace(" or ", ", ").split(", ") == list(classification.PORTION_RANK)
    assert country_format.MARK.missing.endswith(f"add mark: {classification.MARKS_SAID}")
    assert classification.MARKS_SAID in country_format.MARK.doc
    assert edition_format.FRAMING.keys["mark"].kind.json()["enum"] == list(classification.MARKS)
