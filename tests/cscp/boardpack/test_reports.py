"""The Board pack's content: what the Board reads about each group's update, escalations and slipping actions."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from cscp.actions.models import Action
from cscp.boardpack.reports import board_pack_context
from cscp.impact.models import Escalation, EvidenceLink, ImpactUpdate
from cscp.models import Group, Partnership
from cscp.sections import Section, board_pack_sections, board_pack_summaries
from tests.cscp.boardpack import helpers as h
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

CORE = ("cscp.decisions", "cscp.summary", "cscp.impact_updates", "cscp.escalations", "cscp.actions")
CORE_SUMMARIES = ("impact.late_updates", "actions.overdue_by_owner")


@pytest.fixture
def core_sections_only(monkeypatch):
    """The core's sections (and the core's parts of the summary) alone, so their cost is pinned whatever the
    evidence apps add."""
    kept = {key: section for key, section in board_pack_sections._sections.items() if key in CORE}
    monkeypatch.setattr(board_pack_sections, "_sections", kept)
    parts = {key: part for key, part in board_pack_summaries._sections.items() if key in CORE_SUMMARIES}
    monkeypatch.setattr(board_pack_summaries, "_sections", parts)


def section(context: dict, key: str) -> dict:
    return next(item["context"] for item in context["sections"] if item["section"].key == key)


def test_the_cover_names_the_partnership_the_meeting_date_and_the_day_it_was_made(partnership):
    Partnership.objects.update_or_create(pk=1, defaults={"name": "Cumbria Safeguarding Children Partnership"})
    meeting = h.board_meeting(partnership, h.days(6))

    context = board_pack_context(meeting)

    assert context["partnership"].name == "Cumbria Safeguarding Children Partnership"
    assert context["report_title"] == "Board pack"
    assert context["report_date"] == meeting.date
    assert context["generated_on"] == h.today()


def test_the_core_sections_come_in_order_with_room_for_the_scorecards_before_them(partnership, monkeypatch):
    monkeypatch.setattr(board_pack_sections, "_sections", dict(board_pack_sections._sections))
    board_pack_sections.register(
        Section(key="scorecards.exceptions", title="Scorecard exceptions", template="x.html", context=dict, order=10)
    )

    context = board_pack_context(h.board_meeting(partnership))

    titles = [entry["title"] for entry in context["pack_contents"]]
    assert titles[:6] == [
        "Decisions the Board is asked to make",
        "Executive summary",
        "Scorecard exceptions",
        "Impact updates",
        "Escalations",
        "Actions: overdue and at risk",
    ]
    assert [entry["anchor"] for entry in context["pack_contents"]][3:6] == [
        "pack-cscp-impact-updates",
        "pack-cscp-escalations",
        "pack-cscp-actions",
    ]


def test_an_acknowledged_update_is_there_in_full_a_submitted_one_is_only_listed_and_the_others_are_not_received(
    partnership,
):
    p = partnership
    meeting = h.board_meeting(p)
    sections = h.template_sections()
    cycle = h.cycle(meeting, [p.subgroup, p.other_subgroup], due=h.days(-10))
    h.update(
        cycle,
        p.subgroup,
        {sections[0]: "We ran four neglect workshops.", sections[3]: "Capacity in health visiting."},
        submitted_on=h.days(-12),
        by=p["chair"],
        status=ImpactUpdate.Status.ACKNOWLEDGED,
    )
    h.update(cycle, p.other_subgroup, {sections[0]: "A draft nobody should see yet."}, status=ImpactUpdate.Status.DRAFT)
    third = GroupFactory(name="Voice of the Child Subgroup", kind=Group.Kind.SUBGROUP)
    cycle.groups.add(third)
    h.update(cycle, third, {sections[0]: "Not reviewed yet."}, submitted_on=h.days(-11), by=p["chair"])

    updates = section(board_pack_context(meeting), "cscp.impact_updates")

    assert (updates["received_count"], updates["expected_count"]) == (2, 3)
    by_group = {report["group"].name: report for report in updates["reports"]}
    received = by_group["Learning and Improvement Subgroup"]
    assert received["status"] == "Acknowledged"
    assert received["in_full"] is True
    assert received["submitted_on"] == h.days(-12)
    assert received["late"] is False
    assert [part["title"] for part in received["parts"]] == list(h.TEMPLATE)
    submitted = by_group["Voice of the Child Subgroup"]
    assert submitted["status"] == "Submitted"
    assert (submitted["in_full"], submitted["parts"]) == (False, [])
    assert [report["group"].name for report in updates["in_full"]] == ["Learning and Improvement Subgroup"]
    assert received["parts"][0]["text"] == "We ran four neglect workshops."
    assert received["parts"][1]["text"] == ""
    not_received = by_group["Case Review Group"]
    assert not_received["status"] == "Not received"
    assert not_received["late"] is True
    assert not_received["parts"] == []


def test_an_update_submitted_after_the_deadline_is_flagged_late(partnership):
    p = partnership
    cycle = h.cycle(h.board_meeting(p), [p.subgroup], due=h.days(-10))
    h.update(cycle, p.subgroup, submitted_on=h.days(-3), status=ImpactUpdate.Status.ACKNOWLEDGED)

    report = section(board_pack_context(cycle.board_meeting), "cscp.impact_updates")["reports"][0]

    assert report["status"] == "Acknowledged"
    assert report["late"] is True


def test_a_meeting_with_no_reporting_cycle_says_so(partnership):
    assert section(board_pack_context(h.board_meeting(partnership)), "cscp.impact_updates") == {"cycle": None}


def test_open_escalations_and_those_decided_at_this_meeting_are_listed_and_closed_ones_are_not(partnership):
    p = partnership
    meeting = h.board_meeting(p)
    earlier = h.board_meeting(p, h.days(-60))
    awaiting = h.escalation(p.subgroup, p["chair"], "Health assessments", meeting=meeting)
    outcome_awaited = h.escalation(
        p.subgroup, p["chair"], "Missing episodes", meeting=earlier, status=Escalation.Status.DECIDED, decision="Yes"
    )
    h.escalation(p.subgroup, p["chair"], "Long closed", meeting=earlier, status=Escalation.Status.CLOSED)
    decided_here = h.escalation(
        p.other_subgroup, p.other_chair, "Decided here", meeting=meeting, status=Escalation.Status.CLOSED
    )

    context = board_pack_context(meeting)
    escalations = section(context, "cscp.escalations")

    # The one put to this meeting is among the decisions the Board is asked to make, not listed twice.
    assert [e.title for e in section(context, "cscp.decisions")["escalations"]] == [awaiting.title]
    assert {e.title for e in escalations["open"]} == {outcome_awaited.title}
    assert [e.title for e in escalations["decided"]] == [decided_here.title]


def test_overdue_and_at_risk_actions_are_grouped_by_owner_with_their_latest_note(partnership):
    p = partnership
    overdue = h.action(group=p.subgroup, person=p["chair"], due=h.days(-5), note="Trainer off sick")
    at_risk = h.action(group=p.subgroup, due=h.days(40), progress=Action.Progress.AT_RISK)
    agency_only = h.action(agency=p.agency, due=h.days(-1))
    h.action(group=p.subgroup, due=h.days(60))  # on track
    h.action(group=p.other_subgroup, due=h.days(-30), stage=Action.Stage.COMPLETED)  # done, though late

    actions = section(board_pack_context(h.board_meeting(p)), "cscp.actions")

    assert actions["count"] == 3
    assert actions["overdue_count"] == 2
    assert [owner["name"] for owner in actions["owners"]] == [
        "Learning and Improvement Subgroup",
        "Cumbria Constabulary (agency)",
    ]
    rows = actions["owners"][0]["actions"]
    assert [a.reference for a in rows] == [overdue.reference, at_risk.reference]
    assert rows[0].status_tag.label == "Overdue"
    assert rows[0].latest_note_text == "Trainer off sick"
    assert rows[1].status_tag.label == "At risk"
    assert actions["owners"][1]["actions"][0].reference == agency_only.reference


def _pack_data(p, groups: int) -> object:
    meeting = h.board_meeting(p)
    sections = h.template_sections()
    reporting = [GroupFactory(name=f"Reporting group {n:02d}", kind=Group.Kind.SUBGROUP) for n in range(groups)]
    cycle = h.cycle(meeting, reporting)
    for n, group in enumerate(reporting):
        if n % 3 == 2:
            continue  # some groups have not reported
        update = h.update(cycle, group, {s: f"{group.name}: {s.title}" for s in sections}, by=p["chair"])
        EvidenceLink.objects.create(update=update, kind="indicator", title="Re-referrals", url="/scorecards/")
        h.escalation(group, p["chair"], f"Escalation from {group.name}", meeting=meeting)
        for _ in range(3):
            h.action(group=group, person=p["chair"], due=h.days(-4), note="Delayed")
    return meeting


@pytest.mark.parametrize("groups", [2, 10])
def test_the_pack_costs_the_same_few_queries_for_two_groups_or_ten(
    partnership, core_sections_only, django_assert_num_queries, groups
):
    meeting = _pack_data(partnership, groups)
    Partnership.load()  # the settings row exists in a running partnership

    # 12 for the sections that follow the summary; 10 for the settings, the version's number, the decisions (2),
    # the escalations already among them, the last pack, and the summary's late updates (3) and actions by owner.
    with django_assert_num_queries(22):
        context = board_pack_context(meeting)
        # Laying the pack out touches nothing that was not already loaded.
        html = render_to_string("boardpack/_pack_body.html", context)

    reporting = sum(1 for n in range(groups) if n % 3 != 2)
    assert html.count(": Delayed") == 3 * reporting
    # One in the table for each group that has not reported, and one in the counts by status when any has not.
    assert html.count("Not received") == groups - reporting + (1 if groups > reporting else 0)
    assert len(section(context, "cscp.impact_updates")["reports"]) == groups


def test_the_whole_pack_does_not_grow_with_the_groups_whatever_sections_are_registered(
    partnership, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    meeting = _pack_data(partnership, 2)
    Partnership.load()
    with CaptureQueriesContext(connection) as small:
        board_pack_context(meeting)
    for n in range(8):
        group = GroupFactory(name=f"Extra group {n}", kind=Group.Kind.SUBGROUP)
        meeting.reporting_cycle.groups.add(group)
        h.update(meeting.reporting_cycle, group, by=partnership["chair"])
        h.action(group=group, due=h.days(-4), note="Delayed")

    with django_assert_max_num_queries(len(small)):
        board_pack_context(meeting)
