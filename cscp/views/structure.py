"""The partnership's structure: its settings and districts, agencies, groups and their meetings, the business
plan and its priorities, and themes; and the "Manage the partnership" index that leads to them all.

Partnership admins change these; the oversight roles read across the partnership; members read what they
belong to. Every change goes through a service, which validates it again and writes the audit event.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Case, Count, IntegerField, Model, Prefetch, Q, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from cscp import services
from cscp.filters import AgencyFilter, GroupFilter
from cscp.forms.errors import add_service_errors
from cscp.forms.structure import (
    AgencyForm,
    BusinessPlanForm,
    DistrictForm,
    GroupForm,
    MeetingForm,
    PartnershipForm,
    PriorityForm,
    RecordForm,
    ThemeForm,
)
from cscp.models import (
    Agency,
    AgencyMembership,
    BusinessPlan,
    District,
    Group,
    GroupMembership,
    Partnership,
    Person,
    Priority,
    Theme,
    current_q,
)
from cscp.pages import get_object_for_user
from cscp.permissions import can_read_partnership, has_any_membership
from cscp.selectors import agencies_visible_to, groups_visible_to

PAGE_SIZE = 25
MANAGE = "cscp.manage_partnership"

# Anyone with a part in the partnership may read its plan, themes and the lists of what they belong to.
can_read_structure = has_any_membership | can_read_partnership


def _require_admin(request: HttpRequest) -> None:
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied


def _require_reader(request: HttpRequest) -> None:
    if not can_read_structure(request.user):
        raise PermissionDenied


def _admin_object(request: HttpRequest, model: type[Model], pk: int):
    return get_object_for_user(request.user, MANAGE, model, pk=pk)


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _form_page(
    request: HttpRequest,
    form: RecordForm,
    *,
    save: Callable[[dict], Model],
    done: Callable[[Model], tuple[str, str]],
    context: dict,
) -> HttpResponse:
    """Validate, save through a service, then redirect with a message; or show the form with its errors."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except IntegrityError:
            # Two admins saving the same name or date at once: the database refused the second.
            form.add_error(None, "Someone else saved a change at the same time: check the details and save again")
        else:
            message, url = done(obj)
            messages.success(request, message)
            return redirect(url)
    return render(request, "cscp/structure/form.html", {"form": form, **context})


def _bound(request: HttpRequest) -> dict | None:
    return request.POST if request.method == "POST" else None


HOME = ("Home", "cscp:home")
MANAGE_CRUMB = ("Manage the partnership", "cscp:manage")


def _crumbs(*items: tuple[str, str] | tuple[str, str, object]) -> list[tuple[str, str]]:
    crumbs = []
    for label, name, *args in items:
        crumbs.append((label, reverse(name, args=args)))
    return crumbs


# Manage the partnership.


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    unusable = Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    people = Person.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True) & ~unusable),
        invited=Count("pk", filter=Q(is_active=True) & unusable),
        deactivated=Count("pk", filter=Q(is_active=False)),
    )
    agencies = Agency.objects.aggregate(active=Count("pk", filter=Q(is_active=True)), total=Count("pk"))
    by_kind = dict(Group.objects.filter(is_active=True).values_list("kind").annotate(n=Count("pk")))
    groups = [(label, by_kind.get(kind, 0)) for kind, label in Group.Kind.choices]
    themes = Theme.objects.aggregate(active=Count("pk", filter=Q(is_active=True)), total=Count("pk"))
    return render(
        request,
        "cscp/structure/manage.html",
        {
            "people": people,
            "agencies": agencies,
            "groups": groups,
            "group_total": sum(by_kind.values()),
            "plan": _current_plan(),
            "themes": themes,
            "district_count": District.objects.count(),
        },
    )


@login_required
def partnership_edit(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = PartnershipForm(_bound(request), instance=Partnership.load())
    return _form_page(
        request,
        form,
        save=lambda values: services.partnership_update(actor=request.user, values=values, request=request),
        done=lambda obj: ("Partnership settings saved", reverse("cscp:manage")),
        context={"title": "Partnership settings", "crumbs": _crumbs(HOME, MANAGE_CRUMB)},
    )


# Districts.


@login_required
def district_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    districts = District.objects.annotate(group_count=Count("groups")).order_by("name")
    return render(request, "cscp/structure/district_list.html", {"districts": districts})


@login_required
def district_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return _form_page(
        request,
        DistrictForm(_bound(request)),
        save=lambda values: services.district_create(actor=request.user, request=request, **values),
        done=lambda obj: (f"{obj} added", reverse("cscp:district-list")),
        context={
            "title": "Add a district",
            "crumbs": _crumbs(HOME, MANAGE_CRUMB, ("Districts", "cscp:district-list")),
        },
    )


@login_required
def district_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district = _admin_object(request, District, pk)
    return _form_page(
        request,
        DistrictForm(_bound(request), instance=district),
        save=lambda values: services.record_update(obj=district, actor=request.user, values=values, request=request),
        done=lambda obj: (f"{obj} saved", reverse("cscp:district-list")),
        context={
            "title": "Change a district",
            "caption": district.name,
            "crumbs": _crumbs(HOME, MANAGE_CRUMB, ("Districts", "cscp:district-list")),
        },
    )


def _filtered_list(request: HttpRequest, filters, template: str) -> HttpResponse:
    """A list page: the filtered records in name order, a page at a time."""
    page = Paginator(filters.qs.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "filter": filters,
            "page": page,
            "query": _querystring_without_page(request),
            "can_manage": request.user.has_perm(MANAGE),
            "filtered": any(request.GET.get(name) for name in filters.form.fields),
        },
    )


# Agencies.


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    agencies = agencies_visible_to(request.user).annotate(
        member_count=Count("memberships__person", filter=current_q(prefix="memberships__"), distinct=True)
    )
    return _filtered_list(request, AgencyFilter(request.GET, queryset=agencies), "cscp/structure/agency_list.html")


@login_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_for_user(request.user, "cscp.view_agency", Agency, pk=pk)
    members = (
        AgencyMembership.objects.filter(current_q(), agency=agency)
        .select_related("person")
        .order_by("person__first_name", "person__last_name", "role")
    )
    return render(
        request,
        "cscp/structure/agency_detail.html",
        {"agency": agency, "members": members, "can_manage": request.user.has_perm(MANAGE)},
    )


@login_required
def agency_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return _form_page(
        request,
        AgencyForm(_bound(request)),
        save=lambda values: services.agency_create(actor=request.user, request=request, **values),
        done=lambda obj: (f"{obj} added", obj.get_absolute_url()),
        context={"title": "Add an agency", "crumbs": _crumbs(HOME, ("Agencies", "cscp:agency-list"))},
    )


@login_required
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = _admin_object(request, Agency, pk)
    return _form_page(
        request,
        AgencyForm(_bound(request), instance=agency),
        save=lambda values: services.record_update(obj=agency, actor=request.user, values=values, request=request),
        done=lambda obj: (f"{obj} saved", obj.get_absolute_url()),
        context={
            "title": "Change an agency",
            "caption": agency.name,
            "crumbs": _crumbs(HOME, ("Agencies", "cscp:agency-list"), (agency.name, "cscp:agency-detail", agency.pk)),
        },
    )


# Groups.

# Chair first, then vice-chair, then everyone else.
ROLE_ORDER = Case(
    When(role=GroupMembership.Role.CHAIR, then=0),
    When(role=GroupMembership.Role.VICE_CHAIR, then=1),
    default=2,
    output_field=IntegerField(),
)


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    chairs = (
        GroupMembership.objects.filter(current_q(), role__in=GroupMembership.CHAIR_ROLES)
        .select_related("person")
        .annotate(role_order=ROLE_ORDER)
        .order_by("role_order", "person__first_name")
    )
    groups = (
        groups_visible_to(request.user)
        .select_related("parent")
        .annotate(member_count=Count("memberships__person", filter=current_q(prefix="memberships__"), distinct=True))
        .prefetch_related(Prefetch("memberships", queryset=chairs, to_attr="chairs"))
    )
    return _filtered_list(request, GroupFilter(request.GET, queryset=groups), "cscp/structure/group_list.html")


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_for_user(
        request.user, "cscp.view_group", Group.objects.select_related("parent", "district"), pk=pk
    )
    members = (
        group.memberships.filter(current_q())
        .select_related("person")
        .annotate(role_order=ROLE_ORDER)
        .order_by("role_order", "person__first_name", "person__last_name")
    )
    today = timezone.localdate()
    return render(
        request,
        "cscp/structure/group_detail.html",
        {
            "group": group,
            "members": members,
            "children": group.children.order_by("name"),
            "upcoming": group.meetings.filter(date__gte=today).order_by("date"),
            "past": group.meetings.filter(date__lt=today).order_by("-date"),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return _form_page(
        request,
        GroupForm(_bound(request)),
        save=lambda values: services.group_create(actor=request.user, request=request, **values),
        done=lambda obj: (f"{obj} added", obj.get_absolute_url()),
        context={"title": "Add a group", "crumbs": _crumbs(HOME, ("Groups", "cscp:group-list"))},
    )


@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = _admin_object(request, Group, pk)
    return _form_page(
        request,
        GroupForm(_bound(request), instance=group),
        save=lambda values: services.group_update(actor=request.user, group=group, values=values, request=request),
        done=lambda obj: (f"{obj} saved", obj.get_absolute_url()),
        context={
            "title": "Change a group",
            "caption": group.name,
            "crumbs": _crumbs(HOME, ("Groups", "cscp:group-list"), (group.name, "cscp:group-detail", group.pk)),
        },
    )


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = _admin_object(request, Group, pk)
    return _form_page(
        request,
        MeetingForm(_bound(request), group=group),
        save=lambda values: services.meeting_create(actor=request.user, group=group, request=request, **values),
        done=lambda obj: ("Meeting added", group.get_absolute_url()),
        context={
            "title": "Add a meeting",
            "caption": group.name,
            "crumbs": _crumbs(HOME, ("Groups", "cscp:group-list"), (group.name, "cscp:group-detail", group.pk)),
        },
    )


# The business plan and its priorities.


def _current_plan() -> BusinessPlan | None:
    today = timezone.localdate()
    return BusinessPlan.objects.filter(start_date__lte=today, end_date__gte=today).order_by("-start_date").first()


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    plans = BusinessPlan.objects.annotate(priority_count=Count("priorities")).order_by("-start_date", "pk")
    today = timezone.localdate()
    return render(
        request,
        "cscp/structure/plan_list.html",
        {"plans": plans, "today": today, "can_manage": request.user.has_perm(MANAGE)},
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    plan = get_object_or_404(BusinessPlan, pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "cscp/structure/plan_detail.html",
        {
            "plan": plan,
            "is_current": plan.start_date <= today <= plan.end_date,
            "priorities": plan.priorities.order_by("number"),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return _form_page(
        request,
        BusinessPlanForm(_bound(request)),
        save=lambda values: services.business_plan_create(actor=request.user, request=request, **values),
        done=lambda obj: (f"{obj} added", reverse("cscp:plan-detail", args=[obj.pk])),
        context={"title": "Add a business plan", "crumbs": _crumbs(HOME, ("Business plans", "cscp:plan-list"))},
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _admin_object(request, BusinessPlan, pk)
    return _form_page(
        request,
        BusinessPlanForm(_bound(request), instance=plan),
        save=lambda values: services.record_update(obj=plan, actor=request.user, values=values, request=request),
        done=lambda obj: (f"{obj} saved", reverse("cscp:plan-detail", args=[obj.pk])),
        context={
            "title": "Change a business plan",
            "caption": plan.title,
            "crumbs": _crumbs(HOME, ("Business plans", "cscp:plan-list"), (plan.title, "cscp:plan-detail", plan.pk)),
        },
    )


@login_required
def priority_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _admin_object(request, BusinessPlan, pk)
    return _form_page(
        request,
        PriorityForm(_bound(request), plan=plan),
        save=lambda values: services.priority_create(actor=request.user, plan=plan, request=request, **values),
        done=lambda obj: (f"Priority {obj.number} added", reverse("cscp:plan-detail", args=[plan.pk])),
        context={
            "title": "Add a priority",
            "caption": plan.title,
            "crumbs": _crumbs(HOME, ("Business plans", "cscp:plan-list"), (plan.title, "cscp:plan-detail", plan.pk)),
        },
    )


@login_required
def priority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    priority = get_object_for_user(request.user, MANAGE, Priority.objects.select_related("plan"), pk=pk)
    plan = priority.plan
    return _form_page(
        request,
        PriorityForm(_bound(request), plan=plan, instance=priority),
        save=lambda values: services.record_update(obj=priority, actor=request.user, values=values, request=request),
        done=lambda obj: (f"Priority {obj.number} saved", reverse("cscp:plan-detail", args=[plan.pk])),
        context={
            "title": "Change a priority",
            "caption": plan.title,
            "crumbs": _crumbs(HOME, ("Business plans", "cscp:plan-list"), (plan.title, "cscp:plan-detail", plan.pk)),
        },
    )


# Themes.


@login_required
def theme_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return render(
        request,
        "cscp/structure/theme_list.html",
        {"themes": Theme.objects.order_by("-is_active", "name"), "can_manage": request.user.has_perm(MANAGE)},
    )


@login_required
def theme_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return _form_page(
        request,
        ThemeForm(_bound(request)),
        save=lambda values: services.theme_create(actor=request.user, request=request, **values),
        done=lambda obj: (f"{obj} added", reverse("cscp:theme-list")),
        context={"title": "Add a theme", "crumbs": _crumbs(HOME, ("Themes", "cscp:theme-list"))},
    )


@login_required
def theme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    theme = _admin_object(request, Theme, pk)
    return _form_page(
        request,
        ThemeForm(_bound(request), instance=theme),
        save=lambda values: services.record_update(obj=theme, actor=request.user, values=values, request=request),
        done=lambda obj: (f"{obj} saved", reverse("cscp:theme-list")),
        context={
            "title": "Change a theme",
            "caption": theme.name,
            "crumbs": _crumbs(HOME, ("Themes", "cscp:theme-list")),
        },
    )
