"""Ctrl-C, recorded as well as raised, for the ``tipdraft`` command.

Python raises KeyboardInterrupt wherever the main thread happens to be when the signal is
handled, and some code drops every exception it meets: ruamel.yaml's ``CommentedMap.get``
returns the default on any exception (a bare ``except:``), and a country file's check calls it
thousands of times; a callback's exception Python only prints. A Ctrl-C dropped there is lost,
and the command went on (a stress test saw ``render`` wait for its PDFs seconds after a
Ctrl-C that had landed in ``CommentedMap.get``). So the command's handler first records the
Ctrl-C, then raises it; each file's check (:func:`tip_drafter.api.check_document`), the waits
for the workers (:mod:`tip_drafter.workers`) and the command's exit status
(:mod:`tip_drafter.__main__`) look at the record: a Ctrl-C is never lost, whatever swallowed
its exception.

Only the command installs the handler (:func:`install`): a program that uses the library keeps
its own, and :func:`check` then never raises.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType

ENDINGS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})  # the signals that end a process politely

_pressed = False


def _handler(signum: int, frame: FrameType | None) -> None:
    global _pressed
    _pressed = True
    raise KeyboardInterrupt


def install() -> None:
    """Record every Ctrl-C from now on, in this process (where Python's own handler is set)."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _handler)


def pressed() -> bool:
    """Whether a Ctrl-C came since :func:`install` (whether or not its exception got anywhere)."""
    return _pressed


def check() -> None:
    """Raise KeyboardInterrupt if a Ctrl-C came: for a wait, in case the one raised was lost."""
    if _pressed:
        raise KeyboardInterrupt


@contextlib.contextmanager
def endings_held() -> Iterator[None]:
    """Hold back the signals that end a process politely (:data:`ENDINGS`) in this thread for
    the block: they are delivered as it ends. For what must be done whole or not at all (the
    renames of a render's outputs, a fork and the record of its pid, a file written back)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    saved = signal.pthread_sigmask(signal.SIG_BLOCK, ENDINGS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, saved)
