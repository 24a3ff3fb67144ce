"""A person changes their own name and email address; a new address counts once it proves it is theirs."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from cscp.models import AuditEvent, OutboxEmail, Person
from cscp.notifications import outbox_send
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough password"


@pytest.fixture
def person(client):
    someone = PersonFactory(username="sam", email="sam@old.example", first_name="Sam", last_name="Old")
    someone.set_password(PASSWORD)
    someone.save()
    client.force_login(someone)
    return someone


def _link(to: str) -> str:
    email = OutboxEmail.objects.get(to=to)
    return re.search(r"https?://[^/\s]+(/accounts/email/\S+/)", email.body).group(1)


def test_the_account_page_offers_to_change_the_name_and_the_email_address(client, person):
    text = client.get(reverse("cscp:account")).content.decode()
    assert reverse("cscp:account-name") in text and reverse("cscp:account-email") in text


def test_a_person_changes_their_name_and_it_is_in_the_trail(client, person):
    response = client.post(reverse("cscp:account-name"), {"first_name": "Samira", "last_name": "New"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.get_full_name() == "Samira New"
    assert AuditEvent.objects.filter(action="cscp.person.updated", object_id=str(person.pk)).exists()


def test_a_name_too_long_or_missing_is_refused_beside_the_field_and_nothing_changes(client, person):
    response = client.post(reverse("cscp:account-name"), {"first_name": "x" * 151, "last_name": ""})
    form = response.context["form"]
    assert form.errors["first_name"] == ["First name must be 150 characters or fewer"]
    assert form.errors["last_name"] == ["Enter your last name"]
    assert ("x" * 151) in response.content.decode()
    person.refresh_from_db()
    assert person.get_full_name() == "Sam Old"


def test_a_new_email_address_counts_only_once_its_link_is_followed(client, person):
    response = client.post(reverse("cscp:account-email"), {"email": "Sam@New.example", "password": PASSWORD})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "sam@old.example"  # until the link is followed
    outbox_send()
    assert [message.to for message in mail.outbox] == [["sam@new.example"]]
    link = _link("sam@new.example")
    assert client.get(link).status_code == 200
    person.refresh_from_db()
    assert person.email == "sam@old.example"  # opening the link changes nothing
    client.post(link)
    person.refresh_from_db()
    assert person.email == "sam@new.example"
    assert AuditEvent.objects.filter(action="cscp.person.email_changed", object_id=str(person.pk)).exists()
    # The link works once.
    assert "already been used or has expired" in client.get(link).content.decode()


def test_the_link_works_without_signing_in(client, person):
    client.post(reverse("cscp:account-email"), {"email": "sam@new.example", "password": PASSWORD})
    link = _link("sam@new.example")
    client.logout()
    response = client.post(link)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "sam@new.example"


def test_a_link_over_a_day_old_or_forged_does_not_work(client, person, monkeypatch):
    client.post(reverse("cscp:account-email"), {"email": "sam@new.example", "password": PASSWORD})
    link = _link("sam@new.example")
    monkeypatch.setattr("cscp.services.EMAIL_CHANGE_SECONDS", -1)
    client.post(link)
    client.post(link[:-3] + "xx/")
    person.refresh_from_db()
    assert person.email == "sam@old.example"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "sam@new.example", "password": "wrong"}, "password", "The password is not right"),
        ({"email": "not an address", "password": PASSWORD}, "email", "Enter an email address in the correct format"),
        ({"email": "sam@old.example", "password": PASSWORD}, "email", "This is the email address your account has"),
        ({"email": "taken@example.org", "password": PASSWORD}, "email", "Someone with this email address already"),
    ],
)
def test_a_new_address_that_cannot_be_used_is_refused_beside_its_field_and_nothing_is_sent(
    client, person, data, field, message
):
    PersonFactory(email="taken@example.org")
    response = client.post(reverse("cscp:account-email"), data)
    assert response.status_code == 200
    assert any(error.startswith(message) for error in response.context["form"].errors[field])
    assert not OutboxEmail.objects.exists()
    assert data["email"] in response.content.decode()


def test_asking_twice_the_same_day_sends_one_email(client, person):
    for _ in range(2):
        client.post(reverse("cscp:account-email"), {"email": "sam@new.example", "password": PASSWORD})
    assert OutboxEmail.objects.filter(to="sam@new.example").count() == 1


def test_an_address_taken_after_the_link_was_sent_is_not_given_to_a_second_account(client, person):
    client.post(reverse("cscp:account-email"), {"email": "sam@new.example", "password": PASSWORD})
    link = _link("sam@new.example")
    PersonFactory(email="sam@new.example")
    client.post(link)
    person.refresh_from_db()
    assert person.email == "sam@old.example"
    assert Person.objects.filter(email="sam@new.example").count() == 1
