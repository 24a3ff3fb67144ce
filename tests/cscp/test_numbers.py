"""Reading a figure someone typed: `parse_figure` returns a Decimal that fits the column it is for, or raises
`FigureError` with words a person can act on, whatever the text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cscp.numbers import FigureError, parse_figure

EXAMPLES = settings(max_examples=300, deadline=None)
DIGITS = {"max_digits": 16, "decimal_places": 4}


def _parse_or_refuse(text: str) -> None:
    try:
        number = parse_figure(text, **DIGITS)
    except FigureError as error:
        assert str(error)
    else:
        assert number.is_finite()
        stored = number.quantize(Decimal("0.0001"))
        assert len(stored.as_tuple().digits) <= 16


@EXAMPLES
@given(st.text())
def test_any_text_is_a_figure_or_a_figure_error(text):
    _parse_or_refuse(text)


signs = st.sampled_from(["", "+", "-", "--", " ", "−"])
digits = st.text("0123456789", min_size=0, max_size=40)
exponents = st.sampled_from(["", "e", "E", "e+", "e-"]).flatmap(
    lambda e: st.integers(-(10**12), 10**12).map(lambda n: f"{e}{n}" if e else "")
)
numberish = st.builds(
    lambda sign, whole, point, fraction, exponent: f"{sign}{whole}{point}{fraction}{exponent}",
    signs,
    digits,
    st.sampled_from(["", ".", ",", ".."]),
    digits,
    exponents,
)


@EXAMPLES
@given(numberish | st.sampled_from(["NaN", "nan", "sNaN", "-NaN", "Infinity", "-inf", "Inf", "1e999999"]))
def test_number_shaped_text_is_a_figure_or_a_figure_error(text):
    _parse_or_refuse(text)


@EXAMPLES
@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**12) + 1, max_value=10**12 - 1))
def test_a_figure_that_fits_reads_back_as_itself(number):
    assert parse_figure(f"{number:f}", **DIGITS) == number


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NaN", "Enter a number"),
        ("sNaN", "Enter a number"),
        ("Infinity", "Enter a number"),
        ("-inf", "Enter a number"),
        ("1e999999", "smaller than 1,000,000,000,000"),
        ("1e9999999999", "smaller than 1,000,000,000,000"),
        ("9" * 400, "smaller than 1,000,000,000,000"),
        ("999999999999.99999", "smaller than 1,000,000,000,000"),
        ("-1000000000000", "smaller than 1,000,000,000,000"),
        ("0." + "1" * 400, "100 characters or fewer"),
        ("twelve", "Enter a number"),
        ("", "Enter a number"),
        ("1.2.3", "Enter a number"),
    ],
)
def test_what_no_column_can_keep_is_refused_in_words(text, message):
    with pytest.raises(FigureError, match=message):
        parse_figure(text, **DIGITS)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1,234", Decimal("1234")),
        ("1 234.5", Decimal("1234.5")),
        (" 42 ", Decimal("42")),
        ("-3", Decimal("-3")),
        ("1e3", Decimal("1000")),
        ("1e-999999", Decimal("1e-999999")),
        ("22.123456", Decimal("22.123456")),
    ],
)
def test_a_figure_is_read_as_the_form_always_has(text, number):
    assert parse_figure(text, **DIGITS) == number


def test_the_largest_figure_depends_on_the_column():
    assert parse_figure("999", max_digits=5, decimal_places=2) == Decimal("999")
    with pytest.raises(FigureError, match="smaller than 1,000"):
        parse_figure("1000", max_digits=5, decimal_places=2)


def test_what_is_not_text_is_a_figure_error():
    with pytest.raises(FigureError):
        parse_figure(None, **DIGITS)  # type: ignore[arg-type]
