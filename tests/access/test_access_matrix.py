"""Every URL the product defines, requested as every persona and as an anonymous visitor.

Each area lists its rows in `tests/access/matrix_<area>.py` (see tests/access/matrix.py). This module
collects them all when it is imported, so each (row, persona) pair is a test of its own and a failure names
the page, the persona and what the row is about. A URL with no row fails the build: a new page cannot ship
without someone deciding who may see it.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access.matrix import DONE, EVERYONE, PostRow, Row

# Django's own admin is a superuser-only tool kept as a last resort, not a product page: it has its own
# sign-in and permission checks, and its dozens of generated URLs would say nothing about who may use the
# product.
SKIPPED_NAMESPACES = {"admin"}


def _matrix_modules():
    folder = Path(__file__).parent
    return [importlib.import_module(f"tests.access.{path.stem}") for path in sorted(folder.glob("matrix_*.py"))]


MODULES = _matrix_modules()
ROWS: list[Row] = [row for module in MODULES for row in getattr(module, "ROWS", [])]
POSTS: list[PostRow] = [row for module in MODULES for row in getattr(module, "POSTS", [])]


def project_url_names() -> dict[str, str]:
    """Every URL pattern the project defines, as {"namespace:name": route}; unnamed ones as "(unnamed) route"."""
    found: dict[str, str] = {}

    def walk(patterns, namespaces: tuple[str, ...], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                walk(pattern.url_patterns, (*namespaces, pattern.namespace) if pattern.namespace else namespaces, route)
            elif isinstance(pattern, URLPattern):
                if pattern.name:
                    found[":".join((*namespaces, pattern.name))] = route
                else:
                    found[f"(unnamed) {route}"] = route

    walk(get_resolver().url_patterns, (), "/")
    return found


def _row_id(row: Row) -> str:
    return f"{row.url_name}[{row.note}]" if row.note else row.url_name


def test_every_matrix_module_lists_its_rows():
    without = [module.__name__ for module in MODULES if not isinstance(getattr(module, "ROWS", None), list)]
    assert not without, f"These modules need `ROWS = [Row(...), ...]`: {without}"


def test_every_url_the_product_defines_has_a_row():
    covered = {row.url_name for row in ROWS}
    routes = project_url_names()
    missing = sorted(name for name in routes if name not in covered)
    assert not missing, (
        f"{len(missing)} URLs have no row in tests/access/matrix_<area>.py; say who may see each one:\n  "
        + "\n  ".join(f"{name}  ({routes[name]})" for name in missing)
    )


def test_every_row_is_for_a_url_that_exists():
    names = project_url_names()
    unknown = sorted({row.url_name for row in ROWS if row.url_name not in names})
    assert not unknown, f"These rows name URLs the project does not define (renamed or removed?): {unknown}"


def test_rows_for_the_same_url_say_how_they_differ():
    seen: dict[str, int] = {}
    for row in ROWS:
        seen[_row_id(row)] = seen.get(_row_id(row), 0) + 1
    repeated = sorted(name for name, count in seen.items() if count > 1)
    assert not repeated, f"Give these rows a `note` so a failure says which one it is: {repeated}"


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_each_persona_gets_the_status_the_matrix_expects(row: Row, partnership, client_for):
    # One test per row, every persona within it: the partnership is built once per row, not once per request.
    url = reverse(row.url_name, kwargs=row.kwargs(partnership))
    about = f" ({row.note})" if row.note else ""
    sign_in = resolve_url(settings.LOGIN_URL)
    wrong = []
    for persona in EVERYONE:
        expected = row.expect[persona]
        client = client_for(None if persona == "anonymous" else persona)
        before = _rows_everywhere()
        response = client.get(url)
        # A GET never writes, whoever asks and whatever the answer.
        after = _rows_everywhere()
        written = sorted(label for label in after if after[label] != before[label])
        if written:
            wrong.append(f"{persona}: a GET wrote rows in {written}")
        if response.status_code != expected:
            wrong.append(f"{persona}: expected {expected}, got {response.status_code}")
        elif persona == "anonymous" and expected == 302 and urlsplit(response["Location"]).path != sign_in:
            wrong.append(f"anonymous: sent to {response['Location']}, not to sign in at {sign_in}")
    assert not wrong, f"GET {url}{about}:\n  " + "\n  ".join(wrong)


def _post_only(row: Row) -> bool:
    """A URL that answers every signed-in person's GET with 405 takes only POST."""
    return all(status == 405 for persona, status in row.expect.items() if persona != "anonymous")


def test_every_post_only_url_says_who_may_post_to_it():
    posted = {row.url_name for row in POSTS}
    missing = sorted({row.url_name for row in ROWS if _post_only(row)} - posted)
    assert not missing, f"Add a PostRow to the module's POSTS for these POST-only URLs: {missing}"


def _rows_everywhere() -> dict[str, int]:
    """How many rows each table holds (history tables included, so an edit shows too); sessions left out, as
    signing a test client in writes one."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label != "sessions"
    }


@pytest.mark.parametrize("row", POSTS, ids=lambda row: f"POST {_row_id(row)}")
def test_each_persona_gets_what_the_matrix_expects_of_a_post(row: PostRow, partnership, client_for):
    url = reverse(row.url_name, kwargs=row.kwargs(partnership))
    data = row.data(partnership)
    about = f" ({row.note})" if row.note else ""
    sign_in = resolve_url(settings.LOGIN_URL)
    wrong = []
    # Those refused go first, while the object is as the row made it; then those allowed, whose POST may change it.
    for persona in sorted(EVERYONE, key=lambda name: row.expect[name] == DONE):
        expected = row.expect[persona]
        client = client_for(None if persona == "anonymous" else persona)
        before = _rows_everywhere()
        response = client.post(url, data)
        status = response.status_code
        if expected == DONE:
            if status not in (200, 302) or (status == 302 and urlsplit(response["Location"]).path == sign_in):
                wrong.append(f"{persona}: expected to be allowed, got {status}")
            continue
        if status != expected:
            wrong.append(f"{persona}: expected {expected}, got {status}")
        elif persona == "anonymous" and expected == 302 and urlsplit(response["Location"]).path != sign_in:
            wrong.append(f"anonymous: sent to {response['Location']}, not to sign in at {sign_in}")
        after = _rows_everywhere()
        changed = sorted(label for label in after if after[label] != before[label])
        if changed:
            wrong.append(f"{persona}: refused, yet rows were written in {changed}")
    assert not wrong, f"POST {url}{about}:\n  " + "\n  ".join(wrong)


def _takes_forms(row: Row) -> bool:
    return not _post_only(row) and row.url_name not in {post.url_name for post in POSTS}


@pytest.mark.parametrize("row", [row for row in ROWS if _takes_forms(row)], ids=lambda row: f"POST {_row_id(row)}")
def test_a_post_to_a_page_is_refused_to_whoever_its_get_is_refused_to(row: Row, partnership, client_for):
    """Every page that may take a form, posted to (with nothing filled in) as every persona: whoever the page is
    refused to is refused the POST too, the same way, and nothing is written; whoever may see it is never refused
    (they get the page again with its errors, a redirect, or 405 where the page takes no POST). A form's own
    tests post real answers; this checks the boundary on every page without a row of its own."""
    url = reverse(row.url_name, kwargs=row.kwargs(partnership))
    about = f" ({row.note})" if row.note else ""
    sign_in = resolve_url(settings.LOGIN_URL)
    wrong = []
    refused = {persona for persona in EVERYONE if row.expect[persona] in (403, 404) or persona == "anonymous"}
    # Those refused go first, while everything is as the row made it.
    for persona in sorted(EVERYONE, key=lambda name: name not in refused):
        client = client_for(None if persona == "anonymous" else persona)
        before = _rows_everywhere()
        response = client.post(url, {})
        status = response.status_code
        if persona in refused:
            expected = row.expect[persona]
            if status not in (expected, 405):
                wrong.append(f"{persona}: a GET gets {expected}, a POST got {status}")
            elif persona == "anonymous" and status == 302 and urlsplit(response["Location"]).path != sign_in:
                wrong.append(f"anonymous: sent to {response['Location']}, not to sign in at {sign_in}")
            after = _rows_everywhere()
            changed = sorted(label for label in after if after[label] != before[label])
            if changed:
                wrong.append(f"{persona}: refused, yet rows were written in {changed}")
        elif status not in (200, 302, 405):
            wrong.append(f"{persona}: may see the page, yet a POST got {status}")
    assert not wrong, f"POST {url}{about}:\n  " + "\n  ".join(wrong)
