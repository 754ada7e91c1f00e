from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "amity.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from amity.core import events
        from amity.core.agenda import register_daily

        from . import services

        # Domain events become deliveries (after the emitting transaction commits).
        events.subscribe("webhooks", services.on_event)
        # A safety net for retries a backend could not defer or a stopped worker left behind.
        register_daily("webhooks", lambda today: services.deliveries_retry_due())
