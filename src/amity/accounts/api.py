"""REST API for people: the signed-in user, and the user directory (admins only)."""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import,
# and @paginate wraps handlers so string annotations would resolve in ninja's own module.

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from amity.core.api import READ_ERRORS, ErrorOut, OrganizationRef, Page, Text, acting_user
from amity.core.roles import Role

from .models import User

router = Router(tags=["accounts"])


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    title: str
    role: str
    role_label: str
    is_internal: bool
    organization: OrganizationRef | None = Field(description="The partner organization of a partner user.")
    is_active: bool

    @staticmethod
    def resolve_full_name(obj: User) -> str:
        return obj.get_full_name()

    @staticmethod
    def resolve_role_label(obj: User) -> str:
        return obj.get_role_display()


class UserFilters(Schema):
    role: Role | None = None
    q: Text | None = Field(None, description="Search in username, names and email.")
    include_inactive: bool = False

    def apply(self, qs: QuerySet) -> QuerySet:
        if not self.include_inactive:
            qs = qs.filter(is_active=True)
        if self.role:
            qs = qs.filter(role=self.role)
        if self.q:
            qs = qs.filter(
                Q(username__icontains=self.q)
                | Q(first_name__icontains=self.q)
                | Q(last_name__icontains=self.q)
                | Q(email__icontains=self.q)
            )
        return qs


def _require_admin(user: Any) -> None:
    # The directory lists every person, partners' users included: admins only.
    if getattr(user, "role", None) != Role.ADMIN:
        raise PermissionDenied("Only an admin may list users.")


@router.get("/users", response={200: list[UserOut], **READ_ERRORS, 403: ErrorOut})
@paginate(Page)
def user_list(request: HttpRequest, filters: Query[UserFilters]):
    user = acting_user(request)
    _require_admin(user)
    return filters.apply(User.objects.select_related("organization")).order_by("username")


@router.get("/me", response={200: UserOut, 401: ErrorOut})
def me(request: HttpRequest):
    return acting_user(request)
