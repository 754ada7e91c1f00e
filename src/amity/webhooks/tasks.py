"""Background tasks of webhooks (run by ``amity worker``, or by any task backend)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def deliver(delivery_id: int, attempt: int) -> str:
    """Make attempt number ``attempt`` of a delivery; return the delivery's status afterwards.

    Safe to run twice: only the first run of an attempt that is due sends anything."""
    delivery = services.delivery_attempt(delivery_id=delivery_id, attempt=attempt)
    return delivery.status if delivery is not None else "missing"
