"""The partnership core in the browser: an admin invites a person and adds them to a group; the person sets a
password from the emailed link, signs in and sees the group. Every page on the way is scanned with axe-core."""

import re

from django.core import mail
from django.utils import timezone

from cscp.models import GroupMembership, Person
from tests.e2e.conftest import axe_check, sign_in, visit


def test_an_admin_invites_a_person_who_sets_a_password_and_sees_their_group(browser, page, live_server, partnership):
    sign_in(page, live_server, "admin")

    # From "Manage the partnership" to the people list and the invitation form.
    page.get_by_role("link", name="Manage the partnership").click()
    page.wait_for_load_state("load")
    axe_check(page)
    page.get_by_role("link", name="Manage people").click()
    page.wait_for_load_state("load")
    axe_check(page)
    visit(page, "/people/invite/")

    # A malformed email is refused beside the field, keeping what was typed.
    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Last name").fill("Shah")
    page.get_by_label("Email address").fill("priya.shah-at-example.org")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state("load")
    axe_check(page)
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.get_by_label("First name").input_value() == "Priya"
    assert not Person.objects.filter(last_name="Shah").exists()

    page.get_by_label("Email address").fill("priya.shah@example.org")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state("load")
    axe_check(page)
    assert page.get_by_text("priya.shah@example.org").first.is_visible()
    person = Person.objects.get(email="priya.shah@example.org")

    # Add them to the chair's subgroup as a member, from today: the start date's day, month and year boxes
    # come filled in.
    page.get_by_role("link", name="Add to a group").click()
    page.wait_for_load_state("load")
    axe_check(page)
    today = timezone.localdate()
    start = page.get_by_role("group", name="Start date")
    assert [start.get_by_label(part).input_value() for part in ("Day", "Month", "Year")] == [
        str(today.day),
        str(today.month),
        str(today.year),
    ]
    page.get_by_label("Group", exact=True).select_option(label=partnership.subgroup.name)
    page.get_by_label("Member", exact=True).check()
    page.get_by_role("button", name="Add membership").click()
    page.wait_for_load_state("load")
    axe_check(page)
    assert GroupMembership.objects.filter(
        person=person, group=partnership.subgroup, role="member", start_date=today
    ).exists()
    assert page.get_by_role("link", name=partnership.subgroup.name).first.is_visible()

    # The invitation arrived with a set-password link.
    invitation = next(m for m in mail.outbox if m.to == ["priya.shah@example.org"])
    link = re.search(r"https?://\S+(/accounts/set-password/\S+/)", invitation.body).group(1)

    # The invited person, in a browser of their own.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-GB")
    newcomer = context.new_page()
    try:
        visit(newcomer, link)
        newcomer.get_by_label("New password", exact=True).fill("short")
        newcomer.get_by_label("Confirm new password").fill("short")
        newcomer.get_by_role("button", name="Set password").click()
        newcomer.wait_for_load_state("load")
        axe_check(newcomer)
        assert newcomer.get_by_text("at least 12 characters").first.is_visible()

        newcomer.get_by_label("New password", exact=True).fill("kendal mint cake 1953")
        newcomer.get_by_label("Confirm new password").fill("kendal mint cake 1953")
        newcomer.get_by_role("button", name="Set password").click()
        newcomer.wait_for_load_state("load")
        axe_check(newcomer)

        sign_in(newcomer, live_server, person.username, "kendal mint cake 1953")
        assert newcomer.get_by_role("link", name=partnership.subgroup.name).first.is_visible()
        newcomer.get_by_role("link", name=partnership.subgroup.name).first.click()
        newcomer.wait_for_load_state("load")
        axe_check(newcomer)
        assert newcomer.get_by_role("heading", level=1).inner_text().strip() == partnership.subgroup.name
    finally:
        context.close()


def test_the_admin_pages_pass_axe(page, live_server, partnership):
    sign_in(page, live_server, "admin")
    p = partnership
    for path in [
        "/manage/",
        "/manage/settings/",
        "/manage/districts/",
        "/agencies/",
        f"/agencies/{p.agency.pk}/",
        "/agencies/new/",
        "/groups/",
        f"/groups/{p.subgroup.pk}/",
        "/groups/new/",
        f"/groups/{p.subgroup.pk}/meetings/new/",
        "/plans/",
        "/plans/new/",
        "/themes/",
        "/themes/new/",
        "/people/",
        f"/people/{p['chair'].pk}/",
        f"/people/{p['chair'].pk}/edit/",
        f"/people/{p['chair'].pk}/deactivate/",
        f"/groups/{p.subgroup.pk}/members/add/",
        "/audit-log/",
        "/reports/membership/",
        "/notifications/",
        "/accounts/password/",
    ]:
        assert visit(page, path).status == 200, path


def test_forms_with_errors_pass_axe_and_keep_what_was_typed(page, live_server, partnership):
    sign_in(page, live_server, "admin")
    visit(page, "/agencies/new/")
    page.get_by_role("button").filter(has_text=re.compile("Save|Add|Create")).first.click()
    page.wait_for_load_state("load")
    axe_check(page)
    assert page.get_by_role("heading", name="There is a problem").is_visible()


def test_a_date_in_error_is_explained_beside_its_boxes(page, live_server, partnership):
    membership = partnership["chair"].group_memberships.get()
    sign_in(page, live_server, "admin")
    visit(page, f"/memberships/group/{membership.pk}/end/")
    end = page.get_by_role("group", name="End date")
    end.get_by_label("Day").fill("30")
    end.get_by_label("Month").fill("2")
    end.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="End membership").click()
    page.wait_for_load_state("load")
    axe_check(page)
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    end = page.get_by_role("group", name="End date")
    assert end.get_by_text("Enter a real date, for example 27 3 2026").is_visible()
    assert end.get_by_label("Day").input_value() == "30"

    # The audit log's date filters use the same boxes; a bad one is explained, not a failure.
    visit(page, "/audit-log/?date_from_0=31&date_from_1=2&date_from_2=2026")
    assert page.get_by_role("group", name="From").get_by_text("Enter a real date").is_visible()


def test_a_person_can_sign_in_and_out_with_the_keyboard(page, live_server, partnership):
    visit(page, "/accounts/sign-in/")
    page.get_by_label("Username", exact=True).focus()
    page.keyboard.type("chair")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type("correct horse battery staple")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe_check(page)
    assert page.get_by_role("button", name="Sign out").is_visible()
    page.get_by_role("button", name="Sign out").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe_check(page)
    assert "signed out" in page.get_by_role("heading", level=1).inner_text().lower()
