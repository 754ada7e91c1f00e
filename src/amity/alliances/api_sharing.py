"""REST API of an alliance's sharing settings: what each partner sees, per kind of data.

Registered on the router of ``alliances.api`` (imported at its end). Internal users read it; a
partner user reads what is shared with its own organization; editors change it.
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import.

from django.http import HttpRequest
from ninja import Field, Schema

from amity.core.api import READ_ERRORS, WRITE_ERRORS, Id, InputSchema, acting_user, get_visible
from amity.core.permissions import is_internal

from . import sharing
from .api import router
from .models import Alliance, DataKind

TAGS = ["sharing"]


class SharingPartnerOut(Schema):
    organization_id: int
    organization_name: str
    shared: dict[str, bool] = Field(description="Kind of data → whether this partner sees it.")
    explicit: list[str] = Field(description="Kinds someone set; the others follow the default.")
    sentence: str = Field(description="The same in plain words.")


class SharingOut(Schema):
    alliance_id: int
    kinds: dict[str, str] = Field(description="Every kind of data with its label.")
    partners: list[SharingPartnerOut]


class SharingChangeIn(InputSchema):
    organization_id: Id
    kind: DataKind
    shared: bool


class SharingIn(InputSchema):
    changes: list[SharingChangeIn] = Field(..., max_length=500)


def _out(alliance: Alliance, user) -> dict:
    rows = sharing.matrix(alliance)
    if not is_internal(user):
        rows = [r for r in rows if r.organization.pk == user.organization_id]
    return {
        "alliance_id": alliance.pk,
        "kinds": {k.value: k.label for k in DataKind},
        "partners": [
            {
                "organization_id": r.organization.pk,
                "organization_name": r.organization.name,
                "shared": r.shared,
                "explicit": sorted(r.explicit),
                "sentence": r.sentence(),
            }
            for r in rows
        ],
    }


@router.get("/alliances/{alliance_id}/sharing", response={200: SharingOut, **READ_ERRORS}, tags=TAGS)
def alliance_sharing(request: HttpRequest, alliance_id: int):
    """What each partner sees of the alliance (a partner user: what it sees itself)."""
    user = acting_user(request)
    return _out(get_visible(Alliance, user, alliance_id), user)


@router.put("/alliances/{alliance_id}/sharing", response={200: SharingOut, **WRITE_ERRORS}, tags=TAGS)
def alliance_sharing_set(request: HttpRequest, alliance_id: int, payload: SharingIn):
    """Share or hide kinds of data per partner; only the listed settings change."""
    user = acting_user(request)
    alliance = get_visible(Alliance, user, alliance_id)
    changes = [(c.organization_id, str(c.kind.value), c.shared) for c in payload.changes]
    sharing.set_sharing(alliance=alliance, changes=changes, user=user)
    return _out(alliance, user)
