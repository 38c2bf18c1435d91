"""Nothing lost: atomic writes, safe output names, the country file never overwritten."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tip_drafter import api, output
from tip_drafter.cable import layout
from tip_drafter.errors import OutputError
from tip_drafter.yamlio import rewrite

from conftest import BELGIUM, examples


def test_a_failed_rename_leaves_the_previous_output_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.render_file(BELGIUM, tmp_path, api.Options(formats=("txt",)))
    before = (tmp_path / "belgium.txt").read_bytes()

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", broken)
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

    monkeypatch.setattr(output.os, "fsync", killed)
    with pytest.raises(KeyboardInterrupt):
        output.atomic_write(target, b"new render, half written")
    assert target.read_bytes() == b"previous render\n"
    assert [p.name for p in tmp_path.iterdir()] == ["belgium.txt"]


def test_written_files_are_readable_by_others(tmp_path: Path) -> None:
    output.atomic_write(tmp_path / "a.txt", b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o666 & ~mask


def test_a_write_from_a_thread_never_changes_the_umask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The umask is the whole process's: setting it, even for a moment, changes the mode of
    every file another thread creates meanwhile."""
    set_to: list[int] = []
    real = os.umask

    def umask(mask: int) -> int:
        set_to.append(mask)
        return real(mask)

    monkeypatch.setattr(os, "umask", umask)
    writer = threading.Thread(
        target=lambda: (output.atomic_write(tmp_path / "a.txt", b"x"), rewrite.create(tmp_path / "b.yaml", b"y: 1\n"))
    )
    writer.start()
    writer.join(timeout=30)
    assert not writer.is_alive()
    assert (tmp_path / "a.txt").read_bytes() == b"x" and (tmp_path / "b.yaml").read_bytes() == b"y: 1\n"
    assert set_to == []


@settings(max_examples=examples(0.2), deadline=None)
@given(mask=st.integers(0, 0o777))
def test_written_files_have_an_ordinary_files_mode_under_any_umask(tmp_path_factory: pytest.TempPathFactory, mask: int) -> None:
    folder = tmp_path_factory.mktemp("mode")
    previous = os.umask(mask)
    try:
        output.atomic_write(folder / "a.txt", b"x")
        rewrite.create(folder / "b.yaml", b"y: 1\n")
    finally:
        os.umask(previous)
    for name in ("a.txt", "b.yaml"):
        assert (folder / name).stat().st_mode & 0o777 == 0o666 & ~mask


@pytest.mark.parametrize("stem", ["../escape", "a/b", ".hidden", "", "..", "a\\b"])
def test_output_names_cannot_leave_the_output_folder(tmp_path: Path, stem: str) -> None:
    with pytest.raises(OutputError, match="is not a safe output file name"):
        output.output_path(tmp_path, stem, "txt")


def test_render_never_writes_over_the_country_file(tmp_path: Path) -> None:
    source = tmp_path / "belgium.txt"
    source.write_text(BELGIUM.read_text())
    with pytest.raises(OutputError, match="refusing to write the output over the country file itself"):
        api.render_file(source, tmp_path, api.Options(formats=("txt",)))
    assert source.read_text() == BELGIUM.read_text()
