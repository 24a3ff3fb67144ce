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

from cscp import limits
from cscp.limits import limited_text


class Partnership(models.Model):
    """The partnership's settings. There is one row; `Partnership.load()` returns it."""

    name = models.CharField(max_length=limits.TITLE, default="Safeguarding Children Partnership")
    short_name = models.CharField(max_length=limits.CODE, blank=True, help_text="For example, CSCP")
    service_name = models.CharField(
        max_length=limits.SHORT_TITLE,
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
        """The settings row, or its defaults until an admin first saves them: reading never writes (every page reads
        this for the header, and a GET must not change the database)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class District(models.Model):
    name = models.CharField(max_length=limits.SHORT_TITLE, unique=True)
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

    name = models.CharField(max_length=limits.TITLE, unique=True)
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

    name = models.CharField(max_length=limits.TITLE, unique=True)
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
    purpose = limited_text(limits.SHORT_TEXT, blank=True)
    meeting_cadence = models.CharField(
        max_length=limits.SHORT_TITLE, blank=True, help_text="For example, every two months"
    )
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
    title = models.CharField(max_length=limits.TITLE, blank=True)
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
    job_title = models.CharField(max_length=limits.TITLE, blank=True)
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

    # The people who lead the group: they write and submit its updates, raise its escalations and actions, and sign
    # off its actions. Every "chair or vice-chair" in the product is this set.
    CHAIR_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR})

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

    title = models.CharField(max_length=limits.TITLE)
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
    title = models.CharField(max_length=limits.TITLE)
    description = limited_text(limits.SHORT_TEXT, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name_plural = "priorities"
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="priority_number_unique_in_plan")]

    def __str__(self) -> str:
        return f"Priority {self.number}: {self.title}"


class Theme(models.Model):
    """A partnership-managed tag (neglect, child exploitation...): what lets evidence be triangulated."""

    name = models.CharField(max_length=limits.SHORT_TITLE, unique=True)
    description = limited_text(limits.SHORT_TEXT, blank=True)
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
    url = models.CharField(max_length=limits.URL, blank=True)
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
