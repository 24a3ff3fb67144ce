"""Who may see and change actions, as `rules` predicates computed from memberships.

Every predicate reads the person's roles through `roles_of`, which is cached for the request, and the action's
owner ids (never its related rows), so checking a page's worth of actions costs no queries.

- See an action: the oversight roles (admins, the Board, the Business Group, the Independent Scrutineer), members
  of its owning group, members of its owning agency, and its named owner.
- Change it (details, progress notes, completion): admins, the owning group's chair or vice-chair, the named owner.
- Sign it off and record its impact: admins, the owning group's chair or vice-chair, and the Business Group, but
  never the person who marked it complete (`cscp.actions.guards.sign_off_blocked`, four eyes). An action owned by
  an agency alone is signed off by an admin or the Business Group.
- Close or reopen it: admins and the owning group's chair or vice-chair.
- Raise an action: admins, and chairs and vice-chairs for their own groups.
"""

from __future__ import annotations

import rules

from cscp.permissions import (
    can_read_partnership,
    chaired_group_ids,
    chairs_any_group,
    is_business_group_member,
    is_partnership_admin,
    roles_of,
)


@rules.predicate
def is_owning_group_member(user, action) -> bool:
    return action is not None and action.owner_group_id in roles_of(user).group_roles


@rules.predicate
def is_owning_agency_member(user, action) -> bool:
    return action is not None and action.owner_agency_id in roles_of(user).agency_roles


@rules.predicate
def is_owning_group_chair(user, action) -> bool:
    return action is not None and action.owner_group_id is not None and action.owner_group_id in chaired_group_ids(user)


@rules.predicate
def is_named_owner(user, action) -> bool:
    return action is not None and action.owner_person_id is not None and action.owner_person_id == user.pk


@rules.predicate
def may_chair_group(user, group) -> bool:
    """May raise an action owned by this group."""
    return group is not None and (is_partnership_admin(user) or group.pk in chaired_group_ids(user))


can_view_action = can_read_partnership | is_owning_group_member | is_owning_agency_member | is_named_owner
can_change_action = is_partnership_admin | is_owning_group_chair | is_named_owner
can_sign_off_action = is_partnership_admin | is_owning_group_chair | is_business_group_member
can_close_action = is_partnership_admin | is_owning_group_chair
can_add_action = is_partnership_admin | chairs_any_group
# Moving an action to another owner is for those who answer for it now (admins, its group's chairs), and then only to
# a group they may raise actions for: a named owner may change the details but not hand the action to themselves.
can_reassign_action = is_partnership_admin | is_owning_group_chair

rules.add_perm("actions.view_action", can_view_action)
rules.add_perm("actions.change_action", can_change_action)
rules.add_perm("actions.sign_off_action", can_sign_off_action)
rules.add_perm("actions.test_action_impact", can_sign_off_action)
rules.add_perm("actions.close_action", can_close_action)
rules.add_perm("actions.raise_action", can_add_action)
rules.add_perm("actions.raise_action_for_group", may_chair_group)
rules.add_perm("actions.reassign_action", can_reassign_action)
