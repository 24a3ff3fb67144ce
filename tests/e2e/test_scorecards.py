"""The scorecards in a real browser: a responsible officer enters a month's figures, a Business Group member
downloads the quarter's PDF and spreadsheet, and every scorecard page passes axe."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from scorecards.models import Challenge, IndicatorValue, Scorecard
from scorecards.periods import QUARTERLY, Period
from tests.e2e.conftest import axe_check, sign_in, visit
from tests.scorecards.pages_helpers import build_scorecard, last_month


@pytest.fixture
def scorecard(partnership) -> Scorecard:
    scorecard = build_scorecard(3, officer=partnership["officer"], owner_group=partnership.business, months=18)
    # Last month's figures are still to come.
    IndicatorValue.objects.filter(period_key=last_month().key).delete()
    return scorecard


def test_a_responsible_officer_enters_a_months_figures_and_sees_the_rating_and_direction(
    page, live_server, partnership, scorecard
):
    month = last_month()
    sign_in(page, live_server, "officer")
    visit(page, reverse("scorecards:enter-values", args=[month.key]))
    assert page.get_by_role("heading", level=1).inner_text() == f"Figures for {month.label}"

    # IND001 is a percentage where higher is better, with a target of 85%: 60 out of 100 is red.
    page.get_by_label("Numerator for IND001", exact=True).fill("60")
    page.get_by_label("Denominator for IND001", exact=True).fill("100")
    # IND002: lower is better, target 20%: 30 out of 200 (15%) is green.
    page.get_by_label("Numerator for IND002", exact=True).fill("30")
    page.get_by_label("Denominator for IND002", exact=True).fill("200")
    page.get_by_label("Value for IND003 (per 10,000 children)", exact=True).fill("331.5")
    with page.expect_navigation():
        page.get_by_role("button", name="Save figures").click()
    axe_check(page)

    # A red figure needs commentary: nothing was saved, and what was typed is still there.
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    commentary = page.locator(f"#indicator-{_pk('IND001')} .govuk-error-message")
    assert f"IND001 Indicator 1 (percent, higher) is red for {month.label}: enter commentary" in commentary.inner_text()
    # The error names the indicator and offers its own commentary page.
    own_page = page.get_by_role("link", name=f"write IND001's commentary for {month.label} on its own page")
    assert own_page.get_attribute("href").endswith(f"?period={month.key}")
    assert page.get_by_label("Numerator for IND001", exact=True).input_value() == "60"
    assert not IndicatorValue.objects.filter(period_key=month.key).exists()

    commentary_box = page.get_by_label("Commentary for IND001", exact=True)
    commentary_box.fill("Two teams are short-staffed; agency staff start in May.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save figures").click()
    axe_check(page)

    assert "Saved 3 figures" in page.locator(".govuk-notification-banner").inner_text()
    first = page.locator(f"#indicator-{_pk('IND001')}")
    assert "Red: off target" in first.inner_text()
    assert "Figure now: 60.0%" in first.inner_text()
    assert "Worse ↓" in first.inner_text()
    assert "Worked out from them: 60.0%" in first.inner_text()
    second = page.locator(f"#indicator-{_pk('IND002')}")
    assert "Green: on target" in second.inner_text()
    assert "Improving ↓" in second.inner_text()


def _pk(code: str) -> int:
    from scorecards.models import Indicator

    return Indicator.objects.get(code=code).pk


def test_a_business_group_member_downloads_the_quarters_pdf_and_excel(page, live_server, partnership, tmp_path):
    build_scorecard(2, officer=partnership["officer"], owner_group=partnership.business, months=18)
    quarter = Period.last_complete(QUARTERLY, last_month().end)
    sign_in(page, live_server, "business")
    visit(page, reverse("scorecards:scorecard-detail", args=["main"]) + f"?period={quarter.key}")
    assert quarter.label in page.locator(".govuk-caption-l").first.inner_text()

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="PDF (A4 landscape)").click()
    pdf = Path(tmp_path / "scorecard.pdf")
    pdf_download.value.save_as(pdf)
    assert pdf_download.value.suggested_filename == f"main-{quarter.key}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Excel spreadsheet").click()
    workbook = Path(tmp_path / "scorecard.xlsx")
    xlsx_download.value.save_as(workbook)
    assert xlsx_download.value.suggested_filename == f"main-{quarter.key}.xlsx"
    assert workbook.read_bytes().startswith(b"PK")


def test_every_scorecard_page_passes_axe(page, live_server, partnership, scorecard):
    from scorecards.generation import report_generate

    previous = last_month().previous()
    report_generate(scorecard=scorecard, period=previous)
    challenge = Challenge.objects.create(
        indicator_id=_pk("IND001"), period_key=previous.key, text="Why has this fallen?", author=partnership["business"]
    )
    sign_in(page, live_server, "admin")
    for url in [
        reverse("scorecards:scorecard-list"),
        reverse("scorecards:scorecard-detail", args=[scorecard.slug]),
        reverse("scorecards:scorecard-detail", args=[scorecard.slug]) + "?rag=red&area=timeliness",
        reverse("scorecards:report-list", args=[scorecard.slug]),
        reverse("scorecards:indicator-detail", args=["IND001"]),
        reverse("scorecards:commentary-add", args=["IND001"]),
        reverse("scorecards:challenge-add", args=["IND001"]),
        reverse("scorecards:challenge-respond", args=[challenge.pk]),
        reverse("scorecards:my-indicators"),
        reverse("scorecards:enter-values", args=[last_month().key]),
        reverse("cscp:home"),
    ]:
        response = visit(page, url)
        assert response.status == 200, url

    # A form sent empty shows its errors accessibly too.
    visit(page, reverse("scorecards:commentary-add", args=["IND001"]))
    with page.expect_navigation():
        page.get_by_role("button", name="Save commentary").click()
    axe_check(page)
    assert "Enter the commentary" in page.locator(".govuk-error-summary").inner_text()


def test_the_officers_home_page_lists_the_figures_still_to_come(page, live_server, partnership, scorecard):
    sign_in(page, live_server, "officer")
    section = page.get_by_role("region", name="Indicators needing your values or commentary")
    assert last_month().label in section.inner_text()
    section.get_by_role("link", name=f"Enter figures for {last_month().label}").click()
    page.wait_for_load_state("load")
    axe_check(page)
    assert page.get_by_role("heading", level=1).inner_text() == f"Figures for {last_month().label}"
