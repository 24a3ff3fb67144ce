"""The `<period:period_key>` part of a scorecard address: a period's key, read with `parse_period`.

An address whose period is not one (a month 13, a year 9999, text of any kind) matches no page, so it is
answered with a 404 before any view sees it. The view still gets the key as text, as it would from `<str:...>`.
"""

from __future__ import annotations

from scorecards.periods import Period, parse_period


class PeriodKeyConverter:
    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        return parse_period(value).key  # PeriodError is a ValueError: Django reads it as "no match"

    def to_url(self, value: Period | str) -> str:
        return value.key if isinstance(value, Period) else str(value)
