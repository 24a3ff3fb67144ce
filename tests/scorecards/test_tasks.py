"""Background and scheduled work: imports run by Celery, and reminders sent once each."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from cscp.models import Notification, OutboxEmail
from scorecards.models import Commentary, ImportRun, IndicatorValue, Target
from scorecards.tasks import run_import, send_scorecard_reminders
from tests.scorecards.test_models import add_values, make_indicator

TODAY = datetime.date(2025, 5, 12)  # the last complete month is April 2025


def queued_run(person, content: bytes, *, apply: bool) -> ImportRun:
    run = ImportRun(kind=ImportRun.Kind.LOCAL_VALUES, file_name="values.csv", created_by=person, apply=apply)
    run.file.save("values.csv", ContentFile(content), save=False)
    run.save()
    return run


def test_the_import_task_previews_then_applies_a_queued_run(partnership):
    officer = partnership["officer"]
    make_indicator("CNT", unit="count", polarity="none", responsible_officer=officer)
    run = queued_run(officer, b"indicator,period,value\nCNT,2025-04,9\n", apply=False)

    assert run_import.delay(run.pk).get() == ImportRun.Status.PREVIEW
    run.refresh_from_db()
    assert run.rows_read == 1 and run.created == 1 and run.percent_done == 100
    assert not IndicatorValue.objects.exists()

    ImportRun.objects.filter(pk=run.pk).update(apply=True, status=ImportRun.Status.QUEUED)
    assert run_import.delay(run.pk).get() == ImportRun.Status.DONE
    assert IndicatorValue.objects.get().value == 9


def test_a_run_delivered_twice_is_carried_out_once(partnership):
    officer = partnership["officer"]
    make_indicator("CNT", unit="count", polarity="none", responsible_officer=officer)
    run = queued_run(officer, b"indicator,period,value\nCNT,2025-04,9\n", apply=True)
    run_import.delay(run.pk)
    run.refresh_from_db()
    finished = run.finished_at
    run_import.delay(run.pk)
    run.refresh_from_db()
    assert run.finished_at == finished
    assert IndicatorValue.objects.count() == 1


def test_a_run_that_breaks_is_marked_failed_and_saves_nothing(partnership, monkeypatch):
    officer = partnership["officer"]
    run = queued_run(officer, b"indicator,period,value\nCNT,2025-04,9\n", apply=True)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("scorecards.imports.local.apply_values", broken)
    run_import.delay(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "Nothing from the file was saved" in run.error


def test_reminders_go_once_to_each_responsible_officer(partnership, monkeypatch):
    monkeypatch.setattr("scorecards.tasks.timezone.localdate", lambda: TODAY)
    officer = partnership["officer"]
    missing = make_indicator("MISS", unit="count", polarity="none", responsible_officer=officer)
    red = make_indicator("RED", unit="percent", responsible_officer=officer)
    explained = make_indicator("EXPL", unit="percent", responsible_officer=officer)
    fine = make_indicator("FINE", unit="percent", responsible_officer=partnership["chair"])
    for indicator in (red, explained, fine):
        add_values(indicator, {"2025-04": 50})
        Target.objects.create(indicator=indicator, financial_year=2025, value=Decimal(90))
    Target.objects.filter(indicator=fine).update(value=Decimal(40))
    Commentary.objects.create(indicator=explained, period_key="2025-04", text="Known", author=officer)
    add_values(missing, {"2025-03": 4})

    first = send_scorecard_reminders.delay().get()
    second = send_scorecard_reminders.delay().get()

    assert first == {"values_missing": 1, "commentary_missing": 1}
    assert second == {"values_missing": 0, "commentary_missing": 0}
    subjects = sorted(Notification.objects.filter(recipient=officer).values_list("subject", flat=True))
    assert subjects == ["Commentary needed: RED is red for April 2025", "Enter MISS for April 2025"]
    assert OutboxEmail.objects.filter(to=officer.email).count() == 2
    assert not Notification.objects.filter(recipient=partnership["chair"]).exists()


def test_a_quarterly_indicator_is_reminded_for_its_last_complete_quarter(partnership, monkeypatch):
    monkeypatch.setattr("scorecards.tasks.timezone.localdate", lambda: TODAY)
    make_indicator(
        "QTR", unit="count", polarity="none", frequency="quarterly", responsible_officer=partnership["officer"]
    )
    send_scorecard_reminders.delay()
    assert Notification.objects.get().subject == "Enter QTR for Q4 2024-25 (January to March 2025)"


def test_an_indicator_whose_first_period_is_still_to_come_is_not_reminded(partnership, monkeypatch):
    monkeypatch.setattr("scorecards.tasks.timezone.localdate", lambda: TODAY)
    officer = partnership["officer"]
    make_indicator("LATER", unit="count", polarity="none", responsible_officer=officer, first_period="2025-05")
    make_indicator("NOW", unit="count", polarity="none", responsible_officer=officer, first_period="2025-04")
    assert send_scorecard_reminders.delay().get() == {"values_missing": 1, "commentary_missing": 0}
    assert list(Notification.objects.values_list("subject", flat=True)) == ["Enter NOW for April 2025"]
