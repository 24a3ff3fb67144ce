"""Scheduled work for Board packs: each Board meeting's pack is made a week before it, once."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from cscp.boardpack.selectors import board_meetings
from cscp.boardpack.services import board_pack_generate_if_missing

logger = logging.getLogger(__name__)

# Packs are made this many days before the meeting, so members have a week to read them.
DAYS_BEFORE_MEETING = 7


@shared_task
def generate_due_board_packs() -> int:
    """Make version 1 of the pack for every Board meeting in the next week that has none. Returns how many were made.

    Safe to run twice, or in two workers at once: a meeting with a pack is skipped, and the service checks again
    under a lock before storing one.
    """
    today = timezone.localdate()
    due = (
        board_meetings()
        .filter(
            group__is_active=True,
            date__gte=today,
            date__lte=today + datetime.timedelta(days=DAYS_BEFORE_MEETING),
            board_packs__isnull=True,
        )
        .order_by("date", "pk")
    )
    made = 0
    for meeting in due:
        # One meeting's failure must not keep the others' packs from the Board.
        try:
            if board_pack_generate_if_missing(meeting=meeting) is not None:
                made += 1
        except Exception:
            logger.exception("Could not make the Board pack for meeting %s", meeting.pk)
    return made
