"""Reading a figure someone typed, for any app that keeps one in a DecimalField.

`parse_figure(text, max_digits=…, decimal_places=…)` returns a finite Decimal that the column (`max_digits`,
`decimal_places`, as on the model field) can keep once rounded to its places, or raises `FigureError`, whose
message is what the form shows beside the field. It never does arithmetic on the typed number before it knows
the number is small enough, so "1e9999999999" is refused instead of overflowing Python's decimal context.

Thousands separators are read as the figure forms always have: every comma and space is dropped, so "1,234"
and "1 234" are 1234. A unit's own marks (a trailing "%") and its range are the caller's business.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

# Longer than any figure a person types; text beyond READ_AT_MOST is refused unread, so none costs anything.
LONGEST_TEXT = 100
READ_AT_MOST = 1000


class FigureError(ValueError):
    """Typed text that is not a figure the column can keep; the message says what to enter instead."""


def _limit_words(limit: Decimal) -> str:
    return f"{limit:,f}"


def parse_figure(text: str, *, max_digits: int, decimal_places: int, not_a_number: str = "Enter a number") -> Decimal:
    """The figure `text` names, exactly as typed (rounding to `decimal_places` is the storing code's), or
    FigureError: `not_a_number` for text that is no finite number, and "Enter a number smaller than …" for one
    the column cannot hold."""
    if not isinstance(text, str):
        raise FigureError(not_a_number)
    plain = text.replace(",", "").replace(" ", "").strip()
    too_long = FigureError(f"Enter the number in {LONGEST_TEXT} characters or fewer")
    if len(plain) > READ_AT_MOST:
        raise too_long
    if not plain or not plain.isascii():
        raise FigureError(not_a_number)
    try:
        number = Decimal(plain)
    except InvalidOperation:
        raise FigureError(not_a_number) from None
    if not number.is_finite():
        raise FigureError(not_a_number)
    limit = Decimal(10) ** (max_digits - decimal_places)
    # adjusted() is the power of ten of the leading digit: read from the digits, not worked out, so it is safe
    # for any exponent. A number below 10 ** -decimal_places rounds to nothing and needs no more checks.
    if not number.is_zero() and number.adjusted() >= max_digits - decimal_places:
        raise FigureError(f"Enter a number smaller than {_limit_words(limit)}")
    if len(plain) > LONGEST_TEXT:
        raise too_long
    if number.is_zero() or number.adjusted() < -decimal_places - 1:
        return number
    places = Decimal(1).scaleb(-decimal_places)
    rounded = number.quantize(places, rounding=ROUND_HALF_UP, context=Context(prec=max_digits + 2))
    if abs(rounded) >= limit:
        raise FigureError(f"Enter a number smaller than {_limit_words(limit)}")
    return number
