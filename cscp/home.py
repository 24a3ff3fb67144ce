"""The core's own sections of the home page and its navigation items."""

import rules

from cscp import navigation
from cscp.navigation import NavItem
from cscp.permissions import can_read_partnership, is_partnership_admin, roles_of
from cscp.sections import Section, home_sections
from cscp.selectors import current_agency_memberships, current_group_memberships, unread_notifications


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
