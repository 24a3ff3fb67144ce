"""The Board pack in a real browser: an admin previews a Board meeting's pack, generates it and downloads the PDF,
which holds a group's impact update, an open escalation and an overdue action; marks it sent to the Board; then
generates again, which makes version 2 and leaves version 1 as it was."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.urls import reverse

from cscp.boardpack.models import BoardPack
from cscp.impact.models import ImpactUpdate
from tests.cscp.boardpack import helpers as h
from tests.e2e.conftest import axe_check, sign_in, visit


def test_an_admin_previews_generates_and_downloads_a_board_pack(page, live_server, partnership, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    p = partnership
    meeting = h.board_meeting(p, h.days(6), title="Partnership Board")
    sections = h.template_sections()
    cycle = h.cycle(meeting, [p.subgroup, p.other_subgroup])
    h.update(
        cycle,
        p.subgroup,
        {sections[0]: "Two hundred practitioners completed the graded care profile training."},
        by=p["chair"],
        status=ImpactUpdate.Status.ACKNOWLEDGED,
    )
    h.escalation(p.subgroup, p["chair"], "Initial health assessments are late", meeting=meeting)
    overdue = h.action(group=p.subgroup, person=p["chair"], due=h.days(-8), reference="LIS-2026-007")

    sign_in(page, live_server, "admin")
    visit(page, reverse("boardpack:meetings"))
    page.get_by_role("link", name=f"{meeting.date.day} {meeting.date:%B %Y}").click()
    page.wait_for_load_state("load")
    axe_check(page)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Board pack for")
    assert page.get_by_role("heading", name="Impact updates", level=2).is_visible()
    assert "Two hundred practitioners" in page.content()

    with page.expect_navigation():
        page.get_by_role("button", name="Generate the pack").click()
    page.wait_for_load_state("load")
    axe_check(page)
    assert "Board pack version 1 generated" in page.get_by_role("alert").inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"board-pack-{meeting.date:%Y-%m-%d}-v1.pdf"
    pdf = Path(download.path())
    first = pdf.read_bytes()
    assert first.startswith(b"%PDF")
    text = _text(pdf)
    assert "Two hundred practitioners completed the graded care profile training." in text
    assert "Initial health assessments are late" in text
    assert "Decisions the Board is asked to make" in text
    assert "OFFICIAL-SENSITIVE" in text
    assert overdue.reference in text
    assert "Page 1 of" in text

    # Sent to the Board: version 1 can no longer be replaced, only followed.
    with page.expect_navigation():
        page.get_by_role("button", name="Mark as sent to the Board").click()
    page.wait_for_load_state("load")
    axe_check(page)
    assert "Version 1 marked as sent to the Board" in page.get_by_role("alert").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Generate version 2").click()
    page.wait_for_load_state("load")
    assert "cannot be replaced" in page.locator(".govuk-error-summary").inner_text()
    axe_check(page)
    page.get_by_label("What changed since the version sent to the Board").fill("Adds the Case Review Group's update")
    with page.expect_navigation():
        page.get_by_role("button", name="Generate version 2").click()
    page.wait_for_load_state("load")
    assert "Board pack version 2 generated" in page.get_by_role("alert").inner_text()
    assert "What changed: Adds the Case Review Group's update" in page.content()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download version 1").click()
    download = download_info.value
    assert download.suggested_filename == f"board-pack-{meeting.date:%Y-%m-%d}-v1.pdf"
    assert Path(download.path()).read_bytes() == first
    assert [(pack.version, pack.is_sent) for pack in BoardPack.objects.order_by("version")] == [(1, True), (2, False)]


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["/usr/bin/pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()


def test_a_deferral_at_the_meeting_puts_the_escalation_on_the_next_meetings_pack(
    page, live_server, partnership, board_chair
):
    p = partnership
    today = h.board_meeting(p, h.today(), title="Partnership Board")
    later = h.board_meeting(p, h.days(56), title="Partnership Board")
    h.escalation(p.subgroup, p["chair"], "Initial health assessments are late", meeting=today)

    # At the meeting, the Board's chair minutes a deferral to the next meeting.
    sign_in(page, live_server, "boardchair")
    page.get_by_role("link", name="Initial health assessments are late").first.click()
    page.wait_for_load_state("load")
    axe_check(page)
    page.get_by_role("button", name="Record the Board's decision").click()
    page.wait_for_load_state("load")
    axe_check(page)
    page.get_by_label("Deferred to a later meeting").check()
    page.get_by_label("If deferred: the Board meeting to take it").select_option(value=str(later.pk))
    page.get_by_label("The Board's reasons, for the minutes").fill("Wait for the ICB's recovery plan.")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state("load")
    axe_check(page)

    # The next meeting's pack asks the Board for the decision; this meeting's no longer does.
    visit(page, reverse("boardpack:detail", args=[later.pk]))
    decisions = page.locator("#pack-cscp-decisions")
    assert "Initial health assessments are late" in decisions.inner_text()
    visit(page, reverse("boardpack:detail", args=[today.pk]))
    assert "Initial health assessments are late" not in page.locator("#pack-cscp-decisions").inner_text()
