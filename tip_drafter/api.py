"""The library API the CLI calls: check a country file, render it to text, HTML and PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import layout, rules, write
from .edition import Edition, load_edition
from .errors import ERROR, UNREVIEWED, Diagnostic, InvalidCountryFile, UsageError, has_errors
from .load import Document, UnreadableFile, load
from .model import Cable, build
from .render import Rendered, bundled_templates, renderer_for
from .validate import Validation, validate

COUNTRIES = Path("countries")
FORMATS = ("txt", "pdf", "html")


@dataclass
class Options:
    """How to check and render: layout, where to look for editions and templates, what to write."""

    settings: layout.Settings = field(default_factory=layout.Settings)
    editions: Sequence[Path] = ()
    template_dirs: Sequence[Path] = ()
    formats: Sequence[str] = ("txt", "pdf")
    strict: bool = False
    draft: bool = False
    paper: str = "Letter"
    tagged: bool = True


PAPERS = ("Letter", "A4")


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


def resolve(name: str | Path) -> Path:
    """The country file a user means: the path as given, or a bare name looked up in countries/."""
    path = Path(name)
    if not path.exists() and path.parent == Path(".") and (COUNTRIES / path).exists():
        return COUNTRIES / path
    if not path.exists() and path.suffix == "" and (COUNTRIES / f"{path}.yaml").exists():
        return COUNTRIES / f"{path}.yaml"
    return path


def expand(names: Sequence[str | Path]) -> list[Path]:
    """The country files named: each file as :func:`resolve` finds it, each folder's
    ``*.yaml`` files in name order."""
    paths: list[Path] = []
    for name in names:
        path = resolve(name)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.yaml") if p.is_file())
            if not found:
                raise UsageError(f"{path}: no country files (*.yaml) in this folder")
            paths += found
        else:
            paths.append(path)
    return paths


def loaded(path: Path, editions: Sequence[Path] = ()) -> tuple[Any, Edition]:
    """A file's data and its edition, for comparing; its other problems are not checked here."""
    document = load(path)
    edition = document.data.get("edition")
    if edition is None:
        raise InvalidCountryFile(f"{path}: no 'edition' key: which questionnaire does it answer?")
    return document.data, load_edition(str(edition), editions)


def check(path: Path, options: Options | None = None) -> Checked:
    """Load and validate one file, then render its text and lint it if it had no errors.

    Problems in the file come back as diagnostics, not exceptions; a missing or unreadable
    path is a usage problem and raises :class:`UsageError`.
    """
    options = options or Options()
    try:
        document = load(path)
    except UnreadableFile as exc:
        return Checked(None, Validation(exc.diagnostics, None))
    report = validate(document, options.editions, options.draft)
    if report.edition is None or report.errors:
        return Checked(document, report)
    cable = build(document.data, report.edition)
    rendered = renderer_for(tuple(options.template_dirs)).text(cable, options.settings)
    c = rules.Checker(document, options.draft)
    rules.lint(c, document.data, report.edition, rendered.lines, options.settings.width)
    report.diagnostics = sorted(set(report.diagnostics + c.found))
    return Checked(document, report, cable, rendered)


@dataclass
class Prepared:
    """A checked file with its outputs in memory, the PDF still to make."""

    path: Path
    checked: Checked
    outputs: dict[str, bytes]
    targets: dict[str, Path]
    pdf_job: write.PdfJob | None


def prepare(path: Path, out_dir: Path, options: Options) -> Prepared:
    """Check ``path`` and render everything but the PDF; raise if it must not be written.

    Nothing is written for an invalid file: :class:`InvalidCountryFile` carries the diagnostics.
    """
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r} (choose from {', '.join(FORMATS)})")
    if options.paper not in PAPERS:
        raise UsageError(f"unknown paper size {options.paper!r} (choose from {', '.join(PAPERS)})")
    checked = check(path, options)
    if checked.cable is None or checked.rendered is None or has_errors(checked.diagnostics, options.strict):
        raise InvalidCountryFile(f"{path}: not rendered", diagnostics=checked.diagnostics)
    unreviewed = [d for d in checked.diagnostics if d.code == UNREVIEWED]
    if unreviewed and not options.draft:
        promoted = [replace(d, severity=ERROR) if d.code == UNREVIEWED else d for d in checked.diagnostics]
        message = f"{path}: not rendered: {len(unreviewed)} answer(s) carried over and not yet reviewed (use --draft for a draft)"
        raise InvalidCountryFile(message, diagnostics=promoted)
    targets = {fmt: write.output_path(out_dir, path.stem, fmt) for fmt in options.formats}
    if any(t.resolve() == path.resolve() for t in targets.values()):
        raise UsageError(f"{path}: refusing to write the output over the country file itself")
    cable, rendered = checked.cable, checked.rendered
    outputs: dict[str, bytes] = {"txt": rendered.text.encode("ascii")}
    job = None
    if "pdf" in options.formats or "html" in options.formats:
        banner = f"DRAFT - {cable.classification} - DRAFT" if options.draft else cable.classification
        html = renderer_for(tuple(options.template_dirs)).html(cable, rendered, banner, options.paper)
        outputs["html"] = html.encode("utf-8")
        if "pdf" in options.formats:
            assets = (*options.template_dirs, bundled_templates())
            job = write.PdfJob(html, assets, options.strict, cable.sent_epoch, options.tagged)
    return Prepared(path, checked, outputs, targets, job)


def finish(prepared: Prepared, pdf: tuple[bytes, list[str]] | None) -> Result:
    """Write the prepared outputs (and the PDF made for them), each atomically."""
    outputs = dict(prepared.outputs)
    notes: list[str] = []
    if pdf is not None:
        outputs["pdf"] = pdf[0]
        notes = [f"PDF: refused to fetch {url} (only the bundled assets may be read)" for url in pdf[1]]
    for fmt, target in prepared.targets.items():
        write.atomic_write(target, outputs[fmt])
    rendered = prepared.checked.rendered
    pages = rendered.pages if rendered is not None else 0
    return Result(prepared.path, list(prepared.targets.values()), prepared.checked.diagnostics, pages, notes)


def render_file(path: Path, out_dir: Path, options: Options) -> Result:
    """Check ``path`` and, if it has no errors, write each requested format to ``out_dir``,
    all in this process."""
    prepared = prepare(path, out_dir, options)
    return finish(prepared, write.pdf_bytes(prepared.pdf_job) if prepared.pdf_job else None)
