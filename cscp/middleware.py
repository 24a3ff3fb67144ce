"""Session lifetime and the MFA requirement."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse


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
                logout(request)
                messages.info(request, "Your session has ended after 8 hours. Sign in again to continue.")
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
        return self.get_response(request)


def mfa_required_for(user) -> bool:
    from cscp.permissions import is_partnership_admin, is_scrutineer

    return bool(settings.REQUIRE_MFA and user.is_authenticated and (is_partnership_admin(user) or is_scrutineer(user)))


class RequireMFAMiddleware:
    """Partnership admins and the Independent Scrutineer must verify a one-time code when REQUIRE_MFA is on.

    Until they have, every page but the MFA pages, sign-out and the public pages sends them to set up an
    authenticator app (first time) or to enter a code.
    """

    EXEMPT_PREFIXES = ("/static/", "/media/", "/accounts/mfa/", "/accounts/sign-out/", "/accessibility/", "/privacy/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and not user.is_verified()
            and mfa_required_for(user)
        ):
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            target = "cscp:mfa-verify" if has_device else "cscp:mfa-setup"
            return redirect(f"{reverse(target)}?next={request.path}")
        return self.get_response(request)
