"""Render the logical cable through Jinja templates: cable text (via layout) and HTML."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2

from . import cache, charset, layout
from .errors import TemplateProblem
from .layout import Kind, Line
from .model import Answer, Cable, Section
from .sandbox import GENERATION, MAX_OUTPUT, Sandbox, limits

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"  # where a wheel installs them
SOURCE_TEMPLATES = Path(__file__).parent.parent / "templates"  # a source checkout
TEXT_ENVELOPE = "transmission.txt.j2"
TEXT_BODY = "cable.txt.j2"
HTML_PAGE = "cable.html.j2"
MAX_SECONDS = 10.0  # one template's time (Belgium's cable takes ~10 ms)
TAG = "\x1f"  # opens and closes a line-kind tag in a text template's output (see LineKinds)


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
    """The cable laid out: its typed lines (envelope, then the body with its page markers),
    the text they make and the page count."""

    text: str
    pages: int
    lines: tuple[Line, ...]


class LineKinds:
    """What the text templates call to say what a line is: a line that opens with
    ``{{ kind.paragraph(s) }}`` starts numbered paragraph ``s``. Each call prints a tag
    that the renderer strips when it reads the output back; the tag carries a fresh random
    key, so no text from a country file can pass for one."""

    def __init__(self) -> None:
        self._opening = f"{TAG}{os.urandom(8).hex()}:"
        self._kinds: list[Line] = []

    def classification(self) -> str:
        """The classification line, which is never wrapped."""
        return self._tag(Line(Kind.CLASSIFICATION, ""))

    def paragraph(self, section: Section) -> str:
        """The first line of a numbered paragraph: a bookmark in the PDF."""
        return self._tag(Line(Kind.PARAGRAPH, "", number=section.number, section=section))

    def item(self, answer: Answer) -> str:
        """The first line of a lettered item (``B. and C.``: the letter B)."""
        return self._tag(Line(Kind.ITEM, "", letter=answer.label.split(".", 1)[0]))

    def end(self) -> str:
        """The closing line."""
        return self._tag(Line(Kind.END, ""))

    def signature(self) -> str:
        """The signature."""
        return self._tag(Line(Kind.SIGNATURE, ""))

    def _tag(self, line: Line) -> str:
        self._kinds.append(line)
        return f"{self._opening}{len(self._kinds) - 1}{TAG}"

    def read(self, text: str) -> list[Line]:
        """The template's output as typed logical lines, the tags stripped."""
        lines: list[Line] = []
        for raw in text.splitlines():
            if raw.startswith(self._opening):
                number, _, rest = raw[len(self._opening) :].partition(TAG)
                lines.append(replace(self._kinds[int(number)], text=rest))
            else:
                lines.append(Line(Kind.TEXT, raw))
            if self._opening in lines[-1].text:
                before = lines[-1].text.split(TAG)[0]
                raise TemplateProblem(f"{TEXT_BODY}: template error: a kind call must open its line, not follow {before!r}")
        return lines


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
        # Sandboxed: a template override is the user's code, and may be anyone's.
        # Each its own cache: code compiled with autoescape differs from code compiled without.
        self.text_env = Sandbox(autoescape=False, bytecode_cache=_bytecode_cache("text"), **common)
        self.html_env = Sandbox(autoescape=True, bytecode_cache=_bytecode_cache("html"), **common)

    def text(self, cable: Cable, settings: layout.Settings) -> Rendered:
        """The cable text: envelope, then the body cut into pages with markers.

        The section total printed on the classification line depends on the page count,
        which depends on the text: render until the two agree (two passes at most, since
        the classification line is never wrapped).
        """
        marker = layout.marker_format(cable.post, cable.serial)
        total, laid, wrapped = 1, None, dict[str, list[str]]()
        for _ in range(4):
            kinds = LineKinds()
            body = self._render(self.text_env, TEXT_BODY, cable=cable, sections_total=total, kind=kinds)
            laid = layout.paginate(layout.wrap(kinds.read(body), settings.width, wrapped), settings, marker)
            if laid.pages == total:
                break
            total = laid.pages
        assert laid is not None
        lines = (*self._envelope(cable), *laid.lines)
        _ascii_only(lines)
        return Rendered("\n".join(line.text for line in lines) + "\n", laid.pages, lines)

    def _envelope(self, cable: Cable) -> list[Line]:
        """The transmission envelope's lines, not wrapped (none for a cable without one)."""
        if cable.transmission is None:
            return []
        text = self._render(self.text_env, TEXT_ENVELOPE, cable=cable)
        return layout.wrap((Line(Kind.ENVELOPE, raw) for raw in text.splitlines()), sys.maxsize)

    def html(
        self, cable: Cable, rendered: Rendered, banner: str, paper: str = "Letter", anchors: bool = False, draft_line: str = ""
    ) -> str:
        """The printable HTML page: the laid-out cable, one line per line box, with a
        bookmark on the first line and on the first line of every numbered paragraph;
        a draft's (``draft_line``) opens and closes with that line, as its text does.

        ``anchors`` (the live preview's page, never a PDF: an id would be a PDF destination)
        gives the header, each numbered paragraph and each lettered item an id to point at."""
        return self._render(
            self.html_env,
            HTML_PAGE,
            cable=cable,
            rendered=rendered,
            banner=banner,
            paper=paper,
            draft_line=draft_line,
            blocks=_blocks(cable, rendered.lines, anchors),
            assets=bundled_templates().as_uri(),
        )

    def page(self, name: str, **context: Any) -> str:
        """Another HTML page of tipdraft's (the redline), under the cable's rules: autoescaped,
        sandboxed, within the limits, its errors naming the template file and line."""
        return self._render(self.html_env, name, **context)

    def _render(self, env: jinja2.Environment, name: str, **context: Any) -> str:
        """Render one template within the limits; every failure is a TemplateProblem naming
        the template file and line."""
        try:
            template = env.get_template(name)
            with limits(MAX_SECONDS):  # no signal: this holds in any thread
                return _collect(template.generate(**context), template.filename or name)
        except TemplateProblem:
            raise
        except jinja2.TemplateNotFound as exc:
            raise TemplateProblem(f"template {exc.name!r} not found (searched {', '.join(env.loader.searchpath)})") from None  # type: ignore[union-attr]
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(f"{exc.filename or name}:{exc.lineno}: template error: {exc.message}") from None
        except RecursionError as exc:
            where = _template_frame(exc, name)
            raise TemplateProblem(
                f"{where}: template error: recursion too deep (a macro or template that calls itself?)"
            ) from None
        except Exception as exc:  # whatever a template's expressions raise (1/0, a bad argument)
            where = _template_frame(exc, name)
            kind = "" if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: "
            raise TemplateProblem(f"{where}: template error: {kind}{exc}") from None


def _label(cable: Cable, index: int, line: Line) -> str:
    """The outline label of a line: the header for the first, number and heading for the
    first line of a numbered paragraph, none for the others."""
    if index == 0:
        return f"Header: {cable.subject}"
    if line.kind is Kind.PARAGRAPH and line.section is not None:
        return f"{line.number}. {line.section.heading}".rstrip(" .:")
    return ""


@dataclass(frozen=True)
class HtmlBlock:
    """A run of cable lines for the HTML page: a heading line (with its outline label) or
    the lines up to the next heading."""

    label: str
    lines: tuple[Line, ...]
    anchors: tuple[str, ...] = ()  # an id per line ("" for none), when anchors were asked for


def anchor_ids(lines: Sequence[Line]) -> list[str]:
    """The id of each line that starts something a diagnostic can point at: ``header`` (the
    first line), ``para-25`` (a numbered paragraph), ``item-25-E`` (a lettered item); "" for others."""
    ids: list[str] = []
    number = 0
    for index, line in enumerate(lines):
        if index == 0:
            ids.append("header")
        elif line.kind is Kind.PARAGRAPH:
            number = line.number
            ids.append(f"para-{number}")
        else:
            ids.append(f"item-{number}-{line.letter}" if line.kind is Kind.ITEM else "")
    return ids


def _blocks(cable: Cable, lines: Sequence[Line], anchors: bool = False) -> list[HtmlBlock]:
    """Split the cable at each bookmarked line: one element per paragraph, not per line,
    keeps WeasyPrint's layout as cheap as one ``<pre>``."""
    ids = anchor_ids(lines) if anchors else [""] * len(lines)
    blocks: list[HtmlBlock] = []
    run: list[int] = []

    def block(label: str, taken: Sequence[int]) -> HtmlBlock:
        return HtmlBlock(label, tuple(lines[i] for i in taken), tuple(ids[i] for i in taken) if anchors else ())

    for index, line in enumerate(lines):
        if label := _label(cable, index, line):
            if run:
                blocks.append(block("", run))
            blocks.append(block(label, [index]))
            run = []
        else:
            run.append(index)
    if run:
        blocks.append(block("", run))
    return blocks


def _ascii_only(lines: Sequence[Line]) -> None:
    """The data is printable ASCII by now (validation saw to it); a template may not add
    anything else: what a cable may carry is ``charset``'s one rule."""
    for number, line in enumerate(lines, start=1):
        found = charset.findings(line.text)
        if found:
            source = TEXT_ENVELOPE if line.kind is Kind.ENVELOPE else TEXT_BODY
            raise TemplateProblem(
                f"{source} (or its override) writes {found[0].describe} on line {number} of the cable text,"
                " which a cable cannot carry"
            )


def _template_frame(exc: BaseException, name: str) -> str:
    """File and line of the innermost template frame in ``exc``'s traceback (templates and
    the files they include, such as cable.css)."""
    found = name
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and not filename.startswith("<"):
            found = f"{filename}:{tb.tb_frame.f_lineno if tb.tb_next is None else tb.tb_lineno}"
        tb = tb.tb_next
    return found


@functools.cache
def _bytecode_cache(kind: str) -> jinja2.BytecodeCache:
    """The user's cache of compiled templates (see :mod:`cache`: used only where it is safe;
    compiling instead costs ~20 ms a run); a new generation of the sandbox, a new folder."""
    return cache.bytecode_cache(f"jinja-{jinja2.__version__}-{GENERATION}-{kind}")


def _collect(chunks: Iterator[str], name: str) -> str:
    """A template's output, refused past ``MAX_OUTPUT`` characters."""
    out: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise TemplateProblem(f"{name}: template error: output larger than {MAX_OUTPUT // 1024 // 1024} MiB: not a cable")
        out.append(chunk)
    return "".join(out)
