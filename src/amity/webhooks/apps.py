from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "amity.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
