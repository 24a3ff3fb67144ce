"""What the scorecard says about each indicator, built once for the page, the PDF and the downloads."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cscp.models import Meeting, Partnership
from scorecards import services
from scorecards.caching import figures_stamp
from scorecards.entry import entry_rows, missing_for_officer
from scorecards.generation import report_generate
from scorecards.models import Challenge, ComparatorValue, Indicator, IndicatorValue, Milestone, ScorecardReport
from scorecards.periods import MONTHLY, Period
from scorecards.registry import _needing_my_figures, _red_this_period, _scorecard_exceptions, _scorecard_summary
from scorecards.reports import DETAILS_PER_PAGE, indicator_context, paginate_details, present, scorecard_context
from scorecards.snapshots import freeze, scorecard_figures, thaw
from tests.scorecards.pages_helpers import (
    build_scorecard,
    empty_scorecard,
    last_month,
    published_figure,
    simple_indicator,
)

MONTH = last_month()


@pytest.fixture
def red_indicator(partnership):
    scorecard = empty_scorecard(owner_group=partnership.business)
    indicator = simple_indicator(
        "TIME01",
        scorecard=scorecard,
        officer=partnership["officer"],
        values={
            MONTH.key: 70,
            MONTH.previous().key: 75,
            MONTH.same_period_last_year().key: 80,
        },
        target=85,
        tolerance=5,
    )
    return scorecard, indicator


def view_for(scorecard, code, period=MONTH, filters=None):
    context = scorecard_context(scorecard, period, filters or {})
    return next(view for view in context["indicators"] if view.data.code == code)


def test_an_indicator_worse_than_its_target_by_more_than_the_tolerance_is_red(red_indicator):
    scorecard, _ = red_indicator
    view = view_for(scorecard, "TIME01")
    assert view.rag == {"status": "red", "text": "Red: off target", "css": "govuk-tag--red"}
    assert view.value_text == "70.0%"
    assert view.target_text == "85.0%"
    assert view.needs_commentary


def test_the_direction_of_travel_is_in_words_with_an_arrow_against_both_earlier_periods(red_indicator):
    scorecard, _ = red_indicator
    view = view_for(scorecard, "TIME01")
    assert view.direction_previous == "Worse ↓"
    assert view.direction_year == "Worse ↓"
    assert view.previous_label == MONTH.previous().label
    assert view.year_label == MONTH.same_period_last_year().label
    assert f"Since {MONTH.previous().label}: Worse ↓." in view.headline


def test_what_better_means_and_the_comparison_rule_are_stated_for_each_indicator(red_indicator):
    scorecard, indicator = red_indicator
    indicator.similar_band = Decimal("1")
    indicator.save()
    view = view_for(scorecard, "TIME01")
    assert view.polarity_text == "Higher is better."
    assert view.comparison_rule == (
        "Better means higher. Within 1.0 percentage point of the comparator counts as similar."
    )


def test_a_milestone_is_what_the_period_is_rated_against(red_indicator):
    scorecard, indicator = red_indicator
    Milestone.objects.create(indicator=indicator, period_key=MONTH.key, value=Decimal("68"))
    view = view_for(scorecard, "TIME01")
    assert view.rag["status"] == "green"
    assert "a milestone of 68.0% for the period, which it is rated against" in view.headline


def test_an_indicator_with_no_better_direction_is_not_rated_and_moves_up_or_down(partnership):
    scorecard = empty_scorecard()
    simple_indicator(
        "REF01", scorecard=scorecard, unit="count", polarity="none", values={MONTH.key: 420, MONTH.previous().key: 400}
    )
    view = view_for(scorecard, "REF01")
    assert view.rag["text"] == "Not rated"
    assert view.direction_previous == "Up ↑"
    assert view.polarity_text == "Neither higher nor lower is better in itself."


def test_the_past_year_is_in_detail_and_earlier_years_by_quarter(red_indicator):
    scorecard, indicator = red_indicator
    quarter = Period.for_quarter(MONTH.offset(-11).year - 2, 1)
    for month in quarter.months:
        IndicatorValue.objects.create(indicator=indicator, period_key=month.key, value=Decimal("60"))
    view = view_for(scorecard, "TIME01")
    assert len(view.recent) == 12
    assert view.recent[-1].period == MONTH and view.recent[-1].value_text == "70.0%"
    assert view.recent[0].value_text == "No data"
    assert view.earlier_years[0] == (quarter.financial_year_label, ["60.0%", "No data", "No data", "No data"])
    assert view.earlier_text.startswith(f"{quarter.financial_year_label}: Q1 60.0%, Q2 No data")


def test_comparators_are_judged_against_our_published_figure_for_the_same_year(partnership):
    scorecard = build_scorecard(1, months=14)
    view = view_for(scorecard, "IND001")
    year = Period.for_financial_year(MONTH.year - 1).financial_year_label
    # Ours 77 (published), England 80, North West 79: higher is better, within 1 point is similar.
    rows = {row.label: (row.value_text, row.judgement, row.period_label) for row in view.comparators}
    assert rows["Ours (published)"] == ("77.0%", "", year)
    assert rows["England"] == ("80.0%", "Worse", year)
    assert rows["North West"] == ("79.0%", "Worse", year)
    assert rows["Neighbours' average"][1] == "Similar"
    assert view.compared_with == f"our published figure for {year} (77.0%)"
    assert view.rank_text == "5th of 10"
    # Ten authorities, not England's 153: no quartile, and the page says why.
    assert view.quartile_text == f"No quartile: figures for {year} are held for only 10 of England's 153 authorities"
    assert "England 80.0% (ours is worse)" in view.comparators_text
    assert "rank among statistical neighbours 5th of 10" in view.comparators_text


def test_a_withheld_published_figure_is_said_in_words_and_explained(partnership):
    scorecard = build_scorecard(1, months=14)
    ComparatorValue.objects.filter(area__code="E92000001").update(value=None, symbol="c")
    view = view_for(scorecard, "IND001")
    england = next(row for row in view.comparators if row.label == "England")
    assert england.value_text == "Not published (small number)"
    assert england.judgement == ""  # not compared: the reason is in the key below
    assert "England Not published (small number);" in view.comparators_text
    assert "(ours is" not in view.comparators_text.split(";")[1]
    assert any("confidentiality" in note for note in view.suppression_notes)


def test_the_chart_names_the_target_and_comparators_and_a_data_table_stands_behind_it(partnership):
    scorecard = build_scorecard(1, months=14)
    view = view_for(scorecard, "IND001")
    assert "Target: 85.0%" in view.chart
    assert "England: 80.0%" in view.chart
    assert "<title" in view.chart and "<desc" in view.chart
    html = render_to_string("scorecards/_indicator_section.html", {"view": view})
    assert "Show the data behind this chart" in html
    assert html.count('<th scope="row" class="govuk-table__header">') >= 12


def test_filters_pick_the_indicators_shown(partnership):
    scorecard = build_scorecard(5, months=14)
    red = scorecard_context(scorecard, MONTH, {"rag": "red"})["indicators"]
    assert red and all(view.rag["status"] == "red" for view in red)
    unrated = scorecard_context(scorecard, MONTH, {"rag": "none"})["indicators"]
    assert {view.data.code for view in unrated} == {"IND003", "IND004"}
    assert scorecard_context(scorecard, MONTH, {"area": "outcomes"})["indicators"] == []


def _queries_for(scorecard) -> int:
    with CaptureQueriesContext(connection) as queries:
        context = scorecard_context(scorecard, MONTH, {})
        render_to_string("scorecards/_scorecard_body.html", context)
    return len(queries)


def test_the_context_takes_the_same_queries_for_10_and_150_indicators(partnership):
    Partnership.load()  # its first read creates the settings row
    small = build_scorecard(10, months=24, slug="small", name="Small", code_prefix="S")
    large = build_scorecard(150, months=24, slug="large", name="Large", code_prefix="L")
    assert _queries_for(small) == _queries_for(large) == 14


def test_frozen_figures_thaw_to_the_same_scorecard(partnership):
    scorecard = build_scorecard(3, months=14)
    services.commentary_save(
        actor=partnership["admin"], indicator=Indicator.objects.get(code="IND001"), period=MONTH, text="Recovering."
    )
    indicator = Indicator.objects.get(code="IND001")
    Challenge.objects.create(indicator=indicator, period_key=MONTH.key, text="Why?", author=partnership["business"])
    figures = scorecard_figures(scorecard, MONTH, {})
    frozen = json.loads(json.dumps(freeze(figures)))
    today = datetime.date(2026, 1, 1)
    live = render_to_string("scorecards/_scorecard_body.html", present(figures, report_date=today))
    again = render_to_string("scorecards/_scorecard_body.html", present(thaw(frozen), report_date=today))
    assert live == again
    assert "Recovering." in again


def test_a_report_frozen_before_ranks_said_why_still_reads_as_it_did(partnership):
    scorecard = build_scorecard(1, months=14)
    frozen = json.loads(json.dumps(freeze(scorecard_figures(scorecard, MONTH, {}))))
    # As the report was frozen before `ours`, the reasons and the local figure were kept, with the quartile the
    # scorecard then gave from whatever authorities it held.
    for row in frozen["data"]["indicators"]:
        for name in (
            "ours",
            "sn_rank_reason",
            "quartile_reason",
            "quartile_known",
            "quartile_authorities",
            "local_for_published",
            "divergence_tolerance",
            "divergence_kind",
        ):
            del row[name]
        row["england_quartile"] = 3

    view = present(thaw(frozen))["indicators"][0]

    assert view.rank_text == "5th of 10"
    assert view.quartile_text == "C"
    assert next(row for row in view.comparators if row.is_ours).value_text == "77.0%"
    assert view.compared_with.endswith("(77.0%)")
    assert view.divergence_warning == ""
    render_to_string("scorecards/_scorecard_body.html", present(thaw(frozen)))


def _referrals(partnership, *, local: int, published: int, tolerance=None, kind="relative"):
    """A monthly count added up over the year, with every month of the last published year and its figure."""
    scorecard = empty_scorecard(owner_group=partnership.business)
    year = Period.for_financial_year(MONTH.year - 1)
    months = {month.key: local / 12 for month in year.months} | {MONTH.key: local / 12}
    indicator = simple_indicator("REF01", scorecard=scorecard, unit="count", polarity="none", values=months)
    indicator.aggregation = Indicator.Aggregation.FLOW
    if tolerance is not None:
        indicator.divergence_tolerance, indicator.divergence_kind = Decimal(tolerance), kind
    indicator.save()
    published_figure(indicator, year, published)
    return scorecard, indicator, year


def test_the_scorecard_warns_when_our_local_figure_for_the_year_is_beyond_the_tolerance(partnership):
    scorecard, _, year = _referrals(partnership, local=4800, published=4000)
    label = year.financial_year_label

    context = scorecard_context(scorecard, MONTH, {})
    view = context["indicators"][0]

    assert view.divergence_short == (
        f"Our local figure for {label} is 4,800, our published figure 4,000: 800 apart, more than the tolerance "
        f"(10% of the published figure). Trust the published figure for {label}."
    )
    assert f"For {label}, trust the published figure: it is the validated statutory return." in view.divergence_warning
    assert "a difference of 800 (20.0% of the published figure)" in view.divergence_warning
    body = " ".join(render_to_string("scorecards/_scorecard_body.html", context).split())
    assert "Local and published differ" in body  # the summary row's marker
    assert f"Our local figures make 4,800 for {label}, but our published figure for the same year is 4,000" in body


def test_within_the_indicators_tolerance_there_is_no_warning(partnership):
    scorecard, _, _ = _referrals(partnership, local=4800, published=4000, tolerance=25)
    view = scorecard_context(scorecard, MONTH, {})["indicators"][0]
    assert view.divergence_short == view.divergence_warning == ""


def test_an_absolute_tolerance_is_in_the_indicators_unit(partnership):
    # The same 800 apart, against 500 in the indicator's unit: beyond it.
    scorecard, _, _ = _referrals(partnership, local=4800, published=4000, tolerance=500, kind="absolute")
    view = scorecard_context(scorecard, MONTH, {})["indicators"][0]
    assert "more than the tolerance (500)" in view.divergence_short


def test_the_indicator_page_warns_for_each_year_beyond_the_tolerance_and_says_which_to_trust(partnership):
    _, indicator, year = _referrals(partnership, local=4800, published=4000)

    context = indicator_context(indicator)

    row = next(row for row in context["published_rows"] if row["period"] == year)
    assert (row["local_text"], row["published_text"]) == ("4,800", "4,000")
    assert row["difference"] == "+800 (more than the tolerance)"
    assert [found["period"] for found in context["divergences"]] == [year]
    assert "trust the published figure: it is the validated statutory return" in context["divergences"][0]["warning"]
    assert context["divergence_text"] == (
        "Warn when our local figure for a year is more than 10% of the published figure from our published figure "
        "for it"
    )


def test_our_figure_is_not_ranked_when_no_neighbour_has_a_figure_and_the_page_says_so(partnership):
    scorecard = empty_scorecard()
    indicator = simple_indicator("TIME01", scorecard=scorecard, values={MONTH.key: 70})
    year = Period.for_financial_year(MONTH.year - 1)
    published_figure(indicator, year, 72, others={"england": 80, "neighbours": [None, None]})

    view = view_for(scorecard, "TIME01")

    label = year.financial_year_label
    assert view.rank_text == f"Not ranked: none of our statistical neighbours has a figure for {label}"
    assert view.rank_sentence == (
        f"Not ranked among statistical neighbours: none of our statistical neighbours has a figure for {label}."
    )
    assert view.quartile_text == f"No quartile: figures for {label} are held for none of England's 153 authorities"
    assert "England 80.0% (ours is worse)" in view.comparators_text
    assert "not ranked among statistical neighbours (none of our statistical neighbours has a figure" in (
        view.comparators_text
    )


def test_the_stamp_changes_when_a_figure_changes(red_indicator, partnership):
    _, indicator = red_indicator
    before = figures_stamp()
    assert figures_stamp() == before
    services.indicator_values_save(
        actor=partnership["admin"],
        period=MONTH,
        rows=[{"indicator": indicator, "value": "71", "commentary": "Improving slowly."}],
    )
    assert figures_stamp() != before


def test_details_are_shown_a_page_at_a_time_and_the_summary_links_to_each_page(partnership):
    scorecard = build_scorecard(DETAILS_PER_PAGE + 2, months=13, comparator_years=0)
    context = paginate_details(scorecard_context(scorecard, MONTH, {}), page_number=2, query="rag=red")
    assert [view.data.code for view in context["detail_views"]] == ["IND026", "IND027"]
    assert context["indicators"][0].link == "?rag=red&page=1#indicator-ind001"
    assert context["indicators"][-1].link == "#indicator-ind027"


# The officer's own figures ---------------------------------------------------------------------------------------


def test_the_officer_is_told_which_periods_lack_figures_or_commentary(red_indicator, partnership):
    periods = missing_for_officer(partnership["officer"])
    latest = periods[0]
    assert latest.period == MONTH
    # TIME01 is red this month with no commentary; the months before it have no figures at all.
    assert [i.code for i in latest.missing_commentary] == ["TIME01"]
    assert MONTH.offset(-2) in [entry.period for entry in periods]
    assert missing_for_officer(partnership["chair"]) == []


def test_the_entry_grid_holds_each_indicators_figure_target_and_earlier_figures(red_indicator, partnership):
    rows = entry_rows(partnership["officer"], MONTH)
    assert [row.indicator.code for row in rows] == ["TIME01"]
    row = rows[0]
    assert row.value_text == "70.0%"
    assert row.target_text == "85.0%"
    assert row.rag_tag["status"] == "red"
    assert row.direction_previous == "Worse ↓"
    assert entry_rows(partnership["chair"], MONTH) == []
    assert len(entry_rows(partnership["admin"], MONTH)) == 1


# The indicator page ----------


def test_the_indicator_page_sets_the_published_figure_beside_the_local_ones(partnership):
    build_scorecard(1, months=30)
    indicator = Indicator.objects.get(code="IND001")
    context = indicator_context(indicator)
    year = Period.for_financial_year(MONTH.year - 1)
    row = next(row for row in context["published_rows"] if row["period"] == year)
    assert row["published_text"] == "77.0%"
    assert row["england_text"] == "80.0%"
    assert row["local_text"].endswith("%")
    assert row["difference"]
    assert len(context["history"]) == 30


def test_who_changed_what_lists_entries_corrections_and_commentary(red_indicator, partnership):
    _, indicator = red_indicator
    services.indicator_values_save(
        actor=partnership["officer"],
        period=MONTH,
        rows=[{"indicator": indicator, "value": "72", "commentary": "Two teams short-staffed."}],
    )
    changes = indicator_context(indicator)["changes"]
    words = [change.what for change in changes]
    assert f"Changed the figure for {MONTH.label}: 72.0%" in words
    assert any(what.startswith("Wrote the commentary") for what in words)
    assert changes[0].who in (str(partnership["officer"]), "An import or the system")


# Home and Board pack sections ----------


class _Request:
    def __init__(self, user):
        self.user = user


def test_the_officers_home_section_lists_what_is_missing(red_indicator, partnership):
    section = _needing_my_figures(_Request(partnership["officer"]))
    assert section["missing"][0].period == MONTH
    assert _needing_my_figures(_Request(partnership["chair"])) is None


def test_the_business_groups_home_section_lists_red_indicators(red_indicator, partnership):
    # The home section reads the scorecard's latest complete period, which is MONTH.
    section = _red_this_period(_Request(partnership["business"]))
    assert [view["code"] for view in section["indicators"]] == ["TIME01"]
    assert _red_this_period(_Request(partnership["chair"])) is None


def test_the_scrutineers_home_section_lists_red_indicators_too(red_indicator, partnership):
    section = _red_this_period(_Request(partnership["scrutineer"]))
    assert [view["code"] for view in section["indicators"]] == ["TIME01"]


def test_the_board_pack_shows_the_report_published_before_the_meeting(red_indicator, partnership):
    scorecard, indicator = red_indicator
    report_generate(scorecard=scorecard, period=MONTH)
    # A correction after publication does not change what the Board read.
    IndicatorValue.objects.filter(indicator=indicator, period_key=MONTH.key).update(value=Decimal("90"))
    meeting = Meeting.objects.create(group=partnership.board, date=timezone.localdate() + datetime.timedelta(days=7))
    section = _scorecard_exceptions(meeting=meeting)
    assert section["published"] == ScorecardReport.objects.get()
    assert [view.data.code for view in section["red"]] == ["TIME01"]
    assert section["red"][0].value_text == "70.0%"
    html = render_to_string("scorecards/boardpack/_exceptions.html", {"ctx": section})
    assert "Red: off target" in html and "TIME01: Indicator TIME01" in html
    assert "as published on" in html


def test_the_board_pack_reads_live_figures_when_nothing_was_published(red_indicator, partnership):
    meeting = Meeting.objects.create(group=partnership.board, date=timezone.localdate())
    section = _scorecard_exceptions(meeting=meeting)
    assert section["published"] is None
    assert section["period"] == Period.last_complete(MONTHLY, meeting.date)


def test_the_board_packs_summary_counts_the_ratings_and_says_what_changed_since_the_last_pack(
    red_indicator, partnership
):
    meeting = Meeting.objects.create(group=partnership.board, date=timezone.localdate() + datetime.timedelta(days=7))
    first = _scorecard_summary(meeting=meeting)
    red = next(row for row in first["rows"] if row["status"] == "red")
    assert (red["count"], red["change"], first["compared"]) == (1, None, False)
    assert first["figures"]["rag_counts"]["red"] == 1
    # The next pack compares with the figures the last one stored.
    later = _scorecard_summary(meeting=meeting, previous={"rag_counts": {"red": 3, "amber": 0, "green": 0, "none": 0}})
    red = next(row for row in later["rows"] if row["status"] == "red")
    assert (red["count"], red["change"], later["compared"]) == (1, -2, True)


def test_each_exception_in_the_board_pack_has_its_trend_chart(red_indicator, partnership):
    meeting = Meeting.objects.create(group=partnership.board, date=timezone.localdate() + datetime.timedelta(days=7))
    section = _scorecard_exceptions(meeting=meeting)
    html = render_to_string("scorecards/boardpack/_exceptions.html", {"ctx": section})
    exception = html[html.index("TIME01: Indicator TIME01") :]
    assert "<svg" in exception
