"""Navigation items, home sections and Board pack sections this part of the core registers (imported by
cscp.apps at start-up).

The core's sections of the pack leave gaps in their order numbers so that the evidence apps can slot theirs in
between: the decisions the Board is asked to make (1) and the executive summary (2) open it, then the scorecards'
exceptions (10), impact updates (20), escalations (30) and actions (40). The partnership may reorder them
(Board pack settings).
"""

import rules

from cscp import navigation
from cscp.boardpack import reports
from cscp.boardpack import rules as boardpack_rules  # noqa: F401  (registers the permissions)
from cscp.navigation import NavItem
from cscp.sections import Section, board_pack_sections

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
