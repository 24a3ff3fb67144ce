"""Navigation items, home sections and Board pack sections this part of the core registers (imported by
cscp.apps at start-up)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from cscp import navigation
from cscp.impact import rules as impact_rules  # noqa: F401 - registers the permissions
from cscp.impact.models import ImpactUpdate, ReportingCycle
from cscp.impact.selectors import current_cycle, due_updates_for_cycles, escalations_awaiting_decision
from cscp.models import Group, Meeting
from cscp.navigation import NavItem
from cscp.permissions import (
    can_read_partnership,
    chaired_group_ids,
    chairs_any_group,
    is_board_member,
    is_business_group_member,
    is_partnership_admin,
    is_scrutineer,
)
from cscp.sections import Section, board_pack_summaries, home_sections

# Chairs write updates and raise escalations; the oversight roles read them.
_uses_impact = chairs_any_group | can_read_partnership

navigation.register(NavItem("Impact updates", "impact:update-list", lambda user: bool(_uses_impact(user)), order=30))
navigation.register(NavItem("Escalations", "impact:escalation-list", lambda user: bool(_uses_impact(user)), order=35))


def _your_update(request):
    """For a chair or vice-chair: their group's update for the cycle being worked on."""
    chaired = chaired_group_ids(request.user)
    if not chaired:
        return None
    cycle = current_cycle()
    if cycle is None:
        return None
    dues = due_updates_for_cycles([cycle], group_ids=chaired)
    if not dues:
        return None
    return {"cycle": cycle, "dues": dues}


def _updates_to_review(request):
    if not is_business_group_member(request.user):
        return None
    updates = list(
        ImpactUpdate.objects.filter(status=ImpactUpdate.Status.SUBMITTED)
        .select_related("group", "cycle")
        .order_by("cycle__due_date", "submitted_at", "pk")[:20]
    )
    return {"updates": updates}


def _escalations_awaiting(request):
    if not is_board_member(request.user):
        return None
    return {"escalations": list(escalations_awaiting_decision()[:20])}


# The home page lists a few; the links lead to the rest.
HOME_LIMIT = 5
# Late updates from cycles whose Board meeting is at most this long ago: older ones are history, not work.
LATE_WITHIN_DAYS = 365


def _late_updates(request):
    """For those who hold the partnership to account (the Scrutineer, the Business Group, the partnership team):
    groups whose update is past its due date and not submitted, each linking to the group's updates. Three queries
    however many cycles and groups."""
    user = request.user
    if not (is_scrutineer(user) or is_business_group_member(user) or is_partnership_admin(user)):
        return None
    today = timezone.localdate()
    cycles = ReportingCycle.objects.filter(
        due_date__lt=today, board_meeting__date__gte=today - datetime.timedelta(days=LATE_WITHIN_DAYS)
    ).order_by("-due_date", "pk")
    late = [due for due in due_updates_for_cycles(cycles, today=today) if due.group.is_active and not due.is_submitted]
    return {"late": late[:HOME_LIMIT], "more": max(0, len(late) - HOME_LIMIT), "total": len(late)}


def _cycles_to_set_up(request):
    """For the partnership team: Board meetings ahead with no reporting cycle, so no group has been asked to report
    for them. One query."""
    if not is_partnership_admin(request.user):
        return None
    meetings = list(
        Meeting.objects.filter(
            group__kind=Group.Kind.BOARD,
            group__is_active=True,
            date__gte=timezone.localdate(),
            reporting_cycle__isnull=True,
        )
        .select_related("group")
        .order_by("date", "pk")[:HOME_LIMIT]
    )
    return {"meetings": meetings} if meetings else None


home_sections.register(
    Section(
        key="impact.late_updates",
        title="Late impact updates",
        template="impact/home/_late_updates.html",
        context=_late_updates,
        order=27,
    )
)
home_sections.register(
    Section(
        key="impact.cycles_to_set_up",
        title="Board meetings with no reporting cycle",
        template="impact/home/_cycles_to_set_up.html",
        context=_cycles_to_set_up,
        order=16,
    )
)


def _late_updates_summary(*, meeting, previous=None, **kwargs):
    """The Board pack's executive summary: the groups whose update for the cycle this meeting reads was late
    (not submitted by the due date, or submitted after it)."""
    cycle = ReportingCycle.objects.filter(board_meeting=meeting).order_by("pk").first()
    if cycle is None:
        return None
    dues = due_updates_for_cycles([cycle])
    late = [due for due in dues if due.is_late]
    return {
        "cycle": cycle,
        "late": late,
        "expected_count": len(dues),
        "received_count": sum(1 for due in dues if due.is_submitted),
        "figures": {"late": len(late)},
    }


board_pack_summaries.register(
    Section(
        key="impact.late_updates",
        title="Impact updates",
        template="impact/boardpack/_summary.html",
        context=_late_updates_summary,
        order=20,
    )
)
home_sections.register(
    Section(
        key="impact.your_update",
        title="Your group's impact update",
        template="impact/home/_your_update.html",
        context=_your_update,
        order=20,
    )
)
home_sections.register(
    Section(
        key="impact.to_review",
        title="Updates to review",
        template="impact/home/_to_review.html",
        context=_updates_to_review,
        order=25,
    )
)
home_sections.register(
    Section(
        key="impact.escalations_awaiting",
        title="Escalations awaiting a decision",
        template="impact/home/_escalations_awaiting.html",
        context=_escalations_awaiting,
        order=26,
    )
)
