"""Import many cables at once: one country file per cable, past the bad ones, and a summary
table (country, edition found, answers placed, unplaced pieces, warnings)."""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError, TipDraftError, UsageError, one_line
from ..options import COUNTRIES
from . import importer

CABLE_SUFFIXES = (".txt", ".text", ".cable")


@dataclass
class Row:
    """One cable's line of the summary: what was written, or why nothing was."""

    cable: Path
    written: Path | None = None
    country: str = ""
    found: str = ""
    answers: int = 0
    unplaced: int = 0
    warnings: int = 0
    error: str = ""


def is_many(cables: Sequence[Path], output: Path | None) -> bool:
    """Whether the command imports a batch: several inputs, a folder in, or a folder out."""
    return len(cables) > 1 or any(c.is_dir() for c in cables) or (output is not None and output.is_dir())


def cable_files(inputs: Sequence[Path]) -> list[Path]:
    """The files to import: each file given, and the cable files (.txt) of each folder, sorted:
    every entry with a cable's suffix that is no folder, so that a link to nothing or a loop
    of links is a row of the summary that says why it was not imported, never skipped."""
    out: list[Path] = []
    for path in inputs:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in CABLE_SUFFIXES and not p.is_dir())
            if not found:  # as render says of a folder without country files
                raise UsageError(f"{path}: no cable files ({', '.join('*' + s for s in CABLE_SUFFIXES)}) in this folder")
            out += found
        else:
            out.append(path)
    return out


def import_all(
    inputs: Sequence[Path], folder: Path | None, edition: str | None, editions: Sequence[Path] = (), force: bool = False
) -> list[Row]:
    """Import every cable into ``folder`` (default countries/); a cable that fails is a row
    with its error and the others go on. Every cable is read before any is written: two that
    would write one file are both refused (``--force`` would have one replace the other)."""
    target = _folder(folder)
    rows, reads = [], {}
    for cable in cable_files(inputs):
        rows.append(Row(cable))
        try:
            _check_link(cable)
            reads[cable] = importer.read_file(cable, None, edition, editions, force, target)
        except TipDraftError as exc:
            rows[-1].error = _first_line(exc, cable)
    _distinct(reads)
    shared = _shared_names(reads)
    for row in (r for r in rows if r.cable in reads):
        read = reads[row.cable]
        try:
            if row.cable in shared:
                raise OutputError(f"{read.output}: also the name of {shared[row.cable]}: import each alone, with -o")
            read.write(force)
        except TipDraftError as exc:
            row.error = _first_line(exc, row.cable)
            continue
        _fill(row, read)
    return rows


def _folder(folder: Path | None) -> Path:
    """Where a batch writes: the folder given (not a country file's name), or countries/."""
    if folder is not None and folder.suffix.lower() in (".yaml", ".yml") and not folder.is_dir():
        raise UsageError(f"{folder}: several cables are written into a folder, and this names a country file: name a folder")
    return folder or COUNTRIES


def _check_link(cable: Path) -> None:
    """A symbolic link that leads to no file is said to be one (not "no such file", which
    would puzzle a user looking at its name in the folder)."""
    if not cable.is_symlink():
        return
    try:
        os.stat(cable)
    except OSError as exc:
        why = "a loop of symbolic links" if exc.errno == errno.ELOOP else "a symbolic link to a file that does not exist"
        raise OutputError(f"{cable}: {why}: no cable to import") from None


def _report_year(read: importer.Read) -> str:
    """The year of the report a cable is: its subject's, else the year it was sent."""
    cable = read.result.data["cable"]
    if year := re.search(r"\b(?:19|20)\d\d\b", str(cable.get("subject", ""))):
        return year[0]
    sent = re.search(r"\b\d{6}Z [A-Z]{3} (\d\d)$", str(cable.get("date_time_group", "")))
    return f"20{sent[1]}" if sent else ""


def _serial(read: importer.Read) -> str:
    serial = read.result.data["cable"].get("serial")
    return str(serial) if isinstance(serial, int) else ""


NAMERS: tuple[Callable[[importer.Read], str], ...] = (
    _report_year,
    lambda read: "-".join(filter(None, (_report_year(read), _serial(read)))),
)


def _distinct(reads: dict[Path, importer.Read]) -> None:
    """Cables of one country in a batch (its reports of several years) each get a file of
    their own: the country's name, then the report's year, then the cable's serial, the
    first that tells it from the others of its country. Copies of one cable still share a
    name, and :func:`_shared_names` refuses them."""
    for together in _by_output(reads).values():
        if len(together) < 2:
            continue
        for cable in together:
            read = reads[cable]
            for namer in NAMERS:
                mine = namer(read)
                if mine and sum(1 for other in together if namer(reads[other]) == mine) == 1:
                    read.output = read.output.with_name(f"{read.output.stem}-{mine}{read.output.suffix}")
                    break


def _by_output(reads: dict[Path, importer.Read]) -> dict[Path, list[Path]]:
    writers: dict[Path, list[Path]] = {}
    for cable, read in reads.items():
        writers.setdefault(read.output.resolve(), []).append(cable)
    return writers


def _shared_names(reads: dict[Path, importer.Read]) -> dict[Path, str]:
    """For each cable whose file another cable of the batch would write too: one other, and
    how many more (a row's length never grows with the batch: 500 copies, 500 short rows)."""
    out = {}
    for together in _by_output(reads).values():
        for cable in together if len(together) > 1 else ():
            others = [c for c in together if c != cable]
            more = f" and {len(others) - 1} more cable(s) of this batch" if len(others) > 1 else ""
            out[cable] = f"{others[0]}{more} (the same country, year and serial: copies of one cable?)"
    return out


def _first_line(exc: TipDraftError, cable: Path) -> str:
    return exc.about(cable).splitlines()[0]


def _fill(row: Row, read: importer.Read) -> None:
    """The summary's counts for a cable written."""
    result = read.result
    answers = result.data.get("answers") or {}
    row.written = read.output
    row.country = str(result.data["cable"]["country"])
    row.found = result.found
    row.answers = sum(1 for para in answers.values() for key in para if key not in ("mark", "heading"))
    row.unplaced = len(result.data.get("unplaced") or ())
    row.warnings = len(result.warnings)


def _cells(r: Row) -> tuple[str, ...]:
    if r.error:
        return (str(r.cable), "-", "-", "-", "-", "-", f"error: {r.error}")
    return (str(r.cable), str(r.written), r.country, r.found, str(r.answers), str(r.unplaced), str(r.warnings))


def summary(rows: Sequence[Row]) -> str:
    """The summary table, one line per cable, and a count of files written and refused."""
    head = ("cable", "written", "country", "edition", "answers", "unplaced", "warnings")
    table = [head] + [
        tuple(one_line(cell) for cell in _cells(r)) for r in rows
    ]  # a name or message with a line break or control character is escaped: it never forges a row
    widths = [max(len(line[i]) for line in table) for i in range(len(head) - 1)]
    lines = ["  ".join([*(c.ljust(w) for c, w in zip(line, widths, strict=False)), line[-1]]).rstrip() for line in table]
    failed = sum(1 for r in rows if r.error)
    return "\n".join([*lines, f"{len(rows)} cable(s): {len(rows) - failed} written, {failed} not imported"])
