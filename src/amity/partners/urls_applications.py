"""The become-a-partner application: the public page (no sign-in) at /become-a-partner/, and our
editors' inbox under /partners/applications/ (mounted at the site root; ``partners.urls`` has no
pattern that catches ``applications/``)."""

from __future__ import annotations

from django.urls import path

from . import views_applications as views

app_name = "partner_applications"
urlpatterns = [
    path("become-a-partner/", views.apply, name="apply"),
    path("become-a-partner/thanks/", views.thanks, name="thanks"),
    path("partners/applications/", views.application_list, name="application_list"),
    path("partners/applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("partners/applications/<int:pk>/vet/", views.application_vet, name="application_vet"),
    path("partners/applications/<int:pk>/approve/", views.application_approve, name="application_approve"),
    path("partners/applications/<int:pk>/reject/", views.application_reject, name="application_reject"),
]
