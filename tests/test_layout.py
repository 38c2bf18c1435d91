"""Typed layout: every laid-out line says what it is, and the text, the HTML's bookmarks and
marker styling, and the lint read that, never the line's text."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tip_drafter import api
from tip_drafter.cable import layout
from tip_drafter.cable.layout import Kind, Line
from tip_drafter.cable.model import Section
from tip_drafter.cable.render import Renderer
from tip_drafter.errors import TemplateProblem

from conftest import BELGIUM, DATA, ROOT

TEXT = BELGIUM.read_text(encoding="utf-8")
Write = Callable[..., Path]


@pytest.fixture(scope="module")
def belgium() -> api.Checked:
    checked = api.check(BELGIUM)
    assert checked.rendered is not None
    return checked


def kinds(checked: api.Checked, kind: Kind) -> list[Line]:
    assert checked.rendered is not None
    return [line for line in checked.rendered.lines if line.kind is kind]


def test_the_lines_make_the_golden_text(belgium: api.Checked) -> None:
    assert belgium.rendered is not None
    text = "".join(line.text + "\n" for line in belgium.rendered.lines)
    assert text == belgium.rendered.text == (DATA / "belgium.golden.txt").read_text(encoding="ascii")


def test_each_line_of_belgium_knows_what_it_is(belgium: api.Checked) -> None:
    assert belgium.rendered is not None
    lines = belgium.rendered.lines
    first = next(i for i, line in enumerate(lines) if line.kind is not Kind.ENVELOPE)
    assert lines[first] == Line(Kind.CLASSIFICATION, "UNCLAS SECTION 01 OF 08 BRUSSELS 000244")
    assert [line.text for line in lines[:first]][:2] == ["VZCZCXRO8220", "OO RUEHAG RUEHDF RUEHIK RUEHLZ RUEHROV RUEHSR"]
    paragraphs = kinds(belgium, Kind.PARAGRAPH)
    assert [line.number for line in paragraphs] == [1, 2, 3, 23, 24, 25, 26, 27]
    assert [line.section for line in paragraphs] == list(belgium.cable.sections)  # type: ignore[union-attr]
    assert paragraphs[4].text == "24. (SBU) SETTING THE SCENE FOR THE GOVERNMENT'S ANTI-TIP"
    items = kinds(belgium, Kind.ITEM)
    assert items[0] == Line(Kind.ITEM, "-- A. Information on trafficking in persons is supplied by the", letter="A")
    golden = (DATA / "belgium.golden.txt").read_text().splitlines()
    starts = [line for line in golden if line.startswith("-- ")]  # in Belgium, only item starts
    assert [(line.text, line.letter) for line in items] == [(line, line[3]) for line in starts]
    assert [line.text for line in kinds(belgium, Kind.MARKER)] == [f"BRUSSELS 00000244 {n:03d} OF 008" for n in range(2, 9)]
    assert kinds(belgium, Kind.END) == [Line(Kind.END, "END TEXT OF REPORT.")]
    assert lines[-1] == Line(Kind.SIGNATURE, "BUSH")
    assert all(line.kind is Kind.BLANK for line in lines if not line.text)


def test_wrap_keeps_the_kind_on_the_first_part_and_the_classification_line_whole() -> None:
    section = Section(23, "SBU", "HEADING", ("words",))
    lines = [
        Line(Kind.CLASSIFICATION, "UNCLAS SECTION 01 OF 08 A POST WITH A LONG NAME 000244"),
        Line(Kind.BLANK, ""),
        Line(Kind.BLANK, ""),
        Line(Kind.PARAGRAPH, "23. (SBU) words words words words", number=23, section=section),
        Line(Kind.TEXT, "   "),
        Line(Kind.ITEM, "-- B. and C. more words here", letter="B"),
        Line(Kind.TEXT, ""),
    ]
    assert layout.wrap(lines, 20) == [
        lines[0],
        layout.BLANK,
        Line(Kind.PARAGRAPH, "23. (SBU) words", number=23, section=section),
        Line(Kind.TEXT, "words words words"),
        layout.BLANK,
        Line(Kind.ITEM, "-- B. and C. more", letter="B"),
        Line(Kind.TEXT, "words here"),
    ]


def test_paginate_places_markers_as_marker_lines() -> None:
    lines = [Line(Kind.TEXT, f"line {n}") for n in range(30)]
    laid = layout.paginate(lines, layout.Settings(lines_per_page=12), "POST {page:03d} OF {pages:03d}")
    markers = [(i, line.text) for i, line in enumerate(laid.lines) if line.kind is Kind.MARKER]
    assert markers == [(12, "POST 002 OF 003"), (24, "POST 003 OF 003")]
    assert laid.pages == 3


def looks_like_a_start_and_a_marker(write_country: Write) -> Path:
    """Belgium with answer 23.A ending in two paragraphs that look like a numbered paragraph
    and a page marker."""
    old = "      annually updated.\n"
    assert TEXT.count(old) == 1
    new = old + "\n      24. Not a numbered paragraph.\n\n      BRUSSELS 00000244 002 OF 008\n"
    return write_country(TEXT.replace(old, new))


def test_answer_text_that_looks_like_a_paragraph_or_a_marker_is_text(write_country: Write, tmp_path: Path) -> None:
    path = looks_like_a_start_and_a_marker(write_country)
    checked = api.check(path)
    assert [d.format() for d in checked.diagnostics] == []
    assert Line(Kind.TEXT, "24. Not a numbered paragraph.") in checked.rendered.lines  # type: ignore[union-attr]
    assert Line(Kind.TEXT, "BRUSSELS 00000244 002 OF 008") in checked.rendered.lines  # type: ignore[union-attr]
    api.render_file(path, tmp_path, api.Options(formats=("html",)))
    html = (tmp_path / "country.html").read_text()
    headings = re.findall(r'<h2 data-label="([^"]*)">([^<]*)</h2>', html)
    assert headings[5] == (
        "24. SETTING THE SCENE FOR THE GOVERNMENT&#39;S ANTI-TIP EFFORTS",
        "24. (SBU) SETTING THE SCENE FOR THE GOVERNMENT&#39;S ANTI-TIP",
    )
    assert len(headings) == 9
    styled = re.findall(r'<span class="marker">([^<]*)</span>', html)
    assert styled == [f"BRUSSELS 00000244 {n:03d} OF 008" for n in range(2, 9)]
    assert html.count("BRUSSELS 00000244 002 OF 008") == 2


def test_a_kind_call_inside_a_line_is_a_template_problem(tmp_path: Path) -> None:
    folder = tmp_path / "house"
    folder.mkdir()
    template = (ROOT / "templates" / "cable.txt.j2").read_text()
    (folder / "cable.txt.j2").write_text(
        template.replace("{{ kind.end() }}{{ cable.end }}", "-- {{ kind.end() }}{{ cable.end }}")
    )
    cable = api.check(BELGIUM).cable
    assert cable is not None
    with pytest.raises(
        TemplateProblem, match=r"^cable\.txt\.j2: template error: a kind call must open its line, not follow '-- '$"
    ):
        Renderer([folder]).text(cable, layout.Settings())


def test_a_page_that_ends_between_two_paragraphs_has_one_blank_line_before_its_marker() -> None:
    lines = [Line(Kind.TEXT, f"line {n}") for n in range(30)]
    lines[10] = layout.BLANK  # the eleventh line, the last a first page of 12 holds
    laid = layout.paginate(lines, layout.Settings(lines_per_page=12), "POST {page:03d} OF {pages:03d}")
    kinds = [line.kind for line in laid.lines]
    assert [i for i, kind in enumerate(kinds) if kind is Kind.MARKER] == [11, 23]
    assert laid.lines[9:13] == (Line(Kind.TEXT, "line 9"), layout.BLANK, Line(Kind.MARKER, "POST 002 OF 003"), layout.BLANK)
    assert not any(a is b is Kind.BLANK for a, b in itertools.pairwise(kinds))


def test_belgium_in_short_pages_never_has_two_blank_lines_in_a_row() -> None:
    cable = api.check(BELGIUM).cable
    assert cable is not None
    lines = Renderer().text(cable, layout.Settings(lines_per_page=30)).text.splitlines()
    assert not [i for i in range(1, len(lines)) if lines[i - 1] == lines[i] == ""]
