"""Periods follow the UK financial year: April to March, Q1 = April to June, DfE years end on 31 March."""

import csv
import datetime

import pytest

from scorecards.periods import (
    ANNUAL,
    MONTHLY,
    QUARTERLY,
    Period,
    PeriodError,
    financial_year_label,
    financial_year_of,
    quarter_of,
)
from tests.dfe_files import DFE_DIR

D = datetime.date


def month(year, number):
    return Period.for_month(year, number)


# Building periods -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar_year", "calendar_month", "financial_year", "index"),
    [
        (2025, 4, 2025, 1),
        (2025, 5, 2025, 2),
        (2025, 12, 2025, 9),
        (2026, 1, 2025, 10),
        (2026, 3, 2025, 12),
        (2026, 4, 2026, 1),
    ],
)
def test_a_calendar_month_sits_in_the_financial_year_that_starts_in_april(
    calendar_year, calendar_month, financial_year, index
):
    assert month(calendar_year, calendar_month) == Period(MONTHLY, financial_year, index)


@pytest.mark.parametrize(
    ("frequency", "year", "index", "error"),
    [
        ("weekly", 2025, 1, ValueError),
        ("Monthly", 2025, 1, ValueError),
        (MONTHLY, 2025, 0, ValueError),
        (MONTHLY, 2025, 13, ValueError),
        (QUARTERLY, 2025, 5, ValueError),
        (QUARTERLY, 2025, 0, ValueError),
        (ANNUAL, 2025, 2, ValueError),
        (ANNUAL, 999, 1, ValueError),
        (ANNUAL, 9999, 1, ValueError),
        (MONTHLY, "2025", 1, TypeError),
        (MONTHLY, 2025, 1.0, TypeError),
        (MONTHLY, True, 1, TypeError),
    ],
)
def test_a_period_that_cannot_exist_is_refused(frequency, year, index, error):
    with pytest.raises(error):
        Period(frequency, year, index)


@pytest.mark.parametrize("number", [0, 13, -1])
def test_a_month_outside_1_to_12_is_refused(number):
    with pytest.raises(ValueError, match="between 1 and 12"):
        Period.for_month(2025, number)


def test_an_annual_period_defaults_to_index_1():
    assert Period(ANNUAL, 2025) == Period.for_financial_year(2025)


def test_periods_are_immutable_and_hashable():
    period = Period.for_quarter(2025, 1)
    with pytest.raises(AttributeError):
        period.year = 2026  # type: ignore[misc]
    assert {period, Period.for_quarter(2025, 1)} == {period}


# Dates -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (month(2025, 4), D(2025, 4, 1), D(2025, 4, 30)),
        (month(2025, 12), D(2025, 12, 1), D(2025, 12, 31)),
        (month(2026, 1), D(2026, 1, 1), D(2026, 1, 31)),
        (month(2026, 2), D(2026, 2, 1), D(2026, 2, 28)),
        (month(2024, 2), D(2024, 2, 1), D(2024, 2, 29)),
        (month(2026, 3), D(2026, 3, 1), D(2026, 3, 31)),
        (Period.for_quarter(2025, 1), D(2025, 4, 1), D(2025, 6, 30)),
        (Period.for_quarter(2025, 2), D(2025, 7, 1), D(2025, 9, 30)),
        (Period.for_quarter(2025, 3), D(2025, 10, 1), D(2025, 12, 31)),
        (Period.for_quarter(2025, 4), D(2026, 1, 1), D(2026, 3, 31)),
        (Period.for_financial_year(2025), D(2025, 4, 1), D(2026, 3, 31)),
        (Period.for_financial_year(2023), D(2023, 4, 1), D(2024, 3, 31)),
    ],
)
def test_each_period_starts_and_ends_on_the_right_day(period, start, end):
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    ("day", "frequency", "expected"),
    [
        (D(2025, 3, 31), MONTHLY, month(2025, 3)),
        (D(2025, 4, 1), MONTHLY, month(2025, 4)),
        (D(2025, 3, 31), QUARTERLY, Period.for_quarter(2024, 4)),
        (D(2025, 4, 1), QUARTERLY, Period.for_quarter(2025, 1)),
        (D(2025, 6, 30), QUARTERLY, Period.for_quarter(2025, 1)),
        (D(2025, 7, 1), QUARTERLY, Period.for_quarter(2025, 2)),
        (D(2025, 12, 31), QUARTERLY, Period.for_quarter(2025, 3)),
        (D(2026, 1, 1), QUARTERLY, Period.for_quarter(2025, 4)),
        (D(2025, 3, 31), ANNUAL, Period.for_financial_year(2024)),
        (D(2025, 4, 1), ANNUAL, Period.for_financial_year(2025)),
        (D(2026, 2, 14), ANNUAL, Period.for_financial_year(2025)),
        (datetime.datetime(2026, 1, 1, 0, 30), QUARTERLY, Period.for_quarter(2025, 4)),
    ],
)
def test_the_period_containing_a_day_turns_over_between_march_and_april(day, frequency, expected):
    assert Period.containing(day, frequency) == expected


def test_containing_refuses_an_unknown_frequency_and_a_non_date():
    with pytest.raises(ValueError, match="Unknown frequency"):
        Period.containing(D(2025, 4, 1), "weekly")
    with pytest.raises(TypeError):
        Period.containing("2025-04-01", MONTHLY)


@pytest.mark.parametrize(
    ("period", "day", "inside"),
    [
        (Period.for_quarter(2025, 4), D(2026, 1, 1), True),
        (Period.for_quarter(2025, 4), D(2026, 3, 31), True),
        (Period.for_quarter(2025, 4), D(2025, 12, 31), False),
        (Period.for_financial_year(2025), D(2026, 4, 1), False),
        (Period.for_financial_year(2025), D(2025, 4, 1), True),
    ],
)
def test_a_period_knows_which_days_it_contains(period, day, inside):
    assert period.contains(day) is inside


def test_every_day_of_a_financial_year_falls_in_exactly_one_month_and_quarter_of_it():
    year = Period.for_financial_year(2023)  # includes 29 February 2024
    day = year.start
    while day <= year.end:
        found_month = Period.containing(day, MONTHLY)
        assert found_month.contains(day) and found_month.year == 2023
        assert quarter_of(found_month).contains(day)
        day += datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("period", "months"),
    [
        (month(2025, 5), ["2025-05"]),
        (Period.for_quarter(2025, 4), ["2026-01", "2026-02", "2026-03"]),
        (
            Period.for_financial_year(2025),
            [f"2025-{m:02d}" for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"],
        ),
    ],
)
def test_a_period_lists_its_months(period, months):
    assert [m.key for m in period.months] == months


# Words and keys -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "label", "short_label", "key"),
    [
        (month(2025, 4), "April 2025", "Apr 2025", "2025-04"),
        (month(2025, 9), "September 2025", "Sep 2025", "2025-09"),
        (month(2026, 1), "January 2026", "Jan 2026", "2026-01"),
        (month(2026, 3), "March 2026", "Mar 2026", "2026-03"),
        (Period.for_quarter(2025, 1), "Q1 2025-26 (April to June 2025)", "Q1 2025-26", "FY2025-26-Q1"),
        (Period.for_quarter(2025, 2), "Q2 2025-26 (July to September 2025)", "Q2 2025-26", "FY2025-26-Q2"),
        (Period.for_quarter(2025, 3), "Q3 2025-26 (October to December 2025)", "Q3 2025-26", "FY2025-26-Q3"),
        (Period.for_quarter(2025, 4), "Q4 2025-26 (January to March 2026)", "Q4 2025-26", "FY2025-26-Q4"),
        (Period.for_financial_year(2025), "2025-26", "2025-26", "FY2025-26"),
        (Period.for_financial_year(1999), "1999-00", "1999-00", "FY1999-00"),
        (Period.for_quarter(2099, 4), "Q4 2099-00 (January to March 2100)", "Q4 2099-00", "FY2099-00-Q4"),
    ],
)
def test_labels_and_keys(period, label, short_label, key):
    assert (period.label, period.short_label, period.key, str(period)) == (label, short_label, key, label)
    assert Period.parse(key) == period


@pytest.mark.parametrize(("year", "label"), [(2025, "2025-26"), (2009, "2009-10"), (1999, "1999-00")])
def test_financial_years_are_written_with_two_digits_for_the_second_year(year, label):
    assert financial_year_label(year) == label
    assert Period.for_quarter(year, 2).financial_year_label == label


def test_keys_of_one_frequency_sort_as_their_periods_do():
    months = Period.range(month(2024, 1), month(2026, 12))
    assert sorted(m.key for m in months) == [m.key for m in months]
    quarters = Period.range(Period.for_quarter(2008, 1), Period.for_quarter(2012, 4))
    assert sorted(q.key for q in quarters) == [q.key for q in quarters]


def test_a_month_key_and_a_year_key_can_never_be_confused():
    # "2011-12" is December 2011; the financial year 2011-12 is "FY2011-12".
    assert Period.parse("2011-12") == month(2011, 12)
    assert Period.parse("FY2011-12") == Period.for_financial_year(2011)


@pytest.mark.parametrize(
    "key",
    [
        "",
        "2025",
        "2025-4",
        "2025-00",
        "2025-13",
        "2025-Q1",
        "FY2025-27",
        "FY2025-26-Q0",
        "FY2025-26-Q5",
        "FY2025-27-Q1",
        "fy2025-26",
        "2025-26",
        " 2025-04",
        "2025-04 ",
        "April 2025",
        "Q1 2025-26",
    ],
)
def test_a_key_that_names_no_period_is_refused_with_the_forms_that_work(key):
    with pytest.raises(ValueError, match="write a month as 2025-04"):
        Period.parse(key)


def test_parse_refuses_what_is_not_text():
    with pytest.raises(PeriodError, match="written as text"):
        Period.parse(202504)  # type: ignore[arg-type]


# Moving between periods ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "previous", "following"),
    [
        (month(2025, 4), month(2025, 3), month(2025, 5)),
        (month(2026, 1), month(2025, 12), month(2026, 2)),
        (month(2026, 3), month(2026, 2), month(2026, 4)),
        (Period.for_quarter(2025, 1), Period.for_quarter(2024, 4), Period.for_quarter(2025, 2)),
        (Period.for_quarter(2025, 4), Period.for_quarter(2025, 3), Period.for_quarter(2026, 1)),
        (Period.for_financial_year(2025), Period.for_financial_year(2024), Period.for_financial_year(2026)),
    ],
)
def test_previous_and_next_cross_year_boundaries(period, previous, following):
    assert period.previous() == previous
    assert period.next() == following
    assert period.next().previous() == period


@pytest.mark.parametrize(
    ("period", "last_year"),
    [
        (month(2026, 1), month(2025, 1)),
        (month(2025, 4), month(2024, 4)),
        (Period.for_quarter(2025, 4), Period.for_quarter(2024, 4)),
        (Period.for_financial_year(2025), Period.for_financial_year(2024)),
    ],
)
def test_the_same_period_last_year_is_twelve_months_earlier(period, last_year):
    assert period.same_period_last_year() == last_year
    assert last_year.start.replace(year=last_year.start.year + 1) == period.start


@pytest.mark.parametrize(
    ("period", "steps", "expected"),
    [
        (month(2025, 4), 12, month(2026, 4)),
        (month(2025, 4), -13, month(2024, 3)),
        (Period.for_quarter(2025, 2), 7, Period.for_quarter(2027, 1)),
        (Period.for_quarter(2025, 2), 0, Period.for_quarter(2025, 2)),
    ],
)
def test_offset_moves_by_whole_periods(period, steps, expected):
    assert period.offset(steps) == expected


def test_a_range_includes_both_ends_and_crosses_the_year_end():
    assert [p.short_label for p in Period.range(month(2025, 11), month(2026, 4))] == [
        "Nov 2025",
        "Dec 2025",
        "Jan 2026",
        "Feb 2026",
        "Mar 2026",
        "Apr 2026",
    ]
    assert Period.range(Period.for_quarter(2024, 3), Period.for_quarter(2025, 2)) == [
        Period.for_quarter(2024, 3),
        Period.for_quarter(2024, 4),
        Period.for_quarter(2025, 1),
        Period.for_quarter(2025, 2),
    ]


def test_a_range_of_one_period_and_a_backwards_range():
    assert Period.range(month(2025, 4), month(2025, 4)) == [month(2025, 4)]
    assert Period.range(month(2025, 5), month(2025, 4)) == []


def test_a_range_refuses_periods_of_different_frequencies():
    with pytest.raises(ValueError, match="same frequency"):
        Period.range(month(2025, 4), Period.for_quarter(2025, 4))


@pytest.mark.parametrize(
    ("period", "quarter"),
    [
        (month(2025, 4), Period.for_quarter(2025, 1)),
        (month(2025, 6), Period.for_quarter(2025, 1)),
        (month(2025, 7), Period.for_quarter(2025, 2)),
        (month(2025, 12), Period.for_quarter(2025, 3)),
        (month(2026, 1), Period.for_quarter(2025, 4)),
        (month(2026, 3), Period.for_quarter(2025, 4)),
        (Period.for_quarter(2025, 3), Period.for_quarter(2025, 3)),
    ],
)
def test_quarter_of_a_month(period, quarter):
    assert quarter_of(period) == quarter


def test_a_financial_year_has_no_quarter():
    with pytest.raises(ValueError):
        quarter_of(Period.for_financial_year(2025))


@pytest.mark.parametrize(
    ("period", "year"),
    [
        (month(2026, 3), Period.for_financial_year(2025)),
        (month(2026, 4), Period.for_financial_year(2026)),
        (Period.for_quarter(2025, 4), Period.for_financial_year(2025)),
        (Period.for_financial_year(2025), Period.for_financial_year(2025)),
    ],
)
def test_financial_year_of(period, year):
    assert financial_year_of(period) == year


@pytest.mark.parametrize(
    ("frequency", "today", "expected"),
    [
        (MONTHLY, D(2025, 4, 30), month(2025, 3)),
        (MONTHLY, D(2025, 5, 1), month(2025, 4)),
        (MONTHLY, D(2026, 1, 15), month(2025, 12)),
        (QUARTERLY, D(2025, 6, 30), Period.for_quarter(2024, 4)),
        (QUARTERLY, D(2025, 7, 1), Period.for_quarter(2025, 1)),
        (QUARTERLY, D(2026, 1, 1), Period.for_quarter(2025, 3)),
        (QUARTERLY, D(2026, 4, 1), Period.for_quarter(2025, 4)),
        (ANNUAL, D(2026, 3, 31), Period.for_financial_year(2024)),
        (ANNUAL, D(2026, 4, 1), Period.for_financial_year(2025)),
        (QUARTERLY, datetime.datetime(2025, 7, 1, 9, 0), Period.for_quarter(2025, 1)),
    ],
)
def test_the_last_complete_period_is_the_latest_one_that_has_ended(frequency, today, expected):
    assert Period.last_complete(frequency, today) == expected
    assert expected.end < (today.date() if isinstance(today, datetime.datetime) else today)


# Ordering ---------------------------------------------------------------------------------------------


def test_periods_of_one_frequency_sort_by_time_across_the_year_end():
    shuffled = [month(2026, 1), month(2025, 4), month(2025, 12), month(2026, 3)]
    assert sorted(shuffled) == [month(2025, 4), month(2025, 12), month(2026, 1), month(2026, 3)]
    assert Period.for_quarter(2025, 4) > Period.for_quarter(2025, 3)
    assert Period.for_quarter(2024, 4) < Period.for_quarter(2025, 1)
    assert Period.for_financial_year(2024) <= Period.for_financial_year(2024)


def test_a_mixed_list_reads_in_date_order_with_the_shorter_period_first_when_they_start_together():
    mixed = [
        month(2025, 5),
        Period.for_financial_year(2025),
        Period.for_quarter(2024, 4),
        month(2025, 4),
        Period.for_quarter(2025, 1),
    ]
    assert [p.short_label for p in sorted(mixed)] == ["Q4 2024-25", "Apr 2025", "Q1 2025-26", "2025-26", "May 2025"]


def test_a_period_does_not_compare_with_other_things():
    with pytest.raises(TypeError):
        assert month(2025, 4) < "2025-05"  # type: ignore[operator]
    assert month(2025, 4) != "2025-04"


# DfE's Explore Education Statistics time periods ------------------------------------------------------------


@pytest.mark.parametrize(
    ("time_period", "time_identifier", "financial_year"),
    [
        ("2025", "Reporting year", 2024),
        ("2013", "Reporting year", 2012),
        ("2025", None, 2024),
        ("2025", "", 2024),
        (" 2025 ", "reporting year", 2024),
        (2025, "Reporting year", 2024),
        ("202425", "Financial year", 2024),
        ("202425", "Reporting year", 2024),
        ("202425", None, 2024),
        (202425, None, 2024),
        ("199900", "Financial year", 1999),
    ],
)
def test_an_ees_year_ending_31_march_is_the_financial_year_that_ends_then(time_period, time_identifier, financial_year):
    period = Period.from_ees_time_period(time_period, time_identifier)
    assert period == Period.for_financial_year(financial_year)
    assert period.end == D(financial_year + 1, 3, 31)


@pytest.mark.parametrize(
    ("time_period", "time_identifier", "message"),
    [
        ("2025", "Calendar year", "not a year ending 31 March"),
        ("202425", "Academic year", "not a year ending 31 March"),
        ("2025", "Financial year", "six digits"),
        ("202426", "Financial year", "last two digits should be 25"),
        ("25", None, "not a year"),
        ("2025/26", None, "not a year"),
        ("2024-25", None, "not a year"),
        ("2025.0", None, "not a year"),
        ("", None, "not a year"),
    ],
)
def test_an_ees_time_period_that_is_not_a_march_year_is_refused(time_period, time_identifier, message):
    with pytest.raises(ValueError, match=message):
        Period.from_ees_time_period(time_period, time_identifier)


@pytest.mark.parametrize("time_period", [2025.0, True, None])
def test_an_ees_time_period_must_be_text_or_a_whole_number(time_period):
    with pytest.raises(TypeError):
        Period.from_ees_time_period(time_period)  # type: ignore[arg-type]


def _ees_files():
    if not DFE_DIR.is_dir():
        return []
    found = []
    # ONS mid-year estimates share the layout but mean 30 June of the year: they are not read this way.
    for path in sorted(DFE_DIR.glob("*.csv")):
        if path.name.startswith("ons_"):
            continue
        with path.open(encoding="utf-8-sig", newline="") as handle:
            if "time_period" in (csv.DictReader(handle).fieldnames or []):
                found.append(path)
    return found


EES_FILES = _ees_files()


@pytest.mark.skipif(not EES_FILES, reason=f"DfE files not found in {DFE_DIR}")
@pytest.mark.parametrize("path", EES_FILES, ids=lambda path: path.name)
def test_every_time_period_in_the_real_dfe_files_maps_to_the_financial_year_ending_that_march(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        pairs = {(row["time_period"], row["time_identifier"]) for row in csv.DictReader(handle)}
    assert pairs
    for time_period, time_identifier in pairs:
        period = Period.from_ees_time_period(time_period, time_identifier)
        assert period.frequency == ANNUAL
        assert period.end == D(int(time_period), 3, 31)
        assert period.label == f"{int(time_period) - 1}-{time_period[2:]}"
