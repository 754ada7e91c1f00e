"""Admin views of the pipeline (read mostly; writes belong to the services and pages)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Account,
    DealRegistration,
    Opportunity,
    OpportunityAlliance,
    OpportunityStageChange,
    RegistrationMatch,
)


@admin.register(Account)
class AccountAdmin(SimpleHistoryAdmin):
    list_display = ("name", "domain", "country", "owner_organization", "status", "archived_at")
    list_filter = ("status",)
    search_fields = ("name", "normalized_name", "domain")


class LinkInline(admin.TabularInline):
    model = OpportunityAlliance
    extra = 0


class StageChangeInline(admin.TabularInline):
    model = OpportunityStageChange
    extra = 0
    readonly_fields = ("from_stage", "to_stage", "changed_at", "changed_by")


@admin.register(Opportunity)
class OpportunityAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "account",
        "stage",
        "amount",
        "currency",
        "probability",
        "close_date",
        "archived_at",
    )
    list_filter = ("stage",)
    search_fields = ("name", "account__name")
    inlines = [LinkInline, StageChangeInline]


class MatchInline(admin.TabularInline):
    model = RegistrationMatch
    fk_name = "registration"
    extra = 0
    readonly_fields = ("kind", "on_name", "on_domain", "opportunity", "account", "other_registration")


@admin.register(DealRegistration)
class DealRegistrationAdmin(SimpleHistoryAdmin):
    list_display = ("company_name", "organization", "alliance", "status", "submitted_on", "decision_deadline")
    list_filter = ("status",)
    search_fields = ("company_name", "normalized_name", "domain")
    inlines = [MatchInline]
