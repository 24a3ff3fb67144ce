"""Reading a period someone typed or linked to: `parse_period` returns a period or raises `PeriodError` with words
a person can act on, whatever the text; and every period it returns has neighbours, dates and labels."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecards.periods import (
    ANNUAL,
    EARLIEST_TYPED_YEAR,
    FREQUENCIES,
    LATEST_TYPED_YEAR,
    PERIODS_PER_YEAR,
    Period,
    PeriodError,
    parse_period,
)

EXAMPLES = settings(max_examples=300, deadline=None)


def _exercise(period: Period) -> None:
    """Everything a page asks of a period: none of it may raise."""
    assert period.start <= period.end
    period.previous().end  # noqa: B018
    period.next().end  # noqa: B018
    period.same_period_last_year().label  # noqa: B018
    period.offset(-24).start  # noqa: B018
    period.offset(24).end  # noqa: B018
    assert period.label and period.short_label and period.key
    assert period.months


def _parse_or_refuse(text) -> None:
    try:
        period = parse_period(text)
    except PeriodError as error:
        assert str(error)
    else:
        _exercise(period)


@EXAMPLES
@given(st.text())
def test_any_text_is_a_period_or_a_period_error(text):
    _parse_or_refuse(text)


years = st.integers(0, 99999).map(str) | st.integers(0, 99999).map(lambda y: f"{y:04d}")
twos = st.integers(0, 99).map(lambda n: f"{n:02d}") | st.integers(0, 999).map(str)


@EXAMPLES
@given(
    st.one_of(
        st.builds(lambda y, m: f"{y}-{m}", years, twos),
        st.builds(lambda y, n, q: f"FY{y}-{n}-Q{q}", years, twos, st.integers(0, 9)),
        st.builds(lambda y, n: f"FY{y}-{n}", years, twos),
        st.builds(lambda s, y, m: f"{s}{y}-{m}", st.sampled_from(["+", "-", " ", "\x00", "\u0663"]), years, twos),
    )
)
def test_period_shaped_text_at_any_year_is_a_period_or_a_period_error(text):
    _parse_or_refuse(text)


@EXAMPLES
@given(st.one_of(st.none(), st.integers(), st.floats(), st.binary(), st.lists(st.text())))
def test_what_is_not_text_is_a_period_error(value):
    with pytest.raises(PeriodError):
        parse_period(value)


typed_periods = st.sampled_from(FREQUENCIES).flatmap(
    lambda frequency: st.builds(
        Period,
        st.just(frequency),
        st.integers(EARLIEST_TYPED_YEAR, LATEST_TYPED_YEAR),
        st.integers(1, PERIODS_PER_YEAR[frequency]),
    )
)


@EXAMPLES
@given(typed_periods)
def test_a_period_reads_back_from_its_key(period):
    # A period's key is how it is written in addresses and files; str() is its label, for people.
    assert parse_period(period.key) == period


@pytest.mark.parametrize(
    "text",
    ["0000-Q1", "0000-01", "0001-04", "9999-12", "9998-03", "FY9998-99", "FY9998-99-Q4", "FY1000-01", "2025-13"]
    + ["2025-00", "FY2025-27", "FY2025-26-Q5", "FY2025-26-Q0", "99999-01", "1" * 500, "", "   ", "2025-4"],
)
def test_periods_at_the_ends_of_the_calendar_are_refused_in_words(text):
    with pytest.raises(PeriodError) as refused:
        parse_period(text)
    assert "2025-04" in str(refused.value)


def test_the_refusal_names_the_years_accepted():
    with pytest.raises(PeriodError, match=f"between {EARLIEST_TYPED_YEAR} and {LATEST_TYPED_YEAR}"):
        parse_period("9998-12")


def test_the_first_and_last_years_accepted_have_neighbours():
    for key in (f"{EARLIEST_TYPED_YEAR}-04", f"FY{EARLIEST_TYPED_YEAR}-{(EARLIEST_TYPED_YEAR + 1) % 100:02d}-Q1"):
        _exercise(parse_period(key))
    _exercise(parse_period(f"{LATEST_TYPED_YEAR + 1}-03"))
    _exercise(Period(ANNUAL, LATEST_TYPED_YEAR))


def test_a_period_error_is_a_value_error_so_existing_callers_still_catch_it():
    assert issubclass(PeriodError, ValueError)
    with pytest.raises(ValueError):
        Period.parse("nonsense")


def test_the_last_period_there_is_still_has_an_end():
    # The constructor allows years its neighbours cannot reach; the end date is worked out without them.
    assert str(Period(ANNUAL, 9998).end) == "9999-03-31"
