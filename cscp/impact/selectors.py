"""Reads for impact updates and escalations, already scoped to what the person may see.

Other parts of the product build on these (the Board pack, reminders): keep the names and what they return.

An update row exists only once a chair has started it, so "who is due to report" is a question about the
cycle's groups, not about update rows. `late_updates` and `updates_due_between` therefore answer with
`DueUpdate`s: the cycle, the group and its update (None when not started), so a reminder can reach the chair
of a group that has not begun.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from cscp.impact import guards
from cscp.impact import status as st
from cscp.impact.models import (
    Escalation,
    EscalationDecision,
    ImpactTemplateSection,
    ImpactUpdate,
    ImpactUpdateAnswer,
    ImpactUpdateComment,
    ReportingCycle,
)
from cscp.impact.status import SUBMITTED_STATUSES  # noqa: F401 - the Board pack reads it from here
from cscp.models import Group, Meeting
from cscp.permissions import can_read_partnership, roles_of

# The statuses in which an escalation waits for the Board to decide it (see `awaiting_board_decision`).
AWAITING_BOARD_STATUSES = (st.AWAITING_DECISION,)

# The kinds of group that report to the Business Group and Board through impact updates.
REPORTING_KINDS = (Group.Kind.SUBGROUP, Group.Kind.ASG, Group.Kind.PROGRAMME)


def is_update_late(update: ImpactUpdate | None, cycle: ReportingCycle, today: datetime.date | None = None) -> bool:
    """Late means not submitted by the due date: still unsubmitted after it, or first submitted after it."""
    today = today or timezone.localdate()
    if update is None or update.submitted_at is None:
        return today > cycle.due_date
    return timezone.localdate(update.submitted_at) > cycle.due_date


def update_status(update: ImpactUpdate | None, cycle: ReportingCycle, today: datetime.date | None = None) -> str:
    """What a group's status tag shows, one of `status.STATUSES`."""
    return st.displayed(
        status=update.status if update is not None else None,
        submitted=update is not None and update.submitted_at is not None,
        due_date=cycle.due_date,
        today=today or timezone.localdate(),
    )


def update_status_label(update: ImpactUpdate | None, cycle: ReportingCycle, today: datetime.date | None = None) -> str:
    """The words on a group's status tag: Not started, Draft, Submitted, Changes requested, Acknowledged or Late."""
    return st.label(update_status(update, cycle, today))


@dataclass(frozen=True)
class DueUpdate:
    """A group due to report in a cycle, with its update if it has one."""

    cycle: ReportingCycle
    group: Group
    update: ImpactUpdate | None
    today: datetime.date

    @property
    def status(self) -> str:
        return update_status(self.update, self.cycle, self.today)

    @property
    def status_label(self) -> str:
        return st.label(self.status)

    @property
    def tag(self) -> st.StatusTag:
        return st.tag(self.status)

    @property
    def is_late(self) -> bool:
        return is_update_late(self.update, self.cycle, self.today)

    @property
    def is_submitted(self) -> bool:
        return self.update is not None and self.update.status in SUBMITTED_STATUSES

    @property
    def is_editable(self) -> bool:
        """Not started, or started and open to changes: the chair's button continues it."""
        return self.update is None or not guards.update_edit_blocked(self.update)

    @property
    def edit_url(self) -> str:
        """Where the group's chair writes (or starts) the update."""
        return reverse("impact:update-edit", args=[self.cycle.pk, self.group.pk])

    @property
    def url(self) -> str:
        """The update itself once it exists, otherwise the page that starts it."""
        if self.update is not None:
            return reverse("impact:update-detail", args=[self.update.pk])
        return self.edit_url


def _update_queryset() -> QuerySet[ImpactUpdate]:
    return ImpactUpdate.objects.select_related(
        "group", "cycle", "cycle__board_meeting", "submitted_by", "acknowledged_by", "updated_by"
    )


def due_updates_for_cycles(cycles, *, group_ids=None, today: datetime.date | None = None) -> list[DueUpdate]:
    """Every group due to report in each of these cycles (only `group_ids` when given), with its update, in two
    queries after the cycles. In the cycles' order, then by group name."""
    today = today or timezone.localdate()
    cycles = list(cycles)
    if not cycles:
        return []
    through = ReportingCycle.groups.through
    pairs = through.objects.filter(reportingcycle_id__in=[c.pk for c in cycles]).select_related("group")
    updates = _update_queryset().filter(cycle_id__in=[c.pk for c in cycles])
    if group_ids is not None:
        pairs = pairs.filter(group_id__in=list(group_ids))
        updates = updates.filter(group_id__in=list(group_ids))
    position = {c.pk: n for n, c in enumerate(cycles)}
    pairs = sorted(pairs, key=lambda pair: (position[pair.reportingcycle_id], pair.group.name, pair.group_id))
    updates = {(u.cycle_id, u.group_id): u for u in updates}
    by_pk = {c.pk: c for c in cycles}
    return [
        DueUpdate(
            cycle=by_pk[pair.reportingcycle_id],
            group=pair.group,
            update=updates.get((pair.reportingcycle_id, pair.group_id)),
            today=today,
        )
        for pair in pairs
    ]


def updates_for_cycle(cycle: ReportingCycle) -> QuerySet[ImpactUpdate]:
    """The cycle's updates that exist, each with its group, answers (with their sections) and comments."""
    return (
        _update_queryset()
        .filter(cycle=cycle)
        .prefetch_related(
            Prefetch("answers", queryset=ImpactUpdateAnswer.objects.select_related("section")),
            Prefetch("comments", queryset=ImpactUpdateComment.objects.select_related("author")),
            "evidence_links",
        )
        .order_by("group__name")
    )


def late_updates(today: datetime.date) -> list[DueUpdate]:
    """Groups of active groups whose update was due before `today` and has not been submitted (including
    groups that have not started one)."""
    cycles = ReportingCycle.objects.filter(due_date__lt=today).select_related("board_meeting", "business_meeting")
    return [due for due in due_updates_for_cycles(cycles, today=today) if due.group.is_active and not due.is_submitted]


def updates_due_between(start: datetime.date, end: datetime.date) -> list[DueUpdate]:
    """Groups of active groups whose update is due between `start` and `end` (inclusive) and has not yet been
    submitted: the people to remind before the deadline."""
    cycles = ReportingCycle.objects.filter(due_date__gte=start, due_date__lte=end).select_related(
        "board_meeting", "business_meeting"
    )
    return [due for due in due_updates_for_cycles(cycles, today=start) if due.group.is_active and not due.is_submitted]


def updates_visible_to(user) -> QuerySet[ImpactUpdate]:
    """Its group's members read an update; the Business Group, Board, admins and the Scrutineer read them all."""
    updates = _update_queryset()
    if can_read_partnership(user):
        return updates
    return updates.filter(group_id__in=roles_of(user).group_ids)


def group_updates(group: Group) -> QuerySet[ImpactUpdate]:
    """A group's updates, newest cycle first."""
    return _update_queryset().filter(group=group).order_by("-cycle__due_date", "-pk")


def active_sections() -> QuerySet[ImpactTemplateSection]:
    return ImpactTemplateSection.objects.filter(is_active=True).order_by("order", "pk")


def sections_for_update(update: ImpactUpdate) -> list[ImpactTemplateSection]:
    """The sections an update answers. While it is being written, the template as it is today; once submitted,
    the sections it answered then, so an old update reads the same after the template changes."""
    if update.status in st.EDITABLE:
        return list(active_sections())
    answered = ImpactUpdateAnswer.objects.filter(update=update).values("section_id")
    return list(ImpactTemplateSection.objects.filter(pk__in=answered).order_by("order", "pk"))


def escalation_section_text(update: ImpactUpdate) -> str:
    """The update's answer to the template's escalation section (`is_escalation`), "" when it has none or the answer
    says there is nothing to escalate ("None this cycle.")."""
    answer = (
        ImpactUpdateAnswer.objects.filter(update=update, section__is_escalation=True)
        .order_by("-section__is_active", "section__order", "section__pk")
        .first()
    )
    if answer is None or st.says_nothing_to_escalate(answer.text):
        return ""
    return answer.text


def section_task_statuses(update: ImpactUpdate, answers: dict[int, str]) -> dict[int, str]:
    """Each section's task status (`status.TASK_*`): not started (no text), in progress (saved to come back later) or
    completed."""
    complete = dict(ImpactUpdateAnswer.objects.filter(update=update).values_list("section_id", "is_complete"))
    statuses = {}
    for section_id, text in answers.items():
        if not text:
            statuses[section_id] = st.TASK_NOT_STARTED
        elif complete.get(section_id, False):
            statuses[section_id] = st.TASK_COMPLETED
        else:
            statuses[section_id] = st.TASK_IN_PROGRESS
    return statuses


def current_cycle(today: datetime.date | None = None) -> ReportingCycle | None:
    """The cycle people are working on: the next one whose Board meeting has not yet happened, else the latest."""
    today = today or timezone.localdate()
    cycles = ReportingCycle.objects.select_related("board_meeting", "business_meeting")
    return (
        cycles.filter(board_meeting__date__gte=today).order_by("board_meeting__date", "pk").first()
        or cycles.order_by("-board_meeting__date", "-pk").first()
    )


# Escalations.


def _escalation_queryset() -> QuerySet[Escalation]:
    return Escalation.objects.select_related("raised_by_group", "raised_by", "board_meeting", "board_meeting__group")


def _open_first(queryset: QuerySet[Escalation]) -> QuerySet[Escalation]:
    return queryset.annotate(
        _closed=Case(
            When(status=Escalation.Status.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    ).order_by("_closed", "-raised_at", "-pk")


def open_escalations() -> QuerySet[Escalation]:
    """Escalations whose outcome has not been recorded, oldest first, with the raising group."""
    return (
        _escalation_queryset()
        .exclude(status=Escalation.Status.CLOSED)
        .prefetch_related("themes")
        .order_by("raised_at", "pk")
    )


def escalations_awaiting_decision() -> QuerySet[Escalation]:
    return _escalation_queryset().filter(status=Escalation.Status.AWAITING_DECISION).order_by("raised_at", "pk")


def awaiting_board_decision(meeting: Meeting) -> QuerySet[Escalation]:
    """What the Board is asked to decide at this meeting (the Board pack reads it): every escalation awaiting a
    decision that was taken to this meeting or deferred to it, one taken to an earlier meeting that has not yet
    minuted it, and one for "the next meeting that can take it" raised by the meeting's day. An escalation deferred
    to a later meeting waits for that one. Oldest first, with the raising group and the meeting."""
    return (
        _escalation_queryset()
        .filter(status__in=AWAITING_BOARD_STATUSES)
        .filter(
            Q(board_meeting__date__lte=meeting.date, board_meeting__group__kind=Group.Kind.BOARD)
            | Q(board_meeting__isnull=True, raised_at__date__lte=meeting.date)
        )
        .order_by("raised_at", "pk")
    )


def escalation_decisions(escalation: Escalation) -> QuerySet[EscalationDecision]:
    """The Board's minutes on an escalation, oldest first, with the meetings and groups they name."""
    return EscalationDecision.objects.filter(escalation=escalation).select_related(
        "meeting", "deferred_to", "referred_to", "recorded_by"
    )


def escalations_visible_to(user) -> QuerySet[Escalation]:
    """The raising group's members see its escalations; the Board, Business Group, admins and Scrutineer see all.
    Open ones come first."""
    escalations = _escalation_queryset()
    if not can_read_partnership(user):
        escalations = escalations.filter(raised_by_group_id__in=roles_of(user).group_ids)
    return _open_first(escalations)
