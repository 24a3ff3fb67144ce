"""The tracker and the other lists of actions (a group's, an agency's, a person's own), their filters, sorting,
pages and downloads; and what they cost in queries at 50 and at 5,000 actions."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cscp.actions import services
from cscp.actions.models import Action
from tests.cscp.actions.helpers import bulk_actions, complete, days, make_action
from tests.cscp.structure_helpers import date_fields
from tests.factories import PriorityFactory, ThemeFactory

pytestmark = pytest.mark.django_db

TRACKER = "/actions/"


def _references(response) -> list[str]:
    return [action.reference for action in response.context["page"]]


@pytest.fixture
def three(partnership):
    """An overdue action of the chair's group, an at-risk one of the other group, and an agency's on-track one."""
    overdue = make_action(partnership, title="Overdue one", raised_on=days(-30), due_date=days(-2))
    at_risk = make_action(partnership, title="At risk one", owner_group=partnership.other_subgroup, due_date=days(5))
    on_track = make_action(
        partnership,
        title="On track one",
        owner_group=None,
        owner_agency=partnership.agency,
        owner_person=partnership["s11lead"],
        source=Action.Source.SECTION_11,
        due_date=days(100),
    )
    services.action_note_add(actor=partnership["admin"], action=on_track, text="Going well", progress="on_track")
    return overdue, at_risk, on_track


# Who sees what.


def test_the_tracker_sends_an_anonymous_visitor_to_sign_in(client_for):
    response = client_for(None).get(TRACKER)
    assert response.status_code == 302 and reverse("cscp:sign-in") in response["Location"]


def test_someone_with_no_part_in_the_partnership_has_no_tracker(client_for):
    assert client_for("outsider").get(TRACKER).status_code == 403


@pytest.mark.parametrize("persona", ["admin", "board", "business", "scrutineer"])
def test_the_oversight_roles_see_every_action(client_for, three, persona):
    response = client_for(persona).get(TRACKER)
    assert response.status_code == 200
    assert _references(response) == ["A-0001", "A-0002", "A-0003"]


def test_a_chair_sees_their_own_groups_actions_only(client_for, three):
    response = client_for("chair").get(TRACKER)
    assert _references(response) == ["A-0001"]
    assert "At risk one" not in response.content.decode()


def test_an_agency_member_sees_their_agencys_actions(client_for, three):
    assert _references(client_for("s11lead").get(TRACKER)) == ["A-0003"]


def test_a_named_owner_with_no_membership_sees_their_own_action(client_for, partnership):
    make_action(partnership, owner_person=partnership["outsider"])
    response = client_for("outsider").get(TRACKER)
    assert response.status_code == 200 and _references(response) == ["A-0001"]


def test_statuses_are_shown_in_words(client_for, three):
    html = client_for("admin").get(TRACKER).content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--yellow">At risk</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--green">On track</strong>' in html
    assert "Red: 2 days late" in html


# Filters and sorting.


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "overdue"}, ["A-0001"]),
        ({"status": "at_risk"}, ["A-0002"]),
        ({"status": "on_track"}, ["A-0003"]),
        ({"status": "open"}, ["A-0001", "A-0002", "A-0003"]),
        ({"source": "section_11"}, ["A-0003"]),
        ({"q": "at risk"}, ["A-0002"]),
        ({"q": "a-0003"}, ["A-0003"]),
        ({"due_after": "DAY+1"}, ["A-0002", "A-0003"]),
        ({"due_before": "DAY+10"}, ["A-0001", "A-0002"]),
    ],
)
def test_the_filters_narrow_the_list(client_for, three, query, expected):
    dates = {k: days(int(v[4:])) for k, v in query.items() if v.startswith("DAY")}
    query = {k: v for k, v in query.items() if k not in dates}
    for name, day in dates.items():
        query |= date_fields(name, day)
    response = client_for("admin").get(TRACKER, query)
    assert _references(response) == expected
    assert "matching your filters" in response.content.decode()


def test_the_owner_filters(client_for, partnership, three):
    client = client_for("admin")
    assert _references(client.get(TRACKER, {"owner_group": partnership.other_subgroup.pk})) == ["A-0002"]
    assert _references(client.get(TRACKER, {"owner_agency": partnership.agency.pk})) == ["A-0003"]


def test_the_priority_and_theme_filters(client_for, partnership, three):
    priority, theme = PriorityFactory(), ThemeFactory(name="Neglect")
    services.action_update(
        actor=partnership["admin"], action=three[1], values={"priority": priority, "themes": [theme]}
    )
    client = client_for("admin")
    assert _references(client.get(TRACKER, {"priority": priority.pk})) == ["A-0002"]
    assert _references(client.get(TRACKER, {"theme": theme.pk})) == ["A-0002"]


def test_a_completed_action_shows_as_completed_and_is_not_open(client_for, partnership, three):
    complete(partnership, three[0])
    client = client_for("admin")
    assert _references(client.get(TRACKER, {"status": "completed"})) == ["A-0001"]
    assert "A-0001" not in _references(client.get(TRACKER, {"status": "open"}))


@pytest.mark.parametrize(
    "query",
    [
        {"status": "on_fire"},
        {"source": "<script>"},
        {"owner_group": "abc"},
        {"owner_group": "999999"},
        {"owner_group": "9" * 25},
        {"owner_agency": "-1"},
        {"priority": "x"},
        {"theme": "1.5"},
        date_fields("due_after", text=("31", "2", "2026")),
        date_fields("due_before", text=("tomorrow", "", "")),
        date_fields("due_before", text=("1", "13", "26")),
        {"sort": "'; drop table"},
        {"page": "lots"},
        {"page": "99999"},
    ],
)
def test_a_bad_filter_value_is_ignored_with_a_message_never_an_error(client_for, three, query):
    response = client_for("admin").get(TRACKER, query)
    assert response.status_code == 200
    assert len(_references(response)) == 3 or query.get("page")
    html = response.content.decode()
    if set(query) - {"sort", "page"}:
        assert "govuk-error-message" in html


def test_a_bad_filter_does_not_stop_the_good_ones(client_for, three):
    response = client_for("admin").get(TRACKER, {"status": "overdue", **date_fields("due_after", text=("x", "y", "z"))})
    assert _references(response) == ["A-0001"]


def test_the_list_sorts_by_status_most_pressing_first_and_back(client_for, three):
    client = client_for("admin")
    assert _references(client.get(TRACKER, {"sort": "status"})) == ["A-0001", "A-0002", "A-0003"]
    assert _references(client.get(TRACKER, {"sort": "-status"})) == ["A-0003", "A-0002", "A-0001"]
    assert _references(client.get(TRACKER, {"sort": "-due"})) == ["A-0003", "A-0002", "A-0001"]


def test_the_sort_links_say_which_way_the_list_is_sorted(client_for, three):
    html = client_for("admin").get(TRACKER, {"sort": "status"}).content.decode()
    assert 'aria-sort="ascending"' in html and "sort=-status" in html


def test_the_list_is_paged_in_fifties_keeping_the_filters(client_for, partnership):
    bulk_actions(120, owner_group=partnership.subgroup)
    client = client_for("admin")
    first = client.get(TRACKER, {"source": "audit"})
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.count == 60
    assert "source=audit&amp;page=2" in first.content.decode()


# The group's, the agency's and the person's own lists.


def test_a_groups_actions_page_lists_only_that_groups(client_for, partnership, three):
    response = client_for("chair").get(reverse("actions:group", args=[partnership.subgroup.pk]))
    assert response.status_code == 200 and _references(response) == ["A-0001"]
    assert "Raise an action" in response.content.decode()


def test_another_groups_actions_page_is_refused_to_a_chair(client_for, partnership, three):
    response = client_for("chair").get(reverse("actions:group", args=[partnership.other_subgroup.pk]))
    assert response.status_code == 403


def test_an_agencys_actions_page(client_for, partnership, three):
    response = client_for("s11lead").get(reverse("actions:agency", args=[partnership.agency.pk]))
    assert response.status_code == 200 and _references(response) == ["A-0003"]
    assert client_for("auditor").get(reverse("actions:agency", args=[partnership.agency.pk])).status_code == 403


def test_my_actions_are_the_ones_i_am_named_on(client_for, partnership, three):
    response = client_for("s11lead").get(reverse("actions:mine"))
    assert _references(response) == ["A-0003"]
    assert _references(client_for("chair").get(reverse("actions:mine"))) == []
    assert "You are not named as the owner of any action" in client_for("chair").get("/actions/mine/").content.decode()


# Downloads.


def test_the_csv_download_is_the_filtered_list_in_words(client_for, three):
    response = client_for("admin").get(reverse("actions:export-csv"), {"status": "overdue"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Reference", "Action", "Status", "RAG"]
    assert [row[:4] for row in rows[1:]] == [["A-0001", "Overdue one", "Overdue", "Red"]]
    assert rows[1][10] == days(-2).isoformat()


def test_the_download_holds_only_what_the_person_may_see(client_for, three):
    response = client_for("chair").get(reverse("actions:export-csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["A-0001"]


def test_a_formula_in_a_title_stays_text_in_the_download(client_for, partnership):
    make_action(partnership, title='=HYPERLINK("http://evil")')
    rows = list(csv.reader(io.StringIO(client_for("admin").get("/actions/export.csv").content.decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=")


def test_the_excel_download_has_a_header_row_real_dates_and_status_words(client_for, partnership, three):
    theme = ThemeFactory(name="Neglect")
    services.action_update(actor=partnership["admin"], action=three[2], values={"themes": [theme]})
    response = client_for("admin").get(reverse("actions:export-xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Reference", "Action", "Status")
    assert [row[2] for row in rows[1:]] == ["Overdue", "At risk", "On track"]
    due = rows[3][10]
    assert isinstance(due, datetime.datetime) and due.date() == days(100)
    assert rows[3][15] == "Neglect"


def test_the_outsider_cannot_download(client_for, three):
    assert client_for("outsider").get(reverse("actions:export-csv")).status_code == 403


# Speed: a fixed number of queries, at 50 actions and at 5,000.


@pytest.fixture(params=[50, 5000], ids=["50 actions", "5000 actions"])
def many(request, partnership):
    themes = [ThemeFactory(name=f"Theme {n}") for n in range(3)]
    actions = bulk_actions(request.param, owner_group=partnership.subgroup, owner_person=partnership["officer"])
    through = Action.themes.through
    through.objects.bulk_create(
        [through(action_id=a.pk, theme_id=themes[i % 3].pk) for i, a in enumerate(actions)], batch_size=500
    )
    return request.param


# Session, person, their roles (2), the partnership, the count, the page of actions with their owners, the four
# filter selects (groups, agencies, priorities, themes), the group filtered on, the navigation's unread
# notifications, and the session's renewal (3).
TRACKER_QUERIES = 16


def test_the_tracker_costs_the_same_queries_however_many_actions(client_for, many, django_assert_num_queries):
    client = client_for("admin")
    client.get(TRACKER)
    group = Action.objects.values_list("owner_group", flat=True).first()
    with django_assert_num_queries(TRACKER_QUERIES):
        response = client.get(TRACKER, {"status": "open", "owner_group": group, "sort": "status", "page": "2"})
    assert response.status_code == 200
    # Nine in ten of the bulk actions are open. At 50 they fit on one page, so asking for page 2 shows that page;
    # at 5,000 page 2 is a full page of 50 out of 90.
    count, number, rows = {50: (45, 1, 45), 5000: (4500, 2, 50)}[many]
    page = response.context["page"]
    assert (page.paginator.count, page.number, len(page.object_list)) == (count, number, rows)
    assert f"{count:,} actions" in response.content.decode()


def test_a_chairs_tracker_costs_the_same_queries_however_many_actions(client_for, many, django_assert_num_queries):
    client = client_for("chair")
    client.get(TRACKER)
    # No agency select: the chair belongs to no agency, so that list is known to be empty without asking.
    with django_assert_num_queries(TRACKER_QUERIES - 2):
        response = client.get(TRACKER, {"source": "audit", **date_fields("due_before", days(30))})
    assert response.status_code == 200 and len(response.context["page"].object_list) > 0


# Session, person, roles (2), the actions with their owners and priorities, their themes, and the session's
# renewal (3).
EXPORT_QUERIES = 9


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_downloads_cost_the_same_queries_however_many_actions(client_for, many, kind, django_assert_num_queries):
    client = client_for("admin")
    client.get(TRACKER)
    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(f"/actions/export.{kind}")
    assert response.status_code == 200
    if kind == "csv":
        assert response.content.decode("utf-8-sig").count("\n") == many + 1


def test_the_home_section_costs_the_same_queries_however_many_actions(partnership, many, django_assert_num_queries):
    from django.test import RequestFactory

    from cscp.actions.registry import your_actions
    from cscp.permissions import roles_of

    request = RequestFactory().get("/")
    request.user = partnership["officer"]
    roles_of(request.user)
    # Every count in one query, then the officer's few most pressing actions.
    with django_assert_num_queries(2):
        context = your_actions(request)
    assert context["mine_counts"]["total"] == Action.objects.filter(stage="open").count()
    assert len(context["mine"]) == 5
