"""Caching what the scorecards show until any of it changes.

A scorecard of 150 indicators takes most of a second to read and render, and the Business Group reads the same
scorecard many times between changes. What is cached is cached under a stamp of everything it shows
(`figures_stamp`): one query reads, for each table behind the figures, its latest change (history rows,
timestamps) and its size, so any edit, import, challenge or membership change gives a new stamp and the next
reader sees it at once.
"""

from __future__ import annotations

import hashlib
import re

from django.core.cache import cache
from django.db import connection

from cscp.models import Priority, Theme
from scorecards.models import (
    Area,
    Challenge,
    ChallengeResponse,
    Commentary,
    ComparatorSettings,
    ComparatorValue,
    ImportRun,
    Indicator,
    IndicatorMapping,
    IndicatorValue,
    Milestone,
    Neighbour,
    Scorecard,
    ScorecardIndicator,
    Target,
)

BODY_CACHE_SECONDS = 60 * 60
# Runs of spaces and newlines between and inside tags: one space reads the same in HTML without <pre>.
WHITESPACE = re.compile(r"\s{2,}")


def _stamp_sql() -> str:
    quote = connection.ops.quote_name

    # Table and column names come from the models, never from input.
    def latest(model, column: str) -> str:
        return f"(SELECT MAX({quote(column)}) FROM {quote(model._meta.db_table)})"  # noqa: S608  # nosec B608

    def size(model) -> str:
        return f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})"  # noqa: S608  # nosec B608

    # Every read is of an index's end (a primary key or an indexed date), so the stamp costs about a millisecond
    # however many figures there are. History rows record edits and deletions; the newest row of each table
    # catches rows written in bulk without history (imports, the demo).
    parts = []
    for model in (Scorecard, Indicator, IndicatorValue, Target, Milestone, Commentary, ComparatorValue):
        parts += [latest(model.history.model, "history_id"), latest(model.history.model, "history_date")]
    for model in (ComparatorSettings, Priority, Theme):
        parts.append(latest(model.history.model, "history_date"))
    for model in (IndicatorValue, ComparatorValue, Challenge, ChallengeResponse, ImportRun, Indicator):
        parts.append(latest(model, "id"))
    # Small tables whose rows can go without a trace in history: their size too.
    for model in (ScorecardIndicator, IndicatorMapping, Neighbour, Area, Challenge, ChallengeResponse):
        parts.append(size(model))
    parts.append(latest(ImportRun, "finished_at"))
    return "SELECT " + ", ".join(parts)


def figures_stamp() -> str:
    """One query's worth of "has anything the scorecards show changed?"."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql())
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:24]


def cached_while_unchanged(name: str, identity: tuple, build):
    """`build()`'s result, cached until anything the scorecards show changes (see `figures_stamp`)."""
    key = f"scorecards:{name}:" + hashlib.sha256(repr((identity, figures_stamp())).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, BODY_CACHE_SECONDS)
    return found
