"""The partnership core: who belongs to the partnership, in which groups and agencies, in which role.

Roles are never flags on a person: they come from memberships (person × group × role and
person × agency × role) with start and end dates, so the history of who held what is kept.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Partnership(models.Model):
    """The partnership's settings. There is one row; `Partnership.load()` returns it."""

    name = models.CharField(max_length=200, default="Safeguarding Children Partnership")
    short_name = models.CharField(max_length=30, blank=True, help_text="For example, CSCP")
    service_name = models.CharField(
        max_length=100,
        default="Partnership Assurance",
        help_text="Shown in the header of every page",
    )
    contact_email = models.EmailField(blank=True, help_text="Where people write about the service")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "partnership settings"
        verbose_name_plural = "partnership settings"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> Partnership:
        partnership, _ = cls.objects.get_or_create(pk=1)
        return partnership


class District(models.Model):
    name = models.CharField(max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    class Sector(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        PROBATION = "probation", "Probation and justice"
        HOUSING = "housing", "Housing"
        VOLUNTARY = "voluntary", "Voluntary and community sector"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    sector = models.CharField(max_length=30, choices=Sector.choices)
    is_active = models.BooleanField("active", default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cscp:agency-detail", args=[self.pk])


class Group(models.Model):
    class Kind(models.TextChoices):
        BOARD = "board", "Board"
        BUSINESS = "business", "Business Group"
        SUBGROUP = "subgroup", "Subgroup"
        ASG = "asg", "Area Safeguarding Group"
        FORUM = "forum", "Practitioner Forum"
        PROGRAMME = "programme", "Programme board"
        TEAM = "team", "Partnership team"
        SCRUTINY = "scrutiny", "Independent scrutiny"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The group this group reports to",
    )
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="groups")
    purpose = models.TextField(blank=True)
    meeting_cadence = models.CharField(max_length=100, blank=True, help_text="For example, every two months")
    is_active = models.BooleanField("active", default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cscp:group-detail", args=[self.pk])


class Meeting(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["group", "date"], name="one_meeting_per_group_per_day")]

    def __str__(self) -> str:
        return self.title or f"{self.group} meeting"


class PersonManager(UserManager):
    def get_by_natural_key(self, username):
        # Sign-in names are matched without regard to case: "Chair" and "chair" are one person.
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class Person(AbstractUser):
    """Someone who can sign in. Deactivated, never deleted, so their history stays readable."""

    email = models.EmailField("email address", unique=True)
    job_title = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    objects = PersonManager()

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        return reverse("cscp:person-detail", args=[self.pk])


def current_q(on: datetime.date | None = None, prefix: str = "") -> Q:
    """Memberships in force on a day: started on or before it, and not ended before it."""
    on = on or timezone.localdate()
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})
    )


class MembershipQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        return self.filter(current_q(on))


class GroupMembership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        OFFICER = "officer", "Officer"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="group_memberships")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["group__name", "role", "person__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="group_membership_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()}, {self.group}"


class AgencyMembership(models.Model):
    class Role(models.TextChoices):
        SECTION_11_LEAD = "s11_lead", "Section 11 lead"
        DATA_OFFICER = "data_officer", "Data officer"
        AUDITOR = "auditor", "Auditor"
        SAFEGUARDING_LEAD = "safeguarding_lead", "Designated safeguarding lead"
        STAFF = "staff", "Staff member"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="agency_memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.STAFF)
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "role", "person__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="agency_membership_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()}, {self.agency}"


class BusinessPlan(models.Model):
    """The Board's two-year business plan, which carries its priorities."""

    title = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="plan_ends_after_it_starts")
        ]

    def __str__(self) -> str:
        return self.title


class Priority(models.Model):
    plan = models.ForeignKey(BusinessPlan, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name_plural = "priorities"
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="priority_number_unique_in_plan")]

    def __str__(self) -> str:
        return f"Priority {self.number}: {self.title}"


class Theme(models.Model):
    """A partnership-managed tag (neglect, child exploitation...): what lets evidence be triangulated."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField("active", default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """A workflow transition or a sign-in: who, when, what, from where. Written once, never edited."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # A dotted code, e.g. "cscp.person.invited" or "cscp.auth.signed_in".
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    message = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class Notification(models.Model):
    """A message in the product, shown to its recipient until read."""

    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The reminder's key where it came from one, so each reminder reaches a person once.
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


class OutboxEmail(models.Model):
    """An email waiting to be sent, written in the same transaction as what caused it.

    The unique key makes each reminder go once; `sent_at` is set when it has gone. A beat task sends
    whatever is pending, so nothing is lost while the broker or the worker is down.
    """

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


# The governance cycle: impact updates, escalations and the one action tracker.


class ImpactTemplateSection(models.Model):
    """A section of the agreed impact template that every group's update answers."""

    title = models.CharField(max_length=200)
    hint = models.TextField(blank=True, help_text="Shown under the section's title to the person writing it")
    order = models.PositiveSmallIntegerField(default=0)
    is_required = models.BooleanField("required", default=True)
    is_active = models.BooleanField("active", default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class ReportingCycle(models.Model):
    """One round of impact updates, tied to the Board meeting (and Business Group meeting) that reads them."""

    title = models.CharField(max_length=200)
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


class ImpactUpdate(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"

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
    actions = models.ManyToManyField("Action", blank=True, related_name="impact_updates")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-cycle__due_date", "group__name"]
        constraints = [models.UniqueConstraint(fields=["group", "cycle"], name="one_update_per_group_per_cycle")]

    def __str__(self) -> str:
        return f"{self.group} – {self.cycle}"


class ImpactUpdateAnswer(models.Model):
    update = models.ForeignKey(ImpactUpdate, on_delete=models.CASCADE, related_name="answers")
    section = models.ForeignKey(ImpactTemplateSection, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(blank=True)
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
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500)

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
    text = models.TextField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author}"


class Escalation(models.Model):
    class Source(models.TextChoices):
        IMPACT_UPDATE = "impact_update", "Impact update"
        INDICATOR = "indicator", "Performance indicator"
        DIRECT = "direct", "Raised directly"

    class Status(models.TextChoices):
        AWAITING_DECISION = "awaiting_decision", "Awaiting Board decision"
        DECIDED = "decided", "Decided, outcome awaited"
        CLOSED = "closed", "Outcome recorded"

    title = models.CharField(max_length=300)
    concern = models.TextField()
    evidence = models.TextField()
    ask = models.TextField("what is asked of the Board")
    raised_by_group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="escalations")
    raised_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.DIRECT)
    source_label = models.CharField(max_length=300, blank=True)
    source_url = models.CharField(max_length=500, blank=True)
    impact_update = models.ForeignKey(
        ImpactUpdate, on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    board_meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_DECISION)
    decision = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome = models.TextField(blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    themes = models.ManyToManyField(Theme, blank=True, related_name="escalations")
    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return self.title


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
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.OTHER)
    source_reference = models.CharField(
        max_length=300, blank=True, help_text="For example, LCSPR Child T, recommendation 3"
    )
    source_url = models.CharField(max_length=500, blank=True)
    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    owner_group = models.ForeignKey(Group, on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    owner_person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    raised_on = models.DateField(default=timezone.localdate)
    raised_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_date = models.DateField()
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.OPEN)
    progress = models.CharField(max_length=20, choices=Progress.choices, default=Progress.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    completion_evidence = models.TextField(blank=True)
    evidence_file = models.FileField(upload_to="actions/evidence/%Y/", blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    impact_tested_at = models.DateTimeField(null=True, blank=True)
    impact_tested_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    impact_finding = models.TextField(blank=True)
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


class ActionNote(models.Model):
    """A dated progress note on an action."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    noted_on = models.DateField(default=timezone.localdate)
    progress = models.CharField(max_length=20, choices=Action.Progress.choices, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["-noted_on", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Note on {self.action.reference}"


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
