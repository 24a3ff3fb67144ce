"""The people pages: list, invite, details, edit, deactivate and reactivate, resend an invitation."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cscp.models import AuditEvent, GroupMembership, OutboxEmail, Person
from tests.factories import AgencyMembershipFactory, GroupMembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def invited(**kwargs) -> Person:
    person = PersonFactory(**kwargs)
    person.set_unusable_password()
    person.save()
    return person


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# The list.


def test_anonymous_visitors_are_sent_to_sign_in(client_for):
    response = client_for(None).get(reverse("cscp:person-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("cscp:sign-in"))


@pytest.mark.parametrize("persona", ["outsider", "chair", "board", "scrutineer"])
def test_only_partnership_admins_see_the_people_list(client_for, persona):
    assert client_for(persona).get(reverse("cscp:person-list")).status_code == 403


def test_an_admin_sees_everyone_with_their_status(client_for, partnership):
    PersonFactory(username="gone", first_name="Gwen", last_name="Gone", is_active=False)
    invited(username="newbie", first_name="Nia", last_name="New", job_title="Designated nurse")

    response = client_for("admin").get(reverse("cscp:person-list"))

    assert response.status_code == 200
    page = text_of(response)
    assert "Nia New" in page and "newbie@example.org" in page and "Designated nurse" in page
    assert re.search(r"Nia New.*?Invited", page)
    assert re.search(r"Gwen Gone.*?Deactivated", page)
    chair = partnership["chair"]
    assert re.search(rf"{chair.get_full_name()}.*?Active", page)
    assert reverse("cscp:person-detail", args=[chair.pk]) in page


def test_people_are_sorted_by_name(client_for, partnership):
    PersonFactory(username="zed", first_name="Zara", last_name="Zane")
    PersonFactory(username="abe", first_name="Aaron", last_name="Able")

    page = text_of(client_for("admin").get(reverse("cscp:person-list")))

    assert page.index("Aaron Able") < page.index("Zara Zane")


@pytest.mark.parametrize("q", ["Quentin", "quill", "qq@elsewhere", "Quentin Quill", "qquill"])
def test_the_search_finds_people_by_name_email_or_sign_in_name(client_for, partnership, q):
    PersonFactory(username="qquill", first_name="Quentin", last_name="Quill", email="qq@elsewhere.org")

    page = text_of(client_for("admin").get(reverse("cscp:person-list"), {"q": q}))

    assert "Quentin Quill" in page
    assert partnership["chair"].get_full_name() not in page
    assert "1 person found" in page


def test_a_search_that_finds_no_one_says_so(client_for, partnership):
    page = text_of(client_for("admin").get(reverse("cscp:person-list"), {"q": "nobody-like-this"}))
    assert "No people found" in page


@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [
        ("active", "Amy Active", "Ian Invited"),
        ("invited", "Ian Invited", "Amy Active"),
        ("deactivated", "Dee Deactivated", "Amy Active"),
    ],
)
def test_the_list_filters_by_status(client_for, partnership, status, shown, hidden):
    PersonFactory(username="amy", first_name="Amy", last_name="Active")
    invited(username="ian", first_name="Ian", last_name="Invited")
    PersonFactory(username="dee", first_name="Dee", last_name="Deactivated", is_active=False)

    page = text_of(client_for("admin").get(reverse("cscp:person-list"), {"status": status}))

    assert shown in page
    assert hidden not in page


def test_the_group_filter_shows_current_members_only(client_for, partnership):
    former = PersonFactory(username="former", first_name="Fern", last_name="Former")
    GroupMembershipFactory(person=former, group=partnership.subgroup, end_date="2024-12-31")

    page = text_of(client_for("admin").get(reverse("cscp:person-list"), {"group": partnership.subgroup.pk}))

    assert partnership["chair"].get_full_name() in page
    assert partnership["officer"].get_full_name() in page
    assert "Fern Former" not in page
    assert partnership["board"].get_full_name() not in page


def test_the_agency_filter_shows_current_members_only(client_for, partnership):
    page = text_of(client_for("admin").get(reverse("cscp:person-list"), {"agency": partnership.other_agency.pk}))

    assert partnership["auditor"].get_full_name() in page
    assert partnership.other_s11lead.get_full_name() in page
    assert partnership["s11lead"].get_full_name() not in page


def test_a_stale_filter_value_is_ignored_rather_than_failing(client_for, partnership):
    response = client_for("admin").get(
        reverse("cscp:person-list"), {"group": "99999", "status": "nonsense", "page": "x"}
    )
    assert response.status_code == 200
    assert partnership["chair"].get_full_name() in text_of(response)


def test_the_list_shows_25_people_a_page_and_keeps_the_filters_in_its_links(client_for, partnership):
    for n in range(30):
        PersonFactory(username=f"bulk{n:02}", first_name="Bulk", last_name=f"Person {n:02}")

    first = text_of(client_for("admin").get(reverse("cscp:person-list"), {"q": "Bulk"}))
    second = text_of(client_for("admin").get(reverse("cscp:person-list"), {"q": "Bulk", "page": 2}))

    assert "Bulk Person 24" in first and "Bulk Person 25" not in first
    assert "Bulk Person 25" in second and "Bulk Person 29" in second
    assert "q=Bulk&amp;page=2" in first


@pytest.mark.parametrize("listed", [5, 60])
def test_the_list_costs_the_same_queries_however_many_people(
    client_for, partnership, django_assert_num_queries, listed
):
    for n in range(listed):
        AgencyMembershipFactory(person=PersonFactory(username=f"many{n}"), agency=partnership.other_agency)
    client = client_for("admin")
    client.get(reverse("cscp:person-list"))  # a signed-in admin's session is already under way
    # Session, person, their roles (2), the agency filtered on, count, page, partnership, the two filter
    # selects, the navigation's unread notifications, and the session's renewal (3).
    with django_assert_num_queries(14):
        response = client.get(reverse("cscp:person-list"), {"agency": partnership.other_agency.pk})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(listed + 3, 25)


# Inviting.


def test_the_invite_page_asks_for_name_email_and_job_title(client_for):
    page = text_of(client_for("admin").get(reverse("cscp:person-invite")))
    for label in ("First name", "Last name", "Email address", "Job title (optional)"):
        assert label in page


def test_only_admins_may_invite(client_for):
    client = client_for("chair")
    assert client.get(reverse("cscp:person-invite")).status_code == 403
    response = client.post(reverse("cscp:person-invite"), {"first_name": "X", "last_name": "Y", "email": "x@y.org"})
    assert response.status_code == 403
    assert not Person.objects.filter(email="x@y.org").exists()


def test_inviting_a_person_emails_them_a_link_to_set_their_password(
    client_for, partnership, django_capture_on_commit_callbacks
):
    data = {"first_name": "Ruth", "last_name": "Reed", "email": "Ruth.Reed@Example.ORG", "job_title": "Head of service"}
    client = client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cscp:person-invite"), data)

    person = Person.objects.get(email="ruth.reed@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("cscp:person-detail", args=[person.pk])
    assert not person.has_usable_password()
    assert person.job_title == "Head of service"

    page = text_of(client.get(response["Location"]))
    assert "The invitation was sent to ruth.reed@example.org" in page
    assert "Invited" in page

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["ruth.reed@example.org"]
    link = re.search(r"https?://\S+/accounts/set-password/(?P<uid>[^/\s]+)/(?P<token>[^/\s]+)/", email.body)
    assert link, email.body
    assert person.username in email.body
    assert AuditEvent.objects.filter(
        action="cscp.person.invited", actor=partnership["admin"], object_id=str(person.pk)
    ).exists()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-email", "Enter an email address in the correct format"),
        ("CHAIR@example.org", "Someone with this email address already has an account"),
        ("", "Enter their email address"),
    ],
)
def test_a_bad_or_taken_email_is_explained_beside_the_field_and_nothing_is_created(
    client_for, partnership, email, message
):
    before = Person.objects.count()
    data = {"first_name": "Typed", "last_name": "Kept", "email": email, "job_title": "Still here"}

    response = client_for("admin").post(reverse("cscp:person-invite"), data)

    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert re.search(r'id="id_email_1_error"[^>]*>.*?' + re.escape(message), page)
    assert 'value="Typed"' in page and 'value="Kept"' in page and 'value="Still here"' in page
    assert Person.objects.count() == before
    assert not OutboxEmail.objects.exists()


# A person's page.


def test_a_persons_page_shows_their_details_memberships_and_activity(client_for, partnership):
    officer = partnership["officer"]
    officer.job_title = "Partnership officer"
    officer.save()
    GroupMembershipFactory(
        person=officer,
        group=partnership.board,
        role=GroupMembership.Role.MEMBER,
        start_date="2023-01-01",
        end_date="2023-12-31",
    )
    AuditEvent.objects.create(
        action="cscp.person.updated",
        actor=partnership["admin"],
        object_type="cscp.person",
        object_id=str(officer.pk),
        object_repr=str(officer),
    )
    AuditEvent.objects.create(
        action="cscp.auth.signed_in",
        actor=officer,
        object_type="cscp.person",
        object_id=str(officer.pk),
        object_repr=str(officer),
    )
    AuditEvent.objects.create(action="cscp.auth.signed_in", actor=partnership["chair"])

    response = client_for("admin").get(reverse("cscp:person-detail", args=[officer.pk]))

    assert response.status_code == 200
    page = text_of(response)
    for text in (officer.get_full_name(), officer.email, officer.username, "Partnership officer", "Active", "Never"):
        assert text in page
    assert re.search(r"Learning and Improvement Subgroup.*?Officer.*?1 April 2024", page)
    assert re.search(r"Cumberland Council.*?Data officer", page)
    assert re.search(r"Past memberships.*?Partnership Board.*?1 January 2023.*?31 December 2023", page)
    assert "Person&#x27;s details changed" in page or "Person's details changed" in page
    assert "Signed in" in page
    assert response.context["activity"] and len(response.context["activity"]) == 2
    end_url = reverse("cscp:group-membership-end", args=[officer.group_memberships.get(group=partnership.subgroup).pk])
    assert end_url in page
    assert reverse("cscp:person-deactivate", args=[officer.pk]) in page
    assert reverse("cscp:person-resend-invitation", args=[officer.pk]) not in page


def test_an_invited_persons_page_offers_to_send_the_invitation_again(client_for, partnership):
    person = invited(username="pending")
    page = text_of(client_for("admin").get(reverse("cscp:person-detail", args=[person.pk])))
    assert "Invited" in page
    assert reverse("cscp:person-resend-invitation", args=[person.pk]) in page


def test_a_deactivated_persons_page_offers_to_reactivate_them(client_for, partnership):
    person = PersonFactory(username="left", is_active=False)
    page = text_of(client_for("admin").get(reverse("cscp:person-detail", args=[person.pk])))
    assert "Deactivated" in page
    assert reverse("cscp:person-reactivate", args=[person.pk]) in page
    assert reverse("cscp:person-deactivate", args=[person.pk]) not in page


def test_a_persons_page_is_for_admins_only(client_for, partnership):
    url = reverse("cscp:person-detail", args=[partnership["chair"].pk])
    assert client_for("chair").get(url).status_code == 403
    assert client_for("admin").get(reverse("cscp:person-detail", args=[99999])).status_code == 404


# Editing.


def test_an_admin_can_change_a_persons_details(client_for, partnership):
    chair = partnership["chair"]
    data = {
        "first_name": "Changed",
        "last_name": chair.last_name,
        "email": "new.address@example.org",
        "job_title": "Head of safeguarding",
    }

    response = client_for("admin").post(reverse("cscp:person-edit", args=[chair.pk]), data)

    assert response.status_code == 302
    chair.refresh_from_db()
    assert chair.first_name == "Changed" and chair.email == "new.address@example.org"
    event = AuditEvent.objects.get(action="cscp.person.updated", object_id=str(chair.pk))
    assert event.actor == partnership["admin"]
    assert "first_name" in event.data["changes"]


def test_the_edit_page_starts_with_the_persons_details(client_for, partnership):
    chair = partnership["chair"]
    page = text_of(client_for("admin").get(reverse("cscp:person-edit", args=[chair.pk])))
    assert f'value="{chair.email}"' in page and f'value="{chair.first_name}"' in page


def test_changing_an_email_to_someone_elses_is_refused_beside_the_field(client_for, partnership):
    chair = partnership["chair"]
    data = {"first_name": "Typed", "last_name": "Name", "email": partnership["board"].email, "job_title": ""}

    response = client_for("admin").post(reverse("cscp:person-edit", args=[chair.pk]), data)

    assert response.status_code == 200
    page = text_of(response)
    assert "Someone with this email address already has an account" in page
    assert 'value="Typed"' in page
    chair.refresh_from_db()
    assert chair.first_name != "Typed" and chair.email == "chair@example.org"


def test_only_admins_may_edit_people(client_for, partnership):
    chair = partnership["chair"]
    response = client_for("chair").post(
        reverse("cscp:person-edit", args=[chair.pk]), {"first_name": "Me", "last_name": "Me", "email": "me@example.org"}
    )
    assert response.status_code == 403
    chair.refresh_from_db()
    assert chair.first_name != "Me"


# Deactivating and reactivating.


def test_the_deactivate_page_warns_that_they_are_signed_out_at_once(client_for, partnership):
    page = text_of(client_for("admin").get(reverse("cscp:person-deactivate", args=[partnership["chair"].pk])))
    assert "They will be signed out at once" in page
    assert partnership["chair"].is_active


def test_deactivating_a_person_stops_them_signing_in_and_ends_their_memberships(client_for, partnership):
    chair = partnership["chair"]
    chairs_client = client_for("chair")
    admin = client_for("admin")

    response = admin.post(reverse("cscp:person-deactivate", args=[chair.pk]))

    assert response.status_code == 302
    chair.refresh_from_db()
    assert not chair.is_active
    assert [m.end_date for m in chair.group_memberships.all()] == [timezone.localdate()]
    # Their open session no longer works: the next page sends them to sign in.
    assert chairs_client.get(reverse("cscp:home")).status_code == 302
    page = text_of(admin.get(response["Location"]))
    assert "was deactivated" in page
    assert "Deactivated" in page


def test_an_admin_cannot_deactivate_themselves(client_for, partnership):
    admin = partnership["admin"]
    response = client_for("admin").post(reverse("cscp:person-deactivate", args=[admin.pk]))
    assert response.status_code == 200
    assert "You cannot deactivate yourself" in text_of(response)
    admin.refresh_from_db()
    assert admin.is_active


def test_a_deactivated_person_can_be_reactivated(client_for, partnership):
    person = PersonFactory(username="back", is_active=False)
    assert "Reactivate this person?" in text_of(
        client_for("admin").get(reverse("cscp:person-reactivate", args=[person.pk]))
    )
    response = client_for("admin").post(reverse("cscp:person-reactivate", args=[person.pk]))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_active
    assert AuditEvent.objects.filter(action="cscp.person.reactivated", object_id=str(person.pk)).exists()


def test_only_admins_may_deactivate_or_reactivate(client_for, partnership):
    other = partnership.other_chair
    client = client_for("chair")
    assert client.post(reverse("cscp:person-deactivate", args=[other.pk])).status_code == 403
    assert client.post(reverse("cscp:person-reactivate", args=[other.pk])).status_code == 403
    other.refresh_from_db()
    assert other.is_active


# Resending an invitation.


def test_an_invitation_can_be_sent_again(client_for, partnership, django_capture_on_commit_callbacks):
    person = invited(username="waiting")
    client = client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cscp:person-resend-invitation", args=[person.pk]))
    assert response.status_code == 302
    assert "The invitation was sent again" in text_of(client.get(response["Location"]))
    assert len(mail.outbox) == 1
    assert "/accounts/set-password/" in mail.outbox[0].body


def test_an_invitation_is_not_sent_to_someone_who_has_set_a_password(client_for, partnership):
    client = client_for("admin")
    response = client.post(reverse("cscp:person-resend-invitation", args=[partnership["chair"].pk]))
    assert response.status_code == 302
    assert "already set a password" in text_of(client.get(response["Location"]))
    assert not OutboxEmail.objects.exists()


def test_resending_an_invitation_needs_a_post_from_an_admin(client_for, partnership):
    person = invited(username="waiting")
    url = reverse("cscp:person-resend-invitation", args=[person.pk])
    assert client_for("admin").get(url).status_code == 405
    assert client_for("chair").post(url).status_code == 403
    assert not OutboxEmail.objects.exists()
