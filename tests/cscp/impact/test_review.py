"""Reading and reviewing an update: the detail page, comments, acknowledging, asking for changes and revising,
a group's history of updates, and the PDF."""

from __future__ import annotations

import datetime
import html
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from cscp.impact import services
from cscp.impact.models import ImpactUpdate, ImpactUpdateComment
from cscp.models import AuditEvent, Notification
from tests.cscp.impact.factories import CycleFactory, UpdateFactory, submitted_update
from tests.cscp.structure_helpers import error_beside
from tests.factories import GroupMembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(partnership, sections, cycle):
    return submitted_update(partnership.subgroup, cycle, by=partnership["chair"])


def _detail(update) -> str:
    return reverse("impact:update-detail", args=[update.pk])


def test_the_detail_page_shows_the_whole_update_with_who_submitted_it(client_for, partnership, submitted, sections):
    response = client_for("business").get(_detail(submitted))
    page = response.content.decode()
    assert "Impact update from Learning and Improvement Subgroup" in page
    for section in sections:
        assert f"Our answer to {section.title}" in page
    # Names are escaped in HTML (O'Brien is O&#x27;Brien): compare the text a person reads.
    assert f"{timezone.localdate():%-d %B %Y} by {partnership['chair']}" in html.unescape(page)
    assert "Submitted" in page and "Acknowledge the update" in page and "Ask for changes" in page
    assert "No comments yet." in page


def test_a_late_update_is_flagged(client_for, partnership, sections):
    cycle = CycleFactory()
    cycle.due_date = timezone.localdate() - datetime.timedelta(days=3)
    cycle.save()
    update = UpdateFactory(group=partnership.subgroup, cycle=cycle)
    page = client_for("business").get(_detail(update)).content.decode()
    assert "This update is late" in page
    assert "govuk-tag--red" in page


def test_the_chair_does_not_see_the_review_buttons(client_for, submitted):
    page = client_for("chair").get(_detail(submitted)).content.decode()
    assert "Acknowledge the update" not in page
    assert "Ask for changes" not in page


def test_a_business_group_member_comments_and_the_chair_is_told(client_for, partnership, submitted):
    response = client_for("business").post(
        reverse("impact:update-comment", args=[submitted.pk]), {"comment-text": "Which audit showed this?"}
    )
    assert response.status_code == 302
    comment = ImpactUpdateComment.objects.get(update=submitted)
    assert (comment.author, comment.text) == (partnership["business"], "Which audit showed this?")
    assert Notification.objects.filter(recipient=partnership["chair"], url=_detail(submitted)).exists()
    assert "Which audit showed this?" in client_for("chair").get(_detail(submitted)).content.decode()


def test_an_empty_comment_is_refused_with_a_message(client_for, submitted):
    response = client_for("business").post(reverse("impact:update-comment", args=[submitted.pk]), {"comment-text": " "})
    assert response.status_code == 200
    assert error_beside(response, "comment-text") == ["Enter your comment"]
    assert not ImpactUpdateComment.objects.exists()


def test_the_chair_may_answer_in_the_thread_but_another_groups_chair_may_not(
    client, client_for, partnership, submitted
):
    assert (
        client_for("chair").post(
            reverse("impact:update-comment", args=[submitted.pk]), {"comment-text": "The Jan audit"}
        )
    ).status_code == 302
    client.force_login(partnership.other_chair)
    assert (
        client.post(reverse("impact:update-comment", args=[submitted.pk]), {"comment-text": "Intruding"})
    ).status_code == 403
    assert ImpactUpdateComment.objects.count() == 1


def test_a_business_group_member_acknowledges_the_update(client_for, partnership, submitted):
    response = client_for("business").post(reverse("impact:update-acknowledge", args=[submitted.pk]))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ImpactUpdate.Status.ACKNOWLEDGED
    assert submitted.acknowledged_by == partnership["business"]
    assert AuditEvent.objects.filter(action="impact.update.acknowledged", object_id=str(submitted.pk)).exists()
    assert Notification.objects.filter(recipient=partnership["chair"], subject__contains="acknowledged").exists()
    page = client_for("chair").get(_detail(submitted)).content.decode()
    assert "Acknowledged on behalf of the Business Group." in page


@pytest.mark.parametrize("persona", ["admin", "board", "chair", "scrutineer", "officer"])
def test_someone_outside_the_business_group_cannot_acknowledge(client_for, submitted, persona):
    response = client_for(persona).post(reverse("impact:update-acknowledge", args=[submitted.pk]))
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ImpactUpdate.Status.SUBMITTED
    assert submitted.acknowledged_at is None
    assert not ImpactUpdateComment.objects.exists()


def test_a_draft_cannot_be_acknowledged(client_for, update):
    response = client_for("business").post(reverse("impact:update-acknowledge", args=[update.pk]))
    assert response.status_code == 200
    assert "once the group has submitted its update" in response.content.decode()
    update.refresh_from_db()
    assert update.status == ImpactUpdate.Status.DRAFT


def test_acknowledging_twice_changes_nothing_the_second_time(client_for, submitted):
    client = client_for("business")
    client.post(reverse("impact:update-acknowledge", args=[submitted.pk]))
    submitted.refresh_from_db()
    version = submitted.version
    response = client.post(reverse("impact:update-acknowledge", args=[submitted.pk]))
    assert "already been acknowledged" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.version == version


def test_asking_for_changes_needs_a_comment(client_for, submitted):
    response = client_for("business").post(reverse("impact:update-request-changes", args=[submitted.pk]), {"text": ""})
    assert response.status_code == 200
    assert error_beside(response, "text") == ["Enter what the group should change"]
    submitted.refresh_from_db()
    assert submitted.status == ImpactUpdate.Status.SUBMITTED


def test_the_chair_revises_and_resubmits_after_changes_are_asked_for(client_for, partnership, submitted, sections):
    first_submitted_at = submitted.submitted_at
    response = client_for("business").post(
        reverse("impact:update-request-changes", args=[submitted.pk]), {"text": "Say what changed for children."}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ImpactUpdate.Status.CHANGES_REQUESTED
    told = Notification.objects.get(recipient=partnership["chair"], subject__contains="asked for changes")
    assert told.body == "Say what changed for children."
    assert told.url == reverse("impact:update-edit", args=[submitted.cycle_id, submitted.group_id])

    chair = client_for("chair")
    task_list = chair.get(told.url).content.decode()
    assert "Say what changed for children." in task_list
    section = sections[1]
    saved = chair.post(
        reverse("impact:update-section", args=[submitted.pk, section.pk]),
        {"text": "Fewer children waited.", "version": submitted.version, "continue": "1"},
    )
    assert saved.status_code == 302
    submitted.refresh_from_db()
    resubmitted = chair.post(reverse("impact:update-submit", args=[submitted.pk]), {"version": submitted.version})
    assert resubmitted.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ImpactUpdate.Status.SUBMITTED
    # Whether it was on time is decided by the first submission.
    assert submitted.submitted_at == first_submitted_at
    assert AuditEvent.objects.filter(action="impact.update.resubmitted").exists()
    assert Notification.objects.filter(recipient=partnership["business"], subject__contains="resubmitted").exists()


def test_only_a_submitted_update_can_be_sent_back(client_for, update):
    response = client_for("business").get(reverse("impact:update-request-changes", args=[update.pk]))
    assert response.status_code == 302


def test_another_groups_people_cannot_read_an_update(client, partnership, submitted):
    client.force_login(partnership.other_chair)
    assert client.get(_detail(submitted)).status_code == 403
    assert client.get(reverse("impact:update-pdf", args=[submitted.pk])).status_code == 403


# History.


def test_a_groups_history_lists_every_cycle_newest_first_with_its_status(client_for, partnership, sections):
    old = CycleFactory(title="Autumn")
    old.due_date = timezone.localdate() - datetime.timedelta(days=90)
    old.save()
    missed = CycleFactory(title="Winter")
    missed.due_date = timezone.localdate() - datetime.timedelta(days=30)
    missed.save()
    current = CycleFactory(title="Spring")
    submitted_update(partnership.subgroup, old, status=ImpactUpdate.Status.ACKNOWLEDGED)
    response = client_for("officer").get(reverse("impact:group-updates", args=[partnership.subgroup.pk]))
    assert response.status_code == 200
    dues = response.context["dues"]
    assert [due.cycle.title for due in dues] == ["Spring", "Winter", "Autumn"]
    assert [due.status_label for due in dues] == ["Not started", "Late", "Acknowledged"]
    assert current.title in response.content.decode()


# PDF.


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "update.pdf"
    path.write_bytes(content)
    result = subprocess.run(["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    # Headings wrap across lines on paper: compare words, not line breaks.
    return " ".join(result.stdout.decode().split())


def test_the_update_prints_as_a_pdf_with_the_same_content(client_for, partnership, submitted, tmp_path):
    services.impact_update_comment(actor=partnership["business"], update=submitted, text="Thank you: clear.")
    response = client_for("board").get(reverse("impact:update-pdf", args=[submitted.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = _pdf_text(response.content, tmp_path)
    assert "Impact update from Learning and Improvement Subgroup" in text
    assert "What difference it made and the evidence for it" in text
    assert "Our answer to What we did" in text
    assert "Thank you: clear." in text
    assert "Page 1 of" in text
    assert "Download as PDF" not in text


def test_the_detail_query_count_does_not_grow_with_comments(
    client_for, partnership, submitted, django_assert_max_num_queries
):
    client = client_for("business")
    client.get(_detail(submitted))
    for n in range(15):
        author = PersonFactory()
        GroupMembershipFactory(person=author, group=partnership.business)
        services.impact_update_comment(actor=author, update=submitted, text=f"Comment {n}")
    with django_assert_max_num_queries(30):
        response = client.get(_detail(submitted))
    assert "Comment 14" in response.content.decode()
