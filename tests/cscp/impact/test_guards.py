"""The guards: for each transition one reason it cannot happen now ("" when it can), which both the service that makes
the change and the page that offers its button follow, so a button is never shown for a change the service refuses,
nor hidden for one it would make."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cscp.impact import guards, services
from cscp.impact import status as st
from cscp.impact.models import Escalation, ImpactUpdate
from tests.cscp.impact.factories import EscalationFactory, board_meeting, submitted_update

pytestmark = pytest.mark.django_db

UPDATE_STATUSES = list(st.WORKFLOW)


def _update_in(partnership, status: str) -> ImpactUpdate:
    update = submitted_update(partnership.subgroup, by=partnership["chair"], status=status)
    if status == st.DRAFT:
        update.submitted_at = None
        update.save()
    return update


def _sent_back_with(client, url: str, blocked: str) -> bool:
    """The page for a refused transition sends the person back to the record, which shows the guard's reason."""
    response = client.get(url, follow=True)
    return bool(response.redirect_chain) and blocked in html.unescape(response.content.decode())


def _refusal(call) -> list[str]:
    try:
        call()
    except ValidationError as error:
        return error.messages
    return []


# The guards themselves.


@pytest.mark.parametrize(
    "status, blocked",
    [
        (st.DRAFT, ""),
        (st.CHANGES_REQUESTED, ""),
        (st.SUBMITTED, guards.SUBMITTED_CANNOT_CHANGE),
        (st.ACKNOWLEDGED, guards.SUBMITTED_CANNOT_CHANGE),
    ],
)
def test_an_update_may_be_changed_only_while_a_draft_or_after_changes_are_asked_for(status, blocked):
    assert guards.update_edit_blocked(ImpactUpdate(status=status)) == blocked


@pytest.mark.parametrize(
    "status, acknowledge, request_changes",
    [
        (st.DRAFT, "You can acknowledge it once", "You can ask for changes once"),
        (st.CHANGES_REQUESTED, "You can acknowledge it once", "You can ask for changes once"),
        (st.SUBMITTED, "", ""),
        (st.ACKNOWLEDGED, "already been acknowledged", "already been acknowledged"),
    ],
)
def test_only_a_submitted_update_is_reviewed(status, acknowledge, request_changes):
    update = ImpactUpdate(status=status)
    for blocked, expected in (
        (guards.update_acknowledge_blocked(update), acknowledge),
        (guards.update_request_changes_blocked(update), request_changes),
    ):
        assert (expected in blocked) if expected else blocked == ""


@pytest.mark.parametrize("status", UPDATE_STATUSES)
def test_comments_are_open_at_every_stage(status):
    assert guards.update_comment_blocked(ImpactUpdate(status=status)) == ""


def test_an_update_is_submitted_once_every_required_section_is_answered(partnership, update, sections):
    assert guards.update_submit_blocked(update) == guards.ANSWER_REQUIRED_SECTIONS
    for section in sections:
        if section.is_required:
            update.refresh_from_db()
            services.impact_update_save_section(
                actor=partnership["chair"], update=update, section=section, text="Done", version=update.version
            )
    update.refresh_from_db()
    assert guards.update_submit_blocked(update) == ""
    services.impact_update_submit(actor=partnership["chair"], update=update, version=update.version)
    update.refresh_from_db()
    assert guards.update_submit_blocked(update) == guards.SUBMITTED_CANNOT_CHANGE


@pytest.mark.parametrize(
    "status, decide, outcome, action",
    [
        (st.AWAITING_DECISION, "", "Record the Board's decision before the outcome", "once the Board has decided"),
        (st.DECIDED, "already been recorded", "", ""),
        (st.CLOSED, "already been recorded", "already been recorded", ""),
    ],
)
def test_an_escalation_is_decided_then_its_outcome_recorded(status, decide, outcome, action):
    escalation = Escalation(status=status, board_meeting=board_meeting(-1))
    for blocked, expected in (
        (guards.escalation_decide_blocked(escalation), decide),
        (guards.escalation_outcome_blocked(escalation), outcome),
        (guards.escalation_action_blocked(escalation), action),
    ):
        assert (expected in blocked) if expected else blocked == ""


# The services refuse with the guard's words, and the pages offer the button exactly when the guard allows.


@pytest.mark.parametrize("status", UPDATE_STATUSES)
def test_acknowledging_follows_its_guard_on_the_page_and_in_the_service(client_for, partnership, sections, status):
    update = _update_in(partnership, status)
    blocked = guards.update_acknowledge_blocked(update)
    page = client_for("business").get(reverse("impact:update-detail", args=[update.pk])).content.decode()
    assert ("Acknowledge the update" in page) is (blocked == "")
    refused = _refusal(lambda: services.impact_update_acknowledge(actor=partnership["business"], update=update))
    assert refused == ([blocked] if blocked else [])


@pytest.mark.parametrize("status", UPDATE_STATUSES)
def test_asking_for_changes_follows_its_guard_on_the_page_and_in_the_service(client_for, partnership, sections, status):
    update = _update_in(partnership, status)
    blocked = guards.update_request_changes_blocked(update)
    client = client_for("business")
    page = client.get(reverse("impact:update-detail", args=[update.pk])).content.decode()
    assert ("Ask for changes" in page) is (blocked == "")
    if blocked:
        assert _sent_back_with(client, reverse("impact:update-request-changes", args=[update.pk]), blocked)
    else:
        assert client.get(reverse("impact:update-request-changes", args=[update.pk])).status_code == 200
    refused = _refusal(
        lambda: services.impact_update_request_changes(actor=partnership["business"], update=update, text="More")
    )
    assert refused == ([blocked] if blocked else [])


@pytest.mark.parametrize("status", UPDATE_STATUSES)
def test_writing_follows_its_guard_on_the_page_and_in_the_service(client_for, partnership, sections, status):
    update = _update_in(partnership, status)
    blocked = guards.update_edit_blocked(update)
    client = client_for("chair")
    page = client.get(reverse("impact:update-detail", args=[update.pk])).content.decode()
    edit_url = reverse("impact:update-edit", args=[update.cycle_id, update.group_id])
    assert (f'href="{edit_url}"' in page) is (blocked == "")
    section_url = reverse("impact:update-section", args=[update.pk, sections[0].pk])
    if blocked:
        assert _sent_back_with(client, section_url, blocked)
    else:
        assert client.get(section_url).status_code == 200
    refused = _refusal(
        lambda: services.impact_update_save_section(
            actor=partnership["chair"], update=update, section=sections[0], text="More", version=update.version
        )
    )
    assert refused == ([blocked] if blocked else [])


@pytest.mark.parametrize("status", UPDATE_STATUSES)
def test_commenting_is_offered_and_accepted_at_every_stage(client_for, partnership, sections, status):
    update = _update_in(partnership, status)
    page = client_for("business").get(reverse("impact:update-detail", args=[update.pk])).content.decode()
    assert "Add comment" in page
    services.impact_update_comment(actor=partnership["business"], update=update, text="A question")
    assert update.comments.filter(text="A question").exists()


def _escalation_in(partnership, status: str) -> Escalation:
    values = {"status": status}
    if status != st.AWAITING_DECISION:
        values.update(decision="A recovery plan", decided_at=timezone.now())
    if status == st.CLOSED:
        values.update(outcome="Delivered", outcome_recorded_at=timezone.now())
    # Taken to yesterday's Board meeting, so the decision may be minuted now.
    return EscalationFactory(raised_by_group=partnership.subgroup, board_meeting=board_meeting(-1), **values)


@pytest.mark.parametrize("status", list(st.ESCALATION_STATUSES))
def test_deciding_and_recording_the_outcome_follow_their_guards(client_for, partnership, status):
    escalation = _escalation_in(partnership, status)
    client = client_for("admin")  # who may minute the decision and record the outcome: only the guard decides
    page = client.get(reverse("impact:escalation-detail", args=[escalation.pk])).content.decode()
    for blocked, button, url_name, call in (
        (
            guards.escalation_decide_blocked(escalation),
            "Record the Board's decision",
            "impact:escalation-decide",
            lambda: services.escalation_decide(
                actor=partnership["admin"], escalation=escalation, kind="agreed", rationale="Yes"
            ),
        ),
        (
            guards.escalation_outcome_blocked(escalation),
            "Record the outcome",
            "impact:escalation-outcome",
            lambda: services.escalation_record_outcome(
                actor=partnership["admin"], escalation=escalation, outcome="Done"
            ),
        ),
    ):
        assert (reverse(url_name, args=[escalation.pk]) in page) is (blocked == ""), button
        if blocked:
            assert _sent_back_with(client, reverse(url_name, args=[escalation.pk]), blocked)
            assert _refusal(call) == [blocked]
        else:
            assert client.get(reverse(url_name, args=[escalation.pk])).status_code == 200
