"""Agencies: the list, an agency's page with its current members, and adding and changing agencies."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cscp.models import Agency, AgencyMembership, AuditEvent
from tests.cscp.structure_helpers import error_beside, has_error_summary, last_event, url_if_defined
from tests.factories import AgencyFactory, AgencyMembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [agency.name for agency in response.context["page"]]


# The list.

# The session (read and saved) and person, their memberships (read once), whether they hold Django permissions,
# the partnership's settings, the page and its count.
AGENCY_LIST_QUERIES = 13


def test_the_agency_list_sends_an_anonymous_visitor_to_sign_in(client_for):
    response = client_for(None).get(reverse("cscp:agency-list"))
    assert response.status_code == 302 and reverse("cscp:sign-in") in response["Location"]


def test_an_outsider_has_no_agencies_to_list(client_for):
    assert client_for("outsider").get(reverse("cscp:agency-list")).status_code == 403


@pytest.mark.parametrize("persona", ["admin", "board", "business", "scrutineer"])
def test_the_oversight_roles_see_every_agency(client_for, persona):
    response = client_for(persona).get(reverse("cscp:agency-list"))
    assert response.status_code == 200
    assert _names(response) == ["Cumberland Council", "Cumbria Constabulary"]


def test_an_agency_member_sees_their_own_agency_only(client_for):
    response = client_for("s11lead").get(reverse("cscp:agency-list"))
    assert response.status_code == 200
    assert _names(response) == ["Cumbria Constabulary"]
    assert "Cumberland Council" not in response.content.decode()
    assert "Add an agency" not in response.content.decode()


def test_the_list_shows_sector_status_and_the_number_of_current_members(client_for):
    agency = AgencyFactory(name="Former agency", sector=Agency.Sector.HEALTH, is_active=False)
    AgencyMembershipFactory(agency=agency)
    AgencyMembershipFactory(agency=agency, end_date=datetime.date(2024, 12, 31))

    response = client_for("admin").get(reverse("cscp:agency-list"))

    row = next(a for a in response.context["page"] if a.name == "Former agency")
    assert row.member_count == 1
    page = response.content.decode()
    assert "Health" in page and "Not active" in page
    assert reverse("cscp:agency-detail", args=[agency.pk]) in page
    assert "Add an agency" in page


def test_the_list_searches_by_name_and_filters_by_sector_and_status(client_for):
    AgencyFactory(name="North Cumbria Integrated Care", sector=Agency.Sector.HEALTH)
    AgencyFactory(name="Old Health Trust", sector=Agency.Sector.HEALTH, is_active=False)
    client = client_for("board")

    assert _names(client.get(reverse("cscp:agency-list"), {"q": "cumb"})) == [
        "Cumberland Council",
        "Cumbria Constabulary",
        "North Cumbria Integrated Care",
    ]
    assert _names(client.get(reverse("cscp:agency-list"), {"sector": "health"})) == [
        "North Cumbria Integrated Care",
        "Old Health Trust",
    ]
    assert _names(client.get(reverse("cscp:agency-list"), {"sector": "health", "active": "no"})) == ["Old Health Trust"]
    response = client.get(reverse("cscp:agency-list"), {"q": "nothing like it"})
    assert "No agencies match your filters." in response.content.decode()


def test_filters_with_nonsense_values_do_not_break_the_list(client_for):
    response = client_for("board").get(reverse("cscp:agency-list"), {"sector": "bogus", "active": "maybe", "page": "x"})
    assert response.status_code == 200


def test_the_list_is_paginated_in_pages_of_25_keeping_the_filters(client_for):
    for n in range(30):
        AgencyFactory(name=f"School {n:02}", sector=Agency.Sector.EDUCATION)

    client = client_for("admin")
    first = client.get(reverse("cscp:agency-list"), {"sector": "education"})
    second = client.get(reverse("cscp:agency-list"), {"sector": "education", "page": 2})

    assert len(first.context["page"]) == 25
    assert _names(second) == [f"School {n}" for n in range(25, 30)]
    assert "sector=education&amp;page=2" in first.content.decode()


def test_the_list_costs_the_same_number_of_queries_for_few_or_many_agencies(
    client_for, django_assert_num_queries, django_assert_max_num_queries
):
    client = client_for("board")
    client.get(reverse("cscp:agency-list"))  # the first request of all stores the partnership's settings
    with django_assert_max_num_queries(AGENCY_LIST_QUERIES) as few:
        client.get(reverse("cscp:agency-list"))
    for n in range(40):
        agency = AgencyFactory(name=f"Agency {n:02}")
        AgencyMembershipFactory(agency=agency)
        AgencyMembershipFactory(agency=agency)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("cscp:agency-list"))


# An agency's page.


def test_an_agency_member_sees_their_agency_and_its_current_members(client_for, partnership):
    left = PersonFactory(username="leaver", first_name="Lee", last_name="Leaver")
    AgencyMembershipFactory(person=left, agency=partnership.agency, end_date=datetime.date(2025, 1, 31))

    response = client_for("s11lead").get(reverse("cscp:agency-detail", args=[partnership.agency.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Cumbria Constabulary" in page and "Police" in page
    assert str(partnership["s11lead"]) in page and "Section 11 lead" in page and "1 April 2024" in page
    assert "Lee Leaver" not in page
    assert reverse("cscp:agency-edit", args=[partnership.agency.pk]) not in page


def test_an_agency_member_cannot_see_another_agency(client_for, partnership):
    response = client_for("s11lead").get(reverse("cscp:agency-detail", args=[partnership.other_agency.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["chair", "outsider"])
def test_someone_with_no_part_in_an_agency_cannot_see_it(client_for, partnership, persona):
    assert client_for(persona).get(reverse("cscp:agency-detail", args=[partnership.agency.pk])).status_code == 403


@pytest.mark.parametrize("persona", ["board", "business", "scrutineer"])
def test_the_oversight_roles_see_any_agency(client_for, partnership, persona):
    response = client_for(persona).get(reverse("cscp:agency-detail", args=[partnership.other_agency.pk]))
    assert response.status_code == 200


def test_an_agency_that_does_not_exist_is_not_found(client_for):
    assert client_for("admin").get(reverse("cscp:agency-detail", args=[999999])).status_code == 404


def test_an_admin_sees_links_to_change_the_agency_add_members_and_each_person(client_for, partnership):
    agency = partnership.agency
    page = client_for("admin").get(reverse("cscp:agency-detail", args=[agency.pk])).content.decode()

    assert reverse("cscp:agency-edit", args=[agency.pk]) in page
    for url in (
        url_if_defined("cscp:agency-member-add", agency.pk),
        url_if_defined("cscp:person-detail", partnership["s11lead"].pk),
    ):
        assert url is None or url in page


def test_people_are_not_links_for_someone_who_is_not_an_admin(client_for, partnership):
    page = client_for("board").get(reverse("cscp:agency-detail", args=[partnership.agency.pk])).content.decode()
    person_url = url_if_defined("cscp:person-detail", partnership["s11lead"].pk)
    assert person_url is None or person_url not in page
    assert "Add a member" not in page


# Adding and changing.


def test_an_admin_adds_an_agency(client_for, partnership):
    client = client_for("admin")
    assert client.get(reverse("cscp:agency-create")).status_code == 200

    response = client.post(reverse("cscp:agency-create"), {"name": "  Cumbria Fire and Rescue ", "sector": "other"})

    agency = Agency.objects.get(name="Cumbria Fire and Rescue")
    assert response.status_code == 302 and response["Location"] == reverse("cscp:agency-detail", args=[agency.pk])
    assert agency.sector == Agency.Sector.OTHER and agency.is_active
    event = last_event("cscp.agency.created")
    assert event.actor == partnership["admin"] and event.object_id == str(agency.pk)
    assert agency.history.get().history_user == partnership["admin"]
    assert "Cumbria Fire and Rescue added" in client.get(response["Location"]).content.decode()


def test_a_new_agency_needs_a_name_and_a_sector(client_for):
    response = client_for("admin").post(reverse("cscp:agency-create"), {"name": "", "sector": "spaceships"})

    assert response.status_code == 200 and has_error_summary(response)
    assert error_beside(response, "name") == ["Enter the agency's name"]
    assert error_beside(response, "sector") == ["Choose the agency's sector"]
    assert Agency.objects.count() == 2


def test_an_agency_name_already_used_in_another_case_is_refused(client_for):
    response = client_for("admin").post(
        reverse("cscp:agency-create"), {"name": "CUMBRIA CONSTABULARY", "sector": "police"}
    )

    assert error_beside(response, "name") == [
        "There is already an agency called “Cumbria Constabulary”: enter a different name"
    ]
    assert 'value="CUMBRIA CONSTABULARY"' in response.content.decode()
    assert Agency.objects.count() == 2
    assert not AuditEvent.objects.filter(action="cscp.agency.created").exists()


def test_fields_the_form_does_not_show_are_ignored(client_for):
    client_for("admin").post(
        reverse("cscp:agency-create"), {"name": "Probation Service", "sector": "probation", "is_active": "", "id": 1}
    )
    agency = Agency.objects.get(name="Probation Service")
    assert agency.is_active and agency.pk != 1


@pytest.mark.parametrize("persona", ["board", "s11lead", "chair"])
def test_only_an_admin_may_add_or_change_an_agency(client_for, partnership, persona):
    client = client_for(persona)
    assert client.get(reverse("cscp:agency-create")).status_code == 403
    assert client.post(reverse("cscp:agency-create"), {"name": "Mine", "sector": "other"}).status_code == 403
    edit = reverse("cscp:agency-edit", args=[partnership.agency.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"name": "Renamed", "sector": "other"}).status_code == 403
    assert not Agency.objects.filter(name__in=["Mine", "Renamed"]).exists()


def test_an_admin_changes_an_agency_and_can_mark_it_inactive(client_for, partnership):
    agency = partnership.other_agency
    client = client_for("admin")
    assert client.get(reverse("cscp:agency-edit", args=[agency.pk])).status_code == 200

    response = client.post(
        reverse("cscp:agency-edit", args=[agency.pk]), {"name": "Cumberland Council", "sector": "local_authority"}
    )

    assert response.status_code == 302
    agency.refresh_from_db()
    assert not agency.is_active
    event = last_event("cscp.agency.updated")
    assert event.actor == partnership["admin"] and event.data["changes"] == {"is_active": ["True", "False"]}
    assert agency.history.count() == 2


def test_an_agency_cannot_take_another_agencys_name(client_for, partnership):
    response = client_for("admin").post(
        reverse("cscp:agency-edit", args=[partnership.agency.pk]),
        {"name": "cumberland council", "sector": "police", "is_active": "on"},
    )
    assert error_beside(response, "name") == [
        "There is already an agency called “Cumberland Council”: enter a different name"
    ]
    partnership.agency.refresh_from_db()
    assert partnership.agency.name == "Cumbria Constabulary"


def test_saving_an_agency_unchanged_keeps_its_name(client_for, partnership):
    response = client_for("admin").post(
        reverse("cscp:agency-edit", args=[partnership.agency.pk]),
        {"name": "Cumbria Constabulary", "sector": "police", "is_active": "on"},
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="cscp.agency.updated").exists()
    assert AgencyMembership.objects.filter(agency=partnership.agency).count() == 1
