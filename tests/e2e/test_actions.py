"""An action's whole life in a real browser, every page scanned with axe: an admin raises it for the chair's group;
the chair adds a progress note and completes it with evidence; the chair is not offered the sign-off of their own
completion, so the group's vice-chair signs it off and records its impact."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from cscp.actions.models import Action
from tests.e2e.conftest import axe_check, sign_in, visit


def _submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state("load")
    axe_check(page)


def _sign_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def _fill_date(page, name: str, day: datetime.date) -> None:
    page.locator(f'input[name="{name}_0"]').fill(str(day.day))
    page.locator(f'input[name="{name}_1"]').fill(str(day.month))
    page.locator(f'input[name="{name}_2"]').fill(str(day.year))


def test_an_action_goes_from_raised_to_impact_tested(page, live_server, partnership, vice_chair, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()

    # The admin raises an action for the chair's group, first getting the due date wrong.
    sign_in(page, live_server, "admin")
    visit(page, reverse("actions:list"))
    visit(page, reverse("actions:create"))
    page.get_by_label("Action", exact=True).fill("Refresh the multi-agency threshold guidance")
    page.get_by_label("Where the action came from").select_option("practice_review")
    page.get_by_label("Source reference (optional)").fill("LCSPR Child T, recommendation 3")
    page.get_by_label("Owner group").select_option(label="Learning and Improvement Subgroup")
    _fill_date(page, "due_date", today - datetime.timedelta(days=1))
    _submit(page, "Raise the action")
    assert (
        "Enter a due date on or after the date the action was raised"
        in page.locator(".govuk-error-summary").inner_text()
    )
    _fill_date(page, "due_date", today + datetime.timedelta(days=60))
    _submit(page, "Raise the action")
    assert "Action A-0001 raised" in page.locator(".govuk-notification-banner").inner_text()
    action = Action.objects.get()
    _sign_out(page)

    # The chair finds it on the home page and in the group's list.
    sign_in(page, live_server, "chair")
    visit(page, reverse("actions:group", args=[partnership.subgroup.pk]))
    assert page.get_by_role("link", name="A-0001").is_visible()
    visit(page, reverse("actions:detail", args=[action.pk]))
    assert page.get_by_role("heading", level=1).inner_text() == "Refresh the multi-agency threshold guidance"

    # A progress note.
    page.get_by_role("button", name="Add a progress note").click()
    page.wait_for_load_state("load")
    axe_check(page)
    page.get_by_label("Progress note").fill("Draft shared with schools and health visitors")
    page.get_by_label("On track").check()
    _submit(page, "Add the note")
    assert "Progress note added" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator(".govuk-tag", has_text="On track").first.is_visible()

    # Completion, with evidence and a file of it.
    visit(page, reverse("actions:complete", args=[action.pk]))
    page.get_by_label("Evidence of completion").fill("Guidance published; 120 staff briefed")
    page.get_by_label("Upload a file of the evidence (optional)").set_input_files(
        {"name": "briefing-register.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 register"}
    )
    _submit(page, "Mark as complete")
    assert page.get_by_role("link", name="Download briefing-register.pdf").is_visible()

    # Four eyes: the chair who completed it is not offered the sign-off, and is refused if they go to it anyway.
    visit(page, reverse("actions:detail", args=[action.pk]))
    assert page.get_by_role("button", name="Sign off").count() == 0
    visit(page, reverse("actions:sign-off", args=[action.pk]))
    assert "someone else must sign it off" in page.locator(".govuk-warning-text").inner_text()
    _submit(page, "Sign off")
    assert "someone else must sign it off" in page.locator(".govuk-error-summary").inner_text()
    action.refresh_from_db()
    assert action.signed_off_at is None
    _sign_out(page)

    # The group's vice-chair signs it off, on a confirmation page.
    sign_in(page, live_server, "vicechair")
    visit(page, reverse("actions:detail", args=[action.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="Sign off").click()
    page.wait_for_load_state("load")
    axe_check(page)
    _submit(page, "Sign off")
    assert "signed off" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator(".govuk-tag", has_text="Signed off").first.is_visible()

    # The last step: did it make a difference?
    visit(page, reverse("actions:impact", args=[action.pk]))
    page.get_by_label("Partly").check()
    page.get_by_label("What difference it made, and how you know").fill("Re-referrals fell by a fifth in a year")
    _submit(page, "Record the impact")
    assert page.locator(".govuk-tag", has_text="Impact tested").first.is_visible()
    action.refresh_from_db()
    assert action.stage == "impact_tested" and action.made_difference == "partly"

    # The tracker shows it, filtered and sorted, and the chair's own list.
    visit(page, reverse("actions:list") + "?status=impact_tested&sort=status")
    assert page.get_by_role("link", name="A-0001").is_visible()
    visit(page, reverse("actions:mine"))
