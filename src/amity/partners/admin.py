from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Contact, Organization


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "partner_kind", "country", "is_home", "archived_at")
    list_filter = ("partner_kind", "is_home")
    search_fields = ("name", "domain")


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "organization", "title", "function", "archived_at")
    search_fields = ("first_name", "last_name", "email", "organization__name")
