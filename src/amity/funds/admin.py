"""Admin views of the funds app. Programs and exchange rates are data edited here; budgets
and the ledger are read-only - money moves only through the services (the ledger)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Budget, ExchangeRate, FundProgram, LedgerEntry


@admin.register(FundProgram)
class FundProgramAdmin(SimpleHistoryAdmin):
    list_display = ("name", "default_cofunding_share", "claim_window_days", "active", "archived_at")
    list_filter = ("active",)
    search_fields = ("name",)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(SimpleHistoryAdmin):
    list_display = ("currency", "rate", "valid_from", "archived_at")
    list_filter = ("currency",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Budget)
class BudgetAdmin(ReadOnlyAdmin):
    list_display = (
        "organization",
        "program",
        "fiscal_year",
        "currency",
        "allocated",
        "available",
        "expiry_date",
    )
    list_filter = ("fiscal_year", "program")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("budget", "kind", "amount", "at", "created_by", "note")
    list_filter = ("kind",)
