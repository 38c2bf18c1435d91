"""The ``tipdraft`` command: parse arguments, make one library call, print, exit.

The pipeline is imported inside each command, so ``--help`` stays quick and ``render`` can
start its PDF workers before loading it. The app and what the commands share are in
:mod:`.app`, whose :class:`Commands` is the one place where an error becomes output and an
exit status (:class:`ExitStatus`).
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.core
from typer.main import get_command_name

from .. import config
from ..cable import layout
from ..edition import default_edition
from ..errors import Diagnostic, ExitStatus, InvalidCountryFile, command, has_errors, to_json
from ..options import OUTPUT, Options, expand
from ..startup import importing
from .app import (
    CheckFormat,
    Draft,
    Editions,
    Files,
    Format,
    Jobs,
    LinesPerPage,
    Paper,
    Strict,
    TemplateDirs,
    Width,
    app,
    complete_editions,
    console,
)

if TYPE_CHECKING:
    from .. import batch


def _options(
    template_dir: list[Path] | None, width: int, lines_per_page: int, editions: list[Path] | None, **rest: Any
) -> Options:
    """The options validate and render share: the layout, and the template folders of the
    command line and then of ``tipdraft.toml``."""
    settings = layout.Settings(width, lines_per_page)
    options = Options(settings, editions or (), [*(template_dir or ()), *config.template_dirs(Path())], **rest)
    console.detail(f"templates searched: {', '.join(str(d) for d in [*options.template_dirs, 'bundled'])}")
    return options


@app.command(short_help="Check country files against their questionnaire; print every problem, located.")
def validate(
    files: Files,
    editions: Editions = None,
    template_dir: TemplateDirs = None,
    width: Width = layout.Settings.width,
    lines_per_page: LinesPerPage = layout.Settings.lines_per_page,
    strict: Strict = False,
    draft: Draft = False,
    output_format: Annotated[CheckFormat, typer.Option("--format", help="text, json, sarif or github")] = CheckFormat.text,
    jobs: Jobs = None,
) -> ExitStatus:
    """Check country files against their questionnaire edition; print every problem, located.

    Checks what render checks, with the same settings (tipdraft.toml, --template-dir, --width).

    Example: tipdraft validate countries/belgium.yaml
    """
    options = _options(template_dir, width, lines_per_page, editions, draft=draft)
    paths = expand(files)
    found = _checked(paths, options, jobs)
    if output_format is CheckFormat.json:
        console.result(to_json(found, len(paths), strict))
    elif output_format in (CheckFormat.sarif, CheckFormat.github):
        from .annotations import to_github, to_sarif

        console.result(to_sarif(found, paths) if output_format is CheckFormat.sarif else to_github(found))
    else:
        console.diagnostics(found)
        errors = sum(d.severity == "error" for d in found)
        strict_note = f" (--strict: {len(found) - errors} warning(s) treated as errors)" if strict and len(found) > errors else ""
        console.info(f"{len(paths)} file(s) checked: {errors} error(s), {len(found) - errors} warning(s){strict_note}")
    return ExitStatus.FAILED if has_errors(found, strict) else ExitStatus.OK


def _checked(paths: list[Path], options: Options, jobs: int | None) -> list[Diagnostic]:
    """Every problem of the files, in their order; checked on every core (``jobs``)."""
    with importing():  # before the workers are forked: they start with the pipeline loaded
        from .. import api, batch  # noqa: F401

    found: list[Diagnostic] = []
    with batch.outcomes([batch.Check(path, options) for path in paths], jobs) as outcomes:
        for path, outcome in zip(paths, outcomes, strict=True):
            found += [batch.not_checked(path, outcome)] if isinstance(outcome, Exception) else outcome
    return found


@app.command(short_help="Check, then write the cable text and the PDF (nothing for an invalid file).")
def render(
    files: Files,
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write into.")] = OUTPUT,
    output_format: Annotated[Format, typer.Option("--format", help="txt, pdf, html or all (txt and pdf)")] = Format.all,
    width: Width = layout.Settings.width,
    lines_per_page: LinesPerPage = layout.Settings.lines_per_page,
    editions: Editions = None,
    template_dir: TemplateDirs = None,
    strict: Strict = False,
    draft: Draft = False,
    paper: Annotated[Paper, typer.Option(help="Paper size of the PDF.", case_sensitive=False)] = Paper.Letter,
    tagged: Annotated[bool, typer.Option("--tagged/--untagged", help="Tag the PDF for screen readers (PDF/UA-1).")] = True,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="PDF worker processes (default: all cores; 1: none).")] = None,
) -> ExitStatus:
    """Validate, then write the cable text and PDF to output/ (nothing for an invalid file).

    Example: tipdraft render countries/belgium.yaml    (or a folder: tipdraft render countries)
    """
    from .. import batch

    formats = ("txt", "pdf") if output_format is Format.all else (output_format.value,)
    options = _options(
        template_dir,
        width,
        lines_per_page,
        editions,
        formats=formats,
        strict=strict,
        draft=draft,
        paper=paper.value,
        tagged=tagged,
    )
    paths = expand(files)
    # What a refused file is told to run again, with --draft: the options given, as given.
    given = _given(
        ("--format", output_format.value, Format.all.value),
        ("-o", output, OUTPUT),
        ("--width", width, layout.Settings.width),
        ("--lines-per-page", lines_per_page, layout.Settings.lines_per_page),
        ("--editions", editions or [], []),
        ("--template-dir", template_dir or [], []),
        ("--strict", strict, False),
        ("--paper", paper.value, Paper.Letter.value),
        ("--untagged", not tagged, False),
    )
    # The workers start once the command line is checked, before the pipeline is loaded
    # (render_files loads it): their WeasyPrint import overlaps ours and the checks.
    with batch.pdf_maker(jobs, len(paths), "pdf" in formats) as maker:
        outcomes = batch.render_files(paths, output, options, maker)
        with console.progress(outcomes, len(paths), "rendering") as steps:
            failed = [str(outcome.path) for outcome in steps if not _said(outcome, options, given)]
    if len(paths) > 1:
        console.info(f"{len(paths) - len(failed)} rendered, {len(failed)} failed" + (f": {', '.join(failed)}" if failed else ""))
    return ExitStatus.FAILED if failed else ExitStatus.OK


def _given(*options: tuple[str, object, object]) -> list[object]:
    """The command-line words of each ``(flag, value, default)`` whose value is not its
    default: a switch alone, a list one flag per item, any other value after its flag."""
    words: list[object] = []
    for flag, value, default in options:
        if value == default:
            continue
        if isinstance(value, bool):
            words.append(flag)
        else:
            words += [word for item in (value if isinstance(value, list) else [value]) for word in (flag, item)]
    return words


def _said(outcome: batch.Outcome, options: Options, given: list[object]) -> bool:
    """Print one file's render; True if it was written. A file refused only for what a draft
    allows is told the command that renders it as a draft, with the options ``given``."""
    if console.outcome(outcome):
        return True
    from .. import api

    if isinstance(outcome.error, InvalidCountryFile) and api.draft_would_render(outcome.path, options):
        suggestion = command("render", "--draft", *given, outcome.path)
        console.problem(f"{outcome.path}: a draft allows each of these; to render it as a draft: {suggestion}", "note")
    return False


@app.command("schema", short_help="Write the JSON Schema of country files, for editors.")
def schema_command(
    edition: Annotated[
        str, typer.Option(help="The questionnaire edition.", autocompletion=complete_editions)
    ] = default_edition(),
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default schemas/<edition>.schema.json).")
    ] = None,
    editions: Editions = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the file even if tipdraft did not write it.")] = False,
) -> None:
    """Write the JSON Schema of country files for an edition, for editors (yaml-language-server).

    Example: tipdraft schema --edition 2009 -o schemas/2009.schema.json
    """
    from ..edition import load_edition
    from ..format import schema

    loaded = load_edition(edition, editions or ())
    target = output or schema.default_path(edition)
    schema.write_schema(loaded, target, force)
    console.info(f"wrote {target}")


def only(group: typer.Typer, args: list[str]) -> typer.Typer:
    """``group`` with just the command the command line names (its first word that is not an
    option: the group's own options take no value), so typer builds that command's options
    alone (building all of them costs a tenth of a validate); ``group`` itself when it names
    none (help, completion, a mistyped command: the whole list is needed)."""
    named = next((arg for arg in args if not arg.startswith("-")), None)
    chosen = [c for c in group.registered_commands if (c.name or get_command_name(c.callback.__name__)) == named]  # type: ignore[union-attr]
    if len(chosen) != 1:
        return group
    narrowed = copy.copy(group)
    narrowed.registered_commands = chosen
    return narrowed


# last, so that --help lists these commands after validate, render and schema
from . import preview, edit, gtip, year  # noqa: E402, F401, I001  (in the order --help lists them; registers the drafting year's, the preview's, the form's and G/TIP's commands on the app)


def run() -> None:
    """Console-script entry point."""
    try:
        only(app, sys.argv[1:])()
    except KeyboardInterrupt:  # before a command started (typer's own handler says "Aborted!")
        sys.exit(ExitStatus.INTERRUPTED)
