"""Admin for governance: the program's default cadences (rules as data) and, for support,
the per-alliance rows."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActionItem,
    BodyMember,
    Cadence,
    CadenceTemplate,
    Decision,
    Escalation,
    GovernanceBody,
    Meeting,
)


@admin.register(CadenceTemplate)
class CadenceTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "meeting_kind", "interval_months", "body_kind", "order", "archived_at")
    ordering = ("order", "id")


class BodyMemberInline(admin.TabularInline):
    model = BodyMember
    extra = 0
    raw_id_fields = ("contact",)


@admin.register(GovernanceBody)
class GovernanceBodyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "alliance", "kind", "archived_at")
    list_filter = ("kind",)
    search_fields = ("name", "alliance__name")
    raw_id_fields = ("alliance",)
    inlines = [BodyMemberInline]


@admin.register(Cadence)
class CadenceAdmin(SimpleHistoryAdmin):
    list_display = ("alliance", "meeting_kind", "interval_months", "body", "active", "archived_at")
    list_filter = ("meeting_kind", "active")
    search_fields = ("alliance__name",)
    raw_id_fields = ("alliance", "body")


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("title", "alliance", "kind", "scheduled_start", "status", "archived_at")
    list_filter = ("kind", "status")
    search_fields = ("title", "alliance__name")
    raw_id_fields = ("alliance", "body", "attendees")
    date_hierarchy = "scheduled_start"


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "alliance", "meeting", "decided_on", "archived_at")
    raw_id_fields = ("alliance", "meeting", "recorded_by")


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ("title", "alliance", "owner", "due_date", "status", "archived_at")
    list_filter = ("status",)
    search_fields = ("title", "alliance__name")
    raw_id_fields = ("alliance", "meeting", "owner")


@admin.register(Escalation)
class EscalationAdmin(SimpleHistoryAdmin):
    list_display = ("title", "alliance", "raised_on", "status", "decided_on", "archived_at")
    list_filter = ("status",)
    search_fields = ("title", "alliance__name")
    raw_id_fields = ("alliance", "to_body", "to_sponsor", "to_contact", "decided_by_contact")
