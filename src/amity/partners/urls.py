"""Organizations, contacts and certifications, under /partners/."""

from __future__ import annotations

from django.urls import path

from . import views, views_certifications

app_name = "partners"

urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="organization_list"),
    path("new/", views.OrganizationEditView.as_view(), name="organization_create"),
    path("<int:pk>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("<int:pk>/edit/", views.OrganizationEditView.as_view(), name="organization_edit"),
    path("<int:pk>/archive/", views.OrganizationArchiveView.as_view(), name="organization_archive"),
    path("contacts/", views.ContactListView.as_view(), name="contact_list"),
    path("contacts/new/", views.ContactEditView.as_view(), name="contact_create"),
    path("contacts/<int:pk>/", views.ContactDetailView.as_view(), name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.ContactEditView.as_view(), name="contact_edit"),
    path("contacts/<int:pk>/archive/", views.ContactArchiveView.as_view(), name="contact_archive"),
    path(
        "certifications/",
        views_certifications.CertificationListView.as_view(),
        name="certification_list",
    ),
    path(
        "certifications/new/",
        views_certifications.CertificationEditView.as_view(),
        name="certification_create",
    ),
    path(
        "certifications/<int:pk>/edit/",
        views_certifications.CertificationEditView.as_view(),
        name="certification_edit",
    ),
    path(
        "certifications/<int:pk>/archive/",
        views_certifications.CertificationArchiveView.as_view(),
        name="certification_archive",
    ),
]
