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

    Fields, too: a model's ``partner_redactions(org_id)`` maps field names to the condition under
    which a partner sees the field's value (e.g. a plan's revenue target only where the alliance
    shares revenue). Elsewhere the value reads as None - on the objects and in ``values()`` rows;
    ``values_list()`` of a redacted field is refused rather than leaked. ``revealed()`` keeps only
    the rows whose redacted fields are all visible (for sums over them).
    """

    _redact: tuple[str, ...] = ()

    def _clone(self):  # type: ignore[no-untyped-def]
        clone = super()._clone()
        clone._redact = self._redact
        return clone

    def _redacting(self, organization_id: int) -> VisibleQuerySet:
        spec = getattr(self.model, "partner_redactions", None)
        conditions = spec(organization_id) if spec is not None else None
        if not conditions:
            return self
        qs = self.annotate(
            **{
                f"_shows_{name}": models.ExpressionWrapper(condition, output_field=models.BooleanField())
                for name, condition in conditions.items()
            }
        )
        qs._redact = tuple(conditions)
        return qs

    def revealed(self) -> VisibleQuerySet:
        """Only the rows whose redacted fields the user sees (a no-op without redactions)."""
        return self.filter(**{f"_shows_{name}": True for name in self._redact}) if self._redact else self

    def values(self, *fields, **expressions):  # type: ignore[no-untyped-def]
        if self._redact and (not fields or set(fields) & set(self._redact)):
            shown = [f"_shows_{name}" for name in self._redact if not fields or name in fields]
            names = list(fields) or [f.attname for f in self.model._meta.concrete_fields]
            return super().values(*names, *shown, **expressions)
        return super().values(*fields, **expressions)

    def values_list(self, *fields, flat=False, named=False):  # type: ignore[no-untyped-def]
        if self._redact and (not fields or set(fields) & set(self._redact)):
            raise TypeError(f"values_list() of a field redacted for this partner: {', '.join(self._redact)}")
        return super().values_list(*fields, flat=flat, named=named)

    def _fetch_all(self) -> None:
        super()._fetch_all()
        if not self._redact or not self._result_cache:
            return
        for row in self._result_cache:
            if isinstance(row, dict):
                for name in self._redact:
                    if f"_shows_{name}" in row and not row.pop(f"_shows_{name}"):
                        row[name] = None
            elif isinstance(row, models.Model):
                hidden = {name for name in self._redact if not getattr(row, f"_shows_{name}", True)}
                for name in hidden:
                    setattr(row, name, None)
                row._redacted = hidden

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
            return self.filter(q)._redacting(user.organization_id)
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


class IdempotencyRecord(models.Model):
    """The answer given to an API POST sent with an ``Idempotency-Key`` (``core.idempotency``).

    Stored in the same transaction as what the request wrote, so a retry after a lost answer
    gets the same answer and nothing is created twice. Kept for a day.
    """

    principal = models.CharField(
        max_length=80, help_text="Who sent it: a user, or a digest of the API token."
    )
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path, query and body.")
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=200, blank=True)
    body = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="core_idempotency_once")]

    def __str__(self) -> str:
        return f"{self.key} ({self.path} → {self.status})"
