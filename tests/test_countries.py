"""The country table: its data holds together, and names, codes and posts resolve as cables write them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tip_drafter import countries
from tip_drafter.countries import MARKER_WIDTH, Country
from tip_drafter.errors import TipDraftError

from conftest import BELGIUM, DATA

TABLE = countries.countries()


def duplicates(values: list[str]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


def every_post() -> list[str]:
    return [p for c in TABLE for p in c.posts]


@pytest.fixture
def table_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A country table of the test's own in place of the package's."""
    monkeypatch.setattr(countries, "TABLE", tmp_path / "data" / "countries.yaml")
    (tmp_path / "data").mkdir()
    countries._table.cache_clear()
    yield tmp_path / "data" / "countries.yaml"
    countries._table.cache_clear()


# --- the data ---------------------------------------------------------------------------


def test_every_country_with_a_us_embassy_is_listed() -> None:
    assert len(TABLE) >= 185
    assert sum(1 for c in TABLE if c.posts) >= 170


def test_codes_are_two_capital_letters_and_unique() -> None:
    codes = [code for c in TABLE for code in (c.code, *c.former_codes)]
    assert [code for code in codes if not re.fullmatch(r"[A-Z]{2}", code)] == []
    assert duplicates(codes) == []


def test_names_and_aliases_are_unique_across_countries() -> None:
    assert duplicates([key for c in TABLE for key in (c.name, *c.aliases)]) == []


def test_every_country_has_a_post_or_an_embassy_reporting_on_it() -> None:
    posts = set(every_post())
    assert [c.name for c in TABLE if not c.posts and not c.reported_by] == []
    assert [(c.name, p) for c in TABLE for p in c.reported_by if p not in posts or p in c.posts] == []


def test_posts_are_unique_across_countries_as_written_cut_and_squeezed() -> None:
    posts = every_post()
    assert duplicates(posts) == []
    assert duplicates([p[:MARKER_WIDTH].rstrip() for p in posts]) == []
    assert duplicates([re.sub(r"[^A-Z0-9]", "", p) for p in posts]) == []


def test_the_data_file_is_package_data_in_capitals() -> None:
    text = countries.TABLE.read_text(encoding="utf-8")
    assert text.startswith("# The country table")
    entries = YAML(typ="safe").load(text)["countries"]
    assert [e["name"] for e in entries if e["name"] != e["name"].upper()] == []
    assert [e["name"] for e in entries] == sorted(e["name"] for e in entries)


# --- the examples cables give ----------------------------------------------------------------

EXAMPLES = [
    ("BE", "BRUSSELS", "BELGIUM"),
    ("NL", "THE HAGUE", "NETHERLANDS"),
    ("HA", "PORT AU PRINCE", "HAITI"),
    ("NU", "MANAGUA", "NICARAGUA"),
    ("BF", "NASSAU", "BAHAMAS"),
    ("NO", "OSLO", "NORWAY"),
    ("CS", "SAN JOSE", "COSTA RICA"),
    ("EI", "DUBLIN", "IRELAND"),
    ("HO", "TEGUCIGALPA", "HONDURAS"),
    ("DR", "SANTO DOMINGO", "DOMINICAN REPUBLIC"),
    ("UK", "LONDON", "UNITED KINGDOM"),
    ("GM", "BERLIN", "GERMANY"),
    ("IS", "TEL AVIV", "ISRAEL"),
    ("BM", "RANGOON", "BURMA"),
    ("CG", "KINSHASA", "DEMOCRATIC REPUBLIC OF THE CONGO"),
    ("CF", "BRAZZAVILLE", "REPUBLIC OF THE CONGO"),
    ("IV", "ABIDJAN", "COTE D'IVOIRE"),
    ("KV", "PRISTINA", "KOSOVO"),
    ("MJ", "PODGORICA", "MONTENEGRO"),
    ("RI", "BELGRADE", "SERBIA"),
    ("OD", "JUBA", "SOUTH SUDAN"),
    ("TT", "DILI", "TIMOR-LESTE"),
    ("SY", "DAMASCUS", "SYRIA"),
    ("LY", "TRIPOLI", "LIBYA"),
    ("AE", "ABU DHABI", "UNITED ARAB EMIRATES"),
    ("BX", "BANDAR SERI BEGAWAN", "BRUNEI"),
    ("CD", "NDJAMENA", "CHAD"),
    ("UV", "OUAGADOUGOU", "BURKINA FASO"),
    ("TD", "PORT OF SPAIN", "TRINIDAD AND TOBAGO"),
]


@pytest.mark.parametrize(("code", "post", "name"), EXAMPLES)
def test_code_post_and_name_resolve_to_one_country(code: str, post: str, name: str) -> None:
    country = countries.by_code(code)
    assert country is not None
    assert (country.code, country.name) == (code, name)
    assert post in country.posts
    assert countries.by_post(post) is country
    assert countries.by_name(name) is country
    assert countries.mismatch(name, code, post) is None


def test_every_embassy_the_belgium_cable_addresses_is_a_post() -> None:
    text = (DATA / "belgium.golden.txt").read_text(encoding="utf-8")
    posts = re.findall(r"^(?:FM |\w+/)AMEMBASSY (.+?)(?: IMMEDIATE| \d+)*$", text, re.MULTILINE)
    assert len(posts) == 11
    assert [p for p in posts if countries.by_post(p) is None] == []


def test_the_belgium_country_file_agrees_with_the_table() -> None:
    cable = YAML(typ="safe").load(BELGIUM.read_text(encoding="utf-8"))["cable"]
    assert countries.find(cable["subject"]) == countries.by_code(cable["country_code"])
    assert countries.mismatch(cable["country"], cable["country_code"], cable["post"]) is None


# --- lookups ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("BELGIUM", "BELGIUM"),
        ("belgium", "BELGIUM"),
        ("  Costa   Rica ", "COSTA RICA"),
        ("THE NETHERLANDS", "NETHERLANDS"),
        ("Holland", "NETHERLANDS"),
        ("THE BAHAMAS", "BAHAMAS"),
        ("BAHAMAS, THE", "BAHAMAS"),
        ("GAMBIA, THE", "GAMBIA"),
        ("THE PHILIPPINES", "PHILIPPINES"),
        ("THE GERMANY", "GERMANY"),
        ("MYANMAR", "BURMA"),
        ("CONGO, DEMOCRATIC REPUBLIC OF THE", "DEMOCRATIC REPUBLIC OF THE CONGO"),
        ("C\u00f4te d\u2019Ivoire", "COTE D'IVOIRE"),
        ("Belgium:", "BELGIUM"),
    ],
)
def test_by_name_takes_aliases_any_case_and_a_leading_the(text: str, name: str) -> None:
    country = countries.by_name(text)
    assert country is not None
    assert country.name == name


@pytest.mark.parametrize("text", ["CONGO", "KOREA", "BRUSSELS", "ATLANTIS", "", "TBD", "XL"])
def test_by_name_is_none_for_what_is_not_one_country(text: str) -> None:
    assert countries.by_name(text) is None


@pytest.mark.parametrize(
    ("post", "name"),
    [
        ("PORT AU PR", "HAITI"),
        ("PORT AU PRINCE", "HAITI"),
        ("AMEMBASSY PORT AU PRINCE", "HAITI"),
        ("PORTAUPRINCE", "HAITI"),
        ("Port-au-Prince", "HAITI"),
        ("SANTO DOMI", "DOMINICAN REPUBLIC"),
        ("SAN SALVAD", "EL SALVADOR"),
        ("BANDAR SER", "BRUNEI"),
        ("KUALA LUMP", "MALAYSIA"),
        ("ADDIS ABAB", "ETHIOPIA"),
        ("DAR ES SAL", "TANZANIA"),
        ("PORT MORES", "PAPUA NEW GUINEA"),
        ("PORT OF SP", "TRINIDAD AND TOBAGO"),
        ("PORTOFSPAIN", "TRINIDAD AND TOBAGO"),
        ("PORT LOUIS", "MAURITIUS"),
        ("NEWDELHI", "INDIA"),
        ("the hague", "NETHERLANDS"),
        ("KIEV", "UKRAINE"),
        ("BELIZE", "BELIZE"),
        ("AMCONSUL HONG KONG", "HONG KONG"),
        ("AIT TAIPEI", "TAIWAN"),
        ("USINT HAVANA", "CUBA"),
        ("BRIDGETOWN", "BARBADOS"),
    ],
)
def test_by_post_reads_the_fm_line_the_page_marker_and_the_cable_id(post: str, name: str) -> None:
    country = countries.by_post(post)
    assert country is not None
    assert country.name == name


@pytest.mark.parametrize("post", ["CIUDAD JUAREZ", "PORT", "", "TBD", "BELGIUM", "AMEMBASSY"])
def test_by_post_is_none_for_a_place_that_is_no_embassy(post: str) -> None:
    assert countries.by_post(post) is None


def test_by_code_reads_former_codes_and_skips_regional_tags() -> None:
    assert countries.by_code(" be ") == countries.by_name("BELGIUM")
    assert countries.by_code("SR") == countries.by_code("RI") == countries.by_name("SERBIA")
    assert countries.by_code("MW") == countries.by_name("MONTENEGRO")
    assert countries.by_code("TC") == countries.by_name("UAE")
    assert countries.by_code("XL") is None
    assert countries.by_code("TBD") is None
    assert countries.by_code("ZZ") is None


def test_regional_tags_are_not_countries() -> None:
    tags = countries.regional_tags()
    assert {"XL", "XM", "XA"} <= tags
    assert [t for t in tags if countries.by_code(t) is not None] == []
    assert all(countries.is_regional(t.lower()) for t in tags)
    assert not any(countries.is_regional(c.code) for c in TABLE)
    assert not countries.is_regional("TBD")


def test_placeholders_are_blank_or_tbd() -> None:
    assert countries.is_placeholder("TBD")
    assert countries.is_placeholder(" tbd ")
    assert countries.is_placeholder("")
    assert not countries.is_placeholder("BE")


def test_a_country_without_a_post_is_written_by_the_embassy_accredited_to_it() -> None:
    antigua = countries.by_name("ANTIGUA AND BARBUDA")
    assert antigua is not None
    assert (antigua.code, antigua.posts, antigua.post) == ("AC", (), "BRIDGETOWN")
    assert countries.by_post("BRIDGETOWN") == countries.by_name("BARBADOS")
    assert countries.by_name("SOUTH KOREA") == countries.by_name("REPUBLIC OF KOREA") == countries.by_code("KS")
    assert [c.post for c in map(countries.by_name, ["BELIZE", "KAZAKHSTAN"]) if c] == ["BELMOPAN", "ASTANA"]
    assert countries.by_name("NETHERLANDS") == Country("NETHERLANDS", "NL", ("THE HAGUE",), ("THE NETHERLANDS", "HOLLAND"))


# --- find: the country a subject line names ---------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "name"),
    [
        ("BELGIUM: 2009 TIP REPORT -- CORRECTED COPY", "BELGIUM"),
        ("TIP REPORT FOR NICARAGUA", "NICARAGUA"),
        ("PART 1 OF 2: COSTA RICA'S 2009 TRAFFICKING IN PERSONS REPORT", "COSTA RICA"),
        ("THE BAHAMAS -- 2009 TIP REPORT SUBMISSION", "BAHAMAS"),
        ("Peru: Ninth Annual Trafficking in Persons Report", "PERU"),
        ("EMBASSY THE HAGUE SUBMISSION FOR THE 2009 TIP REPORT", "NETHERLANDS"),
        ("AMEMBASSY PORT AU PRINCE 2009 TIP REPORT", "HAITI"),
        ("DEMOCRATIC REPUBLIC OF THE CONGO: 2009 TIP REPORT", "DEMOCRATIC REPUBLIC OF THE CONGO"),
        ("REPUBLIC OF THE CONGO: 2009 TIP REPORT", "REPUBLIC OF THE CONGO"),
        ("PAPUA NEW GUINEA 2009 TIP REPORT", "PAPUA NEW GUINEA"),
        ("EQUATORIAL GUINEA - TIP REPORT", "EQUATORIAL GUINEA"),
        ("GUINEA-BISSAU TIP REPORT", "GUINEA-BISSAU"),
        ("GUINEA TIP REPORT", "GUINEA"),
        ("NIGERIA: 2009 TIP REPORT", "NIGERIA"),
        ("DOMINICAN REPUBLIC: 2009 TIP REPORT", "DOMINICAN REPUBLIC"),
        ("2009 TIP REPORT: COTE D\u2019IVOIRE", "COTE D'IVOIRE"),
        ("BURMA: TRAFFICKING TO THAILAND", "BURMA"),
    ],
)
def test_find_the_country_a_subject_names(subject: str, name: str) -> None:
    country = countries.find(subject)
    assert country is not None
    assert country.name == name


@pytest.mark.parametrize(
    "subject",
    [
        "PART 1 OF 2",
        "2009 TIP REPORT",
        "WEEKLY ECONOMIC REVIEW",
        "NIGERIAN",
        "CONGO: 2009 TIP REPORT",
        "NORTH KOREA: LABOR",
        "BRUSSELS TIP REPORT",
    ],
)
def test_find_is_none_without_a_whole_country_name(subject: str) -> None:
    assert countries.find(subject) is None


# --- mismatch ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "code", "post", "message"),
    [
        ("BELGIUM", "NL", "BRUSSELS", "country BELGIUM has code BE, not NL"),
        ("BELGIUM", "nl", "", "country BELGIUM has code BE, not NL"),
        ("NETHERLANDS", "BE", "BRUSSELS", "country NETHERLANDS does not match code BE and post BRUSSELS, which are BELGIUM's"),
        ("BELGIUM", "BE", "THE HAGUE", "country BELGIUM has post BRUSSELS, not THE HAGUE"),
        ("BELGIUM", "BE", "PORT AU PR", "country BELGIUM has post BRUSSELS, not PORT AU PRINCE"),
        ("TBD", "BE", "THE HAGUE", "code BE (BELGIUM) has post BRUSSELS, not THE HAGUE"),
        ("BELIZE", "BH", "MANAGUA", "country BELIZE has post BELMOPAN or BELIZE, not MANAGUA"),
        ("ANTIGUA AND BARBUDA", "AC", "NASSAU", "country ANTIGUA AND BARBUDA has post BRIDGETOWN, not NASSAU"),
        ("NORWAY", "NO", "MANAGUA", "country NORWAY has post OSLO, not MANAGUA"),
    ],
)
def test_mismatch_names_the_value_that_disagrees(country: str, code: str, post: str, message: str) -> None:
    assert countries.mismatch(country, code, post) == message


@pytest.mark.parametrize(
    ("country", "code", "post"),
    [
        ("BELGIUM", "BE", "BRUSSELS"),
        ("belgium", "be", "AMEMBASSY BRUSSELS"),
        ("THE NETHERLANDS", "NL", "THE HAGUE"),
        ("BARBADOS", "XL", "BRIDGETOWN"),
        ("ANTIGUA AND BARBUDA", "AC", "BRIDGETOWN"),
        ("SERBIA", "SR", "BELGRADE"),
        ("TBD", "TBD", "TBD"),
        ("BELGIUM", "TBD", "TBD"),
        ("ATLANTIS", "BE", "BRUSSELS"),
        ("BELGIUM", "ZZ", "CIUDAD JUAREZ"),
        ("", "", ""),
    ],
)
def test_mismatch_is_none_when_the_known_values_agree(country: str, code: str, post: str) -> None:
    assert countries.mismatch(country, code, post) is None


# --- the file ---------------------------------------------------------------------------------


def test_a_broken_table_is_an_error_naming_the_file(table_file: Path) -> None:
    table_file.write_text("regional_tags: []\nplaceholders: []\ncountries:\n  - {name: NOWHERE, code: NW, posts: []}\n")
    with pytest.raises(TipDraftError, match=r"countries\.yaml: not a valid country table: NOWHERE has neither a post"):
        countries.countries()


def test_the_table_is_read_once(table_file: Path) -> None:
    table_file.write_text(
        "regional_tags: [XL]\nplaceholders: [TBD]\ncountries:\n  - {name: SOMEWHERE, code: SW, posts: [CAPITAL]}\n"
    )
    assert [c.name for c in countries.countries()] == ["SOMEWHERE"]
    table_file.unlink()
    assert countries.by_post("CAPITAL") == countries.by_code("SW")
