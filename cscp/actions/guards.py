"""Whether each step of an action's life may be taken now, and if not, why: one guard per transition.

A guard reads only the action (no database) and returns "" when the step may be taken, or what the person must do
first. Signing off and recording the impact also take the person (`by`): whoever marked the action complete may do
neither, so every completion is checked by a second pair of eyes. The same guard decides three things, so they
cannot disagree: the service refuses with its words (`cscp.guards.refuse`), the step's page shows them as a warning,
and the action's page offers the step's button only to someone who may take it now (`offered`).

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


OWN_COMPLETION_SIGN_OFF = (
    "You marked this action as complete, so someone else must sign it off: the group's other chair or vice-chair, "
    "a member of the Business Group or the partnership team"
)
OWN_COMPLETION_IMPACT = (
    "You marked this action as complete, so someone else must record its impact: the group's other chair or "
    "vice-chair, a member of the Business Group or the partnership team"
)


def _completed_by(action: Action, by) -> bool:
    return by is not None and action.completed_by_id is not None and action.completed_by_id == by.pk


def sign_off_blocked(action: Action, today: datetime.date | None = None, *, by=None) -> str:
    if not action.completion_evidence.strip():
        return "Add evidence of completion before signing off"
    if action.signed_off_at is not None:
        return "This action has already been signed off"
    if action.stage != Action.Stage.COMPLETED:
        now = st.label(st.derived_status(action, today or timezone.localdate())).lower()
        return f"This action is {now}: mark it as complete before signing it off"
    if _completed_by(action, by):
        return OWN_COMPLETION_SIGN_OFF
    return ""


def impact_blocked(action: Action, *, by=None) -> str:
    if action.stage == Action.Stage.IMPACT_TESTED:
        return "The impact of this action has already been recorded"
    if action.stage != Action.Stage.COMPLETED or action.signed_off_at is None:
        return "Sign off the action before recording its impact"
    if _completed_by(action, by):
        return OWN_COMPLETION_IMPACT
    return ""


def close_blocked(action: Action) -> str:
    if action.stage == Action.Stage.CLOSED:
        return "This action is already closed"
    return ""


def reopen_blocked(action: Action) -> str:
    if action.stage == Action.Stage.OPEN:
        return "This action is already open"
    return ""


# Each step's permission and guard, by the name the action's page uses for its button. The steps of `BY_PERSON`
# have guards that also ask who is taking them.
STEPS: dict[str, tuple[str, Callable[[Action], str]]] = {
    "change": ("actions.change_action", change_blocked),
    "add_note": ("actions.change_action", note_blocked),
    "complete": ("actions.change_action", complete_blocked),
    "sign_off": ("actions.sign_off_action", sign_off_blocked),
    "record_impact": ("actions.test_action_impact", impact_blocked),
    "close": ("actions.close_action", close_blocked),
    "reopen": ("actions.close_action", reopen_blocked),
}


BY_PERSON = frozenset({"sign_off", "record_impact"})


def blocked_for(user, action: Action, name: str) -> str:
    """Why this person cannot take the step now ("" when they can), as far as the action's state goes."""
    _perm, blocked = STEPS[name]
    return blocked(action, by=user) if name in BY_PERSON else blocked(action)


def offered(user, action: Action) -> dict[str, bool]:
    """For each step, whether this person may take it now: what the action's page offers them."""
    return {
        name: user.has_perm(perm, action) and not blocked_for(user, action, name) for name, (perm, _) in STEPS.items()
    }
