"""Files people upload (evidence of an action, and each app's after it): checked by what they are, not their name.

A file's name says what it claims to be; its first bytes say what it is. `check_upload` accepts a file only when both
agree and the kind is one the field allows, so a program renamed "minutes.pdf" is refused. Binary kinds are
recognised by their magic numbers (puremagic, a well-kept pure-Python library of them); text kinds (.txt, .csv)
by holding no NUL byte and decoding as text.
"""

from __future__ import annotations

import os

import puremagic

# How much of a file is read to tell what it is.
SNIFF_BYTES = 8192
TEXT_KINDS = frozenset({".txt", ".csv"})
# Names that one kind goes by: a JPEG is .jpg or .jpeg; the legacy Office formats share one container.
SAME_KIND = {
    ".jpg": {".jpg", ".jpeg", ".jfif", ".jpe"},
    ".jpeg": {".jpg", ".jpeg", ".jfif", ".jpe"},
    ".doc": {".doc", ".xls", ".ppt", ".msi"},
    ".xls": {".doc", ".xls", ".ppt", ".msi"},
    ".ppt": {".doc", ".xls", ".ppt", ".msi"},
}

# What a kind is called in a message, for the kinds the product accepts.
EVIDENCE_KINDS = (
    ".pdf",
    ".doc",
    ".docx",
    ".odt",
    ".rtf",
    ".txt",
    ".xls",
    ".xlsx",
    ".ods",
    ".csv",
    ".ppt",
    ".pptx",
    ".odp",
    ".png",
    ".jpg",
    ".jpeg",
)


def extension_of(upload) -> str:
    return os.path.splitext(os.path.basename(getattr(upload, "name", "") or ""))[1].lower()


def _head(upload) -> bytes:
    position = upload.tell() if hasattr(upload, "tell") else None
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(position or 0)
    return head if isinstance(head, bytes) else head.encode()


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            # The sniffed block may end inside a character: judge the text before its last few bytes.
            head[: max(0, len(head) - 4)].decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def is_what_it_claims(upload) -> bool:
    """Whether the file's content is of the kind its name claims."""
    claimed = extension_of(upload)
    head = _head(upload)
    if not claimed or not head:
        return False
    if claimed in TEXT_KINDS:
        return _is_text(head)
    if claimed == ".rtf":
        return head.startswith(b"{\\rtf")
    try:
        found = {match.extension.lower() for match in puremagic.magic_string(head, filename=upload.name)}
    except puremagic.PureError:
        return False
    return bool(found & SAME_KIND.get(claimed, {claimed}))


def check_upload(upload, *, kinds: tuple[str, ...], max_bytes: int, kinds_in_words: str) -> str:
    """Why this file is refused, in the words shown beside the field, or "" when it is accepted."""
    if extension_of(upload) not in kinds:
        return f"The file must be {kinds_in_words}"
    size = getattr(upload, "size", None)
    if not size:
        return "The file is empty: choose a file with the evidence in it"
    if size > max_bytes:
        return f"The file must be smaller than {max_bytes // (1024 * 1024)} MB"
    if not is_what_it_claims(upload):
        return (
            f"The file is not a real {extension_of(upload)[1:].upper()} file: choose the file itself, not a renamed one"
        )
    return ""
