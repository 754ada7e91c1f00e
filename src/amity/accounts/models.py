"""Users with one role each, personal API tokens stored hashed, and the record of sign-ins."""

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
    """A personal API token. Only a SHA-256 digest is stored; the token is shown once.

    Its scope limits what it may do on the user's behalf: a *read* token may only read
    (GET, HEAD, OPTIONS); a *write* token may do whatever its user may.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="API token")
    prefix = models.CharField(max_length=16, help_text="First characters, to recognise a token.")
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="accounts_apitoken_scope_valid", condition=models.Q(scope__in=["read", "write"])
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) for {self.user.username}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class SignInEvent(models.Model):
    """One attempt to sign in: who (or which username was tried), from where, how, and how it ended.

    Written by the sign-in signals (password, authenticator code) and on an API token's first
    use; never edited. Kept when the user is removed (``username`` stays).
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Signed in"
        FAILURE = "failure", "Failed"
        LOCKOUT = "lockout", "Locked out"

    class Method(models.TextChoices):
        PASSWORD = "password", "Password"
        OTP = "otp", "Authenticator code"
        TOKEN = "token", "API token, first use"

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="signin_events"
    )
    username = models.CharField(max_length=150, blank=True, help_text="The username given, known or not.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.PASSWORD)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "-at"], name="accounts_signin_user_at"),
            models.Index(fields=["outcome", "-at"], name="accounts_signin_outcome_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username or '?'} {self.get_outcome_display().lower()} at {self.at:%Y-%m-%d %H:%M}"
