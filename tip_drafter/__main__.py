"""The ``tipdraft`` command's entry point (also ``python -m tip_drafter``), light on purpose:
a Ctrl-C while the CLI is still being imported exits 130 too, without a traceback."""

from __future__ import annotations

import signal
import sys


def _ended(signum: int, frame: object) -> None:
    """SIGTERM and SIGHUP end the command as Ctrl-C does: by an exception, so every
    ``finally`` runs (temporary files are removed) and nothing half-written is left."""
    raise SystemExit(128 + signum)


def main() -> None:
    """Import the CLI and run it; Ctrl-C at any point exits 130, SIGTERM 143."""
    for ending in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if ending is not None and signal.getsignal(ending) is signal.SIG_DFL:
            signal.signal(ending, _ended)
    try:
        from . import importing

        with importing():
            from .cli import run
        run()
    except KeyboardInterrupt:
        sys.exit(130)  # errors.ExitStatus.INTERRUPTED, not imported: this module stays light


if __name__ == "__main__":
    main()
