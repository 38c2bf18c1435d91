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
