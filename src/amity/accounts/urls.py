from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("account/security/", views.security, name="security"),
    path("account/sign-ins/", views.signins, name="signins"),
]
