"""The user cache played against: another user's link or files, planted and corrupt entries, a
FIFO, prune through a link. The cache is only ever an optimization: whatever is in it, the
result is the one computed afresh, and nothing outside the user's own folder is read or removed."""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tip_drafter.yamlio import cache
from tip_drafter.yamlio import load as loader

from conftest import BELGIUM, ROOT, examples

TEXT = "a: [1, 2]\nb: {c: text}\n"
TRUE = {"a": [1, 2], "b": {"c": "text"}}
OTHER_USER = 65534  # nobody
MAGIC = b"tipdraft cache 1\n"  # as cache.MAGIC: entries planted in the cache's own format
root_only = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")


def entry_name(home: Path) -> str:
    """The name the cache gives TEXT's entry (learned from a clean cache)."""
    os.environ["XDG_CACHE_HOME"] = str(home)
    assert loader.read_data(TEXT) == TRUE
    (entry,) = (home / "tipdraft" / "data").iterdir()
    return entry.name


def good_entry(payload: bytes) -> bytes:
    """An entry in the cache's own format, right checksum and all."""
    return MAGIC + hashlib.sha256(payload).digest() + payload


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg"


def world_writable(path: Path) -> Path:
    path.mkdir(parents=True)
    path.chmod(0o777)
    return path


def test_a_link_to_a_world_writable_folder_with_a_planted_entry_is_not_used(home: Path, tmp_path: Path) -> None:
    name = entry_name(tmp_path / "clean")
    os.environ["XDG_CACHE_HOME"] = str(home)
    planted = world_writable(tmp_path / "shared")
    for payload in (marshal.dumps({"a": "planted"}), good_entry(marshal.dumps({"a": "planted"}))):
        (planted / name).write_bytes(payload)
        (home / "tipdraft").mkdir(parents=True, exist_ok=True)
        (home / "tipdraft" / "data").unlink(missing_ok=True)
        (home / "tipdraft" / "data").symlink_to(planted)
        assert loader.read_data(TEXT) == TRUE
        assert (planted / name).read_bytes() == payload  # nothing written through the link


def test_prune_never_removes_through_a_link(home: Path, tmp_path: Path) -> None:
    victim = world_writable(tmp_path / "someone-elses")
    for number in range(cache.KEEP + 10):
        (victim / f"{number:064x}.marshal").write_bytes(b"their work")
    (home / "tipdraft").mkdir(parents=True)
    (home / "tipdraft" / "data").symlink_to(victim)
    for number in range(cache.KEEP + 10):
        assert loader.read_data(f"n: {number}\n") == {"n": number}
    assert len(list(victim.iterdir())) == cache.KEEP + 10


def test_prune_in_the_users_folder_removes_only_its_own_entries(home: Path, tmp_path: Path) -> None:
    assert loader.read_data(TEXT) == TRUE
    folder = home / "tipdraft" / "data"
    outside = world_writable(tmp_path / "outside")
    (outside / "keep.marshal").write_bytes(b"x")
    (folder / f"{0:064x}.marshal").symlink_to(outside / "keep.marshal")
    (folder / "notes.txt").write_text("not an entry")
    for number in range(cache.KEEP + 5):
        loader.read_data(f"n: {number}\n")
    assert (outside / "keep.marshal").read_bytes() == b"x" and (folder / "notes.txt").exists()
    assert len(list(folder.glob("*.marshal"))) <= cache.KEEP + 1


@pytest.mark.parametrize(
    "content",
    [
        marshal.dumps({"a": "planted, no checksum"}),
        marshal.dumps(None),  # read back as data, it broke every run ("NoneType ... not subscriptable")
        b"\xff not marshal data",
        good_entry(marshal.dumps(None))[:-1],  # cut short
        MAGIC + b"\0" * 32 + marshal.dumps({"a": "wrong checksum"}),
    ],
)
def test_a_bad_entry_is_ignored_and_rewritten(home: Path, content: bytes) -> None:
    name = entry_name(home)
    entry = home / "tipdraft" / "data" / name
    entry.write_bytes(content)
    assert loader.read_data(TEXT) == TRUE
    with cache.opened("data") as folder:
        assert folder is not None
        payload = cache.read_entry(folder, name)
    assert payload is not None and marshal.loads(payload) == TRUE  # rewritten


@settings(max_examples=examples(2))
@given(content=st.binary(max_size=200), framed=st.booleans())
def test_whatever_an_entry_holds_the_result_is_the_parse(
    tmp_path_factory: pytest.TempPathFactory, content: bytes, framed: bool
) -> None:
    home = tmp_path_factory.mktemp("xdg")
    name = entry_name(home)
    (home / "tipdraft" / "data" / name).write_bytes(MAGIC + content if framed else content)
    assert loader.read_data(TEXT) == TRUE


def test_a_fifo_where_an_entry_goes_never_hangs(home: Path) -> None:
    name = entry_name(home)
    entry = home / "tipdraft" / "data" / name
    entry.unlink()
    os.mkfifo(entry)
    code = f"from tip_drafter.yamlio.load import read_data; print(read_data({TEXT!r}))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stdout.strip() == repr(TRUE), done.stderr
    assert entry.is_file()  # the FIFO replaced by a good entry (the name, not what it was)


def test_a_folder_above_the_cache_others_can_write_means_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = world_writable(tmp_path / "shared")  # not sticky: anyone could swap the folders in it
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared / "xdg"))
    assert loader.read_data(TEXT) == TRUE
    assert not (shared / "xdg" / "tipdraft").exists()


@root_only
def test_entries_and_folders_of_another_user_are_not_used(home: Path, tmp_path: Path) -> None:
    name = entry_name(home)
    folder = home / "tipdraft" / "data"
    folder.chmod(0o777)
    entry = folder / name
    planted = good_entry(marshal.dumps({"a": "planted"}))
    entry.write_bytes(planted)
    os.chown(entry, OTHER_USER, OTHER_USER)
    assert loader.read_data(TEXT) == TRUE  # their file in our folder: not read, replaced
    assert folder.stat().st_mode & 0o777 == 0o700 and entry.stat().st_uid == os.geteuid()
    os.chown(folder, OTHER_USER, OTHER_USER)
    entry.write_bytes(planted)
    assert loader.read_data(TEXT) == TRUE  # their folder: not used at all
    assert entry.read_bytes() == planted


@root_only
def test_root_with_another_users_home_caches_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``sudo`` keeping HOME: the cache folder is in a folder another user owns."""
    theirs = tmp_path / "home-of-someone"
    theirs.mkdir(mode=0o755)
    os.chown(theirs, OTHER_USER, OTHER_USER)
    monkeypatch.setenv("XDG_CACHE_HOME", str(theirs))
    assert loader.read_data(TEXT) == TRUE
    assert not (theirs / "tipdraft").exists()


def test_a_planted_template_entry_is_never_loaded(home: Path, tmp_path: Path) -> None:
    """The bytecode cache: a link to a world-writable folder holding entries, in jinja's format
    (a pickle that would run code) and in the cache's own, for every compiled template."""
    output = tmp_path / "out"

    def render() -> str:
        command = [sys.executable, "-m", "tip_drafter", "render", str(BELGIUM), "--format", "txt", "-o", str(output)]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(home)}
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert done.returncode == 0, done.stderr
        return (output / "belgium.txt").read_text()

    expected = render()
    marker = tmp_path / "code-ran"
    bomb = jinja2.bccache.bc_magic + pickle.dumps(_Bomb(str(marker)))
    folders = sorted(p for p in (home / "tipdraft").iterdir() if p.name.startswith("jinja-"))
    assert folders
    for folder in folders:
        keys = [p.name.removeprefix("__jinja2_").split(".")[0] for p in folder.iterdir()]
        shutil.rmtree(folder)
        planted = world_writable(tmp_path / f"shared-{folder.name}")
        for key in keys:
            (planted / f"__jinja2_{key}.cache").write_bytes(bomb)
            (planted / f"{key}.jinja").write_bytes(good_entry(bomb))
        folder.symlink_to(planted)
    assert render() == expected
    assert not marker.exists()


class _Bomb:
    """Unpickled, it creates a file: the stand-in for code another user would have root run."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.path, "w"))


def test_a_compiled_template_is_read_back_from_the_users_own_cache(home: Path) -> None:
    """The cache still does its work where it is safe: the second environment compiles nothing."""
    compiled = []
    for _ in range(2):
        env = jinja2.Environment(loader=jinja2.DictLoader({"t": "hello {{ x }}"}), bytecode_cache=cache.bytecode_cache("jinja-t"))
        compile_ = env.compile
        env.compile = lambda *a, compile_=compile_, **k: compiled.append(1) or compile_(*a, **k)  # type: ignore[method-assign]
        assert env.get_template("t").render(x=1) == "hello 1"
    assert len(compiled) == 1
    (entry,) = (home / "tipdraft" / "jinja-t").iterdir()
    checksum, _, code = entry.read_bytes()[len(MAGIC) + 32 :].partition(b"\n")
    assert len(checksum) == 40 and int(checksum, 16) >= 0 and code  # the template's sha1, then marshal: no pickle
