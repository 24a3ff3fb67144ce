"""An action's status, derived from its stage, its progress and its dates: a pure calculation, no database.

The same rules are written as a database annotation in `cscp.actions.selectors.with_status`, so the tracker can
filter and sort on the status in SQL; tests check that the two agree.

While an action is open its status comes from its dates where it can: past its due date it is overdue, whatever
anyone said about its progress; due within two weeks and not started, it is at risk. Otherwise it is what the
last progress note said. Once completed, impact tested or closed, that stage is its status, except that a completed
action someone has signed off is "signed off" (its impact is still to be recorded).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

NOT_STARTED = "not_started"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
OVERDUE = "overdue"
COMPLETED = "completed"
SIGNED_OFF = "signed_off"
IMPACT_TESTED = "impact_tested"
CLOSED = "closed"

# An open action due within this many days that has not started is at risk.
AT_RISK_WITHIN_DAYS = 14

# Most pressing first: the order of the tracker's "status" sort and of the status filter's choices.
STATUSES = (OVERDUE, AT_RISK, NOT_STARTED, ON_TRACK, COMPLETED, SIGNED_OFF, IMPACT_TESTED, CLOSED)
OPEN_STATUSES = (OVERDUE, AT_RISK, NOT_STARTED, ON_TRACK)

LABELS = {
    NOT_STARTED: "Not started",
    ON_TRACK: "On track",
    AT_RISK: "At risk",
    OVERDUE: "Overdue",
    COMPLETED: "Completed",
    SIGNED_OFF: "Signed off",
    IMPACT_TESTED: "Impact tested",
    CLOSED: "Closed",
}

# GOV.UK tag modifiers. The words carry the meaning; the colour only repeats it.
TAG_CLASSES = {
    NOT_STARTED: "govuk-tag--grey",
    ON_TRACK: "govuk-tag--green",
    AT_RISK: "govuk-tag--yellow",
    OVERDUE: "govuk-tag--red",
    COMPLETED: "govuk-tag--blue",
    SIGNED_OFF: "govuk-tag--purple",
    IMPACT_TESTED: "govuk-tag--turquoise",
    CLOSED: "govuk-tag--grey",
}

# RAG in words, for exports and the Board pack, where a colour may not survive printing or a spreadsheet.
RAG = {
    OVERDUE: "Red",
    AT_RISK: "Amber",
    NOT_STARTED: "Amber",
    ON_TRACK: "Green",
    COMPLETED: "Green",
    SIGNED_OFF: "Green",
    IMPACT_TESTED: "Green",
    CLOSED: "",
}

CHOICES = tuple((status, LABELS[status]) for status in STATUSES)


@dataclass(frozen=True)
class StatusTag:
    status: str
    label: str
    css_class: str


def at_risk_from(today: datetime.date) -> datetime.date:
    """The last due date that counts as "due soon" on this day."""
    return today + datetime.timedelta(days=AT_RISK_WITHIN_DAYS)


def status_for(
    *, stage: str, progress: str, due_date: datetime.date, today: datetime.date, signed_off: bool = False
) -> str:
    if stage == COMPLETED and signed_off:
        return SIGNED_OFF
    if stage != "open":
        return stage
    if due_date < today:
        return OVERDUE
    if progress == AT_RISK or (progress == NOT_STARTED and due_date <= at_risk_from(today)):
        return AT_RISK
    return progress


def derived_status(action, today: datetime.date) -> str:
    """One of STATUSES for an action (anything with stage, progress, due_date and signed_off_at) on a day."""
    return status_for(
        stage=action.stage,
        progress=action.progress,
        due_date=action.due_date,
        today=today,
        signed_off=getattr(action, "signed_off_at", None) is not None,
    )


def label(status: str) -> str:
    return LABELS.get(status, status.replace("_", " ").capitalize())


def tag(status: str) -> StatusTag:
    return StatusTag(status, label(status), TAG_CLASSES.get(status, "govuk-tag--grey"))
