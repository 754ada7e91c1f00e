"""Assessment pages."""

from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("assessments/", views.AssessmentListView.as_view(), name="assessment_list"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/answer/", views.assessment_answer, name="assessment_answer"),
    path("assessments/<int:pk>/<str:action>/", views.assessment_action, name="assessment_action"),
    path("alliances/<int:pk>/assessments/", views.alliance_assessments, name="alliance_assessments"),
    path("alliances/<int:pk>/assessments/new/", views.assessment_create, name="assessment_create"),
    path("instruments/", views.instrument_list, name="instrument_list"),
    path("instruments/<int:pk>/", views.instrument_detail, name="instrument_detail"),
]
