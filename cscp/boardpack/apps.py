from celery.schedules import crontab
from django.apps import AppConfig


class BoardPackConfig(AppConfig):
    name = "cscp.boardpack"
    label = "boardpack"
    verbose_name = "Board packs"

    def ready(self) -> None:
        from cscp import schedules
        from cscp.boardpack import registry  # noqa: F401 - its permissions, navigation item and Board pack sections

        # Each Board meeting's pack is made a week before it, once.
        schedules.register(
            "generate-board-packs",
            task="cscp.boardpack.tasks.generate_due_board_packs",
            schedule=crontab(hour=6, minute=0),
        )
