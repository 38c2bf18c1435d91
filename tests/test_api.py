"""The library API: a country file checked as a path, as text or as data gives the same
diagnostics; rendered to bytes without writing; the README's example runs as it says."""

from __future__ import annotations

import copy
import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tip_drafter
from tip_drafter import api
from tip_drafter.errors import Code, Diagnostic, InvalidCountryFile, OutputError, Place, Severity, label
from tip_drafter.importing.importer import read_file
from tip_drafter.options import Options
from tip_drafter.preview.state import Shown, anchor
from tip_drafter.yamlio.load import CountryYAML

from conftest import BELGIUM, EXAMPLE, ROOT, examples

TEXT = BELGIUM.read_text(encoding="utf-8")
LINES = TEXT.split("\n")


def _dump(data: Any) -> str:
    buffer = io.StringIO()
    CountryYAML().dump(data, buffer)
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    """Round-trip YAML values as the plain dicts and lists a JSON reader gives."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, str) else value


def _same(found: list[Diagnostic]) -> list[tuple[str, str, str, str, Place]]:
    """What must agree whatever form the file was given in: all but the path and position."""
    return sorted((d.severity, d.code, d.where, d.message, d.place) for d in found)


# Small edits of Belgium's file: each kind of problem the checks find (syntax, format, rules,
# lint), at a line hypothesis picks.
def _mutate(lines: list[str], kind: str, at: int) -> list[str]:
    out = list(lines)
    line = out[at]
    if kind == "delete":
        del out[at]
    elif kind == "duplicate":
        out.insert(at, line)
    elif kind == "placeholder" and ": " in line:
        out[at] = line.split(": ", 1)[0] + ": TBD"
    elif kind == "letter":
        out[at] = re.sub(r"^(\s+)[A-M]:", r"\1Q:", line)
    elif kind == "character":
        out[at] = line + " \u00e9\u2014\u0007"
    elif kind == "dedent":
        out[at] = line[1:]
    elif kind == "wide":
        out[at] = line + " " + "X" * 90
    return out


KINDS = st.sampled_from(["delete", "duplicate", "placeholder", "letter", "character", "dedent", "wide"])


@settings(max_examples=examples(1))
@given(edits=st.lists(st.tuples(KINDS, st.integers(0, len(LINES) - 2)), min_size=1, max_size=2))
def test_text_and_path_give_the_same_diagnostics(edits: list[tuple[str, int]]) -> None:
    """``check_text`` of a file's text, named as its path, is ``check`` of the path: the same
    diagnostics, each at the same line, column, place and code."""
    lines = LINES
    for kind, at in edits:
        lines = _mutate(lines, kind, min(at, len(lines) - 1))
    text = "\n".join(lines)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "belgium.yaml"
        path.write_text(text, encoding="utf-8")
        from_path = api.check(path).diagnostics
        from_text = api.check_text(text, name=str(path)).diagnostics
    assert from_text == from_path  # each diagnostic whole: its code and place too


def test_text_with_bad_bytes_is_located_as_a_file_is(tmp_path: Path) -> None:
    """Text a file could not hold as UTF-8 (a lone surrogate) and an empty text: the file's diagnostics."""
    for text in ("edition: '2009'\ncable: \ud800\n", ""):
        path = tmp_path / "x.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        assert api.check_text(text, name=str(path)).diagnostics == api.check(path).diagnostics != []


def test_data_gives_the_diagnostics_of_its_text(belgium_data: Any) -> None:
    """``check_data`` of plain data agrees with the YAML text holding the same data, but for
    the lines and columns (the data's are those of the text it is written as)."""
    assert api.check_data(_plain(belgium_data), name="belgium.yaml").diagnostics == []
    broken = copy.deepcopy(belgium_data)
    del broken["answers"][25]["A"]
    broken["answers"][25]["Q"] = "an answer under a letter paragraph 25 does not have"
    broken["cable"]["signature"] = "TBD"
    del broken["hours"]
    from_data = api.check_data(_plain(broken), name="belgium.yaml").diagnostics
    from_text = api.check_text(_dump(broken), name="belgium.yaml").diagnostics
    assert _same(from_data) == _same(from_text)
    assert {d.code for d in from_data} >= {Code.REQUIRED, Code.UNKNOWN_KEY, Code.PLACEHOLDER}
    assert Place(25, ("Q",)) in {d.place for d in from_data}


def test_data_that_is_no_mapping_is_a_diagnostic_and_no_data_a_type_error() -> None:
    """What a file could hold is a diagnostic, as in a file; what none could is the caller's error."""
    assert [d.message for d in api.check_data([]).diagnostics] == ["expected a mapping of keys at the top level, found a list"]
    assert [d.code for d in api.check_data(None, name="x.yaml").diagnostics] == [Code.FILE]
    with pytest.raises(TypeError, match=r"x\.yaml: not country-file data"):
        api.check_data({"edition": object()}, name="x.yaml")
    looped: dict[str, Any] = {"edition": "2009"}
    looped["cable"] = looped
    with pytest.raises(TypeError):
        api.check_data(looped)


@pytest.mark.slow
def test_render_returns_the_bytes_render_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``render`` of a file's text: the same text and page ``tipdraft render`` writes, and a
    PDF, with nothing written (not even into output/ of the folder it runs in)."""
    options = Options(formats=("txt", "html"))
    written = api.write(BELGIUM, tmp_path / "out", options)
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    outputs = tip_drafter.render(TEXT)
    assert list(Path.cwd().rglob("*")) == []
    assert sorted(outputs) == ["html", "pdf", "txt"]
    assert outputs["txt"] == (tmp_path / "out" / "belgium.txt").read_bytes()
    assert outputs["html"] == (tmp_path / "out" / "belgium.html").read_bytes()
    assert outputs["pdf"].startswith(b"%PDF-")
    assert [p.name for p in written.written] == ["belgium.txt", "belgium.html"]
    draft = api.render(api.check(BELGIUM, Options(draft=True)), ("txt",), Options(draft=True))
    assert draft["txt"].startswith(api.DRAFT_LINE.encode())


def test_check_render_and_prepare_report_problems_the_same_way(tmp_path: Path) -> None:
    """A file with errors: ``check`` returns the diagnostics, ``render`` and ``prepare`` raise
    with the same ones; an output over the country file itself is a diagnostic too."""
    path = tmp_path / "belgium.yaml"
    path.write_text(TEXT.replace("signature: BUSH", "signature: TBD"), encoding="utf-8")
    checked = api.check(path)
    assert [d.code for d in checked.diagnostics] == [Code.PLACEHOLDER]
    with pytest.raises(InvalidCountryFile) as rendering:
        api.render(checked)
    with pytest.raises(InvalidCountryFile) as preparing:
        api.prepare(path, tmp_path / "out", Options())
    assert rendering.value.diagnostics == preparing.value.diagnostics == checked.diagnostics
    with pytest.raises(tip_drafter.TipDraftError, match="unknown output format"):
        api.render(TEXT, ("txt", "docx"))
    same = tmp_path / "same.txt"
    same.write_text(TEXT, encoding="utf-8")
    with pytest.raises(OutputError) as over:
        api.prepare(same, tmp_path, Options(formats=("txt",)))
    assert [(d.path, d.code) for d in over.value.diagnostics] == [(str(same), Code.FILE)]


def test_severity_and_code_are_enums_that_compare_as_words() -> None:
    """Old comparisons with the words keep working; JSON prints the words; a word that is no
    code is refused."""
    d = Diagnostic("x.yaml", 3, 4, "error", Place(25, ("B", "C")), "answer is empty", "empty")
    assert d.severity is Severity.ERROR and d.severity == "error"
    assert d.code is Code.EMPTY and d.code == "empty"
    assert d.as_json()["severity"] == "error" and d.as_json()["where"] == "para 25.B/C"
    assert d.as_json()["place"] == {"paragraph": 25, "letters": ["B", "C"], "field_path": []}
    assert d.format() == "x.yaml:3:4: error: para 25.B/C: answer is empty"
    with pytest.raises(ValueError):
        Diagnostic("x.yaml", 1, 1, "error", Place(), "", "no-such-code")


@pytest.mark.parametrize(
    ("place", "written"),
    [
        (Place(), ""),
        (Place(25), "para 25"),
        (Place(25, ("E",)), "para 25.E"),
        (Place(25, ("B", "C")), "para 25.B/C"),
        (Place(25, ("E",), ("text",)), "para 25.E.text"),
        (Place(field_path=("cable", "subject")), "cable.subject"),
        (Place(field_path=("contact", 1, "name")), "contact[2].name"),
        (Place.item("abc"), "para abc"),
        (Place.item("25", ["E"]), "para 25.E"),
        (Place.named("cable.post"), "cable.post"),
    ],
)
def test_one_label_for_every_place(place: Place, written: str) -> None:
    """The label is written from the place by one function."""
    assert label(place) == written == place.label


def test_no_para_label_is_built_by_hand() -> None:
    """Every ``para N.L`` is written by ``errors.label``: no other module spells it."""
    by_hand = re.compile(r"""f["']para \{""")
    sources = (ROOT / "tip_drafter").rglob("*.py")
    found = [str(p.relative_to(ROOT)) for p in sources if p.name != "errors.py" and by_hand.search(p.read_text())]
    assert found == []


def _shown(anchors: set[str], numbers: dict[str, int]) -> Shown:
    return Shown(1, "", "", frozenset(anchors), numbers, "", None)  # type: ignore[arg-type]


def test_preview_points_at_the_place_given_as_data() -> None:
    """The preview's anchor comes from the place's data: the item (the first of a joint
    answer), else the paragraph; a framing paragraph by its number; the header."""
    shown = _shown({"item-25-B", "para-25", "para-3", "header"}, {"contact": 3})

    def at(place: Place) -> str:
        return anchor(Diagnostic("x.yaml", 1, 1, Severity.ERROR, place, "m"), shown)

    assert at(Place(25, ("B", "C"))) == "item-25-B"
    assert at(Place(25, ("E",))) == "para-25"
    assert at(Place(25)) == "para-25"
    assert at(Place(field_path=("contact", "name"))) == "para-3"
    assert at(Place(field_path=("cable", "subject"))) == "header"
    assert at(Place.item("abc")) == ""
    assert at(Place.item("25", ["B"])) == "item-25-B"  # a paragraph keyed "25" (quoted) in the file
    # a place whose label reads like an item's, but is not one, is not taken for one
    assert at(Place(field_path=("para 25", "B"))) == ""


def test_import_cable_text_is_the_import_command_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``import_cable_text`` gives the data and warnings ``tipdraft import`` writes, as text
    that reads back to the same data, writing nothing (not even into countries/ of the folder
    it runs in)."""
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    imported = tip_drafter.import_cable_text(EXAMPLE.read_text(encoding="utf-8"), name=str(EXAMPLE))
    assert list(Path.cwd().rglob("*")) == []
    read = read_file(EXAMPLE, tmp_path / "x.yaml", None)
    assert imported.data == read.result.data
    assert imported.edition == read.edition.name
    assert list(imported.warnings) == read.result.warnings
    assert CountryYAML().load(imported.text) == read.result.data
    with pytest.raises(tip_drafter.TipDraftError, match="not a cable"):
        tip_drafter.import_cable_text("just some words\n", name="notes.txt")


def _readme_example() -> tuple[str, str]:
    """The README's example script and the output it says the script prints."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using tipdraft from Python", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w*)\n(.*?)```", section, re.DOTALL)
    script = next(body for lang, body in blocks if lang == "python")
    printed = next(body for lang, body in blocks if lang == "")
    return script, printed


def test_readme_example_runs_as_a_plain_script_and_writes_nothing(tmp_path: Path) -> None:
    """The README's example, run by a plain Python in an empty folder, prints what the README
    says and leaves the folder empty."""
    script, printed = _readme_example()
    folder = tmp_path / "empty"
    folder.mkdir()
    runner = tmp_path / "example.py"  # outside the folder watched
    runner.write_text(script, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, str(runner), str(BELGIUM)], cwd=folder, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == printed
    assert [p for p in folder.rglob("*")] == []


def test_the_library_is_imported_on_first_use() -> None:
    """``import tip_drafter`` (and so ``tipdraft --version``) does not import the library's
    modules; the first use of a name does."""
    code = "import sys, tip_drafter; a = 'tip_drafter.api' in sys.modules; tip_drafter.check_text; print(a, 'tip_drafter.api' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.split() == ["False", "True"], done.stderr
    with pytest.raises(AttributeError):
        tip_drafter.no_such_name  # noqa: B018
