"""Writing a group's impact update: the task list, question pages, evidence, checking answers and submitting, and
two people editing at once."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cscp.actions.models import Action
from cscp.impact import services
from cscp.impact.models import EvidenceLink, ImpactUpdate, ImpactUpdateAnswer
from cscp.models import AuditEvent, Notification
from tests.cscp.impact.factories import CycleFactory
from tests.cscp.structure_helpers import error_beside, has_error_summary
from tests.factories import GroupFactory, GroupMembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _edit_url(update: ImpactUpdate) -> str:
    return reverse("impact:update-edit", args=[update.cycle_id, update.group_id])


def _section_url(update: ImpactUpdate, section) -> str:
    return reverse("impact:update-section", args=[update.pk, section.pk])


def _save(client, update, section, text, *, later=False, version=None, **extra):
    data = {"text": text, "version": update.version if version is None else version, **extra}
    data["later" if later else "continue"] = "1"
    return client.post(_section_url(update, section), data)


def _answer(update, section) -> str:
    answer = ImpactUpdateAnswer.objects.filter(update=update, section=section).first()
    return answer.text if answer else ""


def _textarea(page: str) -> str:
    found = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S)
    return html.unescape(found.group(1)).strip() if found else ""


def _their_text(page: str) -> str:
    found = re.search(r'<div class="govuk-inset-text" id="their-text">(.*?)</div>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


def _fill_required(update, sections, actor):
    for section in sections:
        if section.is_required:
            update.refresh_from_db()
            services.impact_update_save_section(
                actor=actor, update=update, section=section, text=f"About {section.title}", version=update.version
            )
    update.refresh_from_db()


# Starting and the task list.


def _start_url(cycle, group) -> str:
    return reverse("impact:update-start", args=[cycle.pk, group.pk])


def _rows_written() -> tuple[int, int]:
    return ImpactUpdate.objects.count(), AuditEvent.objects.count()


def test_the_first_visit_shows_the_button_that_starts_the_update_and_writes_nothing(
    client_for, partnership, sections, cycle
):
    client = client_for("chair")
    client.get(reverse("cscp:home"))  # signing in and the first page of a session write their own rows
    before = _rows_written()
    response = client.get(reverse("impact:update-edit", args=[cycle.pk, partnership.subgroup.pk]))
    assert response.status_code == 200
    assert _rows_written() == before
    page = response.content.decode()
    assert "Impact update for Board, spring" in page
    assert "Start the update" in page
    assert f'action="{_start_url(cycle, partnership.subgroup)}"' in page
    for section in sections:
        assert section.title in page


def test_starting_the_update_makes_it_and_opens_its_task_list_with_a_task_per_section(
    client_for, partnership, sections, cycle
):
    client = client_for("chair")
    response = client.post(_start_url(cycle, partnership.subgroup))
    edit_url = reverse("impact:update-edit", args=[cycle.pk, partnership.subgroup.pk])
    assert response.status_code == 302 and response["Location"] == edit_url
    update = ImpactUpdate.objects.get(cycle=cycle, group=partnership.subgroup)
    assert update.status == ImpactUpdate.Status.DRAFT
    assert AuditEvent.objects.filter(action="impact.update.started", object_id=str(update.pk)).count() == 1
    page = client.get(edit_url).content.decode()
    for section in sections:
        assert _section_url(update, section) in page
    assert page.count("Not started") >= len(sections)
    # Pressing the button again (or the vice-chair pressing it at the same time) opens the same update.
    client.post(_start_url(cycle, partnership.subgroup))
    assert ImpactUpdate.objects.filter(cycle=cycle, group=partnership.subgroup).count() == 1


def test_starting_takes_a_post(client_for, partnership, sections, cycle):
    assert client_for("chair").get(_start_url(cycle, partnership.subgroup)).status_code == 405
    assert not ImpactUpdate.objects.exists()


def test_only_the_groups_chair_or_an_admin_starts_its_update(client_for, partnership, sections, cycle):
    for persona in ("officer", "business", "board"):
        assert client_for(persona).post(_start_url(cycle, partnership.subgroup)).status_code == 403, persona
    other = CycleFactory(groups=[partnership.other_subgroup])
    assert client_for("chair").post(_start_url(other, partnership.subgroup)).status_code == 404
    assert _rows_written()[0] == 0


def test_a_second_visit_opens_the_same_update(client_for, partnership, update):
    client_for("chair").get(_edit_url(update))
    assert ImpactUpdate.objects.filter(cycle=update.cycle, group=update.group).count() == 1


def test_a_group_not_due_to_report_in_the_cycle_has_no_update_to_start(client_for, partnership, sections):
    cycle = CycleFactory(groups=[partnership.other_subgroup])
    response = client_for("chair").get(reverse("impact:update-edit", args=[cycle.pk, partnership.subgroup.pk]))
    assert response.status_code == 404
    assert not ImpactUpdate.objects.exists()


def test_a_chair_cannot_edit_another_groups_update(client_for, partnership, sections, cycle):
    other = services.impact_update_start(actor=partnership.other_chair, cycle=cycle, group=partnership.other_subgroup)
    client = client_for("chair")
    assert client.get(_edit_url(other)).status_code == 403
    response = _save(client, other, sections[0], "Written by the wrong chair")
    assert response.status_code == 403
    assert client.post(reverse("impact:update-submit", args=[other.pk]), {"version": other.version}).status_code == 403
    assert _answer(other, sections[0]) == ""
    other.refresh_from_db()
    assert other.version == 1 and other.status == ImpactUpdate.Status.DRAFT


def test_the_groups_officer_reads_but_cannot_write_its_update(client_for, update, sections):
    client = client_for("officer")
    assert client.get(reverse("impact:update-detail", args=[update.pk])).status_code == 200
    assert client.get(_edit_url(update)).status_code == 403
    assert _save(client, update, sections[0], "Not mine to write").status_code == 403


def test_the_vice_chair_may_write_the_update(client, vice_chair, update, sections):
    client.force_login(vice_chair)
    response = _save(client, update, sections[0], "Written by the vice-chair")
    assert response.status_code == 302
    assert _answer(update, sections[0]) == "Written by the vice-chair"


# Question pages.


def test_the_question_page_asks_the_sections_title_with_its_hint(client_for, update, sections):
    response = client_for("chair").get(_section_url(update, sections[1]))
    page = response.content.decode()
    assert '<h1 class="govuk-label-wrapper">' in page
    assert "What difference it made and the evidence for it" in page
    assert "For children and families, and how you know" in page
    assert "Save and continue" in page and "Save and come back later" in page
    assert f'name="version" value="{update.version}"' in page


def test_save_and_come_back_later_keeps_the_text_and_marks_the_section_in_progress(client_for, update, sections):
    client = client_for("chair")
    response = _save(client, update, sections[0], "We met four times.", later=True)
    assert response.status_code == 302 and response["Location"] == _edit_url(update)
    assert _answer(update, sections[0]) == "We met four times."
    task_list = client.get(_edit_url(update)).content.decode()
    assert "Your answer to “What we did” has been saved" in task_list
    assert "In progress" in task_list


def test_save_and_continue_completes_the_section_and_opens_the_next(client_for, update, sections):
    client = client_for("chair")
    response = _save(client, update, sections[0], "We met four times.")
    assert response["Location"] == _section_url(update, sections[1])
    task_list = client.get(_edit_url(update)).content.decode()
    assert "You have completed 1 of 6 sections" in task_list
    assert "In progress" not in task_list


def test_a_section_saved_for_later_then_completed_shows_completed(client_for, update, sections):
    client = client_for("chair")
    _save(client, update, sections[0], "Draft", later=True)
    update.refresh_from_db()
    _save(client, update, sections[0], "Finished")
    assert "You have completed 1 of 6 sections" in client.get(_edit_url(update)).content.decode()


def test_the_last_section_continues_to_the_evidence(client_for, update, sections):
    response = _save(client_for("chair"), update, sections[-1], "Carry on.")
    assert response["Location"] == reverse("impact:update-evidence", args=[update.pk])


def test_a_retired_section_has_no_question_page(client_for, update, sections):
    sections[3].is_active = False
    sections[3].save()
    assert client_for("chair").get(_section_url(update, sections[3])).status_code == 404


def test_a_section_title_typed_with_markup_is_shown_as_text(client_for, update, sections):
    sections[0].title = "<script>alert(1)</script>"
    sections[0].save()
    page = client_for("chair").get(_section_url(update, sections[0])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_extra_posted_fields_are_ignored(client_for, partnership, update, sections):
    response = _save(
        client_for("chair"),
        update,
        sections[0],
        "Our work",
        status="acknowledged",
        group=partnership.other_subgroup.pk,
        submitted_by=partnership["admin"].pk,
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.status == ImpactUpdate.Status.DRAFT
    assert update.group == partnership.subgroup
    assert update.submitted_by is None


# Two people editing at once.


def test_chair_and_vice_chair_save_the_same_section_the_second_is_refused_and_nothing_is_lost(
    client_for, client, vice_chair, update, sections
):
    chair = client_for("chair")
    client.force_login(vice_chair)
    section = sections[1]
    # Both open the section at version 1.
    chair.get(_section_url(update, section))
    client.get(_section_url(update, section))
    loaded_version = update.version

    first = _save(chair, update, section, "The chair's text", version=loaded_version)
    assert first.status_code == 302
    second = _save(client, update, section, "The vice-chair's text", version=loaded_version)

    assert second.status_code == 200
    page = second.content.decode()
    assert "Someone else changed this update while you were editing" in error_beside(second, "text")[0]
    assert has_error_summary(second)
    # Their text is shown; the vice-chair's own text is still in the box.
    assert "The chair's text" in _their_text(page)
    assert _textarea(page) == "The vice-chair's text"
    assert _answer(update, section) == "The chair's text"
    # The form now carries the current version, so saving the merged text succeeds.
    update.refresh_from_db()
    assert f'name="version" value="{update.version}"' in page
    merged = _save(client, update, section, "The chair's text, and the vice-chair's")
    assert merged.status_code == 302
    assert _answer(update, section) == "The chair's text, and the vice-chair's"


def test_the_save_service_refuses_a_stale_version_and_changes_nothing(partnership, update, sections):
    chair = partnership["chair"]
    services.impact_update_save_section(actor=chair, update=update, section=sections[0], text="One", version=1)
    stale = ImpactUpdate.objects.get(pk=update.pk)
    stale.version = 1
    with pytest.raises(services.UpdateChanged):
        services.impact_update_save_section(actor=chair, update=stale, section=sections[0], text="Two", version=1)
    update.refresh_from_db()
    assert update.version == 2
    assert _answer(update, sections[0]) == "One"


def test_a_version_that_is_not_a_number_is_treated_as_stale(client_for, update, sections):
    response = _save(client_for("chair"), update, sections[0], "Text", version="banana")
    assert response.status_code == 200
    assert error_beside(response, "text")
    assert _answer(update, sections[0]) == ""


# Evidence.


def _action(group, reference, **kwargs) -> Action:
    return Action.objects.create(
        reference=reference,
        title=f"Action {reference}",
        owner_group=group,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        **kwargs,
    )


def test_the_chair_links_the_groups_actions_and_a_link_to_other_evidence(client_for, partnership, update):
    ours = _action(partnership.subgroup, "A-1")
    _action(partnership.other_subgroup, "B-1")
    client = client_for("chair")
    page = client.get(reverse("impact:update-evidence", args=[update.pk])).content.decode()
    assert "A-1: Action A-1" in page and "B-1" not in page
    response = client.post(
        reverse("impact:update-evidence", args=[update.pk]),
        {
            "actions": [ours.pk],
            "link_title": "Neglect audit, January 2027",
            "link_url": "https://example.org/audit.pdf",
            "version": update.version,
        },
    )
    assert response.status_code == 302
    assert list(update.actions.all()) == [ours]
    link = EvidenceLink.objects.get(update=update)
    assert (link.title, link.url, link.kind) == ("Neglect audit, January 2027", "https://example.org/audit.pdf", "link")


def test_the_evidence_page_starts_from_the_actions_already_linked_so_saving_it_again_keeps_them(
    client_for, partnership, update
):
    ours = _action(partnership.subgroup, "A-1")
    services.impact_update_set_evidence(
        actor=partnership["chair"], update=update, version=update.version, actions=[ours]
    )
    update.refresh_from_db()
    client = client_for("chair")
    form = client.get(reverse("impact:update-evidence", args=[update.pk])).context["form"]
    assert form["actions"].value() == [ours.pk]
    assert form["version"].value() == update.version


def test_another_groups_action_cannot_be_linked(client_for, partnership, update):
    _action(partnership.subgroup, "A-1")
    theirs = _action(partnership.other_subgroup, "B-1")
    response = client_for("chair").post(
        reverse("impact:update-evidence", args=[update.pk]), {"actions": [theirs.pk], "version": update.version}
    )
    assert response.status_code == 200
    assert "Choose actions from the list" in response.content.decode()
    assert not update.actions.exists()


def test_with_no_actions_of_its_own_a_posted_action_is_ignored(client_for, partnership, update):
    theirs = _action(partnership.other_subgroup, "B-1")
    response = client_for("chair").post(
        reverse("impact:update-evidence", args=[update.pk]), {"actions": [theirs.pk], "version": update.version}
    )
    assert response.status_code == 302
    assert not update.actions.exists()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "//evil.example/x",
        "ftp://example.org/file",
        # Browsers read a backslash as a slash: "/\\evil.example" is another site.
        "/\\evil.example/x",
        "/\tx",
        "https://",
        "https://evil.example/a b",
    ],
)
def test_a_link_that_is_not_a_web_address_or_a_page_of_the_service_is_refused(client_for, update, url):
    response = client_for("chair").post(
        reverse("impact:update-evidence", args=[update.pk]),
        {"link_title": "Evidence", "link_url": url, "version": update.version},
    )
    assert response.status_code == 200
    assert error_beside(response, "link_url") == [
        "Enter a web address starting with https://, or a page of this service"
    ]
    assert not EvidenceLink.objects.exists()


def test_a_link_needs_a_title(client_for, update):
    response = client_for("chair").post(
        reverse("impact:update-evidence", args=[update.pk]),
        {"link_url": "/scorecards/", "version": update.version},
    )
    assert error_beside(response, "link_title") == ["Enter a title for the link"]


def test_a_link_can_be_removed(client_for, update):
    link = services.evidence_link_add(update=update, kind="indicator", title="Re-referrals", url="/scorecards/1/")
    response = client_for("chair").post(
        reverse("impact:update-evidence", args=[update.pk]), {"remove_links": [link.pk], "version": update.version}
    )
    assert response.status_code == 302
    assert not EvidenceLink.objects.exists()


def test_other_apps_add_evidence_without_disturbing_someone_drafting(partnership, update, sections):
    version = update.version
    services.evidence_link_add(update=update, kind="indicator", title="Re-referrals", url="/scorecards/1/")
    services.impact_update_save_section(
        actor=partnership["chair"], update=update, section=sections[0], text="Still saves", version=version
    )
    assert _answer(update, sections[0]) == "Still saves"


# Checking answers and submitting.


def test_check_answers_lists_every_section_with_a_change_link(client_for, update, sections):
    _fill_required(update, sections, update.updated_by)
    page = client_for("chair").get(reverse("impact:update-check", args=[update.pk])).content.decode()
    assert "Check your answers before submitting your update" in page
    for section in sections:
        assert _section_url(update, section) in page
    assert "About What we did" in page
    assert f'name="version" value="{update.version}"' in page


def test_submitting_with_an_empty_required_section_is_refused_beside_that_section(client_for, update, sections):
    for section in sections:
        if section.title != "What difference it made and the evidence for it" and section.is_required:
            update.refresh_from_db()
            services.impact_update_save_section(
                actor=update.updated_by, update=update, section=section, text="Done", version=update.version
            )
    update.refresh_from_db()
    response = client_for("chair").post(reverse("impact:update-submit", args=[update.pk]), {"version": update.version})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert page.count("Enter what difference it made and the evidence for it") == 2  # summary and beside it
    difference = sections[1]
    assert f'href="#section-{difference.pk}"' in page
    update.refresh_from_db()
    assert update.status == ImpactUpdate.Status.DRAFT
    assert not Notification.objects.exists()


def test_submitting_tells_the_business_group_and_records_who_and_when(client_for, partnership, update, sections):
    second_member = PersonFactory(username="business2")
    GroupMembershipFactory(person=second_member, group=partnership.business)
    _fill_required(update, sections, partnership["chair"])
    response = client_for("chair").post(reverse("impact:update-submit", args=[update.pk]), {"version": update.version})
    assert response.status_code == 302
    assert response["Location"] == reverse("impact:update-detail", args=[update.pk])
    update.refresh_from_db()
    assert update.status == ImpactUpdate.Status.SUBMITTED
    assert update.submitted_by == partnership["chair"]
    assert update.submitted_at is not None
    notified = Notification.objects.filter(url=reverse("impact:update-detail", args=[update.pk]))
    assert sorted(n.recipient.username for n in notified) == ["business", "business2"]
    assert "Learning and Improvement Subgroup has submitted its impact update" in notified[0].subject
    assert AuditEvent.objects.filter(action="impact.update.submitted", object_id=str(update.pk)).exists()
    # Every section of the template is kept with the submitted update, answered or not.
    assert update.answers.count() == len(sections)


def test_a_stale_submit_is_refused_with_a_clear_message(client_for, update, sections):
    _fill_required(update, sections, update.updated_by)
    response = client_for("chair").post(
        reverse("impact:update-submit", args=[update.pk]), {"version": update.version - 1}
    )
    assert response.status_code == 200
    assert "Someone else changed this update since you checked it" in response.content.decode()
    update.refresh_from_db()
    assert update.status == ImpactUpdate.Status.DRAFT


def test_a_submitted_update_cannot_be_saved_or_submitted_again(client_for, partnership, update, sections):
    _fill_required(update, sections, partnership["chair"])
    services.impact_update_submit(actor=partnership["chair"], update=update, version=update.version)
    update.refresh_from_db()
    client = client_for("chair")
    response = _save(client, update, sections[0], "A late change")
    assert response.status_code == 302
    assert response["Location"] == reverse("impact:update-detail", args=[update.pk])
    assert _answer(update, sections[0]) == "About What we did"
    with pytest.raises(ValidationError):
        services.impact_update_save_section(
            actor=partnership["chair"], update=update, section=sections[0], text="Sneaky", version=update.version
        )
    with pytest.raises(ValidationError):
        services.impact_update_submit(actor=partnership["chair"], update=update, version=update.version)
    assert client.get(_edit_url(update))["Location"] == reverse("impact:update-detail", args=[update.pk])


def test_the_task_list_warns_when_the_update_is_late(client_for, partnership, sections):
    cycle = CycleFactory(title="Last time")
    cycle.due_date = timezone.localdate() - datetime.timedelta(days=1)
    cycle.save()
    page = client_for("chair").get(reverse("impact:update-edit", args=[cycle.pk, partnership.subgroup.pk]))
    assert "This update is late" in page.content.decode()


def test_an_unrelated_group_in_the_url_is_refused(client_for, partnership, cycle, sections):
    elsewhere = GroupFactory(name="A group nobody chairs")
    assert client_for("chair").get(reverse("impact:update-edit", args=[cycle.pk, elsewhere.pk])).status_code == 403
