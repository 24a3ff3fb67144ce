"""Loading each app's demo data: one reader for the data files and one rule for the database.

Every app keeps its demo as CSV files with a header row in `<app>/demo_data/` and a loader in `<app>/demo.py`: a
`DemoLoader` that reads the files with `rows()` and writes with `ensure()`. Each app appends its loader to
`cscp.sections.demo_loaders` when it starts; `seed_demo` runs the core's loader, then each app's, each in a
transaction of its own.

The rule, the same in every app: **create what is missing, never change or delete what exists.** A row is matched on
its natural key (a group's name; a membership's person, group, role and start date; an update's group and cycle);
when the database already holds it, it is left exactly as it is, however it differs from the file, because the
difference is what someone did while trying the demo (submitted an update, signed off an action, rewrote a
commentary). A row's parts (its many-to-many links, an update's answers, an action's progress notes) are created with
it, and a row that exists keeps the parts it has. So a second run changes nothing that exists and reports only what
it created.

A mistake in a file stops that app's load with "file, line N, column C: what is wrong", and nothing of that app is
saved.
"""

from __future__ import annotations

import csv
import datetime
import sys
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import models, transaction
from django.utils import timezone

from cscp.audit import record_event
from cscp.models import Agency, BusinessPlan, Group, Person, Theme

# Shown in each history row a loader writes, so the demo's own records explain where they came from.
CHANGE_REASON = "Loaded from the demo data files (seed_demo)"
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


class DemoDataError(CommandError):
    """A mistake in a demo data file; the message says where it is and what to change."""


def shown(path: Path) -> str:
    """A path as a person finds it: relative to the project where it can be."""
    try:
        return str(path.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Row:
    """One row of a data file, each cell stripped of surrounding spaces, which knows where it came from."""

    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]

    def error(self, message: str, column: str | None = None) -> DemoDataError:
        where = f"{self.file}, line {self.line}" + (f", column {column}" if column else "")
        return DemoDataError(f"{where}: {message}")

    def date(self, column: str, *, blank: bool = False) -> datetime.date | None:
        if blank and not self[column]:
            return None
        try:
            return datetime.date.fromisoformat(self[column])
        except ValueError:
            raise self.error("enter a date as YYYY-MM-DD, for example 2024-04-01", column) from None

    def moment(self, column: str, *, blank: bool = False) -> datetime.datetime | None:
        """A UK date and time written "YYYY-MM-DD HH:MM", as an aware datetime."""
        if blank and not self[column]:
            return None
        try:
            value = datetime.datetime.fromisoformat(self[column])
        except ValueError:
            value = None
        if value is None or value.tzinfo is not None:
            raise self.error("enter a date and time as YYYY-MM-DD HH:MM, for example 2026-11-06 15:45", column)
        return timezone.make_aware(value)

    def flag(self, column: str, *, default: bool) -> bool:
        text = self[column].lower()
        if not text:
            return default
        if text in YES | NO:
            return text in YES
        raise self.error("write yes or no", column)

    def choice(self, column: str, choices: type[models.TextChoices], *, default: str = "") -> str:
        """The cell, or `default` when it is empty (an empty `default` allows an empty cell)."""
        text = self[column] or default
        if text == "" or text in choices.values:
            return text
        raise self.error(f"write one of {', '.join(choices.values)}", column)

    def integer(self, column: str) -> int:
        try:
            return int(self[column])
        except ValueError:
            raise self.error("write a whole number", column) from None

    def names(self, column: str) -> list[str]:
        """Several names in one cell, separated by `;`."""
        return [name.strip() for name in self[column].split(";") if name.strip()]

    def lookup(self, column: str, things: dict, *, what: str, file: str, fold_case: bool = False) -> Any:
        return self.find(column, self[column], things, what=what, file=file, fold_case=fold_case)

    def find(self, column: str, name: str, things: dict, *, what: str, file: str, fold_case: bool = False) -> Any:
        found = things.get(name.lower() if fold_case else name)
        if found is None:
            raise self.error(f"there is no {what} called “{name}” in {file}", column)
        return found


class DataFiles:
    """A folder of CSV files, each with a header row naming its columns."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path(self, name: str) -> Path:
        path = self.folder / name
        if not path.exists():
            raise DemoDataError(f"The demo data file {shown(path)} is missing")
        return path

    def rows(self, name: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[Row]:
        """The file's rows (blank ones skipped); refused unless the header names every required column."""
        path = self.path(name)
        file = shown(path)
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = set(reader.fieldnames or ())
            missing = [c for c in required if c not in columns]
            unknown = sorted(columns - set(required) - set(optional))
            if missing or unknown:
                raise DemoDataError(
                    f"{file}, line 1: the first row must name the columns {', '.join(required + optional)}"
                    + (f" (missing: {', '.join(missing)})" if missing else "")
                    + (f" (not recognised: {', '.join(unknown)})" if unknown else "")
                )
            found = []
            for values in reader:
                row = Row(file, reader.line_num, {})
                if None in values:
                    raise row.error(
                        "this row has more cells than the first row has column names (put text with commas in "
                        "double quotes)"
                    )
                if not any((v or "").strip() for v in values.values()):
                    continue
                found.append(
                    Row(file, reader.line_num, {c: (values.get(c) or "").strip() for c in required + optional})
                )
            return found


def plural(noun: str) -> str:
    """Enough English for the demo's summaries: "theme" → "themes", "priority" → "priorities", "person" → "people"."""
    head, _, last = noun.rpartition(" ")
    if last == "person":
        last = "people"
    elif last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
        last = last[:-1] + "ies"
    elif not last.endswith("s"):
        last += "s"
    return f"{head} {last}" if head else last


def _describe(counts: Counter, labels: dict[str, str]) -> str:
    return ", ".join(
        f"{counts[key]} {noun if counts[key] == 1 else plural(noun)}" for key, noun in labels.items() if counts[key]
    )


class DemoLoader:
    """One app's demo: read its files, create what the database is missing, and say what was created.

    A subclass names itself (`name`, shown before its summary), its audit event, the labels its summary counts in
    (label: what one of them is called, in the order reported) and its data folder, and writes `load()`.
    """

    name: ClassVar[str]
    event: ClassVar[str]
    labels: ClassVar[dict[str, str]]
    data_dir: ClassVar[Path]

    def __init__(self, data_dir: Path | None = None):
        self.files = DataFiles(data_dir or self.data_dir)
        self.created: Counter = Counter()
        self._claimed: set[tuple[str, Any]] = set()

    def load(self) -> None:
        raise NotImplementedError

    def run(self, *, stdout=None) -> Counter:
        """Load in one transaction (a mistake saves nothing), record what was created, and report it."""
        stdout = stdout or sys.stdout
        with transaction.atomic():
            self.load()
            summary = _describe(self.created, self.labels)
            if summary:
                record_event(self.event, message=f"Created {summary}.", data={"created": dict(self.created)})
        stdout.write(f"{self.name}: created {summary}.\n" if summary else f"{self.name}: nothing to add.\n")
        return self.created

    # Reading.

    def rows(self, name: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[Row]:
        return self.files.rows(name, required, optional)

    # The partnership's own rows, which every app's demo refers to by name (loaded once, on first use).

    @cached_property
    def people(self) -> dict[str, Person]:
        return {p.username.lower(): p for p in Person.objects.all()}

    @cached_property
    def groups(self) -> dict[str, Group]:
        return {g.name: g for g in Group.objects.all()}

    @cached_property
    def agencies(self) -> dict[str, Agency]:
        return {a.name: a for a in Agency.objects.all()}

    @cached_property
    def theme_ids(self) -> dict[str, int]:
        return {t.name: t.pk for t in Theme.objects.all()}

    @cached_property
    def priorities(self) -> dict:
        """The priorities of the latest business plan, by number."""
        plan = BusinessPlan.objects.order_by("-start_date", "-pk").prefetch_related("priorities").first()
        return {p.number: p for p in plan.priorities.all()} if plan else {}

    def person(self, row: Row, column: str, *, blank: bool = False):
        if blank and not row[column]:
            return None
        if not row[column]:
            raise row.error("name the person (their username in people.csv)", column)
        return row.lookup(column, self.people, what="person", file="people.csv", fold_case=True)

    def group(self, row: Row, column: str, *, blank: bool = False):
        if blank and not row[column]:
            return None
        return row.lookup(column, self.groups, what="group", file="groups.csv")

    def agency(self, row: Row, column: str, *, blank: bool = False):
        if blank and not row[column]:
            return None
        return row.lookup(column, self.agencies, what="agency", file="agencies.csv")

    def themes(self, row: Row, column: str) -> set[int]:
        return {row.find(column, name, self.theme_ids, what="theme", file="themes.csv") for name in row.names(column)}

    def priority(self, row: Row, column: str):
        if not row[column]:
            return None
        found = self.priorities.get(row.integer(column))
        if found is None:
            raise row.error(f"there is no priority {row[column]} in the latest business plan", column)
        return found

    # Writing: create what is missing, never change what exists.

    def claim(self, label: str, key: Any, row: Row) -> None:
        if (label, key) in self._claimed:
            # Two rows for one thing: which one the demo shows would depend on the order of the file.
            raise row.error(f"this {self.labels[label]} is listed twice: keep one row")
        self._claimed.add((label, key))

    def ensure(
        self, label: str, model: type[models.Model], existing: dict, key: Any, values: dict, row: Row, **history
    ) -> tuple[Any, bool]:
        """The row for `key`: as it is when `existing` has it (whatever the file says), else created from `values`.

        Returns (row, whether it was created now), so the caller adds a new row's parts."""
        self.claim(label, key, row)
        found = existing.get(key)
        if found is not None:
            return found, False
        existing[key] = self.create(label, model, values, row, **history)
        return existing[key], True

    def create(self, label: str, model: type[models.Model], values: dict, row: Row, *, by=None, at=None) -> Any:
        """Save a new row, checked as a form would check it; its first history row says by whom and when."""
        obj = model(**values)
        # Foreign keys point at rows just read or saved: checking them again would cost a query each.
        related = [f.name for f in obj._meta.concrete_fields if f.many_to_one or f.one_to_one]
        try:
            obj.full_clean(exclude=related)
        except ValidationError as exc:
            fields = list(getattr(exc, "error_dict", {}))
            column = fields[0] if len(fields) == 1 and fields[0] in row.values else None
            raise row.error(" ".join(exc.messages), column) from exc
        obj._change_reason = CHANGE_REASON
        if by is not None:
            obj._history_user = by
        if at is not None:
            obj._history_date = at
        obj.save()
        self.created[label] += 1
        return obj
