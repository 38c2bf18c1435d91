"""The library's entry points: check a country file (a path, its text or its data), render it to
bytes (text, HTML, PDF) without writing, write its outputs all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ruamel.yaml.error import YAMLError

from . import interrupts, manifest, output
from .cable import lint
from .cable.model import Cable, build
from .cable.render import Rendered, bundled_templates, renderer_for
from .edition import Edition, forget_editions
from .errors import (
    ERROR,
    UNREVIEWED,
    Code,
    Diagnostic,
    InvalidCountryFile,
    OutputError,
    PdfFailed,
    Place,
    TemplateProblem,
    UnreadableFile,
    UsageError,
    command,
    has_errors,
)
from .format import rules
from .format.validate import Validation, edition_of, validate
from .options import FORMATS, OUTPUT, PAPERS, Options, expand, resolve
from .pdf.job import PdfJob, PdfMade
from .pdf.maker import make
from .yamlio.load import CountryYAML, Document, load, load_text

DRAFT_LINE = "DRAFT -- NOT FOR TRANSMISSION -- DRAFT"  # first and last line of a draft's text
__all__ = ["FORMATS", "PAPERS", "Options", "expand", "resolve"]  # re-exported: they live in options.py


@dataclass
class Checked:
    """A loaded country file, what validation said about it, and (when it had no errors) the
    logical cable and its rendered text, which the lint has read."""

    document: Document | None
    report: Validation
    cable: Cable | None = None
    rendered: Rendered | None = None

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """All diagnostics, sorted by position."""
        return self.report.diagnostics


@dataclass
class Result:
    """What a render wrote, and the warnings it passed."""

    source: Path
    written: list[Path]
    diagnostics: list[Diagnostic]
    pages: int
    notes: list[str] = field(default_factory=list)


def loaded(path: Path, editions: Sequence[Path] = ()) -> tuple[Any, Edition]:
    """A file's data and its edition, for comparing; its other problems are not checked here."""
    document = load(path)
    return document.data, edition_of(document, editions)


def check(path: Path, options: Options | None = None) -> Checked:
    """Load and validate one file, then render its text and lint it if it had no errors.

    Every problem in the file comes back as a diagnostic, not an exception; so does a missing
    or unreadable file (located at the file itself).
    """
    try:
        document = load(path)
    except UnreadableFile as exc:
        return Checked(None, Validation(exc.diagnostics, None))
    return check_document(document, options)


def check_text(text: str, name: str = "<text>", options: Options | None = None) -> Checked:
    """:func:`check` for a country file given as text: ``name`` is the file's name in the
    diagnostics (as ``check`` names the path); no country file is read or written."""
    try:
        document = load_text(text, name)
    except UnreadableFile as exc:
        return Checked(None, Validation(exc.diagnostics, None))
    return check_document(document, options)


def check_data(data: object, name: str = "<data>", options: Options | None = None) -> Checked:
    """:func:`check` for a country file given as data (mappings, lists, strings, numbers, as
    a YAML or JSON reader gives them). It is checked as the YAML text it is written as, so the
    lines and columns of the diagnostics are that text's (``Checked.document.text``). A value
    YAML cannot hold (an arbitrary object, a mapping that holds itself) raises :class:`TypeError`."""
    try:
        text = CountryYAML().text(_plain(data))
    except (YAMLError, RecursionError) as exc:  # the caller's program is wrong (a value no file holds, a cycle)
        raise TypeError(f"{name}: not country-file data: {exc}") from None
    return check_text(text, name, options)


def _plain(value: Any) -> Any:
    """``value`` with every mapping a dict and every list a list (tuples too), for the writer."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def check_document(document: Document, options: Options | None = None) -> Checked:
    """Validate a parsed country file, then render its text and lint it if it had no errors."""
    interrupts.check()  # a Ctrl-C whose exception a library swallowed (in the last file's check) stops here
    options = options or Options()
    report = validate(document, options.editions, options.draft)
    if report.edition is None or report.errors:
        return Checked(document, report)
    cable = build(document.data, report.edition)
    try:
        rendered = renderer_for(tuple(options.template_dirs)).text(cable, options.settings)
    except TemplateProblem as exc:  # the file's problem too: it cannot be rendered; the others go on
        report.diagnostics.append(Diagnostic(document.path, 0, 0, ERROR, Place(), str(exc), Code.TEMPLATE))
        return Checked(document, report)
    checker = rules.Checker(document, options.draft)
    lint.lint(checker, document.data, report.edition, rendered.lines, options.settings.width)
    report.diagnostics = sorted(set(report.diagnostics + checker.found))
    return Checked(document, report, cable, rendered)


@dataclass
class Prepared:
    """A checked file with its outputs in memory, the PDF still to make."""

    path: Path
    checked: Checked
    outputs: dict[str, bytes]
    targets: dict[str, Path]
    pdf_job: PdfJob | None
    repaired: list[Path] = field(default_factory=list)  # a pair left mixed, replaced whole


def prepare(path: Path, out_dir: Path, options: Options) -> Prepared:
    """Check ``path`` and render everything but the PDF; raise if it must not be written.

    Nothing is written for an invalid file: :class:`InvalidCountryFile` carries the diagnostics.
    """
    return prepare_checked(path, check(path, options), out_dir, options)


def prepare_checked(path: Path, checked: Checked, out_dir: Path, options: Options) -> Prepared:
    """:func:`prepare` for a file :func:`check` has read with these options (the live preview
    checks at each save and renders the PDF only when asked)."""
    targets = output_targets(path, out_dir, options)
    repaired = manifest.mixed(manifest.recorded(next(iter(targets.values()))))
    if repaired:  # a render stopped between its renames: this one replaces the whole pair
        formats = dict.fromkeys([*options.formats, *(t.suffix.lstrip(".") for t in repaired)])
        options = replace(options, formats=tuple(formats))
        targets = output_targets(path, out_dir, options)
    outputs, job = rendered_outputs(checked, options, str(path))
    if any(t.resolve() == path.resolve() for t in targets.values()):
        message = "refusing to write the output over the country file itself"
        raise OutputError(f"{path}: {message}", diagnostics=[Diagnostic(str(path), 0, 0, ERROR, Place(), message, Code.FILE)])
    return Prepared(path, checked, outputs, targets, job, repaired)


def rendered_outputs(checked: Checked, options: Options, name: str) -> tuple[dict[str, bytes], PdfJob | None]:
    """The text (and, for ``html`` or ``pdf`` in ``options.formats``, the page) of a checked
    file, in memory, and the job that makes its PDF; raise if it must not be rendered
    (:class:`InvalidCountryFile`, with the diagnostics :func:`check` gave)."""
    cable, rendered = _renderable(name, checked, options)
    text = f"{DRAFT_LINE}\n\n{rendered.text}\n{DRAFT_LINE}\n" if options.draft else rendered.text
    outputs: dict[str, bytes] = {"txt": text.encode("ascii")}
    job = None
    if "pdf" in options.formats or "html" in options.formats:
        html = page(cable, rendered, options)
        outputs["html"] = html.encode("utf-8")
        if "pdf" in options.formats:
            assets = (*options.template_dirs, bundled_templates().resolve())
            job = PdfJob(html, assets, options.strict, cable.sent_epoch, options.tagged)
    return outputs, job


def render(source: Checked | str, formats: Iterable[str] = FORMATS, options: Options | None = None) -> dict[str, bytes]:
    """A country file's outputs as bytes, keyed by format (``txt``, ``html``, ``pdf``), nothing
    written: ``source`` is what :func:`check` (or :func:`check_text`, :func:`check_data`)
    returned with these ``options``, or the file's text. A file with errors raises
    :class:`InvalidCountryFile`, carrying the same diagnostics ``check`` gives."""
    wanted = tuple(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown output format {unknown[0]!r}: {', '.join(FORMATS)}")
    options = replace(options or Options(), formats=wanted)
    checked = check_text(source, options=options) if isinstance(source, str) else source
    name = checked.document.path if checked.document is not None else "<text>"
    outputs, job = rendered_outputs(checked, options, name)
    if job is not None:  # in this process (a refused fetch stops a strict one, as in render_file)
        outputs["pdf"] = make(job)[0]
    return {fmt: outputs[fmt] for fmt in wanted}


def write(path: Path, out_dir: Path = OUTPUT, options: Options | None = None) -> Result:
    """Check the country file at ``path`` and write its outputs to ``out_dir`` (the formats of
    ``options``), all or nothing: nothing for a file with errors (:class:`InvalidCountryFile`)."""
    return render_file(path, out_dir, options or Options())


def read_again() -> None:
    """Read the editions and the templates again at the next check: one of them was saved
    (they are kept once read, so that a batch reads each once)."""
    forget_editions()
    renderer_for.cache_clear()


def page(cable: Cable, rendered: Rendered, options: Options, anchors: bool = False) -> str:
    """The printable page (HTML) the PDF is made from; ``anchors``: with an id at each
    paragraph and item, for the preview to set each problem at its place."""
    draft_line = DRAFT_LINE if options.draft else ""
    renderer = renderer_for(tuple(options.template_dirs))
    return renderer.html(cable, rendered, banner(cable, options), options.paper, draft_line=draft_line, anchors=anchors)


def banner(cable: Cable, options: Options) -> str:
    """The classification banner of the printable page (a draft's says DRAFT)."""
    return f"DRAFT - {cable.classification} - DRAFT" if options.draft else cable.classification


def output_targets(path: Path, out_dir: Path, options: Options) -> dict[str, Path]:
    """Where a render of ``path`` writes each format: ``<name>.txt``, or for a draft
    ``<name>.draft.txt`` (a draft never stands under a final's name)."""
    return {fmt: output.output_path(out_dir, output.stem(path, options.draft), fmt) for fmt in options.formats}


def _renderable(path: Path | str, checked: Checked, options: Options) -> tuple[Cable, Rendered]:
    """The cable and its text, if the file may be rendered; otherwise why not, in one line."""
    found = checked.diagnostics
    if checked.cable is None or checked.rendered is None or has_errors(found, options.strict):
        raise InvalidCountryFile(f"{path}: not rendered: {_why(path, found)}", diagnostics=found)
    return checked.cable, checked.rendered


def draft_would_render(path: Path, options: Options) -> bool:
    """Whether ``--draft`` would render a file that a final render refused: every error it has
    is one a draft allows (an unreviewed answer, a placeholder, an empty answer). The file is
    checked again as a draft, so the answer is the draft render's own."""
    if options.draft:
        return False
    checked = check(path, replace(options, draft=True))
    return checked.cable is not None and not has_errors(checked.diagnostics, options.strict)


def _why(path: Path | str, found: list[Diagnostic]) -> str:
    errors = [d for d in found if d.severity == ERROR]
    if errors and all(d.code == UNREVIEWED for d in errors):  # a final render waits for the review
        return f"{len(errors)} item(s) kept from last year and not yet reviewed ({command('review', path)})"
    return f"{len(errors)} error(s)" if errors else f"{len(found)} warning(s) treated as errors (--strict)"


def finish(prepared: Prepared, pdf: PdfMade | None) -> Result:
    """Write the prepared outputs (and the PDF made for them), all or nothing."""
    outputs = dict(prepared.outputs)
    notes: list[str] = []
    if pdf is not None:
        outputs["pdf"] = pdf[0]
        notes = refused_notes(pdf[1])
    if prepared.repaired:
        notes.append(manifest.said(prepared.repaired, "all replaced by this render"))
    files = {target: outputs[fmt] for fmt, target in prepared.targets.items()}
    document = prepared.checked.document
    source = document.text.encode("utf-8") if document is not None else None
    output.replace_all(files, manifest.made(prepared.path, source, files))
    rendered = prepared.checked.rendered
    pages = rendered.pages if rendered is not None else 0
    return Result(prepared.path, list(prepared.targets.values()), prepared.checked.diagnostics, pages, notes)


def made_pdf(prepared: Prepared, making: Callable[[], PdfMade]) -> PdfMade:
    """The PDF ``making`` returns (in this process or from a worker); a system error on the way
    (a full disk: WeasyPrint finds no temporary folder) is the PDF output's, said with its cause,
    and nothing is written; a PDF that could not be made is said of its output too."""
    target = prepared.targets.get("pdf") or next(iter(prepared.targets.values()))
    try:
        return making()
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {output.cause(exc, target.parent)}; {output.KEPT}") from None
    except PdfFailed as exc:  # said of the PDF it is about, as every other output problem is
        raise PdfFailed(f"{target}: {exc}") from None


def refused_notes(urls: list[str]) -> list[str]:
    """What is said of the resources a PDF was refused (its template asked for them)."""
    return [f"PDF: refused to fetch {url} (only the bundled assets may be read)" for url in urls]


def render_file(path: Path, out_dir: Path, options: Options) -> Result:
    """Check ``path`` and, if it has no errors, write each requested format to ``out_dir``,
    all in this process."""
    prepared = prepare(path, out_dir, options)
    job = prepared.pdf_job
    return finish(prepared, made_pdf(prepared, lambda: make(job)) if job else None)
