"""Sign-in limits that stop guessing without letting a stranger keep the real person out (docs/adr/0003).

Three limits, from the narrowest:

1. django-axes locks the pair of username and address after `AXES_FAILURE_LIMIT` failures (settings), so the
   guesser's address is locked and the person at their own address is not.
2. Across every address, a username with many recent failures is slowed down: each further attempt must wait
   a delay since the last failure that doubles with every failure (`throttle_wait_seconds`). The sign-in page
   says how long at once; no request sleeps.
3. After `SIGN_IN_FAILURE_CEILING` failures since the account last signed in, it is locked everywhere until it
   is unlocked: by the link a locked-out person can ask to be emailed (`unlock_link_request`), by resetting the
   password, or by an administrator.

Attempts refused by 1, 2 or 3 check no password and are not counted, so they cannot be used to raise a count.
"""

from __future__ import annotations

import datetime
import math

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cscp.audit import record_event
from cscp.models import AuditEvent, OutboxEmail, Partnership, Person
from cscp.notifications import absolute_url, queue_email

LOCKED_OUT_TEMPLATE = "registration/locked_out.html"
UNLOCKED = "cscp.auth.account_unlocked"
UNLOCK_SALT = "cscp.account-unlock"


def _cool_off() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)


# Reading the counts. `username` is the name django-axes counts under: the account's own spelling, or the name
# typed in lower case when there is no such account (cscp.forms.accounts.SignInForm).


def recent_failures(username: str) -> int:
    """Failed sign-ins for this username from every address within the cool-off period."""
    since = timezone.now() - _cool_off()
    found = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )
    return found["n"] or 0


def throttle_wait_seconds(username: str) -> int:
    """How many seconds this username must wait before its next attempt: 0 below the threshold; from there a
    delay since the last failure that starts at the first delay and doubles with each failure, up to the cap."""
    since = timezone.now() - _cool_off()
    found = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start"), last=Max("attempt_time")
    )
    failures, last = found["n"] or 0, found["last"]
    if last is None or failures < settings.SIGN_IN_THROTTLE_AFTER:
        return 0
    doublings = min(failures - settings.SIGN_IN_THROTTLE_AFTER, 30)
    delay = settings.SIGN_IN_THROTTLE_FIRST_DELAY_SECONDS * 2**doublings
    delay = min(settings.SIGN_IN_THROTTLE_MAX_DELAY_SECONDS, delay)
    remaining = delay - (timezone.now() - last).total_seconds()
    return max(0, math.ceil(remaining))


def wait_message(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    wait = f"{minutes} minutes" if seconds >= 120 else f"{seconds} second{'' if seconds == 1 else 's'}"
    return f"Too many attempts for this account. Wait {wait} and try again."


def consecutive_failures(username: str) -> int:
    """Failed sign-ins for this username from every address since it last signed in (or was unlocked, which
    clears them)."""
    failures = AccessFailureLog.objects.filter(username=username)
    last_success = AccessLog.objects.filter(username=username).aggregate(last=Max("attempt_time"))["last"]
    if last_success is not None:
        failures = failures.filter(attempt_time__gt=last_success)
    return failures.count()


def at_ceiling(username: str) -> bool:
    return consecutive_failures(username) >= settings.SIGN_IN_FAILURE_CEILING


def _has_something_to_unlock(username: str) -> bool:
    return AccessAttempt.objects.filter(username=username).exists() or consecutive_failures(username) > 0


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page django-axes answers a locked sign-in with (`AXES_LOCKOUT_CALLABLE`)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_timedelta": _cool_off(),
        "ceiling": getattr(request, "sign_in_ceiling", False),
    }
    return render(request, LOCKED_OUT_TEMPLATE, context, status=429)


# Unlocking.


@transaction.atomic
def account_unlock(*, person: Person, request: HttpRequest | None, how: str) -> int:
    """End every lock, wait and count of failures for this account. Returns how many records were cleared."""
    username = person.get_username()
    cleared = axes_reset(username=username)
    cleared += AccessFailureLog.objects.filter(username=username).delete()[0]
    record_event(
        UNLOCKED,
        obj=person,
        request=request,
        message=f"Sign-in unlocked for “{username}” ({how})",
        data={"username": username, "how": how, "cleared": cleared},
    )
    return cleared


def account_unlock_after_password_reset(*, person: Person, request: HttpRequest) -> None:
    """Proving they hold the email address and choosing a new password ends a lockout: the failed guesses were at
    a password that no longer works."""
    if _has_something_to_unlock(person.get_username()):
        account_unlock(person=person, request=request, how="password reset")


def _last_unlock_id(person: Person) -> int:
    events = AuditEvent.objects.filter(action=UNLOCKED, object_type=person._meta.label_lower, object_id=str(person.pk))
    return events.aggregate(last=Max("pk"))["last"] or 0


def unlock_token(person: Person) -> str:
    """Signed: the account, when the link was made, and the account's last unlock then (any unlock since, by this
    link or another way, makes the link stop working)."""
    payload = {"p": person.pk, "t": timezone.now().timestamp(), "u": _last_unlock_id(person)}
    return signing.dumps(payload, salt=UNLOCK_SALT, compress=True)


def unlock_link_person(token: str) -> Person | None:
    """The person an unlock link is for, if it is genuine, less than `UNLOCK_LINK_SECONDS` old and no unlock has
    happened since it was sent (so each link works once); otherwise None."""
    try:
        data = signing.loads(token, salt=UNLOCK_SALT)
        pk, issued_at, last_unlock = int(data["p"]), float(data["t"]), int(data["u"])
        issued = datetime.datetime.fromtimestamp(issued_at, tz=datetime.UTC)
    except (signing.BadSignature, ValueError, TypeError, KeyError, AttributeError, OverflowError, OSError):
        return None
    age = (timezone.now() - issued).total_seconds()
    if not 0 <= age <= settings.UNLOCK_LINK_SECONDS:
        return None
    person = Person.objects.filter(pk=pk, is_active=True).first()
    if person is None:
        return None
    return person if _last_unlock_id(person) == last_unlock else None


def unlock_by_link(*, token: str, request: HttpRequest) -> Person | None:
    """Follow an unlock link: end the account's lockout once. None when the link does not work."""
    with transaction.atomic():
        person = unlock_link_person(token)
        if person is None:
            return None
        # Two presses of the button at once: the second waits here, then finds the link used.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if unlock_link_person(token) is None:
            return None
        account_unlock(person=person, request=request, how="emailed link")
    return person


def unlock_link_request(*, username_or_email: str, request: HttpRequest) -> bool:
    """Email an unlock link to the active account with this username or email address, if it has failed sign-ins
    to clear and no link was emailed to it in the last `UNLOCK_EMAIL_MINUTES`. Returns whether one was queued;
    the page says the same either way, so it does not tell anyone which accounts exist."""
    value = username_or_email.strip()
    person = Person.objects.filter(Q(username__iexact=value) | Q(email__iexact=value), is_active=True).first()
    if person is None or not person.email or not _has_something_to_unlock(person.get_username()):
        return False
    minutes = max(1, settings.UNLOCK_EMAIL_MINUTES)
    now = timezone.now()
    prefix = f"cscp.person.{person.pk}.account_unlock."
    with transaction.atomic():
        if OutboxEmail.objects.filter(
            key__startswith=prefix, created_at__gt=now - datetime.timedelta(minutes=minutes)
        ).exists():
            return False
        partnership = Partnership.load()
        context = {
            "person": person,
            "partnership": partnership,
            "link": absolute_url(reverse("cscp:account-unlock-confirm", args=[unlock_token(person)])),
            "minutes": settings.UNLOCK_LINK_SECONDS // 60,
        }
        # One key per account per period: two requests at the same moment still queue one email.
        queued = queue_email(
            key=f"{prefix}{int(now.timestamp()) // (minutes * 60)}",
            to=person.email,
            subject=f"Unlock your {partnership.service_name} account",
            body=render_to_string("registration/account_unlock_email.txt", context),
        )
        if queued:
            record_event(
                "cscp.auth.unlock_link_sent",
                obj=person,
                request=request,
                message=f"Unlock link emailed for “{person.get_username()}”",
                data={"username": person.get_username()},
            )
    return queued
