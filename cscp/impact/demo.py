"""The demo's impact updates and escalations, from the data files in cscp/impact/demo_data/.

So that every persona can try the cycle as soon as the demo is up: the agreed impact template; two reporting cycles
tied to the demo's Board meetings (October 2026, every update acknowledged; December 2026, under way); the
subgroups' impact updates, with their answers, reviews and comments; and three escalations (awaiting a Board
decision, decided with the outcome awaited, closed), linked to the tracker's actions they raised (so this loads after
the action tracker's demo, cscp.actions.demo).

The files give absolute dates, chosen so that on 27 November 2026 two groups' December updates are late. Rows are
written directly, in the states the services leave them in: an update's version counts its saves, a submitted update
answers every section, an acknowledgement is a comment by the person who acknowledged it. Each row is matched on its
natural key (a section's title; a cycle's Board meeting; an update's group and cycle; an escalation's group and
title); an update's answers and comments, a cycle's groups and an escalation's themes and actions come with it. As
every demo loader does, this one creates what is missing and never changes what exists (cscp.demo_loading).
"""

from __future__ import annotations

import datetime
from functools import cached_property
from pathlib import Path

from django.urls import reverse

from cscp.actions.models import Action
from cscp.demo_loading import DemoLoader, Row
from cscp.impact.models import (
    Escalation,
    ImpactTemplateSection,
    ImpactUpdate,
    ImpactUpdateAnswer,
    ImpactUpdateComment,
    ReportingCycle,
)
from cscp.models import Group, Meeting
from cscp.sections import demo_loaders

UPDATE_COLUMNS = (
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
ESCALATION_COLUMNS = (
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


class ImpactDemo(DemoLoader):
    name = "Impact updates and escalations"
    event = "impact.demo.seeded"
    data_dir = Path(__file__).resolve().parent / "demo_data"
    labels = {
        "section": "impact template section",
        "cycle": "reporting cycle",
        "update": "impact update",
        "answer": "answer",
        "comment": "comment",
        "escalation": "escalation",
    }

    def load(self) -> None:
        sections = self.load_template()
        cycles = self.load_cycles()
        updates = self.load_updates(sections, cycles)
        self.load_escalations(cycles, updates)

    # Looking things up.

    @cached_property
    def meetings(self) -> dict[tuple[str, datetime.date], Meeting]:
        kinds = (Group.Kind.BOARD, Group.Kind.BUSINESS)
        return {
            (m.group.kind, m.date): m for m in Meeting.objects.filter(group__kind__in=kinds).select_related("group")
        }

    def meeting(self, row: Row, column: str, kind: str, *, blank: bool = False) -> Meeting | None:
        if blank and not row[column]:
            return None
        date = row.date(column)
        found = self.meetings.get((kind, date))
        if found is None:
            what = "Board" if kind == Group.Kind.BOARD else "Business Group"
            raise row.error(f"there is no {what} meeting on {date.isoformat()} in meetings.csv", column)
        return found

    def cycle(self, row: Row, column: str, cycles: dict[datetime.date, ReportingCycle]) -> ReportingCycle:
        date = row.date(column)
        if date not in cycles:
            raise row.error(
                f"there is no reporting cycle for the Board meeting on {date} in reporting_cycles.csv", column
            )
        return cycles[date]

    # The cycle, piece by piece.

    def load_template(self) -> dict[str, ImpactTemplateSection]:
        existing = {s.title: s for s in ImpactTemplateSection.objects.all()}
        rows = self.rows("impact_template.csv", ("title",), ("hint", "required", "is_escalation"))
        for order, row in enumerate(rows, start=1):
            values = {
                "title": row["title"],
                "hint": row["hint"],
                "order": order,
                "is_required": row.flag("required", default=True),
                "is_escalation": row.flag("is_escalation", default=False),
            }
            self.ensure("section", ImpactTemplateSection, existing, row["title"], values, row)
        # The sections the template has in the file, as the database has them, in the file's order.
        self.sections_in_file = [existing[row["title"]] for row in rows]
        return existing

    def load_cycles(self) -> dict[datetime.date, ReportingCycle]:
        existing = {c.board_meeting_id: c for c in ReportingCycle.objects.all()}
        self.cycle_groups: dict[int, set[int]] = {}
        for pair in ReportingCycle.groups.through.objects.all():
            self.cycle_groups.setdefault(pair.reportingcycle_id, set()).add(pair.group_id)
        by_date: dict[datetime.date, ReportingCycle] = {}
        rows = self.rows(
            "reporting_cycles.csv", ("title", "board_meeting", "due_date", "groups"), ("business_meeting",)
        )
        for row in rows:
            board = self.meeting(row, "board_meeting", Group.Kind.BOARD)
            business = self.meeting(row, "business_meeting", Group.Kind.BUSINESS, blank=True)
            due = row.date("due_date")
            # The same rules as the cycle form: the Business Group reads the updates before the Board does.
            if business is not None and business.date > board.date:
                raise row.error("choose a Business Group meeting on or before the Board meeting", "business_meeting")
            if due > (business or board).date:
                raise row.error("the due date must be on or before the meeting that reads the updates", "due_date")
            groups = {
                row.find("groups", name, self.groups, what="group", file="groups.csv").pk
                for name in row.names("groups")
            }
            if not groups:
                raise row.error("name at least one group that must report, separated by ;", "groups")
            values = {"title": row["title"], "board_meeting": board, "business_meeting": business, "due_date": due}
            cycle, created = self.ensure("cycle", ReportingCycle, existing, board.pk, values, row)
            if created:
                cycle.groups.set(groups)
                self.cycle_groups[cycle.pk] = groups
            by_date[board.date] = cycle
        return by_date

    def load_updates(self, sections: dict, cycles: dict) -> dict[tuple[int, int], ImpactUpdate]:
        # The answers first: an update's version counts the saves that wrote them.
        answers: dict[tuple[int, int], dict[str, Row]] = {}
        for row in self.rows("impact_answers.csv", ("group", "board_meeting", "section", "text"), ("complete",)):
            key = (self.group(row, "group").pk, self.cycle(row, "board_meeting", cycles).pk)
            if row["section"] not in sections:
                raise row.error(f"there is no section called “{row['section']}” in impact_template.csv", "section")
            if row["section"] in answers.get(key, {}):
                raise row.error("this answer is listed twice: keep one row")
            answers.setdefault(key, {})[row["section"]] = row

        existing = {(u.group_id, u.cycle_id): u for u in ImpactUpdate.objects.all()}
        for row in self.rows("impact_updates.csv", ("group", "board_meeting", "status"), UPDATE_COLUMNS):
            group = self.group(row, "group")
            cycle = self.cycle(row, "board_meeting", cycles)
            if group.pk not in self.cycle_groups.get(cycle.pk, set()):
                raise row.error(f"{group} is not one of the groups due to report in {cycle}", "group")
            written = answers.pop((group.pk, cycle.pk), {})
            values, comments = self.update_values(row, group, cycle, written)
            update, created = self.ensure(
                "update",
                ImpactUpdate,
                existing,
                (group.pk, cycle.pk),
                values,
                row,
                by=values["updated_by"],
                at=values["updated_at"],
            )
            if created:
                self.create_answers(row, update, sections, written)
                for comment in comments:
                    self.create("comment", ImpactUpdateComment, {"update": update, **comment}, row)
        for written in answers.values():
            raise next(iter(written.values())).error(
                "there is no row for this group and cycle in impact_updates.csv", "group"
            )
        return existing

    def update_values(self, row: Row, group, cycle, written: dict[str, Row]) -> tuple[dict, list[dict]]:
        """An update's fields as the services would have left them, and its comments."""
        Status = ImpactUpdate.Status
        status = row.choice("status", Status)
        started_at, started_by = row.moment("started_at"), self.person(row, "started_by")
        edited_at, edited_by = row.moment("last_edited_at", blank=True), self.person(row, "last_edited_by", blank=True)
        submitted_at = row.moment("submitted_at", blank=True)
        submitted_by = self.person(row, "submitted_by", blank=True)
        reviewed_at, reviewed_by = row.moment("reviewed_at", blank=True), self.person(row, "reviewed_by", blank=True)
        submitted = status != Status.DRAFT
        reviewed = status in (Status.CHANGES_REQUESTED, Status.ACKNOWLEDGED)
        if submitted != bool(submitted_at and submitted_by):
            raise row.error(
                "give submitted_at and submitted_by for a submitted update, and neither for a draft", "status"
            )
        if reviewed != bool(reviewed_at and reviewed_by):
            raise row.error(
                "give reviewed_at and reviewed_by when the Business Group has acknowledged the update or asked for "
                "changes, and neither otherwise",
                "status",
            )
        if status == Status.CHANGES_REQUESTED and not row["review_note"]:
            raise row.error("say what the Business Group asked the group to change", "review_note")
        if submitted:
            answered = {title for title, answer in written.items() if answer["text"]}
            missing = [s.title for s in self.sections_in_file if s.is_required and s.title not in answered]
            if missing:
                raise row.error(f"a submitted update answers every required section: add {missing[0]}", "status")
        # The last thing that happened to the update, as the services would have stamped it.
        moments = [(started_at, started_by), (edited_at, edited_by), (submitted_at, submitted_by)]
        if reviewed:
            moments.append((reviewed_at, reviewed_by))
        updated_at, updated_by = max(((at, by) for at, by in moments if at and by), key=lambda pair: pair[0])
        acknowledged = status == Status.ACKNOWLEDGED
        values = {
            "group": group,
            "cycle": cycle,
            "status": status,
            "created_at": started_at,
            "updated_at": updated_at,
            "updated_by": updated_by,
            "submitted_at": submitted_at,
            "submitted_by": submitted_by,
            "acknowledged_at": reviewed_at if acknowledged else None,
            "acknowledged_by": reviewed_by if acknowledged else None,
            # Every saved section, the submission and the review each raised the version by one.
            "version": 1 + len(written) + (1 if submitted else 0) + (1 if reviewed else 0),
        }
        Kind = ImpactUpdateComment.Kind
        comments = []
        if reviewed:
            # What the reviewer wrote when acknowledging or asking for changes is kept as a comment of that kind.
            comments.append(
                {
                    "kind": Kind.ACKNOWLEDGEMENT if acknowledged else Kind.CHANGES_REQUESTED,
                    "author": reviewed_by,
                    "created_at": reviewed_at,
                    "text": row["review_note"] or "Acknowledged on behalf of the Business Group.",
                }
            )
        if row["comment"] or row["comment_at"] or row["comment_by"]:
            if not (row["comment"] and row["comment_at"] and row["comment_by"]):
                raise row.error("give a comment with its comment_at and comment_by, or none of them", "comment")
            comments.append(
                {
                    "kind": Kind.COMMENT,
                    "author": self.person(row, "comment_by"),
                    "created_at": row.moment("comment_at"),
                    "text": row["comment"],
                }
            )
        return values, comments

    def create_answers(self, update_row: Row, update: ImpactUpdate, sections: dict, written: dict[str, Row]) -> None:
        # Each answer's first version is the writer's, from when the update was submitted (or last edited).
        history = {"by": update.submitted_by or update.updated_by, "at": update.submitted_at or update.updated_at}
        for title, row in written.items():
            values = {
                "update": update,
                "section": sections[title],
                "text": row["text"],
                "is_complete": bool(row["text"]) and row.flag("complete", default=True),
            }
            self.create("answer", ImpactUpdateAnswer, values, row, **history)
        if update.status != ImpactUpdate.Status.DRAFT:
            # A submitted update keeps an answer to every section, empty or not, as submitting leaves it.
            for section in self.sections_in_file:
                if section.title not in written:
                    values = {"update": update, "section": section, "text": "", "is_complete": False}
                    self.create("answer", ImpactUpdateAnswer, values, update_row, **history)

    def load_escalations(self, cycles: dict, updates: dict) -> None:
        actions = self.read_escalation_actions()
        existing = {(e.raised_by_group_id, e.title): e for e in Escalation.objects.all()}
        required = ("title", "group", "raised_by", "raised_at", "concern", "evidence", "ask", "status")
        for row in self.rows("escalations.csv", required, ESCALATION_COLUMNS):
            group = self.group(row, "group")
            values = self.escalation_values(row, group, cycles, updates)
            last_at, last_by = max(
                (
                    (at, by)
                    for at, by in (
                        (values["raised_at"], values["raised_by"]),
                        (values["decided_at"], values["decided_by"]),
                        (values["outcome_recorded_at"], values["outcome_recorded_by"]),
                    )
                    if at
                ),
                key=lambda pair: pair[0],
            )
            themes = self.themes(row, "themes")
            key = (group.pk, row["title"])
            escalation, created = self.ensure(
                "escalation", Escalation, existing, key, values, row, by=last_by, at=last_at
            )
            raised = actions.pop(row["title"], [])
            if created:
                escalation.themes.set(themes)
                # The escalation keeps the actions it raised (it owns the link).
                escalation.actions.add(*(self.action_for(link) for link in raised))
        for links in actions.values():
            raise links[0].error("there is no escalation with this title in escalations.csv", "escalation")

    def read_escalation_actions(self) -> dict[str, list[Row]]:
        found: dict[str, list[Row]] = {}
        for row in self.rows("escalation_actions.csv", ("escalation", "action_source_reference", "action_title")):
            found.setdefault(row["escalation"], []).append(row)
        return found

    @cached_property
    def actions(self) -> dict[tuple[str, str], Action]:
        return {(a.source_reference, a.title): a for a in Action.objects.all()}

    def action_for(self, row: Row) -> Action:
        found = self.actions.get((row["action_source_reference"], row["action_title"]))
        if found is None:
            raise row.error(
                "there is no action with this source reference and title in the action tracker's demo (actions.csv)",
                "action_title",
            )
        return found

    def escalation_values(self, row: Row, group, cycles: dict, updates: dict) -> dict:
        Status = Escalation.Status
        status = row.choice("status", Status)
        decided = status != Status.AWAITING_DECISION
        closed = status == Status.CLOSED
        if decided != bool(row["decision"] and row["decided_at"] and row["decided_by"]):
            raise row.error(
                "give the decision, decided_at and decided_by once the Board has decided, and none of them before",
                "status",
            )
        if closed != bool(row["outcome"] and row["outcome_recorded_at"] and row["outcome_recorded_by"]):
            raise row.error(
                "give the outcome, outcome_recorded_at and outcome_recorded_by for a closed escalation, and none of "
                "them otherwise",
                "status",
            )
        source = row.choice("source", Escalation.Source, default=Escalation.Source.DIRECT)
        source_label, source_url, update = row["source_label"], "", None
        if row["impact_update_board_meeting"]:
            cycle = self.cycle(row, "impact_update_board_meeting", cycles)
            update = updates.get((group.pk, cycle.pk))
            if update is None:
                raise row.error(f"{group} has no impact update for {cycle} in impact_updates.csv", "group")
            # As escalation_raise words an escalation raised from an update, and links back to it.
            source = Escalation.Source.IMPACT_UPDATE
            source_label = source_label or f"Impact update: {group} – {cycle}"
            source_url = reverse("impact:update-detail", args=[update.pk])
        return {
            "title": row["title"],
            "concern": row["concern"],
            "evidence": row["evidence"],
            "ask": row["ask"],
            "raised_by_group": group,
            "raised_by": self.person(row, "raised_by"),
            "raised_at": row.moment("raised_at"),
            "source": source,
            "source_label": source_label[:300],
            "source_url": source_url,
            "impact_update": update,
            "board_meeting": self.meeting(row, "board_meeting", Group.Kind.BOARD, blank=True),
            "status": status,
            "decision": row["decision"],
            "decided_at": row.moment("decided_at", blank=True),
            "decided_by": self.person(row, "decided_by", blank=True),
            "outcome": row["outcome"],
            "outcome_recorded_at": row.moment("outcome_recorded_at", blank=True),
            "outcome_recorded_by": self.person(row, "outcome_recorded_by", blank=True),
            "priority": self.priority(row, "priority"),
        }


demo_loaders.append(ImpactDemo)
