"""The PDF: text extracted with pypdf carries the banner and the whole cable."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from tip_drafter import api

from conftest import BELGIUM


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[pypdf.PdfReader, str]:
    out = tmp_path_factory.mktemp("pdf")
    api.render_file(BELGIUM, out, api.Options(formats=("txt", "pdf")))
    return pypdf.PdfReader(out / "belgium.pdf"), (out / "belgium.txt").read_text()


def test_every_page_carries_the_classification_banner(pdf: tuple[pypdf.PdfReader, str]) -> None:
    reader, _ = pdf
    assert len(reader.pages) > 5
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert text.count("UNCLASSIFIED//FOR OFFICIAL USE ONLY") >= 2, number
        assert f"Page {number} of {len(reader.pages)}" in text


def test_pdf_holds_every_word_of_the_cable_in_order(pdf: tuple[pypdf.PdfReader, str]) -> None:
    reader, text = pdf
    extracted = " ".join(page.extract_text() for page in reader.pages).split()
    position = 0
    for word in text.split():
        position = extracted.index(word, position) + 1


def test_pdf_metadata_title_is_the_subject(pdf: tuple[pypdf.PdfReader, str]) -> None:
    reader, _ = pdf
    assert reader.metadata is not None
    assert reader.metadata.title == "BELGIUM: 2009 TIP REPORT -- CORRECTED COPY"


def test_pdf_is_written_to_the_output_folder(tmp_path: Path) -> None:
    result = api.render_file(BELGIUM, tmp_path, api.Options(formats=("pdf",)))
    assert result.written == [tmp_path / "belgium.pdf"]
    assert not (tmp_path / "belgium.txt").exists()
