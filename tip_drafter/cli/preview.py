"""The ``tipdraft preview`` command: a live page of the cable that follows every save.

A command of the one app in ``cli`` (which registers it by importing this module). As in
``cli.main``, the pipeline is imported inside the command, so ``--help`` stays quick.
"""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from ..cable import layout
from ..errors import ExitStatus
from ..options import Options, resolve
from ..startup import importing
from .app import Draft, Editions, NoOpen, OneFile, Paper, Strict, TemplateDirs, app, console


@app.command(short_help="Serve a live page of the cable as it will print; it follows every save.")
def preview(
    file: OneFile,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: a free one).", min=0, max=65535)] = 0,
    no_open: NoOpen = False,
    editions: Editions = None,
    template_dir: TemplateDirs = None,
    width: Annotated[int, typer.Option(help="Line width of the cable text.")] = layout.Settings.width,
    lines_per_page: Annotated[int, typer.Option(help="Lines from one page marker to the next.")] = layout.Settings.lines_per_page,
    strict: Strict = False,
    draft: Draft = False,
    paper: Annotated[Paper, typer.Option(help="Paper size of the PDF.", case_sensitive=False)] = Paper.Letter,
) -> ExitStatus:
    """Serve a live page of the cable on 127.0.0.1: the page the PDF is made from, every
    problem at its item, a link to the PDF. Each save of the file, its edition, tipdraft.toml
    or a template re-checks and re-renders it; the page follows. Ctrl-C stops it.

    The first line printed is the page's address (with its token).

    Example: tipdraft preview countries/belgium.yaml
    """
    with importing():
        from ..preview import state as live
        from ..yamlio import load
    from ..preview.server import serve

    settings = layout.Settings(width, lines_per_page)
    options = Options(settings, editions or (), template_dir or (), strict=strict, draft=draft, paper=paper.value)
    path = resolve(file)
    # a mistyped name, a folder, a FIFO: said at once as validate says it, not served as a page of one error
    load.read_capped(path, str(path), load.MAX_BYTES, "a country file")
    page = live.Preview(path, options)

    def ready(url: str, opener: str) -> None:
        console.result(url)
        console.info(f"previewing {page.path}: every save is shown; Ctrl-C stops")
        if not no_open:
            # in a thread of its own, never waited for: a $BROWSER command may run until the
            # browser is closed, and the saves are rendered in this thread meanwhile
            threading.Thread(target=open_browser, args=(opener,), name="tipdraft-browser", daemon=True).start()

    serve(page, port, ready)
    return ExitStatus.OK


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
