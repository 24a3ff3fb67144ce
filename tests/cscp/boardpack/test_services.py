"""Making a Board pack: the PDF stored with the meeting, remade on request, and the Board told."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from cscp.boardpack.models import BoardPack
from cscp.boardpack.services import board_pack_generate, board_pack_generate_if_missing, pdf_page_count
from cscp.models import AuditEvent, GroupMembership, Meeting, Notification, Partnership
from tests.cscp.boardpack import helpers as h
from tests.cscp.boardpack.conftest import pdf_text
from tests.factories import GroupMembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_the_pack_is_stored_with_the_meeting_and_the_board_is_told(partnership, quick_pdf):
    p = partnership
    meeting = h.board_meeting(p, h.days(6))

    pack = board_pack_generate(meeting=meeting, actor=p["admin"])

    assert pack.meeting == meeting
    assert pack.generated_by == p["admin"]
    assert pack.page_count == 1
    with pack.file.open("rb") as file:
        assert file.read().startswith(b"%PDF")
    assert quick_pdf[0]["template"] == "pdf/board_pack.html"
    event = AuditEvent.objects.get(action="boardpack.board_pack.generated")
    assert event.actor == p["admin"]
    assert event.object_id == str(pack.pk)
    notification = Notification.objects.get(recipient=p["board"])
    assert "is ready" in notification.subject
    assert notification.url == reverse("boardpack:detail", args=[meeting.pk])
    # Only the Board's members hear of it.
    assert Notification.objects.count() == 1


def test_generating_again_replaces_the_file_records_who_and_tells_the_board_again(
    partnership, quick_pdf, django_capture_on_commit_callbacks
):
    p = partnership
    meeting = h.board_meeting(p)
    first = board_pack_generate(meeting=meeting)
    first_name = first.file.name

    # The old file is deleted once the new one is committed.
    with django_capture_on_commit_callbacks(execute=True):
        second = board_pack_generate(meeting=meeting, actor=p["admin"])

    assert BoardPack.objects.count() == 1
    assert second.pk == first.pk
    assert second.generated_by == p["admin"]
    assert second.generated_at > first.generated_at
    assert second.file.name != first_name
    assert not default_storage.exists(first_name)
    assert default_storage.exists(second.file.name)
    assert Notification.objects.filter(recipient=p["board"]).count() == 2
    assert AuditEvent.objects.filter(action="boardpack.board_pack.generated").count() == 2


def test_only_a_board_meeting_has_a_pack(partnership, quick_pdf):
    meeting = Meeting.objects.create(group=partnership.subgroup, date=h.days(3))

    with pytest.raises(ValidationError) as error:
        board_pack_generate(meeting=meeting, actor=partnership["admin"])

    assert "only Board meetings" in error.value.message_dict["meeting"][0]
    assert not BoardPack.objects.exists()
    assert quick_pdf == []


def test_a_failure_while_storing_leaves_no_pack_and_no_stray_file(partnership, quick_pdf, monkeypatch, media):
    from cscp.boardpack import services

    def broken(pack):
        raise RuntimeError("notification service down")

    monkeypatch.setattr(services, "_notify_board", broken)

    with pytest.raises(RuntimeError):
        board_pack_generate(meeting=h.board_meeting(partnership))

    assert not BoardPack.objects.exists()
    assert not list(media.rglob("*.pdf"))


def test_when_a_pack_already_exists_the_schedule_leaves_it_alone(partnership, quick_pdf):
    meeting = h.board_meeting(partnership)
    made = board_pack_generate(meeting=meeting, actor=partnership["admin"])

    assert board_pack_generate_if_missing(meeting=meeting) is None

    assert BoardPack.objects.get().generated_at == made.generated_at
    assert len(quick_pdf) == 1


def test_ended_and_deactivated_board_members_are_not_told(partnership, quick_pdf):
    p = partnership
    left = PersonFactory(username="leftboard")
    GroupMembershipFactory(person=left, group=p.board, start_date=h.days(-400), end_date=h.days(-10))
    gone = PersonFactory(username="goneboard", is_active=False)
    GroupMembershipFactory(person=gone, group=p.board, role=GroupMembership.Role.CHAIR)

    board_pack_generate(meeting=h.board_meeting(p))

    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["board"]


def test_the_pdf_has_the_cover_contents_running_header_and_every_section(partnership):
    """One real render, read back as text."""
    p = partnership
    Partnership.objects.update_or_create(pk=1, defaults={"name": "Cumbria Safeguarding Children Partnership"})
    meeting = h.board_meeting(p, h.days(6), title="Board meeting, spring")
    sections = h.template_sections()
    cycle = h.cycle(meeting, [p.subgroup, p.other_subgroup])
    long_text = " ".join(["Multi-agency neglect audits found stronger use of the graded care profile."] * 40)
    h.update(cycle, p.subgroup, {s: f"{s.title}: {long_text}" for s in sections}, by=p["chair"])
    h.escalation(p.subgroup, p["chair"], "Initial health assessment delays", meeting=meeting)
    overdue = h.action(group=p.subgroup, person=p["chair"], due=h.days(-9), note="Trainer off sick")

    pack = board_pack_generate(meeting=meeting)

    with pack.file.open("rb") as file:
        pdf = file.read()
    text = pdf_text(pdf)
    day = f"{meeting.date.day} {meeting.date:%B %Y}"
    assert "Board pack" in text
    assert "Cumbria Safeguarding Children Partnership" in text
    assert f"Generated on {h.today().day} {h.today():%B %Y}" in text
    assert "Contents" in text
    # The contents list gives each section's page.
    assert re.search(r"Impact updates\s*\.*\s*\d+", text)
    assert re.search(r"Actions: overdue and at risk\s*\.*\s*\d+", text)
    assert "Multi-agency neglect audits found stronger use" in text
    assert "Not received" in text  # the Case Review Group has not reported
    assert "Initial health assessment delays" in text
    assert overdue.reference in text
    assert "Trainer off sick" in text
    pages = pack.page_count
    assert pages > 3
    assert f"Page {pages} of {pages}" in text
    # Every page carries the running header: the partnership and the meeting's date.
    assert text.count(day) >= pages


def test_the_page_count_is_read_from_weasyprints_compressed_page_tree():
    import weasyprint

    pdf = weasyprint.HTML(string="<p>1</p><p style='break-before: page'>2</p>").write_pdf()

    assert pdf_page_count(pdf) == 2
    assert pdf_page_count(b"not a pdf") == 0
