from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "amity.notifications"
    label = "notifications"
    verbose_name = "Notifications"
