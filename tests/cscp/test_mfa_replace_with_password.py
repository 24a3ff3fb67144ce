"""Replacing one's authenticator app: after a code from the old app, and after re-entering one's password. A second
app enrolled without the password is refused and nothing changes."""

from __future__ import annotations

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cscp.views.accounts import MFA_SETUP_KEY
from tests.cscp.test_mfa import SETUP, VERIFY, app_being_set_up, code_for, confirmed_device, signed_in
from tests.factories import PASSWORD

PASSWORD_CHECK = reverse("cscp:mfa-password")


def _verified_with_an_app(partnership, name="chair"):
    old = confirmed_device(partnership[name])
    client = signed_in(name)
    client.post(VERIFY, {"code": code_for(old)})
    return client, old


def test_replacing_an_app_asks_for_the_password_first(partnership):
    client, old = _verified_with_an_app(partnership)

    response = client.get(SETUP)

    assert response.status_code == 302 and response.url.startswith(PASSWORD_CHECK)
    assert MFA_SETUP_KEY not in client.session  # no new secret made yet


def test_a_second_app_posted_without_the_password_is_refused_and_nothing_changes(partnership):
    client, old = _verified_with_an_app(partnership)
    # As if the setup page had been reached some other way: a secret in the session, and its right code posted.
    session = client.session
    session[MFA_SETUP_KEY] = "a" * 40
    session.save()

    response = client.post(SETUP, {"code": code_for(TOTPDevice(user=partnership["chair"], key="a" * 40))})

    assert response.status_code == 302 and response.url.startswith(PASSWORD_CHECK)
    assert list(TOTPDevice.objects.filter(user=partnership["chair"])) == [old]
    assert TOTPDevice.objects.get(pk=old.pk).confirmed


def test_a_wrong_password_is_refused_beside_the_field(partnership):
    client, old = _verified_with_an_app(partnership)
    response = client.post(PASSWORD_CHECK, {"password": "not my password"})
    assert response.status_code == 200
    assert "The password is not right" in response.content.decode()
    assert client.get(SETUP).url.startswith(PASSWORD_CHECK)


def test_with_the_password_re_entered_the_app_is_replaced(partnership):
    client, old = _verified_with_an_app(partnership)

    response = client.post(PASSWORD_CHECK, {"password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith(SETUP)
    page = client.get(SETUP)
    assert "You already have an authenticator app set up" in page.content.decode()
    key = client.session[MFA_SETUP_KEY]
    client.post(SETUP, {"code": code_for(app_being_set_up(client, partnership["chair"]))})

    assert [device.key for device in TOTPDevice.objects.filter(user=partnership["chair"])] == [key]


def test_a_first_app_needs_no_password(client_for, partnership):
    assert client_for("chair").get(SETUP).status_code == 200
