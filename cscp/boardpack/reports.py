"""The Board pack: one context that both the on-screen preview and the PDF are rendered from (see docs/pdf.md).

The pack is composed of the sections registered in `cscp.sections.board_pack_sections`, in their order: the
core's own (impact updates, escalations, overdue and at-risk actions; registered in cscp/boardpack/registry.py)
and whatever the evidence apps add, such as the scorecards' exceptions. Each section's context callable takes
`meeting=` and reads what it needs in a fixed number of queries.
"""

from __future__ import annotations

from itertools import groupby

from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from cscp.actions import status as action_status
from cscp.actions.models import Action
from cscp.boardpack.models import BoardPack, BoardPackSettings
from cscp.boardpack.selectors import (
    escalations_decided_at,
    groups_reporting_in,
    pack_actions,
    previous_pack,
    reporting_cycle_for,
)
from cscp.impact import status as update_status
from cscp.impact.selectors import (
    SUBMITTED_STATUSES,
    active_sections,
    awaiting_board_decision,
    is_update_late,
    open_escalations,
    updates_for_cycle,
)
from cscp.models import Meeting, Partnership
from cscp.sections import board_pack_decisions, board_pack_sections, board_pack_summaries

NOT_RECEIVED = "Not received"
# Where the executive summary leaves its parts' figures in the pack's shared dict.
SUMMARY_FIGURES = "boardpack.summary_figures"


def board_pack_context(meeting: Meeting, *, version: int | None = None, actor=None) -> dict:
    """Cover, contents and every registered section for a Board meeting's pack, in the partnership's order.

    `version` is the number the pack will carry (the next one, when previewing); `actor` the person generating
    it, who is its author unless the partnership names one in its Board pack settings.
    """
    settings = BoardPackSettings.load()
    shared: dict = {}
    sections = board_pack_sections.render_context(meeting=meeting, shared=shared, positions=settings.section_positions)
    for item in sections:
        item["anchor"] = section_anchor(item["section"].key)
    author = settings.author or (actor.get_full_name() if getattr(actor, "is_authenticated", False) else "")
    return {
        "partnership": Partnership.load(),
        "meeting": meeting,
        "report_title": "Board pack",
        # The running header of every page carries the meeting's date, as papers for a meeting do.
        "report_date": meeting.date,
        "generated_on": timezone.localdate(),
        "version": version if version is not None else next_version(meeting),
        "protective_marking": settings.protective_marking,
        "purpose": settings.purpose,
        "author": author or "The partnership team",
        "sections": sections,
        # Always listed: a pack's readers find their way by it. (Not named `contents`, which would make
        # render_pdf lay the pack out a second time to decide whether to list it.)
        "pack_contents": [{"anchor": item["anchor"], "title": item["section"].title} for item in sections],
        # What the executive summary printed, stored with the pack so the next one can say what changed.
        "summary_figures": shared.get(SUMMARY_FIGURES, {}),
    }


def section_anchor(key: str) -> str:
    return "pack-" + slugify(key.replace(".", "-")).replace("_", "-")


def next_version(meeting: Meeting) -> int:
    latest = BoardPack.objects.filter(meeting=meeting).aggregate(latest=Max("version"))["latest"]
    return (latest or 0) + 1


# The core's own sections.


def decisions_section(*, meeting: Meeting, **kwargs) -> dict:
    """What the Board is asked to decide: escalations awaiting its decision, and whatever the apps put to it for
    sign-off (their `board_pack_decisions`)."""
    return {
        "escalations": list(awaiting_board_decision(meeting).prefetch_related("themes")),
        "sign_offs": board_pack_decisions.render_context(meeting=meeting, **kwargs),
    }


def summary_section(*, meeting: Meeting, shared: dict | None = None, **kwargs) -> dict:
    """The executive summary: each app's part, each told what it printed in the last Board meeting's pack."""
    shared = {} if shared is None else shared
    previous = previous_pack(meeting)
    before = previous.summary_figures if previous is not None else {}
    parts = []
    for section in board_pack_summaries.sections():
        context = section.context(meeting=meeting, shared=shared, previous=before.get(section.key), **kwargs)
        if context is not None:
            parts.append({"section": section, "template": section.template, "context": context})
    shared[SUMMARY_FIGURES] = {part["section"].key: part["context"].get("figures", {}) for part in parts}
    return {"parts": parts, "previous": previous}


def impact_updates_section(*, meeting: Meeting, **kwargs) -> dict:
    """Every group due to report in the cycle this meeting reads, summarised by status; an update is printed in
    full only once the Business Group has acknowledged it (one whose changes were requested is still being
    rewritten, and one only submitted has not been reviewed)."""
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
        in_full = received and update.status == update_status.ACKNOWLEDGED
        status = update.get_status_display() if received else NOT_RECEIVED
        reports.append(
            {
                "group": group,
                "anchor": f"update-{group.pk}",
                "received": received,
                "in_full": in_full,
                "status_value": update.status if received else update_status.NOT_STARTED,
                "status": status,
                "status_tag_class": update_status.tag(update.status).css_class if received else "govuk-tag--grey",
                "late": is_update_late(update, cycle, today),
                "submitted_on": timezone.localdate(update.submitted_at) if received and update.submitted_at else None,
                "submitted_by": update.submitted_by if received else None,
                "parts": _answers_in_template_order(update, template) if in_full else [],
                "evidence": list(update.evidence_links.all()) if in_full else [],
            }
        )
    received = [report for report in reports if report["received"]]
    by_status = []
    for value, label in (
        (update_status.ACKNOWLEDGED, "Acknowledged: printed in full below"),
        (update_status.SUBMITTED, "Submitted, awaiting the Business Group's review"),
        (update_status.CHANGES_REQUESTED, "Changes requested by the Business Group"),
        (update_status.NOT_STARTED, NOT_RECEIVED),
    ):
        count = sum(1 for report in reports if report["status_value"] == value)
        if count:
            by_status.append({"label": label, "count": count})
    return {
        "cycle": cycle,
        "reports": reports,
        "received": received,
        "in_full": [report for report in reports if report["in_full"]],
        "by_status": by_status,
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
    """Open escalations not put to this meeting (awaiting an outcome, or a later meeting's decision), and those
    this meeting decided."""
    decided = escalations_decided_at(meeting)
    # Those put to this meeting for a decision are under "Decisions the Board is asked to make".
    elsewhere = {escalation.pk for escalation in decided} | set(
        awaiting_board_decision(meeting).values_list("pk", flat=True)
    )
    still_open = [escalation for escalation in open_escalations() if escalation.pk not in elsewhere]
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
