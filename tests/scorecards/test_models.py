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
    assert row.sn_rank.position == 1
    assert row.england_quartile == 1


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
