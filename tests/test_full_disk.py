"""A full disk is said as one line naming the output and the cause ("disk full"), and the
previous outputs stay as they were, whichever step meets it (the text, WeasyPrint's temporary
folder, the rename)."""

from __future__ import annotations

import errno
import hashlib
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tip_drafter import api, output
from tip_drafter.errors import OutputError

from conftest import BELGIUM, ROOT


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def old(tmp_path: Path) -> Path:
    """An output folder holding a render of Belgium."""
    out = tmp_path / "out"
    api.render_file(BELGIUM, out, api.Options())
    return out


def no_room() -> None:
    """In the child, before exec: no file may grow (``ulimit -f 0``), and the signal that would
    kill it for trying is ignored, so the write fails with EFBIG as on a full disk."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


@pytest.mark.parametrize("formats", [["--format", "txt"], ["--format", "txt", "--format", "pdf", "--jobs", "1"]])
@pytest.mark.slow
def test_a_render_under_a_file_size_limit_of_zero_names_the_output_and_the_cause(old: Path, formats: list[str]) -> None:
    before = digests(old)
    done = subprocess.run(
        [sys.executable, "-m", "tip_drafter", "render", str(BELGIUM), "-o", str(old), "--width", "60", *formats],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=no_room,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith(f"tipdraft: error: {old}/belgium."), lines[0]
    assert "disk full" in lines[0] and lines[0].endswith("the previous outputs are kept")
    assert digests(old) == before


@pytest.mark.slow
def test_an_injected_no_space_while_staging_names_the_output(old: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = digests(old)

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output.os, "write", full)
    monkeypatch.setattr(output.os, "fsync", lambda fd: full(fd, b""))
    with pytest.raises(OutputError) as caught:
        api.render_file(BELGIUM, old, api.Options(formats=("txt",)))
    said = str(caught.value)
    assert said.startswith(f"{old}/belgium.txt: cannot write: ") and "(disk full)" in said and said.endswith(output.KEPT)
    assert digests(old) == before


@pytest.mark.parametrize(
    "raised",
    [
        OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
        FileNotFoundError(errno.ENOENT, "No usable temporary directory found in ['/tmp']"),
    ],
)
@pytest.mark.slow
def test_a_full_disk_met_while_making_the_pdf_names_the_pdf_and_the_cause(
    old: Path, monkeypatch: pytest.MonkeyPatch, raised: OSError
) -> None:
    """WeasyPrint meets the full disk first (its font folder): its error hides the cause, which
    a probe of the output folder finds."""
    before = digests(old)

    def weasyprint(job: object) -> object:
        raise raised

    real_open = os.open

    def full_disk(path: str, flags: int, mode: int = 0o777) -> int:
        if flags & os.O_CREAT:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(path, flags, mode)

    monkeypatch.setattr(api, "make", weasyprint)
    monkeypatch.setattr(output.os, "open", full_disk)
    with pytest.raises(OutputError) as caught:
        api.render_file(BELGIUM, old, api.Options())
    said = str(caught.value)
    assert said.startswith(f"{old}/belgium.pdf: cannot write: {raised.strerror}") and "(disk full)" in said
    assert digests(old) == before


@pytest.mark.slow
def test_a_pdf_failure_that_is_not_a_full_disk_keeps_the_systems_reason(old: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def weasyprint(job: object) -> object:
        raise PermissionError(errno.EACCES, "Permission denied", "/tmp/weasyprint-x")

    monkeypatch.setattr(api, "make", weasyprint)
    with pytest.raises(OutputError, match=r"belgium\.pdf: cannot write: Permission denied; the previous outputs are kept$"):
        api.render_file(BELGIUM, old, api.Options())
    assert not [p for p in old.iterdir() if p.name.endswith(output.TMP_SUFFIX)]


@pytest.mark.slow
def test_a_render_of_several_files_under_a_file_size_limit_names_each_pdf_and_the_cause(old: Path, tmp_path: Path) -> None:
    """With several files the PDF workers start first, and their folder is the first thing the
    full disk refuses: the PDFs are then made in the command's own process, each refused with
    its name and the cause (it was ``a file: No usable temporary directory found``)."""
    sources = []
    for name in ("belgium.yaml", "belgique.yaml"):
        (tmp_path / name).write_bytes(BELGIUM.read_bytes())
        sources.append(str(tmp_path / name))
    api.render_file(tmp_path / "belgique.yaml", old, api.Options())
    before = digests(old)
    done = subprocess.run(
        [sys.executable, "-m", "tip_drafter", "render", *sources, "-o", str(old), "--width", "60", "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=no_room,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert "Traceback" not in done.stderr and len(lines) == 2, done.stderr
    for line, name in zip(lines, ("belgium", "belgique"), strict=True):
        assert line.startswith(f"tipdraft: error: {old}/{name}."), line
        assert "disk full" in line and line.endswith("the previous outputs are kept")
    assert digests(old) == before
