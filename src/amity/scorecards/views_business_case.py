"""Business-case pages (being written)."""

urlpatterns: list = []
