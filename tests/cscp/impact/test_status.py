"""The statuses of updates and escalations: values, the words people read and the tag colours, in one module."""

from __future__ import annotations

import datetime

import pytest

from cscp.impact import status as st
from cscp.impact.models import Escalation, ImpactUpdate

DUE = datetime.date(2026, 11, 20)
BEFORE, AFTER = DUE - datetime.timedelta(days=1), DUE + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    "update_status, submitted, today, shown",
    [
        (None, False, BEFORE, st.NOT_STARTED),
        (None, False, DUE, st.NOT_STARTED),
        (None, False, AFTER, st.LATE),
        (st.DRAFT, False, BEFORE, st.DRAFT),
        (st.DRAFT, False, AFTER, st.LATE),
        (st.SUBMITTED, True, AFTER, st.SUBMITTED),
        # Sent back for changes after it was submitted: not late, whatever the date.
        (st.CHANGES_REQUESTED, True, AFTER, st.CHANGES_REQUESTED),
        (st.ACKNOWLEDGED, True, AFTER, st.ACKNOWLEDGED),
    ],
)
def test_a_groups_tag_shows_late_over_a_draft_and_not_started_without_an_update(update_status, submitted, today, shown):
    assert st.displayed(status=update_status, submitted=submitted, due_date=DUE, today=today) == shown


def test_every_status_a_tag_may_show_has_its_words_and_colour():
    for status in st.STATUSES:
        tag = st.tag(status)
        assert tag.label == st.LABELS[status] and tag.css_class.startswith("govuk-tag--")
    assert [st.label(s) for s in st.STATUSES] == [
        "Not started",
        "Draft",
        "Submitted",
        "Changes requested",
        "Acknowledged",
        "Late",
    ]
    assert st.tag(st.LATE).css_class == "govuk-tag--red"


def test_the_models_take_their_words_from_the_status_module():
    assert ImpactUpdate.Status.choices == [(s, st.LABELS[s]) for s in st.WORKFLOW]
    assert Escalation.Status.choices == [(s, st.ESCALATION_LABELS[s]) for s in st.ESCALATION_STATUSES]
    assert Escalation(status=st.DECIDED).tag == st.StatusTag(st.DECIDED, "Decided, outcome awaited", "govuk-tag--blue")


def test_a_comment_that_moved_the_update_on_carries_the_tag_of_where_it_moved_it():
    assert st.comment_tag("changes_requested") == st.tag(st.CHANGES_REQUESTED)
    assert st.comment_tag("acknowledgement") == st.tag(st.ACKNOWLEDGED)
    assert st.comment_tag("comment") is None


def test_a_completed_task_reads_as_words_without_a_tag():
    assert st.task_tag(st.TASK_COMPLETED).css_class == ""
    assert st.evidence_task_tag(0) == st.task_tag(st.TASK_NOT_STARTED)
    assert st.evidence_task_tag(3).label == "3 linked"
