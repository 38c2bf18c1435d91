"""G/TIP's commands of ``tipdraft``: collect every post's submission into one output.

Registered on the one app in ``cli`` (which imports this module), as ``cli_year`` is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import importing
from .cli import Editions, Files, app, console
from .errors import ExitStatus
from .options import Options, expand


@app.command(short_help="G/TIP: every post's file into one CSV, workbook, database or dashboard.")
def collect(
    files: Files,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="What to write; its name says the format: .csv, .xlsx, .sqlite, .html")
    ],
    cables: Annotated[bool, typer.Option("--cables", help="The files are sent cables (.txt), imported on the fly.")] = False,
    up_to: Annotated[
        str | None,
        typer.Option("--up-to", help="The copy's highest portion mark (U, SBU, C or S): text marked above it is withheld."),
    ] = None,
    editions: Editions = None,
    draft: Annotated[
        bool, typer.Option("--draft", help="Count drafts' unreviewed answers as warnings, as validate --draft.")
    ] = False,
) -> ExitStatus:
    """Gather every post's country file (or sent cable) into one output for G/TIP: one row per
    answer with its status, portion mark and item id; a file that fails to load is listed and
    the others are collected (exit 1).

    Example: tipdraft collect submissions/ -o output/2009.xlsx
    """
    with importing():
        from .collect import gather, outputs
        from .importmany import cable_files

    write = outputs.writer_for(output)
    limit = _mark(up_to)
    paths = cable_files([Path(f) for f in files]) if cables else expand(files)
    found = gather.Collection()
    options = Options(editions=editions or (), draft=draft)
    with console.progress(paths, len(paths), "collecting") as steps:
        for path in steps:
            gather.gather(found, path, options, cables)
    found = gather.finish(found)
    if limit is not None:
        found = gather.withhold(found, limit)
    write(found, output)
    for failure in found.failures:
        console.diagnostics(failure.problems)
    for note in found.notes:
        console.problem(note, "warning")
    console.info(
        f"wrote {output}: {len(found.submissions)} submission(s), {len(found.answers)} answer(s)"
        + (f"; {len(found.failures)} file(s) not collected" if found.failures else "")
    )
    return ExitStatus.FAILED if found.failures else ExitStatus.OK


def _mark(value: str | None) -> str | None:
    from .classification import PORTION_RANK
    from .errors import UsageError

    if value is None:
        return None
    if value.upper() not in PORTION_RANK:
        raise UsageError(f"--up-to {value!r}: a portion mark, one of {', '.join(PORTION_RANK)}")
    return value.upper()
