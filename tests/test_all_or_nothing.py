"""Outputs are replaced all or nothing: after any fault, every output is the old one or every
one is new, and no temporary file is left."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tip_drafter import output
from tip_drafter.errors import OutputError


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(output.TMP_SUFFIX))


@pytest.fixture
def old(tmp_path: Path) -> tuple[Path, Path]:
    txt, pdf = tmp_path / "belgium.txt", tmp_path / "belgium.pdf"
    txt.write_bytes(b"old text\n")
    pdf.write_bytes(b"%PDF old\n")
    return txt, pdf


def test_a_failure_staging_the_second_output_replaces_neither(old: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    txt, pdf = old
    before = (digest(txt), digest(pdf))
    real_fsync = os.fsync
    calls = []

    def full_disk(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(output.os, "fsync", full_disk)
    with pytest.raises(OutputError, match=r"belgium\.pdf: cannot write: No space left on device"):
        output.replace_all({txt: b"new text\n", pdf: b"%PDF new\n"})
    assert (digest(txt), digest(pdf)) == before
    assert leftovers(txt.parent) == []


def test_an_output_that_is_a_folder_stops_everything_before_any_rename(old: tuple[Path, Path]) -> None:
    txt, _ = old
    folder = txt.parent / "belgium.html"
    folder.mkdir()
    with pytest.raises(OutputError, match=r"belgium\.html: is a folder"):
        output.replace_all({txt: b"new text\n", folder: b"<html>"})
    assert txt.read_bytes() == b"old text\n"
    assert leftovers(txt.parent) == []


KILL_BETWEEN_RENAMES = """
import os, signal, sys
from pathlib import Path
from tip_drafter import output as write
real = os.replace
def replace(src, dst):
    real(src, dst)
    os.kill(os.getpid(), signal.{signal})  # the kill lands between the first and second rename
os.replace = replace
write.replace_all({{Path(sys.argv[1]): b"new text\\n", Path(sys.argv[2]): b"%PDF new\\n"}})
"""


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_a_kill_between_the_renames_leaves_all_new_outputs(old: tuple[Path, Path], sig: str) -> None:
    txt, pdf = old
    script = textwrap.dedent(KILL_BETWEEN_RENAMES.format(signal=sig))
    done = subprocess.run([sys.executable, "-c", script, str(txt), str(pdf)], capture_output=True, check=False)
    assert done.returncode != 0  # it was killed (after the renames)
    assert (txt.read_bytes(), pdf.read_bytes()) == (b"new text\n", b"%PDF new\n")
    assert leftovers(txt.parent) == []


def test_stale_temporary_files_of_a_dead_process_are_cleaned(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    stale = tmp_path / f".belgium.txt.{dead.stdout.strip()}.abc123{output.TMP_SUFFIX}"
    live = tmp_path / f".belgium.pdf.{os.getpid()}.def456{output.TMP_SUFFIX}"
    stale.write_bytes(b"half")
    live.write_bytes(b"half")
    assert output.clean_stale(tmp_path) == [stale]
    assert leftovers(tmp_path) == [live.name]


RENDER_KILLED = """
import os, signal, sys
from pathlib import Path
out = Path(sys.argv[sys.argv.index("-o") + 1]).resolve()
real = os.replace
def replace(src, dst):
    real(src, dst)
    if Path(dst).resolve().parent == out:  # an output, not an entry of the user cache
        os.kill(os.getpid(), signal.SIGTERM)  # killed between the first and the second rename
os.replace = replace
sys.argv = ["tipdraft", "render", *sys.argv[1:]]
from tip_drafter.__main__ import main
main()
"""


@pytest.mark.slow
def test_a_render_killed_between_its_renames_leaves_both_outputs_new(tmp_path: Path) -> None:
    from conftest import BELGIUM

    out = tmp_path / "out"
    old = subprocess.run(
        [sys.executable, "-m", "tip_drafter", "render", str(BELGIUM), "-o", str(out), "--width", "70", "--jobs", "1"],
        capture_output=True,
        check=True,
    )
    assert old.returncode == 0
    before = {p.name: digest(p) for p in out.iterdir()}
    killed = subprocess.run(
        [sys.executable, "-c", RENDER_KILLED, str(BELGIUM), "-o", str(out), "--jobs", "1"], capture_output=True, check=False
    )
    assert killed.returncode == 143, killed.stderr
    assert b"Traceback" not in killed.stderr
    after = {p.name: digest(p) for p in out.iterdir()}
    assert sorted(after) == [".belgium.tipdraft.json", "belgium.pdf", "belgium.txt"]  # no temporary file left
    assert all(after[name] != before[name] for name in after)  # both new, not one of each
