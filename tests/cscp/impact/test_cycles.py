"""Reporting cycles: adding and changing them, the rule that updates are due before the meetings that read them,
and the cycle's page with each group's status; the update list; query counts that do not grow with the data."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cscp.impact import services
from cscp.impact.models import ImpactUpdate, ReportingCycle
from cscp.models import Group
from tests.cscp.impact.factories import (
    CycleFactory,
    UpdateFactory,
    board_meeting,
    business_meeting,
    submitted_update,
)
from tests.cscp.structure_helpers import date_fields, error_beside, last_event
from tests.factories import GroupFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def _today_plus(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _post(client, url, *, title="Spring cycle", board=None, business=None, due=None, groups=()):
    data = {
        "title": title,
        "board_meeting": board.pk if board else "",
        "business_meeting": business.pk if business else "",
        **date_fields("due_date", due),
        "groups": [g.pk for g in groups],
    }
    return client.post(url, data)


# Adding a cycle.


def test_every_active_reporting_group_is_ticked_for_a_new_cycle(client_for, partnership):
    asg = GroupFactory(name="North ASG", kind=Group.Kind.ASG)
    GroupFactory(name="Old subgroup", kind=Group.Kind.SUBGROUP, is_active=False)
    form = client_for("admin").get(reverse("impact:cycle-create")).context["form"]
    ticked = set(form.initial["groups"])
    assert ticked == {partnership.subgroup.pk, partnership.other_subgroup.pk, asg.pk}
    offered = {g.name for g in form.fields["groups"].queryset}
    assert "Business Group" not in offered and "Old subgroup" not in offered


def test_an_admin_adds_a_cycle_tied_to_the_board_and_business_group_meetings(client_for, partnership):
    board, business = board_meeting(30), business_meeting(20)
    response = _post(
        client_for("admin"),
        reverse("impact:cycle-create"),
        board=board,
        business=business,
        due=_today_plus(14),
        groups=[partnership.subgroup],
    )
    cycle = ReportingCycle.objects.get()
    assert response["Location"] == reverse("impact:cycle-detail", args=[cycle.pk])
    assert (cycle.board_meeting, cycle.business_meeting, cycle.due_date) == (board, business, _today_plus(14))
    assert list(cycle.groups.all()) == [partnership.subgroup]
    assert last_event("impact.reporting_cycle.created").actor == partnership["admin"]


def test_a_due_date_after_the_business_group_meeting_is_refused(client_for, partnership):
    business = business_meeting(20)
    response = _post(
        client_for("admin"),
        reverse("impact:cycle-create"),
        board=board_meeting(30),
        business=business,
        due=_today_plus(21),
        groups=[partnership.subgroup],
    )
    assert response.status_code == 200
    expected = f"Enter a due date on or before the Business Group meeting on {business.date:%-d %B %Y}"
    assert error_beside(response, "due_date")[0].startswith(expected)
    assert not ReportingCycle.objects.exists()


def test_a_due_date_after_the_board_meeting_is_refused_when_there_is_no_business_group_meeting(client_for, partnership):
    board = board_meeting(30)
    response = _post(
        client_for("admin"),
        reverse("impact:cycle-create"),
        board=board,
        due=_today_plus(31),
        groups=[partnership.subgroup],
    )
    assert error_beside(response, "due_date")[0].startswith(
        f"Enter a due date on or before the Board meeting on {board.date:%-d %B %Y}"
    )
    assert not ReportingCycle.objects.exists()


def test_a_business_group_meeting_after_the_board_meeting_is_refused(client_for, partnership):
    response = _post(
        client_for("admin"),
        reverse("impact:cycle-create"),
        board=board_meeting(30),
        business=business_meeting(40),
        due=_today_plus(14),
        groups=[partnership.subgroup],
    )
    assert error_beside(response, "business_meeting")[0].startswith("Choose a Business Group meeting on or before")


def test_only_a_board_meeting_can_be_chosen_as_the_board_meeting(client_for, partnership):
    not_the_board = MeetingFactory(group=partnership.subgroup, date=_today_plus(30))
    response = _post(
        client_for("admin"),
        reverse("impact:cycle-create"),
        board=not_the_board,
        due=_today_plus(14),
        groups=[partnership.subgroup],
    )
    assert error_beside(response, "board_meeting") == ["Choose a Board meeting from the list"]


def test_a_board_meeting_with_a_cycle_is_not_offered_again(client_for, partnership):
    cycle = CycleFactory()
    form = client_for("admin").get(reverse("impact:cycle-create")).context["form"]
    assert cycle.board_meeting not in form.fields["board_meeting"].queryset


def test_a_cycle_needs_a_title_a_meeting_a_date_and_groups(client_for, partnership):
    response = _post(client_for("admin"), reverse("impact:cycle-create"), title="")
    assert error_beside(response, "title") == ["Enter a title for the reporting cycle"]
    assert error_beside(response, "board_meeting") == ["Choose the Board meeting that will read these updates"]
    assert "Enter the date updates are due" in response.content.decode()
    assert "Choose at least one group that must report" in response.content.decode()


def test_an_impossible_date_is_refused_not_a_crash(client_for, partnership):
    response = client_for("admin").post(
        reverse("impact:cycle-create"),
        {
            "title": "Spring",
            "board_meeting": board_meeting(30).pk,
            **date_fields("due_date", text=("31", "2", "2027")),
            "groups": [partnership.subgroup.pk],
        },
    )
    assert response.status_code == 200
    assert not ReportingCycle.objects.exists()


def test_a_group_that_started_its_update_stays_in_the_cycle(client_for, partnership, sections):
    cycle = CycleFactory()
    UpdateFactory(group=partnership.other_subgroup, cycle=cycle)
    response = _post(
        client_for("admin"),
        reverse("impact:cycle-edit", args=[cycle.pk]),
        title=cycle.title,
        board=cycle.board_meeting,
        due=cycle.due_date,
        groups=[partnership.subgroup],
    )
    assert error_beside(response, "groups") == ["Keep Case Review Group in this cycle: it has started an update"]
    assert partnership.other_subgroup in cycle.groups.all()


def test_an_admin_changes_a_cycles_due_date(client_for, partnership):
    cycle = CycleFactory()
    response = _post(
        client_for("admin"),
        reverse("impact:cycle-edit", args=[cycle.pk]),
        title="Renamed",
        board=cycle.board_meeting,
        due=cycle.due_date - datetime.timedelta(days=2),
        groups=list(cycle.groups.all()),
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.title == "Renamed"


# The cycle's page.


def test_the_cycle_page_shows_each_groups_status_and_counts(client_for, partnership, sections):
    groups = [GroupFactory(name=f"Group {n}", kind=Group.Kind.SUBGROUP) for n in range(5)]
    cycle = CycleFactory(groups=groups)
    UpdateFactory(group=groups[1], cycle=cycle)
    submitted_update(groups[2], cycle)
    submitted_update(groups[3], cycle, status=ImpactUpdate.Status.CHANGES_REQUESTED)
    submitted_update(groups[4], cycle, status=ImpactUpdate.Status.ACKNOWLEDGED)
    response = client_for("business").get(reverse("impact:cycle-detail", args=[cycle.pk]))
    labels = [due.status_label for due in response.context["dues"]]
    assert labels == ["Not started", "Draft", "Submitted", "Changes requested", "Acknowledged"]
    counts = {item["label"]: item["count"] for item in response.context["counts"]}
    assert counts == {
        "Not started": 1,
        "Draft": 1,
        "Submitted": 1,
        "Changes requested": 1,
        "Acknowledged": 1,
        "Late": 0,
    }


def test_after_the_due_date_unsubmitted_updates_show_as_late(client_for, partnership, sections):
    cycle = CycleFactory(groups=[partnership.subgroup, partnership.other_subgroup])
    cycle.due_date = _today_plus(-1)
    cycle.save()
    UpdateFactory(group=partnership.subgroup, cycle=cycle)
    response = client_for("admin").get(reverse("impact:cycle-detail", args=[cycle.pk]))
    assert [due.status_label for due in response.context["dues"]] == ["Late", "Late"]
    assert "govuk-tag--red" in response.content.decode()


def test_an_update_submitted_after_the_due_date_is_marked_late(partnership, sections):
    cycle = CycleFactory(groups=[partnership.subgroup])
    update = submitted_update(partnership.subgroup, cycle)
    update.submitted_at = timezone.now() + datetime.timedelta(days=30)
    update.save()
    from cscp.impact.selectors import is_update_late, update_status_label

    assert update_status_label(update, cycle) == "Submitted"
    assert is_update_late(update, cycle)


# Query counts: the cycle page and the update list read a fixed number of queries whatever the number of groups.


def _cycle_with_groups(count: int) -> ReportingCycle:
    groups = [GroupFactory(name=f"Reporting group {n:03}", kind=Group.Kind.SUBGROUP) for n in range(count)]
    cycle = CycleFactory(groups=groups)
    for n, group in enumerate(groups):
        if n % 3 == 1:
            UpdateFactory(group=group, cycle=cycle)
        elif n % 3 == 2:
            submitted_update(group, cycle)
    return cycle


def _assert_queries(client, url, django_assert_num_queries, expected):
    client.get(url)  # the first request of a session does more (it writes the session)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200


# The session (read and saved), the person, their memberships (groups and agencies), Django's own permissions
# (two), the partnership's settings, the header's unread notifications, then the page's own: the cycle, its groups
# and their updates.
CYCLE_DETAIL_QUERIES = 12
# As above, with the cycle being worked on found first.
UPDATE_LIST_QUERIES = 14


@pytest.mark.parametrize("size", [3, 60])
def test_the_cycle_page_reads_a_fixed_number_of_queries(
    client_for, partnership, sections, size, django_assert_num_queries
):
    cycle = _cycle_with_groups(size)
    url = reverse("impact:cycle-detail", args=[cycle.pk])
    _assert_queries(client_for("admin"), url, django_assert_num_queries, CYCLE_DETAIL_QUERIES)


@pytest.mark.parametrize("size", [3, 60])
def test_the_update_list_reads_a_fixed_number_of_queries(
    client_for, partnership, sections, size, django_assert_num_queries
):
    _cycle_with_groups(size)
    url = reverse("impact:update-list")
    _assert_queries(client_for("business"), url, django_assert_num_queries, UPDATE_LIST_QUERIES)


def test_the_update_list_shows_a_chair_their_own_groups_update_with_a_button(client_for, partnership, cycle, sections):
    response = client_for("chair").get(reverse("impact:update-list"))
    page = response.content.decode()
    assert "Start your update" in page
    assert reverse("impact:update-edit", args=[cycle.pk, partnership.subgroup.pk]) in page
    assert "Case Review Group" not in page
    services.impact_update_start(actor=partnership["chair"], cycle=cycle, group=partnership.subgroup)
    assert "Continue your update" in client_for("chair").get(reverse("impact:update-list")).content.decode()


def test_the_update_list_shows_the_business_group_every_groups_status(client_for, partnership, cycle, sections):
    submitted_update(partnership.other_subgroup, cycle)
    response = client_for("business").get(reverse("impact:update-list"))
    page = response.content.decode()
    assert "Every group&#x27;s update" in page or "Every group's update" in page
    assert "Case Review Group" in page and "Learning and Improvement Subgroup" in page
    assert "Start your update" not in page
    assert [row["due"].status_label for row in response.context["rows"]] == ["Submitted", "Not started"]
