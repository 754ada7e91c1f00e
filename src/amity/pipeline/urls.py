from django.urls import path

from . import views, views_forecast, views_imports, views_leads, views_mapping

app_name = "pipeline"
urlpatterns = [
    path("alliances/<int:pk>/pipeline/", views.alliance_pipeline, name="alliance_pipeline"),
    path("pipeline/accounts/", views.AccountListView.as_view(), name="account_list"),
    path("pipeline/accounts/new/", views.AccountEditView.as_view(), name="account_create"),
    path("pipeline/accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("pipeline/accounts/<int:pk>/edit/", views.AccountEditView.as_view(), name="account_edit"),
    path("pipeline/opportunities/", views.OpportunityListView.as_view(), name="opportunity_list"),
    path("pipeline/opportunities/new/", views.OpportunityEditView.as_view(), name="opportunity_create"),
    path("pipeline/opportunities/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path(
        "pipeline/opportunities/<int:pk>/edit/", views.OpportunityEditView.as_view(), name="opportunity_edit"
    ),
    path("pipeline/opportunities/<int:pk>/stage/", views.opportunity_stage, name="opportunity_stage"),
    path("pipeline/registrations/", views.RegistrationListView.as_view(), name="registration_list"),
    path("pipeline/registrations/new/", views.registration_create, name="registration_create"),
    path("pipeline/registrations/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("pipeline/registrations/<int:pk>/approve/", views.registration_approve, name="registration_approve"),
    path("pipeline/registrations/<int:pk>/reject/", views.registration_reject, name="registration_reject"),
    path("pipeline/registrations/<int:pk>/convert/", views.registration_convert, name="registration_convert"),
    *views_forecast.urlpatterns,
    *views_imports.urlpatterns,
    *views_mapping.urlpatterns,
    *views_leads.urlpatterns,
]
