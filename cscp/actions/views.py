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
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cscp.actions import exports, guards, selectors, services
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
from cscp.models import Agency, AuditEvent, Group
from cscp.pages import crumbs, form_page, get_object_for_user, paginate, posted, posted_files, require, submit
from cscp.permissions import is_partnership_admin

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


def _action_queryset() -> QuerySet[Action]:
    return Action.objects.select_related(
        "owner_group",
        "owner_agency",
        "owner_person",
        "raised_by",
        "completed_by",
        "signed_off_by",
        "impact_tested_by",
        "priority",
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


def _tracker_crumbs(action: Action | None = None) -> list[tuple[str, str]]:
    """Home, the tracker and (on a step's page) the action: the breadcrumbs above the tracker's own pages."""
    items = [("Actions", reverse("actions:list"))]
    if action is not None:
        items.append((action.reference, reverse("actions:detail", args=[action.pk])))
    return crumbs(*items)


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


def _query(request: HttpRequest, **changes) -> str:
    """This list's query string with `changes` and without its page number: for a link that keeps the filters (a
    new sort starts again at page 1). The pagination component keeps them itself."""
    params = request.GET.copy()
    params.pop("page", None)
    for name, value in changes.items():
        params[name] = value
    return params.urlencode()


def _sort_links(request: HttpRequest, sort: str) -> dict[str, dict]:
    """For each sortable column: the link that sorts by it (the other way if it is already the sort)."""
    links = {}
    for column in ("due", "status"):
        current = sort.lstrip("-") == column
        descending = sort.startswith("-")
        links[column] = {
            "url": "?" + _query(request, sort=f"-{column}" if current and not descending else column),
            "aria_sort": ("descending" if descending else "ascending") if current else "none",
            "next": "descending" if current and not descending else "ascending",
        }
    return links


def _raise_url(query: dict | None) -> str:
    """The "Raise an action" page, with what this list fills in (such as its group)."""
    url = reverse("actions:create")
    return f"{url}?{urlencode(query)}" if query else url


def _list_page(
    request: HttpRequest,
    actions: QuerySet[Action],
    *,
    title: str,
    hide: tuple[str, ...] = (),
    caption: str = "",
    trail: list[tuple[str, str]] | None = None,
    new_action_query: dict | None = None,
    export_query: dict | None = None,
    empty: str = "There are no actions to show you.",
    intro: str = "",
    can_raise: bool | None = None,
    exportable: bool = True,
) -> HttpResponse:
    filters, ordered, sort, today = _filtered(request, actions, hide=hide)
    page = paginate(request, ordered, PAGE_SIZE)
    page.object_list = _with_status_tags(page.object_list, today)
    return render(
        request,
        "actions/action_list.html",
        {
            "title": title,
            "caption": caption,
            "intro": intro,
            "crumbs": trail or crumbs(),
            "filter": filters,
            "page": page,
            "sort": sort,
            "sort_links": _sort_links(request, sort),
            "filter_keep": {"sort": sort} if sort != DEFAULT_SORT else {},
            "filtered": filters.active,
            "export_query": _query(request, **(export_query or {})) if exportable else None,
            "raise_url": _raise_url(new_action_query)
            if (request.user.has_perm("actions.raise_action") if can_raise is None else can_raise)
            else "",
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
        trail=_tracker_crumbs() if selectors.may_see_some_actions(request.user) else None,
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
        trail=crumbs(("Groups", reverse("cscp:group-list")), (group.name, group.get_absolute_url())),
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
        trail=crumbs(("Agencies", reverse("cscp:agency-list")), (agency.name, agency.get_absolute_url())),
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
    happened, versions = _history(action)
    return render(
        request,
        "actions/action_detail.html",
        {
            "action": action,
            "crumbs": _tracker_crumbs(),
            "status_tag": st.tag(st.derived_status(action, timezone.localdate())),
            "notes": action.notes.select_related("author"),
            "themes": list(action.themes.order_by("name")),
            "happened": happened,
            "versions": versions,
            "closed_reason": _last_reason(happened, "actions.action.closed")
            if action.stage == Action.Stage.CLOSED
            else "",
            "evidence_name": os.path.basename(action.evidence_file.name) if action.evidence_file else "",
            # The buttons: each step this person may take now, by the same guard its service applies.
            "offered": guards.offered(request.user, action),
            # The owners' own lists are linked only for those those lists open to.
            "may_see_owner_group": bool(action.owner_group)
            and request.user.has_perm("cscp.view_group", action.owner_group),
            "may_see_owner_agency": bool(action.owner_agency)
            and request.user.has_perm("cscp.view_agency", action.owner_agency),
            # Who did each step, for the partnership team checking that two people did them.
            "show_steps_by": is_partnership_admin(request.user),
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
    return form_page(request, form, title="Raise an action", crumbs=crumbs, intro=intro)


@login_required
def action_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "actions.raise_action")
    return raise_action_page(
        request,
        initial=_prefill(request, request.user) if request.method == "GET" else {},
        raise_action=lambda values: services.action_create(actor=request.user, request=request, **values),
        crumbs=_tracker_crumbs(),
    )


def _step_page(
    request: HttpRequest,
    action: Action,
    form,
    *,
    run: Callable[[dict], object],
    done: str,
    title: str,
    blocked: str,
    template: str = "actions/action_step.html",
) -> HttpResponse:
    """A step of the action's life: its form, under the warning its guard gives when the step cannot be taken now;
    when sent, the step's service (which applies the same guard), then back to the action with a message."""
    if submit(form, run) is not None:
        messages.success(request, done)
        return redirect("actions:detail", pk=action.pk)
    return form_page(
        request,
        form,
        title=title,
        crumbs=_tracker_crumbs(action),
        caption=f"Action {action.reference}",
        template=template,
        action=action,
        warning=blocked,
    )


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _fetch(request, pk, "actions.change_action")
    form = ActionForm(posted(request), initial=ActionForm.initial_for(action), user=request.user, action=action)
    return _step_page(
        request,
        action,
        form,
        run=lambda _data: services.action_update(
            actor=request.user, action=action, values=form.values(), request=request
        ),
        done=f"Action {action.reference} saved",
        title="Change the action",
        blocked=guards.change_blocked(action),
        template="includes/form_page.html",
    )


@login_required
def action_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = _fetch(request, pk, "actions.change_action")
    form = NoteForm(posted(request), action=action)
    return _step_page(
        request,
        action,
        form,
        run=lambda data: services.action_note_add(
            actor=request.user,
            action=action,
            text=data["text"],
            progress=data.get("progress", ""),
            noted_on=data["noted_on"],
            request=request,
        ),
        done="Progress note added",
        title="Add a progress note",
        blocked=guards.note_blocked(action),
    )


@login_required
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    action = _fetch(request, pk, "actions.change_action")
    form = CompleteForm(posted(request), posted_files(request), action=action)
    return _step_page(
        request,
        action,
        form,
        run=lambda data: services.action_complete(
            actor=request.user,
            action=action,
            completed_on=data["completed_on"],
            evidence=data["evidence"],
            evidence_file=data.get("evidence_file"),
            request=request,
        ),
        done=f"Action {action.reference} marked as complete",
        title="Mark the action as complete",
        blocked=guards.complete_blocked(action),
    )


@login_required
def action_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    action = _fetch(request, pk, "actions.sign_off_action")
    return _step_page(
        request,
        action,
        ConfirmForm(posted(request)),
        run=lambda _data: services.action_sign_off(actor=request.user, action=action, request=request),
        done=f"Action {action.reference} signed off",
        title="Sign off this action?",
        blocked=guards.sign_off_blocked(action, by=request.user),
        template="actions/action_sign_off.html",
    )


@login_required
def action_impact(request: HttpRequest, pk: int) -> HttpResponse:
    action = _fetch(request, pk, "actions.test_action_impact")
    return _step_page(
        request,
        action,
        ImpactForm(posted(request)),
        run=lambda data: services.action_record_impact(
            actor=request.user,
            action=action,
            made_difference=data["made_difference"],
            finding=data["finding"],
            request=request,
        ),
        done=f"The impact of action {action.reference} was recorded",
        title="Record the action's impact",
        blocked=guards.impact_blocked(action, by=request.user),
    )


def _reason_page(
    request: HttpRequest,
    pk: int,
    *,
    title: str,
    question: str,
    hint: str,
    required_message: str,
    service: Callable[..., Action],
    guard: Callable[[Action], str],
    done: str,
) -> HttpResponse:
    """Closing or reopening: why, then the service (whose button says what the page's title does)."""
    action = _fetch(request, pk, "actions.close_action")
    form = ReasonForm(posted(request), label=question, hint=hint, required_message=required_message, submit_label=title)
    return _step_page(
        request,
        action,
        form,
        run=lambda data: service(actor=request.user, action=action, reason=data["reason"], request=request),
        done=done.format(reference=action.reference),
        title=title,
        blocked=guard(action),
    )


@login_required
def action_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_page(
        request,
        pk,
        title="Close the action",
        question="Why is the action being closed?",
        hint="For example, its impact has been tested, or it was replaced by action A-0123",
        required_message="Enter why the action is being closed",
        service=services.action_close,
        guard=guards.close_blocked,
        done="Action {reference} closed",
    )


@login_required
def action_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_page(
        request,
        pk,
        title="Reopen the action",
        question="Why is the action being reopened?",
        hint="Its sign-off and impact test will be cleared; its evidence and history are kept",
        required_message="Enter why the action is being reopened",
        service=services.action_reopen,
        guard=guards.reopen_blocked,
        done="Action {reference} reopened",
    )
