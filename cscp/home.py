"""The core's own sections of the home page and its navigation items."""

import rules
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Q
from django.urls import reverse

from cscp import navigation
from cscp.models import Person
from cscp.navigation import NavItem
from cscp.permissions import can_read_partnership, is_partnership_admin, roles_of
from cscp.sections import Section, home_sections
from cscp.selectors import (
    current_agency_memberships,
    current_group_memberships,
    people_without_memberships_q,
    unread_notifications,
)


def _my_roles(request):
    """A table each for the person's groups and their agencies, a row for each role they hold there today."""
    tables = [
        {
            "caption": "Your groups",
            "heading": "Group",
            "rows": [(m.group, m) for m in current_group_memberships(request.user)],
        },
        {
            "caption": "Your agencies",
            "heading": "Agency",
            "rows": [(m.agency, m) for m in current_agency_memberships(request.user)],
        },
    ]
    return {"tables": [table for table in tables if table["rows"]]}


def _my_notifications(request):
    notifications = list(unread_notifications(request.user)[:5])
    return {"notifications": notifications} if notifications else None


def _team_to_do(request):
    """For the partnership team: invitations nobody has accepted and people in no group or agency, counted in
    one query."""
    if not is_partnership_admin(request.user):
        return None
    counts = Person.objects.aggregate(
        invited=Count("pk", filter=Q(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)),
        unassigned=Count("pk", filter=people_without_memberships_q()),
    )
    people = reverse("cscp:person-list")
    rows = [
        (counts["invited"], "invitation not accepted", "invitations not accepted", f"{people}?status=invited"),
        (
            counts["unassigned"],
            "person in no group or agency",
            "people in no group or agency",
            f"{people}?status=unassigned",
        ),
    ]
    items = [
        {"count": count, "text": one if count == 1 else many, "url": url} for count, one, many, url in rows if count
    ]
    return {"items": items}


home_sections.register(
    Section(
        key="cscp.team_to_do",
        title="People to follow up",
        template="cscp/home/_team_to_do.html",
        context=_team_to_do,
        order=15,
    )
)
home_sections.register(
    Section(
        key="cscp.notifications",
        title="Needs your attention",
        template="cscp/home/_notifications.html",
        context=_my_notifications,
        order=10,
    )
)
home_sections.register(
    Section(
        key="cscp.roles", title="Your groups and roles", template="cscp/home/_roles.html", context=_my_roles, order=90
    )
)

navigation.register(NavItem("Home", "cscp:home", lambda user: True, order=0))
navigation.register(
    NavItem("Groups", "cscp:group-list", lambda user: rules.has_perm("cscp.view_structure", user), order=80)
)
navigation.register(NavItem("Manage the partnership", "cscp:manage", is_partnership_admin, order=900))
navigation.register(
    NavItem(
        "Agencies",
        "cscp:agency-list",
        lambda user: bool(can_read_partnership(user) or roles_of(user).agency_ids),
        order=85,
    )
)
navigation.register(
    NavItem(
        "Business plan",
        "cscp:plan-list",
        lambda user: rules.has_perm("cscp.view_structure", user),
        order=90,
    )
)
navigation.register(
    NavItem(
        "Membership report",
        "cscp:membership-report",
        lambda user: rules.has_perm("cscp.view_membership_report", user),
        order=95,
    )
)
