"""Your account in the browser: a person changes their name, asks to change their email address (refused without
their password), follows the link sent to the new address, and sees it on the page. Every page is scanned."""

import re

from cscp.models import OutboxEmail, Person
from tests.e2e.conftest import axe_check, sign_in
from tests.factories import PASSWORD


def _go(page):
    page.wait_for_load_state("load")
    axe_check(page)


def test_a_person_changes_their_name_and_email_address(browser, page, live_server, partnership):
    sign_in(page, live_server, "chair")
    page.get_by_role("link", name="Your account").click()
    _go(page)

    page.get_by_role("link", name="Change name").click()
    _go(page)
    page.get_by_label("First name").fill("Morgan")
    page.get_by_label("Last name").fill("Ellis")
    page.get_by_role("button", name="Save your name").click()
    _go(page)
    assert page.get_by_text("Your name is saved").is_visible()
    assert page.get_by_text("Morgan Ellis").is_visible()

    page.get_by_role("link", name="Change email address").click()
    _go(page)
    page.get_by_label("New email address").fill("morgan.ellis@example.org")
    page.get_by_label("Your password").fill("not the password")
    page.get_by_role("button", name="Send the link").click()
    _go(page)
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.get_by_label("New email address").input_value() == "morgan.ellis@example.org"
    assert not OutboxEmail.objects.filter(to="morgan.ellis@example.org").exists()

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Send the link").click()
    _go(page)
    chair = Person.objects.get(username="chair")
    assert chair.email != "morgan.ellis@example.org"

    body = OutboxEmail.objects.get(to="morgan.ellis@example.org").body
    page.goto(re.search(r"https?://[^/\s]+(/accounts/email/\S+/)", body).group(1))
    _go(page)
    page.get_by_role("button", name="Use this email address").click()
    _go(page)
    assert page.get_by_text("Your email address is now morgan.ellis@example.org").is_visible()
    chair.refresh_from_db()
    assert chair.email == "morgan.ellis@example.org"
