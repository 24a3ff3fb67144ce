"""Uploaded files are checked by what they are, not only by their names."""

import io

import openpyxl
import pytest
from django.core.files.base import ContentFile

from cscp.uploads import EVIDENCE_KINDS, check_upload, is_what_it_claims


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        ("figures.xlsx", _xlsx()),
        ("chart.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
        ("photo.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32),
        ("old.doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 600),
        ("letter.rtf", b"{\\rtf1\\ansi Hello}"),
        ("notes.txt", "Café meeting notes, 3 March".encode()),
        ("values.csv", b"indicator,period,value\nREF01,2026-04,12\n"),
    ],
)
def test_files_that_are_what_they_say_are_accepted(name, content):
    upload = ContentFile(content, name=name)
    assert is_what_it_claims(upload)
    assert check_upload(upload, kinds=EVIDENCE_KINDS, max_bytes=1024 * 1024, kinds_in_words="a document") == ""


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("minutes.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("figures.xlsx", b"%PDF-1.7 renamed"),
        ("chart.png", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32),
        ("letter.rtf", b"MZ not rtf"),
        ("notes.txt", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64),
        ("values.csv", b"\xff\xfe\x00\x00binary"),
    ],
)
def test_a_file_renamed_to_look_like_another_kind_is_refused(name, content):
    upload = ContentFile(content, name=name)
    assert not is_what_it_claims(upload)
    refused = check_upload(upload, kinds=EVIDENCE_KINDS, max_bytes=1024 * 1024, kinds_in_words="a document")
    assert refused.startswith("The file is not a real ")


def test_the_kind_size_and_emptiness_are_checked_first():
    words = "a PDF"
    assert check_upload(ContentFile(b"x", name="a.exe"), kinds=(".pdf",), max_bytes=10, kinds_in_words=words) == (
        "The file must be a PDF"
    )
    assert check_upload(ContentFile(b"", name="a.pdf"), kinds=(".pdf",), max_bytes=10, kinds_in_words=words) == (
        "The file is empty: choose a file with the evidence in it"
    )
    big = ContentFile(b"%PDF" + b"0" * (3 * 1024 * 1024), name="a.pdf")
    assert check_upload(big, kinds=(".pdf",), max_bytes=2 * 1024 * 1024, kinds_in_words=words) == (
        "The file must be smaller than 2 MB"
    )
