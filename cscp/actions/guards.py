"""Whether each step of an action's life may be taken now, and if not, why: one guard per transition.

A guard reads only the action (no database) and returns "" when the step may be taken, or what the person must do
first. The same guard decides three things, so they cannot disagree: the service refuses with its words
(`cscp.guards.refuse`), the step's page shows them as a warning, and the action's page offers the step's button
only to someone who may take it now (`offered`).

Who may take a step is a separate question, answered by the permissions in `cscp.actions.rules`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone

from cscp.actions import status as st
from cscp.actions.models import Action


def change_blocked(action: Action) -> str:
    if action.stage == Action.Stage.CLOSED:
        return "This action is closed: reopen it before changing it"
    return ""


def note_blocked(action: Action) -> str:
    """Progress notes are for the work: while it is open, and while its completion waits for sign-off and the
    impact test."""
    if action.stage == Action.Stage.CLOSED:
        return "This action is closed: reopen it before adding a progress note"
    if action.stage == Action.Stage.IMPACT_TESTED:
        return "The impact of this action has been recorded: reopen it before adding a progress note"
    return ""


def complete_blocked(action: Action) -> str:
    if action.stage != Action.Stage.OPEN:
        return f"This action is already {action.get_stage_display().lower()}"
    return ""


def sign_off_blocked(action: Action, today: datetime.date | None = None) -> str:
    if not action.completion_evidence.strip():
        return "Add evidence of completion before signing off"
    if action.signed_off_at is not None:
        return "This action has already been signed off"
    if action.stage != Action.Stage.COMPLETED:
        now = st.label(st.derived_status(action, today or timezone.localdate())).lower()
        return f"This action is {now}: mark it as complete before signing it off"
    return ""


def impact_blocked(action: Action) -> str:
    if action.stage == Action.Stage.IMPACT_TESTED:
        return "The impact of this action has already been recorded"
    if action.stage != Action.Stage.COMPLETED or action.signed_off_at is None:
        return "Sign off the action before recording its impact"
    return ""


def close_blocked(action: Action) -> str:
    if action.stage == Action.Stage.CLOSED:
        return "This action is already closed"
    return ""


def reopen_blocked(action: Action) -> str:
    if action.stage == Action.Stage.OPEN:
        return "This action is already open"
    return ""


# Each step's permission and guard, by the name the action's page uses for its button.
STEPS: dict[str, tuple[str, Callable[[Action], str]]] = {
    "change": ("actions.change_action", change_blocked),
    "add_note": ("actions.change_action", note_blocked),
    "complete": ("actions.change_action", complete_blocked),
    "sign_off": ("actions.sign_off_action", sign_off_blocked),
    "record_impact": ("actions.test_action_impact", impact_blocked),
    "close": ("actions.close_action", close_blocked),
    "reopen": ("actions.close_action", reopen_blocked),
}


def offered(user, action: Action) -> dict[str, bool]:
    """For each step, whether this person may take it now: what the action's page offers them."""
    return {name: user.has_perm(perm, action) and not blocked(action) for name, (perm, blocked) in STEPS.items()}
