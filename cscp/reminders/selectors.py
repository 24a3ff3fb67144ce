"""Who reminders go to: the people holding a role today, read for many groups in one query.

What the reminders are about is read through the selectors of cscp.actions and cscp.impact, so "due", "late" and
"overdue" mean the same in a reminder as on the page it links to.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from cscp.models import Group, GroupMembership, Meeting, Person, current_q

CHAIR_ROLES = (GroupMembership.Role.CHAIR, GroupMembership.Role.VICE_CHAIR)


def _people_by_group(
    group_ids: Iterable[int], today: datetime.date, roles: Iterable[str] | None = None
) -> dict[int, list[Person]]:
    """People with a membership in force today, by group. Deactivated people are left out: they cannot act."""
    group_ids = set(group_ids)
    if not group_ids:
        return {}
    memberships = GroupMembership.objects.filter(current_q(today), group_id__in=group_ids, person__is_active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    found: dict[int, dict[int, Person]] = defaultdict(dict)
    for membership in memberships.select_related("person").order_by("person_id"):
        found[membership.group_id][membership.person_id] = membership.person
    return {group_id: list(people.values()) for group_id, people in found.items()}


def chairs_by_group(group_ids: Iterable[int], today: datetime.date) -> dict[int, list[Person]]:
    """The chair and vice-chair of each group today."""
    return _people_by_group(group_ids, today, CHAIR_ROLES)


def members_by_group(group_ids: Iterable[int], today: datetime.date) -> dict[int, list[Person]]:
    return _people_by_group(group_ids, today)


def next_board_meeting(today: datetime.date) -> Meeting | None:
    """The first Board meeting on or after today: where an escalation with no meeting of its own will go."""
    return (
        Meeting.objects.filter(group__kind=Group.Kind.BOARD, group__is_active=True, date__gte=today)
        .order_by("date", "pk")
        .first()
    )
