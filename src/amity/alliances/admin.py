"""Admin for the data that configures the program: tiers, objectives, rules, transitions, gates."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Alliance,
    AllianceMember,
    AllianceParty,
    CorporateObjective,
    GateRequirement,
    ReviewRule,
    StageChange,
    StageTransitionRule,
    StrategicReview,
    Tier,
)


@admin.register(Tier)
class TierAdmin(SimpleHistoryAdmin):
    list_display = ("name", "rank", "target_count", "color", "archived_at")
    ordering = ("rank",)


@admin.register(CorporateObjective)
class CorporateObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "horizon_year", "archived_at")


@admin.register(ReviewRule)
class ReviewRuleAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "order", "name", "outcome", "tier", "archived_at")
    list_filter = ("kind",)
    ordering = ("kind", "order")


@admin.register(StageTransitionRule)
class StageTransitionRuleAdmin(SimpleHistoryAdmin):
    list_display = ("from_stage", "to_stage", "label", "archived_at")


@admin.register(GateRequirement)
class GateRequirementAdmin(SimpleHistoryAdmin):
    list_display = ("stage", "order", "label", "check_kind", "archived_at")
    list_filter = ("stage",)


class PartyInline(admin.TabularInline):
    model = AllianceParty
    extra = 0


class MemberInline(admin.TabularInline):
    model = AllianceMember
    extra = 0
    autocomplete_fields = ("contact",)


@admin.register(Alliance)
class AllianceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "alliance_type", "tier", "stage", "owner", "archived_at")
    list_filter = ("alliance_type", "stage", "tier")
    search_fields = ("name",)
    inlines = [PartyInline, MemberInline]
    readonly_fields = ("stage",)


@admin.register(StrategicReview)
class StrategicReviewAdmin(SimpleHistoryAdmin):
    list_display = ("alliance", "review_date", "criteria_total", "classification", "recommended_tier")
    list_filter = ("classification",)


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ("alliance", "from_stage", "to_stage", "changed_by", "changed_at", "overridden")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
