"""Reminders: each goes once to each person it concerns, in the product and by email, with a link to the thing.

Once-ness comes from the notification's unique key (see cscp.notifications.notify), so the daily task can run
twice, or late, and nobody hears the same thing twice. Keys name the thing, the kind of reminder and the date
it is about ("reminder.action.42.overdue.20261127:7"): when a due date moves, the new date earns a reminder of
its own, and an overdue action is reminded about once per due date, not every morning.

Each reminder is written in its own transaction (inside `notify`): a failure part-way through leaves the ones
already written in place, and the next run sends only the rest.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils import formats

from cscp.actions import status as action_status
from cscp.actions.models import Action
from cscp.actions.selectors import actions_due_between, overdue_and_at_risk
from cscp.impact.selectors import escalations_awaiting_decision, late_updates, updates_due_between
from cscp.models import Person
from cscp.notifications import notify
from cscp.reminders.selectors import next_board_meeting
from cscp.selectors import chairs_by_group, people_by_group

logger = logging.getLogger(__name__)

# Actions: a first reminder when the due date is this close, another the day before, one once it has passed.
ACTION_DUE_SOON_DAYS = 14
# Impact updates: the chair hears this many days before the deadline, and once if it passes.
UPDATE_DUE_SOON_DAYS = 7
# Escalations: Board members hear of each one awaiting their decision this many days before the meeting.
ESCALATION_NOTICE_DAYS = 14


def link(url_name: str, *args) -> str:
    """The page a reminder points at; the home page if that page is not part of this version of the product."""
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        logger.warning("No URL named %s: the reminder links to the home page", url_name)
        return reverse("cscp:home")


def _day(date: datetime.date) -> str:
    return formats.date_format(date)


@dataclass(frozen=True)
class Recipient:
    person: Person
    why: str


def _send(recipients: list[Recipient], *, key: str, subject: str, body: str, url: str) -> int:
    sent = 0
    for recipient in recipients:
        text = f"{body}\n\nYou are receiving this {recipient.why}."
        if notify(recipient=recipient.person, key=f"{key}:{recipient.person.pk}", subject=subject, body=text, url=url):
            sent += 1
    return sent


# Actions.


def _action_recipients(action: Action, chairs: dict[int, list[Person]]) -> list[Recipient]:
    """The named owner and the owning group's chair and vice-chair; each person once."""
    found: dict[int, Recipient] = {}
    if action.owner_person is not None and action.owner_person.is_active:
        found[action.owner_person.pk] = Recipient(action.owner_person, "as the action's named owner")
    if action.owner_group_id is not None:
        for person in chairs.get(action.owner_group_id, []):
            found.setdefault(person.pk, Recipient(person, f"as chair or vice-chair of {action.owner_group.name}"))
    return list(found.values())


def remind_actions(*, today: datetime.date) -> int:
    """Open actions due within two weeks, due tomorrow (or today), and overdue. Returns how many were sent."""
    day = datetime.timedelta(days=1)
    batches = [
        ("due14", actions_due_between(today + 2 * day, today + ACTION_DUE_SOON_DAYS * day)),
        ("due1", actions_due_between(today, today + day)),
        ("overdue", overdue_and_at_risk(today).filter(status=action_status.OVERDUE)),
    ]
    sent = 0
    for kind, queryset in batches:
        actions = list(queryset)
        chairs = chairs_by_group({a.owner_group_id for a in actions if a.owner_group_id}, on=today)
        for action in actions:
            due = _day(action.due_date)
            if kind == "due14":
                subject = f"Action {action.reference} is due on {due}"
            elif kind == "due1":
                subject = f"Action {action.reference} is due {'today' if action.due_date == today else 'tomorrow'}"
            else:
                subject = f"Action {action.reference} is overdue: it was due on {due}"
            sent += _send(
                _action_recipients(action, chairs),
                key=f"reminder.action.{action.pk}.{kind}.{action.due_date:%Y%m%d}",
                subject=subject,
                body=f"{action.reference}: {action.title}\nDue on {due}.",
                url=link("actions:detail", action.pk),
            )
    return sent


# Impact updates.


def remind_impact_updates(*, today: datetime.date) -> int:
    """Updates due within a week and not submitted, and updates now late, to the group's chair and vice-chair.

    A late update is reminded about once, and only while the Board meeting that reads it is still to come: after
    that meeting the reminder would be no use to anyone.
    """
    due_soon = updates_due_between(today, today + datetime.timedelta(days=UPDATE_DUE_SOON_DAYS))
    late = [due for due in late_updates(today) if due.cycle.board_meeting.date >= today]
    chairs = chairs_by_group({due.group.pk for due in [*due_soon, *late]}, on=today)
    sent = 0
    for kind, dues in (("due", due_soon), ("late", late)):
        for due in dues:
            cycle, group = due.cycle, due.group
            deadline = _day(cycle.due_date)
            meeting = _day(cycle.board_meeting.date)
            if kind == "due":
                subject = f"The {group.name} impact update is due on {deadline}"
                body = f"{cycle.update_title} is due on {deadline}, for the Board meeting on {meeting}."
            else:
                subject = f"The {group.name} impact update is late: it was due on {deadline}"
                body = (
                    f"{cycle.update_title} was due on {deadline} and has not been submitted. "
                    f"The Board meets on {meeting}."
                )
            sent += _send(
                [Recipient(person, f"as chair or vice-chair of {group.name}") for person in chairs.get(group.pk, [])],
                key=f"reminder.update.{cycle.pk}.{group.pk}.{kind}.{cycle.due_date:%Y%m%d}",
                subject=subject,
                body=body,
                url=link("impact:update-edit", cycle.pk, group.pk),
            )
    return sent


# Escalations.


def remind_escalations(*, today: datetime.date) -> int:
    """Escalations awaiting a Board decision, to the Board's members, once per escalation per meeting, in the two
    weeks before the meeting it goes to (the next Board meeting, where none was chosen)."""
    horizon = today + datetime.timedelta(days=ESCALATION_NOTICE_DAYS)
    fallback = next_board_meeting(today)
    due = []
    for escalation in escalations_awaiting_decision():
        meeting = escalation.board_meeting or fallback
        if meeting is not None and today <= meeting.date <= horizon:
            due.append((escalation, meeting))
    members = people_by_group({meeting.group_id for _, meeting in due}, on=today)
    sent = 0
    for escalation, meeting in due:
        when = _day(meeting.date)
        sent += _send(
            [Recipient(person, "as a member of the Board") for person in members.get(meeting.group_id, [])],
            key=f"reminder.escalation.{escalation.pk}.meeting.{meeting.pk}",
            subject=f"An escalation awaits the Board's decision on {when}: {escalation.title}"[:200],
            body=(
                f"{escalation.raised_by_group.name} asks the Board: {escalation.ask}\n"
                f"It is for the Board meeting on {when}."
            ),
            url=link("impact:escalation-detail", escalation.pk),
        )
    return sent
