"""PDFs: a template rendered by Django, then laid out by WeasyPrint.

A PDF shares its body with the page it prints (see docs/pdf.md). WeasyPrint fetches what the HTML points
at (the print stylesheet, images, fonts) through a URL fetcher; ours serves only the product's own static
files (through Django's finders, or the collected files in production) and its media files (through the
default storage), and refuses everything else. Nothing is fetched over the network: a report that quoted
a link to an outside image cannot make the server call that address, and rendering does not depend on the
site being reachable from itself.

Every PDF is made within a budget. HTML larger than `PDF_MAX_HTML_BYTES` is refused before it is laid out
(`PdfTooLarge`), and the layout is stopped after `PDF_MAX_SECONDS` in a worker, or `PDF_MAX_SECONDS_IN_REQUEST`
when a person is waiting for it (`PdfTimedOut`): a page catches `PdfError` and says what happened. See
`_within` for how a layout is stopped.
"""

from __future__ import annotations

import contextlib
import logging
import math
import mimetypes
import os
import pickle  # nosec B403 - only our own forked child's output is unpickled (see _within)
import posixpath
import select
import signal
import time
import traceback
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


class PdfError(Exception):
    """The PDF could not be made; the message says why, in words for the person who asked for it."""


class PdfTooLarge(PdfError):
    """The document is too long to lay out within the budget."""


class PdfTimedOut(PdfError):
    """The layout ran past its time and was stopped."""


def render_pdf(
    template_name: str, context: dict, *, request: HttpRequest | None = None, max_seconds: float | None = None
) -> bytes:
    """The template rendered to a PDF, within the size and time budget (or raises a `PdfError`).

    Reports with `contents` get a contents list when they run over `CONTENTS_AFTER_PAGES` pages: the template is
    rendered both ways here, and the layout uses the second (with `show_contents` true, so that pdf/base.html
    lists the entries; their page numbers come from CSS target-counter) only when the first runs long.
    """
    base_url = _base_url(request)

    def html(show_contents: bool) -> str:
        return render_to_string(template_name, {**context, "show_contents": show_contents}, request=request)

    plain = html(show_contents=False)
    with_contents = html(show_contents=True) if context.get("contents") else None
    _check_size(template_name, plain, with_contents)
    return _within(_budget(request, max_seconds), plain, with_contents, base_url)


def pdf_from_html(
    html: str, *, name: str, request: HttpRequest | None = None, max_seconds: float | None = None
) -> bytes:
    """HTML the caller rendered itself (a scorecard, laid out once with its contents) as a PDF, within the same
    size and time budget as `render_pdf` (or raises a `PdfError`). `name` says what it is in the log."""
    _check_size(name, html, None)
    return _within(_budget(request, max_seconds), html, None, _base_url(request))


def _check_size(name: str, plain: str, with_contents: str | None) -> None:
    size = max(len(plain.encode()), len(with_contents.encode()) if with_contents else 0)
    if size > settings.PDF_MAX_HTML_BYTES:
        logger.warning("Refused to lay out %s: %d bytes of HTML", name, size)
        raise PdfTooLarge(
            f"This document is too long to print: it has {_megabytes(size)} of text and layout, and a PDF can be "
            f"made from at most {_megabytes(settings.PDF_MAX_HTML_BYTES)}. Shorten the longest parts and try again."
        )


def _budget(request: HttpRequest | None, max_seconds: float | None) -> float:
    if max_seconds is not None:
        return max_seconds
    return settings.PDF_MAX_SECONDS if request is None else settings.PDF_MAX_SECONDS_IN_REQUEST


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _lay_out(plain: str, with_contents: str | None, base_url: str) -> bytes:
    """WeasyPrint's part: lay the HTML out and write the PDF (in the process `_within` starts for it)."""
    fetcher = ProductFileFetcher(base_url)
    document = weasyprint.HTML(string=plain, base_url=base_url, url_fetcher=fetcher).render()
    if with_contents is not None and len(document.pages) > CONTENTS_AFTER_PAGES:
        document = weasyprint.HTML(string=with_contents, base_url=base_url, url_fetcher=fetcher).render()
    return document.write_pdf()


def _within(max_seconds: float, plain: str, with_contents: str | None, base_url: str) -> bytes:
    """`_lay_out` in a process of its own, stopped after `max_seconds`.

    WeasyPrint has no timeout, and a Python thread cannot be stopped, so the layout runs in a child process that
    is killed when its time is up. `signal.alarm` would do only in a main thread (gunicorn's sync workers, a
    Celery prefork task), not in gunicorn's threaded workers or Celery's thread pool; a child process works under
    all of them. The child is forked with `os.fork`, not through `multiprocessing`, which refuses to start
    children from Celery's prefork workers (it takes them for daemons): it starts at once with Django set up and
    WeasyPrint imported, and sends back the PDF and its log records through a pipe. Forking a process that runs
    threads is safe here because the child does only the layout and ends with `os._exit`: the parent's threads
    never run WeasyPrint themselves (every layout is in a child), so no lock the layout needs can be held by a
    thread the child lacks, and a child stuck for any other reason is killed at its time like a slow one. The
    child also takes WeasyPrint's memory with it when it ends, so a long layout does not leave the worker large.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: lay out, send the outcome, and end without running the parent's clean-up
        try:
            os.close(read_end)
            outcome = _child(plain, with_contents, base_url)
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(outcome, pipe)
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        received = _read_until(read_end, time.monotonic() + max_seconds)
    finally:
        os.close(read_end)
        _stop(pid)
    if received is None:
        logger.error("Stopped a PDF layout after %s seconds", max_seconds)
        seconds = math.ceil(max_seconds)
        raise PdfTimedOut(
            f"The PDF took longer than {seconds} second{'s' if seconds != 1 else ''} to make and was stopped. "
            "Try again later; if it happens again, tell the partnership team."
        )
    # Our own child's bytes, made by the code above: nothing from outside is unpickled.
    outcome, payload, records = pickle.loads(received) if received else ("error", "The layout ended early", [])  # noqa: S301  # nosec B301
    for record in records:
        logging.getLogger(record.name).handle(record)
    if outcome != "pdf":
        logger.error("A PDF could not be made: %s", payload)
        raise PdfError("The PDF could not be made. Try again later; if it happens again, tell the partnership team.")
    return payload


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes until it closes the pipe, or None if that takes past the deadline."""
    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return None
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _stop(pid: int) -> None:
    """Kill the child if it still runs, and reap it (a Celery worker may have reaped it already)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


class _Collector(logging.Handler):
    """Keeps the child's log records to hand back to the parent, which logs them as its own."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Only plain values cross the pipe.
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)


def _child(plain: str, with_contents: str | None, base_url: str) -> tuple[str, object, list[logging.LogRecord]]:
    """In the child: the layout's outcome ("pdf" and its bytes, or "error" and the traceback) and its log records."""
    collector = _Collector()
    for existing in logging.Logger.manager.loggerDict.values():
        if isinstance(existing, logging.Logger):
            existing.handlers, existing.propagate = [], True
    logging.getLogger().handlers = [collector]
    try:
        return "pdf", _lay_out(plain, with_contents, base_url), collector.records
    except BaseException:  # noqa: BLE001 - whatever went wrong is reported to the parent, which refuses cleanly
        return "error", traceback.format_exc(), collector.records
