"""Reminders: each reaches the right people once, in the product and by email, with a link to the thing."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from cscp.actions.models import Action
from cscp.impact.models import Escalation, ImpactUpdate
from cscp.models import GroupMembership, Notification
from cscp.reminders import services
from cscp.reminders.services import link, remind_actions, remind_escalations, remind_impact_updates
from cscp.reminders.tasks import send_reminders
from tests.cscp.boardpack import helpers as h
from tests.factories import GroupMembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def received(username: str) -> list[str]:
    return list(
        Notification.objects.filter(recipient__username=username).order_by("subject").values_list("subject", flat=True)
    )


@pytest.fixture
def vice_chair(partnership):
    person = PersonFactory(username="vicechair")
    GroupMembershipFactory(person=person, group=partnership.subgroup, role=GroupMembership.Role.VICE_CHAIR)
    return person


@pytest.fixture
def owner(partnership):
    """A named owner who is in no group: they hear of their actions only as owner."""
    return PersonFactory(username="owner")


@pytest.fixture
def everything_due(partnership, owner):
    """One of each reminder the daily run sends."""
    p = partnership
    actions = {
        "soon": h.action(group=p.subgroup, person=owner, due=h.days(10), reference="ACT-SOON"),
        "tomorrow": h.action(group=p.subgroup, person=owner, due=h.days(1), reference="ACT-TOMORROW"),
        "overdue": h.action(group=p.subgroup, person=owner, due=h.days(-3), reference="ACT-OVERDUE"),
    }
    meeting = h.board_meeting(p, h.days(12))
    due_cycle = h.cycle(meeting, [p.subgroup], due=h.days(5), title="Spring cycle")
    late_meeting = h.board_meeting(p, h.days(9))
    late_cycle = h.cycle(late_meeting, [p.other_subgroup], due=h.days(-2), title="Winter cycle")
    escalation = h.escalation(p.subgroup, p["chair"], "Health assessment delays", meeting=meeting)
    return {"actions": actions, "due_cycle": due_cycle, "late_cycle": late_cycle, "escalation": escalation}


def test_running_the_reminders_twice_sends_each_once_in_the_product_and_by_email(
    partnership, everything_due, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = send_reminders.delay().get()
    notifications, emails = Notification.objects.count(), len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        second = send_reminders.delay().get()

    # Three actions to their owner and the group's chair; the due update to its chair, the late one to the other
    # group's chair; the escalation to the one Board member.
    assert first == {"actions": 6, "impact_updates": 2, "escalations": 1}
    assert second == {"actions": 0, "impact_updates": 0, "escalations": 0}
    assert notifications == Notification.objects.count() == 9
    assert emails == len(mail.outbox) == 9


def test_action_reminders_go_to_the_named_owner_and_the_owning_groups_chairs(
    partnership, everything_due, vice_chair, owner
):
    remind_actions(today=h.today())

    soon = h.days(10)
    expected = [
        "Action ACT-OVERDUE is overdue: it was due on " + f"{h.days(-3).day} {h.days(-3):%B %Y}",
        f"Action ACT-SOON is due on {soon.day} {soon:%B %Y}",
        "Action ACT-TOMORROW is due tomorrow",
    ]
    assert received("owner") == expected
    assert received("chair") == expected
    assert received("vicechair") == expected
    assert received("otherchair") == []
    assert received("board") == []
    notification = Notification.objects.get(recipient=owner, subject__contains="ACT-OVERDUE")
    assert notification.url == link("actions:detail", everything_due["actions"]["overdue"].pk)
    assert "as the action's named owner" in notification.body


def test_a_chair_who_owns_the_action_hears_once(partnership):
    h.action(group=partnership.subgroup, person=partnership["chair"], due=h.days(-1))

    assert remind_actions(today=h.today()) == 1
    assert len(received("chair")) == 1


def test_overdue_is_said_once_per_action_not_every_morning_until_its_due_date_moves(partnership, owner):
    overdue = h.action(group=partnership.subgroup, person=owner, due=h.days(-3))
    remind_actions(today=h.today())

    for later in range(1, 5):
        assert remind_actions(today=h.today() + datetime.timedelta(days=later)) == 0
    Action.objects.filter(pk=overdue.pk).update(due_date=h.days(-1))
    remind_actions(today=h.today())

    assert len(received("owner")) == 2


def test_completed_actions_and_actions_due_later_get_no_reminder(partnership, owner):
    h.action(group=partnership.subgroup, person=owner, due=h.days(-3), stage=Action.Stage.COMPLETED)
    h.action(group=partnership.subgroup, person=owner, due=h.days(15))

    assert remind_actions(today=h.today()) == 0


def test_an_action_owned_by_an_agency_alone_reminds_its_named_owner(partnership, owner):
    h.action(agency=partnership.agency, person=owner, due=h.days(1), reference="ACT-AGENCY")

    remind_actions(today=h.today())

    assert received("owner") == ["Action ACT-AGENCY is due tomorrow"]
    assert Notification.objects.count() == 1


def test_update_reminders_go_to_the_groups_chair_and_vice_chair(partnership, everything_due, vice_chair):
    remind_impact_updates(today=h.today())

    due = h.days(5)
    assert received("chair") == [f"The Learning and Improvement Subgroup impact update is due on {due.day} {due:%B %Y}"]
    assert received("vicechair") == received("chair")
    late = h.days(-2)
    assert received("otherchair") == [
        f"The Case Review Group impact update is late: it was due on {late.day} {late:%B %Y}"
    ]
    assert received("officer") == []
    cycle = everything_due["due_cycle"]
    url = Notification.objects.get(recipient__username="chair").url
    assert url == reverse("impact:update-edit", args=[cycle.pk, partnership.subgroup.pk])


def test_a_submitted_update_is_not_reminded_about(partnership, everything_due):
    p = partnership
    h.update(everything_due["due_cycle"], p.subgroup, submitted_on=h.days(-1))
    h.update(everything_due["late_cycle"], p.other_subgroup, status=ImpactUpdate.Status.DRAFT)

    remind_impact_updates(today=h.today())

    assert received("chair") == []
    assert len(received("otherchair")) == 1  # a draft is not a submitted update


def test_a_late_update_is_not_chased_once_the_board_has_met(partnership):
    old_meeting = h.board_meeting(partnership, h.days(-5))
    h.cycle(old_meeting, [partnership.subgroup], due=h.days(-20))

    assert remind_impact_updates(today=h.today()) == 0


def test_escalations_awaiting_a_decision_reach_board_members_before_their_meeting(partnership, everything_due):
    p = partnership
    far = h.board_meeting(p, h.days(40))
    h.escalation(p.subgroup, p["chair"], "For a later meeting", meeting=far)
    h.escalation(
        p.subgroup, p["chair"], "Already decided", meeting=far, status=Escalation.Status.DECIDED, decision="Agreed"
    )

    assert remind_escalations(today=h.today()) == 1

    [notification] = Notification.objects.filter(recipient__username="board")
    assert "Health assessment delays" in notification.subject
    assert notification.url == link("impact:escalation-detail", everything_due["escalation"].pk)
    assert received("chair") == []
    assert received("business") == []


def test_an_escalation_with_no_meeting_goes_to_the_next_board_meeting(partnership):
    p = partnership
    next_meeting = h.board_meeting(p, h.days(6))
    h.board_meeting(p, h.days(13))
    escalation = h.escalation(p.subgroup, p["chair"], "No meeting chosen")

    remind_escalations(today=h.today())
    Escalation.objects.filter(pk=escalation.pk).update(board_meeting=next_meeting)
    remind_escalations(today=h.today())

    # Once per escalation per meeting: choosing the same meeting later does not repeat it.
    assert Notification.objects.filter(recipient__username="board").count() == 1


def test_people_whose_membership_has_ended_get_no_reminders(partnership, everything_due):
    p = partnership
    GroupMembership.objects.filter(person=p["chair"]).update(start_date=h.days(-400), end_date=h.days(-1))
    GroupMembership.objects.filter(person=p["board"]).update(start_date=h.days(-400), end_date=h.days(-1))

    send_reminders()

    assert received("chair") == []
    assert received("board") == []


def test_deactivated_people_get_no_email(partnership, everything_due, owner, django_capture_on_commit_callbacks):
    owner.is_active = False
    owner.save()

    with django_capture_on_commit_callbacks(execute=True):
        send_reminders()

    assert not [message for message in mail.outbox if owner.email in message.to]
    assert received("owner") == []
    assert [message for message in mail.outbox if partnership["chair"].email in message.to]


def test_a_reminder_links_to_the_home_page_when_the_page_it_names_does_not_exist(partnership):
    assert link("cscp:no-such-page", 1) == reverse("cscp:home")
    assert link("boardpack:detail", 7) == reverse("boardpack:detail", args=[7])


def test_the_email_carries_the_link_to_the_thing(partnership, owner, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://assurance.example.org"
    action = h.action(group=partnership.subgroup, person=owner, due=h.days(1))

    with django_capture_on_commit_callbacks(execute=True):
        services.remind_actions(today=h.today())

    [email] = [message for message in mail.outbox if message.to == [owner.email]]
    assert "https://assurance.example.org" + link("actions:detail", action.pk) in email.body
    assert action.title in email.body
