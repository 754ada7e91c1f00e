"""Alliance pages (views.py) and portfolio-wide pages (views_portfolio.py)."""

from . import views, views_portfolio, views_sharing, views_tiers

app_name = "alliances"
urlpatterns = (
    views_portfolio.urlpatterns + views_tiers.urlpatterns + views_sharing.urlpatterns + views.urlpatterns
)
