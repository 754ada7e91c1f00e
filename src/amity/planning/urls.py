"""Planning pages: the Plan and Roadmap tabs of an alliance, forms, and domain verbs."""

from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    # The Plan tab (URL names used by the alliance tab bar) and its plans.
    path("alliances/<int:pk>/plan/", views.alliance_plan, name="alliance_plan"),
    path("alliances/<int:pk>/plan/<int:plan_pk>/", views.alliance_plan, name="plan_detail"),
    path("alliances/<int:alliance_pk>/plan/new/", views.PlanEditView.as_view(), name="plan_create"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/status/", views.plan_status, name="plan_status"),
    path("plans/<int:pk>/agree/", views.plan_agree, name="plan_agree"),
    path("plans/<int:pk>/renew/", views.plan_renew, name="plan_renew"),
    path("plans/<int:pk>/archive/", views.plan_archive, name="plan_archive"),
    path("plans/<int:plan_pk>/objectives/new/", views.ObjectiveEditView.as_view(), name="objective_create"),
    path("plan-objectives/<int:pk>/edit/", views.ObjectiveEditView.as_view(), name="objective_edit"),
    path("plan-objectives/<int:pk>/archive/", views.objective_archive, name="objective_archive"),
    # The Roadmap tab: milestones, joint initiatives, joint offerings.
    path("alliances/<int:pk>/roadmap/", views.alliance_roadmap, name="alliance_roadmap"),
    path(
        "alliances/<int:alliance_pk>/milestones/new/",
        views.MilestoneEditView.as_view(),
        name="milestone_create",
    ),
    path("milestones/<int:pk>/edit/", views.MilestoneEditView.as_view(), name="milestone_edit"),
    path("milestones/<int:pk>/status/", views.milestone_status, name="milestone_status"),
    path("milestones/<int:pk>/archive/", views.milestone_archive, name="milestone_archive"),
    path(
        "alliances/<int:alliance_pk>/initiatives/new/",
        views.InitiativeEditView.as_view(),
        name="initiative_create",
    ),
    path("initiatives/<int:pk>/edit/", views.InitiativeEditView.as_view(), name="initiative_edit"),
    path("initiatives/<int:pk>/archive/", views.initiative_archive, name="initiative_archive"),
    path(
        "alliances/<int:alliance_pk>/offerings/new/", views.OfferingEditView.as_view(), name="offering_create"
    ),
    path("offerings/<int:pk>/edit/", views.OfferingEditView.as_view(), name="offering_edit"),
    path("offerings/<int:pk>/archive/", views.offering_archive, name="offering_archive"),
]
