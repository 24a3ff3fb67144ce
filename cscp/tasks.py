"""Scheduled and background work for the partnership core: thin wrappers over services."""

from celery import shared_task
from django.core.management import call_command

from cscp.notifications import send_outbox
from cscp.services import retention_apply

# The outbox's task is defined beside `outbox_send` (see cscp.notifications) and keeps its name here.
__all__ = ["apply_retention", "clear_expired_sessions", "send_outbox"]


@shared_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@shared_task
def apply_retention() -> dict[str, int]:
    return retention_apply()
