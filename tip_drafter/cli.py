"""The ``tipdraft`` command: parse arguments, make one library call, print, exit."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer

from . import __version__, batch, layout
from .errors import Diagnostic, TipDraftError, has_errors, to_json

app = typer.Typer(
    name="tipdraft",
    help="Draft a TIP report submission: validate a country file, render it as a cable and a PDF.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
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


Files = Annotated[list[str], typer.Argument(help="Country files (a bare name is looked up in countries/).", show_default=False)]
Editions = Annotated[
    list[Path] | None, typer.Option("--editions", help="Folder of questionnaire editions, searched before the bundled ones.")
]
Strict = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
Draft = Annotated[bool, typer.Option("--draft", help="A draft: placeholders such as TBD are warnings, not errors.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tipdraft {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """tipdraft: the TIP report submission, from one YAML file per country to a cable and a PDF."""


@app.command()
def validate(
    files: Files,
    editions: Editions = None,
    strict: Strict = False,
    draft: Draft = False,
    output_format: Annotated[Report, typer.Option("--format", help="text or json")] = Report.text,
) -> None:
    """Check country files against their questionnaire edition; print every problem, located.

    Example: tipdraft validate countries/belgium.yaml
    """
    from . import api

    found: list[Diagnostic] = []
    options = api.Options(editions=editions or (), draft=draft)
    for name in files:
        checked = _run(lambda name=name: api.check(api.resolve(name), options))  # type: ignore[misc]
        found += checked.diagnostics
    if output_format is Report.json:
        typer.echo(to_json(found))
    else:
        _print_diagnostics(found)
        errors = sum(d.severity == "error" for d in found)
        typer.echo(f"{len(files)} file(s) checked: {errors} error(s), {len(found) - errors} warning(s)")
    raise typer.Exit(1 if has_errors(found, strict) else 0)


@app.command()
def render(
    files: Files,
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write into.")] = Path("output"),
    output_format: Annotated[Format, typer.Option("--format", help="txt, pdf, html or all")] = Format.all,
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
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="PDF worker processes (default: all cores; 1: no workers).")
    ] = None,
) -> None:
    """Validate, then write the cable text and PDF to output/ (nothing is written for an invalid file).

    Example: tipdraft render countries/belgium.yaml
    """
    formats = ("txt", "pdf") if output_format is Format.all else (output_format.value,)
    settings = _run(lambda: layout.Settings(width, lines_per_page))
    jobs = batch.default_jobs() if jobs is None else jobs
    # Start the PDF workers before loading the pipeline: their WeasyPrint import overlaps ours.
    # A folder may hold many files, so it counts as all the jobs.
    wanted = sum(jobs if Path(f).is_dir() else 1 for f in files)
    workers = _run(lambda: batch.PdfWorkers(min(jobs, wanted))) if jobs > 1 and "pdf" in formats else None
    with workers or contextlib.nullcontext():
        from . import api

        options = api.Options(settings, editions or (), template_dir or (), formats, strict, draft, paper.value, tagged)
        paths = _run(lambda: api.expand(files))
        outcomes = _run(lambda: list(batch.render_files(paths, output, options, workers)))
    _report(outcomes)


def _report(outcomes: list[batch.Outcome]) -> NoReturn:
    failed = 0
    for outcome in outcomes:
        if outcome.error is not None:
            if outcome.error.exit_code == 2:
                _fail(outcome.error)
            _print_diagnostics(outcome.error.diagnostics)
            typer.echo(f"tipdraft: error: {outcome.error}", err=True)
            failed += 1
            continue
        result = outcome.result
        assert result is not None
        _print_diagnostics(result.diagnostics)
        for note in result.notes:
            typer.echo(f"tipdraft: warning: {note}", err=True)
        typer.echo(f"{result.source}: wrote {', '.join(str(p) for p in result.written)} ({result.pages} sections)")
    if len(outcomes) > 1:
        typer.echo(f"{len(outcomes) - failed} rendered, {failed} failed")
    raise typer.Exit(1 if failed else 0)


def _run(call: Callable[[], T]) -> T:
    try:
        return call()
    except TipDraftError as exc:
        _fail(exc)
    except ValueError as exc:
        typer.echo(f"tipdraft: error: {exc}", err=True)
        raise typer.Exit(2) from None


def _fail(exc: TipDraftError) -> NoReturn:
    _print_diagnostics(exc.diagnostics)
    if not exc.diagnostics:
        typer.echo(f"tipdraft: error: {exc}", err=True)
    raise typer.Exit(exc.exit_code)


def _print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    for d in diagnostics:
        typer.echo(d.format(), err=True)


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
