"""`python manage.py seed_demo`: build the demo partnership from the data files in cscp/demo/.

The partnership is data, not code: another partnership replaces the CSV and JSON files (or points `--data`
at its own folder) and gets its own demo. The loader adds what is missing and corrects what differs from
the files; it never deletes, so anything made while trying the demo stays. Running it twice changes
nothing the second time: every row is matched on its natural key and saved only when a value differs, so
no history rows or audit events are written for data that is already right.

The personas (rows of people.csv with a `persona`) sign in with the password in DEMO_PASSWORD. Because
that password is known, the command refuses to run unless DEMO is on or `--force` is given.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from cscp.audit import record_event
from cscp.models import (
    Agency,
    AgencyMembership,
    BusinessPlan,
    District,
    Group,
    GroupMembership,
    Meeting,
    Partnership,
    Person,
    Priority,
    Theme,
)
from cscp.sections import demo_loaders

DATA_DIR = Path(__file__).resolve().parents[2] / "demo"
# Published in docs/demo.md on purpose: it opens only the demo personas, on a site with DEMO on.
DEFAULT_PASSWORD = "safeguarding-demo-2026"  # noqa: S105  # nosec B105
# Shown in each history row the loader writes, so the demo's own records explain where they came from.
CHANGE_REASON = "Loaded from the demo data files (seed_demo)"

# (singular, plural), in the order the summary reports them.
LABELS = {
    "partnership": ("partnership settings", "partnership settings"),
    "district": ("district", "districts"),
    "agency": ("agency", "agencies"),
    "group": ("group", "groups"),
    "meeting": ("meeting", "meetings"),
    "person": ("person", "people"),
    "group_membership": ("group membership", "group memberships"),
    "agency_membership": ("agency membership", "agency memberships"),
    "business_plan": ("business plan", "business plans"),
    "priority": ("priority", "priorities"),
    "theme": ("theme", "themes"),
}
SINGLE_HOLDER_ROLES = {GroupMembership.Role.CHAIR, GroupMembership.Role.VICE_CHAIR}


def _describe(counts: Counter) -> str:
    parts = []
    for key, (singular, plural) in LABELS.items():
        if counts[key]:
            parts.append(f"{counts[key]} {singular if counts[key] == 1 else plural}")
    return ", ".join(parts)


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    field = obj._meta.get_field(name)
    if field.many_to_one:
        # Compare ids, so checking a foreign key costs no query.
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


class Loader:
    """Reads the data files and brings the database in line with them, inside the caller's transaction."""

    def __init__(self, data_dir: Path, password: str):
        self.data_dir = data_dir
        self.password = password
        self.created: Counter = Counter()
        self.updated: Counter = Counter()
        self.passwords_reset = 0
        self._password_hash: str | None = None
        self._password_checks: dict[str, bool] = {}
        self._seen: set[tuple[str, Any]] = set()

    # Reading the files.

    def _where(self, name: str, line: int | None = None) -> str:
        path = self.data_dir / name
        try:
            shown = str(path.relative_to(settings.BASE_DIR))
        except ValueError:
            shown = str(path)
        return f"{shown}, line {line}" if line else shown

    def _open(self, name: str):
        path = self.data_dir / name
        if not path.exists():
            raise CommandError(f"The demo data file {self._where(name)} is missing")
        return path.open(newline="", encoding="utf-8-sig")

    def rows(self, name: str, required: tuple[str, ...], optional: tuple[str, ...] = ()):
        """Each row of a CSV file as (where, values), with every cell stripped of surrounding spaces."""
        with self._open(name) as handle:
            reader = csv.DictReader(handle)
            columns = set(reader.fieldnames or ())
            missing = [c for c in required if c not in columns]
            unknown = sorted(columns - set(required) - set(optional))
            if missing or unknown:
                raise CommandError(
                    f"{self._where(name)}: the first row must name the columns {', '.join(required + optional)}"
                    + (f" (missing: {', '.join(missing)})" if missing else "")
                    + (f" (not recognised: {', '.join(unknown)})" if unknown else "")
                )
            result = []
            for values in reader:
                if None in values:
                    raise CommandError(
                        f"{self._where(name, reader.line_num)}: this row has more cells than the "
                        "first row has column names (put text with commas in double quotes)"
                    )
                if not any((v or "").strip() for v in values.values()):
                    continue
                cleaned = {k: (values.get(k) or "").strip() for k in (*required, *optional)}
                result.append((self._where(name, reader.line_num), cleaned))
            return result

    def json(self, name: str):
        with self._open(name) as handle:
            try:
                return json.load(handle)
            except json.JSONDecodeError as exc:
                raise CommandError(f"{self._where(name, exc.lineno)}: this is not valid JSON ({exc.msg})") from exc

    @staticmethod
    def date(where: str, column: str, text: str, *, blank: bool = False) -> datetime.date | None:
        if not text and blank:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except (TypeError, ValueError) as exc:
            raise CommandError(f"{where}: enter the {column} as YYYY-MM-DD, for example 2024-04-01") from exc

    @staticmethod
    def lookup(where: str, things: dict, name: str, what: str, file: str):
        try:
            return things[name.lower()] if what == "person" else things[name]
        except KeyError:
            raise CommandError(f"{where}: there is no {what} called “{name}” in {file}") from None

    # Writing.

    def save(self, obj: models.Model, where: str, update_fields: list[str] | None = None) -> None:
        # Foreign keys point at rows this loader has just read or saved: checking them again would cost a
        # query each.
        related = [f.name for f in obj._meta.concrete_fields if f.many_to_one]
        try:
            obj.full_clean(exclude=related)
        except ValidationError as exc:
            raise CommandError(f"{where}: {' '.join(exc.messages)}") from exc
        obj._change_reason = CHANGE_REASON
        obj.save(update_fields=update_fields)

    def claim(self, label: str, key, where: str) -> None:
        if (label, key) in self._seen:
            # Two rows for one thing would overwrite each other on every run, so no run would be the last.
            raise CommandError(f"{where}: this {LABELS[label][0]} is listed twice: keep one row")
        self._seen.add((label, key))

    def sync(self, label: str, model: type[models.Model], existing: dict, key, values: dict, where: str):
        """Create the row for `key`, or update the fields that differ from `values`; leave it alone otherwise."""
        self.claim(label, key, where)
        obj = existing.get(key)
        if obj is None:
            obj = model(**values)
            self.save(obj, where)
            existing[key] = obj
            self.created[label] += 1
            return obj
        changed = [name for name, value in values.items() if _differs(obj, name, value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            self.save(obj, where, update_fields=changed)
            self.updated[label] += 1
        return obj

    def persona_password_hash(self) -> str:
        # One hash for every persona: the password is published anyway, so one salt costs nothing, and it
        # keeps the run fast (each hash of a strong password takes a large fraction of a second).
        if self._password_hash is None:
            self._password_hash = make_password(self.password)
        return self._password_hash

    def password_matches(self, encoded: str) -> bool:
        if encoded not in self._password_checks:
            self._password_checks[encoded] = check_password(self.password, encoded)
        return self._password_checks[encoded]

    # The partnership, piece by piece.

    def load(self) -> None:
        self.load_partnership()
        districts = self.load_districts()
        agencies = self.load_agencies()
        groups = self.load_groups(districts)
        self.load_meetings(groups)
        people = self.load_people()
        self.load_group_memberships(people, groups)
        self.load_agency_memberships(people, agencies)
        self.load_business_plans()
        self.load_themes()

    def load_partnership(self) -> None:
        name = "partnership.json"
        data = self.json(name)
        fields = {"name", "short_name", "service_name", "contact_email"}
        if not isinstance(data, dict) or set(data) - fields:
            raise CommandError(f"{self._where(name)}: give an object with the keys {', '.join(sorted(fields))}")
        # There is one settings row, always the first (see Partnership.load).
        existing = {obj.pk: obj for obj in Partnership.objects.filter(pk=1)}
        values = dict(data) if existing else {"pk": 1, **data}
        self.sync("partnership", Partnership, existing, 1, values, self._where(name))

    def load_districts(self) -> dict[str, District]:
        existing = {d.name: d for d in District.objects.all()}
        for where, row in self.rows("districts.csv", ("name",)):
            self.sync("district", District, existing, row["name"], {"name": row["name"]}, where)
        return existing

    def load_agencies(self) -> dict[str, Agency]:
        existing = {a.name: a for a in Agency.objects.all()}
        for where, row in self.rows("agencies.csv", ("name", "sector")):
            values = {"name": row["name"], "sector": row["sector"], "is_active": True}
            self.sync("agency", Agency, existing, row["name"], values, where)
        return existing

    def load_groups(self, districts: dict[str, District]) -> dict[str, Group]:
        existing = {g.name: g for g in Group.objects.all()}
        pending = self.rows("groups.csv", ("name", "kind"), ("parent", "district", "meeting_cadence", "purpose"))
        named = {row["name"] for _, row in pending}
        done: set[str] = set()
        # A group's parent must be saved before it; the file may list them in any order.
        while pending:
            ready = [(w, r) for w, r in pending if not r["parent"] or r["parent"] in done]
            if not ready:
                for where, row in pending:
                    if row["parent"] not in named:
                        raise CommandError(f"{where}: there is no group called “{row['parent']}” in groups.csv")
                raise CommandError(
                    f"{pending[0][0]}: the groups {', '.join(r['name'] for _, r in pending)} "
                    "report to each other in a circle: one of them must report to another group"
                )
            for where, row in ready:
                values = {
                    "name": row["name"],
                    "kind": row["kind"],
                    "parent": existing[row["parent"]] if row["parent"] else None,
                    "district": (
                        self.lookup(where, districts, row["district"], "district", "districts.csv")
                        if row["district"]
                        else None
                    ),
                    "meeting_cadence": row["meeting_cadence"],
                    "purpose": row["purpose"],
                    "is_active": True,
                }
                self.sync("group", Group, existing, row["name"], values, where)
                done.add(row["name"])
            pending = [(w, r) for w, r in pending if r["name"] not in done]
        return existing

    def load_meetings(self, groups: dict[str, Group]) -> None:
        existing = {(m.group_id, m.date): m for m in Meeting.objects.all()}
        for where, row in self.rows("meetings.csv", ("group", "date"), ("title",)):
            group = self.lookup(where, groups, row["group"], "group", "groups.csv")
            date = self.date(where, "date", row["date"])
            values = {"group": group, "date": date, "title": row["title"]}
            self.sync("meeting", Meeting, existing, (group.pk, date), values, where)

    def load_people(self) -> dict[str, Person]:
        existing = {p.username.lower(): p for p in Person.objects.all()}
        for where, row in self.rows(
            "people.csv", ("username", "first_name", "last_name", "email"), ("job_title", "persona")
        ):
            key = row["username"].lower()
            self.claim("person", key, where)
            values = {
                "username": row["username"],
                "first_name": row["first_name"],
                "last_name": row["last_name"],
                "email": row["email"].lower(),
                "job_title": row["job_title"],
                "is_active": True,
            }
            person = existing.get(key)
            if person is None:
                person = Person(**values)
                if row["persona"]:
                    person.password = self.persona_password_hash()
                else:
                    # Everyone else is there to be worked with, not signed in as; an admin can invite them.
                    person.set_unusable_password()
                self.save(person, where)
                existing[key] = person
                self.created["person"] += 1
                continue
            changed = [name for name, value in values.items() if _differs(person, name, value)]
            for name in changed:
                setattr(person, name, values[name])
            # Reset a persona's password only when it no longer works: setting it again would write history.
            if row["persona"] and not self.password_matches(person.password):
                person.password = self.persona_password_hash()
                changed.append("password")
                self.passwords_reset += 1
            if changed:
                self.save(person, where, update_fields=changed)
                self.updated["person"] += 1
        return existing

    def _check_single_holders(self, rows: list[tuple[str, dict]]) -> None:
        """A group has one chair and one vice-chair at a time, as the membership pages insist."""
        seen: dict[tuple[str, str], list[tuple[datetime.date, datetime.date | None, str]]] = {}
        for where, row in rows:
            if row["role"] not in SINGLE_HOLDER_ROLES:
                continue
            start, end = row["_start"], row["_end"]
            for other_start, other_end, other_where in seen.get((row["group"], row["role"]), []):
                if (other_end is None or other_end >= start) and (end is None or end >= other_start):
                    raise CommandError(
                        f"{where}: {row['group']} already has a {row['role'].replace('_', '-')} for these dates "
                        f"({other_where}): end one membership before the other starts"
                    )
            seen.setdefault((row["group"], row["role"]), []).append((start, end, where))

    def _membership_rows(self, name: str, container: str) -> list[tuple[str, dict]]:
        rows = self.rows(name, ("person", container, "role", "start_date"), ("end_date",))
        for where, row in rows:
            row["_start"] = self.date(where, "start_date", row["start_date"])
            row["_end"] = self.date(where, "end_date", row["end_date"], blank=True)
        return rows

    def load_group_memberships(self, people: dict[str, Person], groups: dict[str, Group]) -> None:
        rows = self._membership_rows("group_memberships.csv", "group")
        self._check_single_holders(rows)
        existing = {(m.person_id, m.group_id, m.role, m.start_date): m for m in GroupMembership.objects.all()}
        for where, row in rows:
            person = self.lookup(where, people, row["person"], "person", "people.csv")
            group = self.lookup(where, groups, row["group"], "group", "groups.csv")
            key = (person.pk, group.pk, row["role"], row["_start"])
            values = {
                "person": person,
                "group": group,
                "role": row["role"],
                "start_date": row["_start"],
                "end_date": row["_end"],
            }
            self.sync("group_membership", GroupMembership, existing, key, values, where)

    def load_agency_memberships(self, people: dict[str, Person], agencies: dict[str, Agency]) -> None:
        rows = self._membership_rows("agency_memberships.csv", "agency")
        existing = {(m.person_id, m.agency_id, m.role, m.start_date): m for m in AgencyMembership.objects.all()}
        for where, row in rows:
            person = self.lookup(where, people, row["person"], "person", "people.csv")
            agency = self.lookup(where, agencies, row["agency"], "agency", "agencies.csv")
            key = (person.pk, agency.pk, row["role"], row["_start"])
            values = {
                "person": person,
                "agency": agency,
                "role": row["role"],
                "start_date": row["_start"],
                "end_date": row["_end"],
            }
            self.sync("agency_membership", AgencyMembership, existing, key, values, where)

    def load_business_plans(self) -> None:
        name = "business_plans.json"
        plans = self.json(name)
        if not isinstance(plans, list):
            raise CommandError(
                f"{self._where(name)}: give a list of plans, each with a title, start_date, end_date and priorities"
            )
        existing_plans = {p.title: p for p in BusinessPlan.objects.all()}
        existing_priorities = {(p.plan_id, p.number): p for p in Priority.objects.all()}
        for index, data in enumerate(plans, start=1):
            where = f"{self._where(name)}, plan {index}"
            try:
                title, start, end = data["title"], data["start_date"], data["end_date"]
                priorities = data.get("priorities", [])
            except (KeyError, TypeError) as exc:
                raise CommandError(f"{where}: give the plan a title, start_date and end_date") from exc
            values = {
                "title": title,
                "start_date": self.date(where, "start_date", start),
                "end_date": self.date(where, "end_date", end),
            }
            plan = self.sync("business_plan", BusinessPlan, existing_plans, title, values, where)
            for position, priority in enumerate(priorities, start=1):
                p_where = f"{where}, priority {position}"
                try:
                    values = {
                        "plan": plan,
                        "number": int(priority["number"]),
                        "title": priority["title"],
                        "description": priority.get("description", ""),
                    }
                except (AttributeError, KeyError, TypeError, ValueError) as exc:
                    raise CommandError(f"{p_where}: give each priority a number, a title and a description") from exc
                self.sync("priority", Priority, existing_priorities, (plan.pk, values["number"]), values, p_where)

    def load_themes(self) -> None:
        existing = {t.name: t for t in Theme.objects.all()}
        for where, row in self.rows("themes.csv", ("name",), ("description",)):
            values = {"name": row["name"], "description": row["description"], "is_active": True}
            self.sync("theme", Theme, existing, row["name"], values, where)


class Command(BaseCommand):
    help = (
        "Build the demo partnership (Cumbria Safeguarding Children Partnership) from the data files in "
        "cscp/demo/. Safe to run again: it changes only what differs from the files."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEMO is off. The personas get a known password: never use on a real site.",
        )
        parser.add_argument("--data", type=Path, default=DATA_DIR, help="A folder of demo data files to load instead")

    def handle(self, *args, force: bool = False, data: Path = DATA_DIR, **options):
        if not settings.DEMO and not force:
            raise CommandError(
                "The demo was not loaded: it creates accounts that sign in with a known password, so it runs "
                "only where DEMO=true. Set DEMO=true for a demonstration site, or pass --force if you are sure."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(f"DEMO_PASSWORD is too weak: {' '.join(exc.messages)}") from exc

        self._load_core(Path(data), password)
        # Then the demo's governance cycle and each app's own demo data (scorecards' indicators and values...),
        # registered when the apps start. They describe the built-in demo partnership's groups and people, so they
        # run only with its files.
        if Path(data) != DATA_DIR:
            self.stdout.write("The apps' demo data was not loaded: it belongs to the built-in demo partnership.")
            return
        for app_loader in demo_loaders:
            app_loader(stdout=self.stdout)

    def _load_core(self, data: Path, password: str) -> None:
        loader = Loader(data, password)
        with transaction.atomic():
            loader.load()
            created, updated = _describe(loader.created), _describe(loader.updated)
            if not created and not updated:
                self.stdout.write("The demo partnership is up to date: nothing changed.")
                return
            summary = " ".join(
                part
                for part in (
                    f"Created {created}." if created else "",
                    f"Updated {updated}." if updated else "",
                    f"Reset the password of {loader.passwords_reset} "
                    f"{'persona' if loader.passwords_reset == 1 else 'personas'} to DEMO_PASSWORD."
                    if loader.passwords_reset
                    else "",
                )
                if part
            )
            record_event(
                "cscp.demo.seeded",
                message=summary,
                data={
                    "created": dict(loader.created),
                    "updated": dict(loader.updated),
                    "passwords_reset": loader.passwords_reset,
                },
            )
        self.stdout.write(self.style.SUCCESS(summary))
        self.stdout.write("The personas sign in with the demo password: see docs/demo.md.")
