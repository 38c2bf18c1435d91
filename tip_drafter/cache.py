"""The user's private cache folder (``$XDG_CACHE_HOME/tipdraft``): compiled templates and the
bundled data files, parsed; never needed, only faster."""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import __version__
from .write import TMP_SUFFIX

KEEP = 64  # entries kept in a folder, the newest; an edition edited in the preview adds one a save


def folder(name: str) -> Path | None:
    """``$XDG_CACHE_HOME/tipdraft/<name>``, made private to the user; None where it cannot be
    made or is not the user's own (then nothing is cached)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "tipdraft" / name
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if (hasattr(os, "getuid") and path.stat().st_uid != os.getuid()) or not os.access(path, os.W_OK):
            return None
    except OSError:
        return None
    return path


def parsed(text: str, parse: Callable[[str], Any]) -> Any:
    """``parse(text)``, kept under the text's sha256 so the next process reads it back in C
    (marshal) instead of building it again; data marshal cannot hold is simply not kept."""
    where = folder("data")
    if where is None:
        return parse(text)
    # what the entry depends on besides the text: the parser and the Python that wrote it
    maker = f"{__version__}:{parse.__module__}.{parse.__qualname__}:{sys.version_info[:2]}:{marshal.version}\n"
    path = where / (hashlib.sha256((maker + text).encode("utf-8")).hexdigest() + ".marshal")
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    data = parse(text)
    temporary = path.with_name(f"{path.name}.{os.getpid()}{TMP_SUFFIX}")
    try:
        temporary.write_bytes(marshal.dumps(data))
        os.replace(temporary, path)
    except (OSError, ValueError):
        temporary.unlink(missing_ok=True)
    prune(where)
    return data


def prune(where: Path, keep: int = KEEP) -> None:
    """Remove all but the ``keep`` newest entries of a cache folder (the others are only made
    again when needed); a file another process removed first is no matter."""
    try:
        entries = sorted(where.iterdir(), key=_age)
    except OSError:
        return
    for old in entries[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()


def _age(path: Path) -> float:
    """Minus the time ``path`` was last written (newest first when sorted); 0 if it is gone."""
    try:
        return -path.stat().st_mtime
    except OSError:
        return 0
