"""The home page's "Your actions" section and the "Actions" item in the navigation."""

from __future__ import annotations

import pytest

from tests.cscp.actions.helpers import days, make_action

pytestmark = pytest.mark.django_db


def _home(client_for, persona) -> str:
    return client_for(persona).get("/").content.decode()


def test_the_named_owner_sees_their_open_actions_on_the_home_page(client_for, partnership):
    make_action(partnership, title="Write the neglect strategy", owner_person=partnership["officer"])
    make_action(
        partnership, title="Late one", owner_person=partnership["officer"], raised_on=days(-9), due_date=days(-1)
    )
    page = _home(client_for, "officer")
    assert "Your actions" in page
    assert "You are the named owner of 2 open actions: 1 overdue and 0 at risk" in page
    assert page.index("Late one") < page.index("Write the neglect strategy")
    assert "/actions/mine/" in page


def test_a_chair_sees_their_groups_overdue_and_at_risk_actions(client_for, partnership):
    make_action(partnership, title="Overdue in the group", raised_on=days(-9), due_date=days(-1))
    make_action(partnership, title="Due soon in the group", due_date=days(3))
    make_action(partnership, title="Fine in the group", due_date=days(90))
    make_action(partnership, title="Another group's", owner_group=partnership.other_subgroup, due_date=days(3))
    page = _home(client_for, "chair")
    assert "Overdue and at-risk actions in the groups you chair" in page
    assert "Overdue in the group" in page and "Due soon in the group" in page
    assert "Fine in the group" not in page and "Another group's" not in page
    assert f"/groups/{partnership.subgroup.pk}/actions/?status=overdue" in page


def test_someone_with_no_actions_has_no_actions_section(client_for, partnership):
    make_action(partnership, due_date=days(90))
    assert "Your actions" not in _home(client_for, "board")
    assert "Your actions" not in _home(client_for, "chair")


@pytest.mark.parametrize("persona", ["admin", "board", "chair", "officer", "s11lead", "auditor"])
def test_the_navigation_offers_the_tracker_to_people_in_the_partnership(client_for, persona):
    assert 'href="/actions/"' in _home(client_for, persona)


def test_the_navigation_does_not_offer_the_tracker_to_an_outsider(client_for, partnership):
    assert 'href="/actions/"' not in _home(client_for, "outsider")
    make_action(partnership, owner_person=partnership["outsider"])
    assert 'href="/actions/"' in _home(client_for, "outsider")
