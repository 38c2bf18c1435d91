"""Write output files atomically: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path

from . import interrupts
from .errors import OutputError

TMP_SUFFIX = ".tipdraft-tmp"
FULL = {  # the system's reasons that mean: no room to write (said as the cause, "disk full")
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk full: over the disk quota",
    errno.EFBIG: "disk full: the file size limit (ulimit -f) is reached",
}
KEPT = "the previous outputs are kept"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees either the old file or the new one."""
    replace_all({path: data})


def replace_all(outputs: Mapping[Path, bytes], record: tuple[Path, bytes] | None = None) -> None:
    """Write every output, all or nothing: each to a temporary file beside it first (a full
    disk or a bad path stops here, with nothing replaced), then every rename at once, with
    SIGINT, SIGTERM and SIGHUP held until the last is done, so an interrupted render leaves
    all the old files or all the new ones. Temporary files never outlive a failure.

    ``record`` (a manifest of the outputs, see :mod:`manifest`) is staged after them and
    renamed before them: whatever stops the renames (SIGKILL, a power cut), the manifest on
    disk knows both the old outputs and the new."""
    staged: dict[Path, str] = {}
    try:
        for path, data in outputs.items():
            staged[path] = _stage(path, data)
        named = next(iter(outputs), None)  # the manifest's troubles are said as the first output's
        if record is not None:
            staged = {record[0]: _stage(*record, named=named), **staged}
        with interrupts.endings_held():
            for path, tmp in list(staged.items()):
                _replace(tmp, path, named if record is not None and path == record[0] else None)
                del staged[path]
    finally:
        for tmp in staged.values():
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def refuse_special(path: Path) -> None:
    """An output is only ever written over a regular file: a symbolic link (its target would
    stay as it was, the link be replaced), a FIFO, a device or a socket is refused."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file (a device, FIFO or socket)"
        raise OutputError(f"{path}: is {kind}; not replaced (name a regular file or a new one)")


def _stage(path: Path, data: bytes, named: Path | None = None) -> str:
    """``data`` in a temporary file in ``path``'s folder (named for this process, so a later
    run can tell a crashed one's leftovers from a running one's); a problem is said as
    ``named``'s (the output a manifest goes with)."""
    shown = named or path
    try:
        if path.is_dir():
            raise OutputError(f"{path}: is a folder; cannot write the output there")
        refuse_special(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _create_temporary(path)
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write: {_why_not(path, exc)}; {KEPT}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"{shown}: cannot write: {reason(exc)}; {KEPT}") from None
        raise
    return tmp


def _create_temporary(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path``, open for writing, with an ordinary file's mode:
    0666 less the process's umask, which the system applies as it creates the file (reading
    the umask would mean setting it, for every thread of the process at once). Its name is
    random and taken exclusively, never through a link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{os.getpid()}.{os.urandom(6).hex()}{TMP_SUFFIX}")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue  # another writer's name: draw again
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))


def reason(exc: OSError) -> str:
    """The system's reason, and "disk full" said where that is the cause (ENOSPC, a quota, the
    file size limit), so a political officer knows what to free."""
    said = str(exc.strerror or exc)
    return f"{said} ({FULL[exc.errno]})" if exc.errno in FULL else said


def cause(exc: OSError, folder: Path) -> str:
    """Why an output for ``folder`` could not be made, when ``exc`` came from a step that hides
    the system's reason (WeasyPrint's temporary folder: "No usable temporary directory found"):
    a small probe file written in ``folder`` tells a full disk."""
    if exc.errno not in FULL:
        probed = _probe(folder)
        if probed is not None and probed.errno in FULL:
            return f"{exc.strerror or exc} ({FULL[probed.errno]})"
    return reason(exc)


def _probe(folder: Path) -> OSError | None:
    """What the system says now to a small file written in ``folder`` (None: it could be);
    named as a temporary file of this process, so a crash leaves nothing that is not cleaned."""
    name = folder / f".tipdraft-probe.{os.getpid()}.x{TMP_SUFFIX}"
    try:
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        return exc
    try:
        os.write(fd, b"\0" * 4096)
        os.fsync(fd)
        return None
    except OSError as exc:
        return exc
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(name)


def _why_not(path: Path, exc: OSError) -> str:
    """Why a file cannot be made at ``path``: a part of the way that is not a folder (a file,
    a link to nowhere) named, else the system's reason."""
    try:
        for parent in reversed(path.parents):
            if parent.is_symlink() and not parent.exists():
                return f"{parent} is a link to a folder that does not exist"
            if parent.exists() and not parent.is_dir():
                return f"{parent} is a file, not a folder"
    except OSError:  # a name too long to look at: the system's reason says so
        pass
    return str(exc.strerror or exc)


def _replace(tmp: str, path: Path, named: Path | None = None) -> None:
    try:
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"{named or path}: cannot write: {reason(exc)}") from None


def clean_stale(folder: Path) -> list[Path]:
    """Remove the temporary files that a crashed tipdraft left in ``folder`` (those of
    processes that are no longer running); the ones removed."""
    removed: list[Path] = []
    try:
        leftovers = list(folder.glob(f".*{TMP_SUFFIX}")) if folder.is_dir() else []
    except OSError:  # a folder that cannot be listed: the write itself will say why
        return removed
    for tmp in leftovers:
        pid = re.search(r"\.(\d+)\.[^.]*" + re.escape(TMP_SUFFIX) + "$", tmp.name)
        if pid and not _running(int(pid[1])):
            with contextlib.suppress(OSError):
                tmp.unlink()
                removed.append(tmp)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def refuse_overwrite(output: Path, force: bool) -> None:
    """A country file is the user's work: never replaced unless they asked (``--force``)."""
    if output.suffix not in (".yaml", ".yml"):
        raise OutputError(f"{output}: a country file's name ends in .yaml")
    try:
        exists = output.exists()
    except OSError as exc:
        raise OutputError(f"{output}: cannot write: {_why_not(output, exc)}") from None
    if exists and not force:
        raise OutputError(f"{output}: already exists; not overwritten (use --force to replace it, or -o to write elsewhere)")


def output_path(out_dir: Path, stem: str, suffix: str) -> Path:
    """``out_dir/stem.suffix``, refusing any name that would land outside ``out_dir``."""
    name = f"{stem}.{suffix}"
    if not stem or stem.startswith(".") or Path(name).name != name or "/" in name or "\\" in name:
        raise OutputError(f"{name!r} is not a safe output file name")
    return out_dir / name


def folder_problem(path: Path) -> str | None:
    """Why ``path`` cannot be used as a folder, in a sentence's words (the system's reason for
    a name too long, a loop of links, a NUL); None for a folder."""
    try:
        if path.is_dir():
            return None
        return "is a file, not a folder" if path.exists() else "no such folder"
    except (OSError, ValueError) as exc:
        return str(getattr(exc, "strerror", None) or exc)


def shown(path: Path, most: int = 200) -> str:
    """``path`` as a message shows it: a name past ``most`` characters cut, its length said."""
    name = str(path)
    return name if len(name) <= most else f"{name[:most]}... ({len(name)} characters)"


def stem(source: Path, draft: bool) -> str:
    """The name a render of ``source`` writes under: ``<name>``, or for a draft ``<name>.draft``
    (a draft never stands under a final's name)."""
    return f"{source.stem}.draft" if draft else source.stem
