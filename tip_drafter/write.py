"""Write output files atomically: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import OutputError, UsageError


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees either the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def refuse_overwrite(output: Path, force: bool) -> None:
    """A country file is the user's work: never replaced unless they asked (``--force``)."""
    if output.suffix not in (".yaml", ".yml"):
        raise UsageError(f"{output}: a country file's name ends in .yaml")
    if output.exists() and not force:
        raise UsageError(f"{output}: already exists; not overwritten (use --force to replace it, or -o to write elsewhere)")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def output_path(out_dir: Path, stem: str, suffix: str) -> Path:
    """``out_dir/stem.suffix``, refusing any name that would land outside ``out_dir``."""
    name = f"{stem}.{suffix}"
    if not stem or stem.startswith(".") or Path(name).name != name or "/" in name or "\\" in name:
        raise OutputError(f"{name!r} is not a safe output file name")
    return out_dir / name
