"""The server's forks fail, as under a process limit (root is not held by RLIMIT_NPROC)."""

import os


def _refused() -> int:
    raise BlockingIOError(11, "Resource temporarily unavailable")


os.fork = _refused
