"""Users with one role each, and personal API tokens stored hashed."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from amity.core.roles import INTERNAL_ROLES, Role


class User(AbstractUser):
    """A person who signs in: staff of the company running Amity, or a partner's user."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MANAGER)
    organization = models.ForeignKey(
        "partners.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="The partner organization a partner user belongs to.",
    )
    title = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="accounts_user_partner_has_organization",
                condition=~models.Q(role="partner") | models.Q(organization__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if self.role == Role.PARTNER and not self.organization_id:
            raise ValidationError({"organization": "A partner user must belong to a partner organization."})
        if self.role == Role.PARTNER and self.organization and self.organization.is_home:
            raise ValidationError({"organization": "A partner user cannot belong to our own company."})

    def save(self, *args, **kwargs) -> None:
        # One source of truth for power: the role. `createsuperuser` makes an admin; the
        # admin role gets the Django admin (where tiers, rules and gates are configured).
        if self.is_superuser and self.role != Role.ADMIN and self._state.adding:
            self.role = Role.ADMIN
        self.is_staff = self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)

    @property
    def is_internal(self) -> bool:
        return self.role in INTERNAL_ROLES

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="API token")
    prefix = models.CharField(max_length=16, help_text="First characters, to recognise a token.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) for {self.user.username}"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
