"""The Celery app. Tasks are thin wrappers that load by id and call a service; each app keeps its tasks in its own
`tasks.py` and its beat entries in its AppConfig.ready (see cscp/schedules.py)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("partnership_assurance")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every installed app's `tasks` module, the governance apps inside the core included.
app.autodiscover_tasks()


@app.on_after_finalize.connect
def add_the_apps_schedules(sender, **kwargs) -> None:
    """Hand beat every app's entries. Beat sets Django up (so each app has registered its entries in its ready())
    before it finalizes the Celery app, and reads the schedule after."""
    from cscp.schedules import beat_schedule

    sender.conf.beat_schedule = {**(sender.conf.beat_schedule or {}), **beat_schedule()}
