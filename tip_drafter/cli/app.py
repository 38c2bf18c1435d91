"""The ``tipdraft`` app: the command group that turns an error into output and an exit status,
the console, and the arguments and options the commands share."""

from __future__ import annotations

import threading
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core

from .. import __version__
from ..console import Console
from ..edition import available_editions
from ..errors import ExitStatus, FileProblem, TipDraftError
from ..options import COUNTRIES, folder, resolve


class Commands(typer.core.TyperGroup):
    """The command group: runs a command and turns what it returns or raises into an exit status."""

    def invoke(self, ctx: Any) -> Any:
        """Run the command; print an error it raises; exit with its status.

        ``ctx`` is the click context that typer vendors and does not export (``typer.Context``
        is a subclass of it: too narrow for an override), so it is taken as it comes."""
        try:
            status = super().invoke(ctx)
        except TipDraftError as exc:
            console.error(exc)
            status = exc.status
        except OSError as exc:  # a path the user named that the system refused, wherever it was met
            console.error(FileProblem.of(exc))
            status = ExitStatus.FAILED
        except KeyboardInterrupt:
            status = ExitStatus.INTERRUPTED
        if status:
            ctx.exit(int(status))
        return status


app = typer.Typer(
    name="tipdraft",
    cls=Commands,
    help="Draft a TIP report submission: validate a country file, render it as a cable and a PDF.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
console = Console()


class PrintFormat(StrEnum):
    """How diagnostics and tables are printed."""

    text = "text"
    json = "json"


class CheckFormat(StrEnum):
    """How validate prints its problems: for a person, for a program, or for where teams work."""

    text = "text"
    json = "json"
    sarif = "sarif"  # SARIF 2.1.0, as code-scanning tools read it
    github = "github"  # GitHub Actions workflow annotations, one per problem


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


def complete_country_files(incomplete: str) -> list[str]:
    """Shell completion: country files and folders here and in countries/."""
    found = [*Path().glob("*.yaml"), *COUNTRIES.glob("*.yaml"), *(p for p in Path().iterdir() if p.is_dir())]
    return sorted(str(p) for p in found if str(p).startswith(incomplete) and not p.name.startswith("."))


def complete_editions(incomplete: str) -> list[str]:
    """Shell completion: the editions tipdraft knows."""
    return [name for name in available_editions() if name.startswith(incomplete)]


Files = Annotated[
    list[str],
    typer.Argument(
        help="Country files or folders of them (a bare name is looked up in countries/).",
        show_default=False,
        metavar="FILE|DIR...",
        autocompletion=complete_country_files,
    ),
]


OneFile = Annotated[
    str,
    typer.Argument(
        help="The country file (a bare name is looked up in countries/).",
        show_default=False,
        metavar="FILE",
        autocompletion=complete_country_files,
    ),
]
NoOpen = Annotated[bool, typer.Option("--no-open", help="Do not open a browser; print the address only.")]


def _edition_folders(value: list[Path] | None) -> list[Path] | None:
    """Each --editions folder, if it is one (a mistyped one is said, not searched in vain)."""
    return [folder(path, "edition folder") for path in value] if value else value


Jobs = Annotated[
    int | None, typer.Option("--jobs", "-j", help="Worker processes checking the files (default: all cores; 1: none).")
]
Editions = Annotated[
    list[Path] | None,
    typer.Option(
        "--editions", help="Folder of questionnaire editions, searched before the bundled ones.", callback=_edition_folders
    ),
]
TemplateDirs = Annotated[
    list[Path] | None, typer.Option("--template-dir", help="Folder of templates searched before the bundled ones.")
]
Width = Annotated[int, typer.Option(help="Line width of the cable text.")]
LinesPerPage = Annotated[int, typer.Option(help="Lines from one page marker to the next.")]
Strict = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]
Draft = Annotated[bool, typer.Option("--draft", help="A draft: placeholders such as TBD are warnings, not errors.")]
PrintFormatOption = Annotated[PrintFormat, typer.Option("--format", help="text or json")]


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


def served_file(name: str) -> Path:
    """The country file a page serves (preview, edit): a mistyped name, a folder, a FIFO are
    said at once as validate says them, not served as a page of one error."""
    from ..yamlio.read import COUNTRY_FILE, MAX_BYTES, read_capped

    path = resolve(name)
    read_capped(path, str(path), MAX_BYTES, COUNTRY_FILE.what)
    return path


def on_ready(doing: str, no_open: bool) -> Callable[[str, str], None]:
    """What a page's server calls once it listens: print its address and what it does, and
    open the browser at its one-time address (``opener``) unless ``no_open``."""

    def ready(url: str, opener: str) -> None:
        console.result(url)
        console.info(doing)
        if not no_open:
            # in a thread of its own, never waited for: a $BROWSER command may run until the
            # browser is closed, and the page's requests are served in this thread meanwhile
            threading.Thread(target=open_browser, args=(opener,), name="tipdraft-browser", daemon=True).start()

    return ready


def open_browser(url: str) -> None:
    """Open the page in the user's browser, if there is one (no browser is no failure).
    ``url`` is the server's one-time address, not the token's: a command line is readable
    by every local user."""
    import webbrowser

    try:
        if not webbrowser.open(url):
            console.problem("no browser to open: open the address above", "warning")
    except webbrowser.Error:
        console.problem("no browser to open: open the address above", "warning")
