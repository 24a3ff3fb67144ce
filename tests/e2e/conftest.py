"""Browser tests: the product driven in headless Chromium against pytest-django's live server.

Every test in tests/e2e is marked `e2e`. Without Chromium they are skipped locally, but fail under CI=true,
so a CI machine that lost its browser cannot pass by running nothing.

What a test uses:
- the `page` fixture: a fresh browser context per test whose base URL is the live server, so
  `page.goto("/accessibility/")` works. It bypasses the Content-Security-Policy only so that axe-core can
  be injected; the product's own scripts must still work under the real policy (test_public_pages.py
  checks that with a context of its own);
- `visit(page, path)`: go to a page and run `axe_check` on it, so every page a test visits is scanned;
- `axe_check(page)`: fail with the WCAG 2.2 A/AA violations axe-core finds on the current page;
- `sign_in(page, live_server, username)`: sign in through the real sign-in form (scanned too).
Data must be committed for the server thread to see it: use the `partnership` fixture, which is transactional
here because `live_server` is requested; persona passwords are `tests.factories.PASSWORD`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the ORM calls that
# the live server's teardown makes from it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
AXE_JS = E2E_DIR / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMEOUT_MS = 15_000


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Browser tests cannot run: {reason}. CI must run them (apt-get install chromium).")
    pytest.skip(f"Browser tests skipped: {reason}. Install Debian's chromium or set CHROMIUM_PATH.")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        _unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:
        playwright.stop()
        _unavailable(f"Chromium at {CHROMIUM} did not start ({exc})")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(autouse=True)
def _plain_http_cookies(request, settings):
    # The live server speaks plain HTTP; secure-only cookies would never come back and nobody could sign in.
    if request.node.get_closest_marker("e2e"):
        settings.SESSION_COOKIE_SECURE = False
        settings.CSRF_COOKIE_SECURE = False


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def axe_check(page) -> None:
    """Fail listing every WCAG 2.2 A/AA violation axe-core finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")),
            }));
        }""",
        WCAG_TAGS,
    )
    if violations:
        lines = [f"{page.url}: {len(violations)} accessibility violation(s)"]
        for v in violations:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}: {json.dumps(v['targets'])}")
        pytest.fail("\n".join(lines), pytrace=False)


def visit(page, url: str):
    """Go to a page (a path on the live server, or a full URL), check it with axe, and return the response."""
    response = page.goto(url)
    page.wait_for_load_state("load")
    axe_check(page)
    return response


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in page, as a person would; the page after signing in is checked with axe."""
    visit(page, live_server.url + reverse("cscp:sign-in"))
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state("load")
    if page.url.split("?")[0].endswith(reverse("cscp:sign-in")):
        pytest.fail(f"Could not sign in as {username}: still on the sign-in page", pytrace=False)
    axe_check(page)
