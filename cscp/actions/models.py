"""The one action tracker: every recommendation and action in the partnership, whatever raised it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cscp import limits
from cscp.limits import limited_text
from cscp.models import Agency, Group, Person, Priority, Theme


class Action(models.Model):
    """Every recommendation and action in the partnership, whatever raised it, tracked to a tested impact."""

    class Source(models.TextChoices):
        ESCALATION = "escalation", "Escalation"
        IMPACT_UPDATE = "impact_update", "Impact update"
        PRACTICE_REVIEW = "practice_review", "Practice review"
        SCRUTINY = "scrutiny", "Scrutiny learning event"
        AUDIT = "audit", "Audit"
        SECTION_11 = "section_11", "Section 11"
        INSPECTION = "inspection", "Inspection"
        OTHER = "other", "Other"

    class Stage(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"
        IMPACT_TESTED = "impact_tested", "Impact tested"
        CLOSED = "closed", "Closed"

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"

    class Difference(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=limits.LONG_TITLE)
    description = limited_text(limits.SHORT_TEXT, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.OTHER)
    source_reference = models.CharField(
        max_length=limits.LONG_TITLE, blank=True, help_text="For example, LCSPR Child T, recommendation 3"
    )
    source_url = models.CharField(max_length=limits.URL, blank=True)
    owner_group = models.ForeignKey(Group, on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    owner_person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    raised_on = models.DateField(default=timezone.localdate)
    raised_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_date = models.DateField()
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.OPEN)
    progress = models.CharField(max_length=20, choices=Progress.choices, default=Progress.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    # Who marked it complete: they may not also sign it off or record its impact (four eyes).
    completed_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    completion_evidence = limited_text(limits.NARRATIVE, blank=True)
    evidence_file = models.FileField(upload_to="actions/evidence/%Y/", blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    impact_tested_at = models.DateTimeField(null=True, blank=True)
    impact_tested_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    impact_finding = limited_text(limits.NARRATIVE, blank=True)
    made_difference = models.CharField(max_length=10, choices=Difference.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    themes = models.ManyToManyField(Theme, blank=True, related_name="actions")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(due_date__gte=models.F("raised_on")), name="action_due_after_raised"),
            models.CheckConstraint(
                condition=Q(owner_group__isnull=False) | Q(owner_agency__isnull=False), name="action_has_an_owner"
            ),
        ]
        indexes = [models.Index(fields=["stage", "due_date"])]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def source_text(self) -> str:
        """Where the action came from, in words: "Practice review: LCSPR Child T, recommendation 3". A reference
        that already names its kind ("Scrutiny learning event: neglect") is not preceded by it a second time."""
        kind = self.get_source_display()
        reference = self.source_reference.strip()
        if not reference:
            return kind
        if reference.casefold().startswith(kind.casefold()):
            return reference
        return f"{kind}: {reference}"


class ActionNote(models.Model):
    """A dated progress note on an action."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    noted_on = models.DateField(default=timezone.localdate)
    progress = models.CharField(max_length=20, choices=Action.Progress.choices, blank=True)
    text = limited_text(limits.COMMENT)

    class Meta:
        ordering = ["-noted_on", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Note on {self.action.reference}"
