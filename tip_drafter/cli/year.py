"""The drafting year's commands of ``tipdraft``: new, skeleton, import, review, diff, status.

They are commands of the one app in ``cli`` (which registers them by importing this module);
a module of their own keeps each under the size a reader takes in at once. As in ``cli.main``,
the pipeline is imported inside each command, so ``--help`` and completion stay quick.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import config
from ..edition import default_edition
from ..errors import ExitStatus, UsageError, command
from ..options import COUNTRIES, OUTPUT, Options, expand
from ..startup import importing
from .app import Editions, Jobs, PrintFormat, PrintFormatOption, app, complete_editions, console

if TYPE_CHECKING:
    from ..year.compare import Status


Force = Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")]


@app.command(short_help="Start next year's draft from last year's file (or an empty one).")
def new(
    source: Annotated[
        Path | None, typer.Option("--from", help="Last year's country file (without it: an empty skeleton).")
    ] = None,
    year: Annotated[int | None, typer.Option(help="The report year of the new draft.")] = None,
    edition: Annotated[
        str | None, typer.Option(help="The questionnaire edition of the new draft (default: the source's).")
    ] = None,
    country: Annotated[str | None, typer.Option(help="The country, for a skeleton.")] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="The file to write (default countries/<name>-<year>.yaml).")
    ] = None,
    editions: Editions = None,
    force: Force = False,
) -> None:
    """Start next year's draft from last year's file: every answer carried over, marked unreviewed.

    Example: tipdraft new --from countries/belgium.yaml --year 2010
    """
    from ..year import nextyear

    if source is None:
        if country is None:
            raise UsageError("give --from FILE, or --country NAME for a skeleton")
        skeleton(edition or default_edition(), country, output, editions, force, year)
        return
    if year is None:
        raise UsageError("give --year, the report year of the new draft")
    with importing():
        from .. import api
    path = api.resolve(source)
    target = output or COUNTRIES / f"{path.stem}-{year}.yaml"
    with _new_schemas_said():
        draft = nextyear.new_draft(path, year, target, edition, editions or (), force)
    console.info(
        f"wrote {draft.path}: {draft.carried} answer(s) carried over, marked unreviewed (review them: {command('review', draft.path)})"
    )
    for label, items in (
        ("cleared", draft.cleared),
        ("added", draft.added),
        ("moved", draft.moved),
        ("dropped (kept under 'dropped')", draft.dropped),
        ("kept, to review", draft.stale),
    ):
        if items:
            console.info(f"  {label}: {', '.join(items)}")


@app.command(short_help="Write an empty country file: every item, its topic as a comment.")
def skeleton(
    edition: Annotated[
        str, typer.Option(help="The questionnaire edition.", autocompletion=complete_editions)
    ] = default_edition(),
    country: Annotated[str, typer.Option(help="The country, e.g. Norway.")] = "",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="The file to write (default countries/<country>.yaml).")
    ] = None,
    editions: Editions = None,
    force: Force = False,
    year: Annotated[int | None, typer.Option(help="The report year (default: the edition's).")] = None,
) -> None:
    """Write an empty country file: every paragraph and item in order, each topic as a comment.

    Example: tipdraft skeleton --edition 2009 --country Norway
    """
    from ..year import nextyear

    if not country.strip():
        raise UsageError("give --country NAME")
    name = "-".join(re.findall(r"[a-z0-9]+", country.lower())) or "country"
    target = output or COUNTRIES / f"{name}.yaml"
    warnings: list[str] = []
    with _new_schemas_said():
        nextyear.skeleton(edition, country.strip(), target, editions or (), force, warnings, year)
    for warning in warnings:
        console.problem(f"{target}: {warning}", "warning")
    console.info(f"wrote {target}")


@app.command("import", short_help="Read last year's cables into country files, losing no word.")
def import_command(
    cables: Annotated[
        list[Path],
        typer.Argument(
            help="The cable's text, as sent or as an archive printed it; or several, or folders of them.", metavar="CABLE|DIR..."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="The file to write (default countries/<country>.yaml); a folder for several."),
    ] = None,
    edition: Annotated[
        str | None, typer.Option(help="The questionnaire edition the cable answers (default: its subject's year).")
    ] = None,
    editions: Editions = None,
    force: Force = False,
) -> ExitStatus:
    """Read last year's cable into a country file; what could not be placed is kept and listed.

    Example: tipdraft import tests/data/09BRUSSELS244.txt -o countries/belgium-2009.yaml
    """
    from ..importing import importer, many

    if many.is_many(cables, output):
        with _new_schemas_said():
            rows = many.import_all(cables, output, edition, editions or (), force)
        console.result(many.summary(rows))
        return ExitStatus.FAILED if any(r.error for r in rows) else ExitStatus.OK
    cable = cables[0]
    with _new_schemas_said():
        read = importer.read_file(cable, output, edition, editions or (), force)
        read.write(force)
    for note in read.result.notes:
        console.detail(f"{cable}: {note}")
    for warning in read.result.warnings:
        console.problem(f"{cable}: {warning}", "warning")
    console.info(
        f"wrote {read.output} ({len(read.result.warnings)} warning(s)); check it with: {command('validate', read.output)}"
    )
    return ExitStatus.OK


class DiffFormat(StrEnum):
    """What diff writes: a table (text, json) on stdout, or a redline file (html, pdf)."""

    text = "text"
    json = "json"
    html = "html"
    pdf = "pdf"


@app.command("diff", short_help="Compare two years' files: header, framing, answers.")
def diff_command(
    old: Annotated[str, typer.Argument(help="Last year's country file.")],
    new: Annotated[str, typer.Argument(help="This year's.")],
    editions: Editions = None,
    output_format: Annotated[
        DiffFormat | None,
        typer.Option("--format", help="text or json (printed), html or pdf (a redline, written)  [default: text]"),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="The redline to write, as its name says: .html or .pdf (default output/<NEW's name>.redline.pdf).",
        ),
    ] = None,
) -> None:
    """Compare two country files whole: header, framing paragraphs, paragraph marks, answers.

    Each field and answer is new, removed, unchanged or changed (word by word); an unchanged
    answer says whether review kept it on purpose or it is still to review (stale?).
    --format html or pdf (or -o FILE.pdf) writes a redline for reviewers: a summary table, then
    every change with deletions struck through [-like this-] and insertions underlined {+like this+}.

    Example: tipdraft diff countries/belgium.yaml countries/belgium-2010.yaml --format pdf
    """
    import json

    with importing():
        from .. import api
        from ..year import wholediff

    fmt = _redline_format(output_format, output)
    paths = [api.resolve(name) for name in (old, new)]
    pair = [api.loaded(path, editions or ()) for path in paths]
    swapped = wholediff.order_warning((paths[0], *pair[0]), (paths[1], *pair[1]))
    console.diagnostics([swapped] if swapped else [])
    if fmt is not None:
        from ..year import redline

        target = redline.write_redline(paths[0], paths[1], fmt, output, editions or ())
        console.info(f"wrote {target}")
        return
    comparison = wholediff.compare(pair[0], pair[1])
    console.result(
        json.dumps(wholediff.to_json(comparison), indent=2)
        if output_format is DiffFormat.json
        else wholediff.format_text(comparison).rstrip("\n")
    )


def _redline_format(output_format: DiffFormat | None, output: Path | None) -> str | None:
    """The redline's format (html or pdf, asked for or said by -o's name); None for the
    printed forms."""
    if output_format in (DiffFormat.text, DiffFormat.json):
        if output is not None:
            raise UsageError("-o goes with --format html or pdf (the text and json forms are printed)")
        return None
    if output_format is None and output is None:
        return None
    from ..year import redline

    return redline.format_for(output, output_format.value if output_format else None)


@app.command(short_help="One row per country file: answered, unreviewed, warnings, errors.")
def status(
    files: Annotated[
        list[str] | None, typer.Argument(help="Country files or folders (default: countries/).", show_default=False)
    ] = None,
    editions: Editions = None,
    output_format: PrintFormatOption = PrintFormat.text,
    jobs: Jobs = None,
) -> ExitStatus:
    """One row per country file: edition, year, required items answered, unreviewed, warnings, errors.

    The errors themselves are printed too, located; they are counted as tipdraft validate counts them.

    Example: tipdraft status countries
    """
    import json
    from dataclasses import asdict

    from ..year import compare

    options = Options(editions=editions or (), template_dirs=config.template_dirs(Path()))
    rows = _status_rows(expand(files or [str(COUNTRIES)]), options, jobs)
    if output_format is PrintFormat.json:  # the shape of validate's: the files, then a summary
        summary = {**compare.status_summary(rows), "failed": any(r.errors for r in rows)}
        console.result(json.dumps({"files": [asdict(r) for r in rows], "summary": summary}, indent=2))
    else:
        console.result(compare.format_status(rows).rstrip("\n"))
    return ExitStatus.FAILED if any(r.errors for r in rows) else ExitStatus.OK


def _status_rows(paths: list[Path], options: Options, jobs: int | None) -> list[Status]:
    """Check each file (on every core): its row of the status table; its errors printed, located."""
    with importing():  # before the workers are forked: they start with the pipeline loaded
        from .. import api, batch, manifest  # noqa: F401
        from ..year import compare
    rows = []
    with batch.outcomes([compare.StatusCheck(path, options, OUTPUT) for path in paths], jobs) as outcomes:
        for path, outcome in zip(paths, outcomes, strict=True):
            if isinstance(outcome, Exception):  # its worker died
                failed = [batch.not_checked(path, outcome)]
                outcome = failed, compare.status_row(path, None, None, failed)
            console.diagnostics(outcome[0])
            rows.append(outcome[1])
    return rows


@app.command(short_help="Mark what new carried over reviewed, or walk it one by one.")
def review(
    file: Annotated[str, typer.Argument(help="The draft (a bare name is looked up in countries/).", show_default=False)],
    items: Annotated[
        list[str] | None,
        typer.Argument(help="Items (25.E), paragraphs (26) or kept fields (contact) to mark reviewed.", show_default=False),
    ] = None,
    everything: Annotated[bool, typer.Option("--all", help="Mark every carried-over answer and kept field reviewed.")] = False,
    editions: Editions = None,
) -> ExitStatus:
    """Mark carried-over answers reviewed; with no items, on a terminal, walk them one by one.

    Example: tipdraft review countries/belgium-2010.yaml 25.E 26    (or --all)
    """
    with importing():
        from .. import api
        from ..year import review
    path = api.resolve(file)
    if items or everything:
        marked, left = review.mark(path, items or [], everything, editions or ())
        console.info(f"{path}: {len(marked)} marked reviewed ({', '.join(p.label for p in marked) or 'none'}); {left} left")
        return ExitStatus.OK
    session = review.open_session(path, editions or ())  # a file it cannot write back is refused first
    if not sys.stdin.isatty():
        raise UsageError("name the items to mark reviewed (25.E, 26, contact) or --all; one by one needs a terminal")
    from ..console import colour_wanted
    from ..year import review_tty, review_walk

    with review_tty.Keys(sys.stdin.fileno()) as keys:
        prompter = review_walk.Prompter(
            typer.echo, keys.ask, keys.editing(review_tty.edit_in_editor), colour=colour_wanted(sys.stdout)
        )
        reviewed, left = review_walk.walk(session, prompter)
    console.info(f"{path}: {reviewed} marked reviewed; {left} left")
    return ExitStatus.OK


@contextlib.contextmanager
def _new_schemas_said() -> Iterator[None]:
    """A country file tipdraft writes points editors at its edition's schema, which is written
    to schemas/ if it is not there yet: say so when it is."""
    from ..format.schema import default_path

    folder = default_path(default_edition()).parent
    before = set(folder.glob("*.schema.json"))
    yield
    for path in sorted(set(folder.glob("*.schema.json")) - before):
        console.info(f"wrote {path} (the JSON Schema the file's first line points editors at)")
