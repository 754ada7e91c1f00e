from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, SignInEvent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "organization", "is_active", "last_login")
    list_filter = ("role", "is_active")
    fieldsets = (*BaseUserAdmin.fieldsets, ("Amity", {"fields": ("role", "organization", "title")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("Amity", {"fields": ("role", "organization")}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "scope",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("scope",)
    readonly_fields = ("digest", "prefix")


@admin.register(SignInEvent)
class SignInEventAdmin(admin.ModelAdmin):
    """The sign-in record, read-only (also at /account/sign-ins/)."""

    list_display = ("at", "username", "outcome", "method", "ip_address", "user_agent")
    list_filter = ("outcome", "method")
    search_fields = ("username", "ip_address")
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
