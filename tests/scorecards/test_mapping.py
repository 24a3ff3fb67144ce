"""The mapping step: an admin says which published measure feeds each indicator, and as what."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cscp.models import AuditEvent
from scorecards.imports.catalogue import ensure_catalogue
from scorecards.models import ComparatorMeasure, IndicatorMapping
from scorecards.services import indicator_mapping_set
from tests.scorecards.pages_helpers import simple_indicator

pytestmark = pytest.mark.django_db

LIST = reverse("scorecards:mapping-list")


@pytest.fixture
def catalogue(partnership) -> dict[str, ComparatorMeasure]:
    return ensure_catalogue()


@pytest.fixture
def rate(catalogue):
    return simple_indicator("REF01", unit="rate_per_10000", polarity="none", name="Referrals per 10,000")


def edit_url(code: str) -> str:
    return reverse("scorecards:mapping-edit", args=[code])


def test_the_list_shows_each_indicator_with_its_measure_file_column_breakdown_and_role(client_for, catalogue, rate):
    simple_indicator("CLA01", unit="count", polarity="none", name="Children looked after")
    IndicatorMapping.objects.create(
        indicator=rate, measure=catalogue["cin-referral-rate"], role=IndicatorMapping.Role.BOTH
    )
    IndicatorMapping.objects.create(
        indicator=simple_indicator("CLA02", unit="count", polarity="none"),
        measure=catalogue["cla-count"],
        role=IndicatorMapping.Role.COMPARATORS,
    )
    page = client_for("admin").get(LIST).content.decode()
    assert "Referrals per 10,000 children" in page
    assert "c1_children_in_need_referrals" in page
    assert "referral_rate (All rows)" in page
    assert "The partnership&#x27;s published figure and its comparators" in page
    assert "population_type is Children looked after on 31 March each year" in page
    assert "Comparators only" in page
    assert "Not mapped: no published figures" in page
    assert edit_url("CLA01") in page


def test_the_list_reads_in_the_same_number_of_queries_however_many_indicators(
    client_for, catalogue, django_assert_max_num_queries
):
    client = client_for("admin")
    for number in range(3):
        indicator = simple_indicator(f"A{number}", unit="count", polarity="none")
        IndicatorMapping.objects.create(indicator=indicator, measure=catalogue["cin-referrals"])
    client.get(LIST)
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    for number in range(20):
        indicator = simple_indicator(f"B{number}", unit="count", polarity="none")
        IndicatorMapping.objects.create(indicator=indicator, measure=catalogue["cla-count"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).status_code == 200


@pytest.mark.parametrize("persona", ["board", "business", "officer", "chair", "outsider"])
def test_only_admins_see_or_change_the_mappings(client_for, rate, persona):
    client = client_for(persona)
    assert client.get(LIST).status_code == 403
    assert client.get(edit_url(rate.code)).status_code == 403
    assert client.post(edit_url(rate.code), {"measure": "", "role": "both"}).status_code == 403


def test_anonymous_visitors_are_asked_to_sign_in(client_for, rate):
    assert client_for(None).get(edit_url(rate.code)).status_code == 302


def test_an_unknown_indicator_is_not_found(client_for, catalogue):
    assert client_for("admin").get(edit_url("NOPE")).status_code == 404


def test_the_edit_page_offers_the_catalogue_grouped_by_file(client_for, catalogue, rate):
    page = client_for("admin").get(edit_url(rate.code)).content.decode()
    assert '<optgroup label="Explore Education Statistics CSV: c1_children_in_need_referrals">' in page
    assert '<optgroup label="ONS population estimates: ons_mid-year_population_estimates">' in page
    assert "None: no published figures for this indicator" in page


def test_an_admin_maps_an_indicator_and_the_change_is_audited(client_for, catalogue, rate, partnership):
    measure = catalogue["cin-referral-rate"]
    response = client_for("admin").post(
        edit_url(rate.code), {"measure": str(measure.pk), "role": "published", "indicator": "OTHER", "extra": "x"}
    )
    assert response.status_code == 302
    assert response.url == LIST
    mapping = IndicatorMapping.objects.get(indicator=rate)
    assert (mapping.measure, mapping.role) == (measure, IndicatorMapping.Role.PUBLISHED)
    event = AuditEvent.objects.get(action="scorecards.indicator_mapping.changed")
    assert event.actor == partnership["admin"]
    assert event.data["after"] == [["cin-referral-rate", "published"]]


def test_a_new_measure_replaces_the_old_and_none_removes_it(client_for, catalogue, rate):
    client = client_for("admin")
    IndicatorMapping.objects.create(indicator=rate, measure=catalogue["cla-rate"])
    client.post(edit_url(rate.code), {"measure": str(catalogue["cin-rate"].pk), "role": "both"})
    assert list(IndicatorMapping.objects.filter(indicator=rate).values_list("measure__code", flat=True)) == ["cin-rate"]
    response = client.post(edit_url(rate.code), {"measure": "", "role": "both"}, follow=True)
    assert not IndicatorMapping.objects.filter(indicator=rate).exists()
    assert "REF01 no longer has published figures" in response.content.decode()


def test_a_measure_in_another_unit_is_refused_beside_the_field(client_for, catalogue, rate):
    response = client_for("admin").post(
        edit_url(rate.code), {"measure": str(catalogue["cin-referrals"].pk), "role": "both"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_measure-error"' in page or "govuk-error-message" in page
    assert "Choose a measure in the indicator&#x27;s unit (rate per 10,000 children)" in page
    # What was chosen is kept.
    assert f'value="{catalogue["cin-referrals"].pk}" selected' in page
    assert not IndicatorMapping.objects.exists()


@pytest.mark.parametrize("measure", ["999999", "abc", "1 OR 1=1"])
def test_an_unknown_measure_is_refused(client_for, catalogue, rate, measure):
    response = client_for("admin").post(edit_url(rate.code), {"measure": measure, "role": "both"})
    assert response.status_code == 200
    assert "Choose a measure from the list" in response.content.decode()
    assert not IndicatorMapping.objects.exists()


def test_an_unknown_role_is_refused(client_for, catalogue, rate):
    response = client_for("admin").post(
        edit_url(rate.code), {"measure": str(catalogue["cin-rate"].pk), "role": "everything"}
    )
    assert "Choose what the measure&#x27;s figures are used for" in response.content.decode()
    assert not IndicatorMapping.objects.exists()


def test_the_indicator_page_says_where_its_comparators_come_from(client_for, catalogue, rate):
    IndicatorMapping.objects.create(indicator=rate, measure=catalogue["cin-referral-rate"])
    indicator_url = reverse("scorecards:indicator-detail", args=[rate.code])
    admin_page = client_for("admin").get(indicator_url).content.decode()
    assert "Comparators from" in admin_page
    assert "Referrals per 10,000 children (Explore Education Statistics CSV, column referral_rate)" in admin_page
    assert edit_url(rate.code) in admin_page
    board_page = client_for("board").get(indicator_url).content.decode()
    assert "Comparators from" in board_page
    assert edit_url(rate.code) not in board_page


def test_the_service_refuses_people_who_do_not_manage_indicators(partnership, catalogue, rate):
    with pytest.raises(PermissionDenied):
        indicator_mapping_set(actor=partnership["board"], indicator=rate, measure=catalogue["cin-rate"])


def test_saving_the_same_mapping_again_records_nothing(partnership, catalogue, rate):
    for _ in range(2):
        indicator_mapping_set(actor=partnership["admin"], indicator=rate, measure=catalogue["cin-rate"])
    assert AuditEvent.objects.filter(action="scorecards.indicator_mapping.changed").count() == 1
