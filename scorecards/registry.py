"""Navigation items, home sections and Board pack sections the scorecards app registers with the core.

Imported by ScorecardsConfig.ready(), so the core's home page, Board pack and header show the scorecards without
the core importing this app. Importing `generation` here registers the beat task that publishes the reports.
"""

from __future__ import annotations

import rules
from django.utils import timezone

from cscp import navigation
from cscp.navigation import NavItem
from cscp.permissions import is_business_group_member, is_partnership_admin, is_scrutineer
from cscp.sections import Section, board_pack_sections, board_pack_summaries, home_sections
from scorecards import (
    generation,  # noqa: F401  (registers the scheduled task)
    judgements,
)
from scorecards import rules as scorecard_rules  # noqa: F401  (registers the permissions)
from scorecards.caching import cached_while_unchanged
from scorecards.entry import missing_for_officer
from scorecards.models import ImportRun
from scorecards.reports import present
from scorecards.rules import is_responsible_for_any_indicator
from scorecards.selectors import board_pack_period, default_period, main_scorecard
from scorecards.snapshots import scorecard_figures, thaw

HOME_PERIODS_SHOWN = 6


def _needing_my_figures(request) -> dict | None:
    """For a responsible officer: the recent periods whose figures or commentary are still to come."""
    user = request.user
    if not is_responsible_for_any_indicator(user):
        return None
    today = timezone.localdate()
    missing = cached_while_unchanged("missing", (user.pk, today), lambda: missing_for_officer(user, today=today))
    if not missing:
        return None
    return {"missing": missing[:HOME_PERIODS_SHOWN], "more": max(0, len(missing) - HOME_PERIODS_SHOWN)}


def _red_this_period(request) -> dict | None:
    """For the Business Group, the Independent Scrutineer and the partnership team: the main scorecard's red
    indicators in its latest complete period."""
    user = request.user
    if not (is_business_group_member(user) or is_scrutineer(user) or is_partnership_admin(user)):
        return None
    scorecard = main_scorecard()
    if scorecard is None:
        return None
    period = default_period(scorecard)
    # The home page is everyone's first page: the red indicators are worked out once until a figure changes.
    red = cached_while_unchanged(
        "home-red",
        (scorecard.pk, period.key),
        lambda: [
            {
                "code": view.data.code,
                "name": view.data.name,
                "value_text": view.value_text,
                "target_text": view.milestone_text or view.target_text,
                "direction_previous": view.direction_previous,
                "has_commentary": view.data.commentary is not None,
            }
            for view in present(scorecard_figures(scorecard, period, {"rag": "red"}))["indicators"]
        ],
    )
    return {"scorecard": scorecard, "period": period, "indicators": red}


def _imports_waiting(request) -> dict | None:
    """Imports read and waiting for someone to check them and save them: all of them for the partnership team,
    one's own for anyone else who imports. One query."""
    user = request.user
    if not rules.has_perm("scorecards.import", user):
        return None
    waiting = ImportRun.objects.filter(status=ImportRun.Status.PREVIEW)
    if not is_partnership_admin(user):
        waiting = waiting.filter(created_by=user)
    runs = list(waiting.select_related("created_by").order_by("created_at", "pk")[: HOME_PERIODS_SHOWN + 1])
    if not runs:
        return None
    return {"runs": runs[:HOME_PERIODS_SHOWN], "more": len(runs) > HOME_PERIODS_SHOWN}


def _board_pack_scorecard(meeting, shared: dict) -> dict | None:
    """The main scorecard as the pack reads it for this meeting: the latest report published before the meeting
    (or, if none was, the latest complete period read live). Worked out once per pack, for the exceptions and the
    executive summary both."""
    key = "scorecards.pack"
    if key not in shared:
        scorecard = main_scorecard()
        if scorecard is None:
            shared[key] = None
        else:
            period, report = board_pack_period(scorecard, meeting.date)
            figures = thaw(report.snapshot["figures"]) if report is not None else scorecard_figures(scorecard, period)
            shared[key] = {"scorecard": scorecard, "period": period, "published": report, **present(figures)}
    return shared[key]


def _worse_than_england(view) -> bool:
    """Our published figure for the comparators' year is worse than England's for the same year."""
    row = view.data
    ours = row.published if row.published and row.published.period == row.comparator_period else None
    if ours is None or row.england is None:
        return False
    verdict = judgements.compare(
        ours.value,
        row.england.value,
        polarity=row.polarity,
        similar_band=row.similar_band if row.similar_band is not None else 0,
        unit=row.unit,
    )
    return verdict == judgements.WORSE


def _scorecard_exceptions(*, meeting, shared=None, **kwargs) -> dict | None:
    """The Board pack's exceptions: the main scorecard's red and amber indicators, with their commentary, England,
    the region and the statistical neighbours, and a trend chart each."""
    context = _board_pack_scorecard(meeting, {} if shared is None else shared)
    if context is None:
        return None
    exceptions = [view for view in context["indicators"] if view.rag["status"] in ("red", "amber")]
    return {
        "scorecard": context["scorecard"],
        "period": context["period"],
        "published": context["published"],
        "red": [view for view in exceptions if view.rag["status"] == "red"],
        "amber": [view for view in exceptions if view.rag["status"] == "amber"],
        "counts": context["rag_counts"],
        "total": len(context["indicators"]),
    }


RAG_ORDER = (("red", "Red"), ("amber", "Amber"), ("green", "Green"), ("none", "Not rated"))


def _scorecard_summary(*, meeting, shared=None, previous=None, **kwargs) -> dict | None:
    """The executive summary's scorecard part: how many indicators are red, amber and green, the change since the
    last pack, and the indicators worse than England."""
    context = _board_pack_scorecard(meeting, {} if shared is None else shared)
    if context is None:
        return None
    counts = context["rag_counts"]
    before = (previous or {}).get("rag_counts")
    rows = [
        {
            "status": status,
            "label": label,
            "count": counts[status],
            "change": counts[status] - before.get(status, 0) if before is not None else None,
        }
        for status, label in RAG_ORDER
    ]
    return {
        "scorecard": context["scorecard"],
        "period": context["period"],
        "rows": rows,
        "compared": before is not None,
        "worse_than_england": [view for view in context["indicators"] if _worse_than_england(view)],
        "figures": {"rag_counts": dict(counts), "period": context["period"].label},
    }


def _may_read_scorecards(user) -> bool:
    return rules.has_perm("scorecards.view_scorecards", user)


navigation.register(NavItem("Scorecards", "scorecards:scorecard-list", _may_read_scorecards, order=40))
home_sections.register(
    Section(
        key="scorecards.needing_figures",
        title="Indicators needing your values or commentary",
        template="scorecards/home/_needing_figures.html",
        context=_needing_my_figures,
        order=20,
    )
)
home_sections.register(
    Section(
        key="scorecards.red_indicators",
        title="Red indicators this period",
        template="scorecards/home/_red_indicators.html",
        context=_red_this_period,
        order=30,
    )
)
home_sections.register(
    Section(
        key="scorecards.imports_waiting",
        title="Imports waiting to be checked",
        template="scorecards/home/_imports_waiting.html",
        context=_imports_waiting,
        order=17,
    )
)
board_pack_sections.register(
    Section(
        key="scorecards.exceptions",
        title="Scorecard exceptions",
        template="scorecards/boardpack/_exceptions.html",
        context=_scorecard_exceptions,
        order=10,
    )
)
board_pack_summaries.register(
    Section(
        key="scorecards.summary",
        title="Scorecard",
        template="scorecards/boardpack/_summary.html",
        context=_scorecard_summary,
        order=10,
    )
)
