from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "cscp.impact"
    label = "impact"
    verbose_name = "Impact updates and escalations"

    def ready(self) -> None:
        # Its permissions, navigation items, home sections and demo data.
        from cscp.impact import demo, registry  # noqa: F401
