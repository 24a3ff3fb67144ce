"""Escalations: raised by a group (directly, from its impact update, or by another app), decided by the Board,
closed when the outcome is recorded, and visible to the raising group."""

from __future__ import annotations

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cscp.actions.models import Action
from cscp.impact import guards, selectors, services
from cscp.impact.models import Escalation
from cscp.models import AuditEvent, Notification
from tests.cscp.impact.factories import EscalationFactory, board_meeting, submitted_update
from tests.cscp.structure_helpers import date_fields, error_beside
from tests.factories import GroupMembershipFactory, PersonFactory, ThemeFactory

pytestmark = pytest.mark.django_db

FIELDS = {
    "title": "Delays in initial health assessments",
    "concern": "Children in care wait months for their first health assessment.",
    "evidence": "41% completed within 20 working days last quarter.",
    "ask": "Ask the ICB to report its recovery plan.",
}


def _detail(escalation) -> str:
    return reverse("impact:escalation-detail", args=[escalation.pk])


def _decided(partnership, **kwargs) -> Escalation:
    """Taken to yesterday's Board meeting and agreed there, minuted by the partnership team."""
    kwargs.setdefault("board_meeting", board_meeting(-1))
    escalation = EscalationFactory(raised_by_group=partnership.subgroup, **kwargs)
    return services.escalation_decide(
        actor=partnership["admin"], escalation=escalation, kind="agreed", rationale="The ICB reports in March."
    )


# Raising.


def test_a_chair_escalates_a_concern_for_their_group_and_the_board_is_told(client_for, partnership):
    second_board_member = PersonFactory(username="board2")
    GroupMembershipFactory(person=second_board_member, group=partnership.board)
    meeting = board_meeting(30)
    theme = ThemeFactory(name="Children in care")
    response = client_for("chair").post(
        reverse("impact:escalation-create"),
        {**FIELDS, "group": partnership.subgroup.pk, "board_meeting": meeting.pk, "themes": [theme.pk]},
    )
    escalation = Escalation.objects.get()
    assert response["Location"] == _detail(escalation)
    assert escalation.raised_by_group == partnership.subgroup
    assert escalation.raised_by == partnership["chair"]
    assert escalation.source == Escalation.Source.DIRECT
    assert escalation.status == Escalation.Status.AWAITING_DECISION
    assert escalation.board_meeting == meeting
    assert list(escalation.themes.all()) == [theme]
    told = Notification.objects.filter(url=_detail(escalation))
    assert sorted(n.recipient.username for n in told) == ["board", "board2"]
    assert AuditEvent.objects.filter(action="impact.escalation.raised", object_id=str(escalation.pk)).exists()


def test_a_chair_can_only_escalate_for_their_own_groups(client_for, partnership):
    form = client_for("chair").get(reverse("impact:escalation-create")).context["form"]
    assert list(form.fields["group"].queryset) == [partnership.subgroup]
    response = client_for("chair").post(
        reverse("impact:escalation-create"), {**FIELDS, "group": partnership.other_subgroup.pk}
    )
    assert response.status_code == 200
    assert error_beside(response, "group") == ["Choose one of your groups from the list"]
    assert not Escalation.objects.exists()


def test_an_escalation_needs_its_concern_evidence_and_ask(client_for, partnership):
    response = client_for("chair").post(reverse("impact:escalation-create"), {"group": partnership.subgroup.pk})
    assert error_beside(response, "title") == ["Enter a title for the escalation"]
    assert error_beside(response, "concern") == ["Enter the concern"]
    assert error_beside(response, "evidence") == ["Enter the evidence for the concern"]
    assert error_beside(response, "ask") == ["Enter what you are asking the Board to do"]
    assert not Escalation.objects.exists()


def test_an_officer_cannot_escalate(client_for, partnership):
    response = client_for("officer").post(
        reverse("impact:escalation-create"), {**FIELDS, "group": partnership.subgroup.pk}
    )
    assert response.status_code == 403
    assert not Escalation.objects.exists()


def test_raising_from_an_update_starts_from_its_matters_to_escalate(client_for, partnership, sections, cycle):
    update = submitted_update(partnership.subgroup, cycle)
    escalate = next(s for s in sections if s.title == "Matters to escalate")
    update.answers.filter(section=escalate).update(text="Health assessments are too slow.")
    client = client_for("chair")
    form = client.get(reverse("impact:escalation-raise-from-update", args=[update.pk])).context["form"]
    assert form.initial["concern"] == "Health assessments are too slow."
    assert "group" not in form.fields
    response = client.post(
        reverse("impact:escalation-raise-from-update", args=[update.pk]),
        {**FIELDS, "group": partnership.other_subgroup.pk},
    )
    escalation = Escalation.objects.get()
    assert response["Location"] == _detail(escalation)
    # The update's group raises it, whatever was posted.
    assert escalation.raised_by_group == partnership.subgroup
    assert escalation.source == Escalation.Source.IMPACT_UPDATE
    assert escalation.impact_update == update
    assert escalation.source_url == reverse("impact:update-detail", args=[update.pk])
    assert "Escalated to the Board" in client.get(reverse("impact:update-detail", args=[update.pk])).content.decode()


def test_raising_from_an_update_starts_from_the_section_marked_for_escalation_whatever_its_title(
    client_for, partnership, sections, cycle
):
    escalate = next(s for s in sections if s.is_escalation)
    escalate.title = "Concerns for the Board"
    escalate.save()
    # A section that only mentions escalating in its title is not the one.
    risks = sections[3]
    risks.title = "Risks we may escalate later"
    risks.save()
    update = submitted_update(partnership.subgroup, cycle)
    update.answers.filter(section=escalate).update(text="Health assessments are too slow.")
    update.answers.filter(section=risks).update(text="Not this one.")
    form = client_for("chair").get(reverse("impact:escalation-raise-from-update", args=[update.pk])).context["form"]
    assert form.initial["concern"] == "Health assessments are too slow."


def test_other_apps_raise_escalations_through_the_service(partnership):
    escalation = services.escalation_raise(
        actor=partnership["chair"],
        group=partnership.subgroup,
        title="Re-referrals rising",
        concern="Re-referrals are above our neighbours",
        evidence="24.1% against 19.8%",
        ask="Note the trend and ask for an audit",
        source=Escalation.Source.INDICATOR,
        source_label="Indicator: re-referrals within 12 months",
        source_url="/scorecards/indicators/4/",
    )
    assert (escalation.source, escalation.source_label) == ("indicator", "Indicator: re-referrals within 12 months")
    assert Notification.objects.filter(recipient=partnership["board"]).count() == 1


def test_the_service_refuses_a_meeting_that_is_not_the_boards(partnership):
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(group=partnership.subgroup, date=timezone.localdate())
    with pytest.raises(ValidationError) as refused:
        services.escalation_raise(
            actor=partnership["chair"], group=partnership.subgroup, board_meeting=meeting, **FIELDS
        )
    assert refused.value.message_dict == {"board_meeting": ["Choose a meeting of the Board"]}


# Reading.


def test_the_raising_groups_members_and_the_oversight_roles_see_it(client_for, client, partnership):
    escalation = EscalationFactory(raised_by_group=partnership.subgroup)
    for persona in ("chair", "officer", "board", "business", "admin", "scrutineer"):
        assert client_for(persona).get(_detail(escalation)).status_code == 200, persona
    client.force_login(partnership.other_chair)
    assert client.get(_detail(escalation)).status_code == 403


def test_the_list_shows_open_escalations_first_and_filters(client_for, partnership):
    closed = EscalationFactory(raised_by_group=partnership.subgroup, title="Closed one", status="closed")
    older_open = EscalationFactory(raised_by_group=partnership.subgroup, title="Older open")
    older_open.raised_at = timezone.now() - datetime.timedelta(days=10)
    older_open.save()
    theirs = EscalationFactory(raised_by_group=partnership.other_subgroup, title="Theirs")
    client = client_for("board")
    titles = [e.title for e in client.get(reverse("impact:escalation-list")).context["page"]]
    assert titles == ["Theirs", "Older open", "Closed one"]
    filtered = client.get(reverse("impact:escalation-list"), {"status": "open", "group": partnership.subgroup.pk})
    assert [e.title for e in filtered.context["page"]] == ["Older open"]
    decided = client.get(reverse("impact:escalation-list"), {"status": "closed"})
    assert [e.title for e in decided.context["page"]] == [closed.title]
    # The chair sees their own group's only.
    mine = client_for("chair").get(reverse("impact:escalation-list"))
    assert theirs.title not in [e.title for e in mine.context["page"]]


def test_a_made_up_filter_is_ignored_not_a_crash(client_for, partnership):
    EscalationFactory(raised_by_group=partnership.subgroup)
    response = client_for("board").get(reverse("impact:escalation-list"), {"status": "nonsense", "group": "x"})
    assert response.status_code == 200


# Deciding and recording the outcome.


def _awaiting(partnership, days_ago: int = 1, **kwargs) -> Escalation:
    """Taken to a Board meeting `days_ago` (negative: still to come)."""
    return EscalationFactory(raised_by_group=partnership.subgroup, board_meeting=board_meeting(-days_ago), **kwargs)


def _decide_url(escalation) -> str:
    return reverse("impact:escalation-decide", args=[escalation.pk])


def test_the_boards_chair_minutes_an_agreed_decision_and_the_chair_is_told(client, partnership, board_chair):
    escalation = _awaiting(partnership)
    client.force_login(board_chair)
    assert reverse("impact:escalation-decide", args=[escalation.pk]) in client.get(_detail(escalation)).content.decode()
    response = client.post(_decide_url(escalation), {"kind": "agreed", "rationale": "Ask the ICB for a plan by March."})
    assert response["Location"] == _detail(escalation)
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.DECIDED and escalation.decision_kind == "agreed"
    assert escalation.decided_by == board_chair and escalation.decision == "Ask the ICB for a plan by March."
    minute = escalation.decisions.get()
    assert minute.meeting == escalation.board_meeting and minute.kind == "agreed"
    assert Notification.objects.filter(recipient=partnership["chair"], subject__contains="(agreed)").exists()
    assert AuditEvent.objects.filter(action="impact.escalation.decided", object_id=str(escalation.pk)).exists()
    page = client.get(_detail(escalation)).content.decode()
    assert "Ask the ICB for a plan by March." in page and "<strong>Agreed</strong>" in page
    assert "Not yet recorded. The escalation stays open until it is." in page


def test_a_decision_needs_a_kind_and_its_reasons(client_for, partnership):
    escalation = _awaiting(partnership)
    response = client_for("admin").post(_decide_url(escalation), {"kind": "", "rationale": ""})
    assert error_beside(response, "kind") == ["Choose what the Board decided"]
    assert error_beside(response, "rationale") == ["Enter the reason for the Board's decision"]
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.AWAITING_DECISION and not escalation.decisions.exists()


def test_a_decision_cannot_be_recorded_before_the_meeting(client_for, partnership, board_chair):
    """A week before the meeting, nobody can record "the Board's decision"."""
    escalation = _awaiting(partnership, days_ago=-7)
    page = client_for("admin").get(_detail(escalation)).content.decode()
    assert _decide_url(escalation) not in page
    assert "you can record it from" in html.unescape(page)
    response = client_for("admin").post(_decide_url(escalation), {"kind": "agreed", "rationale": "Agreed"}, follow=True)
    assert "The Board&#x27;s decision is recorded at or after the meeting" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.escalation_decide(actor=board_chair, escalation=escalation, kind="agreed", rationale="Agreed")
    assert "you can record it from" in refused.value.messages[0]
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.AWAITING_DECISION and not escalation.decisions.exists()


def test_on_the_day_of_the_meeting_the_decision_can_be_recorded(client_for, partnership):
    escalation = _awaiting(partnership, days_ago=0)
    response = client_for("admin").post(_decide_url(escalation), {"kind": "declined", "rationale": "Not ours"})
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.decision_kind == "declined"


def test_an_escalation_for_the_next_meeting_is_decided_at_the_first_board_meeting_after_it_was_raised(partnership):
    meeting = board_meeting(-1)
    escalation = EscalationFactory(
        raised_by_group=partnership.subgroup, raised_at=timezone.now() - datetime.timedelta(days=5)
    )
    assert guards.decision_meeting(escalation) == meeting
    services.escalation_decide(actor=partnership["admin"], escalation=escalation, kind="agreed", rationale="Yes")
    escalation.refresh_from_db()
    assert escalation.board_meeting == meeting and escalation.decisions.get().meeting == meeting


def test_an_escalation_raised_after_the_last_meeting_waits_for_the_next(partnership):
    board_meeting(-10)
    escalation = EscalationFactory(raised_by_group=partnership.subgroup)
    assert "No Board meeting is planned" in guards.escalation_decide_blocked(escalation)
    board_meeting(20)
    assert "you can record it from" in guards.escalation_decide_blocked(escalation)


def test_a_deferral_sends_the_escalation_to_the_named_meeting_and_its_pack(client_for, partnership):
    escalation = _awaiting(partnership)
    this_meeting = escalation.board_meeting
    next_meeting = board_meeting(60)
    response = client_for("admin").post(
        _decide_url(escalation),
        {"kind": "deferred", "deferred_to": next_meeting.pk, "rationale": "Wait for the ICB's report"},
    )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.AWAITING_DECISION and escalation.decision_kind == ""
    assert escalation.board_meeting == next_meeting and escalation.decided_at is None
    minute = escalation.decisions.get()
    assert minute.kind == "deferred" and minute.meeting == this_meeting and minute.deferred_to == next_meeting
    assert list(selectors.awaiting_board_decision(next_meeting)) == [escalation]
    assert escalation not in selectors.awaiting_board_decision(this_meeting)
    # The next meeting's Board pack asks for the decision again; this meeting's no longer does.
    from cscp.boardpack.reports import decisions_section

    assert decisions_section(meeting=next_meeting)["escalations"] == [escalation]
    assert escalation not in decisions_section(meeting=this_meeting)["escalations"]
    deferral = Notification.objects.get(recipient=partnership["chair"], subject__contains="deferred")
    assert "meeting on" in deferral.subject
    # Before the meeting it was deferred to, the decision waits.
    assert "you can record it from" in guards.escalation_decide_blocked(escalation)


@pytest.mark.parametrize(
    ("deferred_to", "message"),
    [
        (lambda: "", "Choose the Board meeting the escalation is deferred to"),
        (lambda: board_meeting(-3).pk, "Choose a Board meeting still to come"),
    ],
)
def test_a_deferral_needs_a_meeting_still_to_come(client_for, partnership, deferred_to, message):
    escalation = _awaiting(partnership)
    meeting = escalation.board_meeting
    data = {"kind": "deferred", "deferred_to": deferred_to(), "rationale": "Later"}
    response = client_for("admin").post(_decide_url(escalation), data)
    assert error_beside(response, "deferred_to") == [message]
    escalation.refresh_from_db()
    assert escalation.board_meeting == meeting and not escalation.decisions.exists()
    assert not Notification.objects.filter(subject__contains="deferred").exists()


def test_the_service_refuses_a_deferral_to_a_past_meeting(partnership):
    escalation = _awaiting(partnership)
    with pytest.raises(ValidationError) as refused:
        services.escalation_decide(
            actor=partnership["admin"],
            escalation=escalation,
            kind="deferred",
            rationale="Later",
            deferred_to=board_meeting(-2),
        )
    assert refused.value.message_dict == {"deferred_to": ["Choose a Board meeting still to come"]}


def test_a_referral_names_the_group(client_for, partnership):
    escalation = _awaiting(partnership)
    response = client_for("admin").post(_decide_url(escalation), {"kind": "referred", "rationale": "For the QA group"})
    assert error_beside(response, "referred_to") == ["Choose the group the escalation is referred to"]
    response = client_for("admin").post(
        _decide_url(escalation),
        {"kind": "referred", "referred_to": partnership.other_subgroup.pk, "rationale": "For the Case Review Group"},
    )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.decision_kind == "referred" and escalation.referred_to == partnership.other_subgroup
    assert Notification.objects.filter(
        recipient=partnership["chair"], subject__contains="referred to Case Review Group"
    ).exists()


def test_telling_the_group_is_once_per_minute(partnership):
    escalation = _awaiting(partnership)
    services.escalation_decide(
        actor=partnership["admin"],
        escalation=escalation,
        kind="deferred",
        rationale="Later",
        deferred_to=board_meeting(9),
    )
    assert Notification.objects.filter(recipient=partnership["chair"]).count() == 1


@pytest.mark.parametrize("persona", ["board", "chair", "business", "scrutineer"])
def test_only_the_boards_chair_or_the_partnership_team_minutes_a_decision(client_for, partnership, persona):
    """An ordinary Board member cannot record "the Board's decision" on their own."""
    escalation = _awaiting(partnership)
    assert _decide_url(escalation) not in client_for(persona).get(_detail(escalation)).content.decode()
    response = client_for(persona).post(_decide_url(escalation), {"kind": "agreed", "rationale": "Yes"})
    assert response.status_code == 403
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.AWAITING_DECISION


def test_an_escalation_that_was_never_raised_cannot_be_decided(client_for, partnership):
    response = client_for("admin").post(reverse("impact:escalation-decide", args=[9999]), {"kind": "agreed"})
    assert response.status_code == 404


def test_a_decision_cannot_be_recorded_twice(client_for, partnership):
    escalation = _decided(partnership)
    response = client_for("admin").post(_decide_url(escalation), {"kind": "declined", "rationale": "Again"})
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.decision == "The ICB reports in March." and escalation.decisions.count() == 1
    with pytest.raises(ValidationError):
        services.escalation_decide(actor=partnership["admin"], escalation=escalation, kind="agreed", rationale="Again")


def test_the_outcome_cannot_come_before_the_decision(client_for, partnership):
    escalation = EscalationFactory(raised_by_group=partnership.subgroup)
    response = client_for("board").post(
        reverse("impact:escalation-outcome", args=[escalation.pk]), {"outcome": "Done"}, follow=True
    )
    assert "Record the Board's decision before the outcome" in html.unescape(response.content.decode())
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.AWAITING_DECISION and escalation.outcome == ""
    with pytest.raises(ValidationError) as refused:
        services.escalation_record_outcome(actor=partnership["board"], escalation=escalation, outcome="Done")
    assert refused.value.messages == ["Record the Board's decision before the outcome"]


def test_recording_the_outcome_closes_the_escalation(client_for, partnership):
    escalation = _decided(partnership)
    response = client_for("admin").post(
        reverse("impact:escalation-outcome", args=[escalation.pk]), {"outcome": "The plan was delivered."}
    )
    assert response["Location"] == _detail(escalation)
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.CLOSED
    assert escalation.outcome_recorded_by == partnership["admin"]
    assert AuditEvent.objects.filter(action="impact.escalation.closed").exists()
    assert client_for("board").get(reverse("impact:escalation-outcome", args=[escalation.pk])).status_code == 302


def test_the_detail_lists_actions_raised_from_the_escalation(client_for, partnership):
    escalation = _decided(partnership)
    action = Action.objects.create(
        reference="ESC-1",
        title="Recovery plan for health assessments",
        owner_group=partnership.subgroup,
        due_date=timezone.localdate() + datetime.timedelta(days=60),
    )
    escalation.actions.add(action)
    page = client_for("board").get(_detail(escalation)).content.decode()
    assert "ESC-1: Recovery plan for health assessments" in page
    # The Board decides; raising the action is for the group that escalated (a link only for those who may follow it).
    assert _raise_url(escalation) not in page
    assert _raise_url(escalation) in client_for("chair").get(_detail(escalation)).content.decode()


def _raise_url(escalation) -> str:
    return reverse("impact:escalation-action-create", args=[escalation.pk])


def _action_form(partnership, **changes) -> dict:
    data = {
        "title": "Recovery plan for health assessments",
        "description": "",
        "source": "escalation",
        "source_reference": "Delays in initial health assessments",
        "source_url": "",
        "owner_group": partnership.subgroup.pk,
        "owner_agency": "",
        "owner_person": "",
        "priority": "",
        **date_fields("raised_on", timezone.localdate()),
        **date_fields("due_date", timezone.localdate() + datetime.timedelta(days=90)),
    }
    return {**data, **changes}


def test_raising_an_action_from_an_escalation_fills_in_its_source_and_group_and_keeps_it_with_the_escalation(
    client_for, partnership
):
    escalation = _decided(partnership)
    response = client_for("chair").get(_raise_url(escalation))
    form = response.context["form"]
    assert form["source"].value() == "escalation"
    assert form["owner_group"].value() == partnership.subgroup.pk
    assert form["source_reference"].value() == escalation.title
    assert f"raised from the escalation “{escalation.title}”" in html.unescape(response.content.decode())
    response = client_for("chair").post(_raise_url(escalation), _action_form(partnership))
    action = Action.objects.get()
    assert response["Location"] == reverse("actions:detail", args=[action.pk])
    assert list(escalation.actions.all()) == [action]
    assert action.source_url == _detail(escalation)
    assert AuditEvent.objects.filter(action="impact.escalation.action_raised", object_id=str(escalation.pk)).exists()


def test_another_groups_chair_cannot_raise_an_action_from_its_escalation(client_for, partnership):
    escalation = _decided(partnership)
    escalation.raised_by_group = partnership.other_subgroup
    escalation.save()
    assert client_for("chair").get(_raise_url(escalation)).status_code == 404
    assert client_for("chair").post(_raise_url(escalation), _action_form(partnership)).status_code == 404
    assert client_for("board").post(_raise_url(escalation), _action_form(partnership)).status_code == 403
    assert not Action.objects.exists()


def test_no_action_is_raised_from_an_escalation_awaiting_the_board(client_for, partnership):
    escalation = EscalationFactory(raised_by_group=partnership.subgroup)
    response = client_for("chair").post(_raise_url(escalation), _action_form(partnership))
    assert response["Location"] == _detail(escalation)
    assert not Action.objects.exists()
    with pytest.raises(ValidationError):
        services.escalation_action_raise(
            actor=partnership["admin"],
            escalation=escalation,
            title="Too early",
            due_date=timezone.localdate(),
            owner_group=partnership.subgroup,
        )


def test_no_action_is_offered_before_the_decision(client_for, partnership):
    escalation = EscalationFactory(raised_by_group=partnership.subgroup)
    assert "Raise an action from this escalation" not in client_for("board").get(_detail(escalation)).content.decode()


def test_the_service_refuses_a_link_back_that_is_not_a_page_or_web_address(partnership):
    with pytest.raises(ValidationError) as refused:
        services.escalation_raise(
            actor=partnership["chair"], group=partnership.subgroup, source_url="javascript:alert(1)", **FIELDS
        )
    assert list(refused.value.message_dict) == ["source_url"]
    assert not Escalation.objects.exists()
