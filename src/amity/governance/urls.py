"""Governance pages: the alliance's Governance tab and what hangs off it, plus the
portfolio-wide action item and escalation lists."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    # the tab (its URL name is used by the alliance tab bar)
    path("alliances/<int:pk>/governance/", views.alliance_governance, name="alliance_governance"),
    path(
        "alliances/<int:pk>/governance/apply-defaults/",
        views.cadence_apply_defaults,
        name="cadence_apply_defaults",
    ),
    # bodies
    path("alliances/<int:alliance_pk>/bodies/new/", views.BodyEditView.as_view(), name="body_create"),
    path("governance-bodies/<int:pk>/edit/", views.BodyEditView.as_view(), name="body_edit"),
    path("governance-bodies/<int:pk>/archive/", views.BodyArchiveView.as_view(), name="body_archive"),
    path("governance-bodies/<int:pk>/members/add/", views.body_member_add, name="body_member_add"),
    path("body-members/<int:pk>/remove/", views.body_member_remove, name="body_member_remove"),
    # cadences
    path("alliances/<int:alliance_pk>/cadences/new/", views.CadenceEditView.as_view(), name="cadence_create"),
    path("cadences/<int:pk>/edit/", views.CadenceEditView.as_view(), name="cadence_edit"),
    path("cadences/<int:pk>/archive/", views.CadenceArchiveView.as_view(), name="cadence_archive"),
    # meetings, decisions
    path("alliances/<int:alliance_pk>/meetings/new/", views.MeetingEditView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.MeetingEditView.as_view(), name="meeting_edit"),
    path("meetings/<int:pk>/status/", views.meeting_status, name="meeting_status"),
    path("meetings/<int:pk>/archive/", views.MeetingArchiveView.as_view(), name="meeting_archive"),
    path("meetings/<int:pk>/decisions/add/", views.decision_add, name="decision_add"),
    path("meetings/<int:pk>/action-items/add/", views.meeting_action_add, name="meeting_action_add"),
    path("decisions/<int:pk>/archive/", views.decision_archive, name="decision_archive"),
    # action items
    path("action-items/", views.ActionItemListView.as_view(), name="action_item_list"),
    path(
        "alliances/<int:alliance_pk>/action-items/new/",
        views.ActionItemEditView.as_view(),
        name="action_item_create",
    ),
    path("action-items/<int:pk>/edit/", views.ActionItemEditView.as_view(), name="action_item_edit"),
    path("action-items/<int:pk>/status/", views.action_item_status, name="action_item_status"),
    path("action-items/<int:pk>/archive/", views.ActionItemArchiveView.as_view(), name="action_item_archive"),
    # escalations
    path("escalations/", views.EscalationListView.as_view(), name="escalation_list"),
    path(
        "alliances/<int:alliance_pk>/escalations/new/",
        views.EscalationEditView.as_view(),
        name="escalation_create",
    ),
    path("escalations/<int:pk>/", views.escalation_detail, name="escalation_detail"),
    path("escalations/<int:pk>/edit/", views.EscalationEditView.as_view(), name="escalation_edit"),
    path("escalations/<int:pk>/decide/", views.escalation_decide, name="escalation_decide"),
    path("escalations/<int:pk>/withdraw/", views.escalation_withdraw, name="escalation_withdraw"),
    path("escalations/<int:pk>/archive/", views.EscalationArchiveView.as_view(), name="escalation_archive"),
]
