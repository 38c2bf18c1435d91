"""The user's private cache (``$XDG_CACHE_HOME/tipdraft``): compiled templates and the bundled
data files, parsed; only ever faster, and trusted only where nobody else could have written."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..output import TMP_SUFFIX

if TYPE_CHECKING:
    import jinja2

KEEP = 64  # entries kept in a folder, the newest; an edition edited in the preview adds one a save
MAGIC = b"tipdraft cache 1\n"  # then the sha256 of the payload, then the payload
MAX_ENTRY = 16 * 1024 * 1024  # a compiled template or an edition is well under 1 MiB
ENTRY_SUFFIXES = (".marshal", ".jinja")
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_ENTRY = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


class NotOurs(OSError):
    """A folder or entry another user could have written: not used."""


@contextlib.contextmanager
def opened(name: str) -> Iterator[int | None]:
    """A descriptor of the cache folder ``$XDG_CACHE_HOME/tipdraft/<name>``, made private to
    the user; None where it cannot be had safely (then nothing is cached)."""
    try:
        fd = _open_folder(name)
    except OSError:
        fd = None
    try:
        yield fd
    finally:
        if fd is not None:
            os.close(fd)


def _open_folder(name: str) -> int | None:
    """Every folder from ``/`` down, opened without following a link (the cache root's real
    path, so a user's own ``~/.cache`` link is kept): each above ``tipdraft`` is the user's or
    root's and nobody else can rename its entries (not writable by others, or sticky as /tmp);
    ``tipdraft`` and ``name`` are the user's own and private."""
    if not hasattr(os, "geteuid") or not getattr(os, "O_NOFOLLOW", 0) or os.open not in os.supports_dir_fd:
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):  # as the XDG specification says: a relative one is ignored
        return None
    fd = os.open("/", _FOLDER)
    parts = [*Path(os.path.realpath(base)).parts[1:], "tipdraft", name]
    try:
        _check(fd, private=False)
        for depth, part in enumerate(parts):
            fd = _step(fd, part, private=depth >= len(parts) - 2)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _step(parent: int, part: str, private: bool) -> int:
    """The folder ``part`` in ``parent`` (made if missing), checked; ``parent`` is closed."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(part, 0o700, dir_fd=parent)
    fd = os.open(part, _FOLDER, dir_fd=parent)
    os.close(parent)
    try:
        _check(fd, private)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _check(fd: int, private: bool) -> None:
    """Refuse (NotOurs) a folder someone else could change; our own folder is made private."""
    info = os.fstat(fd)
    if private:
        if info.st_uid != os.geteuid():
            raise NotOurs(f"cache folder owned by user {info.st_uid}")
        if info.st_mode & 0o077:
            os.fchmod(fd, 0o700)
    elif info.st_uid not in (os.geteuid(), 0) or (info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX):
        raise NotOurs("a folder above the cache can be changed by another user")


def read_entry(folder: int, name: str) -> bytes | None:
    """The payload of entry ``name``: None unless it is a regular file of the user's own, not
    shared (one link, private), whose checksum is right (a FIFO is never waited on)."""
    try:
        fd = os.open(name, _ENTRY, dir_fd=folder)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        ours = info.st_uid == os.geteuid() and not info.st_mode & 0o077 and info.st_nlink == 1
        if not stat.S_ISREG(info.st_mode) or not ours or info.st_size > MAX_ENTRY:
            return None
        raw = _read_all(fd, MAX_ENTRY + len(MAGIC) + 32)
    except OSError:
        return None
    finally:
        os.close(fd)
    digest, payload = raw[len(MAGIC) : len(MAGIC) + 32], raw[len(MAGIC) + 32 :]
    if not raw.startswith(MAGIC) or hashlib.sha256(payload).digest() != digest:
        return None
    return payload


def _read_all(fd: int, cap: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size <= cap and (chunk := os.read(fd, 1 << 16)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def write_entry(folder: int, name: str, payload: bytes) -> None:
    """Store ``payload`` as entry ``name`` (its checksum with it), replacing whatever is there
    (a bad entry, a link, a FIFO: the name, never what it points at); then prune. A failure
    only means the entry is not kept."""
    temporary = f".{name}.{os.getpid()}.{os.urandom(4).hex()}{TMP_SUFFIX}"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        return
    prune(folder)


def parsed(text: str, parse: Callable[[str], Any]) -> Any:
    """``parse(text)``, kept under the text's sha256 so the next process reads it back in C
    (marshal) instead of building it again; data marshal cannot hold is simply not kept."""
    # what the entry depends on besides the text: the parser and the Python that wrote it
    maker = f"{__version__}:{parse.__module__}.{parse.__qualname__}:{sys.version_info[:2]}:{marshal.version}\n"
    name = hashlib.sha256((maker + text).encode("utf-8")).hexdigest() + ".marshal"
    with opened("data") as folder:
        if folder is None:
            return parse(text)
        payload = read_entry(folder, name)
        if payload is not None:
            with contextlib.suppress(Exception):  # our own entry, checked: any failure means parse again
                return marshal.loads(payload)
        data = parse(text)
        with contextlib.suppress(ValueError):  # a value marshal cannot hold: not kept
            write_entry(folder, name, marshal.dumps(data))
        return data


def prune(folder: int, keep: int = KEEP) -> None:
    """Remove all but the ``keep`` newest entries of a cache folder: only regular files of the
    user's own, by name in the folder (a link is never followed, nor anything else removed)."""
    entries: list[tuple[float, str]] = []
    leftovers: list[tuple[float, str]] = []  # temporary files of runs that died while writing
    with contextlib.suppress(OSError), os.scandir(folder) as listing:
        for entry in listing:
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
                    found = (info.st_mtime, entry.name)
                    entries += [found] if entry.name.endswith(ENTRY_SUFFIXES) else []
                    leftovers += [found] if entry.name.endswith(TMP_SUFFIX) else []
    stale = [(when, name) for when, name in leftovers if when < time.time() - 3600]
    for _, name in sorted(entries, reverse=True)[keep:] + stale:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=folder)


def bytecode_cache(name: str) -> jinja2.BytecodeCache:
    """A Jinja bytecode cache in the cache folder ``name``, with the same checks as every entry."""
    return _bytecode_cache_class()(name)


@functools.cache
def _bytecode_cache_class() -> Callable[[str], jinja2.BytecodeCache]:
    import jinja2  # here: only rendering compiles templates

    class BytecodeCache(jinja2.BytecodeCache):
        """Compiled templates kept between runs (jinja's key includes the template's checksum)."""

        def __init__(self, name: str) -> None:
            self.name = name

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            """Load the entry, or leave the bucket empty (the template is compiled)."""
            with opened(self.name) as folder:
                payload = None if folder is None else read_entry(folder, f"{bucket.key}.jinja")
            checksum, _, code = (payload or b"").partition(b"\n")
            if payload is None or checksum != bucket.checksum.encode("ascii"):
                return  # none, or of the template before it was edited
            try:  # marshal, not jinja's own format, which pickles the checksum
                bucket.code = marshal.loads(code)
            except Exception:  # our own entry, checked; still, any failure means compile
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            """Store the compiled template, or not."""
            with opened(self.name) as folder:
                if folder is not None and bucket.code is not None:
                    payload = bucket.checksum.encode("ascii") + b"\n" + marshal.dumps(bucket.code)
                    write_entry(folder, f"{bucket.key}.jinja", payload)

    return BytecodeCache
