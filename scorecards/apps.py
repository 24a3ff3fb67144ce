from celery.schedules import crontab
from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "scorecards"
    verbose_name = "Performance scorecards"

    def ready(self) -> None:
        from cscp import schedules

        # Navigation, home and Board pack sections, demo data; and the import task, which runs queues by its name.
        from scorecards import demo, registry, tasks  # noqa: F401

        # Responsible officers: values missing for the last complete period, commentary missing on red indicators.
        schedules.register(
            "scorecards-reminders",
            task="scorecards.tasks.send_scorecard_reminders",
            schedule=crontab(hour=7, minute=15),
        )
        # Each scorecard's monthly or quarterly report is frozen, rendered and sent to the Business Group once it
        # falls due (a unique scorecard × period makes a second run a no-op).
        schedules.register(
            "generate-scorecard-reports", task="scorecards.generate_due_reports", schedule=crontab(hour=6, minute=30)
        )
