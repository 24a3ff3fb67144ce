"""Scheduled and background work for the partnership core: thin wrappers over services."""

from celery import shared_task
from django.core.management import call_command

from cscp.notifications import outbox_send
from cscp.services import retention_apply


@shared_task
def send_outbox() -> int:
    return outbox_send()


@shared_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@shared_task
def apply_retention() -> dict[str, int]:
    return retention_apply()
