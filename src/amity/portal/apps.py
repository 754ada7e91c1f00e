from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "amity.portal"
    label = "portal"
    verbose_name = "Partner portal"
