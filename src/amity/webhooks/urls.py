"""Pages of the webhooks app."""

app_name = "webhooks"
urlpatterns: list = []
