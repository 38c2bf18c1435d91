"""A render killed between its renames (SIGKILL, a power cut) leaves outputs from two renders:
the manifest beside them shows it, ``tipdraft status`` says so, and the next render replaces
them all, whatever formats it was asked for."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tip_drafter import api, manifest, output
from tip_drafter.cable import layout
from tip_drafter.cli.main import app

from conftest import BELGIUM, ROOT, examples

runner = CliRunner()
MIXED = "countries/belgium.yaml: warning: output/belgium.txt and .pdf are from different renders; render again"


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs in the render."""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "countries").mkdir()
    shutil.copy(BELGIUM, tmp_path / "countries" / "belgium.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def options(formats: tuple[str, ...], width: int) -> api.Options:
    return api.Options(formats=formats, settings=layout.Settings(width=width))


def killed_after(renames: int) -> pytest.MonkeyPatch:
    """``os.replace`` that does ``renames`` renames, then stops the render (as SIGKILL would)."""
    real = os.replace
    done: list[str] = []

    def replace(src: str, dst: str) -> None:
        if len(done) == renames:
            raise Killed
        done.append(dst)
        real(src, dst)

    patch = pytest.MonkeyPatch()
    patch.setattr(output.os, "replace", replace)
    return patch


def status() -> str:
    result = runner.invoke(app, ["status", "countries/belgium.yaml"])
    assert "Traceback" not in result.output
    return result.stderr


def contents(folder: Path, names: tuple[str, ...]) -> dict[str, bytes | None]:
    return {n: (folder / n).read_bytes() if (folder / n).exists() else None for n in names}


SOURCE = Path("countries/belgium.yaml")


@settings(max_examples=examples(1), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    formats=st.sampled_from([("txt", "html"), ("html", "txt")]),
    renames=st.integers(min_value=0, max_value=2),  # the kill lands before the first, second or last rename
    first_render=st.booleans(),
    repair_formats=st.sampled_from([("txt",), ("html",), ("txt", "html")]),
)
@pytest.mark.slow
def test_wherever_the_kill_lands_status_tells_a_mixed_set_and_the_next_render_repairs_it(
    project: Path, formats: tuple[str, ...], renames: int, first_render: bool, repair_formats: tuple[str, ...]
) -> None:
    out = project / "output"
    shutil.rmtree(out, ignore_errors=True)
    names = tuple(f"belgium.{f}" for f in formats)
    if not first_render:
        api.render_file(SOURCE, out, options(formats, 60))
    old = contents(out, names)
    api.render_file(SOURCE, project / "fresh", options(formats, 70))
    new = contents(project / "fresh", names)

    patch = killed_after(renames)
    try:
        with pytest.raises(Killed):
            api.render_file(SOURCE, out, options(formats, 70))
    finally:
        patch.undo()
    now = contents(out, names)
    came_from = {"old" if now[n] == old[n] else "new" if now[n] == new[n] else "?" for n in names}
    assert "?" not in came_from
    # the manifest is renamed first, then each output: a set is mixed while some but not all are
    assert (came_from == {"old", "new"}) == (2 <= renames <= len(names))
    said = status()
    assert ("are from different renders; render again" in said) == (len(came_from) > 1), said
    if len(came_from) > 1:
        assert "countries/belgium.yaml: warning: output/belgium." in said

    repaired = api.render_file(SOURCE, out, options(repair_formats, 70))
    assert contents(out, names)[f"belgium.{repair_formats[0]}"] == new[f"belgium.{repair_formats[0]}"]
    if len(came_from) > 1:
        assert contents(out, names) == new  # all replaced, not only the formats asked for
        assert any("all replaced by this render" in note for note in repaired.notes)
    assert "different renders" not in status()


KILLED_BETWEEN = """
import os, signal, sys
real = os.replace
last = sys.argv[1]
def replace(src, dst):
    real(src, dst)
    if str(dst).endswith(last):
        os.kill(os.getpid(), signal.SIGKILL)  # no handler, no finally: as a power cut
os.replace = replace
sys.argv = ["tipdraft", "render", *sys.argv[2:]]
from tip_drafter.__main__ import main
main()
"""


@pytest.mark.slow
def test_a_render_killed_by_sigkill_between_the_txt_and_the_pdf_is_told_and_repaired(project: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = ["countries/belgium.yaml", "--jobs", "1", "--width", "60"]
    subprocess.run([sys.executable, "-m", "tip_drafter", "render", *first], check=True, capture_output=True, env=env, timeout=120)
    old_pdf = (project / "output" / "belgium.pdf").read_bytes()
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BETWEEN, "belgium.txt", "countries/belgium.yaml", "--jobs", "1"],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (project / "output" / "belgium.pdf").read_bytes() == old_pdf  # the pair is mixed now
    assert MIXED in status()

    again = runner.invoke(app, ["render", "countries/belgium.yaml", "--format", "txt", "--jobs", "1"])
    assert again.exit_code == 0, again.output
    assert "output/belgium.txt and .pdf are from different renders; all replaced by this render" in again.stderr
    fresh = project / "fresh"
    api.render_file(Path("countries/belgium.yaml"), fresh, api.Options())
    for name in ("belgium.txt", "belgium.pdf"):
        assert (project / "output" / name).read_bytes() == (fresh / name).read_bytes(), name
    assert "different renders" not in status()
    assert not [p for p in (project / "output").iterdir() if p.name.endswith(output.TMP_SUFFIX)]  # the killed one's: cleaned


def test_a_manifest_that_is_not_ours_is_ignored(project: Path) -> None:
    out = project / "output"
    api.render_file(SOURCE, out, api.Options(formats=("txt", "html")))
    record = manifest.path_for(out / "belgium.txt")
    for junk in (b"", b"[1, 2]", b"{not json", b'{"outputs": 3}', b"x" * (manifest.LIMIT + 1)):
        record.write_bytes(junk)
        assert "different renders" not in status()
        assert api.render_file(SOURCE, out, api.Options(formats=("txt",))).notes == []
