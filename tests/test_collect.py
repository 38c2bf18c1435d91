"""collect: every post's file into CSV, a workbook, a database and a dashboard, each read back with its own reader."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from posts import make_posts
from ruamel.yaml import YAML

from tip_drafter import api
from tip_drafter.collect.gather import ANSWER_COLUMNS, NOT_REVIEWED, TO_FOLLOW, Collection, collect, withhold
from tip_drafter.collect.outputs import writer_for
from tip_drafter.collect.tables import EXAMPLE_QUERY, csv_bytes, write_sqlite
from tip_drafter.collect.workbook import workbook_bytes

from conftest import BELGIUM, DATA


@pytest.fixture(scope="module")
def posts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return make_posts(tmp_path_factory.mktemp("posts"), count=12)


@pytest.fixture(scope="module")
def found(posts: list[Path]) -> Collection:
    return collect(posts, api.Options())


def test_one_row_per_item_with_the_edition_topic_and_the_paragraph_mark() -> None:
    found = collect([BELGIUM], api.Options())
    assert [s.post for s in found.submissions] == ["BRUSSELS"]
    rows = {(r.paragraph, r.letter): r for r in found.answers}
    assert len(rows) == 42
    e = rows[(25, "E")]
    assert (e.item, e.mark, e.status, e.code, e.year) == ("prosecution.statistics", "SBU", "answered", "BE", 2009)
    assert e.topic.startswith("law-enforcement statistics")
    assert e.text.startswith("(2008 LAW ENFORCEMENT STATISTICS WILL BE AVAILABLE AT A LATER DATE.)")


def test_the_csv_reads_back_as_the_rows(found: Collection) -> None:
    rows = list(csv.DictReader(io.StringIO(csv_bytes(found).decode("utf-8"), newline="")))
    assert tuple(rows[0]) == ANSWER_COLUMNS
    assert len(rows) == len(found.answers)
    assert [r["text"] for r in rows] == [a.text for a in found.answers]  # line breaks inside answers survive
    assert {r["status"] for r in rows} <= {"answered", "empty", TO_FOLLOW, NOT_REVIEWED, "dropped", "unplaced"}
    assert {r["status"] for r in rows} >= {"answered", NOT_REVIEWED}


def test_statuses_of_a_draft_dropped_and_unplaced(tmp_path: Path) -> None:
    draft = tmp_path / "belgium-2010.yaml"
    draft.write_text(
        BELGIUM.read_text(encoding="utf-8")
        + "dropped:\n  - id: old.item\n    was: 27.H\n    answer: An answer nobody asks for.\n"
        + "unplaced:\n  - lines: 10-12\n    heading: ANNEX\n    text: Text the import could not place.\n",
        encoding="utf-8",
    )
    rows = {r.status: r for r in collect([draft], api.Options()).answers}
    assert rows["dropped"].item == "old.item" and (rows["dropped"].paragraph, rows["dropped"].letter) == (27, "H")
    assert rows["dropped"].text == "An answer nobody asks for."
    assert (rows["unplaced"].topic, rows["unplaced"].text) == ("ANNEX", "Text the import could not place.")


def test_a_file_that_fails_to_load_is_listed_and_the_others_are_collected(tmp_path: Path, posts: list[Path]) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("cable: [\n", encoding="utf-8")
    found = collect([posts[0], bad, tmp_path / "missing.yaml", posts[1]], api.Options())
    assert len(found.submissions) == 2
    assert [f.source for f in found.failures] == [str(bad), str(tmp_path / "missing.yaml")]
    assert all(f.problems for f in found.failures)


def test_the_workbook_has_a_sheet_per_paragraph_posts_down_items_across(found: Collection) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(found)))
    assert book.sheetnames == ["Submissions", "situation", "scene", "prosecution", "protection", "prevention"]
    sheet = book["prosecution"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["post", "country", "year"] and header[3].startswith("25.A ")
    assert sheet.freeze_panes == "D2" and sheet.auto_filter.ref
    assert [sheet.cell(row=n + 2, column=1).value for n in range(len(found.submissions))] == [s.post for s in found.submissions]
    first = sheet.cell(row=2, column=4)
    assert first.value.startswith("(SBU) ") and first.alignment.wrap_text
    assert "UNCLASSIFIED//FOR OFFICIAL USE ONLY" in sheet.oddHeader.center.text
    assert "UNCLASSIFIED//FOR OFFICIAL USE ONLY" in sheet.oddFooter.center.text
    subs = book["Submissions"]
    assert [c.value for c in subs[1]][:7] == ["post", "country", "year", "edition", "classification", "answered", "required"]


def test_no_cell_shows_text_above_the_copy_s_marking(found: Collection) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    unclassified = withhold(found, "U")
    assert unclassified.marking() == "U"  # a withheld answer's note is marked as the copy
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(unclassified)))
    texts = [c.value for sheet in book.worksheets[1:] for row in sheet.iter_rows(min_row=2, min_col=4) for c in row if c.value]
    assert texts and all("withheld" in t for t in texts if t.startswith("(SBU)"))
    originals = {a.text for a in found.answers if a.mark == "SBU" and a.text}
    assert not any(t in originals for t in (a.text for a in unclassified.answers))


def test_the_database_answers_the_readme_query_and_collecting_again_is_idempotent(tmp_path: Path, found: Collection) -> None:
    db_path = tmp_path / "tip.sqlite"
    write_sqlite(found, db_path)
    write_sqlite(found, db_path)
    db = sqlite3.connect(db_path)
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == len(found.answers)
    assert db.execute("SELECT count(*) FROM submissions").fetchone()[0] == len(found.submissions)
    expected = sorted(
        (a.post, a.year) for a in found.answers if a.item == "prosecution.statistics" and "debt bondage" in a.text.lower()
    )
    got = [(post, year) for post, year, _, _ in db.execute(EXAMPLE_QUERY)]
    assert got == expected
    fts = db.execute("SELECT count(*) FROM answers_fts WHERE answers_fts MATCH '\"debt bondage\"'").fetchone()[0]
    assert fts == sum("debt bondage" in a.text.lower() for a in found.answers)


def test_a_later_collection_replaces_only_its_own_posts(tmp_path: Path, posts: list[Path]) -> None:
    db_path = tmp_path / "tip.sqlite"
    write_sqlite(collect(posts[:3], api.Options()), db_path)
    write_sqlite(collect(posts[2:5], api.Options()), db_path)
    db = sqlite3.connect(db_path)
    assert db.execute("SELECT count(*) FROM submissions").fetchone()[0] == 5
    assert db.execute("SELECT count(DISTINCT post || country) FROM answers").fetchone()[0] == 5


def test_a_file_that_is_no_database_is_left_as_it_was(tmp_path: Path, found: Collection) -> None:
    target = tmp_path / "notes.sqlite"
    target.write_bytes(b"my notes, not a database" * 100)
    from tip_drafter.errors import OutputError

    with pytest.raises(OutputError, match=r"notes\.sqlite: cannot write the database"):
        write_sqlite(found, target)
    assert target.read_bytes() == b"my notes, not a database" * 100


def test_datasette_browses_and_searches_the_database(tmp_path: Path, found: Collection) -> None:
    datasette_app = pytest.importorskip("datasette.app")
    db_path = tmp_path / "tip.sqlite"
    write_sqlite(found, db_path)

    async def fetch() -> tuple[int, dict[str, object]]:
        ds = datasette_app.Datasette([str(db_path)])
        response = await ds.client.get("/tip/answers.json?_search=%22debt+bondage%22&_shape=objects")
        return response.status_code, response.json()

    status, body = asyncio.run(asyncio.wait_for(fetch(), 60))
    assert status == 200
    rows = body["rows"]
    assert isinstance(rows, list) and rows and all("debt bondage" in r["text"].lower() for r in rows)


def test_the_output_name_says_the_format(tmp_path: Path) -> None:
    from tip_drafter.errors import UsageError

    with pytest.raises(UsageError, match=r"\.txt: say the format by the output's name"):
        writer_for(tmp_path / "out.txt")


def test_items_line_up_by_id_across_editions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Belgium's 2009 file and its 2010 draft in the fixture edition (new numbers, merged
    items): the rows of one item carry one id, whatever its paragraph and letter there."""
    from tip_drafter.year import nextyear

    editions = DATA / "editions"
    draft = tmp_path / "belgium-2010.yaml"
    monkeypatch.chdir(tmp_path)  # new_draft writes the edition's schema beside the drafts, not into the project
    nextyear.new_draft(BELGIUM, 2010, draft, "2010", [editions])
    found = collect([BELGIUM, draft], api.Options(editions=[editions]))
    places = {(row.edition, row.paragraph, row.letter) for row in found.answers if row.item == "prosecution.statistics"}
    assert places == {("2009", 25, "E"), ("2010", 27, "D")}
    merged = [row for row in found.answers if row.item == "prosecution.penalties"]
    assert [(r.edition, r.status) for r in merged] == [("2010", NOT_REVIEWED)]


def _tipdraft(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tip_drafter", *args], capture_output=True, text=True, timeout=120, cwd=cwd, check=False
    )


def test_collect_command_lists_a_bad_file_and_collects_the_others(tmp_path: Path, posts: list[Path]) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("cable:\n  post: [\n", encoding="utf-8")
    out = tmp_path / "all.csv"
    done = _tipdraft("collect", str(posts[0]), str(bad), str(posts[1]), "-o", str(out))
    assert done.returncode == 1
    assert f"{bad}:3:1: error:" in done.stderr and "Traceback" not in done.stderr
    assert "wrote" in done.stdout and "2 submission(s)" in done.stdout and "1 file(s) not collected" in done.stdout
    assert len(list(csv.DictReader(out.open(encoding="utf-8", newline="")))) == 2 * 42


def test_collect_command_refuses_an_output_it_cannot_name_the_format_of(tmp_path: Path) -> None:
    done = _tipdraft("collect", str(BELGIUM), "-o", str(tmp_path / "all.txt"))
    assert done.returncode == 2
    assert "say the format by the output's name" in done.stderr and not (tmp_path / "all.txt").exists()
    done = _tipdraft("collect", str(BELGIUM), "-o", str(tmp_path / "all.csv"), "--up-to", "TS")
    assert done.returncode == 2 and "--up-to 'TS'" in done.stderr


def test_collect_cables_imports_them_on_the_fly(tmp_path: Path) -> None:
    out = tmp_path / "cables.sqlite"
    done = _tipdraft("collect", "--cables", str(DATA / "09BRUSSELS244.txt"), "-o", str(out))
    assert done.returncode == 0, done.stderr
    db = sqlite3.connect(out)
    assert db.execute("SELECT post, country, year, answered, required FROM submissions").fetchall() == [
        ("BRUSSELS", "BELGIUM", 2009, 42, 42)
    ]


@pytest.mark.slow
def test_the_book_has_every_post_in_country_order_marked_and_numbered(tmp_path: Path, posts: list[Path]) -> None:
    pypdf = pytest.importorskip("pypdf")
    folder = tmp_path / "posts"
    folder.mkdir()
    chosen = []
    for path in posts:
        if collect([path], api.Options()).submissions[0].errors == 0:
            chosen.append(path)
        if len(chosen) == 3:
            break
    for path in reversed(chosen):  # named out of order: the book sorts by country
        (folder / f"z-{path.name}").write_bytes(path.read_bytes())
    confidential = folder / "z-confidential.yaml"
    yaml = YAML(typ="safe")
    data = yaml.load(chosen[0].read_text(encoding="utf-8"))
    data["cable"] |= {"post": "X" + data["cable"]["post"], "classification": "CONFIDENTIAL", "caveats": ["SIPDIS"]}
    data["cable"] |= {"declassify": "02/20/2019", "classified_by": "Political Counselor Richard Eason"}
    with confidential.open("w", encoding="utf-8") as out_file:
        yaml.dump(data, out_file)
    broken = folder / "z-broken.yaml"
    broken.write_text("cable: [\n", encoding="utf-8")
    out = tmp_path / "book.pdf"
    done = _tipdraft("collect", str(folder), "-o", str(out))
    assert done.returncode == 1 and f"{broken}:" in done.stderr and "4 cable(s); 1 not in the book" in done.stdout
    reader = pypdf.PdfReader(out)
    countries = [collect([p], api.Options()).submissions[0].country for p in [*chosen, confidential]]
    tops = [item.title for item in reader.outline if not isinstance(item, list)]
    assert [t.split(":")[0] for t in tops] == sorted(countries)
    assert all(isinstance(item, list) and len(item) == 9 for item in reader.outline if isinstance(item, list))
    pages = [page.extract_text() for page in reader.pages]
    assert all(page.count("CONFIDENTIAL") >= 2 for page in pages)  # the highest of the cables', top and bottom of every page
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))


@pytest.mark.slow
def test_of_two_files_of_one_submission_every_output_keeps_the_one_named_last(tmp_path: Path) -> None:
    """Two files of one post, country and year (another serial, another answer): the tables
    and the book keep the same one, the file named last, and say so in the same words."""
    pypdf = pytest.importorskip("pypdf")
    yaml = YAML()
    data = yaml.load(BELGIUM.read_text(encoding="utf-8"))
    data["cable"]["serial"] = 245
    data["answers"][23]["A"] = "A later draft of this answer names Ghent."
    later = tmp_path / "later.yaml"
    with later.open("w", encoding="utf-8") as out_file:
        yaml.dump(data, out_file)
    note = f"{BELGIUM} and {later} are both BRUSSELS's 2009 submission for BELGIUM: {later} is kept"
    table, book = (
        _tipdraft("collect", str(BELGIUM), str(later), "-o", str(tmp_path / "all.csv")),
        _tipdraft("collect", str(BELGIUM), str(later), "-o", str(tmp_path / "book.pdf")),
    )
    assert (table.returncode, book.returncode) == (0, 0), table.stderr + book.stderr
    assert note in table.stderr and note in book.stderr
    assert "1 submission(s)" in table.stdout and "1 cable(s)" in book.stdout
    rows = list(csv.DictReader((tmp_path / "all.csv").open(encoding="utf-8", newline="")))
    assert {r["text"] for r in rows if (r["paragraph"], r["letter"]) == ("23", "A")} == {
        "A later draft of this answer names Ghent."
    }
    text = " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(tmp_path / "book.pdf").pages)
    assert "BRUSSELS 245" in text and "names Ghent" in text and "BRUSSELS 244" not in text


def _secret(tmp_path: Path) -> Path:
    """Belgium's file made SECRET, paragraph 23 left without a mark, a dropped answer and a piece
    of unplaced text added: what is not marked is taken as the file (SECRET)."""
    yaml = YAML()
    data = yaml.load(BELGIUM.read_text(encoding="utf-8"))
    data["cable"].update(classification="SECRET", caveats=["SIPDIS"], declassify="02/20/2034", classified_by="Counselor X")
    del data["answers"][23]["mark"]
    data["dropped"] = [{"id": "old.item", "was": "27.H", "answer": "A SECRET dropped answer."}]
    data["unplaced"] = [{"lines": "1-2", "heading": "ANNEX", "text": "SECRET unplaced text."}]
    path = tmp_path / "secret.yaml"
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    return path


def test_what_has_no_mark_of_its_own_is_withheld_as_the_file_is(tmp_path: Path) -> None:
    out = tmp_path / "u.csv"
    done = _tipdraft("collect", str(_secret(tmp_path)), "-o", str(out), "--up-to", "U")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    shown = [r for r in rows if "withheld" not in r["text"]]
    assert all(r["mark"] == "U" for r in rows)
    assert not any("SECRET" in r["text"] for r in rows)
    para23 = [r for r in rows if r["paragraph"] == "23"]
    assert para23 and all("withheld: a (S) portion" in r["text"] for r in para23)
    assert [r["status"] for r in rows if r["status"] in ("dropped", "unplaced")] == ["dropped", "unplaced"]
    unclassified = {
        str(n)
        for n, entry in YAML(typ="safe").load(BELGIUM.read_text(encoding="utf-8"))["answers"].items()
        if entry.get("mark") == "U"
    }
    assert {r["paragraph"] for r in shown} <= unclassified  # only what the file itself marks U is shown


def test_a_withheld_copy_is_marked_no_higher_than_it_holds(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "u.xlsx"
    assert _tipdraft("collect", str(_secret(tmp_path)), "-o", str(out), "--up-to", "U").returncode == 0
    sheet = openpyxl.load_workbook(out)["prosecution"]
    assert sheet.oddHeader.center.text.endswith("UNCLASSIFIED")


def test_the_book_takes_no_up_to(tmp_path: Path) -> None:
    done = _tipdraft("collect", str(BELGIUM), "-o", str(tmp_path / "b.pdf"), "--up-to", "U")
    assert done.returncode == 2 and "--up-to" in done.stderr and not (tmp_path / "b.pdf").exists()


@pytest.mark.parametrize("name", ["keep.csv", "keep.sqlite", "keep.pdf"])
def test_nothing_collected_leaves_the_earlier_output_as_it_was(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    out.write_bytes(b"an earlier collection")
    broken = tmp_path / "typo.yaml"
    broken.write_text("cable: [\n", encoding="utf-8")
    done = _tipdraft("collect", str(broken), "-o", str(out))
    assert done.returncode == 1 and "not written" in done.stderr
    assert out.read_bytes() == b"an earlier collection"


def test_cables_of_different_years_are_different_submissions() -> None:
    from tip_drafter.collect.gather import collect as gathered

    cables = sorted((DATA / "tip-cables").glob("0*ACCRA*.txt"))
    assert len(cables) == 2
    found = gathered(cables, api.Options(), cables=True)
    assert sorted(s.year for s in found.submissions) == [2004, 2005] and not found.notes


def test_a_part_renumbered_in_another_edition_is_one_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Belgium 2009 (protection is 26) and its 2010 draft (protection is 28): one sheet, both posts' answers in it."""
    openpyxl = pytest.importorskip("openpyxl")
    from tip_drafter.year import nextyear

    editions = DATA / "editions"
    monkeypatch.chdir(tmp_path)
    nextyear.new_draft(BELGIUM, 2010, tmp_path / "belgium-2010.yaml", "2010", [editions])
    found = collect([BELGIUM, tmp_path / "belgium-2010.yaml"], api.Options(editions=[editions], draft=True))
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(found)))
    sheet = book["protection"]
    header = [c.value for c in sheet[1]]
    column = header.index(next(h for h in header if h and h.startswith("26.A ")))
    years = {row[2].value: row[column].value for row in sheet.iter_rows(min_row=2)}
    assert set(years) == {2009, 2010} and all(years.values())
