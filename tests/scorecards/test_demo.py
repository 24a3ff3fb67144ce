"""The demo partnership's scorecards: realistic, current, idempotent, with something for the reminders to say."""

from __future__ import annotations

import datetime
import html
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from cscp.models import Notification, Person
from cscp.sections import demo_loaders
from scorecards import judgements
from scorecards.demo import ScorecardDemo
from scorecards.models import Area, Commentary, ComparatorValue, Indicator, IndicatorValue, Scorecard, Target
from scorecards.periods import MONTHLY, Period
from scorecards.reports import scorecard_context
from scorecards.selectors import scorecard_data
from scorecards.services import commentary_save, indicator_values_save, reminders_send

TODAY = datetime.date(2026, 11, 27)


@pytest.fixture
def demo(db, monkeypatch):
    # The whole demo, as `seed_demo` loads it: the core's partnership and people, then the scorecards.
    monkeypatch.setattr("scorecards.demo.timezone.localdate", lambda: TODAY)
    call_command("seed_demo", force=True, stdout=io.StringIO())
    return Scorecard.objects.get(slug="main")


def test_the_loader_is_registered_for_seed_demo():
    assert ScorecardDemo in demo_loaders


def test_the_main_scorecard_has_at_least_20_indicators_with_three_years_of_values(demo):
    main = demo
    assert main.is_main and main.owner_group.name == "Business Group"
    assert main.indicators.count() >= 20
    monthly = main.indicators.filter(frequency=MONTHLY).first()
    keys = list(monthly.values.order_by("period_start").values_list("period_key", flat=True))
    assert len(keys) >= 35
    assert keys[-1] == "2026-10"  # the last complete month on the day it is loaded
    assert Scorecard.objects.filter(slug__in=["hub", "met"]).count() == 2
    assert (
        Scorecard.objects.get(slug="hub").owner_group is None or Scorecard.objects.get(slug="hub").indicators.exists()
    )
    assert Indicator.objects.filter(responsible_officer__username="officer").count() >= 5


def test_each_indicator_takes_figures_from_its_first_figure(demo):
    for indicator in Indicator.objects.all():
        first = indicator.values.order_by("period_start").first()
        assert indicator.first_period == (first.period_key if first else ""), indicator.code
        assert indicator.first_period == indicator.baseline_period
    assert Indicator.objects.exclude(first_period="").count() >= 20


def test_rates_are_computed_from_their_numerators_and_denominators(demo):
    value = IndicatorValue.objects.filter(indicator__code="CSC06").exclude(numerator=None).first()
    assert value.value == (value.numerator * 100 / value.denominator).quantize(value.value)


def test_the_latest_month_has_red_and_amber_indicators_and_missing_commentary(demo):
    data = scorecard_data(demo, period_key="2026-10")
    rags = {row.code: row.rag for row in data.indicators}
    assert [code for code, rag in rags.items() if rag == judgements.RED]
    assert [code for code, rag in rags.items() if rag == judgements.AMBER]
    red_without = [row.code for row in data.indicators if row.needs_commentary]
    red_with = [row.code for row in data.indicators if row.rag == judgements.RED and row.commentary]
    assert red_without and red_with
    assert any(row.challenges and row.challenges[0].responses for row in data.indicators)


def test_comparators_are_the_published_figures_each_tagged_with_its_release(demo):
    data = scorecard_data(demo, period_key="2026-10")
    cla = next(row for row in data.indicators if row.code == "CSC14")
    assert cla.published.value is not None and cla.published.period.key == "FY2024-25"
    assert cla.england.value is not None and cla.region.value is not None
    assert len(cla.neighbours) == 10 and cla.sn_average is not None
    timeliness = next(row for row in data.indicators if row.code == "CSC06")
    assert timeliness.england is not None and timeliness.sn_average is not None
    rereferrals = next(row for row in data.indicators if row.code == "CSC04")
    assert rereferrals.sn_rank is not None
    # Every value records the published file it came from and that release's latest year, as an import would.
    releases = set(ComparatorValue.objects.values_list("source_file", "release_year"))
    assert ("c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv", 2025) in releases
    assert ("cla_number_and_rate_per_10k_children.csv", 2025) in releases
    assert not [name for name, _ in releases if name.startswith("demo_") or not name]
    assert cla.comparator_sources == [
        "Ours (published), England, North West and statistical neighbours: Department for Education, Children "
        "looked after in England including adoptions, reporting year 2025, Open Government Licence v3.0"
    ]


def test_the_demo_has_no_figures_for_authorities_or_years_the_dfe_never_published(demo):
    # North Northamptonshire was created on 1 April 2021: its first year ended on 31 March 2022.
    years = ComparatorValue.objects.filter(area__code="940", measure__code="cin-rate").values_list(
        "period_key", flat=True
    )
    assert min(years) == "FY2021-22"
    # Cumbria's own figures stop when it was replaced; the partnership's area carries on from its two successors.
    cumbria = ComparatorValue.objects.filter(area__code="909", measure__code="cin-rate").exclude(value=None)
    assert max(cumbria.values_list("period_key", flat=True)) == "FY2022-23"
    assert Area.objects.filter(level=Area.Level.LA).count() == 13


def test_the_local_figures_are_on_the_scale_of_the_published_ones(demo):
    data = scorecard_data(demo, period_key="2026-10")
    for row in data.indicators:
        if row.published is None or row.published.value is None or row.value is None:
            continue
        ours = row.published.value / 12 if row.code == "CSC02" else row.published.value  # a month of a year's
        assert ours / 2 < row.value < ours * 2, (row.code, row.value, row.published.value)


def test_the_scorecard_names_the_release_of_every_comparator_shown(demo, client):
    client.force_login(Person.objects.get(username="business"))
    page = client.get(reverse("scorecards:scorecard-detail", args=["main"]), {"period": "2026-10"})
    text = " ".join(page.content.decode().split())
    assert (
        "Sources: Ours (published), England, North West and statistical neighbours: Department for Education, "
        "Children in need, reporting year 2025, Open Government Licence v3.0."
    ) in text
    assert "Local Authority Interactive Tool (LAIT), figures to 2025, Open Government Licence v3.0" in text


def test_the_main_scorecard_ranks_us_among_our_neighbours_from_the_published_figures(demo, client):
    client.force_login(Person.objects.get(username="business"))
    page = client.get(reverse("scorecards:scorecard-detail", args=["main"]), {"period": "2026-10"})
    text = html.unescape(" ".join(page.content.decode().split()))
    rows = {row.code: row for row in scorecard_data(demo, period_key="2026-10").indicators}
    # Re-referrals: our 20.8% for 2024-25 among the ten statistical neighbours, all with a figure.
    assert rows["CSC04"].ours.value == Decimal("20.8") and rows["CSC04"].sn_rank == (7, 11)
    assert rows["CSC10"].sn_rank == (6, 11)
    assert "7th of 11" in text and "6th of 11" in text
    # The demo holds the partnership's authorities and its neighbours only: no quartile in England from them.
    assert "No quartile: figures for 2024-25 are held for only 12 of England's 153 authorities" in text
    assert "No comparison" not in text and "ours is no" not in text


def test_lait_rates_are_combined_for_the_partnership_and_its_percentages_say_why_not(demo, client):
    rows = {row.code: row for row in scorecard_data(demo, period_key="2026-10").indicators}
    # Section 47 enquiries per 10,000: Cumberland's and Westmorland and Furness's rates weighed by their children.
    assert rows["CSC07"].published.value == Decimal("186.5") and rows["CSC07"].published.period.key == "FY2024-25"
    assert rows["CSC06"].ours.value is None
    client.force_login(Person.objects.get(username="business"))
    page = client.get(reverse("scorecards:scorecard-detail", args=["main"]), {"period": "2026-10"})
    text = html.unescape(" ".join(page.content.decode().split()))
    assert (
        "There is no published figure of ours for 2024-25, so no comparison is made. No figure for the partnership's "
        "area: only each authority's percentage is published (Cumberland 79.6%, Westmorland and Furness 77.1%)"
    ) in text
    assert "Not ranked: there is no published figure of ours for 2024-25" in text


def test_the_demo_warns_where_its_local_figures_stray_from_the_published_ones(demo, client):
    client.force_login(Person.objects.get(username="business"))
    text = html.unescape(" ".join(client.get(reverse("scorecards:indicator-detail", args=["CSC10"])).text.split()))
    # Loaded on 27 November 2026, the demo's months for 2024-25 make 22.7%; DfE published 26.4%.
    assert "Our local figures make 22.7% for 2024-25, but our published figure for the same year is 26.4%" in text
    warned = [
        view.data.code
        for view in scorecard_context(demo, Period.parse("2026-10"), {})["indicators"]
        if view.divergence_warning
    ]
    assert warned == ["CSC10"]


def test_a_second_load_changes_nothing(demo):
    values, history = ComparatorValue.objects.count(), IndicatorValue.history.count()
    out = io.StringIO()
    counts = ScorecardDemo(today=TODAY).run(stdout=out)
    assert not +counts, counts
    assert out.getvalue() == "Scorecards: nothing to add.\n"
    assert ComparatorValue.objects.count() == values
    assert IndicatorValue.history.count() == history


def test_a_second_load_keeps_what_people_changed_and_only_adds_what_is_missing(demo):
    officer = Person.objects.get(username="officer")
    indicator_values_save(
        actor=officer, period="2026-10", rows=[{"indicator": "CSC06", "numerator": "280", "denominator": "300"}]
    )
    commentary_save(actor=officer, indicator=Indicator.objects.get(code="CSC06"), period="2026-10", text="Rewritten.")
    # A newer published figure, as an import of the DfE's own file would leave it.
    published = ComparatorValue.objects.exclude(value=None).first()
    ComparatorValue.objects.filter(pk=published.pk).update(value=published.value + 1)
    Target.objects.filter(indicator__code="CSC04").delete()

    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out)

    assert "updated" not in out.getvalue().lower()
    assert "Scorecards: created 3 targets." in out.getvalue()
    value = IndicatorValue.objects.get(indicator__code="CSC06", period_key="2026-10")
    assert (value.numerator, value.denominator) == (280, 300)
    assert Commentary.objects.get(indicator__code="CSC06", period_key="2026-10").text == "Rewritten."
    assert ComparatorValue.objects.get(pk=published.pk).value == published.value + 1
    assert Target.objects.filter(indicator__code="CSC04").count() == 3


def test_the_demo_gives_the_reminders_something_to_say(demo):
    sent = reminders_send(today=TODAY)
    assert sent["values_missing"] >= 1
    assert sent["commentary_missing"] >= 1
    assert Notification.objects.filter(recipient__username="officer", subject__startswith="Commentary needed").exists()


def test_the_scorecard_period_is_the_last_complete_month():
    assert Period.last_complete(MONTHLY, TODAY).key == "2026-10"
