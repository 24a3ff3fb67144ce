"""Who may read, write and review impact updates, and raise and decide escalations.

Predicates read the person's roles through `roles_of` (cached for the request) and the object's foreign-key
ids, never its related rows, so checking a page's worth of updates costs no queries.

- Read an update: its group's members and the oversight roles (admins, Board, Business Group, Scrutineer).
- Write it (sections, evidence, submit): its group's chair or vice-chair, and admins.
- Comment: anyone who may review it, and its group's chair or vice-chair (to answer a question).
- Ask for changes: Business Group members and admins. Acknowledge: Business Group members only, because the
  acknowledgement is the Business Group's own act.
- Read an escalation: the raising group's members and the oversight roles. Raise one: chairs and vice-chairs
  for their own groups, and admins. Record the Board's decision and the outcome: Board members and admins.
"""

from __future__ import annotations

import rules

from cscp.models import GroupMembership
from cscp.permissions import (
    can_read_partnership,
    is_board_member,
    is_business_group_member,
    is_partnership_admin,
    roles_of,
)

CHAIR_ROLES = frozenset({GroupMembership.Role.CHAIR, GroupMembership.Role.VICE_CHAIR})


def chaired_group_ids(user) -> set[int]:
    return {group_id for group_id, held in roles_of(user).group_roles.items() if held & CHAIR_ROLES}


@rules.predicate
def chairs_any_group(user) -> bool:
    return bool(chaired_group_ids(user))


@rules.predicate
def has_group_membership(user) -> bool:
    return bool(roles_of(user).group_roles)


@rules.predicate
def is_update_group_member(user, update) -> bool:
    return update is not None and update.group_id in roles_of(user).group_roles


@rules.predicate
def is_update_group_chair(user, update) -> bool:
    return update is not None and update.group_id in chaired_group_ids(user)


@rules.predicate
def is_raising_group_member(user, escalation) -> bool:
    return escalation is not None and escalation.raised_by_group_id in roles_of(user).group_roles


@rules.predicate
def is_raising_group_chair(user, escalation) -> bool:
    return escalation is not None and escalation.raised_by_group_id in chaired_group_ids(user)


@rules.predicate
def may_report_for_group(user, group) -> bool:
    """May write this group's impact update, or raise an escalation in its name."""
    return group is not None and (is_partnership_admin(user) or group.pk in chaired_group_ids(user))


can_view_update = is_update_group_member | can_read_partnership
can_change_update = is_update_group_chair | is_partnership_admin
can_review_update = is_business_group_member | is_partnership_admin
can_view_escalation = is_raising_group_member | can_read_partnership
can_decide_escalation = is_board_member | is_partnership_admin

# The update list and escalation list: anyone who belongs to a group, or reads across the partnership.
can_use_impact_pages = has_group_membership | can_read_partnership

rules.add_perm("cscp.manage_impact", is_partnership_admin)
rules.add_perm("cscp.view_impact_cycles", can_read_partnership)
rules.add_perm("cscp.view_impact_update", can_view_update)
rules.add_perm("cscp.change_impact_update", can_change_update)
rules.add_perm("cscp.comment_impact_update", can_review_update | is_update_group_chair)
rules.add_perm("cscp.request_impact_update_changes", can_review_update)
rules.add_perm("cscp.acknowledge_impact_update", is_business_group_member)
rules.add_perm("cscp.write_group_impact_update", may_report_for_group)
rules.add_perm("cscp.view_escalation", can_view_escalation)
rules.add_perm("cscp.raise_escalation", is_partnership_admin | chairs_any_group)
rules.add_perm("cscp.raise_escalation_for_group", may_report_for_group)
rules.add_perm("cscp.escalate_from_impact_update", can_change_update)
rules.add_perm("cscp.decide_escalation", can_decide_escalation)
