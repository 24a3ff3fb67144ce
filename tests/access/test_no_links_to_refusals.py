"""No link to a refusal: every page a persona may see, crawled as that persona; every link on it to the product's
own pages must open for them, and every form must post to something they may use.

The pages are the access matrix's rows (tests/access/matrix_*.py) that answer this persona 200, with the objects
their rows build from the `partnership` fixture. Each link is requested once per persona (GET never writes); a
form is checked against the matrix's PostRow for its address where there is one. A link that answers 403, or 404,
is a link the page should not have offered: hide it with the permission the target page checks.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse

from tests.access.test_access_matrix import POSTS, ROWS
from tests.conftest import PERSONAS

SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/", "/__")
SIGNED_IN = list(PERSONAS)


class _Links(HTMLParser):
    """Every <a href> and every <form action> (with its method) on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            self.forms.append((attributes.get("action") or "", (attributes.get("method") or "get").lower()))


def _own(page_url: str, href: str) -> str | None:
    """The product's own address a link points to (path and query), or None for another site, mail or an anchor."""
    if href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    absolute = urlsplit(urljoin("http://testserver" + page_url, href))
    if absolute.netloc != "testserver" or absolute.path.startswith(SKIPPED_PREFIXES):
        return None
    return absolute.path + (f"?{absolute.query}" if absolute.query else "")


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_no_page_links_a_persona_to_a_page_that_refuses_them(persona, partnership, client_for):
    client = client_for(persona)
    pages = []
    for row in ROWS:
        if row.expect[persona] == 200:
            pages.append((row, reverse(row.url_name, kwargs=row.kwargs(partnership))))
    # A form is checked where it posts to the very object a PostRow was written for (built here, so it may appear
    # on the pages): the row says whether this persona may post to it.
    refused_posts = {
        reverse(row.url_name, kwargs=row.kwargs(partnership)): row.expect[persona]
        for row in POSTS
        if row.expect[persona] in (403, 404)
    }
    # Whether a page opens depends on its address, not its filters: each address is requested once.
    checked: dict[str, int] = {url: 200 for _, url in pages}
    posts_checked: set[str] = set()
    wrong: list[str] = []
    for row, url in pages:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue  # the access matrix reports a page that refuses; a file has no links
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.links:
            target = _own(url, href)
            if target is None or urlsplit(target).path in checked:
                continue
            checked[urlsplit(target).path] = status = client.get(target).status_code
            if status in (403, 404) or status >= 500:
                wrong.append(f"{url} ({row.url_name}) links to {target}, which answers {status}")
        for action, method in parser.forms:
            target = _own(url, action or url)
            if target is None or method != "post" or target in posts_checked:
                continue
            posts_checked.add(target)
            if target in refused_posts:
                wrong.append(
                    f"{url} ({row.url_name}) has a form posting to {target}, which answers {persona} "
                    f"{refused_posts[target]}"
                )
    assert not wrong, f"As {persona}:\n  " + "\n  ".join(sorted(set(wrong)))
