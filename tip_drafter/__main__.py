"""The ``tipdraft`` command's entry point (also ``python -m tip_drafter``), light on purpose:
a Ctrl-C while the CLI is still being imported exits 130 too, without a traceback."""

from __future__ import annotations

import sys


def main() -> None:
    """Import the CLI and run it; Ctrl-C at any point exits 130."""
    try:
        from .cli import run

        run()
    except KeyboardInterrupt:
        sys.exit(130)  # errors.ExitStatus.INTERRUPTED, not imported: this module stays light


if __name__ == "__main__":
    main()
