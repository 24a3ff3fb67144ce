"""The judgements a scorecard makes for its reader: pure calculations, no database.

Numbers are `Decimal`. Every function accepts `int`, `float` or `Decimal` (a float goes through its shortest
text form, so 0.1 is exactly 0.1) and gives back `Decimal`, so that 22.4 never turns into 22.399999.

Missing values: `None` means no value was given. `Suppressed(symbol)` means a published figure was withheld
(DfE's "c", "x", "z"... or our own "<5"); it keeps the symbol so the page can say why. Every judgement treats
a suppressed value exactly as a missing one: no RAG, no direction, no comparison, no rank, and it is left
out of the figures a rank or quartile is worked out from. (Only when deciding whether the figures held cover
England for a quartile does a withheld authority count as known: its figure exists.)

Rounding: pass `unit=` and the values are first rounded to the precision the page shows them at
(`DISPLAY_PLACES`, half away from zero), so the judgement agrees with the figures the reader sees: 22.46%
against a target of 22.5% shows as "22.5%" and is judged on target, and two neighbours both shown as 22.4%
share a rank. Without `unit` the values are compared as given.

Polarity says whether a higher value is better ("higher"), a lower one ("lower"), or neither ("none", for
contextual measures such as the number of referrals). Each rule is written out in plain English in
docs/scorecard-judgements.md, which is what the scorecard page says.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from cscp.numbers import FigureError, parse_figure

Number = int | float | Decimal

HIGHER = "higher"
LOWER = "lower"
NONE = "none"
POLARITIES = (HIGHER, LOWER, NONE)

PERCENT = "percent"
RATE_PER_10000 = "rate_per_10000"
COUNT = "count"
DAYS = "days"
RATIO = "ratio"
UNITS = (PERCENT, RATE_PER_10000, COUNT, DAYS, RATIO)

# Decimal places each unit is shown with on the page (see docs/scorecard-judgements.md and UX.md).
DISPLAY_PLACES = {PERCENT: 1, RATE_PER_10000: 1, COUNT: 0, DAYS: 0, RATIO: 2}

GREEN = "green"
AMBER = "amber"
RED = "red"

ABSOLUTE = "absolute"
RELATIVE = "relative"
TOLERANCE_KINDS = (ABSOLUTE, RELATIVE)

IMPROVING = "improving"
WORSENING = "worsening"
NO_CHANGE = "no_change"
UP = "up"
DOWN = "down"
NOT_COMPARABLE = "not_comparable"

BETTER = "better"
SIMILAR = "similar"
WORSE = "worse"
HIGHER_THAN = "higher"
LOWER_THAN = "lower"

_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Suppressed:
    """A published value withheld by its publisher; `symbol` is what stood in its place ("c", "x", "<5"...)."""

    symbol: str

    def __post_init__(self) -> None:
        if not isinstance(self.symbol, str):
            raise TypeError(f"A suppression symbol is text, got {self.symbol!r}.")

    def __str__(self) -> str:
        return self.symbol


Value = Number | Suppressed | None


def is_missing(value: object) -> bool:
    """Whether there is no usable value: nothing given, or a suppressed one."""
    return value is None or isinstance(value, Suppressed)


def to_decimal(value: Value) -> Decimal | None:
    """The value as a `Decimal`, or None when it is missing or suppressed."""
    if is_missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"Expected a number, None or Suppressed, got {value!r}.")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"Expected a finite number, got {value!r}.")
        return Decimal(repr(value))
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"Expected a finite number, got {value!r}.")
    return result


def round_for_display(value: Value, unit: str) -> Decimal | None:
    """The value rounded as the page shows it in `unit` (half away from zero: 22.45 → 22.5)."""
    _check_unit(unit)
    number = to_decimal(value)
    if number is None:
        return None
    rounded = number.quantize(Decimal(1).scaleb(-DISPLAY_PLACES[unit]), rounding=ROUND_HALF_UP)
    return rounded + 0  # turns -0.0 into 0.0


def _check_polarity(polarity: str) -> None:
    if polarity not in POLARITIES:
        raise ValueError(f"Unknown polarity {polarity!r}: use one of {', '.join(POLARITIES)}.")


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"Unknown unit {unit!r}: use one of {', '.join(UNITS)}.")


def _non_negative(name: str, value: Number | None) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, Suppressed):
        raise TypeError(f"The {name} is a setting of ours and cannot be suppressed.")
    number = to_decimal(value)
    if number is None or number < 0:
        raise ValueError(f"The {name} cannot be negative, got {value}.")
    return number


def _prepare(value: Value, unit: str | None) -> Decimal | None:
    if unit is None:
        return to_decimal(value)
    return round_for_display(value, unit)


def _better_or_worse(difference: Decimal, polarity: str) -> int:
    """+1 when a change of `difference` is better, -1 when worse, 0 when neither."""
    if difference == 0:
        return 0
    sign = 1 if difference > 0 else -1
    return sign if polarity == HIGHER else -sign


def polarity_from_lait(text: str | None) -> str:
    """DfE LAIT's polarity column ("High", "Low", "-") in our words ("higher", "lower", "none")."""
    cleaned = (text or "").strip().lower()
    if cleaned == "high":
        return HIGHER
    if cleaned == "low":
        return LOWER
    if cleaned in {"", "-", "na", "none"}:
        return NONE
    raise ValueError(f"Unknown LAIT polarity {text!r}: expected High, Low or -.")


def polarity_text(polarity: str) -> str:
    """What "better" means for the indicator, stated once near its judgements."""
    _check_polarity(polarity)
    return {
        HIGHER: "Higher is better.",
        LOWER: "Lower is better.",
        NONE: "Neither higher nor lower is better in itself.",
    }[polarity]


# RAG ---------------------------------------------------------------------------------------------------


def rag(
    value: Value,
    target: Value,
    *,
    polarity: str,
    tolerance: Number | None = 0,
    tolerance_kind: str = ABSOLUTE,
    milestone: Value = None,
    unit: str | None = None,
) -> str | None:
    """Green, amber or red against the target, or None when the indicator cannot be rated.

    The milestone, when the period has one, is the target for that period and wins over the year's target.
    Green: the value is at or better than it. Amber: worse, but by no more than the tolerance. Red: worse by
    more than the tolerance. The tolerance is in the indicator's unit ("absolute", the default) or a
    percentage of the target ("relative": 10 means within 10% of the target). None: no value, no target or
    milestone, or polarity "none".
    """
    _check_polarity(polarity)
    if tolerance_kind not in TOLERANCE_KINDS:
        raise ValueError(f"Unknown tolerance kind {tolerance_kind!r}: use one of {', '.join(TOLERANCE_KINDS)}.")
    allowed = _non_negative("tolerance", tolerance)
    number = _prepare(value, unit)
    goal = _prepare(milestone, unit) if not is_missing(milestone) else _prepare(target, unit)
    if polarity == NONE or number is None or goal is None:
        return None
    if tolerance_kind == RELATIVE:
        allowed = abs(goal) * allowed / _HUNDRED
    shortfall = goal - number if polarity == HIGHER else number - goal
    if shortfall <= 0:
        return GREEN
    if shortfall <= allowed:
        return AMBER
    return RED


def rag_label(status: str | None) -> str:
    """The RAG status in words, so it never relies on colour alone."""
    labels = {GREEN: "Green: on target", AMBER: "Amber: within tolerance", RED: "Red: off target", None: "Not rated"}
    if status not in labels:
        raise ValueError(f"Unknown RAG status {status!r}.")
    return labels[status]


# Direction of travel ----------------------------------------------------------------------------------


def direction(
    current: Value,
    previous: Value,
    *,
    polarity: str,
    threshold: Number | None = 0,
    unit: str | None = None,
) -> str:
    """How the value moved since an earlier period (the previous one, or the same one last year).

    "improving" or "worsening" when the indicator has a polarity; "up" or "down" when it has none, since
    the direction is still worth showing without a judgement. "no_change" when the change is no bigger than
    `threshold` (in the indicator's unit; 0 means only an identical value is no change). "not_comparable"
    when either value is missing or suppressed.
    """
    _check_polarity(polarity)
    margin = _non_negative("threshold", threshold)
    now, before = _prepare(current, unit), _prepare(previous, unit)
    if now is None or before is None:
        return NOT_COMPARABLE
    change = now - before
    if abs(change) <= margin:
        return NO_CHANGE
    if polarity == NONE:
        return UP if change > 0 else DOWN
    return IMPROVING if _better_or_worse(change, polarity) > 0 else WORSENING


_UP_ARROW = "↑"
_DOWN_ARROW = "↓"


def direction_label(movement: str, *, polarity: str) -> str:
    """The direction in words with an arrow: the word is the judgement, the arrow the way the value went.

    For a lower-is-better indicator a falling value is "Improving ↓" and a rising one "Worse ↑".
    """
    _check_polarity(polarity)
    if movement == NO_CHANGE:
        return "No change"
    if movement == NOT_COMPARABLE:
        return "Not comparable"
    if movement == UP:
        return f"Up {_UP_ARROW}"
    if movement == DOWN:
        return f"Down {_DOWN_ARROW}"
    if movement in (IMPROVING, WORSENING):
        if polarity == NONE:
            raise ValueError(f"An indicator with no polarity cannot be {movement}.")
        went_up = (movement == IMPROVING) == (polarity == HIGHER)
        arrow = _UP_ARROW if went_up else _DOWN_ARROW
        return f"{'Improving' if movement == IMPROVING else 'Worse'} {arrow}"
    raise ValueError(f"Unknown direction {movement!r}.")


# Comparison with England, the region and statistical neighbours ----------------------------------------


def compare(
    value: Value,
    comparator: Value,
    *,
    polarity: str,
    similar_band: Number | None = 0,
    unit: str | None = None,
) -> str | None:
    """The value against a comparator: "better", "similar" or "worse"; None when either is missing.

    "similar" when the two are no further apart than `similar_band` (in the indicator's unit, inclusive).
    With polarity "none" there is no better or worse, so the answer is "higher", "similar" or "lower".
    """
    _check_polarity(polarity)
    band = _non_negative("similar band", similar_band)
    ours, theirs = _prepare(value, unit), _prepare(comparator, unit)
    if ours is None or theirs is None:
        return None
    difference = ours - theirs
    if abs(difference) <= band:
        return SIMILAR
    if polarity == NONE:
        return HIGHER_THAN if difference > 0 else LOWER_THAN
    return BETTER if _better_or_worse(difference, polarity) > 0 else WORSE


def _group_thousands(number: Decimal) -> str:
    return f"{number:,f}"


def _band_text(band: Decimal, unit: str) -> str:
    # Shown at the unit's precision, or finer if the band itself is finer (a band of 0.25 stays 0.25).
    places = max(DISPLAY_PLACES[unit], -band.normalize().as_tuple().exponent)
    amount = _group_thousands(band.quantize(Decimal(1).scaleb(-places)))
    one = band == 1
    if unit == PERCENT:
        return f"{amount} percentage point{'' if one else 's'}"
    if unit == RATE_PER_10000:
        return f"{amount} per 10,000 children"
    if unit == DAYS:
        return f"{amount} day{'' if one else 's'}"
    return amount


def comparison_rule_text(polarity: str, similar_band: Number | None, unit: str) -> str:
    """The rule for better, similar and worse, as written on the page beside the comparators.

    >>> comparison_rule_text("higher", 1, "percent")
    'Better means higher. Within 1.0 percentage point of the comparator counts as similar.'
    """
    _check_polarity(polarity)
    _check_unit(unit)
    band = _non_negative("similar band", similar_band)
    first = {
        HIGHER: "Better means higher.",
        LOWER: "Better means lower.",
        NONE: "Higher or lower is neither better nor worse for this indicator.",
    }[polarity]
    if band == 0:
        second = "Only the same figure as the comparator counts as similar."
    else:
        second = f"Within {_band_text(band, unit)} of the comparator counts as similar."
    return f"{first} {second}"


# Rank and quartile ------------------------------------------------------------------------------------

# Why there is no rank or quartile, for the page to say (scorecards.formatting words them).
NO_POLARITY = "no_polarity"  # neither higher nor lower is better: there is no best
NO_OWN_FIGURE = "no_own_figure"  # we have no published figure for the year
OWN_FIGURE_WITHHELD = "own_figure_withheld"  # ours is published as a symbol (small number, not available...)
NO_NEIGHBOURS = "no_neighbours"  # no statistical neighbours are set up
NO_NEIGHBOUR_FIGURES = "no_neighbour_figures"  # none of the neighbours has a figure for the year
TOO_FEW_AUTHORITIES = "too_few_authorities"  # the figures held do not cover (nearly) all of England


class Rank(NamedTuple):
    position: int
    out_of: int


def _present(values: Iterable[Value], unit: str | None) -> list[Decimal]:
    prepared = (_prepare(value, unit) for value in values)
    return [number for number in prepared if number is not None]


def _own_figure_reason(value: Value, polarity: str) -> str:
    if polarity == NONE:
        return NO_POLARITY
    if isinstance(value, Suppressed):
        return OWN_FIGURE_WITHHELD
    if value is None:
        return NO_OWN_FIGURE
    return ""


def rank_reason(value: Value, others: Iterable[Value], *, polarity: str) -> str:
    """Why `rank` gives no rank ("" when it gives one): one of the reasons above, the first that applies."""
    _check_polarity(polarity)
    reason = _own_figure_reason(value, polarity)
    if reason:
        return reason
    others = list(others)
    if not others:
        return NO_NEIGHBOURS
    if not _present(others, None):
        return NO_NEIGHBOUR_FIGURES
    return ""


def rank(value: Value, others: Iterable[Value], *, polarity: str, unit: str | None = None) -> Rank | None:
    """The value's position among `others` (its statistical neighbours, not including itself), 1 = best.

    Out of our authority plus the neighbours with a figure: "7th of 11". Authorities with the same value share
    the better position ("1st, 2nd, 2nd, 4th"). Missing or suppressed values are left out of the count. None
    (and `rank_reason` says why) when the value itself is missing or withheld, no neighbour has a figure, or the
    indicator has no polarity (there is no best).
    """
    _check_polarity(polarity)
    ours = _prepare(value, unit)
    theirs = _present(others, unit)
    if ours is None or polarity == NONE or not theirs:
        return None
    ahead = sum(1 for number in theirs if _better_or_worse(number - ours, polarity) > 0)
    return Rank(position=ahead + 1, out_of=len(theirs) + 1)


MIN_VALUES_FOR_QUARTILES = 4
# A quartile in England needs figures for at least this share of England's authorities that year, counting an
# authority whose figure is withheld ("c") as known: its figure exists, and leaving it out of the bands is what DfE
# and LAIT do too. Nine in ten leaves room for a few authorities missing from a file (a late return) while refusing
# an extract of a region or of one authority's neighbours, which says nothing about England.
QUARTILE_COVERAGE = Decimal("0.9")


def _quantile(ordered: list[Decimal], fraction: Decimal) -> Decimal:
    # Linear interpolation between closest ranks: R's default quantile (type 7), which DfE's LAIT uses.
    position = (len(ordered) - 1) * fraction
    below = int(position)
    if below + 1 >= len(ordered):
        return ordered[-1]
    return ordered[below] + (position - below) * (ordered[below + 1] - ordered[below])


def quartile_thresholds(all_values: Iterable[Value], *, unit: str | None = None) -> tuple[Decimal, ...] | None:
    """The 25th, 50th and 75th percentiles of the values (LAIT's band edges); None with fewer than four."""
    ordered = sorted(_present(all_values, unit))
    if len(ordered) < MIN_VALUES_FOR_QUARTILES:
        return None
    return tuple(_quantile(ordered, Decimal(quarter) / 4) for quarter in (1, 2, 3))


def known_authorities(all_values: Iterable[Value]) -> int:
    """How many authorities' figures are known: a number, or a figure withheld (`Suppressed`); None is unknown."""
    return sum(1 for value in all_values if value is not None)


def covers_england(known: int, authorities: int) -> bool:
    """Whether figures for `known` of England's `authorities` are enough for a quartile (QUARTILE_COVERAGE)."""
    if authorities <= 0:
        return False
    return Decimal(known) >= QUARTILE_COVERAGE * authorities and known >= MIN_VALUES_FOR_QUARTILES


def quartile_reason(value: Value, all_values: Iterable[Value], *, polarity: str, authorities: int) -> str:
    """Why `quartile` gives no quartile ("" when it gives one): the first of the reasons above that applies."""
    _check_polarity(polarity)
    reason = _own_figure_reason(value, polarity)
    if reason:
        return reason
    values = list(all_values)
    if not covers_england(known_authorities(values), authorities) or quartile_thresholds(values) is None:
        return TOO_FEW_AUTHORITIES
    return ""


def quartile(
    value: Value, all_values: Iterable[Value], *, polarity: str, authorities: int, unit: str | None = None
) -> int | None:
    """The value's quartile in England, 1 (best quarter, LAIT's "A") to 4 (worst, "D").

    `all_values` holds the figure of every local authority the data has for the period: a number, a
    `Suppressed` figure (withheld, but known to exist) or None (not known). `authorities` is how many local
    authorities England had that year (scorecards.dfe.authorities). There is a quartile only when the known
    figures cover at least `QUARTILE_COVERAGE` of them: bands worked out from some authorities are not England's.

    This follows DfE's Local Authority Interactive Tool so the band agrees with LAIT: the band edges are the 25th,
    50th and 75th percentiles of the values (linear interpolation, R's default), each band includes its upper
    edge, and the lowest values are band 1 when lower is better and band 4 when higher is better. None (and
    `quartile_reason` says why) when the value is missing or withheld, the indicator has no polarity, or the
    figures do not cover England.
    """
    _check_polarity(polarity)
    values = list(all_values)
    if quartile_reason(value, values, polarity=polarity, authorities=authorities):
        return None
    ours = _prepare(value, unit)
    edges = quartile_thresholds(values, unit=unit)
    if ours is None or edges is None:
        return None
    from_lowest = 1 + sum(1 for edge in edges if ours > edge)
    return from_lowest if polarity == LOWER else 5 - from_lowest


# Our local figure against our published one ------------------------------------------------------------


@dataclass(frozen=True)
class Divergence:
    """Our local figure for a year against our published figure for the same measure and year.

    `difference` is local − published at the precision shown; `percent` is its size as a percentage of the
    published figure (None when the published figure is 0); `beyond` says whether it is more than the tolerance.
    """

    local: Decimal
    published: Decimal
    difference: Decimal
    percent: Decimal | None
    beyond: bool


def divergence(
    local: Value,
    published: Value,
    *,
    tolerance: Number | None,
    tolerance_kind: str = RELATIVE,
    unit: str | None = None,
) -> Divergence | None:
    """How far our local figure for a period is from our published figure for it; None when either is missing.

    The tolerance is in the indicator's unit ("absolute": percentage points for a percentage) or a percentage of
    the published figure ("relative": 10 means within 10% of it). Only a difference of *more* than the tolerance
    is beyond it. With no tolerance (None) nothing is beyond it.
    """
    if tolerance_kind not in TOLERANCE_KINDS:
        raise ValueError(f"Unknown tolerance kind {tolerance_kind!r}: use one of {', '.join(TOLERANCE_KINDS)}.")
    ours, theirs = _prepare(local, unit), _prepare(published, unit)
    if ours is None or theirs is None:
        return None
    difference = ours - theirs
    percent = abs(difference) * _HUNDRED / abs(theirs) if theirs != 0 else None
    if tolerance is None:
        beyond = False
    else:
        allowed = _non_negative("tolerance", tolerance)
        if tolerance_kind == ABSOLUTE:
            beyond = abs(difference) > allowed
        else:
            beyond = difference != 0 if percent is None else percent > allowed
    return Divergence(local=ours, published=theirs, difference=difference, percent=percent, beyond=beyond)


# Rates and percentages from numerators and denominators -----------------------------------------------


def _counts(numerator: Value, denominator: Value) -> tuple[Decimal, Decimal] | None:
    top, bottom = to_decimal(numerator), to_decimal(denominator)
    if top is None or bottom is None:
        return None
    if top < 0:
        raise ValueError(f"The numerator cannot be negative, got {top}.")
    if bottom < 0:
        raise ValueError(f"The denominator cannot be negative, got {bottom}.")
    if bottom == 0:
        return None
    return top, bottom


def rate_per(numerator: Value, denominator: Value, per: Number = 10_000) -> Decimal | None:
    """numerator / denominator × per (10,000 unless given). None when either is missing or the denominator is 0."""
    multiplier = to_decimal(per)
    if multiplier is None or multiplier <= 0:
        raise ValueError(f"A rate is per a positive number of people, got {per!r}.")
    pair = _counts(numerator, denominator)
    if pair is None:
        return None
    top, bottom = pair
    return top * multiplier / bottom


def percentage(numerator: Value, denominator: Value) -> Decimal | None:
    """numerator / denominator × 100. None when either is missing or the denominator is 0.

    A numerator larger than its denominator is refused (ValueError): the numerator counts some of the
    denominator's children, so it is a mistake in the figures, not a percentage above 100.
    """
    pair = _counts(numerator, denominator)
    if pair is None:
        return None
    top, bottom = pair
    if top > bottom:
        raise ValueError(
            f"The numerator ({_group_thousands(top)}) cannot be larger than the denominator "
            f"({_group_thousands(bottom)}) for a percentage."
        )
    return top * _HUNDRED / bottom


# Checking typed values --------------------------------------------------------------------------------

_NOT_A_NUMBER = {
    PERCENT: "Enter a percentage as a number, like 22.4",
    RATE_PER_10000: "Enter a rate per 10,000 children as a number, like 330.1",
    COUNT: "Enter a count as a whole number, like 1,234",
    DAYS: "Enter a number of days, like 12",
    RATIO: "Enter a ratio as a number, like 0.85",
}
_OUT_OF_RANGE = {
    PERCENT: "Enter a percentage between 0 and 100",
    RATE_PER_10000: "Enter a rate of 0 or more",
    COUNT: "Enter a count of 0 or more",
    DAYS: "Enter a number of days of 0 or more",
    RATIO: "Enter a ratio of 0 or more",
}


# How the database keeps a figure (scorecards.models): 16 digits, four of them after the point.
FIGURE_DIGITS = {"max_digits": 16, "decimal_places": 4}


class InvalidValue(ValueError):
    """A typed value that cannot be saved; `messages` say what to enter instead."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def clean_value(value: str | Number | None, unit: str) -> Decimal | None:
    """A value typed or imported for `unit`, as a Decimal; None when blank. Raises InvalidValue.

    Text may carry thousands separators ("1,234"), surrounding spaces and, for a percentage, a trailing
    "%". A blank is not an error here: whether a value is required is the form's decision.
    """
    _check_unit(unit)
    if value is None:
        return None
    if isinstance(value, str):
        text = value.replace(",", "").replace(" ", "").strip()
        if unit == PERCENT and text.endswith("%"):
            text = text[:-1].strip()
        if not text:
            return None
    else:
        try:
            converted = to_decimal(value)
        except (TypeError, ValueError):
            raise InvalidValue([_NOT_A_NUMBER[unit]]) from None
        if converted is None:  # a Suppressed value is not something anyone types
            raise InvalidValue([_NOT_A_NUMBER[unit]])
        text = str(converted) if converted.is_finite() else "NaN"
    try:
        number = parse_figure(text, **FIGURE_DIGITS, not_a_number=_NOT_A_NUMBER[unit])
    except FigureError as error:
        raise InvalidValue([str(error)]) from None
    messages = []
    if number < 0 or (unit == PERCENT and number > 100):
        messages.append(_OUT_OF_RANGE[unit])
    if unit == COUNT and number != number.to_integral_value():
        messages.append("Enter a whole number")
    if messages:
        raise InvalidValue(messages)
    return number + 0


def validate_value(value: str | Number | None, unit: str) -> list[str]:
    """What is wrong with a typed value for `unit`, in the words the form shows; empty when it is fine."""
    try:
        clean_value(value, unit)
    except InvalidValue as error:
        return error.messages
    return []
