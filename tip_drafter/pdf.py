"""PDF through WeasyPrint, reading nothing but the project's own assets.

Imported only where a PDF is made (see :mod:`tip_drafter.pdfmaker`): ``validate`` and text
rendering never load WeasyPrint.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.urls import FatalURLFetchingError

from .errors import PdfFailed
from .pdfmaker import PdfJob

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


@contextmanager
def source_date(epoch: int) -> Iterator[None]:
    """Fonts subset by fontTools stamp their ``head`` table with the time, unless
    SOURCE_DATE_EPOCH says which time: use the cable's own, so the same input gives the same
    bytes."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


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
