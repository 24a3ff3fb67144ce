"""Governance data for Board pack and reminder tests: a Board meeting, its reporting cycle, updates, escalations
and actions, made directly in the database so these tests do not depend on the other apps' forms."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from cscp.actions.models import Action, ActionNote
from cscp.impact.models import Escalation, ImpactTemplateSection, ImpactUpdate, ImpactUpdateAnswer, ReportingCycle
from cscp.models import Group, Meeting, Person

_references = itertools.count(1)

TEMPLATE = (
    "What we did",
    "What difference it made, and the evidence for it",
    "What is not working",
    "Risks",
    "Matters to escalate",
    "Next steps",
)


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def board_meeting(p, on: datetime.date | None = None, title: str = "") -> Meeting:
    return Meeting.objects.create(group=p.board, date=on or days(5), title=title)


def template_sections(titles=TEMPLATE) -> list[ImpactTemplateSection]:
    return [
        ImpactTemplateSection.objects.create(title=title, order=(n + 1) * 10, is_required=True)
        for n, title in enumerate(titles)
    ]


def cycle(meeting: Meeting, groups, due: datetime.date | None = None, title: str = "Q3 2026-27") -> ReportingCycle:
    made = ReportingCycle.objects.create(title=title, board_meeting=meeting, due_date=due or days(-2))
    made.groups.set(groups)
    return made


def update(
    cycle: ReportingCycle,
    group: Group,
    texts: dict[ImpactTemplateSection, str] | None = None,
    *,
    status: str = ImpactUpdate.Status.SUBMITTED,
    submitted_on: datetime.date | None = None,
    by: Person | None = None,
) -> ImpactUpdate:
    submitted_at = None
    if status != ImpactUpdate.Status.DRAFT:
        day = submitted_on or cycle.due_date
        submitted_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    made = ImpactUpdate.objects.create(
        group=group, cycle=cycle, status=status, submitted_at=submitted_at, submitted_by=by if submitted_at else None
    )
    for section, text in (texts or {}).items():
        ImpactUpdateAnswer.objects.create(update=made, section=section, text=text)
    return made


def escalation(
    group: Group,
    by: Person,
    title: str = "Waiting times for initial health assessments",
    *,
    meeting: Meeting | None = None,
    status: str = Escalation.Status.AWAITING_DECISION,
    decision: str = "",
) -> Escalation:
    decided_at = timezone.now() if status != Escalation.Status.AWAITING_DECISION else None
    return Escalation.objects.create(
        title=title,
        concern="Children in care wait more than 20 days for their initial health assessment.",
        evidence="Performance data for Q2.",
        ask="Ask the ICB to commission extra paediatric capacity.",
        raised_by_group=group,
        raised_by=by,
        board_meeting=meeting,
        status=status,
        decision=decision,
        decided_at=decided_at,
    )


def action(
    *,
    group: Group | None = None,
    agency=None,
    person: Person | None = None,
    due: datetime.date | None = None,
    progress: str = Action.Progress.ON_TRACK,
    stage: str = Action.Stage.OPEN,
    title: str = "Refresh the neglect toolkit training",
    note: str = "",
    reference: str | None = None,
) -> Action:
    due = due or days(30)
    made = Action.objects.create(
        reference=reference or f"ACT-{next(_references):05d}",
        title=title,
        owner_group=group,
        owner_agency=agency,
        owner_person=person,
        raised_on=min(due, today()) - datetime.timedelta(days=60),
        due_date=due,
        progress=progress,
        stage=stage,
    )
    if note:
        author = person or Person.objects.order_by("pk").first()
        ActionNote.objects.create(action=made, author=author, text=note, noted_on=today() - datetime.timedelta(days=3))
    return made
