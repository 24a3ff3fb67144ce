"""The demo's comparators are the figures the DfE published, and a real import of the DfE's files over the demo
finds them already there: nothing revised, nothing doubled, no year added for the demo's areas."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from scorecards.imports import comparators
from scorecards.models import ComparatorValue, Scorecard
from scorecards.selectors import scorecard_data

TODAY = datetime.date(2026, 11, 27)
CLA = "cla_number_and_rate_per_10k_children.csv"
ON_31_MARCH = "Children looked after on 31 March each year"


@pytest.fixture
def demo(db, monkeypatch):
    monkeypatch.setattr("scorecards.demo.timezone.localdate", lambda: TODAY)
    call_command("seed_demo", force=True, stdout=io.StringIO())
    return Scorecard.objects.get(slug="main")


def published_rows(path):
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_the_demos_comparators_are_the_figures_in_the_dfes_own_file(demo, dfe_dir):
    rows = [row for row in published_rows(dfe_dir / CLA) if row["population_type"] == ON_31_MARCH]
    england = next(row for row in rows if row["time_period"] == "2025" and row["geographic_level"] == "National")
    devon = next(row for row in rows if row["time_period"] == "2025" and row["old_la_code"] == "878")
    ours = [row for row in rows if row["time_period"] == "2025" and row["old_la_code"] in ("942", "943")]

    data = scorecard_data(demo, period_key="2026-10")
    rate = next(row for row in data.indicators if row.code == "CSC14")
    count = next(row for row in data.indicators if row.code == "CSC15")

    assert rate.comparator_period.key == "FY2024-25"
    assert rate.england.value == Decimal(england["rate_per_10000"])
    neighbour = next(point for point in rate.neighbours if point.area_code == "878")
    assert neighbour.value == Decimal(devon["rate_per_10000"])
    # The partnership's published figure is its two authorities' together, as an import of the file works it out.
    assert count.published.value == sum(Decimal(row["children_count"]) for row in ours)


def _held():
    return {
        (measure, area, key): (value, symbol, source, release)
        for measure, area, key, value, symbol, source, release in ComparatorValue.objects.values_list(
            "measure__code", "area__code", "period_key", "value", "symbol", "source_file", "release_year"
        )
    }


def test_importing_the_real_files_over_the_demo_leaves_its_figures_as_they_are(demo, dfe_dir):
    before = _held()
    read = lambda name: (dfe_dir / name).read_bytes()  # noqa: E731
    outcomes = {
        "ons": comparators.import_ons(
            read("ons_mid-year_population_estimates_2012_to_2024.csv"),
            file_name="ons_mid-year_population_estimates_2012_to_2024.csv",
        )
    }
    for name in (
        "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
        "d3_cpps_subsequent_plan_2013_to_2025.csv",
        "b1_children_in_need_2013_to_2025.csv",
        CLA,
        "cla_number_and_rate_per_10k_children_release2024.csv",
    ):
        outcomes[name] = comparators.import_ees(read(name), file_name=name)
    outcomes["lait"] = comparators.import_lait(
        read("lait_key_measures_cumbria_extract.csv"),
        read("lait_dictionary_key_measures.csv"),
        file_name="lait_key_measures_cumbria_extract.csv",
    )
    outcomes["sn"] = comparators.import_neighbours(
        read("New_Statistical_Neighbour_Groupings_April_2021.csv"),
        year=2021,
        file_name="New_Statistical_Neighbour_Groupings_April_2021.csv",
    )

    assert {name: outcome.problems for name, outcome in outcomes.items() if outcome.problems} == {}
    assert {name: outcome.updated for name, outcome in outcomes.items() if outcome.updated} == {}
    after = _held()
    # Every figure the demo held is still there, as it was, from the same release; the real files added only
    # the authorities and the measures the demo does not compare with, and no year for those it does.
    assert {key: after[key] for key in before} == before
    measures, areas = {measure for measure, _, _ in before}, {area for _, area, _ in before}
    added = [key for key in after if key not in before and key[0] in measures and key[1] in areas]
    assert added == []
    assert ComparatorValue.objects.count() == len(after)
