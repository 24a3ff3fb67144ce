"""The schedule makes each Board meeting's pack a week before it, once."""

from __future__ import annotations

import pytest
from django.core import mail

from cscp.boardpack.models import BoardPack
from cscp.boardpack.services import board_pack_generate
from cscp.boardpack.tasks import generate_due_board_packs
from cscp.models import GroupMembership, Meeting, Notification
from tests.cscp.boardpack import helpers as h
from tests.factories import GroupMembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_running_the_schedule_twice_makes_one_pack_and_tells_each_board_member_once(
    partnership, quick_pdf, django_capture_on_commit_callbacks
):
    p = partnership
    chair = PersonFactory(username="boardchair")
    GroupMembershipFactory(person=chair, group=p.board, role=GroupMembership.Role.CHAIR)
    meeting = h.board_meeting(p, h.days(7))

    with django_capture_on_commit_callbacks(execute=True):
        first = generate_due_board_packs.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        second = generate_due_board_packs.delay().get()

    assert (first, second) == (1, 0)
    assert BoardPack.objects.get().meeting == meeting
    assert len(quick_pdf) == 1
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["board", "boardchair"]
    assert sorted(message.to[0] for message in mail.outbox) == ["board@example.org", "boardchair@example.org"]


def test_only_board_meetings_in_the_coming_week_without_a_pack_are_made(partnership, quick_pdf):
    p = partnership
    h.board_meeting(p, h.days(8))  # too far off
    h.board_meeting(p, h.days(-1))  # already happened
    Meeting.objects.create(group=p.business, date=h.days(2))  # not the Board
    already = h.board_meeting(p, h.days(3))
    board_pack_generate(meeting=already, actor=p["admin"])
    due_today = h.board_meeting(p, h.days(0))

    assert generate_due_board_packs() == 1

    assert set(BoardPack.objects.values_list("meeting", flat=True)) == {already.pk, due_today.pk}
    assert BoardPack.objects.get(meeting=already).generated_by == p["admin"]


def test_a_pack_made_by_someone_else_meanwhile_is_not_made_again(partnership, quick_pdf, monkeypatch):
    """The schedule found no pack, but an admin made one before the schedule stored its own."""
    from cscp.boardpack import services

    p = partnership
    meeting = h.board_meeting(p, h.days(4))
    real_render = services.render_pdf

    def render_while_an_admin_generates(template_name, context, *, request=None):
        monkeypatch.setattr(services, "render_pdf", real_render)
        board_pack_generate(meeting=meeting, actor=p["admin"])
        return real_render(template_name, context, request=request)

    monkeypatch.setattr(services, "render_pdf", render_while_an_admin_generates)

    assert generate_due_board_packs() == 0
    assert BoardPack.objects.get().generated_by == p["admin"]
    assert Notification.objects.count() == 1


def test_one_meetings_failure_does_not_stop_the_others(partnership, quick_pdf, monkeypatch):
    from cscp.boardpack import services

    p = partnership
    broken = h.board_meeting(p, h.days(1))
    fine = h.board_meeting(p, h.days(2))
    real_render = services.render_pdf

    def render(template_name, context, *, request=None):
        if context["meeting"].pk == broken.pk:
            raise OSError("disk full")
        return real_render(template_name, context, request=request)

    monkeypatch.setattr(services, "render_pdf", render)

    assert generate_due_board_packs() == 1
    assert BoardPack.objects.get().meeting == fine
