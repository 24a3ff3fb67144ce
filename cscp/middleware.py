"""Session lifetime and the MFA requirement."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

# Set at sign-in for a person who has an authenticator app, so asking "must this session be verified?"
# costs no query on later requests (see cscp.signals).
MFA_DEVICE_SESSION_KEY = "cscp_has_mfa_device"


def _with_next(url_name: str, request) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"


def _hours(seconds: int) -> str:
    hours = seconds / 3600
    if hours == int(hours):
        return f"{int(hours)} hour{'s' if hours != 1 else ''}"
    minutes = round(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class SessionLifetimeMiddleware:
    """End a session 8 hours after sign-in, whatever the activity (idle expiry is the cookie's age)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get("signed_in_at")
            if started is None:
                request.session["signed_in_at"] = time.time()
            elif time.time() - float(started) > settings.SESSION_ABSOLUTE_SECONDS:
                return self._end_session(request)
        return self.get_response(request)

    def _end_session(self, request):
        target = _with_next(settings.LOGIN_URL, request) if request.method == "GET" else reverse(settings.LOGIN_URL)
        logout(request)
        messages.info(
            request,
            f"You were signed out because you signed in more than {_hours(settings.SESSION_ABSOLUTE_SECONDS)} ago. "
            "Sign in again to continue.",
        )
        return redirect(target)


def mfa_required_for(user) -> bool:
    from cscp.permissions import is_partnership_admin, is_scrutineer

    return bool(settings.REQUIRE_MFA and user.is_authenticated and (is_partnership_admin(user) or is_scrutineer(user)))


class RequireMFAMiddleware:
    """Ask for a one-time code before anything else, from partnership admins and the Independent Scrutineer
    when REQUIRE_MFA is on, and from anyone who has chosen to set up an authenticator app.

    Until they have given one, every page but the MFA pages, sign-out and the public pages sends them to set
    up an authenticator app (first time) or to enter a code.
    """

    EXEMPT_PREFIXES = (
        "/static/",
        "/media/",
        "/accounts/mfa/",
        "/accounts/sign-out/",
        "/accessibility/",
        "/privacy/",
        "/healthz/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and not user.is_verified()
        ):
            has_device = bool(request.session.get(MFA_DEVICE_SESSION_KEY))
            if has_device or mfa_required_for(user):
                if not has_device:
                    from django_otp import user_has_device

                    has_device = user_has_device(user, confirmed=True)
                return redirect(_with_next("cscp:mfa-verify" if has_device else "cscp:mfa-setup", request))
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """What a signed-in person is shown is theirs: tell browsers and proxies not to keep it (a shared computer in a
    partner agency's office, a caching proxy on a council network). Pages, PDFs, exports and downloads alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response
