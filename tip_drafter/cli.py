"""The ``tipdraft`` command: parse arguments, make one library call, print, exit."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer

from . import __version__, api, layout
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
) -> None:
    """Validate, then write the cable text and PDF to output/ (nothing is written for an invalid file).

    Example: tipdraft render countries/belgium.yaml
    """
    formats = ("txt", "pdf") if output_format is Format.all else (output_format.value,)
    settings = _run(lambda: layout.Settings(width, lines_per_page))
    options = api.Options(settings, editions or (), template_dir or (), formats, strict, draft)
    failed = 0
    for name in files:
        try:
            result = api.render_file(api.resolve(name), output, options)
        except TipDraftError as exc:
            if exc.exit_code == 2:
                _fail(exc)
            _print_diagnostics(exc.diagnostics)
            typer.echo(f"error: {exc}", err=True)
            failed += 1
            continue
        _print_diagnostics(result.diagnostics)
        typer.echo(f"{result.source}: wrote {', '.join(str(p) for p in result.written)} ({result.pages} sections)")
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
