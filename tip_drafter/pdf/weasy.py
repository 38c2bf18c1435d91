"""PDF through WeasyPrint, reading nothing but the project's own assets.

Imported only where a PDF is made (see :mod:`tip_drafter.pdf.maker`): ``validate`` and text
rendering never load WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from fontTools.misc.timeTools import epoch_diff as _EPOCH_DIFF  # type: ignore[import-untyped]
from fontTools.ttLib.tables import _h_e_a_d as _head  # type: ignore[import-untyped]

from ..errors import PdfFailed
from .job import PdfJob
from .libs import linker_cache_only

with linker_cache_only():  # no compiler started to find Pango and its kin (see .libs)
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

# What a PDF may read from the bundled assets and an override folder: stylesheets and fonts.
ASSET_SUFFIXES = frozenset({".css", ".ttf", ".otf", ".woff", ".woff2"})


class FetchRefused(FatalURLFetchingError):  # type: ignore[misc]
    """Raised in strict mode to stop the render at the first refused fetch."""


class AssetsOnlyFetcher(weasyprint.URLFetcher):  # type: ignore[misc]
    """Serves ``file:`` URLs inside the allowed folders; refuses everything else.

    WeasyPrint would otherwise read any local file or URL a document names (an
    ``<link rel=attachment href=file:///etc/passwd>`` embeds that file in the PDF).
    Each refusal is recorded; in ``strict`` mode the first one stops the render.
    """

    def __init__(self, allowed: Sequence[Path], strict: bool) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=strict)
        self.allowed = [p.resolve() for p in allowed]
        self.strict = strict
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        """Fetch ``url`` if it is a bundled asset; refuse (and remember) anything else."""
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" and not parts.netloc else None
        if (
            path is None
            or path.suffix.lower() not in ASSET_SUFFIXES
            or not any(path.is_relative_to(root) for root in self.allowed)
        ):
            self.refused.append(url)
            if self.strict:
                raise FetchRefused(f"refused to fetch {url}")
            # WeasyPrint's own convention for a failed fetch: it skips the resource and goes on.
            raise ValueError(f"tipdraft refuses to fetch {url}: only the bundled assets may be read")
        return super().fetch(url, headers)


# The time fontTools stamps into a subset font's ``head`` table. It reads SOURCE_DATE_EPOCH
# from the environment, which a library call must not set (every thread shares it): the
# stamp asks this variable first, set per call and per thread.
_EPOCH: ContextVar[int | None] = ContextVar("tipdraft_pdf_epoch", default=None)
_timestamp_now = _head.timestampNow


def _stamp() -> int:
    """fontTools' ``head`` stamp: the cable's own time while a PDF is being written."""
    epoch = _EPOCH.get()
    return int(_timestamp_now()) if epoch is None else epoch - int(_EPOCH_DIFF)


_head.timestampNow = _stamp  # changes nothing outside a PDF of ours: the stamp is fontTools' own then


@contextmanager
def source_date(epoch: int) -> Iterator[None]:
    """Fonts subset by fontTools are stamped with ``epoch``, the cable's own time, so the same
    input gives the same bytes; in this thread only, for the ``with`` block."""
    token = _EPOCH.set(epoch)
    try:
        yield
    finally:
        _EPOCH.reset(token)


def _without_attachments(document: Any) -> None:
    """Nothing is ever attached to the PDF: a template's ``<link rel=attachment>`` or
    ``<a rel=attachment>`` is dropped (the fetcher already refuses all but stylesheets and fonts)."""
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]


def write_pdf(job: PdfJob) -> tuple[bytes, list[str]]:
    """The PDF for ``job.html`` (tagged as PDF/UA-1 unless asked not to), dated
    ``job.epoch``, and the URLs that were refused."""
    fetcher = AssetsOnlyFetcher(job.assets, job.strict)
    base = job.assets[0].as_uri() + "/" if job.assets else None
    variant = "pdf/ua-1" if job.tagged else None
    try:
        options: dict[str, Any] = {"pdf_variant": variant, "presentational_hints": False}
        document = weasyprint.HTML(string=job.html, base_url=base, url_fetcher=fetcher).render(**options)
        _without_attachments(document)
        with source_date(job.epoch):
            result: bytes = document.write_pdf(**options)
    except FetchRefused as exc:
        raise PdfFailed(f"PDF not written: {exc} (only the bundled assets may be read)") from None
    except FatalURLFetchingError as exc:
        raise PdfFailed(f"PDF not written: {exc}") from None
    return result, fetcher.refused
