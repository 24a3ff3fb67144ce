"""Forms for signing in, passwords and one-time codes, in the GOV.UK Design System's words and layout."""

from __future__ import annotations

import re

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from cscp import limits, lockout
from cscp.audit import record_event
from cscp.models import Partnership, Person
from cscp.notifications import absolute_url, queue_email

DEACTIVATED_MESSAGE = "Your account has been deactivated. Contact the partnership team."
INVALID_LOGIN_MESSAGE = "Enter a correct username and password"

# Django's password validators describe the problem; these say what to do about it.
PASSWORD_MESSAGES = {
    "password_too_short": "Enter a password that is at least {min_length} characters long",
    "password_too_common": "Enter a password that is harder to guess: this one is too common",
    "password_entirely_numeric": "Enter a password that has letters or symbols in it, not only numbers",
    "password_too_similar": "Enter a password that is less like your name, username or email address",
}
PASSWORD_HINT = "Must be at least 12 characters. Do not use a common password or one like your name."  # noqa: S105


def _helper(button: str, *fields) -> FormHelper:
    helper = FormHelper()
    # The page writes the <form> itself, so it can carry `next` and a single CSRF token.
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


class SignInForm(auth_forms.AuthenticationForm):
    """Sign in with a username and password.

    django-axes counts failed attempts through the `user_login_failed` signal that `authenticate` sends.
    A deactivated person who types the right password is told so, and that attempt is not counted: it is
    not a guess, and counting it would lock them out if they are reactivated. Wrong passwords for a
    deactivated account are counted like any other, so the message cannot be used to test passwords
    beyond the lockout limit.

    Before any password is checked, the account's own limits (cscp/lockout.py) may refuse the attempt: a username
    with many recent failures from every address is told how long to wait, and one at the ceiling of consecutive
    failures gets the locked-out page. Those attempts are not counted.
    """

    username = auth_forms.UsernameField(
        label="Username",
        max_length=Person._meta.get_field("username").max_length,
        error_messages={"required": "Enter your username", "max_length": INVALID_LOGIN_MESSAGE},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=limits.PASSWORD,
        error_messages={"required": "Enter your password", "max_length": INVALID_LOGIN_MESSAGE},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {"invalid_login": INVALID_LOGIN_MESSAGE, "inactive": DEACTIVATED_MESSAGE}
    # Seconds this account must wait before its next attempt, when this attempt was refused for coming too soon.
    throttle_wait = 0

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.helper = _helper("Sign in", Field.text("username", field_width=20), Field.text("password", field_width=20))

    @sensitive_variables("password")
    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        person = Person.objects.filter(username__iexact=username).first()
        # Axes keys lockouts on the name as given: use the account's own spelling, so "Chair" and "chair"
        # share one count and a successful sign-in resets it.
        username = person.username if person is not None else username.lower()
        credentials = get_credentials(username=username)
        allowed = AxesProxyHandler.is_allowed(self.request, credentials)
        # An address already locked gets django-axes' page; otherwise the account's own limits come first, and
        # an attempt they refuse checks no password and is not counted (cscp/lockout.py).
        if allowed and self._refused_by_account_limits(username, credentials):
            return self.cleaned_data
        if person is not None and not person.is_active and person.check_password(password) and allowed:
            record_event(
                "cscp.auth.sign_in_refused",
                obj=person,
                request=self.request,
                message=f"Deactivated account “{person.username}” tried to sign in",
                data={"username": person.username, "reason": "deactivated"},
            )
            # Beside the username: it is the account, not the password, that is the problem.
            self.add_error("username", ValidationError(self.error_messages["inactive"], code="inactive"))
            return self.cleaned_data
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            self.add_error("password", ValidationError(self.error_messages["invalid_login"], code="invalid_login"))
        else:
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def _refused_by_account_limits(self, username: str, credentials: dict) -> bool:
        if lockout.at_ceiling(username):
            # Locked everywhere: django-axes' middleware answers with the locked-out page.
            self.request.axes_locked_out = True
            self.request.axes_credentials = credentials
            self.request.sign_in_ceiling = True
            self._record_refusal(username, locked_out=True)
            self.add_error("username", ValidationError("This account is locked", code="locked"))
            return True
        wait = lockout.throttle_wait_seconds(username)
        if wait:
            self.throttle_wait = wait
            self._record_refusal(username, throttled=True)
            # Beside the username: it is the account that must wait, whatever password was typed.
            self.add_error("username", ValidationError(lockout.wait_message(wait), code="throttled"))
            return True
        return False

    def _record_refusal(self, username: str, *, locked_out: bool = False, throttled: bool = False) -> None:
        data = {"username": username[:150], "locked_out": locked_out}
        if throttled:
            data["throttled"] = True
        reason = "account locked" if locked_out else "too many attempts: told to wait"
        record_event(
            "cscp.auth.sign_in_failed",
            request=self.request,
            message=f"Failed sign-in for “{username[:150]}” ({reason})",
            data=data,
        )


class UnlockRequestForm(forms.Form):
    """Ask for a link that unlocks an account, by its username or its email address."""

    username_or_email = forms.CharField(
        label="Username or email address",
        max_length=254,
        error_messages={"required": "Enter your username or email address"},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Email me a link", Field.text("username_or_email", field_width=30))


class PasswordFieldsMixin:
    """New-password fields that explain the rules up front and say what to do when one is broken."""

    def _set_up_new_password_fields(self) -> None:
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = PASSWORD_HINT
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].help_text = ""
        self.fields["new_password2"].error_messages["required"] = "Enter your new password again"

    error_messages = {"password_mismatch": "Enter the same password in both boxes"}

    @sensitive_variables("password")
    def validate_password_for_user(self, user, password_field_name="new_password1"):  # noqa: S107
        # Beside the new password (Django puts these beside the confirmation).
        password = self.cleaned_data.get("new_password1")
        if not password:
            return
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            errors = []
            for item in error.error_list:
                template = PASSWORD_MESSAGES.get(item.code)
                text = template.format(**(item.params or {})) if template else item.messages[0]
                errors.append(ValidationError(text, code=item.code))
            self.add_error("new_password1", errors)


def new_password_fields() -> tuple[forms.CharField, forms.CharField]:
    """The new password and its confirmation, no longer than any password can be typed to sign in."""
    return tuple(
        forms.CharField(
            strip=False,
            max_length=limits.PASSWORD,
            error_messages={"max_length": limits.too_long("Password", limits.PASSWORD)},
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        )
        for _ in range(2)
    )


class SetPasswordForm(PasswordFieldsMixin, auth_forms.SetPasswordForm):
    """Choose a password from an invitation or a reset link."""

    new_password1, new_password2 = new_password_fields()

    def __init__(self, user, *args, button: str = "Set password", **kwargs):
        super().__init__(user, *args, **kwargs)
        self._set_up_new_password_fields()
        self.helper = _helper(
            button,
            Field.text("new_password1", field_width=20),
            Field.text("new_password2", field_width=20),
        )


class PasswordChangeForm(PasswordFieldsMixin, auth_forms.PasswordChangeForm):
    old_password = forms.CharField(
        strip=False,
        max_length=limits.PASSWORD,
        error_messages={"max_length": "Your current password is not right: enter it again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1, new_password2 = new_password_fields()
    error_messages = {
        **PasswordFieldsMixin.error_messages,
        "password_incorrect": "Your current password is not right: enter it again",
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self._set_up_new_password_fields()
        self.helper = _helper(
            "Change password",
            Field.text("old_password", field_width=20),
            Field.text("new_password1", field_width=20),
            Field.text("new_password2", field_width=20),
        )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Ask for a reset link. The page after is the same whether or not the address is known."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The address your invitation was sent to",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Send reset link", Field.text("email", field_width=30))

    def get_users(self, email):
        # Unlike Django's default, people who were invited but never set a password may use this too:
        # there is no other way for them to sign in, and it rescues an invitation link that has expired.
        return Person.objects.filter(email__iexact=email.strip(), is_active=True)

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        person = context["user"]
        context = {
            **context,
            "partnership": Partnership.load(),
            "person": person,
            # From SITE_URL, not the request's Host header, so the link always points at this service.
            "link": absolute_url(reverse("cscp:password-reset-confirm", args=[context["uid"], context["token"]])),
        }
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        queue_email(
            key=f"cscp.person.{person.pk}.password_reset.{timezone.now().timestamp()}",
            to=to_email,
            subject=subject,
            body=body,
        )


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label="Enter the 6-digit code",
        help_text="The code from your authenticator app. It changes every 30 seconds.",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )

    def __init__(self, *args, button: str = "Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(button, Field.text("code", field_width=5))

    def clean_code(self) -> str:
        # People copy codes with spaces ("123 456") or dashes from some apps.
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError("Enter the code as 6 numbers, like 123456")
        return code


class PasswordCheckForm(forms.Form):
    """Re-entering one's password before something that would let another device in (replacing the
    authenticator app)."""

    password = forms.CharField(
        label="Your password",
        max_length=4096,
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = _helper("Continue", Field.text("password", field_width="two-thirds"))

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("The password is not right. Enter the password you sign in with")
        return password


# The account's own column sizes, so the form refuses what the database could not hold, in words.
NAME_LIMIT = Person._meta.get_field("first_name").max_length


class AccountNameForm(forms.Form):
    """One's own name, as the partnership's pages and emails show it."""

    first_name = forms.CharField(
        label="First name",
        max_length=NAME_LIMIT,
        error_messages={"required": "Enter your first name", "max_length": limits.too_long("First name", NAME_LIMIT)},
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=NAME_LIMIT,
        error_messages={"required": "Enter your last name", "max_length": limits.too_long("Last name", NAME_LIMIT)},
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Save your name", Field.text("first_name", field_width=20), Field.text("last_name", field_width=20)
        )


class AccountEmailForm(PasswordCheckForm):
    """A new email address for one's account, with one's password: a link goes to the new address, and the account
    keeps its address until the link is followed."""

    email = forms.EmailField(
        label="New email address",
        max_length=254,
        help_text="We will email a link to this address. Your address changes when you follow the link",
        error_messages={
            "required": "Enter your new email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
            "max_length": limits.too_long("Email address", 254),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    field_order = ["email", "password"]

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.helper = _helper(
            "Send the link",
            Field.text("email", field_width="two-thirds"),
            Field.text("password", field_width="two-thirds"),
        )
