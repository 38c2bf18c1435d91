"""The PDF and HTML: banners, pages, outline, metadata, safety against hostile text,
reproducible bytes. PDF text is read back with pypdf."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from tip_drafter import api
from tip_drafter.cable import layout
from tip_drafter.errors import TipDraftError

from conftest import BELGIUM, ROOT

FOUO = "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
LINE_HEIGHT_PT = 12.5  # templates/cable.css
MARGINS_PT = 2 * 0.85 * 72
PAGE_HEIGHT_PT = {"Letter": 11 * 72, "A4": 297 / 25.4 * 72}


def render(out: Path, source: Path = BELGIUM, **options: object) -> api.Result:
    return api.render_file(source, out, api.Options(formats=("txt", "html", "pdf"), **options))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def belgium(tmp_path_factory: pytest.TempPathFactory) -> tuple[pypdf.PdfReader, str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    render(out)
    return pypdf.PdfReader(out / "belgium.pdf"), (out / "belgium.txt").read_text(), out


def page_texts(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


@pytest.mark.slow
def test_every_page_carries_the_marking_top_and_bottom_and_its_number(belgium: tuple[pypdf.PdfReader, str, Path]) -> None:
    reader, _, _ = belgium
    height = float(reader.pages[0].mediabox.height)
    for number, page in enumerate(reader.pages, start=1):
        placed: list[tuple[str, float]] = []
        text = page.extract_text(visitor_text=lambda t, cm, tm, font, size, placed=placed: placed.append((t.strip(), tm[5])))
        banners = sorted(y for t, y in placed if t == FOUO)
        assert len(banners) == 2, number
        assert banners[0] < 0.85 * 72 and banners[1] > height - 0.85 * 72, (number, banners)
        assert f"Page {number} of {len(reader.pages)}" in text


@pytest.mark.parametrize("paper", ["Letter", "A4"])
@pytest.mark.slow
def test_page_count_is_what_the_layout_implies(tmp_path: Path, paper: str, belgium: tuple[pypdf.PdfReader, str, Path]) -> None:
    out = belgium[2]  # Letter is the default paper
    if paper != "Letter":
        render(tmp_path, paper=paper)
        out = tmp_path
    text = (out / "belgium.txt").read_text()
    per_page = math.floor((PAGE_HEIGHT_PT[paper] - MARGINS_PT) / LINE_HEIGHT_PT)
    reader = pypdf.PdfReader(out / "belgium.pdf")
    # each of the cable's sections starts a page (at its page marker): test_pdf_page.py
    sections = re.split(r"\n(?=BRUSSELS 00000244 \d{3} OF \d{3}\n)", text)
    assert len(reader.pages) == sum(math.ceil(section.count("\n") / per_page) for section in sections)
    width = float(reader.pages[0].mediabox.width)
    assert round(width) == {"Letter": 612, "A4": 595}[paper]


@pytest.mark.slow
def test_every_word_of_the_cable_is_in_the_pdf_in_order(belgium: tuple[pypdf.PdfReader, str, Path]) -> None:
    reader, text, _ = belgium
    pdf_text = " ".join(page_texts(reader))
    extracted = pdf_text.split()
    position = 0
    for word in text.split():
        position = extracted.index(word, position) + 1
    markers = re.findall(r"BRUSSELS 00000244 \d{3} OF \d{3}", pdf_text)
    assert markers == re.findall(r"BRUSSELS 00000244 \d{3} OF \d{3}", text)


def test_outline_lists_the_header_and_every_numbered_paragraph(belgium: tuple[pypdf.PdfReader, str, Path]) -> None:
    reader, _, _ = belgium
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == [
        "Header: BELGIUM: 2009 TIP REPORT -- CORRECTED COPY",
        "1. point of contact",
        "2. hours spent preparing the report, by employee",
        "3. opening of the report text",
        "23. THE COUNTRY'S TIP SITUATION",
        "24. SETTING THE SCENE FOR THE GOVERNMENT'S ANTI-TIP EFFORTS",
        "25. INVESTIGATION AND PROSECUTION OF TRAFFICKERS",
        "26. PROTECTION AND ASSISTANCE TO VCTIMS",
        "27. PREVENTION",
    ]
    pages = [reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)]
    assert pages == sorted(pages)


def test_metadata_comes_from_the_country_file(belgium: tuple[pypdf.PdfReader, str, Path]) -> None:
    reader, _, _ = belgium
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "BELGIUM: 2009 TIP REPORT -- CORRECTED COPY"
    assert meta.author == "AMEMBASSY BRUSSELS"
    assert meta.subject == "TAGS: PHUM KTIP KCRM KWMN SMIG KFRD ASEC PREF ELAB BE"
    assert meta["/Keywords"] == "PHUM, KTIP, KCRM, KWMN, SMIG, KFRD, ASEC, PREF, ELAB, BE"
    assert meta["/CreationDate"] == meta["/ModDate"] == "D:20090220155500Z"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-US"
    assert bool(root["/MarkInfo"]["/Marked"])  # a tagged PDF
    assert "/StructTreeRoot" in root
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()  # declared PDF/UA-1


def test_no_embedded_files(belgium: tuple[pypdf.PdfReader, str, Path]) -> None:
    reader, _, _ = belgium
    assert reader.attachments == {}
    assert "/Names" not in reader.trailer["/Root"] or "/EmbeddedFiles" not in reader.trailer["/Root"]["/Names"]


@pytest.mark.slow
def test_the_same_input_gives_the_same_bytes_in_every_format(tmp_path: Path, belgium: tuple[pypdf.PdfReader, str, Path]) -> None:
    render(tmp_path)
    for name in ("belgium.txt", "belgium.html", "belgium.pdf"):
        assert (tmp_path / name).read_bytes() == (belgium[2] / name).read_bytes(), name


@pytest.mark.slow
def test_a_draft_says_draft_in_the_banner(tmp_path: Path) -> None:
    render(tmp_path, draft=True)
    assert not (tmp_path / "belgium.pdf").exists()  # a draft never stands under a final's name
    first = pypdf.PdfReader(tmp_path / "belgium.draft.pdf").pages[0].extract_text()
    assert f"DRAFT - {FOUO} - DRAFT" in first


HOSTILE = (
    '<link rel="attachment" href="{canary}"> <img src="{canary}"> '
    '<style>@import url("{canary}");</style> {{{{ 7*7 }}}} {{% include "cable.css" %}} '
    "http://198.51.100.7/x.png &amp; </p>"
)


@pytest.fixture
def canary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("outside") / "canary.txt"
    path.write_text("CANARY-7f3e9 secret that must never reach a PDF\n")
    return path


@pytest.mark.slow
def test_hostile_answer_comes_out_as_the_same_characters(
    tmp_path: Path, canary: Path, write_country: Callable[..., Path]
) -> None:
    hostile = HOSTILE.format(canary=canary.as_uri())
    text = BELGIUM.read_text().replace("      Belgium is not a source country.\n", f"      {hostile}\n")
    result = render(tmp_path, write_country(text), settings=layout.Settings(width=120))
    assert result.notes == []
    cable = (tmp_path / "country.txt").read_text()
    assert " ".join(cable.split()).count(hostile) == 1
    html = (tmp_path / "country.html").read_text()
    assert "&lt;link rel=&#34;attachment&#34;" in html and '<link rel="attachment"' not in html
    assert "{{ 7*7 }}" in html and " 49 " not in html
    reader = pypdf.PdfReader(tmp_path / "country.pdf")
    extracted = " ".join(" ".join(page_texts(reader)).split())
    assert "{{ 7*7 }}" in extracted and '{% include "cable.css" %}' in extracted
    assert reader.attachments == {}
    assert b"CANARY-7f3e9" not in (tmp_path / "country.pdf").read_bytes()
    assert "CANARY" not in extracted


@pytest.fixture
def hostile_templates(tmp_path: Path, canary: Path) -> Path:
    """A template override that names a local file outside the project, twice."""
    folder = tmp_path / "templates"
    folder.mkdir()
    page = (ROOT / "templates" / "cable.html.j2").read_text()
    page = page.replace(
        "</head>", f'<link rel="attachment" href="{canary.as_uri()}"><link rel="stylesheet" href="{canary.as_uri()}"></head>'
    )
    page = page.replace("<main>", f'<main><img src="{canary.as_uri()}"><img src="https://198.51.100.7/x.png">')
    (folder / "cable.html.j2").write_text(page)
    return folder


@pytest.mark.slow
def test_fetches_outside_the_bundled_assets_are_refused(tmp_path: Path, canary: Path, hostile_templates: Path) -> None:
    result = render(tmp_path / "out", template_dirs=[hostile_templates])
    refused = sorted(set(result.notes))
    assert refused == sorted(
        {
            f"PDF: refused to fetch {canary.as_uri()} (only the bundled assets may be read)",
            "PDF: refused to fetch https://198.51.100.7/x.png (only the bundled assets may be read)",
        }
    )
    pdf = (tmp_path / "out" / "belgium.pdf").read_bytes()
    assert b"CANARY-7f3e9" not in pdf
    assert pypdf.PdfReader(tmp_path / "out" / "belgium.pdf").attachments == {}


def test_a_refused_fetch_fails_a_strict_render(tmp_path: Path, hostile_templates: Path) -> None:
    with pytest.raises(TipDraftError, match=r"PDF not written: refused to fetch file://.*canary\.txt"):
        render(tmp_path / "out", template_dirs=[hostile_templates], strict=True)
    assert not (tmp_path / "out" / "belgium.pdf").exists()


@pytest.mark.slow
def test_bundled_assets_may_be_read(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", folder)
    (folder / "extra.css").write_text("main { color: #111; }\n")
    page = (folder / "cable.html.j2").read_text().replace("</head>", '<link rel="stylesheet" href="extra.css"></head>')
    (folder / "cable.html.j2").write_text(page)
    result = render(tmp_path / "out", template_dirs=[folder], strict=True)
    assert result.notes == []


@pytest.mark.slow
def test_html_attributes_do_not_style_the_pdf_and_an_untagged_one_has_no_structure(tmp_path: Path) -> None:
    """Only the stylesheet styles the PDF (a template's ``<font color>`` is ignored);
    ``tagged=False`` (--untagged) leaves out the structure tree."""
    folder = tmp_path / "templates"
    folder.mkdir()
    page = (ROOT / "templates" / "cable.html.j2").read_text()
    (folder / "cable.html.j2").write_text(
        page.replace("<main>", '<main><font color="#ff0000">').replace("</main>", "</font></main>")
    )
    render(tmp_path / "out", template_dirs=[folder], tagged=False)
    reader = pypdf.PdfReader(tmp_path / "out" / "belgium.pdf")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" not in root and "/MarkInfo" not in root
    assert not any(b"1 0 0 rg" in page.get_contents().get_data() for page in reader.pages)  # no red fill


@pytest.mark.parametrize("command", [["validate"], ["render", "--format", "txt"], ["render", "--format", "html"]])
def test_validate_and_text_render_never_import_weasyprint(tmp_path: Path, command: list[str]) -> None:
    # In a fresh interpreter: this test session imports WeasyPrint elsewhere.
    code = (
        "import sys; from typer.testing import CliRunner; from tip_drafter.cli.main import app; "
        f"result = CliRunner().invoke(app, {[*command, str(BELGIUM)]!r}); "
        "assert result.exit_code == 0, result.output; "
        "assert not [m for m in sys.modules if m == 'tip_drafter.pdf.weasy' or m.split('.')[0] == 'weasyprint']"
    )
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True)


@pytest.mark.slow
def test_an_override_cannot_attach_a_file_of_its_own_folder(tmp_path: Path) -> None:
    """The override folder's stylesheets and fonts may be read; nothing else in it, and nothing
    is ever attached (a link to one of its fonts included)."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "notes.txt").write_text("SECRET-NOTES-41d2\n")
    (folder / "extra.css").write_text("main { color: #000; }\n")
    shutil.copy(ROOT / "templates" / "fonts" / "DejaVuSansMono.ttf", folder / "font.ttf")
    links = (
        f'<link rel="attachment" href="{(folder / "notes.txt").as_uri()}">'
        f'<link rel="attachment" href="{(folder / "font.ttf").as_uri()}">'
        f'<link rel="stylesheet" href="{(folder / "extra.css").as_uri()}"></head>'
    )
    page = (ROOT / "templates" / "cable.html.j2").read_text().replace("</head>", links)
    page = page.replace("<main>", f'<main><a rel="attachment" href="{(folder / "font.ttf").as_uri()}">font</a>')
    (folder / "cable.html.j2").write_text(page)
    result = render(tmp_path / "out", template_dirs=[folder])
    assert [note for note in result.notes if "extra.css" in note or "font.ttf" in note] == []
    reader = pypdf.PdfReader(tmp_path / "out" / "belgium.pdf")
    assert reader.attachments == {}
    assert b"SECRET-NOTES-41d2" not in (tmp_path / "out" / "belgium.pdf").read_bytes()
    assert not any(a.get_object().get("/Subtype") == "/FileAttachment" for page in reader.pages for a in page.get("/Annots", []))


def test_the_html_page_shows_the_classification_on_screen_too(tmp_path: Path) -> None:
    api.render_file(BELGIUM, tmp_path, api.Options(formats=("html",)))
    html = (tmp_path / "belgium.html").read_text()
    assert html.count(f'<p class="banner" aria-hidden="true">{FOUO}</p>') == 2  # above and below the cable
    assert "@media screen" in html and ".banner { display: none; }" in html  # in print the margins carry it


class _Watched(dict[str, str]):
    """os.environ stand-in that records every change a library call makes to it."""

    changes: list[str]

    def __setitem__(self, key: str, value: str) -> None:
        self.changes.append(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.changes.append(key)
        super().__delitem__(key)


@pytest.mark.slow
def test_making_a_pdf_changes_no_process_wide_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A library call (the preview's PDF link makes one per request, in a thread) neither sets
    aside the garbage alive at that moment for good (gc.freeze) nor changes the environment
    every thread shares; the PDF is still dated by the cable, not by the clock."""
    import gc
    import os

    from tip_drafter.pdf import maker

    job = api.prepare(BELGIUM, tmp_path, api.Options()).pdf_job
    assert job is not None
    first = maker.make(job)[0]  # WeasyPrint loaded
    environ = _Watched(os.environ)
    environ.changes = []
    monkeypatch.setattr(os, "environ", environ)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")  # someone else's date: not ours to use or change
    environ.changes = []
    frozen = gc.get_freeze_count()
    assert maker.make(job)[0] == first
    assert gc.get_freeze_count() == frozen
    assert environ.changes == []


def test_weasyprint_is_imported_without_starting_a_compiler() -> None:
    """cffi looks up each of WeasyPrint's libraries under names that do not exist, and
    ctypes then ran gcc and ld for each: ~60 processes per import, and a compiler left running
    when a Ctrl-C ended the import (the Ctrl-C stress test found one in CI)."""
    script = (
        "import ctypes.util, subprocess\n"
        "started = []\n"
        "original = subprocess.Popen.__init__\n"
        "def spy(self, args, *a, **k):\n"
        "    started.append(args[0] if isinstance(args, (list, tuple)) else args)\n"
        "    return original(self, args, *a, **k)\n"
        "subprocess.Popen.__init__ = spy\n"
        "find = ctypes.util.find_library\n"
        "from tip_drafter.pdf import weasy\n"
        "assert ctypes.util.find_library is find, 'find_library left replaced'\n"
        "print(sorted(set(started)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in ("['/sbin/ldconfig']", "[]"), done.stdout
