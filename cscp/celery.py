"""The Celery app. Tasks are thin wrappers that load by id and call a service."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cscp.settings")

app = Celery("cscp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The core's own parts keep their tasks beside them.
app.autodiscover_tasks(["cscp.actions", "cscp.impact", "cscp.boardpack", "cscp.reminders"])


def ensure_broker_folders() -> None:
    """kombu's filesystem transport needs its folders to exist before a worker or producer starts."""
    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
