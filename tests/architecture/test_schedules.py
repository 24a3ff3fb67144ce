"""Each app's scheduled work reaches beat: the entries it registers when it starts, each naming a task that exists."""

from config.celery import add_the_apps_schedules, app


def test_beat_runs_every_apps_scheduled_work():
    app.loader.import_default_modules()  # what a worker and beat do when they start: import every app's tasks
    add_the_apps_schedules(app)
    schedule = app.conf.beat_schedule
    assert {
        "send-outbox",
        "clear-expired-sessions",
        "apply-retention",
        "send-reminders",
        "generate-board-packs",
        "scorecards-reminders",
        "generate-scorecard-reports",
    } <= set(schedule)
    missing = sorted(entry["task"] for entry in schedule.values() if entry["task"] not in app.tasks)
    assert not missing, f"These beat entries name tasks that no app defines: {missing}"
