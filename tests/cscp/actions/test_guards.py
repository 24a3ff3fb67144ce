"""Each step of an action's life has one guard: the service refuses in its words, the step's page warns in them,
and the action's page offers the step's button exactly when the service would take it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cscp.actions import guards, services
from cscp.actions.models import Action
from tests.cscp.actions.helpers import today
from tests.cscp.actions.test_pages import _at_stage, _warning

TODAY = datetime.date(2026, 11, 27)


def _unsaved(**values) -> Action:
    values.setdefault("due_date", TODAY + datetime.timedelta(days=60))
    return Action(**values)


# The guards on their own: no database.


def test_an_open_action_may_be_changed_noted_completed_and_closed():
    action = _unsaved(stage=Action.Stage.OPEN)
    allowed = {name for name, (_perm, blocked) in guards.STEPS.items() if not blocked(action)}
    assert allowed == {"change", "add_note", "complete", "close"}


def test_signing_off_needs_evidence_first():
    action = _unsaved(stage=Action.Stage.COMPLETED, completion_evidence="  ")
    assert guards.sign_off_blocked(action, TODAY) == "Add evidence of completion before signing off"


def test_signing_off_a_reopened_action_says_what_it_is_now_and_what_to_do():
    overdue = _unsaved(stage=Action.Stage.OPEN, completion_evidence="Kept", due_date=TODAY - datetime.timedelta(1))
    assert guards.sign_off_blocked(overdue, TODAY) == (
        "This action is overdue: mark it as complete before signing it off"
    )


def test_a_completed_action_with_evidence_may_be_signed_off_once():
    action = _unsaved(stage=Action.Stage.COMPLETED, completion_evidence="Published")
    assert guards.sign_off_blocked(action, TODAY) == ""
    action.signed_off_at = timezone.now()
    assert guards.sign_off_blocked(action, TODAY) == "This action has already been signed off"


def test_the_impact_is_recorded_once_and_only_after_sign_off():
    completed = _unsaved(stage=Action.Stage.COMPLETED, completion_evidence="Published")
    assert guards.impact_blocked(completed) == "Sign off the action before recording its impact"
    completed.signed_off_at = timezone.now()
    assert guards.impact_blocked(completed) == ""
    tested = _unsaved(stage=Action.Stage.IMPACT_TESTED, signed_off_at=timezone.now())
    assert guards.impact_blocked(tested) == "The impact of this action has already been recorded"


def test_a_closed_action_is_only_reopened():
    action = _unsaved(stage=Action.Stage.CLOSED)
    blocked = {name: guard(action) for name, (_perm, guard) in guards.STEPS.items()}
    assert blocked == {
        "change": "This action is closed: reopen it before changing it",
        "add_note": "This action is closed: reopen it before adding a progress note",
        "complete": "This action is already closed",
        "sign_off": "Add evidence of completion before signing off",
        "record_impact": "Sign off the action before recording its impact",
        "close": "This action is already closed",
        "reopen": "",
    }


# The same guard in the service, the step's page and the action's page.

STATES = ["open", "completed", "signed_off", "impact_tested", "closed", "reopened", "completed_without_evidence"]

STEP_PAGES = {
    "change": "actions:edit",
    "add_note": "actions:note-add",
    "complete": "actions:complete",
    "sign_off": "actions:sign-off",
    "record_impact": "actions:impact",
    "close": "actions:close",
    "reopen": "actions:reopen",
}


def test_every_step_has_a_page():
    assert set(STEP_PAGES) == set(guards.STEPS)


def _in_state(partnership, state: str) -> Action:
    if state == "reopened":
        # Open again, its evidence kept from the completion before.
        signed_off = _at_stage(partnership, "signed_off")
        return services.action_reopen(actor=partnership["admin"], action=signed_off, reason="Gaps found")
    if state == "completed_without_evidence":
        # As an import or the admin site might leave it: completed, with nothing to sign off.
        action = _at_stage(partnership, "completed")
        Action.objects.filter(pk=action.pk).update(completion_evidence="")
        return Action.objects.get(pk=action.pk)
    return _at_stage(partnership, state)


def _take(step: str, actor, action: Action) -> None:
    """The step's service, with what its form would send."""
    steps = {
        "change": lambda: services.action_update(actor=actor, action=action, values={"title": "A sharper title"}),
        "add_note": lambda: services.action_note_add(actor=actor, action=action, text="Training booked"),
        "complete": lambda: services.action_complete(
            actor=actor, action=action, completed_on=today(), evidence="Published"
        ),
        "sign_off": lambda: services.action_sign_off(actor=actor, action=action),
        "record_impact": lambda: services.action_record_impact(
            actor=actor, action=action, made_difference="yes", finding="Fewer re-referrals"
        ),
        "close": lambda: services.action_close(actor=actor, action=action, reason="Superseded"),
        "reopen": lambda: services.action_reopen(actor=actor, action=action, reason="More to do"),
    }
    steps[step]()


def _offered_on_the_actions_page(client, action: Action, step: str) -> bool:
    page = client.get(reverse("actions:detail", args=[action.pk])).content.decode()
    return f'href="{reverse(STEP_PAGES[step], args=[action.pk])}"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("step", list(STEP_PAGES))
@pytest.mark.parametrize("state", STATES)
def test_the_action_page_offers_a_step_exactly_when_its_service_takes_it(client_for, partnership, state, step):
    action = _in_state(partnership, state)
    client = client_for("admin")  # who may take every step: only the guard decides
    offered = _offered_on_the_actions_page(client, action, step)
    warning = _warning(client.get(reverse(STEP_PAGES[step], args=[action.pk])))
    assert warning == guards.blocked_for(partnership["admin"], action, step)
    try:
        _take(step, partnership["admin"], action)
    except ValidationError as refusal:
        assert not offered, f"{step} is offered on a {state} action but refused: {refusal.messages}"
        assert refusal.messages == [warning]
    else:
        assert offered, f"{step} is taken on a {state} action but not offered"
        assert warning == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "steps"),
    [
        ("officer", {"change", "add_note", "complete"}),
        ("business", set()),
        ("chair", {"change", "add_note", "complete", "close"}),
    ],
)
def test_a_step_is_offered_only_to_someone_who_may_take_it(client_for, partnership, persona, steps):
    action = _at_stage(partnership, "open")  # the officer is its named owner
    client = client_for(persona)
    assert {step for step in STEP_PAGES if _offered_on_the_actions_page(client, action, step)} == steps
