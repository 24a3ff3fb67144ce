"""The action services: raising, changing, progress notes, completion, sign-off, the impact test, closing and
reopening; what each refuses, and the trail each leaves."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from cscp.actions import services
from cscp.actions.models import Action, ActionNote
from cscp.models import AuditEvent, Notification
from tests.cscp.actions.helpers import complete, days, make_action, today
from tests.factories import PersonFactory, PriorityFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


# Raising.


def test_raising_an_action_gives_it_the_next_reference(partnership):
    first = make_action(partnership)
    second = make_action(partnership, title="Audit the use of the neglect toolkit")
    assert (first.reference, second.reference) == ("A-0001", "A-0002")
    assert first.raised_on == today() and first.raised_by == partnership["admin"]
    assert first.stage == "open" and first.progress == "not_started"


def test_references_keep_counting_past_9999(partnership):
    Action.objects.create(
        reference="A-9999", title="Old", due_date=days(1), raised_on=today(), owner_group=partnership.subgroup
    )
    assert make_action(partnership).reference == "A-10000"
    assert make_action(partnership).reference == "A-10001"


def test_references_from_elsewhere_do_not_confuse_the_numbering(partnership):
    Action.objects.create(
        reference="A-IMPORTED", title="Old", due_date=days(1), raised_on=today(), owner_group=partnership.subgroup
    )
    assert make_action(partnership).reference == "A-0001"


def test_a_reference_taken_at_the_same_moment_is_not_reused(partnership, monkeypatch):
    taken = make_action(partnership)
    real = services._next_reference
    calls = []

    def racing():
        # The first attempt picks the number another request has just used, as a race would.
        calls.append(1)
        return taken.reference if len(calls) == 1 else real()

    monkeypatch.setattr(services, "_next_reference", racing)
    action = make_action(partnership, title="Second")
    assert action.reference == "A-0002"
    assert len(calls) == 2
    assert Action.objects.count() == 2


def test_raising_writes_an_audit_event_and_a_history_version(partnership):
    action = make_action(partnership)
    event = AuditEvent.objects.get(action="actions.action.created")
    assert event.actor == partnership["admin"] and event.object_id == str(action.pk)
    version = action.history.get()
    assert version.history_change_reason == "Raised" and version.history_user == partnership["admin"]


def test_raising_keeps_its_themes_and_priority(partnership):
    neglect, exploitation = ThemeFactory(name="Neglect"), ThemeFactory(name="Exploitation")
    priority = PriorityFactory()
    action = make_action(
        partnership, source=Action.Source.ESCALATION, priority=priority, themes=[neglect, exploitation]
    )
    assert set(action.themes.all()) == {neglect, exploitation}
    assert action.priority == priority


def test_a_due_date_before_the_date_raised_is_refused(partnership):
    with pytest.raises(ValidationError) as caught:
        make_action(partnership, raised_on=days(-10), due_date=days(-11))
    assert _messages(caught.value)["due_date"] == ["Enter a due date on or after the date the action was raised"]
    assert not Action.objects.exists()


def test_an_action_with_no_owning_group_or_agency_is_refused(partnership):
    with pytest.raises(ValidationError) as caught:
        make_action(partnership, owner_group=None)
    assert "Choose the group or the agency" in _messages(caught.value)["owner_group"][0]


def test_an_action_owned_by_an_agency_alone_is_allowed(partnership):
    action = make_action(partnership, owner_agency=partnership.agency)
    assert action.owner_group is None and action.owner_agency == partnership.agency


def test_a_named_owner_who_cannot_sign_in_is_refused(partnership):
    gone = PersonFactory(username="gone", is_active=False)
    with pytest.raises(ValidationError) as caught:
        make_action(partnership, owner_person=gone)
    assert "choose a person who is active" in _messages(caught.value)["owner_person"][0]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/x", "/\\evil.example/x", "https://"])
def test_a_link_to_a_script_or_another_site_in_disguise_is_refused(partnership, url):
    with pytest.raises(ValidationError) as caught:
        make_action(partnership, source_url=url)
    assert "source_url" in _messages(caught.value)


@pytest.mark.parametrize("url", ["/reviews/3/", "https://www.gov.uk/guidance"])
def test_a_page_of_the_service_or_a_web_address_is_kept(partnership, url):
    assert make_action(partnership, source_url=url).source_url == url


def test_the_named_owner_is_told_once(partnership):
    action = make_action(partnership, owner_person=partnership["officer"])
    notification = Notification.objects.get(recipient=partnership["officer"])
    assert action.reference in notification.subject
    assert notification.url == f"/actions/{action.pk}/"


# Changing.


def test_a_change_records_what_changed(partnership):
    action = make_action(partnership)
    new_due = days(90)
    services.action_update(
        actor=partnership["chair"], action=action, values={"due_date": new_due, "title": "A better title"}
    )
    action.refresh_from_db()
    assert action.due_date == new_due and action.title == "A better title"
    event = AuditEvent.objects.get(action="actions.action.updated")
    assert set(event.data["changes"]) == {"Due date", "Title"}


def test_a_change_that_changes_nothing_leaves_no_event(partnership):
    action = make_action(partnership)
    services.action_update(actor=partnership["chair"], action=action, values={"title": action.title})
    assert not AuditEvent.objects.filter(action="actions.action.updated").exists()


def test_a_change_may_not_move_the_due_date_before_the_date_raised(partnership):
    action = make_action(partnership, raised_on=days(-5))
    with pytest.raises(ValidationError) as caught:
        services.action_update(actor=partnership["admin"], action=action, values={"due_date": days(-6)})
    assert _messages(caught.value)["due_date"] == ["Enter a due date on or after the date the action was raised"]


def test_the_stage_cannot_be_changed_through_an_update(partnership):
    action = make_action(partnership)
    with pytest.raises(ValueError):
        services.action_update(actor=partnership["admin"], action=action, values={"stage": "completed"})


def test_someone_who_may_not_change_the_action_is_refused(partnership):
    action = make_action(partnership)
    with pytest.raises(PermissionDenied):
        services.action_update(actor=partnership["board"], action=action, values={"title": "Mine now"})


# Progress notes.


def test_a_progress_note_sets_the_actions_progress(partnership):
    action = make_action(partnership)
    note = services.action_note_add(
        actor=partnership["chair"], action=action, text="Drafting started", progress="on_track"
    )
    action.refresh_from_db()
    assert action.progress == "on_track"
    assert note.noted_on == today() and note.author == partnership["chair"]
    assert AuditEvent.objects.get(action="actions.action.note_added").data["changes"] == {
        "Progress": ["Not started", "On track"]
    }


def test_a_note_dated_in_the_future_is_refused(partnership):
    action = make_action(partnership)
    with pytest.raises(ValidationError) as caught:
        services.action_note_add(actor=partnership["chair"], action=action, text="Later", noted_on=days(1))
    assert "noted_on" in _messages(caught.value)
    assert not ActionNote.objects.exists()


def test_an_empty_note_is_refused(partnership):
    action = make_action(partnership)
    with pytest.raises(ValidationError) as caught:
        services.action_note_add(actor=partnership["chair"], action=action, text="   ")
    assert _messages(caught.value)["text"] == ["Enter the progress note"]


# Completion, sign-off and the impact test.


def test_completion_needs_evidence(partnership):
    action = make_action(partnership)
    with pytest.raises(ValidationError) as caught:
        services.action_complete(actor=partnership["chair"], action=action, completed_on=today(), evidence=" ")
    assert _messages(caught.value)["evidence"] == ["Describe the evidence that the action is complete"]
    action.refresh_from_db()
    assert action.stage == "open"


def test_completion_keeps_an_evidence_file_in_storage(partnership, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    action = make_action(partnership)
    upload = ContentFile(b"%PDF-1.4 evidence", name="training-records.pdf")
    services.action_complete(
        actor=partnership["chair"], action=action, completed_on=today(), evidence="Training", evidence_file=upload
    )
    action.refresh_from_db()
    assert action.stage == "completed"
    assert action.evidence_file.name.startswith("actions/evidence/")
    assert action.evidence_file.read() == b"%PDF-1.4 evidence"


def test_a_file_that_is_not_evidence_is_refused(partnership, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    action = make_action(partnership)
    with pytest.raises(ValidationError) as caught:
        services.action_complete(
            actor=partnership["chair"],
            action=action,
            completed_on=today(),
            evidence="Training",
            evidence_file=ContentFile(b"MZ...", name="run-me.exe"),
        )
    assert "evidence_file" in _messages(caught.value)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("minutes.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),  # a program
        ("register.xlsx", b"%PDF-1.7 a PDF renamed"),
        ("notes.txt", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused_and_nothing_changes(
    partnership, settings, tmp_path, name, content
):
    settings.MEDIA_ROOT = tmp_path
    action = make_action(partnership)
    with pytest.raises(ValidationError) as caught:
        services.action_complete(
            actor=partnership["chair"],
            action=action,
            completed_on=today(),
            evidence="Training",
            evidence_file=ContentFile(content, name=name),
        )
    kind = name.rsplit(".", 1)[1].upper()
    assert _messages(caught.value)["evidence_file"] == [
        f"The file is not a real {kind} file: choose the file itself, not a renamed one"
    ]
    action.refresh_from_db()
    assert action.stage == Action.Stage.OPEN and not action.evidence_file
    assert not list(tmp_path.rglob("*.*"))


def test_completion_tells_the_owning_groups_chair(partnership):
    action = make_action(partnership, owner_person=partnership["officer"])
    complete(partnership, action, actor=partnership["officer"])
    assert Notification.objects.filter(recipient=partnership["chair"], subject__contains="sign-off").exists()


def test_signing_off_with_no_evidence_is_refused(partnership):
    action = make_action(partnership)
    with pytest.raises(ValidationError) as caught:
        services.action_sign_off(actor=partnership["chair"], action=action)
    assert caught.value.messages == ["Add evidence of completion before signing off"]
    action.refresh_from_db()
    assert action.signed_off_at is None


def test_the_owning_groups_chair_signs_off(partnership):
    action = complete(partnership, make_action(partnership))
    services.action_sign_off(actor=partnership["chair"], action=action)
    action.refresh_from_db()
    assert action.signed_off_by == partnership["chair"] and action.signed_off_at is not None
    assert action.stage == "completed"


@pytest.mark.parametrize("persona", ["officer", "board", "scrutineer"])
def test_only_the_owning_groups_chair_the_business_group_or_an_admin_signs_off(partnership, persona):
    action = complete(partnership, make_action(partnership))
    with pytest.raises(PermissionDenied):
        services.action_sign_off(actor=partnership[persona], action=action)


def test_another_groups_chair_cannot_sign_off(partnership):
    action = complete(partnership, make_action(partnership))
    with pytest.raises(PermissionDenied):
        services.action_sign_off(actor=partnership.other_chair, action=action)


def test_the_impact_cannot_be_recorded_before_sign_off(partnership):
    action = complete(partnership, make_action(partnership))
    with pytest.raises(ValidationError) as caught:
        services.action_record_impact(
            actor=partnership["chair"], action=action, made_difference="yes", finding="Fewer referrals bounce"
        )
    assert caught.value.messages == ["Sign off the action before recording its impact"]


def test_recording_the_impact_is_the_last_step(partnership):
    action = complete(partnership, make_action(partnership))
    services.action_sign_off(actor=partnership["chair"], action=action)
    services.action_record_impact(
        actor=partnership["chair"], action=action, made_difference="partly", finding="Audit shows better plans"
    )
    action.refresh_from_db()
    assert action.stage == "impact_tested"
    assert action.made_difference == "partly" and action.impact_tested_by == partnership["chair"]
    codes = list(AuditEvent.objects.filter(object_id=str(action.pk)).order_by("pk").values_list("action", flat=True))
    assert codes == [
        "actions.action.created",
        "actions.action.completed",
        "actions.action.signed_off",
        "actions.action.impact_recorded",
    ]


def test_the_impact_test_needs_an_answer_and_a_finding(partnership):
    action = complete(partnership, make_action(partnership))
    services.action_sign_off(actor=partnership["business"], action=action)
    with pytest.raises(ValidationError) as caught:
        services.action_record_impact(actor=partnership["chair"], action=action, made_difference="maybe", finding="")
    assert set(_messages(caught.value)) == {"made_difference", "finding"}


# Closing and reopening.


def test_closing_needs_a_reason_and_keeps_it(partnership):
    action = make_action(partnership)
    with pytest.raises(ValidationError):
        services.action_close(actor=partnership["chair"], action=action, reason="")
    services.action_close(actor=partnership["chair"], action=action, reason="Replaced by A-0002")
    action.refresh_from_db()
    assert action.stage == "closed" and action.closed_at is not None
    assert AuditEvent.objects.get(action="actions.action.closed").data["reason"] == "Replaced by A-0002"


def test_a_reason_longer_than_its_box_allows_is_refused_by_the_service_too(partnership):
    action = make_action(partnership)
    with pytest.raises(ValidationError) as caught:
        services.action_close(actor=partnership["chair"], action=action, reason="x" * 2_001)
    assert _messages(caught.value) == {"reason": ["The reason must be 2,000 characters or fewer"]}
    action.refresh_from_db()
    assert action.stage != "closed"
    assert not AuditEvent.objects.filter(action="actions.action.closed").exists()
    services.action_close(actor=partnership["chair"], action=action, reason="x" * 2_000)
    with pytest.raises(ValidationError):
        services.action_reopen(actor=partnership["chair"], action=action, reason="y" * 2_001)


def test_a_closed_action_cannot_be_changed_until_reopened(partnership):
    action = make_action(partnership)
    services.action_close(actor=partnership["admin"], action=action, reason="No longer needed")
    with pytest.raises(ValidationError):
        services.action_update(actor=partnership["admin"], action=action, values={"title": "Changed"})
    with pytest.raises(ValidationError):
        services.action_note_add(actor=partnership["admin"], action=action, text="More")
    services.action_reopen(actor=partnership["admin"], action=action, reason="Needed after all")
    action.refresh_from_db()
    assert action.stage == "open" and action.closed_at is None


def test_reopening_clears_the_sign_off_but_keeps_the_evidence(partnership):
    action = complete(partnership, make_action(partnership))
    services.action_sign_off(actor=partnership["chair"], action=action)
    services.action_reopen(actor=partnership["chair"], action=action, reason="The audit found gaps")
    action.refresh_from_db()
    assert action.stage == "open" and action.signed_off_at is None and action.completed_on is None
    assert action.completion_evidence


def test_the_named_owner_may_not_close_the_action(partnership):
    action = make_action(partnership, owner_person=partnership["s11lead"])
    with pytest.raises(PermissionDenied):
        services.action_close(actor=partnership["s11lead"], action=action, reason="Done")


def test_an_overdue_action_raised_long_ago_can_still_be_noted(partnership):
    action = make_action(partnership, raised_on=today() - datetime.timedelta(days=100), due_date=days(-1))
    services.action_note_add(actor=partnership["chair"], action=action, text="Late", progress="at_risk")
    action.refresh_from_db()
    assert action.progress == "at_risk"
