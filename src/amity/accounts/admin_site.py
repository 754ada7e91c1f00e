"""The Django admin behind Amity's own sign-in.

The admin never shows its own login form: signing in there would skip the throttled,
two-step sign-in. A user with an authenticator device must have verified it in this session
to use the admin (users without one are not forced to enrol: two-step sign-in is optional).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


def needs_second_factor(user: Any) -> bool:
    """True for a signed-in user who has an authenticator device but has not used it this session."""
    from django_otp import user_has_device

    if not getattr(user, "is_authenticated", False) or not user_has_device(user, confirmed=True):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


class AmityAdminSite(admin.AdminSite):
    site_header = "Amity administration"
    site_title = "Amity administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not needs_second_factor(request.user)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
        user = request.user
        if user.is_authenticated:
            if user.is_active and user.is_staff:
                # Only the second factor is missing.
                return redirect_to_login(next_url, reverse("login_verify"))
            raise PermissionDenied("Only admins may use the administration site.")
        return redirect_to_login(next_url, reverse("login"))
