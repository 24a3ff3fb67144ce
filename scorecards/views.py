"""The scorecard pages: the scorecards and their downloads, an indicator's page with its commentary and
challenges, the value-entry grid, and the published reports.

Anyone with a part in the partnership may read the scorecards (the Business Group reviews them, responsible
officers enter their figures, the Board and the scrutineer read them); an outsider may not. What each person may
change is decided by `scorecards.rules`, and every change goes through `scorecards.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cscp.models import Group, current_q
from cscp.pages import crumbs, get_object_for_user, page_number, posted, query_without, require, submit
from cscp.pdf import PdfError
from cscp.permissions import is_partnership_admin
from scorecards import ranges, services
from scorecards.entry import entry_rows, missing_for_officer, open_for_entry
from scorecards.exports import scorecard_csv, scorecard_workbook
from scorecards.forms import ChallengeForm, CommentaryForm, ResponseForm, ScorecardFilterForm, ValueEntryForm
from scorecards.generation import render_report_pdf, render_scorecard_pdf, report_file_name
from scorecards.imports.runs import kinds_for
from scorecards.models import Challenge, Indicator, Scorecard, ScorecardReport
from scorecards.periods import ANNUAL, MONTHLY, QUARTERLY, Period, PeriodError, parse_period
from scorecards.reports import indicator_context, scorecard_body_html, scorecard_context
from scorecards.rules import is_responsible_for_any_indicator
from scorecards.selectors import main_scorecard

VIEW = "scorecards.view_scorecards"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may_enter_values(user) -> bool:
    return bool(is_partnership_admin(user) or is_responsible_for_any_indicator(user))


def scorecard_crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    """Breadcrumbs for the scorecard pages: Home, Scorecards, then `items`."""
    return crumbs(("Scorecards", reverse("scorecards:scorecard-list")), *items)


def _scorecard(request: HttpRequest, slug: str) -> Scorecard:
    require(request.user, VIEW)
    return get_object_for_user(
        request.user, VIEW, Scorecard.objects.select_related("owner_group"), slug=slug, is_active=True
    )


def _period_or_404(key: str, allowed: tuple[str, ...]) -> Period:
    try:
        period = parse_period(key)
    except PeriodError as error:
        raise Http404 from error
    if period.frequency not in allowed:
        raise Http404
    return period


# The scorecards ----------------------------------------------------------------------------------------------


@login_required
def scorecard_list(request: HttpRequest) -> HttpResponse:
    require(request.user, VIEW)
    scorecards = (
        Scorecard.objects.filter(is_active=True)
        .select_related("owner_group")
        .annotate(indicator_count=Count("entries", filter=Q(entries__indicator__is_active=True)))
        .order_by("-is_main", "order", "name")
    )
    return render(
        request,
        "scorecards/scorecard_list.html",
        {
            "scorecards": scorecards,
            "may_enter_values": _may_enter_values(request.user),
            "may_import": bool(kinds_for(request.user)),
            "may_map": is_partnership_admin(request.user),
            "crumbs": crumbs(),
        },
    )


@login_required
def scorecard_detail(request: HttpRequest, slug: str) -> HttpResponse:
    scorecard = _scorecard(request, slug)
    form = ScorecardFilterForm(request.GET or None, scorecard=scorecard)
    period, filters = form.selection()
    if form.out_of_range:
        raise Http404
    report = ScorecardReport.objects.filter(scorecard=scorecard, period_key=period.key).first()
    return render(
        request,
        "scorecards/scorecard_detail.html",
        {
            "scorecard": scorecard,
            "period": period,
            # The same body as the PDF's, rendered once and cached until a figure behind it changes.
            "body": scorecard_body_html(
                scorecard,
                period,
                filters,
                page_number=page_number(request),
                query=query_without(request, "page"),
            ),
            "filter_form": form,
            "applied_filters": form.applied(),
            "download_query": query_without(request, "period"),
            "published_report": report,
            "may_enter_values": _may_enter_values(request.user),
            "crumbs": scorecard_crumbs(),
        },
    )


def _download_context(request: HttpRequest, slug: str, period_key: str) -> tuple[Scorecard, dict]:
    scorecard = _scorecard(request, slug)
    allowed = (MONTHLY, QUARTERLY) if scorecard.frequency == MONTHLY else (QUARTERLY,)
    period = _period_or_404(period_key, allowed)
    span = ranges.scorecard_span(scorecard, today=timezone.localdate())
    if not span.covers(period):
        raise Http404  # before the scorecard's first period, or not yet complete
    form = ScorecardFilterForm(request.GET or None, scorecard=scorecard, span=span)
    _, filters = form.selection()
    return scorecard, scorecard_context(scorecard, period, filters)


def _attachment(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def scorecard_pdf(request: HttpRequest, slug: str, period_key: str) -> HttpResponse:
    scorecard, context = _download_context(request, slug, period_key)
    try:
        pdf = render_scorecard_pdf(context, request=request)
    except PdfError as error:
        messages.error(request, str(error))
        return redirect(reverse("scorecards:scorecard-detail", args=[scorecard.slug]) + f"?period={period_key}")
    name = report_file_name(scorecard, context["period"])
    return _attachment(HttpResponse(pdf, content_type="application/pdf"), name)


@login_required
def scorecard_xlsx(request: HttpRequest, slug: str, period_key: str) -> HttpResponse:
    scorecard, context = _download_context(request, slug, period_key)
    response = HttpResponse(scorecard_workbook(context), content_type=XLSX)
    return _attachment(response, f"{scorecard.slug}-{context['period'].key}.xlsx")


@login_required
def scorecard_csv_download(request: HttpRequest, slug: str, period_key: str) -> HttpResponse:
    scorecard, context = _download_context(request, slug, period_key)
    response = HttpResponse(scorecard_csv(context), content_type="text/csv; charset=utf-8")
    return _attachment(response, f"{scorecard.slug}-{context['period'].key}.csv")


# Published reports -------------------------------------------------------------------------------------------


@login_required
def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    scorecard = _scorecard(request, slug)
    reports = list(scorecard.reports.select_related("generated_by").order_by("-generated_at", "-pk"))
    trail = scorecard_crumbs((scorecard.name, reverse("scorecards:scorecard-detail", args=[scorecard.slug])))
    return render(request, "scorecards/report_list.html", {"scorecard": scorecard, "reports": reports, "crumbs": trail})


@login_required
def report_download(request: HttpRequest, slug: str, period_key: str) -> HttpResponse:
    scorecard = _scorecard(request, slug)
    report = get_object_for_user(request.user, VIEW, ScorecardReport, scorecard=scorecard, period_key=period_key)
    name = report_file_name(scorecard, report.period)
    if report.pdf:
        try:
            stored = report.pdf.open("rb")
            return FileResponse(stored, as_attachment=True, filename=name, content_type="application/pdf")
        except OSError:
            pass  # the stored file went missing: print it again from the frozen snapshot below
    try:
        pdf = render_report_pdf(report)
    except PdfError as error:
        messages.error(request, str(error))
        return redirect("scorecards:report-list", slug=scorecard.slug)
    return _attachment(HttpResponse(pdf, content_type="application/pdf"), name)


# Indicators ----------------------------------------------------------------------------------------------------


def _indicator(request: HttpRequest, code: str, perm: str = VIEW) -> Indicator:
    """The indicator, for a reader of the scorecards who may do `perm` to it (403 for anyone else)."""
    require(request.user, VIEW)
    return get_object_for_user(
        request.user, perm, Indicator.objects.select_related("responsible_officer", "priority"), code=code
    )


@login_required
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _indicator(request, code)
    context = indicator_context(indicator)
    user = request.user
    # Commentary and challenges are about periods it takes figures for: none yet for an indicator starting later.
    has_periods = bool(_thread_periods(indicator))
    context.update(
        {
            "may_comment": has_periods and user.has_perm("scorecards.write_commentary", indicator),
            "may_challenge": has_periods and user.has_perm("scorecards.challenge", indicator),
            "may_respond": bool(is_partnership_admin(user) or indicator.responsible_officer_id == user.pk),
            "back_scorecard": main_scorecard(),
            "crumbs": scorecard_crumbs(),
        }
    )
    return render(request, "scorecards/indicator_detail.html", context)


def _thread_periods(indicator: Indicator) -> list[Period]:
    """The periods commentary or a challenge may be about: those the indicator takes figures for, from its first
    period (`scorecards.ranges`) to the latest complete one, newest first."""
    today = timezone.localdate()
    latest = Period.last_complete(indicator.frequency, today)
    return Period.range(ranges.first_period(indicator, today=today), latest)[::-1]


def _initial_period(request: HttpRequest, periods: list[Period]) -> Period | None:
    """The period the address names (`?period=`), or the latest. A period it names that is not offered (outside
    the indicator's range, or of another frequency) answers 404; text that is no period is ignored."""
    key = request.GET.get("period", "")
    if key:
        try:
            asked = parse_period(key)
        except PeriodError:
            asked = None
        if asked is not None:
            if asked not in periods:
                raise Http404
            return asked
    return periods[0] if periods else None


def _text_page(request: HttpRequest, *, form, save, done_message: str, done_url: str, context: dict) -> HttpResponse:
    if submit(form, lambda data: save(form)) is not None:
        messages.success(request, done_message)
        return redirect(done_url)
    indicator = context["indicator"]
    trail = scorecard_crumbs((indicator.code, reverse("scorecards:indicator-detail", args=[indicator.code])))
    return render(request, "scorecards/text_form.html", {"form": form, "crumbs": trail, **context})


@login_required
def commentary_add(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _indicator(request, code, "scorecards.write_commentary")
    periods = _thread_periods(indicator)
    if not periods:
        raise Http404
    form = CommentaryForm(posted(request), periods=periods, period=_initial_period(request, periods))
    return _text_page(
        request,
        form=form,
        save=lambda f: services.commentary_save(
            actor=request.user, indicator=indicator, period=f.period, text=f.cleaned_data["text"]
        ),
        done_message=f"Commentary saved for {indicator.code}",
        done_url=reverse("scorecards:indicator-detail", args=[indicator.code]) + "#commentary",
        context={"title": "Write commentary", "indicator": indicator},
    )


@login_required
def challenge_add(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _indicator(request, code, "scorecards.challenge")
    periods = _thread_periods(indicator)
    if not periods:
        raise Http404
    form = ChallengeForm(posted(request), periods=periods, period=_initial_period(request, periods))
    # The challenge is the Business Group's, recorded with the group the person sits in (if they do).
    group = Group.objects.filter(
        current_q(prefix="memberships__"), kind=Group.Kind.BUSINESS, memberships__person=request.user
    ).first()

    def save(f):
        return services.challenge_add(
            actor=request.user, indicator=indicator, period=f.period, text=f.cleaned_data["text"], group=group
        )

    return _text_page(
        request,
        form=form,
        save=save,
        done_message=f"Challenge sent to {indicator.code}'s responsible officer",
        done_url=reverse("scorecards:indicator-detail", args=[indicator.code]) + "#commentary",
        context={"title": "Challenge this indicator's performance", "indicator": indicator},
    )


@login_required
def challenge_respond(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, VIEW)
    challenge = get_object_for_user(
        request.user, "scorecards.respond_to_challenge", Challenge.objects.select_related("indicator", "author"), pk=pk
    )
    indicator = challenge.indicator
    form = ResponseForm(posted(request))
    return _text_page(
        request,
        form=form,
        save=lambda f: services.challenge_respond(actor=request.user, challenge=challenge, text=f.cleaned_data["text"]),
        done_message="Response sent",
        done_url=reverse("scorecards:indicator-detail", args=[indicator.code]) + f"#challenge-{challenge.pk}",
        context={"title": "Respond to the challenge", "indicator": indicator, "challenge": challenge},
    )


# Entering figures ----------------------------------------------------------------------------------------------


@login_required
def enter_values(request: HttpRequest, period_key: str) -> HttpResponse:
    if not _may_enter_values(request.user):
        raise PermissionDenied
    period = _period_or_404(period_key, (MONTHLY, QUARTERLY, ANNUAL))
    today = timezone.localdate()
    # Only the indicators that take figures for the period (complete, from their first period on); a period
    # none of this person's indicators takes has no page.
    choice = open_for_entry(request.user, period, today=today)
    if not choice.indicators:
        raise Http404
    rows = entry_rows(request.user, period, indicators=choice.indicators)
    form = ValueEntryForm(posted(request), rows=rows, period=period)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.indicator_values_save(
                actor=request.user, period=period, rows=form.service_rows(), today=today
            )
        except services.RowErrors as error:
            form.add_row_errors(error.row_errors)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            saved = result.saved
            commented = len(result.commentaries)
            if saved or commented:
                parts = []
                if saved:
                    parts.append(f"{saved} figure{'s' if saved != 1 else ''}")
                if commented:
                    parts.append(f"commentary for {commented} indicator{'s' if commented != 1 else ''}")
                messages.success(request, f"Saved {' and '.join(parts)} for {period.label}")
            else:
                messages.success(request, f"Nothing changed for {period.label}")
            return redirect("scorecards:enter-values", period_key=period.key)
    previous, following = period.previous(), period.next()
    return render(
        request,
        "scorecards/enter_values.html",
        {
            "period": period,
            "form": form,
            "rows": form.row_fields(),
            "previous_period": previous if choice.earliest is not None and previous >= choice.earliest else None,
            "next_period": following if ranges.is_complete(following, today) else None,
            "is_admin": is_partnership_admin(request.user),
            "crumbs": scorecard_crumbs(("Your indicators", reverse("scorecards:my-indicators"))),
        },
    )


@login_required
def my_indicators(request: HttpRequest) -> HttpResponse:
    require(request.user, VIEW)
    user = request.user
    indicators = list(
        Indicator.objects.filter(responsible_officer=user, is_active=True)
        .prefetch_related("scorecards")
        .order_by("code")
    )
    today = timezone.localdate()
    frequencies = sorted({indicator.frequency for indicator in indicators} - {ANNUAL}) or (
        [MONTHLY] if is_partnership_admin(user) else []
    )
    # A button only for a period that has an entry page: one some of the person's indicators take figures for.
    latest_periods = [Period.last_complete(frequency, today) for frequency in frequencies]
    latest_periods = [period for period in latest_periods if open_for_entry(user, period, today=today).indicators]
    return render(
        request,
        "scorecards/my_indicators.html",
        {
            "indicators": indicators,
            "missing": missing_for_officer(user, today=today),
            "latest_periods": latest_periods,
            "may_enter_values": _may_enter_values(user),
            "crumbs": scorecard_crumbs(),
        },
    )
