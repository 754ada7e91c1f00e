"""Pages of the portal app (mounted at the site root)."""

from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("partner/", views.home, name="home"),
    path("partner/alliances/<int:pk>/", views.alliance_dashboard, name="alliance_dashboard"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("partner-access/", views.access_list, name="access_list"),
    path("partner-access/<int:pk>/", views.organization_access, name="organization_access"),
    path("partner-access/invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("partner-access/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("partner-access/users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("partner-access/users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
]
