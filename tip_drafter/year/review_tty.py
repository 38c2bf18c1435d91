"""The terminal side of an interactive review: single keys read as they are typed (keys typed
ahead are read in turn, never thrown away) and the user's editor."""

from __future__ import annotations

import codecs
import contextlib
import os
import select
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import typer

from .review_walk import EditorFailed

MAX_EDITED = 64 * 1024 * 1024  # more than the loader takes (4 MiB), so the check says it is too big


class Keys:
    """Single keys from the terminal ``fd``, without Enter or echo, while the ``with`` lasts.

    The mode is changed with TCSANOW: the usual way (``tty.setraw``, click's ``getchar``)
    flushes the input, so ``sss`` typed ahead counted as one ``s``."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.saved: list[Any] | None = None

    def __enter__(self) -> Keys:
        import termios

        with contextlib.suppress(termios.error, OSError):
            self.saved = termios.tcgetattr(self.fd)
        self._keys()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._restore()

    def _keys(self) -> None:
        import termios

        if self.saved is None:
            return
        mode = termios.tcgetattr(self.fd)
        mode[3] &= ~(termios.ICANON | termios.ECHO)  # Ctrl-C still interrupts (ISIG kept)
        mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0
        termios.tcsetattr(self.fd, termios.TCSANOW, mode)

    def _restore(self) -> None:
        import termios

        if self.saved is not None:
            termios.tcsetattr(self.fd, termios.TCSANOW, self.saved)

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """The terminal as it was (for the editor), keys again afterwards."""
        self._restore()
        try:
            yield
        finally:
            self._keys()

    def ask(self, prompt: str) -> str:
        """One key after ``prompt``, echoed; "" when the input ended."""
        typer.echo(prompt, nl=False)
        key = self._key()
        typer.echo(key if key.isprintable() else "")
        return key

    def _key(self) -> str:
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        while byte := self._byte():
            if key := decoder.decode(byte):
                if key == "\x1b":  # an arrow or function key: its whole sequence is one key
                    while select.select([self.fd], [], [], 0.02)[0] and os.read(self.fd, 16):
                        pass
                return key
        return ""

    def _byte(self) -> bytes:
        """The next byte typed, waited for in slices: a Ctrl-C that comes just before a read
        starts (after Python last looked for signals) would wait for the next key."""
        while not select.select([self.fd], [], [], 0.1)[0]:
            pass
        return os.read(self.fd, 1)

    def editing(self, edit: Callable[[str], bytes]) -> Callable[[str], bytes]:
        """``edit`` run with the terminal as it was."""

        def run(text: str) -> bytes:
            with self.paused():
                return edit(text)

        return run


def edit_in_editor(text: str) -> bytes:
    """``text`` after the user's ``$VISUAL`` or ``$EDITOR`` (vi if neither is set), as the
    bytes the editor left; EditorFailed if it exits non-zero or cannot start."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        command = shlex.split(editor)
    except ValueError as exc:
        raise EditorFailed(f"the editor {editor!r} cannot be run: {exc}") from None
    with tempfile.TemporaryDirectory(prefix="tipdraft-review-") as folder:
        draft = Path(folder) / "answer.txt"
        draft.write_text(text, encoding="utf-8")
        try:
            done = subprocess.run([*command, str(draft)], check=False)
        except OSError as exc:
            raise EditorFailed(f"the editor {editor!r} could not be started: {exc.strerror or exc}") from None
        if done.returncode:
            raise EditorFailed(f"the editor exited with status {done.returncode} (as vim's :cq does)")
        with open(draft, "rb") as handle:
            return handle.read(MAX_EDITED + 1)
