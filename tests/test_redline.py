"""The redline (``tipdraft diff OLD NEW --format html|pdf``): its marks read back from the PDF
with pypdf, the classification banner on every page, hostile text escaped, the questions an
edition moves, adds and drops, the command's exit statuses and outputs, reproducible bytes."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pypdf
import pytest
from typer.testing import CliRunner

from tip_drafter.cli.main import app
from tip_drafter.errors import InvalidCountryFile
from tip_drafter.yamlio.load import CountryYAML
from tip_drafter.year import redline

from conftest import BELGIUM, DATA

runner = CliRunner()
EDITIONS = DATA / "editions"
FOUO = "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
STALE = "[unchanged since last year, not reviewed: possibly stale]"
CHANGED_23D = "Belgium is not a source country, but some Belgian minors were exploited at home."
HOSTILE = '<script>alert(1)</script> {{ 7*7 }} {% include "redline.css" %} <img src="https://198.51.100.7/x.png"> https://198.51.100.7/y'


def edited(data: Any, path: Path) -> Path:
    buffer = io.StringIO()
    CountryYAML().dump(data, buffer)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def make_project(folder: Path) -> Path:
    """In ``folder`` (the current folder): countries/belgium.yaml (last year's, without an
    answer to 24.A) and countries/belgium-2010.yaml (started from it with tipdraft new): 23.D
    rewritten, 24.A answered anew, 25.G no longer answered, the rest carried over as it was."""
    (folder / "countries").mkdir()
    old = CountryYAML().load(BELGIUM.read_text())
    acknowledgement = old["answers"][24].pop("A")
    edited(old, folder / "countries" / "belgium.yaml")
    assert runner.invoke(app, ["new", "--from", "countries/belgium.yaml", "--year", "2010"]).exit_code == 0
    path = folder / "countries" / "belgium-2010.yaml"
    new = CountryYAML().load(path.read_text())
    new["answers"][23]["D"]["text"] = CHANGED_23D
    new["answers"][24]["A"] = acknowledgement
    del new["answers"][25]["G"]
    edited(new, path)
    return folder


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (see :func:`make_project`), the current folder."""
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pypdf.PdfReader]:
    """The redline PDF of a project (made once for the tests that only read it) and its folder."""
    folder = tmp_path_factory.mktemp("redline")
    with contextlib.chdir(folder):
        make_project(folder)
        result = runner.invoke(app, ["diff", "countries/belgium.yaml", "countries/belgium-2010.yaml", "--format", "pdf"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote output/belgium-2010.redline.pdf\n"
    return folder, pypdf.PdfReader(folder / "output" / "belgium-2010.redline.pdf")


def words(text: str) -> str:
    return " ".join(text.split())


def body_text(reader: pypdf.PdfReader) -> str:
    """The PDF's text without what the page margins repeat (the banner, the title, the page
    numbers), its words one space apart."""
    margins = re.compile(rf"^({re.escape(FOUO)}|Redline: .* to \d{{4}}|Page \d+ of \d+)$")
    lines = [line for page in reader.pages for line in page.extract_text().splitlines() if not margins.match(line.strip())]
    return words(" ".join(lines))


def sides(old: Path, new: Path, editions: tuple[Path, ...] = ()) -> tuple[redline.Side, redline.Side]:
    from tip_drafter import api

    return redline.Side(old, *api.loaded(old, editions)), redline.Side(new, *api.loaded(new, editions))


def article(page: str, place: str) -> str:
    """The markup of one item's part of the redline page, its tags taken out (its escapes kept)."""
    found = [a for a in page.split("<article")[1:] if f'<span class="place">{place}</span>' in a]
    assert len(found) == 1, place
    return words(re.sub(r"<[^>]+>", "", found[0].split(">", 1)[1].split("</article>")[0]))


@pytest.fixture
def pdf(made: tuple[Path, pypdf.PdfReader]) -> pypdf.PdfReader:
    return made[1]


@pytest.mark.slow
def test_the_pdf_shows_a_changed_a_stale_a_new_and_a_removed_answer_in_black_and_white(pdf: pypdf.PdfReader) -> None:
    text = body_text(pdf)
    assert "23.D whether the country is a source country and for where [changed since last year]" in text
    assert "Belgium is not a source [-country.-] {+country, but some Belgian minors were exploited at home.+}" in text
    assert f"23.A sources of information on trafficking and their reliability {STALE}" in text
    assert (
        "24.A whether the government acknowledges the problem [new answer: none last year]"
        " {+The Belgian authorities acknowledge that trafficking is a problem.+}" in text
    )
    assert "25.G international cooperation in investigations [answer removed: none this year] [-Belgium" in text
    answers = text.rsplit("Paragraph marks and headings", 1)[1].rsplit("Kept in the file, not printed", 1)[0]
    assert answers.count(STALE) == 39  # every answer carried over as it was
    assert "QUESTION" not in text.split("Summary", 1)[1]  # one edition: no question moved, new or dropped
    summary = text.split("Summary", 1)[1].split("23. ")[0]
    assert "Answers 1 1 1 39" in summary  # changed, new, removed, the same
    assert "answers unchanged, not reviewed 39" in summary
    assert "23.D 23.D changed whether the country is a source country" in summary
    assert "24.A 24.A new whether the government acknowledges" in summary


@pytest.mark.slow
def test_every_page_carries_the_banner_top_and_bottom_and_its_number(pdf: pypdf.PdfReader) -> None:
    height = float(pdf.pages[0].mediabox.height)
    assert len(pdf.pages) > 5
    for number, page in enumerate(pdf.pages, start=1):
        placed: list[tuple[str, float]] = []
        text = page.extract_text(visitor_text=lambda t, cm, tm, font, size, placed=placed: placed.append((t.strip(), tm[5])))
        banners = sorted(y for t, y in placed if t == FOUO)
        assert len(banners) == 2, number
        assert banners[0] < 0.85 * 72 and banners[1] > height - 0.85 * 72, (number, banners)
        assert f"Page {number} of {len(pdf.pages)}" in text
    assert pdf.metadata is not None and pdf.metadata.title == "Redline: BELGIUM, 2009 to 2010"
    assert pdf.attachments == {}


def test_the_banner_is_the_higher_of_the_two_files_never_lower(project: Path) -> None:
    old, new = project / "countries" / "belgium.yaml", project / "countries" / "belgium-2010.yaml"
    data = CountryYAML().load(old.read_text())
    data["cable"]["classification"] = "CONFIDENTIAL"
    edited(data, old)
    assert redline.build(*sides(old, new)).banner == "CONFIDENTIAL"
    assert redline.build(*sides(new, old)).banner == "CONFIDENTIAL"
    data = CountryYAML().load(new.read_text())
    data["answers"][27]["mark"] = "S"  # a portion above the file's own classification: the redline goes by it
    edited(data, new)
    assert redline.build(*sides(old, new)).banner == "SECRET"
    for unreadable in ("TS", "(S)", "s", "S//NF"):  # a mark it cannot rank: refused, never marked lower
        data["answers"][27]["mark"] = unreadable
        edited(data, new)
        with pytest.raises(InvalidCountryFile, match="the redline could not be marked") as refused:
            redline.build(*sides(old, new))
        (problem,) = refused.value.diagnostics
        assert problem.where == "para 27" and problem.message == f"portion mark {unreadable!r} is not one of U, SBU, C, S"
    data["answers"][27]["mark"] = "S"
    del data["cable"]["classification"]
    edited(data, new)
    with pytest.raises(InvalidCountryFile, match=r"belgium-2010\.yaml: no known classification") as refused:
        redline.build(*sides(old, new))
    (problem,) = refused.value.diagnostics
    assert (problem.where, problem.line) == ("cable.classification", 1)  # located, at the file when the key is gone


def test_a_change_bar_stands_beside_the_paragraphs_that_changed_only(project: Path) -> None:
    new = project / "countries" / "belgium-2010.yaml"
    data = CountryYAML().load(new.read_text())
    paragraphs = data["answers"][25]["A"]["text"].split("\n\n")
    assert len(paragraphs) > 2 and "In 2005" in paragraphs[1]
    paragraphs[1] = paragraphs[1].replace("In 2005", "In May 2005")
    data["answers"][25]["A"]["text"] = "\n\n".join(paragraphs)
    edited(data, new)
    entry = next(e for e in redline.build(*sides(project / "countries" / "belgium.yaml", new)).entries if e.place == "25.A")
    assert [p.changed for p in entry.paragraphs] == [i == 1 for i in range(len(paragraphs))]
    assert ("+", "May") in entry.paragraphs[1].runs
    assert [" ".join(w for _, w in p.runs) for p in entry.paragraphs] == [" ".join(p.split()) for p in paragraphs]
    page = redline.html(redline.build(*sides(project / "countries" / "belgium.yaml", new)))
    assert article(page, "25.A").count("{+May+}") == 1
    markup = page.split('<span class="place">25.A</span>')[1].split("</article>")[0]
    assert markup.count('<p class="text changed">') == 1 and markup.count('<p class="text">') == len(paragraphs) - 1


@pytest.mark.slow
def test_answer_text_is_data_in_the_html_and_the_pdf(project: Path) -> None:
    old, new = project / "countries" / "belgium.yaml", project / "countries" / "belgium-2010.yaml"
    for path, letter in ((old, "B"), (new, "C")):
        data = CountryYAML().load(path.read_text())
        data["answers"][23][letter] = f"{HOSTILE} in file {path.stem}"
        data["cable"]["country"] = "<b>BELGIUM</b>"
        edited(data, path)
    evil = project / "countries" / "<i>evil.yaml"
    shutil.copy(new, evil)
    result = runner.invoke(app, ["diff", str(old), str(evil), "--format", "html", "-o", "r.html"])
    assert result.exit_code == 0, result.output
    page = (project / "r.html").read_text()
    for tag in ("<script", "<img", "<b>", "<i>"):
        assert tag not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} {% include &#34;redline.css&#34; %}" in page
    assert "&lt;img src=&#34;https://198.51.100.7/x.png&#34;&gt;" in page
    assert "&lt;i&gt;evil.yaml" in page and "Redline: &lt;b&gt;BELGIUM&lt;/b&gt;" in page
    assert " 49 " not in page and "@font-face" not in page.split("</style>")[1]
    assert article(page, "23.B").startswith("23.B origin, transit or destination")
    assert "[-&lt;script&gt;alert(1)&lt;/script&gt;" in article(page, "23.B")  # last year's, struck out
    assert "{+&lt;script&gt;alert(1)&lt;/script&gt;" in article(page, "23.C")  # this year's, inserted
    written = runner.invoke(app, ["diff", str(old), str(evil), "--format", "pdf", "-o", "r.pdf"])
    assert written.exit_code == 0, written.output
    text = words(" ".join(p.extract_text() for p in pypdf.PdfReader(project / "r.pdf").pages))
    assert '{+<script>alert(1)</script> {{ 7*7 }} {% include "redline.css" %}' in text
    assert "Redline: <b>BELGIUM</b>, 2009 to 2010" in text


def test_an_edition_that_moves_merges_splits_adds_and_drops_questions(project: Path) -> None:
    args = ["new", "--from", "countries/belgium.yaml", "--year", "2010", "--edition", "2010", "-o", "countries/be10.yaml"]
    result = runner.invoke(app, [*args, "--editions", str(EDITIONS)])
    assert result.exit_code == 0, result.output
    path = project / "countries" / "be10.yaml"
    old, new = project / "countries" / "belgium.yaml", path
    unanswered = next(e for e in redline.build(*sides(old, new, (EDITIONS,))).entries if e.place == "25.F")
    assert (unanswered.question_short, unanswered.change.status, unanswered.paragraphs) == ("new in 2010", "unanswered", ())
    data = CountryYAML().load(path.read_text())
    data["answers"][25]["F"] = "Labor trafficking in the construction sector grew."
    del data["answers"][28]["G"]  # still asked (26.F last year): an answer removed, not a question
    edited(data, path)
    built = redline.build(*sides(old, new, (EDITIONS,)))
    notes = {e.place or f"was {e.change.was}": (e.question_short, e.change.status) for e in built.entries}
    assert notes["25.B"] == ("moved", "unchanged")
    assert notes["25.F"] == ("new in 2010", "new")
    assert notes["27.B"] == ("merged", "unchanged")
    assert notes["28.C"] == notes["28.D"] == ("split", "unchanged")
    assert notes["28.G"] == ("moved", "removed")
    assert notes["was 25.L"] == ("dropped", "removed")
    assert built.parts[-1].heading == "Dropped from the questionnaire in edition 2010"
    counts = dict(built.counts)  # a dropped question's answer counts with the question, not as an answer removed
    answers = next(row for row in built.table if row[0] == "Answers")
    assert (answers[3], counts["questions dropped"], counts["questions new in 2010"]) == (1, 1, 1)
    assert sum(answers[1:]) + counts["items unanswered"] == len(built.entries) - 1
    page = redline.html(built)
    assert article(page, "25.B").startswith(
        f"25.B origin, transit or destination; who the victims are, from where, for what purpose QUESTION MOVED FROM 23.B {STALE}"
    )
    assert "QUESTION NEW IN EDITION 2010 [new answer: none last year] {+Labor trafficking" in article(page, "25.F")
    assert "QUESTION MERGED FROM 25.B, 25.C" in article(page, "27.B")
    assert "QUESTION SPLIT FROM 26.C" in article(page, "28.D")
    assert "QUESTION MOVED FROM 26.F [answer removed: none this year] [-Law enforcement" in article(page, "28.G")
    dropped = article(page, "was 25.L")
    assert (
        "QUESTION DROPPED FROM THE QUESTIONNAIRE IN EDITION 2010 [last year&#39;s answer: no longer asked] [-There were"
        in dropped
    )
    assert "questions new in 2010" in page and "questions dropped" in page


@pytest.mark.slow
def test_the_command_writes_the_redline_all_or_nothing_and_says_where(project: Path) -> None:
    args = ["diff", "countries/belgium.yaml", "belgium-2010"]  # a bare name is looked up in countries/
    result = runner.invoke(app, [*args, "--format", "html"])
    assert (result.exit_code, result.stdout) == (0, "wrote output/belgium-2010.redline.html\n")
    first = (project / "output" / "belgium-2010.redline.html").read_bytes()
    assert first.startswith(b"<!DOCTYPE html>")
    (project / "a-file").write_text("not a folder\n")
    (project / "a-folder.html").mkdir()

    def tree() -> dict[str, bytes]:
        return {str(p): p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file()}

    for extra, status, message in (
        (["--format", "pdf", "-o", "a-file/x.pdf"], 1, "a-file/x.pdf: cannot write: a-file is a file, not a folder"),
        (["--format", "html", "-o", "a-folder.html"], 1, "a-folder.html: is a folder; cannot write the output there"),
        # a name that is not a redline's is refused before anything is read: it could be a file of the user's
        (["--format", "pdf", "-o", "countries/belgium-2010.yaml"], 2, "a redline's name ends in .html or .pdf"),
        (["--format", "html", "-o", "notes.yaml"], 2, "notes.yaml: a redline's name ends in .html or .pdf"),
        (["-o", "x.txt"], 2, "x.txt: a redline's name ends in .html or .pdf"),
        (["--format", "text", "-o", "x.html"], 2, "-o goes with --format html or pdf"),
        (["--format", "html", "-o", "x.pdf"], 2, "x.pdf: the name says pdf, --format says html: make them agree"),
        (["--format", "pdf", "-o", "x.Html"], 2, "x.Html: the name says html, --format says pdf: make them agree"),
        (["--format", "docx"], 2, "'docx' is not one of 'text', 'json', 'html', 'pdf'"),
    ):
        before = tree()
        failed = runner.invoke(app, [*args, *extra])
        assert failed.exit_code == status, (extra, failed.output)
        assert message in failed.stderr and "Traceback" not in failed.output
        if status == 1:  # one line, as every command says a path it cannot write
            assert len(failed.stderr.splitlines()) == 1 and failed.stderr.startswith("tipdraft: error: "), failed.stderr
        assert tree() == before  # nothing written, nothing replaced, no temporary file left
    data = CountryYAML().load((project / "countries" / "belgium.yaml").read_text())
    for value, message in (("1999", "edition: no questionnaire edition '1999'"), ([2009], "edition: expected an edition's name")):
        data["edition"] = value
        edited(data, project / "countries" / "other.yaml")
        for command in (["diff", "countries/other.yaml", "belgium-2010"], ["review", "countries/other.yaml", "--all"]):
            wrong = runner.invoke(app, command)  # a problem in the file: located, exit 1, as validate says it
            assert wrong.exit_code == 1 and re.match(r"countries/other\.yaml:\d+:\d+: error: " + re.escape(message), wrong.stderr)
    missing = runner.invoke(app, ["diff", "countries/belgium.yaml", "countries/nowhere.yaml", "--format", "pdf"])
    assert missing.exit_code == 1 and missing.stderr.strip() == "countries/nowhere.yaml: error: no such file"
    assert (project / "output" / "belgium-2010.redline.html").read_bytes() == first
    named = runner.invoke(app, [*args, "-o", "named.PDF"])  # the name says the format
    assert named.exit_code == 0 and (project / "named.PDF").read_bytes().startswith(b"%PDF-")
    text = runner.invoke(app, args)  # the text form is printed as it was, nothing written
    assert text.exit_code == 0 and "23.D   changed   situation.source-country" in text.stdout


@pytest.mark.slow
def test_the_same_files_give_the_same_bytes(made: tuple[Path, pypdf.PdfReader]) -> None:
    folder = made[0]
    first = (folder / "output" / "belgium-2010.redline.pdf").read_bytes()
    old, new = Path("countries/belgium.yaml"), Path("countries/belgium-2010.yaml")  # as the command was given them
    with contextlib.chdir(folder):
        again = redline.write_redline(old, new, "pdf", folder / "again.pdf")
        assert redline.html(redline.build(*sides(old, new))) == redline.html(redline.build(*sides(old, new)))
    assert again.read_bytes() == first
