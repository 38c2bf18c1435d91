"""Ctrl-C, recorded as well as raised, for the ``tipdraft`` command.

Python raises KeyboardInterrupt wherever the main thread happens to be when the signal is
handled, and some code drops every exception it meets: a C library that clears the error of
an attribute it looked up, a callback whose exception Python only prints. A Ctrl-C dropped
there is lost, and the command went on (a test saw ``render`` wait for its PDFs for seconds
after a Ctrl-C, its main thread idle). So the command's handler first records the Ctrl-C,
then raises it; the waits of a command (:mod:`tip_drafter.workers`) look at the record, and
the command's exit status too (:mod:`tip_drafter.__main__`): a Ctrl-C is never lost, whatever
swallowed its exception.

Only the command installs the handler (:func:`install`): a program that uses the library keeps
its own, and :func:`check` then never raises.
"""

from __future__ import annotations

import signal
from types import FrameType

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
