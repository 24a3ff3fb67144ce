"""Navigation items, home sections and Board pack sections this part of the core registers (imported by
cscp.apps at start-up)."""

from __future__ import annotations

from cscp import navigation
from cscp.impact import rules as impact_rules  # noqa: F401 - registers the permissions
from cscp.impact.models import ImpactUpdate, ReportingCycle
from cscp.impact.selectors import current_cycle, due_updates_for_cycles, escalations_awaiting_decision
from cscp.navigation import NavItem
from cscp.permissions import (
    can_read_partnership,
    chaired_group_ids,
    chairs_any_group,
    is_board_member,
    is_business_group_member,
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
