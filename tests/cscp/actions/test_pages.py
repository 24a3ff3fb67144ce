"""An action's pages: raising one (with what other pages fill in), its page and history, changing it, progress
notes, completion with evidence and the evidence download, sign-off, the impact test, closing and reopening."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cscp.actions import services
from cscp.actions.models import Action, ActionNote
from cscp.models import AuditEvent
from tests.cscp.actions.helpers import complete, days, make_action, today
from tests.cscp.structure_helpers import date_fields, has_error_summary
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return response.content.decode()


def _errors(response) -> list[str]:
    """The messages in the error summary."""
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', _page(response), re.S)
    if not summary:
        return []
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", summary.group(1), re.S)]


def _warning(response) -> str:
    """The words of the page's warning text, or "" when it has none."""
    found = re.search(r'govuk-warning-text__text">(.*?)</strong>', _page(response), re.S)
    return re.sub(r"\s+", " ", re.sub(r"<span.*?</span>", "", found.group(1), flags=re.S)).strip() if found else ""


def _new_action_data(partnership, **changes) -> dict:
    data = {
        "title": "Refresh the escalation policy",
        "description": "",
        "source": "practice_review",
        "source_reference": "LCSPR Child T, recommendation 3",
        "source_url": "",
        "owner_group": partnership.subgroup.pk,
        "owner_agency": "",
        "owner_person": partnership["officer"].pk,
        "priority": "",
        **date_fields("raised_on", today()),
        **date_fields("due_date", days(90)),
    }
    data.update(changes)
    return data


@pytest.fixture
def action(partnership):
    return make_action(partnership, owner_person=partnership["officer"])


# Raising an action.


def test_an_admin_raises_an_action(client_for, partnership):
    client = client_for("admin")
    response = client.post(reverse("actions:create"), _new_action_data(partnership))
    action = Action.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("actions:detail", args=[action.pk])
    assert action.reference == "A-0001" and action.owner_person == partnership["officer"]
    assert action.raised_by == partnership["admin"]
    page = _page(client.get(response["Location"]))
    assert "Action A-0001 raised" in page


def test_a_chair_raises_an_action_for_their_own_group(client_for, partnership):
    response = client_for("chair").post(reverse("actions:create"), _new_action_data(partnership))
    assert response.status_code == 302
    assert Action.objects.get().owner_group == partnership.subgroup


def test_a_chair_cannot_raise_an_action_for_another_group(client_for, partnership):
    data = _new_action_data(partnership, owner_group=partnership.other_subgroup.pk)
    response = client_for("chair").post(reverse("actions:create"), data)
    assert response.status_code == 200
    assert "Choose a group from the list" in _errors(response)
    assert not Action.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "board", "business", "scrutineer", "s11lead", "outsider"])
def test_only_admins_and_chairs_raise_actions(client_for, partnership, persona):
    assert client_for(persona).get(reverse("actions:create")).status_code == 403
    assert client_for(persona).post(reverse("actions:create"), _new_action_data(partnership)).status_code == 403
    assert not Action.objects.exists()


def test_a_due_date_before_the_date_raised_is_refused_keeping_what_was_typed(client_for, partnership):
    data = _new_action_data(partnership, **date_fields("raised_on", days(-3)), **date_fields("due_date", days(-4)))
    response = client_for("admin").post(reverse("actions:create"), data)
    assert response.status_code == 200 and has_error_summary(response)
    assert _errors(response) == ["Enter a due date on or after the date the action was raised"]
    assert 'value="Refresh the escalation policy"' in _page(response)
    assert not Action.objects.exists()


def test_an_empty_form_says_what_to_enter(client_for):
    response = client_for("admin").post(reverse("actions:create"), {})
    assert response.status_code == 200
    errors = _errors(response)
    assert "Enter the action" in errors
    assert "Enter the date the action is due" in errors
    assert "Choose the group or the agency that owns this action" in errors


def test_a_made_up_date_is_refused(client_for, partnership):
    data = _new_action_data(partnership, **date_fields("due_date", text=("31", "2", "2027")))
    response = client_for("admin").post(reverse("actions:create"), data)
    assert response.status_code == 200 and "Enter a real date, for example 27 3 2026" in _errors(response)


def test_extra_posted_fields_are_ignored(client_for, partnership):
    data = _new_action_data(
        partnership,
        stage="impact_tested",
        reference="A-9999",
        signed_off_by=partnership["chair"].pk,
        progress="at_risk",
    )
    client_for("admin").post(reverse("actions:create"), data)
    action = Action.objects.get()
    assert action.reference == "A-0001" and action.stage == "open" and action.progress == "not_started"
    assert action.signed_off_by is None


def test_other_pages_can_fill_in_the_source(client_for):
    query = {"source": "scrutiny", "source_reference": "Learning event, May 2026", "source_url": "/scrutiny/4/"}
    form = client_for("admin").get(reverse("actions:create"), query).context["form"]
    assert form["source"].value() == "scrutiny"
    assert form["source_reference"].value() == "Learning event, May 2026"
    assert form["source_url"].value() == "/scrutiny/4/"


def test_a_link_to_a_script_is_refused_on_the_form(client_for, partnership):
    data = _new_action_data(partnership, source_url="javascript:alert(1)")
    response = client_for("admin").post(reverse("actions:create"), data)
    assert response.status_code == 200 and not Action.objects.exists()


# The action's page.


def test_the_actions_page_shows_its_details_status_and_history(client_for, partnership, action):
    services.action_note_add(actor=partnership["officer"], action=action, text="Draft shared", progress="on_track")
    page = _page(client_for("business").get(reverse("actions:detail", args=[action.pk])))
    assert "A-0001" in page and "Review the threshold guidance with schools" in page
    assert '<strong class="govuk-tag govuk-tag--green">On track</strong>' in page
    assert "Draft shared" in page
    assert "Progress note added" in page and "Raised" in page
    assert "Progress: Not started → On track" in page
    # The Business Group reads it but may not change it.
    assert "Add a progress note" not in page and reverse("actions:edit", args=[action.pk]) not in page


def test_the_named_owner_sees_what_they_can_do(client_for, action):
    page = _page(client_for("officer").get(reverse("actions:detail", args=[action.pk])))
    assert "Add a progress note" in page and "Mark as complete" in page
    assert "Close the action" not in page and "Sign off" not in page


def test_an_action_of_another_group_is_not_found_by_a_chair(client_for, partnership):
    other = make_action(partnership, owner_group=partnership.other_subgroup)
    assert client_for("chair").get(reverse("actions:detail", args=[other.pk])).status_code == 404


def test_an_action_that_does_not_exist_is_not_found(client_for):
    assert client_for("admin").get(reverse("actions:detail", args=[99999])).status_code == 404


def test_the_actions_page_costs_a_fixed_number_of_queries(
    client_for, partnership, action, django_assert_max_num_queries
):
    for n in range(10):
        services.action_note_add(actor=partnership["chair"], action=action, text=f"Note {n}", progress="on_track")
    client = client_for("chair")
    # Session, person, the action, roles (2), its events, versions, themes and notes, the partnership, the
    # navigation's unread notifications, and the session's renewal (3): the same for 1 note or 100.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("actions:detail", args=[action.pk]))
    assert "Note 9" in _page(response)


# Changing it.


def test_the_chair_changes_the_action(client_for, partnership, action):
    theme = ThemeFactory(name="Neglect")
    data = _new_action_data(partnership, title="A sharper title", themes=[theme.pk])
    response = client_for("chair").post(reverse("actions:edit", args=[action.pk]), data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "A sharper title" and list(action.themes.all()) == [theme]


def test_editing_another_groups_action_is_refused(client_for, partnership):
    other = make_action(partnership, owner_group=partnership.other_subgroup)
    url = reverse("actions:edit", args=[other.pk])
    # The chair may not even know of it; the Board may read it but not change it.
    assert client_for("chair").post(url, _new_action_data(partnership)).status_code == 404
    assert client_for("board").post(url, _new_action_data(partnership)).status_code == 403
    other.refresh_from_db()
    assert other.title == "Review the threshold guidance with schools"


def test_a_chair_named_owner_of_another_groups_action_cannot_move_it_to_their_own_group(client_for, partnership):
    """Raising an action checks the group; editing it must check the same, or a named owner could take another
    group's action into their own and then sign it off themselves."""
    other = make_action(partnership, owner_group=partnership.other_subgroup, owner_person=partnership["chair"])
    url = reverse("actions:edit", args=[other.pk])
    page = client_for("chair").get(url)
    assert page.status_code == 200 and "owner_group" not in page.context["form"].fields
    data = _new_action_data(partnership, owner_group=partnership.subgroup.pk, title="Mine now")
    response = client_for("chair").post(url, data)
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.owner_group == partnership.other_subgroup and other.title == "Mine now"
    # And the service refuses it whoever calls it.
    with pytest.raises(PermissionDenied):
        services.action_update(actor=partnership["chair"], action=other, values={"owner_group": partnership.subgroup})
    other.refresh_from_db()
    assert other.owner_group == partnership.other_subgroup
    assert not partnership["chair"].has_perm("actions.sign_off_action", other)


def test_a_chair_cannot_hand_their_groups_action_to_a_group_they_do_not_chair(partnership):
    action = make_action(partnership)
    with pytest.raises(ValidationError) as caught:
        services.action_update(
            actor=partnership["chair"], action=action, values={"owner_group": partnership.other_subgroup}
        )
    assert list(caught.value.message_dict) == ["owner_group"]
    action.refresh_from_db()
    assert action.owner_group == partnership.subgroup


def test_an_admin_moves_an_action_to_another_group(partnership):
    action = make_action(partnership)
    services.action_update(
        actor=partnership["admin"], action=action, values={"owner_group": partnership.other_subgroup}
    )
    action.refresh_from_db()
    assert action.owner_group == partnership.other_subgroup


def test_the_edit_form_starts_with_the_actions_details(client_for, action):
    form = client_for("officer").get(reverse("actions:edit", args=[action.pk])).context["form"]
    assert form["title"].value() == action.title


# Progress notes.


def test_the_named_owner_adds_a_progress_note(client_for, partnership, action):
    data = {"text": "Training booked", "progress": "at_risk", **date_fields("noted_on", today())}
    response = client_for("officer").post(reverse("actions:note-add", args=[action.pk]), data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.progress == "at_risk" and ActionNote.objects.get().text == "Training booked"


def test_a_note_with_no_text_is_refused(client_for, action):
    data = {"text": "", "progress": "on_track", **date_fields("noted_on", today())}
    response = client_for("officer").post(reverse("actions:note-add", args=[action.pk]), data)
    assert response.status_code == 200 and _errors(response) == ["Enter the progress note"]


def test_a_note_dated_tomorrow_is_refused(client_for, action):
    data = {"text": "Soon", "progress": "on_track", **date_fields("noted_on", days(1))}
    response = client_for("officer").post(reverse("actions:note-add", args=[action.pk]), data)
    assert response.status_code == 200 and _errors(response) == ["Enter a date that is today or in the past"]


def test_a_board_member_cannot_add_a_note(client_for, action):
    data = {"text": "Hello", "progress": "on_track", **date_fields("noted_on", today())}
    assert client_for("board").post(reverse("actions:note-add", args=[action.pk]), data).status_code == 403


# Completion and the evidence file.


def test_completing_with_an_evidence_file_and_downloading_it(client_for, partnership, action, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("training-register.pdf", b"%PDF-1.4 register", content_type="application/pdf")
    data = {
        "evidence": "Register of 120 staff trained",
        "evidence_file": upload,
        **date_fields("completed_on", today()),
    }
    response = client_for("officer").post(reverse("actions:complete", args=[action.pk]), data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.stage == "completed"
    page = _page(client_for("chair").get(reverse("actions:detail", args=[action.pk])))
    assert "Download training-register.pdf" in page
    assert settings.MEDIA_URL not in page
    download = client_for("business").get(reverse("actions:evidence", args=[action.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 register"
    assert 'filename="training-register.pdf"' in download["Content-Disposition"]


def test_the_evidence_file_is_not_for_those_who_may_not_see_the_action(
    client_for, partnership, action, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    services.action_complete(
        actor=partnership["chair"],
        action=action,
        completed_on=today(),
        evidence="See file",
        evidence_file=SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 secret"),
    )
    for persona in ("s11lead", "auditor", "outsider", "otherchair"):
        client = client_for(persona) if persona != "otherchair" else _client_for_person(partnership.other_chair)
        assert client.get(reverse("actions:evidence", args=[action.pk])).status_code == 404


def _client_for_person(person):
    from django.test import Client

    client = Client()
    client.force_login(person)
    return client


def test_there_is_no_evidence_file_to_download_until_one_is_uploaded(client_for, action):
    assert client_for("admin").get(reverse("actions:evidence", args=[action.pk])).status_code == 404


def test_completion_without_evidence_is_refused(client_for, action):
    data = {"evidence": "", **date_fields("completed_on", today())}
    response = client_for("officer").post(reverse("actions:complete", args=[action.pk]), data)
    assert response.status_code == 200
    assert _errors(response) == ["Describe the evidence that the action is complete"]
    action.refresh_from_db()
    assert action.stage == "open"


def test_an_executable_is_not_accepted_as_evidence(client_for, action, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("setup.exe", b"MZ")
    data = {"evidence": "See file", "evidence_file": upload, **date_fields("completed_on", today())}
    response = client_for("officer").post(reverse("actions:complete", args=[action.pk]), data)
    assert response.status_code == 200 and not list(tmp_path.rglob("*.exe"))


# Sign-off.


def test_the_chair_signs_off_after_confirming(client_for, partnership, action):
    complete(partnership, action)
    url = reverse("actions:sign-off", args=[action.pk])
    page = _page(client_for("chair").get(url))
    assert "Sign off this action?" in page and "The revised guidance is on the partnership website" in page
    response = client_for("chair").post(url)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.signed_off_by == partnership["chair"]


def test_signing_off_with_no_evidence_says_what_to_do(client_for, action):
    url = reverse("actions:sign-off", args=[action.pk])
    assert _warning(client_for("chair").get(url)) == "Add evidence of completion before signing off"
    response = client_for("chair").post(url)
    assert response.status_code == 200 and _errors(response) == ["Add evidence of completion before signing off"]
    action.refresh_from_db()
    assert action.signed_off_at is None


@pytest.mark.parametrize("persona", ["officer", "board", "scrutineer"])
def test_someone_who_is_not_the_chair_cannot_sign_off(client_for, partnership, action, persona):
    complete(partnership, action)
    assert client_for(persona).post(reverse("actions:sign-off", args=[action.pk])).status_code == 403
    action.refresh_from_db()
    assert action.signed_off_at is None


# The impact test.


def test_the_impact_cannot_be_recorded_before_sign_off(client_for, partnership, action):
    complete(partnership, action)
    url = reverse("actions:impact", args=[action.pk])
    # The page warns in the words the refusal uses.
    assert _warning(client_for("chair").get(url)) == "Sign off the action before recording its impact"
    response = client_for("chair").post(url, {"made_difference": "yes", "finding": "Better"})
    assert response.status_code == 200 and _errors(response) == ["Sign off the action before recording its impact"]
    action.refresh_from_db()
    assert action.stage == "completed"


def test_the_chair_records_the_impact(client_for, partnership, action):
    complete(partnership, action)
    services.action_sign_off(actor=partnership["chair"], action=action)
    response = client_for("chair").post(
        reverse("actions:impact", args=[action.pk]), {"made_difference": "yes", "finding": "Re-referrals fell"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.stage == "impact_tested"
    page = _page(client_for("chair").get(reverse("actions:detail", args=[action.pk])))
    assert '<strong class="govuk-tag govuk-tag--turquoise">Impact tested</strong>' in page
    assert "Re-referrals fell" in page


def test_the_impact_needs_an_answer(client_for, partnership, action):
    complete(partnership, action)
    services.action_sign_off(actor=partnership["chair"], action=action)
    response = client_for("chair").post(reverse("actions:impact", args=[action.pk]), {"finding": "Hm"})
    assert response.status_code == 200 and _errors(response) == ["Choose whether the action made a difference"]


# Closing and reopening.


def test_the_chair_closes_and_reopens_an_action(client_for, partnership, action):
    response = client_for("chair").post(reverse("actions:close", args=[action.pk]), {"reason": "Superseded"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.stage == "closed"
    page = _page(client_for("chair").get(reverse("actions:detail", args=[action.pk])))
    assert "Reason: Superseded" in page and "Reopen the action" in page
    response = client_for("chair").post(reverse("actions:reopen", args=[action.pk]), {"reason": "Needed"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.stage == "open"
    assert AuditEvent.objects.filter(action="actions.action.reopened").exists()


def test_closing_needs_a_reason(client_for, action):
    response = client_for("chair").post(reverse("actions:close", args=[action.pk]), {"reason": " "})
    assert response.status_code == 200 and _errors(response) == ["Enter why the action is being closed"]


def test_the_named_owner_cannot_close_the_action(client_for, action):
    assert client_for("officer").post(reverse("actions:close", args=[action.pk]), {"reason": "x"}).status_code == 403


# Every page of the action renders, whatever stage the action is at (a warning where the step does not apply).

STEPS = [
    "actions:detail",
    "actions:edit",
    "actions:note-add",
    "actions:complete",
    "actions:sign-off",
    "actions:impact",
    "actions:close",
    "actions:reopen",
]


def _at_stage(partnership, stage: str) -> Action:
    action = make_action(partnership, owner_person=partnership["officer"])
    if stage == "open":
        return action
    if stage == "closed":
        return services.action_close(actor=partnership["admin"], action=action, reason="Superseded")
    # Completed by the chair, so that the admin, a second pair of eyes, may take every later step.
    action = complete(partnership, action, actor=partnership["chair"])
    if stage == "completed":
        return action
    action = services.action_sign_off(actor=partnership["admin"], action=action)
    if stage == "signed_off":
        return action
    return services.action_record_impact(
        actor=partnership["admin"], action=action, made_difference="no", finding="No change in the audit"
    )


@pytest.mark.parametrize("stage", ["open", "completed", "signed_off", "impact_tested", "closed"])
def test_every_page_of_an_action_renders_at_every_stage(client_for, partnership, stage):
    action = _at_stage(partnership, stage)
    client = client_for("admin")
    for name in STEPS:
        response = client.get(reverse(name, args=[action.pk]))
        assert response.status_code == 200, (name, stage)
        assert _page(response).count("<h1") == 1


def test_a_step_that_does_not_apply_is_refused_when_sent_anyway(client_for, partnership):
    action = _at_stage(partnership, "impact_tested")
    client = client_for("admin")
    data = {"evidence": "Again", **date_fields("completed_on", today())}
    response = client.post(reverse("actions:complete", args=[action.pk]), data)
    assert response.status_code == 200 and _errors(response) == ["This action is already impact tested"]
    response = client.post(reverse("actions:sign-off", args=[action.pk]))
    assert response.status_code == 200 and _errors(response) == ["This action has already been signed off"]
    closed = _at_stage(partnership, "closed")
    response = client.post(reverse("actions:edit", args=[closed.pk]), _new_action_data(partnership))
    assert response.status_code == 200 and _errors(response) == ["This action is closed: reopen it before changing it"]
