"""The user's private cache folder (``$XDG_CACHE_HOME/tipdraft``): compiled templates and the
bundled data files, parsed; never needed, only faster."""

from __future__ import annotations

import hashlib
import marshal
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .write import TMP_SUFFIX


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
    path = where / (hashlib.sha256(text.encode("utf-8")).hexdigest() + ".marshal")
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
    return data
