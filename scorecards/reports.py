"""What the scorecard pages, their PDFs and downloads show, built once and shared (see docs/pdf.md).

`scorecard_context(scorecard, period, filters)` is the scorecard page's context and its PDF's: the figures come
from `scorecards.selectors.scorecard_data` and are turned here into the words, tags, tables and charts the reader
sees. A published report is rendered from a frozen copy of the same figures (`scorecards.snapshots`), through the
same `present` function. Also here: the indicator page's context and its history of changes. Reads are in
`scorecards.selectors`, words and numbers in `scorecards.formatting`, who may do what in `scorecards.rules`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from cscp.models import AuditEvent, Partnership
from scorecards import charts, judgements
from scorecards import selectors as scorecard_selectors
from scorecards.caching import WHITESPACE, cached_while_unchanged
from scorecards.formatting import (
    COMPARISON_WORDS,
    comparison_gap,
    count_text,
    divergence_texts,
    divergence_tolerance_text,
    figure_text,
    format_quartile,
    format_rank,
    format_suppressed,
    point_text,
    rag_tag,
    suppression_explanation,
    unit_heading,
    value_text,
)
from scorecards.models import (
    Challenge,
    Commentary,
    ComparatorSettings,
    Indicator,
    IndicatorValue,
    Milestone,
    Scorecard,
    ScorecardReport,
    Target,
)
from scorecards.periods import Period
from scorecards.selectors import (
    ComparatorPoint,
    IndicatorData,
    ValuePoint,
    published_by_year,
)
from scorecards.snapshots import ScorecardFigures, scorecard_figures, thaw


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
    judgement: str  # "Better", "Similar"...: how ours compares; "" when it is not compared
    explanation: str = ""
    is_ours: bool = False


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
    rank_text: str  # "7th of 11", or "Not ranked: ..." saying why
    quartile_text: str  # "C", or "No quartile: ..." saying why
    chart: SafeString
    sparkline: SafeString
    unit_heading: str
    suppression_notes: list[str]
    has_counts: bool
    # Where the summary's link goes: this page's section, or the page of detail it is on.
    link: str = ""
    # The rank and quartile in a sentence (for paper and the Board pack): "Rank among statistical neighbours:
    # 7th of 11." or "Not ranked among statistical neighbours: ...".
    rank_sentence: str = ""
    # Why there is no published figure of ours for the comparators' year, when the figure held says why.
    ours_note: str = ""
    # Our local figure for the published year against the published figure, when beyond the indicator's tolerance:
    # a short line (the summary row, the spreadsheet) and the full warning (the indicator's section).
    divergence_short: str = ""
    divergence_warning: str = ""

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


def ours_compared(row: IndicatorData) -> ComparatorPoint | None:
    """Our published figure for the comparators' year: what they are judged against, ranked and banded."""
    if row.ours is not None:
        return row.ours
    # A report frozen before `ours` was kept: its published figure, when it is for the comparators' year.
    if row.published and row.comparator_period and row.published.period == row.comparator_period:
        return row.published
    return None


def _ours_text(point: ComparatorPoint, unit: str) -> tuple[str, str]:
    """Our published figure for a table cell, and the sentence that explains a missing one."""
    if point.value is not None:
        return point_text(point, unit), ""
    if point.symbol:
        return format_suppressed(point.symbol), suppression_explanation(point.symbol)
    return "No figure", point.note


def _comparisons(row: IndicatorData) -> tuple[str, list[ComparatorRow], list[ComparatorRow], str]:
    """The partnership's published figure and the comparators, each judged against our figure for the same
    year (DfE publishes a year at a time, so a month's figure is not set against a year's); and, when there is no
    figure of ours for that year, why."""
    ours_point = ours_compared(row)
    ours = ours_point.value if ours_point else None
    compared_with = (
        f"our published figure for {ours_point.period.financial_year_label} ({point_text(ours_point, row.unit)})"
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
    ours_note = ""
    shown = ours_point if ours_point is not None else row.published
    if shown is not None:
        text, explanation = _ours_text(shown, row.unit)
        if shown.value is None and shown is ours_point:
            ours_note = explanation
            latest = row.published
            if latest is not None and latest.value is not None and latest.period != shown.period:
                ours_note = (
                    f"{ours_note} Our latest published figure is {point_text(latest, row.unit)}, "
                    f"for {latest.period.financial_year_label}."
                ).strip()
        comparators.append(
            ComparatorRow(
                label="Ours (published)",
                period_label=shown.period.financial_year_label,
                value=shown.value,
                value_text=text,
                judgement="",
                explanation=explanation,
                is_ours=True,
            )
        )
    if row.comparator_period:
        comparators.append(judged("England", row.england))
        comparators.append(judged(row.region.area_name if row.region else "Region", row.region))
        comparators.append(judged("Neighbours' average", row.sn_average))
    neighbours = [judged(point.area_name, point) for point in row.neighbours]
    return compared_with, comparators, neighbours, ours_note


def _year(row: IndicatorData) -> str:
    return row.comparator_period.financial_year_label if row.comparator_period else ""


def _rank_and_quartile(row: IndicatorData) -> tuple[str, str]:
    if row.comparator_period is None:  # our published figure alone: nothing to rank or band it among
        return "", ""
    year = _year(row)
    rank = format_rank(row.sn_rank, row.sn_rank_reason, year=year)
    quartile = format_quartile(
        row.england_quartile,
        row.quartile_reason,
        year=year,
        known=row.quartile_known,
        authorities=row.quartile_authorities,
    )
    return rank, quartile


def _rank_sentence(row: IndicatorData) -> str:
    """The rank in a sentence of its own: "Rank among statistical neighbours: 7th of 11."."""
    if row.comparator_period is None:
        return ""
    if row.sn_rank is not None:
        return f"Rank among statistical neighbours: {format_rank(row.sn_rank)}."
    if row.sn_rank_reason:
        return f"Not ranked among statistical neighbours: {comparison_gap(row.sn_rank_reason, year=_year(row))}."
    return "Not ranked among statistical neighbours."


def _divergence(row: IndicatorData) -> tuple[str, str]:
    """Our local figure for our published figure's year against it: the short line and the warning, or ("", "")
    when they are within the indicator's tolerance (or cannot be set side by side)."""
    local, published = row.local_for_published, row.published
    if local is None or published is None or row.divergence_tolerance is None:
        return "", ""
    found = judgements.divergence(
        local.value,
        published.value,
        tolerance=row.divergence_tolerance,
        tolerance_kind=row.divergence_kind,
        unit=row.unit,
    )
    if found is None or not found.beyond:
        return "", ""
    return divergence_texts(
        found,
        year=published.period.financial_year_label,
        unit=row.unit,
        tolerance=row.divergence_tolerance,
        kind=row.divergence_kind,
    )


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
    compared_with, comparators, neighbours, ours_note = _comparisons(row)
    rank_text, quartile_text = _rank_and_quartile(row)
    divergence_short, divergence_warning = _divergence(row)
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
        rank_text=rank_text,
        quartile_text=quartile_text,
        chart=_chart(row, targets, anchor),
        sparkline=charts.sparkline(
            [point.value for point in row.recent], unit=row.unit, label=f"{row.code} over the past year"
        ),
        unit_heading=unit_heading(row.unit),
        suppression_notes=notes,
        has_counts=any(point.numerator is not None for point in row.recent),
        link=f"#{anchor}",
        rank_sentence=_rank_sentence(row),
        ours_note=ours_note,
        divergence_short=divergence_short,
        divergence_warning=divergence_warning,
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
    ...; rank among statistical neighbours 5th of 10; no quartile in England (figures for 2024-25 are held for only
    12 of England's 153 authorities)"."""
    year = _year(row)
    parts = []
    for comparator in comparators:
        text = f"{comparator.label} {comparator.value_text}"
        if comparator.period_label and comparator.period_label != year:
            text += f" in {comparator.period_label}"
        if comparator.judgement:
            text += f" (ours is {comparator.judgement.lower()})"
        parts.append(text)
    if row.comparator_period is None:  # our published figure alone: nothing to rank it among
        return "; ".join(parts)
    rank_reason, quartile_reason = row.sn_rank_reason, row.quartile_reason
    if row.sn_rank is None and row.england_quartile is None and rank_reason and rank_reason == quartile_reason:
        parts.append(f"no rank or quartile ({comparison_gap(rank_reason, year=year)})")
        return "; ".join(parts)
    if row.sn_rank is not None:
        parts.append(f"rank among statistical neighbours {format_rank(row.sn_rank)}")
    elif rank_reason:
        parts.append(f"not ranked among statistical neighbours ({comparison_gap(rank_reason, year=year)})")
    else:
        parts.append("not ranked among statistical neighbours")
    if row.england_quartile is not None:
        parts.append(f"quartile in England {format_quartile(row.england_quartile)}")
    elif quartile_reason:
        why = comparison_gap(quartile_reason, year=year, known=row.quartile_known, authorities=row.quartile_authorities)
        parts.append(f"no quartile in England ({why})")
    else:
        parts.append("no quartile in England")
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

    def render() -> str:
        context = paginate_details(scorecard_context(scorecard, period, filters), page_number=page_number, query=query)
        # The template's indentation is a fifth of a large scorecard's bytes; the body has no <pre> or <textarea>.
        return WHITESPACE.sub(" ", render_to_string("scorecards/_scorecard_body.html", context))

    identity = (scorecard.pk, scorecard.name, period.key, sorted(filters.items()), page_number, query)
    html = cached_while_unchanged("body", identity, render)
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
        "Among the partnership and those of its statistical neighbours with a figure for the year, best first: "
        "'7th of 11'. Equal figures share the better place. There is no rank when our own published figure for "
        "the year is missing or withheld, or no neighbour has a figure; the page says which.",
    ),
    (
        "Quartile in England",
        "A is the best quarter of English local authorities, D the worst, as in the Department for "
        "Education's Local Authority Interactive Tool. A quartile is given only when figures for at least nine "
        "in ten of England's authorities that year are held (a figure withheld for a small number counts as "
        "held); otherwise the page says how many are held, for example 'figures for only 22 of England's 153 "
        "authorities'.",
    ),
    (
        "Our local and published figures",
        "Our local figures for a year are worked out as a quarter is from months and set beside our published "
        "figure for the same year. Where they differ by more than the indicator's tolerance, the page warns: for "
        "that year, trust the published figure, which is the validated statutory return.",
    ),
    (
        "Figures that are not published",
        "Where a figure is withheld the table says why, for example 'Not published (small number)'. Withheld "
        "and missing figures are not judged.",
    ),
]


@dataclass
class HistoryRow:
    when: datetime.datetime
    who: str
    what: str


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

    by_year, published_series = published_by_year(indicator)
    comparator_settings = ComparatorSettings.objects.select_related("region").first()
    # The local figures for each published year, worked out as the scorecard works out a quarter from months.
    local_by_key = {
        value.period_key: ValuePoint(value.period, value.value, value.numerator, value.denominator, value.source)
        for value in values
    }
    published_rows = []
    divergences = []
    for key in sorted(by_year, key=lambda k: Period.parse(k), reverse=True):
        found = by_year[key]
        year = Period.parse(key)
        local = scorecard_selectors.local_for_year(indicator, year, local_by_key)
        published = found.get("published")
        difference = ""
        beyond = False
        gap = judgements.divergence(
            local.value if local else None,
            published.value if published else None,
            tolerance=indicator.divergence_tolerance,
            tolerance_kind=indicator.divergence_kind,
            unit=indicator.unit,
        )
        if gap is not None:
            change = gap.difference
            difference = (
                "The same" if change == 0 else f"{'+' if change > 0 else '−'}{value_text(abs(change), indicator.unit)}"
            )
            if gap.beyond:
                beyond = True
                difference += " (more than the tolerance)"
                _, warning = divergence_texts(
                    gap,
                    year=year.financial_year_label,
                    unit=indicator.unit,
                    tolerance=indicator.divergence_tolerance,
                    kind=indicator.divergence_kind,
                )
                divergences.append({"period": year, "warning": warning})
        published_rows.append(
            {
                "period": year,
                "local_text": value_text(local.value if local else None, indicator.unit),
                "published_text": point_text(published, indicator.unit),
                "difference": difference,
                "beyond": beyond,
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
        "divergence_text": (
            "Warn when our local figure for a year is more than "
            f"{divergence_tolerance_text(indicator.divergence_tolerance, indicator.divergence_kind, indicator.unit)} "
            "from our published figure for it"
        ),
        "divergences": divergences,
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
