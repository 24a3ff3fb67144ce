"""Reads for the partnership core, already scoped to what the person may see."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cscp.models import Agency, AgencyMembership, Group, GroupMembership, Notification, Person, current_q
from cscp.permissions import can_read_partnership, roles_of


def groups_visible_to(user) -> QuerySet[Group]:
    if can_read_partnership(user):
        return Group.objects.all()
    return Group.objects.filter(pk__in=roles_of(user).group_ids)


def agencies_visible_to(user) -> QuerySet[Agency]:
    if can_read_partnership(user):
        return Agency.objects.all()
    return Agency.objects.filter(pk__in=roles_of(user).agency_ids)


def current_group_memberships(person: Person) -> QuerySet[GroupMembership]:
    return (
        GroupMembership.objects.filter(current_q(), person=person, group__is_active=True)
        .select_related("group", "group__parent")
        .order_by("group__name", "role")
    )


def current_agency_memberships(person: Person) -> QuerySet[AgencyMembership]:
    return AgencyMembership.objects.filter(current_q(), person=person).select_related("agency").order_by("agency__name")


def group_members(group: Group, *, include_past: bool = False) -> QuerySet[GroupMembership]:
    memberships = group.memberships.select_related("person")
    if not include_past:
        memberships = memberships.filter(current_q())
    return memberships.order_by("role", "person__first_name", "person__last_name")


def groups_with_current_members() -> QuerySet[Group]:
    """Every group with its members in force today: for the membership report, in a fixed number of queries."""
    current = (
        GroupMembership.objects.filter(current_q()).select_related("person").order_by("role", "person__first_name")
    )
    return (
        Group.objects.filter(is_active=True)
        .select_related("parent", "district")
        .prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_memberships"))
        .order_by("kind", "name")
    )


def people_without_memberships_q() -> Q:
    """Active people who have set their password but are in no group or agency today: they can sign in and find
    nothing to do."""
    in_group = GroupMembership.objects.filter(current_q(), person=OuterRef("pk"))
    in_agency = AgencyMembership.objects.filter(current_q(), person=OuterRef("pk"))
    return (
        Q(is_active=True) & ~Q(password__startswith=UNUSABLE_PASSWORD_PREFIX) & ~Exists(in_group) & ~Exists(in_agency)
    )


def unread_notifications(person: Person) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=person, read_at__isnull=True)


def group_descendant_ids(group: Group) -> set[int]:
    """Every group that reports to this one, directly or through others (one query for the whole tree)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Group.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    found: set[int] = set()
    waiting = [group.pk]
    while waiting:
        for child in children[waiting.pop()]:
            if child not in found:
                found.add(child)
                waiting.append(child)
    return found


def people_by_group(
    group_ids: Iterable[int], *, on: datetime.date | None = None, roles: Iterable[str] | None = None
) -> dict[int, list[Person]]:
    """People with a membership in force on a day (today by default), by group, in one query; only `roles` when
    given. Deactivated people are left out: they cannot act."""
    group_ids = set(group_ids)
    if not group_ids:
        return {}
    memberships = GroupMembership.objects.filter(
        current_q(on or timezone.localdate()), group_id__in=group_ids, person__is_active=True
    )
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    found: dict[int, dict[int, Person]] = defaultdict(dict)
    for membership in memberships.select_related("person").order_by("person_id"):
        found[membership.group_id][membership.person_id] = membership.person
    return {group_id: list(people.values()) for group_id, people in found.items()}


def chairs_by_group(group_ids: Iterable[int], *, on: datetime.date | None = None) -> dict[int, list[Person]]:
    """The chair and vice-chair (GroupMembership.CHAIR_ROLES) of each group, in one query."""
    return people_by_group(group_ids, on=on, roles=GroupMembership.CHAIR_ROLES)


def chairs_of(group: Group | int | None) -> list[Person]:
    """A group's chair and vice-chair today, by person id."""
    if group is None:
        return []
    group_id = group if isinstance(group, int) else group.pk
    return chairs_by_group([group_id]).get(group_id, [])
