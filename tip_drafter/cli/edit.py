"""The ``tipdraft edit`` command: a form in the browser that writes the country file, with the
live cable beside it. A command of the one app in ``cli`` (which registers it by importing this module).
"""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import ExitStatus
from ..options import Options
from ..startup import importing
from .app import Draft, Editions, NoOpen, OneFile, TemplateDirs, app, on_ready, served_file


@app.command(short_help="Fill in the country file in a form in the browser, the cable beside it.")
def edit(
    file: OneFile,
    port: Annotated[
        int | None,
        typer.Option(
            help="Port on 127.0.0.1 (0: a free one). Default: the file's own, the same each time (a free one if taken).",
            min=0,
            max=65535,
            show_default=False,
        ),
    ] = None,
    no_open: NoOpen = False,
    editions: Editions = None,
    template_dir: TemplateDirs = None,
    draft: Draft = False,
) -> ExitStatus:
    """Serve a form of the country file on 127.0.0.1: one field per thing the cable prints,
    each problem at its field as you type, the cable as it will print beside it. Save (the
    button or Ctrl-S) writes only what changed into the file; a change made to the file
    meanwhile is merged, or you are asked. Ctrl-C stops it.

    The first line printed is the page's address (with its token).

    Example: tipdraft edit countries/belgium.yaml
    """
    with importing():
        from ..preview.edit_server import serve
        from ..preview.edit_session import EditSession

    path = served_file(file)
    session = EditSession.open(path, Options(editions=editions or (), template_dirs=template_dir or (), draft=draft))
    # port None: the file's own port, so typing kept in the browser is found again
    serve(session, port, on_ready(f"editing {path} in the browser: Save writes the file; Ctrl-C stops", no_open))
    return ExitStatus.OK
