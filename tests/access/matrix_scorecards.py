"""Access rows for the scorecard pages: everyone with a part in the partnership reads the scorecards, their
downloads and published reports; the responsible officer (the officer persona, once an indicator names them) and
admins enter figures and write commentary; the Business Group, the Board and admins challenge; the indicator's
officer, the challenge's author and admins respond."""

from scorecards.generation import report_generate
from scorecards.models import Challenge, Indicator, Scorecard
from tests.access.matrix import Row, statuses
from tests.conftest import PERSONAS
from tests.scorecards.pages_helpers import build_scorecard, last_month

READERS = statuses(to=tuple(p for p in PERSONAS if p != "outsider"))


def _scorecard(p) -> Scorecard:
    found = Scorecard.objects.filter(slug="main").first()
    if found is None:
        found = build_scorecard(2, officer=p["officer"], owner_group=p.business, months=15, comparator_years=1)
    return found


def _indicator(p) -> Indicator:
    _scorecard(p)
    return Indicator.objects.order_by("code").first()


def _period(p) -> dict:
    return {"slug": _scorecard(p).slug, "period_key": last_month().key}


def _report(p) -> dict:
    scorecard = _scorecard(p)
    report_generate(scorecard=scorecard, period=last_month())
    return {"slug": scorecard.slug, "period_key": last_month().key}


def _challenge(p) -> dict:
    challenge = Challenge.objects.create(
        indicator=_indicator(p), period_key=last_month().key, text="Why is this red?", author=p["business"]
    )
    return {"pk": challenge.pk}


ROWS = [
    Row("scorecards:scorecard-list", READERS),
    Row("scorecards:my-indicators", READERS),
    Row("scorecards:scorecard-detail", READERS, kwargs=lambda p: {"slug": _scorecard(p).slug}),
    Row("scorecards:scorecard-pdf", READERS, kwargs=_period),
    Row("scorecards:scorecard-xlsx", READERS, kwargs=_period),
    Row("scorecards:scorecard-csv", READERS, kwargs=_period),
    Row("scorecards:report-list", READERS, kwargs=lambda p: {"slug": _scorecard(p).slug}),
    Row("scorecards:report-download", READERS, kwargs=_report),
    Row("scorecards:indicator-detail", READERS, kwargs=lambda p: {"code": _indicator(p).code}),
    Row(
        "scorecards:commentary-add",
        statuses(to=("admin", "officer")),
        kwargs=lambda p: {"code": _indicator(p).code},
        note="the officer is the indicator's responsible officer",
    ),
    Row(
        "scorecards:challenge-add",
        statuses(to=("admin", "board", "business")),
        kwargs=lambda p: {"code": _indicator(p).code},
    ),
    Row(
        "scorecards:challenge-respond",
        statuses(to=("admin", "business", "officer")),
        kwargs=_challenge,
        note="the business persona raised the challenge; the officer is responsible for the indicator",
    ),
    Row(
        "scorecards:enter-values",
        statuses(to=("admin", "officer")),
        kwargs=lambda p: (_scorecard(p), {"period_key": last_month().key})[1],
        note="the officer is responsible for indicators",
    ),
]

# The mapping step: which published measure feeds each indicator (admins only).
ROWS += [
    Row("scorecards:mapping-list", statuses(to=("admin",))),
    Row("scorecards:mapping-edit", statuses(to=("admin",)), kwargs=lambda p: {"code": _indicator(p).code}),
]
