"""G/TIP's commands of ``tipdraft``: collect every post's submission into one output; write, check and
compare the questionnaire's editions.

Registered on the one app in ``cli`` (which imports this module), as ``cli_year`` is.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..domain.classification import MARKS_SAID, PORTION_RANK
from ..errors import ExitStatus, OutputError, UsageError
from ..options import Options, expand
from ..startup import importing
from .app import Editions, Files, app, console

if TYPE_CHECKING:
    from ..collect.gather import Collection

edition_app = typer.Typer(
    name="edition",
    help="G/TIP: write next year's questionnaire edition, check an edition file, see what changes between two.",
    no_args_is_help=True,
)
app.add_typer(edition_app)


@app.command(short_help="G/TIP: every post's file into one CSV, workbook, database or dashboard.")
def collect(
    files: Files,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="What to write; its name says the format: .csv, .xlsx, .sqlite, .html, .pdf")
    ],
    cables: Annotated[bool, typer.Option("--cables", help="The files are sent cables (.txt), imported on the fly.")] = False,
    up_to: Annotated[
        str | None,
        typer.Option("--up-to", help=f"The copy's highest portion mark ({MARKS_SAID}): text marked above it is withheld."),
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
        from ..collect import gather
        from ..importing.many import cable_files

    limit = _mark(up_to)  # the command line is checked whole before any folder is read
    write = _writer(output, limit)
    paths = cable_files([Path(f) for f in files]) if cables else expand(files)
    _not_an_input(output, paths)
    options = Options(editions=editions or (), draft=draft)
    if write is None:
        return _book(paths, options, output, cables)
    found = _gathered(paths, options, cables)
    if not found.submissions:  # nothing to write: an earlier output stays as it was
        console.problem(f"{output}: not written: no file could be collected")
        return ExitStatus.FAILED
    write(found if limit is None else gather.withhold(found, limit), output)
    console.info(
        f"wrote {output}: {len(found.submissions)} submission(s), {len(found.answers)} answer(s)"
        + (f"; {len(found.failures)} file(s) not collected" if found.failures else "")
    )
    return ExitStatus.FAILED if found.failures else ExitStatus.OK


def _not_an_input(output: Path, paths: list[Path]) -> None:
    """Refuse an output that is one of the files collected (the user's work, never overwritten)."""
    for path in paths:
        with contextlib.suppress(OSError):
            if os.path.samefile(path, output):
                raise UsageError(f"-o {output}: is one of the files collected; not overwritten (name another file)")


def _gathered(paths: list[Path], options: Options, cables: bool) -> Collection:
    """Every file gathered (a progress bar on a terminal), and what could not be, said."""
    from ..collect import gather

    found = gather.Collection()
    with console.progress(paths, len(paths), "collecting") as steps:
        for path in steps:
            gather.gather(found, path, options, cables)
    found = gather.finish(found)
    _said(found)
    return found


def _said(found: Collection) -> None:
    """Each file that was not collected, with its problems; each note about the collection."""
    for failure in found.failures:
        console.diagnostics(failure.problems)
    for note in found.notes:
        console.problem(note, "warning")


def _book(paths: list[Path], options: Options, output: Path, cables: bool) -> ExitStatus:
    """Every post's cable in one PDF, from the country files (a sent cable is its own PDF)."""
    from ..collect.book import write_book
    from ..collect.gather import Collection

    if cables:
        raise UsageError("the book is made from country files: import the cables first (tipdraft import DIR -o countries)")
    from ..pdf.maker import PdfMaker

    found = Collection()
    with PdfMaker(1, one_shot=True) as maker:  # the PDF workers render uses: Ctrl-C stops them as it stops a render
        count = write_book(paths, options, found, output, maker)
    _said(found)
    if not count:
        console.problem(f"{output}: not written: no file could be rendered")
        return ExitStatus.FAILED
    console.info(f"wrote {output}: {count} cable(s)" + (f"; {len(found.failures)} not in the book" if found.failures else ""))
    return ExitStatus.FAILED if found.failures else ExitStatus.OK


def _writer(output: Path, limit: str | None) -> Callable[[Collection, Path], None] | None:
    """The writer of ``output``'s format; None for the book (which withholds nothing)."""
    from ..collect import outputs

    if not outputs.is_book(output):
        return outputs.writer_for(output)
    if limit is not None:
        tables = ", ".join(outputs.WRITERS)
        raise UsageError(f"--up-to: the book prints each cable whole, as sent; a copy with text withheld is one of {tables}")
    return None


def _mark(value: str | None) -> str | None:
    if value is None:
        return None
    if value.upper() not in PORTION_RANK:
        raise UsageError(f"--up-to {value!r}: a portion mark, one of {', '.join(PORTION_RANK)}")
    return value.upper()


@edition_app.command("new", short_help="Start next year's edition from this year's: every item carried over.")
def edition_new(
    name: Annotated[str, typer.Argument(help="The new edition's name (its year), such as 2010.")],
    source: Annotated[str, typer.Option("--from", help="The edition it follows, such as 2009.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="The file to write (default editions/<name>.yaml).")
    ] = None,
    editions: Editions = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Write next year's edition: every paragraph and item carried over, each item's continues:
    naming its id, with comments on how to renumber, add, merge, split or drop.

    Example: tipdraft edition new 2010 --from 2009 -o editions/2010.yaml
    """
    from ..edition import NAME, load_edition
    from ..output import refuse_overwrite, replace_all
    from ..yamlio.rewrite import create
    from ..year.editions import new_edition_text

    if not NAME.fullmatch(name):
        raise UsageError(f"{name!r} is not an edition name (letters, digits, '.', '-' or '_', such as 2010)")
    previous = load_edition(source, editions or ())
    target = output or Path("editions") / f"{name}.yaml"
    if target.stem != name:
        raise UsageError(f"{target}: an edition's file is named after it: {name}.yaml")
    refuse_overwrite(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = new_edition_text(name, previous, target).encode("utf-8")
    (replace_all({target: text}) if force else create(target, text))  # never over a file made meanwhile
    console.info(
        f"wrote {target}: edition {name}, every item of {source} carried over (check it: tipdraft edition check {target})"
    )


@edition_app.command("check", short_help="Report every problem of edition files, located.")
def edition_check(
    files: Annotated[list[Path], typer.Argument(help="Edition files (.yaml).", show_default=False)],
    editions: Editions = None,
) -> ExitStatus:
    """Check edition files: their format, ids used twice, paragraph numbers used twice, letters
    out of order, continues: naming an id the previous edition lacks, a framing paragraph missing.

    Example: tipdraft edition check editions/2010.yaml
    """
    from ..format.edition_format import check_edition

    found = [d for path in files for d in check_edition(path, editions or ())]
    console.diagnostics(found)
    console.info(f"{len(files)} edition file(s) checked: {len(found)} error(s)")
    return ExitStatus.FAILED if found else ExitStatus.OK


class EditionDiffFormat(StrEnum):
    """How edition diff shows the changes."""

    text = "text"
    html = "html"
    pdf = "pdf"


@edition_app.command("diff", short_help="What each post's answers do between two editions.")
def edition_diff(
    old: Annotated[str, typer.Argument(help="The earlier edition, such as 2009.")],
    new: Annotated[str, typer.Argument(help="The later edition, such as 2010.")],
    output_format: Annotated[EditionDiffFormat, typer.Option("--format", help="text, html or pdf")] = EditionDiffFormat.text,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="The page to write (html, pdf).")] = None,
    editions: Editions = None,
) -> None:
    """Show what tipdraft new does to every post's answers between two editions: each question
    added, moved, merged, split or dropped.

    Example: tipdraft edition diff 2009 2010 --editions editions --format pdf -o output/2010-questions.pdf
    """
    from ..output import replace_all
    from ..year import editions as edition_tools

    before, after = edition_tools.load_pair(old, new, editions or ())
    found = edition_tools.moves(before, after)
    if output_format is EditionDiffFormat.text:
        console.result(edition_tools.moves_text(before, after, found))
        return
    page = edition_tools.moves_html(before, after, found)
    target = output or Path("output") / f"edition-{old}-{new}.{output_format.value}"
    if target.suffix.lower() != f".{output_format.value}":
        raise UsageError(f"{target}: --format {output_format.value} writes a .{output_format.value} file")
    data = page.encode("utf-8") if output_format is EditionDiffFormat.html else edition_tools.moves_pdf(page)
    replace_all({target: data})
    console.info(f"wrote {target}")


@edition_app.command("schema", short_help="Write the JSON Schema of edition files, for editors.")
def edition_schema(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")] = Path("schemas/edition.schema.json"),
) -> None:
    """Write the JSON Schema of edition files (yaml-language-server and other editors use it).

    Example: tipdraft edition schema -o schemas/edition.schema.json
    """
    import json

    from ..format.edition_format import json_schema
    from ..output import replace_all

    if output.exists() and not _is_our_schema(output):
        raise OutputError(f"{output}: exists and is not a schema tipdraft wrote; not overwritten")
    output.parent.mkdir(parents=True, exist_ok=True)
    replace_all({output: (json.dumps(json_schema(), indent=2) + "\n").encode("utf-8")})
    console.info(f"wrote {output}")


def _is_our_schema(path: Path) -> bool:
    from ..format.schema import _replaceable

    return _replaceable(path)
