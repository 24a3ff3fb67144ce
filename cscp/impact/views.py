"""Impact updates and escalations: the agreed template and reporting cycles (admins), writing a group's update
(its chair or vice-chair), reviewing it (the Business Group), its history and PDF, and escalations to the Board.

Views are written on the shared layer (cscp.pages): fetch with an access check, bind the form with `posted`, hand
it to a service with `submit` (a refusal goes beside the fields and the page is shown again with what was typed),
or run a button's service with `refusal`; then redirect with a message. Whether a transition may happen now is its
guard's (cscp.impact.guards), asked both here, before offering the button, and by the service.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from cscp.actions.models import Action
from cscp.actions.views import raise_action_page
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
from cscp.impact.selectors import (
    SUBMITTED_STATUSES,
    active_sections,
    current_cycle,
    due_updates_for_cycles,
    escalation_decisions,
    escalation_section_text,
    escalations_visible_to,
    section_task_statuses,
    sections_for_update,
    update_status,
)
from cscp.models import Group
from cscp.pages import crumbs, form_page, get_object_for_user, paginate, posted, refusal, require, submit
from cscp.pdf import PdfError, render_pdf
from cscp.permissions import can_read_partnership, chaired_group_ids, is_partnership_admin, roles_of

PAGE_SIZE = 25
MANAGE = "impact.manage"
NO_BOARD_MEETINGS = (
    "Every Board meeting already has a reporting cycle, or none has been added. "
    "Add the Board's next meeting on the Board's group page first."
)


def _updates_crumb() -> tuple[str, str]:
    return ("Impact updates", reverse("impact:update-list"))


def _escalations_crumb() -> tuple[str, str]:
    return ("Escalations", reverse("impact:escalation-list"))


def _cycles_crumb() -> tuple[str, str]:
    return ("Reporting cycles", reverse("impact:cycle-list"))


def _update_crumb(update: ImpactUpdate) -> tuple[str, str]:
    return (f"{update.group}: {update.cycle}", reverse("impact:update-detail", args=[update.pk]))


def _escalation_crumb(escalation: Escalation) -> tuple[str, str]:
    return (escalation.title, reverse("impact:escalation-detail", args=[escalation.pk]))


UPDATE_QUERYSET = ImpactUpdate.objects.select_related("group", "cycle", "cycle__board_meeting")


def _update_for(request: HttpRequest, perm: str, pk: int) -> ImpactUpdate:
    return get_object_for_user(request.user, perm, UPDATE_QUERYSET, pk=pk)


def _redirect_when_blocked(request: HttpRequest, blocked: str, to: str, pk: int) -> HttpResponse | None:
    """A page for a transition its guard refuses now sends the person back to the record with the guard's reason;
    None when the transition may go ahead."""
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
    require(user, "impact.use_pages")
    cycle = current_cycle()
    oversight = can_read_partnership(user)
    admin = is_partnership_admin(user)
    chaired = chaired_group_ids(user)
    rows = []
    if cycle is not None:
        group_ids = None if oversight else roles_of(user).group_ids
        for due in due_updates_for_cycles([cycle], group_ids=group_ids):
            rows.append({"due": due, "can_write": admin or due.group.pk in chaired, "is_mine": due.group.pk in chaired})
    return render(
        request,
        "impact/update_list.html",
        {
            "crumbs": crumbs(),
            "cycle": cycle,
            "rows": rows,
            "mine": [row for row in rows if row["is_mine"]],
            "oversight": oversight,
            "counts": _status_counts([row["due"] for row in rows]) if oversight else [],
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


def _manage_crumb() -> tuple[str, str]:
    return ("Manage the partnership", reverse("cscp:manage"))


@login_required
def impact_template(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
    sections = list(ImpactTemplateSection.objects.order_by("order", "pk"))
    return render(
        request,
        "impact/template.html",
        {
            "crumbs": crumbs(_manage_crumb()),
            "sections": [s for s in sections if s.is_active],
            "retired": [s for s in sections if not s.is_active],
        },
    )


def _section_form_page(request: HttpRequest, form: SectionForm, *, title: str, caption: str) -> HttpResponse:
    return form_page(
        request,
        form,
        title=title,
        caption=caption,
        crumbs=crumbs(_manage_crumb(), ("Impact template", reverse("impact:template"))),
        submit_label="Save",
    )


@login_required
def section_create(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
    form = SectionForm(posted(request))
    section = submit(form, lambda data: services.impact_section_create(actor=request.user, request=request, **data))
    if section is not None:
        messages.success(request, f"Section “{section.title}” added to the template")
        return redirect("impact:template")
    return _section_form_page(request, form, title="Add a section", caption="Impact template")


@login_required
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_for_user(request.user, MANAGE, ImpactTemplateSection, pk=pk)
    form = SectionForm(posted(request), section=section)
    saved = submit(
        form,
        lambda data: services.impact_section_update(actor=request.user, section=section, request=request, **data),
    )
    if saved is not None:
        messages.success(request, f"Section “{saved.title}” saved")
        return redirect("impact:template")
    return _section_form_page(request, form, title="Change a section", caption=section.title)


@login_required
@require_POST
def section_move(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_for_user(request.user, MANAGE, ImpactTemplateSection, pk=pk)
    direction = request.POST.get("direction", "")
    refused = refusal(
        lambda: services.impact_section_move(actor=request.user, section=section, direction=direction, request=request)
    )
    if refused:
        messages.error(request, " ".join(refused))
    else:
        messages.success(request, f"Section “{section.title}” moved {direction}")
    return redirect("impact:template")


# Reporting cycles.


@login_required
def cycle_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "impact.view_cycles")
    cycles = (
        ReportingCycle.objects.select_related("board_meeting", "business_meeting")
        .annotate(
            group_count=Count("groups", distinct=True),
            submitted_count=Count("updates", filter=Q(updates__status__in=SUBMITTED_STATUSES), distinct=True),
        )
        .order_by("-due_date", "-pk")
    )
    return render(
        request,
        "impact/cycle_list.html",
        {
            "crumbs": crumbs(_updates_crumb()),
            "page": paginate(request, cycles, PAGE_SIZE),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@login_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
    form = CycleForm(posted(request))
    cycle = submit(form, lambda data: services.reporting_cycle_create(actor=request.user, request=request, **data))
    if cycle is not None:
        messages.success(request, f"Reporting cycle “{cycle.title}” added")
        return redirect("impact:cycle-detail", cycle.pk)
    return form_page(
        request,
        form,
        title="Add a reporting cycle",
        crumbs=crumbs(_updates_crumb(), _cycles_crumb()),
        submit_label="Save",
        warning="" if form.fields["board_meeting"].queryset.exists() else NO_BOARD_MEETINGS,
    )


@login_required
def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_for_user(request.user, MANAGE, ReportingCycle, pk=pk)
    form = CycleForm(posted(request), cycle=cycle)
    saved = submit(
        form, lambda data: services.reporting_cycle_update(actor=request.user, cycle=cycle, request=request, **data)
    )
    if saved is not None:
        messages.success(request, f"Reporting cycle “{saved.title}” saved")
        return redirect("impact:cycle-detail", saved.pk)
    return form_page(
        request,
        form,
        title="Change a reporting cycle",
        caption=cycle.title,
        crumbs=crumbs(
            _updates_crumb(), _cycles_crumb(), (cycle.title, reverse("impact:cycle-detail", args=[cycle.pk]))
        ),
        submit_label="Save",
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
            "crumbs": crumbs(_updates_crumb(), _cycles_crumb()),
            "cycle": cycle,
            "dues": dues,
            "counts": _status_counts(dues),
            "edit_url": reverse("impact:cycle-edit", args=[cycle.pk]) if request.user.has_perm(MANAGE) else "",
        },
    )


# Writing an update.


def _reporting_group(request: HttpRequest, cycle_pk: int, group_pk: int) -> tuple[ReportingCycle, Group]:
    """A group and a cycle it is due to report in, for someone who may write the group's update: 404 for a group or
    cycle that does not exist or a group not due to report in the cycle, 403 for someone who may not write for the
    group."""
    group = get_object_for_user(request.user, "impact.write_group_update", Group, pk=group_pk)
    cycle = (
        ReportingCycle.objects.select_related("board_meeting", "business_meeting")
        .filter(pk=cycle_pk, groups=group)
        .first()
    )
    if cycle is None:
        raise Http404
    return cycle, group


def _task(id: str, name: str, href: str, tag: st.StatusTag, *, hint: str = "") -> dict:
    """One task of the update's task list (impact/_task.html): no `href` while it cannot start yet."""
    return {"id": id, "name": name, "href": href, "tag": tag, "hint": hint}


def _is_past_due(cycle: ReportingCycle) -> bool:
    return timezone.localdate() > cycle.due_date


@login_required
def update_edit(request: HttpRequest, cycle_pk: int, group_pk: int) -> HttpResponse:
    """The group's update as a task list; before it is started, the page whose button starts it."""
    cycle, group = _reporting_group(request, cycle_pk, group_pk)
    update = ImpactUpdate.objects.filter(cycle=cycle, group=group).first()
    page = {"crumbs": crumbs(_updates_crumb()), "cycle": cycle, "group": group}
    if update is None:
        return render(
            request,
            "impact/update_start.html",
            {
                **page,
                "sections": list(active_sections()),
                "is_late": _is_past_due(cycle),
                "status_tag": st.tag(update_status(None, cycle)),
            },
        )
    if (response := _unless_editable(request, update)) is not None:
        return response
    sections = sections_for_update(update)
    answers = dict(ImpactUpdateAnswer.objects.filter(update=update).values_list("section_id", "text"))
    statuses = section_task_statuses(update, {s.pk: answers.get(s.pk, "") for s in sections})
    tasks = [
        _task(
            f"task-{s.pk}",
            s.title,
            reverse("impact:update-section", args=[update.pk, s.pk]),
            st.task_tag(statuses.get(s.pk, st.TASK_NOT_STARTED)),
            hint="" if s.is_required else "Optional",
        )
        for s in sections
    ]
    submit_blocked = guards.update_submit_blocked(update)
    return render(
        request,
        "impact/update_edit.html",
        {
            **page,
            "update": update,
            "tasks": tasks,
            "evidence_task": _task(
                "task-evidence",
                "Actions and other evidence",
                reverse("impact:update-evidence", args=[update.pk]),
                st.evidence_task_tag(update.actions.count() + update.evidence_links.count()),
                hint="Optional",
            ),
            "submit_task": _task(
                "task-submit",
                "Check your answers and submit",
                "" if submit_blocked else reverse("impact:update-check", args=[update.pk]),
                st.task_tag(st.TASK_CANNOT_START_YET if submit_blocked else st.TASK_NOT_STARTED),
                hint=submit_blocked,
            ),
            "completed_count": sum(1 for task in tasks if task["tag"].status == st.TASK_COMPLETED),
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


@login_required
@require_POST
def update_start(request: HttpRequest, cycle_pk: int, group_pk: int) -> HttpResponse:
    """Start the group's update (or open the one someone started a moment ago), then write it."""
    cycle, group = _reporting_group(request, cycle_pk, group_pk)
    services.impact_update_start(actor=request.user, cycle=cycle, group=group, request=request)
    return redirect("impact:update-edit", cycle.pk, group.pk)


def _submit_edit(
    request: HttpRequest, update: ImpactUpdate, make_form: Callable[..., forms.Form], save: Callable
) -> tuple[object | None, forms.Form, bool]:
    """Hand an edit of the update (a form carrying the `version` it was loaded at) to its service with `submit`.

    Returns the service's result, the form to show, and whether someone else saved the update since the person
    loaded the form. Then the service refused (UpdateChanged), and the form comes back with what they posted and
    the refusal beside it, but carrying the version saved now, so that saving again (after merging) succeeds.
    """
    form = make_form(posted(request))
    # Whether the service is asked at all: an invalid form is shown again without it.
    valid = form.is_bound and form.is_valid()
    result = submit(form, save)
    if result is not None or not valid:
        return result, form, False
    update.refresh_from_db()
    if form.cleaned_data.get("version") == str(update.version):
        return None, form, False
    data = request.POST.copy()
    data["version"] = str(update.version)
    again = make_form(data)
    again.is_valid()
    for field, errors in form.errors.items():
        for error in errors:
            again.add_error(None if field == NON_FIELD_ERRORS else field, error)
    return None, again, True


@login_required
def update_section(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    update = _update_for(request, "impact.change_update", pk)
    if (response := _unless_editable(request, update)) is not None:
        return response
    # The sections in use while the update is written; a retired one has no page.
    sections = sections_for_update(update)
    section = next((s for s in sections if s.pk == section_pk), None)
    if section is None:
        raise Http404
    answer = ImpactUpdateAnswer.objects.filter(update=update, section=section).first()
    later = "later" in request.POST
    saved, form, changed = _submit_edit(
        request,
        update,
        lambda data: SectionAnswerForm(
            data, section=section, initial={"text": answer.text if answer else "", "version": update.version}
        ),
        lambda data: services.impact_update_save_section(
            actor=request.user,
            update=update,
            section=section,
            text=data["text"],
            version=data["version"],
            completed=not later,
            request=request,
        ),
    )
    if saved is not None:
        if later:
            messages.success(request, f"Your answer to “{section.title}” has been saved")
            return redirect("impact:update-edit", update.cycle_id, update.group_id)
        following = sections[sections.index(section) + 1 :]
        if following:
            return redirect("impact:update-section", update.pk, following[0].pk)
        return redirect("impact:update-evidence", update.pk)
    their_text = None
    if changed:
        current = ImpactUpdateAnswer.objects.filter(update=update, section=section).first()
        their_text = current.text if current else ""
    return render(
        request,
        "impact/update_section.html",
        {
            "update": update,
            "section": section,
            "form": form,
            "their_text": their_text,
            "updated_by": update.updated_by if changed else None,
        },
    )


@login_required
def update_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update_for(request, "impact.change_update", pk)
    if (response := _unless_editable(request, update)) is not None:
        return response
    saved, form, _changed = _submit_edit(
        request,
        update,
        lambda data: EvidenceForm(data, initial={"version": update.version}, update=update),
        lambda data: services.impact_update_set_evidence(
            actor=request.user,
            update=update,
            version=data["version"],
            actions=data.get("actions") or [],
            remove_links=data.get("remove_links") or [],
            link_title=data["link_title"],
            link_url=data["link_url"],
            request=request,
        ),
    )
    if saved is not None:
        messages.success(request, "The update's evidence has been saved")
        if "add_another" in request.POST:
            return redirect("impact:update-evidence", update.pk)
        return redirect("impact:update-edit", update.cycle_id, update.group_id)
    return render(
        request,
        "impact/update_evidence.html",
        {"update": update, "form": form, "links": list(update.evidence_links.order_by("kind", "title"))},
    )


def _check_page(request: HttpRequest, update: ImpactUpdate, refused: Sequence[str] = ()) -> HttpResponse:
    """Check answers: each section with its answer, and after a refused submission, what to do beside each section
    still to answer (from the submit guard) and any other reason at the top."""
    context = impact_update_context(update)
    missing = {section.pk for section in guards.missing_required_sections(update)} if refused else set()
    for row in context["sections"]:
        row["error"] = guards.missing_section_message(row["section"]) if row["section"].pk in missing else ""
    beside = [(f"section-{row['section'].pk}", row["error"]) for row in context["sections"] if row["error"]]
    # Any other reason (someone else changed the update meanwhile) leads to the submit button.
    others = [("submit", error) for error in refused if error not in {message for _, message in beside}]
    return render(request, "impact/update_check.html", {**context, "error_list": others + beside})


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
    refused = refusal(
        lambda: services.impact_update_submit(
            actor=request.user, update=update, version=request.POST.get("version"), request=request
        )
    )
    if not refused:
        messages.success(request, "Your impact update has been submitted to the Business Group")
        return redirect("impact:update-detail", update.pk)
    # Submitted already (by someone else, a moment ago): there is nothing left to check.
    update.refresh_from_db()
    if (response := _unless_editable(request, update)) is not None:
        return response
    return _check_page(request, update, refused)


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
            "crumbs": crumbs(
                _updates_crumb(),
                (f"{update.group.name}'s updates", reverse("impact:group-updates", args=[update.group_id])),
            ),
            "comment_form": comment_form or CommentForm(),
            # A refused review button: its reasons, each leading to the review buttons.
            "page_errors": [("review", error) for error in page_errors],
            "can_edit": not guards.update_edit_blocked(update) and user.has_perm("impact.change_update", update),
            "edit_label": (
                "Revise the update" if update.status == st.CHANGES_REQUESTED else "Continue writing the update"
            ),
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
    form = CommentForm(posted(request))
    comment = submit(
        form,
        lambda data: services.impact_update_comment(
            actor=request.user, update=update, text=data["text"], request=request
        ),
    )
    if comment is not None:
        messages.success(request, "Your comment has been added")
        return redirect(reverse("impact:update-detail", args=[update.pk]) + "#comments")
    return _detail_page(request, update, comment_form=form)


@login_required
@require_POST
def update_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update_for(request, "impact.acknowledge_update", pk)
    refused = refusal(lambda: services.impact_update_acknowledge(actor=request.user, update=update, request=request))
    if refused:
        return _detail_page(request, update, page_errors=refused)
    messages.success(request, f"You have acknowledged {update.group}'s impact update")
    return redirect("impact:update-detail", update.pk)


def _question_page(request: HttpRequest, form: forms.Form, *, title: str, caption: str, back: tuple, **context):
    """A page that asks one question, whose label is the page's heading, with a back link to the record."""
    return form_page(
        request, form, title=title, caption=caption, crumbs=[back], template="impact/question.html", **context
    )


@login_required
def update_request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update_for(request, "impact.request_update_changes", pk)
    blocked = guards.update_request_changes_blocked(update)
    if (response := _redirect_when_blocked(request, blocked, "impact:update-detail", update.pk)) is not None:
        return response
    form = RequestChangesForm(posted(request))
    sent = submit(
        form,
        lambda data: services.impact_update_request_changes(
            actor=request.user, update=update, text=data["text"], request=request
        ),
    )
    if sent is not None:
        messages.success(request, f"You have asked {update.group} to change its update; its chair has been told")
        return redirect("impact:update-detail", update.pk)
    return _question_page(
        request,
        form,
        title="What should the group change?",
        caption=f"{update.group}: {update.cycle}",
        back=_update_crumb(update),
        submit_label="Ask for changes",
    )


@login_required
def update_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update_for(request, "impact.view_update", pk)
    context = impact_update_context(update)
    try:
        pdf = render_pdf("impact/update_pdf.html", context, request=request)
    except PdfError as error:
        messages.error(request, str(error))
        return redirect("impact:update-detail", update.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"impact-update-{update.group.pk}-{update.cycle.due_date:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def group_updates(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_for_user(request.user, "cscp.view_group", Group, pk=pk)
    cycles = ReportingCycle.objects.filter(groups=group).select_related("board_meeting").order_by("-due_date", "-pk")
    return render(
        request,
        "impact/group_updates.html",
        {
            "crumbs": crumbs((group.name, reverse("cscp:group-detail", args=[group.pk]))),
            "group": group,
            "dues": due_updates_for_cycles(cycles, group_ids=[group.pk]),
            "can_write": request.user.has_perm("impact.write_group_update", group),
        },
    )


# Escalations.


@login_required
def escalation_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "impact.use_pages")
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
    return render(
        request,
        "impact/escalation_list.html",
        {
            "crumbs": crumbs(),
            "page": paginate(request, escalations, PAGE_SIZE),
            "filter_form": filters,
            "filtered": filtered,
            "can_raise": user.has_perm("impact.raise_escalation"),
        },
    )


@login_required
def escalation_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "impact.raise_escalation")
    if is_partnership_admin(request.user):
        groups = Group.objects.filter(is_active=True)
    else:
        groups = Group.objects.filter(pk__in=chaired_group_ids(request.user), is_active=True)
    form = EscalationForm(posted(request), groups=groups)
    escalation = submit(form, lambda data: services.escalation_raise(actor=request.user, request=request, **data))
    if escalation is not None:
        messages.success(request, "Your escalation has been sent to the Board")
        return redirect("impact:escalation-detail", escalation.pk)
    return form_page(
        request,
        form,
        title="Escalate a concern to the Board",
        crumbs=crumbs(_escalations_crumb()),
        submit_label="Send to the Board",
    )


@login_required
def escalation_raise_from_update(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update_for(request, "impact.escalate_from_update", pk)
    initial = {
        "title": f"Escalation from {update.group}'s impact update",
        "concern": escalation_section_text(update),
    }
    # The update's group raises it, whatever is posted.
    form = EscalationForm(posted(request), initial=initial, groups=Group.objects.none(), fixed_group=update.group)
    escalation = submit(
        form,
        lambda data: services.escalation_raise(
            actor=request.user, group=update.group, impact_update=update, request=request, **data
        ),
    )
    if escalation is not None:
        messages.success(request, "Your escalation has been sent to the Board")
        return redirect("impact:escalation-detail", escalation.pk)
    return form_page(
        request,
        form,
        title="Escalate a concern to the Board",
        caption=f"From {update.group}'s impact update: {update.cycle}",
        crumbs=crumbs(_updates_crumb(), _update_crumb(update)),
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
    "referred_to",
    "outcome_recorded_by",
)


def _escalation_for(request: HttpRequest, perm: str, pk: int, **kwargs) -> Escalation:
    return get_object_for_user(request.user, perm, ESCALATION_QUERYSET, pk=pk, **kwargs)


@login_required
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = _escalation_for(request, "impact.view_escalation", pk)
    may_decide = request.user.has_perm("impact.decide_escalation", escalation)
    may_record_outcome = request.user.has_perm("impact.record_escalation_outcome", escalation)
    decide_blocked = guards.escalation_decide_blocked(escalation)
    awaiting = escalation.status == Escalation.Status.AWAITING_DECISION
    return render(
        request,
        "impact/escalation_detail.html",
        {
            "crumbs": crumbs(_escalations_crumb()),
            "escalation": escalation,
            "themes": list(escalation.themes.order_by("name")),
            "actions": list(escalation.actions.order_by("reference")),
            "can_decide": may_decide and not decide_blocked,
            # Why the Board's chair cannot minute the decision yet (before the meeting), for them only.
            "decide_blocked": decide_blocked if may_decide and awaiting else "",
            "decision_meeting": guards.decision_meeting(escalation) if awaiting else escalation.board_meeting,
            "minutes": list(escalation_decisions(escalation)),
            "can_record_outcome": may_record_outcome and not guards.escalation_outcome_blocked(escalation),
            "can_raise_action": not guards.escalation_action_blocked(escalation)
            and request.user.has_perm("impact.raise_action_from_escalation", escalation),
        },
    )


def _decision_intro(escalation: Escalation) -> str:
    meeting = guards.decision_meeting(escalation)
    when = f"The Board meeting of {date_format(meeting.date, 'j F Y')}" if meeting else "The Board"
    return f"{when} was asked by {escalation.raised_by_group}: {escalation.ask}"


def _escalation_step(
    request: HttpRequest,
    pk: int,
    *,
    perm: str,
    blocked_by: Callable[[Escalation], str],
    form_class: type[forms.Form],
    record: Callable[[Escalation, dict], object],
    done: str,
    title: str,
    submit_label: str,
    template: str = "",
):
    """A step on an escalation (the Board's decision, then its outcome): one form, while its guard allows."""
    escalation = _escalation_for(request, perm, pk)
    blocked = blocked_by(escalation)
    if (response := _redirect_when_blocked(request, blocked, "impact:escalation-detail", escalation.pk)) is not None:
        return response
    form = form_class(posted(request))
    if submit(form, lambda data: record(escalation, data)) is not None:
        messages.success(request, done)
        return redirect("impact:escalation-detail", escalation.pk)
    if template:
        return form_page(
            request,
            form,
            title=title,
            caption=escalation.title,
            crumbs=crumbs(_escalations_crumb(), _escalation_crumb(escalation)),
            submit_label=submit_label,
            template=template,
            intro=_decision_intro(escalation),
        )
    return _question_page(
        request,
        form,
        title=title,
        caption=escalation.title,
        back=_escalation_crumb(escalation),
        submit_label=submit_label,
        escalation=escalation,
    )


@login_required
def escalation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _escalation_step(
        request,
        pk,
        perm="impact.decide_escalation",
        blocked_by=guards.escalation_decide_blocked,
        form_class=DecisionForm,
        record=lambda escalation, data: services.escalation_decide(
            actor=request.user,
            escalation=escalation,
            kind=data["kind"],
            rationale=data["rationale"],
            deferred_to=data.get("deferred_to"),
            referred_to=data.get("referred_to"),
            request=request,
        ),
        done="The Board's decision has been minuted and the group's chairs told",
        title="Record the Board's decision",
        submit_label="Record the decision",
        template="includes/form_page.html",
    )


@login_required
def escalation_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    return _escalation_step(
        request,
        pk,
        perm="impact.record_escalation_outcome",
        blocked_by=guards.escalation_outcome_blocked,
        form_class=OutcomeForm,
        record=lambda escalation, data: services.escalation_record_outcome(
            actor=request.user, escalation=escalation, outcome=data["outcome"], request=request
        ),
        done="The outcome has been recorded and the escalation closed",
        title="What was the outcome?",
        submit_label="Record the outcome",
    )


@login_required
def escalation_action_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Raise an action from an escalation: the tracker's own form, filled in from the escalation."""
    escalation = _escalation_for(request, "impact.raise_action_from_escalation", pk, view_perm="impact.view_escalation")
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
        crumbs=crumbs(_escalations_crumb(), _escalation_crumb(escalation)),
        intro=f"This action is raised from the escalation “{escalation.title}”, from {escalation.raised_by_group}.",
    )
