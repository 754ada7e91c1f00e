"""Domain events: a service says what happened (``emit``); subscribers (webhooks, the activity
feed) react. Subscribers run after the surrounding transaction commits, so nothing is announced
that was rolled back, and a failing subscriber never undoes the write that emitted the event.

Event names are dotted: ``alliance.stage_changed``, ``deal.registered``, ``deal.approved``,
``deal.rejected``, ``commitment.missed``, ``claim.submitted``, ``plan.agreed`` … Every event names
its alliance (or None) and the kind of data it belongs to (``alliances.models.DataKind``), so a
subscriber can apply the partner sharing of that alliance before telling a partner anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    name: str
    alliance_id: int | None
    kind: str | None  # DataKind value, or None when no partner sharing applies
    data: dict[str, Any]
    actor_id: int | None = None
    at: Any = field(default_factory=timezone.now)


_SUBSCRIBERS: dict[str, Callable[[Event], None]] = {}


def subscribe(name: str, handler: Callable[[Event], None]) -> None:
    """Register ``handler`` (by a unique ``name``) for every event."""
    _SUBSCRIBERS[name] = handler


def emit(
    name: str, *, alliance_id: int | None, kind: str | None, data: dict[str, Any], actor: Any = None
) -> Event:
    """Announce ``name`` once the current transaction commits (at once outside one)."""
    event = Event(name, alliance_id, kind, data, getattr(actor, "pk", None))

    def deliver() -> None:
        for key, handler in list(_SUBSCRIBERS.items()):
            try:
                handler(event)
            except Exception:  # a subscriber's failure never breaks the write that emitted
                log.exception("event subscriber %s failed on %s", key, name)

    transaction.on_commit(deliver)
    return event
