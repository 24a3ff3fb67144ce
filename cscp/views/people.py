"""People, their memberships, the audit log and the membership report.

The people pages are for partnership admins; the membership report is for admins and Board members. Every
change goes through a service in cscp/services.py, which checks the rules and writes the audit event.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from cscp import services
from cscp.forms.people import (
    AgencyMemberForm,
    AgencyMembershipForm,
    AuditLogFilterForm,
    ConfirmForm,
    GroupMemberForm,
    GroupMembershipForm,
    MembershipEndForm,
    PersonEditForm,
    PersonFilterForm,
    PersonInviteForm,
)
from cscp.models import Agency, AgencyMembership, AuditEvent, Group, GroupMembership, Person
from cscp.pages import crumbs, form_page, get_object_for_user, paginate, posted, refusal, require, submit
from cscp.pdf import PdfError, render_pdf
from cscp.reports import membership_report_context
from cscp.views.accounts import safe_next

PEOPLE_PER_PAGE = 25
EVENTS_PER_PAGE = 50
RECENT_ACTIVITY = 20

# Every page here but the membership report is the partnership team's. They refuse everyone else before looking
# anything up, so a refusal says nothing about who or what exists.
MANAGE = "cscp.manage_partnership"

MANAGE_CRUMB = ("Manage the partnership", reverse_lazy("cscp:manage"))
PEOPLE_CRUMB = ("People", reverse_lazy("cscp:person-list"))


def _person_crumbs(person: Person) -> list[tuple[str, str]]:
    return crumbs(MANAGE_CRUMB, PEOPLE_CRUMB, (str(person), person.get_absolute_url()))


@dataclass(frozen=True)
class PersonStatus:
    key: str
    label: str
    css_class: str


ACTIVE = PersonStatus("active", "Active", "govuk-tag--green")
INVITED = PersonStatus("invited", "Invited", "govuk-tag--light-blue")
DEACTIVATED = PersonStatus("deactivated", "Deactivated", "govuk-tag--grey")


def person_status(person: Person) -> PersonStatus:
    """The status shown for a person, as a tag: `{% status_tag person.status %}`."""
    if not person.is_active:
        return DEACTIVATED
    if not person.has_usable_password():
        return INVITED
    return ACTIVE


# Audit event codes people read often; others are spelt out from their code.
ACTION_LABELS = {
    "cscp.auth.signed_in": "Signed in",
    "cscp.auth.signed_out": "Signed out",
    "cscp.auth.sign_in_failed": "Sign-in failed",
    "cscp.auth.unlock_link_sent": "Unlock link emailed",
    "cscp.auth.account_unlocked": "Sign-in unlocked",
    "cscp.person.invited": "Person invited",
    "cscp.person.invitation_resent": "Invitation sent again",
    "cscp.person.updated": "Person's details changed",
    "cscp.person.deactivated": "Person deactivated",
    "cscp.person.reactivated": "Person reactivated",
    "cscp.person.password_set": "Password set",
    "cscp.person.mfa_enabled": "Authenticator app set up",
    "cscp.groupmembership.created": "Added to a group",
    "cscp.group_membership.created": "Added to a group",
    "cscp.groupmembership.ended": "Group membership ended",
    "cscp.agencymembership.created": "Added to an agency",
    "cscp.agency_membership.created": "Added to an agency",
    "cscp.agencymembership.ended": "Agency membership ended",
}


def action_label(code: str) -> str:
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    words = " ".join(code.split(".")[-2:]).replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else code


def _object_url(event: AuditEvent) -> str:
    """A link to what the event is about, where the product has a page for it."""
    if event.object_type in ("cscp.groupmembership", "cscp.agencymembership"):
        person_id = event.data.get("person") if isinstance(event.data, dict) else None
        target = ("cscp:person-detail", person_id)
    else:
        url_names = {
            "cscp.person": "cscp:person-detail",
            "cscp.group": "cscp:group-detail",
            "cscp.agency": "cscp:agency-detail",
        }
        target = (url_names.get(event.object_type), event.object_id)
    url_name, pk = target
    if not url_name or not str(pk or "").isdigit():
        return ""
    return reverse(url_name, args=[int(pk)])


def _label_events(events) -> list[AuditEvent]:
    events = list(events)
    for event in events:
        event.label = action_label(event.action)
        event.object_url = _object_url(event)
    return events


# People.


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
    filters = PersonFilterForm(request.GET)
    people = filters.filter(Person.objects.order_by("first_name", "last_name", "username"))
    page = paginate(request, people, PEOPLE_PER_PAGE)
    for person in page.object_list:
        person.status = person_status(person)
    return render(
        request,
        "cscp/people/person_list.html",
        {"page": page, "filters": filters, "filtered": filters.has_changed(), "crumbs": crumbs(MANAGE_CRUMB)},
    )


@login_required
def person_invite(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
    form = PersonInviteForm(posted(request))
    person = submit(form, lambda data: services.person_invite(actor=request.user, request=request, **data))
    if person:
        messages.success(request, f"The invitation was sent to {person.email}")
        return redirect(person)
    return form_page(
        request,
        form,
        title="Invite a person",
        crumbs=crumbs(MANAGE_CRUMB, PEOPLE_CRUMB),
        submit_label="Send invitation",
        template="cscp/people/person_invite.html",
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, MANAGE)
    person = get_object_for_user(request.user, MANAGE, Person, pk=pk)
    person.status = person_status(person)
    today = timezone.localdate()
    not_ended = Q(end_date__isnull=True) | Q(end_date__gte=today)
    group_memberships = person.group_memberships.select_related("group").order_by("group__name", "start_date")
    agency_memberships = person.agency_memberships.select_related("agency").order_by("agency__name", "start_date")
    past = [
        *group_memberships.filter(end_date__lt=today),
        *agency_memberships.filter(end_date__lt=today),
    ]
    past.sort(key=lambda m: m.end_date, reverse=True)
    activity = AuditEvent.objects.filter(
        Q(object_type=Person._meta.label_lower, object_id=str(person.pk)) | Q(actor=person)
    ).select_related("actor")[:RECENT_ACTIVITY]
    return render(
        request,
        "cscp/people/person_detail.html",
        {
            "person": person,
            "group_memberships": list(group_memberships.filter(not_ended)),
            "agency_memberships": list(agency_memberships.filter(not_ended)),
            "past_memberships": past,
            "activity": _label_events(activity),
            "today": today,
            "crumbs": crumbs(MANAGE_CRUMB, PEOPLE_CRUMB),
        },
    )


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, MANAGE)
    person = get_object_for_user(request.user, MANAGE, Person, pk=pk)
    form = PersonEditForm(posted(request), initial={name: getattr(person, name) for name in PersonEditForm.base_fields})
    # The service changes a copy: if it refuses, the page still names the person as they are.
    saved = submit(
        form,
        lambda data: services.person_update(
            actor=request.user, person=copy.copy(person), values=dict(data), request=request
        ),
    )
    if saved:
        messages.success(request, f"{saved}'s details were saved")
        return redirect(saved)
    return form_page(
        request,
        form,
        title="Change their details",
        caption=str(person),
        crumbs=_person_crumbs(person),
        submit_label="Save changes",
        template="cscp/people/person_edit.html",
        person=person,
    )


def _person_confirm(request: HttpRequest, pk: int, *, action: str) -> HttpResponse:
    require(request.user, MANAGE)
    person = get_object_for_user(request.user, MANAGE, Person, pk=pk)
    form = ConfirmForm(posted(request))
    service = services.person_deactivate if action == "deactivate" else services.person_reactivate
    if submit(form, lambda data: service(actor=request.user, person=person, request=request)):
        done = "deactivated: they can no longer sign in" if action == "deactivate" else "reactivated"
        messages.success(request, f"{person} was {done}")
        return redirect(person)
    return render(
        request,
        "cscp/people/person_confirm.html",
        {"person": person, "form": form, "action": action, "crumbs": _person_crumbs(person)},
    )


@login_required
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_confirm(request, pk, action="deactivate")


@login_required
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_confirm(request, pk, action="reactivate")


@login_required
@require_POST
def person_resend_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, MANAGE)
    person = get_object_for_user(request.user, MANAGE, Person, pk=pk)
    problems = refusal(lambda: services.person_resend_invitation(actor=request.user, person=person, request=request))
    if problems:
        messages.error(request, " ".join(problems))
    else:
        messages.success(request, f"The invitation was sent again to {person.email}")
    return redirect(person)


# Memberships.


def _membership_add(
    request: HttpRequest, form, *, kind: str, heading: str, person: Person | None = None, organisation=None
) -> HttpResponse:
    """The four 'add a membership' pages: a person added to a group or agency chosen on the form (`person` given),
    or a group or agency given a member chosen on the form (`organisation` given). `kind` is "group" or "agency"."""
    create = services.group_membership_create if kind == "group" else services.agency_membership_create
    where = person or organisation
    membership = submit(
        form,
        lambda data: create(
            actor=request.user,
            person=person or data["person"],
            **{kind: organisation or data[kind]},
            role=data["role"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            request=request,
        ),
        # With the person fixed, a clash with their own memberships is about the group or agency chosen.
        field_map={"person": kind} if person else None,
    )
    if membership:
        joined = getattr(membership, kind)
        messages.success(request, f"{membership.person} was added to {joined} as {membership.get_role_display()}")
        return redirect(safe_next(request, membership.person.get_absolute_url()))
    return render(
        request,
        "cscp/people/membership_form.html",
        {
            "form": form,
            "heading": heading,
            "caption": str(where),
            "cancel_url": safe_next(request, where.get_absolute_url()),
            "next": safe_next(request, ""),
        },
    )


@login_required
def group_membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, MANAGE)
    person = get_object_for_user(request.user, MANAGE, Person, pk=pk)
    return _membership_add(
        request, GroupMembershipForm(posted(request)), kind="group", heading="Add to a group", person=person
    )


@login_required
def group_member_add(request: HttpRequest, group_pk: int) -> HttpResponse:
    require(request.user, MANAGE)
    group = get_object_for_user(request.user, MANAGE, Group, pk=group_pk)
    return _membership_add(
        request, GroupMemberForm(posted(request)), kind="group", heading="Add a member", organisation=group
    )


@login_required
def agency_membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, MANAGE)
    person = get_object_for_user(request.user, MANAGE, Person, pk=pk)
    return _membership_add(
        request, AgencyMembershipForm(posted(request)), kind="agency", heading="Add to an agency", person=person
    )


@login_required
def agency_member_add(request: HttpRequest, agency_pk: int) -> HttpResponse:
    require(request.user, MANAGE)
    agency = get_object_for_user(request.user, MANAGE, Agency, pk=agency_pk)
    return _membership_add(
        request, AgencyMemberForm(posted(request)), kind="agency", heading="Add a member", organisation=agency
    )


def _membership_end(request: HttpRequest, membership: GroupMembership | AgencyMembership, where) -> HttpResponse:
    person_url = membership.person.get_absolute_url()
    form = MembershipEndForm(posted(request))
    # The service ends a copy: if it refuses, the page still shows the membership as it is.
    ended = submit(
        form,
        lambda data: services.membership_end(
            actor=request.user, membership=copy.copy(membership), end_date=data["end_date"], request=request
        ),
    )
    if ended:
        ends = date_format(ended.end_date, "j F Y")
        messages.success(request, f"{membership.person}'s membership of {where} ends on {ends}")
        return redirect(safe_next(request, person_url))
    return render(
        request,
        "cscp/people/membership_end.html",
        {
            "membership": membership,
            "where": where,
            "form": form,
            "cancel_url": safe_next(request, person_url),
            "next": safe_next(request, ""),
        },
    )


@login_required
def group_membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, MANAGE)
    membership = get_object_for_user(
        request.user, MANAGE, GroupMembership.objects.select_related("person", "group"), pk=pk
    )
    return _membership_end(request, membership, membership.group)


@login_required
def agency_membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, MANAGE)
    membership = get_object_for_user(
        request.user, MANAGE, AgencyMembership.objects.select_related("person", "agency"), pk=pk
    )
    return _membership_end(request, membership, membership.agency)


# The audit log.


def _action_choices() -> list[tuple[str, str]]:
    """Every code in the log, and the prefixes that group them ("cscp.person" for every person event)."""
    codes = set(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())
    choices: dict[str, str] = {}
    for code in codes:
        parts = code.split(".")
        for depth in range(1, len(parts)):
            prefix = ".".join(parts[:depth])
            choices[prefix] = f"All {prefix} actions"
        choices[code] = f"{action_label(code)} ({code})"
    return sorted(choices.items())


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require(request.user, "cscp.view_audit_log")
    filters = AuditLogFilterForm(request.GET, action_choices=_action_choices())
    events = filters.filter(AuditEvent.objects.select_related("actor").order_by("-created_at", "-pk"))
    page = paginate(request, events, EVENTS_PER_PAGE)
    page.object_list = _label_events(page.object_list)
    return render(
        request,
        "cscp/audit/audit_log.html",
        {"page": page, "filters": filters, "filtered": filters.has_changed(), "crumbs": crumbs(MANAGE_CRUMB)},
    )


# The membership report: one context, one body, as a page and as a PDF.

REPORT = "cscp.view_membership_report"


@login_required
def membership_report(request: HttpRequest) -> HttpResponse:
    require(request.user, REPORT)
    return render(request, "cscp/reports/membership_report.html", {**membership_report_context(), "crumbs": crumbs()})


@login_required
def membership_report_pdf(request: HttpRequest) -> HttpResponse:
    require(request.user, REPORT)
    context = membership_report_context()
    try:
        pdf = render_pdf("cscp/reports/membership_report_pdf.html", context, request=request)
    except PdfError as error:
        messages.error(request, str(error))
        return redirect("cscp:membership-report")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="membership-report-{context["report_date"]:%Y-%m-%d}.pdf"'
    return response
