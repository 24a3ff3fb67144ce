"""The Board pack: one context that both the on-screen preview and the PDF are rendered from (see docs/pdf.md).

The pack is composed of the sections registered in `cscp.sections.board_pack_sections`, in their order: the
core's own (impact updates, escalations, overdue and at-risk actions; registered in cscp/boardpack/registry.py)
and whatever the evidence apps add, such as the scorecards' exceptions. Each section's context callable takes
`meeting=` and reads what it needs in a fixed number of queries.
"""

from __future__ import annotations

from itertools import groupby

from django.utils import timezone
from django.utils.text import slugify

from cscp.actions import status as action_status
from cscp.actions.models import Action
from cscp.boardpack.selectors import escalations_decided_at, groups_reporting_in, pack_actions, reporting_cycle_for
from cscp.impact import status as update_status
from cscp.impact.selectors import (
    SUBMITTED_STATUSES,
    active_sections,
    is_update_late,
    open_escalations,
    updates_for_cycle,
)
from cscp.models import Meeting, Partnership
from cscp.sections import board_pack_sections

NOT_RECEIVED = "Not received"


def board_pack_context(meeting: Meeting) -> dict:
    """Cover, contents and every registered section for a Board meeting's pack."""
    sections = board_pack_sections.render_context(meeting=meeting)
    for item in sections:
        item["anchor"] = "pack-" + slugify(item["section"].key.replace(".", "-")).replace("_", "-")
    return {
        "partnership": Partnership.load(),
        "meeting": meeting,
        "report_title": "Board pack",
        # The running header of every page carries the meeting's date, as papers for a meeting do.
        "report_date": meeting.date,
        "generated_on": timezone.localdate(),
        "sections": sections,
        # Always listed: a pack's readers find their way by it. (Not named `contents`, which would make
        # render_pdf lay the pack out a second time to decide whether to list it.)
        "pack_contents": [{"anchor": item["anchor"], "title": item["section"].title} for item in sections],
    }


# The core's own sections.


def impact_updates_section(*, meeting: Meeting, **kwargs) -> dict:
    """Every group due to report in the cycle this meeting reads: its update in full, or "Not received"."""
    cycle = reporting_cycle_for(meeting)
    if cycle is None:
        return {"cycle": None}
    today = timezone.localdate()
    updates = {update.group_id: update for update in updates_for_cycle(cycle)}
    groups = {group.pk: group for group in groups_reporting_in(cycle)}
    # A group taken out of the cycle after it submitted still has its say.
    for update in updates.values():
        if update.status in SUBMITTED_STATUSES:
            groups.setdefault(update.group_id, update.group)
    template = list(active_sections())
    reports = []
    for group in sorted(groups.values(), key=lambda g: g.name):
        update = updates.get(group.pk)
        received = update is not None and update.status in SUBMITTED_STATUSES
        status = update.get_status_display() if received else NOT_RECEIVED
        reports.append(
            {
                "group": group,
                "anchor": f"update-{group.pk}",
                "received": received,
                "status": status,
                "status_tag_class": update_status.tag(update.status).css_class if received else "govuk-tag--grey",
                "late": is_update_late(update, cycle, today),
                "submitted_on": timezone.localdate(update.submitted_at) if received and update.submitted_at else None,
                "submitted_by": update.submitted_by if received else None,
                "parts": _answers_in_template_order(update, template) if received else [],
                "evidence": list(update.evidence_links.all()) if received else [],
            }
        )
    received = [report for report in reports if report["received"]]
    return {
        "cycle": cycle,
        "reports": reports,
        "received": received,
        "received_count": len(received),
        "expected_count": len(reports),
        "late_count": sum(1 for report in reports if report["late"]),
    }


def _answers_in_template_order(update, template) -> list[dict]:
    """Today's template, plus any retired section this update answered, so an older update still reads whole."""
    answers = {answer.section_id: answer for answer in update.answers.all()}
    sections = {section.pk: section for section in template}
    for answer in answers.values():
        sections.setdefault(answer.section_id, answer.section)
    ordered = sorted(sections.values(), key=lambda s: (s.order, s.pk))
    return [
        {"title": section.title, "text": answers[section.pk].text if section.pk in answers else ""}
        for section in ordered
    ]


def escalations_section(*, meeting: Meeting, **kwargs) -> dict:
    """Open escalations (awaiting a decision or an outcome), and those this meeting decided."""
    decided = escalations_decided_at(meeting)
    decided_ids = {escalation.pk for escalation in decided}
    still_open = [escalation for escalation in open_escalations() if escalation.pk not in decided_ids]
    return {"meeting": meeting, "open": still_open, "decided": decided}


def actions_section(*, meeting: Meeting, **kwargs) -> dict:
    """Open actions overdue or at risk today, in one table per owning group (or agency, where no group owns it)."""
    today = timezone.localdate()
    actions = list(pack_actions(today))
    for action in actions:
        action.status_tag = action_status.tag(action.status)
    owners = [{"name": name, "actions": list(items)} for name, items in groupby(actions, key=_owner_name)]
    return {
        "today": today,
        "owners": owners,
        "count": len(actions),
        "overdue_count": sum(1 for action in actions if action.status == action_status.OVERDUE),
    }


def _owner_name(action: Action) -> str:
    if action.owner_group is not None:
        return action.owner_group.name
    return f"{action.owner_agency.name} (agency)"
