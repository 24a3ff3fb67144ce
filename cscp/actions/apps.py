from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "cscp.actions"
    label = "actions"
    verbose_name = "Action tracker"

    def ready(self) -> None:
        # Its permissions, its navigation item, its home section and its demo data.
        from cscp.actions import demo, registry  # noqa: F401
