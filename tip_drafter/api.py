"""The library API the CLI calls: check a country file, render it to text, HTML and PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import layout, write
from .errors import Diagnostic, InvalidCountryFile, UsageError, has_errors
from .load import Document, UnreadableFile, load
from .model import build
from .render import Renderer
from .validate import Report, validate

COUNTRIES = Path("countries")
FORMATS = ("txt", "pdf", "html")


@dataclass
class Checked:
    """A loaded country file and what validation said about it."""

    document: Document | None
    report: Report

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """All diagnostics, sorted by position."""
        return self.report.diagnostics


@dataclass
class Options:
    """How to render: layout, where to look for editions and templates, what to write."""

    settings: layout.Settings = field(default_factory=layout.Settings)
    editions: Sequence[Path] = ()
    template_dirs: Sequence[Path] = ()
    formats: Sequence[str] = ("txt", "pdf")
    strict: bool = False


@dataclass
class Result:
    """What a render wrote, and the warnings it passed."""

    source: Path
    written: list[Path]
    diagnostics: list[Diagnostic]
    pages: int


def resolve(name: str | Path) -> Path:
    """The country file a user means: the path as given, or a bare name looked up in countries/."""
    path = Path(name)
    if not path.exists() and path.parent == Path(".") and (COUNTRIES / path).exists():
        return COUNTRIES / path
    if not path.exists() and path.suffix == "" and (COUNTRIES / f"{path}.yaml").exists():
        return COUNTRIES / f"{path}.yaml"
    return path


def check(path: Path, editions: Sequence[Path] = ()) -> Checked:
    """Load and validate one file; problems in the file come back as diagnostics, not exceptions.

    A missing or unreadable path is a usage problem and raises :class:`UsageError`.
    """
    try:
        document = load(path)
    except UnreadableFile as exc:
        return Checked(None, Report(exc.diagnostics, None))
    return Checked(document, validate(document, editions))


def render_file(path: Path, out_dir: Path, options: Options) -> Result:
    """Validate ``path`` and, if it has no errors, write each requested format to ``out_dir``.

    Nothing is written for an invalid file: :class:`InvalidCountryFile` carries the diagnostics.
    """
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r} (choose from {', '.join(FORMATS)})")
    checked = check(path, options.editions)
    if checked.document is None or checked.report.edition is None or has_errors(checked.diagnostics, options.strict):
        raise InvalidCountryFile(f"{path}: not rendered", diagnostics=checked.diagnostics)
    cable = build(checked.document.data, checked.report.edition)
    renderer = Renderer(options.template_dirs)
    rendered = renderer.text(cable, options.settings)
    outputs: dict[str, bytes] = {"txt": rendered.text.encode("utf-8")}
    if "pdf" in options.formats or "html" in options.formats:
        html = renderer.html(cable, rendered, banner=cable.classification)
        outputs["html"] = html.encode("utf-8")
        if "pdf" in options.formats:
            outputs["pdf"] = write.pdf_bytes(html, out_dir)
    written = []
    for fmt in options.formats:
        target = write.output_path(out_dir, path.stem, fmt)
        write.atomic_write(target, outputs[fmt])
        written.append(target)
    return Result(path, written, checked.diagnostics, rendered.pages)
