from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "cscp.actions"
    label = "actions"
    verbose_name = "Action tracker"

    def ready(self) -> None:
        # Its permissions, its navigation item and its home section.
        from cscp.actions import registry  # noqa: F401
