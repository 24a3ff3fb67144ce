"""The demo partnership's governance cycle, loaded from data files in cscp/demo/ by `seed_demo`.

So that every persona can try the cycle as soon as the demo is up: the agreed impact template; two reporting
cycles tied to the demo's Board meetings (October 2026, every update acknowledged; December 2026, under way);
the subgroups' impact updates, with their answers, reviews and comments; three escalations (awaiting a Board
decision, decided with the outcome awaited, closed); and the action tracker's actions with their progress notes.

The files give absolute dates, chosen so that on 27 November 2026 the tracker shows every status (overdue, at
risk, not started, on track, completed, impact tested, closed) and two groups' December updates are late.

Rows are written directly, like the rest of the demo, but in the states the services leave them in: an update's
version counts its saves, a submitted update answers every section, an acknowledgement is a comment by the person
who acknowledged it. Each row is matched on its natural key (a section's title; a cycle's Board meeting; an
update's group and cycle; an escalation's group and title; an action's source reference and title; a note's
action, author and date) and saved only when a value differs, so a second run writes no history rows and no
audit events. Nothing is deleted: what people add while trying the demo stays.
"""

from __future__ import annotations

import datetime
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from cscp.actions.models import Action, ActionNote
from cscp.audit import record_event
from cscp.impact.models import (
    Escalation,
    ImpactTemplateSection,
    ImpactUpdate,
    ImpactUpdateAnswer,
    ImpactUpdateComment,
    ReportingCycle,
)
from cscp.management.commands.seed_demo import CHANGE_REASON, Loader
from cscp.models import Agency, AuditEvent, BusinessPlan, Group, Meeting, Person, Theme
from cscp.sections import demo_loaders

DATA_DIR = Path(__file__).resolve().parents[1] / "demo"
REFERENCE_PREFIX = "A-"

# (singular, plural), in the order the summary reports them.
LABELS = {
    "section": ("impact template section", "impact template sections"),
    "cycle": ("reporting cycle", "reporting cycles"),
    "update": ("impact update", "impact updates"),
    "answer": ("answer", "answers"),
    "comment": ("comment", "comments"),
    "escalation": ("escalation", "escalations"),
    "action": ("action", "actions"),
    "note": ("progress note", "progress notes"),
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


def _describe(counts: Counter) -> str:
    return ", ".join(
        f"{counts[key]} {singular if counts[key] == 1 else plural}"
        for key, (singular, plural) in LABELS.items()
        if counts[key]
    )


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    field = obj._meta.get_field(name)
    if field.many_to_one or field.one_to_one:
        # Compare ids, so checking a foreign key costs no query.
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


class GovernanceLoader:
    """Brings the governance rows in line with the files, inside the caller's transaction."""

    def __init__(self, data_dir: Path):
        # The core demo's reader, so a mistake in these files is reported the same way: the file, the line, the fix.
        self.files = Loader(data_dir, password="")
        self.created: Counter = Counter()
        self.updated: Counter = Counter()
        self._seen: set[tuple[str, Any]] = set()
        self._updated_rows: set[tuple[str, int]] = set()

    # Reading.

    def rows(self, name: str, required: tuple[str, ...], optional: tuple[str, ...] = ()):
        return self.files.rows(name, required, optional)

    def date(self, where: str, column: str, text: str, *, blank: bool = False) -> datetime.date | None:
        return self.files.date(where, column, text, blank=blank)

    @staticmethod
    def moment(where: str, column: str, text: str, *, blank: bool = False) -> datetime.datetime | None:
        """A local date and time written "YYYY-MM-DD HH:MM", as an aware datetime."""
        if not text and blank:
            return None
        try:
            value = datetime.datetime.fromisoformat(text)
        except (TypeError, ValueError):
            value = None
        if value is None or value.tzinfo is not None:
            raise CommandError(f"{where}: enter the {column} as YYYY-MM-DD HH:MM, for example 2026-11-06 15:45")
        return timezone.make_aware(value)

    @staticmethod
    def flag(where: str, column: str, text: str, *, default: bool) -> bool:
        text = text.lower()
        if not text:
            return default
        if text in YES:
            return True
        if text in NO:
            return False
        raise CommandError(f"{where}: write yes or no in the {column} column")

    @staticmethod
    def choice(where: str, column: str, text: str, choices, *, blank: bool = False) -> str:
        if (blank and not text) or text in choices.values:
            return text
        raise CommandError(f"{where}: the {column} must be one of {', '.join(choices.values)}")

    def person(self, where: str, username: str, *, blank: bool = False) -> Person | None:
        if not username and blank:
            return None
        if not username:
            raise CommandError(f"{where}: name the person (their username in people.csv)")
        return self.files.lookup(where, self.people, username, "person", "people.csv")

    def group(self, where: str, name: str, *, blank: bool = False) -> Group | None:
        if not name and blank:
            return None
        return self.files.lookup(where, self.groups, name, "group", "groups.csv")

    def meeting(self, where: str, kind: str, text: str, *, blank: bool = False) -> Meeting | None:
        if not text and blank:
            return None
        date = self.date(where, "board_meeting" if kind == Group.Kind.BOARD else "business_meeting", text)
        found = self.meetings.get((kind, date))
        if found is None:
            what = "Board" if kind == Group.Kind.BOARD else "Business Group"
            raise CommandError(f"{where}: there is no {what} meeting on {date.isoformat()} in meetings.csv")
        return found

    def themes_named(self, where: str, text: str) -> set[int]:
        names = [name.strip() for name in text.split(";") if name.strip()]
        return {self.files.lookup(where, self.themes, name, "theme", "themes.csv").pk for name in names}

    def priority(self, where: str, text: str):
        if not text:
            return None
        try:
            return self.priorities[int(text)]
        except (KeyError, ValueError):
            raise CommandError(
                f"{where}: there is no priority {text} in the latest business plan in business_plans.json"
            ) from None

    # Writing.

    def claim(self, label: str, key, where: str) -> None:
        if (label, key) in self._seen:
            # Two rows for one thing would overwrite each other on every run, so no run would be the last.
            raise CommandError(f"{where}: this {LABELS[label][0]} is listed twice: keep one row")
        self._seen.add((label, key))

    def save(self, obj: models.Model, where: str, *, update_fields=None, by: Person | None = None, at=None) -> None:
        related = [f.name for f in obj._meta.concrete_fields if f.many_to_one or f.one_to_one]
        try:
            obj.full_clean(exclude=related)
        except ValidationError as exc:
            raise CommandError(f"{where}: {' '.join(exc.messages)}") from exc
        obj._change_reason = CHANGE_REASON
        if update_fields is None:
            # A new row's first version reads as it would have: by whom and when the state it records came about.
            if by is not None:
                obj._history_user = by
            if at is not None:
                obj._history_date = at
        obj.save(update_fields=update_fields)

    def sync(self, label: str, model, existing: dict, key, values: dict, where: str, *, by=None, at=None, quiet=()):
        """Create the row for `key`, or update the fields that differ; leave it alone otherwise.

        Fields named in `quiet` are set on a new row and written along with other changes, but a difference in
        them alone does not count as a change (a version number, say, which only ever goes up)."""
        self.claim(label, key, where)
        obj = existing.get(key)
        if obj is None:
            obj = model(**values)
            self.save(obj, where, by=by, at=at)
            existing[key] = obj
            self.created[label] += 1
            return obj, True
        changed = [name for name, value in values.items() if name not in quiet and _differs(obj, name, value)]
        if changed:
            changed += [name for name in quiet if name in values and _differs(obj, name, values[name])]
            for name in changed:
                setattr(obj, name, values[name])
            self.save(obj, where, update_fields=changed)
            self.count_update(label, obj)
        return obj, False

    def count_update(self, label: str, obj: models.Model) -> None:
        # A row whose fields and many-to-many both changed was still one row corrected.
        if (label, obj.pk) not in self._updated_rows:
            self._updated_rows.add((label, obj.pk))
            self.updated[label] += 1

    def sync_m2m(self, label: str, obj: models.Model, field: str, wanted: set[int], current: dict, created: bool):
        if current.get(obj.pk, set()) == wanted:
            return
        getattr(obj, field).set(wanted)
        current[obj.pk] = set(wanted)
        if not created:
            self.count_update(label, obj)

    # The cycle, piece by piece.

    def load(self) -> None:
        self.people = {p.username.lower(): p for p in Person.objects.all()}
        self.people_by_pk = {p.pk: p for p in self.people.values()}
        self.groups = {g.name: g for g in Group.objects.all()}
        self.agencies = {a.name: a for a in Agency.objects.all()}
        self.themes = {t.name: t for t in Theme.objects.all()}
        self.meetings = {
            (m.group.kind, m.date): m
            for m in Meeting.objects.filter(group__kind__in=(Group.Kind.BOARD, Group.Kind.BUSINESS)).select_related(
                "group"
            )
        }
        plan = BusinessPlan.objects.order_by("-start_date", "-pk").prefetch_related("priorities").first()
        self.priorities = {p.number: p for p in plan.priorities.all()} if plan else {}

        sections = self.load_template()
        cycles = self.load_cycles()
        updates = self.load_updates(sections, cycles)
        escalations = self.load_escalations(cycles, updates)
        self.load_actions(escalations)

    def load_template(self) -> dict[str, ImpactTemplateSection]:
        existing = {s.title: s for s in ImpactTemplateSection.objects.all()}
        rows = self.rows("impact_template.csv", ("title",), ("hint", "required", "is_escalation"))
        for order, (where, row) in enumerate(rows, 1):
            values = {
                "title": row["title"],
                "hint": row["hint"],
                "order": order,
                "is_required": self.flag(where, "required", row["required"], default=True),
                "is_escalation": self.flag(where, "is_escalation", row["is_escalation"], default=False),
                "is_active": True,
            }
            self.sync("section", ImpactTemplateSection, existing, row["title"], values, where)
        self.sections_in_file = [s for s in existing.values() if ("section", s.title) in self._seen]
        return existing

    def load_cycles(self) -> dict[datetime.date, ReportingCycle]:
        existing = {c.board_meeting_id: c for c in ReportingCycle.objects.all()}
        through = ReportingCycle.groups.through
        current: dict[int, set[int]] = {}
        for pair in through.objects.all():
            current.setdefault(pair.reportingcycle_id, set()).add(pair.group_id)
        by_date: dict[datetime.date, ReportingCycle] = {}
        rows = self.rows(
            "reporting_cycles.csv", ("title", "board_meeting", "due_date", "groups"), ("business_meeting",)
        )
        for where, row in rows:
            board = self.meeting(where, Group.Kind.BOARD, row["board_meeting"])
            business = self.meeting(where, Group.Kind.BUSINESS, row["business_meeting"], blank=True)
            due = self.date(where, "due_date", row["due_date"])
            # The same rules as the cycle form: the Business Group reads the updates before the Board does.
            if business is not None and business.date > board.date:
                raise CommandError(f"{where}: choose a Business Group meeting on or before the Board meeting")
            if due > (business or board).date:
                raise CommandError(f"{where}: the due_date must be on or before the meeting that reads the updates")
            groups = {self.group(where, name.strip()).pk for name in row["groups"].split(";") if name.strip()}
            if not groups:
                raise CommandError(f"{where}: name at least one group that must report, separated by ;")
            values = {"title": row["title"], "board_meeting": board, "business_meeting": business, "due_date": due}
            cycle, created = self.sync("cycle", ReportingCycle, existing, board.pk, values, where)
            self.sync_m2m("cycle", cycle, "groups", groups, current, created)
            by_date[board.date] = cycle
        self.cycle_groups = current
        return by_date

    def cycle(self, where: str, cycles: dict, text: str) -> ReportingCycle:
        date = self.date(where, "board_meeting", text)
        if date not in cycles:
            raise CommandError(f"{where}: there is no reporting cycle for the Board meeting on {text}")
        return cycles[date]

    def load_updates(self, sections: dict, cycles: dict) -> dict[tuple[int, int], ImpactUpdate]:
        # The answers first: an update's version counts the saves that wrote them.
        answers: dict[tuple[int, int], list[tuple[str, dict]]] = {}
        for where, row in self.rows("impact_answers.csv", ("group", "board_meeting", "section", "text"), ("complete",)):
            group = self.group(where, row["group"])
            cycle = self.cycle(where, cycles, row["board_meeting"])
            if row["section"] not in sections:
                raise CommandError(f"{where}: there is no section called “{row['section']}” in impact_template.csv")
            answers.setdefault((group.pk, cycle.pk), []).append((where, row))

        existing = {(u.group_id, u.cycle_id): u for u in ImpactUpdate.objects.all()}
        existing_answers = {(a.update_id, a.section_id): a for a in ImpactUpdateAnswer.objects.all()}
        existing_comments = {
            (c.update_id, c.kind, c.author_id, c.created_at): c for c in ImpactUpdateComment.objects.all()
        }
        columns = (
            "started_at",
            "started_by",
            "last_edited_at",
            "last_edited_by",
            "submitted_at",
            "submitted_by",
            "reviewed_at",
            "reviewed_by",
            "review_note",
            "comment_at",
            "comment_by",
            "comment",
        )
        rows = self.rows("impact_updates.csv", ("group", "board_meeting", "status"), columns)
        listed = set()
        for where, row in rows:
            group = self.group(where, row["group"])
            cycle = self.cycle(where, cycles, row["board_meeting"])
            listed.add((group.pk, cycle.pk))
            if group.pk not in self.cycle_groups.get(cycle.pk, set()):
                raise CommandError(f"{where}: {group} is not one of the groups due to report in {cycle}")
            status = self.choice(where, "status", row["status"], ImpactUpdate.Status)
            update = self.load_update(where, row, group, cycle, status, answers.get((group.pk, cycle.pk), []), existing)
            self.load_answers(where, update, sections, answers.get((group.pk, cycle.pk), []), existing_answers)
            self.load_comments(where, row, update, status, existing_comments)
        for (group_pk, cycle_pk), written in answers.items():
            if (group_pk, cycle_pk) not in listed:
                raise CommandError(f"{written[0][0]}: there is no row for this group and cycle in impact_updates.csv")
        return existing

    def load_update(self, where, row, group, cycle, status, written, existing) -> ImpactUpdate:
        started_at = self.moment(where, "started_at", row["started_at"])
        started_by = self.person(where, row["started_by"])
        edited_at = self.moment(where, "last_edited_at", row["last_edited_at"], blank=True)
        edited_by = self.person(where, row["last_edited_by"], blank=True)
        submitted_at = self.moment(where, "submitted_at", row["submitted_at"], blank=True)
        submitted_by = self.person(where, row["submitted_by"], blank=True)
        reviewed_at = self.moment(where, "reviewed_at", row["reviewed_at"], blank=True)
        reviewed_by = self.person(where, row["reviewed_by"], blank=True)
        Status = ImpactUpdate.Status
        submitted = status != Status.DRAFT
        reviewed = status in (Status.CHANGES_REQUESTED, Status.ACKNOWLEDGED)
        if submitted != bool(submitted_at and submitted_by):
            raise CommandError(
                f"{where}: give submitted_at and submitted_by for a submitted update, and neither for a draft"
            )
        if reviewed != bool(reviewed_at and reviewed_by):
            raise CommandError(
                f"{where}: give reviewed_at and reviewed_by when the Business Group has acknowledged the update "
                "or asked for changes, and neither otherwise"
            )
        if status == Status.CHANGES_REQUESTED and not row["review_note"]:
            raise CommandError(f"{where}: say in review_note what the Business Group asked the group to change")
        if submitted:
            answered = {r["section"] for _, r in written if r["text"]}
            missing = [s.title for s in self.sections_in_file if s.is_required and s.title not in answered]
            if missing:
                raise CommandError(f"{where}: a submitted update answers every required section: add {missing[0]}")
        # The last thing that happened to the update, as the services would have stamped it.
        moments = [(started_at, started_by), (edited_at, edited_by), (submitted_at, submitted_by)]
        if reviewed:
            moments.append((reviewed_at, reviewed_by))
        updated_at, updated_by = max(((at, by) for at, by in moments if at and by), key=lambda pair: pair[0])
        # Every saved section, the submission and the review each raised the version by one.
        version = 1 + len(written) + (1 if submitted else 0) + (1 if reviewed else 0)
        values = {
            "group": group,
            "cycle": cycle,
            "status": status,
            "created_at": started_at,
            "updated_at": updated_at,
            "updated_by": updated_by,
            "submitted_at": submitted_at,
            "submitted_by": submitted_by,
            "acknowledged_at": reviewed_at if status == Status.ACKNOWLEDGED else None,
            "acknowledged_by": reviewed_by if status == Status.ACKNOWLEDGED else None,
            "version": version,
        }
        key = (group.pk, cycle.pk)
        before = existing.get(key)
        if before is not None:
            # Anyone with the update open must see that it changed under them: the version only ever goes up.
            values["version"] = max(version, before.version + 1)
        update, _ = self.sync(
            "update", ImpactUpdate, existing, key, values, where, by=updated_by, at=updated_at, quiet=("version",)
        )
        return update

    def load_answers(self, update_where, update, sections, written, existing) -> None:
        # Each answer's first version is the writer's, from when the update was submitted (or last edited).
        by = self.people_by_pk.get(update.submitted_by_id or update.updated_by_id)
        at = update.submitted_at or update.updated_at
        given: dict[str, tuple[str, dict]] = {}
        for where, row in written:
            if row["section"] in given:
                raise CommandError(f"{where}: this answer is listed twice: keep one row")
            given[row["section"]] = (where, row)
        for title, (where, row) in given.items():
            section = sections[title]
            values = {
                "update": update,
                "section": section,
                "text": row["text"],
                "is_complete": bool(row["text"]) and self.flag(where, "complete", row["complete"], default=True),
            }
            self.sync("answer", ImpactUpdateAnswer, existing, (update.pk, section.pk), values, where, by=by, at=at)
        if update.status != ImpactUpdate.Status.DRAFT:
            # A submitted update keeps an answer to every section, empty or not, as submitting leaves it.
            for section in self.sections_in_file:
                if section.title not in given and (update.pk, section.pk) not in existing:
                    values = {"update": update, "section": section, "text": "", "is_complete": False}
                    key = (update.pk, section.pk)
                    self.sync("answer", ImpactUpdateAnswer, existing, key, values, update_where, by=by, at=at)

    def load_comments(self, where, row, update, status, existing) -> None:
        Kind = ImpactUpdateComment.Kind
        comments = []
        if status in (ImpactUpdate.Status.CHANGES_REQUESTED, ImpactUpdate.Status.ACKNOWLEDGED):
            kind = Kind.ACKNOWLEDGEMENT if status == ImpactUpdate.Status.ACKNOWLEDGED else Kind.CHANGES_REQUESTED
            # What the reviewer wrote when acknowledging or asking for changes is kept as a comment of that kind.
            text = row["review_note"] or "Acknowledged on behalf of the Business Group."
            at = self.moment(where, "reviewed_at", row["reviewed_at"])
            comments.append((kind, self.person(where, row["reviewed_by"]), at, text))
        if row["comment"] or row["comment_at"] or row["comment_by"]:
            if not (row["comment"] and row["comment_at"] and row["comment_by"]):
                raise CommandError(f"{where}: give a comment with its comment_at and comment_by, or none of them")
            at = self.moment(where, "comment_at", row["comment_at"])
            comments.append((Kind.COMMENT, self.person(where, row["comment_by"]), at, row["comment"]))
        for kind, author, at, text in comments:
            values = {"update": update, "author": author, "created_at": at, "kind": kind, "text": text}
            self.sync("comment", ImpactUpdateComment, existing, (update.pk, kind, author.pk, at), values, where)

    def load_escalations(self, cycles: dict, updates: dict) -> dict[str, Escalation]:
        existing = {(e.raised_by_group_id, e.title): e for e in Escalation.objects.all()}
        current: dict[int, set[int]] = {}
        for pair in Escalation.themes.through.objects.all():
            current.setdefault(pair.escalation_id, set()).add(pair.theme_id)
        by_title: dict[str, Escalation] = {}
        required = ("title", "group", "raised_by", "raised_at", "concern", "evidence", "ask", "status")
        optional = (
            "source",
            "source_label",
            "impact_update_board_meeting",
            "board_meeting",
            "decision",
            "decided_at",
            "decided_by",
            "outcome",
            "outcome_recorded_at",
            "outcome_recorded_by",
            "priority",
            "themes",
        )
        Status = Escalation.Status
        for where, row in self.rows("escalations.csv", required, optional):
            group = self.group(where, row["group"])
            status = self.choice(where, "status", row["status"], Status)
            decided = status != Status.AWAITING_DECISION
            closed = status == Status.CLOSED
            decision_given = bool(row["decision"] and row["decided_at"] and row["decided_by"])
            outcome_given = bool(row["outcome"] and row["outcome_recorded_at"] and row["outcome_recorded_by"])
            if decided != decision_given:
                raise CommandError(
                    f"{where}: give the decision, decided_at and decided_by once the Board has decided, "
                    "and none of them before"
                )
            if closed != outcome_given:
                raise CommandError(
                    f"{where}: give the outcome, outcome_recorded_at and outcome_recorded_by for a closed "
                    "escalation, and none of them otherwise"
                )
            source = self.choice(where, "source", row["source"] or Escalation.Source.DIRECT, Escalation.Source)
            source_label, source_url, update = row["source_label"], "", None
            if row["impact_update_board_meeting"]:
                cycle = self.cycle(where, cycles, row["impact_update_board_meeting"])
                update = updates.get((group.pk, cycle.pk))
                if update is None:
                    raise CommandError(f"{where}: {group} has no impact update for {cycle} in impact_updates.csv")
                # As escalation_raise words an escalation raised from an update, and links back to it.
                source = Escalation.Source.IMPACT_UPDATE
                source_label = source_label or f"Impact update: {group} – {cycle}"
                source_url = reverse("impact:update-detail", args=[update.pk])
            raised_at = self.moment(where, "raised_at", row["raised_at"])
            decided_at = self.moment(where, "decided_at", row["decided_at"], blank=True)
            outcome_at = self.moment(where, "outcome_recorded_at", row["outcome_recorded_at"], blank=True)
            values = {
                "title": row["title"],
                "concern": row["concern"],
                "evidence": row["evidence"],
                "ask": row["ask"],
                "raised_by_group": group,
                "raised_by": self.person(where, row["raised_by"]),
                "raised_at": raised_at,
                "source": source,
                "source_label": source_label[:300],
                "source_url": source_url,
                "impact_update": update,
                "board_meeting": self.meeting(where, Group.Kind.BOARD, row["board_meeting"], blank=True),
                "status": status,
                "decision": row["decision"],
                "decided_at": decided_at,
                "decided_by": self.person(where, row["decided_by"], blank=True),
                "outcome": row["outcome"],
                "outcome_recorded_at": outcome_at,
                "outcome_recorded_by": self.person(where, row["outcome_recorded_by"], blank=True),
                "priority": self.priority(where, row["priority"]),
            }
            last_at, last_by = max(
                (
                    (at, by)
                    for at, by in (
                        (raised_at, values["raised_by"]),
                        (decided_at, values["decided_by"]),
                        (outcome_at, values["outcome_recorded_by"]),
                    )
                    if at
                ),
                key=lambda pair: pair[0],
            )
            escalation, created = self.sync(
                "escalation", Escalation, existing, (group.pk, row["title"]), values, where, by=last_by, at=last_at
            )
            self.sync_m2m("escalation", escalation, "themes", self.themes_named(where, row["themes"]), current, created)
            by_title[row["title"]] = escalation
        return by_title

    def load_actions(self, escalations: dict[str, Escalation]) -> None:
        actions = list(Action.objects.all())
        existing = {(a.source_reference, a.title): a for a in actions}
        numbers = [
            int(a.reference[len(REFERENCE_PREFIX) :])
            for a in actions
            if a.reference.startswith(REFERENCE_PREFIX) and a.reference[len(REFERENCE_PREFIX) :].isdigit()
        ]
        next_number = max(numbers, default=0) + 1
        current: dict[int, set[int]] = {}
        for pair in Action.themes.through.objects.all():
            current.setdefault(pair.action_id, set()).add(pair.theme_id)

        notes = self.read_notes()
        required = ("source_reference", "title", "source", "raised_on", "due_date")
        optional = (
            "description",
            "escalation",
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
        for where, row in self.rows("actions.csv", required, optional):
            values, last_at, last_by = self.action_values(where, row, escalations, notes)
            key = (row["source_reference"], row["title"])
            before = existing.get(key)
            stage_before = before.stage if before is not None else Action.Stage.OPEN
            if before is None:
                values["reference"] = f"{REFERENCE_PREFIX}{next_number:04d}"
                next_number += 1
            action, created = self.sync(
                "action", Action, existing, key, values, where, by=last_by, at=last_at, quiet=("updated_at",)
            )
            self.sync_m2m("action", action, "themes", self.themes_named(where, row["themes"]), current, created)
            if created and row["escalation"]:
                # An action raised from an escalation is kept with it (the escalation owns the link).
                escalations[row["escalation"]].actions.add(action)
            if action.stage == Action.Stage.CLOSED and stage_before != Action.Stage.CLOSED:
                self.record_closure(action, row, stage_before, where)
            self.load_notes(action, notes.pop(key, []))
        unmatched = next(iter(notes.values()), None)
        if unmatched:
            raise CommandError(
                f"{unmatched[0]['where']}: there is no action with this source_reference and title in actions.csv"
            )

    def action_values(self, where, row, escalations, notes) -> tuple[dict, datetime.datetime, Person | None]:
        owner_group = self.group(where, row["owner_group"], blank=True)
        owner_agency = (
            self.files.lookup(where, self.agencies, row["owner_agency"], "agency", "agencies.csv")
            if row["owner_agency"]
            else None
        )
        if owner_group is None and owner_agency is None:
            raise CommandError(f"{where}: name the owner_group or the owner_agency (or both)")
        raised_on = self.date(where, "raised_on", row["raised_on"])
        due_date = self.date(where, "due_date", row["due_date"])
        if due_date < raised_on:
            raise CommandError(f"{where}: the due_date must be on or after the date the action was raised")
        completed_on = self.date(where, "completed_on", row["completed_on"], blank=True)
        signed_off_at = self.moment(where, "signed_off_at", row["signed_off_at"], blank=True)
        impact_at = self.moment(where, "impact_tested_at", row["impact_tested_at"], blank=True)
        closed_at = self.moment(where, "closed_at", row["closed_at"], blank=True)
        made_difference = self.choice(where, "made_difference", row["made_difference"], Action.Difference, blank=True)
        # The order the services allow: complete (with evidence), sign off, test the impact; close at any point.
        if completed_on and not row["completion_evidence"]:
            raise CommandError(f"{where}: a completed action needs its completion_evidence")
        if signed_off_at and not (completed_on and row["signed_off_by"]):
            raise CommandError(f"{where}: sign off only a completed action, and give signed_off_by")
        if impact_at and not (signed_off_at and row["impact_tested_by"] and made_difference and row["impact_finding"]):
            raise CommandError(
                f"{where}: record the impact only of a signed-off action, with impact_tested_by, made_difference "
                "and impact_finding"
            )
        if closed_at and not (row["closed_by"] and row["closed_reason"]):
            raise CommandError(f"{where}: give closed_by and closed_reason for a closed action")
        if row["escalation"] and row["escalation"] not in escalations:
            raise CommandError(f"{where}: there is no escalation called “{row['escalation']}” in escalations.csv")
        if closed_at:
            stage = Action.Stage.CLOSED
        elif impact_at:
            stage = Action.Stage.IMPACT_TESTED
        elif completed_on:
            stage = Action.Stage.COMPLETED
        else:
            stage = Action.Stage.OPEN
        raised_by = self.person(where, row["raised_by"], blank=True)
        created_at = timezone.make_aware(datetime.datetime.combine(raised_on, datetime.time(9, 0)))
        moments = [(created_at, raised_by)]
        if completed_on:
            moments.append((_midday(completed_on), None))
        moments += [
            (signed_off_at, self.person(where, row["signed_off_by"], blank=True)),
            (impact_at, self.person(where, row["impact_tested_by"], blank=True)),
            (closed_at, self.person(where, row["closed_by"], blank=True)),
        ]
        moments += [
            (_midday(note["noted_on"]), note["author"])
            for note in notes.get((row["source_reference"], row["title"]), [])
        ]
        last_at, last_by = max(((at, by) for at, by in moments if at), key=lambda pair: pair[0])
        values = {
            "title": row["title"],
            "description": row["description"],
            "source": self.choice(where, "source", row["source"], Action.Source),
            "source_reference": row["source_reference"],
            "owner_group": owner_group,
            "owner_agency": owner_agency,
            "owner_person": self.person(where, row["owner_person"], blank=True),
            "raised_on": raised_on,
            "raised_by": raised_by,
            "due_date": due_date,
            "stage": stage,
            "progress": self.choice(where, "progress", row["progress"] or "not_started", Action.Progress),
            "completed_on": completed_on,
            "completion_evidence": row["completion_evidence"],
            "signed_off_at": signed_off_at,
            "signed_off_by": self.person(where, row["signed_off_by"], blank=True),
            "impact_tested_at": impact_at,
            "impact_tested_by": self.person(where, row["impact_tested_by"], blank=True),
            "impact_finding": row["impact_finding"],
            "made_difference": made_difference,
            "closed_at": closed_at,
            "priority": self.priority(where, row["priority"]),
            "created_at": created_at,
            "updated_at": last_at,
        }
        return values, last_at, last_by or raised_by

    def record_closure(self, action: Action, row: dict, stage_before: str, where: str) -> None:
        """The reason an action was closed lives in its audit event, as `action_close` records it."""
        AuditEvent.objects.create(
            created_at=action.closed_at,
            action="actions.action.closed",
            actor=self.person(where, row["closed_by"]),
            object_type=action._meta.label_lower,
            object_id=str(action.pk),
            object_repr=str(action)[:300],
            message=row["closed_reason"],
            data={"reason": row["closed_reason"], "stage_before": stage_before},
        )

    def read_notes(self) -> dict[tuple[str, str], list[dict]]:
        found: dict[tuple[str, str], list[dict]] = {}
        rows = self.rows(
            "action_notes.csv", ("source_reference", "action_title", "author", "noted_on", "text"), ("progress",)
        )
        for where, row in rows:
            found.setdefault((row["source_reference"], row["action_title"]), []).append(
                {
                    "where": where,
                    "author": self.person(where, row["author"]),
                    "noted_on": self.date(where, "noted_on", row["noted_on"]),
                    "progress": self.choice(where, "progress", row["progress"], Action.Progress, blank=True),
                    "text": row["text"],
                }
            )
        self.existing_notes = {(n.action_id, n.author_id, n.noted_on): n for n in ActionNote.objects.all()}
        return found

    def load_notes(self, action: Action, notes: list[dict]) -> None:
        for note in notes:
            if note["noted_on"] < action.raised_on:
                raise CommandError(f"{note['where']}: a note's date must be on or after the date the action was raised")
            values = {
                "action": action,
                "author": note["author"],
                "noted_on": note["noted_on"],
                "created_at": _midday(note["noted_on"]),
                "progress": note["progress"],
                "text": note["text"],
            }
            key = (action.pk, note["author"].pk, note["noted_on"])
            self.sync("note", ActionNote, self.existing_notes, key, values, note["where"])


def _midday(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def load_governance_demo(*, stdout=None, data: Path = DATA_DIR) -> Counter:
    """Load the demo's governance cycle. Returns what was created and updated (also written to `stdout`)."""
    stdout = stdout or sys.stdout
    loader = GovernanceLoader(Path(data))
    with transaction.atomic():
        loader.load()
        created, updated = _describe(loader.created), _describe(loader.updated)
        if created or updated:
            summary = " ".join(
                part
                for part in (f"Created {created}." if created else "", f"Updated {updated}." if updated else "")
                if part
            )
            record_event(
                "cscp.demo.governance_seeded",
                message=summary,
                data={"created": dict(loader.created), "updated": dict(loader.updated)},
            )
    if created or updated:
        stdout.write(f"Governance cycle: {summary}\n")
    else:
        stdout.write("The demo governance cycle is up to date: nothing changed.\n")
    return loader.created + loader.updated


demo_loaders.append(load_governance_demo)
