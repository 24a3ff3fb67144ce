from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "scorecards"
    verbose_name = "Performance scorecards"

    def ready(self) -> None:
        # Navigation, home and Board pack sections this app adds to the core's pages.
        from scorecards import registry  # noqa: F401
