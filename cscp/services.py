"""Writes for the partnership core. Each service is keyword-only, validates, saves atomically and leaves an
audit event (field-level history comes from django-simple-history on every model).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cscp.audit import record_event
from cscp.models import (
    Agency,
    AgencyMembership,
    AuditEvent,
    BusinessPlan,
    District,
    Group,
    GroupMembership,
    Meeting,
    Notification,
    OutboxEmail,
    Partnership,
    Person,
    Priority,
    Theme,
)
from cscp.notifications import absolute_url, queue_email

# Generic create and update for the partnership's reference data (agencies, groups, themes...).


def _changed_fields(obj: Model, values: dict[str, Any]) -> dict[str, list[str]]:
    changes = {}
    for name, value in values.items():
        before = getattr(obj, name)
        if before != value:
            changes[name] = [str(before), str(value)]
    return changes


@transaction.atomic
def record_create(*, model: type[Model], actor: Person, values: dict[str, Any], request=None, m2m: dict | None = None):
    obj = model(**values)
    obj.full_clean()
    obj.save()
    for name, items in (m2m or {}).items():
        getattr(obj, name).set(items)
    record_event(f"cscp.{model._meta.model_name}.created", actor=actor, obj=obj, request=request)
    return obj


@transaction.atomic
def record_update(*, obj: Model, actor: Person, values: dict[str, Any], request=None, m2m: dict | None = None):
    changes = _changed_fields(obj, values)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    for name, items in (m2m or {}).items():
        getattr(obj, name).set(items)
    if changes or m2m:
        record_event(
            f"cscp.{obj._meta.model_name}.updated", actor=actor, obj=obj, request=request, data={"changes": changes}
        )
    return obj


def partnership_update(*, actor: Person, values: dict[str, Any], request=None) -> Partnership:
    return record_update(obj=Partnership.load(), actor=actor, values=values, request=request)


def agency_create(*, actor: Person, name: str, sector: str, request=None) -> Agency:
    return record_create(model=Agency, actor=actor, values={"name": name, "sector": sector}, request=request)


def group_create(*, actor: Person, request=None, **values) -> Group:
    return record_create(model=Group, actor=actor, values=values, request=request)


@transaction.atomic
def group_update(*, actor: Person, group: Group, values: dict[str, Any], request=None) -> Group:
    """Change a group. Its parent must not be itself or a group that reports to it: the tree is locked while we
    check, so two admins cannot make a loop between them."""
    from cscp.selectors import group_descendant_ids

    parent = values.get("parent")
    if parent is not None:
        list(Group.objects.select_for_update().values_list("pk", flat=True))
        if parent.pk == group.pk or parent.pk in group_descendant_ids(group):
            raise ValidationError({"parent": "Choose a group that does not report to this one"})
    return record_update(obj=group, actor=actor, values=values, request=request)


def district_create(*, actor: Person, name: str, request=None) -> District:
    return record_create(model=District, actor=actor, values={"name": name}, request=request)


def theme_create(*, actor: Person, name: str, description: str = "", request=None) -> Theme:
    return record_create(model=Theme, actor=actor, values={"name": name, "description": description}, request=request)


def business_plan_create(*, actor: Person, request=None, **values) -> BusinessPlan:
    return record_create(model=BusinessPlan, actor=actor, values=values, request=request)


def priority_create(*, actor: Person, plan: BusinessPlan, request=None, **values) -> Priority:
    return record_create(model=Priority, actor=actor, values={"plan": plan, **values}, request=request)


def meeting_create(*, actor: Person, group: Group, date: datetime.date, title: str = "", request=None) -> Meeting:
    return record_create(
        model=Meeting, actor=actor, values={"group": group, "date": date, "title": title}, request=request
    )


# People.


def set_password_url(person: Person) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return absolute_url(reverse("cscp:set-password", args=[uid, token]))


def _send_invitation(*, person: Person, actor: Person) -> None:
    partnership = Partnership.load()
    body = render_to_string(
        "emails/invitation.txt",
        {"person": person, "actor": actor, "partnership": partnership, "link": set_password_url(person)},
    )
    queue_email(
        key=f"cscp.person.{person.pk}.invitation.{timezone.now().timestamp()}",
        to=person.email,
        subject=f"You have been invited to {partnership.service_name}",
        body=body,
    )


def normalise_email(email: str) -> str:
    return Person.objects.normalize_email(email.strip()).lower()


def username_for(email: str) -> str:
    """A sign-in name from the email's local part, made unique."""
    base = email.split("@", 1)[0][:140] or "person"
    candidate, n = base, 1
    while Person.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def person_invite(
    *,
    actor: Person,
    email: str,
    first_name: str,
    last_name: str,
    job_title: str = "",
    username: str = "",
    request=None,
) -> Person:
    """Create a person with no password and email them a link to set one."""
    email = normalise_email(email)
    if Person.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Someone with this email address already has an account"})
    if username and Person.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "This sign-in name is taken: choose another"})
    person = Person(
        email=email,
        username=username or username_for(email),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        job_title=job_title.strip(),
    )
    person.set_unusable_password()
    person.full_clean()
    person.save()
    record_event("cscp.person.invited", actor=actor, obj=person, request=request)
    _send_invitation(person=person, actor=actor)
    return person


@transaction.atomic
def person_resend_invitation(*, actor: Person, person: Person, request=None) -> None:
    if person.has_usable_password():
        raise ValidationError("This person has already set a password")
    record_event("cscp.person.invitation_resent", actor=actor, obj=person, request=request)
    _send_invitation(person=person, actor=actor)


@transaction.atomic
def person_update(*, actor: Person, person: Person, values: dict[str, Any], request=None) -> Person:
    if "email" in values:
        values["email"] = normalise_email(values["email"])
        if Person.objects.filter(email__iexact=values["email"]).exclude(pk=person.pk).exists():
            raise ValidationError({"email": "Someone with this email address already has an account"})
    return record_update(obj=person, actor=actor, values=values, request=request)


@transaction.atomic
def person_deactivate(*, actor: Person, person: Person, request=None) -> Person:
    """Stop a person signing in. Their sessions end at once: Django refuses an inactive person on every
    request. Their memberships in force end today, so history shows when they left."""
    if person.pk == actor.pk:
        raise ValidationError("You cannot deactivate yourself")
    if not person.is_active:
        return person
    person.is_active = False
    person.save(update_fields=["is_active"])
    today = timezone.localdate()
    for membership in [*person.group_memberships.current(), *person.agency_memberships.current()]:
        membership.end_date = max(today, membership.start_date)
        membership.save(update_fields=["end_date"])
    record_event("cscp.person.deactivated", actor=actor, obj=person, request=request)
    return person


@transaction.atomic
def person_reactivate(*, actor: Person, person: Person, request=None) -> Person:
    if person.is_active:
        return person
    person.is_active = True
    person.save(update_fields=["is_active"])
    record_event("cscp.person.reactivated", actor=actor, obj=person, request=request)
    return person


def person_password_set(*, person: Person, request=None) -> None:
    """Record that a person set their password (from an invitation or a reset link)."""
    record_event("cscp.person.password_set", actor=person, obj=person, request=request)


@transaction.atomic
def person_mfa_enable(*, person: Person, device, request=None) -> None:
    """Make a newly confirmed authenticator app the person's only one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=person).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event("cscp.person.mfa_enabled", actor=person, obj=person, request=request)


# Memberships.

SINGLE_HOLDER_ROLES = {GroupMembership.Role.CHAIR: "chair", GroupMembership.Role.VICE_CHAIR: "vice-chair"}


def _overlapping(queryset, start: datetime.date, end: datetime.date | None):
    """Memberships in the queryset whose dates overlap [start, end] (an open end runs for ever)."""
    overlapping = queryset.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if end is not None:
        overlapping = overlapping.filter(start_date__lte=end)
    return overlapping


def _check_dates(start: datetime.date, end: datetime.date | None) -> None:
    if end is not None and end < start:
        raise ValidationError({"end_date": "Enter an end date on or after the start date"})


@transaction.atomic
def group_membership_create(
    *,
    actor: Person,
    person: Person,
    group: Group,
    role: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    request=None,
) -> GroupMembership:
    _check_dates(start_date, end_date)
    if not person.is_active:
        raise ValidationError({"person": "This person is deactivated: reactivate them first"})
    # Lock the group so two admins cannot appoint two chairs at once.
    Group.objects.select_for_update().filter(pk=group.pk).first()
    if role in SINGLE_HOLDER_ROLES:
        clash = _overlapping(group.memberships.filter(role=role), start_date, end_date).select_related("person").first()
        if clash is not None:
            raise ValidationError(
                {
                    "role": f"{group} already has a {SINGLE_HOLDER_ROLES[role]} for these dates ({clash.person}). "
                    "End their membership first, or choose other dates."
                }
            )
    same = _overlapping(group.memberships.filter(person=person, role=role), start_date, end_date)
    if same.exists():
        raise ValidationError({"person": f"{person} already has this role in {group} for these dates"})
    membership = GroupMembership(person=person, group=group, role=role, start_date=start_date, end_date=end_date)
    membership.full_clean()
    membership.save()
    record_event(
        "cscp.group_membership.created",
        actor=actor,
        obj=membership,
        request=request,
        data={"person": person.pk, "group": group.pk, "role": role},
    )
    return membership


@transaction.atomic
def agency_membership_create(
    *,
    actor: Person,
    person: Person,
    agency: Agency,
    role: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    request=None,
) -> AgencyMembership:
    _check_dates(start_date, end_date)
    if not person.is_active:
        raise ValidationError({"person": "This person is deactivated: reactivate them first"})
    same = _overlapping(agency.memberships.filter(person=person, role=role), start_date, end_date)
    if same.exists():
        raise ValidationError({"person": f"{person} already has this role in {agency} for these dates"})
    membership = AgencyMembership(person=person, agency=agency, role=role, start_date=start_date, end_date=end_date)
    membership.full_clean()
    membership.save()
    record_event(
        "cscp.agency_membership.created",
        actor=actor,
        obj=membership,
        request=request,
        data={"person": person.pk, "agency": agency.pk, "role": role},
    )
    return membership


@transaction.atomic
def membership_end(
    *, actor: Person, membership: GroupMembership | AgencyMembership, end_date: datetime.date, request=None
):
    """End a membership on a date (today or later, or earlier to correct the record). It is never deleted."""
    if end_date < membership.start_date:
        raise ValidationError({"end_date": "Enter an end date on or after the date the membership started"})
    membership.end_date = end_date
    membership.full_clean()
    membership.save(update_fields=["end_date"])
    record_event(
        f"cscp.{membership._meta.model_name}.ended",
        actor=actor,
        obj=membership,
        request=request,
        data={"end_date": end_date.isoformat()},
    )
    return membership


# Retention, as the privacy notice promises.

RETENTION_DAYS = 2 * 365


@transaction.atomic
def retention_apply(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete sign-in records (with their IP addresses), notifications and sent emails older than two years.

    Workflow events stay: they are the record of who did what to the partnership's evidence."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    cutoff = (now or timezone.now()) - datetime.timedelta(days=RETENTION_DAYS)
    deleted = {
        "sign-in events": AuditEvent.objects.filter(action__startswith="cscp.auth.", created_at__lt=cutoff).delete()[0],
        "notifications": Notification.objects.filter(created_at__lt=cutoff).delete()[0],
        "emails": OutboxEmail.objects.filter(sent_at__lt=cutoff).delete()[0],
        "sign-in attempts": AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0]
        + AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
        + AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0],
    }
    return deleted


# A person's own account: their name, and their email address (changed only once the new address proves it is theirs).

EMAIL_CHANGE_SALT = "cscp.account.email-change"
EMAIL_CHANGE_SECONDS = 24 * 60 * 60


@transaction.atomic
def account_name_change(*, actor: Person, first_name: str, last_name: str, request=None) -> Person:
    """Change one's own name as the partnership's pages and emails show it."""
    return record_update(
        obj=actor,
        actor=actor,
        values={"first_name": first_name.strip(), "last_name": last_name.strip()},
        request=request,
    )


def _email_change_token(person: Person, new_email: str) -> str:
    # Signed with the address the account has now: once any change is made, every link sent before it stops working.
    return signing.dumps({"p": person.pk, "old": person.email, "new": new_email}, salt=EMAIL_CHANGE_SALT, compress=True)


def email_change_in_link(token: str) -> tuple[Person, str] | None:
    """The person and new address an email-change link is for, if it is genuine, less than a day old and made while
    the account had the address it has now; otherwise None."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_SECONDS)
        pk, old, new = int(data["p"]), str(data["old"]), str(data["new"])
    except (signing.BadSignature, ValueError, TypeError, KeyError, AttributeError, OverflowError):
        return None
    person = Person.objects.filter(pk=pk, is_active=True).first()
    if person is None or person.email != old:
        return None
    return person, new


@transaction.atomic
def account_email_change_request(*, actor: Person, email: str, request=None) -> bool:
    """Send a link to the new address; the account keeps its address until the link is followed. Once per address
    per day (a second request for the same address sends nothing more)."""
    email = normalise_email(email)
    if email == actor.email:
        raise ValidationError({"email": "This is the email address your account has already"})
    if Person.objects.filter(email__iexact=email).exclude(pk=actor.pk).exists():
        raise ValidationError({"email": "Someone with this email address already has an account"})
    link = absolute_url(reverse("cscp:account-email-confirm", args=[_email_change_token(actor, email)]))
    body = render_to_string(
        "registration/account_email_change_email.txt",
        {"person": actor, "link": link, "partnership": Partnership.load(), "hours": EMAIL_CHANGE_SECONDS // 3600},
    )
    sent = queue_email(
        key=f"cscp.person.{actor.pk}.email_change.{email}.{timezone.localdate():%Y-%m-%d}",
        to=email,
        subject="Confirm your new email address",
        body=body,
    )
    record_event(
        "cscp.person.email_change_requested",
        actor=actor,
        obj=actor,
        request=request,
        message=f"Asked to change their email address to {email}",
        data={"new_email": email, "sent": sent},
    )
    return sent


@transaction.atomic
def account_email_confirm(*, token: str, request=None) -> Person | None:
    """Follow the link sent to the new address: the account takes it. None when the link does not work (forged,
    over a day old, already used, or the address has been taken since)."""
    found = email_change_in_link(token)
    if found is None:
        return None
    person, new_email = found
    # Two presses at once: the second waits here, then finds the address already changed and the link spent.
    person = Person.objects.select_for_update().get(pk=person.pk)
    if (
        email_change_in_link(token) is None
        or Person.objects.filter(email__iexact=new_email).exclude(pk=person.pk).exists()
    ):
        return None
    old_email = person.email
    person.email = new_email
    person.save(update_fields=["email"])
    record_event(
        "cscp.person.email_changed",
        actor=person,
        obj=person,
        request=request,
        message=f"Changed their email address from {old_email} to {new_email}",
        data={"old_email": old_email, "new_email": new_email},
    )
    return person
