"""The scorecards data model and its main read, `scorecard_data`.

The builders at the top (`make_indicator`, `add_values`, `make_comparators`) are shared by the other
scorecards data tests.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from scorecards import judgements
from scorecards.models import (
    Area,
    Challenge,
    ChallengeResponse,
    Commentary,
    ComparatorMeasure,
    ComparatorSettings,
    ComparatorValue,
    Indicator,
    IndicatorMapping,
    IndicatorValue,
    Milestone,
    Neighbour,
    NeighbourModel,
    Scorecard,
    ScorecardIndicator,
    ScorecardReport,
    Target,
)
from scorecards.periods import Period
from scorecards.selectors import scorecard_data

D = Decimal


def make_scorecard(name: str = "Main scorecard", **fields) -> Scorecard:
    fields.setdefault("slug", name.lower().replace(" ", "-"))
    return Scorecard.objects.create(name=name, **fields)


def make_indicator(code: str, *, scorecard: Scorecard | None = None, order: int = 0, **fields) -> Indicator:
    fields.setdefault("name", f"Indicator {code}")
    fields.setdefault("unit", judgements.PERCENT)
    fields.setdefault("polarity", judgements.HIGHER)
    fields.setdefault("frequency", "monthly")
    fields.setdefault("area", Indicator.Area.TIMELINESS)
    # From April 2020, so the fixed periods the tests name (2025-04) stay open to figures whenever they run.
    fields.setdefault("first_period", Period.containing(datetime.date(2020, 4, 1), fields["frequency"]).key)
    indicator = Indicator.objects.create(code=code, **fields)
    if scorecard is not None:
        ScorecardIndicator.objects.create(scorecard=scorecard, indicator=indicator, order=order)
    return indicator


def add_values(indicator: Indicator, values: dict[str, object], **fields) -> None:
    for key, value in values.items():
        IndicatorValue.objects.create(indicator=indicator, period_key=key, value=D(str(value)), **fields)


def monthly_keys(last: str, count: int) -> list[str]:
    end = Period.parse(last)
    return [end.offset(step).key for step in range(-(count - 1), 1)]


def make_comparators(indicators: list[Indicator], *, year_key: str = "FY2023-24", neighbours: int = 10) -> dict:
    """England, the North West, a partnership area and `neighbours` neighbours, with a figure each."""
    england = Area.objects.create(code="E92000001", name="England", level=Area.Level.COUNTRY)
    region = Area.objects.create(code="E12000002", name="North West", level=Area.Level.REGION)
    partnership = Area.objects.create(code="PARTNERSHIP", name="The partnership", level=Area.Level.PARTNERSHIP)
    home = Area.objects.create(code="909", new_code="E10000006", name="Cumbria", level=Area.Level.LA, region=region)
    model = NeighbourModel.objects.create(year=2021, name="Statistical neighbours (2021 model)")
    others = []
    for position in range(1, neighbours + 1):
        area = Area.objects.create(code=f"{800 + position}", name=f"Neighbour {position}", level=Area.Level.LA)
        Neighbour.objects.create(model=model, area=home, neighbour=area, position=position)
        others.append(area)
    settings = ComparatorSettings.load()
    settings.region = region
    settings.neighbour_model = model
    settings.neighbours_of = home
    settings.partnership_area = partnership
    settings.save()
    for indicator in indicators:
        measure = ComparatorMeasure.objects.create(
            code=f"m-{indicator.code.lower()}", name=indicator.name, column="x", unit=indicator.unit
        )
        IndicatorMapping.objects.create(indicator=indicator, measure=measure)
        figures = {england: 60, region: 62, partnership: 70, home: 70}
        figures.update({area: 50 + position for position, area in enumerate(others)})
        for area, value in figures.items():
            ComparatorValue.objects.create(measure=measure, area=area, period_key=year_key, value=D(value))
        ComparatorValue.objects.create(measure=measure, area=partnership, period_key="FY2022-23", value=D(65))
    return {"england": england, "region": region, "partnership": partnership, "neighbours": others}


def test_a_value_knows_its_period_dates(db):
    indicator = make_indicator("A1")
    value = IndicatorValue.objects.create(indicator=indicator, period_key="FY2025-26-Q2", value=D(5))
    assert str(value.period_start) == "2025-07-01"
    assert str(value.period_end) == "2025-09-30"


def test_an_indicator_has_one_value_per_period(db):
    indicator = make_indicator("A1")
    add_values(indicator, {"2025-04": 5})
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(indicator=indicator, period_key="2025-04", value=D(6))


def test_a_corrected_value_keeps_the_earlier_one_in_history(db):
    indicator = make_indicator("A1")
    add_values(indicator, {"2025-04": 5})
    value = IndicatorValue.objects.get()
    value.value = D(7)
    value.save()
    assert [entry.value for entry in value.history.order_by("history_date")] == [D(5), D(7)]


def test_a_scorecard_has_one_report_per_period(db):
    scorecard = make_scorecard()
    ScorecardReport.objects.create(scorecard=scorecard, frequency="monthly", period_key="2025-04")
    with pytest.raises(IntegrityError), transaction.atomic():
        ScorecardReport.objects.create(scorecard=scorecard, frequency="monthly", period_key="2025-04")


def test_there_is_only_one_main_scorecard(db):
    make_scorecard("Main", is_main=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_scorecard("Another", is_main=True)


def test_a_target_is_for_one_financial_year(db):
    indicator = make_indicator("A1")
    target = Target.objects.create(indicator=indicator, financial_year=2025, value=D(80))
    assert target.period_key == "FY2025-26"
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(indicator=indicator, financial_year=2025, value=D(81))


# scorecard_data ----------------------------------------------------------------------------------------


def test_scorecard_data_gives_the_past_year_target_milestone_and_judgements(partnership):
    scorecard = make_scorecard()
    indicator = make_indicator(
        "A1", scorecard=scorecard, amber_tolerance=D(5), responsible_officer=partnership["officer"]
    )
    keys = monthly_keys("2025-06", 36)
    add_values(indicator, {key: 60 + position % 10 for position, key in enumerate(keys)})
    Target.objects.create(indicator=indicator, financial_year=2025, value=D(90))
    Milestone.objects.create(indicator=indicator, period_key="2025-06", value=D(70))

    data = scorecard_data(scorecard, period_key="2025-06")

    row = data.indicators[0]
    assert row.period.key == "2025-06"
    assert [point.period.key for point in row.recent] == keys[-12:]
    assert row.current.value == D(65)
    assert row.previous.value == D(64)
    assert row.same_period_last_year.value == D(63)
    assert row.target == D(90)
    assert row.milestone == D(70)
    assert row.rag == judgements.AMBER  # 65 against a milestone of 70, within 5
    assert row.direction_previous == judgements.IMPROVING
    assert row.direction_year == judgements.IMPROVING
    assert row.responsible_officer_name == str(partnership["officer"])
    # Two earlier years as quarters, ending before the past twelve months start.
    assert [point.period.key for point in row.earlier][0] == "FY2022-23-Q1"
    assert row.earlier[-1].period.key == "FY2024-25-Q1"


def test_earlier_quarters_are_rolled_up_from_months_by_the_indicators_aggregation(db):
    scorecard = make_scorecard()
    flow = make_indicator("F1", scorecard=scorecard, unit=judgements.COUNT, aggregation=Indicator.Aggregation.FLOW)
    snapshot = make_indicator("S1", scorecard=scorecard, unit=judgements.COUNT)
    percent = make_indicator("P1", scorecard=scorecard, aggregation=Indicator.Aggregation.FLOW)
    add_values(flow, {"2023-04": 10, "2023-05": 20, "2023-06": 30})
    add_values(snapshot, {"2023-04": 10, "2023-05": 20, "2023-06": 30})
    for key, (numerator, denominator) in {"2023-04": (1, 2), "2023-05": (1, 4), "2023-06": (1, 4)}.items():
        IndicatorValue.objects.create(
            indicator=percent,
            period_key=key,
            value=D(numerator * 100) / denominator,
            numerator=numerator,
            denominator=denominator,
        )

    rows = {row.code: row for row in scorecard_data(scorecard, period_key="2025-06").indicators}

    def quarter(row):
        return next(point for point in row.earlier if point.period.key == "FY2023-24-Q1")

    assert quarter(rows["F1"]).value == D(60)
    assert quarter(rows["S1"]).value == D(30)
    assert quarter(rows["P1"]).value == D("30.0")  # 3 / 10, not the mean of 50, 25 and 25


def test_a_quarterly_indicator_on_a_monthly_scorecard_shows_its_last_complete_quarter(db):
    scorecard = make_scorecard()
    indicator = make_indicator("Q1", scorecard=scorecard, frequency="quarterly")
    add_values(indicator, {"FY2025-26-Q1": 50})

    assert scorecard_data(scorecard, period_key="2025-08").indicators[0].period.key == "FY2025-26-Q1"
    assert scorecard_data(scorecard, period_key="2025-09").indicators[0].period.key == "FY2025-26-Q2"


def test_scorecard_data_gives_the_published_figure_beside_england_region_and_neighbours(db):
    scorecard = make_scorecard()
    indicator = make_indicator("A1", scorecard=scorecard)
    make_comparators([indicator])

    row = scorecard_data(scorecard, period_key="2025-06").indicators[0]

    assert row.published.value == D(70)
    assert row.published.period.key == "FY2023-24"
    assert [point.period.key for point in row.published_series] == ["FY2022-23", "FY2023-24"]
    assert row.comparator_period.key == "FY2023-24"
    assert row.england.value == D(60)
    assert row.region.value == D(62)
    assert [point.area_name for point in row.neighbours][:2] == ["Neighbour 1", "Neighbour 2"]
    assert row.sn_average.value == D("54.5")
    assert row.ours.value == D(70) and row.ours.period.key == "FY2023-24"
    assert row.sn_rank == (1, 11)
    # Cumbria and its ten neighbours are 11 of England's 153 authorities: no quartile from them.
    assert row.england_quartile is None
    assert row.quartile_reason == judgements.TOO_FEW_AUTHORITIES
    assert (row.quartile_known, row.quartile_authorities) == (11, 153)


def _england(measure: ComparatorMeasure, count: int, *, year_key: str = "FY2023-24") -> None:
    """`count` more English authorities with a figure each (60, 61, ...) for the measure."""
    areas = Area.objects.bulk_create(
        Area(code=f"{100 + number}", name=f"Authority {number}", level=Area.Level.LA) for number in range(count)
    )
    values = []
    for number, area in enumerate(areas):
        value = ComparatorValue(measure=measure, area=area, period_key=year_key, value=D(60 + number))
        value.fill_period_dates()
        values.append(value)
    ComparatorValue.objects.bulk_create(values)


def test_a_quartile_is_given_when_the_figures_cover_nearly_all_of_englands_authorities(db):
    scorecard = make_scorecard()
    indicator = make_indicator("A1", scorecard=scorecard)
    make_comparators([indicator])
    _england(ComparatorMeasure.objects.get(), 127)  # with Cumbria and its neighbours, 138 of 153: just enough

    row = scorecard_data(scorecard, period_key="2025-06").indicators[0]

    assert (row.quartile_known, row.quartile_authorities) == (138, 153)
    assert row.england_quartile == 4 and row.quartile_reason == ""  # 70 is in the lowest quarter: D


def test_a_withheld_figure_counts_towards_england_but_a_not_applicable_one_does_not(db):
    scorecard = make_scorecard()
    indicator = make_indicator("A1", scorecard=scorecard)
    make_comparators([indicator])
    measure = ComparatorMeasure.objects.get()
    _england(measure, 126)  # 137 of 153 with a figure: one short
    gone = Area.objects.create(code="999", name="Abolished", level=Area.Level.LA)
    ComparatorValue.objects.create(measure=measure, area=gone, period_key="FY2023-24", symbol="z")
    assert scorecard_data(scorecard, period_key="2025-06").indicators[0].england_quartile is None

    withheld = Area.objects.create(code="998", name="Small", level=Area.Level.LA)
    ComparatorValue.objects.create(measure=measure, area=withheld, period_key="FY2023-24", symbol="c")

    row = scorecard_data(scorecard, period_key="2025-06").indicators[0]
    assert row.quartile_known == 138 and row.england_quartile is not None


def test_no_rank_or_quartile_while_our_own_published_figure_is_withheld(db):
    scorecard = make_scorecard()
    indicator = make_indicator("A1", scorecard=scorecard)
    areas = make_comparators([indicator])
    ComparatorValue.objects.filter(area=areas["partnership"], period_key="FY2023-24").update(value=None, symbol="c")

    row = scorecard_data(scorecard, period_key="2025-06").indicators[0]

    assert row.sn_rank is None and row.sn_rank_reason == judgements.OWN_FIGURE_WITHHELD
    assert row.england_quartile is None and row.quartile_reason == judgements.OWN_FIGURE_WITHHELD


def test_a_measure_mapped_for_comparators_only_does_not_stand_for_our_figure(db):
    scorecard = make_scorecard()
    indicator = make_indicator("A1", scorecard=scorecard)
    make_comparators([indicator])
    IndicatorMapping.objects.update(role=IndicatorMapping.Role.COMPARATORS)

    row = scorecard_data(scorecard, period_key="2025-06").indicators[0]

    assert row.england.value == D(60) and row.published is None and row.ours is None
    assert row.sn_rank is None and row.sn_rank_reason == judgements.NO_OWN_FIGURE


def test_the_rank_counts_only_the_neighbours_with_a_figure(db):
    scorecard = make_scorecard()
    indicator = make_indicator("A1", scorecard=scorecard, polarity=judgements.LOWER)
    areas = make_comparators([indicator])
    # Neighbours 1 to 3 (50, 51, 52) withheld or missing: seven neighbours with a figure, all below our 70.
    ComparatorValue.objects.filter(area__in=areas["neighbours"][:2]).update(value=None, symbol="c")
    ComparatorValue.objects.filter(area=areas["neighbours"][2]).delete()

    row = scorecard_data(scorecard, period_key="2025-06").indicators[0]
    assert row.sn_rank == (8, 8)

    ComparatorValue.objects.filter(area__in=areas["neighbours"]).update(value=None, symbol="c")
    row = scorecard_data(scorecard, period_key="2025-06").indicators[0]
    assert row.sn_rank is None and row.sn_rank_reason == judgements.NO_NEIGHBOUR_FIGURES


def test_our_local_figures_are_worked_out_for_the_year_of_our_published_figure(db):
    scorecard = make_scorecard()
    flow = make_indicator(
        "F1", scorecard=scorecard, unit=judgements.COUNT, polarity="none", aggregation=Indicator.Aggregation.FLOW
    )
    quarterly = make_indicator(
        "Q1", scorecard=scorecard, unit=judgements.COUNT, polarity="none", frequency="quarterly", order=1
    )
    make_comparators([flow, quarterly])
    add_values(flow, dict.fromkeys(monthly_keys("2024-03", 12), 10))  # April 2023 to March 2024
    add_values(quarterly, {"FY2023-24-Q3": 40, "FY2023-24-Q4": 45})  # a snapshot: the year's last quarter

    rows = {row.code: row for row in scorecard_data(scorecard, period_key="2025-06").indicators}

    assert rows["F1"].published.period.key == "FY2023-24"
    assert rows["F1"].local_for_published.value == 120
    assert rows["Q1"].local_for_published.value == 45


def test_a_year_with_a_month_missing_has_no_local_figure_to_set_beside_the_published_one(db):
    scorecard = make_scorecard()
    flow = make_indicator("F1", scorecard=scorecard, unit=judgements.COUNT, aggregation=Indicator.Aggregation.FLOW)
    make_comparators([flow])
    add_values(flow, dict.fromkeys(monthly_keys("2024-03", 11), 10))

    assert scorecard_data(scorecard, period_key="2025-06").indicators[0].local_for_published is None


def test_scorecard_data_gives_the_periods_commentary_and_challenges(partnership):
    scorecard = make_scorecard()
    indicator = make_indicator("A1", scorecard=scorecard)
    Commentary.objects.create(indicator=indicator, period_key="2025-06", text="Why", author=partnership["officer"])
    Commentary.objects.create(indicator=indicator, period_key="2025-05", text="Old", author=partnership["officer"])
    challenge = Challenge.objects.create(
        indicator=indicator, period_key="2025-06", text="What next?", author=partnership["business"]
    )
    ChallengeResponse.objects.create(challenge=challenge, text="A plan", author=partnership["officer"])

    row = scorecard_data(scorecard, period_key="2025-06").indicators[0]

    assert row.commentary.text == "Why"
    assert [challenge.text for challenge in row.challenges] == ["What next?"]
    assert [response.text for response in row.challenges[0].responses] == ["A plan"]


def test_scorecard_data_filters_by_area_and_rag(db):
    scorecard = make_scorecard()
    red = make_indicator("R1", scorecard=scorecard, area=Indicator.Area.OUTCOMES)
    make_indicator("G1", scorecard=scorecard)
    add_values(red, {"2025-06": 10})
    Target.objects.create(indicator=red, financial_year=2025, value=D(90))

    assert [row.code for row in scorecard_data(scorecard, period_key="2025-06", filters={"rag": "red"}).indicators] == [
        "R1"
    ]
    by_area = scorecard_data(scorecard, period_key="2025-06", filters={"area": "timeliness"})
    assert [row.code for row in by_area.indicators] == ["G1"]


def test_scorecard_data_refuses_a_period_that_is_not_one(db):
    with pytest.raises(ValueError):
        scorecard_data(make_scorecard(), period_key="June")


def _build(count: int, partnership) -> Scorecard:
    scorecard = make_scorecard()
    indicators = []
    for number in range(count):
        indicator = make_indicator(f"I{number:03d}", scorecard=scorecard, order=number)
        indicator.themes.add(*[])
        indicators.append(indicator)
        keys = monthly_keys("2025-06", 36)
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=indicator,
                period_key=key,
                period_start=Period.parse(key).start,
                period_end=Period.parse(key).end,
                value=D(50),
            )
            for key in keys
        )
        Target.objects.create(indicator=indicator, financial_year=2025, value=D(60))
        Commentary.objects.create(indicator=indicator, period_key="2025-06", text="x", author=partnership["officer"])
        challenge = Challenge.objects.create(
            indicator=indicator, period_key="2025-06", text="y", author=partnership["business"]
        )
        ChallengeResponse.objects.create(challenge=challenge, text="z", author=partnership["officer"])
    make_comparators(indicators, neighbours=10)
    return scorecard


QUERIES = 12


@pytest.mark.parametrize("count", [10, 150])
def test_scorecard_data_reads_in_the_same_number_of_queries_for_10_and_150_indicators(
    count, partnership, django_assert_num_queries
):
    scorecard = _build(count, partnership)
    with django_assert_num_queries(QUERIES):
        data = scorecard_data(scorecard, period_key="2025-06")
    assert len(data.indicators) == count
    assert all(row.england is not None and row.commentary for row in data.indicators)
