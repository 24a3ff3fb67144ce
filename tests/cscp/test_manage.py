"""Manage the partnership: the index of what an admin looks after, the partnership's settings and districts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cscp.models import AuditEvent, District, Group, Partnership
from tests.cscp.structure_helpers import error_beside, has_error_summary, last_event, url_if_defined
from tests.factories import AgencyFactory, BusinessPlanFactory, DistrictFactory, PersonFactory, ThemeFactory

pytestmark = pytest.mark.django_db

NOT_ADMINS = ("board", "business", "chair", "officer", "s11lead", "auditor", "scrutineer", "outsider")


# The index.


def test_manage_sends_an_anonymous_visitor_to_sign_in(client_for):
    response = client_for(None).get(reverse("cscp:manage"))
    assert response.status_code == 302
    assert reverse("cscp:sign-in") in response["Location"]


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_only_a_partnership_admin_may_manage_the_partnership(client_for, persona):
    assert client_for(persona).get(reverse("cscp:manage")).status_code == 403


def test_an_admin_sees_what_the_partnership_holds(client_for, partnership):
    AgencyFactory(name="Retired agency", is_active=False)
    invited = PersonFactory(username="invitee")
    invited.set_unusable_password()
    invited.save()
    BusinessPlanFactory(title="Business plan 2025 to 2027")
    ThemeFactory(name="Neglect")
    ThemeFactory(name="Old theme", is_active=False)

    response = client_for("admin").get(reverse("cscp:manage"))

    assert response.status_code == 200
    context = response.context
    assert context["agencies"] == {"active": 2, "total": 3}
    assert context["people"]["invited"] == 1
    assert dict(context["groups"])["Subgroup"] == 2
    assert dict(context["groups"])["Board"] == 1
    assert context["themes"] == {"active": 1, "total": 2}
    page = response.content.decode()
    assert "Manage the partnership" in page
    assert reverse("cscp:agency-list") in page and reverse("cscp:group-list") in page
    assert reverse("cscp:theme-list") in page and reverse("cscp:district-list") in page


def test_the_index_names_the_plan_in_force_today(client_for):
    BusinessPlanFactory(title="Old plan 2020 to 2022", start_date="2020-04-01", end_date="2022-03-31")
    current = BusinessPlanFactory(title="Plan for now", start_date="2020-04-01", end_date="2099-03-31")

    response = client_for("admin").get(reverse("cscp:manage"))

    assert response.context["plan"] == current
    assert reverse("cscp:plan-detail", args=[current.pk]) in response.content.decode()


def test_the_index_links_to_people_the_audit_log_and_the_membership_report_where_they_exist(client_for):
    page = client_for("admin").get(reverse("cscp:manage")).content.decode()
    for name in ("cscp:person-list", "cscp:audit-log", "cscp:membership-report"):
        url = url_if_defined(name)
        if url is not None:
            assert f'href="{url}"' in page


# Partnership settings.


def test_an_admin_renames_the_service_and_the_header_shows_the_new_name(client_for, partnership):
    client = client_for("admin")
    response = client.post(
        reverse("cscp:partnership-edit"),
        {
            "name": "Cumbria Safeguarding Children Partnership",
            "short_name": "CSCP",
            "service_name": "CSCP Assurance",
            "contact_email": "team@cscp.example.org",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cscp:manage")
    settings = Partnership.load()
    assert settings.service_name == "CSCP Assurance" and settings.short_name == "CSCP"
    event = last_event("cscp.partnership.updated")
    assert event.actor == partnership["admin"]
    assert event.data["changes"]["service_name"][1] == "CSCP Assurance"
    assert settings.history.first().history_user == partnership["admin"]
    page = client.get(reverse("cscp:manage")).content.decode()
    assert "CSCP Assurance" in page
    assert "Partnership settings saved" in page


def test_partnership_settings_need_a_name_and_a_real_email_address(client_for):
    before = Partnership.load().name
    response = client_for("admin").post(
        reverse("cscp:partnership-edit"),
        {"name": "  ", "short_name": "", "service_name": "Assurance", "contact_email": "not an email"},
    )

    assert response.status_code == 200
    assert has_error_summary(response)
    assert error_beside(response, "name") == ["Enter the partnership's name"]
    assert error_beside(response, "contact_email") == [
        "Enter an email address in the correct format, like name@example.org"
    ]
    assert Partnership.load().name == before
    assert not AuditEvent.objects.filter(action="cscp.partnership.updated").exists()


@pytest.mark.parametrize("persona", ["chair", "board", "scrutineer"])
def test_only_an_admin_may_change_the_partnership_settings(client_for, persona):
    client = client_for(persona)
    assert client.get(reverse("cscp:partnership-edit")).status_code == 403
    response = client.post(reverse("cscp:partnership-edit"), {"name": "Taken over", "service_name": "X"})
    assert response.status_code == 403
    assert Partnership.load().name != "Taken over"


def test_partnership_settings_sends_an_anonymous_visitor_to_sign_in(client_for):
    assert client_for(None).get(reverse("cscp:partnership-edit")).status_code == 302


# Districts.


def test_an_admin_sees_the_districts_and_how_many_groups_each_has(client_for):
    carlisle = DistrictFactory(name="Carlisle")
    DistrictFactory(name="Eden")
    Group.objects.create(name="Carlisle ASG", kind=Group.Kind.ASG, district=carlisle)

    response = client_for("admin").get(reverse("cscp:district-list"))

    assert response.status_code == 200
    assert [(d.name, d.group_count) for d in response.context["districts"]] == [("Carlisle", 1), ("Eden", 0)]
    assert reverse("cscp:district-create") in response.content.decode()


@pytest.mark.parametrize("name", ["cscp:district-list", "cscp:district-create"])
@pytest.mark.parametrize("persona", ["chair", "board", "outsider"])
def test_districts_are_for_admins_only(client_for, name, persona):
    assert client_for(persona).get(reverse(name)).status_code == 403


def test_districts_send_an_anonymous_visitor_to_sign_in(client_for):
    assert client_for(None).get(reverse("cscp:district-list")).status_code == 302


def test_an_admin_adds_a_district(client_for, partnership):
    response = client_for("admin").post(reverse("cscp:district-create"), {"name": "Allerdale"})

    assert response.status_code == 302
    district = District.objects.get(name="Allerdale")
    assert last_event("cscp.district.created").actor == partnership["admin"]
    assert district.history.count() == 1


def test_a_district_name_must_be_new_whatever_its_case(client_for):
    DistrictFactory(name="Carlisle")
    response = client_for("admin").post(reverse("cscp:district-create"), {"name": "carlisle"})

    assert response.status_code == 200
    assert error_beside(response, "name") == ["There is already a district called “Carlisle”: enter a different name"]
    assert District.objects.count() == 1


def test_a_district_needs_a_name(client_for):
    response = client_for("admin").post(reverse("cscp:district-create"), {"name": ""})
    assert error_beside(response, "name") == ["Enter the district's name"]
    assert not District.objects.exists()


def test_an_admin_renames_a_district(client_for, partnership):
    district = DistrictFactory(name="Carlise")
    client = client_for("admin")
    assert client.get(reverse("cscp:district-edit", args=[district.pk])).status_code == 200

    response = client.post(reverse("cscp:district-edit", args=[district.pk]), {"name": "Carlisle"})

    assert response.status_code == 302
    district.refresh_from_db()
    assert district.name == "Carlisle"
    event = last_event("cscp.district.updated")
    assert event.actor == partnership["admin"] and event.data["changes"]["name"] == ["Carlise", "Carlisle"]


def test_a_chair_cannot_rename_a_district(client_for):
    district = DistrictFactory(name="Eden")
    response = client_for("chair").post(reverse("cscp:district-edit", args=[district.pk]), {"name": "Mine"})
    assert response.status_code == 403
    district.refresh_from_db()
    assert district.name == "Eden"


def test_changing_a_district_that_does_not_exist_is_not_found(client_for):
    assert client_for("admin").get(reverse("cscp:district-edit", args=[999999])).status_code == 404
