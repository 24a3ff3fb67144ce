"""The trend charts: SVG a screen reader, a PDF and a Content-Security-Policy can all live with."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from scorecards.charts import Line, axis_ticks, sparkline, spread_labels, tick_label, trend_chart
from scorecards.judgements import Suppressed

SVG = "{http://www.w3.org/2000/svg}"

MONTHS = ["Apr 2025", "May 2025", "Jun 2025", "Jul 2025", "Aug 2025", "Sep 2025"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - the SVG is our own output


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def chart(**overrides) -> ET.Element:
    arguments = {
        "series": list(zip(MONTHS, [22.4, 23.0, None, 24.1, Suppressed("c"), 25.5], strict=True)),
        "target_line": Line("Target", 24),
        "comparator_lines": [Line("England", [21.0] * 6), Line("Statistical neighbours", 22.5)],
        "unit": "percent",
        "title": "Re-referrals within 12 months",
        "description": "The percentage of referrals within 12 months of a previous one.",
    }
    arguments.update(overrides)
    return parse(trend_chart(**arguments))


def test_the_chart_is_an_image_with_a_title_and_a_description():
    root = chart()
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Re-referrals within 12 months"
    assert desc.text.startswith("The percentage of referrals within 12 months")
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")


def test_the_chart_scales_with_its_view_box():
    root = chart()
    assert root.get("viewBox").startswith("0 0 ")
    assert root.get("width") == "100%"


def test_the_chart_has_no_style_attributes_scripts_or_outside_links():
    svg = trend_chart(
        list(zip(MONTHS, [1, 2, 3, 4, 5, 6], strict=True)), unit="count", title="Referrals", description="Monthly."
    )
    root = parse(svg)
    for element in root.iter():
        assert "style" not in element.attrib
        assert not element.tag.endswith("script")
        assert not element.tag.endswith("style")
        assert not any("href" in name for name in element.attrib)


def test_every_present_figure_is_a_point_and_missing_ones_are_gaps():
    root = chart()
    dots = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "app-chart__points")
    assert dots.get("data-points") == "Apr 2025: 22.4% May 2025: 23.0% Jul 2025: 24.1% Sep 2025: 25.5%"
    # One circle (two arcs) per figure.
    assert dots.get("d").count("a") == 8
    series = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "app-chart__series")
    # The line breaks off at each gap and starts again after it: one "M" per run of figures.
    assert series.get("d").count("M") == 3


def test_the_description_says_which_periods_have_no_figure():
    assert chart().find(f"{SVG}desc").text.endswith("No figure for Jun 2025 and Aug 2025.")


def test_the_target_and_comparators_are_named_at_their_line_ends_with_their_latest_figures():
    labels = [t for t in texts(chart()) if ":" in t]
    assert "Target: 24.0%" in labels
    assert "England: 21.0%" in labels
    assert "Statistical neighbours: 22.5%" in labels
    assert "Our figure: 25.5%" in labels


def test_the_target_and_comparators_are_told_apart_by_dash_pattern_not_colour_alone():
    root = chart()
    references = [p for p in root.iter(f"{SVG}path") if p.get("class") == "app-chart__reference"]
    dashes = [p.get("stroke-dasharray") for p in references]
    assert len(dashes) == 3 and all(dashes)
    assert len(set(dashes)) == 3


def test_the_value_axis_is_labelled_in_the_indicators_unit():
    words = texts(chart())
    assert "Percentage" in words
    assert any(word.endswith("%") and word[:-1].isdigit() for word in words)


def test_period_labels_are_thinned_when_there_are_many_but_the_latest_is_always_shown():
    months = [f"M{n}" for n in range(1, 25)]
    root = parse(trend_chart(list(zip(months, range(24), strict=True)), unit="count", title="T", description="D."))
    shown = [t for t in texts(root) if t.startswith("M")]
    assert len(shown) <= 8
    assert "M24" in shown


def test_a_chart_with_no_figures_says_so():
    root = parse(trend_chart([("Apr 2025", None)], unit="days", title="Days to assess", description="Median."))
    assert "No figures to show" in texts(root)
    assert root.find(f"{SVG}desc").text.endswith("There are no figures to draw.")


def test_text_is_escaped():
    root = parse(trend_chart([("Q1 <2025>", 3)], unit="count", title="A & B <script>", description="x < y."))
    assert root.find(f"{SVG}title").text == "A & B <script>"
    assert not any(element.tag.endswith("script") for element in root.iter())


def test_a_line_with_the_wrong_number_of_values_is_refused():
    with pytest.raises(ValueError, match="England"):
        trend_chart(
            [("Apr", 1), ("May", 2)], comparator_lines=[Line("England", [1])], unit="count", title="t", description="d"
        )


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unit"):
        trend_chart([("Apr", 1)], unit="furlongs", title="t", description="d")


def test_two_charts_on_one_page_have_different_ids():
    first = chart()
    second = chart(title="Another indicator")
    assert first.get("id") != second.get("id")
    assert parse(trend_chart([("a", 1)], unit="count", title="t", description="d", chart_id="c1")).get("id") == "c1"


@pytest.mark.parametrize(
    ("low", "high", "unit", "expected"),
    [
        ("22.4", "25.5", "percent", ["22", "23", "24", "25", "26"]),
        ("0", "97", "percent", ["0", "25", "50", "75", "100"]),
        ("330.1", "410", "rate_per_10000", ["320", "340", "360", "380", "400", "420"]),
        ("3", "3", "count", ["2", "3", "4"]),
        ("0.8", "0.9", "ratio", ["0.8", "0.825", "0.85", "0.875", "0.9"]),
    ],
)
def test_axis_ticks_are_round_numbers_covering_the_figures(low, high, unit, expected):
    ticks = axis_ticks(Decimal(low), Decimal(high), unit=unit)
    assert [f"{t.normalize():f}" for t in ticks] == expected


def test_counts_never_get_fractional_ticks():
    assert all(t == t.to_integral_value() for t in axis_ticks(Decimal(0), Decimal(2), unit="count"))


def test_tick_labels_are_written_in_the_unit():
    assert tick_label(Decimal(20), unit="percent", step=Decimal(5)) == "20%"
    assert tick_label(Decimal(1200), unit="count", step=Decimal(200)) == "1,200"
    assert tick_label(Decimal("0.825"), unit="ratio", step=Decimal("0.025")) == "0.825"


def test_line_labels_ending_close_together_are_moved_apart_within_the_plot():
    placed = spread_labels([100, 101, 102, 300], gap=15, top=20, bottom=260)
    assert placed[1] - placed[0] >= 15 and placed[2] - placed[1] >= 15
    assert max(placed) <= 260


def test_a_sparkline_names_its_first_and_latest_figures():
    root = parse(sparkline([10, None, 14], unit="count", label="Referrals"))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Referrals: from 10 to 14 (1 period with no figure)"
    assert parse(sparkline([None], unit="count", label="Referrals")).find(f"{SVG}title").text == "Referrals: no figures"
