"""Periods no one should type, in every address that names one: the scorecard page's `period`, its PDF, Excel
and CSV downloads, a published report and the figure-entry page. Each is answered with the default period or
a 404, never a server error."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from scorecards.models import Scorecard
from tests.scorecards.pages_helpers import build_scorecard, last_month

HOSTILE = [
    "0000-Q1",
    "0000-01",
    "0001-04",
    "1000-04",
    "1000-01",
    "9998-03",
    "9998-12",
    "9999-01",
    "9999-12",
    "2025-13",
    "FY9998-99-Q4",
    "FY9998-99",
    "FY1000-01-Q1",
    "FY1000-01",
    "99999999999999999999-01",
    "1" * 300,
    "%00",
    "1e999999",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def scorecard(partnership) -> Scorecard:
    return build_scorecard(2, officer=partnership["officer"], owner_group=partnership.business, months=3)


@pytest.mark.parametrize("key", HOSTILE)
def test_the_scorecard_page_answers_a_hostile_period_with_the_default(client_for, scorecard, key):
    url = reverse("scorecards:scorecard-detail", args=[scorecard.slug])
    response = client_for("business").get(url, {"period": key})
    assert response.status_code == 200
    assert response.context["period"] == last_month()


@pytest.mark.parametrize("key", HOSTILE)
@pytest.mark.parametrize("name", ["scorecards:scorecard-pdf", "scorecards:scorecard-xlsx", "scorecards:scorecard-csv"])
def test_a_download_for_a_hostile_period_is_not_found(client_for, scorecard, name, key):
    url = f"/scorecards/{scorecard.slug}/{key}.{name.rsplit('-', 1)[1]}"
    assert client_for("business").get(url).status_code == 404


@pytest.mark.parametrize("key", HOSTILE)
def test_a_published_report_for_a_hostile_period_is_not_found(client_for, scorecard, key):
    assert client_for("business").get(f"/scorecards/{scorecard.slug}/reports/{key}.pdf").status_code == 404


@pytest.mark.parametrize("key", HOSTILE)
@pytest.mark.parametrize("persona", ["admin", "officer"])
def test_the_figure_entry_page_for_a_hostile_period_is_not_found(client_for, scorecard, key, persona):
    client = client_for(persona)
    assert client.get(f"/scorecards/enter/{key}/").status_code == 404
    assert client.post(f"/scorecards/enter/{key}/", {"anything": "1"}).status_code == 404


def test_the_earliest_period_that_may_be_typed_is_not_found_when_no_indicator_takes_it(client_for, scorecard):
    assert client_for("admin").get(reverse("scorecards:enter-values", args=["1900-04"])).status_code == 404
    assert client_for("business").get(f"/scorecards/{scorecard.slug}/", {"period": "1900-04"}).status_code == 404
    assert client_for("business").get(f"/scorecards/{scorecard.slug}/1900-04.csv").status_code == 404
