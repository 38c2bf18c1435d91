"""WeasyPrint's system libraries found through the linker's cache alone, not by starting a compiler.

WeasyPrint opens Pango, GObject, HarfBuzz and fontconfig through cffi under several names each
(``gobject-2.0-0``, ``libgobject-2.0-0``, ``libgobject-2.0.so.0``, ...). For a name it cannot
open, cffi asks ``ctypes.util.find_library``, which on Linux reads ``ldconfig -p`` and then runs
``gcc`` and ``ld`` to look further: about sixty processes at each import of WeasyPrint (half of
its 0.6 s), and a compiler left running when a Ctrl-C ends the import. While WeasyPrint is
imported, :func:`linker_cache_only` answers those look-ups from the linker's cache, read once.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import functools
import platform
import re
import subprocess
from collections.abc import Iterator

LDCONFIG = ("/sbin/ldconfig", "-p")
ABI = {"x86_64": "x86-64", "aarch64": "AArch64", "ppc64le": "64bit", "s390x": "64bit"}  # how ldconfig -p tags 64-bit libraries


@functools.cache
def _cache() -> str:
    """What ``ldconfig -p`` lists (nothing where there is no ldconfig)."""
    try:
        done = subprocess.run(LDCONFIG, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout


def from_linker_cache(name: str) -> str | None:
    """The library ``name`` as ``find_library`` names it (``libgobject-2.0.so.0`` for
    ``gobject-2.0``), from the linker's cache; None if it lists none."""
    pattern = re.compile(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\(([^)]*)\)")
    found: list[tuple[str, str]] = pattern.findall(_cache())
    abi = ABI.get(platform.machine(), "")
    named = [soname for soname, tags in found if abi and abi in tags] or [soname for soname, _ in found]
    return named[0] if named else None


@contextlib.contextmanager
def linker_cache_only() -> Iterator[None]:
    """While inside: ``ctypes.util.find_library`` reads the linker's cache only (on Linux; on
    other systems it is left as it is). Restored on the way out."""
    if platform.system() != "Linux" or not _cache():
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = from_linker_cache
    try:
        yield
    finally:
        ctypes.util.find_library = original
