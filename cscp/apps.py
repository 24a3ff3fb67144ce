from pathlib import Path

from celery.schedules import crontab
from django.apps import AppConfig
from django.conf import settings


class CscpConfig(AppConfig):
    name = "cscp"
    verbose_name = "Partnership"

    def ready(self) -> None:
        # Predicates and permissions are registered with `rules` on import; signal handlers record sign-ins in the
        # audit log; the core's own pages register their navigation items and home sections like any app's.
        from cscp import home, permissions, schedules, signals  # noqa: F401

        _make_broker_folders()
        # The outbox is also flushed after every commit that adds to it; this catches anything written while the
        # broker or the worker was down.
        schedules.register("send-outbox", task="cscp.tasks.send_outbox", schedule=60.0)
        schedules.register(
            "clear-expired-sessions", task="cscp.tasks.clear_expired_sessions", schedule=crontab(minute=17)
        )
        # What the privacy notice promises: sign-in records and notifications kept for two years.
        schedules.register("apply-retention", task="cscp.tasks.apply_retention", schedule=crontab(hour=2, minute=30))


def _make_broker_folders() -> None:
    """kombu's filesystem transport (the demo's broker) needs its folders before a worker or producer starts."""
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
