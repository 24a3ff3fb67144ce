"""The demo's action tracker, from the data files in cscp/actions/demo_data/ (actions.csv, action_notes.csv).

Actions from practice reviews, scrutiny, audits, Section 11, inspections, escalations and impact updates, owned by
groups, agencies and named people, with their progress notes. The files give absolute dates, chosen so that on
27 November 2026 the tracker shows every status: overdue, at risk, not started, on track, completed, impact tested
and closed.

Rows are written directly, in the states the services leave them in (a closed action's reason is in its audit
event, as `action_close` records it). An action is matched on its source reference and title, and is given the next
free reference when it is created; its notes and themes come with it. As every demo loader does, this one creates
what is missing and never changes what exists (cscp.demo_loading).
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.utils import timezone

from cscp.actions.models import Action, ActionNote
from cscp.demo_loading import DemoLoader, Row
from cscp.models import AuditEvent, Person
from cscp.sections import demo_loaders

REFERENCE_PREFIX = "A-"
OPTIONAL = (
    "description",
    "owner_group",
    "owner_agency",
    "owner_person",
    "raised_by",
    "progress",
    "completed_on",
    "completion_evidence",
    "signed_off_at",
    "signed_off_by",
    "impact_tested_at",
    "impact_tested_by",
    "made_difference",
    "impact_finding",
    "closed_at",
    "closed_by",
    "closed_reason",
    "priority",
    "themes",
)


def midday(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


class ActionDemo(DemoLoader):
    name = "Action tracker"
    event = "actions.demo.seeded"
    data_dir = Path(__file__).resolve().parent / "demo_data"
    labels = {"action": "action", "note": "progress note"}

    def load(self) -> None:
        actions = list(Action.objects.all())
        existing = {(a.source_reference, a.title): a for a in actions}
        numbers = [
            int(a.reference[len(REFERENCE_PREFIX) :])
            for a in actions
            if a.reference.startswith(REFERENCE_PREFIX) and a.reference[len(REFERENCE_PREFIX) :].isdigit()
        ]
        next_number = max(numbers, default=0) + 1
        notes = self.read_notes()
        rows = self.rows("actions.csv", ("source_reference", "title", "source", "raised_on", "due_date"), OPTIONAL)
        for row in rows:
            key = (row["source_reference"], row["title"])
            values, last_at, last_by = self.action_values(row, notes.get(key, []))
            values["reference"] = f"{REFERENCE_PREFIX}{next_number:04d}"
            themes = self.themes(row, "themes")
            action, created = self.ensure("action", Action, existing, key, values, row, by=last_by, at=last_at)
            if not created:
                notes.pop(key, None)
                continue
            next_number += 1
            action.themes.set(themes)
            if action.stage == Action.Stage.CLOSED:
                self.record_closure(action, row)
            for note, note_row in notes.pop(key, []):
                self.create("note", ActionNote, {"action": action, **note}, note_row)
        for unmatched in notes.values():
            raise unmatched[0][1].error(
                "there is no action with this source_reference and title in actions.csv", "action_title"
            )

    def action_values(self, row: Row, notes: list[tuple[dict, Row]]) -> tuple[dict, datetime.datetime, Person | None]:
        owner_group = self.group(row, "owner_group", blank=True)
        owner_agency = self.agency(row, "owner_agency", blank=True)
        if owner_group is None and owner_agency is None:
            raise row.error("name the owner_group or the owner_agency (or both)", "owner_group")
        raised_on = row.date("raised_on")
        due_date = row.date("due_date")
        if due_date < raised_on:
            raise row.error("the due date must be on or after the date the action was raised", "due_date")
        for note, note_row in notes:
            if note["noted_on"] < raised_on:
                raise note_row.error("a note's date must be on or after the date the action was raised", "noted_on")
        completed_on = row.date("completed_on", blank=True)
        signed_off_at = row.moment("signed_off_at", blank=True)
        impact_at = row.moment("impact_tested_at", blank=True)
        closed_at = row.moment("closed_at", blank=True)
        made_difference = row.choice("made_difference", Action.Difference)
        # The order the services allow: complete (with evidence), sign off, test the impact; close at any point.
        if completed_on and not row["completion_evidence"]:
            raise row.error("a completed action needs its completion_evidence", "completion_evidence")
        if signed_off_at and not (completed_on and row["signed_off_by"]):
            raise row.error("sign off only a completed action, and give signed_off_by", "signed_off_at")
        if impact_at and not (signed_off_at and row["impact_tested_by"] and made_difference and row["impact_finding"]):
            raise row.error(
                "record the impact only of a signed-off action, with impact_tested_by, made_difference and "
                "impact_finding",
                "impact_tested_at",
            )
        if closed_at and not (row["closed_by"] and row["closed_reason"]):
            raise row.error("give closed_by and closed_reason for a closed action", "closed_at")
        if closed_at:
            stage = Action.Stage.CLOSED
        elif impact_at:
            stage = Action.Stage.IMPACT_TESTED
        elif completed_on:
            stage = Action.Stage.COMPLETED
        else:
            stage = Action.Stage.OPEN
        raised_by = self.person(row, "raised_by", blank=True)
        signed_off_by = self.person(row, "signed_off_by", blank=True)
        impact_tested_by = self.person(row, "impact_tested_by", blank=True)
        created_at = timezone.make_aware(datetime.datetime.combine(raised_on, datetime.time(9, 0)))
        # The last thing that happened to the action, as the services would have stamped it.
        moments = [(created_at, raised_by), (midday(completed_on) if completed_on else None, None)]
        moments += [(signed_off_at, signed_off_by), (impact_at, impact_tested_by)]
        moments += [(closed_at, self.person(row, "closed_by", blank=True))]
        moments += [(midday(note["noted_on"]), note["author"]) for note, _ in notes]
        last_at, last_by = max(((at, by) for at, by in moments if at), key=lambda pair: pair[0])
        values = {
            "title": row["title"],
            "description": row["description"],
            "source": row.choice("source", Action.Source),
            "source_reference": row["source_reference"],
            "owner_group": owner_group,
            "owner_agency": owner_agency,
            "owner_person": self.person(row, "owner_person", blank=True),
            "raised_on": raised_on,
            "raised_by": raised_by,
            "due_date": due_date,
            "stage": stage,
            "progress": row.choice("progress", Action.Progress, default=Action.Progress.NOT_STARTED),
            "completed_on": completed_on,
            "completion_evidence": row["completion_evidence"],
            "signed_off_at": signed_off_at,
            "signed_off_by": signed_off_by,
            "impact_tested_at": impact_at,
            "impact_tested_by": impact_tested_by,
            "impact_finding": row["impact_finding"],
            "made_difference": made_difference,
            "closed_at": closed_at,
            "priority": self.priority(row, "priority"),
            "created_at": created_at,
            "updated_at": last_at,
        }
        return values, last_at, last_by or raised_by

    def record_closure(self, action: Action, row: Row) -> None:
        """The reason an action was closed lives in its audit event, as `action_close` records it."""
        AuditEvent.objects.create(
            created_at=action.closed_at,
            action="actions.action.closed",
            actor=self.person(row, "closed_by"),
            object_type=action._meta.label_lower,
            object_id=str(action.pk),
            object_repr=str(action)[:300],
            message=row["closed_reason"],
            data={"reason": row["closed_reason"], "stage_before": Action.Stage.OPEN},
        )

    def read_notes(self) -> dict[tuple[str, str], list[tuple[dict, Row]]]:
        """Each action's notes, by its source reference and title; each must be listed once."""
        found: dict[tuple[str, str], list[tuple[dict, Row]]] = {}
        rows = self.rows(
            "action_notes.csv", ("source_reference", "action_title", "author", "noted_on", "text"), ("progress",)
        )
        for row in rows:
            note = {
                "author": self.person(row, "author"),
                "noted_on": row.date("noted_on"),
                "progress": row.choice("progress", Action.Progress),
                "text": row["text"],
            }
            note["created_at"] = midday(note["noted_on"])
            action_key = (row["source_reference"], row["action_title"])
            self.claim("note", (action_key, note["author"].pk, note["noted_on"]), row)
            found.setdefault(action_key, []).append((note, row))
        return found


demo_loaders.append(ActionDemo)
