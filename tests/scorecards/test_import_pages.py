"""The import pages: upload, progress without JavaScript, preview, confirm, result with problems."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scorecards.models import ComparatorValue, ImportRun, IndicatorValue
from tests.scorecards.test_importers import FILES, setup_cumbria
from tests.scorecards.test_models import make_indicator


@pytest.fixture
def indicators(partnership):
    officer = partnership["officer"]
    return (
        make_indicator("COUNT01", unit="count", polarity="none", responsible_officer=officer),
        make_indicator("OTHER01", unit="count", polarity="none", responsible_officer=partnership["chair"]),
    )


def upload(client, kind: str, name: str, content: bytes, **extra):
    return client.post(
        reverse("scorecards:import-start"),
        {"kind": kind, "file": SimpleUploadedFile(name, content), **extra},
    )


def test_the_upload_page_asks_anonymous_visitors_to_sign_in(client_for):
    response = client_for(None).get(reverse("scorecards:import-start"))
    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["outsider", "board", "business", "auditor", "s11lead"])
def test_people_who_do_not_import_are_refused(client_for, persona):
    assert client_for(persona).get(reverse("scorecards:import-start")).status_code == 403


def test_a_responsible_officer_may_upload_only_local_values(client_for, indicators):
    response = client_for("chair").get(reverse("scorecards:import-start"))
    assert response.status_code == 200
    kinds = [value for value, _ in response.context["form"].fields["kind"].choices]
    assert kinds == ["local_values"]


def test_an_admin_may_upload_every_kind(client_for):
    response = client_for("admin").get(reverse("scorecards:import-start"))
    assert len(response.context["form"].fields["kind"].choices) == len(ImportRun.Kind)
    assert "Import figures" in response.content.decode()


def test_uploading_values_shows_a_preview_and_confirming_saves_them(
    client_for, indicators, django_capture_on_commit_callbacks
):
    client = client_for("officer")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "local_values", "values.csv", b"indicator,period,value\nCOUNT01,2025-04,7\n")
    run = ImportRun.objects.get()
    assert response.url == reverse("scorecards:import-detail", args=[run.pk])

    page = client.get(response.url)
    text = page.content.decode()
    assert "Check the values before they are saved" in text
    assert "COUNT01" in text and "New" in text
    assert not IndicatorValue.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scorecards:import-confirm", args=[run.pk]))
    assert response.status_code == 302
    assert IndicatorValue.objects.get().value == 7
    result = client.get(reverse("scorecards:import-detail", args=[run.pk])).content.decode()
    assert "values.csv imported" in result


def test_a_file_with_problems_shows_them_by_row_and_column_and_cannot_be_confirmed(
    client_for, indicators, django_capture_on_commit_callbacks
):
    client = client_for("officer")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "local_values", "values.csv", b"indicator,period,value\nCOUNT01,2025-04,-1\nNOPE,2025-04,1\n")
    run = ImportRun.objects.get()

    page = client.get(reverse("scorecards:import-detail", args=[run.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Nothing from this file was saved" in text
    assert "enter a count of 0 or more" in text
    assert "No indicator has the code" in text
    assert "Save these values" not in text

    response = client.post(reverse("scorecards:import-confirm", args=[run.pk]))
    assert response.status_code == 302
    assert not IndicatorValue.objects.exists()


def test_a_large_file_is_imported_in_the_background_with_a_progress_page(
    client_for, indicators, settings, django_capture_on_commit_callbacks
):
    settings.SCORECARDS_IMPORT_INLINE_BYTES = 10
    client = client_for("officer")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(client, "local_values", "values.csv", b"indicator,period,value\nCOUNT01,2025-04,7\n")
    run = ImportRun.objects.get()

    waiting = client.get(reverse("scorecards:import-detail", args=[run.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert "<progress" in waiting and "0% done" in waiting
    without = client.get(reverse("scorecards:import-detail", args=[run.pk]) + "?refresh=off").content.decode()
    assert "http-equiv" not in without

    for callback in callbacks:  # the Celery task, run eagerly
        callback()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEW
    ready = client.get(reverse("scorecards:import-detail", args=[run.pk])).content.decode()
    assert "http-equiv" not in ready


def test_a_large_file_is_still_imported_when_the_broker_is_down(
    client_for, indicators, settings, django_capture_on_commit_callbacks
):
    settings.SCORECARDS_IMPORT_INLINE_BYTES = 10
    client = client_for("officer")
    with (
        mock.patch("scorecards.tasks.run_import.delay", side_effect=ConnectionError("Redis is down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = upload(client, "local_values", "values.csv", b"indicator,period,value\nCOUNT01,2025-04,7\n")
    assert response.status_code == 302
    assert ImportRun.objects.get().status == ImportRun.Status.PREVIEW


def test_the_wrong_kind_of_file_is_explained(client_for, django_capture_on_commit_callbacks, dfe_dir):
    client = client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "dfe_ees", "sn.csv", (dfe_dir / FILES["sn2021"]).read_bytes())
    run = ImportRun.objects.get()
    run_page = client.get(reverse("scorecards:import-detail", args=[run.pk])).content.decode()
    assert "right kind" in run_page
    assert not ComparatorValue.objects.exists()


def test_an_admin_imports_a_dfe_file_and_sees_the_counts_and_reasons(
    client_for, django_capture_on_commit_callbacks, dfe_dir
):
    setup_cumbria()
    client = client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "dfe_ees", FILES["d3"], (dfe_dir / FILES["d3"]).read_bytes())
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.DONE
    page = client.get(reverse("scorecards:import-detail", args=[run.pk])).content.decode()
    assert "Values created" in page and "Why values were skipped" in page
    assert ComparatorValue.objects.exists()


def test_lait_needs_its_dictionary(client_for):
    response = upload(client_for("admin"), "dfe_lait", "lait.csv", b"Short Desc\n")
    assert response.status_code == 200
    assert "Choose LAIT" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_upload_without_a_file_says_what_to_do(client_for):
    response = client_for("admin").post(reverse("scorecards:import-start"), {"kind": "local_values"})
    assert response.status_code == 200
    assert "Choose a file to upload" in response.content.decode()


def test_a_data_officer_cannot_pick_a_kind_they_may_not_import(client_for, indicators):
    response = upload(client_for("chair"), "dfe_ees", "x.csv", b"a,b\n1,2\n")
    assert response.status_code == 200
    assert not ImportRun.objects.exists()


def test_another_persons_import_is_not_found(client_for, indicators, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for("officer"), "local_values", "values.csv", b"indicator,period,value\nCOUNT01,2025-04,7\n")
    run = ImportRun.objects.get()
    assert client_for("chair").get(reverse("scorecards:import-detail", args=[run.pk])).status_code == 404
    assert client_for("admin").get(reverse("scorecards:import-detail", args=[run.pk])).status_code == 200
    assert client_for("chair").post(reverse("scorecards:import-confirm", args=[run.pk])).status_code == 404


def test_confirm_and_cancel_only_take_posts(client_for, indicators, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for("officer"), "local_values", "values.csv", b"indicator,period,value\nCOUNT01,2025-04,7\n")
    run = ImportRun.objects.get()
    client = client_for("officer")
    assert client.get(reverse("scorecards:import-confirm", args=[run.pk])).status_code == 405
    response = client.post(reverse("scorecards:import-cancel", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CANCELLED
    assert not IndicatorValue.objects.exists()


def test_the_upload_page_reads_in_the_same_number_of_queries_whatever_the_history(
    client_for, indicators, django_capture_on_commit_callbacks
):
    client = client_for("admin")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("scorecards:import-start")).status_code == 200
        return len(captured)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "local_values", "first.csv", b"indicator,period,value\nCOUNT01,2025-04,7\n")
    queries()  # the first page after an upload also reads its message
    one = queries()
    for number in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            upload(client, "local_values", f"v{number}.csv", b"indicator,period,value\nCOUNT01,2025-04,7\n")
    assert queries() == one <= 15
