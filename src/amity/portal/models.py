"""Invitations of partner users, and the record of who switched a partner user's access off or on.

An invitation's link carries a random token (``secrets.token_urlsafe``); only its SHA-256 digest
is stored, as for API tokens, so the database never holds a working link. The link works once:
accepting it creates the partner user and marks the invitation accepted. Expiry and revocation
are columns, checked on every use.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from amity.core.models import BaseModel
from amity.core.roles import EDITORS


def invitation_days() -> int:
    """How long an invitation link stays valid (``AMITY_INVITATION_DAYS``, default 7)."""
    return int(getattr(settings, "AMITY_INVITATION_DAYS", 7))


def open_invitations_max() -> int:
    """At most this many open invitations per organization (``AMITY_INVITATIONS_OPEN_MAX``, default 50)."""
    return int(getattr(settings, "AMITY_INVITATIONS_OPEN_MAX", 50))


class InvitationStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


def open_q(now: datetime | None = None) -> Q:
    """Invitations whose link still works at ``now``."""
    return Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(BaseModel):
    """An invitation for one person to become a partner user of one partner organization."""

    email = models.EmailField("e-mail")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    organization = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="invitations",
        help_text="The partner organization the person will belong to.",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    last_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_count = models.PositiveSmallIntegerField(default=0, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
        editable=False,
        help_text="The partner user created when the invitation was accepted.",
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    policy = {"view": EDITORS, "create": EDITORS, "change": EDITORS, "archive": EDITORS}

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "accepted_at", "revoked_at"], name="portal_inv_org_state"),
            models.Index(fields=["email"], name="portal_inv_email"),
            models.Index(fields=["expires_at"], name="portal_inv_expires"),
        ]
        constraints = [
            models.CheckConstraint(
                name="portal_invitation_not_accepted_and_revoked",
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
            ),
            models.CheckConstraint(
                name="portal_invitation_accepted_has_user",
                condition=Q(accepted_at__isnull=True) | Q(user__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.organization}"

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q | None:
        return None  # who is invited is the inviting company's business

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def status_on(self, now: datetime | None = None) -> str:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return InvitationStatus.EXPIRED
        return InvitationStatus.OPEN

    @property
    def status(self) -> str:
        return self.status_on()

    @property
    def status_label(self) -> str:
        return InvitationStatus(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status == InvitationStatus.OPEN


class AccessAction(models.TextChoices):
    DEACTIVATED = "deactivated", "Deactivated"
    REACTIVATED = "reactivated", "Reactivated"


class AccessChange(models.Model):
    """Someone switched a partner user's access off or on: who, whom, when (never edited).

    ``User`` has no history of its own, so this is where "who deactivated Lena, and when"
    is kept.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_changes"
    )
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="portal_access_user_at")]
        constraints = [
            models.CheckConstraint(
                name="portal_access_action_valid", condition=Q(action__in=["deactivated", "reactivated"])
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display().lower()} at {self.at:%Y-%m-%d %H:%M}"
