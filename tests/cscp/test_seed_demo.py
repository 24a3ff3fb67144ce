"""The demo partnership: what `seed_demo` builds, who the personas are, and that running it again is harmless."""

from __future__ import annotations

import datetime
import shutil
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from cscp.demo import DATA_DIR, DEFAULT_PASSWORD
from cscp.models import (
    Agency,
    AgencyMembership,
    AuditEvent,
    BusinessPlan,
    District,
    Group,
    GroupMembership,
    Meeting,
    Partnership,
    Person,
    Theme,
)
from cscp.permissions import (
    has_agency_role,
    has_any_membership,
    is_board_member,
    is_business_group_member,
    is_group_chair,
    is_partnership_admin,
    is_scrutineer,
)

pytestmark = pytest.mark.django_db

PERSONAS = ("admin", "board", "business", "chair", "officer", "s11lead", "auditor", "scrutineer", "outsider")


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _default_password(monkeypatch):
    # The environment running the tests may set its own; these tests choose theirs.
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


@pytest.fixture
def demo(settings):
    settings.DEMO = True
    seed()


def person(username: str) -> Person:
    # A fresh object each time: roles are cached on the person for the length of a request.
    return Person.objects.get(username=username)


def history_counts() -> dict[str, int]:
    historical = [m for m in apps.get_models() if m.__name__.startswith("Historical")]
    assert historical, "the core's models keep history"
    return {m.__name__: m.objects.count() for m in historical}


def copy_of_the_data(tmp_path):
    data = tmp_path / "demo"
    shutil.copytree(DATA_DIR, data)
    return data


def sign_in(username: str, password: str):
    # django-axes counts failures per request, so authenticate() needs one.
    return authenticate(RequestFactory().post("/sign-in/"), username=username, password=password)


def test_it_refuses_to_run_without_demo_because_the_personas_have_a_known_password(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="only where DEMO=true"):
        seed()
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()


def test_force_runs_it_without_demo(settings):
    settings.DEMO = False
    assert "Partnership: created" in seed("--force")
    assert Person.objects.filter(username="admin").exists()


def test_it_builds_the_cumbria_partnership_from_the_data_files(demo):
    partnership = Partnership.load()
    assert partnership.name == "Cumbria Safeguarding Children Partnership"
    assert partnership.short_name == "CSCP"
    assert partnership.service_name == "Partnership Assurance"
    assert partnership.contact_email.endswith(".example.org")

    assert set(District.objects.values_list("name", flat=True)) == {
        "Allerdale",
        "Barrow-in-Furness",
        "Carlisle",
        "Copeland",
        "Eden",
        "South Lakeland",
    }
    asgs = Group.objects.filter(kind=Group.Kind.ASG)
    assert asgs.count() == 3
    assert all("Covers" in g.purpose for g in asgs)
    forums = Group.objects.filter(kind=Group.Kind.FORUM)
    assert forums.count() == 6
    assert {f.district.name for f in forums} == set(District.objects.values_list("name", flat=True))

    board = Group.objects.get(kind=Group.Kind.BOARD, name="Partnership Board")
    business = Group.objects.get(kind=Group.Kind.BUSINESS, parent=board)
    assert set(Group.objects.filter(kind=Group.Kind.SUBGROUP, parent=business).values_list("name", flat=True)) == {
        "Case Review Group",
        "Missing, Exploited and Trafficked Subgroup",
        "Learning and Improvement Subgroup",
        "Quality Assurance and Performance Subgroup",
        "Child Death Overview Panel",
    }
    assert Group.objects.filter(kind=Group.Kind.PROGRAMME).count() == 2
    assert Group.objects.filter(kind=Group.Kind.TEAM).exists()
    assert Group.objects.filter(kind=Group.Kind.SCRUTINY).exists()

    assert Agency.objects.count() >= 20
    assert len(set(Agency.objects.values_list("sector", flat=True))) >= 6
    assert Person.objects.count() >= 40
    # Reserved example domains only: no real person's address is in the demo.
    assert all(
        ".example.org" in e or e.endswith("@example.org") for e in Person.objects.values_list("email", flat=True)
    )


def test_every_group_has_a_chair_and_every_agency_has_someone(demo):
    chaired = set(
        GroupMembership.objects.current().filter(role=GroupMembership.Role.CHAIR).values_list("group", flat=True)
    )
    assert chaired == set(Group.objects.values_list("pk", flat=True))
    staffed = set(AgencyMembership.objects.current().values_list("agency", flat=True))
    assert staffed == set(Agency.objects.values_list("pk", flat=True))
    s11_leads = AgencyMembership.objects.current().filter(role=AgencyMembership.Role.SECTION_11_LEAD)
    assert s11_leads.values("agency").distinct().count() >= 10
    assert AgencyMembership.objects.current().filter(role=AgencyMembership.Role.DATA_OFFICER).count() >= 3
    # History is part of the story: some memberships have ended.
    assert GroupMembership.objects.filter(end_date__isnull=False).exists()


def test_the_board_the_business_group_and_subgroups_have_past_and_future_meetings(demo):
    today = datetime.date(2026, 11, 27)
    for group in Group.objects.filter(kind__in=[Group.Kind.BOARD, Group.Kind.BUSINESS, Group.Kind.SUBGROUP]):
        dates = list(Meeting.objects.filter(group=group).values_list("date", flat=True))
        assert len(dates) >= 12, group
        assert min(dates) < today < max(dates), group
        assert min(dates) >= datetime.date(2025, 4, 1) and max(dates) <= datetime.date(2027, 3, 31), group


def test_the_business_plan_has_the_boards_three_priorities_and_the_themes_are_there(demo):
    plan = BusinessPlan.objects.get(title="Business plan 2025-27")
    assert (plan.start_date, plan.end_date) == (datetime.date(2025, 4, 1), datetime.date(2027, 3, 31))
    titles = [p.title for p in plan.priorities.order_by("number")]
    assert [t.split(":")[0].split(" and ")[0] for t in titles] == ["Neglect", "Child exploitation", "Voice"]
    assert all(len(p.description) > 200 for p in plan.priorities.all())
    names = set(Theme.objects.values_list("name", flat=True))
    assert {
        "Neglect",
        "Child exploitation",
        "Missing children",
        "Domestic abuse",
        "Voice of the child",
        "Thresholds",
        "Online safety",
        "Early help",
        "Safer recruitment",
    } <= names


def test_each_persona_holds_the_role_the_demo_promises(demo):
    police = Agency.objects.get(name="Cumbria Constabulary")
    council = Agency.objects.get(name="Cumberland Council")
    learning = Group.objects.get(name="Learning and Improvement Subgroup")
    quality = Group.objects.get(name="Quality Assurance and Performance Subgroup")

    assert is_partnership_admin(person("admin"))
    assert not person("admin").is_superuser
    assert is_scrutineer(person("scrutineer"))
    assert is_board_member(person("board"))
    assert is_business_group_member(person("business"))
    assert is_group_chair(person("chair"), learning)
    assert not is_group_chair(person("chair"), quality)
    assert has_agency_role(AgencyMembership.Role.SECTION_11_LEAD)(person("s11lead"), police)
    assert has_agency_role(AgencyMembership.Role.DATA_OFFICER)(person("officer"), council)
    assert (
        GroupMembership.objects.current()
        .filter(person__username="officer", group=quality, role=GroupMembership.Role.OFFICER)
        .exists()
    )
    assert has_agency_role(AgencyMembership.Role.AUDITOR)(person("auditor"), council)
    assert GroupMembership.objects.current().filter(person__username="auditor", group=quality).exists()

    outsider = person("outsider")
    assert outsider.is_active
    assert not has_any_membership(outsider)
    assert not outsider.group_memberships.exists() and not outsider.agency_memberships.exists()

    # Nobody but the admin persona is an admin, so each persona shows one role, not several at once.
    for name in set(PERSONAS) - {"admin"}:
        assert not is_partnership_admin(person(name)), name


def test_the_personas_sign_in_with_the_demo_password(settings, monkeypatch):
    settings.DEMO = True
    monkeypatch.setenv("DEMO_PASSWORD", "a-different-demo-password")
    seed()
    for name in PERSONAS:
        assert sign_in(name, "a-different-demo-password") == person(name), name
    assert sign_in("chair", DEFAULT_PASSWORD) is None
    # The people who are not personas are there to be worked with, not signed in as.
    assert not person("gillian.hodgson").has_usable_password()


def test_without_demo_password_the_default_one_works(demo):
    assert sign_in("Admin", DEFAULT_PASSWORD) == person("admin")


def test_a_second_run_changes_nothing(demo):
    history, events = history_counts(), AuditEvent.objects.count()
    assert AuditEvent.objects.filter(action="cscp.demo.seeded").count() == 1

    output = seed()

    assert "up to date" in output
    assert history_counts() == history
    assert AuditEvent.objects.count() == events


def test_the_partnership_core_is_checked_in_a_handful_of_queries(demo, monkeypatch, django_assert_max_num_queries):
    # Bulk reads: the core's second run costs a handful of queries however big the partnership is. (Each app's own
    # demo loader, run after it, is tested with the app.)
    monkeypatch.setattr("cscp.management.commands.seed_demo.demo_loaders", [])
    with django_assert_max_num_queries(20):
        assert "up to date" in seed()


def test_a_second_run_keeps_what_was_changed_in_the_browser_and_only_adds_what_is_missing(demo):
    chair = person("chair")
    chair.set_password("something-else-entirely")
    chair.job_title = "Changed in the demo"
    chair.save()
    board = Group.objects.get(name="Partnership Board")
    board.purpose = "Changed in the demo"
    board.save()
    police = Agency.objects.get(name="Cumbria Constabulary")
    police.is_active = False
    police.save()
    added = Agency.objects.create(name="An agency added while trying the demo", sector=Agency.Sector.OTHER)
    Theme.objects.get(name="Safe sleep").delete()

    output = seed()

    assert "Updated" not in output and "Reset" not in output
    assert "Partnership: created 1 theme." in output
    assert sign_in("chair", "something-else-entirely") == chair
    assert person("chair").job_title == "Changed in the demo"
    assert Group.objects.get(pk=board.pk).purpose == "Changed in the demo"
    assert not Agency.objects.get(pk=police.pk).is_active
    assert Agency.objects.filter(pk=added.pk).exists()
    assert Theme.objects.filter(name="Safe sleep").exists()
    event = AuditEvent.objects.filter(action="cscp.demo.seeded").order_by("-pk").first()
    assert event.data == {"created": {"theme": 1}}


def test_a_mistake_in_a_data_file_names_the_file_and_line_and_loads_nothing(settings, tmp_path):
    settings.DEMO = True
    data = copy_of_the_data(tmp_path)
    lines = (data / "group_memberships.csv").read_text().splitlines()
    lines.insert(3, "chair,The Knitting Circle,member,2024-04-01,")
    (data / "group_memberships.csv").write_text("\n".join(lines) + "\n")

    with pytest.raises(
        CommandError, match=r"group_memberships\.csv, line 4, column group: there is no group called “The Knitting"
    ):
        seed("--data", str(data))
    assert not Person.objects.exists()


def test_two_chairs_at_once_are_refused(settings, tmp_path):
    settings.DEMO = True
    data = copy_of_the_data(tmp_path)
    with (data / "group_memberships.csv").open("a") as f:
        f.write("auditor,Partnership Board,chair,2025-04-01,\n")

    with pytest.raises(CommandError, match="Partnership Board already has a chair for these dates"):
        seed("--data", str(data))


def test_another_partnership_can_bring_its_own_files(settings, tmp_path):
    settings.DEMO = True
    data = copy_of_the_data(tmp_path)
    (data / "partnership.csv").write_text("name,short_name\nBorsetshire Safeguarding Children Partnership,BSCP\n")
    (data / "themes.csv").write_text('name,description\nRural isolation,"Children living far from services"\n')

    seed("--data", str(data))

    assert Partnership.load().short_name == "BSCP"
    assert list(Theme.objects.values_list("name", flat=True)) == ["Rural isolation"]


def test_groups_may_be_listed_before_the_group_they_report_to(settings, tmp_path):
    settings.DEMO = True
    data = copy_of_the_data(tmp_path)
    header, *rows = (data / "groups.csv").read_text().splitlines()
    (data / "groups.csv").write_text("\n".join([header, *reversed(rows)]) + "\n")

    seed("--data", str(data))

    assert Group.objects.get(name="Case Review Group").parent.name == "Business Group"


def test_a_group_reporting_to_a_group_that_is_not_listed_is_refused(settings, tmp_path):
    settings.DEMO = True
    data = copy_of_the_data(tmp_path)
    with (data / "groups.csv").open("a") as f:
        f.write("Knitting Circle,subgroup,Board of Knitting,,,\n")

    with pytest.raises(
        CommandError, match="line 22, column parent: there is no group called “Board of Knitting” in groups.csv"
    ):
        seed("--data", str(data))


def test_a_row_listed_twice_is_refused_because_no_run_would_be_the_last(settings, tmp_path):
    settings.DEMO = True
    data = copy_of_the_data(tmp_path)
    with (data / "themes.csv").open("a") as f:
        f.write("Neglect,Said twice\n")

    with pytest.raises(CommandError, match="this theme is listed twice"):
        seed("--data", str(data))
