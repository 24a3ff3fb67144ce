"""Navigation items, home sections and Board pack sections this part of the core registers (imported by
cscp.apps at start-up).

The core's sections of the pack leave gaps in their order numbers so that the evidence apps can slot theirs in
between: the decisions the Board is asked to make (1) and the executive summary (2) open it, then the scorecards'
exceptions (10), impact updates (20), escalations (30) and actions (40). The partnership may reorder them
(Board pack settings).
"""

import rules
from django.utils import timezone

from cscp import navigation
from cscp.boardpack import reports
from cscp.boardpack import rules as boardpack_rules  # noqa: F401  (registers the permissions)
from cscp.boardpack.models import BoardPack
from cscp.boardpack.selectors import board_meetings
from cscp.navigation import NavItem
from cscp.permissions import is_board_member, is_partnership_admin
from cscp.sections import Section, board_pack_sections, home_sections


def next_board_meeting(request) -> dict | None:
    """For Board members and the partnership team: the next Board meeting and its pack, made or not. Two
    queries."""
    user = request.user
    if not (is_board_member(user) or is_partnership_admin(user)):
        return None
    meeting = board_meetings().filter(date__gte=timezone.localdate()).order_by("date", "pk").first()
    if meeting is None:
        return {"meeting": None}
    pack = BoardPack.objects.filter(meeting=meeting).order_by("-generated_at", "-pk").first()
    return {"meeting": meeting, "pack": pack, "can_generate": is_partnership_admin(user)}


home_sections.register(
    Section(
        key="boardpack.next_meeting",
        title="The next Board meeting",
        template="boardpack/home/_next_meeting.html",
        context=next_board_meeting,
        order=12,
    )
)

board_pack_sections.register(
    Section(
        key="cscp.decisions",
        title="Decisions the Board is asked to make",
        template="boardpack/_section_decisions.html",
        context=reports.decisions_section,
        order=1,
    )
)
board_pack_sections.register(
    Section(
        key="cscp.summary",
        title="Executive summary",
        template="boardpack/_section_summary.html",
        context=reports.summary_section,
        order=2,
    )
)
board_pack_sections.register(
    Section(
        key="cscp.impact_updates",
        title="Impact updates",
        template="boardpack/_section_impact_updates.html",
        context=reports.impact_updates_section,
        order=20,
    )
)
board_pack_sections.register(
    Section(
        key="cscp.escalations",
        title="Escalations",
        template="boardpack/_section_escalations.html",
        context=reports.escalations_section,
        order=30,
    )
)
board_pack_sections.register(
    Section(
        key="cscp.actions",
        title="Actions: overdue and at risk",
        template="boardpack/_section_actions.html",
        context=reports.actions_section,
        order=40,
    )
)

navigation.register(
    NavItem("Board packs", "boardpack:meetings", lambda user: rules.has_perm("boardpack.view", user), order=70)
)
