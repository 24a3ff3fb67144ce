"""What the home page and navigation offer each role, and the selectors the Board pack and reminders read."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cscp.impact import selectors
from cscp.impact.models import ImpactUpdate
from tests.cscp.impact.factories import CycleFactory, EscalationFactory, UpdateFactory, submitted_update

pytestmark = pytest.mark.django_db


def _nav(response) -> list[str]:
    return [item["label"] for item in response.context["navigation"]]


def test_the_chair_sees_their_groups_update_with_its_due_date_and_status(client_for, partnership, cycle):
    page = client_for("chair").get(reverse("cscp:home")).content.decode()
    assert "Your group&#x27;s impact update" in page or "Your group's impact update" in page
    assert f"{cycle.due_date:%-d %B %Y}" in page
    assert "Not started" in page and "Start your update" in page


def test_the_chair_is_warned_when_the_update_is_late(client_for, partnership, cycle):
    cycle.due_date = timezone.localdate() - datetime.timedelta(days=2)
    cycle.save()
    page = client_for("chair").get(reverse("cscp:home")).content.decode()
    assert "The update is late" in page


def test_the_business_group_sees_updates_waiting_for_review(client_for, partnership, cycle, sections):
    submitted_update(partnership.subgroup, cycle)
    submitted_update(partnership.other_subgroup, cycle, status=ImpactUpdate.Status.ACKNOWLEDGED)
    response = client_for("business").get(reverse("cscp:home"))
    page = response.content.decode()
    assert "Updates to review" in page
    assert "Learning and Improvement Subgroup" in page
    assert "Case Review Group" not in page


def test_the_board_sees_escalations_awaiting_a_decision(client_for, partnership):
    EscalationFactory(raised_by_group=partnership.subgroup, title="Waiting for you")
    EscalationFactory(raised_by_group=partnership.subgroup, title="Already decided", status="decided")
    page = client_for("board").get(reverse("cscp:home")).content.decode()
    assert "Escalations awaiting a decision" in page
    assert "Waiting for you" in page and "Already decided" not in page


def test_sections_are_not_shown_to_people_they_are_not_for(client_for, partnership, cycle):
    page = client_for("s11lead").get(reverse("cscp:home")).content.decode()
    assert "impact update" not in page.lower()
    assert "Escalations awaiting" not in page


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("chair", True), ("business", True), ("board", True), ("admin", True), ("scrutineer", True), ("officer", False)],
)
def test_the_navigation_offers_impact_updates_and_escalations(client_for, partnership, persona, shown):
    labels = _nav(client_for(persona).get(reverse("cscp:home")))
    assert ("Impact updates" in labels) is shown
    assert ("Escalations" in labels) is shown


# Selectors.


def _cycle_due(days: int, groups):
    cycle = CycleFactory(groups=groups)
    cycle.due_date = timezone.localdate() + datetime.timedelta(days=days)
    cycle.save()
    return cycle


def test_late_updates_are_those_not_submitted_by_the_due_date_including_not_started(partnership, sections):
    today = timezone.localdate()
    late = _cycle_due(-3, [partnership.subgroup, partnership.other_subgroup])
    UpdateFactory(group=partnership.subgroup, cycle=late)
    submitted_late = _cycle_due(-10, [partnership.subgroup])
    submitted_update(partnership.subgroup, submitted_late)
    found = selectors.late_updates(today)
    assert {(due.cycle, due.group.name, due.update is None) for due in found} == {
        (late, "Learning and Improvement Subgroup", False),
        (late, "Case Review Group", True),
    }
    assert all(due.status_label == "Late" for due in found)


def test_updates_due_between_two_dates_are_the_unsubmitted_ones(partnership, sections):
    today = timezone.localdate()
    soon = _cycle_due(5, [partnership.subgroup, partnership.other_subgroup])
    submitted_update(partnership.other_subgroup, soon)
    _cycle_due(40, [partnership.subgroup])
    found = selectors.updates_due_between(today, today + datetime.timedelta(days=7))
    assert [(due.cycle, due.group) for due in found] == [(soon, partnership.subgroup)]
    assert found[0].edit_url == reverse("impact:update-edit", args=[soon.pk, partnership.subgroup.pk])


def test_updates_for_a_cycle_come_with_their_answers_and_comments(partnership, sections, django_assert_num_queries):
    cycle = CycleFactory()
    submitted_update(partnership.subgroup, cycle)
    submitted_update(partnership.other_subgroup, cycle)
    with django_assert_num_queries(4):
        updates = list(selectors.updates_for_cycle(cycle))
        texts = [answer.section.title for update in updates for answer in update.answers.all()]
        [comment.author for update in updates for comment in update.comments.all()]
    assert len(texts) == 2 * len(sections)


def test_what_each_person_may_see(partnership, sections):
    cycle = CycleFactory()
    ours = UpdateFactory(group=partnership.subgroup, cycle=cycle)
    theirs = UpdateFactory(group=partnership.other_subgroup, cycle=cycle)
    assert set(selectors.updates_visible_to(partnership["chair"])) == {ours}
    assert set(selectors.updates_visible_to(partnership["scrutineer"])) == {ours, theirs}
    assert not selectors.updates_visible_to(partnership["outsider"]).exists()
    escalation = EscalationFactory(raised_by_group=partnership.other_subgroup)
    assert not selectors.escalations_visible_to(partnership["chair"]).exists()
    assert list(selectors.escalations_visible_to(partnership.other_chair)) == [escalation]
    assert list(selectors.open_escalations()) == [escalation]
    assert list(selectors.escalations_awaiting_decision()) == [escalation]
