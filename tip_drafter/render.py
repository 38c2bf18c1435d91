"""Render the logical cable through Jinja templates: cable text (via layout) and HTML."""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from . import layout
from .errors import TemplateProblem
from .model import Cable

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"  # where a wheel installs them
SOURCE_TEMPLATES = Path(__file__).parent.parent / "templates"  # a source checkout
TEXT_ENVELOPE = "transmission.txt.j2"
TEXT_BODY = "cable.txt.j2"
HTML_PAGE = "cable.html.j2"


def bundled_templates() -> Path:
    """The project's own templates, installed or in a checkout."""
    return PACKAGE_TEMPLATES if PACKAGE_TEMPLATES.is_dir() else SOURCE_TEMPLATES


@functools.lru_cache(maxsize=8)
def renderer_for(template_dirs: tuple[Path, ...]) -> Renderer:
    """One renderer per template search path: its Jinja environments keep the compiled
    templates, so a batch compiles each template once."""
    return Renderer(template_dirs)


@dataclass(frozen=True)
class Rendered:
    """The cable as text (laid out) with its page count, and the logical body lines the
    template wrote (one line per paragraph) for the lint."""

    text: str
    pages: int
    lines: tuple[str, ...]
    body: tuple[str, ...]
    logical: tuple[str, ...]


class Renderer:
    """Jinja environments over a template search path: user folders first, then the bundled ones.

    Text and HTML use separate environments: country text is data, so it is inserted
    literally in text and escaped in HTML, never evaluated as a template.
    """

    def __init__(self, template_dirs: Sequence[Path] = ()) -> None:
        search = [str(p) for p in [*template_dirs, bundled_templates()]]
        common: dict[str, Any] = {
            "loader": jinja2.FileSystemLoader(search),
            "undefined": jinja2.StrictUndefined,
            "trim_blocks": True,
            "lstrip_blocks": True,
            "keep_trailing_newline": True,
        }
        self.text_env = jinja2.Environment(autoescape=False, **common)
        self.html_env = jinja2.Environment(autoescape=True, **common)

    def text(self, cable: Cable, settings: layout.Settings) -> Rendered:
        """The cable text: envelope, then the body cut into pages with markers.

        The section total printed on the classification line depends on the page count,
        which depends on the text: render until the two agree (two passes at most, since
        the classification line is never wrapped).
        """
        marker = layout.marker_format(cable.post, cable.serial)
        envelope: list[str] = []
        if cable.transmission is not None:
            envelope = layout.wrap(self._render(self.text_env, TEXT_ENVELOPE, cable=cable), sys.maxsize)
        total, laid = 1, None
        for _ in range(4):
            body = self._render(self.text_env, TEXT_BODY, cable=cable, sections_total=total)
            laid = layout.paginate(layout.wrap(body, settings.width, keep_first=True), settings, marker)
            if laid.pages == total:
                break
            total = laid.pages
        assert laid is not None
        lines = tuple(envelope) + laid.lines
        _ascii_only(lines)
        return Rendered("\n".join(lines) + "\n", laid.pages, lines, laid.lines, tuple(body.splitlines()))

    def html(self, cable: Cable, rendered: Rendered, banner: str, paper: str = "Letter") -> str:
        """The printable HTML page: the laid-out cable, one line per line box, with a
        bookmark on the first line of every numbered paragraph."""
        blocks = _blocks(rendered.lines, _bookmarks(cable, rendered.lines))
        return self._render(
            self.html_env,
            HTML_PAGE,
            cable=cable,
            rendered=rendered,
            banner=banner,
            paper=paper,
            blocks=blocks,
            marker=layout.MARKER,
        )

    def _render(self, env: jinja2.Environment, name: str, **context: Any) -> str:
        try:
            return env.get_template(name).render(**context)
        except jinja2.TemplateNotFound as exc:
            raise TemplateProblem(f"template {exc.name!r} not found (searched {', '.join(env.loader.searchpath)})") from None  # type: ignore[union-attr]
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(f"{exc.filename or name}:{exc.lineno}: template error: {exc.message}") from None
        except (jinja2.TemplateError, TypeError, AttributeError, ValueError, KeyError) as exc:
            where = _template_frame(exc, name)
            raise TemplateProblem(f"{where}: template error: {exc}") from None


def _bookmarks(cable: Cable, lines: Sequence[str]) -> dict[int, str]:
    """Line index -> outline label for the first line of each numbered paragraph."""
    found: dict[int, str] = {0: f"Header: {cable.subject}"}
    start = 1
    for section in cable.sections:
        opening = f"{section.number}. "
        index = next((i for i in range(start, len(lines)) if lines[i].startswith(opening)), None)
        if index is not None:
            found[index] = f"{section.number}. {section.heading}".rstrip(" .:")
            start = index + 1
    return found


@dataclass(frozen=True)
class Block:
    """A run of cable lines for the HTML page: a heading line (with its outline label) or
    the lines up to the next heading."""

    label: str
    lines: tuple[str, ...]


def _blocks(lines: Sequence[str], bookmarks: dict[int, str]) -> list[Block]:
    """Split the cable at each bookmarked line: one element per paragraph, not per line,
    keeps WeasyPrint's layout as cheap as one ``<pre>``."""
    blocks: list[Block] = []
    run: list[str] = []
    for index, line in enumerate(lines):
        if index in bookmarks:
            if run:
                blocks.append(Block("", tuple(run)))
            blocks.append(Block(bookmarks[index], (line,)))
            run = []
        else:
            run.append(line)
    if run:
        blocks.append(Block("", tuple(run)))
    return blocks


def _ascii_only(lines: Sequence[str]) -> None:
    """The data is ASCII by now (validation saw to it); a template may not add anything else."""
    for number, line in enumerate(lines, start=1):
        if not line.isascii():
            char = next(c for c in line if not c.isascii())
            raise TemplateProblem(
                f"line {number} of the cable text has {char!r}, which a cable cannot carry: it comes from a template"
            )


def _template_frame(exc: BaseException, name: str) -> str:
    """File and line of the innermost template frame in ``exc``'s traceback."""
    found = name
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found
