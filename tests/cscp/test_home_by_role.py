"""Each person's home page says what they need to do next, with a link to where the work is: the Board member's
next meeting and its pack, the Scrutineer's late updates and overdue actions, the partnership team's people and
cycles to follow up and imports to check. Each section costs the same queries however much there is."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cscp.actions.models import Action
from cscp.boardpack.models import BoardPack
from cscp.models import Meeting
from scorecards.models import ImportRun
from tests.cscp.actions.helpers import bulk_actions
from tests.cscp.impact.factories import CycleFactory
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _home(client) -> str:
    response = client.get(reverse("cscp:home"))
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, title: str) -> str:
    """The home section with this heading, as HTML ('' when the page has none)."""
    found = re.search(rf"<section[^>]*>\s*<h2[^>]*>{re.escape(title)}</h2>(.*?)</section>", html, re.S)
    return found.group(1) if found else ""


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _late_cycle(p, n: int):
    """A cycle due `n` days ago for both subgroups, neither of which has reported."""
    cycle = CycleFactory(groups=[p.subgroup, p.other_subgroup])
    cycle.board_meeting.date = timezone.localdate() + datetime.timedelta(days=5 + n)
    cycle.board_meeting.save()
    cycle.due_date = timezone.localdate() - datetime.timedelta(days=n)
    cycle.save()
    return cycle


def _more_work(p, n: int, start: int = 0) -> None:
    """n of everything a home section counts."""
    for i in range(start, start + n):
        _late_cycle(p, i + 1)
        Meeting.objects.create(group=p.board, date=timezone.localdate() + datetime.timedelta(days=400 + i))
        invited = PersonFactory(username=f"invited{i}")
        invited.set_unusable_password()
        invited.save()
        PersonFactory(username=f"nobody{i}")  # has set a password, in no group or agency
        ImportRun.objects.create(
            kind=ImportRun.Kind.LOCAL_VALUES,
            file_name=f"values-{i}.csv",
            status=ImportRun.Status.PREVIEW,
            created_by=p["admin"],
        )
    bulk_actions(3 * n, owner_group=p.other_subgroup, start=1000 + start * 10)


# The Board.


def test_a_board_member_sees_the_next_meeting_and_a_link_to_its_pack(client_for, partnership):
    Meeting.objects.create(group=partnership.board, date=timezone.localdate() - datetime.timedelta(days=20))
    coming = Meeting.objects.create(group=partnership.board, date=timezone.localdate() + datetime.timedelta(days=12))
    Meeting.objects.create(group=partnership.board, date=timezone.localdate() + datetime.timedelta(days=90))

    section = _section(_home(client_for("board")), "The next Board meeting")

    assert coming.date.strftime("%-d %B %Y") in _text(section)
    assert "Not made yet" in _text(section)
    assert f'href="{reverse("boardpack:detail", args=[coming.pk])}"' in section
    assert client_for("board").get(reverse("boardpack:detail", args=[coming.pk])).status_code == 200


def test_once_the_pack_is_made_the_board_member_is_asked_to_read_it(client_for, partnership):
    coming = Meeting.objects.create(group=partnership.board, date=timezone.localdate() + datetime.timedelta(days=12))
    BoardPack.objects.create(meeting=coming, generated_by=partnership["admin"])
    section = _text(_section(_home(client_for("board")), "The next Board meeting"))
    assert "Read the Board pack for" in section and "Made on" in section


def test_with_no_meeting_arranged_the_board_member_is_told_so(client_for, partnership):
    section = _text(_section(_home(client_for("board")), "The next Board meeting"))
    assert "No Board meeting has been arranged yet" in section


def test_people_outside_the_board_and_the_team_have_no_board_meeting_section(client_for, partnership):
    Meeting.objects.create(group=partnership.board, date=timezone.localdate() + datetime.timedelta(days=12))
    for persona in ("chair", "scrutineer", "officer", "outsider"):
        assert "The next Board meeting" not in _home(client_for(persona)), persona


# The Independent Scrutineer.


def test_the_scrutineer_sees_late_updates_each_linking_to_the_groups_updates(client_for, partnership):
    _late_cycle(partnership, 3)
    client = client_for("scrutineer")

    section = _section(_home(client), "Late impact updates")

    assert "2 updates past their due date and not submitted" in _text(section)
    for group in (partnership.subgroup, partnership.other_subgroup):
        url = reverse("impact:group-updates", args=[group.pk])
        assert f'href="{url}"' in section
        assert client.get(url).status_code == 200


def test_the_scrutineer_sees_overdue_actions_by_owner_linking_to_the_tracker(client_for, partnership):
    bulk_actions(30, owner_group=partnership.other_subgroup)
    overdue = sum(
        1 for action in Action.objects.filter(stage=Action.Stage.OPEN) if action.due_date < timezone.localdate()
    )
    client = client_for("scrutineer")

    section = _section(_home(client), "Overdue actions")

    assert f"{overdue} open actions past their due date" in _text(section)
    url = f"{reverse('actions:list')}?status=overdue&amp;owner_group={partnership.other_subgroup.pk}"
    assert f'href="{url}"' in section
    listed = client.get(url.replace("&amp;", "&"))
    assert listed.status_code == 200 and listed.context["page"].paginator.count == overdue


def test_the_scrutineer_is_told_when_nothing_is_late_or_overdue(client_for, partnership):
    html = _home(client_for("scrutineer"))
    assert "Every group due to report has submitted its update" in _text(_section(html, "Late impact updates"))
    assert "No action is overdue" in _text(_section(html, "Overdue actions"))


# The partnership team.


def test_the_team_sees_invitations_not_accepted_and_people_in_no_group(client_for, partnership):
    invited = PersonFactory(username="newcomer")
    invited.set_unusable_password()
    invited.save()
    PersonFactory(username="nobody")
    client = client_for("admin")

    section = _section(_home(client), "People to follow up")

    assert "1 invitation not accepted" in _text(section)
    # The outsider and "nobody": everyone else in the fixture is in a group or an agency.
    assert "2 people in no group or agency" in _text(section)
    assert f'href="{reverse("cscp:person-list")}?status=unassigned"' in section
    listed = client.get(reverse("cscp:person-list"), {"status": "unassigned"}).context["page"].object_list
    assert sorted(person.username for person in listed) == ["nobody", "outsider"]
    invited_listed = client.get(reverse("cscp:person-list"), {"status": "invited"}).context["page"].object_list
    assert [person.username for person in invited_listed] == ["newcomer"]


def test_the_team_sees_board_meetings_with_no_reporting_cycle(client_for, partnership):
    bare = Meeting.objects.create(group=partnership.board, date=timezone.localdate() + datetime.timedelta(days=40))
    covered = CycleFactory(groups=[partnership.subgroup]).board_meeting
    section = _section(_home(client_for("admin")), "Board meetings with no reporting cycle")
    assert f", {bare.date.strftime('%-d %B %Y')}" in _text(section)
    assert f", {covered.date.strftime('%-d %B %Y')}" not in _text(section)
    assert f'href="{reverse("impact:cycle-create")}"' in section


def test_the_team_sees_imports_waiting_to_be_checked(client_for, partnership):
    waiting = ImportRun.objects.create(
        kind=ImportRun.Kind.LOCAL_VALUES,
        file_name="march.csv",
        status=ImportRun.Status.PREVIEW,
        created_by=partnership["officer"],
    )
    ImportRun.objects.create(kind=ImportRun.Kind.LOCAL_VALUES, file_name="done.csv", status=ImportRun.Status.DONE)
    client = client_for("admin")
    section = _section(_home(client), "Imports waiting to be checked")
    assert "Check march.csv" in _text(section) and "done.csv" not in section
    url = reverse("scorecards:import-detail", args=[waiting.pk])
    assert f'href="{url}"' in section
    assert client.get(url).status_code == 200


def test_others_have_none_of_the_teams_sections(client_for, partnership):
    _more_work(partnership, 1)
    for persona in ("board", "chair", "scrutineer", "outsider"):
        html = _home(client_for(persona))
        for title in ("People to follow up", "Board meetings with no reporting cycle", "Imports waiting to be checked"):
            assert title not in html, (persona, title)


# What each home costs.

# Pinned per persona: the queries of the home page with a little of everything. Adding more must add none.
HOME_QUERIES = {
    "admin": 24,
    "board": 17,
    "business": 21,
    "chair": 17,
    "officer": 15,
    "scrutineer": 20,
    "outsider": 15,
}


@pytest.mark.parametrize("persona", sorted(HOME_QUERIES))
def test_each_home_costs_the_same_queries_however_much_there_is_to_do(
    persona, client_for, partnership, django_assert_max_num_queries
):
    Meeting.objects.create(group=partnership.board, date=timezone.localdate() + datetime.timedelta(days=12))
    _more_work(partnership, 1)
    client = client_for(persona)
    _home(client)
    with django_assert_max_num_queries(HOME_QUERIES[persona]) as few:
        _home(client)
    _more_work(partnership, 4, start=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        _home(client)
