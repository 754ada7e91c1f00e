"""Scorecard, KPI, business-case and optimizer pages."""

from django.urls import path

from . import views, views_business_case, views_insights, views_optimizer

app_name = "scorecards"
urlpatterns = [
    path("scorecards/", views.portfolio, name="scorecard_portfolio"),
    path("scorecards/kpis/", views.kpi_list, name="kpi_list"),
    path("scorecards/ecosystem/", views_insights.ecosystem_map, name="ecosystem"),
    path("scorecards/practices/", views_insights.practices_performance, name="practices"),
    path("scorecards/kpis/<int:pk>/", views.kpi_edit, name="kpi_edit"),
    path("alliances/<int:pk>/scorecard/", views.alliance_scorecard, name="alliance_scorecard"),
    path("alliances/<int:pk>/scorecard/costs/", views.cost_create, name="cost_create"),
    *views_business_case.urlpatterns,
    *views_optimizer.urlpatterns,
]
