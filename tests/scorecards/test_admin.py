"""Django's admin for the scorecards (superusers, until the set-up pages exist): an indicator's tolerances."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from scorecards.models import Indicator
from tests.factories import PersonFactory
from tests.scorecards.pages_helpers import simple_indicator


@pytest.fixture
def superuser(db):
    return PersonFactory(username="root", is_staff=True, is_superuser=True)


def test_a_new_indicator_warns_beyond_10_percent_of_the_published_figure(db):
    indicator = simple_indicator("A1")
    assert (indicator.divergence_tolerance, indicator.divergence_kind) == (Decimal(10), "relative")


def test_a_superuser_sets_how_far_local_and_published_figures_may_differ(superuser, settings):
    settings.REQUIRE_MFA = False
    indicator = simple_indicator("A1")
    client = Client()
    client.force_login(superuser)
    url = reverse("admin:scorecards_indicator_change", args=[indicator.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Our local figures against our published ones" in page.text
    assert "Percent of the published figure" in page.text

    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(divergence_tolerance="2", divergence_kind="absolute", themes=[])
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    indicator.refresh_from_db()
    assert (indicator.divergence_tolerance, indicator.divergence_kind) == (Decimal(2), "absolute")
    assert indicator.history.count() == 2  # the change is kept in its history


def test_a_negative_tolerance_is_refused(superuser, settings):
    settings.REQUIRE_MFA = False
    indicator = simple_indicator("A1")
    client = Client()
    client.force_login(superuser)
    url = reverse("admin:scorecards_indicator_change", args=[indicator.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(divergence_tolerance="-1", themes=[])

    response = client.post(url, data)

    assert response.status_code == 200
    assert "divergence_tolerance" in response.context["adminform"].form.errors
    assert Indicator.objects.get(pk=indicator.pk).divergence_tolerance == Decimal(10)
