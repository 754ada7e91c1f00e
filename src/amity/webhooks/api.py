"""REST API of the webhooks app: subscriptions (the secret only in the create and rotate answers),
their delivery log with every attempt, redelivery, a test delivery, and the event registry.

Admins and alliance managers see and manage every subscription; partner users their own
organization's (another's answers 404); executives and sales reps see none and may create none.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import,
# and @paginate wraps handlers so string annotations would resolve in ninja's own module.

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from amity.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    Page,
    Resolver,
    Text,
    acting_user,
    changes,
    get_visible,
    partial,
    renamed_fields,
)
from amity.partners.models import Organization

from . import catalog, selectors, services
from .models import Delivery, DeliveryStatus, Subscription

router = Router(tags=["webhooks"])

#: One of the subscribable events (a Literal, so a wrong name is a 422 naming the field).
EventName = Literal[tuple(catalog.EVENTS)]  # type: ignore[valid-type]


class WebhookEventOut(Schema):
    name: str
    label: str
    description: str
    kind: str | None = Field(description="The kind of alliance data it belongs to (partner sharing), if any.")
    example: dict[str, Any] = Field(description="An example of the payload's `data`.")


class WebhookOrganizationRef(Schema):
    id: int
    name: str
    is_home: bool


class WebhookSubscriptionOut(Schema):
    id: int
    name: str
    url: str
    events: list[str]
    active: bool
    organization: WebhookOrganizationRef = Field(
        description="Our company (internal) or the partner it belongs to."
    )
    internal: bool = Field(description="True: receives every event; false: only what the partner sees.")
    secret_prefix: str = Field(description="The start of the secret (the secret itself is shown only once).")
    secret_rotated_at: datetime
    deactivated_reason: str
    archived: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_internal(obj: Subscription) -> bool:
        return obj.organization.is_home

    @staticmethod
    def resolve_archived(obj: Subscription) -> bool:
        return obj.archived_at is not None


class WebhookSubscriptionSecretOut(WebhookSubscriptionOut):
    secret: str = Field(description="The signing secret. Shown only in this answer: keep it.")


class WebhookSubscriptionIn(InputSchema):
    name: Text = Field(..., min_length=1, max_length=100)
    url: Text = Field(
        ...,
        min_length=1,
        max_length=500,
        description="https://…; plain http only to localhost or 127.0.0.1 (a receiver on this machine).",
    )
    events: list[EventName] = Field(..., min_length=1, description="Event names (GET /webhooks/events).")
    active: bool = True


class WebhookSubscriptionCreateIn(WebhookSubscriptionIn):
    organization_id: Id | None = Field(
        None,
        description="Internal users: a partner organization the subscription belongs to (default: our "
        "company). Partner users: omit it (always your organization).",
    )


WebhookSubscriptionPatch = partial(WebhookSubscriptionIn, "WebhookSubscriptionPatch")


class WebhookSubscriptionFilters(Schema):
    include_archived: bool = False
    active: bool | None = None


class WebhookAttemptOut(Schema):
    number: int
    started_at: datetime
    duration_ms: int
    status_code: int | None
    succeeded: bool
    response_body: str = Field(description="The first 2,000 characters of the answer.")
    error: str


class WebhookDeliveryOut(Schema):
    id: int
    uid: UUID = Field(description="The Amity-Delivery header.")
    subscription_id: int
    event: str
    event_id: UUID
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    response_status: int | None
    response_body: str
    error: str
    payload: dict[str, Any]
    created_at: datetime
    attempt_log: list[WebhookAttemptOut]

    @staticmethod
    def resolve_attempt_log(obj: Delivery) -> list[Any]:
        return list(obj.attempt_log.all())


class WebhookDeliveryFilters(Schema):
    status: DeliveryStatus | None = None
    event: Text | None = None


def _subscription(user: Any, subscription_id: int) -> Subscription:
    return get_visible(
        Subscription,
        user,
        subscription_id,
        Subscription.objects.visible_to(user).select_related("organization"),
    )


def _delivery(user: Any, delivery_id: int) -> Delivery:
    qs = Delivery.objects.visible_to(user).select_related("subscription").prefetch_related("attempt_log")
    return get_visible(Delivery, user, delivery_id, qs)


def _with_secret(subscription: Subscription, secret: str) -> Subscription:
    subscription.secret = secret  # type: ignore[attr-defined]  # this answer only; never stored here
    return subscription


@router.get("/webhooks/events", response={200: list[WebhookEventOut], **READ_ERRORS})
def event_list(request: HttpRequest):
    """The events a subscription can receive, with an example of each payload's `data`."""
    return list(catalog.EVENTS.values())


@router.get("/webhooks/subscriptions", response={200: list[WebhookSubscriptionOut], **READ_ERRORS})
@paginate(Page)
def subscription_list(request: HttpRequest, filters: Query[WebhookSubscriptionFilters]):
    qs = selectors.subscription_list(user=acting_user(request), include_archived=filters.include_archived)
    if filters.active is not None:
        qs = qs.filter(active=filters.active)
    return qs


@router.post("/webhooks/subscriptions", response={201: WebhookSubscriptionSecretOut, **WRITE_ERRORS})
def subscription_create(request: HttpRequest, payload: WebhookSubscriptionCreateIn):
    """Create a subscription; the answer holds its secret, which is never shown again."""
    user = acting_user(request)
    data = payload.dict()
    resolve = Resolver(user)
    organization = resolve.one(Organization, data.pop("organization_id"), "organization_id")
    resolve.check()
    with renamed_fields({"organization": "organization_id"}):
        subscription, secret = services.subscription_create(
            user=user, data={**data, "organization": organization}
        )
    return Status(201, _with_secret(subscription, secret))


@router.get(
    "/webhooks/subscriptions/{subscription_id}", response={200: WebhookSubscriptionOut, **READ_ERRORS}
)
def subscription_detail(request: HttpRequest, subscription_id: int):
    return _subscription(acting_user(request), subscription_id)


@router.patch(
    "/webhooks/subscriptions/{subscription_id}", response={200: WebhookSubscriptionOut, **WRITE_ERRORS}
)
def subscription_update(request: HttpRequest, subscription_id: int, payload: WebhookSubscriptionPatch):  # type: ignore[valid-type]
    user = acting_user(request)
    subscription = _subscription(user, subscription_id)
    data, version = changes(payload)
    subscription, _ = services.subscription_update(
        subscription=subscription, data=data, user=user, expected_version=version
    )
    return subscription


@router.delete("/webhooks/subscriptions/{subscription_id}", response={204: None, **WRITE_ERRORS})
def subscription_archive(request: HttpRequest, subscription_id: int):
    """Archive: nothing more is sent; the subscription and its log stay."""
    user = acting_user(request)
    services.subscription_archive(subscription=_subscription(user, subscription_id), user=user)
    return Status(204, None)


@router.post(
    "/webhooks/subscriptions/{subscription_id}/rotate-secret",
    response={200: WebhookSubscriptionSecretOut, **WRITE_ERRORS},
)
def subscription_rotate_secret(request: HttpRequest, subscription_id: int):
    """A new secret (in this answer only); the old one stops signing at once."""
    user = acting_user(request)
    subscription, secret = services.subscription_rotate_secret(
        subscription=_subscription(user, subscription_id), user=user
    )
    return _with_secret(subscription, secret)


@router.post(
    "/webhooks/subscriptions/{subscription_id}/test", response={202: WebhookDeliveryOut, **WRITE_ERRORS}
)
def subscription_test(request: HttpRequest, subscription_id: int):
    """Queue a `ping` delivery (one attempt, no retries); follow it in the delivery log."""
    user = acting_user(request)
    delivery = services.subscription_test(subscription=_subscription(user, subscription_id), user=user)
    return Status(202, _delivery(user, delivery.pk))


@router.get(
    "/webhooks/subscriptions/{subscription_id}/deliveries",
    response={200: list[WebhookDeliveryOut], **READ_ERRORS},
)
@paginate(Page)
def delivery_list(request: HttpRequest, subscription_id: int, filters: Query[WebhookDeliveryFilters]):
    """The subscription's deliveries, newest first, each with its attempts."""
    user = acting_user(request)
    qs = selectors.delivery_list(
        user=user, subscription=_subscription(user, subscription_id), status=filters.status
    )
    if filters.event:
        qs = qs.filter(event=filters.event)
    return qs


@router.get("/webhooks/deliveries/{delivery_id}", response={200: WebhookDeliveryOut, **READ_ERRORS})
def delivery_detail(request: HttpRequest, delivery_id: int):
    return _delivery(acting_user(request), delivery_id)


@router.post(
    "/webhooks/deliveries/{delivery_id}/redeliver", response={202: WebhookDeliveryOut, **WRITE_ERRORS}
)
def delivery_redeliver(request: HttpRequest, delivery_id: int):
    """Send a failed (or given-up) delivery again now, with a fresh retry schedule."""
    user = acting_user(request)
    delivery = services.delivery_redeliver(delivery=_delivery(user, delivery_id), user=user)
    return Status(202, _delivery(user, delivery.pk))
