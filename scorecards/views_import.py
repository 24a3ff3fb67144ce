"""Import pages: upload a file, watch its progress, check the preview, confirm, and read the result.

Admins and data officers import DfE files and local values; responsible officers import their own indicators'
values. A person sees the imports they started; admins see everyone's.
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from cscp.pages import get_object_for_user, posted, posted_files, refusal, require, submit
from cscp.permissions import is_partnership_admin
from scorecards.forms_import import HINTS, ImportForm
from scorecards.imports import runs
from scorecards.imports.outcome import PROBLEM_COLUMNS, problem_kind, safe_cell
from scorecards.models import ImportRun
from scorecards.views import scorecard_crumbs

PREVIEW_PAGE = 100
RECENT = 20
# Problems listed on the result page; the counts of each kind and the CSV download cover every one.
PROBLEMS_SHOWN = 100


def _run_for(request: HttpRequest, pk: int) -> ImportRun:
    # Another person's import is not this person's business: 404, not 403.
    queryset = ImportRun.objects.select_related("created_by")
    return get_object_for_user(
        request.user, "scorecards.view_import", queryset, view_perm="scorecards.view_import", pk=pk
    )


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    require(request.user, "scorecards.import")
    form = ImportForm(posted(request), posted_files(request), user=request.user)
    run = submit(
        form,
        lambda data: runs.import_run_create(
            actor=request.user, kind=data["kind"], file=data["file"], extra_file=data.get("extra_file")
        ),
    )
    if run is not None:
        return redirect("scorecards:import-detail", pk=run.pk)
    recent = ImportRun.objects.select_related("created_by").order_by("-created_at", "-pk")
    if not is_partnership_admin(request.user):
        recent = recent.filter(created_by=request.user)
    recent = list(recent[:RECENT])
    for item in recent:
        item.stuck = runs.stopped(item)
    return render(
        request,
        "scorecards/import/start.html",
        {"form": form, "recent": recent, "hints": HINTS, "crumbs": scorecard_crumbs()},
    )


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    preview_page = None
    if run.status == ImportRun.Status.PREVIEW or (run.kind == ImportRun.Kind.LOCAL_VALUES and run.preview):
        preview_page = Paginator(run.preview, PREVIEW_PAGE).get_page(request.GET.get("page"))
    skipped = sorted((run.skipped_reasons or {}).items(), key=lambda item: (-item[1], item[0]))
    options = run.options or {}
    problems = run.problems or []
    problem_total = options.get("problem_total") or len(problems)
    stuck = run.stuck = runs.stopped(run)
    return render(
        request,
        "scorecards/import/progress.html" if run.is_running and not stuck else "scorecards/import/result.html",
        {
            "run": run,
            "stuck": stuck,
            "can_restart": bool(stuck) and request.user.has_perm(runs.KIND_PERMISSIONS[run.kind]),
            "problems_shown": problems[:PROBLEMS_SHOWN],
            "problem_total": problem_total,
            "problems_not_shown": problem_total - min(len(problems), PROBLEMS_SHOWN),
            "problem_kinds": _kinds(options.get("problem_kinds") or [], problems[:PROBLEMS_SHOWN]),
            "preview_page": preview_page,
            "skipped": skipped,
            "notes": (run.options or {}).get("notes", []),
            "can_confirm": run.status == ImportRun.Status.PREVIEW and not run.problems,
            "auto_refresh": request.GET.get("refresh") != "off",
            "crumbs": scorecard_crumbs(("Import figures", reverse("scorecards:import-start"))),
        },
    )


def _button(request: HttpRequest, call, done: str) -> bool:
    """Run a button's service: its refusal, or `done`, is the message on the next page. True when it went through."""
    refused = refusal(call)
    for message in refused:
        messages.error(request, message)
    if not refused:
        messages.success(request, done)
    return not refused


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    _button(
        request, lambda: runs.import_run_confirm(actor=request.user, run=run), f"Saving the values from {run.file_name}"
    )
    return redirect("scorecards:import-detail", pk=run.pk)


def _kinds(kinds: list[dict], shown: list[dict]) -> list[dict]:
    """Each kind of problem with its count, and how many of that kind the page does not list."""
    listed: dict[str, int] = {}
    for problem in shown:
        kind = problem_kind(problem.get("message", ""))
        listed[kind] = listed.get(kind, 0) + 1
    return [{**kind, "more": kind["count"] - listed.get(kind["kind"], 0)} for kind in kinds]


@login_required
def import_problems(request: HttpRequest, pk: int) -> HttpResponse:
    """Every problem the import found, as a CSV file: the page lists the first of them."""
    run = _run_for(request, pk)
    name = f"problems-{run.pk}-{run.file_name.rsplit('.', 1)[0][:100]}.csv"
    stored = (run.options or {}).get("problems_file")
    if stored and default_storage.exists(stored):
        response = FileResponse(default_storage.open(stored, "rb"), content_type="text/csv; charset=utf-8")
    else:
        # A run from before every problem was written to a file: the problems it stored.
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(PROBLEM_COLUMNS)
        for problem in run.problems or []:
            writer.writerow(
                [problem.get("row") or "", safe_cell(problem.get("column")), safe_cell(problem.get("message"))]
            )
        response = HttpResponse(("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_ascii(name)}"'
    return response


def _ascii(name: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "-" for ch in name)


@login_required
@require_POST
def import_restart(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    _button(request, lambda: runs.import_run_restart(actor=request.user, run=run), f"Importing {run.file_name} again")
    return redirect("scorecards:import-detail", pk=run.pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    if _button(
        request, lambda: runs.import_run_cancel(actor=request.user, run=run), f"Nothing from {run.file_name} was saved"
    ):
        return redirect(reverse("scorecards:import-start"))
    return redirect("scorecards:import-detail", pk=run.pk)


urlpatterns = [
    path("import/", import_start, name="import-start"),
    path("import/<int:pk>/", import_detail, name="import-detail"),
    path("import/<int:pk>/confirm/", import_confirm, name="import-confirm"),
    path("import/<int:pk>/cancel/", import_cancel, name="import-cancel"),
    path("import/<int:pk>/problems.csv", import_problems, name="import-problems"),
    path("import/<int:pk>/restart/", import_restart, name="import-restart"),
]
