"""What a command asks of the library: the country files it names and the options it runs with.

Light on purpose (no pipeline imports), so the CLI can check a command line before it starts
the PDF workers, and start them before it loads the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import output
from .cable import layout
from .errors import UsageError

COUNTRIES = Path("countries")  # the country files' folder: bare names are looked up, import and new write there
OUTPUT = Path("output")  # where render writes unless told (-o), and where status looks
FORMATS = ("txt", "pdf", "html")
PAPERS = ("Letter", "A4")


@dataclass
class Options:
    """How to check and render: layout, where to look for editions and templates, what to write.

    ``validate`` and ``render`` check a file with the same options, so they report the same
    problems. Template folders are made absolute here, where they enter the library.
    """

    settings: layout.Settings = field(default_factory=layout.Settings)
    editions: Sequence[Path] = ()
    template_dirs: Sequence[Path] = ()
    formats: Sequence[str] = ("txt", "pdf")
    strict: bool = False
    draft: bool = False
    paper: str = "Letter"
    tagged: bool = True

    def __post_init__(self) -> None:
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown:
            raise UsageError(f"unknown format {unknown[0]!r} (choose from {', '.join(FORMATS)})")
        if self.paper not in PAPERS:
            raise UsageError(f"unknown paper size {self.paper!r} (choose from {', '.join(PAPERS)})")
        self.template_dirs = tuple(template_folder(d) for d in self.template_dirs)


def template_folder(path: Path) -> Path:
    """``path`` as an absolute path, if it is a folder (a mistyped one is an error)."""
    return folder(path, "template folder").resolve()


def folder(path: Path, what: str) -> Path:
    """``path``, if it is a folder; a mistyped one is a usage error (``what``: the option's name
    for it), never silently searched and found empty."""
    problem = output.folder_problem(path)
    if problem is None:
        return path
    raise UsageError(f"{what} {output.shown(path)}: {problem}")


def resolve(name: str | Path) -> Path:
    """The country file a user means: the path as given, or a bare name looked up in countries/."""
    path = Path(name)
    if not path.exists() and path.parent == Path(".") and (COUNTRIES / path).exists():
        return COUNTRIES / path
    if not path.exists() and path.suffix == "" and (COUNTRIES / f"{path}.yaml").exists():
        return COUNTRIES / f"{path}.yaml"
    return path


def expand(names: Sequence[str | Path]) -> list[Path]:
    """The country files named: each file as :func:`resolve` finds it (a missing one too: it
    is reported when read), each folder's ``*.yaml`` files in name order."""
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
    return list(dict.fromkeys(paths))  # a file named twice (by name and by its folder) is one file
