"""Alliance pages (views.py) and portfolio-wide pages (views_portfolio.py)."""

from . import views, views_portfolio

app_name = "alliances"
urlpatterns = views_portfolio.urlpatterns + views.urlpatterns
