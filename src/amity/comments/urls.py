"""Pages of the comments app: threads, comments, a milestone's discussion, the activity feed."""

from django.urls import path, re_path

from . import views

app_name = "comments"
urlpatterns = [
    re_path(
        r"^comments/(?P<kind>plan|milestone|commitment)/(?P<pk>[0-9]{1,18})/$", views.thread, name="thread"
    ),
    path("comments/<int:pk>/", views.comment_detail, name="comment_detail"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/archive/", views.comment_archive, name="comment_archive"),
    path("milestones/<int:pk>/discussion/", views.milestone_discussion, name="milestone_discussion"),
    path("activity/", views.activity, name="activity"),
]
