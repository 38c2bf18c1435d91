"""The rendered cable text against the real 2009 Brussels submission."""

from __future__ import annotations

from pathlib import Path

import pytest

from tip_drafter import api
from tip_drafter.cable import layout

from conftest import BELGIUM, DATA, MARKER, example_parts, matches_golden, split_cable, without_total, words

GOLDEN = DATA / "belgium.golden.txt"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = tmp_path_factory.mktemp("out")
    result = api.render_file(BELGIUM, out, api.Options(formats=("txt",)))
    assert result.written == [out / "belgium.txt"]
    return (out / "belgium.txt").read_text(encoding="ascii").splitlines()


def test_body_words_match_the_example_cable(rendered: list[str]) -> None:
    _, ours = split_cable(rendered)
    _, theirs = example_parts()
    assert without_total(words(ours)) == without_total(words(theirs))


def test_transmission_header_words_match_the_example_cable(rendered: list[str]) -> None:
    ours, _ = split_cable(rendered)
    theirs, _ = example_parts()
    assert words(ours) == words(theirs)


def test_section_total_equals_markers_plus_one_and_markers_count_up(rendered: list[str]) -> None:
    _, body = split_cable(rendered)
    total = int(body[0].split("SECTION 01 OF ")[1].split()[0])
    markers = [line for line in body if MARKER.match(line)]
    assert total == len(markers) + 1
    assert markers == [f"BRUSSELS 00000244 {n:03d} OF {total:03d}" for n in range(2, total + 1)]


def test_markers_stand_every_lines_per_page(rendered: list[str]) -> None:
    _, body = split_cable(rendered)
    positions = [i for i, line in enumerate(body) if MARKER.match(line)]
    per = layout.Settings().lines_per_page
    assert positions == [per * n for n in range(1, len(positions) + 1)]


def test_no_line_is_wider_than_the_default_width(rendered: list[str]) -> None:
    _, body = split_cable(rendered)
    assert max(len(line) for line in body) <= 62


def test_classification_caveats_and_items_are_printed_as_in_the_cable(rendered: list[str]) -> None:
    assert "UNCLAS SECTION 01 OF" in rendered[22] and rendered[22].endswith(" BRUSSELS 000244")
    for line in ("SENSITIVE", "SIPDIS", "E.O. 12958: N/A", "END TEXT OF REPORT.", "BUSH", "3. (SBU) Begin Text of Report:"):
        assert line in rendered
    assert "26. (SBU) PROTECTION AND ASSISTANCE TO VCTIMS:" in rendered
    assert any(line.startswith("-- B. and C. Persons convicted") for line in rendered)
    assert any(line.startswith("-- I. and J. There is no evidence") for line in rendered)
    assert any(line.startswith("-- E. (2008 LAW ENFORCEMENT STATISTICS WILL BE") for line in rendered)
    assert rendered[-1] == "BUSH"


def test_golden_file_byte_for_byte(tmp_path: Path) -> None:
    api.render_file(BELGIUM, tmp_path, api.Options(formats=("txt",)))
    assert matches_golden(GOLDEN.name, (tmp_path / "belgium.txt").read_bytes())


@pytest.mark.parametrize("width", [40, 55, 68])
def test_width_setting_wraps_every_body_line_and_keeps_the_words(tmp_path: Path, width: int) -> None:
    options = api.Options(settings=layout.Settings(width=width), formats=("txt",))
    api.render_file(BELGIUM, tmp_path, options)
    _, body = split_cable((tmp_path / "belgium.txt").read_text().splitlines())
    assert max(len(line) for line in body[1:]) <= width
    _, theirs = example_parts()
    assert without_total(words(body)) == without_total(words(theirs))


def test_a_short_cable_has_one_section_and_no_markers(tmp_path: Path) -> None:
    options = api.Options(settings=layout.Settings(lines_per_page=2000), formats=("txt",))
    api.render_file(BELGIUM, tmp_path, options)
    lines = (tmp_path / "belgium.txt").read_text().splitlines()
    _, body = split_cable(lines)
    assert body[0] == "UNCLAS BRUSSELS 000244"
    assert not [line for line in body if MARKER.match(line)]


def test_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    api.render_file(BELGIUM, tmp_path / "a", api.Options(formats=("txt",)))
    api.render_file(BELGIUM, tmp_path / "b", api.Options(formats=("txt",)))
    assert (tmp_path / "a" / "belgium.txt").read_bytes() == (tmp_path / "b" / "belgium.txt").read_bytes()
