from celery.schedules import crontab
from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "cscp.reminders"
    label = "reminders"
    verbose_name = "Reminders"

    def ready(self) -> None:
        from cscp import schedules

        # Actions due and overdue, impact updates due and late, escalations awaiting the Board: each reaches a person
        # once (a unique key on the notification).
        schedules.register(
            "send-reminders", task="cscp.reminders.tasks.send_reminders", schedule=crontab(hour=7, minute=0)
        )
