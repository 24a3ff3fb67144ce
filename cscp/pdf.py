"""PDFs: a template rendered by Django, then laid out by WeasyPrint.

A PDF shares its body with the page it prints (see docs/pdf.md). WeasyPrint fetches what the HTML points
at (the print stylesheet, images, fonts) through a URL fetcher; ours serves only the product's own static
files (through Django's finders, or the collected files in production) and its media files (through the
default storage), and refuses everything else. Nothing is fetched over the network: a report that quoted
a link to an outside image cannot make the server call that address, and rendering does not depend on the
site being reachable from itself.
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import DataHandler, Request

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.template.loader import render_to_string

# WeasyPrint narrates each step of every render at INFO ("Step 2 - Fetching and parsing CSS"), from the
# moment it is imported: keep the product's logs for things worth reading.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

import weasyprint  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

logger = logging.getLogger(__name__)

# Reports longer than this many pages get a contents list.
CONTENTS_AFTER_PAGES = 3


class RefusedURL(ValueError):
    """The PDF pointed at something that is not one of the product's own files."""


def _safe_name(name: str) -> str:
    """A storage-relative file name, refusing anything that climbs out of its folder."""
    name = unquote(name)
    normalised = posixpath.normpath(name)
    if not name or name.startswith("/") or normalised.startswith("..") or "\x00" in name:
        raise RefusedURL(f"Not a file name: {name!r}")
    return normalised


def _read_static(name: str) -> bytes:
    path = finders.find(name)
    if path:
        with open(path, "rb") as file:
            return file.read()
    # In production `{% static %}` names the collected, hashed copy, which only the storage knows.
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as file:
            return file.read()
    raise RefusedURL(f"No static file {name!r}")


def _read_media(name: str) -> bytes:
    with default_storage.open(name) as file:
        return file.read()


class ProductFileFetcher(URLFetcher):
    """Serves static and media files to WeasyPrint from disk or storage; refuses every other URL.

    WeasyPrint 70 takes a `URLFetcher` instance whose `fetch(url, headers)` returns a `URLFetcherResponse`;
    any exception it raises is logged by WeasyPrint as a warning and the resource is skipped.
    """

    def __init__(self, base_url: str) -> None:
        # No protocol is allowed to the parent's urllib machinery: `fetch` below never calls it.
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.sources = (
            (urljoin(base_url, settings.STATIC_URL), _read_static),
            (urljoin(base_url, settings.MEDIA_URL), _read_media),
        )

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            # Inline data carries its own bytes; decoding it reaches nothing outside.
            response = DataHandler().data_open(Request(url))  # noqa: S310 - only data: URLs reach here
            return URLFetcherResponse(
                url, body=response.read(), headers={"Content-Type": response.headers.get_content_type()}
            )
        for prefix, read in self.sources:
            if url.startswith(prefix):
                name = _safe_name(urlsplit(url[len(prefix) :]).path)
                content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=read(name), headers={"Content-Type": content_type})
        logger.info("PDF rendering refused to fetch %s", url)
        raise RefusedURL(f"Only the product's own static and media files are used in PDFs, not {url}")


def _base_url(request: HttpRequest | None) -> str:
    if request is not None:
        return request.build_absolute_uri("/")
    return settings.SITE_URL.rstrip("/") + "/"


def render_pdf(template_name: str, context: dict, *, request: HttpRequest | None = None) -> bytes:
    """The template rendered to a PDF.

    The template is rendered twice when it runs over `CONTENTS_AFTER_PAGES` pages: once to learn its
    length, and again with `show_contents` true so that pdf/base.html lists the `contents` entries (their
    page numbers come from CSS target-counter, so WeasyPrint fills them in).
    """
    base_url = _base_url(request)
    fetcher = ProductFileFetcher(base_url)

    def layout(show_contents: bool):
        html = render_to_string(template_name, {**context, "show_contents": show_contents}, request=request)
        return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()

    document = layout(show_contents=False)
    if context.get("contents") and len(document.pages) > CONTENTS_AFTER_PAGES:
        document = layout(show_contents=True)
    return document.write_pdf()
