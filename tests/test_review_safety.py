"""What review writes: never over a save made elsewhere meanwhile, never what the loader would
refuse (the user's text kept beside), and a walk that takes what the user types as typed:
editor failures, emptied text, typed-ahead keys, Ctrl-D, colour; ``new`` never over a file made
while it worked."""

from __future__ import annotations

import functools
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tip_drafter.cli.main import app
from tip_drafter.errors import OutputError
from tip_drafter.year import nextyear, review, review_tty, review_walk
from tip_drafter.year.nextyear import new_draft

from conftest import BELGIUM, ROOT, examples

runner = CliRunner()
NOTE = "# a note saved in another editor\n"


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    """Next year's draft of Belgium with the kept fields reviewed: the walk is over answers."""
    source = tmp_path / "belgium.yaml"
    source.write_text(BELGIUM.read_text())
    target = tmp_path / "belgium-2010.yaml"
    new_draft(source, 2010, target)
    fields = [p.label for p in review.open_session(target).pending() if not p.number]
    review.mark(target, fields, everything=False)
    return target


def cache_home() -> str:
    """The session's own user cache (conftest), for the commands started here."""
    return os.environ["XDG_CACHE_HOME"]


def spawn(draft: Path, **env: str) -> pexpect.spawn:
    base = {"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "TERM": "dumb", "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": cache_home()}
    base.update(env)
    base = {k: v for k, v in base.items() if v}
    return pexpect.spawn(sys.executable, ["-m", "tip_drafter", "review", str(draft)], env=base, encoding="utf-8", timeout=30)


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus if child.exitstatus is not None else -1)


def labels(draft: Path) -> list[str]:
    return [p.label for p in review.open_session(draft).pending()]


@pytest.mark.slow
def test_a_save_made_elsewhere_while_review_waits_at_its_prompt_is_kept(draft: Path) -> None:
    first, second = labels(draft)[:2]
    child = spawn(draft)
    child.expect_exact("[r]eviewed, [s]kip, [e]dit, [q]uit? ")
    with draft.open("a") as handle:  # saved in another editor
        handle.write(NOTE)
    child.send("r")
    child.expect_exact(f"-- {second} (2 of ")
    child.send("q")
    assert finish(child) == 0
    assert draft.read_text().endswith(NOTE)
    assert first not in labels(draft)


def walker(keys: Iterator[str], edit: review_walk.Callable[[str], bytes], shown: list[str]) -> review_walk.Prompter:
    return review_walk.Prompter(shown.append, lambda prompt: next(keys), edit)


def test_a_save_made_elsewhere_during_an_edit_is_kept_with_the_edit(draft: Path) -> None:
    def edit(text: str) -> bytes:
        with draft.open("a") as handle:
            handle.write(NOTE)
        return (text + "\n\nA sentence added in review.").encode()

    shown: list[str] = []
    review_walk.walk(review.open_session(draft), walker(iter("eq"), edit, shown))
    assert draft.read_text().endswith(NOTE) and "A sentence added in review." in draft.read_text()


def test_an_answer_changed_elsewhere_during_its_edit_is_not_overwritten(draft: Path) -> None:
    first = review.open_session(draft).pending()[0]
    original = str(review.open_session(draft).answer(first)["text"])  # type: ignore[index]

    def edit(text: str) -> bytes:
        draft.write_text(draft.read_text().replace(original.splitlines()[0], "CHANGED ELSEWHERE", 1))
        return b"my own words"

    shown: list[str] = []
    review_walk.walk(review.open_session(draft), walker(iter("eq"), edit, shown))
    assert "CHANGED ELSEWHERE" in draft.read_text() and "my own words" not in draft.read_text()
    kept = draft.with_name(f"belgium-2010.{first.label}.edited.txt")
    assert kept.read_bytes() == b"my own words"
    assert any("changed in the file while you edited it" in s and str(kept) in s for s in shown)


@pytest.mark.slow
def test_review_all_racing_an_editor_that_saves_every_50_ms_loses_no_save(draft: Path) -> None:
    saves = 20
    for _ in range(examples(0.3)):
        review.mark(draft, [], everything=False)  # start each round from the same text
        base = draft.read_text()
        lost: list[int] = []

        def editor(base: str = base, lost: list[int] = lost) -> None:
            """Saves its buffer every 50 ms; before each, the file must hold its last save."""
            for number in range(1, saves + 1):
                if number > 1 and f"# save {number - 1}\n" not in draft.read_text():
                    lost.append(number - 1)
                tmp = draft.with_name(".editor-tmp")
                tmp.write_text(base + f"# save {number}\n")
                os.replace(tmp, draft)
                time.sleep(0.05)

        thread = threading.Thread(target=editor)
        thread.start()
        time.sleep(random.uniform(0, 0.4))
        review.mark(draft, [], everything=True)
        thread.join(timeout=30)
        assert not thread.is_alive()
        assert not lost, f"saves {lost} were overwritten"
        assert f"# save {saves}\n" in draft.read_text()


BAD_TEXTS = {
    "NUL": b"Belgium \x00 text",
    "ESC": b"Belgium \x1b[31m red",
    "5 MB": b"Belgium " * (5 * 1024 * 1024 // 8),
    "Latin-1": "Belgi\u00eb, caf\u00e9".encode("latin-1"),
}


@pytest.mark.parametrize("name", BAD_TEXTS)
def test_an_edit_the_loader_would_refuse_is_kept_beside_and_the_file_is_unchanged(
    draft: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    data = tmp_path / "typed.bin"
    data.write_bytes(BAD_TEXTS[name])
    script = tmp_path / "editor.py"
    script.write_text(f"import shutil, sys\nshutil.copy({str(data)!r}, sys.argv[1])\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    before = draft.read_bytes()
    first = labels(draft)[0]
    shown: list[str] = []
    review_walk.walk(review.open_session(draft), walker(iter("eq"), review_tty.edit_in_editor, shown))
    assert draft.read_bytes() == before
    kept = draft.with_name(f"belgium-2010.{first}.edited.txt")
    assert kept.read_bytes() == BAD_TEXTS[name]
    (said,) = [s for s in shown if "not saved" in s]
    assert f"{kept}:1:" in said and "belgium-2010.yaml is unchanged" in said
    assert review.open_session(draft).raw == before  # still readable


def test_an_editor_that_fails_or_empties_the_text_changes_nothing_and_the_walk_goes_on(
    draft: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = labels(draft)[:2]
    before = draft.read_bytes()
    for script, said in (("sys.exit(3)", "exited with status 3"), ("open(sys.argv[1], 'w').close()", "is empty")):
        (tmp_path / "editor.py").write_text(f"import sys\n{script}\n")
        monkeypatch.setenv("EDITOR", f"{sys.executable} {tmp_path / 'editor.py'}")
        shown: list[str] = []
        review_walk.walk(review.open_session(draft), walker(iter("esq"), review_tty.edit_in_editor, shown))
        assert draft.read_bytes() == before
        assert any(said in s and first in s for s in shown)
        assert shown[-1].startswith(f"-- {second} (2 of ")  # went on


def test_edit_is_offered_only_where_it_works(tmp_path: Path) -> None:
    source = tmp_path / "belgium.yaml"
    source.write_text(BELGIUM.read_text())
    target = tmp_path / "belgium-2010.yaml"
    new_draft(source, 2010, target)
    asked: list[str] = []
    shown: list[str] = []
    keys = iter("eq")

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(keys)

    review_walk.walk(review.open_session(target), review_walk.Prompter(shown.append, ask, lambda text: b""))
    assert shown[0].startswith("-- contact (1 of ")
    assert asked[0] == "[r]eviewed, [s]kip, [q]uit? "
    assert shown[1] == "choose r (reviewed), s (skip) or q (quit)"


@pytest.mark.slow
def test_keys_typed_ahead_count_each(draft: Path) -> None:
    names = labels(draft)
    child = spawn(draft)
    child.expect_exact("[e]dit, [q]uit? ")
    child.send("sss")
    child.expect_exact(f"-- {names[3]} (4 of {len(names)})")
    child.send("q")
    assert finish(child) == 0


@pytest.mark.slow
def test_ctrl_d_at_the_prompt_stops_as_q(draft: Path) -> None:
    child = spawn(draft)
    child.expect_exact("[e]dit, [q]uit? ")
    child.send("r")
    child.expect_exact("[e]dit, [q]uit? ")
    child.sendcontrol("d")
    child.expect_exact("stopped")
    child.expect_exact("1 marked reviewed")
    assert "Aborted" not in (child.before or "")
    assert finish(child) == 0


@pytest.mark.slow
def test_the_word_diff_is_coloured_on_a_colour_terminal_only(draft: Path, tmp_path: Path) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nwith open(sys.argv[1], 'a') as f:\n    f.write(' Added words.')\n")
    for colour in (True, False):
        child = spawn(draft, EDITOR=f"{sys.executable} {editor}", NO_COLOR="" if colour else "1", TERM="xterm")
        child.expect_exact("[e]dit, [q]uit? ")
        child.send("e")
        child.expect(r"changed since last year.*\? ", timeout=30)
        page = child.after
        child.send("q")
        assert finish(child) == 0
        assert ("\x1b[32m{+" in page) is colour and "{+" in page
    assert review_walk.coloured("a [-b-] {+c+}") == "a \x1b[31m[-b-]\x1b[0m \x1b[32m{+c+}\x1b[0m"


def test_a_symlinked_draft_is_refused_before_the_first_item(draft: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(draft)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "tip_drafter", "review", str(link)],
        env={"PATH": "/usr/bin:/bin", "TERM": "dumb", "NO_COLOR": "1", "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": cache_home()},
        encoding="utf-8",
        timeout=30,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert "is a symbolic link" in child.before and "(1 of" not in child.before
    result = runner.invoke(app, ["review", str(link), "--all"])
    assert result.exit_code == 1 and "is a symbolic link" in result.stderr


def test_new_never_replaces_a_file_made_while_it_worked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "belgium.yaml"
    source.write_text(BELGIUM.read_text())
    target = tmp_path / "belgium-2010.yaml"
    original = nextyear._mark_unreviewed

    def meanwhile(*args: object) -> int:
        target.write_text("someone's work\n")
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(nextyear, "_mark_unreviewed", meanwhile)
    with pytest.raises(OutputError, match="already exists"):
        new_draft(source, 2010, target)
    assert target.read_text() == "someone's work\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["belgium-2010.yaml", "belgium.yaml"]  # no leftovers


@settings(max_examples=examples(0.3), deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from("rse"), st.booleans()), min_size=1, max_size=5))
def test_whatever_the_decisions_a_save_made_elsewhere_is_never_lost(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, bool]]
) -> None:
    """At each prompt, and in the editor, the file may be saved elsewhere: every such save is in
    the file at the end, with every decision the user made."""
    folder = tmp_path_factory.mktemp("walk")
    (folder / "belgium.yaml").write_text(BELGIUM.read_text())
    target = folder / "belgium-2010.yaml"
    target.write_bytes(_draft_bytes())
    before = len(labels(target))
    notes: list[str] = []

    def save_elsewhere() -> None:
        notes.append(f"# note {len(notes)}\n")
        with target.open("a") as handle:
            handle.write(notes[-1])

    keys = iter(steps)

    def ask(prompt: str) -> str:
        key, save = next(keys, ("q", False))
        if save:
            save_elsewhere()
        return key

    def edit(text: str) -> bytes:
        save_elsewhere()
        return (text + " More.").encode()

    reviewed, left = review_walk.walk(review.open_session(target), review_walk.Prompter(lambda text: None, ask, edit))
    text = target.read_text()
    assert all(note in text for note in notes)
    assert reviewed == sum(key == "r" for key, _ in steps) and left == before - reviewed == len(labels(target))
    assert text.count(" More.") == sum(key == "e" for key, _ in steps)


@functools.cache
def _draft_bytes() -> bytes:
    """Next year's draft of Belgium, its kept fields reviewed (made once)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "belgium.yaml"
        source.write_text(BELGIUM.read_text())
        target = Path(folder) / "belgium-2010.yaml"
        new_draft(source, 2010, target)
        review.mark(target, [p.label for p in review.open_session(target).pending() if not p.number], everything=False)
        return target.read_bytes()
