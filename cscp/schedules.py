"""Scheduled work that each app owns: its beat entries, registered when the app starts.

An app lists its entries in its AppConfig.ready (`schedules.register(...)`), beside the tasks they run, so the
settings name no app's work and a new app adds its schedule without touching them. The Celery app (config/celery.py)
hands the collected entries to beat when beat starts; django-celery-beat's database scheduler then keeps them as
rows an admin can see and pause.
"""

from __future__ import annotations

from typing import Any

_entries: dict[str, dict[str, Any]] = {}


def register(name: str, *, task: str, schedule: Any, **options: Any) -> None:
    """One beat entry: `name` is unique across the product; `schedule` is seconds or a `crontab`."""
    entry = {"task": task, "schedule": schedule}
    if options:
        entry["options"] = options
    _entries[name] = entry


def beat_schedule() -> dict[str, dict[str, Any]]:
    """Every app's entries, by name."""
    return dict(_entries)
