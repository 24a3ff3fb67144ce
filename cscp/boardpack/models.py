"""The pack each Board meeting reads, stored as it was generated."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cscp.models import Meeting, Person


class BoardPack(models.Model):
    """A Board meeting's pack, stored with the meeting (through Django's storage API)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="board_pack")
    file = models.FileField(upload_to="board-packs/%Y/")
    generated_at = models.DateTimeField(default=timezone.now)
    generated_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    page_count = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Board pack for {self.meeting.date:%d %B %Y}"
