"""A large partnership for the benchmarks, built with bulk inserts. Idempotent: reuses what is there."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.hashers import make_password

from cscp.models import Agency, AgencyMembership, Group, GroupMembership, Meeting, Person


def build_partnership(*, people: int) -> tuple[Person, dict]:
    rng = random.Random(20261127)
    admin = Person.objects.filter(username="bench-admin").first()
    if admin is None:
        password = make_password("bench-password-not-secret")
        team = Group.objects.create(name="Bench partnership team", kind=Group.Kind.TEAM)
        admin = Person.objects.create(username="bench-admin", email="bench-admin@example.org", password=password)
        GroupMembership.objects.create(person=admin, group=team, role="officer", start_date=datetime.date(2024, 4, 1))
        kinds = [Group.Kind.SUBGROUP, Group.Kind.ASG, Group.Kind.FORUM, Group.Kind.PROGRAMME]
        Group.objects.bulk_create([Group(name=f"Bench group {i:03d}", kind=kinds[i % len(kinds)]) for i in range(300)])
        Agency.objects.bulk_create(
            [Agency(name=f"Bench agency {i:03d}", sector=Agency.Sector.choices[i % 8][0]) for i in range(120)]
        )
        surnames = ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts", "Walker", "Wright"]
        Person.objects.bulk_create(
            [
                Person(
                    username=f"bench{i:05d}",
                    email=f"bench{i:05d}@example.org",
                    first_name=f"Person{i}",
                    last_name=rng.choice(surnames),
                    password=password,
                )
                for i in range(people)
            ],
            batch_size=1000,
        )
        group_ids = list(Group.objects.filter(name__startswith="Bench group").values_list("pk", flat=True))
        agency_ids = list(Agency.objects.values_list("pk", flat=True))
        person_ids = list(Person.objects.filter(username__startswith="bench0").values_list("pk", flat=True))
        start = datetime.date(2024, 4, 1)
        GroupMembership.objects.bulk_create(
            [
                GroupMembership(person_id=pid, group_id=rng.choice(group_ids), role="member", start_date=start)
                for pid in person_ids
                for _ in range(4)
            ],
            batch_size=2000,
        )
        AgencyMembership.objects.bulk_create(
            [
                AgencyMembership(person_id=pid, agency_id=rng.choice(agency_ids), role="staff", start_date=start)
                for pid in person_ids
            ],
            batch_size=2000,
        )
        Meeting.objects.bulk_create(
            [
                Meeting(group_id=gid, date=start + datetime.timedelta(days=60 * n))
                for gid in group_ids
                for n in range(6)
            ],
            batch_size=2000,
        )
    sizes = {
        "people": Person.objects.count(),
        "groups": Group.objects.count(),
        "agencies": Agency.objects.count(),
        "group memberships": GroupMembership.objects.count(),
        "agency memberships": AgencyMembership.objects.count(),
        "meetings": Meeting.objects.count(),
        "_first_group_id": Group.objects.filter(name__startswith="Bench group").order_by("pk").first().pk,
    }
    return admin, sizes
