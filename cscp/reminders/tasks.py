"""Scheduled reminders (run daily by beat): thin wrappers over cscp.reminders.services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from cscp.reminders.services import remind_actions, remind_escalations, remind_impact_updates


@shared_task
def send_reminders() -> dict[str, int]:
    """Every reminder due today, each once. Returns how many of each kind were sent on this run."""
    today = timezone.localdate()
    return {
        "actions": remind_actions(today=today),
        "impact_updates": remind_impact_updates(today=today),
        "escalations": remind_escalations(today=today),
    }
