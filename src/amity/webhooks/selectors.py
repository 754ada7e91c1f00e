"""Reads of webhooks, always for a user (through the visibility rule)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from .models import Delivery, DeliveryStatus, Subscription


def subscription_list(*, user: Any, include_archived: bool = False) -> QuerySet[Subscription]:
    qs = Subscription.objects.visible_to(user).select_related("organization")
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs.annotate(
        last_delivery_at=Max("deliveries__created_at"),
        failing=Count(
            "deliveries",
            filter=Q(deliveries__status__in=[DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP]),
        ),
    ).order_by("name", "pk")


def delivery_list(*, user: Any, subscription: Subscription, status: str | None = None) -> QuerySet[Delivery]:
    qs = (
        Delivery.objects.visible_to(user)
        .filter(subscription=subscription)
        .select_related("subscription")
        .prefetch_related("attempt_log")
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")
