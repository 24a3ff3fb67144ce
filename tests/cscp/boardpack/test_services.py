"""Making a Board pack: the PDF stored with the meeting, remade on request, and the Board told."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cscp.boardpack.models import BoardPack, BoardPackSettings
from cscp.boardpack.services import (
    board_pack_generate,
    board_pack_generate_if_missing,
    board_pack_mark_sent,
    pdf_page_count,
)
from cscp.impact.models import ImpactUpdate
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


def test_generating_again_makes_version_2_and_keeps_version_1_as_it_was(partnership, quick_pdf):
    p = partnership
    meeting = h.board_meeting(p)
    first = board_pack_generate(meeting=meeting)
    with first.file.open("rb") as file:
        first_bytes = file.read()

    second = board_pack_generate(meeting=meeting, actor=p["admin"])

    assert [pack.version for pack in BoardPack.objects.order_by("version")] == [1, 2]
    assert second.pk != first.pk
    assert second.generated_by == p["admin"]
    assert second.file.name != first.file.name
    first.refresh_from_db()
    assert first.generated_by is None
    with first.file.open("rb") as file:
        assert file.read() == first_bytes
    assert quick_pdf[1]["context"]["version"] == 2
    subjects = list(Notification.objects.filter(recipient=p["board"]).values_list("subject", flat=True))
    assert len(subjects) == 2 and any("(version 2)" in subject for subject in subjects)
    assert AuditEvent.objects.filter(action="boardpack.board_pack.generated").count() == 2


def test_marking_a_version_sent_records_who_and_when_and_is_audited(partnership, quick_pdf):
    p = partnership
    pack = board_pack_generate(meeting=h.board_meeting(p))

    board_pack_mark_sent(pack=pack, actor=p["admin"])

    pack.refresh_from_db()
    assert pack.is_sent and pack.sent_by == p["admin"]
    event = AuditEvent.objects.get(action="boardpack.board_pack.sent")
    assert (event.actor, event.object_id) == (p["admin"], str(pack.pk))
    with pytest.raises(ValidationError, match="already been marked as sent"):
        board_pack_mark_sent(pack=pack, actor=p["admin"])
    assert AuditEvent.objects.filter(action="boardpack.board_pack.sent").count() == 1


def test_a_sent_pack_cannot_be_replaced_without_saying_what_changed_and_nothing_changes(partnership, quick_pdf, media):
    p = partnership
    meeting = h.board_meeting(p)
    sent = board_pack_mark_sent(pack=board_pack_generate(meeting=meeting), actor=p["admin"])
    files = sorted(media.rglob("*.pdf"))
    notified = Notification.objects.count()
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as error:
        board_pack_generate(meeting=meeting, actor=p["admin"], change_note="   ")

    assert "Version 1 was sent to the Board and cannot be replaced" in error.value.message_dict["change_note"][0]
    assert list(BoardPack.objects.values_list("version", flat=True)) == [1]
    assert sorted(media.rglob("*.pdf")) == files
    assert (Notification.objects.count(), AuditEvent.objects.count()) == (notified, events)
    assert len(quick_pdf) == 1  # refused before anything was laid out

    followed = board_pack_generate(meeting=meeting, actor=p["admin"], change_note="Adds the Q3 figures for CSC04")

    assert (followed.version, followed.change_note) == (2, "Adds the Q3 figures for CSC04")
    sent.refresh_from_db()
    assert sent.is_sent and sent.file.name in {str(f.relative_to(media)) for f in media.rglob("*.pdf")}
    assert "What changed: Adds the Q3 figures" in Notification.objects.filter(recipient=p["board"]).latest("pk").body


def test_only_the_latest_version_can_be_marked_sent(partnership, quick_pdf):
    meeting = h.board_meeting(partnership)
    first = board_pack_generate(meeting=meeting)
    board_pack_generate(meeting=meeting)

    with pytest.raises(ValidationError, match="followed by version 2"):
        board_pack_mark_sent(pack=first, actor=partnership["admin"])

    assert not BoardPack.objects.filter(sent_at__isnull=False).exists()


def test_a_change_note_over_its_limit_is_refused(partnership, quick_pdf):
    meeting = h.board_meeting(partnership)

    with pytest.raises(ValidationError) as error:
        board_pack_generate(meeting=meeting, change_note="x" * 2_001)

    assert "2,000" in error.value.message_dict["change_note"][0]
    assert not BoardPack.objects.exists()


def test_the_summary_says_what_changed_since_the_last_meetings_pack(partnership, quick_pdf):
    p = partnership
    earlier = h.board_meeting(p, h.days(-60))
    h.action(group=p.subgroup, due=h.days(-3))
    first = board_pack_generate(meeting=earlier)
    assert first.summary_figures["actions.overdue_by_owner"] == {"overdue": 1, "at_risk": 0}
    h.action(group=p.subgroup, due=h.days(-2))
    h.action(group=p.other_subgroup, due=h.days(-2))

    context = board_pack_generate(meeting=h.board_meeting(p, h.days(5))) and quick_pdf[-1]["context"]

    summary = next(item["context"] for item in context["sections"] if item["section"].key == "cscp.summary")
    assert summary["previous"] == first
    actions = next(part["context"] for part in summary["parts"] if part["section"].key == "actions.overdue_by_owner")
    assert actions["overdue"] == 3
    assert [(owner["name"], owner["overdue"]) for owner in actions["owners"]] == [
        ("Learning and Improvement Subgroup", 2),
        ("Case Review Group", 1),
    ]


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
    assert made.version == 1
    assert len(quick_pdf) == 1


def test_ended_and_deactivated_board_members_are_not_told(partnership, quick_pdf):
    p = partnership
    left = PersonFactory(username="leftboard")
    GroupMembershipFactory(person=left, group=p.board, start_date=h.days(-400), end_date=h.days(-10))
    gone = PersonFactory(username="goneboard", is_active=False)
    GroupMembershipFactory(person=gone, group=p.board, role=GroupMembership.Role.CHAIR)

    board_pack_generate(meeting=h.board_meeting(p))

    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["board"]


def test_the_pdf_has_the_cover_contents_running_header_marking_and_every_section(partnership):
    """One real render, read back as text."""
    p = partnership
    Partnership.objects.update_or_create(pk=1, defaults={"name": "Cumbria Safeguarding Children Partnership"})
    BoardPackSettings.objects.create(
        pk=1, protective_marking="OFFICIAL-SENSITIVE", author="Partnership Business Manager", purpose="To decide."
    )
    meeting = h.board_meeting(p, h.days(6), title="Board meeting, spring")
    sections = h.template_sections()
    cycle = h.cycle(meeting, [p.subgroup, p.other_subgroup])
    long_text = " ".join(["Multi-agency neglect audits found stronger use of the graded care profile."] * 40)
    h.update(
        cycle,
        p.subgroup,
        {s: f"{s.title}: {long_text}" for s in sections},
        by=p["chair"],
        status=ImpactUpdate.Status.ACKNOWLEDGED,
    )
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
    # The cover sheet.
    assert "Board meeting, spring" in text
    assert "Partnership Business Manager" in text
    assert "To decide." in text
    assert re.search(r"Version\s+1", text)
    assert "Decisions the Board is asked to make" in text
    assert "Executive summary" in text
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
    # Every page carries the running header: the partnership and the meeting's date; and the protective marking at
    # its top and its foot.
    assert text.count(day) >= pages
    assert text.count("OFFICIAL-SENSITIVE") >= 2 * pages


def test_the_page_count_is_read_from_weasyprints_compressed_page_tree():
    import weasyprint

    pdf = weasyprint.HTML(string="<p>1</p><p style='break-before: page'>2</p>").write_pdf()

    assert pdf_page_count(pdf) == 2
    assert pdf_page_count(b"not a pdf") == 0
