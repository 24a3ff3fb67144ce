"""Shared test set-up: the personas of the demo partnership, one per role, plus an outsider.

Each persona is a signed-in person whose roles come from memberships, exactly as in the product. A second
subgroup and a second agency, with people of their own, let tests check that one group's chair cannot
reach another group's things.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from config.celery import app as celery_app
from cscp.models import Agency, AgencyMembership, Group, GroupMembership, Person
from tests.factories import AgencyFactory, AgencyMembershipFactory, GroupFactory, GroupMembershipFactory, PersonFactory

# Tests run Celery tasks in-process; tests/cscp/test_celery_worker.py runs a real worker as well.
celery_app.conf.task_always_eager = True
celery_app.conf.task_eager_propagates = True

PERSONAS = ("admin", "board", "business", "chair", "officer", "s11lead", "auditor", "scrutineer", "outsider")


@dataclass
class Partnership:
    team: Group
    board: Group
    business: Group
    subgroup: Group
    other_subgroup: Group
    scrutiny: Group
    agency: Agency
    other_agency: Agency
    people: dict[str, Person]
    other_chair: Person
    other_s11lead: Person

    def __getitem__(self, name: str) -> Person:
        return self.people[name]


@pytest.fixture(autouse=True)
def _fast_and_plain(settings, tmp_path):
    # MFA is tested on its own (tests/cscp/test_mfa.py); elsewhere it would only get in the way.
    settings.REQUIRE_MFA = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Uploaded and generated files (evidence, PDFs) go to a folder of the test's own, not the developer's var/.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def partnership(db) -> Partnership:
    team = GroupFactory(name="Partnership team", kind=Group.Kind.TEAM)
    board = GroupFactory(name="Partnership Board", kind=Group.Kind.BOARD)
    business = GroupFactory(name="Business Group", kind=Group.Kind.BUSINESS, parent=board)
    subgroup = GroupFactory(name="Learning and Improvement Subgroup", kind=Group.Kind.SUBGROUP, parent=business)
    other_subgroup = GroupFactory(name="Case Review Group", kind=Group.Kind.SUBGROUP, parent=business)
    scrutiny = GroupFactory(name="Independent scrutiny", kind=Group.Kind.SCRUTINY)
    agency = AgencyFactory(name="Cumbria Constabulary", sector=Agency.Sector.POLICE)
    other_agency = AgencyFactory(name="Cumberland Council", sector=Agency.Sector.LOCAL_AUTHORITY)

    people = {name: PersonFactory(username=name) for name in PERSONAS}
    G, A = GroupMembership.Role, AgencyMembership.Role
    GroupMembershipFactory(person=people["admin"], group=team, role=G.OFFICER)
    GroupMembershipFactory(person=people["board"], group=board, role=G.MEMBER)
    GroupMembershipFactory(person=people["business"], group=business, role=G.MEMBER)
    GroupMembershipFactory(person=people["chair"], group=subgroup, role=G.CHAIR)
    GroupMembershipFactory(person=people["officer"], group=subgroup, role=G.OFFICER)
    GroupMembershipFactory(person=people["scrutineer"], group=scrutiny, role=G.MEMBER)
    AgencyMembershipFactory(person=people["s11lead"], agency=agency, role=A.SECTION_11_LEAD)
    AgencyMembershipFactory(person=people["officer"], agency=other_agency, role=A.DATA_OFFICER)
    AgencyMembershipFactory(person=people["auditor"], agency=other_agency, role=A.AUDITOR)

    other_chair = PersonFactory(username="otherchair")
    GroupMembershipFactory(person=other_chair, group=other_subgroup, role=G.CHAIR)
    other_s11lead = PersonFactory(username="others11lead")
    AgencyMembershipFactory(person=other_s11lead, agency=other_agency, role=A.SECTION_11_LEAD)
    return Partnership(
        team,
        board,
        business,
        subgroup,
        other_subgroup,
        scrutiny,
        agency,
        other_agency,
        people,
        other_chair,
        other_s11lead,
    )


@pytest.fixture
def client_for(partnership):
    """client_for("chair") is a test client signed in as the chair; client_for(None) is anonymous."""

    def make(name: str | None) -> Client:
        client = Client()
        if name is not None:
            client.force_login(partnership[name])
        return client

    return make


@pytest.fixture
def vice_chair(partnership) -> Person:
    """The vice-chair of the chair's group, only for the tests that ask: most tests expect the chair to be the
    group's only chair."""
    person = PersonFactory(username="vicechair", first_name="Vita", last_name="Vice")
    GroupMembershipFactory(person=person, group=partnership.subgroup, role=GroupMembership.Role.VICE_CHAIR)
    return person


@pytest.fixture
def board_chair(partnership) -> Person:
    """The chair of the Board, who minutes its decisions (the `board` persona is an ordinary member)."""
    person = PersonFactory(username="boardchair", first_name="Bea", last_name="Chair")
    GroupMembershipFactory(person=person, group=partnership.board, role=GroupMembership.Role.CHAIR)
    return person
