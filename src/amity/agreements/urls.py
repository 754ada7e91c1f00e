"""Agreement and commitment pages; the two alliance tabs keep the names the tab bar links to."""

from django.urls import path

from . import views

app_name = "agreements"
urlpatterns = [
    # The alliance page's tabs.
    path("alliances/<int:pk>/agreements/", views.alliance_agreements, name="alliance_agreements"),
    path("alliances/<int:pk>/commitments/", views.alliance_commitments, name="alliance_commitments"),
    path(
        "alliances/<int:alliance_pk>/agreements/new/",
        views.AgreementEditView.as_view(),
        name="agreement_create",
    ),
    path(
        "alliances/<int:alliance_pk>/commitments/new/",
        views.CommitmentEditView.as_view(),
        name="commitment_create",
    ),
    # Agreements and their documents.
    path("agreements/", views.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/new/", views.choose_alliance, {"what": "agreement"}, name="agreement_new"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.AgreementEditView.as_view(), name="agreement_edit"),
    path("agreements/<int:pk>/status/", views.agreement_status, name="agreement_status"),
    path("agreements/<int:pk>/archive/", views.agreement_archive, name="agreement_archive"),
    path("agreements/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path(
        "agreements/<int:pk>/documents/<int:doc_pk>/download/",
        views.document_download,
        name="document_download",
    ),
    path(
        "agreements/<int:pk>/documents/<int:doc_pk>/archive/", views.document_archive, name="document_archive"
    ),
    # The commitments register.
    path("commitments/", views.CommitmentListView.as_view(), name="commitment_list"),
    path("commitments/new/", views.choose_alliance, {"what": "commitment"}, name="commitment_new"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path("commitments/<int:pk>/edit/", views.CommitmentEditView.as_view(), name="commitment_edit"),
    path("commitments/<int:pk>/status/", views.commitment_status, name="commitment_status"),
    path("commitments/<int:pk>/archive/", views.commitment_archive, name="commitment_archive"),
]
