"""Pages of the webhooks app."""

from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("webhooks/", views.subscription_list, name="subscription_list"),
    path("webhooks/new/", views.subscription_create, name="subscription_create"),
    path("webhooks/<int:pk>/", views.subscription_detail, name="subscription_detail"),
    path("webhooks/<int:pk>/edit/", views.subscription_edit, name="subscription_edit"),
    path("webhooks/<int:pk>/rotate-secret/", views.subscription_rotate, name="subscription_rotate"),
    path("webhooks/<int:pk>/test/", views.subscription_test, name="subscription_test"),
    path("webhooks/<int:pk>/archive/", views.subscription_archive, name="subscription_archive"),
    path("webhooks/deliveries/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("webhooks/deliveries/<int:pk>/redeliver/", views.delivery_redeliver, name="delivery_redeliver"),
]
