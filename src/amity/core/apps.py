from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "amity.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from .agenda import register_daily
        from .idempotency import purge

        register_daily("idempotency-keys", purge)
