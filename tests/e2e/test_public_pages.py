"""The pages anyone can reach, in a real browser: accessible, styled, and usable from the keyboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cscp.models import Notification
from tests.e2e.conftest import axe_check, sign_in, visit


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [("cscp:accessibility", "Accessibility statement for"), ("cscp:privacy", "Privacy notice")],
)
def test_the_public_statements_pass_axe(page, partnership, url_name, heading):
    response = visit(page, reverse(url_name))
    assert response.status == 200
    assert heading in page.get_by_role("heading", level=1).inner_text()


def test_the_page_not_found_page_passes_axe(page, partnership):
    response = visit(page, "/no-such-page/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"


def test_the_stylesheet_loads_and_sets_arial(page, partnership):
    # axe's colour-contrast checks only mean something if the real stylesheet was applied.
    visit(page, reverse("cscp:privacy"))
    font = page.evaluate("() => getComputedStyle(document.querySelector('h1')).fontFamily")
    header_background = page.evaluate("() => getComputedStyle(document.querySelector('.govuk-header')).backgroundColor")
    assert font.lower().startswith("arial")
    assert header_background == "rgb(29, 112, 184)"


def test_tab_from_the_top_reaches_the_skip_link_and_enter_moves_to_the_main_content(page, partnership):
    visit(page, reverse("cscp:accessibility"))
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.textContent.trim()]")
    assert focused == ["govuk-skip-link", "Skip to main content"]
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"


def test_the_scripts_run_under_the_real_content_security_policy(browser, live_server, partnership):
    # No bypass here: the nonce'd inline snippet and the govuk-frontend module must both be allowed.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Security Policy" in message.text else None)
    page.goto(reverse("cscp:privacy"))
    page.wait_for_load_state("load")
    body_class = page.evaluate("() => document.body.className")
    # govuk-frontend marks each component it has started.
    skip_link_started = page.evaluate(
        "() => document.querySelector('.govuk-skip-link').hasAttribute('data-govuk-skip-link-init')"
    )
    context.close()
    assert refused == []
    assert "govuk-frontend-supported" in body_class
    assert skip_link_started


def test_a_signed_in_person_sees_their_home_page_and_can_sign_out(page, live_server, partnership):
    sign_in(page, live_server, "chair")
    assert page.get_by_role("heading", level=1).inner_text() == "Your work"
    assert page.get_by_role("link", name="Learning and Improvement Subgroup").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    axe_check(page)
    assert page.get_by_role("button", name="Sign out").count() == 0


def test_notifications_and_their_pagination_pass_axe_and_open_with_the_keyboard(page, live_server, partnership):
    for n in range(30):
        Notification.objects.create(recipient=partnership["chair"], subject=f"Reminder {n}", url="/privacy/")
    sign_in(page, live_server, "chair")
    assert page.get_by_role("table", name="Unread notifications").is_visible()
    visit(page, reverse("cscp:notifications"))
    page.get_by_role("link", name="Page 2").click()
    page.wait_for_load_state("load")
    axe_check(page)
    assert "Reminder 0" in page.get_by_role("table").inner_text()
    page.get_by_role("button", name="Open Reminder 0").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/privacy/")
    assert Notification.objects.get(subject="Reminder 0").read_at is not None
