"""Publishing each period's scorecard: frozen, printed, stored and announced once."""

from __future__ import annotations

import datetime
import subprocess
from decimal import Decimal

import pytest

from cscp.models import AuditEvent, GroupMembership, Notification
from scorecards import generation
from scorecards.generation import due_periods, generate_due, generate_due_reports, report_generate
from scorecards.models import IndicatorValue, ScorecardReport
from scorecards.periods import MONTHLY, QUARTERLY, Period
from scorecards.reports import snapshot_context
from tests.factories import PersonFactory
from tests.scorecards.pages_helpers import empty_scorecard, last_month, simple_indicator

MONTH = last_month()


@pytest.fixture
def scorecard(partnership):
    scorecard = empty_scorecard(owner_group=partnership.business)
    simple_indicator(
        "TIME01",
        scorecard=scorecard,
        officer=partnership["officer"],
        values={MONTH.key: 70, MONTH.previous().key: 75},
        target=85,
        tolerance=5,
    )
    return scorecard


def pdf_text(report, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    with report.pdf.open("rb") as stored:
        path.write_bytes(stored.read())
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_report_freezes_the_figures_stores_a_pdf_and_records_who_made_it(scorecard, partnership, tmp_path):
    report = report_generate(scorecard=scorecard, period=MONTH, actor=partnership["admin"])
    assert report.period_key == MONTH.key and report.frequency == MONTHLY
    assert report.snapshot["version"] == 1
    text = pdf_text(report, tmp_path)
    assert f"Main scorecard: {MONTH.label}" in text
    assert "TIME01: Indicator TIME01" in text
    assert "70.0%" in text
    assert AuditEvent.objects.filter(action="scorecards.report.generated").count() == 1


def test_running_twice_makes_one_report_and_tells_each_member_once(scorecard, partnership):
    second = PersonFactory(username="business2")
    GroupMembership.objects.create(person=second, group=partnership.business, role="member")
    assert report_generate(scorecard=scorecard, period=MONTH) is not None
    assert report_generate(scorecard=scorecard, period=MONTH) is None
    assert ScorecardReport.objects.count() == 1
    told = Notification.objects.filter(subject__startswith="Main scorecard for")
    assert sorted(n.recipient.username for n in told) == ["business", "business2"]


def test_a_correction_after_publication_does_not_change_the_report(scorecard, partnership, tmp_path):
    report = report_generate(scorecard=scorecard, period=MONTH)
    before_snapshot = report.snapshot
    before_text = pdf_text(report, tmp_path)
    IndicatorValue.objects.filter(period_key=MONTH.key).update(value=Decimal("92"))
    report.refresh_from_db()
    assert report.snapshot == before_snapshot
    assert pdf_text(report, tmp_path) == before_text
    # Printed again from the snapshot (as when the stored file is lost), it still says what it said.
    context = snapshot_context(report)
    assert context["indicators"][0].value_text == "70.0%"
    assert context["frozen"] is True
    # A second run after the correction changes nothing either.
    assert report_generate(scorecard=scorecard, period=MONTH) is None
    report.refresh_from_db()
    assert report.snapshot == before_snapshot


def test_reports_fall_due_two_weeks_after_the_period_ends(scorecard):
    # 14 November: October has been over for two weeks; the quarter to September since mid-October.
    today = datetime.date(2026, 11, 14)
    assert due_periods(scorecard, today) == [Period.for_month(2026, 10), Period.for_quarter(2026, 2)]
    assert due_periods(scorecard, datetime.date(2026, 11, 13)) == [
        Period.for_month(2026, 9),
        Period.for_quarter(2026, 2),
    ]
    scorecard.frequency = QUARTERLY
    assert due_periods(scorecard, today) == [Period.for_quarter(2026, 2)]


def test_the_daily_run_publishes_what_is_due_once(scorecard):
    today = MONTH.end + datetime.timedelta(days=generation.REPORT_AFTER_DAYS)
    made = generate_due(today)
    assert sorted(report.period_key for report in made) == sorted(p.key for p in due_periods(scorecard, today))
    assert generate_due(today) == []
    assert ScorecardReport.objects.count() == len(made)


def test_the_beat_task_is_registered_under_its_scheduled_name(scorecard):
    assert generate_due_reports.name == "scorecards.generate_due_reports"
    # Run eagerly, as beat's worker would run it.
    result = generate_due_reports.delay()
    assert isinstance(result.get(), list)


def test_inactive_scorecards_are_not_published(scorecard):
    scorecard.is_active = False
    scorecard.save()
    assert generate_due(MONTH.end + datetime.timedelta(days=30)) == []


def test_a_report_too_large_to_print_is_not_published_and_the_next_run_tries_again(scorecard, settings, caplog):
    settings.PDF_MAX_HTML_BYTES = 1_000
    assert report_generate(scorecard=scorecard, period=MONTH) is None
    assert not ScorecardReport.objects.exists()
    assert "was not published: This document is too long to print" in caplog.text
    settings.PDF_MAX_HTML_BYTES = 5_000_000
    assert report_generate(scorecard=scorecard, period=MONTH) is not None
