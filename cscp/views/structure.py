"""The partnership's structure: its settings and districts, agencies, groups and their meetings, the business
plan and its priorities, and themes; and the "Manage the partnership" index that leads to them all.

Partnership admins change these; the oversight roles read across the partnership; members read what they
belong to. Every change goes through a service, which validates it again and writes the audit event.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Case, Count, IntegerField, Prefetch, Q, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone

from cscp import services
from cscp.filters import AgencyFilter, GroupFilter
from cscp.forms.structure import (
    AgencyForm,
    BusinessPlanForm,
    DistrictForm,
    GroupForm,
    MeetingForm,
    PartnershipForm,
    PriorityForm,
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
from cscp.pages import crumbs, form_page, get_object_for_user, paginate, posted, require, submit
from cscp.selectors import agencies_visible_to, groups_visible_to

PAGE_SIZE = 25
MANAGE = "cscp.manage_partnership"
READ = "cscp.view_structure"

MANAGE_CRUMB = ("Manage the partnership", reverse_lazy("cscp:manage"))
DISTRICTS_CRUMB = ("Districts", reverse_lazy("cscp:district-list"))
AGENCIES_CRUMB = ("Agencies", reverse_lazy("cscp:agency-list"))
GROUPS_CRUMB = ("Groups", reverse_lazy("cscp:group-list"))
PLANS_CRUMB = ("Business plans", reverse_lazy("cscp:plan-list"))
THEMES_CRUMB = ("Themes", reverse_lazy("cscp:theme-list"))


# Manage the partnership.


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
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
            "crumbs": crumbs(),
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
    require(request.user, MANAGE)
    form = PartnershipForm(posted(request), instance=Partnership.load())
    if submit(form, lambda data: services.partnership_update(actor=request.user, values=data, request=request)):
        messages.success(request, "Partnership settings saved")
        return redirect("cscp:manage")
    return form_page(request, form, title="Partnership settings", crumbs=crumbs(MANAGE_CRUMB))


# Districts.


@login_required
def district_list(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
    districts = District.objects.annotate(group_count=Count("groups")).order_by("name")
    return render(
        request, "cscp/structure/district_list.html", {"districts": districts, "crumbs": crumbs(MANAGE_CRUMB)}
    )


@login_required
def district_create(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
    form = DistrictForm(posted(request))
    district = submit(form, lambda data: services.district_create(actor=request.user, request=request, **data))
    if district:
        messages.success(request, f"{district} added")
        return redirect("cscp:district-list")
    return form_page(request, form, title="Add a district", crumbs=crumbs(MANAGE_CRUMB, DISTRICTS_CRUMB))


@login_required
def district_edit(request: HttpRequest, pk: int) -> HttpResponse:
    district = get_object_for_user(request.user, MANAGE, District, pk=pk)
    form = DistrictForm(posted(request), instance=district)
    saved = submit(form, lambda data: _update(request, district, data))
    if saved:
        messages.success(request, f"{saved} saved")
        return redirect("cscp:district-list")
    return form_page(
        request,
        form,
        title="Change a district",
        caption=district.name,
        crumbs=crumbs(MANAGE_CRUMB, DISTRICTS_CRUMB),
    )


def _update(request: HttpRequest, obj, values: dict):
    """Save the changes to a record through the service that writes the audit trail."""
    return services.record_update(obj=obj, actor=request.user, values=values, request=request)


def _filtered_list(request: HttpRequest, filters, template: str) -> HttpResponse:
    """A list page: the filtered records in name order, a page at a time."""
    return render(
        request,
        template,
        {
            "crumbs": crumbs(),
            "filter": filters,
            "page": paginate(request, filters.qs.order_by("name", "pk"), PAGE_SIZE),
            "can_manage": request.user.has_perm(MANAGE),
            "filtered": filters.form.has_changed(),
        },
    )


# Agencies.


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    require(request.user, READ)
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
        {
            "agency": agency,
            "members": members,
            "can_manage": request.user.has_perm(MANAGE),
            "crumbs": crumbs(AGENCIES_CRUMB),
        },
    )


@login_required
def agency_create(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
    form = AgencyForm(posted(request))
    agency = submit(form, lambda data: services.agency_create(actor=request.user, request=request, **data))
    if agency:
        messages.success(request, f"{agency} added")
        return redirect(agency)
    return form_page(request, form, title="Add an agency", crumbs=crumbs(AGENCIES_CRUMB))


@login_required
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_for_user(request.user, MANAGE, Agency, pk=pk)
    form = AgencyForm(posted(request), instance=agency)
    saved = submit(form, lambda data: _update(request, agency, data))
    if saved:
        messages.success(request, f"{saved} saved")
        return redirect(saved)
    return form_page(
        request,
        form,
        title="Change an agency",
        caption=agency.name,
        crumbs=crumbs(AGENCIES_CRUMB, (agency.name, agency.get_absolute_url())),
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
    require(request.user, READ)
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
            "crumbs": crumbs(GROUPS_CRUMB),
        },
    )


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
    form = GroupForm(posted(request))
    group = submit(form, lambda data: services.group_create(actor=request.user, request=request, **data))
    if group:
        messages.success(request, f"{group} added")
        return redirect(group)
    return form_page(request, form, title="Add a group", crumbs=crumbs(GROUPS_CRUMB))


def _group_crumbs(group: Group) -> list[tuple[str, str]]:
    return crumbs(GROUPS_CRUMB, (group.name, group.get_absolute_url()))


@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_for_user(request.user, MANAGE, Group, pk=pk)
    form = GroupForm(posted(request), instance=group)
    saved = submit(
        form, lambda data: services.group_update(actor=request.user, group=group, values=data, request=request)
    )
    if saved:
        messages.success(request, f"{saved} saved")
        return redirect(saved)
    return form_page(request, form, title="Change a group", caption=group.name, crumbs=_group_crumbs(group))


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_for_user(request.user, MANAGE, Group, pk=pk)
    form = MeetingForm(posted(request), group=group)
    if submit(form, lambda data: services.meeting_create(actor=request.user, group=group, request=request, **data)):
        messages.success(request, "Meeting added")
        return redirect(group)
    return form_page(request, form, title="Add a meeting", caption=group.name, crumbs=_group_crumbs(group))


# The business plan and its priorities.


def _current_plan() -> BusinessPlan | None:
    today = timezone.localdate()
    return BusinessPlan.objects.filter(start_date__lte=today, end_date__gte=today).order_by("-start_date").first()


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    require(request.user, READ)
    plans = BusinessPlan.objects.annotate(priority_count=Count("priorities")).order_by("-start_date", "pk")
    today = timezone.localdate()
    return render(
        request,
        "cscp/structure/plan_list.html",
        {"plans": plans, "today": today, "can_manage": request.user.has_perm(MANAGE), "crumbs": crumbs()},
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Every reader may read every plan: the refusal comes first, so it says nothing about which plans exist.
    require(request.user, READ)
    plan = get_object_for_user(request.user, READ, BusinessPlan, pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "cscp/structure/plan_detail.html",
        {
            "plan": plan,
            "is_current": plan.start_date <= today <= plan.end_date,
            "priorities": plan.priorities.order_by("number"),
            "can_manage": request.user.has_perm(MANAGE),
            "crumbs": crumbs(PLANS_CRUMB),
        },
    )


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
    form = BusinessPlanForm(posted(request))
    plan = submit(form, lambda data: services.business_plan_create(actor=request.user, request=request, **data))
    if plan:
        messages.success(request, f"{plan} added")
        return redirect("cscp:plan-detail", pk=plan.pk)
    return form_page(request, form, title="Add a business plan", crumbs=crumbs(PLANS_CRUMB))


def _plan_crumbs(plan: BusinessPlan) -> list[tuple[str, str]]:
    return crumbs(PLANS_CRUMB, (plan.title, reverse_lazy("cscp:plan-detail", args=[plan.pk])))


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_for_user(request.user, MANAGE, BusinessPlan, pk=pk)
    form = BusinessPlanForm(posted(request), instance=plan)
    saved = submit(form, lambda data: _update(request, plan, data))
    if saved:
        messages.success(request, f"{saved} saved")
        return redirect("cscp:plan-detail", pk=saved.pk)
    return form_page(request, form, title="Change a business plan", caption=plan.title, crumbs=_plan_crumbs(plan))


@login_required
def priority_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_for_user(request.user, MANAGE, BusinessPlan, pk=pk)
    form = PriorityForm(posted(request), plan=plan)
    priority = submit(
        form, lambda data: services.priority_create(actor=request.user, plan=plan, request=request, **data)
    )
    if priority:
        messages.success(request, f"Priority {priority.number} added")
        return redirect("cscp:plan-detail", pk=plan.pk)
    return form_page(request, form, title="Add a priority", caption=plan.title, crumbs=_plan_crumbs(plan))


@login_required
def priority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    priority = get_object_for_user(request.user, MANAGE, Priority.objects.select_related("plan"), pk=pk)
    plan = priority.plan
    form = PriorityForm(posted(request), plan=plan, instance=priority)
    saved = submit(form, lambda data: _update(request, priority, data))
    if saved:
        messages.success(request, f"Priority {saved.number} saved")
        return redirect("cscp:plan-detail", pk=plan.pk)
    return form_page(request, form, title="Change a priority", caption=plan.title, crumbs=_plan_crumbs(plan))


# Themes.


@login_required
def theme_list(request: HttpRequest) -> HttpResponse:
    require(request.user, READ)
    return render(
        request,
        "cscp/structure/theme_list.html",
        {
            "themes": Theme.objects.order_by("-is_active", "name"),
            "can_manage": request.user.has_perm(MANAGE),
            "crumbs": crumbs(),
        },
    )


@login_required
def theme_create(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
    form = ThemeForm(posted(request))
    theme = submit(form, lambda data: services.theme_create(actor=request.user, request=request, **data))
    if theme:
        messages.success(request, f"{theme} added")
        return redirect("cscp:theme-list")
    return form_page(request, form, title="Add a theme", crumbs=crumbs(THEMES_CRUMB))


@login_required
def theme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_for_user(request.user, MANAGE, Theme, pk=pk)
    form = ThemeForm(posted(request), instance=theme)
    saved = submit(form, lambda data: _update(request, theme, data))
    if saved:
        messages.success(request, f"{saved} saved")
        return redirect("cscp:theme-list")
    return form_page(request, form, title="Change a theme", caption=theme.name, crumbs=crumbs(THEMES_CRUMB))
