"""Import many cables at once: one country file per cable, past the bad ones, and a summary
table (country, edition found, answers placed, unplaced pieces, warnings)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import importer
from .errors import OutputError, TipDraftError, UsageError

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
    """The files to import: each file given, and the cable files (.txt) of each folder, sorted."""
    out: list[Path] = []
    for path in inputs:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in CABLE_SUFFIXES)
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
            reads[cable] = importer.read_file(cable, None, edition, editions, force, target)
        except TipDraftError as exc:
            rows[-1].error = _first_line(exc, cable)
    shared = _shared_names(reads)
    for row in (r for r in rows if r.cable in reads):
        read = reads[row.cable]
        try:
            if row.cable in shared:
                raise OutputError(
                    f"{read.output}: also the name of {shared[row.cable]} (the same country): import each alone, with -o"
                )
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
    return folder or Path("countries")


def _shared_names(reads: dict[Path, importer.Read]) -> dict[Path, str]:
    """For each cable whose file another cable of the batch would write too: those others."""
    writers: dict[Path, list[Path]] = {}
    for cable, read in reads.items():
        writers.setdefault(read.output.resolve(), []).append(cable)
    return {
        cable: ", ".join(str(c) for c in together if c != cable)
        for together in writers.values()
        if len(together) > 1
        for cable in together
    }


def _first_line(exc: TipDraftError, cable: Path) -> str:
    return str(exc).removeprefix(f"{cable}: ").splitlines()[0]


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


def summary(rows: Sequence[Row]) -> str:
    """The summary table, one line per cable, and a count of files written and refused."""
    head = ("cable", "written", "country", "edition", "answers", "unplaced", "warnings")
    table = [head] + [
        (str(r.cable), str(r.written), r.country, r.found, str(r.answers), str(r.unplaced), str(r.warnings))
        if r.error == ""
        else (str(r.cable), "-", "-", "-", "-", "-", f"error: {r.error}")
        for r in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(head) - 1)]
    lines = ["  ".join([*(c.ljust(w) for c, w in zip(line, widths, strict=False)), line[-1]]).rstrip() for line in table]
    failed = sum(1 for r in rows if r.error)
    return "\n".join([*lines, f"{len(rows)} cable(s): {len(rows) - failed} written, {failed} not imported"])
