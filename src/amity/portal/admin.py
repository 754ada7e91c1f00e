"""Invitations and access changes in the admin: read-only records (invite, resend, revoke and
switch access on the People-with-access pages, which go through the services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AccessChange, Invitation


class ReadOnly:
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnly, SimpleHistoryAdmin):
    list_display = (
        "email",
        "organization",
        "status_label",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
    )
    list_filter = ("organization",)
    search_fields = ("email", "first_name", "last_name")
    exclude = ("token_digest",)


@admin.register(AccessChange)
class AccessChangeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("at", "user", "action", "changed_by")
    list_filter = ("action",)
    date_hierarchy = "at"
