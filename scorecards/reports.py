"""What the scorecard pages, their PDFs and downloads show, built once and shared (see docs/pdf.md).

`scorecard_context(scorecard, period, filters)` is the scorecard page's context and its PDF's: the figures
come from `scorecards.selectors.scorecard_data` and are turned here into the words, tags, tables and charts the
reader sees. A published report is rendered from a frozen copy of the same figures (`freeze`/`thaw`, kept in
`ScorecardReport.snapshot`), through the same `present` function, so a report reads exactly as the page did on
the day it was made, whatever is edited later.

Also here: the indicator page's context, and the reads behind the value-entry grid, the officer's list of
missing figures, and the home and Board pack sections. Who may do what is in `scorecards.rules`.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from cscp.models import AuditEvent, Partnership
from cscp.permissions import is_partnership_admin
from scorecards import charts, judgements
from scorecards import selectors as scorecard_selectors
from scorecards.formatting import (
    format_quartile,
    format_rank,
    format_suppressed,
    format_value,
    suppression_explanation,
    unit_heading,
)
from scorecards.models import (
    Challenge,
    Commentary,
    ComparatorSettings,
    ComparatorValue,
    Indicator,
    IndicatorMapping,
    IndicatorValue,
    Milestone,
    Scorecard,
    ScorecardReport,
    Target,
)
from scorecards.periods import ANNUAL, MONTHLY, QUARTERLY, Period
from scorecards.selectors import (
    ChallengeData,
    ChallengeResponseData,
    CommentaryData,
    ComparatorPoint,
    IndicatorData,
    ScorecardData,
    ScorecardInfo,
    ValuePoint,
)

# Words, tags and numbers ------------------------------------------------------------------------------------

RAG_TAG_CLASSES = {
    judgements.GREEN: "govuk-tag--green",
    judgements.AMBER: "govuk-tag--yellow",
    judgements.RED: "govuk-tag--red",
    None: "govuk-tag--grey",
}
RAG_FILTER_CHOICES = [
    (judgements.RED, "Red: off target"),
    (judgements.AMBER, "Amber: within tolerance"),
    (judgements.GREEN, "Green: on target"),
    ("none", "Not rated"),
]
COMPARISON_WORDS = {
    judgements.BETTER: "Better",
    judgements.SIMILAR: "Similar",
    judgements.WORSE: "Worse",
    judgements.HIGHER_THAN: "Higher",
    judgements.LOWER_THAN: "Lower",
    None: "No comparison",
}


def value_text(value: Decimal | None, unit: str) -> str:
    return format_value(value, unit)


def figure_text(value: Decimal | None, unit: str) -> str:
    """A figure for a table cell whose heading names the unit: "330.1" rather than "330.1 per 10,000 children"
    (percentages keep their "%", days their "days")."""
    return format_value(value, unit).replace(" per 10,000 children", "")


def point_text(point: ComparatorPoint | None, unit: str) -> str:
    """A published figure in words: the figure, or what DfE's symbol means."""
    if point is None:
        return "No data"
    if point.value is None:
        return format_suppressed(point.symbol)
    return figure_text(point.value, unit)


def count_text(value: Decimal | None) -> str:
    return "" if value is None else format_value(value, judgements.COUNT)


def rag_tag(status: str | None) -> dict[str, str]:
    return {"status": status or "none", "text": judgements.rag_label(status), "css": RAG_TAG_CLASSES[status]}


# Freezing the figures for a published report -------------------------------------------------------------

_FROZEN_TYPES = {
    cls.__name__: cls
    for cls in (
        ScorecardData,
        ScorecardInfo,
        IndicatorData,
        ValuePoint,
        ComparatorPoint,
        CommentaryData,
        ChallengeData,
        ChallengeResponseData,
    )
}


@dataclass
class ScorecardFigures:
    """Everything a scorecard shows, as plain data: the selector's figures plus the target that applied to
    each period drawn on the charts (a year's target, or the period's milestone)."""

    data: ScorecardData
    period_targets: dict[str, dict[str, Decimal]] = field(default_factory=dict)


_FROZEN_TYPES["ScorecardFigures"] = ScorecardFigures


def freeze(obj):
    """Plain data as JSON-ready values, tagged so that `thaw` gives back the same objects."""
    if isinstance(obj, Decimal):
        return {"$decimal": str(obj)}
    if isinstance(obj, Period):
        return {"$period": obj.key}
    if isinstance(obj, datetime.datetime):
        return {"$datetime": obj.isoformat()}
    if isinstance(obj, datetime.date):
        return {"$date": obj.isoformat()}
    if isinstance(obj, judgements.Rank):
        return {"$rank": [obj.position, obj.out_of]}
    if is_dataclass(obj) and not isinstance(obj, type):
        name = type(obj).__name__
        if name not in _FROZEN_TYPES:
            raise TypeError(f"Cannot freeze a {name}.")
        return {"$type": name, **{f.name: freeze(getattr(obj, f.name)) for f in fields(obj)}}
    if isinstance(obj, list | tuple):
        return [freeze(item) for item in obj]
    if isinstance(obj, dict):
        return {str(key): freeze(value) for key, value in obj.items()}
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    raise TypeError(f"Cannot freeze {obj!r}.")


def thaw(obj):
    if isinstance(obj, list):
        return [thaw(item) for item in obj]
    if not isinstance(obj, dict):
        return obj
    if "$decimal" in obj:
        return Decimal(obj["$decimal"])
    if "$period" in obj:
        return Period.parse(obj["$period"])
    if "$datetime" in obj:
        return datetime.datetime.fromisoformat(obj["$datetime"])
    if "$date" in obj:
        return datetime.date.fromisoformat(obj["$date"])
    if "$rank" in obj:
        return judgements.Rank(*obj["$rank"])
    if "$type" in obj:
        cls = _FROZEN_TYPES[obj["$type"]]
        known = {f.name for f in fields(cls)}
        # A snapshot made before a field was added simply lacks it; the field's default stands in.
        return cls(**{key: thaw(value) for key, value in obj.items() if key in known})
    return {key: thaw(value) for key, value in obj.items()}


# Reading the figures --------------------------------------------------------------------------------------


def _chart_periods(row: IndicatorData) -> list[Period]:
    return [point.period for point in row.recent]


def _period_targets(rows: list[IndicatorData]) -> dict[str, dict[str, Decimal]]:
    """The target each charted period is judged against: its milestone where it has one, else its year's
    target. Two queries whatever the number of indicators."""
    if not rows:
        return {}
    ids = [row.pk for row in rows]
    years = {period.year for row in rows for period in _chart_periods(row)}
    keys = {period.key for row in rows for period in _chart_periods(row)}
    targets = {
        (indicator_id, year): value
        for indicator_id, year, value in Target.objects.filter(
            indicator_id__in=ids, financial_year__in=years
        ).values_list("indicator_id", "financial_year", "value")
    }
    milestones = {
        (indicator_id, key): value
        for indicator_id, key, value in Milestone.objects.filter(indicator_id__in=ids, period_key__in=keys).values_list(
            "indicator_id", "period_key", "value"
        )
    }
    found: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        per_period = {}
        for period in _chart_periods(row):
            goal = milestones.get((row.pk, period.key), targets.get((row.pk, period.year)))
            if goal is not None:
                per_period[period.key] = goal
        found[row.code] = per_period
    return found


def scorecard_figures(scorecard: Scorecard, period: Period, filters: dict | None = None) -> ScorecardFigures:
    data = scorecard_selectors.scorecard_data(scorecard, period_key=period.key, filters=filters or {})
    return ScorecardFigures(data=data, period_targets=_period_targets(data.indicators))


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


# Presenting the figures ----------------------------------------------------------------------------------


@dataclass
class PeriodRow:
    """A row of the table behind a chart."""

    period: Period
    value: Decimal | None
    value_text: str
    numerator: Decimal | None
    numerator_text: str
    denominator: Decimal | None
    denominator_text: str
    target: Decimal | None
    target_text: str
    rag: dict


@dataclass
class ComparatorRow:
    label: str
    period_label: str
    value: Decimal | None
    value_text: str
    judgement: str
    explanation: str = ""


@dataclass
class IndicatorView:
    data: IndicatorData
    anchor: str
    value_text: str
    target_text: str
    milestone_text: str
    baseline_text: str
    rag: dict
    direction_previous: str
    direction_year: str
    previous_label: str
    year_label: str
    polarity_text: str
    comparison_rule: str
    compared_with: str
    recent: list[PeriodRow]
    earlier: list[PeriodRow]
    earlier_years: list[tuple[str, list[str]]]
    earlier_text: str
    headline: SafeString
    comparators_text: str
    comparators: list[ComparatorRow]
    neighbours: list[ComparatorRow]
    rank_text: str
    quartile_text: str
    chart: SafeString
    sparkline: SafeString
    unit_heading: str
    suppression_notes: list[str]
    has_counts: bool
    # Where the summary's link goes: this page's section, or the page of detail it is on.
    link: str = ""

    @property
    def needs_commentary(self) -> bool:
        return self.data.needs_commentary


def _period_rows(
    points: list[ValuePoint], row: IndicatorData, targets: dict[str, Decimal], *, judge: bool
) -> list[PeriodRow]:
    tolerance = row.amber_tolerance if row.amber_tolerance is not None else 0
    result = []
    for point in points:
        goal = targets.get(point.period.key)
        status = (
            judgements.rag(
                point.value,
                goal,
                polarity=row.polarity,
                tolerance=tolerance,
                tolerance_kind=row.tolerance_kind,
                unit=row.unit,
            )
            if judge
            else None
        )
        result.append(
            PeriodRow(
                period=point.period,
                value=point.value,
                value_text=figure_text(point.value, row.unit),
                numerator=point.numerator,
                numerator_text=count_text(point.numerator),
                denominator=point.denominator,
                denominator_text=count_text(point.denominator),
                target=goal,
                target_text=figure_text(goal, row.unit) if goal is not None else "No target",
                rag=rag_tag(status),
            )
        )
    return result


def _comparisons(row: IndicatorData) -> tuple[str, list[ComparatorRow], list[ComparatorRow]]:
    """The partnership's published figure and the comparators, each judged against our figure for the same
    year (DfE publishes a year at a time, so a month's figure is not set against a year's)."""
    ours_point = row.published if row.published and row.published.period == row.comparator_period else None
    ours = ours_point.value if ours_point else None
    compared_with = (
        f"our published figure for {ours_point.period.label} ({point_text(ours_point, row.unit)})"
        if ours_point and ours is not None
        else ""
    )
    band = row.similar_band if row.similar_band is not None else 0

    def judged(label: str, point: ComparatorPoint | None) -> ComparatorRow:
        value = point.value if point else None
        verdict = judgements.compare(ours, value, polarity=row.polarity, similar_band=band, unit=row.unit)
        return ComparatorRow(
            label=label,
            period_label=point.period.financial_year_label if point else "",
            value=value,
            value_text=point_text(point, row.unit),
            judgement=COMPARISON_WORDS[verdict] if point else "",
            explanation=suppression_explanation(point.symbol) if point and value is None and point.symbol else "",
        )

    comparators = []
    if row.published:
        comparators.append(
            ComparatorRow(
                label="Ours (published)",
                period_label=row.published.period.financial_year_label,
                value=row.published.value,
                value_text=point_text(row.published, row.unit),
                judgement="",
                explanation=suppression_explanation(row.published.symbol)
                if row.published.value is None and row.published.symbol
                else "",
            )
        )
    if row.comparator_period:
        comparators.append(judged("England", row.england))
        comparators.append(judged(row.region.area_name if row.region else "Region", row.region))
        comparators.append(judged("Neighbours' average", row.sn_average))
    neighbours = [judged(point.area_name, point) for point in row.neighbours]
    return compared_with, comparators, neighbours


def _chart(row: IndicatorData, targets: dict[str, Decimal], anchor: str) -> SafeString:
    series = [(point.period.short_label, point.value) for point in row.recent]
    goals = [targets.get(point.period.key) for point in row.recent]
    target_line = charts.Line("Target", goals) if any(goal is not None for goal in goals) else None
    lines = []
    years = set()
    for label, point in (
        ("England", row.england),
        (row.region.area_name if row.region else "Region", row.region),
        ("Neighbours' average", row.sn_average),
    ):
        if point is not None and point.value is not None:
            lines.append(charts.Line(label, point.value))
            years.add(point.period.financial_year_label)
    first, last = (row.recent[0].period.label, row.recent[-1].period.label) if row.recent else ("", "")
    described = [f"{row.name}, {first} to {last}, {unit_heading(row.unit).lower()}."]
    if target_line:
        described.append("The dashed black line is the target.")
    if lines:
        described.append(f"Flat lines show the latest published figures for comparison ({', '.join(sorted(years))}).")
    described.append(judgements.polarity_text(row.polarity))
    return charts.trend_chart(
        series,
        target_line=target_line,
        comparator_lines=lines,
        unit=row.unit,
        title=f"{row.code}: {row.name}",
        description=" ".join(described),
        series_label="Our figure",
        chart_id=f"chart-{anchor}",
    )


def present_indicator(row: IndicatorData, targets: dict[str, Decimal]) -> IndicatorView:
    anchor = f"indicator-{slugify(row.code) or row.pk}"
    compared_with, comparators, neighbours = _comparisons(row)
    notes = sorted(
        {
            suppression_explanation(point.symbol)
            for point in [row.published, row.england, row.region, *row.neighbours]
            if point is not None and point.value is None and point.symbol
        }
    )
    shown = value_text(row.value, row.unit)
    target_text = value_text(row.target, row.unit) if row.target is not None else "No target set"
    milestone_text = value_text(row.milestone, row.unit) if row.milestone is not None else ""
    direction_previous = judgements.direction_label(row.direction_previous, polarity=row.polarity)
    direction_year = judgements.direction_label(row.direction_year, polarity=row.polarity)
    earlier = _period_rows(row.earlier, row, {}, judge=False)
    earlier_years = _by_financial_year(earlier)
    return IndicatorView(
        data=row,
        anchor=anchor,
        value_text=shown,
        target_text=target_text,
        milestone_text=milestone_text,
        baseline_text=(
            f"{value_text(row.baseline_value, row.unit)} ({_period_label(row.baseline_period)})"
            if row.baseline_value is not None
            else ""
        ),
        rag=rag_tag(row.rag),
        direction_previous=direction_previous,
        direction_year=direction_year,
        previous_label=row.period.previous().label,
        year_label=row.period.same_period_last_year().label,
        polarity_text=judgements.polarity_text(row.polarity),
        comparison_rule=judgements.comparison_rule_text(row.polarity, row.similar_band, row.unit),
        compared_with=compared_with,
        recent=_period_rows(row.recent, row, targets, judge=True),
        earlier=earlier,
        earlier_years=earlier_years,
        earlier_text=_earlier_text(earlier_years),
        headline=_headline(row, shown, target_text, milestone_text, direction_previous, direction_year),
        comparators_text=_comparators_text(row, comparators),
        comparators=comparators,
        neighbours=neighbours,
        rank_text=format_rank(row.sn_rank),
        quartile_text=format_quartile(row.england_quartile),
        chart=_chart(row, targets, anchor),
        sparkline=charts.sparkline(
            [point.value for point in row.recent], unit=row.unit, label=f"{row.code} over the past year"
        ),
        unit_heading=unit_heading(row.unit),
        suppression_notes=notes,
        has_counts=any(point.numerator is not None for point in row.recent),
        link=f"#{anchor}",
    )


def _by_financial_year(rows: list[PeriodRow]) -> list[tuple[str, list[str]]]:
    """Quarterly rows laid out a financial year to a line, Q1 to Q4; a quarter in the past year (shown above in
    detail) is left blank."""
    years: dict[int, list[str]] = {}
    for row in rows:
        quarters = years.setdefault(row.period.year, ["", "", "", ""])
        quarters[row.period.index - 1] = row.value_text
    return [(Period.for_financial_year(year).label, quarters) for year, quarters in sorted(years.items())]


def _comparators_text(row: IndicatorData, comparators: list[ComparatorRow]) -> str:
    """The published figures in a sentence, for paper: "Ours (published) 77.0%; England 80.0% (ours is worse);
    ...; rank among neighbours 5th of 10; quartile in England C"."""
    year = row.comparator_period.financial_year_label if row.comparator_period else ""
    parts = []
    for comparator in comparators:
        text = f"{comparator.label} {comparator.value_text}"
        if comparator.period_label and comparator.period_label != year:
            text += f" in {comparator.period_label}"
        if comparator.judgement:
            text += f" (ours is {comparator.judgement.lower()})"
        parts.append(text)
    parts.append(f"rank among neighbours {format_rank(row.sn_rank)}")
    parts.append(f"quartile in England {format_quartile(row.england_quartile)}")
    return "; ".join(parts)


def _earlier_text(years: list[tuple[str, list[str]]]) -> str:
    """The earlier years' quarters in a sentence, for paper: "2023-24: Q1 76.0%, Q2 75.0%; 2024-25: ..."."""
    return "; ".join(
        f"{year}: " + ", ".join(f"Q{number} {text}" for number, text in enumerate(quarters, start=1) if text)
        for year, quarters in years
    )


def _headline(row: IndicatorData, view_value: str, target_text: str, milestone_text: str, previous: str, year: str):
    """The indicator's figure, target and direction in a sentence, the figure in bold."""
    if row.target is not None:
        target = format_html("against a target of {} for {}", target_text, row.target_year)
    else:
        target = format_html("with no target set for {}", row.target_year)
    milestone = (
        format_html(" and a milestone of {} for the period, which it is rated against", milestone_text)
        if milestone_text
        else ""
    )
    return format_html(
        "<strong>{}</strong> in {}, {}{}. Since {}: {}. Since {}: {}.",
        view_value,
        row.period.label,
        target,
        milestone,
        row.period.previous().label,
        previous,
        row.period.same_period_last_year().label,
        year,
    )


def _period_label(key: str) -> str:
    try:
        return Period.parse(key).label
    except (TypeError, ValueError):
        return key


def present(figures: ScorecardFigures, *, report_date: datetime.date | None = None, frozen: bool = False) -> dict:
    """The scorecard's context for its page, its PDF and its downloads."""
    data = figures.data
    views = [present_indicator(row, figures.period_targets.get(row.code, {})) for row in data.indicators]
    counts = defaultdict(int)
    for view in views:
        counts[view.rag["status"]] += 1
    title = f"{data.scorecard.name}: {data.period.label}"
    return {
        "partnership": Partnership.load(),
        "report_title": title,
        "report_date": report_date or timezone.localdate(),
        "scorecard_info": data.scorecard,
        "period": data.period,
        "data": data,
        "indicators": views,
        "rag_counts": {
            "red": counts["red"],
            "amber": counts["amber"],
            "green": counts["green"],
            "none": counts["none"],
        },
        "needing_commentary": (needing := [view for view in views if view.needs_commentary]),
        "needing_commentary_codes": ", ".join(view.data.code for view in needing),
        "frozen": frozen,
        "rag_rules": RAG_RULES,
        "direction_rules": DIRECTION_RULES,
        "comparison_rules": COMPARISON_RULES,
        "contents": [{"anchor": "summary", "title": "Summary"}]
        + [{"anchor": view.anchor, "title": f"{view.data.code}: {view.data.name}"} for view in views],
    }


def scorecard_context(scorecard: Scorecard, period: Period, filters: dict | None = None) -> dict:
    """The scorecard page's context, and its PDF's and downloads': a fixed number of queries."""
    return present(scorecard_figures(scorecard, period, filters))


# Caching the rendered scorecard ----------------------------------------------------------------------------
#
# A scorecard of 150 indicators takes most of a second to read and render, and the Business Group reads the same
# scorecard many times between changes. The rendered body is cached under a stamp of everything it shows: one
# query reads, for each table behind the figures, its latest change (history rows, timestamps) and its size, so
# any edit, import, challenge or membership change gives a new stamp and the next reader sees it at once.

BODY_CACHE_SECONDS = 60 * 60
# Runs of spaces and newlines between and inside tags: one space reads the same in HTML without <pre>.
WHITESPACE = re.compile(r"\s{2,}")


def _stamp_sql() -> str:
    from cscp.models import Priority, Theme
    from scorecards.models import (
        Area,
        ChallengeResponse,
        ComparatorSettings,
        ImportRun,
        IndicatorMapping,
        Neighbour,
        ScorecardIndicator,
    )

    quote = connection.ops.quote_name

    # Table and column names come from the models, never from input.
    def latest(model, column: str) -> str:
        return f"(SELECT MAX({quote(column)}) FROM {quote(model._meta.db_table)})"  # noqa: S608  # nosec B608

    def size(model) -> str:
        return f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})"  # noqa: S608  # nosec B608

    # Every read is of an index's end (a primary key or an indexed date), so the stamp costs about a millisecond
    # however many figures there are. History rows record edits and deletions; the newest row of each table
    # catches rows written in bulk without history (imports, the demo).
    parts = []
    for model in (Scorecard, Indicator, IndicatorValue, Target, Milestone, Commentary, ComparatorValue):
        parts += [latest(model.history.model, "history_id"), latest(model.history.model, "history_date")]
    for model in (ComparatorSettings, Priority, Theme):
        parts.append(latest(model.history.model, "history_date"))
    for model in (IndicatorValue, ComparatorValue, Challenge, ChallengeResponse, ImportRun, Indicator):
        parts.append(latest(model, "id"))
    # Small tables whose rows can go without a trace in history: their size too.
    for model in (ScorecardIndicator, IndicatorMapping, Neighbour, Area, Challenge, ChallengeResponse):
        parts.append(size(model))
    parts.append(latest(ImportRun, "finished_at"))
    return "SELECT " + ", ".join(parts)


def figures_stamp() -> str:
    """One query's worth of "has anything the scorecards show changed?"."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql())
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:24]


def cached_while_unchanged(name: str, identity: tuple, build):
    """`build()`'s result, cached until anything the scorecards show changes (see `figures_stamp`)."""
    key = f"scorecards:{name}:" + hashlib.sha256(repr((identity, figures_stamp())).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, BODY_CACHE_SECONDS)
    return found


DETAILS_PER_PAGE = 25


def paginate_details(context: dict, *, page_number: int, query: str) -> dict:
    """Show every indicator in the summary but the detailed sections a page at a time, so a very large scorecard
    stays quick to load; each summary row links to its indicator's section on whichever page it is."""
    views = context["indicators"]
    pages = Paginator(views, DETAILS_PER_PAGE)
    page = pages.get_page(page_number)
    prefix = f"?{query}&" if query else "?"
    for index, view in enumerate(views):
        number = index // DETAILS_PER_PAGE + 1
        view.link = f"#{view.anchor}" if number == page.number else f"{prefix}page={number}#{view.anchor}"
    return {**context, "detail_page": page, "detail_views": list(page.object_list), "detail_query": query}


def scorecard_body_html(
    scorecard: Scorecard, period: Period, filters: dict | None = None, *, page_number: int = 1, query: str = ""
) -> str:
    """The scorecard's rendered body (templates/scorecards/_scorecard_body.html) for the page, from the cache
    when nothing it shows has changed since it was rendered. `query` is the page's other query parameters (the
    period and filters), for the links between pages of detail."""
    filters = filters or {}
    stamp = figures_stamp()
    identity = (scorecard.pk, scorecard.name, period.key, sorted(filters.items()), page_number, query, stamp)
    key = "scorecards:body:" + hashlib.sha256(repr(identity).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        context = paginate_details(scorecard_context(scorecard, period, filters), page_number=page_number, query=query)
        html = render_to_string("scorecards/_scorecard_body.html", context)
        # The template's indentation is a fifth of a large scorecard's bytes; the body has no <pre> or <textarea>.
        html = WHITESPACE.sub(" ", html)
        cache.set(key, html, BODY_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 - our own template's output, escaped as it rendered


def snapshot_context(report: ScorecardReport) -> dict:
    """A published report's context, from the figures frozen when it was generated."""
    figures = thaw(report.snapshot["figures"])
    return present(figures, report_date=timezone.localtime(report.generated_at).date(), frozen=True)


# The rules, as the page writes them (docs/scorecard-judgements.md says the same).
RAG_RULES = [
    ("Green: on target", "The figure is at the target or better."),
    (
        "Amber: within tolerance",
        "The figure is worse than the target, but by no more than the indicator's tolerance. "
        "A figure exactly at the edge of the tolerance is amber.",
    ),
    ("Red: off target", "The figure is worse than the target by more than the tolerance."),
    (
        "Not rated",
        "There is no figure for the period, no target, or the indicator has no 'better' direction.",
    ),
    (
        "Milestones",
        "Where a period has a milestone on the way to the year's target, the figure is judged against the milestone.",
    ),
]
DIRECTION_RULES = [
    ("Improving", "The figure moved in the better direction since the earlier period."),
    ("Worse", "The figure moved in the worse direction."),
    ("No change", "The figure did not move."),
    ("Up or down", "For indicators where neither higher nor lower is better, which way the figure moved."),
    ("Not comparable", "One of the two figures is missing or withheld."),
]
COMPARISON_RULES = [
    (
        "Better, similar, worse",
        "Our published figure is set against England, the region and the statistical neighbours' average for "
        "the same year. Within the indicator's band of the comparator counts as similar; each indicator "
        "states its band.",
    ),
    (
        "Rank",
        "Among the statistical neighbours and the partnership, best first: '3rd of 11'. Equal figures share "
        "the better place; a neighbour with no figure is left out.",
    ),
    (
        "Quartile in England",
        "A is the best quarter of English local authorities, D the worst, as in the Department for "
        "Education's Local Authority Interactive Tool.",
    ),
    (
        "Figures that are not published",
        "Where a figure is withheld the table says why, for example 'Not published (small number)'. Withheld "
        "and missing figures are not judged.",
    ),
]


# The indicator page ---------------------------------------------------------------------------------------


@dataclass
class HistoryRow:
    when: datetime.datetime
    who: str
    what: str


def _published_by_year(indicator: Indicator) -> tuple[dict[str, dict[str, ComparatorPoint]], list[ComparatorPoint]]:
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


def indicator_context(indicator: Indicator, *, user=None, history_limit: int = 50) -> dict:
    """Everything the indicator page shows: its definition, targets, full history with chart, published
    figures beside the local ones, the commentary and challenge threads, and who changed what."""
    values = list(
        IndicatorValue.objects.filter(indicator=indicator)
        .select_related("entered_by")
        .order_by("period_start", "period_end")
    )
    targets = list(Target.objects.filter(indicator=indicator).order_by("financial_year"))
    milestones = list(Milestone.objects.filter(indicator=indicator).order_by("period_start"))
    target_by_year = {target.financial_year: target.value for target in targets}
    milestone_by_key = {milestone.period_key: milestone.value for milestone in milestones}
    tolerance = indicator.amber_tolerance if indicator.amber_tolerance is not None else 0

    history_rows = []
    for value in reversed(values):
        period = value.period
        goal = milestone_by_key.get(value.period_key, target_by_year.get(period.year))
        status = judgements.rag(
            value.value,
            goal,
            polarity=indicator.polarity,
            tolerance=tolerance,
            tolerance_kind=indicator.tolerance_kind,
            unit=indicator.unit,
        )
        history_rows.append(
            {
                "period": period,
                "value_text": value_text(value.value, indicator.unit),
                "numerator_text": count_text(value.numerator),
                "denominator_text": count_text(value.denominator),
                "target_text": value_text(goal, indicator.unit) if goal is not None else "No target",
                "rag": rag_tag(status),
                "source": value.get_source_display(),
                "entered_by": str(value.entered_by) if value.entered_by else "",
                "entered_at": value.entered_at,
            }
        )

    by_year, published_series = _published_by_year(indicator)
    comparator_settings = ComparatorSettings.objects.select_related("region").first()
    # The local figures for each published year, worked out as the scorecard works out a quarter from months.
    local_by_key = {
        value.period_key: ValuePoint(value.period, value.value, value.numerator, value.denominator, value.source)
        for value in values
    }
    published_rows = []
    for key in sorted(by_year, key=lambda k: Period.parse(k), reverse=True):
        found = by_year[key]
        year = Period.parse(key)
        local = local_by_key.get(key)
        if local is None and indicator.frequency != ANNUAL:
            local = scorecard_selectors.roll_up(indicator, year, local_by_key)
        published = found.get("published")
        difference = ""
        if local and local.value is not None and published and published.value is not None:
            gap = judgements.round_for_display(local.value, indicator.unit) - judgements.round_for_display(
                published.value, indicator.unit
            )
            difference = "The same" if gap == 0 else f"{'+' if gap > 0 else '−'}{value_text(abs(gap), indicator.unit)}"
        published_rows.append(
            {
                "period": year,
                "local_text": value_text(local.value if local else None, indicator.unit),
                "published_text": point_text(published, indicator.unit),
                "difference": difference,
                "england_text": point_text(found.get("england"), indicator.unit),
                "region_text": point_text(found.get("region"), indicator.unit),
                "sn_text": point_text(found.get("sn_average"), indicator.unit),
            }
        )

    # Commentary, challenges and responses, newest period first.
    commentaries = {c.period_key: c for c in Commentary.objects.filter(indicator=indicator).select_related("author")}
    challenges: dict[str, list[Challenge]] = defaultdict(list)
    for challenge in (
        Challenge.objects.filter(indicator=indicator)
        .select_related("author", "group")
        .prefetch_related("responses__author")
        .order_by("created_at", "pk")
    ):
        challenges[challenge.period_key].append(challenge)
    thread_keys = sorted(set(commentaries) | set(challenges), key=lambda k: Period.parse(k), reverse=True)
    threads = [
        {
            "period": Period.parse(key),
            "commentary": commentaries.get(key),
            "challenges": challenges.get(key, []),
        }
        for key in thread_keys
    ]

    chart_values = values[-36:]
    chart = charts.trend_chart(
        [(value.period.short_label, value.value) for value in chart_values],
        target_line=(
            charts.Line(
                "Target",
                [milestone_by_key.get(v.period_key, target_by_year.get(v.period.year)) for v in chart_values],
            )
            if targets or milestones
            else None
        ),
        unit=indicator.unit,
        title=f"{indicator.code}: {indicator.name}",
        description=(
            f"{indicator.name}: the latest {len(chart_values)} figures held. "
            f"{judgements.polarity_text(indicator.polarity)}"
        ),
        chart_id=f"chart-indicator-{indicator.pk}",
    )

    return {
        "indicator": indicator,
        "unit_heading": unit_heading(indicator.unit),
        "polarity_text": judgements.polarity_text(indicator.polarity),
        "comparison_rule": judgements.comparison_rule_text(indicator.polarity, indicator.similar_band, indicator.unit),
        "baseline_text": (
            f"{value_text(indicator.baseline_value, indicator.unit)} ({_period_label(indicator.baseline_period)})"
            if indicator.baseline_value is not None
            else "Not set"
        ),
        "tolerance_text": _tolerance_text(indicator),
        "targets": [
            {"year": target.period.financial_year_label, "text": value_text(target.value, indicator.unit)}
            for target in targets
        ],
        "milestones": [{"period": m.period, "text": value_text(m.value, indicator.unit)} for m in milestones],
        "history": history_rows,
        "chart": chart,
        "chart_rows": list(reversed(history_rows[: len(chart_values)])),
        "published_rows": published_rows,
        "region_name": comparator_settings.region.name
        if comparator_settings and comparator_settings.region
        else "Region",
        "published_series": published_series,
        "threads": threads,
        "changes": indicator_changes(indicator, limit=history_limit),
        "scorecards": list(indicator.scorecards.filter(is_active=True).order_by("-is_main", "order", "name")),
    }


def _tolerance_text(indicator: Indicator) -> str:
    if indicator.amber_tolerance is None or indicator.polarity == judgements.NONE:
        return "No amber: a figure short of the target is red"
    if indicator.tolerance_kind == judgements.RELATIVE:
        return f"Amber within {indicator.amber_tolerance.normalize():f}% of the target"
    return f"Amber within {value_text(indicator.amber_tolerance, indicator.unit)} of the target"


EVENT_WORDS = {
    "scorecards.indicator.created": "Added the indicator",
    "scorecards.indicator.updated": "Changed the indicator's details",
    "scorecards.target.created": "Set a target",
    "scorecards.target.updated": "Changed a target",
    "scorecards.milestone.created": "Set a milestone",
    "scorecards.milestone.updated": "Changed a milestone",
    "scorecards.milestone.deleted": "Removed a milestone",
    "scorecards.commentary.created": "Wrote the commentary",
    "scorecards.commentary.updated": "Rewrote the commentary",
    "scorecards.challenge.created": "Raised a challenge",
    "scorecards.challenge.responded": "Responded to a challenge",
}


def _event_words(event: AuditEvent) -> str:
    words = EVENT_WORDS.get(event.action, event.action)
    changes = (event.data or {}).get("changes") or {}
    if event.action == "scorecards.indicator.updated" and changes:
        words += f" ({', '.join(name.replace('_', ' ') for name in sorted(changes))})"
    if event.object_type != "scorecards.indicator" and event.object_repr:
        words += f": {event.object_repr}"
    return event.message or words


def indicator_changes(indicator: Indicator, *, limit: int = 50) -> list[HistoryRow]:
    """Who changed what, newest first: every version of the indicator's figures (simple-history keeps them)
    and the audit events about the indicator, its targets, milestones, commentary and challenges."""
    rows: list[HistoryRow] = []
    verbs = {"+": "Entered", "~": "Changed", "-": "Deleted"}
    history = (
        IndicatorValue.history.filter(indicator_id=indicator.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    for version in history:
        period = _period_label(version.period_key)
        shown = value_text(version.value, indicator.unit) if version.value is not None else "no figure"
        rows.append(
            HistoryRow(
                when=version.history_date,
                who=str(version.history_user) if version.history_user else "An import or the system",
                what=f"{verbs.get(version.history_type, 'Changed')} the figure for {period}: {shown}",
            )
        )
    related = {
        "scorecards.indicator": [indicator.pk],
        "scorecards.target": Target.objects.filter(indicator=indicator).values_list("pk", flat=True),
        "scorecards.milestone": Milestone.objects.filter(indicator=indicator).values_list("pk", flat=True),
        "scorecards.commentary": Commentary.objects.filter(indicator=indicator).values_list("pk", flat=True),
        "scorecards.challenge": Challenge.objects.filter(indicator=indicator).values_list("pk", flat=True),
    }
    about = Q()
    for object_type, ids in related.items():
        about |= Q(object_type=object_type, object_id__in=[str(pk) for pk in ids])
    events = AuditEvent.objects.filter(about).select_related("actor").order_by("-created_at", "-pk")[:limit]
    for event in events:
        rows.append(
            HistoryRow(
                when=event.created_at, who=str(event.actor) if event.actor else "The system", what=_event_words(event)
            )
        )
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows[:limit]


# Value entry and the officer's own indicators ------------------------------------------------------------


def indicators_for_entry(user, period: Period):
    """The indicators whose figures this person enters for `period`: their own, or every active one for the
    partnership team. Only indicators reported at the period's frequency are entered for it."""
    indicators = Indicator.objects.filter(is_active=True, frequency=period.frequency).order_by("code")
    if not is_partnership_admin(user):
        indicators = indicators.filter(responsible_officer=user)
    return indicators.select_related("responsible_officer")


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


def entry_rows(user, period: Period) -> list[EntryRow]:
    """The grid for one period: each indicator with its figure, target, milestone, the figures it is compared
    with and its commentary. A fixed number of queries."""
    indicators = list(indicators_for_entry(user, period))
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
    commentary. Looks back a year from the latest complete period of each frequency."""
    today = today or timezone.localdate()
    indicators = list(
        Indicator.objects.filter(is_active=True, responsible_officer=user).exclude(frequency=ANNUAL).order_by("code")
    )
    if not indicators:
        return []
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
