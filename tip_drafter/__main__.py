"""The ``tipdraft`` command's entry point (also ``python -m tip_drafter``), light on purpose:
a Ctrl-C while the CLI is still being imported exits 130 too, without a traceback."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import Any, NoReturn

from . import interrupts  # a leaf of the standard library's: recorded Ctrl-Cs


def _ended(signum: int, frame: object) -> None:
    """SIGTERM and SIGHUP end the command as Ctrl-C does: by an exception, so every
    ``finally`` runs (temporary files are removed) and nothing half-written is left."""
    from .errors import signalled  # imported before this handler was set: a look-up

    raise SystemExit(signalled(signum))


def _unraisable(hook: Any) -> Any:
    """Python's hook for exceptions nothing can catch (raised in a ``__del__`` or a weak
    reference's callback), except that a Ctrl-C landing there is not lost (the default hook
    prints it and drops it, and the command went on to the end): it is sent again, silently,
    to the main thread a moment later, when the hook has returned (sent from within it, it
    would land in it again)."""

    def unraisable(info: Any) -> None:
        if not issubclass(info.exc_type, KeyboardInterrupt):
            hook(info)
            return
        import threading

        again = threading.Timer(0.01, signal.pthread_kill, (threading.main_thread().ident, signal.SIGINT))
        again.daemon = True
        again.start()

    return unraisable


def _interrupted() -> NoReturn:
    """Leave with 130 now that the command has stopped (every process it started is gone).

    A second Ctrl-C has nothing left to stop: it is ignored rather than break into the exit
    with a traceback. And the interpreter's own exit is skipped: a Ctrl-C that once landed in
    code run from a string (a dataclass being made while a module is imported) makes Python
    3.11 end by killing itself with SIGINT (exit -2) even though it was caught."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .errors import ExitStatus  # again if a Ctrl-C broke into its import: none can now

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can be said
            stream.flush()
    os._exit(ExitStatus.INTERRUPTED)


def main() -> None:
    """Import the CLI and run it; Ctrl-C at any point exits 130, SIGTERM 143."""
    sys.unraisablehook = _unraisable(sys.unraisablehook)
    try:
        try:
            # The exit statuses' home, first, inside the Ctrl-C net (a leaf: its imports are
            # the standard library's, which the CLI imports anyway), then the handlers that use it.
            from .errors import ExitStatus

            interrupts.install()  # a Ctrl-C recorded as well as raised: never lost
            for ending in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
                if ending is not None and signal.getsignal(ending) is signal.SIG_DFL:
                    signal.signal(ending, _ended)
            from .startup import importing

            with importing():
                from .cli.main import run
            run()
            interrupts.check()  # a Ctrl-C whose exception something swallowed
        finally:
            # The work is over: a Ctrl-C now would only break into the interpreter's exit.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    except KeyboardInterrupt:
        _interrupted()
    except SystemExit as exc:
        # A command stopped by Ctrl-C (cli.Commands turns it into its status), or one that went
        # on to the end after a Ctrl-C whose exception something swallowed.
        if exc.code == ExitStatus.INTERRUPTED or interrupts.pressed():
            _interrupted()
        raise
    except Exception:
        # After a Ctrl-C, whatever the interrupted code made of it: Python wraps one raised in
        # a class's __set_name__ (while a module is imported) in a RuntimeError.
        if interrupts.pressed():
            _interrupted()
        raise


if __name__ == "__main__":
    main()
