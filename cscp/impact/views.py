"""Impact updates and escalations: the agreed template and reporting cycles (admins), writing a group's update
(its chair or vice-chair), reviewing it (the Business Group), its history and PDF, and escalations to the Board.

Views fetch with an access check, validate the form, call a service, and redirect with a message; a service's
ValidationError goes beside the field it names and the page is shown again with what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cscp.actions.models import Action
from cscp.actions.views import raise_action_page
from cscp.forms.errors import add_service_errors
from cscp.impact import guards, services
from cscp.impact import status as st
from cscp.impact.forms import (
    OPEN,
    CommentForm,
    CycleForm,
    DecisionForm,
    EscalationFilterForm,
    EscalationForm,
    EvidenceForm,
    OutcomeForm,
    RequestChangesForm,
    SectionAnswerForm,
    SectionForm,
)
from cscp.impact.models import (
    Escalation,
    ImpactTemplateSection,
    ImpactUpdate,
    ImpactUpdateAnswer,
    ImpactUpdateComment,
    ReportingCycle,
)
from cscp.impact.reports import impact_update_context
from cscp.impact.rules import can_use_impact_pages
from cscp.impact.selectors import (
    SUBMITTED_STATUSES,
    active_sections,
    current_cycle,
    due_updates_for_cycles,
    escalation_section_text,
    escalations_visible_to,
    section_task_statuses,
    sections_for_update,
    update_status,
)
from cscp.models import Group
from cscp.pages import get_object_for_user
from cscp.pdf import render_pdf
from cscp.permissions import can_read_partnership, chaired_group_ids, is_partnership_admin, roles_of

PAGE_SIZE = 25
MANAGE = "impact.manage"


def _bound(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _require(request: HttpRequest, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Home", reverse("cscp:home")), *items]


def _updates_crumb() -> tuple[str, str]:
    return ("Impact updates", reverse("impact:update-list"))


def _escalations_crumb() -> tuple[str, str]:
    return ("Escalations", reverse("impact:escalation-list"))


def _form_page(request: HttpRequest, form, *, title: str, crumbs, submit_label: str = "Save", **context):
    return render(
        request,
        "impact/form.html",
        {"form": form, "title": title, "crumbs": crumbs, "submit_label": submit_label, **context},
    )


UPDATE_QUERYSET = ImpactUpdate.objects.select_related("group", "cycle", "cycle__board_meeting")


def _update_for(request: HttpRequest, perm: str, pk: int) -> ImpactUpdate:
    return get_object_for_user(request.user, perm, UPDATE_QUERYSET, pk=pk)


def _redirect_when_blocked(request: HttpRequest, blocked: str, to: str, pk: int) -> HttpResponse | None:
    """A page for a transition its guard refuses now (cscp.impact.guards) sends the person back to the record with the
    guard's reason; None when the transition may go ahead."""
    if not blocked:
        return None
    messages.info(request, blocked)
    return redirect(to, pk)


def _unless_editable(request: HttpRequest, update: ImpactUpdate) -> HttpResponse | None:
    return _redirect_when_blocked(request, guards.update_edit_blocked(update), "impact:update-detail", update.pk)


# The list of this cycle's updates.


@login_required
def update_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_use_impact_pages(user):
        raise PermissionDenied
    cycle = current_cycle()
    oversight = can_read_partnership(user)
    admin = is_partnership_admin(user)
    chaired = chaired_group_ids(user)
    rows = []
    if cycle is not None:
        group_ids = None if oversight else roles_of(user).group_ids
        for due in due_updates_for_cycles([cycle], group_ids=group_ids):
            rows.append(
                {
                    "due": due,
                    "can_write": admin or due.group.pk in chaired,
                    "is_mine": due.group.pk in chaired,
                }
            )
    mine = [row for row in rows if row["is_mine"]]
    counts = _status_counts([row["due"] for row in rows]) if oversight else []
    return render(
        request,
        "impact/update_list.html",
        {
            "cycle": cycle,
            "rows": rows,
            "mine": mine,
            "oversight": oversight,
            "counts": counts,
            "can_manage": user.has_perm(MANAGE),
            "can_see_cycles": user.has_perm("impact.view_cycles"),
        },
    )


def _status_counts(dues) -> list[dict]:
    counts = dict.fromkeys(st.STATUSES, 0)
    for due in dues:
        counts[due.status] += 1
    return [
        {"status": status, "label": st.label(status), "count": count, "tag": st.tag(status)}
        for status, count in counts.items()
    ]


# The agreed template.


@login_required
def impact_template(request: HttpRequest) -> HttpResponse:
    _require(request, MANAGE)
    sections = list(ImpactTemplateSection.objects.order_by("order", "pk"))
    return render(
        request,
        "impact/template.html",
        {
            "sections": [s for s in sections if s.is_active],
            "retired": [s for s in sections if not s.is_active],
        },
    )


def _template_crumbs():
    return _crumbs(("Manage the partnership", reverse("cscp:manage")), ("Impact template", reverse("impact:template")))


@login_required
def section_create(request: HttpRequest) -> HttpResponse:
    _require(request, MANAGE)
    form = SectionForm(_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            section = services.impact_section_create(
                actor=request.user,
                title=form.cleaned_data["title"],
                hint=form.cleaned_data["hint"],
                is_required=form.cleaned_data["is_required"],
                is_escalation=form.cleaned_data["is_escalation"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Section “{section.title}” added to the template")
            return redirect("impact:template")
    return _form_page(request, form, title="Add a section", caption="Impact template", crumbs=_template_crumbs())


@login_required
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_for_user(request.user, MANAGE, ImpactTemplateSection, pk=pk)
    form = SectionForm(_bound(request), section=section)
    if request.method == "POST" and form.is_valid():
        try:
            section = services.impact_section_update(
                actor=request.user, section=section, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Section “{section.title}” saved")
            return redirect("impact:template")
    return _form_page(request, form, title="Change a section", caption=section.title, crumbs=_template_crumbs())


@login_required
@require_POST
def section_move(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_for_user(request.user, MANAGE, ImpactTemplateSection, pk=pk)
    try:
        services.impact_section_move(
            actor=request.user, section=section, direction=request.POST.get("direction", ""), request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Section “{section.title}” moved {request.POST.get('direction')}")
    return redirect("impact:template")


# Reporting cycles.


def _cycles_crumb() -> tuple[str, str]:
    return ("Reporting cycles", reverse("impact:cycle-list"))


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    _require(request, "impact.view_cycles")
    cycles = (
        ReportingCycle.objects.select_related("board_meeting", "business_meeting")
        .annotate(
            group_count=Count("groups", distinct=True),
            submitted_count=Count("updates", filter=Q(updates__status__in=SUBMITTED_STATUSES), distinct=True),
        )
        .order_by("-due_date", "-pk")
    )
    page = Paginator(cycles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "impact/cycle_list.html",
        {"page": page, "query": _query_without_page(request), "can_manage": request.user.has_perm(MANAGE)},
    )


def _cycle_values(form: CycleForm) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "board_meeting": data["board_meeting"],
        "business_meeting": data.get("business_meeting"),
        "due_date": data["due_date"],
        "groups": list(data["groups"]),
    }


@login_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    _require(request, MANAGE)
    form = CycleForm(_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.reporting_cycle_create(actor=request.user, request=request, **_cycle_values(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Reporting cycle “{cycle.title}” added")
            return redirect("impact:cycle-detail", cycle.pk)
    return _form_page(
        request,
        form,
        title="Add a reporting cycle",
        crumbs=_crumbs(_updates_crumb(), _cycles_crumb()),
        no_meetings=not form.fields["board_meeting"].queryset.exists(),
    )


@login_required
def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_for_user(request.user, MANAGE, ReportingCycle, pk=pk)
    form = CycleForm(_bound(request), cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.reporting_cycle_update(
                actor=request.user, cycle=cycle, request=request, **_cycle_values(form)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Reporting cycle “{cycle.title}” saved")
            return redirect("impact:cycle-detail", cycle.pk)
    return _form_page(
        request,
        form,
        title="Change a reporting cycle",
        caption=cycle.title,
        crumbs=_crumbs(
            _updates_crumb(), _cycles_crumb(), (cycle.title, reverse("impact:cycle-detail", args=[cycle.pk]))
        ),
    )


@login_required
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_for_user(
        request.user,
        "impact.view_cycles",
        ReportingCycle.objects.select_related("board_meeting", "business_meeting"),
        pk=pk,
    )
    dues = due_updates_for_cycles([cycle])
    return render(
        request,
        "impact/cycle_detail.html",
        {
            "cycle": cycle,
            "dues": dues,
            "counts": _status_counts(dues),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


# Writing an update.


def _reporting_group(request: HttpRequest, cycle_pk: int, group_pk: int) -> tuple[ReportingCycle, Group]:
    """The cycle and a group due to report in it, for someone who may write the group's update: 404 for a cycle
    or group that does not exist or a group not due to report, 403 for someone who may not write for the group."""
    cycle = get_object_or_404(ReportingCycle.objects.select_related("board_meeting", "business_meeting"), pk=cycle_pk)
    group = get_object_or_404(Group, pk=group_pk)
    _require(request, "impact.write_group_update", group)
    if not cycle.groups.filter(pk=group.pk).exists():
        raise Http404
    return cycle, group


@login_required
def update_edit(request: HttpRequest, cycle_pk: int, group_pk: int) -> HttpResponse:
    """The group's update as a task list; before it is started, the page with the button that starts it."""
    cycle, group = _reporting_group(request, cycle_pk, group_pk)
    update = ImpactUpdate.objects.filter(cycle=cycle, group=group).first()
    if update is None:
        return render(
            request,
            "impact/update_start.html",
            {
                "cycle": cycle,
                "group": group,
                "sections": list(active_sections()),
                "is_late": _is_past_due(cycle),
                "status_tag": st.tag(update_status(None, cycle)),
                "crumbs": _crumbs(_updates_crumb()),
            },
        )
    if (response := _unless_editable(request, update)) is not None:
        return response
    sections = sections_for_update(update)
    answers = dict(ImpactUpdateAnswer.objects.filter(update=update).values_list("section_id", "text"))
    statuses = section_task_statuses(update, {s.pk: answers.get(s.pk, "") for s in sections})
    tasks = [{"section": s, "tag": st.task_tag(statuses.get(s.pk, st.TASK_NOT_STARTED))} for s in sections]
    evidence_count = update.actions.count() + update.evidence_links.count()
    submit_blocked = guards.update_submit_blocked(update)
    return render(
        request,
        "impact/update_edit.html",
        {
            "update": update,
            "cycle": cycle,
            "group": group,
            "tasks": tasks,
            "evidence_count": evidence_count,
            "submit_blocked": submit_blocked,
            "not_started": st.task_tag(st.TASK_NOT_STARTED),
            "completed_count": sum(1 for t in tasks if t["tag"].status == st.TASK_COMPLETED),
            "is_late": update.submitted_at is None and _is_past_due(cycle),
            # What the Business Group asked to change, shown while the chair revises.
            "changes_request": (
                update.comments.filter(kind=ImpactUpdateComment.Kind.CHANGES_REQUESTED)
                .select_related("author")
                .order_by("-pk")
                .first()
                if update.status == ImpactUpdate.Status.CHANGES_REQUESTED
                else None
            ),
        },
    )


def _is_past_due(cycle: ReportingCycle) -> bool:
    return timezone.localdate() > cycle.due_date


@login_required
@require_POST
def update_start(request: HttpRequest, cycle_pk: int, group_pk: int) -> HttpResponse:
    """Start the group's update (or open the one someone started a moment ago), then write it."""
    cycle, group = _reporting_group(request, cycle_pk, group_pk)
    services.impact_update_start(actor=request.user, cycle=cycle, group=group, request=request)
    return redirect("impact:update-edit", cycle.pk, group.pk)


def _section_after(update: ImpactUpdate, section: ImpactTemplateSection) -> ImpactTemplateSection | None:
    sections = sections_for_update(update)
    ids = [s.pk for s in sections]
    if section.pk in ids and ids.index(section.pk) + 1 < len(sections):
        return sections[ids.index(section.pk) + 1]
    return None


@login_required
def update_section(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    update = _update_for(request, "impact.change_update", pk)
    if (response := _unless_editable(request, update)) is not None:
        return response
    section = get_object_or_404(ImpactTemplateSection, pk=section_pk, is_active=True)
    answer = ImpactUpdateAnswer.objects.filter(update=update, section=section).first()
    their_text = None
    if request.method == "POST":
        form = SectionAnswerForm(request.POST, section=section)
        if form.is_valid():
            later = "later" in request.POST
            try:
                services.impact_update_save_section(
                    actor=request.user,
                    update=update,
                    section=section,
                    text=form.cleaned_data["text"],
                    version=form.cleaned_data["version"],
                    completed=not later,
                    request=request,
                )
            except services.UpdateChanged as exc:
                # Keep what this person typed, but from the version that is saved now, so that saving again
                # (after merging) succeeds.
                update.refresh_from_db()
                data = request.POST.copy()
                data["version"] = str(update.version)
                form = SectionAnswerForm(data, section=section)
                form.is_valid()
                add_service_errors(form, exc)
                current = ImpactUpdateAnswer.objects.filter(update=update, section=section).first()
                their_text = current.text if current else ""
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if later:
                    messages.success(request, f"Your answer to “{section.title}” has been saved")
                    return redirect("impact:update-edit", update.cycle_id, update.group_id)
                following = _section_after(update, section)
                if following is not None:
                    return redirect("impact:update-section", update.pk, following.pk)
                return redirect("impact:update-evidence", update.pk)
    else:
        form = SectionAnswerForm(
            initial={"text": answer.text if answer else "", "version": update.version}, section=section
        )
    return render(
        request,
        "impact/update_section.html",
        {
            "update": update,
            "section": section,
            "form": form,
            "their_text": their_text,
            "updated_by": update.updated_by if their_text is not None else None,
        },
    )


@login_required
def update_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update_for(request, "impact.change_update", pk)
    if (response := _unless_editable(request, update)) is not None:
        return response
    if request.method == "POST":
        form = EvidenceForm(request.POST, update=update)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.impact_update_set_evidence(
                    actor=request.user,
                    update=update,
                    version=data["version"],
                    actions=data.get("actions") or [],
                    remove_links=data.get("remove_links") or [],
                    link_title=data["link_title"],
                    link_url=data["link_url"],
                    request=request,
                )
            except services.UpdateChanged:
                update.refresh_from_db()
                posted = request.POST.copy()
                posted["version"] = str(update.version)
                form = EvidenceForm(posted, update=update)
                form.is_valid()
                form.add_error(
                    None,
                    "Someone else changed this update while you were choosing evidence. Check your choices "
                    "below and save again",
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "The update's evidence has been saved")
                if "add_another" in request.POST:
                    return redirect("impact:update-evidence", update.pk)
                return redirect("impact:update-edit", update.cycle_id, update.group_id)
    else:
        form = EvidenceForm(initial={"version": update.version}, update=update)
    return render(
        request,
        "impact/update_evidence.html",
        {"update": update, "form": form, "links": list(update.evidence_links.order_by("kind", "title"))},
    )


def _check_page(request: HttpRequest, update: ImpactUpdate, *, errors=None, general_error: str = ""):
    context = impact_update_context(update)
    errors = errors or {}
    for row in context["sections"]:
        row["error"] = errors.get(f"section-{row['section'].pk}", "")
    summary = [(f"section-{row['section'].pk}", row["error"]) for row in context["sections"] if row["error"]]
    return render(
        request,
        "impact/update_check.html",
        {**context, "error_list": summary, "general_error": general_error},
    )


@login_required
def update_check(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update_for(request, "impact.change_update", pk)
    if (response := _unless_editable(request, update)) is not None:
        return response
    return _check_page(request, update)


@login_required
@require_POST
def update_submit(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update_for(request, "impact.change_update", pk)
    try:
        services.impact_update_submit(
            actor=request.user, update=update, version=request.POST.get("version"), request=request
        )
    except services.UpdateChanged:
        return _check_page(
            request,
            update,
            general_error="Someone else changed this update since you checked it. Check your answers again, "
            "then submit",
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            return _check_page(request, update, errors={k: v[0] for k, v in exc.message_dict.items()})
        if guards.update_edit_blocked(update):
            messages.info(request, " ".join(exc.messages))
            return redirect("impact:update-detail", update.pk)
        return _check_page(request, update, general_error=" ".join(exc.messages))
    messages.success(request, "Your impact update has been submitted to the Business Group")
    return redirect("impact:update-detail", update.pk)


# Reading and reviewing an update.


def _detail_page(request: HttpRequest, update: ImpactUpdate, *, comment_form=None, page_errors=()):
    user = request.user
    context = impact_update_context(update)
    update = context["update"]
    return render(
        request,
        "impact/update_detail.html",
        {
            **context,
            "comment_form": comment_form or CommentForm(),
            "page_errors": list(page_errors),
            "can_edit": not guards.update_edit_blocked(update) and user.has_perm("impact.change_update", update),
            "can_comment": not guards.update_comment_blocked(update) and user.has_perm("impact.comment_update", update),
            "can_acknowledge": not guards.update_acknowledge_blocked(update)
            and user.has_perm("impact.acknowledge_update", update),
            "can_request_changes": not guards.update_request_changes_blocked(update)
            and user.has_perm("impact.request_update_changes", update),
            "can_escalate": user.has_perm("impact.escalate_from_update", update),
        },
    )


@login_required
def update_detail(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update_for(request, "impact.view_update", pk)
    return _detail_page(request, update)


@login_required
@require_POST
def update_comment(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update_for(request, "impact.comment_update", pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.impact_update_comment(
                actor=request.user, update=update, text=form.cleaned_data["text"], request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your comment has been added")
            return redirect(reverse("impact:update-detail", args=[update.pk]) + "#comments")
    return _detail_page(request, update, comment_form=form)


@login_required
@require_POST
def update_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update_for(request, "impact.acknowledge_update", pk)
    try:
        services.impact_update_acknowledge(actor=request.user, update=update, request=request)
    except ValidationError as exc:
        return _detail_page(request, update, page_errors=exc.messages)
    messages.success(request, f"You have acknowledged {update.group}'s impact update")
    return redirect("impact:update-detail", update.pk)


@login_required
def update_request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update_for(request, "impact.request_update_changes", pk)
    blocked = guards.update_request_changes_blocked(update)
    if (response := _redirect_when_blocked(request, blocked, "impact:update-detail", update.pk)) is not None:
        return response
    form = RequestChangesForm(_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.impact_update_request_changes(
                actor=request.user, update=update, text=form.cleaned_data["text"], request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"You have asked {update.group} to change its update; its chair has been told")
            return redirect("impact:update-detail", update.pk)
    return render(
        request,
        "impact/question.html",
        {
            "form": form,
            "title": "What should the group change?",
            "caption": f"{update.group}: {update.cycle}",
            "back_url": reverse("impact:update-detail", args=[update.pk]),
            "submit_label": "Ask for changes",
        },
    )


@login_required
def update_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update_for(request, "impact.view_update", pk)
    context = impact_update_context(update)
    pdf = render_pdf("impact/update_pdf.html", context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"impact-update-{update.group.pk}-{update.cycle.due_date:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def group_updates(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_for_user(request.user, "cscp.view_group", Group, pk=pk)
    cycles = ReportingCycle.objects.filter(groups=group).select_related("board_meeting").order_by("-due_date", "-pk")
    dues = due_updates_for_cycles(cycles, group_ids=[group.pk])
    return render(
        request,
        "impact/group_updates.html",
        {"group": group, "dues": dues, "can_write": request.user.has_perm("impact.write_group_update", group)},
    )


# Escalations.


@login_required
def escalation_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_use_impact_pages(user):
        raise PermissionDenied
    escalations = escalations_visible_to(user)
    groups = Group.objects.filter(pk__in=escalations.values("raised_by_group_id"))
    filters = EscalationFilterForm(request.GET, groups=groups)
    filtered = False
    if filters.is_valid():
        status = filters.cleaned_data["status"]
        if status == OPEN:
            escalations = escalations.exclude(status=Escalation.Status.CLOSED)
        elif status:
            escalations = escalations.filter(status=status)
        if filters.cleaned_data["group"] is not None:
            escalations = escalations.filter(raised_by_group=filters.cleaned_data["group"])
        filtered = bool(status or filters.cleaned_data["group"])
    page = Paginator(escalations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "impact/escalation_list.html",
        {
            "page": page,
            "filter_form": filters,
            "filtered": filtered,
            "query": _query_without_page(request),
            "can_raise": user.has_perm("impact.raise_escalation"),
        },
    )


def _escalation_values(form: EscalationForm) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "concern": data["concern"],
        "evidence": data["evidence"],
        "ask": data["ask"],
        "priority": data.get("priority"),
        "themes": list(data.get("themes") or []),
        "board_meeting": data.get("board_meeting"),
    }


@login_required
def escalation_create(request: HttpRequest) -> HttpResponse:
    _require(request, "impact.raise_escalation")
    if is_partnership_admin(request.user):
        groups = Group.objects.filter(is_active=True)
    else:
        groups = Group.objects.filter(pk__in=chaired_group_ids(request.user), is_active=True)
    form = EscalationForm(_bound(request), groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            escalation = services.escalation_raise(
                actor=request.user, group=form.cleaned_data["group"], request=request, **_escalation_values(form)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your escalation has been sent to the Board")
            return redirect("impact:escalation-detail", escalation.pk)
    return _form_page(
        request,
        form,
        title="Escalate a concern to the Board",
        crumbs=_crumbs(_escalations_crumb()),
        submit_label="Send to the Board",
    )


@login_required
def escalation_raise_from_update(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update_for(request, "impact.escalate_from_update", pk)
    initial = {
        "title": f"Escalation from {update.group}'s impact update",
        "concern": escalation_section_text(update),
    }
    form = EscalationForm(_bound(request), initial=initial, groups=Group.objects.none(), fixed_group=update.group)
    if request.method == "POST" and form.is_valid():
        try:
            escalation = services.escalation_raise(
                actor=request.user,
                group=update.group,
                impact_update=update,
                request=request,
                **_escalation_values(form),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your escalation has been sent to the Board")
            return redirect("impact:escalation-detail", escalation.pk)
    return _form_page(
        request,
        form,
        title="Escalate a concern to the Board",
        caption=f"From {update.group}'s impact update: {update.cycle}",
        crumbs=_crumbs(
            _updates_crumb(), (f"{update.group}: {update.cycle}", reverse("impact:update-detail", args=[update.pk]))
        ),
        submit_label="Send to the Board",
    )


ESCALATION_QUERYSET = Escalation.objects.select_related(
    "raised_by_group",
    "raised_by",
    "board_meeting",
    "board_meeting__group",
    "impact_update",
    "priority",
    "decided_by",
    "outcome_recorded_by",
)


@login_required
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = get_object_for_user(request.user, "impact.view_escalation", ESCALATION_QUERYSET, pk=pk)
    may_decide = request.user.has_perm("impact.decide_escalation", escalation)
    return render(
        request,
        "impact/escalation_detail.html",
        {
            "escalation": escalation,
            "themes": list(escalation.themes.order_by("name")),
            "actions": list(escalation.actions.order_by("reference")),
            "can_decide": may_decide and not guards.escalation_decide_blocked(escalation),
            "can_record_outcome": may_decide and not guards.escalation_outcome_blocked(escalation),
            "can_raise_action": not guards.escalation_action_blocked(escalation)
            and request.user.has_perm("impact.raise_action_from_escalation", escalation),
        },
    )


def _escalation_question(request, escalation, form, *, title: str, submit_label: str):
    return render(
        request,
        "impact/question.html",
        {
            "form": form,
            "title": title,
            "caption": escalation.title,
            "back_url": reverse("impact:escalation-detail", args=[escalation.pk]),
            "submit_label": submit_label,
            "escalation": escalation,
        },
    )


@login_required
def escalation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = get_object_for_user(request.user, "impact.decide_escalation", ESCALATION_QUERYSET, pk=pk)
    blocked = guards.escalation_decide_blocked(escalation)
    if (response := _redirect_when_blocked(request, blocked, "impact:escalation-detail", escalation.pk)) is not None:
        return response
    form = DecisionForm(_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_decide(
                actor=request.user, escalation=escalation, decision=form.cleaned_data["decision"], request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The Board's decision has been recorded and the group's chair told")
            return redirect("impact:escalation-detail", escalation.pk)
    return _escalation_question(
        request, escalation, form, title="What did the Board decide?", submit_label="Record the decision"
    )


@login_required
def escalation_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = get_object_for_user(request.user, "impact.decide_escalation", ESCALATION_QUERYSET, pk=pk)
    blocked = guards.escalation_outcome_blocked(escalation)
    if (response := _redirect_when_blocked(request, blocked, "impact:escalation-detail", escalation.pk)) is not None:
        return response
    form = OutcomeForm(_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_record_outcome(
                actor=request.user, escalation=escalation, outcome=form.cleaned_data["outcome"], request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The outcome has been recorded and the escalation closed")
            return redirect("impact:escalation-detail", escalation.pk)
    return _escalation_question(
        request, escalation, form, title="What was the outcome?", submit_label="Record the outcome"
    )


@login_required
def escalation_action_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Raise an action from an escalation: the tracker's own form, filled in from the escalation."""
    escalation = get_object_for_user(
        request.user,
        "impact.raise_action_from_escalation",
        ESCALATION_QUERYSET,
        view_perm="impact.view_escalation",
        pk=pk,
    )
    blocked = guards.escalation_action_blocked(escalation)
    if (response := _redirect_when_blocked(request, blocked, "impact:escalation-detail", escalation.pk)) is not None:
        return response
    initial = {
        "raised_on": timezone.localdate(),
        "source": Action.Source.ESCALATION,
        "source_reference": escalation.title[:300],
        "source_url": reverse("impact:escalation-detail", args=[escalation.pk]),
        "owner_group": escalation.raised_by_group_id,
        "priority": escalation.priority_id,
    }
    return raise_action_page(
        request,
        initial=initial,
        raise_action=lambda values: services.escalation_action_raise(
            actor=request.user, escalation=escalation, request=request, **values
        ),
        crumbs=_crumbs(
            _escalations_crumb(), (escalation.title, reverse("impact:escalation-detail", args=[escalation.pk]))
        ),
        intro=f"This action is raised from the escalation “{escalation.title}”, from {escalation.raised_by_group}.",
    )
