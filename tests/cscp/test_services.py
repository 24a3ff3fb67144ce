"""Unit tests of the partnership core's services: people and memberships."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from cscp import services
from cscp.models import AgencyMembership, AuditEvent, GroupMembership, OutboxEmail, Person
from tests.factories import AgencyMembershipFactory, GroupMembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

G, A = GroupMembership.Role, AgencyMembership.Role
D = datetime.date


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# Inviting.


def test_invite_creates_a_person_who_must_set_a_password(partnership, django_capture_on_commit_callbacks):
    admin = partnership["admin"]
    with django_capture_on_commit_callbacks(execute=True):
        person = services.person_invite(
            actor=admin,
            email=" New.Person@Example.org ",
            first_name=" New ",
            last_name="Person",
            job_title="Head of quality",
        )

    assert (person.email, person.first_name, person.username) == ("new.person@example.org", "New", "new.person")
    assert not person.has_usable_password()
    assert person.is_active
    [event] = events("cscp.person.invited")
    assert event.actor == admin and event.object_id == str(person.pk)
    [email] = mail.outbox
    assert email.to == ["new.person@example.org"]
    assert "/accounts/set-password/" in email.body
    assert OutboxEmail.objects.get().sent_at is not None


def test_invite_refuses_an_email_already_in_use_whatever_its_case(partnership):
    with pytest.raises(ValidationError) as raised:
        services.person_invite(actor=partnership["admin"], email="CHAIR@example.org", first_name="A", last_name="B")
    assert "email" in raised.value.message_dict
    assert Person.objects.filter(email__iexact="chair@example.org").count() == 1
    assert not events("cscp.person.invited")
    assert not OutboxEmail.objects.exists()


def test_invite_makes_each_sign_in_name_unique(partnership):
    admin = partnership["admin"]
    # "chair" is taken by the persona; the invited chair@elsewhere gets the next free name.
    person = services.person_invite(actor=admin, email="chair@elsewhere.org", first_name="A", last_name="B")
    assert person.username == "chair2"


def test_the_invitation_email_is_sent_only_after_the_transaction_commits(
    partnership, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.person_invite(actor=partnership["admin"], email="later@example.org", first_name="A", last_name="B")
    assert mail.outbox == []
    assert callbacks
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["later@example.org"]]


def test_an_invitation_can_be_resent_until_a_password_is_set(partnership, django_capture_on_commit_callbacks):
    admin = partnership["admin"]
    person = services.person_invite(actor=admin, email="again@example.org", first_name="A", last_name="B")
    with django_capture_on_commit_callbacks(execute=True):
        services.person_resend_invitation(actor=admin, person=person)
    assert OutboxEmail.objects.filter(to="again@example.org").count() == 2
    assert events("cscp.person.invitation_resent")[0].actor == admin

    person.set_password("a long enough password")
    person.save()
    with pytest.raises(ValidationError):
        services.person_resend_invitation(actor=admin, person=person)


# Updating and deactivating.


def test_update_records_what_changed_and_who_changed_it(partnership):
    chair = partnership["chair"]
    services.person_update(
        actor=partnership["admin"], person=chair, values={"job_title": "Director", "email": "Chair.New@Example.org"}
    )
    chair.refresh_from_db()
    assert chair.email == "chair.new@example.org"
    [event] = events("cscp.person.updated")
    assert event.actor == partnership["admin"]
    assert event.data["changes"]["job_title"][1] == "Director"


def test_update_refuses_another_persons_email(partnership):
    with pytest.raises(ValidationError) as raised:
        services.person_update(
            actor=partnership["admin"],
            person=partnership["chair"],
            values={"email": partnership["board"].email.upper()},
        )
    assert "email" in raised.value.message_dict


def test_deactivating_ends_current_memberships_today_and_is_recorded(partnership):
    officer = partnership["officer"]
    ended_before = GroupMembershipFactory(person=officer, group=partnership.board, end_date=D(2025, 1, 31))
    future = GroupMembershipFactory(
        person=officer, group=partnership.business, start_date=timezone.localdate() + datetime.timedelta(days=10)
    )

    services.person_deactivate(actor=partnership["admin"], person=officer)

    officer.refresh_from_db()
    today = timezone.localdate()
    assert not officer.is_active
    assert officer.group_memberships.get(group=partnership.subgroup).end_date == today
    assert officer.agency_memberships.get().end_date == today
    ended_before.refresh_from_db()
    assert ended_before.end_date == D(2025, 1, 31)  # history is left alone
    future.refresh_from_db()
    assert future.end_date is None  # not yet in force, so not "current"
    [event] = events("cscp.person.deactivated")
    assert (event.actor, event.object_id) == (partnership["admin"], str(officer.pk))


def test_nobody_can_deactivate_themselves(partnership):
    with pytest.raises(ValidationError):
        services.person_deactivate(actor=partnership["admin"], person=partnership["admin"])
    assert Person.objects.get(username="admin").is_active


def test_deactivating_twice_changes_nothing_more(partnership):
    chair = partnership["chair"]
    services.person_deactivate(actor=partnership["admin"], person=chair)
    services.person_deactivate(actor=partnership["admin"], person=chair)
    assert len(events("cscp.person.deactivated")) == 1


def test_reactivating_lets_them_back_in_without_their_old_memberships(partnership):
    chair = partnership["chair"]
    services.person_deactivate(actor=partnership["admin"], person=chair)
    services.person_reactivate(actor=partnership["admin"], person=chair)
    chair.refresh_from_db()
    assert chair.is_active
    assert events("cscp.person.reactivated")[0].actor == partnership["admin"]


# Memberships: dates and overlaps.


def add(partnership, person, role, start, end=None, group=None):
    return services.group_membership_create(
        actor=partnership["admin"],
        person=person,
        group=group or partnership.other_subgroup,
        role=role,
        start_date=start,
        end_date=end,
    )


def test_a_membership_may_not_end_before_it_starts(partnership):
    with pytest.raises(ValidationError) as raised:
        add(partnership, partnership["board"], G.MEMBER, D(2026, 3, 1), D(2026, 2, 28))
    assert "end_date" in raised.value.message_dict


def test_a_one_day_membership_is_allowed(partnership):
    membership = add(partnership, partnership["board"], G.MEMBER, D(2026, 3, 1), D(2026, 3, 1))
    assert membership.pk


@pytest.mark.parametrize(
    ("start", "end", "clashes"),
    [
        (D(2026, 1, 1), None, True),  # open-ended, over an open-ended chair
        (D(2030, 1, 1), D(2030, 12, 31), True),  # far in the future, but the chair's term has no end
        (D(2020, 1, 1), D(2024, 4, 1), True),  # ends on the chair's first day
        (D(2020, 1, 1), D(2024, 3, 31), False),  # ends the day before the chair started
        (D(2020, 1, 1), D(2020, 12, 31), False),  # long before
    ],
)
def test_a_group_has_one_chair_at_a_time_and_an_open_end_runs_for_ever(partnership, start, end, clashes):
    # other_chair has chaired the other subgroup since 1 April 2024 with no end date.
    if clashes:
        with pytest.raises(ValidationError) as raised:
            add(partnership, partnership["board"], G.CHAIR, start, end)
        assert "role" in raised.value.message_dict
        assert str(partnership.other_chair) in raised.value.message_dict["role"][0]
    else:
        assert add(partnership, partnership["board"], G.CHAIR, start, end).pk


def test_an_open_ended_new_chair_clashes_with_a_chair_who_starts_later(partnership):
    GroupMembership.objects.filter(person=partnership.other_chair).update(start_date=D(2027, 1, 1))
    with pytest.raises(ValidationError):
        add(partnership, partnership["board"], G.CHAIR, D(2026, 1, 1))
    assert add(partnership, partnership["board"], G.CHAIR, D(2026, 1, 1), D(2026, 12, 31)).pk


def test_one_vice_chair_at_a_time_but_any_number_of_members(partnership):
    add(partnership, partnership["board"], G.VICE_CHAIR, D(2026, 1, 1))
    with pytest.raises(ValidationError):
        add(partnership, partnership["business"], G.VICE_CHAIR, D(2026, 6, 1), D(2026, 6, 30))
    for name in ("business", "s11lead", "auditor"):
        add(partnership, partnership[name], G.MEMBER, D(2026, 1, 1))
    assert partnership.other_subgroup.memberships.filter(role=G.MEMBER).count() == 3


def test_the_same_person_in_the_same_role_twice_at_once_is_a_duplicate(partnership):
    add(partnership, partnership["board"], G.MEMBER, D(2026, 1, 1), D(2026, 6, 30))
    with pytest.raises(ValidationError) as raised:
        add(partnership, partnership["board"], G.MEMBER, D(2026, 6, 30))
    assert "person" in raised.value.message_dict
    # A later spell, after the first has ended, is fine.
    assert add(partnership, partnership["board"], G.MEMBER, D(2026, 7, 1)).pk


def test_a_deactivated_person_cannot_be_given_a_membership(partnership):
    person = PersonFactory(username="gone", is_active=False)
    with pytest.raises(ValidationError) as raised:
        add(partnership, person, G.MEMBER, D(2026, 1, 1))
    assert "person" in raised.value.message_dict
    with pytest.raises(ValidationError):
        services.agency_membership_create(
            actor=partnership["admin"], person=person, agency=partnership.agency, role=A.STAFF, start_date=D(2026, 1, 1)
        )
    assert not GroupMembership.objects.filter(person=person).exists()


def test_agency_memberships_refuse_duplicates_and_bad_dates(partnership):
    def agency_add(start, end=None, role=A.SECTION_11_LEAD):
        return services.agency_membership_create(
            actor=partnership["admin"],
            person=partnership["s11lead"],
            agency=partnership.agency,
            role=role,
            start_date=start,
            end_date=end,
        )

    with pytest.raises(ValidationError):
        agency_add(D(2026, 1, 1))  # already the Section 11 lead, open-ended
    with pytest.raises(ValidationError) as raised:
        agency_add(D(2026, 1, 2), D(2026, 1, 1), role=A.AUDITOR)
    assert "end_date" in raised.value.message_dict
    assert agency_add(D(2026, 1, 1), role=A.AUDITOR).pk


def test_memberships_created_are_recorded_with_the_actor(partnership):
    membership = add(partnership, partnership["board"], G.MEMBER, D(2026, 1, 1))
    [event] = events("cscp.group_membership.created")
    assert event.actor == partnership["admin"]
    assert event.object_id == str(membership.pk)
    assert event.data == {"person": partnership["board"].pk, "group": partnership.other_subgroup.pk, "role": "member"}


# Ending a membership.


def test_ending_a_membership_keeps_it_and_records_the_date(partnership):
    membership = partnership.other_chair.group_memberships.get()
    services.membership_end(actor=partnership["admin"], membership=membership, end_date=D(2026, 3, 31))
    membership.refresh_from_db()
    assert membership.end_date == D(2026, 3, 31)
    [event] = events("cscp.groupmembership.ended")
    assert event.actor == partnership["admin"] and event.data == {"end_date": "2026-03-31"}


def test_a_membership_cannot_be_ended_before_it_started(partnership):
    membership = partnership["s11lead"].agency_memberships.get()
    with pytest.raises(ValidationError) as raised:
        services.membership_end(actor=partnership["admin"], membership=membership, end_date=D(2024, 3, 31))
    assert "end_date" in raised.value.message_dict
    membership.refresh_from_db()
    assert membership.end_date is None
    assert not events("cscp.agencymembership.ended")


def test_a_membership_ending_on_its_first_day_is_allowed(partnership):
    membership = AgencyMembershipFactory(
        person=partnership["board"], agency=partnership.agency, start_date=D(2026, 2, 1)
    )
    services.membership_end(actor=partnership["admin"], membership=membership, end_date=D(2026, 2, 1))
    membership.refresh_from_db()
    assert membership.end_date == D(2026, 2, 1)


def test_after_a_chair_leaves_a_new_chair_can_start_the_next_day(partnership):
    membership = partnership.other_chair.group_memberships.get()
    services.membership_end(actor=partnership["admin"], membership=membership, end_date=D(2026, 3, 31))
    with pytest.raises(ValidationError):
        add(partnership, partnership["board"], G.CHAIR, D(2026, 3, 31))
    assert add(partnership, partnership["board"], G.CHAIR, D(2026, 4, 1)).pk
