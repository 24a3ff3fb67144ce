"""Imports: the DfE's real published files (read where they lie) and local values from CSV and Excel."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import Workbook

from scorecards import judgements
from scorecards.imports import comparators, local
from scorecards.models import (
    Area,
    Commentary,
    ComparatorMeasure,
    ComparatorValue,
    IndicatorMapping,
    IndicatorValue,
    Neighbour,
    Target,
)
from scorecards.periods import Period
from scorecards.selectors import scorecard_data
from scorecards.services import CUMBRIA_SPANS, comparator_setup
from tests.scorecards.test_models import add_values, make_indicator, make_scorecard

D = Decimal

FILES = {
    "ons": "ons_mid-year_population_estimates_2012_to_2024.csv",
    "c1": "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
    "d3": "d3_cpps_subsequent_plan_2013_to_2025.csv",
    "b1": "b1_children_in_need_2013_to_2025.csv",
    "cla2024": "cla_number_and_rate_per_10k_children_release2024.csv",
    "cla2025": "cla_number_and_rate_per_10k_children.csv",
    "sn2021": "New_Statistical_Neighbour_Groupings_April_2021.csv",
    "sn2025": "sn_model_2025_wide.csv",
    "lait": "lait_key_measures_cumbria_extract.csv",
    "lait_dictionary": "lait_dictionary_key_measures.csv",
}


def setup_cumbria() -> None:
    comparator_setup(
        actor=None,
        partnership_name="Cumbria Safeguarding Children Partnership area",
        region=("E12000002", "North West"),
        spans=CUMBRIA_SPANS,
        neighbours_of="909",
        neighbour_model_year=2021,
    )


def import_everything(dfe_dir, skip: tuple[str, ...] = ()) -> dict[str, comparators.Outcome]:
    def data(key: str) -> bytes:
        return (dfe_dir / FILES[key]).read_bytes()

    results = {}
    if "ons" not in skip:
        results["ons"] = comparators.import_ons(data("ons"), file_name=FILES["ons"])
    for key in ("c1", "d3", "b1", "cla2024", "cla2025"):
        if key not in skip:
            results[key] = comparators.import_ees(data(key), file_name=FILES[key])
    results["sn2021"] = comparators.import_neighbours(data("sn2021"), year=2021, file_name=FILES["sn2021"])
    results["sn2025"] = comparators.import_neighbours(data("sn2025"), year=2025, file_name=FILES["sn2025"])
    results["lait"] = comparators.import_lait(
        data("lait"), data("lait_dictionary"), file_name=FILES["lait"], dictionary_name=FILES["lait_dictionary"]
    )
    return results


def value_of(measure: str, area: str, period: str):
    return ComparatorValue.objects.get(measure__code=measure, area__code=area, period_key=period)


@pytest.fixture
def imported(db, dfe_dir):
    setup_cumbria()
    results = import_everything(dfe_dir)
    for name, outcome in results.items():
        assert outcome.ok, (name, outcome.problems[:3])
    return results


def test_every_real_file_imports_with_counts_reasons_neighbours_and_polarity(imported):
    c1 = imported["c1"]
    assert c1.rows_read == 2132
    assert c1.created > 5000
    assert c1.updated == 0
    assert any("'c'" in reason for reason in c1.skipped_reasons)
    assert imported["lait"].created > 2000
    # Suppressed figures are kept with their symbol, so the page can say why there is none.
    assert ComparatorValue.objects.filter(value__isnull=True, symbol="c").exists()
    assert value_of("cla-rate", "909", "FY2023-24").symbol == "z"
    # Statistical neighbours, closest first, in both models.
    assert imported["sn2021"].created >= 1500
    names = list(
        Neighbour.objects.filter(model__year=2021, area__code="909")
        .order_by("position")
        .values_list("neighbour__name", flat=True)
    )
    assert names[0] == "Lincolnshire" and len(names) == 10
    assert Neighbour.objects.filter(model__year=2025, area__code="942").first().neighbour.code == "943"
    # LAIT's dictionary gives each measure its polarity and unit.
    assert ComparatorMeasure.objects.get(column="ReReferral").polarity == judgements.LOWER
    assert ComparatorMeasure.objects.get(column="Continue_Assess_Comp").polarity == judgements.HIGHER
    assert ComparatorMeasure.objects.get(column="LAC").unit == "rate_per_10000"
    # The areas know their region.
    assert Area.objects.get(code="942").region.name == "North West"


def test_the_partnerships_figures_are_recomputed_from_its_authorities(imported):
    # (482 + 247) / (52,019 + 39,177) × 10,000 = 79.9 on 31 March 2024, not the mean of 93 and 63.
    combined = value_of("cla-rate", "PARTNERSHIP", "FY2023-24")
    assert combined.value == D("79.9")
    assert "482" in combined.note and "247" in combined.note
    assert value_of("cla-count", "PARTNERSHIP", "FY2023-24").value == 729
    # Before the reorganisation the partnership's figure is Cumbria's, recomputed: 740 / 90,547 × 10,000.
    assert value_of("cla-rate", "PARTNERSHIP", "FY2022-23").value == D("81.7")
    assert value_of("cla-rate", "909", "FY2022-23").value == 82
    # (253 + 103) / (2,375 + 1,386) = 9.5%, not the mean of the two percentages.
    assert value_of("cin-rereferral-percent", "PARTNERSHIP", "FY2023-24").value == D("9.5")
    rate = value_of("cin-referral-rate", "PARTNERSHIP", "FY2023-24")
    assert rate.value is not None and "children aged 0-17" in rate.note
    # LAIT gives rates without their counts: the partnership's figure is Cumbria's while Cumbria covered it...
    assert value_of("lait-lac", "PARTNERSHIP", "FY2022-23").value == 82
    assert value_of("lait-lac", "PARTNERSHIP", "FY2022-23").note == "Cumbria's published figure"


def test_lait_rates_per_10000_are_combined_weighted_by_each_authoritys_children(imported):
    # ...and from 2023-24 its two authorities' rates, each weighed by its children (ONS, mid-2023):
    # (93 × 52,019 + 63 × 39,177) / 91,196 = 80.1. LAIT rounds these rates to whole numbers, so this is 0.2 from
    # the 79.9 worked out from the counts in the EES file: within the half a unit the rounding allows.
    combined = value_of("lait-lac", "PARTNERSHIP", "FY2023-24")
    assert combined.value == D("80.1")
    assert "93 × 52,019" in combined.note and "63 × 39,177" in combined.note and "/ 91,196" in combined.note
    assert abs(combined.value - value_of("cla-rate", "PARTNERSHIP", "FY2023-24").value) <= D("0.5")
    # Rates published to one place agree with the EES figure from the counts: children in need, 31 March 2025.
    assert (
        value_of("lait-cin", "PARTNERSHIP", "FY2024-25").value == value_of("cin-rate", "PARTNERSHIP", "FY2024-25").value
    )
    assert ComparatorMeasure.objects.get(code="lait-lac").combine == ComparatorMeasure.Combine.POPULATION_WEIGHTED


def test_a_lait_percentage_without_its_counts_gives_no_figure_for_the_partnership_and_says_why(imported):
    value = value_of("lait-rereferral", "PARTNERSHIP", "FY2023-24")
    assert value.value is None and value.symbol == ""
    assert value.note == (
        "No figure for the partnership's area: only each authority's percentage is published (Cumberland 10.7%, "
        "Westmorland and Furness 7.4%), not the numbers behind it, so they cannot be combined: an average would "
        "count a small authority as much as a large one."
    )
    assert any("published without their counts" in reason for reason in imported["lait"].skipped_reasons)
    # Where one of the authorities has no figure, that is the reason given.
    none = value_of("lait-cpplans2yrsactive", "PARTNERSHIP", "FY2024-25")
    assert none.note == (
        "No figure for the partnership's area: Cumberland and Westmorland and Furness have no figure for 2024-25."
    )


def test_a_lait_rate_imported_before_the_ons_population_says_it_needs_it(db, dfe_dir):
    setup_cumbria()
    outcome = comparators.import_lait(
        (dfe_dir / FILES["lait"]).read_bytes(),
        (dfe_dir / FILES["lait_dictionary"]).read_bytes(),
        file_name=FILES["lait"],
        dictionary_name=FILES["lait_dictionary"],
    )
    assert outcome.ok
    note = value_of("lait-lac", "PARTNERSHIP", "FY2024-25").note
    assert "needs the ONS population of children: import it, then this file again" in note


def test_with_every_real_file_a_quartile_is_given_from_englands_authorities_but_not_from_lait(imported):
    scorecard = make_scorecard()
    ees = make_indicator("REREF", scorecard=scorecard, unit="percent", polarity="lower")
    lait = make_indicator("LAIT", scorecard=scorecard, unit="percent", polarity="lower")
    IndicatorMapping.objects.create(indicator=ees, measure=ComparatorMeasure.objects.get(code="cin-rereferral-percent"))
    IndicatorMapping.objects.create(indicator=lait, measure=ComparatorMeasure.objects.get(code="lait-prevregcpr"))
    IndicatorMapping.objects.create(
        indicator=lait,
        measure=ComparatorMeasure.objects.get(code="cpp-subsequent-percent"),
        role=IndicatorMapping.Role.PUBLISHED,
    )

    rows = {row.code: row for row in scorecard_data(scorecard, period_key="2025-06").indicators}

    # The EES file lists every one of England's 153 authorities for 2024-25.
    assert (rows["REREF"].quartile_known, rows["REREF"].quartile_authorities) == (153, 153)
    assert rows["REREF"].england_quartile in (1, 2, 3, 4) and rows["REREF"].quartile_reason == ""
    assert rows["REREF"].sn_rank.out_of == 11
    # The LAIT extract has 22 authorities for 2024-25 (Cumbria's "-" that year says nothing about it).
    assert rows["LAIT"].england_quartile is None
    assert rows["LAIT"].quartile_reason == judgements.TOO_FEW_AUTHORITIES
    assert (rows["LAIT"].quartile_known, rows["LAIT"].quartile_authorities) == (22, 153)


def test_a_second_import_of_every_file_changes_nothing(imported, dfe_dir):
    before = ComparatorValue.history.count()
    again = import_everything(dfe_dir)
    assert all(outcome.created == 0 and outcome.updated == 0 for outcome in again.values()), {
        name: (outcome.created, outcome.updated) for name, outcome in again.items()
    }
    assert ComparatorValue.history.count() == before


def test_the_2025_cla_release_revises_2024_values_and_keeps_the_earlier_ones(db, dfe_dir):
    setup_cumbria()
    comparators.import_ees((dfe_dir / FILES["cla2024"]).read_bytes(), file_name=FILES["cla2024"])
    assert value_of("cla-count", "943", "FY2023-24").value == 246

    newer = comparators.import_ees((dfe_dir / FILES["cla2025"]).read_bytes(), file_name=FILES["cla2025"])

    revised = value_of("cla-count", "943", "FY2023-24")
    assert revised.value == 247
    assert [entry.value for entry in revised.history.order_by("history_date")] == [246, 247]
    assert newer.updated > 0


def test_an_older_release_imported_after_a_newer_one_does_not_undo_its_revisions(db, dfe_dir):
    setup_cumbria()
    comparators.import_ees((dfe_dir / FILES["cla2025"]).read_bytes(), file_name=FILES["cla2025"])
    older = comparators.import_ees((dfe_dir / FILES["cla2024"]).read_bytes(), file_name=FILES["cla2024"])

    assert value_of("cla-count", "943", "FY2023-24").value == 247
    assert any("later release" in reason for reason in older.skipped_reasons)


def test_the_partnerships_published_figures_sit_beside_england_north_west_and_neighbours(imported):
    scorecard = make_scorecard()
    cla = make_indicator("CLA", scorecard=scorecard, unit="rate_per_10000", polarity="none", frequency="monthly")
    rereferrals = make_indicator("REREF", scorecard=scorecard, unit="percent", polarity="lower")
    IndicatorMapping.objects.create(indicator=cla, measure=ComparatorMeasure.objects.get(code="cla-rate"))
    IndicatorMapping.objects.create(
        indicator=rereferrals, measure=ComparatorMeasure.objects.get(code="cin-rereferral-percent")
    )
    add_values(cla, {"2025-06": 80})

    rows = {row.code: row for row in scorecard_data(scorecard, period_key="2025-06").indicators}

    row = rows["CLA"]
    assert row.published.period.key == "FY2024-25"
    # (458 + 261) / (52,489 + 39,153) × 10,000
    assert row.published.value == D("78.5")
    assert row.comparator_period.key == "FY2024-25"
    assert row.england.value == 67
    assert row.region.area_name == "North West" and row.region.value is not None
    assert [point.area_name for point in row.neighbours][0] == "Lincolnshire"
    assert len(row.neighbours) == 10 and row.sn_average.value is not None
    assert rows["REREF"].sn_rank is not None
    assert rows["REREF"].england_quartile in (1, 2, 3, 4)


def test_a_rate_needing_the_ons_population_says_so_when_it_has_not_been_imported(db, dfe_dir):
    setup_cumbria()
    outcome = comparators.import_ees((dfe_dir / FILES["c1"]).read_bytes(), file_name=FILES["c1"])
    assert any("import the ONS file first" in reason for reason in outcome.skipped_reasons)


def test_a_preview_of_a_dfe_file_saves_nothing(db, dfe_dir):
    setup_cumbria()
    outcome = comparators.import_ees((dfe_dir / FILES["d3"]).read_bytes(), file_name=FILES["d3"], apply=False)
    assert outcome.created > 0
    assert not ComparatorValue.objects.exists()


# Bad DfE input -----------------------------------------------------------------------------------------


def test_a_file_of_the_wrong_kind_is_refused_with_a_clear_message(db, dfe_dir):
    outcome = comparators.import_ees((dfe_dir / FILES["sn2021"]).read_bytes(), file_name=FILES["sn2021"])
    assert not outcome.ok
    assert any("right kind" in problem.message for problem in outcome.problems)
    assert not ComparatorValue.objects.exists()


def test_the_ons_file_given_as_an_ees_file_is_pointed_to_the_right_kind(db, dfe_dir):
    outcome = comparators.import_ees((dfe_dir / FILES["ons"]).read_bytes(), file_name=FILES["ons"])
    assert "ONS population" in outcome.problems[0].message


def test_an_ees_file_with_none_of_the_measures_is_refused(db):
    text = (
        "time_period,time_identifier,geographic_level,country_code,widgets\n2024,Reporting year,National,E92000001,5\n"
    )
    outcome = comparators.import_ees(text.encode(), file_name="widgets.csv")
    assert "None of this file's columns" in outcome.problems[0].message


def test_an_ees_file_with_a_bad_number_saves_nothing_and_says_where(db):
    text = (
        "time_period,time_identifier,geographic_level,country_code,region_code,old_la_code,new_la_code,la_name,"
        "referral_count\n"
        "2024,Reporting year,National,E92000001,,,,,100\n"
        "2024,Reporting year,Local authority,E92000001,E12000002,909,E10000006,Cumbria,abc\n"
    )
    outcome = comparators.import_ees(text.encode(), file_name="c1.csv")
    assert outcome.problems[0].row == 3
    assert outcome.problems[0].column == "referral_count"
    assert not ComparatorValue.objects.exists()


def test_unknown_la_codes_and_duplicate_rows_are_reported(db):
    text = (
        "time_period,time_identifier,geographic_level,country_code,region_code,old_la_code,new_la_code,la_name,"
        "referral_count\n"
        "2024,Reporting year,Local authority,E92000001,E12000002,9X9,E10000006,Cumbria,5\n"
        "2024,Reporting year,Local authority,E92000001,E12000002,942,E06000063,Cumberland,5\n"
        "2024,Reporting year,Local authority,E92000001,E12000002,942,E06000063,Cumberland,6\n"
    )
    outcome = comparators.import_ees(text.encode(), file_name="c1.csv")
    messages = " ".join(str(problem) for problem in outcome.problems)
    assert "Row 2" in messages and "Row 4" in messages
    assert not ComparatorValue.objects.exists()


def test_lait_without_its_dictionary_is_refused(db, dfe_dir):
    outcome = comparators.import_lait((dfe_dir / FILES["lait"]).read_bytes(), None, file_name=FILES["lait"])
    assert "dictionary" in outcome.problems[0].message


# Local values ------------------------------------------------------------------------------------------


@pytest.fixture
def officer_indicators(partnership):
    officer = partnership["officer"]
    percent = make_indicator(
        "TIME01",
        unit="percent",
        numerator_definition="Assessments completed in 45 days",
        denominator_definition="Assessments completed",
        responsible_officer=officer,
    )
    count = make_indicator("COUNT01", unit="count", polarity="none", responsible_officer=officer)
    other = make_indicator("OTHER01", unit="count", polarity="none", responsible_officer=partnership["chair"])
    return percent, count, other


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_a_preview_shows_every_rows_outcome_and_saves_nothing(partnership, officer_indicators):
    _, count, _ = officer_indicators
    add_values(count, {"2025-04": 10, "2025-05": 11})
    data = csv_bytes(
        "indicator,period,value,numerator,denominator",
        "TIME01,2025-04,,40,50",
        "COUNT01,2025-04,10,,",
        "COUNT01,2025-05,12,,",
    )

    outcome = local.preview_values(data, actor=partnership["officer"])

    assert outcome.ok
    assert [(row["row"], row["outcome"]) for row in outcome.preview] == [(2, "create"), (3, "unchanged"), (4, "update")]
    assert outcome.preview[0]["value"] == "80.0%"
    assert outcome.preview[2]["previous"] == "11"
    assert IndicatorValue.objects.count() == 2


def test_confirming_saves_every_row_with_the_rate_computed(partnership, officer_indicators):
    percent, count, _ = officer_indicators
    data = csv_bytes("Indicator,Period,Value,Numerator,Denominator", "TIME01,2025-04,,41,50", "count01,April 2025,7,,")

    outcome = local.apply_values(data, actor=partnership["officer"])

    assert outcome.ok and outcome.created == 2
    saved = IndicatorValue.objects.get(indicator=percent)
    assert saved.value == D("82") and saved.numerator == 41 and saved.source == "imported"
    assert IndicatorValue.objects.get(indicator=count).period_key == "2025-04"


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        ("COUNT01,2025-04,abc,,", "value", "whole number"),
        ("COUNT01,2025-04,-3,,", "value", "0 or more"),
        ("TIME01,2025-04,,60,50", "numerator", "cannot be larger"),
        ("TIME01,2025-04,,1,0", "denominator", "above 0"),
        ("NOPE,2025-04,3,,", "indicator", "No indicator has the code"),
        ("COUNT01,April,3,,", "period", "is not a period"),
        ("COUNT01,FY2025-26-Q1,3,,", "period", "monthly"),
    ],
)
def test_a_bad_row_is_reported_with_its_row_and_column_and_nothing_is_saved(
    partnership, officer_indicators, line, column, words
):
    data = csv_bytes("indicator,period,value,numerator,denominator", "COUNT01,2025-05,5,,", line)

    outcome = local.apply_values(data, actor=partnership["officer"])

    assert not outcome.ok
    problem = outcome.problems[0]
    assert (problem.row, problem.column) == (3, column)
    assert words in problem.message
    assert not IndicatorValue.objects.exists()


def test_a_percentage_above_100_is_refused(partnership, officer_indicators):
    make_indicator("PCT02", unit="percent", responsible_officer=partnership["officer"])
    outcome = local.preview_values(
        csv_bytes("indicator,period,value", "PCT02,2025-04,101"), actor=partnership["officer"]
    )
    assert "between 0 and 100" in outcome.problems[0].message


def test_duplicate_rows_are_refused(partnership, officer_indicators):
    data = csv_bytes("indicator,period,value", "COUNT01,2025-04,1", "COUNT01,2025-04,2")
    outcome = local.apply_values(data, actor=partnership["officer"])
    assert "repeats row 2" in outcome.problems[0].message
    assert not IndicatorValue.objects.exists()


def test_missing_columns_are_named(partnership, officer_indicators):
    outcome = local.preview_values(csv_bytes("indicator,value", "COUNT01,1"), actor=partnership["officer"])
    assert "no `period` column" in outcome.problems[0].message


def test_a_data_officer_may_import_any_indicators_values(partnership, officer_indicators):
    # The officer persona is also a data officer of an agency; OTHER01 is the chair's.
    outcome = local.apply_values(csv_bytes("indicator,period,value", "OTHER01,2025-04,3"), actor=partnership["officer"])
    assert outcome.ok


def test_a_responsible_officer_may_import_only_their_own_indicators(partnership, officer_indicators):
    data = csv_bytes("indicator,period,value", "OTHER01,2025-04,3", "COUNT01,2025-04,3")
    outcome = local.apply_values(data, actor=partnership["chair"])
    assert [(problem.row, problem.column) for problem in outcome.problems] == [(3, "indicator")]
    assert "responsible officer" in outcome.problems[0].message
    assert not IndicatorValue.objects.exists()


def test_an_excel_workbook_imports_like_a_csv_file(partnership, officer_indicators):
    book = Workbook()
    sheet = book.active
    sheet.append(["Indicator", "Period", "Value"])
    sheet.append(["COUNT01", "2025-04", 4])
    buffer = io.BytesIO()
    book.save(buffer)

    outcome = local.apply_values(buffer.getvalue(), actor=partnership["officer"])

    assert outcome.ok and outcome.created == 1


def test_an_excel_workbook_with_merged_header_cells_is_refused(partnership, officer_indicators):
    book = Workbook()
    sheet = book.active
    sheet.append(["Indicator", "Period", "Value"])
    sheet.append(["COUNT01", "2025-04", 4])
    sheet.merge_cells("A1:B1")
    buffer = io.BytesIO()
    book.save(buffer)

    outcome = local.preview_values(buffer.getvalue(), actor=partnership["officer"])

    assert "merged cells" in outcome.problems[0].message


def test_a_file_that_is_not_a_spreadsheet_is_refused(partnership, officer_indicators):
    outcome = local.preview_values(b"%PDF-1.4 something", actor=partnership["officer"])
    assert "PDF" in outcome.problems[0].message


def test_a_dfe_file_given_as_local_values_says_what_is_missing(partnership, officer_indicators, dfe_dir):
    outcome = local.preview_values((dfe_dir / FILES["d3"]).read_bytes(), actor=partnership["officer"])
    assert not outcome.ok
    assert "no `indicator` column" in outcome.problems[0].message


# The entry page's rules, exactly ----------


def test_a_red_figure_without_commentary_is_a_problem_naming_the_indicator(partnership, officer_indicators):
    red = make_indicator(
        "PCT02", name="Assessments on time", unit="percent", responsible_officer=partnership["officer"]
    )
    Target.objects.create(indicator=red, financial_year=2025, value=D(90))

    outcome = local.apply_values(csv_bytes("indicator,period,value", "PCT02,2025-04,50"), actor=partnership["officer"])

    assert [(problem.row, problem.column, problem.message) for problem in outcome.problems] == [
        (
            2,
            "commentary",
            "PCT02 Assessments on time is red for April 2025: enter commentary saying how the under-performance is "
            "being addressed",
        )
    ]
    assert not IndicatorValue.objects.exists()

    data = csv_bytes("indicator,period,value,commentary", "PCT02,2025-04,50,Two vacancies; agency staff start in May.")
    outcome = local.apply_values(data, actor=partnership["officer"])
    assert outcome.ok and outcome.created == 1
    assert Commentary.objects.get(indicator=red, period_key="2025-04").text.startswith("Two vacancies")


def test_an_unchanged_red_figure_imported_again_needs_no_commentary(partnership, officer_indicators):
    red = make_indicator("PCT02", unit="percent", responsible_officer=partnership["officer"])
    Target.objects.create(indicator=red, financial_year=2025, value=D(90))
    add_values(red, {"2025-04": 50})
    outcome = local.apply_values(csv_bytes("indicator,period,value", "PCT02,2025-04,50"), actor=partnership["officer"])
    assert outcome.ok and outcome.unchanged == 1


def test_a_period_still_running_or_before_the_indicators_first_is_a_problem(partnership, officer_indicators):
    running = Period.containing(timezone.localdate(), "monthly")
    data = csv_bytes("indicator,period,value", f"COUNT01,{running.key},3", "COUNT01,2019-04,3", "COUNT01,2025-04,3")

    outcome = local.preview_values(data, actor=partnership["officer"])

    assert [(problem.row, problem.column) for problem in outcome.problems] == [(2, "period"), (3, "period")]
    assert outcome.problems[0].message.startswith(f"COUNT01 Indicator COUNT01: {running.label} has not ended yet")
    assert (
        outcome.problems[1].message
        == "COUNT01 Indicator COUNT01 takes figures from April 2020: April 2019 is before that"
    )
    assert [row["outcome"] for row in outcome.preview] == ["error", "error", "create"]
