from django.apps import AppConfig


class CscpConfig(AppConfig):
    name = "cscp"
    verbose_name = "Partnership"

    def ready(self) -> None:
        # Predicates and permissions are registered with `rules` on import; signal handlers record sign-ins in the
        # audit log; the core's own parts register their navigation, home and Board pack sections like any app's;
        # demo_governance registers the demo's governance cycle, which seed_demo loads after the partnership.
        from cscp import demo_governance, home, permissions, signals  # noqa: F401
        from cscp.actions import registry as actions_registry  # noqa: F401
        from cscp.boardpack import registry as boardpack_registry  # noqa: F401
        from cscp.celery import ensure_broker_folders
        from cscp.impact import registry as impact_registry  # noqa: F401

        ensure_broker_folders()
