"""Reporting periods on the UK financial year, which the partnership reports on (April to March).

A `Period` is a month, a quarter or a financial year. `year` is always the financial year's first calendar
year, so financial year 2025 is April 2025 to March 2026 ("2025-26"), and `index` is the period's position
in that year: months 1 (April) to 12 (March), quarters 1 (April to June) to 4 (January to March), and 1 for
the year itself. Keeping months and quarters on the same financial-year footing makes "the same period last
year" and "the quarter this month falls in" simple arithmetic.

Each period has a stable key for URLs, files and database columns, which `parse_period` reads back:

    monthly    "2025-04"        the calendar month, as in ISO 8601 (January 2026 is "2026-01")
    quarterly  "FY2025-26-Q1"   the quarter of the financial year
    annual     "FY2025-26"      the financial year

The "FY" prefix is there because "2025-26" alone cannot be told apart from a month: "2011-12" would be both
December 2011 and the financial year 2011-12.

The Department for Education publishes annual statistics for the "year ending 31 March": an Explore Education
Statistics (EES) `time_period` of 2025 with `time_identifier` "Reporting year" (children in need census,
children looked after) is April 2024 to March 2025, the financial year 2024-25; the six-digit form 202425
means the same year. `Period.from_ees_time_period` reads both.

Text from outside (an address, a query string, an imported file) is read with `parse_period`, the one way in:
it returns a period or raises `PeriodError`, whose message says how to write one, whatever the text. It accepts
years from 1900 to 2200 only, so every period it returns has neighbours, a "same period last year" and years of
history on either side; the constructor's wider range (1000 to 9998) keeps four-digit keys.

Nothing here touches the database, so the models, importers and reports can all lean on it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import total_ordering

MONTHLY = "monthly"
QUARTERLY = "quarterly"
ANNUAL = "annual"
FREQUENCIES = (MONTHLY, QUARTERLY, ANNUAL)

PERIODS_PER_YEAR = {MONTHLY: 12, QUARTERLY: 4, ANNUAL: 1}
_MONTHS_PER_PERIOD = {MONTHLY: 1, QUARTERLY: 3, ANNUAL: 12}

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Four-digit years keep every key the same width, so keys of one frequency sort as their periods do.
MIN_YEAR = 1000
MAX_YEAR = 9998

# The financial years a typed or imported key may name: centuries inside the constructor's range, so a page can
# step back or forward years from any of them without leaving it.
EARLIEST_TYPED_YEAR = 1900
LATEST_TYPED_YEAR = 2200
_LONGEST_KEY = len("FY2025-26-Q1")

_MONTH_KEY = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})")
_QUARTER_KEY = re.compile(r"FY(?P<year>\d{4})-(?P<next>\d{2})-Q(?P<quarter>\d)")
_YEAR_KEY = re.compile(r"FY(?P<year>\d{4})-(?P<next>\d{2})")

# EES time identifiers whose time_period is a year ending 31 March.
_EES_MARCH_YEAR_IDENTIFIERS = {"reporting year", "financial year"}


def _two_digit_next_year(year: int) -> str:
    return f"{(year + 1) % 100:02d}"


def financial_year_label(year: int) -> str:
    """The financial year starting in April of `year`, as the partnership writes it: 2025 → "2025-26"."""
    return f"{year}-{_two_digit_next_year(year)}"


def _financial_year_of_date(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _as_date(day: datetime.date) -> datetime.date:
    # A datetime is a date too, but comparing the two raises TypeError; the period only cares about the day.
    if isinstance(day, datetime.datetime):
        return day.date()
    if not isinstance(day, datetime.date):
        raise TypeError(f"Expected a date, got {day!r}.")
    return day


class PeriodError(ValueError):
    """Text that is not a period, or a period outside the years the product works with; the message says why."""


_HOW_TO_WRITE = "write a month as 2025-04, a quarter as FY2025-26-Q1 and a financial year as FY2025-26"


def parse_period(text: object) -> Period:
    """The period `text` names exactly ("2025-04", "FY2025-26-Q1" or "FY2025-26"), in a
    financial year from EARLIEST_TYPED_YEAR to LATEST_TYPED_YEAR. Raises PeriodError, and nothing else, for
    anything that is not one."""
    if not isinstance(text, str):
        raise PeriodError(f"A period is written as text: {_HOW_TO_WRITE}.")
    key = text
    shown = repr(key) if len(key) <= _LONGEST_KEY else repr(key[:_LONGEST_KEY] + "…")
    period = None
    if len(key) <= _LONGEST_KEY and key.isascii():
        if match := _MONTH_KEY.fullmatch(key):
            month = int(match["month"])
            if 1 <= month <= 12:
                period = (MONTHLY, int(match["year"]) if month >= 4 else int(match["year"]) - 1, (month - 4) % 12 + 1)
        elif match := _QUARTER_KEY.fullmatch(key):
            year = int(match["year"])
            if match["next"] == _two_digit_next_year(year) and 1 <= int(match["quarter"]) <= 4:
                period = (QUARTERLY, year, int(match["quarter"]))
        elif match := _YEAR_KEY.fullmatch(key):
            year = int(match["year"])
            if match["next"] == _two_digit_next_year(year):
                period = (ANNUAL, year, 1)
    if period is None:
        raise PeriodError(f"{shown} is not a period: {_HOW_TO_WRITE}.")
    frequency, year, index = period
    if not EARLIEST_TYPED_YEAR <= year <= LATEST_TYPED_YEAR:
        raise PeriodError(
            f"{shown} is outside the years the scorecards cover: {_HOW_TO_WRITE}, for a financial year between "
            f"{EARLIEST_TYPED_YEAR} and {LATEST_TYPED_YEAR}."
        )
    return Period(frequency, year, index)


def _check_frequency(frequency: str) -> None:
    if frequency not in FREQUENCIES:
        raise ValueError(f"Unknown frequency {frequency!r}: use one of {', '.join(FREQUENCIES)}.")


@total_ordering
@dataclass(frozen=True)
class Period:
    """A month, quarter or financial year, positioned within the UK financial year (see the module docstring)."""

    frequency: str
    year: int
    index: int = 1

    def __post_init__(self) -> None:
        _check_frequency(self.frequency)
        for name in ("year", "index"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"A period's {name} must be a whole number, got {value!r}.")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise PeriodError(f"A period's year must be between {MIN_YEAR} and {MAX_YEAR}, got {self.year}.")
        count = PERIODS_PER_YEAR[self.frequency]
        if not 1 <= self.index <= count:
            raise ValueError(f"A {self.frequency} period's index must be between 1 and {count}, got {self.index}.")

    # Constructors ------------------------------------------------------------------------------------------

    @classmethod
    def for_month(cls, year: int, month: int) -> Period:
        """The calendar month `month` (1 = January) of calendar year `year`."""
        if not 1 <= month <= 12:
            raise ValueError(f"A month must be between 1 and 12, got {month}.")
        return cls(MONTHLY, year if month >= 4 else year - 1, (month - 4) % 12 + 1)

    @classmethod
    def for_quarter(cls, financial_year: int, quarter: int) -> Period:
        """Quarter `quarter` (1 = April to June) of the financial year starting in April `financial_year`."""
        return cls(QUARTERLY, financial_year, quarter)

    @classmethod
    def for_financial_year(cls, financial_year: int) -> Period:
        """The financial year starting in April `financial_year`."""
        return cls(ANNUAL, financial_year, 1)

    @classmethod
    def containing(cls, day: datetime.date, frequency: str) -> Period:
        """The period of `frequency` that `day` falls in."""
        _check_frequency(frequency)
        day = _as_date(day)
        year = _financial_year_of_date(day)
        month_index = (day.month - 4) % 12 + 1
        return cls(frequency, year, (month_index - 1) // _MONTHS_PER_PERIOD[frequency] + 1)

    @classmethod
    def last_complete(cls, frequency: str, today: datetime.date) -> Period:
        """The latest period of `frequency` that had ended by `today` (the period containing today has not)."""
        return cls.containing(today, frequency).previous()

    @classmethod
    def range(cls, start: Period, end: Period) -> list[Period]:
        """Every period from `start` to `end`, both included, in order; empty when `end` comes before `start`."""
        if start.frequency != end.frequency:
            raise ValueError(
                f"A range needs two periods of the same frequency, got {start.frequency} and {end.frequency}."
            )
        return [start.offset(step) for step in range(end._ordinal - start._ordinal + 1)]

    @classmethod
    def parse(cls, key: str) -> Period:
        """Read a period back from its `key`: "2025-04", "FY2025-26-Q1" or "FY2025-26" (see `parse_period`)."""
        return parse_period(key)

    @classmethod
    def from_ees_time_period(cls, time_period: str | int, time_identifier: str | None = None) -> Period:
        """The financial year that a DfE Explore Education Statistics `time_period` stands for.

        DfE's children's social care statistics cover the "year ending 31 March": `time_period` "2025" with
        `time_identifier` "Reporting year" is April 2024 to March 2025, so it maps to the financial year
        2024-25. The six-digit form "202425" ("Financial year" or "Reporting year") is the same year.
        Other identifiers ("Calendar year", "Academic year", ...) do not follow the financial year and are
        refused rather than guessed at.

        ONS mid-year population estimates share the layout but mean 30 June of `time_period`; DfE uses the
        mid-2024 estimate as the denominator for the year ending March 2025, so map those with
        `Period.for_financial_year(int(time_period))` instead.
        """
        if isinstance(time_period, bool) or not isinstance(time_period, str | int):
            raise TypeError(f"An EES time_period is text or a whole number, got {time_period!r}.")
        code = str(time_period).strip()
        identifier = (time_identifier or "").strip()
        if identifier and identifier.lower() not in _EES_MARCH_YEAR_IDENTIFIERS:
            raise ValueError(
                f"EES time identifier {identifier!r} is not a year ending 31 March: "
                "only 'Reporting year' and 'Financial year' can be read as a financial year."
            )
        if re.fullmatch(r"\d{4}", code):
            if identifier.lower() == "financial year":
                raise ValueError(f"EES financial years are written with six digits (like 202425), got {code!r}.")
            # The year ending 31 March `code` started in April of the year before.
            return cls.for_financial_year(int(code) - 1)
        if re.fullmatch(r"\d{6}", code):
            year, next_year = int(code[:4]), code[4:]
            if next_year != _two_digit_next_year(year):
                raise ValueError(
                    f"EES time_period {code!r} is not a financial year: the last two digits should be "
                    f"{_two_digit_next_year(year)}."
                )
            return cls.for_financial_year(year)
        raise ValueError(f"EES time_period {code!r} is not a year: expected four digits (2025) or six (202425).")

    # Dates -------------------------------------------------------------------------------------------------

    @property
    def _first_month_offset(self) -> int:
        """Months from April of the financial year to the start of this period."""
        return (self.index - 1) * _MONTHS_PER_PERIOD[self.frequency]

    @property
    def start(self) -> datetime.date:
        """The first day of the period."""
        months = 3 + self._first_month_offset  # months after January of `year`
        return datetime.date(self.year + months // 12, months % 12 + 1, 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the period (inclusive)."""
        # Worked out from dates rather than from next(), which the last year the constructor allows has not got.
        months = 3 + self._first_month_offset + _MONTHS_PER_PERIOD[self.frequency]
        return datetime.date(self.year + months // 12, months % 12 + 1, 1) - datetime.timedelta(days=1)

    def contains(self, day: datetime.date) -> bool:
        """Whether `day` falls within the period."""
        day = _as_date(day)
        return self.start <= day <= self.end

    @property
    def months(self) -> tuple[Period, ...]:
        """The months that make up the period, in order."""
        first = Period.containing(self.start, MONTHLY)
        return tuple(first.offset(step) for step in range(_MONTHS_PER_PERIOD[self.frequency]))

    # Words -------------------------------------------------------------------------------------------------

    @property
    def financial_year_label(self) -> str:
        """The financial year the period falls in: "2025-26"."""
        return financial_year_label(self.year)

    @property
    def label(self) -> str:
        """How the page names the period: "April 2025", "Q1 2025-26 (April to June 2025)", "2025-26"."""
        if self.frequency == MONTHLY:
            return f"{MONTH_NAMES[self.start.month - 1]} {self.start.year}"
        if self.frequency == QUARTERLY:
            first, last = self.start, self.end
            return (
                f"Q{self.index} {self.financial_year_label} "
                f"({MONTH_NAMES[first.month - 1]} to {MONTH_NAMES[last.month - 1]} {last.year})"
            )
        return self.financial_year_label

    @property
    def short_label(self) -> str:
        """The period where space is short (table headings, chart axes): "Apr 2025", "Q1 2025-26", "2025-26"."""
        if self.frequency == MONTHLY:
            return f"{MONTH_NAMES[self.start.month - 1][:3]} {self.start.year}"
        if self.frequency == QUARTERLY:
            return f"Q{self.index} {self.financial_year_label}"
        return self.financial_year_label

    @property
    def key(self) -> str:
        """A stable key that `Period.parse` reads back: "2025-04", "FY2025-26-Q1", "FY2025-26"."""
        if self.frequency == MONTHLY:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.frequency == QUARTERLY:
            return f"FY{self.financial_year_label}-Q{self.index}"
        return f"FY{self.financial_year_label}"

    def __str__(self) -> str:
        return self.label

    # Moving between periods --------------------------------------------------------------------------------

    @property
    def _ordinal(self) -> int:
        return self.year * PERIODS_PER_YEAR[self.frequency] + self.index - 1

    def offset(self, steps: int) -> Period:
        """The period `steps` periods later (earlier when negative), of the same frequency."""
        ordinal = self._ordinal + steps
        year, position = divmod(ordinal, PERIODS_PER_YEAR[self.frequency])
        return Period(self.frequency, year, position + 1)

    def next(self) -> Period:
        return self.offset(1)

    def previous(self) -> Period:
        return self.offset(-1)

    def same_period_last_year(self) -> Period:
        """The same month, quarter or year one financial year earlier."""
        return Period(self.frequency, self.year - 1, self.index)

    # Ordering: by time. Periods of different frequencies sort by start, then the shorter first, so a
    # mixed list (months of this year, quarters of earlier ones) reads in date order.

    def _sort_key(self) -> tuple[datetime.date, datetime.date]:
        return (self.start, self.end)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._sort_key() < other._sort_key()


def quarter_of(period: Period) -> Period:
    """The quarter a month falls in (a quarter is its own quarter)."""
    if period.frequency == ANNUAL:
        raise ValueError("A financial year is longer than a quarter, so it has no quarter.")
    return Period.containing(period.start, QUARTERLY)


def financial_year_of(period: Period) -> Period:
    """The financial year a month or quarter falls in (a year is its own financial year)."""
    return Period.for_financial_year(period.year)
