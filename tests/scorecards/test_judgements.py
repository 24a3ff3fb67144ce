"""The judgements the scorecard makes: RAG, direction, comparison, rank, quartile, rates and typed values."""

import csv
import random
import statistics
from decimal import Decimal

import pytest

from scorecards import judgements
from scorecards.judgements import (
    InvalidValue,
    Rank,
    Suppressed,
    clean_value,
    compare,
    comparison_rule_text,
    covers_england,
    direction,
    direction_label,
    divergence,
    is_missing,
    percentage,
    polarity_from_lait,
    polarity_text,
    quartile,
    quartile_reason,
    quartile_thresholds,
    rag,
    rag_label,
    rank,
    rank_reason,
    rate_per,
    round_for_display,
    to_decimal,
    validate_value,
)
from tests.dfe_files import DFE_DIR

C = Suppressed("c")
X = Suppressed("x")


# Numbers, missing and suppressed values ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.1, Decimal("0.1")),
        (22.4, Decimal("22.4")),
        (3, Decimal(3)),
        (Decimal("330.10"), Decimal("330.10")),
        (None, None),
        (C, None),
        (Suppressed("<5"), None),
    ],
)
def test_numbers_become_exact_decimals_and_missing_or_suppressed_values_none(value, expected):
    result = to_decimal(value)
    assert result == expected
    assert result is None or isinstance(result, Decimal)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (True, TypeError),
        ("22.4", TypeError),
        ([1], TypeError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        (Decimal("NaN"), ValueError),
        (Decimal("-Infinity"), ValueError),
    ],
)
def test_what_is_not_a_finite_number_is_refused(value, error):
    with pytest.raises(error):
        to_decimal(value)


def test_a_suppressed_value_keeps_its_symbol_and_counts_as_missing():
    assert C.symbol == "c" and str(C) == "c"
    assert is_missing(C) and is_missing(None)
    assert not is_missing(0) and not is_missing(Decimal(0))
    with pytest.raises(TypeError):
        Suppressed(5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (22.45, "percent", Decimal("22.5")),
        (22.44, "percent", Decimal("22.4")),
        (-22.45, "percent", Decimal("-22.5")),
        (-0.04, "percent", Decimal("0.0")),
        (330.05, "rate_per_10000", Decimal("330.1")),
        (2.5, "count", Decimal(3)),
        (12.5, "days", Decimal(13)),
        (0.125, "ratio", Decimal("0.13")),
        (None, "percent", None),
        (C, "count", None),
    ],
)
def test_values_round_half_away_from_zero_to_the_precision_the_page_shows(value, unit, expected):
    result = round_for_display(value, unit)
    assert result == expected
    assert result is None or str(result) == str(expected)


def test_rounding_refuses_an_unknown_unit():
    with pytest.raises(ValueError, match="Unknown unit"):
        round_for_display(1, "furlongs")


# RAG ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "polarity", "tolerance", "expected"),
    [
        # Higher is better: at target is green, and the edge of the tolerance is still amber.
        (80, 80, "higher", 5, "green"),
        (81, 80, "higher", 5, "green"),
        (79, 80, "higher", 5, "amber"),
        (75, 80, "higher", 5, "amber"),
        (74.9, 80, "higher", 5, "red"),
        (79.9, 80, "higher", 0, "red"),
        (79.9, 80, "higher", None, "red"),
        # Lower is better.
        (20, 20, "lower", 2, "green"),
        (19, 20, "lower", 2, "green"),
        (21, 20, "lower", 2, "amber"),
        (22, 20, "lower", 2, "amber"),
        (22.1, 20, "lower", 2, "red"),
        # Zero targets.
        (0, 0, "lower", 1, "green"),
        (1, 0, "lower", 1, "amber"),
        (2, 0, "lower", 1, "red"),
        (0, 0, "higher", 1, "green"),
        (-1, 0, "higher", 1, "amber"),
        # Exact decimals: 0.1 + 0.2 is judged as typed, not as 0.30000000000000004 after a float sum.
        (Decimal("0.3"), 0.3, "lower", 0, "green"),
        (0.1 + 0.2, Decimal("0.3"), "lower", 0, "red"),
        # Missing, suppressed and polarity none are not rated.
        (None, 80, "higher", 5, None),
        (C, 80, "higher", 5, None),
        (Suppressed("<5"), 80, "lower", 5, None),
        (80, None, "higher", 5, None),
        (80, X, "higher", 5, None),
        (80, 80, "none", 5, None),
        (None, None, "none", 5, None),
    ],
)
def test_rag_against_the_target(value, target, polarity, tolerance, expected):
    assert rag(value, target, polarity=polarity, tolerance=tolerance) == expected


@pytest.mark.parametrize(
    ("value", "target", "polarity", "tolerance", "expected"),
    [
        # 10% of a target of 80 is 8.
        (80, 80, "higher", 10, "green"),
        (72, 80, "higher", 10, "amber"),
        (71.9, 80, "higher", 10, "red"),
        # 10% of a target of 20 is 2.
        (22, 20, "lower", 10, "amber"),
        (Decimal("22.01"), 20, "lower", 10, "red"),
        # A percentage of a zero target is zero: only the target itself is green, anything worse red.
        (0, 0, "lower", 10, "green"),
        (Decimal("0.1"), 0, "lower", 10, "red"),
        # A negative target's band is a percentage of its size.
        (-9, -10, "lower", 10, "amber"),
        (Decimal("-8.9"), -10, "lower", 10, "red"),
    ],
)
def test_rag_with_the_tolerance_as_a_percentage_of_the_target(value, target, polarity, tolerance, expected):
    assert rag(value, target, polarity=polarity, tolerance=tolerance, tolerance_kind="relative") == expected


@pytest.mark.parametrize(
    ("value", "target", "milestone", "expected"),
    [
        (85, 90, 80, "green"),  # the milestone, not the year's target, is this period's target
        (80, 90, 80, "green"),
        (85, 80, 90, "amber"),
        (84, 80, 90, "red"),
        (85, None, 80, "green"),  # a milestone with no target for the year still rates
        (85, 90, None, "amber"),  # no milestone: the target
        (85, 90, C, "amber"),  # an unusable milestone falls back to the target
        (None, 90, 80, None),
    ],
)
def test_rag_against_a_milestone(value, target, milestone, expected):
    assert rag(value, target, polarity="higher", tolerance=5, milestone=milestone) == expected


@pytest.mark.parametrize(
    ("value", "target", "unit", "expected"),
    [
        (Decimal("22.46"), Decimal("22.5"), "percent", "green"),  # both shown as 22.5%
        (Decimal("22.46"), Decimal("22.5"), None, "red"),
        (Decimal("22.44"), Decimal("22.5"), "percent", "red"),
        (Decimal("329.96"), 330, "rate_per_10000", "green"),
    ],
)
def test_rag_with_a_unit_judges_the_figures_the_reader_sees(value, target, unit, expected):
    assert rag(value, target, polarity="higher", unit=unit) == expected


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"tolerance": -1}, ValueError, "tolerance cannot be negative"),
        ({"tolerance": Decimal("-0.1")}, ValueError, "tolerance cannot be negative"),
        ({"tolerance": C}, TypeError, "cannot be suppressed"),
        ({"polarity": "up"}, ValueError, "Unknown polarity"),
        ({"tolerance_kind": "percent"}, ValueError, "Unknown tolerance kind"),
        ({"unit": "furlongs"}, ValueError, "Unknown unit"),
    ],
)
def test_rag_refuses_bad_settings_even_when_the_value_is_missing(arguments, error, message):
    settings = {"polarity": "higher", "tolerance": 1} | arguments
    with pytest.raises(error, match=message):
        rag(None, None, **settings)
    with pytest.raises(error, match=message):
        rag(10, 10, **settings)


@pytest.mark.parametrize("value", [True, "80", float("nan")])
def test_rag_refuses_a_value_that_is_not_a_number(value):
    with pytest.raises((TypeError, ValueError)):
        rag(value, 80, polarity="higher")


@pytest.mark.parametrize(
    ("status", "label"),
    [
        ("green", "Green: on target"),
        ("amber", "Amber: within tolerance"),
        ("red", "Red: off target"),
        (None, "Not rated"),
    ],
)
def test_rag_in_words(status, label):
    assert rag_label(status) == label


def test_rag_label_refuses_an_unknown_status():
    with pytest.raises(ValueError):
        rag_label("blue")


# Direction of travel ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "polarity", "threshold", "expected"),
    [
        (5, 4, "higher", 0, "improving"),
        (4, 5, "higher", 0, "worsening"),
        (5, 5, "higher", 0, "no_change"),
        (4, 5, "lower", 0, "improving"),
        (5, 4, "lower", 0, "worsening"),
        (5, 5, "lower", 0, "no_change"),
        # No polarity: the direction without a judgement.
        (5, 4, "none", 0, "up"),
        (4, 5, "none", 0, "down"),
        (5, 5, "none", 0, "no_change"),
        # A change no bigger than the threshold is no change.
        (Decimal("5.5"), 5, "higher", Decimal("0.5"), "no_change"),
        (Decimal("4.5"), 5, "lower", Decimal("0.5"), "no_change"),
        (Decimal("5.6"), 5, "higher", Decimal("0.5"), "improving"),
        (Decimal("5.6"), 5, "none", Decimal("0.5"), "up"),
        (5, 4, "higher", None, "improving"),
        # Missing or suppressed on either side.
        (None, 4, "higher", 0, "not_comparable"),
        (5, None, "lower", 0, "not_comparable"),
        (C, 4, "higher", 0, "not_comparable"),
        (5, X, "none", 0, "not_comparable"),
        (None, None, "none", 0, "not_comparable"),
        # Zero is a value, not a missing one.
        (0, 3, "lower", 0, "improving"),
        (0, 0, "higher", 0, "no_change"),
    ],
)
def test_direction_of_travel(current, previous, polarity, threshold, expected):
    assert direction(current, previous, polarity=polarity, threshold=threshold) == expected


@pytest.mark.parametrize(
    ("current", "previous", "unit", "expected"),
    [
        (Decimal("22.41"), Decimal("22.44"), "percent", "no_change"),  # both shown as 22.4%
        (Decimal("22.41"), Decimal("22.44"), None, "worsening"),
        (Decimal("22.46"), Decimal("22.44"), "percent", "improving"),
    ],
)
def test_direction_with_a_unit_agrees_with_the_figures_shown(current, previous, unit, expected):
    assert direction(current, previous, polarity="higher", unit=unit) == expected


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"threshold": -1}, "threshold cannot be negative"), ({"polarity": "sideways"}, "Unknown polarity")],
)
def test_direction_refuses_bad_settings(arguments, message):
    with pytest.raises(ValueError, match=message):
        direction(None, None, **({"polarity": "higher"} | arguments))


@pytest.mark.parametrize(
    ("movement", "polarity", "label"),
    [
        ("improving", "higher", "Improving ↑"),
        ("improving", "lower", "Improving ↓"),
        ("worsening", "higher", "Worse ↓"),
        ("worsening", "lower", "Worse ↑"),
        ("up", "none", "Up ↑"),
        ("down", "none", "Down ↓"),
        ("no_change", "higher", "No change"),
        ("no_change", "none", "No change"),
        ("not_comparable", "lower", "Not comparable"),
        ("not_comparable", "none", "Not comparable"),
    ],
)
def test_direction_in_words_with_an_arrow(movement, polarity, label):
    assert direction_label(movement, polarity=polarity) == label


@pytest.mark.parametrize("polarity", ["higher", "lower", "none"])
@pytest.mark.parametrize(("current", "previous"), [(5, 4), (4, 5), (4, 4)])
def test_the_arrow_always_shows_which_way_the_value_went(polarity, current, previous):
    label = direction_label(direction(current, previous, polarity=polarity), polarity=polarity)
    assert ("↑" in label) == (current > previous)
    assert ("↓" in label) == (current < previous)


@pytest.mark.parametrize(
    ("movement", "polarity"),
    [("improving", "none"), ("worsening", "none"), ("sideways", "higher"), ("up", "diagonal")],
)
def test_direction_label_refuses_what_cannot_be(movement, polarity):
    with pytest.raises(ValueError):
        direction_label(movement, polarity=polarity)


# Comparison with England, region and statistical neighbours -------------------------------------------


@pytest.mark.parametrize(
    ("value", "comparator", "polarity", "band", "expected"),
    [
        (25, 20, "higher", 1, "better"),
        (Decimal("20.5"), 20, "higher", 1, "similar"),
        (21, 20, "higher", 1, "similar"),
        (19, 20, "higher", 1, "similar"),
        (Decimal("18.9"), 20, "higher", 1, "worse"),
        (Decimal("21.1"), 20, "higher", 1, "better"),
        (18, 20, "lower", 1, "better"),
        (22, 20, "lower", 1, "worse"),
        (21, 20, "lower", 1, "similar"),
        (20, 20, "higher", 0, "similar"),
        (Decimal("20.1"), 20, "higher", 0, "better"),
        (Decimal("20.1"), 20, "lower", None, "worse"),
        (25, 20, "none", 1, "higher"),
        (15, 20, "none", 1, "lower"),
        (Decimal("20.5"), 20, "none", 1, "similar"),
        (None, 20, "higher", 1, None),
        (20, None, "higher", 1, None),
        (C, 20, "lower", 1, None),
        (20, Suppressed("u"), "none", 1, None),
        (0, 0, "lower", 0, "similar"),
    ],
)
def test_compare_with_a_comparator(value, comparator, polarity, band, expected):
    assert compare(value, comparator, polarity=polarity, similar_band=band) == expected


def test_compare_with_a_unit_compares_the_figures_shown():
    assert compare(Decimal("22.44"), Decimal("22.36"), polarity="higher", unit="percent") == "similar"
    assert compare(Decimal("22.44"), Decimal("22.36"), polarity="higher") == "better"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"similar_band": -1}, "similar band cannot be negative"), ({"polarity": "big"}, "Unknown polarity")],
)
def test_compare_refuses_bad_settings(arguments, message):
    with pytest.raises(ValueError, match=message):
        compare(1, 1, **({"polarity": "higher"} | arguments))


@pytest.mark.parametrize(
    ("polarity", "band", "unit", "text"),
    [
        (
            "higher",
            1,
            "percent",
            "Better means higher. Within 1.0 percentage point of the comparator counts as similar.",
        ),
        (
            "lower",
            Decimal("0.5"),
            "percent",
            "Better means lower. Within 0.5 percentage points of the comparator counts as similar.",
        ),
        (
            "lower",
            2,
            "percent",
            "Better means lower. Within 2.0 percentage points of the comparator counts as similar.",
        ),
        (
            "higher",
            0.25,
            "percent",
            "Better means higher. Within 0.25 percentage points of the comparator counts as similar.",
        ),
        (
            "lower",
            5,
            "rate_per_10000",
            "Better means lower. Within 5.0 per 10,000 children of the comparator counts as similar.",
        ),
        ("lower", 1, "days", "Better means lower. Within 1 day of the comparator counts as similar."),
        ("lower", 3, "days", "Better means lower. Within 3 days of the comparator counts as similar."),
        ("higher", 10, "count", "Better means higher. Within 10 of the comparator counts as similar."),
        ("higher", 1500, "count", "Better means higher. Within 1,500 of the comparator counts as similar."),
        ("higher", Decimal("0.05"), "ratio", "Better means higher. Within 0.05 of the comparator counts as similar."),
        (
            "none",
            1,
            "percent",
            "Higher or lower is neither better nor worse for this indicator. "
            "Within 1.0 percentage point of the comparator counts as similar.",
        ),
        ("higher", 0, "percent", "Better means higher. Only the same figure as the comparator counts as similar."),
        ("lower", None, "count", "Better means lower. Only the same figure as the comparator counts as similar."),
    ],
)
def test_the_comparison_rule_as_written_on_the_page(polarity, band, unit, text):
    assert comparison_rule_text(polarity, band, unit) == text


@pytest.mark.parametrize(
    ("polarity", "band", "unit"),
    [("higher", -1, "percent"), ("higher", 1, "miles"), ("upwards", 1, "percent")],
)
def test_the_comparison_rule_refuses_bad_settings(polarity, band, unit):
    with pytest.raises(ValueError):
        comparison_rule_text(polarity, band, unit)


@pytest.mark.parametrize(
    ("polarity", "text"),
    [
        ("higher", "Higher is better."),
        ("lower", "Lower is better."),
        ("none", "Neither higher nor lower is better in itself."),
    ],
)
def test_what_better_means_in_words(polarity, text):
    assert polarity_text(polarity) == text


@pytest.mark.parametrize(
    ("text", "polarity"),
    [("High", "higher"), ("Low", "lower"), ("-", "none"), (" high ", "higher"), ("", "none"), (None, "none")],
)
def test_lait_polarity_in_our_words(text, polarity):
    assert polarity_from_lait(text) == polarity


def test_an_unknown_lait_polarity_is_refused():
    with pytest.raises(ValueError, match="Unknown LAIT polarity"):
        polarity_from_lait("Medium")


@pytest.mark.skipif(not (DFE_DIR / "lait_dictionary_key_measures.csv").exists(), reason="LAIT dictionary not found")
def test_every_polarity_in_the_real_lait_dictionary_is_understood():
    with (DFE_DIR / "lait_dictionary_key_measures.csv").open(encoding="utf-8-sig", newline="") as handle:
        found = {row["Polarity"]: polarity_from_lait(row["Polarity"]) for row in csv.DictReader(handle)}
    assert found == {"High": "higher", "Low": "lower", "-": "none"}


# Rank among statistical neighbours -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "others", "polarity", "expected"),
    [
        (30, [10, 20, 40, 50], "higher", (3, 5)),
        (30, [10, 20, 40, 50], "lower", (3, 5)),
        (50, [10, 20, 40], "higher", (1, 4)),
        (10, [10, 20, 40], "higher", (3, 4)),  # tied last: both share 3rd
        (10, [10, 20, 40], "lower", (1, 4)),  # tied first: both share 1st
        (20, [20, 30, 10], "higher", (2, 4)),
        (20, [20, 20, 10], "higher", (1, 4)),
        (30, [None, C, Suppressed("<5"), 20], "higher", (1, 2)),  # missing neighbours are not counted
        (30, [], "higher", None),  # no neighbours: nothing to rank among, not "1st of 1"
        (30, [None, C], "higher", None),  # no neighbour has a figure
        (0, [1, 2], "lower", (1, 3)),
        (None, [10, 20], "higher", None),
        (C, [10, 20], "higher", None),
        (30, [10, 20], "none", None),
    ],
)
def test_rank_among_statistical_neighbours(value, others, polarity, expected):
    assert rank(value, others, polarity=polarity) == expected


def test_ties_share_the_better_rank_across_a_whole_group():
    values = [50, 40, 40, 30, 30, 30, 10]
    positions = [rank(v, values[:i] + values[i + 1 :], polarity="higher").position for i, v in enumerate(values)]
    assert positions == [1, 2, 2, 4, 4, 4, 7]


def test_rank_is_a_pair_that_unpacks_and_takes_any_iterable():
    position, out_of = rank(Decimal("22.4"), (v for v in [Decimal("21.0"), Decimal("23.9")]), polarity="lower")
    assert (position, out_of) == (2, 3)
    assert isinstance(rank(1, [2], polarity="higher"), Rank)


def test_rank_with_a_unit_treats_figures_shown_alike_as_tied():
    assert rank(Decimal("22.36"), [Decimal("22.44")], polarity="higher", unit="percent") == (1, 2)
    assert rank(Decimal("22.36"), [Decimal("22.44")], polarity="higher") == (2, 2)


def test_rank_refuses_an_unknown_polarity():
    with pytest.raises(ValueError):
        rank(None, [], polarity="best")
    with pytest.raises(ValueError):
        rank_reason(None, [], polarity="best")


@pytest.mark.parametrize(
    ("value", "others", "polarity", "reason"),
    [
        (30, [10, 20], "higher", ""),
        (30, [10, 20], "none", judgements.NO_POLARITY),
        (None, [10, 20], "higher", judgements.NO_OWN_FIGURE),
        (C, [10, 20], "higher", judgements.OWN_FIGURE_WITHHELD),
        (30, [], "higher", judgements.NO_NEIGHBOURS),
        (30, [None, C, X], "lower", judgements.NO_NEIGHBOUR_FIGURES),
        (None, [], "none", judgements.NO_POLARITY),  # the first reason that applies
    ],
)
def test_rank_reason_says_why_there_is_no_rank_and_nothing_when_there_is_one(value, others, polarity, reason):
    assert rank_reason(value, others, polarity=polarity) == reason
    assert (rank(value, others, polarity=polarity) is None) == bool(reason)


# Quartile in England ---------------------------------------------------------------------------------------

EIGHT = list(range(1, 9))  # quartile edges 2.75, 4.5 and 6.25


@pytest.mark.parametrize(
    ("value", "lower_is_better", "higher_is_better"),
    [
        (1, 1, 4),
        (2, 1, 4),
        (Decimal("2.75"), 1, 4),  # on an edge: in the band below it, as LAIT bands it
        (3, 2, 3),
        (Decimal("4.5"), 2, 3),
        (5, 3, 2),
        (Decimal("6.25"), 3, 2),
        (7, 4, 1),
        (8, 4, 1),
    ],
)
def test_quartile_bands_by_the_25th_50th_and_75th_percentiles(value, lower_is_better, higher_is_better):
    assert quartile(value, EIGHT, polarity="lower", authorities=8) == lower_is_better
    assert quartile(value, EIGHT, polarity="higher", authorities=8) == higher_is_better


def test_quartile_edges_are_the_linearly_interpolated_percentiles_lait_uses():
    assert quartile_thresholds(EIGHT) == (Decimal("2.75"), Decimal("4.5"), Decimal("6.25"))
    generator = random.Random(3)
    for size in (4, 5, 6, 7, 150, 153):
        values = [Decimal(generator.randint(0, 1000)) / 10 for _ in range(size)]
        expected = statistics.quantiles(values, n=4, method="inclusive")
        assert list(quartile_thresholds(values)) == expected


@pytest.mark.parametrize(
    ("value", "all_values", "polarity", "expected"),
    [
        (1, [1, 2, 3], "lower", None),  # fewer than four authorities: no quartiles
        (1, [1, 2, 3, C], "lower", None),  # four known, but only three figures to band
        (1, [1, 2, 3, 4], "lower", 1),
        (2, [1, 2, 3, 4], "lower", 2),
        (3, [1, 2, 3, 4], "lower", 3),
        (4, [1, 2, 3, 4], "lower", 4),
        (4, [1, 2, 3, 4, X], "higher", 1),
        (None, EIGHT, "lower", None),
        (C, EIGHT, "higher", None),
        (5, EIGHT, "none", None),
        (100, EIGHT, "higher", 1),  # a value need not be among all_values to be banded
        (5, [5, 5, 5, 5], "lower", 1),
        (5, [5, 5, 5, 5], "higher", 4),  # LAIT puts a value on every edge in the band below
    ],
)
def test_quartile_edge_cases(value, all_values, polarity, expected):
    # Every authority there is has a figure here, or one withheld.
    assert quartile(value, all_values, polarity=polarity, authorities=len(all_values)) == expected


def test_quartile_of_152_authorities_puts_about_a_quarter_in_each_band():
    values = list(range(152))
    bands = [quartile(v, values, polarity="higher", authorities=152) for v in values]
    assert [bands.count(band) for band in (1, 2, 3, 4)] == [38, 38, 38, 38]
    assert bands[-1] == 1 and bands[0] == 4


def test_quartile_with_a_unit_bands_the_figures_shown():
    values = [Decimal("10.04"), Decimal("20.0"), Decimal("30.0"), Decimal("40.0")]
    # As shown (10.0, 20.0, 30.0, 40.0) the first edge is 17.5, and 17.54 shows as 17.5: on the edge, band 1.
    assert quartile(Decimal("17.54"), values, polarity="lower", unit="percent", authorities=4) == 1
    # Unrounded, the first edge is 17.51 and 17.54 is above it.
    assert quartile(Decimal("17.54"), values, polarity="lower", authorities=4) == 2


def test_quartile_refuses_an_unknown_polarity():
    with pytest.raises(ValueError):
        quartile(1, EIGHT, polarity="upper", authorities=8)
    with pytest.raises(ValueError):
        quartile_reason(1, EIGHT, polarity="upper", authorities=8)


def test_no_quartile_from_the_21_authorities_of_a_lait_extract():
    extract = list(range(21))
    assert quartile(10, extract, polarity="higher", authorities=153) is None
    assert quartile_reason(10, extract, polarity="higher", authorities=153) == judgements.TOO_FEW_AUTHORITIES


@pytest.mark.parametrize(("known", "banded"), [(153, True), (138, True), (137, False), (21, False), (0, False)])
def test_a_quartile_needs_figures_for_nine_in_ten_of_englands_authorities(known, banded):
    # 90% of 153 is 137.7: 138 authorities are enough, 137 are not.
    values = list(range(known))
    assert covers_england(known, 153) is banded
    assert (quartile(50, values, polarity="lower", authorities=153) is not None) is banded


def test_a_withheld_figure_counts_as_known_when_deciding_whether_england_is_covered():
    withheld = [*range(130), *[C] * 10]  # 140 of 153 known, 130 of them with a figure
    missing = [*range(130), *[None] * 10]  # 130 of 153 known
    assert judgements.known_authorities(withheld) == 140
    assert quartile(50, withheld, polarity="lower", authorities=153) is not None
    assert quartile(50, missing, polarity="lower", authorities=153) is None


@pytest.mark.parametrize(
    ("value", "polarity", "reason"),
    [
        (5, "lower", ""),
        (5, "none", judgements.NO_POLARITY),
        (None, "lower", judgements.NO_OWN_FIGURE),
        (C, "lower", judgements.OWN_FIGURE_WITHHELD),
    ],
)
def test_quartile_reason_says_why_there_is_no_quartile(value, polarity, reason):
    assert quartile_reason(value, EIGHT, polarity=polarity, authorities=8) == reason
    assert (quartile(value, EIGHT, polarity=polarity, authorities=8) is None) == bool(reason)


def test_a_quartile_with_no_authorities_in_england_is_refused_rather_than_divided_by_zero():
    assert not covers_england(0, 0)
    assert quartile(1, EIGHT, polarity="lower", authorities=0) is None


# Our local figure against our published one ----------------------------------------------------------------


def test_a_relative_tolerance_is_a_percentage_of_the_published_figure():
    found = divergence(
        Decimal("149.0"), Decimal("186.5"), tolerance=10, tolerance_kind="relative", unit="rate_per_10000"
    )
    assert found.difference == Decimal("-37.5")
    assert found.percent.quantize(Decimal("0.1")) == Decimal("20.1")
    assert found.beyond
    assert not divergence(180, Decimal("186.5"), tolerance=10, tolerance_kind="relative").beyond


def test_an_absolute_tolerance_is_in_the_indicators_unit_and_only_more_than_it_is_beyond():
    assert divergence(Decimal("22.8"), Decimal("26.4"), tolerance=3, tolerance_kind="absolute", unit="percent").beyond
    exactly = divergence(Decimal("23.4"), Decimal("26.4"), tolerance=3, tolerance_kind="absolute", unit="percent")
    assert exactly.difference == Decimal("-3.0") and not exactly.beyond


def test_a_divergence_is_judged_at_the_precision_shown():
    # 20.04% and 20.0% are both shown as 20.0%: no difference.
    found = divergence(Decimal("20.04"), Decimal("20.0"), tolerance=0, tolerance_kind="absolute", unit="percent")
    assert found.difference == 0 and not found.beyond


def test_against_a_published_zero_any_difference_is_beyond_a_relative_tolerance():
    assert divergence(1, 0, tolerance=10, tolerance_kind="relative").beyond
    assert divergence(1, 0, tolerance=10, tolerance_kind="relative").percent is None
    assert not divergence(0, 0, tolerance=10, tolerance_kind="relative").beyond


@pytest.mark.parametrize(("local", "published"), [(None, 5), (5, None), (C, 5), (5, C)])
def test_no_divergence_without_both_figures(local, published):
    assert divergence(local, published, tolerance=10) is None


def test_divergence_refuses_an_unknown_kind_or_a_negative_tolerance():
    with pytest.raises(ValueError):
        divergence(1, 2, tolerance=10, tolerance_kind="percent")
    with pytest.raises(ValueError):
        divergence(1, 2, tolerance=-1)


# Rates and percentages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "per", "expected"),
    [
        (33, 1000, 10_000, Decimal(330)),
        (3301, 100_000, 10_000, Decimal("330.1")),
        (0, 500, 10_000, Decimal(0)),
        (12, 10, 10_000, Decimal(12000)),  # a rate may count events, so it is not capped
        (5, 1000, 1000, Decimal(5)),
        (5, 0, 10_000, None),
        (0, 0, 10_000, None),
        (None, 100, 10_000, None),
        (5, None, 10_000, None),
        (C, 100, 10_000, None),
        (5, X, 10_000, None),
    ],
)
def test_rate_per(numerator, denominator, per, expected):
    assert rate_per(numerator, denominator, per) == expected


def test_rates_and_percentages_agree_with_dfes_published_figures():
    # England, 2025: 81,770 children looked after of 12,183,016 children, published as 67 per 10,000; 632,830
    # referrals of which 142,900 were re-referrals, published as 22.6%.
    assert rate_per(81770, 12183016).quantize(Decimal(1)) == Decimal(67)
    assert round_for_display(percentage(142900, 632830), "percent") == Decimal("22.6")


def test_rate_per_is_per_10000_unless_told_otherwise():
    assert rate_per(33, 1000) == Decimal(330)
    assert round_for_display(rate_per(1, 3), "rate_per_10000") == Decimal("3333.3")


@pytest.mark.parametrize(
    ("numerator", "denominator", "per", "message"),
    [
        (-1, 100, 10_000, "numerator cannot be negative"),
        (1, -100, 10_000, "denominator cannot be negative"),
        (1, 100, 0, "positive number"),
        (1, 100, -10_000, "positive number"),
        (1, 100, None, "positive number"),
    ],
)
def test_rate_per_refuses_negative_figures(numerator, denominator, per, message):
    with pytest.raises(ValueError, match=message):
        rate_per(numerator, denominator, per)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (1, 4, Decimal(25)),
        (0, 10, Decimal(0)),
        (10, 10, Decimal(100)),
        (5, 0, None),
        (0, 0, None),
        (None, 10, None),
        (1, None, None),
        (C, 10, None),
        (1, Suppressed("c"), None),
    ],
)
def test_percentage(numerator, denominator, expected):
    assert percentage(numerator, denominator) == expected


@pytest.mark.parametrize(
    ("numerator", "denominator", "message"),
    [
        (11, 10, r"The numerator \(11\) cannot be larger than the denominator \(10\) for a percentage\."),
        (1500, 1200, r"The numerator \(1,500\) cannot be larger than the denominator \(1,200\)"),
        (-1, 10, "numerator cannot be negative"),
        (1, -10, "denominator cannot be negative"),
    ],
)
def test_percentage_refuses_impossible_figures_with_a_clear_message(numerator, denominator, message):
    with pytest.raises(ValueError, match=message):
        percentage(numerator, denominator)


# Typed values ---------------------------------------------------------------------------------------------

NOT_A_PERCENTAGE = "Enter a percentage as a number, like 22.4"
OUT_OF_RANGE = "Enter a percentage between 0 and 100"
NOT_A_COUNT = "Enter a count as a whole number, like 1,234"
NEGATIVE_COUNT = "Enter a count of 0 or more"
WHOLE = "Enter a whole number"


@pytest.mark.parametrize(
    ("value", "unit", "messages"),
    [
        ("22.4", "percent", []),
        ("22.4%", "percent", []),
        (" 22.4 % ", "percent", []),
        ("0", "percent", []),
        ("100", "percent", []),
        ("100.0", "percent", []),
        ("100.1", "percent", [OUT_OF_RANGE]),
        ("-1", "percent", [OUT_OF_RANGE]),
        ("abc", "percent", [NOT_A_PERCENTAGE]),
        ("22.4.1", "percent", [NOT_A_PERCENTAGE]),
        ("NaN", "percent", [NOT_A_PERCENTAGE]),
        ("Infinity", "percent", [NOT_A_PERCENTAGE]),
        ("%", "percent", []),
        ("c", "percent", [NOT_A_PERCENTAGE]),
        ("", "percent", []),
        ("   ", "count", []),
        (None, "days", []),
        ("1,234", "count", []),
        ("1 234", "count", []),
        ("12.0", "count", []),
        ("12.5", "count", [WHOLE]),
        ("-3", "count", [NEGATIVE_COUNT]),
        ("-3.5", "count", [NEGATIVE_COUNT, WHOLE]),
        ("22.4%", "count", [NOT_A_COUNT]),
        ("many", "count", [NOT_A_COUNT]),
        ("330.1", "rate_per_10000", []),
        ("20,000", "rate_per_10000", []),
        ("-1", "rate_per_10000", ["Enter a rate of 0 or more"]),
        ("x", "rate_per_10000", ["Enter a rate per 10,000 children as a number, like 330.1"]),
        ("12", "days", []),
        ("12.5", "days", []),
        ("-1", "days", ["Enter a number of days of 0 or more"]),
        ("soon", "days", ["Enter a number of days, like 12"]),
        ("0.85", "ratio", []),
        ("2.5", "ratio", []),
        ("-0.1", "ratio", ["Enter a ratio of 0 or more"]),
        ("?", "ratio", ["Enter a ratio as a number, like 0.85"]),
        (22.4, "percent", []),
        (Decimal("101"), "percent", [OUT_OF_RANGE]),
        (3, "count", []),
        (-3, "count", [NEGATIVE_COUNT]),
        (Decimal("2.5"), "count", [WHOLE]),
        (True, "count", [NOT_A_COUNT]),
        (float("nan"), "percent", [NOT_A_PERCENTAGE]),
        (C, "percent", [NOT_A_PERCENTAGE]),
    ],
)
def test_validate_value_says_what_to_enter(value, unit, messages):
    assert validate_value(value, unit) == messages


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("1,234", "count", Decimal(1234)),
        ("22.4%", "percent", Decimal("22.4")),
        ("-0", "days", Decimal(0)),
        ("", "percent", None),
        (None, "percent", None),
        (0.85, "ratio", Decimal("0.85")),
    ],
)
def test_clean_value_gives_the_number_to_save(value, unit, expected):
    assert clean_value(value, unit) == expected


def test_clean_value_raises_a_value_error_carrying_every_message():
    with pytest.raises(InvalidValue) as caught:
        clean_value("-3.5", "count")
    assert isinstance(caught.value, ValueError)
    assert caught.value.messages == [NEGATIVE_COUNT, WHOLE]
    assert str(caught.value) == f"{NEGATIVE_COUNT}; {WHOLE}"


@pytest.mark.parametrize("function", [validate_value, clean_value])
def test_an_unknown_unit_is_a_programming_error_not_a_user_message(function):
    with pytest.raises(ValueError, match="Unknown unit"):
        function("1", "stones")
