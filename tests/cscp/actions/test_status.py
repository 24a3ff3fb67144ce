"""An action's status, from its stage, progress and dates: the pure rules, and the same rules in SQL."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from cscp.actions import selectors
from cscp.actions import status as st
from cscp.actions.models import Action
from tests.cscp.actions import helpers
from tests.cscp.actions.helpers import bulk_actions

TODAY = datetime.date(2026, 5, 11)


def _action(stage="open", progress="not_started", due_in=30):
    return SimpleNamespace(stage=stage, progress=progress, due_date=TODAY + datetime.timedelta(days=due_in))


@pytest.mark.parametrize(
    ("stage", "progress", "due_in", "expected"),
    [
        ("open", "on_track", -1, "overdue"),
        ("open", "at_risk", -30, "overdue"),
        ("open", "not_started", -1, "overdue"),
        ("open", "on_track", 0, "on_track"),
        ("open", "not_started", 0, "at_risk"),
        ("open", "not_started", 14, "at_risk"),
        ("open", "not_started", 15, "not_started"),
        ("open", "at_risk", 200, "at_risk"),
        ("open", "on_track", 3, "on_track"),
        ("completed", "at_risk", -10, "completed"),
        ("impact_tested", "on_track", 5, "impact_tested"),
        ("impact_tested", "not_started", -10, "impact_tested"),
        ("closed", "on_track", -10, "closed"),
    ],
)
def test_the_status_follows_the_rules(stage, progress, due_in, expected):
    assert st.derived_status(_action(stage, progress, due_in), TODAY) == expected


def test_an_action_due_today_is_not_yet_overdue():
    assert st.derived_status(_action(progress="on_track", due_in=0), TODAY) == "on_track"


def test_every_status_has_words_and_a_tag_colour():
    for status in st.STATUSES:
        tag = st.tag(status)
        assert tag.label and tag.label[0].isupper()
        assert tag.css_class.startswith("govuk-tag--")
    assert st.tag("overdue").label == "Overdue" and st.tag("overdue").css_class == "govuk-tag--red"
    assert st.tag("at_risk").css_class == "govuk-tag--yellow"
    assert st.tag("on_track").css_class == "govuk-tag--green"
    assert st.RAG["overdue"] == "Red"


@pytest.mark.django_db
def test_the_database_annotation_agrees_with_the_pure_rules(partnership):
    bulk_actions(180, owner_group=partnership.subgroup)
    pks = list(Action.objects.order_by("pk").values_list("pk", flat=True))
    for n, stage in enumerate(("completed", "impact_tested", "closed")):
        Action.objects.filter(pk__in=pks[n * 5 : n * 5 + 5]).update(stage=stage)
    Action.objects.filter(pk__in=pks[15:20]).update(stage="completed", signed_off_at=timezone.now())
    today = helpers.today()
    annotated = selectors.with_status(Action.objects.all(), today)
    seen = set()
    for action in annotated:
        assert action.status == st.derived_status(action, today), action.reference
        assert action.status_rank == st.STATUSES.index(action.status)
        seen.add(action.status)
    assert set(st.STATUSES) <= seen


def test_a_signed_off_action_says_signed_off_not_completed():
    """A Board member reading the tracker: "it says Completed, but the chair signed it off last week"."""
    completed = SimpleNamespace(stage="completed", progress="on_track", due_date=TODAY, signed_off_at=None)
    signed_off = SimpleNamespace(stage="completed", progress="on_track", due_date=TODAY, signed_off_at=TODAY)
    assert st.tag(st.derived_status(completed, TODAY)).label == "Completed"
    assert st.tag(st.derived_status(signed_off, TODAY)).label == "Signed off"
    closed = SimpleNamespace(stage="closed", progress="on_track", due_date=TODAY, signed_off_at=TODAY)
    assert st.tag(st.derived_status(closed, TODAY)).label == "Closed"
