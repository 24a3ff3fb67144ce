"""Making actions for tests: through the service (as the product does) or in bulk (for the speed tests)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from cscp.actions import services
from cscp.actions.models import Action


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def make_action(partnership, *, actor=None, **values) -> Action:
    """An action raised by the admin for the chair's group, due in 60 days, unless told otherwise."""
    values.setdefault("title", "Review the threshold guidance with schools")
    values.setdefault("due_date", days(60))
    values.setdefault("source", Action.Source.PRACTICE_REVIEW)
    if "owner_agency" not in values:
        values.setdefault("owner_group", partnership.subgroup)
    return services.action_create(actor=actor or partnership["admin"], **values)


def bulk_actions(n: int, *, owner_group, start: int = 1, **values) -> list[Action]:
    """Many actions at once, straight into the table (no audit events), spread over every status."""
    base = today()
    actions = []
    for i in range(n):
        offset = (i % 90) - 30  # a third overdue, some due soon, the rest later
        stage = Action.Stage.OPEN if i % 10 else Action.Stage.COMPLETED
        actions.append(
            Action(
                reference=f"B-{start + i:05d}",
                title=f"Bulk action {start + i}",
                source=Action.Source.AUDIT if i % 2 else Action.Source.SCRUTINY,
                owner_group=owner_group,
                raised_on=base - datetime.timedelta(days=60),
                due_date=base + datetime.timedelta(days=offset),
                stage=stage,
                progress=(Action.Progress.ON_TRACK, Action.Progress.NOT_STARTED, Action.Progress.AT_RISK)[i % 3],
                **values,
            )
        )
    return Action.objects.bulk_create(actions, batch_size=500)


def complete(partnership, action, *, actor=None, evidence="The revised guidance is on the partnership website"):
    """Mark the action complete, by the admin unless told otherwise: the chair may then sign it off (whoever
    completes an action may not sign it off themselves)."""
    return services.action_complete(
        actor=actor or partnership["admin"], action=action, completed_on=today(), evidence=evidence
    )
