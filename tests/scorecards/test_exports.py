"""The scorecard as a spreadsheet and as CSV: figures as numbers, withheld figures in words."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from scorecards.exports import scorecard_csv, scorecard_workbook
from scorecards.models import ComparatorValue, Indicator
from scorecards.periods import Period
from scorecards.reports import scorecard_context
from scorecards.services import commentary_save
from tests.scorecards.pages_helpers import (
    build_scorecard,
    empty_scorecard,
    last_month,
    published_figure,
    simple_indicator,
)

MONTH = last_month()


@pytest.fixture
def scorecard(partnership):
    return build_scorecard(5, officer=partnership["officer"], months=26)


def workbook_for(scorecard):
    return load_workbook(io.BytesIO(scorecard_workbook(scorecard_context(scorecard, MONTH, {}))))


def test_the_workbook_has_a_sheet_per_view_each_with_a_header_row(scorecard):
    book = workbook_for(scorecard)
    assert book.sheetnames == [
        "Summary",
        "Past year",
        "Earlier quarters",
        "Comparators",
        "Statistical neighbours",
        "Commentary",
    ]
    summary = book["Summary"]
    assert [cell.value for cell in summary[1]][:7] == [
        "Code",
        "Indicator",
        "Area",
        "Unit",
        "What better means",
        "Period",
        "Figure",
    ]
    assert summary.max_row == 6
    assert all(cell.font.bold for cell in summary[1])


def test_figures_are_numbers_with_a_format_for_their_unit(scorecard):
    summary = workbook_for(scorecard)["Summary"]
    rows = {row[0].value: row for row in summary.iter_rows(min_row=2)}
    percent, count = rows["IND001"][6], rows["IND004"][6]
    assert isinstance(percent.value, int | float) and percent.number_format == '0.0"%"'
    assert isinstance(count.value, int) and count.number_format == "#,##0"
    assert rows["IND001"][9].value in ("Red: off target", "Amber: within tolerance", "Green: on target")
    assert rows["IND003"][7].value == "No target set"


def test_the_past_year_sheet_has_a_row_per_indicator_and_month_with_counts(scorecard):
    sheet = workbook_for(scorecard)["Past year"]
    assert sheet.max_row == 1 + 5 * 12
    first = [cell.value for cell in sheet[2]]
    assert first[0] == "IND001" and first[4] == MONTH.offset(-11).key
    assert isinstance(first[6], int) and isinstance(first[7], int)


def test_the_rank_and_quartile_are_written_as_the_page_says_them(scorecard):
    summary = workbook_for(scorecard)["Summary"]
    header = [cell.value for cell in summary[1]]
    rows = {row[0].value: row for row in summary.iter_rows(min_row=2)}
    rank, quartile = header.index("Rank among statistical neighbours"), header.index("Quartile in England")
    year = Period.for_financial_year(MONTH.year - 1).financial_year_label
    assert rows["IND001"][rank].value == "5th of 10"
    assert rows["IND001"][quartile].value == (
        f"No quartile: figures for {year} are held for only 10 of England's 153 authorities"
    )
    text = scorecard_csv(scorecard_context(scorecard, MONTH, {}))
    assert "5th of 10" in text and "No quartile: figures for" in text


def test_a_comparator_our_figure_cannot_be_set_against_says_so(scorecard):
    ComparatorValue.objects.filter(area__code="909").update(value=None, symbol="c")
    sheet = workbook_for(scorecard)["Comparators"]
    judged = {(row[0].value, row[3].value): row[6].value for row in sheet.iter_rows(min_row=2)}
    assert judged[("IND001", "England")] == "Not compared"
    assert judged[("IND001", "Ours (published)")] is None  # a blank cell beside our own figure


def test_the_summary_says_where_our_local_and_published_figures_differ(partnership):
    scorecard = empty_scorecard()
    year = Period.for_financial_year(MONTH.year - 1)
    indicator = simple_indicator(
        "REF01", scorecard=scorecard, unit="count", polarity="none", values={m.key: 400 for m in year.months}
    )
    Indicator.objects.filter(pk=indicator.pk).update(aggregation=Indicator.Aggregation.FLOW)
    published_figure(indicator, year, 4000)

    rows = list(csv.reader(io.StringIO(scorecard_csv(scorecard_context(scorecard, MONTH, {})).lstrip("\ufeff"))))

    column = rows[0].index("Local and published figures")
    assert rows[1][column].startswith(f"Our local figure for {year.financial_year_label} is 4,800")
    assert rows[1][column].endswith(f"Trust the published figure for {year.financial_year_label}.")


def test_withheld_comparators_are_written_in_words(scorecard):
    sheet = workbook_for(scorecard)["Statistical neighbours"]
    withheld = [row[5].value for row in sheet.iter_rows(min_row=2) if row[3].value == "Neighbour 10"]
    assert withheld and set(withheld) == {"Not published (small number)"}
    assert not any(row[5].value == "c" for row in sheet.iter_rows(min_row=2))


def test_text_that_looks_like_a_formula_stays_text(scorecard, partnership):
    commentary_save(
        actor=partnership["admin"], indicator=Indicator.objects.get(code="IND001"), period=MONTH, text="=HYPERLINK(1)"
    )
    book = workbook_for(scorecard)
    cell = next(row[6] for row in book["Commentary"].iter_rows(min_row=2) if row[0].value == "IND001")
    assert cell.value == "=HYPERLINK(1)"
    assert cell.data_type == "s"
    text = scorecard_csv(scorecard_context(scorecard, MONTH, {}))
    assert "'=HYPERLINK(1)" in text


def test_the_csv_is_the_summary_with_plain_numbers(scorecard):
    ComparatorValue.objects.filter(area__code="E92000001").update(value=None, symbol="x")
    text = scorecard_csv(scorecard_context(scorecard, MONTH, {}))
    assert text.startswith("\ufeffCode,Indicator")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row["Code"] for row in rows] == ["IND001", "IND002", "IND003", "IND004", "IND005"]
    assert rows[0]["Figure"].replace(".", "", 1).isdigit()
    assert rows[0]["England"] == "Not available"


def test_the_download_views_name_their_files(client_for, scorecard):
    client = client_for("business")
    xlsx = client.get(reverse("scorecards:scorecard-xlsx", args=[scorecard.slug, MONTH.key]))
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx["Content-Disposition"] == f'attachment; filename="main-{MONTH.key}.xlsx"'
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "Summary"
    csv_response = client.get(reverse("scorecards:scorecard-csv", args=[scorecard.slug, MONTH.key]))
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_response["Content-Disposition"] == f'attachment; filename="main-{MONTH.key}.csv"'
