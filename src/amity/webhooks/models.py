"""Webhook subscriptions, their signing secrets, and the delivery log.

A subscription belongs to an organization: our own company (an *internal* subscription, which
receives every event it subscribes to) or a partner (which receives only the events about what
that partner sees in Amity). Admins and alliance managers manage every subscription; partner
users manage their own organization's; executives and sales reps see none.

Deliveries and their attempts are a log: never edited by people, never deleted.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from amity.core.models import BaseModel, VisibleQuerySet
from amity.core.permissions import is_editor
from amity.core.roles import Role

from . import catalog, conf

#: Who may see and manage subscriptions (partners: only their own organization's).
MANAGERS = frozenset({Role.ADMIN, Role.MANAGER, Role.PARTNER})
#: Hosts a receiver may use plain http on (a receiver on the same machine, for development).
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
#: How much of a receiver's answer is kept.
EXCERPT_CHARS = 2000


def is_local_host(host: str) -> bool:
    return (host or "").lower().strip("[]") in LOCAL_HOSTS


def _not_public(host: str) -> bool:
    """An IP-address host that is not a public address (private, loopback, link-local …)."""
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_global
    except ValueError:
        return False  # a name: checked when it is resolved, at delivery


def check_url(url: str, *, internal: bool) -> None:
    """https, except plain http to this machine; a partner's receiver must be a public address."""
    try:
        parts = urlsplit(url or "")
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError:
        raise ValidationError({"url": "This is not a valid address."}) from None
    if parts.scheme not in ("https", "http") or not host:
        raise ValidationError({"url": "Enter the receiver's full address, e.g. https://example.com/amity."})
    if parts.username or parts.password:
        raise ValidationError({"url": "Leave user name and password out of the address."})
    if parts.scheme == "http" and not is_local_host(host):
        raise ValidationError(
            {"url": "Use https (plain http is allowed only for a receiver on localhost or 127.0.0.1)."}
        )
    private_allowed = internal or conf.allow_private_targets()
    if not private_allowed and (is_local_host(host) or _not_public(host)):
        raise ValidationError(
            {
                "url": "A partner's webhook must go to a public https address, not this machine or a private network."
            }
        )


class Subscription(BaseModel):
    """Where to send which events, signed with the subscription's secret."""

    organization = models.ForeignKey(
        "partners.Organization",
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
        help_text="Our company for an internal subscription, or the partner it belongs to.",
    )
    name = models.CharField(max_length=100)
    url = models.URLField("receiver URL", max_length=500)
    events = models.JSONField(default=list, blank=True, help_text="The event names sent to the receiver.")
    active = models.BooleanField(default=True)
    secret_prefix = models.CharField(max_length=16, editable=False, help_text="The start of the secret.")
    secret_rotated_at = models.DateTimeField(default=timezone.now, editable=False)
    deactivated_reason = models.CharField(max_length=300, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    policy = {"view": MANAGERS, "create": MANAGERS, "change": MANAGERS, "archive": MANAGERS}

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "webhook subscription"
        indexes = [models.Index(fields=["active", "archived_at"], name="webhooks_sub_active")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("webhooks:subscription_detail", args=[self.pk])

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(organization_id=organization_id)

    @classmethod
    def internal_visibility(cls, user: Any) -> Q | None:
        # Executives and sales reps manage no integrations: they see no subscriptions.
        return None if is_editor(user) else Q(pk__in=[])

    @property
    def is_internal(self) -> bool:
        return bool(self.organization.is_home)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        self.name = (self.name or "").strip()
        if not self.name:
            errors["name"] = ["Give the webhook a name."]
        events = self.events if isinstance(self.events, list) else None
        if events is None or not all(isinstance(e, str) for e in events):
            errors["events"] = ["Give a list of event names."]
        else:
            unknown = [e for e in events if e not in catalog.EVENTS]
            if unknown:
                errors["events"] = [
                    f"Unknown event {', '.join(map(repr, unknown))}; choose from {', '.join(catalog.EVENTS)}."
                ]
            elif not events:
                errors["events"] = ["Choose at least one event."]
            else:
                self.events = [e for e in catalog.EVENTS if e in set(events)]  # one each, in order
        if self.url and self.organization_id:
            try:
                check_url(self.url, internal=self.organization.is_home)
            except ValidationError as exc:
                errors.setdefault("url", []).extend(exc.message_dict["url"])
        if errors:
            raise ValidationError(errors)


class SubscriptionSecret(models.Model):
    """The signing secret of a subscription, kept apart so history never copies it.

    Stored as is: Amity must know the secret to sign with it (as every webhook sender does),
    and Amity has no encryption library to keep it under a key of its own. It is shown once,
    when created or rotated, and never returned by a page or the API afterwards.
    """

    subscription = models.OneToOneField(
        Subscription, on_delete=models.CASCADE, primary_key=True, related_name="signing_secret"
    )
    secret = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "webhook secret"

    def __str__(self) -> str:
        return f"secret of {self.subscription_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed, retrying"
    GAVE_UP = "gave_up", "Gave up"


#: States in which the worker still tries to deliver.
OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class Delivery(models.Model):
    """One event for one subscription: the payload (already fitted to what the subscriber may
    see), where its delivery stands, and the receiver's last answer. Every try is an attempt."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="deliveries")
    uid = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, help_text="Amity-Delivery header."
    )
    event = models.CharField(max_length=60)
    event_id = models.UUIDField(help_text="The event's id: the same in every subscription's delivery.")
    alliance_id = models.PositiveBigIntegerField(null=True, blank=True)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    #: Attempts made before the last redelivery: the retry schedule counts from here.
    retry_base = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="webhooks_one_delivery_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhooks_delivery_due"),
            models.Index(fields=["subscription", "-created_at"], name="webhooks_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("webhooks:delivery_detail", args=[self.pk])

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(subscription__organization_id=organization_id)

    @classmethod
    def internal_visibility(cls, user: Any) -> Q | None:
        return Subscription.internal_visibility(user)

    @property
    def can_redeliver(self) -> bool:
        return self.status in (DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP)


class DeliveryAttempt(models.Model):
    """One try of a delivery: when, how long, and what the receiver answered (or the error)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    error = models.TextField(blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhooks_one_attempt_per_number"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}"
