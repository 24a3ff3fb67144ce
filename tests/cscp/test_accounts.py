"""Signing in and out, lockout, passwords, reset links and invitations."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlparse

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cscp.models import AuditEvent, OutboxEmail, Partnership, Person
from cscp.services import person_deactivate, person_invite, set_password_url
from tests.factories import PASSWORD

SIGN_IN = reverse("cscp:sign-in")
NEW_PASSWORD = "a long and unusual passphrase 42"


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": username, "password": password}, **extra)


def events(action: str):
    return AuditEvent.objects.filter(action=action)


def path_of(url: str) -> str:
    return urlparse(url).path


# The sign-in page.


def test_the_sign_in_page_has_the_fields_and_button_people_and_browser_tests_rely_on(db):
    response = Client().get(SIGN_IN)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in html
    assert re.search(r'<label[^>]*for="id_username"[^>]*>\s*Username\s*</label>', html)
    assert re.search(r'<label[^>]*for="id_password"[^>]*>\s*Password\s*</label>', html)
    assert 'id="id_username"' in html and 'id="id_password"' in html
    assert re.search(r"<(button|input)[^>]*>\s*Sign in\s*</button>|value=\"Sign in\"", html)
    assert reverse("cscp:password-reset") in html


def test_a_person_who_signs_in_lands_on_the_home_page(partnership):
    client = Client()

    response = sign_in(client, "chair")

    assert response.status_code == 302
    assert response.url == reverse("cscp:home")
    assert client.get(reverse("cscp:home")).status_code == 200


def test_signing_in_takes_a_person_to_the_page_they_asked_for(partnership):
    response = Client().post(
        SIGN_IN, {"username": "chair", "password": PASSWORD, "next": reverse("cscp:password-change")}
    )

    assert response.url == reverse("cscp:password-change")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "https:///evil.example/"])
def test_signing_in_never_sends_a_person_off_the_site(partnership, target):
    response = Client().post(SIGN_IN, {"username": "chair", "password": PASSWORD, "next": target})

    assert response.status_code == 302
    assert response.url == reverse("cscp:home")


def test_usernames_are_matched_without_regard_to_case(partnership):
    assert sign_in(Client(), "CHAIR").status_code == 302


def test_a_wrong_password_is_explained_in_the_summary_and_beside_the_password_and_the_username_is_kept(partnership):
    response = sign_in(Client(), "chair", "not the password")

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert html.count("Enter a correct username and password") == 2
    assert '<a href="#id_password">Enter a correct username and password</a>' in html
    assert 'value="chair"' in html
    assert "not the password" not in html
    assert "<title>" in html and "Error: " in html.split("</title>")[0]


def test_an_unknown_username_gets_the_same_message_as_a_wrong_password(partnership):
    response = sign_in(Client(), "nobody-here", "whatever it is")

    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


def test_empty_fields_say_what_to_enter(db):
    response = Client().post(SIGN_IN, {"username": "", "password": ""})

    html = response.content.decode()
    assert "Enter your username" in html
    assert "Enter your password" in html


def test_a_signed_in_person_may_still_see_the_sign_in_page(client_for):
    response = client_for("chair").get(SIGN_IN)

    assert response.status_code == 200
    assert "You are signed in as chair" in response.content.decode()


# Deactivated people.


def test_a_deactivated_person_with_the_right_password_is_told_their_account_is_deactivated(partnership):
    person_deactivate(actor=partnership["admin"], person=partnership["chair"])

    response = sign_in(Client(), "chair")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Your account has been deactivated. Contact the partnership team.") == 2
    assert '<a href="#id_username">Your account has been deactivated.' in html
    assert events("cscp.auth.sign_in_refused").get().data["reason"] == "deactivated"


def test_a_deactivated_person_with_a_wrong_password_is_told_only_that_it_is_wrong(partnership):
    person_deactivate(actor=partnership["admin"], person=partnership["chair"])

    html = sign_in(Client(), "chair", "a wrong guess at it").content.decode()

    assert "deactivated" not in html
    assert "Enter a correct username and password" in html


def test_a_deactivated_persons_right_password_never_counts_towards_a_lockout(partnership):
    admin, chair = partnership["admin"], partnership["chair"]
    person_deactivate(actor=admin, person=chair)
    client = Client()

    for _ in range(7):
        response = sign_in(client, "chair")
        assert response.status_code == 200
    chair.refresh_from_db()
    chair.is_active = True
    chair.save()

    assert sign_in(client, "chair").status_code == 302


def test_wrong_passwords_for_a_deactivated_account_still_lead_to_a_lockout(partnership):
    person_deactivate(actor=partnership["admin"], person=partnership["chair"])
    client = Client()

    statuses = [sign_in(client, "chair", f"guess number {n}").status_code for n in range(5)]

    assert statuses == [200, 200, 200, 200, 429]
    # Locked: the right password no longer even reveals that the account is deactivated.
    response = sign_in(client, "chair")
    assert response.status_code == 429
    assert "deactivated" not in response.content.decode()


# Lockout (django-axes, per username and address; the rest of the limits are in test_lockout.py).


def test_five_wrong_passwords_lock_the_account_from_that_address_even_against_the_right_password(partnership):
    client = Client()

    statuses = [sign_in(client, "chair", f"guess number {n}").status_code for n in range(5)]
    response = sign_in(client, "chair")

    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    html = response.content.decode()
    assert "Your account is locked" in html
    assert "5 times" in html
    assert "from this network" in " ".join(html.split())
    assert "locked for an hour" in " ".join(html.split())
    assert reverse("cscp:password-reset") in html
    assert reverse("cscp:account-unlock") in html
    assert "_auth_user_id" not in client.session


def test_the_same_five_wrong_passwords_do_not_lock_the_account_at_another_address(partnership):
    for n in range(5):
        sign_in(Client(), "chair", f"guess number {n}", REMOTE_ADDR="198.51.100.40")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=5))

    assert sign_in(Client(), "chair", REMOTE_ADDR="203.0.113.41").status_code == 302
    assert sign_in(Client(), "chair", REMOTE_ADDR="198.51.100.40").status_code == 429


def test_the_lockout_page_gives_the_partnerships_contact_address(partnership):
    Partnership.objects.update_or_create(pk=1, defaults={"contact_email": "team@example.org"})
    client = Client()
    for n in range(5):
        sign_in(client, "chair", f"guess number {n}")

    assert "mailto:team@example.org" in sign_in(client, "chair").content.decode()


def test_the_lockout_counts_every_spelling_of_a_username_together(partnership):
    client = Client()
    for spelling in ["chair", "Chair", "CHAIR", "cHaIr"]:
        assert sign_in(client, spelling, "wrong password").status_code == 200

    assert sign_in(client, "CHAIr", "wrong password").status_code == 429
    assert sign_in(client, "chair").status_code == 429


def test_locking_one_account_does_not_lock_another_from_the_same_address(partnership):
    client = Client()
    for n in range(5):
        sign_in(client, "chair", f"guess number {n}")

    assert sign_in(client, "officer").status_code == 302


def test_signing_in_successfully_resets_the_count_of_failures(partnership):
    client = Client()
    for n in range(4):
        sign_in(client, "chair", f"guess number {n}")
    assert sign_in(client, "chair").status_code == 302

    client = Client()
    statuses = [sign_in(client, "chair", f"guess number {n}").status_code for n in range(4)]

    assert statuses == [200, 200, 200, 200]
    assert sign_in(client, "chair").status_code == 302


def test_the_lock_ends_after_an_hour(partnership):
    client = Client()
    for n in range(5):
        sign_in(client, "chair", f"guess number {n}")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=61))

    assert sign_in(client, "chair").status_code == 302


def test_an_administrator_can_unlock_an_account_from_the_command_line(partnership):
    client = Client()
    for n in range(5):
        sign_in(client, "chair", f"guess number {n}")

    call_command("axes_reset_username", "chair")

    assert sign_in(client, "chair").status_code == 302


def test_resetting_the_password_ends_a_lockout(partnership):
    chair = partnership["chair"]
    client = Client()
    for n in range(5):
        sign_in(client, "chair", f"guess number {n}")

    set_new_password(client, chair, "cscp:password-reset-confirm")

    assert sign_in(client, "chair", NEW_PASSWORD).status_code == 302
    assert events("cscp.auth.account_unlocked").get().data["how"] == "password reset"


# The audit trail of signing in and out.


def test_signing_in_is_recorded_with_the_address_it_came_from(partnership):
    sign_in(Client(), "chair", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Firefox test")

    event = events("cscp.auth.signed_in").get()
    assert event.actor == partnership["chair"]
    assert event.ip_address == "203.0.113.7"
    assert event.user_agent == "Firefox test"


def test_a_failed_sign_in_is_recorded_with_the_name_tried_but_never_the_password(partnership):
    sign_in(Client(), "chair", "my secret guess", REMOTE_ADDR="198.51.100.23")

    event = events("cscp.auth.sign_in_failed").get()
    assert event.actor is None
    assert event.ip_address == "198.51.100.23"
    assert event.data == {"username": "chair", "locked_out": False}
    assert "my secret guess" not in str(event.data) + event.message


def test_an_attempt_refused_by_the_lockout_is_recorded_as_such(partnership):
    client = Client()
    for n in range(6):
        sign_in(client, "chair", f"guess number {n}")

    assert events("cscp.auth.sign_in_failed").filter(data__locked_out=True).count() == 2


def test_signing_out_is_recorded(partnership):
    client = Client()
    sign_in(client, "chair", REMOTE_ADDR="203.0.113.8")

    client.post(reverse("cscp:sign-out"), REMOTE_ADDR="203.0.113.8")

    event = events("cscp.auth.signed_out").get()
    assert event.actor == partnership["chair"]
    assert event.ip_address == "203.0.113.8"


def test_a_sign_in_without_a_csrf_token_is_refused_and_leaves_no_trace(partnership):
    client = Client(enforce_csrf_checks=True)

    response = sign_in(client, "chair")

    assert response.status_code == 403
    assert not AuditEvent.objects.exists()
    assert not Session.objects.exists()
    assert not AccessAttempt.objects.exists()
    assert "_auth_user_id" not in client.session


# Signing out.


def test_signing_out_needs_a_post(client_for):
    assert client_for("chair").get(reverse("cscp:sign-out")).status_code == 405


def test_signing_out_ends_the_session_and_says_so(client_for):
    client = client_for("chair")

    response = client.post(reverse("cscp:sign-out"), follow=True)

    assert response.redirect_chain[0] == (reverse("cscp:signed-out"), 302)
    html = response.content.decode()
    assert "You have signed out" in html
    assert reverse("cscp:sign-in") in html
    assert client.get(reverse("cscp:password-change")).status_code == 302


# Changing a password.


def password_change(client: Client, old: str = PASSWORD, new: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post(
        reverse("cscp:password-change"),
        {"old_password": old, "new_password1": new, "new_password2": new if confirm is None else confirm},
    )


def test_changing_a_password_needs_sign_in(db):
    response = Client().get(reverse("cscp:password-change"))

    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


def test_the_password_page_offers_to_set_up_an_authenticator_app(client_for):
    html = client_for("chair").get(reverse("cscp:password-change")).content.decode()

    assert "Change your password" in html
    assert reverse("cscp:mfa-setup") in html
    assert "at least 12 characters" in html


def test_a_person_changes_their_password_and_stays_signed_in(client_for, partnership):
    client = client_for("chair")

    response = password_change(client)

    assert response.status_code == 302
    assert response.url == reverse("cscp:password-change-done")
    assert "Your password has been changed" in client.get(response.url).content.decode()
    assert sign_in(Client(), "chair", NEW_PASSWORD).status_code == 302
    assert events("cscp.person.password_set").get().actor == partnership["chair"]


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short pass", "Enter a password that is at least 12 characters long"),
        ("password1234", "Enter a password that is harder to guess: this one is too common"),
        ("123456789012345", "Enter a password that has letters or symbols in it, not only numbers"),
    ],
)
def test_a_weak_new_password_is_refused_with_what_to_do_beside_the_field(client_for, new, message):
    response = password_change(client_for("chair"), new=new)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="#id_new_password1">{message}</a>' in html
    beside_the_field = re.search(
        r'id="id_new_password1_1_error" class="govuk-error-message">(.*?)</span>\s*<input', html, re.S
    )
    assert message in beside_the_field.group(1)


def test_new_passwords_that_differ_are_refused(client_for):
    response = password_change(client_for("chair"), confirm="a different passphrase 42")

    assert "Enter the same password in both boxes" in response.content.decode()


def test_the_current_password_must_be_right(client_for):
    response = password_change(client_for("chair"), old="not my password")

    assert "Your current password is not right: enter it again" in response.content.decode()
    assert sign_in(Client(), "chair", PASSWORD).status_code == 302


# Resetting a forgotten password.


def set_new_password(client: Client, person: Person, url_name: str, password: str = NEW_PASSWORD):
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    response = client.get(reverse(url_name, args=[uid, token]))
    assert response.status_code == 302  # to the same page without the token in its address
    return client.post(response.url, {"new_password1": password, "new_password2": password})


def test_the_reset_page_asks_for_an_email_address(db):
    response = Client().get(reverse("cscp:password-reset"))

    assert response.status_code == 200
    assert "Reset your password" in response.content.decode()


def test_asking_for_a_reset_emails_a_link_that_names_the_service(partnership, settings):
    settings.SITE_URL = "https://assurance.example.org"

    response = Client().post(reverse("cscp:password-reset"), {"email": "Chair@Example.org"})

    assert response.status_code == 302
    assert response.url == reverse("cscp:password-reset-done")
    email = OutboxEmail.objects.get()
    assert email.to == "chair@example.org"
    assert email.subject == "Reset your password for Partnership Assurance"
    assert "Partnership Assurance" in email.body
    link = re.search(r"https://assurance\.example\.org/accounts/reset/\S+/\S+/", email.body)
    assert link is not None
    assert Client().get(path_of(link.group(0))).status_code == 302


def test_an_unknown_email_address_gets_the_same_check_your_email_page(db):
    response = Client().post(reverse("cscp:password-reset"), {"email": "nobody@example.org"}, follow=True)

    assert response.redirect_chain == [(reverse("cscp:password-reset-done"), 302)]
    assert "Check your email" in response.content.decode()
    assert not OutboxEmail.objects.exists()


def test_a_deactivated_person_is_sent_no_reset_link(partnership):
    person_deactivate(actor=partnership["admin"], person=partnership["chair"])

    response = Client().post(reverse("cscp:password-reset"), {"email": "chair@example.org"})

    assert response.url == reverse("cscp:password-reset-done")
    assert not OutboxEmail.objects.exists()


def test_someone_invited_who_never_set_a_password_can_ask_for_a_reset_link(partnership):
    person_invite(actor=partnership["admin"], email="new.member@example.org", first_name="New", last_name="Member")
    OutboxEmail.objects.all().delete()

    Client().post(reverse("cscp:password-reset"), {"email": "new.member@example.org"})

    assert OutboxEmail.objects.get().to == "new.member@example.org"


def test_an_email_address_in_the_wrong_format_is_explained(db):
    response = Client().post(reverse("cscp:password-reset"), {"email": "not an address"})

    assert "Enter an email address in the correct format, like name@example.org" in response.content.decode()


def test_the_reset_link_lets_a_person_choose_a_new_password(partnership):
    client = Client()

    response = set_new_password(client, partnership["chair"], "cscp:password-reset-confirm")

    assert response.url == reverse("cscp:password-reset-complete")
    assert "Your password has been reset" in client.get(response.url).content.decode()
    assert sign_in(Client(), "chair", NEW_PASSWORD).status_code == 302
    assert events("cscp.person.password_set").exists()


def test_a_reset_link_works_only_once(partnership):
    chair = partnership["chair"]
    uid = urlsafe_base64_encode(force_bytes(chair.pk))
    token = default_token_generator.make_token(chair)
    set_new_password(Client(), chair, "cscp:password-reset-confirm")

    response = Client().get(reverse("cscp:password-reset-confirm", args=[uid, token]))

    assert response.status_code == 200
    assert "This link has expired" in response.content.decode()


@pytest.mark.parametrize(("uid", "token"), [("MQ", "bogus-token"), ("not-base64!", "x"), ("OTk5OTk", "abc-123")])
def test_a_broken_reset_link_explains_and_offers_a_new_one(partnership, uid, token):
    response = Client().get(reverse("cscp:password-reset-confirm", args=[uid, token]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "This link has expired" in html
    assert reverse("cscp:password-reset") in html


def test_a_reset_link_stops_working_when_the_person_is_deactivated(partnership):
    chair = partnership["chair"]
    uid = urlsafe_base64_encode(force_bytes(chair.pk))
    token = default_token_generator.make_token(chair)
    person_deactivate(actor=partnership["admin"], person=chair)

    response = Client().get(reverse("cscp:password-reset-confirm", args=[uid, token]))

    assert response.status_code == 200
    assert "This link has expired" in response.content.decode()


def test_a_new_password_from_a_reset_link_must_follow_the_rules(partnership):
    response = set_new_password(Client(), partnership["chair"], "cscp:password-reset-confirm", password="short")

    assert response.status_code == 200
    assert "Enter a password that is at least 12 characters long" in response.content.decode()


# Invitations: setting a password for the first time.


@pytest.fixture
def invited(partnership) -> Person:
    return person_invite(
        actor=partnership["admin"],
        email="new.member@example.org",
        first_name="Nia",
        last_name="Member",
        username="nia",
    )


def test_the_invitation_link_welcomes_the_person_to_the_service(invited):
    client = Client()
    response = client.get(path_of(set_password_url(invited)), follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Welcome to Partnership Assurance" in html
    assert "Set your password" in html
    assert "<strong>nia</strong>" in html


def test_the_link_in_the_invitation_email_is_the_set_password_page(invited):
    body = OutboxEmail.objects.get(to="new.member@example.org").body
    link = re.search(r"https?://\S+/accounts/set-password/\S+/", body).group(0)

    assert "Set your password" in Client().get(path_of(link), follow=True).content.decode()


def test_setting_a_password_from_an_invitation_sends_the_person_to_sign_in(invited):
    client = Client()

    response = set_new_password(client, invited, "cscp:set-password")

    assert response.status_code == 302
    assert response.url == SIGN_IN
    html = client.get(SIGN_IN).content.decode()
    assert "Your password is set. Sign in with your username, nia." in html
    assert sign_in(Client(), "nia", NEW_PASSWORD).status_code == 302
    event = events("cscp.person.password_set").get()
    assert event.actor == invited


def test_an_invitation_cannot_be_used_twice(invited):
    link = path_of(set_password_url(invited))
    set_new_password(Client(), invited, "cscp:set-password")

    response = Client().get(link, follow=True)

    assert "This invitation is no longer valid" in response.content.decode()


def test_a_deactivated_persons_invitation_is_no_longer_valid(invited, partnership):
    link = path_of(set_password_url(invited))
    person_deactivate(actor=partnership["admin"], person=invited)

    response = Client().get(link, follow=True)

    assert response.status_code == 200
    assert "This invitation is no longer valid" in response.content.decode()
    assert not Person.objects.get(pk=invited.pk).has_usable_password()


def test_a_bogus_invitation_link_is_no_longer_valid(db):
    response = Client().get(reverse("cscp:set-password", args=["MQ", "bogus-token"]))

    assert response.status_code == 200
    assert "This invitation is no longer valid" in response.content.decode()


def test_an_invited_persons_password_must_follow_the_rules(invited):
    response = set_new_password(Client(), invited, "cscp:set-password", password="password1234")

    assert response.status_code == 200
    assert "Enter a password that is harder to guess: this one is too common" in response.content.decode()
    assert not Person.objects.get(pk=invited.pk).has_usable_password()
