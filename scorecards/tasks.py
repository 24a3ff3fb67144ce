"""Background and scheduled work for the scorecards: thin wrappers that load by id and call a service."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from scorecards.imports.runs import run_import_now


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def run_import(import_run_id: int) -> str | None:
    """Carry out a queued import (a large upload, or a confirmed preview); `runs` queues it by this task's name."""
    run = run_import_now(import_run_id)
    return run.status if run else None


@shared_task
def send_scorecard_reminders() -> dict[str, int]:
    """Missing values and missing commentary on red indicators for the last complete period, each sent once."""
    from scorecards.services import reminders_send

    return reminders_send(today=timezone.localdate())
