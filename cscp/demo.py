"""The demo partnership itself, from the data files in cscp/demo_data/: run first by `seed_demo`.

The partnership is data, not code: another partnership replaces the files (or points `seed_demo --data` at its own
folder) and gets its own demo. Like every app's demo it creates what is missing and never changes or deletes what
exists (see cscp.demo_loading), so anything done while trying the demo stays.

The personas (rows of people.csv with a `persona`) are created with the password in DEMO_PASSWORD; everyone else is
created without one, as if invited and not yet signed in.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.contrib.auth.hashers import make_password

from cscp.demo_loading import DemoDataError, DemoLoader, Row, plural, shown
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

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
# Published in docs/demo.md on purpose: it opens only the demo personas, on a site with DEMO on.
DEFAULT_PASSWORD = "safeguarding-demo-2026"  # noqa: S105  # nosec B105
SINGLE_HOLDER_ROLES = {GroupMembership.Role.CHAIR, GroupMembership.Role.VICE_CHAIR}
PARTNERSHIP_FIELDS = ("name", "short_name", "service_name", "contact_email")


class PartnershipDemo(DemoLoader):
    name = "Partnership"
    event = "cscp.demo.seeded"
    data_dir = DATA_DIR
    labels = {
        "partnership": "partnership settings",
        "district": "district",
        "agency": "agency",
        "group": "group",
        "meeting": "meeting",
        "person": "person",
        "group_membership": "group membership",
        "agency_membership": "agency membership",
        "business_plan": "business plan",
        "priority": "priority",
        "theme": "theme",
    }

    def __init__(self, data_dir: Path | None = None, *, password: str = DEFAULT_PASSWORD):
        super().__init__(data_dir)
        self.password = password
        self._password_hash: str | None = None

    def load(self) -> None:
        self.load_partnership()
        districts = self.load_districts()
        agencies = self.load_agencies()
        groups = self.load_groups(districts)
        self.load_meetings(groups)
        people = self.load_people()
        self.load_memberships(people, groups, agencies)
        self.load_business_plans()
        self.load_themes()

    def load_partnership(self) -> None:
        name = "partnership.csv"
        rows = self.rows(name, ("name",), PARTNERSHIP_FIELDS[1:])
        if len(rows) != 1:
            raise DemoDataError(f"{shown(self.files.path(name))}: give the settings in one row, below the header")
        values = {field: rows[0][field] for field in PARTNERSHIP_FIELDS if rows[0][field]}
        # There is one settings row, always the first (see Partnership.load).
        existing = {p.pk: p for p in Partnership.objects.filter(pk=1)}
        self.ensure("partnership", Partnership, existing, 1, {"pk": 1, **values}, rows[0])

    def load_districts(self) -> dict[str, District]:
        existing = {d.name: d for d in District.objects.all()}
        for row in self.rows("districts.csv", ("name",)):
            self.ensure("district", District, existing, row["name"], {"name": row["name"]}, row)
        return existing

    def load_agencies(self) -> dict[str, Agency]:
        existing = {a.name: a for a in Agency.objects.all()}
        for row in self.rows("agencies.csv", ("name", "sector")):
            values = {"name": row["name"], "sector": row.choice("sector", Agency.Sector)}
            self.ensure("agency", Agency, existing, row["name"], values, row)
        return existing

    def load_groups(self, districts: dict[str, District]) -> dict[str, Group]:
        existing = {g.name: g for g in Group.objects.all()}
        pending = self.rows("groups.csv", ("name", "kind"), ("parent", "district", "meeting_cadence", "purpose"))
        named = {row["name"] for row in pending}
        done: set[str] = set()
        # A group's parent must be saved before it; the file may list them in any order.
        while pending:
            ready = [row for row in pending if not row["parent"] or row["parent"] in done]
            if not ready:
                for row in pending:
                    if row["parent"] not in named:
                        raise row.error(f"there is no group called “{row['parent']}” in groups.csv", "parent")
                raise pending[0].error(
                    f"the groups {', '.join(row['name'] for row in pending)} report to each other in a circle: one "
                    "of them must report to another group",
                    "parent",
                )
            for row in ready:
                values = {
                    "name": row["name"],
                    "kind": row.choice("kind", Group.Kind),
                    "parent": existing[row["parent"]] if row["parent"] else None,
                    "district": (
                        row.lookup("district", districts, what="district", file="districts.csv")
                        if row["district"]
                        else None
                    ),
                    "meeting_cadence": row["meeting_cadence"],
                    "purpose": row["purpose"],
                }
                self.ensure("group", Group, existing, row["name"], values, row)
                done.add(row["name"])
            pending = [row for row in pending if row["name"] not in done]
        return existing

    def load_meetings(self, groups: dict[str, Group]) -> None:
        existing = {(m.group_id, m.date): m for m in Meeting.objects.all()}
        for row in self.rows("meetings.csv", ("group", "date"), ("title",)):
            group = row.lookup("group", groups, what="group", file="groups.csv")
            values = {"group": group, "date": row.date("date"), "title": row["title"]}
            self.ensure("meeting", Meeting, existing, (group.pk, values["date"]), values, row)

    def load_people(self) -> dict[str, Person]:
        existing = {p.username.lower(): p for p in Person.objects.all()}
        rows = self.rows("people.csv", ("username", "first_name", "last_name", "email"), ("job_title", "persona"))
        for row in rows:
            values = {
                "username": row["username"],
                "first_name": row["first_name"],
                "last_name": row["last_name"],
                "email": row["email"].lower(),
                "job_title": row["job_title"],
                # Everyone but the personas is there to be worked with, not signed in as; an admin can invite them.
                "password": self.persona_password_hash() if row["persona"] else make_password(None),
            }
            self.ensure("person", Person, existing, row["username"].lower(), values, row)
        return existing

    def persona_password_hash(self) -> str:
        # One hash for every persona: the password is published anyway, so one salt costs nothing, and it keeps the
        # run fast (each hash of a strong password takes a large fraction of a second).
        if self._password_hash is None:
            self._password_hash = make_password(self.password)
        return self._password_hash

    def load_memberships(self, people: dict[str, Person], groups: dict[str, Group], agencies: dict[str, Agency]):
        for model, container, things in (
            (GroupMembership, "group", groups),
            (AgencyMembership, "agency", agencies),
        ):
            name = f"{container}_memberships.csv"
            rows = [
                (row, row.date("start_date"), row.date("end_date", blank=True))
                for row in self.rows(name, ("person", container, "role", "start_date"), ("end_date",))
            ]
            if model is GroupMembership:
                self._check_single_holders(rows)
            existing = {
                (m.person_id, getattr(m, f"{container}_id"), m.role, m.start_date): m for m in model.objects.all()
            }
            for row, start, end in rows:
                person = row.lookup("person", people, what="person", file="people.csv", fold_case=True)
                held_in = row.lookup(container, things, what=container, file=f"{plural(container)}.csv")
                role = row.choice("role", model.Role)
                values = {"person": person, container: held_in, "role": role, "start_date": start, "end_date": end}
                key = (person.pk, held_in.pk, role, start)
                self.ensure(f"{container}_membership", model, existing, key, values, row)

    def _check_single_holders(self, rows: list[tuple[Row, datetime.date, datetime.date | None]]) -> None:
        """A group has one chair and one vice-chair at a time, as the membership pages insist."""
        seen: dict[tuple[str, str], list[tuple[datetime.date, datetime.date | None, Row]]] = {}
        for row, start, end in rows:
            if row["role"] not in SINGLE_HOLDER_ROLES:
                continue
            for other_start, other_end, other in seen.get((row["group"], row["role"]), []):
                if (other_end is None or other_end >= start) and (end is None or end >= other_start):
                    raise row.error(
                        f"{row['group']} already has a {row['role'].replace('_', '-')} for these dates (line "
                        f"{other.line}): end one membership before the other starts",
                        "start_date",
                    )
            seen.setdefault((row["group"], row["role"]), []).append((start, end, row))

    def load_business_plans(self) -> None:
        plans = {p.title: p for p in BusinessPlan.objects.all()}
        for row in self.rows("business_plans.csv", ("title", "start_date", "end_date")):
            values = {"title": row["title"], "start_date": row.date("start_date"), "end_date": row.date("end_date")}
            self.ensure("business_plan", BusinessPlan, plans, row["title"], values, row)
        existing = {(p.plan_id, p.number): p for p in Priority.objects.all()}
        for row in self.rows("priorities.csv", ("plan", "number", "title"), ("description",)):
            plan = row.lookup("plan", plans, what="business plan", file="business_plans.csv")
            values = {"plan": plan, "number": row.integer("number"), "title": row["title"]}
            values["description"] = row["description"]
            self.ensure("priority", Priority, existing, (plan.pk, values["number"]), values, row)

    def load_themes(self) -> None:
        existing = {t.name: t for t in Theme.objects.all()}
        for row in self.rows("themes.csv", ("name",), ("description",)):
            values = {"name": row["name"], "description": row["description"]}
            self.ensure("theme", Theme, existing, row["name"], values, row)
