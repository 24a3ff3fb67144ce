"""Writes: a period's values for many indicators, commentary, challenges, targets, indicators, comparator set-up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cscp.models import AuditEvent, Notification
from scorecards import judgements
from scorecards.models import (
    Challenge,
    Commentary,
    ComparatorSettings,
    Indicator,
    IndicatorValue,
    Milestone,
    PartnershipArea,
    Target,
)
from scorecards.periods import Period
from scorecards.services import (
    CUMBRIA_SPANS,
    Entry,
    RowErrors,
    challenge_add,
    challenge_respond,
    commentary_save,
    comparator_setup,
    indicator_create,
    indicator_update,
    indicator_values_check,
    indicator_values_save,
    milestone_set,
    target_set,
)
from tests.scorecards.test_models import add_values, make_indicator

D = Decimal


@pytest.fixture
def grid(partnership):
    officer = partnership["officer"]
    return {
        "percent": make_indicator(
            "PCT",
            unit="percent",
            numerator_definition="On time",
            denominator_definition="All",
            responsible_officer=officer,
            amber_tolerance=D(2),
        ),
        "count": make_indicator("CNT", unit="count", polarity="none", responsible_officer=officer),
        "rate": make_indicator(
            "RATE",
            unit="rate_per_10000",
            polarity="none",
            numerator_definition="Children looked after",
            denominator_definition="Children aged 0 to 17",
            responsible_officer=officer,
        ),
        "plain": make_indicator("PLAIN", unit="percent", responsible_officer=officer),
    }


def test_a_period_of_values_is_saved_with_rates_computed(partnership, grid):
    result = indicator_values_save(
        actor=partnership["officer"],
        period="2025-04",
        rows=[
            {"indicator": grid["percent"], "numerator": "45", "denominator": "50"},
            {"indicator": "CNT", "value": "1,234"},
            {"indicator": grid["rate"].pk, "numerator": "729", "denominator": "91196"},
            {"indicator": grid["plain"], "value": "22.4%"},
        ],
    )
    assert len(result.created) == 4
    values = {value.indicator.code: value for value in IndicatorValue.objects.all()}
    assert values["PCT"].value == D("90")
    assert values["CNT"].value == 1234
    assert values["RATE"].value == D("79.9377")
    assert values["PLAIN"].value == D("22.4")
    assert AuditEvent.objects.filter(action="scorecards.indicator_value.created").count() == 4


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ({"indicator": "PLAIN", "value": "101"}, "value", "between 0 and 100"),
        ({"indicator": "CNT", "value": "-1"}, "value", "0 or more"),
        ({"indicator": "CNT", "value": "2.5"}, "value", "whole number"),
        ({"indicator": "CNT", "value": "lots"}, "value", "whole number"),
        ({"indicator": "PCT", "numerator": "60", "denominator": "50"}, "numerator", "cannot be larger"),
        ({"indicator": "PCT", "numerator": "6", "denominator": "0"}, "denominator", "above 0"),
        ({"indicator": "PCT", "numerator": "6"}, "denominator", "Enter the denominator"),
        ({"indicator": "PCT", "value": "12", "numerator": "6", "denominator": "10"}, "value", "Leave the value blank"),
        ({"indicator": "NOPE", "value": "1"}, "indicator", "exists"),
        ({"indicator": "CNT", "value": "1e400"}, "value", "smaller"),
        ({"indicator": "PLAIN", "value": "5", "numerator": "x"}, "numerator", "whole number"),
    ],
)
def test_a_bad_row_stops_the_whole_period_being_saved(partnership, grid, row, field, words):
    with pytest.raises(RowErrors) as caught:
        indicator_values_save(
            actor=partnership["officer"],
            period="2025-04",
            rows=[{"indicator": "RATE", "numerator": "1", "denominator": "100"}, row],
        )
    message = " ".join(caught.value.row_errors[1][field])
    assert words.lower() in message.lower()
    if field != "indicator":
        assert message.startswith(f"{row['indicator']} Indicator {row['indicator']}: ")  # the message names it
    assert f"row-1-{field}" in caught.value.message_dict
    assert not IndicatorValue.objects.exists()


def test_a_blank_row_is_left_alone(partnership, grid):
    add_values(grid["count"], {"2025-04": 5})
    result = indicator_values_save(
        actor=partnership["officer"], period="2025-04", rows=[{"indicator": "CNT", "value": ""}]
    )
    assert result.saved == 0
    assert IndicatorValue.objects.get().value == 5


def test_only_the_responsible_officer_or_an_admin_enters_values(partnership, grid):
    with pytest.raises(RowErrors) as caught:
        indicator_values_save(actor=partnership["chair"], period="2025-04", rows=[{"indicator": "CNT", "value": "5"}])
    assert "responsible officer" in caught.value.row_errors[0]["indicator"][0]
    indicator_values_save(actor=partnership["admin"], period="2025-04", rows=[{"indicator": "CNT", "value": "5"}])
    assert IndicatorValue.objects.count() == 1


def test_a_value_must_be_for_a_period_of_the_indicators_frequency(partnership, grid):
    with pytest.raises(RowErrors) as caught:
        indicator_values_save(
            actor=partnership["officer"], period="FY2025-26-Q1", rows=[{"indicator": "CNT", "value": "5"}]
        )
    assert caught.value.row_errors[0]["period"] == [
        "CNT Indicator CNT is monthly: give it a monthly period, not Q1 2025-26 (April to June 2025)"
    ]


def test_a_red_value_needs_commentary(partnership, grid):
    Target.objects.create(indicator=grid["plain"], financial_year=2025, value=D(90))
    with pytest.raises(RowErrors) as caught:
        indicator_values_save(
            actor=partnership["officer"], period="2025-04", rows=[{"indicator": "PLAIN", "value": "50"}]
        )
    assert "under-performance" in caught.value.row_errors[0]["commentary"][0]

    indicator_values_save(
        actor=partnership["officer"],
        period="2025-04",
        rows=[{"indicator": "PLAIN", "value": "50", "commentary": "Two vacancies; agency staff start next week."}],
    )
    assert Commentary.objects.get().text.startswith("Two vacancies")


def test_commentary_already_written_for_the_period_is_enough(partnership, grid):
    Target.objects.create(indicator=grid["plain"], financial_year=2025, value=D(90))
    commentary_save(actor=partnership["officer"], indicator=grid["plain"], period="2025-04", text="Known issue")
    indicator_values_save(actor=partnership["officer"], period="2025-04", rows=[{"indicator": "PLAIN", "value": "50"}])
    assert IndicatorValue.objects.get().value == 50


def test_a_correction_keeps_the_earlier_value_and_an_unchanged_value_is_not_rewritten(partnership, grid):
    officer = partnership["officer"]
    indicator_values_save(actor=officer, period="2025-04", rows=[{"indicator": "CNT", "value": "5"}])
    same = indicator_values_save(actor=officer, period="2025-04", rows=[{"indicator": "CNT", "value": "5"}])
    assert len(same.unchanged) == 1
    changed = indicator_values_save(actor=officer, period="2025-04", rows=[{"indicator": "CNT", "value": "6"}])
    assert len(changed.updated) == 1
    value = IndicatorValue.objects.get()
    assert [entry.value for entry in value.history.order_by("history_date")] == [5, 6]
    assert AuditEvent.objects.filter(action="scorecards.indicator_value.updated").count() == 1


def test_an_indicator_given_twice_is_refused(partnership, grid):
    with pytest.raises(RowErrors):
        indicator_values_save(
            actor=partnership["officer"],
            period="2025-04",
            rows=[{"indicator": "CNT", "value": "5"}, {"indicator": "CNT", "value": "6"}],
        )


def test_only_the_responsible_officer_writes_commentary(partnership, grid):
    with pytest.raises(PermissionDenied):
        commentary_save(actor=partnership["business"], indicator=grid["count"], period="2025-04", text="Hmm")
    with pytest.raises(ValidationError):
        commentary_save(actor=partnership["officer"], indicator=grid["count"], period="2025-04", text="  ")
    first = commentary_save(actor=partnership["officer"], indicator=grid["count"], period="2025-04", text="One")
    commentary_save(actor=partnership["officer"], indicator=grid["count"], period="2025-04", text="Two")
    first.refresh_from_db()
    assert [entry.text for entry in first.history.order_by("history_date")] == ["One", "Two"]


def test_a_challenge_tells_the_officer_and_the_response_tells_the_challenger(partnership, grid):
    business, officer = partnership["business"], partnership["officer"]
    challenge = challenge_add(actor=business, indicator=grid["count"], period="2025-04", text="Why so high?")
    assert Notification.objects.filter(recipient=officer, subject__contains="Challenge on CNT").exists()
    challenge_respond(actor=officer, challenge=challenge, text="A new referral pathway opened.")
    assert Notification.objects.filter(recipient=business, subject__contains="Response").exists()
    assert [response.text for response in Challenge.objects.get().responses.all()] == ["A new referral pathway opened."]


def test_people_outside_the_business_group_cannot_challenge_or_respond(partnership, grid):
    with pytest.raises(PermissionDenied):
        challenge_add(actor=partnership["chair"], indicator=grid["count"], period="2025-04", text="Hmm")
    challenge = challenge_add(actor=partnership["business"], indicator=grid["count"], period="2025-04", text="Why?")
    with pytest.raises(PermissionDenied):
        challenge_respond(actor=partnership["chair"], challenge=challenge, text="Because")


def test_targets_and_milestones_are_set_by_admins_and_keep_their_history(partnership, grid):
    admin = partnership["admin"]
    with pytest.raises(PermissionDenied):
        target_set(actor=partnership["officer"], indicator=grid["plain"], financial_year=2025, value="80")
    target_set(actor=admin, indicator=grid["plain"], financial_year=2025, value="80")
    target = target_set(actor=admin, indicator=grid["plain"], financial_year=2025, value="85")
    assert [entry.value for entry in target.history.order_by("history_date")] == [80, 85]
    with pytest.raises(ValidationError):
        target_set(actor=admin, indicator=grid["plain"], financial_year=2025, value="120")
    milestone_set(actor=admin, indicator=grid["plain"], period="2025-06", value="70")
    assert Milestone.objects.get().value == 70
    milestone_set(actor=admin, indicator=grid["plain"], period="2025-06", value="")
    assert not Milestone.objects.exists()


def test_indicators_are_created_and_changed_by_admins(partnership):
    admin = partnership["admin"]
    values = {
        "code": "NEW1",
        "name": "A new indicator",
        "unit": judgements.PERCENT,
        "polarity": judgements.HIGHER,
        "frequency": "monthly",
        "area": Indicator.Area.OUTCOMES,
        "baseline_period": "FY2024-25",
    }
    with pytest.raises(PermissionDenied):
        indicator_create(actor=partnership["officer"], values=values)
    indicator = indicator_create(actor=admin, values=values)
    indicator_update(actor=admin, indicator=indicator, values={"name": "Renamed"})
    assert Indicator.objects.get().name == "Renamed"
    with pytest.raises(ValidationError):
        indicator_update(actor=admin, indicator=indicator, values={"baseline_period": "last year"})
    add_values(indicator, {"2025-04": 5})
    with pytest.raises(ValidationError):
        indicator_update(actor=admin, indicator=Indicator.objects.get(), values={"unit": judgements.COUNT})


def test_comparator_setup_records_the_partnerships_area_over_time_once(db):
    options = {
        "actor": None,
        "partnership_name": "Cumbria partnership area",
        "region": ("E12000002", "North West"),
        "spans": CUMBRIA_SPANS,
        "neighbours_of": "909",
        "neighbour_model_year": 2021,
    }
    comparator_setup(**options)
    comparator_setup(**options)
    assert AuditEvent.objects.filter(action="scorecards.comparator_settings.updated").count() == 1
    spans = {span.area.code: span for span in PartnershipArea.objects.all()}
    assert spans["909"].covers(2022) and not spans["909"].covers(2023)
    assert spans["942"].covers(2025) and not spans["942"].covers(2022)
    assert ComparatorSettings.load().neighbours_of.code == "909"


# One validation, for the entry page and the import ----------


def test_a_row_of_commentary_alone_saves_the_commentary(partnership, grid):
    result = indicator_values_save(
        actor=partnership["officer"],
        period="2025-04",
        rows=[{"indicator": "CNT", "value": "", "commentary": "The new system goes live next month."}],
    )
    assert result.saved == 0 and len(result.commentaries) == 1
    assert Commentary.objects.get().text == "The new system goes live next month."
    assert not IndicatorValue.objects.exists()


def test_an_unchanged_red_figure_is_not_held_up_for_commentary_but_a_changed_one_is(partnership, grid):
    Target.objects.create(indicator=grid["plain"], financial_year=2025, value=D(90))
    add_values(grid["plain"], {"2025-04": 50})
    rows = [{"indicator": "PLAIN", "value": "50"}, {"indicator": "CNT", "value": "3"}]
    result = indicator_values_save(actor=partnership["officer"], period="2025-04", rows=rows)
    assert len(result.unchanged) == 1 and len(result.created) == 1
    with pytest.raises(RowErrors) as caught:
        indicator_values_save(
            actor=partnership["officer"], period="2025-04", rows=[{"indicator": "PLAIN", "value": "49"}]
        )
    assert list(caught.value.row_errors[0]) == ["commentary"]


def test_the_check_names_each_indicator_and_period_whatever_the_row(partnership, grid):
    future = Period.containing(timezone.localdate(), "monthly").next()
    entries = [
        Entry(grid["count"], future, {"value": "3"}),
        Entry(grid["count"], Period.parse("2019-04"), {"value": "3"}),
        Entry(grid["percent"], Period.parse("2025-04"), {"numerator": "7"}),
        Entry(grid["count"], Period.parse("2025-04"), {"value": ""}),
    ]
    checked, errors = indicator_values_check(entries)
    assert checked == {}
    assert errors == {
        0: {"period": [f"CNT Indicator CNT: {future.label} has not started yet, so it has no figures to enter"]},
        1: {"period": ["CNT Indicator CNT takes figures from April 2020: April 2019 is before that"]},
        2: {"denominator": ["PCT Indicator PCT: enter the denominator"]},
    }


def test_an_indicators_first_period_is_a_period_of_its_own_frequency(db):
    indicator = Indicator(code="X", name="X", unit="count", polarity="none", area="outcomes", first_period="FY2024-25")
    with pytest.raises(ValidationError) as caught:
        indicator.full_clean()
    assert caught.value.message_dict["first_period"][0].startswith("Enter a monthly period, like ")
    indicator.first_period = "2024-13"
    with pytest.raises(ValidationError) as caught:
        indicator.full_clean()
    assert "is not a period" in caught.value.message_dict["first_period"][0]
    indicator.first_period = "2024-04"
    indicator.full_clean()
