"""Why a transition cannot happen now: one function per transition, returning the reason in the words the person
reads ("" when it can), used both by the service that makes the change and by the page that offers its button, so
the two never disagree.

Who may act is a separate question, answered by the rules in cscp.impact.rules; these say only whether the act
makes sense in the state the update or escalation is in.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format

from cscp.impact import status as st
from cscp.impact.models import Escalation, ImpactTemplateSection, ImpactUpdate, ImpactUpdateAnswer
from cscp.models import Group, Meeting

SUBMITTED_CANNOT_CHANGE = (
    "This update has been submitted. You can change it only if the Business Group asks for changes."
)
ANSWER_REQUIRED_SECTIONS = "Answer every required section first"


def missing_required_sections(update: ImpactUpdate) -> list[ImpactTemplateSection]:
    """The template's required sections the update has not answered yet, in template order."""
    answered = set(
        ImpactUpdateAnswer.objects.filter(update=update).exclude(text="").values_list("section_id", flat=True)
    )
    return [
        section
        for section in ImpactTemplateSection.objects.filter(is_active=True, is_required=True).order_by("order", "pk")
        if section.pk not in answered
    ]


def missing_section_message(section: ImpactTemplateSection) -> str:
    """What to do about an empty required section, beside it: "What difference it made" → "Enter what difference
    it made"; an acronym keeps its capitals."""
    title = section.title.strip()
    if len(title) > 1 and title[1].isupper():
        return f"Enter {title}"
    return f"Enter {title[:1].lower()}{title[1:]}"


# Impact updates.


def update_edit_blocked(update: ImpactUpdate) -> str:
    """Writing sections and choosing evidence: while a draft, or after the Business Group asked for changes."""
    if update.status not in st.EDITABLE:
        return SUBMITTED_CANNOT_CHANGE
    return ""


def update_submit_blocked(update: ImpactUpdate) -> str:
    """Submitting: while it may be changed, once every required section is answered (the service then says which
    sections, beside each)."""
    return update_edit_blocked(update) or (ANSWER_REQUIRED_SECTIONS if missing_required_sections(update) else "")


def _review_blocked(update: ImpactUpdate, doing: str) -> str:
    if update.status == st.ACKNOWLEDGED:
        return f"This update has already been acknowledged, so you cannot {doing}"
    if update.status != st.SUBMITTED:
        return f"You can {doing} once the group has submitted its update"
    return ""


def update_acknowledge_blocked(update: ImpactUpdate) -> str:
    return _review_blocked(update, "acknowledge it")


def update_request_changes_blocked(update: ImpactUpdate) -> str:
    return _review_blocked(update, "ask for changes")


def update_comment_blocked(update: ImpactUpdate) -> str:
    """Comments are open at every stage: a reviewer may ask about a draft, and the chair may answer a question after
    the update was acknowledged."""
    return ""


# Escalations.


def decision_meeting(escalation: Escalation) -> Meeting | None:
    """The Board meeting an escalation awaits a decision at: the one it was taken (or deferred) to, else the first
    Board meeting on or after the day it was raised ("the next meeting that can take it"); None when there is none."""
    if escalation.board_meeting_id is not None:
        return escalation.board_meeting
    return (
        Meeting.objects.filter(group__kind=Group.Kind.BOARD, date__gte=timezone.localdate(escalation.raised_at))
        .select_related("group")
        .order_by("date", "pk")
        .first()
    )


def escalation_decide_blocked(escalation: Escalation, today: datetime.date | None = None) -> str:
    """Minuting the Board's decision: while it awaits one, on or after the day of the meeting that takes it."""
    if escalation.status != st.AWAITING_DECISION:
        return "The Board's decision on this escalation has already been recorded"
    meeting = decision_meeting(escalation)
    if meeting is None:
        return "No Board meeting is planned that can take this escalation: add the Board's next meeting first"
    if (today or timezone.localdate()) < meeting.date:
        return (
            f"The Board's decision is recorded at or after the meeting that takes it: you can record it from "
            f"{date_format(meeting.date, 'j F Y')}"
        )
    return ""


def escalation_outcome_blocked(escalation: Escalation) -> str:
    if escalation.status == st.AWAITING_DECISION:
        return "Record the Board's decision before the outcome"
    if escalation.status == st.CLOSED:
        return "The outcome of this escalation has already been recorded"
    return ""


def escalation_action_blocked(escalation: Escalation) -> str:
    """Raising an action from an escalation: once the Board has decided on it."""
    if escalation.status == st.AWAITING_DECISION:
        return "Actions are raised from an escalation once the Board has decided on it."
    return ""
