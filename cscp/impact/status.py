"""The statuses of impact updates and escalations, as values, with the words and tag colours people see: a pure
module, no database.

An update row holds one of the workflow states (draft, submitted, changes requested, acknowledged). A group's
status tag shows two more: not started (the group has no update row yet) and late (not submitted by the due date,
which outranks draft). The model's choices take their labels from here, so a label is written once.

Everything is keyed on the values; a label is for reading, never for comparing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

# What a group's update shows.
NOT_STARTED = "not_started"
DRAFT = "draft"
SUBMITTED = "submitted"
CHANGES_REQUESTED = "changes_requested"
ACKNOWLEDGED = "acknowledged"
LATE = "late"

# The states an update row holds (ImpactUpdate.Status), in the order of its life.
WORKFLOW = (DRAFT, SUBMITTED, CHANGES_REQUESTED, ACKNOWLEDGED)
# Every status a group's tag may show, in the order of the "Updates by status" counts.
STATUSES = (NOT_STARTED, DRAFT, SUBMITTED, CHANGES_REQUESTED, ACKNOWLEDGED, LATE)
# The group's chair may change the update while it is in one of these.
EDITABLE = (DRAFT, CHANGES_REQUESTED)
# Submitted at least once: the Business Group has received it.
SUBMITTED_STATUSES = (SUBMITTED, CHANGES_REQUESTED, ACKNOWLEDGED)

LABELS = {
    NOT_STARTED: "Not started",
    DRAFT: "Draft",
    SUBMITTED: "Submitted",
    CHANGES_REQUESTED: "Changes requested",
    ACKNOWLEDGED: "Acknowledged",
    LATE: "Late",
}

# GOV.UK tag modifiers. The words carry the meaning; the colour only repeats it.
TAG_CLASSES = {
    NOT_STARTED: "govuk-tag--grey",
    DRAFT: "govuk-tag--light-blue",
    SUBMITTED: "govuk-tag--blue",
    CHANGES_REQUESTED: "govuk-tag--orange",
    ACKNOWLEDGED: "govuk-tag--green",
    LATE: "govuk-tag--red",
}

# A comment that moved the update on carries the tag of the status it moved it to.
COMMENT_STATUSES = {"changes_requested": CHANGES_REQUESTED, "acknowledgement": ACKNOWLEDGED}

# An escalation's life (Escalation.Status).
AWAITING_DECISION = "awaiting_decision"
DECIDED = "decided"
CLOSED = "closed"

ESCALATION_STATUSES = (AWAITING_DECISION, DECIDED, CLOSED)
ESCALATION_LABELS = {
    AWAITING_DECISION: "Awaiting Board decision",
    DECIDED: "Decided, outcome awaited",
    CLOSED: "Outcome recorded",
}
ESCALATION_TAG_CLASSES = {
    AWAITING_DECISION: "govuk-tag--orange",
    DECIDED: "govuk-tag--blue",
    CLOSED: "govuk-tag--green",
}

# What the Board decided on an escalation, as minuted at its meeting (EscalationDecision.Kind). A deferral sends the
# escalation back to awaiting a decision, at the meeting it was deferred to; the others decide it.
AGREED = "agreed"
DECLINED = "declined"
DEFERRED = "deferred"
REFERRED = "referred"

DECISION_KINDS = (AGREED, DECLINED, DEFERRED, REFERRED)
DECISION_LABELS = {
    AGREED: "Agreed",
    DECLINED: "Declined",
    DEFERRED: "Deferred to a later meeting",
    REFERRED: "Referred to a group",
}

# A section of an update being written, on its task list. A completed task shows its words without a tag, as the
# GOV.UK task list pattern does.
TASK_NOT_STARTED = "not_started"
TASK_IN_PROGRESS = "in_progress"
TASK_COMPLETED = "completed"

# Submitting cannot start while a required section is empty.
TASK_CANNOT_START_YET = "cannot_start_yet"

TASK_LABELS = {
    TASK_NOT_STARTED: "Not started",
    TASK_IN_PROGRESS: "In progress",
    TASK_COMPLETED: "Completed",
    TASK_CANNOT_START_YET: "Cannot start yet",
}
TASK_TAG_CLASSES = {
    TASK_NOT_STARTED: "govuk-tag--blue",
    TASK_IN_PROGRESS: "govuk-tag--light-blue",
    TASK_COMPLETED: "",
    TASK_CANNOT_START_YET: "",
}


@dataclass(frozen=True)
class StatusTag:
    status: str
    label: str
    css_class: str


# Beside an update first submitted after its due date (its status tag then reads as usual).
SUBMITTED_LATE = StatusTag(LATE, "Submitted late", TAG_CLASSES[LATE])


def displayed(*, status: str | None, submitted: bool, due_date: datetime.date, today: datetime.date) -> str:
    """What a group's tag shows: late while never submitted and past the due date, not started without an update
    (`status` None), otherwise the update's own status."""
    if not submitted and today > due_date:
        return LATE
    if status is None:
        return NOT_STARTED
    return status


def label(status: str) -> str:
    return LABELS.get(status, status.replace("_", " ").capitalize())


def tag(status: str) -> StatusTag:
    return StatusTag(status, label(status), TAG_CLASSES.get(status, "govuk-tag--grey"))


def escalation_tag(status: str) -> StatusTag:
    return StatusTag(
        status, ESCALATION_LABELS.get(status, status), ESCALATION_TAG_CLASSES.get(status, "govuk-tag--grey")
    )


def comment_tag(kind: str) -> StatusTag | None:
    """The tag beside a comment that asked for changes or acknowledged the update; None for a plain comment."""
    status = COMMENT_STATUSES.get(kind)
    return tag(status) if status else None


def task_tag(status: str) -> StatusTag:
    return StatusTag(status, TASK_LABELS[status], TASK_TAG_CLASSES[status])


def evidence_task_tag(linked: int) -> StatusTag:
    """The evidence task: how many pieces are linked, once there are any."""
    if not linked:
        return task_tag(TASK_NOT_STARTED)
    return StatusTag(TASK_COMPLETED, f"{linked} linked", TASK_TAG_CLASSES[TASK_COMPLETED])


# An answer to the escalation section that says there is nothing to escalate ("None this cycle.", "N/A", "Nothing to
# escalate at this time"): the escalation form starts empty rather than with it as "the concern".
_NOTHING_TO_ESCALATE = re.compile(
    r"^(none|nil|nothing|no|n/?a|not applicable|no matters?|no escalations?|no issues?)"
    r"( (to|for) (escalate|escalation|report|the board))?"
    r"( (this|at this|for this|in this) (cycle|time|quarter|period|month|round|update))?$"
)


def says_nothing_to_escalate(text: str) -> bool:
    words = re.sub(r"[^\w/ ]+", " ", (text or "").casefold())
    words = re.sub(r"\s+", " ", words).strip()
    return not words or bool(_NOTHING_TO_ESCALATE.match(words))
