"""Signing in and out, passwords, invitations and one-time codes.

Django's own authentication views do the work (they handle tokens, safe `next` addresses and session
rotation); these subclasses give them the product's forms, pages and audit events.
"""

from __future__ import annotations

import base64
import io
import time
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from cscp import lockout
from cscp.audit import record_event
from cscp.forms.accounts import (
    AccountEmailForm,
    AccountNameForm,
    OneTimeCodeForm,
    PasswordChangeForm,
    PasswordCheckForm,
    PasswordResetForm,
    SetPasswordForm,
    SignInForm,
    UnlockRequestForm,
)
from cscp.middleware import MFA_DEVICE_SESSION_KEY
from cscp.pages import crumbs, posted, submit
from cscp.services import (
    account_email_change_request,
    account_email_confirm,
    account_name_change,
    email_change_in_link,
    person_mfa_enable,
    person_password_set,
)

# Signing in and out.


class SignInView(auth_views.LoginView):
    template_name = "registration/sign_in.html"
    authentication_form = SignInForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttle_wait:
            # Answered at once: the page says how long to wait, and so does the status for anything automated.
            response.status_code = 429
            response["Retry-After"] = str(form.throttle_wait)
        return response


def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signed_out.html")


# Passwords.


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("cscp:password-change-done")

    def form_valid(self, form):
        response = super().form_valid(form)
        person_password_set(person=form.user, request=self.request)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("cscp:password-reset-done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("cscp:password-reset-complete")

    def get_user(self, uidb64):
        # Django checks the token, which does not change when a person is deactivated: refuse them here.
        person = super().get_user(uidb64)
        return person if person is not None and person.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        person_password_set(person=form.user, request=self.request)
        lockout.account_unlock_after_password_reset(person=form.user, request=self.request)
        return response


class SetPasswordView(PasswordResetConfirmView):
    """The link in an invitation: the same token as a reset, worded as a welcome."""

    template_name = "registration/set_password.html"
    reset_url_token = "choose-password"  # noqa: S105 - a word in the address, not a secret

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "button": "Set password"}

    def form_valid(self, form):
        super().form_valid(form)
        messages.success(self.request, f"Your password is set. Sign in with your username, {form.user.get_username()}.")
        return redirect("cscp:sign-in")


# Unlocking an account by an emailed link.


def account_unlock(request: HttpRequest) -> HttpResponse:
    """Ask for an unlock link. The answer is the same whether or not the account exists or is locked."""
    form = UnlockRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        lockout.unlock_link_request(username_or_email=form.cleaned_data["username_or_email"], request=request)
        return redirect("cscp:account-unlock-sent")
    return render(request, "registration/account_unlock_form.html", {"form": form})


def account_unlock_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/account_unlock_sent.html", {"minutes": settings.UNLOCK_LINK_SECONDS // 60})


def account_unlock_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email. Following it shows a button (a GET changes nothing, so a mail scanner that opens
    links does not use it up); pressing the button unlocks the account."""
    if request.method == "POST":
        person = lockout.unlock_by_link(token=token, request=request)
        if person is not None:
            messages.success(request, f"Your account is unlocked. Sign in with your username, {person.get_username()}.")
            return redirect("cscp:sign-in")
    else:
        person = lockout.unlock_link_person(token)
    return render(request, "registration/account_unlock_confirm.html", {"valid": person is not None})


# One-time codes (MFA).


def safe_next(request: HttpRequest, default: str | None = None) -> str:
    """Where to go after a step: the `next` that sent the person here, if it is one of ours; else `default` (the
    home page when not given)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL) if default is None else default


def _qr_code_data_uri(text: str) -> str:
    # A path-based SVG has no style attributes, so it is allowed by the Content-Security-Policy as a data: image.
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _grouped_secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def _throttled_message(device: TOTPDevice) -> str | None:
    allowed, _ = device.verify_is_allowed()
    if allowed:
        return None
    return "You entered a wrong code too many times in a row. Wait a minute, then enter the code shown now"


# The secret of the app being set up, kept in the session until a code proves the app holds it.
MFA_SETUP_KEY = "mfa_setup_key"
# When the person last re-entered their password to replace their app; it counts for MFA_PASSWORD_SECONDS.
MFA_PASSWORD_KEY = "mfa_password_checked_at"  # noqa: S105 - a session key, not a password
MFA_PASSWORD_SECONDS = 10 * 60


def _password_recently_checked(request: HttpRequest) -> bool:
    checked = request.session.get(MFA_PASSWORD_KEY)
    return isinstance(checked, int | float) and 0 <= time.time() - checked <= MFA_PASSWORD_SECONDS


@login_required
def mfa_password(request: HttpRequest) -> HttpResponse:
    """Re-entering one's password before replacing one's authenticator app."""
    next_url = safe_next(request, reverse("cscp:mfa-setup"))
    form = PasswordCheckForm(request.user, posted(request))
    if request.method == "POST" and form.is_valid():
        request.session[MFA_PASSWORD_KEY] = time.time()
        record_event("cscp.auth.password_rechecked", actor=request.user, obj=request.user, request=request)
        return redirect(f"{reverse('cscp:mfa-setup')}?{urlencode({'next': next_url})}")
    return render(
        request,
        "registration/mfa_password.html",
        {"form": form, "next": next_url, "crumbs": crumbs(("Your account", reverse("cscp:account")))},
    )


def _app_being_set_up(request: HttpRequest, person) -> TOTPDevice:
    """The authenticator app being set up. Showing the page writes nothing: the secret lives in the session (the same
    across reloads, so an app that has scanned the code keeps working) and the device row is written by the first
    code posted, right or wrong, so wrong codes are throttled."""
    key = request.session.get(MFA_SETUP_KEY)
    if not key:
        key = request.session[MFA_SETUP_KEY] = random_hex(20)
    found = TOTPDevice.objects.filter(user=person, confirmed=False, key=key).first()
    return found or TOTPDevice(user=person, name="Authenticator app", key=key, confirmed=False)


@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    person = request.user
    next_url = safe_next(request)
    # Someone with an app already must prove they hold it before they may replace it.
    if not person.is_verified() and user_has_device(person, confirmed=True):
        return redirect(f"{reverse('cscp:mfa-verify')}?{urlencode({'next': next_url})}")
    # ... and re-enter their password: a code alone, from a phone left unlocked, does not let another device in.
    # Refused before any secret is made or any code is checked, so nothing changes.
    if user_has_device(person, confirmed=True) and not _password_recently_checked(request):
        if request.method == "POST":
            messages.error(request, "Enter your password before you replace your authenticator app")
        return redirect(f"{reverse('cscp:mfa-password')}?{urlencode({'next': next_url})}")
    device = _app_being_set_up(request, person)
    form = OneTimeCodeForm(posted(request), button="Continue")
    if request.method == "POST" and form.is_valid():
        throttled = _throttled_message(device)
        if throttled:
            form.add_error("code", throttled)
        elif device.verify_token(form.cleaned_data["code"]):
            person_mfa_enable(person=person, device=device, request=request)
            request.session.pop(MFA_SETUP_KEY, None)
            request.session.pop(MFA_PASSWORD_KEY, None)
            otp_login(request, device)
            request.session[MFA_DEVICE_SESSION_KEY] = True
            messages.success(
                request, "Your authenticator app is set up. You will be asked for a code when you sign in."
            )
            return redirect(next_url)
        else:
            form.add_error("code", "The code is not right. Enter the 6-digit code your authenticator app shows now")
    context = {
        "form": form,
        "next": next_url,
        "qr_code": _qr_code_data_uri(device.config_url),
        "secret": _grouped_secret(device),
        "replacing": user_has_device(person, confirmed=True),
    }
    return render(request, "registration/mfa_setup.html", context)


@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    person = request.user
    next_url = safe_next(request)
    devices = list(TOTPDevice.objects.filter(user=person, confirmed=True))
    if not devices:
        # Their app was removed since they signed in: stop asking for its codes.
        request.session.pop(MFA_DEVICE_SESSION_KEY, None)
    form = OneTimeCodeForm(posted(request), button="Continue")
    if devices and request.method == "POST" and form.is_valid():
        verified = None
        with transaction.atomic():
            for device in TOTPDevice.objects.select_for_update().filter(pk__in=[d.pk for d in devices]):
                throttled = _throttled_message(device)
                if throttled:
                    form.add_error("code", throttled)
                    break
                if device.verify_token(form.cleaned_data["code"]):
                    verified = device
                    break
        if verified is not None:
            otp_login(request, verified)
            record_event("cscp.auth.mfa_verified", actor=person, obj=person, request=request)
            return redirect(next_url)
        record_event("cscp.auth.mfa_failed", actor=person, obj=person, request=request)
        if "code" not in form.errors:
            form.add_error("code", "The code is not right. Enter the 6-digit code your authenticator app shows now")
    return render(
        request, "registration/mfa_verify.html", {"form": form, "next": next_url, "has_device": bool(devices)}
    )


# Your account.


@login_required
def account(request: HttpRequest) -> HttpResponse:
    person = request.user
    context = {
        "person": person,
        "has_authenticator": user_has_device(person, confirmed=True),
        "crumbs": crumbs(),
    }
    return render(request, "registration/account.html", context)


def _account_crumbs() -> list[tuple[str, str]]:
    return crumbs(("Your account", reverse("cscp:account")))


@login_required
def account_name(request: HttpRequest) -> HttpResponse:
    person = request.user
    form = AccountNameForm(posted(request), initial={"first_name": person.first_name, "last_name": person.last_name})
    if submit(form, lambda data: account_name_change(actor=person, request=request, **data)) is not None:
        messages.success(request, "Your name is saved")
        return redirect("cscp:account")
    return render(
        request,
        "registration/account_form.html",
        {"form": form, "title": "Change your name", "crumbs": _account_crumbs()},
    )


@login_required
def account_email(request: HttpRequest) -> HttpResponse:
    person = request.user
    form = AccountEmailForm(person, posted(request))
    if submit(form, lambda data: account_email_change_request(actor=person, email=data["email"], request=request)):
        messages.success(
            request,
            f"We have emailed a link to {form.cleaned_data['email']}. Your email address changes when you follow it",
        )
        return redirect("cscp:account")
    return render(
        request,
        "registration/account_form.html",
        {"form": form, "title": "Change your email address", "crumbs": _account_crumbs(), "current": person.email},
    )


def account_email_confirm_page(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent to the new address. Following it shows a button (a GET changes nothing, so a mail scanner that
    opens links does not use it up); pressing it changes the account's address. Works signed in or not: the link
    itself proves the address."""
    if request.method == "POST":
        person = account_email_confirm(token=token, request=request)
        if person is not None:
            messages.success(request, f"Your email address is now {person.email}")
            return redirect("cscp:account" if request.user.is_authenticated else "cscp:sign-in")
        found = None
    else:
        found = email_change_in_link(token)
    return render(
        request,
        "registration/account_email_confirm.html",
        {"valid": found is not None, "new_email": found[1] if found else ""},
    )
