"""The packs each Board meeting reads, every generation kept as a numbered version, and how the partnership sets
its packs out (the protective marking, the cover's author and purpose, the order of the sections)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cscp import limits
from cscp.limits import limited_text
from cscp.models import Meeting, Person


class BoardPack(models.Model):
    """One version of a Board meeting's pack, stored as it was generated (through Django's storage API).

    Versions are numbered from 1 for each meeting and never replaced: generating again makes the next version.
    Once a version has been sent to the Board, the next must say what changed (`change_note`).
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="board_packs")
    version = models.PositiveIntegerField(default=1)
    file = models.FileField(upload_to="board-packs/%Y/")
    generated_at = models.DateTimeField(default=timezone.now)
    generated_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    page_count = models.PositiveIntegerField(default=0)
    change_note = limited_text(limits.SHORT_TEXT, "what changed since the version sent to the Board", blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The executive summary's figures as this version printed them, keyed by summary part, so the next meeting's
    # pack can say what changed since ("3 red, 1 more than the last pack").
    summary_figures = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "-version"]
        constraints = [models.UniqueConstraint(fields=["meeting", "version"], name="one_board_pack_per_version")]

    def __str__(self) -> str:
        return f"Board pack for {self.meeting.date:%d %B %Y}, version {self.version}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def filename(self) -> str:
        return f"board-pack-{self.meeting.date:%Y-%m-%d}-v{self.version}.pdf"


class BoardPackSettings(models.Model):
    """How the partnership sets out its Board packs. There is one row; `BoardPackSettings.load()` returns it."""

    protective_marking = models.CharField(
        max_length=limits.SHORT_TITLE,
        blank=True,
        default="OFFICIAL-SENSITIVE",
        help_text="Printed at the top and foot of every page of the pack",
    )
    author = models.CharField(
        max_length=limits.TITLE, blank=True, help_text="For example, Partnership Business Manager"
    )
    purpose = limited_text(
        limits.SHORT_TEXT,
        "what the pack is for",
        blank=True,
        default=(
            "To give the Board the evidence it needs to hold the partnership to account: the decisions it is "
            "asked to make, the partnership's performance, the groups' impact and the actions that are late."
        ),
    )
    # {section key: position}; a section not listed keeps the order its app registered it with.
    section_positions = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Board pack settings"
        verbose_name_plural = "Board pack settings"

    def __str__(self) -> str:
        return "Board pack settings"

    @classmethod
    def load(cls) -> BoardPackSettings:
        """The settings row, or its defaults until an admin first saves them: reading never writes."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
