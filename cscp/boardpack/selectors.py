"""Reads for the Board pack and the list of Board meetings.

The pack reads impact updates, escalations and actions through the selectors of cscp.impact and cscp.actions, so
"late", "open" and "overdue" mean the same in the pack as on those apps' own pages. What is here is what only
the pack needs: the Board's meetings, the cycle a meeting reads, the escalations it decided, and the latest
progress note on each action (as an annotation, so 300 actions cost one query, not 300).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Max, OuterRef, QuerySet, Subquery

from cscp.actions.models import Action, ActionNote
from cscp.actions.selectors import overdue_and_at_risk
from cscp.boardpack.models import BoardPack
from cscp.impact.models import Escalation, ReportingCycle
from cscp.models import Group, Meeting


def board_meetings() -> QuerySet[Meeting]:
    """Meetings of the partnership's Board groups, each with how many versions of its pack have been generated
    (`pack_versions`) and when the latest was sent to the Board (`pack_sent_at`, None when none was)."""
    return (
        Meeting.objects.filter(group__kind=Group.Kind.BOARD)
        .select_related("group")
        .annotate(pack_versions=Count("board_packs", distinct=True), pack_sent_at=Max("board_packs__sent_at"))
    )


def pack_versions(meeting: Meeting) -> list[BoardPack]:
    """Every version of the meeting's pack, newest first, with who generated and who sent each."""
    return list(
        BoardPack.objects.filter(meeting=meeting).select_related("generated_by", "sent_by").order_by("-version")
    )


def previous_pack(meeting: Meeting) -> BoardPack | None:
    """The latest version of the pack for the Board's previous meeting that has one: what "since the last pack"
    compares with."""
    return (
        BoardPack.objects.filter(meeting__group_id=meeting.group_id, meeting__date__lt=meeting.date)
        .order_by("-meeting__date", "-meeting_id", "-version")
        .first()
    )


def reporting_cycle_for(meeting: Meeting) -> ReportingCycle | None:
    return ReportingCycle.objects.filter(board_meeting=meeting).first()


def groups_reporting_in(cycle: ReportingCycle) -> list[Group]:
    return list(cycle.groups.order_by("name"))


def escalations_decided_at(meeting: Meeting) -> list[Escalation]:
    """Escalations this meeting decided, whether or not their outcome has since been recorded."""
    return list(
        Escalation.objects.filter(board_meeting=meeting, decided_at__isnull=False)
        .select_related("raised_by_group")
        .order_by("decided_at", "pk")
    )


def pack_actions(today: datetime.date) -> QuerySet[Action]:
    """Open actions overdue or at risk on this day, by owning group, each with its latest progress note."""
    latest = ActionNote.objects.filter(action=OuterRef("pk")).order_by("-noted_on", "-created_at", "-pk")
    return (
        overdue_and_at_risk(today)
        .annotate(
            latest_note_text=Subquery(latest.values("text")[:1]),
            latest_note_on=Subquery(latest.values("noted_on")[:1]),
        )
        .order_by(
            F("owner_group__name").asc(nulls_last=True),
            F("owner_agency__name").asc(nulls_last=True),
            "status_rank",
            "due_date",
            "reference",
        )
    )
