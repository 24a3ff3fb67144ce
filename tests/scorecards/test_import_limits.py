"""Imports of hostile files: limits stop the reading, problems are capped on the page and in the run, every one is
in the CSV download, and an import that never starts does not say "queued" for ever."""

from __future__ import annotations

import csv
import datetime
import io
import time
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from cscp.models import AuditEvent
from scorecards.imports import runs
from scorecards.imports.outcome import STORED_PROBLEMS
from scorecards.models import ImportRun, IndicatorValue
from tests.scorecards.test_models import make_indicator


@pytest.fixture
def indicator(partnership):
    return make_indicator("COUNT01", unit="count", polarity="none", responsible_officer=partnership["officer"])


def upload(client, name: str, content: bytes, kind: str = "local_values"):
    return client.post(reverse("scorecards:import-start"), {"kind": kind, "file": SimpleUploadedFile(name, content)})


def one_cell_at_the_end(sheet_xml: bytes | None = None) -> bytes:
    workbook = Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = sheet_xml or (
                    b'<?xml version="1.0" encoding="UTF-8"?>'
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1048576">'
                    b'<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'
                )
            archive.writestr(info.filename, content)
    return out.getvalue()


def test_a_workbook_stating_xfd1048576_is_refused_in_the_request_at_once(
    client_for, indicator, django_capture_on_commit_callbacks
):
    client = client_for("officer")
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "values.xlsx", one_cell_at_the_end())
    assert time.perf_counter() - started < 2
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    page = client.get(reverse("scorecards:import-detail", args=[run.pk])).content.decode()
    assert "The file has more than 200,000 rows; the most an import reads is 200,000" in page


def test_a_small_workbook_that_opens_large_goes_to_the_worker(
    client_for, indicator, django_capture_on_commit_callbacks
):
    row = b'<row><c t="inlineStr"><is><t>NOPE</t></is></c><c t="inlineStr"><is><t>2025-04</t></is></c>'
    row += b"<c><v>1</v></c></row>"
    content = one_cell_at_the_end(
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row><c t="inlineStr"><is><t>indicator</t></is></c><c t="inlineStr"><is><t>period</t></is></c>'
        b'<c t="inlineStr"><is><t>value</t></is></c></row>' + row * 30_000 + b"</sheetData></worksheet>"
    )
    assert len(content) < runs.INLINE_BYTES < runs.content_size(content)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(client_for("officer"), "values.xlsx", content)
    assert [callback.__qualname__ for callback in callbacks] == ["_schedule.<locals>.<lambda>"]
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.QUEUED
    callbacks[0]()  # the worker, run eagerly
    run.refresh_from_db()
    assert run.options["problem_total"] == 30_000 and len(run.problems) == STORED_PROBLEMS, run.problems


def test_200000_bad_rows_store_a_capped_list_a_small_page_and_a_download_of_every_one(
    client_for, indicator, django_capture_on_commit_callbacks
):
    client = client_for("officer")
    content = b"indicator,period,value\n" + b"NOPE,2025-04,1\n" * 199_991
    content += b"".join(b"COUNT01,2025-0%d,-1\n" % month for month in range(1, 10))
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "values.csv", content)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert len(run.problems) == STORED_PROBLEMS
    assert run.options["problem_total"] == 200_000
    kinds = {kind["kind"]: kind["count"] for kind in run.options["problem_kinds"]}
    assert kinds == {
        "No indicator has the code …: check the code": 199_991,
        "COUNT01 Indicator COUNT01: enter a count of N or more": 9,
    }
    assert len(run.preview) <= 5_000

    page = client.get(reverse("scorecards:import-detail", args=[run.pk]))
    text = page.content.decode()
    assert len(page.content) < 200_000
    assert "The file has 200000 problems" in text
    assert "and 199891 more of this kind, in the download" in text
    assert "COUNT01 Indicator COUNT01: enter a count of N or more" in text
    assert "and 199900 more problems not listed here." in text

    download = client.get(reverse("scorecards:import-problems", args=[run.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Row", "Column", "Problem"]
    assert len(rows) == 1 + 200_000
    assert rows[-1] == ["200001", "value", "COUNT01 Indicator COUNT01: enter a count of 0 or more"]
    assert not IndicatorValue.objects.exists()


def test_a_csv_file_over_the_row_limit_is_refused_with_the_limit(
    client_for, indicator, settings, django_capture_on_commit_callbacks
):
    settings.SPREADSHEET_MAX_ROWS = 1_000
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for("officer"), "values.csv", b"indicator,period,value\n" + b"COUNT01,2025-04,1\n" * 1_001)
    run = ImportRun.objects.get()
    assert [problem["message"] for problem in run.problems] == [
        "The file has more than 1,000 rows; the most an import reads is 1,000"
    ]


def test_the_download_of_someone_elses_import_is_not_found(client_for, indicator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for("officer"), "values.csv", b"indicator,period,value\nNOPE,2025-04,1\n")
    run = ImportRun.objects.get()
    assert client_for("chair").get(reverse("scorecards:import-problems", args=[run.pk])).status_code == 404
    text = client_for("admin").get(reverse("scorecards:import-problems", args=[run.pk]))
    assert b"No indicator has the code" in b"".join(text.streaming_content)


def test_a_problem_that_looks_like_a_formula_stays_text_in_the_download(
    client_for, indicator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for("officer"), "values.csv", b"indicator,period,value\n=HYPERLINK(1),2025-04,1\n")
    run = ImportRun.objects.get()
    download = client_for("officer").get(reverse("scorecards:import-problems", args=[run.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert all(not cell.startswith("=") for row in rows for cell in row)


def queued_long_ago(person, minutes: int) -> ImportRun:
    run = ImportRun(kind=ImportRun.Kind.LOCAL_VALUES, file_name="values.csv", created_by=person, apply=False)
    run.file.save("values.csv", ContentFile(b"indicator,period,value\nCOUNT01,2025-04,7\n"), save=False)
    run.created_at = timezone.now() - datetime.timedelta(minutes=minutes)
    run.save()
    return run


def test_an_import_queued_long_ago_that_never_started_says_so_and_can_be_run_again(
    client_for, indicator, partnership, django_capture_on_commit_callbacks
):
    client = client_for("officer")
    fresh = queued_long_ago(partnership["officer"], 1)
    assert "waiting to be read" in client.get(reverse("scorecards:import-detail", args=[fresh.pk])).content.decode()
    refused = client.post(reverse("scorecards:import-restart", args=[fresh.pk]))
    assert refused.status_code == 302
    fresh.refresh_from_db()
    assert fresh.status == ImportRun.Status.QUEUED

    run = queued_long_ago(partnership["officer"], 30)
    page = client.get(reverse("scorecards:import-detail", args=[run.pk])).content.decode()
    assert "values.csv did not start" in page and "Did not start" in page
    assert "http-equiv" not in page
    assert "Run the import again" in page
    assert "Did not start" in client.get(reverse("scorecards:import-start")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scorecards:import-restart", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEW and run.created == 1
    assert AuditEvent.objects.filter(action="scorecards.import_run.restarted", object_id=str(run.pk)).exists()


def test_a_run_whose_worker_was_lost_is_shown_stopped(client_for, indicator, partnership):
    run = queued_long_ago(partnership["officer"], 120)
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    page = client_for("officer").get(reverse("scorecards:import-detail", args=[run.pk])).content.decode()
    assert "stopped before it finished" in page and "Run the import again" in page


def test_runs_does_not_import_the_tasks_module():
    with open(runs.__file__) as module:
        source = module.read()
    assert "scorecards.tasks import" not in source and "import scorecards.tasks" not in source
