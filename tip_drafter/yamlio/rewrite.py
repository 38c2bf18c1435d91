"""Write a country file, the user's work: a new one only where none exists (created exclusively,
never over a file made meanwhile), an existing one only while it still holds what was read."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from .. import interrupts, output
from ..errors import OutputError


def create(path: Path, data: bytes) -> None:
    """Write ``data`` as the new file ``path``, all or nothing; a file that appeared there in
    the meantime is never replaced (OutputError): the complete file is linked into place, which
    fails if the name is taken."""
    tmp = output._stage(path, data)  # an ordinary file's mode: 0666 less the umask
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise OutputError(
            f"{path}: already exists (made while tipdraft worked); not overwritten (use --force to replace it, or -o to write elsewhere)"
        ) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
        _create_in_place(path, data)  # a file system without links (FAT, some shares)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _create_in_place(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except FileExistsError:
        raise OutputError(f"{path}: already exists; not overwritten (use --force to replace it)") from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def replace_if_unchanged(path: Path, data: bytes, expected: bytes) -> bool:
    """Replace the file ``path`` with ``data`` if it still holds ``expected`` (compared just
    before the rename, the new text already written beside it); False, with nothing written,
    if it changed. Text the loader would refuse is never written (its diagnostic is raised).
    Its permissions are kept; a read-only file is never replaced (OutputError),
    even by a user whom the system would let (root). A Ctrl-C meanwhile comes once the file is
    written or left as it was, and nothing is left beside it."""
    from .read import MAX_BYTES, check_text, read_capped

    check_text(data, str(path))  # what every command would then refuse (too big, a NUL...) is never written
    try:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if not mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        raise OutputError(f"{path}: the file is read-only: not written (make it writable to save into it)")
    with interrupts.endings_held():
        tmp = _stage(path, data, mode)
        try:
            if read_capped(path, str(path), MAX_BYTES, "a country file") != expected:
                return False
            os.replace(tmp, path)
            return True
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # gone once renamed


def keep_beside(path: Path, label: str, data: bytes) -> Path:
    """Keep ``data`` (text the user typed that could not go into ``path``) in a new file beside
    it, named for the file and the item (``belgium-2010.25.E.edited.txt``, then ``-2``...)."""
    stem = f"{path.stem}.{label.replace('/', '-')}.edited"
    for number in range(1, 1000):
        kept = path.with_name(f"{stem}{'' if number == 1 else f'-{number}'}.txt")
        with contextlib.suppress(OutputError):
            if not os.path.lexists(kept):
                create(kept, data)
                return kept
    raise OutputError(f"{path.parent}: cannot keep the edited text: too many {stem}*.txt files")


def _stage(path: Path, data: bytes, mode: int) -> str:
    """``data`` in a temporary file beside ``path``, on disk, with ``mode``: staged as every
    output is (write.py: its folder made, a link or FIFO refused, a failure named)."""
    tmp = output._stage(path, data)
    try:
        os.chmod(tmp, mode)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return tmp
