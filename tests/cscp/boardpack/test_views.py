"""The Board packs pages: the list of Board meetings, a meeting's pack on screen, making it and downloading it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cscp.boardpack.models import BoardPack
from cscp.boardpack.services import board_pack_generate
from cscp.impact.models import ImpactUpdate
from cscp.models import AuditEvent, Meeting
from tests.cscp.boardpack import helpers as h

pytestmark = pytest.mark.django_db


def pack_url(meeting) -> str:
    return reverse("boardpack:detail", args=[meeting.pk])


# The list of Board meetings.


def test_the_list_sends_anonymous_visitors_to_sign_in(partnership, client_for):
    response = client_for(None).get(reverse("boardpack:meetings"))
    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["chair", "officer", "s11lead", "outsider"])
def test_people_outside_the_boards_oversight_cannot_see_the_list(partnership, client_for, persona):
    assert client_for(persona).get(reverse("boardpack:meetings")).status_code == 403


def test_the_list_shows_upcoming_and_past_board_meetings_with_each_packs_state(partnership, client_for, quick_pdf):
    p = partnership
    coming = h.board_meeting(p, h.days(20), title="Spring Board")
    past = h.board_meeting(p, h.days(-40), title="Winter Board")
    board_pack_generate(meeting=past)
    Meeting.objects.create(group=p.business, date=h.days(10), title="Business Group meeting")

    response = client_for("scrutineer").get(reverse("boardpack:meetings"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Spring Board" in html and "Winter Board" in html
    assert "Business Group meeting" not in html
    assert [m.pk for m in response.context["upcoming"]] == [coming.pk]
    assert [m.pk for m in response.context["past"]] == [past.pk]
    assert "Not generated" in html and "Generated" in html
    assert pack_url(coming) in html


def _meetings(p, first: int, last: int) -> None:
    for n in range(first, last):
        meeting = h.board_meeting(p, h.days(-10 * (n + 1)))
        if n % 2:
            board_pack_generate(meeting=meeting)


def test_the_list_costs_the_same_few_queries_for_3_meetings_or_30(partnership, client_for, quick_pdf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p = partnership
    h.board_meeting(p, h.days(15))
    _meetings(p, 0, 3)
    client = client_for("board")
    client.get(reverse("boardpack:meetings"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("boardpack:meetings"))
    _meetings(p, 3, 30)

    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("boardpack:meetings"))

    assert response.status_code == 200
    assert len(response.context["past"].object_list) == 25
    # The page's own reads are three (upcoming, a count and a page of past meetings, each with its pack); the rest
    # is the session, the person's roles and the header every page has (its unread notifications count among them).
    assert len(many) == len(few) <= 14


def test_the_navigation_offers_board_packs_to_the_board_and_not_to_a_chair(partnership, client_for):
    board_home = client_for("board").get(reverse("cscp:notifications")).content.decode()
    chair_home = client_for("chair").get(reverse("cscp:notifications")).content.decode()
    assert "Board packs" in board_home
    assert "Board packs" not in chair_home


# A meeting's pack on screen.


def test_the_pack_preview_shows_the_same_sections_as_the_pdf(partnership, client_for):
    p = partnership
    meeting = h.board_meeting(p)
    sections = h.template_sections()
    cycle = h.cycle(meeting, [p.subgroup, p.other_subgroup])
    h.update(
        cycle,
        p.subgroup,
        {sections[0]: "We trained 240 practitioners in the graded care profile."},
        status=ImpactUpdate.Status.ACKNOWLEDGED,
    )
    h.escalation(p.subgroup, p["chair"], "Delays in health assessments", meeting=meeting)
    overdue = h.action(group=p.subgroup, person=p["chair"], due=h.days(-3))

    response = client_for("business").get(pack_url(meeting))

    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "Decisions the Board is asked to make",
        "Executive summary",
        "Impact updates",
        "Escalations",
        "Actions: overdue and at risk",
    ):
        assert heading in html
    assert "We trained 240 practitioners" in html
    assert "Not received" in html
    assert "Delays in health assessments" in html
    assert overdue.reference in html
    assert "Not generated yet" in html
    # Only admins may make the pack; nobody can download one that does not exist.
    assert "Generate the pack" not in html
    assert "Download the PDF" not in html


def test_an_admin_sees_the_generate_button_and_after_generating_the_download_link(partnership, client_for, quick_pdf):
    meeting = h.board_meeting(partnership)
    client = client_for("admin")
    assert "Generate the pack" in client.get(pack_url(meeting)).content.decode()

    response = client.post(reverse("boardpack:generate", args=[meeting.pk]), follow=True)

    assert response.redirect_chain == [(pack_url(meeting), 302)]
    html = response.content.decode()
    assert "Board pack version 1 generated" in html
    assert "Download the PDF" in html
    assert "Version 1, generated on" in html
    assert reverse("boardpack:version-download", args=[meeting.pk, 1]) in html
    assert BoardPack.objects.get().generated_by == partnership["admin"]


def test_generating_again_makes_the_next_version_and_lists_both(partnership, client_for, quick_pdf):
    meeting = h.board_meeting(partnership)
    board_pack_generate(meeting=meeting)

    response = client_for("admin").post(
        reverse("boardpack:generate", args=[meeting.pk]), {"change_note": "Adds the late update"}, follow=True
    )

    html = response.content.decode()
    assert "Board pack version 2 generated" in html
    assert "What changed: Adds the late update" in html
    assert reverse("boardpack:version-download", args=[meeting.pk, 1]) in html
    assert reverse("boardpack:version-download", args=[meeting.pk, 2]) in html
    assert BoardPack.objects.count() == 2


def test_an_admin_marks_the_latest_version_sent_and_then_must_say_what_changed(partnership, client_for, quick_pdf):
    meeting = h.board_meeting(partnership)
    board_pack_generate(meeting=meeting)
    client = client_for("admin")
    assert "Mark as sent to the Board" in client.get(pack_url(meeting)).content.decode()

    response = client.post(reverse("boardpack:send", args=[meeting.pk, 1]), follow=True)

    html = response.content.decode()
    assert "Version 1 marked as sent to the Board" in html
    assert "Mark as sent to the Board" not in html
    assert "cannot be replaced" in html
    assert BoardPack.objects.get().sent_by == partnership["admin"]

    refused = client.post(reverse("boardpack:generate", args=[meeting.pk]), {"change_note": ""})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "There is a problem" in page
    assert "Version 1 was sent to the Board and cannot be replaced" in page
    assert BoardPack.objects.count() == 1

    again = client.post(reverse("boardpack:send", args=[meeting.pk, 1]))
    assert "already been marked as sent" in again.content.decode()


@pytest.mark.parametrize("persona", ["board", "business", "scrutineer", "chair", "outsider"])
def test_only_admins_may_mark_a_pack_sent(partnership, client_for, quick_pdf, persona):
    meeting = h.board_meeting(partnership)
    board_pack_generate(meeting=meeting)

    response = client_for(persona).post(reverse("boardpack:send", args=[meeting.pk, 1]))

    assert response.status_code == 403
    assert not BoardPack.objects.filter(sent_at__isnull=False).exists()


def test_a_version_that_does_not_exist_is_not_found(partnership, client_for, quick_pdf):
    meeting = h.board_meeting(partnership)
    board_pack_generate(meeting=meeting)
    client = client_for("admin")

    assert client.post(reverse("boardpack:send", args=[meeting.pk, 7])).status_code == 404
    assert client.get(reverse("boardpack:version-download", args=[meeting.pk, 7])).status_code == 404


@pytest.mark.parametrize("persona", ["board", "business", "scrutineer", "chair", "outsider"])
def test_only_admins_may_generate_a_pack(partnership, client_for, quick_pdf, persona):
    meeting = h.board_meeting(partnership)

    response = client_for(persona).post(reverse("boardpack:generate", args=[meeting.pk]))

    assert response.status_code == 403
    assert not BoardPack.objects.exists()


def test_generating_answers_get_with_method_not_allowed(partnership, client_for):
    meeting = h.board_meeting(partnership)
    assert client_for("admin").get(reverse("boardpack:generate", args=[meeting.pk])).status_code == 405


def test_a_meeting_that_is_not_the_boards_has_no_pack_page(partnership, client_for, quick_pdf):
    meeting = Meeting.objects.create(group=partnership.subgroup, date=h.days(3))
    client = client_for("admin")

    assert client.get(pack_url(meeting)).status_code == 404
    assert client.post(reverse("boardpack:generate", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("boardpack:download", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("boardpack:detail", args=[999999])).status_code == 404
    assert not BoardPack.objects.exists()


# Downloading.


def test_the_download_is_not_found_until_the_pack_is_generated(partnership, client_for):
    meeting = h.board_meeting(partnership)
    assert client_for("board").get(reverse("boardpack:download", args=[meeting.pk])).status_code == 404


def test_the_board_downloads_the_stored_pdf(partnership, client_for, quick_pdf):
    meeting = h.board_meeting(partnership, h.days(6))
    pack = board_pack_generate(meeting=meeting)

    response = client_for("board").get(reverse("boardpack:download", args=[meeting.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="board-pack-{meeting.date:%Y-%m-%d}-v1.pdf"' in response["Content-Disposition"]
    with pack.file.open("rb") as file:
        assert b"".join(response.streaming_content) == file.read()


def test_each_version_downloads_as_it_was_generated(partnership, client_for, quick_pdf, monkeypatch):
    from cscp.boardpack import services

    meeting = h.board_meeting(partnership, h.days(6))
    board_pack_generate(meeting=meeting)
    monkeypatch.setattr(services, "render_pdf", lambda *args, **kwargs: b"%PDF-1.4 second")
    board_pack_generate(meeting=meeting)
    client = client_for("board")

    first = client.get(reverse("boardpack:version-download", args=[meeting.pk, 1]))
    latest = client.get(reverse("boardpack:download", args=[meeting.pk]))

    assert b"".join(first.streaming_content).startswith(b"%PDF-1.4\n1 0 obj")
    assert f"board-pack-{meeting.date:%Y-%m-%d}-v1.pdf" in first["Content-Disposition"]
    assert b"".join(latest.streaming_content) == b"%PDF-1.4 second"
    assert f"board-pack-{meeting.date:%Y-%m-%d}-v2.pdf" in latest["Content-Disposition"]


# Settings.


def test_an_admin_sets_the_marking_cover_and_order_of_sections(partnership, client_for):
    from cscp.boardpack.forms import position_field_name
    from cscp.boardpack.models import BoardPackSettings
    from cscp.sections import board_pack_sections

    client = client_for("admin")
    keys = [section.key for section in board_pack_sections.sections()]
    page = client.get(reverse("boardpack:settings"))
    assert page.status_code == 200
    data = {"protective_marking": "OFFICIAL", "author": "Business Manager", "purpose": "To decide."}
    # The actions first, then the rest in their order.
    data.update({position_field_name(key): n + 2 for n, key in enumerate(keys)})
    data[position_field_name("cscp.actions")] = 1

    response = client.post(reverse("boardpack:settings"), data, follow=True)

    assert "Board pack settings saved" in response.content.decode()
    settings = BoardPackSettings.load()
    assert (settings.protective_marking, settings.author, settings.purpose) == (
        "OFFICIAL",
        "Business Manager",
        "To decide.",
    )
    meeting = h.board_meeting(partnership)
    pack = client.get(pack_url(meeting))
    assert [entry["title"] for entry in pack.context["pack_contents"]][0] == "Actions: overdue and at risk"
    assert "OFFICIAL" in pack.content.decode()
    assert AuditEvent.objects.filter(action="boardpack.settings.changed").count() == 1


def test_settings_with_two_sections_in_one_position_are_refused_beside_the_field(partnership, client_for):
    from cscp.boardpack.forms import position_field_name
    from cscp.boardpack.models import BoardPackSettings
    from cscp.sections import board_pack_sections

    keys = [section.key for section in board_pack_sections.sections()]
    data = {"protective_marking": "SECRET-ISH", "author": "", "purpose": "x" * 2_001}
    data.update({position_field_name(key): 1 for key in keys})

    response = client_for("admin").post(reverse("boardpack:settings"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "has the same position as" in html
    assert "Purpose must be 2,000 characters or fewer" in html
    assert "SECRET-ISH" in html  # what was typed is kept
    assert not BoardPackSettings.objects.exists()


@pytest.mark.parametrize("persona", ["board", "business", "scrutineer", "chair"])
def test_only_admins_change_the_settings(partnership, client_for, persona):
    assert client_for(persona).get(reverse("boardpack:settings")).status_code == 403


def test_people_outside_the_boards_oversight_cannot_download_it(partnership, client_for, quick_pdf):
    meeting = h.board_meeting(partnership)
    board_pack_generate(meeting=meeting)
    url = reverse("boardpack:download", args=[meeting.pk])

    assert client_for("chair").get(url).status_code == 403
    assert client_for("outsider").get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302


def test_a_pack_whose_file_has_gone_is_not_found_rather_than_an_error(partnership, client_for, quick_pdf):
    meeting = h.board_meeting(partnership)
    pack = board_pack_generate(meeting=meeting)
    pack.file.storage.delete(pack.file.name)

    assert client_for("board").get(reverse("boardpack:download", args=[meeting.pk])).status_code == 404
