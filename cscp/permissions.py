"""Who may do what: predicates computed from memberships, in one place.

Every predicate reads the person's memberships in force today from the database, so a role that an
admin ends or revokes stops working on the next request. Within one request the answers are cached on the
person object (`_cscp_roles`), so a page that asks many questions costs one query.

Views fetch objects through `cscp.pages.get_object_for_user`, which raises 404 where the object's existence is not
the person's business and 403 where they may know of it but not do this to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rules

from cscp.models import AgencyMembership, Group, GroupMembership, current_q


@dataclass(frozen=True)
class Roles:
    """A person's memberships in force today, read once per request."""

    group_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    group_kinds: frozenset[str] = frozenset()
    agency_roles: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def group_ids(self) -> frozenset[int]:
        return frozenset(self.group_roles)

    @property
    def agency_ids(self) -> frozenset[int]:
        return frozenset(self.agency_roles)


def roles_of(user) -> Roles:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Roles()
    cached = getattr(user, "_cscp_roles", None)
    if cached is not None:
        return cached
    group_roles: dict[int, set[str]] = {}
    kinds: set[str] = set()
    for group_id, role, kind in GroupMembership.objects.filter(
        current_q(), person=user, group__is_active=True
    ).values_list("group_id", "role", "group__kind"):
        group_roles.setdefault(group_id, set()).add(role)
        kinds.add(kind)
    agency_roles: dict[int, set[str]] = {}
    for agency_id, role in AgencyMembership.objects.filter(current_q(), person=user).values_list("agency_id", "role"):
        agency_roles.setdefault(agency_id, set()).add(role)
    roles = Roles(
        group_roles={k: frozenset(v) for k, v in group_roles.items()},
        group_kinds=frozenset(kinds),
        agency_roles={k: frozenset(v) for k, v in agency_roles.items()},
    )
    user._cscp_roles = roles
    return roles


def forget_roles(user) -> None:
    """Drop the per-request cache after a change to this person's memberships."""
    if hasattr(user, "_cscp_roles"):
        del user._cscp_roles


# Partnership-wide roles, each held through membership of a group of a particular kind.


@rules.predicate
def is_partnership_admin(user) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return Group.Kind.TEAM in roles_of(user).group_kinds


@rules.predicate
def is_scrutineer(user) -> bool:
    return Group.Kind.SCRUTINY in roles_of(user).group_kinds


@rules.predicate
def is_board_member(user) -> bool:
    return Group.Kind.BOARD in roles_of(user).group_kinds


@rules.predicate
def is_business_group_member(user) -> bool:
    return Group.Kind.BUSINESS in roles_of(user).group_kinds


@rules.predicate
def has_any_membership(user) -> bool:
    roles = roles_of(user)
    return bool(roles.group_roles or roles.agency_roles)


# Object-level predicates.


@rules.predicate
def is_group_member(user, group) -> bool:
    return group is not None and group.pk in roles_of(user).group_roles


def chaired_group_ids(user) -> set[int]:
    """The groups this person chairs or vice-chairs today (GroupMembership.CHAIR_ROLES)."""
    return {group_id for group_id, held in roles_of(user).group_roles.items() if held & GroupMembership.CHAIR_ROLES}


@rules.predicate
def chairs_any_group(user) -> bool:
    return bool(chaired_group_ids(user))


@rules.predicate
def is_group_chair(user, group) -> bool:
    """Chair or vice-chair: the people who write and submit the group's updates."""
    return group is not None and group.pk in chaired_group_ids(user)


@rules.predicate
def is_agency_member(user, agency) -> bool:
    return agency is not None and agency.pk in roles_of(user).agency_roles


def has_agency_role(role: str):
    @rules.predicate(name=f"has_agency_role:{role}")
    def predicate(user, agency) -> bool:
        return agency is not None and role in roles_of(user).agency_roles.get(agency.pk, frozenset())

    return predicate


def has_agency_role_anywhere(role: str):
    @rules.predicate(name=f"has_agency_role_anywhere:{role}")
    def predicate(user) -> bool:
        return any(role in held for held in roles_of(user).agency_roles.values())

    return predicate


# Oversight roles may read across the partnership.
can_read_partnership = is_partnership_admin | is_scrutineer | is_board_member | is_business_group_member

rules.add_perm("cscp.manage_partnership", is_partnership_admin)
rules.add_perm("cscp.view_audit_log", is_partnership_admin)
rules.add_perm("cscp.view_group", is_group_member | can_read_partnership)
rules.add_perm("cscp.view_agency", is_agency_member | can_read_partnership)
# Anyone with a part in the partnership may read its plan, themes and the lists of what they belong to.
rules.add_perm("cscp.view_structure", has_any_membership | can_read_partnership)
rules.add_perm("cscp.view_membership_report", is_partnership_admin | is_board_member)
