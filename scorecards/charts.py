"""Trend charts drawn on the server as SVG, so the page and the PDF show the same chart.

The charts follow UX.md: a title and a description that screen readers announce, text as text (so a
screen reader, a search and `pdftotext` can read it), the target and each comparator named at the end of
its line rather than told apart by colour alone (each also has its own dash pattern), and a gap where a
figure is missing or withheld rather than a line drawn through it. The page puts the data table behind
every chart beside it.

The Content-Security-Policy forbids inline styles and scripts, so the SVG uses presentation attributes
(`fill`, `stroke`, `stroke-dasharray`) and nothing else. It is sized by its `viewBox`, so it scales to the
width of its column on screen and on paper.

Nothing here touches the database: callers pass plain values (numbers, None, `Suppressed`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape, quoteattr  # nosec B406 - escapes what we write; parses nothing

from django.utils.safestring import SafeString, mark_safe

from scorecards.formatting import format_number, format_value
from scorecards.judgements import COUNT, DAYS, PERCENT, RATE_PER_10000, RATIO, Suppressed, Value, to_decimal

# Geometry, in viewBox units. The right margin holds the lines' names.
WIDTH = 640
HEIGHT = 300
MARGIN_LEFT = 60
MARGIN_RIGHT = 210
MARGIN_TOP = 34
MARGIN_BOTTOM = 44
FONT_SIZE = 13
LABEL_GAP = FONT_SIZE + 3
# Text sits on its baseline; this lowers it so a label is centred on the line it names. (A `dy` or
# `dominant-baseline` would do the same, but not every SVG renderer honours them.)
BASELINE_SHIFT = FONT_SIZE * 0.35

# The value axis's heading: the unit in words.
AXIS_TITLES = {
    PERCENT: "Percentage",
    RATE_PER_10000: "Rate per 10,000 children",
    COUNT: "Number",
    DAYS: "Days",
    RATIO: "Ratio",
}

# GOV.UK colours with at least 3:1 contrast against white (WCAG 1.4.11, non-text contrast).
TEXT = "#0b0c0c"
SECONDARY_TEXT = "#505a5f"
GRID = "#b1b4b6"
SERIES_COLOUR = "#1d70b8"
TARGET_COLOUR = "#0b0c0c"
TARGET_DASH = "9 5"
COMPARATOR_STYLES = (
    ("#505a5f", "2 4"),
    ("#4c2c92", "12 4 3 4"),
    ("#00703c", "6 3"),
    ("#912b88", "1 3 6 3"),
    ("#6f4e00", "14 3 3 3 3 3"),
)

MAX_X_LABELS = 4
POINT_RADIUS = 4


@dataclass(frozen=True)
class Line:
    """A reference line: the target, or a comparator such as England.

    `values` is one value for a level line, or one per point of the series (a target that changes each
    financial year, England's annual figure repeated across the months of its year). Missing values leave
    a gap.
    """

    label: str
    values: Value | Sequence[Value]

    def aligned(self, count: int) -> list[Decimal | None]:
        if isinstance(self.values, Sequence) and not isinstance(self.values, str):
            values = list(self.values)
            if len(values) != count:
                raise ValueError(f"The line {self.label!r} has {len(values)} values for {count} points.")
            return [_number(value) for value in values]
        return [_number(self.values)] * count


def _number(value: Value) -> Decimal | None:
    if isinstance(value, Suppressed):
        return None
    return to_decimal(value)


def _text(value: str) -> str:
    return escape(value)


def _attr(value: object) -> str:
    return quoteattr(str(value))


def _fmt(number: float) -> str:
    """A coordinate, short enough to keep the SVG small."""
    text = f"{number:.1f}"
    return text[:-2] if text.endswith(".0") else text


# Axis ticks ------------------------------------------------------------------------------------------------


def _nice_step(raw: float) -> Decimal:
    """The nearest 1, 2, 2.5 or 5 × 10^n at or above `raw`, as a Decimal so tick labels are exact."""
    exponent = math.floor(math.log10(raw))
    fraction = raw / 10**exponent
    for nice in (1, 2, 2.5, 5, 10):
        if fraction <= nice + 1e-9:
            return Decimal(str(nice)).scaleb(exponent).normalize()
    return Decimal(10).scaleb(exponent)  # pragma: no cover - the loop always returns


def axis_ticks(low: Decimal, high: Decimal, *, unit: str, count: int = 5) -> list[Decimal]:
    """Round-numbered ticks that cover `low` to `high`: about `count` of them, starting at zero where that
    does not squash the line (a chart that starts at zero does not exaggerate a small change)."""
    low, high = Decimal(low), Decimal(high)
    if 0 <= low <= high / 2:
        low = Decimal(0)
    if high == low:
        pad = abs(high) / 10 or Decimal(1)
        low = max(Decimal(0), low - pad) if low >= 0 else low - pad
        high = high + pad
    step = _nice_step(float(high - low) / (count - 1))
    if unit in (COUNT, DAYS) and step < 1:
        step = Decimal(1)
    first = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    last = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    if unit == PERCENT and last > 100 >= high:
        last = Decimal(100)
    ticks = []
    tick = first
    while tick <= last + step / 1000:
        ticks.append(tick + 0)
        tick += step
    return ticks


def tick_label(value: Decimal, *, unit: str, step: Decimal) -> str:
    """An axis tick in the unit's words, short: "20%", "1,200", "0.85"."""
    places = max(0, -step.normalize().as_tuple().exponent)
    text = format_number(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), places)
    return f"{text}%" if unit == PERCENT else text


# Placing the lines' names ------------------------------------------------------------------------------------


def spread_labels(positions: list[float], *, gap: float, top: float, bottom: float) -> list[float]:
    """Move label positions (y, in order given) apart by at least `gap`, keeping them within top..bottom and
    as near their lines as possible. Returns the new positions in the same order."""
    if not positions:
        return []
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [positions[i] for i in order]
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    overflow = placed[-1] - bottom
    if overflow > 0:
        placed[-1] = bottom
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - gap)
    for i in range(len(placed)):
        if placed[i] < top:
            placed[i] = top + i * gap if i == 0 else max(top, placed[i - 1] + gap)
    result = [0.0] * len(positions)
    for rank, index in enumerate(order):
        result[index] = placed[rank]
    return result


# The chart -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Drawn:
    label: str
    values: list[Decimal | None]
    colour: str
    dash: str | None
    stepped: bool


def _chart_id(*parts: object) -> str:
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:10]
    return f"chart-{digest}"


def trend_chart(
    series: Sequence[tuple[str, Value]],
    *,
    target_line: Line | None = None,
    comparator_lines: Sequence[Line] = (),
    unit: str,
    title: str,
    description: str,
    series_label: str = "Our figure",
    chart_id: str | None = None,
) -> SafeString:
    """An SVG line chart of `series` (pairs of period label and value) with its target and comparators.

    The series is drawn point to point with a marker at each figure; the target and comparators as
    stepped, dashed lines (a figure holds for its whole period). Every line is named at its right-hand end
    with its latest figure. Missing and withheld figures leave gaps, and the description says which
    periods have none.
    """
    if unit not in AXIS_TITLES:
        raise ValueError(f"Unknown unit {unit!r}.")
    labels = [str(label) for label, _ in series]
    count = len(labels)
    ours = [_number(value) for _, value in series]
    lines = [_Drawn(series_label, ours, SERIES_COLOUR, None, stepped=False)]
    if target_line is not None:
        lines.append(_Drawn(target_line.label, target_line.aligned(count), TARGET_COLOUR, TARGET_DASH, stepped=True))
    for index, comparator in enumerate(comparator_lines):
        colour, dash = COMPARATOR_STYLES[index % len(COMPARATOR_STYLES)]
        lines.append(_Drawn(comparator.label, comparator.aligned(count), colour, dash, stepped=True))

    chart_id = chart_id or _chart_id(labels, [line.values for line in lines], title)
    gaps = [label for label, (_, value) in zip(labels, series, strict=True) if _number(value) is None]
    full_description = description.strip()
    if count and len(gaps) == count:
        full_description += " There are no figures to draw."
    elif gaps:
        full_description += f" No figure for {_list_words(gaps)}."

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" focusable="false" class="app-chart" id={_attr(chart_id)} '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        f'font-family="Arial, Liberation Sans, sans-serif" font-size="{FONT_SIZE}">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(full_description)}</desc>',
    ]

    present = [value for line in lines for value in line.values if value is not None]
    plot_left, plot_right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    plot_top, plot_bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
    out.append(
        f'<text x="{MARGIN_LEFT}" y="{MARGIN_TOP - 16}" fill="{SECONDARY_TEXT}" class="app-chart__unit">'
        f"{_text(AXIS_TITLES[unit])}</text>"
    )
    if not count or not present:
        out.append(
            f'<text x="{_fmt((plot_left + plot_right) / 2)}" y="{_fmt((plot_top + plot_bottom) / 2)}" '
            f'text-anchor="middle" fill="{TEXT}">No figures to show</text>'
        )
        out.append("</svg>")
        return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703 - every piece of text above is escaped

    ticks = axis_ticks(min(present), max(present), unit=unit, count=4)
    low, high = float(ticks[0]), float(ticks[-1])
    step = ticks[1] - ticks[0] if len(ticks) > 1 else Decimal(1)
    spread = high - low or 1.0

    def y_of(value: Decimal) -> float:
        return plot_bottom - (float(value) - low) / spread * (plot_bottom - plot_top)

    band = (plot_right - plot_left) / count

    def x_of(index: int) -> float:
        return plot_left + band * (index + 0.5)

    # Few elements, each carrying its own presentation attributes: a scorecard PDF draws 150 of these charts, and
    # WeasyPrint's time grows with every element and every piece of text.
    # Grid lines in one path, their values as text.
    grid = " ".join(f"M{plot_left} {_fmt(y_of(tick))}H{plot_right}" for tick in ticks)
    out.append(f'<path class="app-chart__grid" d="{grid}" stroke="{GRID}" stroke-width="1" fill="none"/>')
    out.append(f'<g class="app-chart__y-axis" text-anchor="end" fill="{TEXT}">')
    for tick in ticks:
        out.append(
            f'<text x="{plot_left - 8}" y="{_fmt(y_of(tick) + BASELINE_SHIFT)}">'
            f"{_text(tick_label(tick, unit=unit, step=step))}</text>"
        )
    out.append("</g>")

    # The period axis, with a tick per period: every label when they fit, otherwise every nth, always the last.
    every = max(1, math.ceil(count / MAX_X_LABELS))
    axis = f"M{plot_left} {plot_bottom}H{plot_right}" + "".join(
        f"M{_fmt(x_of(index))} {plot_bottom}v5" for index in range(count)
    )
    out.append(f'<path class="app-chart__x-axis" d="{axis}" stroke="{TEXT}" stroke-width="1" fill="none"/>')
    out.append(f'<g class="app-chart__periods" text-anchor="middle" fill="{TEXT}">')
    for index, label in enumerate(labels):
        if (count - 1 - index) % every == 0:
            out.append(f'<text x="{_fmt(x_of(index))}" y="{plot_bottom + 20}">{_text(label)}</text>')
    out.append("</g>")

    # Lines: reference lines first, so the partnership's own figures are drawn on top, with a dot at each figure.
    ends: list[tuple[_Drawn, Decimal, float]] = []
    for line in [*lines[1:], lines[0]]:
        path = _stepped_path(line.values, x_of, y_of, band) if line.stepped else _point_path(line.values, x_of, y_of)
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        width = 3 if not line.stepped else 2
        css_class = "app-chart__series" if line is lines[0] else "app-chart__reference"
        if path:
            out.append(
                f'<path class="{css_class}" d="{path}" fill="none" stroke="{line.colour}" '
                f'stroke-width="{width}"{dash} data-label={_attr(line.label)}/>'
            )
        last = next((value for value in reversed(line.values) if value is not None), None)
        if last is not None:
            ends.append((line, last, y_of(last)))
    points = [(index, value) for index, value in enumerate(ours) if value is not None]
    dots = "".join(
        f"M{_fmt(x_of(index) - POINT_RADIUS)} {_fmt(y_of(value))}"
        f"a{POINT_RADIUS} {POINT_RADIUS} 0 1 0 {POINT_RADIUS * 2} 0a{POINT_RADIUS} {POINT_RADIUS} 0 1 0 "
        f"-{POINT_RADIUS * 2} 0"
        for index, value in points
    )
    shown = " ".join(f"{labels[index]}: {format_value(value, unit)}" for index, value in points)
    out.append(f'<path class="app-chart__points" d="{dots}" fill="{SERIES_COLOUR}" data-points={_attr(shown)}/>')

    # Each line's name at its end, moved apart where lines end close together, with a short leader to its line.
    placed = spread_labels([y for _, _, y in ends], gap=LABEL_GAP, top=plot_top, bottom=plot_bottom + 10)
    leaders = "".join(
        f"M{plot_right + 2} {_fmt(y)}L{plot_right + 10} {_fmt(label_y)}"
        for (_, _, y), label_y in zip(ends, placed, strict=True)
    )
    out.append(f'<path class="app-chart__leaders" d="{leaders}" stroke="{SECONDARY_TEXT}" stroke-width="1"/>')
    out.append(f'<g class="app-chart__labels" fill="{TEXT}">')
    for (line, last, _), label_y in zip(ends, placed, strict=True):
        weight = ' font-weight="bold"' if line is lines[0] else ""
        out.append(
            f'<text x="{plot_right + 14}" y="{_fmt(label_y + BASELINE_SHIFT)}"{weight}>'
            f"{_text(line.label)}: {_text(_short_value(last, unit))}</text>"
        )
    out.append("</g>")
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703 - every piece of text above is escaped


def _short_value(value: Decimal, unit: str) -> str:
    # The unit is in the chart's heading; "per 10,000 children" after every label would not fit.
    text = format_value(value, unit)
    return text.replace(" per 10,000 children", "")


def _list_words(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _point_path(values: list[Decimal | None], x_of, y_of) -> str:
    parts: list[str] = []
    drawing = False
    for index, value in enumerate(values):
        if value is None:
            drawing = False
            continue
        parts.append(f"{'L' if drawing else 'M'}{_fmt(x_of(index))} {_fmt(y_of(value))}")
        drawing = True
    return " ".join(parts)


def _stepped_path(values: list[Decimal | None], x_of, y_of, band: float) -> str:
    parts: list[str] = []
    drawing = False
    previous_y = ""
    for index, value in enumerate(values):
        if value is None:
            drawing = False
            continue
        y = _fmt(y_of(value))
        left, right = _fmt(x_of(index) - band / 2), _fmt(x_of(index) + band / 2)
        if drawing and y == previous_y:
            # The same figure as the period before: extend the level line rather than start a new step.
            parts[-1] = parts[-1].rsplit(" L", 1)[0] + f" L{right} {y}"
        else:
            parts.append(f"{'L' if drawing else 'M'}{left} {y} L{right} {y}")
        drawing, previous_y = True, y
    return " ".join(parts)


# Sparklines ----------------------------------------------------------------------------------------------------

SPARK_WIDTH = 120
SPARK_HEIGHT = 28


def sparkline(values: Sequence[Value], *, unit: str, label: str) -> SafeString:
    """A small line for a table row: the shape of the trend, named for screen readers by `label`.

    The row's own cells carry the figures; the title says the first and latest figures shown.
    """
    numbers = [_number(value) for value in values]
    present = [(index, value) for index, value in enumerate(numbers) if value is not None]
    if present:
        first, last = present[0][1], present[-1][1]
        summary = f"{label}: from {format_value(first, unit)} to {format_value(last, unit)}"
        if len(present) < len(numbers):
            missing = len(numbers) - len(present)
            summary += f" ({missing} period{'s' if missing != 1 else ''} with no figure)"
    else:
        summary = f"{label}: no figures"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" '
        f'width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" role="img" focusable="false" class="app-sparkline">',
        f"<title>{_text(summary)}</title>",
    ]
    if present:
        low = min(value for _, value in present)
        high = max(value for _, value in present)
        spread = float(high - low) or 1.0
        pad = 4
        step = (SPARK_WIDTH - 2 * pad) / max(1, len(numbers) - 1)

        def x_of(index: int) -> float:
            return pad + step * index if len(numbers) > 1 else SPARK_WIDTH / 2

        def y_of(value: Decimal) -> float:
            if high == low:
                return SPARK_HEIGHT / 2
            return SPARK_HEIGHT - pad - (float(value) - float(low)) / spread * (SPARK_HEIGHT - 2 * pad)

        path = _point_path(numbers, x_of, y_of)
        out.append(f'<path d="{path}" fill="none" stroke="{SERIES_COLOUR}" stroke-width="2"/>')
        index, value = present[-1]
        out.append(f'<circle cx="{_fmt(x_of(index))}" cy="{_fmt(y_of(value))}" r="3" fill="{SERIES_COLOUR}"/>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703 - the only text is escaped
