"""Which writer a collection goes to: the output's name says the format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import UsageError
from .dashboard import write_dashboard
from .gather import Collection
from .tables import write_csv, write_sqlite
from .workbook import write_workbook

WRITERS: dict[str, Callable[[Collection, Path], None]] = {
    ".csv": write_csv,
    ".xlsx": write_workbook,
    ".sqlite": write_sqlite,
    ".db": write_sqlite,
    ".html": write_dashboard,
}


BOOK = ".pdf"  # every cable in one printable book (collect/book.py), beside the WRITERS' tables


def is_book(out: Path) -> bool:
    """Whether ``out`` names the book."""
    return out.suffix.lower() == BOOK


def writer_for(out: Path) -> Callable[[Collection, Path], None]:
    """The writer for ``out``'s suffix; any other name is a usage error that lists the formats."""
    writer = WRITERS.get(out.suffix.lower())
    if writer is None:
        known = ", ".join([*WRITERS, BOOK])
        raise UsageError(f"{out}: say the format by the output's name, ending in one of {known}")
    return writer
