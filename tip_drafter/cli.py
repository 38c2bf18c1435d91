"""The ``tipdraft`` command: parse arguments, make one library call, print, exit.

The pipeline is imported inside each command, so ``--help`` stays quick and ``render`` can
start its PDF workers before loading it.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from . import __version__, layout
from .console import Console
from .edition import default_edition
from .errors import Diagnostic, TipDraftError, has_errors, to_json

if TYPE_CHECKING:
    from .batch import Outcome

app = typer.Typer(
    name="tipdraft",
    help="Draft a TIP report submission: validate a country file, render it as a cable and a PDF.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
console = Console()
T = TypeVar("T")


class Report(StrEnum):
    """How diagnostics are printed."""

    text = "text"
    json = "json"


class Format(StrEnum):
    """What render writes."""

    txt = "txt"
    pdf = "pdf"
    html = "html"
    all = "all"


class Paper(StrEnum):
    """Paper size of the PDF."""

    Letter = "Letter"
    A4 = "A4"


Files = Annotated[
    list[str],
    typer.Argument(help="Country files or folders of them (a bare name is looked up in countries/).", show_default=False),
]
Editions = Annotated[
    list[Path] | None, typer.Option("--editions", help="Folder of questionnaire editions, searched before the bundled ones.")
]
Strict = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
Draft = Annotated[bool, typer.Option("--draft", help="A draft: placeholders such as TBD are warnings, not errors.")]
ReportOption = Annotated[Report, typer.Option("--format", help="text or json")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tipdraft {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print more: settings, editions, templates.")] = False,
) -> None:
    """tipdraft: the TIP report submission, from one YAML file per country to a cable and a PDF.

    Start with: tipdraft render countries/belgium.yaml
    """
    console.level = -1 if quiet else 1 if verbose else 0


@app.command()
def validate(
    files: Files,
    editions: Editions = None,
    strict: Strict = False,
    draft: Draft = False,
    output_format: ReportOption = Report.text,
) -> None:
    """Check country files against their questionnaire edition; print every problem, located.

    Example: tipdraft validate countries/belgium.yaml
    """
    from . import api

    options = api.Options(editions=editions or (), draft=draft)
    paths = _run(lambda: api.expand(files))
    found: list[Diagnostic] = []
    for path in paths:
        found += _run(lambda path=path: api.check(path, options)).diagnostics  # type: ignore[misc]
    if output_format is Report.json:
        console.result(to_json(found))
    else:
        console.diagnostics(found)
        errors = sum(d.severity == "error" for d in found)
        console.info(f"{len(paths)} file(s) checked: {errors} error(s), {len(found) - errors} warning(s)")
    raise typer.Exit(1 if has_errors(found, strict) else 0)


@app.command()
def render(
    files: Files,
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write into.")] = Path("output"),
    output_format: Annotated[Format, typer.Option("--format", help="txt, pdf, html or all (txt and pdf)")] = Format.all,
    width: Annotated[int, typer.Option(help="Line width of the cable text.")] = layout.Settings.width,
    lines_per_page: Annotated[int, typer.Option(help="Lines from one page marker to the next.")] = layout.Settings.lines_per_page,
    editions: Editions = None,
    template_dir: Annotated[
        list[Path] | None, typer.Option("--template-dir", help="Folder of templates searched before the bundled ones.")
    ] = None,
    strict: Strict = False,
    draft: Draft = False,
    paper: Annotated[Paper, typer.Option(help="Paper size of the PDF.")] = Paper.Letter,
    tagged: Annotated[bool, typer.Option("--tagged/--untagged", help="Tag the PDF for screen readers (PDF/UA-1).")] = True,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="PDF worker processes (default: all cores; 1: none).")] = None,
) -> None:
    """Validate, then write the cable text and PDF to output/ (nothing for an invalid file).

    Example: tipdraft render countries/belgium.yaml    (or a folder: tipdraft render countries)
    """
    from . import batch

    formats = ("txt", "pdf") if output_format is Format.all else (output_format.value,)
    settings = _run(lambda: layout.Settings(width, lines_per_page))
    jobs = batch.default_jobs() if jobs is None else jobs
    if jobs < 1:
        _usage(f"--jobs must be at least 1, not {jobs}")
    # Start the PDF workers before loading the pipeline: their WeasyPrint import overlaps ours.
    # A folder may hold many files, so it counts as all the jobs.
    wanted = sum(jobs if Path(f).is_dir() else 1 for f in files)
    workers = _run(lambda: batch.PdfWorkers(min(jobs, wanted))) if jobs > 1 and "pdf" in formats else None
    with workers or contextlib.nullcontext():
        from . import api, config

        dirs = [*(template_dir or ()), *_run(lambda: config.template_dirs(Path.cwd()))]
        options = api.Options(settings, editions or (), dirs, formats, strict, draft, paper.value, tagged)
        console.detail(f"templates searched: {', '.join(str(d) for d in [*dirs, 'bundled'])}")
        paths = _run(lambda: api.expand(files))
        outcomes = batch.render_files(paths, output, options, workers)
        with console.progress(outcomes, len(paths), "rendering") as steps:
            failed = [str(outcome.path) for outcome in steps if _report(outcome)]
    if len(paths) > 1:
        console.info(f"{len(paths) - len(failed)} rendered, {len(failed)} failed" + (f": {', '.join(failed)}" if failed else ""))
    raise typer.Exit(1 if failed else 0)


@app.command("schema")
def schema_command(
    edition: Annotated[str, typer.Option(help="The questionnaire edition.")] = default_edition(),
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default schemas/<edition>.schema.json).")
    ] = None,
    editions: Editions = None,
) -> None:
    """Write the JSON Schema of country files for an edition, for editors (yaml-language-server).

    Example: tipdraft schema --edition 2009 -o schemas/2009.schema.json
    """
    from . import schema
    from .edition import load_edition

    loaded = _run(lambda: load_edition(edition, editions or ()))
    target = output or _run(lambda: schema.default_path(edition))
    _run(lambda: schema.write_schema(loaded, target))
    console.info(f"wrote {target}")


Force = Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")]


@app.command()
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
    from . import nextyear

    if source is None:
        skeleton(
            edition or default_edition(),
            country or _usage("give --from FILE, or --country NAME for a skeleton"),
            output,
            editions,
            force,
        )
        return
    if year is None:
        _usage("give --year, the report year of the new draft")
    from . import api

    path = api.resolve(source)
    target = output or Path("countries") / f"{path.stem}-{year}.yaml"
    draft = _run(lambda: nextyear.new_draft(path, year, target, edition, editions or (), force))
    console.info(
        f"wrote {draft.path}: {draft.carried} answer(s) carried over, marked unreviewed (remove carried_over once reviewed)"
    )
    for label, items in (
        ("cleared", draft.cleared),
        ("added", draft.added),
        ("moved", draft.moved),
        ("dropped (kept under 'dropped')", draft.dropped),
    ):
        if items:
            console.info(f"  {label}: {', '.join(items)}")


@app.command()
def skeleton(
    edition: Annotated[str, typer.Option(help="The questionnaire edition.")] = default_edition(),
    country: Annotated[str, typer.Option(help="The country, e.g. Norway.")] = "",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="The file to write (default countries/<country>.yaml).")
    ] = None,
    editions: Editions = None,
    force: Force = False,
) -> None:
    """Write an empty country file: every paragraph and item in order, each topic as a comment.

    Example: tipdraft skeleton --edition 2009 --country Norway
    """
    from . import nextyear

    if not country.strip():
        _usage("give --country NAME")
    name = "-".join(re.findall(r"[a-z0-9]+", country.lower())) or "country"
    target = output or Path("countries") / f"{name}.yaml"
    warnings: list[str] = []
    _run(lambda: nextyear.skeleton(edition, country.strip(), target, editions or (), force, warnings))
    for warning in warnings:
        console.problem(f"{target}: {warning}", "warning")
    console.info(f"wrote {target}")


@app.command("import")
def import_command(
    cables: Annotated[
        list[Path], typer.Argument(help="The cable's text, as sent or as an archive printed it; or several, or folders.")
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
) -> None:
    """Read last year's cable into a country file; what could not be placed is kept and listed.

    Example: tipdraft import 09BRUSSELS244.txt -o countries/belgium-2009.yaml
    """
    from . import importer, importmany

    if importmany.is_many(cables, output):
        rows = importmany.import_all(cables, output, edition, editions or (), force)
        console.result(importmany.summary(rows))
        raise typer.Exit(1 if any(r.error for r in rows) else 0)
    cable = cables[0]
    target, result = _run(lambda: importer.import_file(cable, output, edition, editions or (), force))
    for note in result.notes:
        console.detail(f"{cable}: {note}")
    for warning in result.warnings:
        console.problem(f"{cable}: {warning}", "warning")
    console.info(f"wrote {target} ({len(result.warnings)} warning(s)); check it with: tipdraft validate {target}")


@app.command("diff")
def diff_command(
    old: Annotated[str, typer.Argument(help="Last year's country file.")],
    new: Annotated[str, typer.Argument(help="This year's.")],
    editions: Editions = None,
    output_format: ReportOption = Report.text,
) -> None:
    """Compare two country files item by item: new, removed, unchanged (stale?) or changed.

    Example: tipdraft diff countries/belgium.yaml countries/belgium-2010.yaml
    """
    import json

    from . import api, compare

    pair = [_run(lambda name=name: api.loaded(api.resolve(name), editions or ())) for name in (old, new)]  # type: ignore[misc]
    changes = _run(lambda: compare.diff(pair[0], pair[1]))
    console.result(
        json.dumps(compare.changes_json(changes), indent=2)
        if output_format is Report.json
        else compare.format_diff(changes).rstrip("\n")
    )


@app.command()
def status(
    files: Annotated[
        list[str] | None, typer.Argument(help="Country files or folders (default: countries/).", show_default=False)
    ] = None,
    editions: Editions = None,
    output_format: ReportOption = Report.text,
) -> None:
    """One row per country file: edition, year, required items answered, unreviewed, warnings, errors.

    Example: tipdraft status countries
    """
    import json
    from dataclasses import asdict

    from . import api, compare

    paths = _run(lambda: api.expand(files or ["countries"]))
    rows = []
    for path in paths:
        checked = _run(lambda path=path: api.check(path, api.Options(editions=editions or (), draft=True)))  # type: ignore[misc]
        data = checked.document.data if checked.document else None
        rows.append(compare.status_row(path, data, checked.report.edition, checked.diagnostics))
    text = (
        json.dumps([asdict(r) for r in rows], indent=2)
        if output_format is Report.json
        else compare.format_status(rows).rstrip("\n")
    )
    console.result(text)
    raise typer.Exit(1 if any(r.errors for r in rows) else 0)


def _usage(message: str) -> NoReturn:
    console.problem(message)
    raise typer.Exit(2)


def _report(outcome: Outcome) -> bool:
    """Print one file's outcome; True if it failed."""
    if outcome.error is not None:
        if outcome.error.exit_code == 2:
            _fail(outcome.error)
        console.diagnostics(outcome.error.diagnostics)
        console.problem(str(outcome.error))
        return True
    result = outcome.result
    assert result is not None
    console.diagnostics(result.diagnostics)
    for note in result.notes:
        console.problem(note, "warning")
    console.info(f"{result.source}: wrote {', '.join(str(p) for p in result.written)} ({result.pages} sections)")
    return False


def _run(call: Callable[[], T]) -> T:
    """Call into the library; a usage error or a bad file ends the command with its code."""
    try:
        return call()
    except TipDraftError as exc:
        _fail(exc)
    except ValueError as exc:
        console.problem(str(exc))
        raise typer.Exit(2) from None


def _fail(exc: TipDraftError) -> NoReturn:
    console.diagnostics(exc.diagnostics)
    if not exc.diagnostics:
        console.problem(str(exc))
    raise typer.Exit(exc.exit_code)


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
