"""Reads for the scorecard pages, reports and snapshots.

`scorecard_data(scorecard, *, period_key, filters=None)` → `ScorecardData`, in a fixed number of queries
whatever the number of indicators (pinned in tests/scorecards/test_models.py):

    ScorecardData
        scorecard: ScorecardInfo (pk, name, slug, description, frequency, is_main, owner_group_name)
        period: Period                 the period asked for (a month or a quarter)
        filters: dict                  the filters applied (area, priority, theme, rag), as given
        region_name, neighbour_model_name, neighbours_of_name: str
        indicators: list[IndicatorData], in the scorecard's order

    IndicatorData
        pk, code, name, definition, numerator_definition, denominator_definition, source,
        unit, unit_label, polarity, polarity_label, frequency, frequency_label, area, area_label, aggregation,
        responsible_officer_id, responsible_officer_name, priority_id, priority_label, themes: list[(id, name)],
        baseline_value, baseline_period (key or ""), amber_tolerance, tolerance_kind, similar_band, order,
        divergence_tolerance, divergence_kind      how far our local figure may be from our published one
        period: Period                 the indicator's own period for the scorecard's period (a quarterly
                                       indicator on a monthly scorecard shows its latest complete quarter)
        current, previous, same_period_last_year: ValuePoint | None
        recent: list[ValuePoint]       the past 12 months (monthly), 4 quarters (quarterly) or 3 years (annual),
                                       oldest first, ending with `period`; a period with no value has value None
        earlier: list[ValuePoint]      quarterly values for the two financial years before `recent` starts
                                       (monthly indicators rolled up per `aggregation`), oldest first
        target: Decimal | None         the target for `period`'s financial year (`target_year` its label)
        milestone: Decimal | None      the milestone for `period`, if one was set
        rag: "green" | "amber" | "red" | None; direction_previous, direction_year: judgements.direction(...)
        published: ComparatorPoint | None          the partnership's latest published annual figure (DfE)
        published_series: list[ComparatorPoint]    every published year held, oldest first
        local_for_published: ValuePoint | None     our local figures worked out for `published`'s year (months
                                                   or quarters added up per `aggregation`), to set beside it
        comparator_period: Period | None           the latest year with comparator figures
        ours: ComparatorPoint | None               our published figure for `comparator_period` (what is
                                                   compared, ranked and banded), with DfE's symbol or a note
                                                   saying why there is none
        england, region, sn_average: ComparatorPoint | None; neighbours: list[ComparatorPoint] (closest first)
        sn_rank: judgements.Rank | None            the partnership among its neighbours with a figure (1 = best)
        sn_rank_reason: str                        why there is no rank (judgements.rank_reason), else ""
        england_quartile: int | None               1 (best) to 4 among English local authorities, only when the
                                                   figures held cover England (judgements.QUARTILE_COVERAGE)
        quartile_reason: str                       why there is no quartile (judgements.quartile_reason), else ""
        quartile_known, quartile_authorities: int  authorities with a figure held (or withheld) for the year,
                                                   and England's authorities that year
        comparator_sources: list[str]              where the published figures shown came from, one sentence a
                                                   release: "England and North West: Department for Education, ..."
        commentary: CommentaryData | None; challenges: list[ChallengeData] (each with its responses)

    ValuePoint(period, value, numerator, denominator, source)       source "" where the period has no value
    ComparatorPoint(area_code, area_name, role, period, value, symbol, note, source)
        role: "partnership", "england", "region", "sn_average" or "neighbour"; value None with `symbol`
        (DfE's reason, e.g. "c") when not published

Everything is plain data (no model instances), so the page, the PDF and a frozen snapshot read the same thing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from cscp.permissions import is_partnership_admin
from scorecards import judgements
from scorecards import rules as _rules  # noqa: F401  (registers the permissions the pages check)
from scorecards.dfe.authorities import authorities_in_england, says_nothing
from scorecards.models import (
    Area,
    Challenge,
    ChallengeResponse,
    Commentary,
    ComparatorSettings,
    ComparatorValue,
    Indicator,
    IndicatorMapping,
    IndicatorValue,
    Milestone,
    Neighbour,
    PublishedSource,
    Scorecard,
    ScorecardIndicator,
    ScorecardReport,
    Target,
)
from scorecards.periods import ANNUAL, MONTHLY, QUARTERLY, Period

RECENT_PERIODS = {MONTHLY: 12, QUARTERLY: 4, ANNUAL: 3}
EARLIER_YEARS = 2
# Comparator figures older than this (in years before the scorecard's period) are not read.
COMPARATOR_YEARS = 6

PARTNERSHIP = "partnership"
ENGLAND = "england"
REGION = "region"
SN_AVERAGE = "sn_average"
NEIGHBOUR = "neighbour"


@dataclass(frozen=True)
class ValuePoint:
    period: Period
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    source: str = ""

    @property
    def period_key(self) -> str:
        return self.period.key


@dataclass(frozen=True)
class ComparatorPoint:
    area_code: str
    area_name: str
    role: str
    period: Period
    value: Decimal | None
    symbol: str = ""
    note: str = ""
    source: str = ""  # the file it was imported from (PublishedSource.file_name)

    @property
    def period_key(self) -> str:
        return self.period.key


@dataclass(frozen=True)
class CommentaryData:
    pk: int
    text: str
    author_name: str
    author_id: int
    updated_at: datetime.datetime


@dataclass(frozen=True)
class ChallengeResponseData:
    pk: int
    text: str
    author_name: str
    author_id: int
    created_at: datetime.datetime


@dataclass(frozen=True)
class ChallengeData:
    pk: int
    text: str
    author_name: str
    author_id: int
    group_name: str
    created_at: datetime.datetime
    responses: list[ChallengeResponseData] = field(default_factory=list)

    @property
    def is_answered(self) -> bool:
        return bool(self.responses)


@dataclass(frozen=True)
class ScorecardInfo:
    pk: int
    name: str
    slug: str
    description: str
    frequency: str
    is_main: bool
    owner_group_name: str


@dataclass
class IndicatorData:
    pk: int
    code: str
    name: str
    definition: str
    numerator_definition: str
    denominator_definition: str
    source: str
    unit: str
    unit_label: str
    polarity: str
    polarity_label: str
    frequency: str
    frequency_label: str
    area: str
    area_label: str
    aggregation: str
    responsible_officer_id: int | None
    responsible_officer_name: str
    priority_id: int | None
    priority_label: str
    themes: list[tuple[int, str]]
    baseline_value: Decimal | None
    baseline_period: str
    amber_tolerance: Decimal | None
    tolerance_kind: str
    similar_band: Decimal | None
    order: int
    period: Period
    divergence_tolerance: Decimal | None = None
    divergence_kind: str = judgements.RELATIVE
    current: ValuePoint | None = None
    previous: ValuePoint | None = None
    same_period_last_year: ValuePoint | None = None
    recent: list[ValuePoint] = field(default_factory=list)
    earlier: list[ValuePoint] = field(default_factory=list)
    target: Decimal | None = None
    target_year: str = ""
    milestone: Decimal | None = None
    rag: str | None = None
    direction_previous: str = judgements.NOT_COMPARABLE
    direction_year: str = judgements.NOT_COMPARABLE
    published: ComparatorPoint | None = None
    published_series: list[ComparatorPoint] = field(default_factory=list)
    local_for_published: ValuePoint | None = None
    comparator_period: Period | None = None
    ours: ComparatorPoint | None = None
    england: ComparatorPoint | None = None
    region: ComparatorPoint | None = None
    sn_average: ComparatorPoint | None = None
    neighbours: list[ComparatorPoint] = field(default_factory=list)
    sn_rank: judgements.Rank | None = None
    sn_rank_reason: str = ""
    england_quartile: int | None = None
    quartile_reason: str = ""
    quartile_known: int | None = None
    quartile_authorities: int | None = None
    comparator_sources: list[str] = field(default_factory=list)
    commentary: CommentaryData | None = None
    challenges: list[ChallengeData] = field(default_factory=list)

    @property
    def value(self) -> Decimal | None:
        return self.current.value if self.current else None

    @property
    def needs_commentary(self) -> bool:
        return self.rag == judgements.RED and self.commentary is None


@dataclass
class ScorecardData:
    scorecard: ScorecardInfo
    period: Period
    filters: dict
    indicators: list[IndicatorData]
    region_name: str = ""
    neighbour_model_name: str = ""
    neighbours_of_name: str = ""

    @property
    def period_key(self) -> str:
        return self.period.key


# Periods -----------------------------------------------------------------------------------------------


def indicator_period(frequency: str, period: Period) -> Period:
    """The latest period of `frequency` that has ended by the end of `period` (itself when they match)."""
    if frequency == period.frequency:
        return period
    own = Period.containing(period.end, frequency)
    return own if own.end <= period.end else own.previous()


def recent_periods(frequency: str, current: Period) -> list[Period]:
    count = RECENT_PERIODS[frequency]
    return [current.offset(step) for step in range(-(count - 1), 1)]


def earlier_quarters(recent: list[Period]) -> list[Period]:
    """Quarters of the `EARLIER_YEARS` financial years before the recent window, ending before it starts."""
    first = recent[0]
    if first.frequency == ANNUAL:
        return []
    start = Period.for_quarter(first.year - EARLIER_YEARS, 1)
    quarters = []
    quarter = start
    while quarter.end < first.start:
        quarters.append(quarter)
        quarter = quarter.next()
    return quarters


def _parts(indicator: Indicator | IndicatorData, period: Period) -> list[Period]:
    """The indicator's own periods that make up `period`: its months, or a year's quarters for a quarterly one."""
    if indicator.frequency == QUARTERLY and period.frequency == ANNUAL:
        return [Period.for_quarter(period.year, number) for number in range(1, 5)]
    return list(period.months)


def roll_up(indicator: Indicator | IndicatorData, quarter: Period, by_key: Mapping[str, ValuePoint]) -> ValuePoint:
    """A quarter's (or a year's) value from monthly values (a quarterly indicator's year: from its quarters):
    counts added, percentages and rates recomputed from their numerators and denominators, positions taken at
    the period's end. No value unless every part has one (a flow) or the last part has one (a snapshot)."""
    months = [by_key.get(part.key) for part in _parts(indicator, quarter)]
    if quarter.frequency == MONTHLY:  # pragma: no cover - a month is its own value
        return months[0] or ValuePoint(quarter, None)
    aggregation = indicator.aggregation
    if aggregation == Indicator.Aggregation.SNAPSHOT:
        last = months[-1]
        if last is None:
            return ValuePoint(quarter, None)
        return ValuePoint(quarter, last.value, last.numerator, last.denominator, last.source)
    present = [month for month in months if month is not None and month.value is not None]
    if len(present) != len(months):
        return ValuePoint(quarter, None)
    numerators = [month.numerator for month in present]
    denominators = [month.denominator for month in present]
    if all(number is not None for number in numerators + denominators) and indicator.unit != judgements.COUNT:
        numerator = sum(numerators, Decimal(0))
        denominator = sum(denominators, Decimal(0))
        value = _ratio(indicator.unit, numerator, denominator)
        return ValuePoint(quarter, value, numerator, denominator, present[-1].source)
    if aggregation == Indicator.Aggregation.FLOW and indicator.unit == judgements.COUNT:
        return ValuePoint(quarter, sum((month.value for month in present), Decimal(0)), source=present[-1].source)
    average = sum((month.value for month in present), Decimal(0)) / len(present)
    return ValuePoint(quarter, average, source=present[-1].source)


def _ratio(unit: str, numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if unit == judgements.PERCENT:
        return judgements.percentage(numerator, denominator)
    if unit == judgements.RATE_PER_10000:
        return judgements.rate_per(numerator, denominator)
    if denominator == 0:
        return None
    return numerator / denominator


# The main read -----------------------------------------------------------------------------------------


def scorecard_list(*, active_only: bool = True) -> list[Scorecard]:
    scorecards = Scorecard.objects.select_related("owner_group")
    if active_only:
        scorecards = scorecards.filter(is_active=True)
    return list(scorecards)


def _entries(scorecard: Scorecard, filters: Mapping[str, object]):
    entries = (
        ScorecardIndicator.objects.filter(scorecard=scorecard, indicator__is_active=True)
        .select_related("indicator__responsible_officer", "indicator__priority")
        .prefetch_related("indicator__themes")
        .order_by("order", "indicator__code")
    )
    if filters.get("area"):
        entries = entries.filter(indicator__area=filters["area"])
    if filters.get("priority"):
        entries = entries.filter(indicator__priority_id=filters["priority"])
    if filters.get("theme"):
        entries = entries.filter(indicator__themes__id=filters["theme"])
    if filters.get("officer"):
        entries = entries.filter(indicator__responsible_officer_id=filters["officer"])
    return entries


def _indicator_data(entry: ScorecardIndicator, period: Period) -> IndicatorData:
    indicator = entry.indicator
    officer = indicator.responsible_officer
    return IndicatorData(
        pk=indicator.pk,
        code=indicator.code,
        name=indicator.name,
        definition=indicator.definition,
        numerator_definition=indicator.numerator_definition,
        denominator_definition=indicator.denominator_definition,
        source=indicator.source,
        unit=indicator.unit,
        unit_label=indicator.get_unit_display(),
        polarity=indicator.polarity,
        polarity_label=indicator.get_polarity_display(),
        frequency=indicator.frequency,
        frequency_label=indicator.get_frequency_display(),
        area=indicator.area,
        area_label=indicator.get_area_display(),
        aggregation=indicator.aggregation,
        responsible_officer_id=indicator.responsible_officer_id,
        responsible_officer_name=str(officer) if officer else "",
        priority_id=indicator.priority_id,
        priority_label=str(indicator.priority) if indicator.priority else "",
        themes=[(theme.pk, theme.name) for theme in indicator.themes.all()],
        baseline_value=indicator.baseline_value,
        baseline_period=indicator.baseline_period,
        amber_tolerance=indicator.amber_tolerance,
        tolerance_kind=indicator.tolerance_kind,
        similar_band=indicator.similar_band,
        order=entry.order,
        period=indicator_period(indicator.frequency, period),
        divergence_tolerance=indicator.divergence_tolerance,
        divergence_kind=indicator.divergence_kind,
    )


def scorecard_data(
    scorecard: Scorecard, *, period_key: str, filters: Mapping[str, object] | None = None
) -> ScorecardData:
    """Everything a scorecard shows for a period. Raises ValueError for a period key that is not a period.

    `filters` (all optional): area (Indicator.Area value), priority (id), theme (id), officer (person id),
    rag ("green", "amber", "red" or "none" for not rated).
    """
    period = Period.parse(period_key)
    filters = dict(filters or {})
    rows = [_indicator_data(entry, period) for entry in _entries(scorecard, filters)]
    settings = ComparatorSettings.objects.select_related(
        "region", "neighbour_model", "neighbours_of", "partnership_area"
    ).first()
    data = ScorecardData(
        scorecard=ScorecardInfo(
            pk=scorecard.pk,
            name=scorecard.name,
            slug=scorecard.slug,
            description=scorecard.description,
            frequency=scorecard.frequency,
            is_main=scorecard.is_main,
            owner_group_name=scorecard.owner_group.name if scorecard.owner_group_id and scorecard.owner_group else "",
        ),
        period=period,
        filters=filters,
        indicators=rows,
    )
    if settings:
        data.region_name = settings.region.name if settings.region else ""
        data.neighbour_model_name = settings.neighbour_model.name if settings.neighbour_model else ""
        data.neighbours_of_name = settings.neighbours_of.name if settings.neighbours_of else ""
    if rows:
        values = _add_values(rows)
        _add_targets(rows)
        _add_commentary(rows)
        _add_comparators(rows, settings, period)
        _add_local_for_published(rows, values)
        for row in rows:
            _judge(row)
    wanted_rag = filters.get("rag")
    if wanted_rag:
        wanted = None if wanted_rag == "none" else wanted_rag
        data.indicators = [row for row in rows if row.rag == wanted]
    return data


def _add_values(rows: list[IndicatorData]) -> dict[int, dict[str, ValuePoint]]:
    """Each row's values for its window; gives back every value read, by indicator and period key."""
    windows: dict[int, tuple[list[Period], list[Period]]] = {}
    earliest = None
    latest = None
    for row in rows:
        recent = recent_periods(row.frequency, row.period)
        earlier = earlier_quarters(recent)
        before = [row.period.previous(), row.period.same_period_last_year()]
        windows[row.pk] = (recent, earlier)
        starts = [period.start for period in recent + earlier + before]
        earliest = min([earliest, *starts]) if earliest else min(starts)
        latest = max(latest, row.period.end) if latest else row.period.end
    by_indicator: dict[int, dict[str, ValuePoint]] = defaultdict(dict)
    values = IndicatorValue.objects.filter(
        indicator_id__in=[row.pk for row in rows], period_start__gte=earliest, period_end__lte=latest
    ).values_list("indicator_id", "period_key", "value", "numerator", "denominator", "source")
    for indicator_id, key, value, numerator, denominator, source in values:
        by_indicator[indicator_id][key] = ValuePoint(Period.parse(key), value, numerator, denominator, source)
    for row in rows:
        found = by_indicator.get(row.pk, {})
        recent, earlier = windows[row.pk]
        row.recent = [found.get(period.key) or ValuePoint(period, None) for period in recent]
        row.current = found.get(row.period.key)
        row.previous = found.get(row.period.previous().key)
        row.same_period_last_year = found.get(row.period.same_period_last_year().key)
        row.earlier = [
            found.get(quarter.key) or (roll_up(row, quarter, found) if row.frequency == MONTHLY else None)
            for quarter in earlier
        ]
        row.earlier = [point or ValuePoint(quarter, None) for point, quarter in zip(row.earlier, earlier, strict=True)]
    return by_indicator


def local_for_year(
    indicator: Indicator | IndicatorData, year: Period, by_key: Mapping[str, ValuePoint]
) -> ValuePoint | None:
    """Our local figure for a financial year, worked out as a quarter is from months (`roll_up`): an annual
    indicator's own value, else its months or quarters added up, averaged or taken at the year's end."""
    own = by_key.get(year.key)
    if own is not None or indicator.frequency == ANNUAL:
        return own
    point = roll_up(indicator, year, by_key)
    return point if point.value is not None else None


def _add_local_for_published(rows: list[IndicatorData], values: dict[int, dict[str, ValuePoint]]) -> None:
    """Our local figure for the year of our latest published figure, from the values already read (the window
    reaches back two financial years before the past year, which holds DfE's latest year)."""
    for row in rows:
        if row.published is None or row.published.value is None:
            continue
        row.local_for_published = local_for_year(row, row.published.period, values.get(row.pk, {}))


def _add_targets(rows: list[IndicatorData]) -> None:
    ids = [row.pk for row in rows]
    years = {row.period.year for row in rows}
    targets = {
        (indicator_id, year): value
        for indicator_id, year, value in Target.objects.filter(
            indicator_id__in=ids, financial_year__in=years
        ).values_list("indicator_id", "financial_year", "value")
    }
    keys = {row.period.key for row in rows}
    milestones = {
        (indicator_id, key): value
        for indicator_id, key, value in Milestone.objects.filter(indicator_id__in=ids, period_key__in=keys).values_list(
            "indicator_id", "period_key", "value"
        )
    }
    for row in rows:
        row.target = targets.get((row.pk, row.period.year))
        row.target_year = row.period.financial_year_label
        row.milestone = milestones.get((row.pk, row.period.key))


def _add_commentary(rows: list[IndicatorData]) -> None:
    ids = [row.pk for row in rows]
    keys = {row.period.key for row in rows}
    commentaries = {
        (commentary.indicator_id, commentary.period_key): commentary
        for commentary in Commentary.objects.filter(indicator_id__in=ids, period_key__in=keys).select_related("author")
    }
    challenges: dict[tuple[int, str], list[ChallengeData]] = defaultdict(list)
    found = (
        Challenge.objects.filter(indicator_id__in=ids, period_key__in=keys)
        .select_related("author", "group")
        .prefetch_related(
            Prefetch("responses", queryset=ChallengeResponse.objects.select_related("author").order_by("created_at"))
        )
    )
    for challenge in found:
        challenges[(challenge.indicator_id, challenge.period_key)].append(
            ChallengeData(
                pk=challenge.pk,
                text=challenge.text,
                author_name=str(challenge.author),
                author_id=challenge.author_id,
                group_name=challenge.group.name if challenge.group else "",
                created_at=challenge.created_at,
                responses=[
                    ChallengeResponseData(
                        pk=response.pk,
                        text=response.text,
                        author_name=str(response.author),
                        author_id=response.author_id,
                        created_at=response.created_at,
                    )
                    for response in challenge.responses.all()
                ],
            )
        )
    for row in rows:
        commentary = commentaries.get((row.pk, row.period.key))
        if commentary:
            row.commentary = CommentaryData(
                pk=commentary.pk,
                text=commentary.text,
                author_name=str(commentary.author),
                author_id=commentary.author_id,
                updated_at=commentary.updated_at,
            )
        row.challenges = challenges.get((row.pk, row.period.key), [])


def _neighbour_areas(settings: ComparatorSettings | None) -> list[Area]:
    if not settings or not settings.neighbour_model_id or not settings.neighbours_of_id:
        return []
    return [
        entry.neighbour
        for entry in Neighbour.objects.filter(
            model_id=settings.neighbour_model_id, area_id=settings.neighbours_of_id
        ).select_related("neighbour")
    ]


def _add_comparators(rows: list[IndicatorData], settings: ComparatorSettings | None, period: Period) -> None:
    mappings = list(
        IndicatorMapping.objects.filter(indicator_id__in=[row.pk for row in rows]).order_by(
            "indicator_id", "measure__code"
        )
    )
    if not mappings:
        return
    published_measure: dict[int, int] = {}
    comparator_measure: dict[int, int] = {}
    for mapping in mappings:
        if mapping.role in (IndicatorMapping.Role.BOTH, IndicatorMapping.Role.PUBLISHED):
            published_measure.setdefault(mapping.indicator_id, mapping.measure_id)
        if mapping.role in (IndicatorMapping.Role.BOTH, IndicatorMapping.Role.COMPARATORS):
            comparator_measure.setdefault(mapping.indicator_id, mapping.measure_id)
    neighbours = _neighbour_areas(settings)
    neighbour_ids = [area.pk for area in neighbours]
    partnership_id = settings.partnership_area_id if settings else None
    region_id = settings.region_id if settings else None
    measure_ids = set(published_measure.values()) | set(comparator_measure.values())
    oldest = Period.for_financial_year(period.year - COMPARATOR_YEARS).start
    # One read for every figure the rows need: the partnership's, England's, the region's, the neighbours',
    # and every English authority's (for the quartile).
    rows_found = (
        ComparatorValue.objects.filter(measure_id__in=measure_ids, period_start__gte=oldest, period_end__lte=period.end)
        .filter(Q(area__level__in=[Area.Level.COUNTRY, Area.Level.LA]) | Q(area_id__in=[partnership_id, region_id]))
        .values_list(
            "measure_id",
            "area_id",
            "area__code",
            "area__name",
            "area__level",
            "period_key",
            "value",
            "symbol",
            "note",
            "source_file",
        )
    )
    # measure → period key → area id → point
    table: dict[int, dict[str, dict[int, ComparatorPoint]]] = defaultdict(lambda: defaultdict(dict))
    england_ids: set[int] = set()
    la_ids: set[int] = set()
    # Authorities with a figure (or one withheld) per measure and year, for whether a quartile covers England.
    known: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for measure_id, area_id, code, name, level, key, value, symbol, note, source in rows_found:
        if level == Area.Level.COUNTRY:
            if code != "E92000001":
                continue
            england_ids.add(area_id)
            role = ENGLAND
        elif area_id == partnership_id:
            role = PARTNERSHIP
        elif area_id == region_id:
            role = REGION
        else:
            la_ids.add(area_id)
            role = NEIGHBOUR
            if value is not None or not says_nothing(symbol):
                known[key][measure_id] += 1
        table[measure_id][key][area_id] = ComparatorPoint(
            code, name, role, Period.parse(key), value, symbol, note, source
        )
    neighbour_set = set(neighbour_ids)
    for row in rows:
        measure_id = published_measure.get(row.pk)
        if measure_id is not None and partnership_id:
            series = [
                by_area[partnership_id]
                for key, by_area in table.get(measure_id, {}).items()
                if partnership_id in by_area
            ]
            row.published_series = sorted(series, key=lambda point: point.period)
            with_values = [point for point in row.published_series if point.value is not None]
            row.published = (with_values or row.published_series or [None])[-1]
        measure_id = comparator_measure.get(row.pk)
        if measure_id is None:
            continue
        by_key = table.get(measure_id, {})
        wanted = neighbour_set | england_ids | ({region_id} if region_id else set())
        years = [
            Period.parse(key)
            for key, by_area in by_key.items()
            if any(point.value is not None for area_id, point in by_area.items() if area_id in wanted)
        ]
        if not years:
            continue
        latest = max(years)
        row.comparator_period = latest
        by_area = by_key[latest.key]
        row.england = next((by_area[area_id] for area_id in england_ids if area_id in by_area), None)
        row.region = by_area.get(region_id) if region_id else None
        row.neighbours = [
            by_area.get(area.pk) or ComparatorPoint(area.code, area.name, NEIGHBOUR, latest, None)
            for area in neighbours
        ]
        present = [point.value for point in row.neighbours if point.value is not None]
        if present:
            row.sn_average = ComparatorPoint(
                "",
                "Statistical neighbours' average",
                SN_AVERAGE,
                latest,
                sum(present, Decimal(0)) / len(present),
            )
        # Ours is the partnership's figure for that year from the measure mapped as our published figure (a
        # measure mapped for comparators only does not stand for ours): what the page shows, compares and ranks.
        published_id = published_measure.get(row.pk)
        if partnership_id and published_id is not None:
            row.ours = table.get(published_id, {}).get(latest.key, {}).get(partnership_id)
        own = _judged_value(row.ours)
        others = [_judged_value(point) for point in row.neighbours]
        row.sn_rank = judgements.rank(own, others, polarity=row.polarity, unit=row.unit)
        row.sn_rank_reason = judgements.rank_reason(own, others, polarity=row.polarity)
        everyone = [
            _judged_value(point)
            for area_id, point in by_area.items()
            if area_id in la_ids and (point.value is not None or not says_nothing(point.symbol))
        ]
        # England's authorities that year, or more if the figures held name more (a reorganisation not yet listed).
        authorities = max(authorities_in_england(latest.year), *known[latest.key].values(), 0)
        row.quartile_known = judgements.known_authorities(everyone)
        row.quartile_authorities = authorities
        row.england_quartile = judgements.quartile(
            own, everyone, polarity=row.polarity, authorities=authorities, unit=row.unit
        )
        row.quartile_reason = judgements.quartile_reason(own, everyone, polarity=row.polarity, authorities=authorities)
    _add_sources(rows)


def _judged_value(point: ComparatorPoint | None) -> judgements.Value:
    """A published figure as the judgements take it: the number, a withheld one, or None for no figure."""
    if point is None or (point.value is None and says_nothing(point.symbol)):
        return None
    if point.value is None:
        return judgements.Suppressed(point.symbol)
    return point.value


def _add_sources(rows: list[IndicatorData]) -> None:
    """Name the release of every published figure each row shows, grouped by release, in the order shown."""
    shown: dict[int, list[tuple[str, str]]] = {}
    for row in rows:
        points = [
            ("ours (published)", row.published),
            ("England", row.england),
            (row.region.area_name if row.region else "", row.region),
        ]
        points += [("statistical neighbours", point) for point in row.neighbours]
        shown[row.pk] = [(label, point.source) for label, point in points if point is not None and point.source]
    files = {source for pairs in shown.values() for _, source in pairs}
    citations = (
        {source.file_name: source.citation for source in PublishedSource.objects.filter(file_name__in=files)}
        if files
        else {}
    )
    for row in rows:
        by_source: dict[str, list[str]] = {}
        for label, source in shown[row.pk]:
            labels = by_source.setdefault(source, [])
            if label not in labels:
                labels.append(label)
        row.comparator_sources = [
            f"{_joined(labels)}: {citations.get(source) or f'imported from {source}'}"
            for source, labels in by_source.items()
        ]


def _joined(words: list[str]) -> str:
    text = words[0][:1].upper() + words[0][1:]
    return text if len(words) == 1 else f"{', '.join([text, *words[1:-1]])} and {words[-1]}"


def _judge(row: IndicatorData) -> None:
    value = row.value
    tolerance = row.amber_tolerance if row.amber_tolerance is not None else 0
    row.rag = judgements.rag(
        value,
        row.target,
        polarity=row.polarity,
        tolerance=tolerance,
        tolerance_kind=row.tolerance_kind,
        milestone=row.milestone,
        unit=row.unit,
    )
    row.direction_previous = judgements.direction(
        value, row.previous.value if row.previous else None, polarity=row.polarity, unit=row.unit
    )
    row.direction_year = judgements.direction(
        value,
        row.same_period_last_year.value if row.same_period_last_year else None,
        polarity=row.polarity,
        unit=row.unit,
    )


def latest_period_with_values(scorecard: Scorecard) -> Period | None:
    """The latest period of the scorecard's frequency for which any of its indicators has a value."""
    latest = (
        IndicatorValue.objects.filter(indicator__scorecard_entries__scorecard=scorecard)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    if latest is None:
        return None
    own = Period.containing(latest, scorecard.frequency)
    return own if own.end <= latest else own.previous()


# Periods, targets and published figures beside the scorecard's own ------------------------------------------


def _chart_periods(row: IndicatorData) -> list[Period]:
    return [point.period for point in row.recent]


def targets_by_year(ids, years) -> dict[tuple[int, int], Decimal]:
    """Each indicator's target for each financial year asked for, by (indicator id, year): one query."""
    return {
        (indicator_id, year): value
        for indicator_id, year, value in Target.objects.filter(
            indicator_id__in=ids, financial_year__in=years
        ).values_list("indicator_id", "financial_year", "value")
    }


def milestones_by_period(ids, keys) -> dict[tuple[int, str], Decimal]:
    """Each indicator's milestone for each period asked for, by (indicator id, period key): one query."""
    return {
        (indicator_id, key): value
        for indicator_id, key, value in Milestone.objects.filter(indicator_id__in=ids, period_key__in=keys).values_list(
            "indicator_id", "period_key", "value"
        )
    }


def period_targets(rows: list[IndicatorData]) -> dict[str, dict[str, Decimal]]:
    """The target each charted period is judged against: its milestone where it has one, else its year's
    target. Two queries whatever the number of indicators."""
    if not rows:
        return {}
    ids = [row.pk for row in rows]
    years = {period.year for row in rows for period in _chart_periods(row)}
    keys = {period.key for row in rows for period in _chart_periods(row)}
    targets = targets_by_year(ids, years)
    milestones = milestones_by_period(ids, keys)
    found: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        per_period = {}
        for period in _chart_periods(row):
            goal = milestones.get((row.pk, period.key), targets.get((row.pk, period.year)))
            if goal is not None:
                per_period[period.key] = goal
        found[row.code] = per_period
    return found


def default_period(scorecard: Scorecard, today: datetime.date | None = None) -> Period:
    """The scorecard's latest complete period: last month for a monthly scorecard, last quarter for a quarterly."""
    return Period.last_complete(scorecard.frequency, today or timezone.localdate())


def period_choices(scorecard: Scorecard, today: datetime.date | None = None) -> list[Period]:
    """The periods a reader may pick, newest first: two years of the scorecard's own periods and, for a monthly
    scorecard, the quarters too (the Business Group reviews quarterly)."""
    latest = default_period(scorecard, today)
    periods = [latest.offset(-step) for step in range(24 if latest.frequency == MONTHLY else 8)]
    if latest.frequency == MONTHLY:
        quarter = Period.last_complete(QUARTERLY, today or timezone.localdate())
        periods += [quarter.offset(-step) for step in range(8)]
    return periods


def published_by_year(indicator: Indicator) -> tuple[dict[str, dict[str, ComparatorPoint]], list[ComparatorPoint]]:
    """Every published figure for the indicator's mapped measures by year: the partnership's, England's and
    the region's, and the statistical neighbours' average. Three queries."""
    settings = ComparatorSettings.objects.select_related("region", "partnership_area").first()
    mappings = list(IndicatorMapping.objects.filter(indicator=indicator).order_by("measure__code"))
    published = next((m.measure_id for m in mappings if m.role != IndicatorMapping.Role.COMPARATORS), None)
    compared = next((m.measure_id for m in mappings if m.role != IndicatorMapping.Role.PUBLISHED), None)
    if not settings or (published is None and compared is None):
        return {}, []
    neighbour_ids = []
    if settings.neighbour_model_id and settings.neighbours_of_id:
        neighbour_ids = list(
            settings.neighbour_model.neighbours.filter(area_id=settings.neighbours_of_id).values_list(
                "neighbour_id", flat=True
            )
        )
    area_filter = Q(area__code="E92000001") | Q(area_id__in=[settings.region_id, *neighbour_ids])
    values = ComparatorValue.objects.filter(
        (Q(measure_id=published) & Q(area_id=settings.partnership_area_id)) | (Q(measure_id=compared) & area_filter)
    ).values_list("measure_id", "area_id", "area__code", "area__name", "period_key", "value", "symbol", "note")
    by_year: dict[str, dict[str, ComparatorPoint]] = defaultdict(dict)
    neighbour_values: dict[str, list[Decimal]] = defaultdict(list)
    for measure_id, area_id, code, name, key, value, symbol, note in values:
        period = Period.parse(key)
        if measure_id == published and area_id == settings.partnership_area_id:
            by_year[key]["published"] = ComparatorPoint(code, name, "partnership", period, value, symbol, note)
        if measure_id != compared:
            continue
        if code == "E92000001":
            by_year[key]["england"] = ComparatorPoint(code, name, "england", period, value, symbol, note)
        elif area_id == settings.region_id:
            by_year[key]["region"] = ComparatorPoint(code, name, "region", period, value, symbol, note)
        elif area_id in neighbour_ids and value is not None:
            neighbour_values[key].append(value)
    for key, found in neighbour_values.items():
        by_year[key]["sn_average"] = ComparatorPoint(
            "", "Statistical neighbours' average", "sn_average", Period.parse(key), sum(found) / len(found)
        )
    series = sorted((found["published"] for found in by_year.values() if "published" in found), key=lambda p: p.period)
    return by_year, series


def indicators_for_entry(user, period: Period):
    """The indicators whose figures this person enters for `period`: their own, or every active one for the
    partnership team. Only indicators reported at the period's frequency are entered for it."""
    indicators = Indicator.objects.filter(is_active=True, frequency=period.frequency).order_by("code")
    if not is_partnership_admin(user):
        indicators = indicators.filter(responsible_officer=user)
    return indicators.select_related("responsible_officer")


def main_scorecard() -> Scorecard | None:
    return (
        Scorecard.objects.filter(is_active=True, is_main=True).first()
        or Scorecard.objects.filter(is_active=True).first()
    )


def board_pack_period(scorecard: Scorecard, before: datetime.date) -> tuple[Period, ScorecardReport | None]:
    """The period the Board pack reports for a meeting: the latest report generated before the meeting, or
    else the latest complete period before it (read live)."""
    report = (
        ScorecardReport.objects.filter(scorecard=scorecard, generated_at__date__lt=before)
        .order_by("-generated_at", "-pk")
        .first()
    )
    if report is not None:
        return report.period, report
    return Period.last_complete(scorecard.frequency, before), None
