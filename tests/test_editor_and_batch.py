"""Editor support (JSON Schema), batch rendering, template overrides, CLI conventions."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from processes import Command, children, descendants, in_session, wait_until, workers
from ruamel.yaml import YAML
from typer.testing import CliRunner

from tip_drafter import api, console
from tip_drafter.cli.main import app
from tip_drafter.edition import load_edition
from tip_drafter.errors import PdfFailed
from tip_drafter.format import schema
from tip_drafter.pdf.maker import PdfMaker

from conftest import BELGIUM, DATA, ROOT, matches_golden

runner = CliRunner()
SCHEMA = schema.json_schema(load_edition("2009"))


def as_json(path: Path) -> Any:
    """The file as an editor's YAML server sees it: JSON types, keys as strings."""
    return json.loads(json.dumps(YAML(typ="safe").load(path.read_text())))


def schema_errors(data: Any) -> list[tuple[list[Any], str]]:
    return [(list(e.path), e.message) for e in jsonschema.Draft7Validator(SCHEMA).iter_errors(data)]


def test_schema_is_valid_draft_07_and_accepts_belgium() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert schema_errors(as_json(BELGIUM)) == []


def test_schema_rejects_a_misspelled_key_and_a_missing_item() -> None:
    data = as_json(BELGIUM)
    data["cable"]["signatur"] = data["cable"].pop("signature")
    del data["answers"]["25"]["E"]
    found = schema_errors(data)
    assert (["cable"], "Additional properties are not allowed ('signatur' was unexpected)") in found
    assert (["cable"], "'signature' is a required property") in found
    assert any(path == ["answers", "25"] and "should not be valid" in message for path, message in found)
    assert len(found) == 3


def test_schema_counts_a_joint_answer_for_each_of_its_letters() -> None:
    data = as_json(BELGIUM)
    assert "B and C" in data["answers"]["25"]
    del data["answers"]["25"]["B and C"]
    assert len(schema_errors(data)) == 2  # B and C both missing now


def test_schema_describes_items_with_their_topic() -> None:
    item = SCHEMA["properties"]["answers"]["patternProperties"]["^26$"]["properties"]["G"]
    assert item["description"] == "26.G: numbers of victims assisted (statistics)"


def test_committed_schema_is_current_and_belgium_points_at_it() -> None:
    committed = ROOT / "schemas" / "2009.schema.json"
    assert json.loads(committed.read_text()) == SCHEMA
    first = BELGIUM.read_text().splitlines()[0]
    assert first == schema.modeline(committed, BELGIUM) == "# yaml-language-server: $schema=../schemas/2009.schema.json"
    assert (BELGIUM.parent / first.split("=", 1)[1]).resolve() == committed.resolve()


def test_schema_command_writes_the_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema", "--edition", "2009", "-o", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "s.json").read_text()) == SCHEMA
    result = runner.invoke(app, ["schema", "--edition", "1999"])
    assert result.exit_code == 2 and "no questionnaire edition '1999' (available: 2009" in result.stderr


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three country files, the second broken."""
    countries = tmp_path / "countries"
    countries.mkdir()
    for name in ("a", "b", "c"):
        shutil.copy(BELGIUM, countries / f"{name}.yaml")
    broken = countries / "b.yaml"
    broken.write_text(broken.read_text().replace("    D: |-\n      Belgium is not a source country.\n", "    D: ''\n"))
    return countries


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.slow
def test_a_folder_with_one_broken_file_renders_the_others(folder: Path, tmp_path: Path, jobs: str) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(folder), "-o", str(out), "--jobs", jobs])
    assert result.exit_code == 1
    line = next(i for i, t in enumerate((folder / "b.yaml").read_text().splitlines(), 1) if t == "    D: ''")
    assert f"{folder / 'b.yaml'}:{line}:8: error: para 23.D: answer is empty" in result.stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["a.pdf", "a.txt", "c.pdf", "c.txt"]
    assert result.stdout.splitlines()[-1] == f"2 rendered, 1 failed: {folder / 'b.yaml'}"


@pytest.mark.slow
def test_workers_and_one_process_write_the_same_bytes(folder: Path, tmp_path: Path) -> None:
    (folder / "b.yaml").unlink()
    for jobs in ("1", "2"):
        assert runner.invoke(app, ["render", str(folder), "-o", str(tmp_path / jobs), "--jobs", jobs]).exit_code == 0
    for name in ("a.txt", "a.pdf", "c.txt", "c.pdf"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes()


def test_validate_accepts_a_folder(folder: Path) -> None:
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    assert result.stdout == "3 file(s) checked: 1 error(s), 0 warning(s)\n"


def house_templates(tmp_path: Path) -> Path:
    """A post's override of one template: the cable text with an extra line after SUBJECT."""
    folder = tmp_path / "house"
    folder.mkdir()
    text = (ROOT / "templates" / "cable.txt.j2").read_text()
    (folder / "cable.txt.j2").write_text(
        text.replace("SUBJECT: {{ cable.subject }}\n", "SUBJECT: {{ cable.subject }}\nHOUSE STYLE\n")
    )
    return folder


def test_template_dir_changes_one_part_of_the_layout(tmp_path: Path) -> None:
    folder = house_templates(tmp_path)
    result = runner.invoke(
        app, ["render", str(BELGIUM), "--format", "txt", "-o", str(tmp_path / "out"), "--template-dir", str(folder)]
    )
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "out" / "belgium.txt").read_text().splitlines()
    assert lines[lines.index("SUBJECT: BELGIUM: 2009 TIP REPORT -- CORRECTED COPY") + 1] == "HOUSE STYLE"
    golden = (DATA / "belgium.golden.txt").read_text().splitlines()
    assert [line for line in lines if line != "HOUSE STYLE"][:40] == golden[:40]


def test_project_settings_name_a_template_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    house_templates(tmp_path)
    (tmp_path / "tipdraft.toml").write_text('[render]\ntemplate_dir = "house"\n')
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["render", str(BELGIUM), "--format", "txt", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert "HOUSE STYLE" in (tmp_path / "out" / "belgium.txt").read_text().splitlines()
    (tmp_path / "tipdraft.toml").write_text('[render]\ntemplate_dir = "nowhere"\n')
    result = runner.invoke(app, ["render", str(BELGIUM), "--format", "txt", "-o", "out"])
    assert result.exit_code == 1
    assert (
        result.stderr == f"tipdraft.toml:2:1: error: [render] template_dir: no such folder: {(tmp_path / 'nowhere').resolve()}\n"
    )


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ cable.subject }\n", "cable.txt.j2:1: template error: unexpected '}'"),
        (
            "line one\n{{ cable.no_such_field }}\n",
            "cable.txt.j2:2: template error: 'tip_drafter.cable.model.Cable object' has no attribute 'no_such_field'",
        ),
        ('{% include "missing.j2" %}\n', "template 'missing.j2' not found"),
        (
            "UNCLAS \u2014 {{ cable.subject }}\n",
            "cable.txt.j2 (or its override) writes '\u2014' (U+2014 EM DASH) on line 23 of the cable text, which a cable cannot carry",
        ),
    ],
)
def test_a_broken_template_is_named_with_its_line(tmp_path: Path, template: str, expected: str) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "cable.txt.j2").write_text(template)
    result = runner.invoke(
        app, ["render", str(BELGIUM), "--format", "txt", "-o", str(tmp_path / "out"), "--template-dir", str(folder)]
    )
    assert result.exit_code == 1
    assert expected in result.stderr
    assert "Traceback" not in result.output


def test_help_snapshot() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})
    assert result.exit_code == 0
    assert matches_golden("help.txt", result.stdout)


@pytest.mark.parametrize("command", ["validate", "render", "schema", "new", "skeleton", "import", "diff", "status"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert "Example: tipdraft " + command in " ".join(result.stdout.split())


def test_quiet_prints_errors_only_and_verbose_more(tmp_path: Path, folder: Path) -> None:
    quiet = runner.invoke(app, ["-q", "render", str(folder), "--format", "txt", "-o", str(tmp_path / "q")])
    assert quiet.stdout == ""
    assert "error: para 23.D: answer is empty" in quiet.stderr
    verbose = runner.invoke(app, ["-v", "render", str(BELGIUM), "--format", "txt", "-o", str(tmp_path / "v")])
    assert "templates searched: bundled" in verbose.stderr


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert console.colour_wanted(Tty())
    assert not console.colour_wanted(object())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not console.colour_wanted(Tty())


def test_version() -> None:
    from tip_drafter import __version__

    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"tipdraft {__version__}\n")


@pytest.mark.parametrize("when", ["while starting", "after the first file"])
@pytest.mark.slow
def test_ctrl_c_exits_130_without_a_traceback_from_any_process(folder: Path, tmp_path: Path, when: str) -> None:
    (folder / "b.yaml").write_text(BELGIUM.read_text())
    for name in ("d", "e", "f"):
        shutil.copy(BELGIUM, folder / f"{name}.yaml")
    command = Command([sys.executable, "-m", "tip_drafter", "render", str(folder), "-o", str(tmp_path / "out"), "--jobs", "2"])
    if when == "while starting":  # the PDF workers' server is there, importing WeasyPrint
        wait_until(lambda: descendants(command.process.pid), 30, "the PDF workers' server starts")
    else:
        command.wait_for_line(": wrote ", 60)
    command.interrupt()
    status, _, err = command.finish(5)
    assert status == 130, err
    assert "Traceback" not in err, err
    assert in_session(command.process.pid) == []


@pytest.mark.slow
def test_a_worker_that_dies_fails_its_pdf_and_the_others_are_made(tmp_path: Path) -> None:
    job = api.prepare(BELGIUM, tmp_path, api.Options()).pdf_job
    assert job is not None
    with PdfMaker(1) as maker:
        first, second = maker.submit(job), maker.submit(job)
        (server,) = children(os.getpid())
        wait_until(lambda: workers(server), 30, "the worker starts")
        (worker,) = workers(server)
        os.kill(worker, signal.SIGKILL)
        with pytest.raises(PdfFailed, match="the worker process making it died"):
            first.result()
        assert second.result()[0].startswith(b"%PDF-")
    assert descendants(os.getpid()) == []


KILL_A_WORKER = """
import os, signal, sys, threading, time
sys.path.insert(0, sys.argv.pop(1))
from processes import children, workers

def kill_one_worker():
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [p for server in children(os.getpid()) for p in workers(server)]
        if found:  # a worker holds a job from its start until it answers (a PDF takes far longer)
            os.kill(found[0], signal.SIGKILL)  # as the out-of-memory killer would
            return
        time.sleep(0.005)

threading.Thread(target=kill_one_worker, daemon=True).start()
sys.argv = ["tipdraft", "render", *sys.argv[1:]]
from tip_drafter.__main__ import main
main()
"""


@pytest.mark.slow
def test_a_batch_whose_worker_is_killed_renders_every_other_file(tmp_path: Path) -> None:
    folder = tmp_path / "countries"
    folder.mkdir()
    names = ["a", "b", "c", "d"]
    for name in names:
        shutil.copy(BELGIUM, folder / f"{name}.yaml")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-c", KILL_A_WORKER, str(Path(__file__).parent), str(folder), "-o", str(out), "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    summary = done.stdout.splitlines()[-1]
    assert summary.startswith("3 rendered, 1 failed: "), summary
    failed = summary.rsplit(": ", 1)[1]
    assert f"{out / Path(failed).stem}.pdf: PDF not made: the worker process making it died" in done.stderr  # the file named
    written = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert written == sorted(f"{n}.{ext}" for n in names if str(folder / f"{n}.yaml") != failed for ext in ("pdf", "txt"))
