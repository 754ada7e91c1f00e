"""Funds and incentives: URLs (being written)."""

from django.urls import path  # noqa: F401

app_name = "funds"
urlpatterns: list = []
