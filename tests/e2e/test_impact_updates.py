"""Impact updates and escalations in the browser: the chair drafts, completes, checks and submits the group's
update; a Business Group member comments and acknowledges it; the chair escalates a concern from it, and a Board
member records the Board's decision and then the outcome. Every page on the way is scanned with axe-core."""

from __future__ import annotations

from django.urls import reverse

from cscp.impact.models import Escalation, ImpactUpdate, ImpactUpdateComment
from tests.cscp.impact.factories import (
    CycleFactory,
    SectionFactory,
    board_meeting,
    business_meeting,
    submitted_update,
)
from tests.e2e.conftest import axe_check, sign_in, visit


def _click(page, role: str, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).first.click()
    page.wait_for_load_state("load")
    axe_check(page)


def _sign_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")


def test_an_update_is_written_submitted_reviewed_and_a_concern_reaches_a_board_decision(
    page, live_server, partnership, board_chair
):
    SectionFactory(title="What we did", hint="The group's work since its last update", order=1)
    SectionFactory(title="What difference it made and the evidence for it", order=2)
    SectionFactory(title="Matters to escalate", is_required=False, order=3, is_escalation=True)
    cycle = CycleFactory(title="Board, spring", business_meeting=business_meeting(20))

    # The chair starts the update from the list of this cycle's updates.
    sign_in(page, live_server, "chair")
    assert page.get_by_role("heading", name="Your group's impact update").is_visible()
    visit(page, reverse("impact:update-list"))
    # GOV.UK "start" links are buttons to assistive technology (role="button").
    _click(page, "button", "Start your update for Learning and Improvement Subgroup")
    # Visiting the update's page changes nothing: the chair starts the update with its button.
    assert page.get_by_role("heading", level=1).inner_text() == "Impact update for Board, spring"
    assert not ImpactUpdate.objects.filter(cycle=cycle, group=partnership.subgroup).exists()
    _click(page, "button", "Start the update")
    assert page.get_by_text("You have completed 0 of 3 sections").is_visible()
    update = ImpactUpdate.objects.get(cycle=cycle, group=partnership.subgroup)

    # First section: saved to come back to later, then completed.
    _click(page, "link", "What we did")
    assert page.get_by_text("The group's work since its last update").is_visible()
    page.get_by_label("What we did").fill("We ran two multi-agency audits of neglect cases.")
    _click(page, "button", "Save and come back later")
    assert page.get_by_text("In progress").is_visible()
    _click(page, "link", "What we did")
    page.get_by_label("What we did").fill("We ran two multi-agency audits of neglect cases and trained 120 staff.")
    _click(page, "button", "Save and continue")

    # Save and continue leads through the remaining sections to the evidence.
    page.get_by_label("What difference it made and the evidence for it").fill(
        "Plans now name the child's lived experience in 8 of 10 audited cases, up from 4."
    )
    _click(page, "button", "Save and continue")
    page.get_by_label("Matters to escalate").fill("Health assessments for children in care are too slow.")
    _click(page, "button", "Save and continue")
    assert page.get_by_role("heading", name="Link evidence").is_visible()
    page.get_by_label("Title of the evidence").fill("Neglect audit report")
    page.get_by_label("Web address").fill("https://example.org/neglect-audit")
    _click(page, "button", "Save and continue")
    assert page.get_by_text("You have completed 3 of 3 sections").is_visible()

    # Check answers, then submit.
    _click(page, "link", "Check your answers and submit")
    assert page.get_by_text("trained 120 staff").is_visible()
    _click(page, "button", "Submit the update")
    assert page.get_by_text("Your impact update has been submitted to the Business Group").is_visible()
    update.refresh_from_db()
    assert update.status == ImpactUpdate.Status.SUBMITTED
    _sign_out(page)

    # A Business Group member finds it on their home page, comments and acknowledges it.
    sign_in(page, live_server, "business")
    assert page.get_by_role("heading", name="Updates to review").is_visible()
    _click(page, "link", "Learning and Improvement Subgroup")
    assert page.get_by_role("heading", name="Impact update from Learning and Improvement Subgroup").is_visible()
    page.get_by_label("Add a comment").fill("A clear account: please share the audit with the Board.")
    _click(page, "button", "Add comment")
    assert page.get_by_text("Your comment has been added").is_visible()
    _click(page, "button", "Acknowledge the update")
    assert page.get_by_text("You have acknowledged").is_visible()
    update.refresh_from_db()
    assert update.status == ImpactUpdate.Status.ACKNOWLEDGED
    assert ImpactUpdateComment.objects.filter(update=update, text__startswith="A clear account").exists()
    _sign_out(page)

    # The chair escalates the concern from the update: the form starts from its "Matters to escalate".
    sign_in(page, live_server, "chair")
    visit(page, reverse("impact:update-detail", args=[update.pk]))
    _click(page, "link", "Escalate a concern to the Board")
    assert page.get_by_label("What is the concern?").input_value() == (
        "Health assessments for children in care are too slow."
    )
    page.get_by_label("Title").fill("Delays in initial health assessments")
    page.get_by_label("What is the evidence?").fill("41% completed within 20 working days last quarter.")
    page.get_by_label("What are you asking the Board to do?").fill("Ask the ICB to report its recovery plan.")
    _click(page, "button", "Send to the Board")
    escalation = Escalation.objects.get()
    assert escalation.impact_update == update
    _sign_out(page)

    # On the day of the Board meeting that takes it, the Board's chair minutes the decision, first forgetting why.
    Escalation.objects.filter(pk=escalation.pk).update(board_meeting=board_meeting(0))
    sign_in(page, live_server, "boardchair")
    assert page.get_by_role("heading", name="Escalations awaiting a decision").is_visible()
    _click(page, "link", "Delays in initial health assessments")
    _click(page, "button", "Record the Board's decision")
    page.get_by_label("Agreed", exact=True).check()
    _click(page, "button", "Record the decision")
    assert "Enter the reason for the Board's decision" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("The Board's reasons, for the minutes").fill("The ICB will report its recovery plan in March.")
    _click(page, "button", "Record the decision")
    assert page.get_by_text("Decided, outcome awaited").first.is_visible()
    escalation.refresh_from_db()
    assert escalation.decision_kind == "agreed" and escalation.decided_by == board_chair
    _sign_out(page)

    # A Board member records the outcome later.
    sign_in(page, live_server, "board")
    visit(page, reverse("impact:escalation-detail", args=[escalation.pk]))
    _click(page, "button", "Record the outcome")
    page.get_by_label("What was the outcome?").fill("The plan was delivered; assessments are on time.")
    _click(page, "button", "Record the outcome")
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.CLOSED
    assert page.get_by_text("Outcome recorded").first.is_visible()
    visit(page, reverse("impact:escalation-list"))
    visit(page, reverse("impact:group-updates", args=[partnership.subgroup.pk]))
    visit(page, reverse("impact:cycle-detail", args=[cycle.pk]))


def test_the_configuration_and_review_pages_pass_axe_with_and_without_errors(page, live_server, partnership):
    SectionFactory(title="What we did", order=1)
    SectionFactory(title="Risks", is_required=False, order=2)
    cycle = CycleFactory(title="Board, spring", business_meeting=business_meeting(20))
    update = submitted_update(partnership.subgroup, cycle)

    sign_in(page, live_server, "admin")
    visit(page, reverse("impact:template"))
    visit(page, reverse("impact:section-create"))
    _click(page, "button", "Save")
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    visit(page, reverse("impact:cycle-list"))
    visit(page, reverse("impact:cycle-create"))
    _click(page, "button", "Save")
    assert page.get_by_text("Enter the date updates are due").first.is_visible()
    visit(page, reverse("impact:cycle-edit", args=[cycle.pk]))
    visit(page, reverse("impact:escalation-create"))
    _sign_out(page)

    sign_in(page, live_server, "business")
    visit(page, reverse("impact:update-detail", args=[update.pk]))
    _click(page, "button", "Ask for changes")
    _click(page, "button", "Ask for changes")
    assert page.get_by_text("Enter what the group should change").first.is_visible()
    page.get_by_label("What should the group change?").fill("Say what changed for children.")
    _click(page, "button", "Ask for changes")
    update.refresh_from_db()
    assert update.status == ImpactUpdate.Status.CHANGES_REQUESTED
