"""MDF pages under /mdf/."""

from django.urls import path

from . import views, views_claims, views_incentives

app_name = "funds"
urlpatterns = [
    path("mdf/", views.overview, name="overview"),
    path("alliances/<int:pk>/mdf/", views.alliance_mdf, name="alliance_mdf"),
    path("mdf/budgets/new/", views.budget_create, name="budget_create"),
    path("mdf/budgets/<int:pk>/", views.budget_detail, name="budget_detail"),
    path("mdf/budgets/<int:pk>/top-up/", views.budget_top_up, name="budget_top_up"),
    path("mdf/budgets/<int:pk>/renew/", views.budget_renew, name="budget_renew"),
    path("mdf/requests/", views.RequestListView.as_view(), name="request_list"),
    path("mdf/requests/new/", views.request_create, name="request_create"),
    path("mdf/requests/<int:pk>/", views.request_detail, name="request_detail"),
    path(
        "mdf/requests/<int:pk>/<str:action>/",
        views.request_action,
        name="request_action",
    ),
    path("mdf/requests/<int:pk>/claims/new/", views_claims.claim_create, name="claim_create"),
    path("mdf/claims/", views_claims.ClaimListView.as_view(), name="claim_list"),
    path("mdf/claims/<int:pk>/", views_claims.claim_detail, name="claim_detail"),
    path("mdf/claims/<int:pk>/<str:action>/", views_claims.claim_action, name="claim_action"),
    path("mdf/proofs/<int:pk>/download/", views_claims.proof_download, name="proof_download"),
    path("mdf/exchange-rates/", views_claims.RateListView.as_view(), name="rate_list"),
    path("mdf/exchange-rates/new/", views_claims.rate_edit, name="rate_create"),
    path("mdf/exchange-rates/<int:pk>/", views_claims.rate_edit, name="rate_edit"),
    path("incentives/", views_incentives.StatementListView.as_view(), name="statement_list"),
    path("incentives/compute/", views_incentives.statements_compute, name="statements_compute"),
    path("incentives/statements/<int:pk>/", views_incentives.statement_detail, name="statement_detail"),
    path(
        "incentives/statements/<int:pk>/<str:action>/",
        views_incentives.statement_action,
        name="statement_action",
    ),
    path("incentives/exceptions/", views_incentives.exceptions, name="incentive_exceptions"),
    path("incentives/plans/", views_incentives.PlanListView.as_view(), name="incentive_plan_list"),
    path("incentives/plans/new/", views_incentives.plan_edit, name="incentive_plan_create"),
    path("incentives/plans/<int:pk>/", views_incentives.plan_detail, name="incentive_plan_detail"),
    path("incentives/plans/<int:pk>/edit/", views_incentives.plan_edit, name="incentive_plan_edit"),
    path("incentives/plans/<int:pk>/<str:what>/", views_incentives.plan_add, name="incentive_plan_add"),
    path(
        "incentives/plans/<int:pk>/<str:what>/<int:item>/<str:action>/",
        views_incentives.plan_item_action,
        name="incentive_plan_item_action",
    ),
]
