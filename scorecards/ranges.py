"""Which periods an indicator takes figures for, and which periods a scorecard can be read for.

**An indicator takes figures for complete periods from its first period on.** A period is complete once its last
day is before today (`django.utils.timezone.localdate()`): on 3 December the latest complete month is November, and
December's figures can be entered from 1 January. The first period is `Indicator.first_period` where it is set
(an admin sets it; the demo sets it to each indicator's first figure). Where it is blank, the indicator takes
figures from its earliest figure or from two years before the latest complete period, whichever is earlier: a new
indicator set up without one still takes the two years the scorecard's period picker offers, and figures it already
holds stay correctable. Figures held from before a first period set later stay where they are, shown as before,
but the entry page and the import no longer change them.

**A scorecard can be read for the periods from the earliest first period of its active indicators to the latest
complete period** (a period is in range when it ends on or after that first period's first day, so the quarter a
monthly indicator starts in is in range too). Its latest complete period is always readable, even for a scorecard
whose indicators all start later, so its page has something to show.

The rules here are pure. `first_periods` and `scorecard_span` read what they need in one query; an indicator
fetched `with_earliest_figure` needs none.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Min, QuerySet

from scorecards.models import Indicator, IndicatorValue
from scorecards.periods import PERIODS_PER_YEAR, Period, PeriodError, parse_period

# An indicator without a first period takes figures this many years back from the latest complete period.
FALLBACK_YEARS = 2
_UNREAD = object()


def is_complete(period: Period, today: datetime.date) -> bool:
    """Whether the period has ended: its last day is before today."""
    return period.end < today


def indicator_words(indicator: Indicator) -> str:
    """How an error names an indicator: "CSC02 Referrals to children's social care"."""
    return f"{indicator.code} {indicator.name}"


def fallback_first(frequency: str, today: datetime.date) -> Period:
    """The first period of an indicator of `frequency` that has no first period and no earlier figure."""
    latest = Period.last_complete(frequency, today)
    return latest.offset(-(FALLBACK_YEARS * PERIODS_PER_YEAR[frequency] - 1))


def first_period(indicator: Indicator, *, today: datetime.date, earliest: object = _UNREAD) -> Period:
    """The first period the indicator takes figures for (see the module's docstring).

    `earliest` is the first day of its earliest figure (None for none); left out, it is read from the
    `earliest_figure` annotation (`with_earliest_figure`) or, failing that, from the database."""
    if indicator.first_period:
        try:
            first = parse_period(indicator.first_period)
        except PeriodError:
            first = None  # an unreadable key (typed into the admin before it checked) counts as blank
        if first is not None and first.frequency == indicator.frequency:
            return first
    if earliest is _UNREAD:
        earliest = getattr(indicator, "earliest_figure", _UNREAD)
    if earliest is _UNREAD:
        earliest = IndicatorValue.objects.filter(indicator=indicator).aggregate(first=Min("period_start"))["first"]
    fallback = fallback_first(indicator.frequency, today)
    if earliest is None:
        return fallback
    return min(fallback, Period.containing(earliest, indicator.frequency))


def with_earliest_figure(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """The indicators with the first day of their earliest figure, as `earliest_figure`, in the same query."""
    return indicators.annotate(earliest_figure=Min("values__period_start"))


def first_periods(indicators: Iterable[Indicator], *, today: datetime.date) -> dict[int, Period]:
    """Each indicator's first period, by id: one query for those without a first period (none when they are
    annotated `with_earliest_figure`, or all have one)."""
    indicators = list(indicators)
    unread = {
        indicator.pk
        for indicator in indicators
        if not indicator.first_period and not hasattr(indicator, "earliest_figure")
    }
    earliest: dict[int, datetime.date | None] = {}
    if unread:
        earliest = dict(
            IndicatorValue.objects.filter(indicator_id__in=unread)
            .values("indicator_id")
            .annotate(first=Min("period_start"))
            .values_list("indicator_id", "first")
        )
    found = {}
    for indicator in indicators:
        if indicator.pk in unread:
            found[indicator.pk] = first_period(indicator, today=today, earliest=earliest.get(indicator.pk))
        else:
            found[indicator.pk] = first_period(indicator, today=today)
    return found


def entry_refusal(indicator: Indicator, period: Period, *, first: Period, today: datetime.date) -> str:
    """Why the indicator cannot take a figure for `period` now, naming both, or "" when it can."""
    who = indicator_words(indicator)
    if period.frequency != indicator.frequency:
        frequency = indicator.get_frequency_display().lower()
        return f"{who} is {frequency}: give it a {frequency} period, not {period.label}"
    if period.start > today:
        return f"{who}: {period.label} has not started yet, so it has no figures to enter"
    if not is_complete(period, today):
        opens = period.end + datetime.timedelta(days=1)
        return f"{who}: {period.label} has not ended yet; enter its figures from {opens.day} {opens:%B %Y}"
    if period < first:
        return f"{who} takes figures from {first.label}: {period.label} is before that"
    return ""


@dataclass(frozen=True)
class Span:
    """The periods a scorecard can be read for: those ending on or after `first_day` that are complete by
    `today`, and always `latest` (its latest complete period)."""

    first_day: datetime.date
    latest: Period
    today: datetime.date

    def covers(self, period: Period) -> bool:
        return period == self.latest or (period.end >= self.first_day and is_complete(period, self.today))


def scorecard_span(scorecard, *, today: datetime.date) -> Span:
    """The scorecard's readable periods, from its active indicators' first periods (one query)."""
    rows = with_earliest_figure(
        Indicator.objects.filter(is_active=True, scorecard_entries__scorecard=scorecard)
    ).values_list("frequency", "first_period", "earliest_figure")
    starts = [
        first_period(Indicator(frequency=frequency, first_period=key), today=today, earliest=earliest).start
        for frequency, key, earliest in rows
    ]
    latest = Period.last_complete(scorecard.frequency, today)
    first_day = min(starts) if starts else fallback_first(scorecard.frequency, today).start
    return Span(first_day=first_day, latest=latest, today=today)
