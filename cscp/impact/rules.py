"""Who may read, write and review impact updates, and raise and decide escalations.

Predicates read the person's roles through `roles_of` (cached for the request) and the object's foreign-key
ids, never its related rows, so checking a page's worth of updates costs no queries.

- Read an update: its group's members and the oversight roles (admins, Board, Business Group, Scrutineer).
- Write it (sections, evidence, submit): its group's chair or vice-chair, and admins.
- Comment: anyone who may review it, and its group's chair or vice-chair (to answer a question).
- Ask for changes: Business Group members and admins. Acknowledge: Business Group members only, because the
  acknowledgement is the Business Group's own act.
- Read an escalation: the raising group's members and the oversight roles. Raise one: chairs and vice-chairs
  for their own groups, and admins. Minute the Board's decision: the Board's chair or vice-chair, and admins (the
  partnership team, who write the minutes). Record the outcome: Board members and admins.
  Raise an action from one: admins, and the raising group's chairs and vice-chairs.
"""

from __future__ import annotations

import rules

from cscp.models import Group
from cscp.permissions import (
    can_read_partnership,
    chaired_group_ids,
    chairs_any_group,
    is_board_member,
    is_business_group_member,
    is_partnership_admin,
    roles_of,
)


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
def chairs_the_board(user) -> bool:
    """Chair or vice-chair of the Board today: who speaks for the Board when its decision is minuted."""
    chaired = chaired_group_ids(user)
    return bool(chaired) and Group.objects.filter(pk__in=chaired, kind=Group.Kind.BOARD, is_active=True).exists()


@rules.predicate
def may_report_for_group(user, group) -> bool:
    """May write this group's impact update, or raise an escalation in its name."""
    return group is not None and (is_partnership_admin(user) or group.pk in chaired_group_ids(user))


can_view_update = is_update_group_member | can_read_partnership
can_change_update = is_update_group_chair | is_partnership_admin
can_review_update = is_business_group_member | is_partnership_admin
can_view_escalation = is_raising_group_member | can_read_partnership
can_decide_escalation = chairs_the_board | is_partnership_admin
can_record_escalation_outcome = is_board_member | is_partnership_admin

# The update list and escalation list: anyone who belongs to a group, or reads across the partnership.
can_use_impact_pages = has_group_membership | can_read_partnership

rules.add_perm("impact.manage", is_partnership_admin)
rules.add_perm("impact.use_pages", can_use_impact_pages)
rules.add_perm("impact.view_cycles", can_read_partnership)
rules.add_perm("impact.view_update", can_view_update)
rules.add_perm("impact.change_update", can_change_update)
rules.add_perm("impact.comment_update", can_review_update | is_update_group_chair)
rules.add_perm("impact.request_update_changes", can_review_update)
rules.add_perm("impact.acknowledge_update", is_business_group_member)
rules.add_perm("impact.write_group_update", may_report_for_group)
rules.add_perm("impact.view_escalation", can_view_escalation)
rules.add_perm("impact.raise_escalation", is_partnership_admin | chairs_any_group)
rules.add_perm("impact.raise_escalation_for_group", may_report_for_group)
rules.add_perm("impact.escalate_from_update", can_change_update)
rules.add_perm("impact.decide_escalation", can_decide_escalation)
rules.add_perm("impact.record_escalation_outcome", can_record_escalation_outcome)
# Raising an action from an escalation: admins, and the chairs of the group that raised it.
rules.add_perm("impact.raise_action_from_escalation", is_partnership_admin | is_raising_group_chair)
