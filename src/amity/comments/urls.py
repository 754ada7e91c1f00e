"""Pages of the comments app."""

app_name = "comments"
urlpatterns: list = []
