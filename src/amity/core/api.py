"""The shared kit every app's API router uses: typed ids and text, input schemas, partial
(PATCH) schemas, pagination, error schemas, lookups through the visibility rule.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import,
# and @paginate wraps handlers so string annotations would resolve in ninja's own module.

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from copy import copy
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, ConfigDict, create_model

from amity.core.permissions import get_visible_or_404

# --- the shared API kit -------------------------------------------------------------------

#: The largest id a BigAutoField holds: a larger id is "not found" without asking the database,
#: and the same bound keeps ``offset`` inside SQLite's integer range.
MAX_ID = 2**63 - 1


def _no_nul(value: str) -> str:
    # PostgreSQL rejects NUL characters in text; refuse them here with a field error.
    if "\x00" in value:
        raise ValueError("Null characters are not allowed.")
    return value


#: A database id in a request body or query string.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: Text from a client: any string without NUL characters.
Text = Annotated[str, AfterValidator(_no_nul)]

CENT = Decimal("0.01")
#: Money in a response: a decimal string with exactly two places on every database.
Money = Annotated[
    Decimal,
    AfterValidator(lambda value: value.quantize(CENT)),
    Field(description='A decimal string, e.g. "1250000.00" (reporting currency).'),
]


class InputSchema(Schema):
    """A request body: unknown fields are an error, never silently ignored."""

    model_config = ConfigDict(extra="forbid")


def partial(schema: type[InputSchema], name: str) -> type[InputSchema]:
    """The PATCH body for ``schema``: every field optional (absent = unchanged), plus ``version``.

    The field types are kept, so ``null`` is accepted only where the create body accepts it.
    """
    fields: dict[str, Any] = {}
    for field_name, info in schema.model_fields.items():
        optional = copy(info)
        optional.default = None
        optional.default_factory = None
        fields[field_name] = (info.annotation, optional)
    fields["version"] = (
        int | None,
        Field(None, ge=1, description="The version you edited; a stale version answers 409."),
    )
    return create_model(name, __base__=schema, __doc__=f"Partial update of {schema.__name__}.", **fields)


def changes(payload: Schema) -> tuple[dict[str, Any], int | None]:
    """The fields a PATCH body sets, and the expected version (optimistic locking)."""
    data = payload.dict(exclude_unset=True)
    return data, data.pop("version", None)


class Page(LimitOffsetPagination):
    """``limit``/``offset`` pagination answering ``{"items": [...], "count": N}``."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000, description="How many items to return (1–1000).")
        offset: int = Field(0, ge=0, le=MAX_ID // 2, description="How many items to skip.")


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(description="Messages per field; `__all__` for the whole input.")


class ConflictOut(Schema):
    detail: str
    current_version: int | None


READ_ERRORS: dict[int, Any] = {401: ErrorOut, 404: ErrorOut, 422: InvalidOut}
WRITE_ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ConflictOut,
    422: InvalidOut,
}


def acting_user(request: HttpRequest) -> Any:
    """The authenticated user: ninja sets ``request.auth`` for both token and session auth."""
    return request.auth  # type: ignore[attr-defined]


def check_id(pk: int) -> None:
    """An id no row can have is simply not found (and must not reach the database)."""
    if not 1 <= pk <= MAX_ID:
        raise Http404


def get_visible(model: type[models.Model], user: Any, pk: int, queryset: QuerySet | None = None) -> Any:
    """One object through the visibility rule; missing, invisible or absurd ids are 404.

    ``queryset``, when given, must already be restricted with ``visible_to(user)``.
    """
    check_id(pk)
    if queryset is None:
        return get_visible_or_404(model, user, pk=pk)
    try:
        return queryset.get(pk=pk)
    except model.DoesNotExist:
        raise Http404 from None


class Resolver:
    """Turns ids in a request body into visible objects, collecting one error per field.

    An id the user may not see reads exactly like one that does not exist: "not found".
    """

    def __init__(self, user: Any):
        self.user = user
        self.errors: dict[str, list[str]] = {}

    def one(
        self, model: type[models.Model], pk: int | None, field: str, queryset: QuerySet | None = None
    ) -> Any:
        if pk is None:
            return None
        qs = queryset if queryset is not None else model.objects.visible_to(self.user)
        obj = qs.filter(pk=pk).first()
        if obj is None:
            self.errors.setdefault(field, []).append(
                f"{model._meta.verbose_name.capitalize()} {pk} not found."
            )
        elif getattr(obj, "archived_at", None) is not None:
            self.errors.setdefault(field, []).append(f"{obj} is archived.")
        return obj

    def many(self, model: type[models.Model], pks: Iterable[int], field: str) -> list[Any]:
        pks = list(dict.fromkeys(pks))
        found = {o.pk: o for o in model.objects.visible_to(self.user).active().filter(pk__in=pks)}
        missing = [str(pk) for pk in pks if pk not in found]
        if missing:
            name = model._meta.verbose_name_plural if len(missing) > 1 else model._meta.verbose_name
            self.errors.setdefault(field, []).append(f"{name.capitalize()} {', '.join(missing)} not found.")
        return [found[pk] for pk in pks if pk in found]

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


@contextmanager
def renamed_fields(mapping: dict[str, str]) -> Iterator[None]:
    """Report a model's field errors under the names the client sent (``tier`` → ``tier_id``)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict") or not set(exc.error_dict) & set(mapping):
            raise
        raise ValidationError({mapping.get(k, k): v for k, v in exc.error_dict.items()}) from exc


class OrganizationRef(Schema):
    id: int
    name: str


class HistoryChangeOut(Schema):
    field: str
    old: str
    new: str


class HistoryEntryOut(Schema):
    when: datetime
    who: str
    what: str
    object: str
    action: str
    reason: str
    changes: list[HistoryChangeOut]


def archived_flag(obj: Any) -> bool:
    return obj.archived_at is not None
