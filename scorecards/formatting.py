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


def format_rank(position: Rank | None) -> str:
    """A rank among statistical neighbours: "1st of 11"; "Not ranked" when there is none."""
    if position is None:
        return "Not ranked"
    return f"{ordinal(position.position)} of {position.out_of}"


QUARTILE_LETTERS = {1: "A", 2: "B", 3: "C", 4: "D"}


def format_quartile(quartile: int | None) -> str:
    """A quartile in England in LAIT's letters: 1 → "A (best quarter)", 4 → "D (worst quarter)"."""
    if quartile is None:
        return "No quartile"
    if quartile not in QUARTILE_LETTERS:
        raise ValueError(f"A quartile is 1, 2, 3 or 4, got {quartile!r}.")
    suffix = {1: " (best quarter)", 4: " (worst quarter)"}.get(quartile, "")
    return f"{QUARTILE_LETTERS[quartile]}{suffix}"


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
