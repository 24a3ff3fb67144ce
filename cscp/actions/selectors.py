"""Reads for the action tracker, already scoped to what the person may see.

`with_status` annotates each action with its derived status (the rules of `cscp.actions.status`, in SQL) and a
rank to sort by, so a tracker of thousands of actions filters and sorts on status in the database.
"""

from __future__ import annotations

import datetime

from django.db.models import Case, CharField, Count, F, IntegerField, Q, QuerySet, Value, When

from cscp.actions import status as st
from cscp.actions.models import Action
from cscp.models import Agency, Group, Person
from cscp.permissions import can_read_partnership, chaired_group_ids, roles_of

OPEN = Action.Stage.OPEN


def status_expression(today: datetime.date) -> Case:
    """The rules of `status.status_for`, in the same order."""
    return Case(
        When(stage=st.COMPLETED, signed_off_at__isnull=False, then=Value(st.SIGNED_OFF)),
        When(~Q(stage=OPEN), then=F("stage")),
        When(due_date__lt=today, then=Value(st.OVERDUE)),
        When(progress=st.AT_RISK, then=Value(st.AT_RISK)),
        When(progress=st.NOT_STARTED, due_date__lte=st.at_risk_from(today), then=Value(st.AT_RISK)),
        default=F("progress"),
        output_field=CharField(),
    )


def status_rank_expression(today: datetime.date) -> Case:
    """The position of each action's status in `status.STATUSES` (most pressing first)."""
    rank = {status: n for n, status in enumerate(st.STATUSES)}
    stage_rank = [When(stage=stage, then=Value(rank[stage])) for stage in (st.COMPLETED, st.IMPACT_TESTED, st.CLOSED)]
    return Case(
        When(stage=st.COMPLETED, signed_off_at__isnull=False, then=Value(rank[st.SIGNED_OFF])),
        *stage_rank,
        When(due_date__lt=today, then=Value(rank[st.OVERDUE])),
        When(progress=st.AT_RISK, then=Value(rank[st.AT_RISK])),
        When(progress=st.NOT_STARTED, due_date__lte=st.at_risk_from(today), then=Value(rank[st.AT_RISK])),
        When(progress=st.NOT_STARTED, then=Value(rank[st.NOT_STARTED])),
        default=Value(rank[st.ON_TRACK]),
        output_field=IntegerField(),
    )


def with_status(queryset: QuerySet[Action], today: datetime.date) -> QuerySet[Action]:
    """Each action with `status` (one of status.STATUSES) and `status_rank` (0 = overdue ... 7 = closed)."""
    return queryset.annotate(status=status_expression(today), status_rank=status_rank_expression(today))


def with_owners(queryset: QuerySet[Action]) -> QuerySet[Action]:
    return queryset.select_related("owner_group", "owner_agency", "owner_person")


def actions_visible_to(user) -> QuerySet[Action]:
    """Every action the oversight roles may read; for others, their groups', their agencies' and their own."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Action.objects.none()
    if can_read_partnership(user):
        return Action.objects.all()
    roles = roles_of(user)
    return Action.objects.filter(
        Q(owner_group_id__in=roles.group_ids) | Q(owner_agency_id__in=roles.agency_ids) | Q(owner_person=user)
    )


def may_see_some_actions(user) -> bool:
    """Whether the tracker is any use to this person. Costs a query only for someone with no membership at all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if can_read_partnership(user):
        return True
    roles = roles_of(user)
    if roles.group_roles or roles.agency_roles:
        return True
    return Action.objects.filter(owner_person=user).exists()


def actions_for_group(group: Group) -> QuerySet[Action]:
    return Action.objects.filter(owner_group=group)


def actions_for_agency(agency: Agency) -> QuerySet[Action]:
    return Action.objects.filter(owner_agency=agency)


def actions_for_person(person: Person) -> QuerySet[Action]:
    """The actions this person is named as owner of ("my actions")."""
    return Action.objects.filter(owner_person=person)


def open_actions(queryset: QuerySet[Action] | None = None) -> QuerySet[Action]:
    queryset = Action.objects.all() if queryset is None else queryset
    return queryset.filter(stage=OPEN)


def overdue_and_at_risk(today: datetime.date, queryset: QuerySet[Action] | None = None) -> QuerySet[Action]:
    """Open actions that are overdue or at risk on this day, most pressing first, with their owners and status:
    what the Board pack reports."""
    actions = with_status(with_owners(open_actions(queryset)), today)
    return actions.filter(status__in=(st.OVERDUE, st.AT_RISK)).order_by("status_rank", "due_date", "pk")


def actions_due_between(
    start: datetime.date, end: datetime.date, queryset: QuerySet[Action] | None = None
) -> QuerySet[Action]:
    """Open actions due on a day from `start` to `end` inclusive, with their owners: what reminders are sent about."""
    return with_owners(open_actions(queryset)).filter(due_date__gte=start, due_date__lte=end).order_by("due_date", "pk")


def action_counts(queryset: QuerySet[Action], today: datetime.date) -> dict[str, int]:
    """How many actions have each status (every status present, zero where none), in one query."""
    counted = dict(with_status(queryset.order_by(), today).values_list("status").annotate(n=Count("pk")))
    return {status: counted.get(status, 0) for status in st.STATUSES}


def chaired_groups_overdue_and_at_risk(user, today: datetime.date) -> QuerySet[Action]:
    return overdue_and_at_risk(today, Action.objects.filter(owner_group_id__in=chaired_group_ids(user)))
