"""People, their memberships, the audit log and the membership report.

The people pages are for partnership admins; the membership report is for admins and Board members. Every
change goes through a service in cscp/services.py, which checks the rules and writes the audit event.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cscp import services
from cscp.forms.errors import add_service_errors
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
from cscp.pdf import render_pdf
from cscp.reports import membership_report_context

PEOPLE_PER_PAGE = 25
EVENTS_PER_PAGE = 50
RECENT_ACTIVITY = 20


def _require_admin(request: HttpRequest) -> None:
    if not request.user.has_perm("cscp.manage_partnership"):
        raise PermissionDenied


def _next_or(request: HttpRequest, default: str) -> str:
    """Where to go after an action: the page that sent the person here, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _posted(request: HttpRequest):
    """The form data of a POST (even an empty one, so a bare confirmation button counts), else None."""
    return request.POST if request.method == "POST" else None


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def person_status(person: Person) -> tuple[str, str]:
    """The status words and tag colour shown for a person."""
    if not person.is_active:
        return "Deactivated", "govuk-tag--grey"
    if not person.has_usable_password():
        return "Invited", "govuk-tag--light-blue"
    return "Active", "govuk-tag--green"


# Audit event codes people read often; others are spelt out from their code.
ACTION_LABELS = {
    "cscp.auth.signed_in": "Signed in",
    "cscp.auth.signed_out": "Signed out",
    "cscp.auth.sign_in_failed": "Sign-in failed",
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
    _require_admin(request)
    filters = PersonFilterForm(request.GET)
    people = filters.filter(Person.objects.order_by("first_name", "last_name", "username"))
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    for person in page.object_list:
        person.status_label, person.status_class = person_status(person)
    return render(
        request,
        "cscp/people/person_list.html",
        {
            "page": page,
            "filters": filters,
            "query": _query_without_page(request),
            "filtered": bool(_query_without_page(request)),
        },
    )


@login_required
def person_invite(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = PersonInviteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_invite(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The invitation was sent to {person.email}")
            return redirect("cscp:person-detail", pk=person.pk)
    return render(request, "cscp/people/person_invite.html", {"form": form})


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    person = get_object_or_404(Person, pk=pk)
    person.status_label, person.status_class = person_status(person)
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
        },
    )


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    person = get_object_or_404(Person, pk=pk)
    initial = {name: getattr(person, name) for name in PersonEditForm.base_fields}
    form = PersonEditForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, values=dict(form.cleaned_data), request=request)
        except ValidationError as error:
            # The failed save may have changed the object in memory; the page shows what was typed.
            person.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person}'s details were saved")
            return redirect("cscp:person-detail", pk=person.pk)
    return render(request, "cscp/people/person_edit.html", {"person": person, "form": form})


def _person_confirm(request: HttpRequest, pk: int, *, action: str) -> HttpResponse:
    _require_admin(request)
    person = get_object_or_404(Person, pk=pk)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        service = services.person_deactivate if action == "deactivate" else services.person_reactivate
        try:
            service(actor=request.user, person=person, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = "deactivated: they can no longer sign in" if action == "deactivate" else "reactivated"
            messages.success(request, f"{person} was {done}")
            return redirect("cscp:person-detail", pk=person.pk)
    return render(request, "cscp/people/person_confirm.html", {"person": person, "form": form, "action": action})


@login_required
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_confirm(request, pk, action="deactivate")


@login_required
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_confirm(request, pk, action="reactivate")


@login_required
@require_POST
def person_resend_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    person = get_object_or_404(Person, pk=pk)
    try:
        services.person_resend_invitation(actor=request.user, person=person, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The invitation was sent again to {person.email}")
    return redirect("cscp:person-detail", pk=person.pk)


# Memberships.


def _membership_add(
    request: HttpRequest, *, form, create, person_for, field_map: dict, heading: str, caption: str, cancel_url: str
) -> HttpResponse:
    """The shared flow of the four 'add a membership' pages: validate, call the service, go back."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = create(data)
        except ValidationError as error:
            add_service_errors(form, error, field_map)
        else:
            where = membership.group if isinstance(membership, GroupMembership) else membership.agency
            messages.success(request, f"{membership.person} was added to {where} as {membership.get_role_display()}")
            return redirect(_next_or(request, reverse("cscp:person-detail", args=[person_for(data).pk])))
    return render(
        request,
        "cscp/people/membership_form.html",
        {
            "form": form,
            "heading": heading,
            "caption": caption,
            "cancel_url": _next_or(request, cancel_url),
            "next": _next_or(request, ""),
        },
    )


def _dates(data: dict) -> dict:
    return {"role": data["role"], "start_date": data["start_date"], "end_date": data.get("end_date")}


@login_required
def group_membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    person = get_object_or_404(Person, pk=pk)
    return _membership_add(
        request,
        form=GroupMembershipForm(_posted(request)),
        create=lambda data: services.group_membership_create(
            actor=request.user, person=person, group=data["group"], request=request, **_dates(data)
        ),
        person_for=lambda data: person,
        # The person is fixed here; a clash with their own memberships is about the group chosen.
        field_map={"person": "group"},
        heading="Add to a group",
        caption=str(person),
        cancel_url=person.get_absolute_url(),
    )


@login_required
def group_member_add(request: HttpRequest, group_pk: int) -> HttpResponse:
    _require_admin(request)
    group = get_object_or_404(Group, pk=group_pk)
    return _membership_add(
        request,
        form=GroupMemberForm(_posted(request)),
        create=lambda data: services.group_membership_create(
            actor=request.user, person=data["person"], group=group, request=request, **_dates(data)
        ),
        person_for=lambda data: data["person"],
        field_map={},
        heading="Add a member",
        caption=str(group),
        cancel_url=group.get_absolute_url(),
    )


@login_required
def agency_membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    person = get_object_or_404(Person, pk=pk)
    return _membership_add(
        request,
        form=AgencyMembershipForm(_posted(request)),
        create=lambda data: services.agency_membership_create(
            actor=request.user, person=person, agency=data["agency"], request=request, **_dates(data)
        ),
        person_for=lambda data: person,
        field_map={"person": "agency"},
        heading="Add to an agency",
        caption=str(person),
        cancel_url=person.get_absolute_url(),
    )


@login_required
def agency_member_add(request: HttpRequest, agency_pk: int) -> HttpResponse:
    _require_admin(request)
    agency = get_object_or_404(Agency, pk=agency_pk)
    return _membership_add(
        request,
        form=AgencyMemberForm(_posted(request)),
        create=lambda data: services.agency_membership_create(
            actor=request.user, person=data["person"], agency=agency, request=request, **_dates(data)
        ),
        person_for=lambda data: data["person"],
        field_map={},
        heading="Add a member",
        caption=str(agency),
        cancel_url=agency.get_absolute_url(),
    )


def _membership_end(request: HttpRequest, membership: GroupMembership | AgencyMembership, where) -> HttpResponse:
    person_url = membership.person.get_absolute_url()
    form = MembershipEndForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(
                actor=request.user, membership=membership, end_date=form.cleaned_data["end_date"], request=request
            )
        except ValidationError as error:
            membership.refresh_from_db()
            add_service_errors(form, error)
        else:
            ends = date_format(membership.end_date, "j F Y")
            messages.success(request, f"{membership.person}'s membership of {where} ends on {ends}")
            return redirect(_next_or(request, person_url))
    return render(
        request,
        "cscp/people/membership_end.html",
        {
            "membership": membership,
            "where": where,
            "form": form,
            "cancel_url": _next_or(request, person_url),
            "next": _next_or(request, ""),
        },
    )


@login_required
def group_membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    membership = get_object_or_404(GroupMembership.objects.select_related("person", "group"), pk=pk)
    return _membership_end(request, membership, membership.group)


@login_required
def agency_membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    membership = get_object_or_404(AgencyMembership.objects.select_related("person", "agency"), pk=pk)
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
    if not request.user.has_perm("cscp.view_audit_log"):
        raise PermissionDenied
    filters = AuditLogFilterForm(request.GET, action_choices=_action_choices())
    events = filters.filter(AuditEvent.objects.select_related("actor").order_by("-created_at", "-pk"))
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = _label_events(page.object_list)
    return render(
        request,
        "cscp/audit/audit_log.html",
        {
            "page": page,
            "filters": filters,
            "query": _query_without_page(request),
            "filtered": bool(_query_without_page(request)),
        },
    )


# The membership report: one context, one body, as a page and as a PDF.


def _require_report_access(request: HttpRequest) -> None:
    if not request.user.has_perm("cscp.view_membership_report"):
        raise PermissionDenied


@login_required
def membership_report(request: HttpRequest) -> HttpResponse:
    _require_report_access(request)
    return render(request, "cscp/reports/membership_report.html", membership_report_context())


@login_required
def membership_report_pdf(request: HttpRequest) -> HttpResponse:
    _require_report_access(request)
    context = membership_report_context()
    pdf = render_pdf("cscp/reports/membership_report_pdf.html", context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="membership-report-{context["report_date"]:%Y-%m-%d}.pdf"'
    return response
