"""Groups: the list, a group's page (members and meetings), adding and changing groups, and adding meetings."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cscp.models import AuditEvent, Group, GroupMembership, Meeting
from tests.cscp.structure_helpers import (
    date_fields,
    error_beside,
    has_error_summary,
    last_event,
    url_if_defined,
)
from tests.factories import DistrictFactory, GroupFactory, GroupMembershipFactory, MeetingFactory, PersonFactory

pytestmark = pytest.mark.django_db

ALL_GROUPS = [
    "Business Group",
    "Case Review Group",
    "Independent scrutiny",
    "Learning and Improvement Subgroup",
    "Partnership Board",
    "Partnership team",
]
# The session (read and saved) and person, their memberships (read once), whether they hold Django permissions,
# the partnership's settings, the page, its count and the chairs of the groups on it.
GROUP_LIST_QUERIES = 14


def _names(response) -> list[str]:
    return [group.name for group in response.context["page"]]


def _group_values(group: Group, **changes) -> dict:
    values = {
        "name": group.name,
        "kind": group.kind,
        "parent": group.parent_id or "",
        "district": group.district_id or "",
        "purpose": group.purpose,
        "meeting_cadence": group.meeting_cadence,
        "is_active": "on" if group.is_active else "",
    }
    values.update(changes)
    return values


# The list.


def test_the_group_list_sends_an_anonymous_visitor_to_sign_in(client_for):
    response = client_for(None).get(reverse("cscp:group-list"))
    assert response.status_code == 302 and reverse("cscp:sign-in") in response["Location"]


def test_an_outsider_has_no_groups_to_list(client_for):
    assert client_for("outsider").get(reverse("cscp:group-list")).status_code == 403


@pytest.mark.parametrize("persona", ["admin", "board", "business", "scrutineer"])
def test_the_oversight_roles_see_every_group(client_for, persona):
    response = client_for(persona).get(reverse("cscp:group-list"))
    assert response.status_code == 200
    assert _names(response) == ALL_GROUPS


def test_a_chair_sees_their_own_group_only(client_for):
    response = client_for("chair").get(reverse("cscp:group-list"))
    assert _names(response) == ["Learning and Improvement Subgroup"]
    assert "Case Review Group" not in response.content.decode()
    assert "Add a group" not in response.content.decode()


def test_someone_in_an_agency_but_no_group_is_told_they_have_none(client_for):
    response = client_for("s11lead").get(reverse("cscp:group-list"))
    assert response.status_code == 200
    assert "You are not a member of any group." in response.content.decode()


def test_the_list_shows_kind_parent_chairs_and_current_members(client_for, partnership):
    vice = PersonFactory(username="vice", first_name="Vera", last_name="Vice")
    GroupMembershipFactory(person=vice, group=partnership.subgroup, role=GroupMembership.Role.VICE_CHAIR)
    GroupMembershipFactory(group=partnership.subgroup, end_date=datetime.date(2025, 1, 1))

    response = client_for("admin").get(reverse("cscp:group-list"))

    row = next(g for g in response.context["page"] if g.name == "Learning and Improvement Subgroup")
    assert row.member_count == 3  # chair, officer and vice-chair; not the member who left
    assert [m.person for m in row.chairs] == [partnership["chair"], vice]
    page = response.content.decode()
    assert "Vera Vice" in page and "(vice-chair)" in page and "Business Group" in page
    assert "Add a group" in page


def test_the_list_searches_names_and_purposes_and_filters_by_kind(client_for, partnership):
    GroupFactory(name="Eden ASG", kind=Group.Kind.ASG, purpose="Local practice in Eden")
    client = client_for("board")

    assert _names(client.get(reverse("cscp:group-list"), {"q": "practice"})) == ["Eden ASG"]
    assert _names(client.get(reverse("cscp:group-list"), {"kind": "subgroup"})) == [
        "Case Review Group",
        "Learning and Improvement Subgroup",
    ]
    response = client.get(reverse("cscp:group-list"), {"kind": "nonsense", "page": "999"})
    assert response.status_code == 200


def test_the_group_list_is_paginated(client_for):
    for n in range(30):
        GroupFactory(name=f"Forum {n:02}", kind=Group.Kind.FORUM)
    response = client_for("admin").get(reverse("cscp:group-list"), {"kind": "forum", "page": 2})
    assert _names(response) == [f"Forum {n}" for n in range(25, 30)]


def test_the_list_costs_the_same_number_of_queries_for_few_or_many_groups(
    client_for, partnership, django_assert_num_queries, django_assert_max_num_queries
):
    client = client_for("board")
    client.get(reverse("cscp:group-list"))  # the first request of all stores the partnership's settings
    with django_assert_max_num_queries(GROUP_LIST_QUERIES) as few:
        client.get(reverse("cscp:group-list"))
    for n in range(30):
        group = GroupFactory(name=f"Group {n:02}", parent=partnership.business)
        GroupMembershipFactory(group=group, role=GroupMembership.Role.CHAIR)
        GroupMembershipFactory(group=group)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("cscp:group-list"))


# A group's page.


def test_a_chair_sees_their_own_group_with_its_members_chair_first(client_for, partnership):
    group = partnership.subgroup
    vice = PersonFactory(username="vice", first_name="Aaron", last_name="Able")
    GroupMembershipFactory(person=vice, group=group, role=GroupMembership.Role.VICE_CHAIR)
    GroupMembershipFactory(group=group, role=GroupMembership.Role.MEMBER, person__first_name="Aardvark")
    group.purpose = "Learning from reviews and audits"
    group.meeting_cadence = "Every two months"
    group.save()

    response = client_for("chair").get(reverse("cscp:group-detail", args=[group.pk]))

    assert response.status_code == 200
    roles = [m.role for m in response.context["members"]]
    assert roles[:2] == [GroupMembership.Role.CHAIR, GroupMembership.Role.VICE_CHAIR]
    page = response.content.decode()
    assert "Learning from reviews and audits" in page and "Every two months" in page
    assert "Business Group" in page  # the group it reports to
    assert "1 April 2024" in page
    assert reverse("cscp:group-edit", args=[group.pk]) not in page
    assert "Add a meeting" not in page


def test_a_chair_cannot_see_another_groups_page(client_for, partnership):
    response = client_for("chair").get(reverse("cscp:group-detail", args=[partnership.other_subgroup.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["s11lead", "auditor", "outsider"])
def test_someone_not_in_a_group_cannot_see_it(client_for, partnership, persona):
    assert client_for(persona).get(reverse("cscp:group-detail", args=[partnership.subgroup.pk])).status_code == 403


@pytest.mark.parametrize("persona", ["board", "business", "scrutineer", "admin"])
def test_the_oversight_roles_see_any_group(client_for, partnership, persona):
    response = client_for(persona).get(reverse("cscp:group-detail", args=[partnership.other_subgroup.pk]))
    assert response.status_code == 200


def test_a_group_page_sends_an_anonymous_visitor_to_sign_in(client_for, partnership):
    assert client_for(None).get(reverse("cscp:group-detail", args=[partnership.subgroup.pk])).status_code == 302


def test_a_group_that_does_not_exist_is_not_found(client_for):
    assert client_for("admin").get(reverse("cscp:group-detail", args=[999999])).status_code == 404


def test_a_group_page_lists_the_groups_reporting_to_it(client_for, partnership):
    page = client_for("board").get(reverse("cscp:group-detail", args=[partnership.business.pk])).content.decode()
    assert "Case Review Group" in page and "Learning and Improvement Subgroup" in page


def test_a_group_page_shows_upcoming_and_past_meetings(client_for, partnership):
    today = timezone.localdate()
    MeetingFactory(group=partnership.subgroup, date=datetime.date(2024, 11, 27), title="Autumn review")
    MeetingFactory(group=partnership.subgroup, date=today + datetime.timedelta(days=400), title="Next year")

    response = client_for("officer").get(reverse("cscp:group-detail", args=[partnership.subgroup.pk]))

    assert [m.title for m in response.context["upcoming"]] == ["Next year"]
    assert [m.title for m in response.context["past"]] == ["Autumn review"]
    assert "27 November 2024" in response.content.decode()


def test_an_admin_sees_links_to_change_the_group_add_a_meeting_and_manage_members(client_for, partnership):
    group = partnership.subgroup
    page = client_for("admin").get(reverse("cscp:group-detail", args=[group.pk])).content.decode()

    assert reverse("cscp:group-edit", args=[group.pk]) in page
    assert reverse("cscp:meeting-create", args=[group.pk]) in page
    membership = GroupMembership.objects.get(group=group, person=partnership["chair"])
    for url in (
        url_if_defined("cscp:group-member-add", group.pk),
        url_if_defined("cscp:group-membership-end", membership.pk),
    ):
        assert url is None or url in page


# Adding and changing groups.


def test_an_admin_adds_a_group(client_for, partnership):
    client = client_for("admin")
    assert client.get(reverse("cscp:group-create")).status_code == 200

    response = client.post(
        reverse("cscp:group-create"),
        {
            "name": "Missing, Exploited and Trafficked Subgroup",
            "kind": "subgroup",
            "parent": partnership.business.pk,
            "purpose": "Children missing, exploited or trafficked",
            "meeting_cadence": "Quarterly",
            "is_active": "",
        },
    )

    group = Group.objects.get(name="Missing, Exploited and Trafficked Subgroup")
    assert response.status_code == 302 and response["Location"] == reverse("cscp:group-detail", args=[group.pk])
    assert group.parent == partnership.business and group.is_active  # the posted is_active was not on the form
    event = last_event("cscp.group.created")
    assert event.actor == partnership["admin"] and event.object_id == str(group.pk)
    assert group.history.get().history_user == partnership["admin"]


def test_a_new_group_needs_a_name_and_a_kind(client_for):
    response = client_for("admin").post(reverse("cscp:group-create"), {"name": "", "kind": ""})

    assert response.status_code == 200 and has_error_summary(response)
    assert error_beside(response, "name") == ["Enter the group's name"]
    assert error_beside(response, "kind") == ["Choose the kind of group"]
    assert Group.objects.count() == 6


def test_a_group_name_already_used_in_another_case_is_refused(client_for):
    response = client_for("admin").post(reverse("cscp:group-create"), {"name": "case review group", "kind": "subgroup"})
    assert error_beside(response, "name") == [
        "There is already a group called “Case Review Group”: enter a different name"
    ]
    assert Group.objects.count() == 6


def test_an_area_safeguarding_group_may_cover_several_districts_so_needs_none(client_for):
    client_for("admin").post(reverse("cscp:group-create"), {"name": "North ASG", "kind": "asg"})
    assert Group.objects.get(name="North ASG").district is None


@pytest.mark.parametrize("kind", ["forum"])
def test_a_practitioner_forum_needs_its_district(client_for, kind):
    client = client_for("admin")
    response = client.post(reverse("cscp:group-create"), {"name": "Carlisle group", "kind": kind})

    assert len(error_beside(response, "district")) == 1
    assert error_beside(response, "district")[0].startswith("Choose the district this")
    assert not Group.objects.filter(name="Carlisle group").exists()

    district = DistrictFactory(name="Carlisle")
    client.post(reverse("cscp:group-create"), {"name": "Carlisle group", "kind": kind, "district": district.pk})
    assert Group.objects.get(name="Carlisle group").district == district


@pytest.mark.parametrize("persona", ["chair", "board", "scrutineer"])
def test_only_an_admin_may_add_or_change_a_group(client_for, partnership, persona):
    client = client_for(persona)
    assert client.get(reverse("cscp:group-create")).status_code == 403
    assert client.post(reverse("cscp:group-create"), {"name": "Mine", "kind": "team"}).status_code == 403
    edit = reverse("cscp:group-edit", args=[partnership.subgroup.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, _group_values(partnership.subgroup, kind="team")).status_code == 403
    partnership.subgroup.refresh_from_db()
    assert partnership.subgroup.kind == Group.Kind.SUBGROUP
    assert not Group.objects.filter(name="Mine").exists()


def test_an_admin_changes_a_group(client_for, partnership):
    group = partnership.other_subgroup
    client = client_for("admin")
    assert client.get(reverse("cscp:group-edit", args=[group.pk])).status_code == 200

    response = client.post(
        reverse("cscp:group-edit", args=[group.pk]),
        _group_values(group, parent=partnership.board.pk, meeting_cadence="Monthly"),
    )

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.parent == partnership.board and group.meeting_cadence == "Monthly"
    event = last_event("cscp.group.updated")
    assert event.actor == partnership["admin"]
    assert event.data["changes"]["meeting_cadence"] == ["", "Monthly"]
    assert group.history.count() == 2


def test_a_group_cannot_report_to_itself(client_for, partnership):
    group = partnership.business
    response = client_for("admin").post(
        reverse("cscp:group-edit", args=[group.pk]), _group_values(group, parent=group.pk)
    )

    assert error_beside(response, "parent") == [
        "Choose a group this group can report to: not the group itself, nor a group that reports to it"
    ]
    group.refresh_from_db()
    assert group.parent == partnership.board


def test_a_group_cannot_report_to_a_group_that_reports_to_it_however_far_down(client_for, partnership):
    board = partnership.board
    grandchild = partnership.subgroup  # subgroup -> business -> board
    response = client_for("admin").post(
        reverse("cscp:group-edit", args=[board.pk]), _group_values(board, parent=grandchild.pk)
    )

    assert len(error_beside(response, "parent")) == 1
    board.refresh_from_db()
    assert board.parent is None
    assert not AuditEvent.objects.filter(action="cscp.group.updated").exists()


def test_a_group_can_be_made_inactive_and_its_members_lose_the_role_it_gave(client_for, partnership):
    group = partnership.board
    client_for("admin").post(reverse("cscp:group-edit", args=[group.pk]), _group_values(group, is_active=""))
    group.refresh_from_db()
    assert not group.is_active
    assert (
        client_for("board").get(reverse("cscp:group-detail", args=[partnership.other_subgroup.pk])).status_code == 403
    )


# Meetings.


def test_an_admin_adds_a_meeting(client_for, partnership):
    group = partnership.subgroup
    client = client_for("admin")
    assert client.get(reverse("cscp:meeting-create", args=[group.pk])).status_code == 200

    response = client.post(
        reverse("cscp:meeting-create", args=[group.pk]),
        {**date_fields("date", datetime.date(2026, 11, 27)), "title": "Annual review", "group": partnership.board.pk},
    )

    assert response.status_code == 302 and response["Location"] == reverse("cscp:group-detail", args=[group.pk])
    meeting = Meeting.objects.get()
    assert meeting.group == group and meeting.date == datetime.date(2026, 11, 27)
    assert last_event("cscp.meeting.created").actor == partnership["admin"]
    assert meeting.history.get().history_user == partnership["admin"]


def test_a_second_meeting_on_the_same_day_is_refused_beside_the_date(client_for, partnership):
    group = partnership.subgroup
    MeetingFactory(group=group, date=datetime.date(2026, 11, 27))

    response = client_for("admin").post(
        reverse("cscp:meeting-create", args=[group.pk]), {**date_fields("date", datetime.date(2026, 11, 27))}
    )

    assert response.status_code == 200
    assert error_beside(response, "date") == [
        "Learning and Improvement Subgroup already has a meeting on 27 November 2026: choose another date"
    ]
    assert Meeting.objects.count() == 1


def test_another_group_may_meet_on_the_same_day(client_for, partnership):
    MeetingFactory(group=partnership.other_subgroup, date=datetime.date(2026, 11, 27))
    response = client_for("admin").post(
        reverse("cscp:meeting-create", args=[partnership.subgroup.pk]), date_fields("date", datetime.date(2026, 11, 27))
    )
    assert response.status_code == 302
    assert Meeting.objects.count() == 2


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("", "", ""), "Enter the date of the meeting"),
        (("31", "2", "2026"), "Enter a real date, for example 27 3 2026"),
        (("27", "11", "26"), "Enter the year as 4 numbers, for example 2026"),
        (("99999999999999999999", "1", "2026"), "Enter a real date, for example 27 3 2026"),
    ],
)
def test_a_meeting_date_must_be_a_real_date(client_for, partnership, typed, message):
    response = client_for("admin").post(
        reverse("cscp:meeting-create", args=[partnership.subgroup.pk]), date_fields("date", text=typed)
    )
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Meeting.objects.exists()


def test_a_date_with_letters_in_it_says_which_box_is_wrong(client_for, partnership):
    response = client_for("admin").post(
        reverse("cscp:meeting-create", args=[partnership.subgroup.pk]), date_fields("date", text=("x", "11", "2026"))
    )
    assert "Enter the day as a number, for example 27" in response.content.decode()
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("persona", ["chair", "officer", "board"])
def test_only_an_admin_may_add_a_meeting(client_for, partnership, persona):
    url = reverse("cscp:meeting-create", args=[partnership.subgroup.pk])
    client = client_for(persona)
    assert client.get(url).status_code == 403
    assert client.post(url, date_fields("date", datetime.date(2026, 11, 27))).status_code == 403
    assert not Meeting.objects.exists()
