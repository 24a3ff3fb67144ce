"""Sign-in lockout that keeps the real person in: a lock per username and address, a growing wait per username
across addresses, a ceiling on consecutive failures, and an emailed link that unlocks an account."""

from __future__ import annotations

import datetime
import html
import re
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cscp import lockout
from cscp.models import AuditEvent, OutboxEmail
from tests.factories import PASSWORD

SIGN_IN = reverse("cscp:sign-in")
UNLOCK = reverse("cscp:account-unlock")
ADDRESS_A = "198.51.100.10"
ADDRESS_B = "203.0.113.20"


class Clock:
    """Moves the time the product and django-axes see, so waits are tested without sleeping."""

    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += datetime.timedelta(seconds=seconds)


@pytest.fixture
def clock():
    moving = Clock()
    with (
        mock.patch("django.utils.timezone.now", moving),
        mock.patch("axes.handlers.proxy.now", moving),
        mock.patch("axes.attempts.now", moving),
    ):
        yield moving


def sign_in(username: str, password: str = PASSWORD, *, address: str = ADDRESS_A, client: Client | None = None):
    return (client or Client()).post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address)


def text_of(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def fail_from_many_addresses(count: int, clock: Clock, username: str = "chair", gap: float = 600) -> None:
    """`count` wrong passwords, each from a new address and `gap` seconds apart (so none of them is throttled)."""
    for n in range(count):
        assert sign_in(username, f"guess {n}", address=f"192.0.2.{n + 1}").status_code == 200
        clock.advance(gap)


# A lock per username and address.


def test_five_wrong_passwords_from_one_address_lock_that_address_but_not_the_person_at_another(partnership, clock):
    statuses = [sign_in("chair", f"guess {n}", address=ADDRESS_A).status_code for n in range(5)]
    clock.advance(60)

    assert statuses == [200, 200, 200, 200, 429]
    assert sign_in("chair", address=ADDRESS_A).status_code == 429
    response = sign_in("chair", address=ADDRESS_B)
    assert response.status_code == 302
    assert response.url == reverse("cscp:home")


def test_the_settings_lock_the_pair_of_username_and_address(settings):
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    # An attempt refused by a lock is not counted again, so a locked attacker cannot raise the account's count.
    assert settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is False


def test_attempts_refused_by_a_lock_do_not_add_to_the_accounts_failures(partnership, clock):
    for n in range(12):
        sign_in("chair", f"guess {n}", address=ADDRESS_A)

    assert lockout.recent_failures("chair") == 5


# A growing wait per username, across addresses.


def test_after_many_failures_across_addresses_the_next_attempt_is_told_to_wait(partnership, clock):
    fail_from_many_addresses(4, clock, gap=1)
    assert sign_in("chair", "guess 5", address="192.0.2.50").status_code == 200

    with mock.patch("time.sleep") as sleep:
        response = sign_in("chair", address=ADDRESS_B)

    sleep.assert_not_called()
    assert response.status_code == 429
    assert response["Retry-After"] == "2"
    page = text_of(response)
    assert "Too many attempts for this account. Wait 2 seconds and try again." in page
    # The wait is shown beside the username, and what was typed is kept.
    assert re.search(r'id="id_username_1_error"[^>]*>.*?Too many attempts', response.content.decode(), re.S)
    assert 'value="chair"' in response.content.decode()


def test_a_throttled_attempt_checks_no_password_and_is_not_counted(partnership, clock):
    fail_from_many_addresses(5, clock, gap=0)
    before = lockout.recent_failures("chair")

    response = sign_in("chair", "another guess", address=ADDRESS_B)

    assert "Too many attempts" in text_of(response)
    assert lockout.recent_failures("chair") == before
    event = AuditEvent.objects.filter(action="cscp.auth.sign_in_failed").first()
    assert event.data == {"username": "chair", "locked_out": False, "throttled": True}


def test_the_right_password_after_the_wait_signs_in(partnership, clock):
    fail_from_many_addresses(5, clock, gap=0)
    assert "Wait 2 seconds" in text_of(sign_in("chair", address=ADDRESS_B))

    clock.advance(2)

    assert sign_in("chair", address=ADDRESS_B).status_code == 302


def test_each_further_failure_doubles_the_wait_up_to_a_ceiling(partnership, clock, settings):
    settings.SIGN_IN_THROTTLE_MAX_DELAY_SECONDS = 60
    fail_from_many_addresses(4, clock, gap=0)
    assert lockout.throttle_wait_seconds("chair") == 0
    waits = []
    for n in range(7):
        response = sign_in("chair", f"more {n}", address=f"192.0.2.{100 + n}")
        assert "Enter a correct username and password" in text_of(response)
        waits.append(lockout.throttle_wait_seconds("chair"))
        clock.advance(waits[-1])

    assert waits == [2, 4, 8, 16, 32, 60, 60]
    sign_in("chair", "one more", address=ADDRESS_B)
    clock.advance(1)
    assert lockout.throttle_wait_seconds("chair") == 59


def test_the_wait_is_for_the_username_not_for_other_accounts(partnership, clock):
    fail_from_many_addresses(5, clock, gap=0)

    assert sign_in("officer", address=ADDRESS_B).status_code == 302


def test_a_long_wait_is_given_in_minutes(partnership, clock):
    AccessAttempt.objects.create(
        username="chair",
        ip_address=ADDRESS_A,
        user_agent="",
        failures_since_start=4,
        attempt_time=clock.now,
        get_data="",
        post_data="",
        http_accept="",
        path_info=SIGN_IN,
    )
    AccessAttempt.objects.create(
        username="chair",
        ip_address="192.0.2.9",
        user_agent="",
        failures_since_start=8,
        attempt_time=clock.now,
        get_data="",
        post_data="",
        http_accept="",
        path_info=SIGN_IN,
    )

    assert "Too many attempts for this account. Wait 5 minutes and try again." in text_of(
        sign_in("chair", address=ADDRESS_B)
    )


def test_a_hundred_consecutive_failures_lock_the_account_everywhere_until_it_is_unlocked(partnership, clock, settings):
    settings.SIGN_IN_FAILURE_CEILING = 8
    settings.SIGN_IN_THROTTLE_AFTER = 100
    fail_from_many_addresses(8, clock, gap=0)

    response = sign_in("chair", address=ADDRESS_B)

    assert response.status_code == 429
    assert "Email me a link to unlock my account" in text_of(response)
    assert "until it is unlocked" in text_of(response)
    clock.advance(2 * 3600)
    assert sign_in("chair", address=ADDRESS_B).status_code == 429


def test_a_successful_sign_in_resets_the_count_of_consecutive_failures(partnership, clock, settings):
    settings.SIGN_IN_FAILURE_CEILING = 8
    settings.SIGN_IN_THROTTLE_AFTER = 100
    fail_from_many_addresses(7, clock, gap=0)
    clock.advance(1)
    assert sign_in("chair", address=ADDRESS_B).status_code == 302
    clock.advance(1)

    fail_from_many_addresses(1, clock, gap=0)
    assert lockout.consecutive_failures("chair") == 1
    assert sign_in("chair", address=ADDRESS_B).status_code == 302


def test_the_default_ceiling_is_nist_s_hundred(settings):
    assert settings.SIGN_IN_FAILURE_CEILING == 100


# Unlocking by an emailed link.


def lock_out_chair(clock: Clock) -> None:
    for n in range(5):
        sign_in("chair", f"guess {n}", address=ADDRESS_A)
    clock.advance(1)


def ask_for_unlock(value: str, address: str = ADDRESS_A):
    return Client().post(UNLOCK, {"username_or_email": value}, REMOTE_ADDR=address)


def unlock_link() -> str:
    email = OutboxEmail.objects.get(key__contains="account_unlock")
    return re.search(r"https?://\S+/accounts/unlock/\S+/", email.body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_the_locked_out_page_offers_an_unlock_link(partnership, clock):
    lock_out_chair(clock)

    response = sign_in("chair", address=ADDRESS_A)

    assert response.status_code == 429
    page = text_of(response)
    assert "Email me a link to unlock my account" in page
    assert UNLOCK in response.content.decode()


def test_the_unlock_request_page_asks_for_a_username_or_email(db):
    response = Client().get(UNLOCK)

    assert response.status_code == 200
    assert "Username or email address" in text_of(response)


@pytest.mark.parametrize("value", ["chair", "CHAIR", "chair@example.org", "Chair@Example.org"])
def test_asking_for_an_unlock_link_emails_the_account_s_address(partnership, clock, value):
    lock_out_chair(clock)

    response = ask_for_unlock(value)

    assert response.status_code == 302
    assert response.url == reverse("cscp:account-unlock-sent")
    email = OutboxEmail.objects.get()
    assert email.to == "chair@example.org"
    assert "unlock" in email.subject.lower()
    assert "/accounts/unlock/" in email.body
    assert AuditEvent.objects.filter(action="cscp.auth.unlock_link_sent", object_id=str(partnership["chair"].pk))


def test_the_request_form_answers_the_same_whether_or_not_an_account_exists(partnership, clock):
    lock_out_chair(clock)

    known = ask_for_unlock("chair")
    unknown = ask_for_unlock("nobody-by-this-name")
    unknown_email = ask_for_unlock("nobody@example.org")

    assert known.status_code == unknown.status_code == unknown_email.status_code == 302
    assert known.url == unknown.url == unknown_email.url
    sent = Client().get(known.url)
    assert "If that is the username or email address of a locked account" in text_of(sent)
    assert OutboxEmail.objects.count() == 1


def test_an_account_that_is_not_locked_is_sent_nothing(partnership, clock):
    response = ask_for_unlock("chair")

    assert response.status_code == 302
    assert not OutboxEmail.objects.exists()


def test_a_deactivated_account_is_sent_no_unlock_link(partnership, clock):
    lock_out_chair(clock)
    partnership["chair"].is_active = False
    partnership["chair"].save()

    ask_for_unlock("chair")

    assert not OutboxEmail.objects.exists()


def test_the_unlock_request_form_says_what_is_missing(db):
    response = Client().post(UNLOCK, {"username_or_email": "  "})

    assert response.status_code == 200
    assert "Enter your username or email address" in text_of(response)
    assert not OutboxEmail.objects.exists()


def test_asking_twice_within_the_limit_sends_one_email(partnership, clock, settings):
    settings.UNLOCK_EMAIL_MINUTES = 15
    lock_out_chair(clock)

    ask_for_unlock("chair")
    clock.advance(60)
    ask_for_unlock("chair@example.org", address=ADDRESS_B)

    assert OutboxEmail.objects.filter(key__contains="account_unlock").count() == 1
    clock.advance(15 * 60)
    ask_for_unlock("chair")
    assert OutboxEmail.objects.filter(key__contains="account_unlock").count() == 2


def test_following_the_link_shows_a_button_and_changes_nothing_until_it_is_pressed(partnership, clock):
    lock_out_chair(clock)
    ask_for_unlock("chair")

    response = Client().get(path_of(unlock_link()))

    assert response.status_code == 200
    assert "Unlock my account" in text_of(response)
    assert sign_in("chair", address=ADDRESS_A).status_code == 429


def test_the_unlock_link_clears_the_lock_and_is_recorded(partnership, clock):
    lock_out_chair(clock)
    ask_for_unlock("chair")

    response = Client().post(path_of(unlock_link()), REMOTE_ADDR=ADDRESS_B)

    assert response.status_code == 302
    assert response.url == SIGN_IN
    assert not AccessAttempt.objects.filter(username="chair").exists()
    event = AuditEvent.objects.get(action="cscp.auth.account_unlocked")
    assert event.object_id == str(partnership["chair"].pk)
    assert event.ip_address == ADDRESS_B
    assert event.data["how"] == "emailed link"
    assert sign_in("chair", address=ADDRESS_A).status_code == 302


def test_the_unlock_link_also_ends_the_ceiling_lock(partnership, clock, settings):
    settings.SIGN_IN_FAILURE_CEILING = 8
    settings.SIGN_IN_THROTTLE_AFTER = 100
    fail_from_many_addresses(8, clock, gap=0)
    ask_for_unlock("chair")

    Client().post(path_of(unlock_link()))

    assert lockout.consecutive_failures("chair") == 0
    assert sign_in("chair", address=ADDRESS_B).status_code == 302


def test_the_unlock_link_works_once(partnership, clock):
    lock_out_chair(clock)
    ask_for_unlock("chair")
    link = path_of(unlock_link())
    Client().post(link)
    clock.advance(1)
    lock_out_chair(clock)

    again = Client().post(link)

    assert again.status_code == 200
    assert "This link has already been used or has expired" in text_of(again)
    assert sign_in("chair", address=ADDRESS_A).status_code == 429
    assert AuditEvent.objects.filter(action="cscp.auth.account_unlocked").count() == 1


def test_the_unlock_link_expires_after_an_hour(partnership, clock):
    lock_out_chair(clock)
    ask_for_unlock("chair")
    link = path_of(unlock_link())

    clock.advance(3601)
    get = Client().get(link)
    post = Client().post(link)

    assert "This link has already been used or has expired" in text_of(get)
    assert "This link has already been used or has expired" in text_of(post)
    assert AccessAttempt.objects.filter(username="chair").exists()
    assert not AuditEvent.objects.filter(action="cscp.auth.account_unlocked").exists()


@pytest.mark.parametrize("token", ["nonsense", "a" * 300, "eyJwIjo5OTk5OX0:abc:def"])
def test_a_made_up_unlock_link_is_refused_without_an_error(partnership, token):
    url = reverse("cscp:account-unlock-confirm", args=[token])

    assert "This link has already been used or has expired" in text_of(Client().get(url))
    assert "This link has already been used or has expired" in text_of(Client().post(url))


def test_the_log_of_failures_with_their_addresses_is_kept_two_years_like_other_sign_in_records(partnership):
    from axes.models import AccessFailureLog

    from cscp.services import retention_apply

    sign_in("chair", "a guess", address=ADDRESS_A)
    AccessFailureLog.objects.update(attempt_time=timezone.now() - datetime.timedelta(days=2 * 365 + 1))
    sign_in("chair", "another guess", address=ADDRESS_B)

    assert retention_apply()["sign-in attempts"] >= 1
    assert list(AccessFailureLog.objects.values_list("ip_address", flat=True)) == [ADDRESS_B]


def test_the_outbox_sends_one_unlock_email_when_the_form_is_sent_twice(partnership, clock, mailoutbox_sent):
    lock_out_chair(clock)

    for _ in range(2):
        mailoutbox_sent(lambda: ask_for_unlock("chair"))

    assert [message.to for message in mail.outbox] == [["chair@example.org"]]
    assert "/accounts/unlock/" in mail.outbox[0].body


@pytest.fixture
def mailoutbox_sent(django_capture_on_commit_callbacks):
    """Run a request and then what it queued after its transaction committed (the outbox's sending)."""

    def run(request):
        with django_capture_on_commit_callbacks(execute=True):
            return request()

    return run
