"""Board pack tests store PDFs in a folder of their own, and most skip WeasyPrint (half a second a render)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from cscp.boardpack import services

# A one-page PDF, enough for the storage, download and notification tests.
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type /Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type /Pages/Kids [3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type /Page/Parent 2 0 R/MediaBox [0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return settings.MEDIA_ROOT


@pytest.fixture
def quick_pdf(monkeypatch):
    """Packs are "rendered" instantly; the templates a render would use are recorded."""
    rendered: list[dict] = []

    def render(template_name, context, *, request=None):
        rendered.append({"template": template_name, "context": context})
        return TINY_PDF

    monkeypatch.setattr(services, "render_pdf", render)
    return rendered


def pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pack.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return result.stdout.decode()
