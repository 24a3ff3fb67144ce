"""Sign-ins, sign-outs and failed sign-ins go into the audit-event log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from cscp.audit import record_event
from cscp.middleware import MFA_DEVICE_SESSION_KEY


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # The start of the session, for the 8-hour limit (see cscp.middleware).
        request.session["signed_in_at"] = timezone.now().timestamp()
        # Whether to ask for a one-time code on every page until one is given (see cscp.middleware).
        from django_otp import user_has_device

        request.session[MFA_DEVICE_SESSION_KEY] = user_has_device(user, confirmed=True)
    record_event("cscp.auth.signed_in", actor=user, obj=user, request=request)


@receiver(user_logged_out)
def record_sign_out(sender, request, user, **kwargs):
    if user is not None:
        record_event("cscp.auth.signed_out", actor=user, obj=user, request=request)


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    # Only the name tried is kept, never the password. django-axes has already handled the signal (its app
    # is installed before ours), so the request says whether this attempt was refused by a lockout.
    username = str(credentials.get("username", ""))[:150]
    locked_out = bool(getattr(request, "axes_locked_out", False))
    message = f"Failed sign-in for “{username}”" + (" (account locked)" if locked_out else "")
    record_event(
        "cscp.auth.sign_in_failed",
        request=request,
        message=message,
        data={"username": username, "locked_out": locked_out},
    )
