"""Scorecards with figures for the page, report and download tests (and the benchmark): a main scorecard of any
number of indicators, with monthly figures, targets, and published comparators for England, the North West,
the partnership and ten statistical neighbours. Rows go in with bulk_create, so 150 indicators build quickly.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from scorecards.models import (
    Area,
    ComparatorMeasure,
    ComparatorSettings,
    ComparatorValue,
    Indicator,
    IndicatorMapping,
    IndicatorValue,
    Neighbour,
    NeighbourModel,
    Scorecard,
    ScorecardIndicator,
    Target,
)
from scorecards.periods import MONTHLY, Period

# (unit, polarity, base figure, target, tolerance) cycled through the indicators.
KINDS = [
    ("percent", "higher", Decimal("78"), Decimal("85"), Decimal("5")),
    ("percent", "lower", Decimal("24"), Decimal("20"), Decimal("2")),
    ("rate_per_10000", "none", Decimal("330"), None, None),
    ("count", "none", Decimal("420"), None, None),
    ("days", "lower", Decimal("30"), Decimal("25"), Decimal("3")),
]
ENGLAND = "E92000001"


def last_month(today: datetime.date | None = None) -> Period:
    return Period.last_complete(MONTHLY, today or timezone.localdate())


def comparator_areas(neighbour_count: int = 10) -> dict:
    """England, the North West, the partnership's area and its statistical neighbours, with the settings."""
    england, _ = Area.objects.get_or_create(code=ENGLAND, defaults={"name": "England", "level": Area.Level.COUNTRY})
    region, _ = Area.objects.get_or_create(
        code="E12000002", defaults={"name": "North West", "level": Area.Level.REGION}
    )
    ours, _ = Area.objects.get_or_create(
        code="909", defaults={"name": "Cumbria", "level": Area.Level.LA, "region": region}
    )
    model, _ = NeighbourModel.objects.get_or_create(year=2021, defaults={"name": "2021 model"})
    neighbours = []
    for position in range(1, neighbour_count + 1):
        area, _ = Area.objects.get_or_create(
            code=str(800 + position), defaults={"name": f"Neighbour {position}", "level": Area.Level.LA}
        )
        Neighbour.objects.get_or_create(model=model, area=ours, neighbour=area, defaults={"position": position})
        neighbours.append(area)
    settings = ComparatorSettings.load()
    settings.region, settings.neighbour_model, settings.neighbours_of, settings.partnership_area = (
        region,
        model,
        ours,
        ours,
    )
    settings.save()
    return {"england": england, "region": region, "ours": ours, "neighbours": neighbours}


def build_scorecard(
    count: int = 5,
    *,
    officer=None,
    owner_group=None,
    months: int = 36,
    comparator_years: int = 3,
    slug: str = "main",
    name: str = "Main scorecard",
    today: datetime.date | None = None,
    code_prefix: str = "IND",
) -> Scorecard:
    """A monthly scorecard of `count` indicators, each with `months` figures up to last month (with numerator
    and denominator for percentages), targets for each year, and `comparator_years` years of published figures."""
    latest = last_month(today)
    scorecard = Scorecard.objects.create(
        name=name, slug=slug, is_main=not Scorecard.objects.filter(is_main=True).exists(), owner_group=owner_group
    )
    areas = comparator_areas() if comparator_years else None
    indicators, entries, targets, values, measures, mappings, comparators = [], [], [], [], [], [], []
    for number in range(count):
        unit, polarity, base, target, tolerance = KINDS[number % len(KINDS)]
        counts = unit == "percent"
        indicators.append(
            Indicator(
                code=f"{code_prefix}{number + 1:03d}",
                name=f"Indicator {number + 1} ({unit.replace('_', ' ')}, {polarity})",
                definition=f"What indicator {number + 1} measures.",
                numerator_definition="Children for whom it happened" if counts else "",
                denominator_definition="Children it could have happened for" if counts else "",
                unit=unit,
                polarity=polarity,
                area=Indicator.Area.TIMELINESS,
                source="Local case management system",
                responsible_officer=officer,
                amber_tolerance=tolerance,
                similar_band=Decimal("1"),
            )
        )
    Indicator.objects.bulk_create(indicators)
    indicators = list(Indicator.objects.filter(code__startswith=code_prefix).order_by("code"))
    for order, indicator in enumerate(indicators):
        unit, polarity, base, target, tolerance = KINDS[order % len(KINDS)]
        entries.append(ScorecardIndicator(scorecard=scorecard, indicator=indicator, order=order))
        periods = [latest.offset(-step) for step in range(months - 1, -1, -1)]
        if target is not None:
            for year in sorted({period.year for period in periods}):
                targets.append(Target(indicator=indicator, financial_year=year, value=target))
        for step, period in enumerate(periods):
            wobble = Decimal((step * 7 + order * 3) % 11 - 5)
            if unit == "percent":
                denominator = Decimal(200 + order)
                figure = max(Decimal(0), min(Decimal(100), base + wobble))
                numerator = (figure * denominator / 100).quantize(Decimal(1))
                figure = numerator * 100 / denominator
                value = IndicatorValue(
                    indicator=indicator,
                    period_key=period.key,
                    value=figure.quantize(Decimal("0.0001")),
                    numerator=numerator,
                    denominator=denominator,
                )
            else:
                value = IndicatorValue(indicator=indicator, period_key=period.key, value=base + wobble * 2)
            value.fill_period_dates()
            values.append(value)
        if areas:
            measure = ComparatorMeasure(
                code=f"measure-{indicator.code.lower()}",
                name=f"Published {indicator.name}",
                column=f"col_{order}",
                unit=unit,
                polarity=polarity,
            )
            measures.append((indicator, measure))
    ScorecardIndicator.objects.bulk_create(entries)
    Target.objects.bulk_create(targets)
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    if areas:
        ComparatorMeasure.objects.bulk_create([measure for _, measure in measures])
        saved = {m.code: m for m in ComparatorMeasure.objects.filter(code__in=[m.code for _, m in measures])}
        years = [Period.for_financial_year(latest.year - 1 - back) for back in range(comparator_years)]
        for order, (indicator, measure) in enumerate(measures):
            measure = saved[measure.code]
            mappings.append(IndicatorMapping(indicator=indicator, measure=measure))
            base = KINDS[order % len(KINDS)][2]
            for year in years:
                figures = [
                    (areas["england"], base + 2, ""),
                    (areas["region"], base + 1, ""),
                    (areas["ours"], base - 1, ""),
                ] + [(area, base + position - 5, "") for position, area in enumerate(areas["neighbours"])]
                # One neighbour's figure is withheld, as DfE does for small numbers.
                figures[-1] = (areas["neighbours"][-1], None, "c")
                for area, figure, symbol in figures:
                    value = ComparatorValue(
                        measure=measure, area=area, period_key=year.key, value=figure, symbol=symbol
                    )
                    value.fill_period_dates()
                    comparators.append(value)
        IndicatorMapping.objects.bulk_create(mappings)
        ComparatorValue.objects.bulk_create(comparators, batch_size=2000)
    return scorecard


def simple_indicator(
    code: str,
    *,
    scorecard: Scorecard | None = None,
    unit: str = "percent",
    polarity: str = "higher",
    officer=None,
    values: dict[str, object] | None = None,
    target: Decimal | int | None = None,
    tolerance: Decimal | int | None = None,
    counts: bool = False,
    frequency: str = MONTHLY,
    name: str | None = None,
) -> Indicator:
    """One indicator with exactly the figures a test names: {period key: value or (numerator, denominator)}.
    The target, when given, is set for every financial year the figures fall in."""
    indicator = Indicator.objects.create(
        code=code,
        name=name or f"Indicator {code}",
        unit=unit,
        polarity=polarity,
        frequency=frequency,
        area=Indicator.Area.TIMELINESS,
        responsible_officer=officer,
        amber_tolerance=tolerance,
        numerator_definition="Children seen on time" if counts else "",
        denominator_definition="Children seen" if counts else "",
    )
    if scorecard is not None:
        ScorecardIndicator.objects.create(scorecard=scorecard, indicator=indicator, order=scorecard.entries.count())
    years = set()
    for key, figure in (values or {}).items():
        if isinstance(figure, tuple):
            numerator, denominator = (Decimal(str(part)) for part in figure)
            value = numerator * 100 / denominator
        else:
            numerator = denominator = None
            value = Decimal(str(figure))
        IndicatorValue.objects.create(
            indicator=indicator,
            period_key=key,
            value=value.quantize(Decimal("0.0001")),
            numerator=numerator,
            denominator=denominator,
        )
        years.add(Period.parse(key).year)
    if target is not None:
        for year in years or {last_month().year}:
            Target.objects.create(indicator=indicator, financial_year=year, value=Decimal(str(target)))
    return indicator


def empty_scorecard(*, slug: str = "main", owner_group=None, frequency: str = MONTHLY) -> Scorecard:
    return Scorecard.objects.create(
        name="Main scorecard", slug=slug, is_main=True, owner_group=owner_group, frequency=frequency
    )


def published_figure(indicator: Indicator, year: Period, value, *, others: dict | None = None) -> ComparatorMeasure:
    """Our published figure for `year` through a measure mapped to the indicator (as both our figure and its
    comparators), with England's and the neighbours' when `others` names them ({"england": 60, "neighbours": [...]})."""
    areas = comparator_areas()
    measure = ComparatorMeasure.objects.create(
        code=f"published-{indicator.code.lower()}",
        name=f"Published {indicator.name}",
        column=f"col_{indicator.code.lower()}",
        unit=indicator.unit,
        polarity=indicator.polarity,
    )
    IndicatorMapping.objects.create(indicator=indicator, measure=measure)
    figures = [(areas["ours"], value)]
    others = others or {}
    if "england" in others:
        figures.append((areas["england"], others["england"]))
    figures += list(zip(areas["neighbours"], others.get("neighbours", []), strict=False))
    for area, figure in figures:
        ComparatorValue.objects.create(
            measure=measure, area=area, period_key=year.key, value=None if figure is None else Decimal(str(figure))
        )
    return measure
