"""The shared base of every domain model: timestamps, version, archive, history, visibility."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .roles import EDITORS, EVERYONE, INTERNAL_ROLES, Role

if TYPE_CHECKING:  # pragma: no cover
    from amity.accounts.models import User


def user_role(user: Any) -> str | None:
    """The role of an authenticated, active user, or None for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return getattr(user, "role", None)


class VisibleQuerySet(models.QuerySet):
    """Every domain read starts here: ``Model.objects.visible_to(user)``.

    Internal users (admin, manager, executive, sales) see every row. A partner user sees
    the rows the model's ``partner_visibility(org_id)`` admits - by default none. Anonymous
    or inactive users see nothing.
    """

    def visible_to(self, user: User | Any) -> VisibleQuerySet:
        role = user_role(user)
        if role is None:
            return self.none()
        if role in INTERNAL_ROLES:
            # A model may narrow what some internal roles see (a sales rep's own statements).
            narrow = getattr(self.model, "internal_visibility", None)
            q = narrow(user) if narrow is not None else None
            return self if q is None else self.filter(q)
        if role == Role.PARTNER and getattr(user, "organization_id", None):
            q = self.model.partner_visibility(user.organization_id)
            if q is None:
                return self.none()
            return self.filter(q)
        return self.none()

    def active(self) -> VisibleQuerySet:
        return self.filter(archived_at__isnull=True)

    def archived(self) -> VisibleQuerySet:
        return self.filter(archived_at__isnull=False)


class BaseModel(models.Model):
    """Abstract base: created/updated, optimistic ``version``, archive instead of delete.

    ``policy`` maps an action (view, create, change, archive) to the roles allowed to do
    it; the visibility rule still decides *which* rows a role sees.
    """

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(inherit=True)

    objects = VisibleQuerySet.as_manager()

    policy: ClassVar[dict[str, frozenset[str]]] = {
        "view": EVERYONE,
        "create": EDITORS,
        "change": EDITORS,
        "archive": EDITORS,
    }

    class Meta:
        abstract = True

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q | None:
        """Rows a partner user of ``organization_id`` may see; None means none at all.

        Return a Q without to-many joins (use ``pk__in=<subquery>``) so no DISTINCT is needed.
        """
        return None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None
