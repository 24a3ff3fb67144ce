"""Numbers, suppressed values, ranks and quartiles in the words the scorecard shows (see UX.md).

The same text goes on the page, into the PDF and into the Excel download's labels, so it is made here once.
Rounding is shared with `scorecards.judgements.round_for_display`, so a value is judged at the precision
it is shown at.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from scorecards import judgements
from scorecards.judgements import (
    COUNT,
    DAYS,
    PERCENT,
    RATE_PER_10000,
    RATIO,
    Number,
    Rank,
    Suppressed,
    Value,
    round_for_display,
    to_decimal,
)
from scorecards.periods import MONTH_NAMES

if TYPE_CHECKING:
    from scorecards.selectors import ComparatorPoint

NO_DATA = "No data"

# DfE's symbols, as its data guidance for the children looked after release lists them (c, k, x, z) and as
# its children in need files also use them (u); the Government Statistical Service's "low" and "~" (rounds to
# zero), bracketed forms ("[c]") and the older ".", ".." and ":"; and LAIT's "-" and "NA" where it has no
# figure for an authority and year. The same list as scorecards/dfe/symbols.py reads, in the reader's words.
# Each is (what the table cell says, the sentence the key below the table says).
DFE_SYMBOLS: dict[str, tuple[str, str]] = {
    "c": (
        "Not published (small number)",
        "Withheld to protect confidentiality: the number is small, or would let someone work out a small number.",
    ),
    "k": ("Less than 0.5 (not zero)", "More than zero, but it would round to zero (for example, less than 0.5%)."),
    "low": ("Less than 0.5 (not zero)", "More than zero, but it would round to zero (for example, less than 0.5%)."),
    "~": ("Less than 0.5 (not zero)", "More than zero, but it would round to zero (for example, less than 0.5%)."),
    "u": ("Not published (low reliability)", "Withheld because the figure is of low reliability."),
    "x": ("Not available", "The figure is not available: it was not collected or not returned."),
    ":": ("Not available", "The figure is not available: it was not collected or not returned."),
    "..": ("Not available", "The figure is not available: it was not collected or not returned."),
    "na": ("Not available", "The figure is not available: it was not collected or not returned."),
    "-": ("Not available", "The figure is not available: it was not collected or not returned."),
    "z": ("Not applicable", "Not applicable: this measure does not apply here."),
    ".": ("Not applicable", "Not applicable: this measure does not apply here."),
}
_UNKNOWN_SYMBOL = ("Not published", "The publisher did not give a figure.")


def _symbol_of(symbol: str | Suppressed | None) -> str:
    if isinstance(symbol, Suppressed):
        symbol = symbol.symbol
    code = (symbol or "").strip()
    # The Government Statistical Service standard also writes symbols in brackets: "[c]".
    if len(code) > 2 and code[0] == "[" and code[-1] == "]":
        code = code[1:-1].strip()
    return code


def _small_number_threshold(symbol: str) -> int | None:
    # Our own small-number suppression writes "<5" (see suppress_small).
    if symbol.startswith("<") and symbol[1:].isdigit():
        return int(symbol[1:])
    return None


def format_suppressed(symbol: str | Suppressed | None) -> str:
    """What a withheld value means, for the table cell: "c" → "Not published (small number)"."""
    code = _symbol_of(symbol)
    if not code:
        return NO_DATA
    threshold = _small_number_threshold(code)
    if threshold is not None:
        return f"Fewer than {threshold}"
    return DFE_SYMBOLS.get(code.lower(), _UNKNOWN_SYMBOL)[0]


def suppression_explanation(symbol: str | Suppressed | None) -> str:
    """The sentence that explains a withheld value, for the key under a table."""
    code = _symbol_of(symbol)
    if not code:
        return "No figure was given for this period."
    threshold = _small_number_threshold(code)
    if threshold is not None:
        return f"Fewer than {threshold}: small numbers are not published, so that no child can be identified."
    return DFE_SYMBOLS.get(code.lower(), _UNKNOWN_SYMBOL)[1]


def suppress_small(count: Value, threshold: int = 5) -> int | Suppressed | None:
    """A count we publish, or `Suppressed("<5")` when it is above 0 and below `threshold`.

    Zero is shown: as in DfE's releases, a zero identifies no one. Rates and percentages worked out from a
    suppressed count should be withheld as well; that is the caller's decision, since it knows which are.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"The suppression threshold must be a whole number of 1 or more, got {threshold!r}.")
    if count is None or isinstance(count, Suppressed):
        return count
    number = to_decimal(count)
    if number is None or number < 0 or number != number.to_integral_value():
        raise ValueError(f"A count is a whole number of 0 or more, got {count!r}.")
    whole = int(number)
    if 0 < whole < threshold:
        return Suppressed(f"<{threshold}")
    return whole


def format_number(value: Number, places: int) -> str:
    """A number with thousands separators and `places` decimal places: 1234.5 → "1,234.5"."""
    number = to_decimal(value)
    if number is None:
        raise TypeError("format_number needs a number; use format_value for missing values.")
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise ValueError(f"Decimal places are a whole number of 0 or more, got {places!r}.")
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) + 0  # + 0: no "-0.0"
    return f"{rounded:,f}"


def format_value(value: Value, unit: str) -> str:
    """A value as the page shows it: "22.4%", "330.1 per 10,000 children", "1,234", "12 days", "0.85"."""
    if isinstance(value, Suppressed):
        return format_suppressed(value)
    rounded = round_for_display(value, unit)
    if rounded is None:
        return NO_DATA
    text = f"{rounded:,f}"
    if unit == PERCENT:
        return f"{text}%"
    if unit == RATE_PER_10000:
        return f"{text} per 10,000 children"
    if unit == DAYS:
        return f"{text} day{'' if rounded == 1 else 's'}"
    if unit in (COUNT, RATIO):
        return text
    raise AssertionError(f"unreachable: {unit}")  # pragma: no cover - round_for_display checked the unit


def unit_heading(unit: str) -> str:
    """The unit, for a table column heading (UX.md puts units in the header)."""
    headings = {
        PERCENT: "%",
        RATE_PER_10000: "Rate per 10,000 children",
        COUNT: "Number",
        DAYS: "Days",
        RATIO: "Ratio",
    }
    if unit not in headings:
        raise ValueError(f"Unknown unit {unit!r}.")
    return headings[unit]


def ordinal(number: int) -> str:
    """1 → "1st", 2 → "2nd", 11 → "11th", 22 → "22nd"."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValueError(f"An ordinal is for a whole number of 1 or more, got {number!r}.")
    suffix = "th" if 11 <= number % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def comparison_gap(reason: str, *, year: str = "", known: int | None = None, authorities: int | None = None) -> str:
    """Why there is no rank or quartile, as a clause: "none of our statistical neighbours has a figure for 2024-25".

    `reason` is one of scorecards.judgements' reasons (NO_POLARITY...); `year` the year compared ("2024-25");
    `known` and `authorities` how many of England's authorities have a figure held, for a quartile.
    """
    for_year = f" for {year}" if year else ""
    if reason == judgements.NO_POLARITY:
        return "neither higher nor lower is better for this indicator"
    if reason == judgements.NO_OWN_FIGURE:
        return f"there is no published figure of ours{for_year}"
    if reason == judgements.OWN_FIGURE_WITHHELD:
        return f"our published figure{for_year} is withheld"
    if reason == judgements.NO_NEIGHBOURS:
        return "no statistical neighbours are set up"
    if reason == judgements.NO_NEIGHBOUR_FIGURES:
        return f"none of our statistical neighbours has a figure{for_year}"
    if reason == judgements.TOO_FEW_AUTHORITIES:
        if known is not None and authorities and not judgements.covers_england(known, authorities):
            held = f"only {known:,}" if known else "none"
            return f"figures{for_year} are held for {held} of England's {authorities:,} authorities"
        return f"too few of England's authorities have a figure{for_year}"
    raise ValueError(f"Unknown reason {reason!r}.")


def format_rank(position: Rank | None, reason: str = "", *, year: str = "") -> str:
    """A rank among statistical neighbours: "7th of 11" (our authority and the neighbours with a figure), or why
    there is none: "Not ranked: none of our statistical neighbours has a figure for 2024-25"."""
    if position is not None:
        return f"{ordinal(position.position)} of {position.out_of}"
    if not reason:
        return "Not ranked"
    return f"Not ranked: {comparison_gap(reason, year=year)}"


QUARTILE_LETTERS = {1: "A", 2: "B", 3: "C", 4: "D"}


def format_quartile(
    quartile: int | None,
    reason: str = "",
    *,
    year: str = "",
    known: int | None = None,
    authorities: int | None = None,
) -> str:
    """A quartile in England in LAIT's letters: 1 → "A (best quarter)", 4 → "D (worst quarter)"; or why there
    is none: "No quartile: figures for 2024-25 are held for only 12 of England's 153 authorities"."""
    if quartile is None:
        if not reason:
            return "No quartile"
        return f"No quartile: {comparison_gap(reason, year=year, known=known, authorities=authorities)}"
    if quartile not in QUARTILE_LETTERS:
        raise ValueError(f"A quartile is 1, 2, 3 or 4, got {quartile!r}.")
    suffix = {1: " (best quarter)", 4: " (worst quarter)"}.get(quartile, "")
    return f"{QUARTILE_LETTERS[quartile]}{suffix}"


def difference_text(amount: Number, unit: str) -> str:
    """The size of a difference between two figures in `unit`: "2.1 percentage points", "35.8 per 10,000
    children", "228", "3 days"."""
    shown = round_for_display(abs(to_decimal(amount) or Decimal(0)), unit)
    text = f"{shown:,f}"
    if unit == PERCENT:
        return f"{text} percentage point{'' if shown == 1 else 's'}"
    if unit == RATE_PER_10000:
        return f"{text} per 10,000 children"
    if unit == DAYS:
        return f"{text} day{'' if shown == 1 else 's'}"
    return text


def divergence_tolerance_text(tolerance: Number, kind: str, unit: str) -> str:
    """A local-against-published tolerance in words: "10% of the published figure", "2.0 percentage points"."""
    if kind == judgements.RELATIVE:
        return f"{format_number(tolerance, 1).removesuffix('.0')}% of the published figure"
    return difference_text(tolerance, unit)


def divergence_texts(
    found: judgements.Divergence, *, year: str, unit: str, tolerance: Number, kind: str
) -> tuple[str, str]:
    """A difference beyond the tolerance in words: a short line for a table or a spreadsheet cell, and the
    warning that says both figures, the difference, and which to trust."""
    share = f" ({format_number(found.percent, 1)}% of the published figure)" if found.percent is not None else ""
    local, published = format_value(found.local, unit), format_value(found.published, unit)
    difference = difference_text(found.difference, unit)
    allowed = divergence_tolerance_text(tolerance, kind, unit)
    short = (
        f"Our local figure for {year} is {local}, our published figure {published}: {difference} apart, more than "
        f"the tolerance ({allowed}). Trust the published figure for {year}."
    )
    warning = (
        f"Our local figures make {local} for {year}, but our published figure for the same year is {published}: "
        f"a difference of {difference}{share}, more than this indicator's tolerance of {allowed}. For {year}, "
        "trust the published figure: it is the validated statutory return. The local figure is more recent and "
        "may still be revised; check how it is counted."
    )
    return short, warning


def format_date(day: datetime.date) -> str:
    """A date as the product writes it: "27 November 2026"."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


# Words and tags for the pages, PDFs and downloads ----------------------------------------------------------

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
    None: "",
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
