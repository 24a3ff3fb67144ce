"""A published report's figures, frozen: `freeze` turns the plain data a scorecard shows (`ScorecardFigures`:
the selector's `ScorecardData` and the target each charted period was judged against) into JSON kept in
`ScorecardReport.snapshot`, and `thaw` gives the same objects back, so a report reads exactly as the page did on
the day it was made, whatever is edited later (see docs/pdf.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal

from scorecards import judgements
from scorecards import selectors as scorecard_selectors
from scorecards.models import (
    Scorecard,
)
from scorecards.periods import Period
from scorecards.selectors import (
    ChallengeData,
    ChallengeResponseData,
    CommentaryData,
    ComparatorPoint,
    IndicatorData,
    ScorecardData,
    ScorecardInfo,
    ValuePoint,
    period_targets,
)

_FROZEN_TYPES = {
    cls.__name__: cls
    for cls in (
        ScorecardData,
        ScorecardInfo,
        IndicatorData,
        ValuePoint,
        ComparatorPoint,
        CommentaryData,
        ChallengeData,
        ChallengeResponseData,
    )
}


@dataclass
class ScorecardFigures:
    """Everything a scorecard shows, as plain data: the selector's figures plus the target that applied to
    each period drawn on the charts (a year's target, or the period's milestone)."""

    data: ScorecardData
    period_targets: dict[str, dict[str, Decimal]] = field(default_factory=dict)


_FROZEN_TYPES["ScorecardFigures"] = ScorecardFigures


def freeze(obj):
    """Plain data as JSON-ready values, tagged so that `thaw` gives back the same objects."""
    if isinstance(obj, Decimal):
        return {"$decimal": str(obj)}
    if isinstance(obj, Period):
        return {"$period": obj.key}
    if isinstance(obj, datetime.datetime):
        return {"$datetime": obj.isoformat()}
    if isinstance(obj, datetime.date):
        return {"$date": obj.isoformat()}
    if isinstance(obj, judgements.Rank):
        return {"$rank": [obj.position, obj.out_of]}
    if is_dataclass(obj) and not isinstance(obj, type):
        name = type(obj).__name__
        if name not in _FROZEN_TYPES:
            raise TypeError(f"Cannot freeze a {name}.")
        return {"$type": name, **{f.name: freeze(getattr(obj, f.name)) for f in fields(obj)}}
    if isinstance(obj, list | tuple):
        return [freeze(item) for item in obj]
    if isinstance(obj, dict):
        return {str(key): freeze(value) for key, value in obj.items()}
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    raise TypeError(f"Cannot freeze {obj!r}.")


def thaw(obj):
    if isinstance(obj, list):
        return [thaw(item) for item in obj]
    if not isinstance(obj, dict):
        return obj
    if "$decimal" in obj:
        return Decimal(obj["$decimal"])
    if "$period" in obj:
        return Period.parse(obj["$period"])
    if "$datetime" in obj:
        return datetime.datetime.fromisoformat(obj["$datetime"])
    if "$date" in obj:
        return datetime.date.fromisoformat(obj["$date"])
    if "$rank" in obj:
        return judgements.Rank(*obj["$rank"])
    if "$type" in obj:
        cls = _FROZEN_TYPES[obj["$type"]]
        known = {f.name for f in fields(cls)}
        # A snapshot made before a field was added simply lacks it; the field's default stands in.
        return cls(**{key: thaw(value) for key, value in obj.items() if key in known})
    return {key: thaw(value) for key, value in obj.items()}


def scorecard_figures(scorecard: Scorecard, period: Period, filters: dict | None = None) -> ScorecardFigures:
    data = scorecard_selectors.scorecard_data(scorecard, period_key=period.key, filters=filters or {})
    return ScorecardFigures(data=data, period_targets=period_targets(data.indicators))
