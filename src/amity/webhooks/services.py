"""Every write of webhooks: subscriptions (secret shown once), the event subscriber that turns a
domain event into deliveries, one delivery attempt with its retry schedule, redelivery.

The subscriber (``on_event``) is cheap: it reads the active subscriptions, fits the payload to
what each subscriber may see, writes the ``Delivery`` rows and enqueues one task per row. The
HTTP call happens in the background task (``tasks.deliver`` → ``delivery_attempt``).

Retries: after a failed attempt the next is due 1 min, 5 min, 30 min, 2 h, then 12 h later; the
sixth failed attempt gives up. A 410 Gone gives up at once and deactivates the subscription. The
retry is enqueued with ``run_after`` where the task backend supports it (the database queue
does); ``deliveries_retry_due`` (``amity webhooks retry``, and the worker's daily pass) enqueues
whatever is due otherwise. Each task names the attempt it makes, and claiming an attempt is one
conditional UPDATE, so a duplicate or stale task never sends twice.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from amity import __version__
from amity.alliances.models import Alliance, visible_alliance_ids
from amity.alliances.sharing import sees
from amity.core.events import Event
from amity.core.models import user_role
from amity.core.roles import Role
from amity.core.services import model_archive, model_restore, model_update, require, set_history_user
from amity.partners.models import Organization

from . import catalog, conf, signing, transport
from .models import (
    OPEN_STATUSES,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Subscription,
    SubscriptionSecret,
)

log = logging.getLogger(__name__)

CENT = Decimal("0.01")

#: Wait before the 2nd, 3rd … 6th attempt.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
#: How long an attempt in flight holds its delivery: a worker that dies mid-attempt leaves the
#: delivery due again after this (the retry pass picks it up).
LEASE = timedelta(minutes=10)  # the default of AMITY_WEBHOOK_LEASE_SECONDS (conf.lease_seconds)
EDITABLE = ("name", "url", "events", "active")


def _absolute(url: Any) -> Any:
    if isinstance(url, str) and url.startswith("/"):
        return settings.AMITY_BASE_URL + url
    return url


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal) and o.is_finite():  # at least two places, as the API writes money
            exponent = o.as_tuple().exponent
            return str(o.quantize(CENT)) if isinstance(exponent, int) and exponent > -2 else str(o)
        return super().default(o)


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Decimals and dates as strings (money stays exact), like the API."""
    return json.loads(json.dumps(data, cls=_Encoder))


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- who hears of an event ---------------------------------------------------------------------


def _viewer(organization_id: int) -> Any:
    """A stand-in partner user of ``organization_id``, so the visibility rule itself decides what
    the organization sees (the same rule as its people's pages and API)."""
    return get_user_model()(role=Role.PARTNER, organization_id=organization_id, is_active=True)


def fit(event: Event, organization: Organization, data: dict[str, Any]) -> dict[str, Any] | None:
    """``data`` as ``organization`` may receive it, or None when it may not hear of the event.

    Our company hears of everything. A partner hears of an event of an alliance it is a party
    to, of a kind the alliance shares with it, about an object it sees (``Model.objects
    .visible_to``); the fields the rule redacts for it (revenue figures) are sent as null.
    """
    if organization.is_home:
        return data
    spec = catalog.EVENTS.get(event.name)
    if spec is None:
        return None
    if event.alliance_id is not None:
        if not visible_alliance_ids(organization.pk).filter(alliance_id=event.alliance_id).exists():
            return None
        kind = event.kind or spec.kind
        if kind and not sees(organization.pk, event.alliance_id, kind):
            return None
    elif spec.model is None:
        return None
    if spec.model:
        model = apps.get_model(spec.model)
        obj = model.objects.visible_to(_viewer(organization.pk)).filter(pk=data.get("id")).first()
        if obj is None:
            return None
        hidden = getattr(obj, "_redacted", ())
        if hidden:
            data = {key: (None if key in hidden else value) for key, value in data.items()}
    return data


def on_event(event: Event) -> list[Delivery]:
    """The domain-event subscriber: a delivery per subscription that may hear of the event."""
    if event.name not in catalog.EVENTS:
        return []
    subscriptions = [
        s
        for s in Subscription.objects.filter(active=True, archived_at__isnull=True).select_related(
            "organization"
        )
        if event.name in (s.events or [])
    ]
    if not subscriptions:
        return []
    data = _jsonable(event.data)
    if "url" in data:
        data["url"] = _absolute(data["url"])
    alliance = None
    if event.alliance_id is not None:
        found = Alliance.objects.filter(pk=event.alliance_id).values("id", "name").first()
        alliance = dict(found) if found else {"id": event.alliance_id, "name": ""}
    event_id = uuid.uuid4()
    now = timezone.now()
    rows = []
    for subscription in subscriptions:
        fitted = fit(event, subscription.organization, data)
        if fitted is None:
            continue
        payload = {
            "id": str(event_id),
            "event": event.name,
            "created_at": event.at.isoformat(),
            "alliance": alliance,
            "data": fitted,
        }
        rows.append(
            Delivery(
                subscription=subscription,
                event=event.name,
                event_id=event_id,
                alliance_id=event.alliance_id,
                payload=payload,
                next_attempt_at=now,
            )
        )
    with transaction.atomic():
        created = Delivery.objects.bulk_create(rows)
        for delivery in created:
            _enqueue(delivery.pk, 1)
    return created


def _enqueue(delivery_id: int, attempt: int, at: datetime | None = None) -> None:
    """Queue the attempt once the transaction commits; a later one only if the backend defers
    (else the retry pass enqueues it when due)."""
    from .tasks import deliver

    def go() -> None:
        task = deliver
        if at is not None and at > timezone.now():
            if not task.get_backend().supports_defer:
                return
            task = task.using(run_after=at)
        try:
            task.enqueue(delivery_id, attempt)
        except Exception:  # the queue is away: the retry pass enqueues it later
            log.exception("could not enqueue webhook delivery %s", delivery_id)

    transaction.on_commit(go)


# --- delivering ------------------------------------------------------------------------------


def headers_for(delivery: Delivery, secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": f"Amity-Webhooks/{__version__}",
        "Amity-Event": delivery.event,
        "Amity-Delivery": str(delivery.uid),
        "Amity-Timestamp": str(timestamp),
        "Amity-Signature": signing.sign(secret, timestamp, body),
    }


def _refresh(delivery_id: int) -> Delivery | None:
    return Delivery.objects.select_related("subscription").filter(pk=delivery_id).first()


def delivery_attempt(
    *, delivery_id: int, attempt: int | None = None, now: datetime | None = None
) -> Delivery | None:
    """Make attempt number ``attempt`` (default: the next) of a delivery, if it is due, and
    record it. A duplicate, stale or early call changes nothing and sends nothing."""
    now = now or timezone.now()
    delivery = (
        Delivery.objects.select_related("subscription__organization", "subscription__signing_secret")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status not in OPEN_STATUSES:
        return delivery
    number = delivery.attempts + 1
    if attempt is not None and attempt != number:
        return delivery
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        return delivery
    subscription = delivery.subscription
    is_ping = delivery.event == catalog.PING
    if subscription.archived_at is not None or (not subscription.active and not is_ping):
        Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts, status__in=OPEN_STATUSES).update(
            status=DeliveryStatus.GAVE_UP,
            next_attempt_at=None,
            error="Not sent: the subscription is inactive or archived.",
        )
        return _refresh(delivery.pk)
    claimed = Delivery.objects.filter(
        pk=delivery.pk, attempts=delivery.attempts, status__in=OPEN_STATUSES
    ).update(
        attempts=number, last_attempt_at=now, next_attempt_at=now + timedelta(seconds=conf.lease_seconds())
    )
    if not claimed:
        return _refresh(delivery.pk)  # another worker took this attempt

    body = encode(delivery.payload)
    timestamp = int(now.timestamp())
    secret = subscription.signing_secret.secret
    result = transport.post(
        subscription.url,
        body,
        headers_for(delivery, secret, timestamp, body),
        timeout=conf.timeout(),
        public_only=not subscription.organization.is_home and not conf.allow_private_targets(),
    )
    return _record(delivery, subscription, number, now, result)


def _record(
    delivery: Delivery, subscription: Subscription, number: int, now: datetime, result: transport.Result
) -> Delivery | None:
    tried = number - delivery.retry_base
    fields: dict[str, Any] = {
        "response_status": result.status_code,
        "response_body": result.body,
        "error": result.error,
    }
    retry_at = None
    if result.ok:
        fields.update(status=DeliveryStatus.SUCCEEDED, next_attempt_at=None, delivered_at=now, error="")
    elif result.status_code == 410:
        fields.update(status=DeliveryStatus.GAVE_UP, next_attempt_at=None)
        fields["error"] = "The receiver answered 410 Gone: the subscription was deactivated."
    elif delivery.event == catalog.PING or tried >= MAX_ATTEMPTS:
        fields.update(status=DeliveryStatus.GAVE_UP, next_attempt_at=None)
    else:
        retry_at = now + BACKOFF[tried - 1]
        fields.update(status=DeliveryStatus.FAILED, next_attempt_at=retry_at)
    if not fields["error"] and not result.ok:
        fields["error"] = f"The receiver answered {result.status_code}."
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=number,
            started_at=now,
            duration_ms=result.duration_ms,
            status_code=result.status_code,
            response_body=result.body,
            error=fields["error"],
            succeeded=result.ok,
        )
        updated = Delivery.objects.filter(pk=delivery.pk, attempts=number).update(**fields)
        if updated and result.status_code == 410:
            _deactivate(
                subscription, f"The receiver answered 410 Gone on {timezone.localtime(now):%Y-%m-%d %H:%M}."
            )
        if updated and retry_at is not None:
            _enqueue(delivery.pk, number + 1, at=retry_at)
    return _refresh(delivery.pk)


def _deactivate(subscription: Subscription, reason: str) -> None:
    current = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if not current.active:
        return
    current.active = False
    current.deactivated_reason = reason[:300]
    current.version += 1
    current._change_reason = "deactivated: " + reason
    current.save()


def deliveries_retry_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Enqueue every delivery whose next attempt is due (for task backends that cannot defer,
    and for attempts a stopped worker left behind); returns how many."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status__in=OPEN_STATUSES, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", "attempts")[:limit]
    )
    for pk, attempts in due:
        _enqueue(pk, attempts + 1)
    return len(due)


def delivery_redeliver(*, delivery: Delivery, user: Any) -> Delivery:
    """Send a failed (or given-up) delivery again, now, with a fresh retry schedule."""
    subscription = delivery.subscription
    require(user, "change", subscription)
    if not delivery.can_redeliver:
        raise ValidationError(
            {
                "status": f"Only a failed delivery can be sent again; this one is {delivery.get_status_display().lower()}."
            }
        )
    if subscription.archived_at is not None or (not subscription.active and delivery.event != catalog.PING):
        raise ValidationError({"subscription": "The subscription is inactive: activate it first."})
    now = timezone.now()
    with transaction.atomic():
        updated = Delivery.objects.filter(
            pk=delivery.pk, status=delivery.status, attempts=delivery.attempts
        ).update(status=DeliveryStatus.PENDING, retry_base=delivery.attempts, next_attempt_at=now)
        if updated:
            _enqueue(delivery.pk, delivery.attempts + 1)
    return _refresh(delivery.pk) or delivery


# --- subscriptions -----------------------------------------------------------------------------


def _owner(user: Any, organization: Organization | None) -> Organization:
    """A partner user's subscriptions are their organization's; ours default to our company."""
    if user_role(user) == Role.PARTNER:
        if organization is not None and organization.pk != user.organization_id:
            raise ValidationError({"organization": "You can add webhooks only for your own organization."})
        return user.organization
    if organization is None or organization.is_home:
        from amity.alliances.services import home_organization

        return home_organization()
    if organization.archived_at is not None:
        raise ValidationError({"organization": f"{organization} is archived."})
    return organization


def subscription_create(*, user: Any, data: dict[str, Any]) -> tuple[Subscription, str]:
    """A new subscription and its secret (returned once; only its start is kept on show)."""
    require(user, "create", Subscription)
    data = dict(data)
    organization = _owner(user, data.pop("organization", None))
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in sorted(unknown)})
    secret = signing.new_secret()
    subscription = Subscription(
        organization=organization,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        secret_prefix=secret[:10],
        **data,
    )
    subscription.full_clean()
    set_history_user(subscription, user)
    with transaction.atomic():
        subscription.save()
        SubscriptionSecret.objects.create(subscription=subscription, secret=secret)
    return subscription, secret


def subscription_update(
    *, subscription: Subscription, data: dict[str, Any], user: Any, expected_version: int | None = None
) -> tuple[Subscription, list[str]]:
    """Change name, URL, events or active; activating again clears why it was deactivated."""
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in sorted(unknown)})
    data = dict(data)
    if data.get("active") is True and not subscription.active:
        data["deactivated_reason"] = ""
    return model_update(instance=subscription, data=data, user=user, expected_version=expected_version)


def subscription_archive(*, subscription: Subscription, user: Any) -> Subscription:
    """Archive: nothing more is sent; the subscription and its delivery log stay."""
    return model_archive(instance=subscription, user=user)


def subscription_restore(*, subscription: Subscription, user: Any) -> Subscription:
    return model_restore(instance=subscription, user=user)


def subscription_rotate_secret(*, subscription: Subscription, user: Any) -> tuple[Subscription, str]:
    """A new secret, used from the next attempt on; the old one stops working at once."""
    require(user, "change", subscription)
    if subscription.archived_at is not None:
        raise ValidationError({"subscription": "The subscription is archived."})
    secret = signing.new_secret()
    with transaction.atomic():
        current = Subscription.objects.select_for_update().get(pk=subscription.pk)
        SubscriptionSecret.objects.update_or_create(
            subscription=current, defaults={"secret": secret, "created_at": timezone.now()}
        )
        current.secret_prefix = secret[:10]
        current.secret_rotated_at = timezone.now()
        current.version += 1
        current._change_reason = "secret rotated"
        set_history_user(current, user)
        current.save()
    return current, secret


def subscription_test(*, subscription: Subscription, user: Any) -> Delivery:
    """Queue a ``ping`` delivery to the receiver (one attempt, no retries)."""
    require(user, "change", subscription)
    if subscription.archived_at is not None:
        raise ValidationError({"subscription": "The subscription is archived."})
    event_id = uuid.uuid4()
    now = timezone.now()
    payload = {
        "id": str(event_id),
        "event": catalog.PING,
        "created_at": now.isoformat(),
        "alliance": None,
        "data": {
            "subscription": {"id": subscription.pk, "name": subscription.name},
            "events": list(subscription.events),
            "message": "A test delivery from Amity: the signature shows it is really us.",
        },
    }
    with transaction.atomic():
        delivery = Delivery.objects.create(
            subscription=subscription,
            event=catalog.PING,
            event_id=event_id,
            payload=payload,
            next_attempt_at=now,
        )
        _enqueue(delivery.pk, 1)
    return delivery
