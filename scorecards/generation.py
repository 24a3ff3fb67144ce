"""Publishing the scorecard: each month's and quarter's report, frozen, printed, stored and announced.

A report freezes the scorecard's figures for its period (`reports.freeze`) into `ScorecardReport.snapshot` and
renders its PDF from that frozen copy, so a published report never changes when a figure is corrected later;
the scorecard page shows the corrected figure, and the report shows what the Business Group was given.

Idempotent by the database: `ScorecardReport` is unique per scorecard and period, so a second run for the same
period (beat running twice, two workers) finds the report or loses the race for the row, and does nothing.
Each Business Group member is notified once per report (the notification key names the report and the person).

Beat runs `scorecards.generate_due_reports` daily. A period's report is due `REPORT_AFTER_DAYS` after it ends,
which gives responsible officers time to enter the figures: a monthly scorecard gets a report for each month and
each quarter, a quarterly scorecard for each quarter.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cscp.audit import record_event
from cscp.models import Group, GroupMembership, Person, current_q
from cscp.notifications import notify
from cscp.pdf import PdfError, pdf_from_html
from scorecards.caching import WHITESPACE
from scorecards.models import Scorecard, ScorecardReport
from scorecards.periods import MONTHLY, QUARTERLY, Period
from scorecards.reports import snapshot_context
from scorecards.snapshots import freeze, scorecard_figures

logger = logging.getLogger(__name__)

REPORT_AFTER_DAYS = 14
SNAPSHOT_VERSION = 1
PDF_TEMPLATE = "pdf/scorecard.html"


def report_file_name(scorecard: Scorecard | str, period: Period) -> str:
    slug = scorecard if isinstance(scorecard, str) else scorecard.slug
    return f"{slug}-{period.key}.pdf"


def render_scorecard_pdf(context: dict, *, request=None) -> bytes:
    """The scorecard's PDF, laid out once.

    `cscp.pdf.render_pdf` lays a report out, and again with a contents list if it runs past three pages. A
    scorecard of more than two indicators always does (each starts a page), so it is laid out once, with its
    contents; and the HTML's indentation is dropped before WeasyPrint parses it. Both matter at 150 indicators.
    The same fetcher as every other PDF serves the stylesheet, so nothing is fetched from outside, and the same
    size and time budget applies.
    """
    show_contents = len(context.get("indicators", ())) > 2
    html = render_to_string(
        PDF_TEMPLATE, {**context, "show_contents": show_contents, "for_print": True}, request=request
    )
    # Within the budget every PDF has (cscp.pdf): a person waiting gets a clear refusal, not a held process.
    return pdf_from_html(WHITESPACE.sub(" ", html), name=PDF_TEMPLATE, request=request)


def render_report_pdf(report: ScorecardReport) -> bytes:
    return render_scorecard_pdf(snapshot_context(report))


def business_group_members() -> list[Person]:
    """Everyone in the Business Group today (each person once)."""
    memberships = GroupMembership.objects.filter(
        current_q(), group__kind=Group.Kind.BUSINESS, group__is_active=True, person__is_active=True
    ).select_related("person")
    people = {membership.person_id: membership.person for membership in memberships}
    return sorted(people.values(), key=lambda person: person.pk)


def report_generate(*, scorecard: Scorecard, period: Period, actor: Person | None = None) -> ScorecardReport | None:
    """Publish the scorecard's report for `period`; None when it was already published (nothing changes)."""
    if ScorecardReport.objects.filter(scorecard=scorecard, period_key=period.key).exists():
        return None
    figures = scorecard_figures(scorecard, period)
    report = ScorecardReport(
        scorecard=scorecard,
        frequency=period.frequency,
        period_key=period.key,
        snapshot={"version": SNAPSHOT_VERSION, "figures": freeze(figures)},
        generated_by=actor,
        generated_at=timezone.now(),
    )
    # Printed before the row is written, so the database is not held while WeasyPrint works; and printed from
    # the frozen snapshot, exactly as a later download reads it.
    try:
        pdf = render_report_pdf(report)
    except PdfError as error:
        # Nothing is published; the next day's run tries again, and the log says why.
        logger.error("Scorecard %s %s was not published: %s", scorecard.slug, period.key, error)
        return None
    try:
        with transaction.atomic():
            report.save()
            report.pdf.save(report_file_name(scorecard, period), ContentFile(pdf), save=True)
            record_event(
                "scorecards.report.generated",
                actor=actor,
                obj=report,
                message=f"Published {scorecard.name} for {period.label}",
                data={"period": period.key, "indicators": len(figures.data.indicators)},
            )
            url = reverse("scorecards:report-list", args=[scorecard.slug])
            for person in business_group_members():
                notify(
                    recipient=person,
                    key=f"scorecards.report.{report.pk}:person.{person.pk}",
                    subject=f"{scorecard.name} for {period.label} is published",
                    body=f"The report for {period.label} is ready to read and download.",
                    url=url,
                )
    except IntegrityError:
        # Another run published this period between our check and our insert.
        logger.info("Scorecard %s %s was published by another run", scorecard.slug, period.key)
        return None
    return report


def due_periods(scorecard: Scorecard, today: datetime.date) -> list[Period]:
    """The periods whose reports are due by `today`: the latest month (monthly scorecards) and the latest quarter
    that ended at least `REPORT_AFTER_DAYS` ago."""
    cutoff = today - datetime.timedelta(days=REPORT_AFTER_DAYS)
    frequencies = [MONTHLY, QUARTERLY] if scorecard.frequency == MONTHLY else [QUARTERLY]
    return [Period.last_complete(frequency, cutoff + datetime.timedelta(days=1)) for frequency in frequencies]


def generate_due(today: datetime.date | None = None) -> list[ScorecardReport]:
    """Publish every active scorecard's due reports that are not published yet."""
    today = today or timezone.localdate()
    made = []
    for scorecard in Scorecard.objects.filter(is_active=True).order_by("pk"):
        for period in due_periods(scorecard, today):
            report = report_generate(scorecard=scorecard, period=period)
            if report is not None:
                made.append(report)
    return made


@shared_task(name="scorecards.generate_due_reports")
def generate_due_reports() -> list[str]:
    """Beat's daily run: publish whatever is due (nothing, most days)."""
    return [f"{report.scorecard.slug} {report.period_key}" for report in generate_due()]
