"""Values, withheld figures, ranks and quartiles in the words the scorecard shows."""

import csv
import datetime
import re
from decimal import Decimal

import pytest

from scorecards import judgements
from scorecards.formatting import (
    DFE_SYMBOLS,
    comparison_gap,
    difference_text,
    divergence_texts,
    divergence_tolerance_text,
    format_date,
    format_number,
    format_quartile,
    format_rank,
    format_suppressed,
    format_value,
    ordinal,
    suppress_small,
    suppression_explanation,
    unit_heading,
)
from scorecards.judgements import Rank, Suppressed, divergence, rank
from tests.dfe_files import DFE_DIR


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (Decimal("22.4"), "percent", "22.4%"),
        (22.45, "percent", "22.5%"),
        (22, "percent", "22.0%"),
        (0, "percent", "0.0%"),
        (100, "percent", "100.0%"),
        (-0.04, "percent", "0.0%"),
        (Decimal("330.1"), "rate_per_10000", "330.1 per 10,000 children"),
        (Decimal("67.118"), "rate_per_10000", "67.1 per 10,000 children"),
        (12000, "rate_per_10000", "12,000.0 per 10,000 children"),
        (1234, "count", "1,234"),
        (1234567, "count", "1,234,567"),
        (0, "count", "0"),
        (999, "count", "999"),
        (Decimal("2.5"), "count", "3"),
        (12, "days", "12 days"),
        (1, "days", "1 day"),
        (Decimal("1.4"), "days", "1 day"),
        (0, "days", "0 days"),
        (1234, "days", "1,234 days"),
        (Decimal("0.85"), "ratio", "0.85"),
        (Decimal("0.855"), "ratio", "0.86"),
        (2, "ratio", "2.00"),
        (None, "percent", "No data"),
        (None, "count", "No data"),
        (Suppressed("c"), "percent", "Not published (small number)"),
        (Suppressed("<5"), "count", "Fewer than 5"),
        (Suppressed("x"), "rate_per_10000", "Not available"),
    ],
)
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text


def test_format_value_refuses_an_unknown_unit():
    with pytest.raises(ValueError, match="Unknown unit"):
        format_value(1, "hectares")


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (1234.5, 1, "1,234.5"),
        (1234.5, 0, "1,235"),
        (Decimal("-0.001"), 2, "0.00"),
        (Decimal("-1234.56"), 1, "-1,234.6"),
        (0, 3, "0.000"),
    ],
)
def test_format_number(value, places, text):
    assert format_number(value, places) == text


@pytest.mark.parametrize(
    ("value", "places", "error"), [(None, 1, TypeError), (1, -1, ValueError), (1, 1.5, ValueError)]
)
def test_format_number_refuses_what_it_cannot_show(value, places, error):
    with pytest.raises(error):
        format_number(value, places)


# Withheld values -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("symbol", "words"),
    [
        ("c", "Not published (small number)"),
        ("C", "Not published (small number)"),
        (" c ", "Not published (small number)"),
        ("k", "Less than 0.5 (not zero)"),
        ("low", "Less than 0.5 (not zero)"),
        ("~", "Less than 0.5 (not zero)"),
        ("[c]", "Not published (small number)"),
        ("[x]", "Not available"),
        ("[]", "Not published"),
        ("u", "Not published (low reliability)"),
        ("x", "Not available"),
        (":", "Not available"),
        ("..", "Not available"),
        ("NA", "Not available"),
        ("-", "Not available"),
        ("z", "Not applicable"),
        (".", "Not applicable"),
        ("<5", "Fewer than 5"),
        ("<10", "Fewer than 10"),
        ("", "No data"),
        (None, "No data"),
        ("q", "Not published"),
        ("<", "Not published"),
        (Suppressed("z"), "Not applicable"),
    ],
)
def test_a_withheld_value_says_what_it_means_rather_than_showing_a_symbol(symbol, words):
    assert format_suppressed(symbol) == words


@pytest.mark.parametrize(
    ("symbol", "sentence"),
    [
        ("c", "Withheld to protect confidentiality"),
        ("k", "would round to zero"),
        ("u", "low reliability"),
        ("x", "not available"),
        ("z", "does not apply"),
        ("<5", "Fewer than 5: small numbers are not published"),
        ("", "No figure was given"),
        ("q", "did not give a figure"),
    ],
)
def test_each_withheld_value_has_a_sentence_for_the_key(symbol, sentence):
    assert sentence in suppression_explanation(symbol)


def test_every_symbol_has_words_and_a_full_sentence():
    for symbol, (words, sentence) in DFE_SYMBOLS.items():
        assert symbol == symbol.lower()
        assert words[0].isupper() and not words.endswith(".")
        assert sentence[0].isupper() and sentence.endswith(".")


_DESCRIPTIVE_COLUMNS = {
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "category",
    "population_type",
    "population_count",  # the 2024 children looked after release puts the population's name in this column
    "age_group",
    # LAIT's extract
    "Short Desc",
    "Data item",
    "Years",
    "LA and Regions",
    "LA Number",
    "Region",
}


def _data_files():
    """The files of published figures: EES files (with a time_period column) and the LAIT extract."""
    if not DFE_DIR.is_dir():
        return []
    found = []
    for path in sorted(DFE_DIR.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            columns = csv.DictReader(handle).fieldnames or []
        if "time_period" in columns or "Values" in columns:
            found.append(path)
    return found


def _symbols_in(path):
    number = re.compile(r"-?\d+(\.\d+)?")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.DictReader(handle)
        measures = [name for name in rows.fieldnames if name not in _DESCRIPTIVE_COLUMNS]
        return {row[name] for row in rows for name in measures if row[name] and not number.fullmatch(row[name])}


DATA_FILES = _data_files()


@pytest.mark.skipif(not DATA_FILES, reason=f"DfE files not found in {DFE_DIR}")
@pytest.mark.parametrize("path", DATA_FILES, ids=lambda path: path.name)
def test_every_symbol_in_the_real_dfe_files_has_words(path):
    symbols = _symbols_in(path)
    assert symbols, "expected the real files to hold DfE symbols"
    for symbol in symbols:
        assert symbol.lower() in DFE_SYMBOLS, symbol
        assert format_suppressed(symbol) != "Not published"


@pytest.mark.parametrize(
    ("count", "threshold", "shown"),
    [
        (0, 5, 0),
        (1, 5, Suppressed("<5")),
        (4, 5, Suppressed("<5")),
        (5, 5, 5),
        (1234, 5, 1234),
        (Decimal(3), 5, Suppressed("<5")),
        (Decimal("6.0"), 5, 6),
        (9, 10, Suppressed("<10")),
        (1, 1, 1),
        (None, 5, None),
        (Suppressed("c"), 5, Suppressed("c")),
    ],
)
def test_small_counts_we_publish_are_withheld(count, threshold, shown):
    assert suppress_small(count, threshold) == shown


def test_a_withheld_small_count_reads_fewer_than_the_threshold():
    assert format_value(suppress_small(3), "count") == "Fewer than 5"
    assert format_value(suppress_small(7), "count") == "7"


@pytest.mark.parametrize(
    ("count", "threshold"),
    [(-1, 5), (Decimal("2.5"), 5), (3, 0), (3, -5), (3, 2.5), (3, True)],
)
def test_suppress_small_refuses_what_is_not_a_count_or_a_threshold(count, threshold):
    with pytest.raises(ValueError):
        suppress_small(count, threshold)


# Ranks, quartiles, units and dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (10, "10th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
        (152, "152nd"),
    ],
)
def test_ordinal(number, text):
    assert ordinal(number) == text


@pytest.mark.parametrize("number", [0, -1, 1.0, True])
def test_ordinal_refuses_what_is_not_a_position(number):
    with pytest.raises(ValueError):
        ordinal(number)


@pytest.mark.parametrize(
    ("position", "text"),
    [(Rank(1, 11), "1st of 11"), (Rank(2, 11), "2nd of 11"), (Rank(11, 11), "11th of 11"), (None, "Not ranked")],
)
def test_format_rank(position, text):
    assert format_rank(position) == text


def test_format_rank_reads_a_computed_rank():
    assert format_rank(rank(20, [30, 20, 10], polarity="higher")) == "2nd of 4"


@pytest.mark.parametrize(
    ("quartile", "text"),
    [(1, "A (best quarter)"), (2, "B"), (3, "C"), (4, "D (worst quarter)"), (None, "No quartile")],
)
def test_format_quartile(quartile, text):
    assert format_quartile(quartile) == text


@pytest.mark.parametrize("quartile", [0, 5, "A"])
def test_format_quartile_refuses_what_is_not_a_quartile(quartile):
    with pytest.raises(ValueError):
        format_quartile(quartile)


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        (judgements.NO_POLARITY, "Not ranked: neither higher nor lower is better for this indicator"),
        (judgements.NO_OWN_FIGURE, "Not ranked: there is no published figure of ours for 2024-25"),
        (judgements.OWN_FIGURE_WITHHELD, "Not ranked: our published figure for 2024-25 is withheld"),
        (judgements.NO_NEIGHBOURS, "Not ranked: no statistical neighbours are set up"),
        (judgements.NO_NEIGHBOUR_FIGURES, "Not ranked: none of our statistical neighbours has a figure for 2024-25"),
    ],
)
def test_format_rank_says_why_there_is_no_rank(reason, text):
    assert format_rank(None, reason, year="2024-25") == text


def test_a_rank_is_shown_whatever_the_reason_field_holds():
    assert format_rank(Rank(7, 11), "", year="2024-25") == "7th of 11"


def test_format_quartile_says_how_few_of_englands_authorities_have_a_figure():
    text = format_quartile(None, judgements.TOO_FEW_AUTHORITIES, year="2024-25", known=22, authorities=153)
    assert text == "No quartile: figures for 2024-25 are held for only 22 of England's 153 authorities"
    # Enough authorities known, but too few figures among them to band (all withheld): no count to quote.
    assert format_quartile(None, judgements.TOO_FEW_AUTHORITIES, known=150, authorities=153) == (
        "No quartile: too few of England's authorities have a figure"
    )


def test_an_unknown_reason_is_refused():
    with pytest.raises(ValueError):
        comparison_gap("because")


@pytest.mark.parametrize(
    ("amount", "unit", "text"),
    [
        (Decimal("-3.6"), "percent", "3.6 percentage points"),
        (Decimal("1"), "percent", "1.0 percentage point"),
        (Decimal("37.5"), "rate_per_10000", "37.5 per 10,000 children"),
        (Decimal("1228"), "count", "1,228"),
        (Decimal("1"), "days", "1 day"),
    ],
)
def test_a_difference_is_said_in_its_unit(amount, unit, text):
    assert difference_text(amount, unit) == text


def test_a_local_and_published_tolerance_says_what_it_is_measured_from():
    assert divergence_tolerance_text(Decimal("10"), "relative", "percent") == "10% of the published figure"
    assert divergence_tolerance_text(Decimal("12.5"), "relative", "count") == "12.5% of the published figure"
    assert divergence_tolerance_text(Decimal("2"), "absolute", "percent") == "2.0 percentage points"


def test_a_divergence_says_both_figures_the_difference_and_which_to_trust():
    found = divergence(Decimal("22.8"), Decimal("26.4"), tolerance=10, tolerance_kind="relative", unit="percent")
    short, warning = divergence_texts(found, year="2024-25", unit="percent", tolerance=Decimal(10), kind="relative")
    assert short == (
        "Our local figure for 2024-25 is 22.8%, our published figure 26.4%: 3.6 percentage points apart, more than "
        "the tolerance (10% of the published figure). Trust the published figure for 2024-25."
    )
    assert warning == (
        "Our local figures make 22.8% for 2024-25, but our published figure for the same year is 26.4%: a "
        "difference of 3.6 percentage points (13.6% of the published figure), more than this indicator's tolerance "
        "of 10% of the published figure. For 2024-25, trust the published figure: it is the validated statutory "
        "return. The local figure is more recent and may still be revised; check how it is counted."
    )


@pytest.mark.parametrize(
    ("unit", "heading"),
    [
        ("percent", "%"),
        ("rate_per_10000", "Rate per 10,000 children"),
        ("count", "Number"),
        ("days", "Days"),
        ("ratio", "Ratio"),
    ],
)
def test_unit_heading(unit, heading):
    assert unit_heading(unit) == heading


def test_unit_heading_refuses_an_unknown_unit():
    with pytest.raises(ValueError):
        unit_heading("acres")


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (datetime.date(2026, 11, 27), "27 November 2026"),
        (datetime.date(2025, 4, 1), "1 April 2025"),
        (datetime.datetime(2026, 3, 31, 23, 59), "31 March 2026"),
    ],
)
def test_format_date(day, text):
    assert format_date(day) == text
