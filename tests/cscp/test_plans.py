"""The business plan and its priorities: read by everyone with a part in the partnership, kept by admins."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cscp.models import AuditEvent, BusinessPlan, Priority
from tests.cscp.structure_helpers import date_fields, error_beside, has_error_summary, last_event
from tests.factories import BusinessPlanFactory, PriorityFactory

pytestmark = pytest.mark.django_db

READERS = ("admin", "board", "business", "chair", "officer", "s11lead", "auditor", "scrutineer")


def _plan_values(title="Business plan 2027 to 2029", start=datetime.date(2027, 4, 1), end=datetime.date(2029, 3, 31)):
    return {"title": title, **date_fields("start_date", start), **date_fields("end_date", end)}


@pytest.fixture
def plan(partnership):
    plan = BusinessPlanFactory(title="Business plan 2025 to 2027")
    PriorityFactory(plan=plan, number=2, title="Tackling neglect")
    PriorityFactory(plan=plan, number=1, title="Child exploitation")
    PriorityFactory(plan=plan, number=3, title="Early help")
    return plan


# Reading.


@pytest.mark.parametrize("persona", READERS)
def test_everyone_with_a_part_in_the_partnership_may_read_the_plan(client_for, plan, persona):
    client = client_for(persona)
    listing = client.get(reverse("cscp:plan-list"))
    assert listing.status_code == 200 and "Business plan 2025 to 2027" in listing.content.decode()
    assert client.get(reverse("cscp:plan-detail", args=[plan.pk])).status_code == 200


def test_an_outsider_may_not_read_the_plan(client_for, plan):
    client = client_for("outsider")
    assert client.get(reverse("cscp:plan-list")).status_code == 403
    assert client.get(reverse("cscp:plan-detail", args=[plan.pk])).status_code == 403


def test_the_plan_pages_send_an_anonymous_visitor_to_sign_in(client_for, plan):
    assert client_for(None).get(reverse("cscp:plan-list")).status_code == 302
    assert client_for(None).get(reverse("cscp:plan-detail", args=[plan.pk])).status_code == 302


def test_the_plan_lists_its_priorities_in_number_order(client_for, plan):
    response = client_for("chair").get(reverse("cscp:plan-detail", args=[plan.pk]))

    assert [p.number for p in response.context["priorities"]] == [1, 2, 3]
    page = response.content.decode()
    assert page.index("Child exploitation") < page.index("Tackling neglect") < page.index("Early help")
    assert "1 April 2025 to 31 March 2027" in page
    assert "Add a priority" not in page
    assert reverse("cscp:plan-edit", args=[plan.pk]) not in page


def test_the_list_marks_the_plan_in_force_today_and_counts_its_priorities(client_for):
    BusinessPlanFactory(title="Old plan", start_date=datetime.date(2019, 4, 1), end_date=datetime.date(2021, 3, 31))
    current = BusinessPlanFactory(
        title="Plan now", start_date=datetime.date(2020, 4, 1), end_date=datetime.date(2099, 3, 31)
    )
    PriorityFactory(plan=current, number=1)

    response = client_for("board").get(reverse("cscp:plan-list"))

    counts = {plan.title: plan.priority_count for plan in response.context["plans"]}
    assert counts == {"Plan now": 1, "Old plan": 0}
    page = response.content.decode()
    assert "Current" in page and "Ended" in page


def test_a_plan_that_does_not_exist_is_not_found(client_for, partnership):
    assert client_for("board").get(reverse("cscp:plan-detail", args=[999999])).status_code == 404


def test_an_admin_sees_links_to_change_the_plan_and_its_priorities(client_for, plan):
    page = client_for("admin").get(reverse("cscp:plan-detail", args=[plan.pk])).content.decode()
    assert reverse("cscp:plan-edit", args=[plan.pk]) in page
    assert reverse("cscp:priority-create", args=[plan.pk]) in page
    for priority in plan.priorities.all():
        assert reverse("cscp:priority-edit", args=[priority.pk]) in page


# Adding and changing plans.


def test_an_admin_adds_a_business_plan(client_for, partnership):
    client = client_for("admin")
    page = client.get(reverse("cscp:plan-create")).content.decode()
    assert "A business plan usually runs for two years" in page

    response = client.post(reverse("cscp:plan-create"), _plan_values())

    plan = BusinessPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cscp:plan-detail", args=[plan.pk])
    assert (plan.start_date, plan.end_date) == (datetime.date(2027, 4, 1), datetime.date(2029, 3, 31))
    assert last_event("cscp.businessplan.created").actor == partnership["admin"]
    assert plan.history.get().history_user == partnership["admin"]


@pytest.mark.parametrize("end", [datetime.date(2027, 3, 31), datetime.date(2027, 4, 1)])
def test_a_plan_must_end_after_it_starts(client_for, partnership, end):
    response = client_for("admin").post(reverse("cscp:plan-create"), _plan_values(end=end))

    assert response.status_code == 200 and has_error_summary(response)
    assert error_beside(response, "end_date") == ["Enter an end date after the start date"]
    assert 'value="2027"' in response.content.decode()  # what was typed is kept
    assert not BusinessPlan.objects.exists()


def test_a_plan_needs_a_title_and_both_dates(client_for, partnership):
    response = client_for("admin").post(
        reverse("cscp:plan-create"),
        {"title": " ", **date_fields("start_date"), **date_fields("end_date", text=("31", "3", ""))},
    )
    assert error_beside(response, "title") == ["Enter the plan's title"]
    assert error_beside(response, "start_date") == ["Enter the date the plan starts"]
    assert error_beside(response, "end_date") == ["Enter the date the plan ends"]
    assert not BusinessPlan.objects.exists()


def test_an_admin_changes_a_plans_dates(client_for, plan, partnership):
    client = client_for("admin")
    assert client.get(reverse("cscp:plan-edit", args=[plan.pk])).status_code == 200

    response = client.post(
        reverse("cscp:plan-edit", args=[plan.pk]),
        _plan_values(title=plan.title, start=datetime.date(2025, 4, 1), end=datetime.date(2027, 9, 30)),
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.end_date == datetime.date(2027, 9, 30)
    event = last_event("cscp.businessplan.updated")
    assert event.actor == partnership["admin"]
    assert event.data["changes"] == {"end_date": ["2027-03-31", "2027-09-30"]}


def test_changing_a_plan_to_end_before_it_starts_changes_nothing(client_for, plan):
    response = client_for("admin").post(
        reverse("cscp:plan-edit", args=[plan.pk]),
        _plan_values(title="Renamed", start=datetime.date(2025, 4, 1), end=datetime.date(2024, 4, 1)),
    )
    assert error_beside(response, "end_date") == ["Enter an end date after the start date"]
    plan.refresh_from_db()
    assert plan.title == "Business plan 2025 to 2027" and plan.end_date == datetime.date(2027, 3, 31)


@pytest.mark.parametrize("persona", ["board", "chair", "outsider"])
def test_only_an_admin_may_add_or_change_a_plan(client_for, plan, persona):
    client = client_for(persona)
    assert client.get(reverse("cscp:plan-create")).status_code == 403
    assert client.post(reverse("cscp:plan-create"), _plan_values()).status_code == 403
    assert client.get(reverse("cscp:plan-edit", args=[plan.pk])).status_code == 403
    assert client.post(reverse("cscp:plan-edit", args=[plan.pk]), _plan_values(title="Mine")).status_code == 403
    assert list(BusinessPlan.objects.values_list("title", flat=True)) == ["Business plan 2025 to 2027"]


# Priorities.


def test_an_admin_adds_a_priority(client_for, plan, partnership):
    client = client_for("admin")
    assert client.get(reverse("cscp:priority-create", args=[plan.pk])).status_code == 200

    response = client.post(
        reverse("cscp:priority-create", args=[plan.pk]),
        {"number": "4", "title": "Domestic abuse", "description": "Children living with domestic abuse", "plan": 999},
    )

    assert response.status_code == 302 and response["Location"] == reverse("cscp:plan-detail", args=[plan.pk])
    priority = plan.priorities.get(number=4)
    assert priority.title == "Domestic abuse"
    assert last_event("cscp.priority.created").actor == partnership["admin"]
    assert priority.history.get().history_user == partnership["admin"]


def test_a_number_already_used_in_the_plan_is_refused_beside_the_number(client_for, plan):
    response = client_for("admin").post(
        reverse("cscp:priority-create", args=[plan.pk]), {"number": "2", "title": "Another"}
    )

    assert response.status_code == 200
    assert error_beside(response, "number") == ["This plan already has a priority 2: enter a different number"]
    assert plan.priorities.count() == 3


def test_the_same_number_may_be_used_in_another_plan(client_for, plan):
    other = BusinessPlanFactory(
        title="Next plan", start_date=datetime.date(2027, 4, 1), end_date=datetime.date(2029, 3, 31)
    )
    response = client_for("admin").post(reverse("cscp:priority-create", args=[other.pk]), {"number": "2", "title": "X"})
    assert response.status_code == 302
    assert other.priorities.get().number == 2


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "Enter the priority's number"),
        ("two", "Enter the number as a whole number, for example 3"),
        ("0", "Enter a number from 1 to 99"),
        ("100000", "Enter a number from 1 to 99"),
    ],
)
def test_a_priority_number_must_be_a_whole_number_from_1_to_99(client_for, plan, number, message):
    response = client_for("admin").post(
        reverse("cscp:priority-create", args=[plan.pk]), {"number": number, "title": "X"}
    )
    assert error_beside(response, "number") == [message]
    assert plan.priorities.count() == 3


def test_a_priority_needs_a_title(client_for, plan):
    response = client_for("admin").post(reverse("cscp:priority-create", args=[plan.pk]), {"number": "9", "title": ""})
    assert error_beside(response, "title") == ["Enter the priority's title"]


def test_an_admin_changes_a_priority_keeping_its_number(client_for, plan, partnership):
    priority = plan.priorities.get(number=2)
    client = client_for("admin")
    assert client.get(reverse("cscp:priority-edit", args=[priority.pk])).status_code == 200

    response = client.post(
        reverse("cscp:priority-edit", args=[priority.pk]), {"number": "2", "title": "Neglect", "description": ""}
    )

    assert response.status_code == 302
    priority.refresh_from_db()
    assert priority.title == "Neglect"
    event = last_event("cscp.priority.updated")
    assert event.actor == partnership["admin"] and event.data["changes"]["title"] == ["Tackling neglect", "Neglect"]


def test_a_priority_cannot_take_the_number_of_another_in_its_plan(client_for, plan):
    priority = plan.priorities.get(number=2)
    response = client_for("admin").post(
        reverse("cscp:priority-edit", args=[priority.pk]), {"number": "3", "title": "Tackling neglect"}
    )
    assert error_beside(response, "number") == ["This plan already has a priority 3: enter a different number"]
    priority.refresh_from_db()
    assert priority.number == 2
    assert not AuditEvent.objects.filter(action="cscp.priority.updated").exists()


@pytest.mark.parametrize("persona", ["board", "chair", "scrutineer"])
def test_only_an_admin_may_add_or_change_a_priority(client_for, plan, persona):
    client = client_for(persona)
    priority = plan.priorities.get(number=1)
    assert client.get(reverse("cscp:priority-create", args=[plan.pk])).status_code == 403
    assert (
        client.post(reverse("cscp:priority-create", args=[plan.pk]), {"number": "9", "title": "X"}).status_code == 403
    )
    assert client.get(reverse("cscp:priority-edit", args=[priority.pk])).status_code == 403
    assert (
        client.post(reverse("cscp:priority-edit", args=[priority.pk]), {"number": "1", "title": "X"}).status_code == 403
    )
    assert Priority.objects.count() == 3
    priority.refresh_from_db()
    assert priority.title == "Child exploitation"


def test_changing_a_priority_that_does_not_exist_is_not_found(client_for, partnership):
    assert client_for("admin").get(reverse("cscp:priority-edit", args=[999999])).status_code == 404
