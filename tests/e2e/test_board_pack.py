"""The Board pack in a real browser: an admin previews a Board meeting's pack, generates it and downloads the PDF,
which holds a group's impact update, an open escalation and an overdue action."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.urls import reverse

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
    assert "Board pack generated" in page.get_by_role("alert").inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"board-pack-{meeting.date:%Y-%m-%d}.pdf"
    pdf = Path(download.path())
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["/usr/bin/pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    text = text.decode()
    assert "Two hundred practitioners completed the graded care profile training." in text
    assert "Initial health assessments are late" in text
    assert overdue.reference in text
    assert "Page 1 of" in text
