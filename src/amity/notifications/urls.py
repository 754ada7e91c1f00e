from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/feeds/<int:pk>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]
