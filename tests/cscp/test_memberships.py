"""Adding people to groups and agencies, and ending their memberships."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cscp.models import AgencyMembership, AuditEvent, GroupMembership
from tests.cscp.structure_helpers import date_fields, date_shown
from tests.factories import GroupMembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

G, A = GroupMembership.Role, AgencyMembership.Role
D = datetime.date


def boxes(day: datetime.date) -> tuple[str, str, str]:
    return (str(day.day), str(day.month), str(day.year))


def text_of(response) -> str:
    # Unescaped, so a name like O'Neill reads as it does on screen.
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def error_beside(page: str, field: str, message: str) -> bool:
    return bool(re.search(rf'id="id_{field}_1_error"[^>]*>.*?{re.escape(message)}', page))


# Adding a person to a group from their page.


def test_the_add_to_a_group_page_offers_groups_roles_and_dates(client_for, partnership):
    page = text_of(client_for("admin").get(reverse("cscp:group-membership-add", args=[partnership["board"].pk])))
    for text in ("Case Review Group", "Chair", "Vice-chair", "Member", "Officer", "Start date", "End date"):
        assert text in page
    assert date_shown(page, "start_date") == boxes(timezone.localdate())
    assert date_shown(page, "end_date") == ("", "", "")


def test_an_admin_adds_a_person_to_a_group(client_for, partnership):
    person = partnership["board"]
    client = client_for("admin")
    data = {"group": partnership.other_subgroup.pk, "role": G.VICE_CHAIR, **date_fields("start_date", D(2026, 1, 5))}

    response = client.post(reverse("cscp:group-membership-add", args=[person.pk]), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("cscp:person-detail", args=[person.pk])
    membership = person.group_memberships.get(group=partnership.other_subgroup)
    assert (membership.role, membership.start_date, membership.end_date) == (
        G.VICE_CHAIR,
        datetime.date(2026, 1, 5),
        None,
    )
    assert AuditEvent.objects.filter(action="cscp.group_membership.created", actor=partnership["admin"]).exists()
    page = text_of(client.get(response["Location"]))
    assert f"{person} was added to Case Review Group as Vice-chair" in page


def test_after_adding_the_admin_goes_back_to_a_page_of_ours_but_never_elsewhere(client_for, partnership):
    person = partnership["board"]
    url = reverse("cscp:group-membership-add", args=[person.pk])
    data = {"group": partnership.subgroup.pk, "role": G.MEMBER, **date_fields("start_date", D(2026, 1, 5))}

    response = client_for("admin").post(url, {**data, "next": "/groups/"})
    assert response["Location"] == "/groups/"

    data["group"] = partnership.other_subgroup.pk
    response = client_for("admin").post(url, {**data, "next": "https://evil.example/steal"})
    assert response["Location"] == reverse("cscp:person-detail", args=[person.pk])


def test_a_membership_that_ends_before_it_starts_is_refused(client_for, partnership):
    person = partnership["board"]
    data = {
        "group": partnership.subgroup.pk,
        "role": G.MEMBER,
        **date_fields("start_date", D(2026, 3, 1)),
        **date_fields("end_date", D(2026, 2, 1)),
    }

    response = client_for("admin").post(reverse("cscp:group-membership-add", args=[person.pk]), data)

    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert error_beside(page, "end_date", "Enter an end date on or after the start date")
    assert date_shown(page, "start_date") == ("1", "3", "2026") and date_shown(page, "end_date") == ("1", "2", "2026")
    assert not person.group_memberships.filter(group=partnership.subgroup).exists()


def test_a_second_chair_at_the_same_time_is_refused(client_for, partnership):
    # The subgroup's chair has held the chair since 1 April 2024 with no end date.
    person = partnership["board"]
    data = {
        "group": partnership.subgroup.pk,
        "role": G.CHAIR,
        **date_fields("start_date", D(2026, 3, 1)),
        **date_fields("end_date", D(2026, 6, 30)),
    }

    response = client_for("admin").post(reverse("cscp:group-membership-add", args=[person.pk]), data)

    assert response.status_code == 200
    page = text_of(response)
    assert error_beside(page, "role", "already has a chair for these dates")
    assert partnership["chair"].get_full_name() in page
    assert re.search(r'value="chair"[^>]*checked', page)
    assert partnership.subgroup.memberships.filter(role=G.CHAIR).count() == 1


def test_a_chair_can_follow_one_whose_term_has_ended(client_for, partnership):
    GroupMembership.objects.filter(person=partnership["chair"]).update(end_date=datetime.date(2026, 2, 28))
    data = {"group": partnership.subgroup.pk, "role": G.CHAIR, **date_fields("start_date", D(2026, 3, 1))}

    response = client_for("admin").post(reverse("cscp:group-membership-add", args=[partnership["board"].pk]), data)

    assert response.status_code == 302
    assert partnership.subgroup.memberships.filter(role=G.CHAIR).count() == 2


def test_the_same_role_twice_at_once_is_refused_beside_the_group(client_for, partnership):
    officer = partnership["officer"]
    data = {"group": partnership.subgroup.pk, "role": G.OFFICER, **date_fields("start_date", D(2026, 3, 1))}

    response = client_for("admin").post(reverse("cscp:group-membership-add", args=[officer.pk]), data)

    assert response.status_code == 200
    assert error_beside(text_of(response), "group", "already has this role")
    assert officer.group_memberships.count() == 1


def test_missing_or_malformed_answers_are_explained(client_for, partnership):
    data = {"group": "", "role": "emperor", **date_fields("start_date", text=("31", "02", "2026"))}

    response = client_for("admin").post(reverse("cscp:group-membership-add", args=[partnership["board"].pk]), data)

    assert response.status_code == 200
    page = text_of(response)
    assert error_beside(page, "group", "Choose a group")
    assert error_beside(page, "role", "Choose one of the roles listed")
    assert error_beside(page, "start_date", "Enter a real date, for example 27 3 2026")
    assert date_shown(page, "start_date") == ("31", "02", "2026")


def test_an_empty_post_is_answered_with_errors_not_a_crash(client_for, partnership):
    response = client_for("admin").post(reverse("cscp:group-membership-add", args=[partnership["board"].pk]))
    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert error_beside(page, "start_date", "Enter the start date")


def test_date_boxes_in_error_are_marked_and_the_legend_names_the_date(client_for, partnership):
    data = {
        "group": partnership.subgroup.pk,
        "role": G.MEMBER,
        **date_fields("start_date", D(2026, 1, 5)),
        **date_fields("end_date", text=("x", "4", "2026")),
    }

    response = client_for("admin").post(reverse("cscp:group-membership-add", args=[partnership["board"].pk]), data)

    assert response.status_code == 200
    page = text_of(response)
    assert re.search(r'<legend class="govuk-fieldset__legend[^"]*"> End date \(optional\) </legend>', page)
    assert error_beside(page, "end_date", "Enter the day as a number, for example 27")
    # Only the box that is wrong is marked; the start date's boxes are not.
    assert re.search(r'name="end_date_0"[^>]*govuk-input--error', page)
    assert not re.search(r'name="end_date_1"[^>]*govuk-input--error', page)
    assert not re.search(r'name="start_date_\d"[^>]*govuk-input--error', page)


def test_an_end_date_typed_in_part_is_refused_rather_than_dropped(client_for, partnership):
    person = partnership["board"]
    data = {
        "group": partnership.subgroup.pk,
        "role": G.MEMBER,
        **date_fields("start_date", D(2026, 1, 5)),
        **date_fields("end_date", text=("31", "3", "")),
    }

    response = client_for("admin").post(reverse("cscp:group-membership-add", args=[person.pk]), data)

    assert response.status_code == 200
    assert error_beside(
        text_of(response), "end_date", "Enter the end date in full, for example 31 3 2027, or leave it empty"
    )
    assert not person.group_memberships.filter(group=partnership.subgroup).exists()


# Adding a member from a group's page: the group is fixed by the address.


def test_the_add_a_member_page_lists_active_people_by_name(client_for, partnership):
    PersonFactory(username="aaa", first_name="Aaron", last_name="Aardvark")
    PersonFactory(username="zzz", first_name="Zoe", last_name="Zebra")
    PersonFactory(username="gone", first_name="Gone", last_name="Away", is_active=False)

    page = text_of(client_for("admin").get(reverse("cscp:group-member-add", args=[partnership.other_subgroup.pk])))

    assert "Case Review Group" in page
    assert page.index("Aaron Aardvark") < page.index("Zoe Zebra")
    assert "Gone Away" not in page


def test_an_admin_adds_a_member_to_a_group(client_for, partnership):
    scrutineer = partnership["scrutineer"]
    data = {
        "person": scrutineer.pk,
        "role": G.MEMBER,
        **date_fields("start_date", D(2026, 1, 5)),
        **date_fields("end_date", D(2026, 12, 31)),
    }

    response = client_for("admin").post(reverse("cscp:group-member-add", args=[partnership.other_subgroup.pk]), data)

    assert response.status_code == 302
    assert scrutineer.group_memberships.filter(group=partnership.other_subgroup, end_date="2026-12-31").exists()


def test_fields_the_page_does_not_show_are_ignored(client_for, partnership):
    # The group comes from the address; a posted `group` (or anything else) changes nothing.
    scrutineer = partnership["scrutineer"]
    data = {
        "person": scrutineer.pk,
        "role": G.MEMBER,
        **date_fields("start_date", D(2026, 1, 5)),
        "group": partnership.team.pk,
        "is_superuser": "on",
        "actor": partnership["chair"].pk,
    }

    response = client_for("admin").post(reverse("cscp:group-member-add", args=[partnership.other_subgroup.pk]), data)

    assert response.status_code == 302
    assert list(scrutineer.group_memberships.values_list("group", flat=True).order_by("group__name")) == [
        partnership.other_subgroup.pk,
        partnership.scrutiny.pk,
    ]
    scrutineer.refresh_from_db()
    assert not scrutineer.is_superuser
    assert AuditEvent.objects.get(action="cscp.group_membership.created").actor == partnership["admin"]


def test_a_second_chair_is_refused_from_the_groups_page_too(client_for, partnership):
    data = {"person": partnership["board"].pk, "role": G.CHAIR, **date_fields("start_date", D(2025, 1, 1))}

    response = client_for("admin").post(reverse("cscp:group-member-add", args=[partnership.other_subgroup.pk]), data)

    assert response.status_code == 200
    page = text_of(response)
    assert error_beside(page, "role", "Case Review Group already has a chair for these dates")
    assert re.search(rf'value="{partnership["board"].pk}"[^>]*selected', page)
    assert partnership.other_subgroup.memberships.count() == 1


def test_a_deactivated_person_cannot_be_added(client_for, partnership):
    person = PersonFactory(username="left", is_active=False)
    data = {"group": partnership.subgroup.pk, "role": G.MEMBER, **date_fields("start_date", D(2026, 1, 5))}

    response = client_for("admin").post(reverse("cscp:group-membership-add", args=[person.pk]), data)

    assert response.status_code == 200
    assert "This person is deactivated: reactivate them first" in text_of(response)
    assert not person.group_memberships.exists()


# Agencies.


def test_an_admin_adds_a_person_to_an_agency(client_for, partnership):
    person = partnership["board"]
    data = {"agency": partnership.agency.pk, "role": A.DATA_OFFICER, **date_fields("start_date", D(2026, 1, 5))}

    response = client_for("admin").post(reverse("cscp:agency-membership-add", args=[person.pk]), data)

    assert response.status_code == 302
    assert person.agency_memberships.filter(agency=partnership.agency, role=A.DATA_OFFICER).exists()


def test_an_admin_adds_a_member_to_an_agency_and_extra_fields_are_ignored(client_for, partnership):
    person = partnership["board"]
    data = {
        "person": person.pk,
        "role": A.AUDITOR,
        **date_fields("start_date", D(2026, 1, 5)),
        "agency": partnership.agency.pk,
    }

    response = client_for("admin").post(reverse("cscp:agency-member-add", args=[partnership.other_agency.pk]), data)

    assert response.status_code == 302
    assert list(person.agency_memberships.values_list("agency", "role")) == [(partnership.other_agency.pk, A.AUDITOR)]


def test_an_agency_membership_ending_before_it_starts_is_refused(client_for, partnership):
    person = partnership["board"]
    data = {
        "person": person.pk,
        "role": A.STAFF,
        **date_fields("start_date", D(2026, 5, 1)),
        **date_fields("end_date", D(2026, 4, 30)),
    }

    response = client_for("admin").post(reverse("cscp:agency-member-add", args=[partnership.agency.pk]), data)

    assert response.status_code == 200
    assert error_beside(text_of(response), "end_date", "Enter an end date on or after the start date")
    assert not person.agency_memberships.exists()


def test_the_same_agency_role_twice_at_once_is_refused_beside_the_person(client_for, partnership):
    s11lead = partnership["s11lead"]
    data = {"person": s11lead.pk, "role": A.SECTION_11_LEAD, **date_fields("start_date", D(2026, 1, 5))}

    response = client_for("admin").post(reverse("cscp:agency-member-add", args=[partnership.agency.pk]), data)

    assert response.status_code == 200
    assert error_beside(text_of(response), "person", "already has this role in Cumbria Constabulary")


# Ending a membership.


def test_the_end_page_asks_for_an_end_date_defaulting_to_today(client_for, partnership):
    membership = partnership["chair"].group_memberships.get()
    page = text_of(client_for("admin").get(reverse("cscp:group-membership-end", args=[membership.pk])))
    assert "End their membership of Learning and Improvement Subgroup" in page
    assert date_shown(page, "end_date") == boxes(timezone.localdate())
    assert "1 April 2024" in page


def test_an_admin_ends_a_membership_and_goes_back_where_they_came_from(client_for, partnership):
    membership = partnership["chair"].group_memberships.get()
    client = client_for("admin")
    url = reverse("cscp:group-membership-end", args=[membership.pk])

    response = client.post(url, {**date_fields("end_date", D(2026, 3, 31)), "next": "/groups/"})

    assert response.status_code == 302 and response["Location"] == "/groups/"
    membership.refresh_from_db()
    assert membership.end_date == datetime.date(2026, 3, 31)
    assert AuditEvent.objects.filter(action="cscp.groupmembership.ended", actor=partnership["admin"]).exists()
    assert "membership of Learning and Improvement Subgroup ends on 31 March 2026" in text_of(client.get("/groups/"))


def test_without_a_safe_next_ending_returns_to_the_persons_page(client_for, partnership):
    membership = partnership["s11lead"].agency_memberships.get()
    url = reverse("cscp:agency-membership-end", args=[membership.pk])

    response = client_for("admin").post(url, {**date_fields("end_date", D(2026, 3, 31)), "next": "//evil.example/"})

    assert response["Location"] == reverse("cscp:person-detail", args=[partnership["s11lead"].pk])
    membership.refresh_from_db()
    assert membership.end_date == datetime.date(2026, 3, 31)


def test_a_membership_cannot_end_before_it_started(client_for, partnership):
    membership = partnership["chair"].group_memberships.get()

    response = client_for("admin").post(
        reverse("cscp:group-membership-end", args=[membership.pk]), {**date_fields("end_date", D(2024, 3, 31))}
    )

    assert response.status_code == 200
    page = text_of(response)
    assert error_beside(page, "end_date", "Enter an end date on or after the date the membership started")
    assert date_shown(page, "end_date") == ("31", "3", "2024")
    membership.refresh_from_db()
    assert membership.end_date is None


def test_the_next_address_survives_a_failed_attempt(client_for, partnership):
    membership = partnership["chair"].group_memberships.get()
    url = reverse("cscp:group-membership-end", args=[membership.pk]) + "?next=/groups/"
    page = text_of(
        client_for("admin").post(url, {**date_fields("end_date", text=("30", "2", "2026")), "next": "/groups/"})
    )
    assert error_beside(page, "end_date", "Enter a real date, for example 27 3 2026")
    assert 'name="next" value="/groups/"' in page


def test_an_empty_end_date_is_asked_for(client_for, partnership):
    membership = partnership["chair"].group_memberships.get()
    url = reverse("cscp:group-membership-end", args=[membership.pk])
    page = text_of(client_for("admin").post(url, date_fields("end_date")))
    assert error_beside(page, "end_date", "Enter the end date")
    membership.refresh_from_db()
    assert membership.end_date is None


@pytest.mark.parametrize("persona", ["chair", "board", "outsider"])
def test_only_admins_manage_memberships(client_for, partnership, persona):
    client = client_for(persona)
    group_membership = partnership.other_chair.group_memberships.get()
    agency_membership = partnership.other_s11lead.agency_memberships.get()
    person = partnership.other_chair
    posts = [
        (
            reverse("cscp:group-membership-add", args=[person.pk]),
            {"group": partnership.other_subgroup.pk, "role": G.MEMBER, **date_fields("start_date", D(2026, 1, 1))},
        ),
        (
            reverse("cscp:group-member-add", args=[partnership.other_subgroup.pk]),
            {"person": partnership[persona].pk, "role": G.MEMBER, **date_fields("start_date", D(2026, 1, 1))},
        ),
        (
            reverse("cscp:agency-membership-add", args=[person.pk]),
            {"agency": partnership.other_agency.pk, "role": A.STAFF, **date_fields("start_date", D(2026, 1, 1))},
        ),
        (
            reverse("cscp:agency-member-add", args=[partnership.other_agency.pk]),
            {"person": partnership[persona].pk, "role": A.STAFF, **date_fields("start_date", D(2026, 1, 1))},
        ),
        (reverse("cscp:group-membership-end", args=[group_membership.pk]), {**date_fields("end_date", D(2026, 1, 1))}),
        (
            reverse("cscp:agency-membership-end", args=[agency_membership.pk]),
            {**date_fields("end_date", D(2026, 1, 1))},
        ),
    ]
    before = (GroupMembership.objects.count(), AgencyMembership.objects.count())
    for url, data in posts:
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert (GroupMembership.objects.count(), AgencyMembership.objects.count()) == before
    group_membership.refresh_from_db()
    assert group_membership.end_date is None


def test_memberships_of_unknown_things_are_not_found(client_for, partnership):
    client = client_for("admin")
    for name in (
        "group-membership-add",
        "group-member-add",
        "agency-membership-add",
        "agency-member-add",
        "group-membership-end",
        "agency-membership-end",
    ):
        assert client.get(reverse(f"cscp:{name}", args=[99999])).status_code == 404, name


def test_a_future_membership_is_shown_as_starting_later(client_for, partnership):
    person = partnership["board"]
    GroupMembershipFactory(
        person=person, group=partnership.subgroup, start_date=timezone.localdate() + datetime.timedelta(days=30)
    )
    page = text_of(client_for("admin").get(reverse("cscp:person-detail", args=[person.pk])))
    assert "Starts later" in page
