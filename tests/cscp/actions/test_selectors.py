"""The reads other parts of the product use: who sees which actions, the Board pack's overdue and at-risk actions,
and the actions due in a window (for reminders)."""

from __future__ import annotations

import pytest

from cscp.actions import selectors, services
from tests.cscp.actions.helpers import complete, days, make_action, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def actions(partnership):
    return {
        "group": make_action(partnership, title="Group's"),
        "other_group": make_action(partnership, title="Other group's", owner_group=partnership.other_subgroup),
        "agency": make_action(partnership, title="Agency's", owner_group=None, owner_agency=partnership.agency),
        "named": make_action(
            partnership,
            title="Named",
            owner_group=partnership.other_subgroup,
            owner_person=partnership["auditor"],
        ),
    }


def _titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", {"Group's", "Other group's", "Agency's", "Named"}),
        ("board", {"Group's", "Other group's", "Agency's", "Named"}),
        ("business", {"Group's", "Other group's", "Agency's", "Named"}),
        ("scrutineer", {"Group's", "Other group's", "Agency's", "Named"}),
        ("chair", {"Group's"}),
        ("officer", {"Group's"}),
        ("s11lead", {"Agency's"}),
        ("auditor", {"Named"}),
        ("outsider", set()),
    ],
)
def test_each_person_sees_the_actions_they_may(partnership, actions, persona, expected):
    assert _titles(selectors.actions_visible_to(partnership[persona])) == expected


def test_nobody_signed_out_sees_any_action(actions):
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.actions_visible_to(AnonymousUser()).exists()


def test_a_groups_an_agencys_and_a_persons_actions(partnership, actions):
    assert _titles(selectors.actions_for_group(partnership.subgroup)) == {"Group's"}
    assert _titles(selectors.actions_for_agency(partnership.agency)) == {"Agency's"}
    assert _titles(selectors.actions_for_person(partnership["auditor"])) == {"Named"}


def test_overdue_and_at_risk_for_the_board_pack(partnership):
    overdue = make_action(partnership, title="Overdue", raised_on=days(-20), due_date=days(-1))
    soon = make_action(partnership, title="Due soon, not started", due_date=days(10))
    flagged = make_action(partnership, title="Flagged at risk", due_date=days(100))
    services.action_note_add(actor=partnership["chair"], action=flagged, text="Staff left", progress="at_risk")
    make_action(partnership, title="Fine", due_date=days(100))
    done = make_action(partnership, title="Done late", raised_on=days(-20), due_date=days(-5))
    complete(partnership, done)
    found = list(selectors.overdue_and_at_risk(today()))
    assert [a.title for a in found] == ["Overdue", "Due soon, not started", "Flagged at risk"]
    assert [a.status for a in found] == ["overdue", "at_risk", "at_risk"]
    assert found[0].owner_group.name == partnership.subgroup.name
    assert overdue.pk == found[0].pk and soon.pk == found[1].pk


def test_actions_due_in_a_window_for_reminders(partnership):
    make_action(partnership, title="In 14 days", due_date=days(14))
    make_action(partnership, title="Tomorrow", due_date=days(1))
    make_action(partnership, title="In 15 days", due_date=days(15))
    done = make_action(partnership, title="Done, due tomorrow", due_date=days(1))
    complete(partnership, done)
    assert [a.title for a in selectors.actions_due_between(days(1), days(14))] == ["Tomorrow", "In 14 days"]
    assert [a.title for a in selectors.actions_due_between(days(14), days(14))] == ["In 14 days"]


def test_counts_by_status(partnership):
    make_action(partnership, raised_on=days(-5), due_date=days(-1))
    make_action(partnership, due_date=days(100))
    counts = selectors.action_counts(selectors.actions_visible_to(partnership["admin"]), today())
    assert counts["overdue"] == 1 and counts["not_started"] == 1 and counts["closed"] == 0
