"""Links people type into the product (evidence, an action's source, an escalation's source): the one check.

A link is either a page of this service ("/impact/updates/3/") or a web address starting with https:// or http://
with a host. Browsers read "//host" and "/\\host" as another site and run "javascript:" links, so those are refused,
as is any space, backslash or control character (which browsers strip or rewrite before following a link).
"""

from __future__ import annotations

from urllib.parse import urlsplit

MESSAGE = "Enter a web address starting with https://, or a page of this service"


def is_safe_link(url: str) -> bool:
    if not url or any(char.isspace() or char == "\\" or ord(char) < 32 or ord(char) == 127 for char in url):
        return False
    if url.startswith("/"):
        return not url.startswith("//")
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("https", "http") and bool(parts.hostname)
