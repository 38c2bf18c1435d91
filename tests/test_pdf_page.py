"""The printed page and the cable's sections: each section starts a page, the footer names the
page and the section, the text column is centred under the banner, a page is filled to its
last line, and a draft's PDF says DRAFT in its text and its title. Read back with pypdf."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pypdf
import pytest

from tip_drafter import api

from conftest import BELGIUM, MARKER

LINE_HEIGHT_PT = 12.5  # templates/cable.css
MARGINS_PT = 2 * 0.85 * 72
PAGE_HEIGHT_PT = {"Letter": 11 * 72, "A4": 297 / 25.4 * 72}
ADVANCE = 0.6021  # DejaVu Sans Mono's advance, in ems
FOOTER = re.compile(r"Page (\d+) of (\d+)\s+section (\d{3}) of (\d{3})")


def render(out: Path, **options: object) -> Path:
    api.render_file(BELGIUM, out, api.Options(formats=("txt", "pdf"), **options))  # type: ignore[arg-type]
    return out


@pytest.fixture(scope="module")
def final(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("final"))


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("draft"), draft=True)


def sections(text: str) -> list[list[str]]:
    """The cable's lines by section: a section after the first opens with its page marker."""
    found: list[list[str]] = [[]]
    for line in text.splitlines():
        if MARKER.match(line):
            found.append([])
        found[-1].append(line)
    return found


def page_lines(page: pypdf.PageObject) -> list[str]:
    """A page's lines of cable text: without the banners and the footer."""
    lines = page.extract_text().splitlines()
    return [line for line in lines if "UNCLASSIFIED//FOR OFFICIAL USE ONLY" not in line]


@pytest.mark.parametrize("paper", ["Letter", "A4"])
@pytest.mark.slow
def test_each_cable_section_starts_a_page_and_the_footer_names_it(tmp_path: Path, paper: str) -> None:
    out = render(tmp_path, paper=paper)
    text = (out / "belgium.txt").read_text()
    reader = pypdf.PdfReader(out / "belgium.pdf")
    per_page = math.floor((PAGE_HEIGHT_PT[paper] - MARGINS_PT) / LINE_HEIGHT_PT)
    parts = sections(text)
    assert len(parts) == 8
    assert len(reader.pages) == sum(math.ceil(len(part) / per_page) for part in parts)
    page = 0
    for number, part in enumerate(parts, start=1):
        for first in range(0, len(part), per_page):
            footer = FOOTER.search(reader.pages[page].extract_text())
            assert footer is not None, page
            assert footer.groups() == (str(page + 1), str(len(reader.pages)), f"{number:03d}", "008")
            lines = page_lines(reader.pages[page])
            # the page holds the section's lines from ``first`` on, the marker first
            assert lines[0] == next(line for line in part[first:] if line.strip()), (page, lines[:2])
            page += 1


@pytest.mark.slow
def test_a_page_is_filled_to_its_last_line(final: Path) -> None:
    """Page 1 ended six lines early, after "3. (SBU) Begin Text of Report:": a heading kept
    with the text below it left the foot of the page empty."""
    text = (final / "belgium.txt").read_text().splitlines()
    per_page = math.floor((PAGE_HEIGHT_PT["Letter"] - MARGINS_PT) / LINE_HEIGHT_PT)
    first_page = page_lines(pypdf.PdfReader(final / "belgium.pdf").pages[0])
    assert first_page[-1] == [line for line in text[:per_page] if line.strip()][-1]


def test_the_text_column_is_centred_under_the_banner(final: Path) -> None:
    page = pypdf.PdfReader(final / "belgium.pdf").pages[2]
    width = float(page.mediabox.width)
    placed: list[tuple[str, float, float]] = []  # text, x and font size, in points

    def seen(t: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if t.strip():
            placed.append((t.strip(), cm[0] * tm[4] + cm[4], round(cm[0] * size, 2)))

    page.extract_text(visitor_text=seen)
    body = [(t, x, size) for t, x, size in placed if size == 10 and "UNCLASSIFIED" not in t]
    left = min(x for _, x, _ in body)
    right = max(x + len(t) * ADVANCE * size for t, x, size in body)
    assert right - left == pytest.approx(62 * ADVANCE * 10, abs=1)  # the cable's width
    assert left == pytest.approx(width - right, abs=1.5)  # as much room on the right as on the left
    banner = next((t, x) for t, x, size in placed if "UNCLASSIFIED" in t)
    banner_middle = banner[1] + len(banner[0]) * ADVANCE * 10 / 2
    assert banner_middle == pytest.approx(width / 2, abs=1.5)


@pytest.mark.slow
def test_a_draft_pdf_says_draft_in_its_text_and_its_title(draft: Path) -> None:
    reader = pypdf.PdfReader(draft / "belgium.draft.pdf")
    text = (draft / "belgium.draft.txt").read_text().splitlines()
    assert text[0] == text[-1] == api.DRAFT_LINE
    assert page_lines(reader.pages[0])[0] == api.DRAFT_LINE
    assert page_lines(reader.pages[-1])[-1] == api.DRAFT_LINE
    assert reader.metadata is not None
    assert reader.metadata.title == "DRAFT: BELGIUM: 2009 TIP REPORT -- CORRECTED COPY"


@pytest.mark.slow
def test_a_final_pdf_says_no_draft(final: Path) -> None:
    reader = pypdf.PdfReader(final / "belgium.pdf")
    assert reader.metadata is not None
    assert "DRAFT" not in (reader.metadata.title or "")
    assert all("DRAFT" not in page.extract_text() for page in reader.pages)
