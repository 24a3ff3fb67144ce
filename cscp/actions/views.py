"""The one action tracker: the partnership's list of every action, a group's, an agency's and a person's own, an
action's page, raising and changing one, and each step of its life (progress notes, completion with evidence,
sign-off by the owning group, the impact test, closing and reopening).

Lists start from `actions_visible_to`, so nobody sees an action they may not. An action's own pages fetch it
with `get_object_for_user`: 404 where the person may not see it, 403 where they may see it but not do this to it.
Every change goes through a service in `cscp.actions.services`.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cscp.actions import exports, selectors, services
from cscp.actions import status as st
from cscp.actions.forms import (
    ActionFilter,
    ActionForm,
    CompleteForm,
    ConfirmForm,
    ImpactForm,
    NoteForm,
    ReasonForm,
)
from cscp.actions.models import Action
from cscp.forms.errors import add_service_errors
from cscp.models import Agency, AuditEvent, Group
from cscp.pages import get_object_for_user, posted, require, submit

PAGE_SIZE = 50

# ?sort= values: the tracker sorts by due date (soonest first) unless asked otherwise.
SORTS = {
    "due": ("due_date", "pk"),
    "-due": ("-due_date", "-pk"),
    "status": ("status_rank", "due_date", "pk"),
    "-status": ("-status_rank", "due_date", "pk"),
}
DEFAULT_SORT = "due"

EVENT_LABELS = {
    "actions.action.created": "Raised",
    "actions.action.updated": "Details changed",
    "actions.action.note_added": "Progress note added",
    "actions.action.completed": "Marked as complete",
    "actions.action.signed_off": "Signed off",
    "actions.action.impact_recorded": "Impact recorded",
    "actions.action.closed": "Closed",
    "actions.action.reopened": "Reopened",
}


def _posted(request: HttpRequest):
    """The form data of a POST (even an empty one, so a bare confirmation button counts), else None."""
    return request.POST if request.method == "POST" else None


def _action_queryset() -> QuerySet[Action]:
    return Action.objects.select_related(
        "owner_group", "owner_agency", "owner_person", "raised_by", "signed_off_by", "impact_tested_by", "priority"
    )


def _fetch(request: HttpRequest, pk: int, perm: str) -> Action:
    """The action, if the person may see it (else 404) and may do `perm` to it (else 403)."""
    return get_object_for_user(request.user, perm, _action_queryset(), view_perm="actions.view_action", pk=pk)


def _with_status_tags(actions, today: datetime.date) -> list[Action]:
    rows = list(actions)
    for action in rows:
        status = getattr(action, "status", None) or st.derived_status(action, today)
        action.status_tag = st.tag(status)
        action.days_overdue = (today - action.due_date).days if status == st.OVERDUE else 0
    return rows


def _breadcrumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Home", reverse("cscp:home")), *items]


def _tracker_crumb() -> tuple[str, str]:
    return ("Actions", reverse("actions:list"))


def _action_crumbs(action: Action) -> list[tuple[str, str]]:
    return _breadcrumbs(_tracker_crumb(), (action.reference, reverse("actions:detail", args=[action.pk])))


# Lists: the tracker, a group's, an agency's and a person's own.


def _filtered(request: HttpRequest, actions: QuerySet[Action], *, hide: tuple[str, ...] = ()):
    """The list's filters applied in SQL, and its order. Bad filter values are ignored and shown as errors."""
    today = timezone.localdate()
    queryset = selectors.with_status(selectors.with_owners(actions), today)
    filters = ActionFilter(request.GET or None, queryset=queryset, request=request, hide=hide)
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    return filters, filters.qs.order_by(*SORTS[sort]), sort, today


def _sort_links(request: HttpRequest, sort: str) -> dict[str, dict]:
    """For each sortable column: the link that sorts by it (the other way if it is already the sort)."""
    links = {}
    for column in ("due", "status"):
        params = request.GET.copy()
        params.pop("page", None)
        current = sort.lstrip("-") == column
        descending = sort.startswith("-")
        params["sort"] = f"-{column}" if current and not descending else column
        links[column] = {
            "url": "?" + params.urlencode(),
            "aria_sort": ("descending" if descending else "ascending") if current else "none",
            "next": "descending" if current and not descending else "ascending",
        }
    return links


def _list_page(
    request: HttpRequest,
    actions: QuerySet[Action],
    *,
    title: str,
    hide: tuple[str, ...] = (),
    caption: str = "",
    crumbs: list[tuple[str, str]] | None = None,
    new_action_query: dict | None = None,
    export_query: dict | None = None,
    empty: str = "There are no actions to show you.",
    intro: str = "",
    can_raise: bool | None = None,
    exportable: bool = True,
) -> HttpResponse:
    filters, ordered, sort, today = _filtered(request, actions, hide=hide)
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _with_status_tags(page.object_list, today)
    params = request.GET.copy()
    params.pop("page", None)
    export_params = request.GET.copy()
    export_params.pop("page", None)
    for name, value in (export_query or {}).items():
        export_params[name] = value
    return render(
        request,
        "actions/action_list.html",
        {
            "title": title,
            "caption": caption,
            "intro": intro,
            "crumbs": crumbs or _breadcrumbs(),
            "filter": filters,
            "page": page,
            "query": params.urlencode(),
            "sort": sort,
            "sort_links": _sort_links(request, sort),
            "filter_keep": {"sort": sort} if sort != DEFAULT_SORT else {},
            "filtered": filters.active,
            "export_query": export_params.urlencode() if exportable else None,
            "can_raise": request.user.has_perm("actions.raise_action") if can_raise is None else can_raise,
            "new_action_query": urlencode(new_action_query or {}),
            "empty": empty,
            "hidden_columns": hide,
        },
    )


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see_some_actions(request.user):
        raise PermissionDenied
    return _list_page(
        request,
        selectors.actions_visible_to(request.user),
        title="Actions",
        intro="Every recommendation and action in the partnership, whatever raised it, from raised to impact tested.",
    )


@login_required
def my_actions(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        selectors.actions_for_person(request.user),
        title="Your actions",
        intro="The actions you are named as the owner of.",
        crumbs=_breadcrumbs(_tracker_crumb()) if selectors.may_see_some_actions(request.user) else None,
        empty="You are not named as the owner of any action.",
        # The downloads are of the tracker, which may hold more than this person's own.
        exportable=False,
    )


@login_required
def group_actions(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_for_user(request.user, "cscp.view_group", Group, pk=pk)
    may_raise = request.user.has_perm("actions.raise_action_for_group", group)
    return _list_page(
        request,
        selectors.actions_for_group(group),
        title=f"{group.name}: actions",
        caption=group.name,
        hide=("owner_group",),
        crumbs=_breadcrumbs(("Groups", reverse("cscp:group-list")), (group.name, group.get_absolute_url())),
        new_action_query={"owner_group": group.pk},
        can_raise=may_raise,
        export_query={"owner_group": group.pk},
        empty=f"{group.name} does not own any actions.",
    )


@login_required
def agency_actions(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_for_user(request.user, "cscp.view_agency", Agency, pk=pk)
    return _list_page(
        request,
        selectors.actions_for_agency(agency),
        title=f"{agency.name}: actions",
        caption=agency.name,
        hide=("owner_agency",),
        crumbs=_breadcrumbs(("Agencies", reverse("cscp:agency-list")), (agency.name, agency.get_absolute_url())),
        export_query={"owner_agency": agency.pk},
        can_raise=False,
        empty=f"{agency.name} does not own any actions.",
    )


def _export(request: HttpRequest, kind: str) -> HttpResponse:
    if not selectors.may_see_some_actions(request.user):
        raise PermissionDenied
    _filters, ordered, _sort, today = _filtered(request, selectors.actions_visible_to(request.user))
    rows = exports.export_rows(ordered.select_related("priority"), today)
    stamp = today.isoformat()
    if kind == "csv":
        return exports.csv_response(rows, filename=f"actions-{stamp}.csv")
    return exports.xlsx_response(rows, filename=f"actions-{stamp}.xlsx")


@login_required
def action_export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@login_required
def action_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")


# One action.


def _history(action: Action) -> tuple[list[dict], list]:
    """What happened to the action (its audit events, with what changed) and every saved version of it."""
    events = AuditEvent.objects.filter(object_type=Action._meta.label_lower, object_id=str(action.pk)).select_related(
        "actor"
    )
    happened = []
    for event in events.order_by("-created_at", "-pk"):
        changes = (event.data or {}).get("changes") or {}
        happened.append(
            {
                "event": event,
                "label": EVENT_LABELS.get(event.action, event.action),
                "changes": [(name, before, after) for name, (before, after) in changes.items()],
                "reason": (event.data or {}).get("reason", ""),
            }
        )
    versions = list(action.history.select_related("history_user").order_by("-history_date", "-history_id"))
    # Which fields each version changed, by name; themes are left to the audit events (diffing them costs queries).
    for version in versions:
        version.changed_fields = None
    for newer, older in zip(versions, versions[1:], strict=False):
        delta = newer.diff_against(older, excluded_fields=["themes", "updated_at"])
        newer.changed_fields = [Action._meta.get_field(name).verbose_name for name in delta.changed_fields]
    return happened, versions


def _last_reason(happened: list[dict], code: str) -> str:
    for item in happened:
        if item["event"].action == code:
            return item["reason"]
    return ""


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = _fetch(request, pk, "actions.view_action")
    today = timezone.localdate()
    happened, versions = _history(action)
    user = request.user
    open_ = action.stage == Action.Stage.OPEN
    may_change = user.has_perm("actions.change_action", action)
    may_sign_off = user.has_perm("actions.sign_off_action", action)
    return render(
        request,
        "actions/action_detail.html",
        {
            "action": action,
            "crumbs": _breadcrumbs(_tracker_crumb()),
            "status_tag": st.tag(st.derived_status(action, today)),
            "notes": action.notes.select_related("author"),
            "themes": list(action.themes.order_by("name")),
            "happened": happened,
            "versions": versions,
            "closed_reason": _last_reason(happened, "actions.action.closed")
            if action.stage == Action.Stage.CLOSED
            else "",
            "evidence_name": os.path.basename(action.evidence_file.name) if action.evidence_file else "",
            "may_change": may_change and action.stage != Action.Stage.CLOSED,
            "may_add_note": may_change and action.stage in (Action.Stage.OPEN, Action.Stage.COMPLETED),
            "may_complete": may_change and open_,
            "may_sign_off": may_sign_off and action.stage == Action.Stage.COMPLETED and not action.signed_off_at,
            "may_record_impact": user.has_perm("actions.test_action_impact", action)
            and action.stage == Action.Stage.COMPLETED
            and action.signed_off_at is not None,
            "may_close": user.has_perm("actions.close_action", action) and action.stage != Action.Stage.CLOSED,
            "may_reopen": user.has_perm("actions.close_action", action) and not open_,
        },
    )


@login_required
def action_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence file, streamed from storage to someone who may see the action: never a public address."""
    action = _fetch(request, pk, "actions.view_action")
    if not action.evidence_file:
        raise Http404
    try:
        handle = action.evidence_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(action.evidence_file.name))


def _prefill(request: HttpRequest, form_user) -> dict:
    """What another page asked to fill in: `?source=&source_reference=&source_url=`, `?owner_group=`, `?title=`.
    Anything not valid for this person is left out."""
    initial: dict = {"raised_on": timezone.localdate(), "source": Action.Source.OTHER}
    probe = ActionForm(user=form_user)
    source = request.GET.get("source", "")
    if source in Action.Source.values:
        initial["source"] = source
    for name, limit in (("source_reference", 300), ("source_url", 500)):
        if request.GET.get(name):
            initial[name] = request.GET[name][:limit]
    group = request.GET.get("owner_group", "")
    if group.isdigit() and probe.fields["owner_group"].queryset.filter(pk=group).exists():
        initial["owner_group"] = int(group)
    if request.GET.get("title"):
        initial["title"] = request.GET["title"][:300]
    return initial


def raise_action_page(
    request: HttpRequest,
    *,
    initial: dict,
    raise_action: Callable[[dict], Action],
    crumbs: list[tuple[str, str]],
    intro: str = "",
) -> HttpResponse:
    """The "Raise an action" form, for the tracker and for any part of the product that raises actions from its
    own records (an escalation, a review's recommendation...): `raise_action(values)` is that part's service,
    which calls `cscp.actions.services.action_create` and links the action to its record in one transaction."""
    form = ActionForm(posted(request), initial=initial if request.method == "GET" else None, user=request.user)
    action = submit(form, lambda _data: raise_action(form.values()))
    if action is not None:
        messages.success(request, f"Action {action.reference} raised")
        return redirect("actions:detail", pk=action.pk)
    return render(
        request,
        "actions/action_form.html",
        {"form": form, "title": "Raise an action", "raised_from": intro, "crumbs": crumbs},
    )


@login_required
def action_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "actions.raise_action")
    return raise_action_page(
        request,
        initial=_prefill(request, request.user) if request.method == "GET" else {},
        raise_action=lambda values: services.action_create(actor=request.user, request=request, **values),
        crumbs=_breadcrumbs(_tracker_crumb()),
    )


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _fetch(request, pk, "actions.change_action")
    form = ActionForm(_posted(request), initial=ActionForm.initial_for(action), user=request.user, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(actor=request.user, action=action, values=form.values(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Action {action.reference} saved")
            return redirect("actions:detail", pk=action.pk)
    return render(
        request,
        "actions/action_form.html",
        {
            "form": form,
            "title": "Change the action",
            "action": action,
            "crumbs": _action_crumbs(action),
            "blocked": "This action is closed: reopen it before changing it."
            if action.stage == Action.Stage.CLOSED
            else "",
        },
    )


def _step_page(request: HttpRequest, action: Action, form, *, template: str, run, done: str, context: dict):
    """Validate, run the step's service, then back to the action with a message; or the form with its errors."""
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("actions:detail", pk=action.pk)
    return render(request, template, {"form": form, "action": action, "crumbs": _action_crumbs(action), **context})


@login_required
def action_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = _fetch(request, pk, "actions.change_action")
    form = NoteForm(_posted(request), action=action)
    return _step_page(
        request,
        action,
        form,
        template="actions/action_step.html",
        run=lambda data: services.action_note_add(
            actor=request.user,
            action=action,
            text=data["text"],
            progress=data.get("progress", ""),
            noted_on=data["noted_on"],
            request=request,
        ),
        done="Progress note added",
        context={"title": "Add a progress note"},
    )


@login_required
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    action = _fetch(request, pk, "actions.change_action")
    form = CompleteForm(_posted(request), request.FILES or None, action=action)
    return _step_page(
        request,
        action,
        form,
        template="actions/action_step.html",
        run=lambda data: services.action_complete(
            actor=request.user,
            action=action,
            completed_on=data["completed_on"],
            evidence=data["evidence"],
            evidence_file=data.get("evidence_file"),
            request=request,
        ),
        done=f"Action {action.reference} marked as complete",
        context={
            "title": "Mark the action as complete",
            "blocked": ""
            if action.stage == Action.Stage.OPEN
            else f"This action is already {action.get_stage_display().lower()}.",
        },
    )


@login_required
def action_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    action = _fetch(request, pk, "actions.sign_off_action")
    form = ConfirmForm(_posted(request))
    blocked = ""
    if not action.completion_evidence.strip():
        blocked = "There is no evidence that this action is complete. Add evidence of completion before signing off."
    elif action.signed_off_at:
        blocked = "This action has already been signed off."
    elif action.stage != Action.Stage.COMPLETED:
        now = st.label(st.derived_status(action, timezone.localdate())).lower()
        blocked = f"This action is {now}: mark it as complete before signing it off."
    return _step_page(
        request,
        action,
        form,
        template="actions/action_sign_off.html",
        run=lambda data: services.action_sign_off(actor=request.user, action=action, request=request),
        done=f"Action {action.reference} signed off",
        context={"title": "Sign off the action", "blocked": blocked},
    )


@login_required
def action_impact(request: HttpRequest, pk: int) -> HttpResponse:
    action = _fetch(request, pk, "actions.test_action_impact")
    form = ImpactForm(_posted(request))
    blocked = ""
    if action.stage == Action.Stage.IMPACT_TESTED:
        blocked = "The impact of this action has already been recorded."
    elif action.stage != Action.Stage.COMPLETED or action.signed_off_at is None:
        blocked = "This action has not been signed off. Sign it off before recording its impact."
    return _step_page(
        request,
        action,
        form,
        template="actions/action_step.html",
        run=lambda data: services.action_record_impact(
            actor=request.user,
            action=action,
            made_difference=data["made_difference"],
            finding=data["finding"],
            request=request,
        ),
        done=f"The impact of action {action.reference} was recorded",
        context={"title": "Record the action's impact", "blocked": blocked},
    )


@login_required
def action_close(request: HttpRequest, pk: int) -> HttpResponse:
    action = _fetch(request, pk, "actions.close_action")
    form = ReasonForm(
        _posted(request),
        label="Why is the action being closed?",
        hint="For example, its impact has been tested, or it was replaced by action A-0123",
        required_message="Enter why the action is being closed",
        submit_label="Close the action",
    )
    return _step_page(
        request,
        action,
        form,
        template="actions/action_step.html",
        run=lambda data: services.action_close(
            actor=request.user, action=action, reason=data["reason"], request=request
        ),
        done=f"Action {action.reference} closed",
        context={
            "title": "Close the action",
            "blocked": "This action is already closed." if action.stage == Action.Stage.CLOSED else "",
        },
    )


@login_required
def action_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    action = _fetch(request, pk, "actions.close_action")
    form = ReasonForm(
        _posted(request),
        label="Why is the action being reopened?",
        hint="Its sign-off and impact test will be cleared; its evidence and history are kept",
        required_message="Enter why the action is being reopened",
        submit_label="Reopen the action",
    )
    return _step_page(
        request,
        action,
        form,
        template="actions/action_step.html",
        run=lambda data: services.action_reopen(
            actor=request.user, action=action, reason=data["reason"], request=request
        ),
        done=f"Action {action.reference} reopened",
        context={
            "title": "Reopen the action",
            "blocked": "This action is already open." if action.stage == Action.Stage.OPEN else "",
        },
    )
