"""The tipdraft command through Typer's runner: exit codes, messages, files written."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command_name
from typer.testing import CliRunner

from tip_drafter.cli.main import app, only

from conftest import BELGIUM, ROOT

runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder laid out like the project: countries/belgium.yaml, no output/ yet."""
    (tmp_path / "countries").mkdir()
    (tmp_path / "empty").mkdir()
    shutil.copy(BELGIUM, tmp_path / "countries" / "belgium.yaml")
    cwd = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(cwd)


def test_validate_clean_file_prints_only_a_summary() -> None:
    result = invoke("validate", str(BELGIUM))
    assert result.exit_code == 0
    assert result.stdout == "1 file(s) checked: 0 error(s), 0 warning(s)\n"


def test_validate_reports_located_errors_and_exits_1(belgium_data: Any, write_country: Callable[..., Path]) -> None:
    belgium_data["answers"][26]["G"] = ""
    path = write_country(belgium_data)
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    lines = path.read_text().splitlines()
    line = next(i for i in range(lines.index("  26:"), len(lines)) if lines[i].startswith("    G:")) + 1
    assert f"{path}:{line}:8: error: para 26.G: answer is empty" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("empty", [None, "", "  ", {"text": ""}, {"text": None}])
def test_an_empty_answer_however_written_is_an_error_and_a_warning_in_a_draft(
    empty: Any, belgium_data: Any, write_country: Callable[..., Path]
) -> None:
    belgium_data["answers"][26]["G"] = empty
    path = write_country(belgium_data)
    final, draft = invoke("validate", str(path)), invoke("validate", "--draft", str(path))
    assert final.exit_code == 1 and "error: para 26.G: answer is empty" in final.stderr, final.stderr
    assert draft.exit_code == 0 and "warning: para 26.G: answer is empty" in draft.stderr, draft.stderr


def test_validate_json_has_the_same_content(belgium_data: Any, write_country: Callable[..., Path]) -> None:
    import json

    belgium_data["answers"][26]["G"] = ""
    result = invoke("validate", "--format", "json", str(write_country(belgium_data)))
    found = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [(d["severity"], d["where"], d["message"], d["code"]) for d in found["diagnostics"]] == [
        ("error", "para 26.G", "answer is empty", "empty")
    ]
    assert found["summary"] == {"files": 1, "errors": 1, "warnings": 0, "strict": False, "failed": True}


def test_render_writes_text_and_pdf_into_output(project: Path) -> None:
    result = invoke("render", "countries/belgium.yaml")
    assert result.exit_code == 0, result.output
    assert (project / "output" / "belgium.txt").read_text().startswith("VZCZCXRO8220\n")
    assert (project / "output" / "belgium.pdf").read_bytes().startswith(b"%PDF-")


def test_render_finds_a_bare_name_in_countries(project: Path) -> None:
    result = invoke("render", "belgium.yaml", "--format", "txt")
    assert result.exit_code == 0, result.output
    assert (project / "output" / "belgium.txt").exists()
    assert not (project / "output" / "belgium.pdf").exists()


def test_render_of_an_invalid_file_writes_nothing(project: Path) -> None:
    path = project / "countries" / "belgium.yaml"
    path.write_text(path.read_text().replace("  signature: BUSH\n", ""))
    result = invoke("render", "countries/belgium.yaml")
    assert result.exit_code == 1
    assert (
        "countries/belgium.yaml:" in result.stderr and "error: cable.signature: missing required key 'signature'" in result.stderr
    )
    assert not (project / "output").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("render", "countries/belgium.yaml", "--width", "5"),
            "tipdraft: error: width 5 is too narrow for a cable (at least 20)",
        ),
        (("validate", "empty"), "tipdraft: error: empty: no country files (*.yaml) in this folder"),
        (("render", "empty"), "tipdraft: error: empty: no country files (*.yaml) in this folder"),
        (("validate", "belgium", "--template-dir", "nowhere"), "tipdraft: error: template folder nowhere: no such folder"),
        (
            ("render", "belgium", "--template-dir", "countries/belgium.yaml"),
            "tipdraft: error: template folder countries/belgium.yaml: is a file, not a folder",
        ),
    ],
)
def test_usage_errors_exit_2_without_traceback(project: Path, args: tuple[str, ...], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_render_width_option(project: Path) -> None:
    result = invoke("render", "belgium", "--format", "txt", "--width", "50")
    assert result.exit_code == 0, result.output
    lines = (project / "output" / "belgium.txt").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("UNCLAS"))
    assert max(len(line) for line in lines[start + 1 :]) <= 50


@pytest.fixture
def mixed(project: Path) -> list[str]:
    """A good file, a missing one, one with a YAML syntax error and an invalid one, in this order."""
    countries = project / "countries"
    (countries / "broken.yaml").write_text("cable:\n  subject: [unclosed\n")
    good = (countries / "belgium.yaml").read_text()
    (countries / "invalid.yaml").write_text(good.replace("  signature: BUSH\n", ""))
    return ["countries/belgium.yaml", "nosuch.yaml", "countries/broken.yaml", "countries/invalid.yaml"]


BAD_FILES = [
    "nosuch.yaml: error: no such file\n",
    "countries/broken.yaml:3:1: error: cable.subject: YAML syntax error: ",
    "countries/invalid.yaml:8:1: error: cable.signature: missing required key 'signature'",
]


def test_render_of_many_files_renders_every_good_one_and_reports_each_bad_one(project: Path, mixed: list[str]) -> None:
    result = invoke("render", *mixed, "--jobs", "2")
    assert result.exit_code == 1
    assert sorted(p.name for p in (project / "output").iterdir() if not p.name.startswith(".")) == ["belgium.pdf", "belgium.txt"]
    assert all(part in result.stderr for part in BAD_FILES), result.stderr
    assert result.stdout.splitlines()[-1] == "1 rendered, 3 failed: nosuch.yaml, countries/broken.yaml, countries/invalid.yaml"
    assert "Traceback" not in result.output


def test_validate_of_many_files_reports_each_bad_one(project: Path, mixed: list[str]) -> None:
    result = invoke("validate", *mixed)
    assert result.exit_code == 1
    assert all(part in result.stderr for part in BAD_FILES), result.stderr
    assert result.stdout == "4 file(s) checked: 3 error(s), 0 warning(s)\n"


def test_status_of_many_files_lists_each_and_reports_each_bad_one(project: Path, mixed: list[str]) -> None:
    result = invoke("status", *mixed)
    assert result.exit_code == 1
    assert all(part in result.stderr for part in BAD_FILES), result.stderr
    rows = result.stdout.splitlines()
    assert [row.split()[0] for row in rows[1:-1]] == mixed
    assert rows[-1] == "4 file(s): 1 ready, 3 with errors, 0 item(s) unreviewed"


def test_status_json_has_validates_shape_and_null_for_what_is_unknown(project: Path, mixed: list[str]) -> None:
    """``{"files": [...], "summary": {...}}`` as validate's JSON; an unknown country, edition
    or year is null (it was "?" for the first two, null for the third)."""
    result = invoke("status", *mixed, "--format", "json")
    assert result.exit_code == 1
    status = json.loads(result.stdout)
    assert list(status) == ["files", "summary"]
    rows = {row["path"]: row for row in status["files"]}
    assert list(rows) == mixed
    assert (rows["countries/belgium.yaml"]["country"], rows["countries/belgium.yaml"]["year"]) == ("BELGIUM", 2009)
    for unreadable in ("nosuch.yaml", "countries/broken.yaml"):
        assert (rows[unreadable]["country"], rows[unreadable]["edition"], rows[unreadable]["year"]) == (None, None, None)
    assert status["summary"] == {
        "files": 4,
        "ready": 1,
        "with_errors": 3,
        "unreviewed": 0,
        "warnings": 0,
        "errors": sum(row["errors"] for row in status["files"]),
        "failed": True,
    }
    text = invoke("status", *mixed).stdout.splitlines()
    assert text[2].split()[:4] == ["nosuch.yaml", "?", "?", "?"]  # the table still says "?"


def wide_override(project: Path) -> None:
    """A post's override, named in tipdraft.toml, that prints a word too wide for the cable."""
    (project / "house").mkdir()
    text = (ROOT / "templates" / "cable.txt.j2").read_text()
    (project / "house" / "cable.txt.j2").write_text(
        text.replace("SUBJECT: {{ cable.subject }}\n", "SUBJECT: {{ cable.subject }}\n" + "W" * 70 + "\n")
    )
    (project / "tipdraft.toml").write_text('[render]\ntemplate_dir = "house"\n')


def test_validate_and_render_report_a_too_wide_template_line_alike(project: Path) -> None:
    wide_override(project)
    checked = invoke("validate", "countries/belgium.yaml")
    rendered = invoke("render", "countries/belgium.yaml", "--format", "txt")
    assert checked.exit_code == rendered.exit_code == 1
    problems = [line for line in checked.stderr.splitlines() if ": error: " in line]
    assert len(problems) == 1, checked.stderr
    assert problems[0].startswith("countries/belgium.yaml:")
    assert problems[0].endswith("is 70 characters, wider than the cable's width 62: break it or raise --width")
    assert problems[0] in rendered.stderr.splitlines()
    assert not (project / "output").exists()


def test_validate_takes_the_layout_settings_of_render(project: Path) -> None:
    assert invoke("validate", "belgium", "--width", "5").exit_code == 2
    narrow = invoke("validate", "belgium", "--width", "20", "--lines-per-page", "10")
    rendered = invoke("render", "belgium", "--width", "20", "--lines-per-page", "10", "--format", "txt")
    message = (
        "countries/belgium.yaml:62:32: error: contact.text: 'Office:33-2-508-2483.'... is 21 characters, "
        "wider than the cable's width 20: break it or raise --width"
    )
    assert (narrow.exit_code, rendered.exit_code) == (1, 1)
    assert message in narrow.stderr.splitlines() and message in rendered.stderr.splitlines()


@pytest.mark.slow
def test_a_relative_template_dir_is_found_and_read_by_the_pdf(project: Path) -> None:
    (project / "house").mkdir()
    (project / "house" / "cable.txt.j2").write_text((ROOT / "templates" / "cable.txt.j2").read_text())
    result = invoke("render", "belgium", "--template-dir", "house")
    assert result.exit_code == 0, result.output
    assert (project / "output" / "belgium.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ('render = "x"\n', "tipdraft.toml:1:1: error: render must be a table"),
        ("[render]\ntemplate_dir = 3\n", "tipdraft.toml:2:1: error: [render] template_dir must be a folder name or a list"),
        ("[render]\ntemplate_dir = [unclosed\n", "tipdraft.toml:2:17: error: Invalid value\n"),
        (b"[render]\n# caf\xe9\n", "tipdraft.toml:1:1: error: not UTF-8 text"),
        (
            '[render]\ntemplate_dirr = "house"\n',
            "tipdraft.toml:2:1: error: [render] unknown setting 'template_dirr' (did you mean 'template_dir'?)",
        ),
        ('[rendre]\ntemplate_dir = "house"\n', "tipdraft.toml:1:1: error: unknown setting 'rendre' (did you mean 'render'?)"),
        ('template_dir = "house"\n', "tipdraft.toml:1:1: error: unknown setting 'template_dir'; tipdraft.toml knows [render]"),
    ],
)
def test_a_problem_in_tipdraft_toml_is_located_and_exits_1(project: Path, settings: str | bytes, message: str) -> None:
    path = project / "tipdraft.toml"
    path.write_bytes(settings if isinstance(settings, bytes) else settings.encode())
    for command in ("validate", "render", "status"):
        result = invoke(command, "belgium")
        assert result.exit_code == 1, result.output
        assert message in result.stderr and "Traceback" not in result.output
        assert len(result.stderr.splitlines()) == 1


@pytest.mark.slow
def test_the_command_run_alone_behaves_as_in_the_whole_group() -> None:
    """The entry point builds only the command the line names: its help, its errors and its
    results are the same as the whole group's."""
    commands = {c.name or get_command_name(c.callback.__name__): c for c in app.registered_commands if c.callback}
    assert {"validate", "render", "diff", "import", "preview", "new", "review"} <= set(commands)
    for name, command in commands.items():
        narrowed = only(app, ["--quiet", name, "x"])
        assert narrowed.registered_commands == [command]
        for args in ([name, "--help"], [name, "--no-such-option"]):
            alone, whole = runner.invoke(narrowed, args), runner.invoke(app, args)
            assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output), args
    for args in ([], ["--help"], ["validat", "x"], ["--version"]):  # no command named: the whole list
        assert only(app, args) is app
    checked = runner.invoke(only(app, ["validate", str(BELGIUM)]), ["validate", str(BELGIUM)])
    assert checked.exit_code == 0 and "0 error(s)" in checked.output


def test_a_mistyped_editions_folder_is_a_usage_error(project: Path) -> None:
    for folder, problem in (("nowhere", "no such folder"), ("countries/belgium.yaml", "is a file, not a folder")):
        for command in (["validate", "belgium"], ["diff", "belgium", "belgium"]):
            result = invoke(*command, "--editions", folder)
            assert (result.exit_code, result.stderr) == (2, f"tipdraft: error: edition folder {folder}: {problem}\n")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "expected a mapping of keys (edition, report_year, paragraphs, ...), found nothing"),
        ('edition: "2010"\nparagraphs: [\n', "2010.yaml:3:1: not a valid questionnaire edition: YAML syntax error"),
        ('edition: "2010"\nparagraphs:\n  - number: 23\n', "no 'report_year' key where one is needed"),
    ],
)
def test_a_broken_edition_file_is_said_in_words(project: Path, text: str, said: str) -> None:
    (project / "eds").mkdir()
    (project / "eds" / "2010.yaml").write_text(text)
    (project / "countries" / "x.yaml").write_text(
        (project / "countries" / "belgium.yaml").read_text().replace('edition: "2009"', 'edition: "2010"')
    )
    result = invoke("validate", "x", "--editions", "eds")
    assert result.exit_code == 1 and said in result.stderr, result.stderr
    assert "NoneType" not in result.stderr and "<unicode string>" not in result.stderr and "\n  in" not in result.stderr
