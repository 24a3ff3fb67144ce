"""An admin imports the DfE's real published files in the browser, maps an indicator to one of their measures,
and sees the partnership's published figure beside England's, the North West's and the statistical neighbours'.
Every page on the way is scanned with axe."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from scorecards.formatting import format_number
from scorecards.models import ComparatorMeasure, ComparatorSettings, ComparatorValue, ImportRun
from scorecards.periods import Period
from scorecards.services import CUMBRIA_SPANS, comparator_setup
from tests.dfe_files import DFE_DIR
from tests.e2e.conftest import axe_check, sign_in, visit
from tests.scorecards.pages_helpers import empty_scorecard, simple_indicator

# Each file with the kind an admin picks for it; the ONS population first, as referral rates are worked out from it.
UPLOADS = [
    ("ons_mid-year_population_estimates_2012_to_2024.csv", "ONS population estimates"),
    ("New_Statistical_Neighbour_Groupings_April_2021.csv", "DfE statistical neighbours (2021 model)"),
    (
        "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        "DfE statistics (Explore Education Statistics CSV)",
    ),
    ("cla_number_and_rate_per_10k_children.csv", "DfE statistics (Explore Education Statistics CSV)"),
]
IMPORT_TIMEOUT_MS = 180_000


@pytest.fixture
def dfe_dir() -> Path:
    if not DFE_DIR.is_dir():
        message = f"The DfE published files are not at {DFE_DIR} (see docs/dfe-imports.md)"
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return DFE_DIR


@pytest.fixture
def referrals(partnership):
    """The main scorecard with a referral-rate indicator not yet mapped, and who the partnership compares with."""
    comparator_setup(
        actor=None,
        partnership_name="Cumbria Safeguarding Children Partnership area",
        region=("E12000002", "North West"),
        spans=CUMBRIA_SPANS,
        neighbours_of="909",
        neighbour_model_year=2021,
    )
    scorecard = empty_scorecard()
    return simple_indicator(
        "REF01",
        scorecard=scorecard,
        unit="rate_per_10000",
        polarity="none",
        name="Referrals per 10,000 children",
        values={"2024-04": "30.5"},
    )


def _upload(page, path: Path, kind: str) -> None:
    visit(page, reverse("scorecards:import-start"))
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("File", exact=True).set_input_files(str(path))
    with page.expect_navigation(timeout=IMPORT_TIMEOUT_MS):
        page.get_by_role("button", name="Upload and check").click()
    # A large file is read in the background: its progress page reloads itself until the result is there.
    heading = page.get_by_role("heading", level=1)
    heading.filter(has_text=re.compile("imported|could not be imported")).wait_for(timeout=IMPORT_TIMEOUT_MS)
    page.wait_for_load_state("load")
    axe_check(page)
    assert heading.inner_text() == f"{path.name} imported", page.locator("main").inner_text()


def test_an_admin_imports_the_dfe_files_maps_an_indicator_and_sees_the_published_comparators(
    page, live_server, dfe_dir, referrals
):
    page.set_default_navigation_timeout(IMPORT_TIMEOUT_MS)
    sign_in(page, live_server, "admin")

    for name, kind in UPLOADS:
        _upload(page, dfe_dir / name, kind)
        counts = page.locator("table", has_text="Outcome").inner_text()
        run = ImportRun.objects.get(file_name=name)
        assert run.status == ImportRun.Status.DONE
        assert re.search(r"created\s+[\d,]+", counts), counts
        if run.created:
            assert f"{run.created:,}" in counts or str(run.created) in counts

    # The mapping step: referrals per 10,000 children from the c1 file, for our figure and the comparators.
    visit(page, reverse("scorecards:mapping-list"))
    assert "Not mapped: no published figures" in page.locator("table").inner_text()
    page.get_by_role("link", name="Change the mapping of REF01").click()
    page.wait_for_load_state("load")
    axe_check(page)
    measure = ComparatorMeasure.objects.get(code="cin-referral-rate")
    page.get_by_label("Published measure", exact=True).select_option(str(measure.pk))
    page.get_by_label("The partnership's published figure and its comparators", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the mapping").click()
    axe_check(page)
    assert "REF01 now takes its published figures from Referrals per 10,000 children" in (
        page.locator(".govuk-notification-banner").inner_text()
    )
    row = page.locator("tr", has_text="REF01").inner_text()
    assert "c1_children_in_need_referrals" in row
    assert "referral_rate" in row

    # The indicator page sets the partnership's published figure beside England, the North West and neighbours.
    visit(page, reverse("scorecards:indicator-detail", args=["REF01"]))
    summary = page.locator(".govuk-summary-list").first.inner_text()
    assert "Referrals per 10,000 children (Explore Education Statistics CSV, column referral_rate)" in summary
    table = page.locator("table", has_text="Ours, published")
    assert "North West" in table.inner_text()
    settings = ComparatorSettings.load()
    year = Period.parse("FY2023-24")

    def published(code: str) -> str:
        value = ComparatorValue.objects.get(measure=measure, area__code=code, period_key=year.key).value
        return format_number(value, 1)

    cells = [cell.strip() for cell in table.locator("tr", has_text=year.label).first.inner_text().split("\t")]
    _year, _local, ours, _difference, england, region, neighbours = cells
    assert ours == published(settings.partnership_area.code)
    assert england == published("E92000001")
    assert region == published("E12000002")
    assert re.fullmatch(r"[\d,]+\.\d", neighbours), cells
    assert len({ours, england, region, neighbours}) == 4, cells

    # The main scorecard shows the same published comparators.
    visit(page, reverse("scorecards:scorecard-detail", args=["main"]))
    section = page.locator("#indicator-ref01").inner_text()
    latest = (
        ComparatorValue.objects.filter(measure=measure, area__code="E92000001", value__isnull=False)
        .order_by("-period_start")
        .first()
    )
    assert "England" in section and "North West" in section, section
    assert format_number(latest.value, 1) in section, section
