"""One-time codes from an authenticator app: required of partnership admins and the Independent Scrutineer
when REQUIRE_MFA is on, and of anyone who chose to set one up."""

from __future__ import annotations

import base64
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cscp.models import AuditEvent
from cscp.views.accounts import MFA_SETUP_KEY
from tests.factories import PASSWORD

SETUP = reverse("cscp:mfa-setup")
VERIFY = reverse("cscp:mfa-verify")
HOME = reverse("cscp:home")


@pytest.fixture
def mfa_required(settings):
    settings.REQUIRE_MFA = True


def app_being_set_up(client: Client, person) -> TOTPDevice:
    """The app the setup page showed: its secret is in the session until a code confirms it."""
    return TOTPDevice(user=person, key=client.session[MFA_SETUP_KEY])


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def confirmed_device(person) -> TOTPDevice:
    return TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)


def signed_in(username: str) -> Client:
    """A client that signed in through the sign-in page, as a person does."""
    client = Client()
    response = client.post(reverse("cscp:sign-in"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def with_next(url: str, target: str) -> str:
    return f"{url}?{urlencode({'next': target})}"


def test_an_admin_without_an_app_is_sent_to_set_one_up(mfa_required, client_for):
    response = client_for("admin").get(HOME)

    assert response.status_code == 302
    assert response.url == with_next(SETUP, HOME)


def test_an_unverified_admin_cannot_reach_the_management_pages(mfa_required, client_for):
    response = client_for("admin").get("/manage/")

    assert response.status_code == 302
    assert response.url == with_next(SETUP, "/manage/")


def test_the_scrutineer_is_asked_too(mfa_required, client_for):
    assert client_for("scrutineer").get(HOME).url == with_next(SETUP, HOME)


@pytest.mark.parametrize("persona", ["chair", "board", "s11lead", "outsider"])
def test_other_people_are_never_asked_for_a_code(mfa_required, client_for, persona):
    client = client_for(persona)

    assert client.get(HOME).status_code == 200
    assert client.get(reverse("cscp:password-change")).status_code == 200


def test_an_admin_sets_up_an_app_and_then_reaches_the_home_page(mfa_required, client_for, partnership):
    client = client_for("admin")
    page = client.get(client.get(HOME).url)
    assert page.status_code == 200
    # Showing the page writes nothing: the app's secret waits in the session for a code.
    assert not TOTPDevice.objects.filter(user=partnership["admin"]).exists()

    shown = app_being_set_up(client, partnership["admin"])
    response = client.post(SETUP, {"code": code_for(shown), "next": HOME})

    assert response.status_code == 302
    assert response.url == HOME
    assert client.get(HOME).status_code == 200
    device = TOTPDevice.objects.get(user=partnership["admin"])
    assert device.confirmed and device.key == shown.key
    assert AuditEvent.objects.filter(action="cscp.person.mfa_enabled", actor=partnership["admin"]).exists()


def test_the_setup_page_shows_a_qr_code_and_the_key_to_type_in(client_for, partnership):
    client = client_for("chair")
    response = client.get(SETUP)

    html = response.content.decode()
    assert "Set up an authenticator app" in html
    assert "Enter the 6-digit code" in html
    device = app_being_set_up(client, partnership["chair"])
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert " ".join(key[i : i + 4] for i in range(0, len(key), 4)) in html
    image = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)"\s+alt="([^"]+)"', html)
    assert image is not None and "QR code" in image.group(2)
    svg = base64.b64decode(image.group(1)).decode()
    assert "<svg" in svg and "<path" in svg
    # The Content-Security-Policy forbids inline styles, on the page and in the image.
    assert "style=" not in svg
    assert "style=" not in html


def test_reloading_the_setup_page_keeps_the_same_key(client_for, partnership):
    client = client_for("chair")
    first = client.get(SETUP).content.decode()
    key = client.session[MFA_SETUP_KEY]
    second = client.get(SETUP).content.decode()

    assert client.session[MFA_SETUP_KEY] == key
    shown = re.compile(r'<img src="data:image/svg\+xml;base64,([^"]+)"')
    assert shown.search(first).group(1) == shown.search(second).group(1)
    assert not TOTPDevice.objects.filter(user=partnership["chair"]).exists()


def test_a_wrong_code_during_setup_is_refused_with_a_clear_error(client_for, partnership):
    client = client_for("chair")
    client.get(SETUP)

    response = client.post(SETUP, {"code": "000000"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The code is not right. Enter the 6-digit code your authenticator app shows now" in html
    assert not TOTPDevice.objects.get(user=partnership["chair"]).confirmed


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12345", "Enter the code as 6 numbers, like 123456"),
        ("abcdef", "Enter the code as 6 numbers, like 123456"),
    ],
)
def test_a_code_that_is_not_six_numbers_is_explained(client_for, code, message):
    client = client_for("chair")
    client.get(SETUP)

    assert message in client.post(SETUP, {"code": code}).content.decode()


def test_a_code_typed_with_a_space_is_accepted(client_for, partnership):
    client = client_for("chair")
    client.get(SETUP)
    code = code_for(app_being_set_up(client, partnership["chair"]))

    response = client.post(SETUP, {"code": f"{code[:3]} {code[3:]}"})

    assert response.status_code == 302


def test_an_admin_with_an_app_is_asked_for_a_code_after_signing_in(mfa_required, partnership, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = confirmed_device(partnership["admin"])
    client = signed_in("admin")

    response = client.get(HOME)
    assert response.url == with_next(VERIFY, HOME)
    page = client.get(response.url)
    assert "Enter the code from your authenticator app" in page.content.decode()

    wrong = client.post(VERIFY, {"code": "000000", "next": HOME})
    assert wrong.status_code == 200
    assert "The code is not right" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="cscp.auth.mfa_failed", actor=partnership["admin"]).count() == 1

    right = client.post(VERIFY, {"code": code_for(device), "next": HOME})
    assert right.status_code == 302
    assert right.url == HOME
    assert client.get(HOME).status_code == 200
    assert AuditEvent.objects.filter(action="cscp.auth.mfa_verified", actor=partnership["admin"]).count() == 1


def test_repeated_wrong_codes_make_a_person_wait(mfa_required, partnership, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = confirmed_device(partnership["admin"])
    client = signed_in("admin")
    client.post(VERIFY, {"code": "000000"})

    response = client.post(VERIFY, {"code": code_for(device)})

    assert response.status_code == 200
    assert "You entered a wrong code too many times in a row" in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_a_code_cannot_be_used_twice(mfa_required, partnership):
    device = confirmed_device(partnership["admin"])
    code = code_for(device)
    first, second = signed_in("admin"), signed_in("admin")

    assert first.post(VERIFY, {"code": code}).status_code == 302
    assert second.post(VERIFY, {"code": code}).status_code == 200
    assert second.get(HOME).status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example"])
def test_a_verified_person_is_never_sent_off_the_site(mfa_required, partnership, target):
    device = confirmed_device(partnership["admin"])
    client = signed_in("admin")

    response = client.post(VERIFY, {"code": code_for(device), "next": target})

    assert response.url == HOME


def test_someone_with_an_app_cannot_replace_it_without_a_code(mfa_required, partnership):
    confirmed_device(partnership["admin"])
    client = signed_in("admin")

    response = client.get(SETUP)

    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=partnership["admin"]).count() == 1


def test_a_verified_person_may_replace_their_app(partnership):
    # With their password re-entered too (tests/cscp/test_mfa_replace_with_password.py).
    old = confirmed_device(partnership["chair"])
    client = signed_in("chair")
    client.post(VERIFY, {"code": code_for(old)})
    client.post(reverse("cscp:mfa-password"), {"password": PASSWORD})
    page = client.get(SETUP)
    assert "You already have an authenticator app set up" in page.content.decode()
    key = client.session[MFA_SETUP_KEY]

    client.post(SETUP, {"code": code_for(app_being_set_up(client, partnership["chair"]))})

    assert [device.key for device in TOTPDevice.objects.filter(user=partnership["chair"])] == [key]
    assert old.key != key


def test_someone_who_chose_to_set_up_an_app_is_asked_for_a_code_at_their_next_sign_in(partnership):
    # REQUIRE_MFA is off (tests/conftest.py): the chair set up an app of their own accord.
    device = confirmed_device(partnership["chair"])
    client = signed_in("chair")

    assert client.get(HOME).url == with_next(VERIFY, HOME)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    assert client.get(HOME).status_code == 200


def test_signing_out_works_before_giving_a_code(mfa_required, client_for):
    client = client_for("admin")

    response = client.post(reverse("cscp:sign-out"))

    assert response.url == reverse("cscp:signed-out")


@pytest.mark.parametrize("url", [SETUP, VERIFY])
def test_the_code_pages_need_sign_in(db, url):
    response = Client().get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("cscp:sign-in"))


def test_the_verify_page_offers_setup_to_someone_without_an_app(client_for):
    html = client_for("chair").get(VERIFY).content.decode()

    assert "You have not set up an authenticator app" in html
    assert SETUP in html


def test_the_code_is_checked_against_the_current_time(partnership):
    """A code from long ago does not work (the clock, not the page, decides)."""
    device = confirmed_device(partnership["chair"])
    client = signed_in("chair")
    an_hour_ago = f"{totp(device.bin_key, drift=-120):06d}"

    assert client.post(VERIFY, {"code": an_hour_ago}).status_code == 200
