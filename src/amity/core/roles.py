"""Roles are cross-cutting: the visibility rule and every policy refer to them."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Alliance manager"
    EXECUTIVE = "executive", "Executive (read-only)"
    SALES = "sales", "Sales rep"
    PARTNER = "partner", "Partner user"


#: Roles of people employed by the company running Amity.
INTERNAL_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.EXECUTIVE, Role.SALES})
EVERYONE = frozenset(Role)
EDITORS = frozenset({Role.ADMIN, Role.MANAGER})
ADMINS = frozenset({Role.ADMIN})
