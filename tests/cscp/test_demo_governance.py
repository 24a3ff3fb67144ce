"""The demo's governance cycle: every persona finds something to do in it, and loading it again changes nothing."""

from __future__ import annotations

import datetime
import io
import re
import shutil
from collections import Counter

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from cscp.actions import services as action_services
from cscp.actions import status as st
from cscp.actions.demo import ActionDemo
from cscp.actions.models import Action, ActionNote
from cscp.actions.selectors import with_status
from cscp.impact import services as impact_services
from cscp.impact.demo import ImpactDemo
from cscp.impact.models import (
    Escalation,
    ImpactTemplateSection,
    ImpactUpdate,
    ImpactUpdateAnswer,
    ImpactUpdateComment,
    ReportingCycle,
)
from cscp.impact.selectors import current_cycle, due_updates_for_cycles
from cscp.models import AuditEvent, Group, Notification, Person
from cscp.reminders.tasks import send_reminders
from cscp.sections import demo_loaders

pytestmark = pytest.mark.django_db

# The day the demo's dates were chosen for.
TODAY = datetime.date(2026, 11, 27)
LEARNING = "Learning and Improvement Subgroup"
CASE_REVIEW = "Case Review Group"
MET = "Missing, Exploited and Trafficked Subgroup"
QA = "Quality Assurance and Performance Subgroup"


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    # The demo's dates were chosen for one day: pin "today" so the pages and reminders see the demo described.
    real = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, *args, **kw: real(value, *args, **kw) if value else TODAY
    )
    return seed()


def person(username: str) -> Person:
    return Person.objects.get(username=username)


def update_of(group: str, cycle: ReportingCycle) -> ImpactUpdate:
    return ImpactUpdate.objects.get(group__name=group, cycle=cycle)


def history_counts() -> dict[str, int]:
    historical = [m for m in apps.get_models() if m.__name__.startswith("Historical")]
    return {m.__name__: m.objects.count() for m in historical}


def counts() -> dict[str, int]:
    return {
        **history_counts(),
        "events": AuditEvent.objects.count(),
        "comments": ImpactUpdateComment.objects.count(),
        "notes": ActionNote.objects.count(),
        "answers": ImpactUpdateAnswer.objects.count(),
    }


def test_seed_demo_runs_the_governance_loaders_after_the_action_tracker_they_link_to(demo):
    # Impact updates and escalations refer to the tracker's actions, so the tracker's demo loads first.
    assert demo_loaders.index(ActionDemo) < demo_loaders.index(ImpactDemo)
    assert "Action tracker: created 25 actions, 11 progress notes." in demo
    assert (
        "Impact updates and escalations: created 6 impact template sections, 2 reporting cycles, 7 impact updates"
        in demo
    )
    assert list(ImpactTemplateSection.objects.values_list("title", "is_required")) == [
        ("What we did", True),
        ("What difference it made and the evidence for it", True),
        ("What is not working", True),
        ("Risks", True),
        ("Matters to escalate to the Board", False),
        ("Next steps", True),
    ]
    assert AuditEvent.objects.filter(action="impact.demo.seeded").count() == 1
    assert AuditEvent.objects.filter(action="actions.demo.seeded").count() == 1


def test_the_current_cycle_is_for_the_next_board_meeting_and_was_due_before_the_business_group_met(demo):
    cycle = current_cycle(TODAY)
    assert cycle.board_meeting.date == datetime.date(2026, 12, 10)
    assert cycle.due_date < cycle.business_meeting.date < cycle.board_meeting.date
    assert set(cycle.groups.values_list("name", flat=True)) == {LEARNING, CASE_REVIEW, MET, QA}
    labels = {due.group.name: due.status_label for due in due_updates_for_cycles([cycle], today=TODAY)}
    # The chair's draft has missed the deadline too, as drafts do.
    assert labels == {LEARNING: "Late", CASE_REVIEW: "Submitted", MET: "Acknowledged", QA: "Late"}
    assert not ImpactUpdate.objects.filter(cycle=cycle, group__name=QA).exists()

    past = ReportingCycle.objects.get(board_meeting__date=datetime.date(2026, 10, 8))
    updates = ImpactUpdate.objects.filter(cycle=past)
    assert updates.count() == 4
    assert all(u.status == "acknowledged" and u.acknowledged_by is not None for u in updates)
    # Each acknowledgement is kept as what the reviewer wrote.
    assert ImpactUpdateComment.objects.filter(update__cycle=past, kind="acknowledgement").count() == 4


def test_the_chair_has_a_draft_with_two_sections_written_and_can_finish_and_submit_it(demo, client):
    chair = person("chair")
    update = update_of(LEARNING, current_cycle(TODAY))
    assert update.status == ImpactUpdate.Status.DRAFT and update.submitted_at is None
    written = list(update.answers.exclude(text="").order_by("section__order"))
    assert [a.section.title for a in written] == ["What we did", "What difference it made and the evidence for it"]
    assert [a.is_complete for a in written] == [True, False]  # the second is saved to come back to
    assert update.version == 3  # started, then two saves

    client.force_login(chair)
    page = client.get(reverse("impact:update-edit", args=[update.cycle_id, update.group_id]))
    assert page.status_code == 200
    assert "In progress" in page.content.decode()

    # The services take the draft on from where the demo left it.
    with pytest.raises(impact_services.ValidationError):
        impact_services.impact_update_submit(actor=chair, update=update, version=update.version)
    for section in ImpactTemplateSection.objects.filter(is_required=True):
        if not update.answers.filter(section=section).exclude(text="").exists():
            impact_services.impact_update_save_section(
                actor=chair, update=update, section=section, text="Written in the demo.", version=update.version
            )
    impact_services.impact_update_submit(actor=chair, update=update, version=update.version)
    assert ImpactUpdate.objects.get(pk=update.pk).status == ImpactUpdate.Status.SUBMITTED


def test_business_has_the_case_review_groups_update_to_review_with_a_comment_on_it(demo, client):
    update = update_of(CASE_REVIEW, current_cycle(TODAY))
    assert update.status == ImpactUpdate.Status.SUBMITTED
    assert update.submitted_by == person("emma.crosthwaite") and update.acknowledged_at is None
    assert update.answers.count() == ImpactTemplateSection.objects.count()
    assert update.comments.filter(kind="comment", author__username="paul.dalton").exists()

    client.force_login(person("business"))
    page = client.get(reverse("impact:update-detail", args=[update.pk]))
    assert page.status_code == 200
    assert "Acknowledge the update" in page.content.decode()
    impact_services.impact_update_acknowledge(actor=person("business"), update=update)
    assert ImpactUpdate.objects.get(pk=update.pk).acknowledged_by == person("business")


def test_one_escalation_awaits_the_board_one_awaits_its_outcome_and_one_is_closed(demo):
    waiting = Escalation.objects.get(status=Escalation.Status.AWAITING_DECISION)
    assert waiting.raised_by_group.name == MET
    assert "return home interview" in waiting.title.lower()
    assert waiting.board_meeting.date == datetime.date(2026, 12, 10)
    assert waiting.impact_update == update_of(MET, current_cycle(TODAY))
    assert waiting.source_url == reverse("impact:update-detail", args=[waiting.impact_update.pk])
    assert set(waiting.themes.values_list("name", flat=True)) == {"Missing children", "Child exploitation"}

    decided = Escalation.objects.get(status=Escalation.Status.DECIDED)
    assert decided.decision and decided.decided_by and not decided.outcome
    assert decided.actions.exists()
    closed = Escalation.objects.get(status=Escalation.Status.CLOSED)
    assert closed.outcome and closed.outcome_recorded_by == person("admin")

    # The Board's chair minutes its decision at the meeting on 10 December, not on 27 November.
    with pytest.raises(ValidationError) as refused:
        impact_services.escalation_decide(
            actor=person("anne.carruthers"), escalation=waiting, kind="agreed", rationale="Agreed for six months."
        )
    assert "you can record it from 10 December 2026" in refused.value.messages[0]
    assert Escalation.objects.get(pk=waiting.pk).status == Escalation.Status.AWAITING_DECISION


def test_the_tracker_has_actions_in_every_status_and_owners_for_each_persona(demo):
    actions = list(Action.objects.all())
    assert len(actions) == 25
    statuses = [st.derived_status(action, TODAY) for action in actions]
    # As docs/demo.md describes them.
    assert Counter(statuses) == {
        st.OVERDUE: 4,
        st.AT_RISK: 3,
        st.NOT_STARTED: 3,
        st.ON_TRACK: 7,
        st.COMPLETED: 3,
        st.SIGNED_OFF: 1,
        st.IMPACT_TESTED: 3,
        st.CLOSED: 1,
    }
    # The database's idea of the status agrees with the page's.
    assert {a.pk: a.status for a in with_status(Action.objects.all(), TODAY)} == {
        a.pk: s for a, s in zip(actions, statuses, strict=True)
    }
    assert Action.objects.filter(stage="completed", signed_off_at__isnull=False).count() == 1
    assert Action.objects.filter(stage="completed", signed_off_at=None).exclude(completion_evidence="").count() >= 2
    assert Action.objects.filter(stage="impact_tested").exclude(impact_finding="").count() >= 1
    assert set(Action.objects.values_list("source", flat=True)) >= {
        "practice_review",
        "scrutiny",
        "audit",
        "section_11",
        "inspection",
        "escalation",
    }
    references = [a.reference for a in actions]
    assert len(set(references)) == len(references) and all(re.fullmatch(r"A-\d{4}", r) for r in references)

    learning = Group.objects.get(name=LEARNING)
    assert Action.objects.filter(owner_group=learning).count() >= 4
    assert Action.objects.filter(owner_person__username="chair").count() >= 3
    assert Action.objects.filter(owner_person__username="officer").count() >= 2
    # The chair has an action waiting to be impact tested, and one due soon that has not started.
    assert Action.objects.filter(owner_group=learning, stage="completed", signed_off_at__isnull=False).exists()
    chairs = [a for a in actions if a.owner_person and a.owner_person.username == "chair"]
    assert st.AT_RISK in {st.derived_status(a, TODAY) for a in chairs}
    assert ActionNote.objects.count() >= 8


def test_the_closed_action_says_why_it_was_closed(demo):
    closed = Action.objects.get(stage="closed")
    event = AuditEvent.objects.get(action="actions.action.closed", object_id=str(closed.pk))
    assert "improvement plan" in event.data["reason"]
    assert event.created_at == closed.closed_at


def test_a_second_run_changes_nothing(demo, django_assert_max_num_queries):
    before = counts()
    output = seed()
    assert "Action tracker: nothing to add." in output
    assert "Impact updates and escalations: nothing to add." in output
    assert counts() == before

    # Bulk reads: checking the whole cycle costs one query a table, however many updates and actions there are.
    for loader in (ActionDemo, ImpactDemo):
        with django_assert_max_num_queries(20):
            assert not loader().run(stdout=io.StringIO())


def test_a_second_run_keeps_what_people_did_in_the_browser_and_only_adds_what_is_missing(demo):
    # The chair finishes and submits the December update, and the Business Group acknowledges it.
    chair, update = person("chair"), update_of(LEARNING, current_cycle(TODAY))
    for section in ImpactTemplateSection.objects.filter(is_required=True):
        if not update.answers.filter(section=section).exclude(text="").exists():
            impact_services.impact_update_save_section(
                actor=chair, update=update, section=section, text="Written in the demo.", version=update.version
            )
    impact_services.impact_update_submit(actor=chair, update=update, version=update.version)
    impact_services.impact_update_acknowledge(actor=person("business"), update=update)
    # The constabulary's at-risk Section 11 action is completed and signed off.
    action = Action.objects.get(source_reference="Section 11 audit 2025, Cumbria Constabulary, standard 4")
    assert st.derived_status(action, TODAY) == st.AT_RISK
    action = action_services.action_complete(
        actor=person("admin"), action=action, completed_on=TODAY, evidence="Every officer has done the refresher."
    )
    # Signed off by someone other than the person who completed it.
    action_services.action_sign_off(actor=person("business"), action=action)
    # And someone deleted the closed escalation.
    Escalation.objects.filter(status=Escalation.Status.CLOSED).delete()
    references = dict(Action.objects.values_list("pk", "reference"))

    output = seed()

    assert "Updated" not in output
    assert "Impact updates and escalations: created 1 escalation." in output
    assert "Action tracker: nothing to add." in output
    update = update_of(LEARNING, current_cycle(TODAY))
    assert update.status == ImpactUpdate.Status.ACKNOWLEDGED and update.acknowledged_by == person("business")
    labels = {due.group.name: due.status_label for due in due_updates_for_cycles([update.cycle], today=TODAY)}
    assert labels[LEARNING] == "Acknowledged"
    action.refresh_from_db()
    assert action.signed_off_by == person("business")
    assert st.derived_status(action, TODAY) == st.SIGNED_OFF
    closed = Escalation.objects.get(status=Escalation.Status.CLOSED)
    assert closed.actions.filter(title__startswith="Report initial health assessment timeliness").exists()
    assert dict(Action.objects.values_list("pk", "reference")) == references


def test_the_daily_reminders_have_something_to_say_about_the_demo(demo):
    sent = send_reminders()
    assert sent["actions"] > 0 and sent["impact_updates"] > 0 and sent["escalations"] > 0
    # The Quality Assurance and Performance Subgroup's chair hears that its update is late; the Board hears of
    # the escalation it will decide on 10 December.
    assert Notification.objects.filter(recipient__username="angela.kirkbride", subject__contains="is late").exists()
    assert Notification.objects.filter(recipient__username="board", subject__contains="awaits the Board").exists()
    assert send_reminders() == {"actions": 0, "impact_updates": 0, "escalations": 0}


def test_a_mistake_in_a_file_names_the_file_line_and_column_and_saves_nothing(demo, tmp_path):
    data = tmp_path / "demo_data"
    shutil.copytree(ActionDemo.data_dir, data)
    lines = (data / "action_notes.csv").read_text(encoding="utf-8").splitlines()
    lines.insert(1, "No such review,No such action,chair,2026-11-01,,A note")
    (data / "action_notes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Without it, the loader would create this action again before it reaches the mistake.
    Action.objects.get(source_reference="LCSPR Child T, recommendation 3").delete()
    before = counts()

    with pytest.raises(
        CommandError, match=r"action_notes\.csv, line 2, column action_title: there is no action with this source_refer"
    ):
        ActionDemo(data).run(stdout=io.StringIO())

    assert counts() == before
    assert not Action.objects.filter(source_reference="LCSPR Child T, recommendation 3").exists()


@pytest.mark.parametrize("username", ["admin", "board", "business", "chair", "officer", "scrutineer"])
def test_each_persona_opens_the_governance_pages_on_the_demo(demo, client, username):
    client.force_login(person(username))
    cycle = current_cycle(TODAY)
    pages = [
        reverse("cscp:home"),
        reverse("impact:update-list"),
        reverse("impact:cycle-detail", args=[cycle.pk]),
        reverse("impact:escalation-list"),
        reverse("actions:list"),
        reverse("actions:mine"),
        reverse("boardpack:detail", args=[cycle.board_meeting_id]),
        *(reverse("impact:update-detail", args=[pk]) for pk in ImpactUpdate.objects.values_list("pk", flat=True)),
        *(reverse("impact:escalation-detail", args=[pk]) for pk in Escalation.objects.values_list("pk", flat=True)),
        *(reverse("actions:detail", args=[pk]) for pk in Action.objects.values_list("pk", flat=True)[:5]),
    ]
    answered = {url: client.get(url).status_code for url in pages}
    # Each page opens or refuses politely; none fails.
    assert set(answered.values()) <= {200, 403, 404}, answered
    assert answered[reverse("cscp:home")] == 200
