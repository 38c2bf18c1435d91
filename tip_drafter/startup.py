"""Start-up: import the pipeline with the garbage collector paused (the command and its workers)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def importing() -> Iterator[None]:
    """Import the pipeline with Python's cyclic garbage collector paused, and set what the
    import made aside for good (gc.freeze).

    Importing makes tens of thousands of long-lived objects and no garbage; the collector
    would walk them all again and again as they are made (a seventh of a validate). The
    command-line entry point and the commands load their modules under this.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
