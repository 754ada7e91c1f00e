"""Portfolio optimizer pages (being written)."""

urlpatterns: list = []
