"""How long a session lasts, and that losing an account or a role takes effect on the next request."""

from __future__ import annotations

import datetime
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.models import Session
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cscp.models import AuditEvent
from cscp.services import membership_end, person_deactivate

# A page that needs sign-in and belongs to this area, so these tests do not depend on other pages.
ACCOUNT_PAGE = reverse("cscp:password-change")
SIGN_IN = reverse("cscp:sign-in")


def test_sessions_end_after_thirty_minutes_without_a_request():
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert django_settings.SESSION_ABSOLUTE_SECONDS == 8 * 60 * 60


def test_every_request_renews_the_thirty_minutes(client_for):
    client = client_for("chair")
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=5))

    response = client.get(ACCOUNT_PAGE)

    assert response.status_code == 200
    assert response.cookies["sessionid"]["max-age"] == 1800
    expires = Session.objects.get().expire_date
    assert expires > timezone.now() + datetime.timedelta(minutes=29)


def test_a_session_left_idle_for_thirty_minutes_is_over(client_for):
    client = client_for("chair")
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get(ACCOUNT_PAGE)

    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


def age_session(client, seconds: float) -> None:
    session = client.session
    session["signed_in_at"] = time.time() - seconds
    session.save()


def test_a_session_older_than_eight_hours_is_ended_with_a_message(client_for, partnership):
    client = client_for("chair")
    age_session(client, 8 * 60 * 60 + 1)

    response = client.get(ACCOUNT_PAGE, follow=True)

    assert response.redirect_chain[0] == (f"{SIGN_IN}?next=%2Faccounts%2Fpassword%2F", 302)
    html = response.content.decode()
    assert "You were signed out because you signed in more than 8 hours ago. Sign in again to continue." in html
    assert not response.wsgi_request.user.is_authenticated
    assert client.get(ACCOUNT_PAGE).status_code == 302
    assert AuditEvent.objects.filter(action="cscp.auth.signed_out", actor=partnership["chair"]).exists()


def test_a_session_under_eight_hours_old_carries_on(client_for):
    client = client_for("chair")
    age_session(client, 8 * 60 * 60 - 60)

    assert client.get(ACCOUNT_PAGE).status_code == 200


def test_an_old_session_that_posts_is_sent_to_sign_in_without_losing_the_message(client_for):
    client = client_for("chair")
    age_session(client, 9 * 60 * 60)

    response = client.post(ACCOUNT_PAGE, {"old_password": "x"}, follow=True)

    assert response.redirect_chain[0] == (SIGN_IN, 302)
    assert "Sign in again to continue" in response.content.decode()


def test_a_session_from_before_the_limit_was_recorded_is_given_a_start_time(client_for):
    client = client_for("chair")
    session = client.session
    del session["signed_in_at"]
    session.save()

    client.get(ACCOUNT_PAGE)

    assert abs(client.session["signed_in_at"] - time.time()) < 60


def test_the_model_backend_refuses_people_who_are_deactivated(partnership):
    chair = partnership["chair"]
    assert ModelBackend().get_user(chair.pk) == chair

    person_deactivate(actor=partnership["admin"], person=chair)

    assert ModelBackend().get_user(chair.pk) is None


def test_a_person_deactivated_while_signed_in_is_signed_out_at_their_next_request(client_for, partnership):
    client = client_for("chair")
    assert client.get(ACCOUNT_PAGE).status_code == 200

    person_deactivate(actor=partnership["admin"], person=partnership["chair"])
    response = client.get(ACCOUNT_PAGE)

    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)
    assert not response.wsgi_request.user.is_authenticated


def test_a_revoked_role_stops_working_on_the_next_request(client_for, partnership):
    client = client_for("chair")
    subgroup = partnership.subgroup
    before = client.get(ACCOUNT_PAGE)
    assert before.wsgi_request.user.has_perm("cscp.view_group", subgroup)
    membership = partnership["chair"].group_memberships.get(group=subgroup)

    membership_end(
        actor=partnership["admin"], membership=membership, end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    after = client.get(ACCOUNT_PAGE)

    assert after.status_code == 200
    assert not after.wsgi_request.user.has_perm("cscp.view_group", subgroup)


def test_a_revoked_chair_can_no_longer_open_their_old_groups_page(client_for, partnership):
    try:
        url = reverse("cscp:group-detail", args=[partnership.subgroup.pk])
    except NoReverseMatch:
        pytest.skip("the group page is not in this build")
    client = client_for("chair")
    assert client.get(url).status_code == 200
    membership = partnership["chair"].group_memberships.get(group=partnership.subgroup)

    membership_end(
        actor=partnership["admin"], membership=membership, end_date=timezone.localdate() - datetime.timedelta(days=1)
    )

    assert client.get(url).status_code in (403, 404)
