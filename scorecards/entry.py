"""The value-entry grid and the responsible officer's missing figures: what each person enters for a period,
with the target, milestone and earlier figures it is judged against, and the periods in which their indicators
still lack a figure or, when red, a commentary. A fixed number of queries each.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from scorecards import judgements, ranges
from scorecards.formatting import (
    rag_tag,
    value_text,
)
from scorecards.models import (
    Commentary,
    Indicator,
    IndicatorValue,
    Milestone,
    Target,
)
from scorecards.periods import ANNUAL, MONTHLY, Period
from scorecards.selectors import (
    indicators_for_entry,
)


@dataclass
class EntryRow:
    indicator: Indicator
    value: IndicatorValue | None
    target: Decimal | None
    milestone: Decimal | None
    previous: Decimal | None
    year_before: Decimal | None
    commentary: Commentary | None

    @property
    def goal(self) -> Decimal | None:
        return self.milestone if self.milestone is not None else self.target

    def rag(self, value: Decimal | None = None) -> str | None:
        figure = value if value is not None else (self.value.value if self.value else None)
        indicator = self.indicator
        return judgements.rag(
            figure,
            self.target,
            polarity=indicator.polarity,
            tolerance=indicator.amber_tolerance if indicator.amber_tolerance is not None else 0,
            tolerance_kind=indicator.tolerance_kind,
            milestone=self.milestone,
            unit=indicator.unit,
        )

    @property
    def rag_tag(self) -> dict:
        return rag_tag(self.rag())

    @property
    def direction_previous(self) -> str:
        current = self.value.value if self.value else None
        movement = judgements.direction(
            current, self.previous, polarity=self.indicator.polarity, unit=self.indicator.unit
        )
        return judgements.direction_label(movement, polarity=self.indicator.polarity)

    @property
    def direction_year(self) -> str:
        current = self.value.value if self.value else None
        movement = judgements.direction(
            current, self.year_before, polarity=self.indicator.polarity, unit=self.indicator.unit
        )
        return judgements.direction_label(movement, polarity=self.indicator.polarity)

    @property
    def value_text(self) -> str:
        return value_text(self.value.value if self.value else None, self.indicator.unit)

    @property
    def target_text(self) -> str:
        return value_text(self.goal, self.indicator.unit) if self.goal is not None else "No target"


@dataclass
class EntryChoice:
    """The indicators a person enters for a period that take figures for it, and the earliest period any of the
    person's indicators of that frequency takes (None when they have none)."""

    indicators: list[Indicator]
    earliest: Period | None


def open_for_entry(user, period: Period, *, today: datetime.date | None = None) -> EntryChoice:
    """The person's indicators of the period's frequency that take figures for it now (`scorecards.ranges`): the
    grid lists only those, and a period none of them takes has no entry page. One query."""
    today = today or timezone.localdate()
    indicators = list(ranges.with_earliest_figure(indicators_for_entry(user, period)))
    firsts = ranges.first_periods(indicators, today=today)
    taken = [
        indicator
        for indicator in indicators
        if not ranges.entry_refusal(indicator, period, first=firsts[indicator.pk], today=today)
    ]
    return EntryChoice(taken, min(firsts.values(), default=None))


def entry_rows(user, period: Period, *, indicators: list[Indicator] | None = None) -> list[EntryRow]:
    """The grid for one period: each indicator open for it (`open_for_entry`, unless `indicators` says which)
    with its figure, target, milestone, the figures it is compared with and its commentary. A fixed number of
    queries."""
    if indicators is None:
        indicators = open_for_entry(user, period).indicators
    ids = [indicator.pk for indicator in indicators]
    keys = [period.key, period.previous().key, period.same_period_last_year().key]
    values = {
        (value.indicator_id, value.period_key): value
        for value in IndicatorValue.objects.filter(indicator_id__in=ids, period_key__in=keys)
    }
    targets = dict(
        Target.objects.filter(indicator_id__in=ids, financial_year=period.year).values_list("indicator_id", "value")
    )
    milestones = dict(
        Milestone.objects.filter(indicator_id__in=ids, period_key=period.key).values_list("indicator_id", "value")
    )
    commentaries = {
        commentary.indicator_id: commentary
        for commentary in Commentary.objects.filter(indicator_id__in=ids, period_key=period.key)
    }
    rows = []
    for indicator in indicators:
        previous = values.get((indicator.pk, keys[1]))
        year_before = values.get((indicator.pk, keys[2]))
        rows.append(
            EntryRow(
                indicator=indicator,
                value=values.get((indicator.pk, period.key)),
                target=targets.get(indicator.pk),
                milestone=milestones.get(indicator.pk),
                previous=previous.value if previous else None,
                year_before=year_before.value if year_before else None,
                commentary=commentaries.get(indicator.pk),
            )
        )
    return rows


@dataclass
class MissingPeriod:
    period: Period
    missing_values: list[Indicator]
    missing_commentary: list[Indicator]

    @property
    def count(self) -> int:
        return len(self.missing_values) + len(self.missing_commentary)


def missing_for_officer(user, *, today: datetime.date | None = None, periods_back: int = 12) -> list[MissingPeriod]:
    """The periods, newest first, in which this person's indicators lack a figure, or are red without
    commentary. Looks back a year from the latest complete period of each frequency, to each indicator's first
    period (`scorecards.ranges`): a period an indicator does not take figures for is never asked of it."""
    today = today or timezone.localdate()
    indicators = list(
        ranges.with_earliest_figure(
            Indicator.objects.filter(is_active=True, responsible_officer=user).exclude(frequency=ANNUAL)
        ).order_by("code")
    )
    if not indicators:
        return []
    firsts = ranges.first_periods(indicators, today=today)
    wanted: dict[str, list[Period]] = {}
    for frequency in {indicator.frequency for indicator in indicators}:
        latest = Period.last_complete(frequency, today)
        count = periods_back if frequency == MONTHLY else max(1, periods_back // 3)
        wanted[frequency] = [latest.offset(-step) for step in range(count)]
    ids = [indicator.pk for indicator in indicators]
    keys = {period.key for periods in wanted.values() for period in periods}
    held = {
        (indicator_id, key): value
        for indicator_id, key, value in IndicatorValue.objects.filter(
            indicator_id__in=ids, period_key__in=keys
        ).values_list("indicator_id", "period_key", "value")
    }
    years = {period.year for periods in wanted.values() for period in periods}
    targets = {
        (i, y): v
        for i, y, v in Target.objects.filter(indicator_id__in=ids, financial_year__in=years).values_list(
            "indicator_id", "financial_year", "value"
        )
    }
    milestones = {
        (i, k): v
        for i, k, v in Milestone.objects.filter(indicator_id__in=ids, period_key__in=keys).values_list(
            "indicator_id", "period_key", "value"
        )
    }
    commented = set(
        Commentary.objects.filter(indicator_id__in=ids, period_key__in=keys).values_list("indicator_id", "period_key")
    )
    found: dict[Period, MissingPeriod] = {}
    for indicator in indicators:
        for period in wanted[indicator.frequency]:
            if period < firsts[indicator.pk]:
                continue
            entry = found.setdefault(period, MissingPeriod(period, [], []))
            figure = held.get((indicator.pk, period.key))
            if figure is None:
                entry.missing_values.append(indicator)
                continue
            status = judgements.rag(
                figure,
                targets.get((indicator.pk, period.year)),
                polarity=indicator.polarity,
                tolerance=indicator.amber_tolerance if indicator.amber_tolerance is not None else 0,
                tolerance_kind=indicator.tolerance_kind,
                milestone=milestones.get((indicator.pk, period.key)),
                unit=indicator.unit,
            )
            if status == judgements.RED and (indicator.pk, period.key) not in commented:
                entry.missing_commentary.append(indicator)
    return sorted((entry for entry in found.values() if entry.count), key=lambda e: e.period, reverse=True)
