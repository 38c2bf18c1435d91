"""Nothing lost: atomic writes, safe output names, the country file never overwritten."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tip_drafter import api, layout, write
from tip_drafter.errors import OutputError

from conftest import BELGIUM


def test_a_failed_rename_leaves_the_previous_output_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.render_file(BELGIUM, tmp_path, api.Options(formats=("txt",)))
    before = (tmp_path / "belgium.txt").read_bytes()

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write.os, "replace", broken)
    with pytest.raises(OutputError, match=r"belgium\.txt: cannot write: No space left on device"):
        api.render_file(BELGIUM, tmp_path, api.Options(formats=("txt",), settings=layout.Settings(width=40)))
    assert (tmp_path / "belgium.txt").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".belgium.tipdraft.json", "belgium.txt"]


def test_an_interrupt_mid_write_leaves_the_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "belgium.txt"
    target.write_bytes(b"previous render\n")
    real_fsync = os.fsync

    def killed(fd: int) -> None:
        real_fsync(fd)
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C halfway

    monkeypatch.setattr(write.os, "fsync", killed)
    with pytest.raises(KeyboardInterrupt):
        write.atomic_write(target, b"new render, half written")
    assert target.read_bytes() == b"previous render\n"
    assert [p.name for p in tmp_path.iterdir()] == ["belgium.txt"]


def test_written_files_are_readable_by_others(tmp_path: Path) -> None:
    write.atomic_write(tmp_path / "a.txt", b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o666 & ~mask


@pytest.mark.parametrize("stem", ["../escape", "a/b", ".hidden", "", "..", "a\\b"])
def test_output_names_cannot_leave_the_output_folder(tmp_path: Path, stem: str) -> None:
    with pytest.raises(OutputError, match="is not a safe output file name"):
        write.output_path(tmp_path, stem, "txt")


def test_render_never_writes_over_the_country_file(tmp_path: Path) -> None:
    source = tmp_path / "belgium.txt"
    source.write_text(BELGIUM.read_text())
    with pytest.raises(OutputError, match="refusing to write the output over the country file itself"):
        api.render_file(source, tmp_path, api.Options(formats=("txt",)))
    assert source.read_text() == BELGIUM.read_text()
