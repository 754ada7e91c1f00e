"""The Django admin, with Amity's admin site (see ``admin_site``).

A module of its own: an ``apps.py`` with two application configs would make Django guess.
"""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class AmityAdminConfig(AdminConfig):
    default_site = "amity.accounts.admin_site.AmityAdminSite"
