"""Entering a period's figures: one page of the officer's indicators, checked before anything is saved."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecards.models import Commentary, Indicator, IndicatorValue
from scorecards.periods import MONTHLY, Period
from scorecards.services import RowErrors, indicator_values_save
from tests.scorecards.pages_helpers import empty_scorecard, last_month, simple_indicator

MONTH = last_month()


@pytest.fixture
def indicators(partnership):
    officer = partnership["officer"]
    scorecard = empty_scorecard()
    timely = simple_indicator(
        "TIME01",
        scorecard=scorecard,
        officer=officer,
        counts=True,
        values={MONTH.previous().key: (80, 100), MONTH.same_period_last_year().key: (75, 100)},
        target=85,
        tolerance=5,
    )
    referrals = simple_indicator(
        "REF01", scorecard=scorecard, officer=officer, unit="count", polarity="none", values={MONTH.previous().key: 400}
    )
    others = simple_indicator("OTHER01", scorecard=scorecard, officer=partnership["chair"], unit="count")
    return timely, referrals, others


def url(period=MONTH) -> str:
    return reverse("scorecards:enter-values", args=[period.key])


def post(client, timely_pk, referrals_pk, **fields):
    data = {
        f"numerator-{timely_pk}": "",
        f"denominator-{timely_pk}": "",
        f"commentary-{timely_pk}": "",
        f"value-{referrals_pk}": "",
        f"commentary-{referrals_pk}": "",
    }
    data.update({key.replace("TIME", str(timely_pk)).replace("REF", str(referrals_pk)): v for key, v in fields.items()})
    return client.post(url(), data)


def test_the_grid_holds_only_the_officers_own_indicators(client_for, indicators):
    response = client_for("officer").get(url())
    assert response.status_code == 200
    assert "TIME01: Indicator TIME01" in response.text
    assert "REF01: Indicator REF01" in response.text
    assert "OTHER01" not in response.text
    # A rate with a numerator and denominator takes those two, never the rate itself.
    assert "Numerator for TIME01" in response.text and "Value for TIME01" not in response.text
    assert "Value for REF01 (number)" in response.text


def test_admins_see_every_indicator_of_the_periods_frequency(client_for, indicators):
    text = client_for("admin").get(url()).text
    assert "OTHER01" in text and "TIME01" in text


def test_people_responsible_for_no_indicator_cannot_enter_figures(client_for, indicators):
    assert client_for("business").get(url()).status_code == 403
    assert client_for("outsider").get(url()).status_code == 403


@pytest.mark.parametrize("key", ["nonsense", "2025-13", "FY2025-26-Q9"])
def test_a_period_that_is_not_one_is_not_found(client_for, indicators, key):
    assert client_for("officer").get(reverse("scorecards:enter-values", args=[key])).status_code == 404


def test_a_period_that_has_not_started_is_not_found(client_for, indicators):
    assert client_for("officer").get(url(MONTH.offset(2))).status_code == 404


def test_saving_works_out_the_rate_and_shows_the_rating_and_direction(client_for, indicators):
    timely, referrals, _ = indicators
    client = client_for("officer")
    response = post(client, timely.pk, referrals.pk, **{"numerator-TIME": "90", "denominator-TIME": "100"})
    assert response.status_code == 302
    saved = IndicatorValue.objects.get(indicator=timely, period_key=MONTH.key)
    assert saved.value == Decimal("90.0000")
    page = client.get(response["Location"])
    assert "Saved 1 figure for" in page.text
    assert "Worked out from them: <strong>90.0%</strong>" in page.text
    assert "Green: on target" in page.text
    assert "Improving ↑" in page.text


def test_a_red_figure_needs_commentary_beside_its_row_and_nothing_is_saved(client_for, indicators):
    timely, referrals, _ = indicators
    response = post(
        client_for("officer"),
        timely.pk,
        referrals.pk,
        **{"numerator-TIME": "60", "denominator-TIME": "100", "value-REF": "410"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    message = (
        f"TIME01 Indicator TIME01 is red for {MONTH.label}: enter commentary saying how the under-performance is "
        "being addressed"
    )
    assert message in response.text
    assert response.context["form"].errors == {f"commentary-{timely.pk}": [message]}
    # Beside it, the way to write that commentary on its own.
    assert f"{reverse('scorecards:commentary-add', args=['TIME01'])}?period={MONTH.key}" in response.text
    # What was typed is kept, and the count on the same page was not saved on its own.
    assert 'value="60"' in response.text and 'value="410"' in response.text
    assert not IndicatorValue.objects.filter(period_key=MONTH.key).exists()


def test_with_commentary_the_red_figure_is_saved_with_it(client_for, indicators):
    timely, referrals, _ = indicators
    response = post(
        client_for("officer"),
        timely.pk,
        referrals.pk,
        **{"numerator-TIME": "60", "denominator-TIME": "100", "commentary-TIME": "Two teams are short-staffed."},
    )
    assert response.status_code == 302
    assert Commentary.objects.get(indicator=timely, period_key=MONTH.key).text == "Two teams are short-staffed."


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"value-REF": "lots"}, "value-REF", "Enter a count as a whole number, like 1,234"),
        ({"value-REF": "-3"}, "value-REF", "Enter a count of 0 or more"),
        ({"value-REF": "2.5"}, "value-REF", "Enter a whole number"),
        ({"numerator-TIME": "x", "denominator-TIME": "100"}, "numerator-TIME", "Enter the numerator as a whole number"),
        ({"numerator-TIME": "120", "denominator-TIME": "100"}, "numerator-TIME", "cannot be larger than"),
        ({"numerator-TIME": "5", "denominator-TIME": "0"}, "denominator-TIME", "Enter a denominator above 0"),
        ({"numerator-TIME": "5"}, "denominator-TIME", "Enter the denominator"),
    ],
)
def test_a_figure_that_cannot_be_saved_says_what_to_do_beside_its_field(client_for, indicators, fields, field, message):
    timely, referrals, _ = indicators
    response = post(client_for("officer"), timely.pk, referrals.pk, **fields)
    assert response.status_code == 200
    name = field.replace("TIME", str(timely.pk)).replace("REF", str(referrals.pk))
    errors = response.context["form"].errors.get(name, [])
    # Each message names its indicator, for the error summary at the top of the page.
    code = "TIME01" if "TIME" in field else "REF01"
    assert any(error.startswith(f"{code} Indicator {code}: ") and message.lower() in error for error in errors), errors
    assert not IndicatorValue.objects.filter(period_key=MONTH.key).exists()


def test_a_correction_keeps_the_earlier_figure_in_history(client_for, indicators):
    timely, referrals, _ = indicators
    client = client_for("officer")
    post(client, timely.pk, referrals.pk, **{"value-REF": "410"})
    post(client, timely.pk, referrals.pk, **{"value-REF": "412"})
    value = IndicatorValue.objects.get(indicator=referrals, period_key=MONTH.key)
    assert value.value == Decimal("412")
    assert [v.value for v in value.history.order_by("history_date")] == [Decimal("410.0000"), Decimal("412.0000")]


def test_saving_an_unchanged_page_says_nothing_changed(client_for, indicators):
    timely, referrals, _ = indicators
    client = client_for("officer")
    post(client, timely.pk, referrals.pk, **{"value-REF": "410"})
    response = post(client, timely.pk, referrals.pk, **{"value-REF": "410"})
    assert "Nothing changed for" in client.get(response["Location"]).text


def test_fields_for_someone_elses_indicator_are_ignored(client_for, indicators):
    timely, referrals, others = indicators
    post(client_for("officer"), timely.pk, referrals.pk, **{f"value-{others.pk}": "99", "value-REF": "410"})
    assert not IndicatorValue.objects.filter(indicator=others).exists()


def test_a_quarterly_period_shows_the_quarterly_indicators(client_for, partnership):
    simple_indicator("Q01", officer=partnership["officer"], unit="count", polarity="none", frequency="quarterly")
    quarter = Period.last_complete("quarterly", MONTH.end)
    text = client_for("officer").get(url(quarter)).text
    assert "Q01: Indicator Q01" in text
    assert Indicator.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1e999999", "Enter a number smaller than 1,000,000,000,000"),
        ("1e9999999999", "Enter a number smaller than 1,000,000,000,000"),
        ("9" * 400, "Enter a number of 30 characters or fewer"),
        ("NaN", "Enter a count as a whole number"),
        ("Infinity", "Enter a count as a whole number"),
        ("-Infinity", "Enter a count as a whole number"),
    ],
)
def test_a_figure_beyond_any_column_is_refused_beside_its_field(client_for, indicators, text, message):
    timely, referrals, _ = indicators
    for fields, field in (
        ({"value-REF": text}, "value-REF"),
        ({"numerator-TIME": text, "denominator-TIME": "9"}, "numerator-TIME"),
    ):
        response = post(client_for("officer"), timely.pk, referrals.pk, **fields)
        assert response.status_code == 200
        name = field.replace("TIME", str(timely.pk)).replace("REF", str(referrals.pk))
        errors = response.context["form"].errors.get(name, [])
        wanted = (message.lower(), message.lower().replace("a count", "the numerator"))
        assert any(text in error.lower() for error in errors for text in wanted), errors
        assert text[:50] in response.text  # what was typed is kept
        assert not IndicatorValue.objects.filter(period_key=MONTH.key).exists()


def test_the_form_reads_figures_into_the_columns_they_are_kept_in():
    from scorecards.judgements import FIGURE_DIGITS

    field = IndicatorValue._meta.get_field("value")
    assert {"max_digits": field.max_digits, "decimal_places": field.decimal_places} == FIGURE_DIGITS


# Periods within reason ----------


def test_the_month_still_running_has_no_entry_page_and_the_service_refuses_it(client_for, partnership, indicators):
    timely, referrals, _ = indicators
    running = Period.containing(timezone.localdate(), MONTHLY)
    assert client_for("officer").get(url(running)).status_code == 404
    with pytest.raises(RowErrors) as caught:
        indicator_values_save(actor=partnership["officer"], period=running, rows=[{"indicator": referrals, "value": 9}])
    opens = running.end + datetime.timedelta(days=1)
    assert caught.value.row_errors[0]["period"] == [
        f"REF01 Indicator REF01: {running.label} has not ended yet; enter its figures from {opens.day} {opens:%B %Y}"
    ]
    assert not IndicatorValue.objects.filter(period_key=running.key).exists()


def test_the_latest_complete_month_has_no_link_to_the_month_still_running(client_for, indicators):
    response = client_for("officer").get(url())
    assert response.status_code == 200
    assert response.context["next_period"] is None
    assert reverse("scorecards:enter-values", args=[MONTH.next().key]) not in response.text


def test_a_period_long_before_any_indicators_first_period_is_not_found(client_for, indicators):
    assert client_for("officer").get("/scorecards/enter/1999-01/").status_code == 404
    assert client_for("admin").get("/scorecards/enter/1999-01/").status_code == 404


def test_the_grid_lists_only_the_indicators_that_take_figures_for_the_period(client_for, partnership, indicators):
    timely, referrals, _ = indicators
    Indicator.objects.filter(pk=referrals.pk).update(first_period=MONTH.key)
    text = client_for("officer").get(url(MONTH.previous())).text
    assert "TIME01: Indicator TIME01" in text
    assert "REF01" not in text
    # The service refuses it too, naming the indicator and the periods.
    referrals.refresh_from_db()
    with pytest.raises(RowErrors) as caught:
        indicator_values_save(
            actor=partnership["officer"], period=MONTH.previous(), rows=[{"indicator": referrals, "value": 9}]
        )
    assert caught.value.row_errors[0]["period"] == [
        f"REF01 Indicator REF01 takes figures from {MONTH.label}: {MONTH.previous().label} is before that"
    ]


def test_the_first_period_an_indicator_takes_has_no_link_to_the_one_before(client_for, indicators):
    Indicator.objects.update(first_period=MONTH.key)
    response = client_for("officer").get(url())
    assert response.status_code == 200
    assert response.context["previous_period"] is None
    assert client_for("officer").get(url(MONTH.previous())).status_code == 404


def test_an_indicator_without_a_first_period_takes_two_years_and_its_earliest_figure(client_for, indicators):
    timely, referrals, _ = indicators
    client = client_for("officer")
    two_years = MONTH.offset(-23)
    assert client.get(url(two_years)).status_code == 200
    assert client.get(url(two_years.previous())).status_code == 404
    IndicatorValue.objects.create(indicator=referrals, period_key=MONTH.offset(-40).key, value=1)
    assert client.get(url(MONTH.offset(-40))).status_code == 200
    assert client.get(url(MONTH.offset(-41))).status_code == 404


# Commentary judged for each indicator ----------


def test_commentary_for_one_indicator_is_not_held_up_by_other_red_figures_already_saved(client_for, partnership):
    officer = partnership["officer"]
    scorecard = empty_scorecard()
    red = [
        simple_indicator(code, scorecard=scorecard, officer=officer, values={MONTH.key: 50}, target=90)
        for code in ("RED01", "RED02")
    ]
    quiet = simple_indicator("QUIET01", scorecard=scorecard, officer=officer, unit="count", polarity="none")
    client = client_for("officer")
    page = client.get(url())
    # The page is sent back as it was shown (the two red figures filled in, with no commentary), plus one commentary.
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data[f"commentary-{quiet.pk}"] = "No referrals routed here yet: the pathway opens next month."
    response = client.post(url(), data)
    assert response.status_code == 302, response.context["form"].errors
    assert Commentary.objects.get(indicator=quiet, period_key=MONTH.key).text.startswith("No referrals")
    assert not Commentary.objects.filter(indicator__in=red).exists()
    assert "Saved commentary for 1 indicator" in client.get(response["Location"]).text


def test_a_changed_red_figure_still_needs_its_own_commentary_and_says_where_to_write_it(client_for, partnership):
    officer = partnership["officer"]
    scorecard = empty_scorecard()
    red = simple_indicator("RED01", scorecard=scorecard, officer=officer, values={MONTH.key: 50}, target=90)
    other = simple_indicator("OTHER02", scorecard=scorecard, officer=officer, unit="count", polarity="none")
    response = client_for("officer").post(
        url(), {f"value-{red.pk}": "40", f"value-{other.pk}": "3", f"commentary-{other.pk}": "Steady."}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [f"commentary-{red.pk}"]
    assert f"{reverse('scorecards:commentary-add', args=['RED01'])}?period={MONTH.key}" in response.text
    assert IndicatorValue.objects.get(indicator=red).value == 50
