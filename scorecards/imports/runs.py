"""An import as the pages see it: an `ImportRun` created from an upload, run (inline when small, else by Celery
after commit), previewed, confirmed, and its outcome kept for the result page.

Local values are previewed first (status "preview") and saved only when confirmed; DfE files are saved directly
(they are idempotent, and their result page reports what changed).
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from cscp import spreadsheets
from cscp.audit import record_event
from scorecards.imports import comparators, local
from scorecards.imports.outcome import Outcome
from scorecards.models import ImportRun

logger = logging.getLogger(__name__)

K = ImportRun.Kind
S = ImportRun.Status
# Uploads whose content is at most this big are checked in the request; bigger ones in the background with a
# progress page. A workbook is measured as it opens (its inflated size), so a small file holding hundreds of
# thousands of rows goes to the worker too. Either way the reading stops at cscp.spreadsheets' limits.
INLINE_BYTES = 150_000
MAX_BYTES = spreadsheets.DEFAULT_LIMITS["SPREADSHEET_MAX_BYTES"]
# A queued import that has not started after this long (the broker lost it, no worker is running), or a running
# one that has not finished (its worker was killed), is shown as stopped, with a button to run it again.
START_WITHIN = datetime.timedelta(minutes=10)
FINISH_WITHIN = datetime.timedelta(minutes=30)
# The worker's task, known here by name: the tasks module calls this one, never the other way round.
RUN_IMPORT_TASK = "scorecards.tasks.run_import"

KIND_PERMISSIONS = {
    K.LOCAL_VALUES: "scorecards.import_values",
    K.DFE_EES: "scorecards.import_dfe",
    K.DFE_SN_2021: "scorecards.import_dfe",
    K.DFE_SN_2025: "scorecards.import_dfe",
    K.DFE_LAIT: "scorecards.import_dfe",
    K.ONS_POPULATION: "scorecards.import_dfe",
}


def kinds_for(user) -> list[tuple[str, str]]:
    """The kinds of file a person may import, as choices."""
    return [(kind.value, kind.label) for kind in K if user.has_perm(KIND_PERMISSIONS[kind])]


def _inline_limit() -> int:
    return getattr(settings, "SCORECARDS_IMPORT_INLINE_BYTES", INLINE_BYTES)


def _max_bytes() -> int:
    return getattr(settings, "SPREADSHEET_MAX_BYTES", MAX_BYTES)


def content_size(data: bytes) -> int:
    """How much there is to read: a CSV file's bytes, a workbook's inflated size (as its ZIP directory states)."""
    return spreadsheets.inflated_size(data)


def _schedule(run: ImportRun, size: int) -> None:
    if size <= _inline_limit():
        transaction.on_commit(lambda: run_import_now(run.pk))
    else:
        transaction.on_commit(lambda: _queue(run.pk))


def _queue(run_id: int) -> None:
    """Hand a large import to the worker; when the broker cannot be reached, do it now rather than leave it queued."""
    try:
        task = current_app.tasks.get(RUN_IMPORT_TASK)  # registered by the app's ready(); by name without it
        if task is not None:
            task.delay(run_id)
        else:
            current_app.send_task(RUN_IMPORT_TASK, args=[run_id])
    except Exception:  # noqa: BLE001 - any broker failure: the person is still waiting for their import
        logger.warning("Broker unavailable: importing %s in the request instead", run_id, exc_info=True)
        run_import_now(run_id)


def _queued_at(run: ImportRun) -> datetime.datetime:
    stamp = (run.options or {}).get("queued_at")
    if stamp:
        try:
            return datetime.datetime.fromisoformat(stamp)
        except ValueError:
            pass
    return run.created_at


def stopped(run: ImportRun, now: datetime.datetime | None = None) -> str:
    """Why a run that should be moving is not ("did not start", "stopped"), or "" when it is fine."""
    now = now or timezone.now()
    if run.status == S.QUEUED and now - _queued_at(run) > START_WITHIN:
        return "did not start"
    if run.status == S.RUNNING and run.started_at and now - run.started_at > FINISH_WITHIN:
        return "stopped"
    return ""


def import_run_create(*, actor, kind: str, file, extra_file=None) -> ImportRun:
    """Store the upload and start its check (local values) or import (DfE files). Raises ValidationError."""
    if kind not in K.values:
        raise ValidationError({"kind": ["Choose what kind of file this is"]})
    if not actor.has_perm(KIND_PERMISSIONS[kind]):
        raise PermissionDenied
    if file is None:
        raise ValidationError({"file": ["Choose a file to upload"]})
    data = file.read()
    if not data:
        raise ValidationError({"file": ["The file is empty: choose the file with the figures"]})
    if len(data) > _max_bytes():
        raise ValidationError({"file": [f"The file must be smaller than {_max_bytes() // (1024 * 1024)} MB"]})
    extra = extra_file.read() if extra_file is not None else b""
    if kind == K.DFE_LAIT and not extra:
        raise ValidationError({"extra_file": ["Choose LAIT's data dictionary: it gives each measure's polarity"]})
    name = (getattr(file, "name", "") or "upload").rsplit("/", 1)[-1][:255]
    with transaction.atomic():
        run = ImportRun(
            kind=kind,
            file_name=name,
            file_sha256=hashlib.sha256(data).hexdigest(),
            status=S.QUEUED,
            apply=kind != K.LOCAL_VALUES,
            created_by=actor,
            options={"queued_at": timezone.now().isoformat()},
        )
        run.file.save(name, ContentFile(data), save=False)
        if extra:
            run.extra_file.save(
                (getattr(extra_file, "name", "") or "dictionary.csv")[:200], ContentFile(extra), save=False
            )
        run.save()
        record_event("scorecards.import_run.created", actor=actor, obj=run, data={"kind": kind, "file": name})
        _schedule(run, content_size(data) + len(extra))
    return run


def import_run_confirm(*, actor, run: ImportRun) -> ImportRun:
    """Save a previewed file's values (in the background when it is large)."""
    if not (actor.has_perm("scorecards.view_import", run) and actor.has_perm(KIND_PERMISSIONS[run.kind])):
        raise PermissionDenied
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != S.PREVIEW:
            raise ValidationError({None: ["This import has already been confirmed or cancelled"]})
        if run.problems:
            raise ValidationError({None: ["The file has errors: correct them and upload it again"]})
        run.apply = True
        run.status = S.QUEUED
        run.rows_done = 0
        run.options = {**(run.options or {}), "queued_at": timezone.now().isoformat()}
        run.save(update_fields=["apply", "status", "rows_done", "options"])
        record_event("scorecards.import_run.confirmed", actor=actor, obj=run)
        _schedule(run, _stored_size(run))
    return run


def _stored_size(run: ImportRun) -> int:
    if not run.file:
        return 0
    try:
        return content_size(_read(run.file))
    except OSError:
        return 0


def import_run_restart(*, actor, run: ImportRun) -> ImportRun:
    """Run again an import that did not start (its task was lost) or stopped (its worker was killed)."""
    if not (actor.has_perm("scorecards.view_import", run) and actor.has_perm(KIND_PERMISSIONS[run.kind])):
        raise PermissionDenied
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        why = stopped(run)
        if not why:
            raise ValidationError({None: ["This import is not stuck: it has started, finished or been cancelled"]})
        run.status = S.QUEUED
        run.started_at = None
        run.rows_done = 0
        run.options = {**(run.options or {}), "queued_at": timezone.now().isoformat()}
        run.save(update_fields=["status", "started_at", "rows_done", "options"])
        record_event("scorecards.import_run.restarted", actor=actor, obj=run, data={"reason": why})
        _schedule(run, _stored_size(run))
    return run


def import_run_cancel(*, actor, run: ImportRun) -> ImportRun:
    if not actor.has_perm("scorecards.view_import", run):
        raise PermissionDenied
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != S.PREVIEW:
            raise ValidationError({None: ["Only an import waiting to be checked can be cancelled"]})
        run.status = S.CANCELLED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        record_event("scorecards.import_run.cancelled", actor=actor, obj=run)
    return run


def _progress(run_id: int):
    def report(done: int, total: int) -> None:
        ImportRun.objects.filter(pk=run_id).update(rows_done=done, rows_total=total)

    return report


def _read(field) -> bytes:
    field.open("rb")
    try:
        return field.read()
    finally:
        field.close()


def execute(run: ImportRun) -> Outcome:
    """Run the import a run describes, as its kind says."""
    actor = run.created_by
    progress = _progress(run.pk)
    data = _read(run.file)
    if run.kind == K.LOCAL_VALUES:
        if run.apply:
            return local.apply_values(data, actor=actor, run=run, progress=progress)
        return local.preview_values(data, actor=actor, progress=progress)
    options = {"file_name": run.file_name, "apply": run.apply, "run": run, "actor": actor, "progress": progress}
    if run.kind == K.DFE_EES:
        return comparators.import_ees(data, **options)
    if run.kind == K.ONS_POPULATION:
        return comparators.import_ons(data, **options)
    if run.kind in (K.DFE_SN_2021, K.DFE_SN_2025):
        return comparators.import_neighbours(data, year=2021 if run.kind == K.DFE_SN_2021 else 2025, **options)
    if run.kind == K.DFE_LAIT:
        extra = _read(run.extra_file) if run.extra_file else b""
        return comparators.import_lait(data, extra, **options)
    raise ValueError(f"Unknown import kind {run.kind!r}")


def run_import_now(run_id: int) -> ImportRun | None:
    """Claim a queued run and carry it out; a run already claimed (a task delivered twice) is left alone."""
    claimed = ImportRun.objects.filter(pk=run_id, status=S.QUEUED).update(status=S.RUNNING, started_at=timezone.now())
    if not claimed:
        return ImportRun.objects.filter(pk=run_id).first()
    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    try:
        outcome = execute(run)
    except Exception:
        logger.exception("Import %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(
            status=S.FAILED,
            error="The import stopped because of an error in the service. Nothing from the file was saved.",
            finished_at=timezone.now(),
        )
        return ImportRun.objects.get(pk=run_id)
    if outcome.problems:
        status = S.FAILED
    elif run.kind == K.LOCAL_VALUES and not run.apply:
        status = S.PREVIEW
    else:
        status = S.DONE
    options = {
        **run.options,
        "notes": outcome.notes,
        "problem_total": outcome.problem_total,
        "problem_kinds": outcome.problem_kinds_as_json(),
    }
    if outcome.problem_total:
        options["problems_file"] = default_storage.save(
            f"scorecards/imports/problems/run-{run_id}.csv", ContentFile(outcome.problems_csv())
        )
    ImportRun.objects.filter(pk=run_id).update(
        status=status,
        rows_read=outcome.rows_read,
        rows_total=max(outcome.rows_read, 1),
        rows_done=max(outcome.rows_read, 1),
        created=outcome.created,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        skipped=outcome.skipped,
        skipped_reasons=dict(outcome.skipped_reasons.most_common()),
        problems=outcome.problems_as_json(),
        preview=outcome.preview,
        options=options,
        finished_at=timezone.now() if status != S.PREVIEW else None,
    )
    run.refresh_from_db()
    if status == S.DONE:
        record_event(
            "scorecards.import_run.done",
            actor=run.created_by,
            obj=run,
            data={"created": outcome.created, "updated": outcome.updated, "skipped": outcome.skipped},
        )
    return run
