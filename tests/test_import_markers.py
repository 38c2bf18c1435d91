"""A rendered cable imports with none of its page markers left in the text, however many
sections it has (past 999, past 9999) and wherever a short page puts them (in the header too)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml.scalarstring import LiteralScalarString

from tip_drafter import api
from tip_drafter.cable import layout
from tip_drafter.edition import load_edition
from tip_drafter.importing.importer import import_cable

from conftest import examples

EDITION = load_edition("2009")
MARKER_TEXT = re.compile(r"\d{8,} +\d{3,}(?:\.\d+)? OF \d{3,}")


def rendered(tmp_path: Path, data: Any, write_country: Any, lines_per_page: int) -> tuple[str, int]:
    path = write_country(data, "long.yaml")
    result = api.render_file(
        path, tmp_path / "out", api.Options(settings=layout.Settings(lines_per_page=lines_per_page), formats=("txt",))
    )
    return (tmp_path / "out" / "long.txt").read_text(), result.pages


def test_a_marker_has_as_many_digits_as_the_layout_prints() -> None:
    for page, pages in ((3, 1153), (1000, 2463), (10000, 12000)):
        marker = layout.marker_format("BRUSSELS", 244).format(page=page, pages=pages)
        assert layout.MARKER.match(marker), marker
    assert layout.MARKER.match(layout.marker_format("PORT AU PRINCE", 123456789).format(page=7, pages=9))


def test_a_cable_of_more_than_999_sections_imports_with_no_marker_left(
    tmp_path: Path, belgium_data: Any, write_country: Any
) -> None:
    answer = " ".join(f"Prosecutors opened case number {n} against a labor recruiter this year." for n in range(40))
    belgium_data["answers"][23]["A"] = LiteralScalarString("\n\n".join([answer] * 140))
    text, pages = rendered(tmp_path, belgium_data, write_country, 10)
    assert pages > 999
    assert re.search(r"^BRUSSELS 00000244 003 OF \d{4}$", text, re.MULTILINE)  # a marker in the header
    result = import_cable(text, EDITION)  # would raise if a word were lost
    kept = str(result.data)
    assert not MARKER_TEXT.search(kept), MARKER_TEXT.search(kept)
    assert str(result.data["answers"][23]["A"]).count("Prosecutors opened case number 39") == 140


@settings(max_examples=examples(0.5))
@given(st.integers(min_value=10, max_value=40))
def test_no_marker_is_kept_whatever_the_page_length(tmp_path_factory: Any, lines_per_page: int) -> None:
    from conftest import BELGIUM

    tmp_path = tmp_path_factory.mktemp("pages")
    source = tmp_path / "belgium.yaml"
    source.write_text(BELGIUM.read_text())
    api.render_file(
        source, tmp_path / "out", api.Options(settings=layout.Settings(lines_per_page=lines_per_page), formats=("txt",))
    )
    text = (tmp_path / "out" / "belgium.txt").read_text()
    result = import_cable(text, EDITION)
    assert not MARKER_TEXT.search(str(result.data))
