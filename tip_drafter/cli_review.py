"""``tipdraft review``: mark carried-over answers and kept fields reviewed, or walk them one by one.

A command of the ``tipdraft`` app (``cli``), in a module of its own to keep ``cli`` short.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from .cli import Editions, app, console
from .errors import ExitStatus, UsageError


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
    from . import api, review

    path = api.resolve(file)
    if items or everything:
        marked, left = review.mark(path, items or [], everything, editions or ())
        console.info(f"{path}: {len(marked)} marked reviewed ({', '.join(p.label for p in marked) or 'none'}); {left} left")
        return ExitStatus.OK
    if not sys.stdin.isatty():
        raise UsageError("name the items to mark reviewed (25.E, 26, contact) or --all; one by one needs a terminal")
    session = review.open_session(path, editions or ())
    prompter = review.Prompter(typer.echo, input, _edit_in_editor)
    reviewed, left = review.walk(session, prompter)
    console.info(f"{path}: {reviewed} marked reviewed; {left} left")
    return ExitStatus.OK


def _edit_in_editor(text: str) -> str:
    """``text`` after the user's ``$VISUAL`` or ``$EDITOR`` (vi if neither is set)."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory(prefix="tipdraft-review-") as folder:
        draft = Path(folder) / "answer.txt"
        draft.write_text(text, encoding="utf-8")
        try:
            subprocess.run([*shlex.split(editor), str(draft)], check=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise UsageError(f"the editor {editor!r} failed: {exc}") from None
        return draft.read_text(encoding="utf-8")
