"""The scorecard pages: who may see them, what they say, and what they cost."""

from __future__ import annotations

import html
import subprocess
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.signals import request_started
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scorecards.generation import report_generate
from scorecards.models import Challenge, ChallengeResponse, Commentary, Indicator, IndicatorValue, Scorecard
from scorecards.periods import QUARTERLY, Period
from tests.scorecards.pages_helpers import (
    build_scorecard,
    empty_scorecard,
    last_month,
    published_figure,
    simple_indicator,
)

MONTH = last_month()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def scorecard(partnership) -> Scorecard:
    return build_scorecard(5, officer=partnership["officer"], owner_group=partnership.business, months=18)


def detail_url(scorecard: Scorecard, query: str = "") -> str:
    return reverse("scorecards:scorecard-detail", args=[scorecard.slug]) + (f"?{query}" if query else "")


# The list ----------


def test_the_scorecard_list_asks_an_anonymous_visitor_to_sign_in(client_for, scorecard):
    response = client_for(None).get(reverse("scorecards:scorecard-list"))
    assert response.status_code == 302
    assert reverse("cscp:sign-in") in response["Location"]


def test_an_outsider_cannot_see_the_scorecards(client_for, scorecard):
    assert client_for("outsider").get(reverse("scorecards:scorecard-list")).status_code == 403
    assert client_for("outsider").get(detail_url(scorecard)).status_code == 403


def test_the_list_shows_each_active_scorecard_with_its_indicator_count(client_for, scorecard):
    Scorecard.objects.create(name="Retired scorecard", slug="retired", is_active=False)
    response = client_for("chair").get(reverse("scorecards:scorecard-list"))
    assert response.status_code == 200
    assert "Main scorecard" in response.text
    assert "Retired scorecard" not in response.text
    assert response.context["scorecards"][0].indicator_count == 5


# The scorecard ----------


def test_the_scorecard_shows_last_months_figures_by_default(client_for, scorecard):
    response = client_for("business").get(detail_url(scorecard))
    assert response.status_code == 200
    assert response.context["period"] == MONTH
    assert f"Summary for {MONTH.label}" in response.text
    assert "IND001: Indicator 1" in response.text


def test_each_indicator_states_its_rule_polarity_rating_and_chart_with_its_data(client_for, scorecard):
    text = client_for("business").get(detail_url(scorecard)).text
    assert "Higher is better." in text
    assert "Lower is better." in text
    assert "Better means higher. Within 1.0 percentage point of the comparator counts as similar." in text
    assert "Red: off target" in text or "Green: on target" in text or "Amber: within tolerance" in text
    assert 'role="img"' in text
    assert text.count("Show the data behind this chart") == 5
    assert "govuk-table__header--numeric" in text
    assert "How to read this scorecard" in text


def test_a_withheld_figure_is_said_in_words(client_for, scorecard):
    text = client_for("business").get(detail_url(scorecard)).text
    # The last statistical neighbour's figure is withheld ("c"): its explanation is given below the figures.
    assert "Withheld to protect confidentiality" in text


def test_the_rank_says_of_how_many_and_a_quartile_is_refused_from_too_few_authorities(client_for, scorecard):
    text = html.unescape(" ".join(client_for("business").get(detail_url(scorecard)).text.split()))
    year = Period.for_financial_year(MONTH.year - 1).financial_year_label
    # IND001: ours 77.0% among nine neighbours with a figure (one withheld), four of them higher.
    assert "5th of 10" in text
    assert f"No quartile: figures for {year} are held for only 10 of England's 153 authorities" in text
    assert "Not ranked: neither higher nor lower is better for this indicator" in text  # IND003, IND004
    assert "No comparison" not in text and "ours is no" not in text


def test_filters_narrow_the_indicators_and_say_so(client_for, scorecard):
    response = client_for("business").get(detail_url(scorecard, "rag=none"))
    assert "IND003: Indicator 3" in response.text
    assert "IND001: Indicator 1" not in response.text
    assert "Rating: Not rated" in response.text


def test_a_quarter_can_be_read_on_a_monthly_scorecard(client_for, scorecard):
    quarter = Period.last_complete(QUARTERLY, MONTH.end)
    response = client_for("business").get(detail_url(scorecard, f"period={quarter.key}"))
    assert response.context["period"] == quarter
    assert f"Summary for {quarter.label}" in response.text


@pytest.mark.parametrize("period", ["nonsense", "2025-13", "FY2025-26", "<script>", "9999-01"])
def test_a_period_that_makes_no_sense_falls_back_to_the_default(client_for, scorecard, period):
    response = client_for("business").get(detail_url(scorecard, f"period={period}"))
    assert response.status_code == 200
    assert response.context["period"] == MONTH


@pytest.mark.parametrize("when", ["future", "running", "before"])
def test_the_scorecard_and_its_downloads_for_a_period_outside_its_range_are_not_found(client_for, scorecard, when):
    Indicator.objects.update(first_period=MONTH.offset(-17).key)
    period = {
        "future": Period.parse("2031-01"),
        "running": MONTH.next(),
        "before": MONTH.offset(-18),
    }[when]
    client = client_for("business")
    assert client.get(detail_url(scorecard, f"period={period.key}")).status_code == 404
    for name in ("scorecards:scorecard-pdf", "scorecards:scorecard-xlsx", "scorecards:scorecard-csv"):
        assert client.get(reverse(name, args=[scorecard.slug, period.key])).status_code == 404
    assert client.get(f"/scorecards/{scorecard.slug}/2031-01.xlsx").status_code == 404


def test_the_scorecards_first_period_and_its_quarter_can_be_read(client_for, scorecard):
    first = MONTH.offset(-17)
    Indicator.objects.update(first_period=first.key)
    client = client_for("business")
    assert client.get(detail_url(scorecard, f"period={first.key}")).context["period"] == first
    quarter = Period.containing(first.end, QUARTERLY)
    assert client.get(reverse("scorecards:scorecard-csv", args=[scorecard.slug, quarter.key])).status_code == 200


def test_the_period_picker_offers_only_periods_in_the_scorecards_range(client_for, scorecard):
    first = MONTH.offset(-5)
    Indicator.objects.update(first_period=first.key)
    form = client_for("business").get(detail_url(scorecard)).context["filter_form"]
    offered = [Period.parse(key) for _, group in form.fields["period"].choices for key, _ in group]
    months = [period for period in offered if period.frequency == "monthly"]
    assert months == [MONTH.offset(-step) for step in range(6)]
    assert all(period.end >= first.start and period.end < MONTH.next().start for period in offered)


@pytest.mark.parametrize("query", ["rag=purple", "priority=abc", "theme=999999", "area=nowhere", "page=-3", "page=x"])
def test_filters_that_make_no_sense_never_cause_an_error(client_for, scorecard, query):
    assert client_for("business").get(detail_url(scorecard, query)).status_code == 200


def test_an_inactive_or_unknown_scorecard_is_not_found(client_for, scorecard):
    scorecard.is_active = False
    scorecard.save()
    assert client_for("business").get(detail_url(scorecard)).status_code == 404
    assert client_for("business").get("/scorecards/no-such-scorecard/").status_code == 404


def test_a_corrected_figure_shows_at_once(client_for, partnership):
    scorecard = empty_scorecard()
    indicator = simple_indicator("TIME01", scorecard=scorecard, values={MONTH.key: 70}, target=85, tolerance=5)
    client = client_for("business")
    assert "70.0%" in client.get(detail_url(scorecard)).text
    IndicatorValue.objects.filter(indicator=indicator).update(value=Decimal("88"))
    # An update that bypasses history still shows once anything else is written (here, commentary).
    Commentary.objects.create(
        indicator=indicator, period_key=MONTH.key, text="Back on track.", author=partnership["officer"]
    )
    text = client.get(detail_url(scorecard)).text
    assert "88.0%" in text
    assert "Back on track." in text


def _page_queries(client, url) -> int:
    # Django empties its query log as each request starts; keep it for the request being counted.
    request_started.disconnect(reset_queries)
    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
    finally:
        request_started.connect(reset_queries)
    assert response.status_code == 200
    return len(queries)


def test_the_scorecard_page_takes_the_same_queries_for_10_and_150_indicators(client_for, partnership):
    small = build_scorecard(10, months=14, slug="small", name="Small", code_prefix="S")
    large = build_scorecard(150, months=14, slug="large", name="Large", code_prefix="L")
    client = client_for("business")
    client.get(detail_url(small))  # the first request of a session writes it; count the steady state
    cache.clear()
    cold_small, cold_large = _page_queries(client, detail_url(small)), _page_queries(client, detail_url(large))
    warm_small, warm_large = _page_queries(client, detail_url(small)), _page_queries(client, detail_url(large))
    # The header's unread-notifications count is one of them.
    # One of them reads which periods the scorecard can be read for (scorecards.ranges).
    assert cold_small == cold_large == 30
    # Once rendered, the body comes from the cache until a figure behind it changes.
    assert warm_small == warm_large == 16


def test_a_large_scorecard_shows_its_details_a_page_at_a_time(client_for, partnership):
    build_scorecard(30, months=13, comparator_years=0)
    text = client_for("business").get(detail_url(Scorecard.objects.get(), "page=2")).text
    assert "Indicators 26 to 30 of 30 in detail." in text
    assert 'id="indicator-ind026"' in text
    assert 'id="indicator-ind001"' not in text
    assert 'href="?page=1#indicator-ind001"' in text


# Downloads ----------


def test_the_pdf_is_a4_landscape_with_the_indicators_charts_and_page_numbers(client_for, scorecard, tmp_path):
    response = client_for("board").get(reverse("scorecards:scorecard-pdf", args=[scorecard.slug, MONTH.key]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="main-{MONTH.key}.pdf"'
    pdf = tmp_path / "scorecard.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "841.89 x 595.276 pts (A4)" in info  # landscape: wider than tall
    assert "Contents" in text
    assert "Page 1 of" in text
    assert "IND005: Indicator 5" in text
    # The chart's words are text, not paths: the target and comparators are named at their lines' ends.
    assert "Target: 85.0%" in text
    assert "England: 80.0%" in text
    # The table behind each chart is a screen-only "details" component; the spreadsheet holds every figure.
    assert "Show the data behind this chart" not in text


def test_a_download_for_a_period_that_is_not_one_is_not_found(client_for, scorecard):
    for name in ("scorecards:scorecard-pdf", "scorecards:scorecard-xlsx", "scorecards:scorecard-csv"):
        assert client_for("business").get(reverse(name, args=[scorecard.slug, "FY2025-26"])).status_code == 404
        assert client_for("business").get(reverse(name, args=[scorecard.slug, "soon"])).status_code == 404


def test_the_downloads_follow_the_filters(client_for, scorecard):
    url = reverse("scorecards:scorecard-csv", args=[scorecard.slug, MONTH.key]) + "?rag=none"
    text = client_for("business").get(url).content.decode("utf-8-sig")
    assert "IND003" in text and "IND001" not in text


# Published reports ----------


def test_published_reports_are_listed_and_downloaded(client_for, scorecard):
    report_generate(scorecard=scorecard, period=MONTH)
    client = client_for("scrutineer")
    listing = client.get(reverse("scorecards:report-list", args=[scorecard.slug]))
    assert MONTH.label in listing.text
    response = client.get(reverse("scorecards:report-download", args=[scorecard.slug, MONTH.key]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("scorecards:report-download", args=[scorecard.slug, "2001-04"])).status_code == 404


def test_a_report_whose_file_went_missing_is_printed_again_from_its_snapshot(client_for, scorecard):
    report = report_generate(scorecard=scorecard, period=MONTH)
    report.pdf.storage.delete(report.pdf.name)
    response = client_for("business").get(reverse("scorecards:report-download", args=[scorecard.slug, MONTH.key]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_scorecard_page_links_to_the_published_report_for_its_period(client_for, scorecard):
    report_generate(scorecard=scorecard, period=MONTH)
    text = client_for("business").get(detail_url(scorecard)).text
    assert reverse("scorecards:report-download", args=[scorecard.slug, MONTH.key]) in text


# The indicator page ----------


def indicator_url(code: str = "IND001") -> str:
    return reverse("scorecards:indicator-detail", args=[code])


def test_the_indicator_page_shows_its_definition_history_and_published_figures(client_for, scorecard):
    response = client_for("chair").get(indicator_url())
    assert response.status_code == 200
    text = response.text
    assert "What indicator 1 measures." in text
    assert "Children for whom it happened" in text
    assert "Higher is better." in text
    assert "Full history, newest first" in text
    assert "Published figures beside ours" in text
    assert "Who changed what" in text


def test_the_indicator_page_warns_when_our_local_and_published_figures_differ(client_for, partnership):
    scorecard = empty_scorecard(owner_group=partnership.business)
    year = Period.for_financial_year(MONTH.year - 1)
    indicator = simple_indicator(
        "REF01", scorecard=scorecard, unit="count", polarity="none", values={m.key: 400 for m in year.months}
    )
    Indicator.objects.filter(pk=indicator.pk).update(aggregation=Indicator.Aggregation.FLOW)
    published_figure(indicator, year, 4000)

    text = html.unescape(" ".join(client_for("chair").get(indicator_url("REF01")).text.split()))

    label = year.financial_year_label
    assert (
        f"Our local figures make 4,800 for {label}, but our published figure for the same year is 4,000: a "
        "difference of 800 (20.0% of the published figure), more than this indicator's tolerance of 10% of the "
        f"published figure. For {label}, trust the published figure: it is the validated statutory return."
    ) in text
    assert "+800 (more than the tolerance)" in text
    assert "Warn when our local figure for a year is more than 10% of the published figure" in text


def test_an_unknown_indicator_is_not_found(client_for, scorecard):
    assert client_for("chair").get(indicator_url("NOPE")).status_code == 404


def test_only_the_responsible_officer_and_admins_are_offered_commentary(client_for, scorecard):
    assert "Write commentary" in client_for("officer").get(indicator_url()).text
    assert "Write commentary" not in client_for("business").get(indicator_url()).text
    assert client_for("business").get(reverse("scorecards:commentary-add", args=["IND001"])).status_code == 403


def test_the_responsible_officer_writes_commentary_for_a_period(client_for, scorecard):
    url = reverse("scorecards:commentary-add", args=["IND001"])
    client = client_for("officer")
    response = client.post(url, {"period": MONTH.key, "text": "Recruitment is under way."})
    assert response.status_code == 302
    assert Commentary.objects.get(indicator__code="IND001", period_key=MONTH.key).text == "Recruitment is under way."
    page = client.get(response["Location"])
    assert "Commentary saved for IND001" in page.text
    assert "Recruitment is under way." in page.text


def test_commentary_left_empty_is_refused_with_a_message_and_nothing_saved(client_for, scorecard):
    url = reverse("scorecards:commentary-add", args=["IND001"])
    response = client_for("officer").post(url, {"period": MONTH.key, "text": "   "})
    assert response.status_code == 200
    assert "Enter the commentary" in response.text
    assert not Commentary.objects.exists()


def test_commentary_for_a_period_not_offered_is_refused(client_for, scorecard):
    url = reverse("scorecards:commentary-add", args=["IND001"])
    response = client_for("officer").post(url, {"period": "1999-04", "text": "Old news."})
    assert response.status_code == 200
    assert "Choose one of the periods listed" in response.text


def test_commentary_for_a_period_outside_the_indicators_range_is_not_found(client_for, scorecard):
    Indicator.objects.filter(code="IND001").update(first_period=MONTH.offset(-3).key)
    url = reverse("scorecards:commentary-add", args=["IND001"])
    client = client_for("officer")
    for period in (MONTH.offset(-4), MONTH.next(), Period.parse("2031-01")):
        assert client.get(url, {"period": period.key}).status_code == 404
    response = client.get(url, {"period": MONTH.offset(-3).key})
    assert response.context["form"]["period"].value() == MONTH.offset(-3).key
    offered = [key for key, _ in response.context["form"].fields["period"].choices]
    assert offered == [MONTH.offset(-step).key for step in range(4)]
    assert (
        client_for("business")
        .get(reverse("scorecards:challenge-add", args=["IND001"]), {"period": "2031-01"})
        .status_code
        == 404
    )


def test_an_indicator_that_starts_later_offers_no_commentary_or_challenge_yet(client_for, scorecard):
    Indicator.objects.filter(code="IND001").update(first_period=MONTH.offset(2).key)
    assert "Write commentary" not in client_for("officer").get(indicator_url()).text
    assert client_for("officer").get(reverse("scorecards:commentary-add", args=["IND001"])).status_code == 404
    assert client_for("business").get(reverse("scorecards:challenge-add", args=["IND001"])).status_code == 404


def test_a_business_group_member_challenges_and_the_officer_responds(client_for, partnership, scorecard):
    url = reverse("scorecards:challenge-add", args=["IND001"])
    assert client_for("officer").get(url).status_code == 403
    response = client_for("business").post(url, {"period": MONTH.key, "text": "What is the recovery plan?"})
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert challenge.group == partnership.business
    respond = reverse("scorecards:challenge-respond", args=[challenge.pk])
    assert client_for("chair").get(respond).status_code == 403
    response = client_for("officer").post(respond, {"text": "Two new social workers start next month."})
    assert response.status_code == 302
    assert ChallengeResponse.objects.get().text == "Two new social workers start next month."
    text = client_for("business").get(indicator_url()).text
    assert "What is the recovery plan?" in text
    assert "Two new social workers start next month." in text


def test_an_unknown_challenge_is_not_found(client_for, scorecard):
    assert client_for("officer").get(reverse("scorecards:challenge-respond", args=[99999])).status_code == 404


# The officer's indicators ---------------------------------------------------------------------------------------------


def test_the_officer_sees_their_indicators_and_the_periods_needing_figures(client_for, partnership):
    scorecard = empty_scorecard()
    simple_indicator("TIME01", scorecard=scorecard, officer=partnership["officer"], values={MONTH.previous().key: 80})
    response = client_for("officer").get(reverse("scorecards:my-indicators"))
    assert response.status_code == 200
    assert "TIME01: Indicator TIME01" in response.text
    assert f"Enter figures for {MONTH.label}" in response.text
    assert response.context["missing"][0].period == MONTH


def test_the_officer_is_offered_no_entry_page_that_none_of_their_indicators_takes(client_for, partnership):
    scorecard = empty_scorecard()
    simple_indicator("LATER01", scorecard=scorecard, officer=partnership["officer"])
    Indicator.objects.update(first_period=MONTH.next().key)
    response = client_for("officer").get(reverse("scorecards:my-indicators"))
    assert response.status_code == 200
    assert "Enter figures for" not in response.text
    assert response.context["missing"] == []


def test_someone_responsible_for_nothing_is_told_so(client_for, scorecard):
    response = client_for("chair").get(reverse("scorecards:my-indicators"))
    assert "You are not the responsible officer for any indicator." in response.text


def test_a_scorecard_too_large_to_print_is_a_message_on_its_page_not_an_error(client_for, scorecard, settings):
    settings.PDF_MAX_HTML_BYTES = 1_000
    client = client_for("board")
    response = client.get(reverse("scorecards:scorecard-pdf", args=[scorecard.slug, MONTH.key]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == detail_url(scorecard, f"period={MONTH.key}")
    assert "This document is too long to print" in response.content.decode()
