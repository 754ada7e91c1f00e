from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "amity.comments"
    label = "comments"
    verbose_name = "Comments and activity"
