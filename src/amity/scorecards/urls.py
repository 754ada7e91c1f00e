"""Scorecard, KPI, business-case and optimizer pages."""

from django.urls import path

from . import views, views_business_case, views_insights, views_optimizer, views_pdf

app_name = "scorecards"
urlpatterns = [
    path("scorecards/", views.portfolio, name="scorecard_portfolio"),
    path("scorecards/kpis/", views.kpi_list, name="kpi_list"),
    path("scorecards/ecosystem/", views_insights.ecosystem_map, name="ecosystem"),
    path("scorecards/report.pdf", views_pdf.portfolio_report, name="portfolio_report"),
    path(
        "scorecards/business-cases/<int:pk>/case.pdf", views_pdf.business_case_pdf, name="business_case_pdf"
    ),
    path("alliances/<int:pk>/qbr.pdf", views_pdf.qbr_pack, name="qbr_pack"),
    path("scorecards/practices/", views_insights.practices_performance, name="practices"),
    path("scorecards/kpis/<int:pk>/", views.kpi_edit, name="kpi_edit"),
    path("alliances/<int:pk>/scorecard/", views.alliance_scorecard, name="alliance_scorecard"),
    path("alliances/<int:pk>/scorecard/costs/", views.cost_create, name="cost_create"),
    *views_business_case.urlpatterns,
    *views_optimizer.urlpatterns,
]
