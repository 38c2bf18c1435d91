"""The ``tipdraft preview`` command: a live page of the cable that follows every save.

A command of the one app in ``cli`` (which registers it by importing this module). As in
``cli.main``, the pipeline is imported inside the command, so ``--help`` stays quick.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ..cable import layout
from ..errors import ExitStatus
from ..options import Options
from ..startup import importing
from .app import Draft, Editions, NoOpen, OneFile, Paper, Strict, TemplateDirs, app, on_ready, served_file


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
    from ..preview.server import serve

    settings = layout.Settings(width, lines_per_page)
    options = Options(settings, editions or (), template_dir or (), strict=strict, draft=draft, paper=paper.value)
    page = live.Preview(served_file(file), options)
    serve(page, port, on_ready(f"previewing {page.path}: every save is shown; Ctrl-C stops", no_open))
    return ExitStatus.OK
