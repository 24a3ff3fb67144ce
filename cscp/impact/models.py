"""Impact updates in the agreed template, the reporting cycles that ask for them, and escalations to the Board.

Impact updates and escalations sit above the action tracker: an update lists the group's actions and an escalation
keeps the actions raised from it, through relations declared here, so the tracker knows nothing of either.
"""

from __future__ import annotations

import re

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cscp import limits
from cscp.impact import status as st
from cscp.limits import limited_text
from cscp.models import Group, Meeting, Person, Priority, Theme


class ImpactTemplateSection(models.Model):
    """A section of the agreed impact template that every group's update answers."""

    title = models.CharField(max_length=limits.TITLE)
    hint = limited_text(
        limits.SHORT_TEXT, blank=True, help_text="Shown under the section's title to the person writing it"
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_required = models.BooleanField("required", default=True)
    is_active = models.BooleanField("active", default=True)
    # At most one active section is (impact_section_create and _update keep it so): an escalation raised from an
    # update starts from its answer.
    is_escalation = models.BooleanField(
        "escalation section", default=False, help_text="Answers to this section are matters to escalate to the Board"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class ReportingCycle(models.Model):
    """One round of impact updates, tied to the Board meeting (and Business Group meeting) that reads them."""

    title = models.CharField(max_length=limits.TITLE)
    board_meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="reporting_cycle")
    business_meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="business_reporting_cycles"
    )
    due_date = models.DateField(help_text="Updates are due by this date")
    groups = models.ManyToManyField(Group, related_name="reporting_cycles", help_text="The groups that must report")
    history = HistoricalRecords(m2m_fields=[groups])

    class Meta:
        ordering = ["-due_date"]

    def __str__(self) -> str:
        return self.title

    @property
    def update_title(self) -> str:
        """What one group's update in this cycle is called, on its pages and in emails: "Impact update for the
        Board, December 2026" from a cycle titled "Impact updates for the Board, December 2026" (never "Impact
        update for Impact updates for..."), and "Impact update for Spring 2027" from "Spring 2027"."""
        title = self.title.strip()
        named = re.match(r"impact updates?\b", title, re.IGNORECASE)
        if named:
            return f"Impact update{title[named.end() :]}"
        return f"Impact update for {title}"


class ImpactUpdate(models.Model):
    class Status(models.TextChoices):
        # Values, words and tag colours live in cscp.impact.status.
        DRAFT = st.DRAFT, st.LABELS[st.DRAFT]
        SUBMITTED = st.SUBMITTED, st.LABELS[st.SUBMITTED]
        CHANGES_REQUESTED = st.CHANGES_REQUESTED, st.LABELS[st.CHANGES_REQUESTED]
        ACKNOWLEDGED = st.ACKNOWLEDGED, st.LABELS[st.ACKNOWLEDGED]

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="impact_updates")
    cycle = models.ForeignKey(ReportingCycle, on_delete=models.PROTECT, related_name="updates")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Raised on every save: an edit made from an older version is refused, so concurrent edits by the chair and
    # vice-chair never silently overwrite each other.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actions = models.ManyToManyField("actions.Action", blank=True, related_name="impact_updates")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-cycle__due_date", "group__name"]
        constraints = [models.UniqueConstraint(fields=["group", "cycle"], name="one_update_per_group_per_cycle")]

    def __str__(self) -> str:
        return f"{self.group} – {self.cycle}"


class ImpactUpdateAnswer(models.Model):
    update = models.ForeignKey(ImpactUpdate, on_delete=models.CASCADE, related_name="answers")
    section = models.ForeignKey(ImpactTemplateSection, on_delete=models.PROTECT, related_name="answers")
    text = limited_text(limits.NARRATIVE, blank=True)
    # False while the writer chose "Save and come back later": the task list shows the section as in progress.
    is_complete = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["section__order", "section__pk"]
        constraints = [models.UniqueConstraint(fields=["update", "section"], name="one_answer_per_section")]

    def __str__(self) -> str:
        return f"{self.update}: {self.section}"


class EvidenceLink(models.Model):
    """A link from an impact update to evidence elsewhere in the product (an indicator, an audit...)."""

    update = models.ForeignKey(ImpactUpdate, on_delete=models.CASCADE, related_name="evidence_links")
    kind = models.CharField(max_length=50, help_text="What it is, e.g. indicator, audit")
    title = models.CharField(max_length=limits.LONG_TITLE)
    url = models.CharField(max_length=limits.URL)

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class ImpactUpdateComment(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"

    update = models.ForeignKey(ImpactUpdate, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    text = limited_text(limits.COMMENT)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author}"


class DecisionKind(models.TextChoices):
    # Values and words live in cscp.impact.status.
    AGREED = st.AGREED, st.DECISION_LABELS[st.AGREED]
    DECLINED = st.DECLINED, st.DECISION_LABELS[st.DECLINED]
    DEFERRED = st.DEFERRED, st.DECISION_LABELS[st.DEFERRED]
    REFERRED = st.REFERRED, st.DECISION_LABELS[st.REFERRED]


class Escalation(models.Model):
    class Source(models.TextChoices):
        IMPACT_UPDATE = "impact_update", "Impact update"
        INDICATOR = "indicator", "Performance indicator"
        DIRECT = "direct", "Raised directly"

    class Status(models.TextChoices):
        AWAITING_DECISION = st.AWAITING_DECISION, st.ESCALATION_LABELS[st.AWAITING_DECISION]
        DECIDED = st.DECIDED, st.ESCALATION_LABELS[st.DECIDED]
        CLOSED = st.CLOSED, st.ESCALATION_LABELS[st.CLOSED]

    title = models.CharField(max_length=limits.LONG_TITLE)
    concern = limited_text(limits.NARRATIVE)
    evidence = limited_text(limits.NARRATIVE)
    ask = limited_text(limits.SHORT_TEXT, "what is asked of the Board")
    raised_by_group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="escalations")
    raised_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.DIRECT)
    source_label = models.CharField(max_length=limits.LONG_TITLE, blank=True)
    source_url = models.CharField(max_length=limits.URL, blank=True)
    impact_update = models.ForeignKey(
        ImpactUpdate, on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    board_meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_DECISION)
    # The Board's decision (agreed, declined or referred; a deferral is only minuted, in `decisions`), with its
    # rationale in `decision`.
    decision_kind = models.CharField(max_length=20, choices=DecisionKind.choices, blank=True)
    referred_to = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="referred_escalations"
    )
    decision = limited_text(limits.NARRATIVE, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome = limited_text(limits.NARRATIVE, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    themes = models.ManyToManyField(Theme, blank=True, related_name="escalations")
    # The actions raised from this escalation (one escalation each: `escalation_raise_action` keeps it so).
    actions = models.ManyToManyField("actions.Action", blank=True, related_name="escalations")
    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def tag(self) -> st.StatusTag:
        return st.escalation_tag(self.status)


class EscalationDecision(models.Model):
    """The Board's minute on an escalation at one of its meetings: what it decided and why. An escalation deferred
    to a later meeting has one minute for each meeting that considered it."""

    Kind = DecisionKind

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="escalation_decisions")
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    rationale = limited_text(limits.NARRATIVE)
    deferred_to = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    referred_to = models.ForeignKey(Group, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.escalation}"
