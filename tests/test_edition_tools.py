"""G/TIP's questionnaire year: edition new, check, diff and schema, and new --edition moving a post's answers as diff says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from tip_drafter.cable.model import answers_by_item
from tip_drafter.edition import BUNDLED_EDITIONS, forget_editions, load_edition
from tip_drafter.errors import TipDraftError
from tip_drafter.format.edition_format import check_edition, json_schema
from tip_drafter.year import nextyear
from tip_drafter.year.compare import answer_text
from tip_drafter.year.editions import moves, new_edition_text

from conftest import BELGIUM, DATA, examples

FIXTURE = DATA / "editions" / "2010.yaml"


def _tipdraft(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tip_drafter", *args], capture_output=True, text=True, timeout=120, cwd=cwd, check=False
    )


@pytest.mark.parametrize("path", [*sorted(BUNDLED_EDITIONS.glob("*.yaml")), FIXTURE], ids=lambda p: p.name)
def test_every_shipped_edition_is_clean_and_fits_the_schema(path: Path) -> None:
    """(Four topics of 2009 held a comma inside a flow mapping and were cut there, silently.)"""
    assert check_edition(path, [BUNDLED_EDITIONS]) == []
    jsonschema.validate(YAML(typ="safe").load(path.read_text(encoding="utf-8")), json_schema())


def _edited(tmp_path: Path) -> Path:
    """`edition new 2010 --from 2009`, then edited as G/TIP would: paragraphs renumbered from 25,
    25.B and 25.C merged, 26.C split in two, 25.L dropped, a new item added to 23."""
    folder = tmp_path / "editions"
    done = _tipdraft("edition", "new", "2010", "--from", "2009", "-o", str(folder / "2010.yaml"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    path = folder / "2010.yaml"
    yaml = YAML()
    yaml.preserve_quotes = True
    data = yaml.load(path.read_text(encoding="utf-8"))
    paras = {p["id"]: p for p in data["paragraphs"]}
    for para in data["paragraphs"]:
        para["number"] += 2
    items = paras["prosecution"]["items"]
    sex = next(i for i in items if i["id"] == "prosecution.penalties-sex")
    sex["id"], sex["continues"] = "prosecution.penalties", ["prosecution.penalties-sex", "prosecution.penalties-labor"]
    items[:] = [i for i in items if i["id"] not in ("prosecution.penalties-labor", "prosecution.peacekeepers")]
    for letter, item in zip("ABCDEFGHIJKLMNOP", items, strict=False):
        item["letter"] = letter
    protection = paras["protection"]["items"]
    at = next(n for n, i in enumerate(protection) if i["id"] == "protection.services")
    medical = dict(protection[at])
    protection[at]["id"], medical["id"] = "protection.legal-aid", "protection.medical-aid"
    protection.insert(at + 1, medical)
    for letter, item in zip("ABCDEFGHIJKLMNOP", protection, strict=False):
        item["letter"] = letter
    paras["situation"]["items"].append(
        {"letter": "F", "id": "situation.new-trends", "kind": "prose", "required": True, "topic": "new trends"}
    )
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    return path


def test_edition_new_starts_from_every_item_continuing_itself(tmp_path: Path) -> None:
    previous = load_edition("2009")
    path = tmp_path / "2010.yaml"
    path.write_text(new_edition_text("2010", previous, path), encoding="utf-8")
    assert check_edition(path) == []
    made = load_edition("2010", [tmp_path])
    assert [(p.number, i.letter, i.id, i.topic) for p, i in made.items()] == [
        (p.number, i.letter, i.id, i.topic) for p, i in previous.items()
    ]
    assert all(i.continues == (i.id,) for _, i in made.items())
    assert (made.previous, made.report_year) == ("2009", 2010)
    assert made.defaults == previous.defaults and made.defaults.precedence == "IMMEDIATE"
    text = path.read_text(encoding="utf-8")
    for word in ("renumber", "add", "merge", "split", "drop"):
        assert f"#   {word}" in text


@pytest.mark.slow
def test_an_edited_edition_moves_belgium_s_answers_as_edition_diff_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _edited(tmp_path)
    assert _tipdraft("edition", "check", str(path), cwd=tmp_path).returncode == 0
    old, new = load_edition("2009"), load_edition("2010", [path.parent])
    said = moves(old, new)
    assert {m.change for m in said} == {"moved", "merged", "split", "new", "dropped"}
    shown = _tipdraft("edition", "diff", "2009", "2010", "--editions", str(path.parent), cwd=tmp_path)
    assert shown.returncode == 0 and "25.B, 25.C are merged into 27.B" in shown.stdout and "dropped" in shown.stdout
    draft = tmp_path / "belgium-2010.yaml"
    monkeypatch.chdir(tmp_path)  # new_draft writes the edition's schema beside the drafts, not into the project
    nextyear.new_draft(BELGIUM, 2010, draft, "2010", [path.parent])
    before = _answers(BELGIUM, old)
    after_data = YAML(typ="safe").load(draft.read_text(encoding="utf-8"))
    after = {i: answer_text(v) for i, (_, v, _) in answers_by_item(after_data["answers"], new).items()}
    dropped = {d["id"]: answer_text(d["answer"]) for d in after_data.get("dropped", [])}
    for move in said:
        if move.change in ("moved", "split"):
            assert after[move.id] == before[move.sources[0]], move
        elif move.change == "merged":
            assert all(before[s] in after[move.id] for s in move.sources), move
        elif move.change == "new":
            assert move.id not in after
        else:
            assert dropped[move.id] == before[move.id]


def _answers(path: Path, edition: Any) -> dict[str, str]:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return {i: answer_text(v) for i, (_, v, _) in answers_by_item(data["answers"], edition).items()}


BROKEN = [
    ('    id: "scene"', '    id: "situation"', "id 'situation' is used twice"),
    (
        'continues: ["situation.flows"]',
        'continues: ["situation.flow"]',
        "continues 'situation.flow', which edition 2009 does not have (did you mean 'situation.flows'?)",
    ),
    ('{letter: B, id: "situation.flows"', '{letter: A, id: "situation.flows"', "letter A is used twice"),
    ("  - number: 24", "  - number: 23", "paragraph 23 is used twice (first at line"),
    (
        '    - {id: "hours"',
        '    - {id: "time"',
        "the framing paragraph 'hours' (hours spent preparing the report, by employee) of edition 2009 is missing",
    ),
    ('topic: "the anti-trafficking laws"', "topic: the laws, old and new", "unknown key 'old and new'"),
    (
        'kind: prose, required: true,\n         topic: "the anti',
        'kind: poem, required: true,\n         topic: "the anti',
        "'poem' is not one of prose, statistics",
    ),
    ('  precedence: "IMMEDIATE"', '  precedence: "URGENT"', "defaults.precedence: 'URGENT' is not one of FLASH, IMMEDIATE"),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN, ids=[m.split(" ")[0] + str(n) for n, (_, _, m) in enumerate(BROKEN)])
def test_edition_check_locates_every_problem(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = tmp_path / "2010.yaml"
    text = new_edition_text("2010", load_edition("2009"), path)
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    done = _tipdraft("edition", "check", str(path), cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    found = [row for row in done.stderr.splitlines() if message in row]
    assert found, done.stderr
    assert found[0].startswith(f"{path}:{line}:") or message.startswith("the framing"), found[0]


def test_the_schema_of_editions_is_written_and_agrees_with_check(tmp_path: Path) -> None:
    done = _tipdraft("edition", "schema", "-o", str(tmp_path / "edition.schema.json"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    schema = json.loads((tmp_path / "edition.schema.json").read_text(encoding="utf-8"))
    path = tmp_path / "2010.yaml"
    text = new_edition_text("2010", load_edition("2009"), path).replace(
        'topic: "the anti-trafficking laws"', "topic: the laws, old and new"
    )
    path.write_text(text, encoding="utf-8")
    assert check_edition(path)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(YAML(typ="safe").load(text), schema)


@pytest.mark.slow
def test_edition_diff_writes_a_pdf_page(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    target = tmp_path / "moves.pdf"
    done = _tipdraft(
        "edition",
        "diff",
        "2009",
        "2010",
        "--editions",
        str(DATA / "editions"),
        "--format",
        "pdf",
        "-o",
        str(target),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    text = "".join(page.extract_text() for page in pypdf.PdfReader(target).pages)
    assert "Questionnaire 2009 to 2010" in text and "merged" in text and "dropped" in text


def test_edition_new_never_replaces_a_file_made_while_it_worked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check that the name is free comes before the work; a file made in between (here: the
    check passes although the file is there) is not replaced: the new file is created exclusively."""
    from typer.testing import CliRunner

    from tip_drafter import output
    from tip_drafter.cli.main import app

    target = tmp_path / "2010.yaml"
    target.write_text("someone's edition\n", encoding="utf-8")
    monkeypatch.setattr(output, "refuse_overwrite", lambda path, force: None)
    result = CliRunner().invoke(app, ["edition", "new", "2010", "--from", "2009", "-o", str(target)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert target.read_text(encoding="utf-8") == "someone's edition\n"


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("folder", "is a folder, not an edition file"),
        ("empty.yaml", "file is empty: expected an edition file"),
        ("/dev/null", "not a regular file (a pipe, socket or device): cannot be an edition file"),
    ],
)
def test_edition_check_names_what_it_expected_an_edition_file(tmp_path: Path, name: str, said: str) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "empty.yaml").write_text("\n")
    path = Path(name) if name.startswith("/") else tmp_path / name
    found = check_edition(path)
    assert len(found) == 1 and said in found[0].message and "country file" not in found[0].message


@settings(max_examples=examples(2))  # each example writes and reads an edition
@given(st.data())
def test_loading_refuses_an_edition_exactly_when_check_finds_a_repeat(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """The uniqueness rule has one home (edition.repeats): a value made equal to another (an
    id, a paragraph number, a letter) is refused by the loader iff check locates it."""
    yaml = YAML()
    edition = yaml.load((BUNDLED_EDITIONS / "2009.yaml").read_text(encoding="utf-8"))
    paragraphs = edition["paragraphs"]
    what = data.draw(st.sampled_from(["id", "number", "letter", "nothing"]), "what")
    n = data.draw(st.integers(0, len(paragraphs) - 1), "paragraph")
    items = paragraphs[n]["items"]
    k, j = data.draw(st.integers(0, len(items) - 1), "item"), data.draw(st.integers(0, len(items) - 1), "other item")
    if what == "id":
        items[k]["id"] = items[j]["id"]
    elif what == "letter":
        items[k]["letter"] = items[j]["letter"]
    elif what == "number":
        paragraphs[n]["number"] = paragraphs[data.draw(st.integers(0, len(paragraphs) - 1), "other paragraph")]["number"]
    folder = tmp_path_factory.mktemp("editions")
    with (folder / "2009.yaml").open("w", encoding="utf-8") as out:
        yaml.dump(edition, out)
    forget_editions()
    try:
        load_edition("2009", [folder])
        refused = False
    except TipDraftError as exc:
        refused = "duplicate" in str(exc)
    finally:
        forget_editions()
    found = [d for d in check_edition(folder / "2009.yaml") if d.code == "duplicate"]
    assert refused == bool(found), found


@pytest.mark.parametrize("written", ['"023"', "23.0", '"23"'])
def test_a_paragraph_number_written_another_way_is_still_a_repeat(tmp_path: Path, written: str) -> None:
    """The loader reads a number as int() does: "023" and 23.0 are 23, the same paragraph twice."""
    text = (BUNDLED_EDITIONS / "2009.yaml").read_text(encoding="utf-8")
    assert "  - number: 24\n" in text
    (tmp_path / "2009.yaml").write_text(text.replace("  - number: 24\n", f"  - number: {written}\n", 1), encoding="utf-8")
    forget_editions()
    try:
        with pytest.raises(TipDraftError, match="duplicate paragraph number: 23"):
            load_edition("2009", [tmp_path])
    finally:
        forget_editions()


def test_an_edition_whose_defaults_are_no_mapping_is_refused_in_words(tmp_path: Path) -> None:
    text = (BUNDLED_EDITIONS / "2009.yaml").read_text(encoding="utf-8")
    assert "\ndefaults:\n" in text
    (tmp_path / "2009.yaml").write_text(text.replace("\ndefaults:\n", "\ndefaults: [x]\nunused:\n", 1), encoding="utf-8")
    forget_editions()
    try:
        with pytest.raises(TipDraftError, match=r"defaults: expected a mapping of keys \(classification,") as caught:
            load_edition("2009", [tmp_path])
        assert "attribute" not in str(caught.value)  # it said: 'list' object has no attribute 'get'
    finally:
        forget_editions()
