"""REST API for governance: bodies (and members), cadences, meetings (and decisions), action
items and escalations.

Handlers parse, call one service or selector, and return. Reads start from ``visible_to``:
partner users read the governance of their alliances; writes are for internal editors (a
visible object another role may not change answers 403, an invisible one 404). Ids in a
body resolve through the visibility rule - one the caller may not see reads as "not found"
(422 naming the field).
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import,
# and @paginate wraps handlers so string annotations would resolve in ninja's own module.

from datetime import date, datetime, timedelta
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime

from amity.alliances.models import Alliance, AllianceMember
from amity.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    OrganizationRef,
    Page,
    Resolver,
    Text,
    acting_user,
    archived_flag,
    changes,
    get_visible,
    partial,
    renamed_fields,
)
from amity.core.services import model_archive, model_restore, require
from amity.partners.models import Contact

from . import selectors, services
from .models import (
    ActionItem,
    ActionStatus,
    BodyKind,
    BodyMember,
    BodyRole,
    Cadence,
    Decision,
    Escalation,
    EscalationStatus,
    GovernanceBody,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from .selectors import CadenceStatus

router = Router(tags=["governance"])

_DAY = timedelta(days=1)

#: Model field → the name a client sends, so a 422 names what the client wrote.
FIELDS = {
    "alliance": "alliance_id",
    "body": "body_id",
    "meeting": "meeting_id",
    "owner": "owner_id",
    "contact": "contact_id",
    "attendees": "attendee_ids",
    "to_body": "to_body_id",
    "to_sponsor": "to_sponsor_id",
    "to_contact": "to_contact_id",
    "decided_by_contact": "decided_by_contact_id",
}


def _may_create(user: Any, model: type) -> None:
    """Roles that may never create this (executive, partner) get 403 before any lookup."""
    require(user, "create", model)


def _contacts(user: Any) -> QuerySet:
    return Contact.objects.visible_to(user).select_related("organization")


# --- shared output pieces ----------------------------------------------------------------------


class AttendeeContactRef(Schema):
    id: int
    name: str
    title: str
    email: str
    organization: OrganizationRef
    side: Literal["ours", "partner"] = Field(description="Our company or a partner organization.")

    @staticmethod
    def resolve_name(obj: Contact) -> str:
        return obj.full_name

    @staticmethod
    def resolve_side(obj: Contact) -> str:
        return "ours" if obj.organization.is_home else "partner"


class BodyRef(Schema):
    id: int
    name: str
    kind: str


class ArchivedFilter(Schema):
    include_archived: bool = False

    def base(self, qs: QuerySet) -> QuerySet:
        return qs if self.include_archived else qs.active()


# --- governance bodies ---------------------------------------------------------------------------


class BodyMemberOut(Schema):
    id: int
    body_id: int
    contact: AttendeeContactRef
    role: str
    role_label: str

    @staticmethod
    def resolve_role_label(obj: BodyMember) -> str:
        return obj.get_role_display()


class BodyOut(Schema):
    id: int
    alliance_id: int
    name: str
    kind: str
    kind_label: str
    purpose: str
    members: list[BodyMemberOut]
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_kind_label(obj: GovernanceBody) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_members(obj: GovernanceBody) -> list[BodyMember]:
        members = getattr(obj, "active_members", None)
        if members is None:
            members = obj.members.active().select_related("contact__organization").order_by("role", "id")
        return list(members)

    @staticmethod
    def resolve_archived(obj: GovernanceBody) -> bool:
        return archived_flag(obj)


class BodyEdit(InputSchema):
    name: Text = Field(..., min_length=1, max_length=150)
    kind: BodyKind = BodyKind.OPERATING
    purpose: Text = ""


class BodyIn(BodyEdit):
    """A standing body of an alliance: executive steering group, joint operating team …"""

    alliance_id: Id


BodyPatch = partial(BodyEdit, "BodyPatch")


class BodyMemberIn(InputSchema):
    contact_id: Id = Field(description="A contact of one of the alliance's parties (either side).")
    role: BodyRole = BodyRole.MEMBER


class BodyFilters(ArchivedFilter):
    alliance: Id | None = Field(None, description="Alliance id.")
    kind: BodyKind | None = None

    def apply(self, qs: QuerySet) -> QuerySet:
        qs = self.base(qs)
        if self.alliance:
            qs = qs.filter(alliance_id=self.alliance)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        return qs


def _body(user: Any, body_id: int) -> GovernanceBody:
    return get_visible(GovernanceBody, user, body_id, selectors.body_queryset(user=user))


@router.get("/governance-bodies", response={200: list[BodyOut], **READ_ERRORS})
@paginate(Page)
def body_list(request: HttpRequest, filters: Query[BodyFilters]):
    qs = filters.apply(selectors.body_queryset(user=acting_user(request)))
    return qs.order_by("alliance_id", "kind", "name", "pk")


@router.post("/governance-bodies", response={201: BodyOut, **WRITE_ERRORS})
def body_create(request: HttpRequest, payload: BodyIn):
    user = acting_user(request)
    _may_create(user, GovernanceBody)
    data = payload.dict()
    resolve = Resolver(user)
    alliance = resolve.one(Alliance, data.pop("alliance_id"), "alliance_id")
    resolve.check()
    with renamed_fields(FIELDS):
        body = services.body_create(alliance=alliance, data=data, user=user)
    return Status(201, _body(user, body.pk))


@router.get("/governance-bodies/{body_id}", response={200: BodyOut, **READ_ERRORS})
def body_detail(request: HttpRequest, body_id: int):
    return _body(acting_user(request), body_id)


@router.patch("/governance-bodies/{body_id}", response={200: BodyOut, **WRITE_ERRORS})
def body_update(request: HttpRequest, body_id: int, payload: BodyPatch):  # type: ignore[valid-type]
    user = acting_user(request)
    body = _body(user, body_id)
    data, version = changes(payload)
    with renamed_fields(FIELDS):
        services.body_update(body=body, data=data, user=user, expected_version=version)
    return _body(user, body_id)


@router.delete("/governance-bodies/{body_id}", response={204: None, **WRITE_ERRORS})
def body_archive(request: HttpRequest, body_id: int):
    user = acting_user(request)
    model_archive(instance=_body(user, body_id), user=user)
    return Status(204, None)


@router.post("/governance-bodies/{body_id}/restore", response={200: BodyOut, **WRITE_ERRORS})
def body_restore(request: HttpRequest, body_id: int):
    user = acting_user(request)
    model_restore(instance=_body(user, body_id), user=user)
    return _body(user, body_id)


@router.get("/governance-bodies/{body_id}/members", response={200: list[BodyMemberOut], **READ_ERRORS})
@paginate(Page)
def body_member_list(request: HttpRequest, body_id: int):
    user = acting_user(request)
    body = _body(user, body_id)
    return (
        BodyMember.objects.visible_to(user)
        .active()
        .filter(body=body)
        .select_related("contact__organization")
        .order_by("role", "id")
    )


@router.post("/governance-bodies/{body_id}/members", response={201: BodyMemberOut, **WRITE_ERRORS})
def body_member_add(request: HttpRequest, body_id: int, payload: BodyMemberIn):
    user = acting_user(request)
    body = _body(user, body_id)
    resolve = Resolver(user)
    contact = resolve.one(Contact, payload.contact_id, "contact_id", _contacts(user))
    resolve.check()
    with renamed_fields(FIELDS):
        member = services.body_member_add(body=body, contact=contact, role=payload.role, user=user)
    return Status(201, member)


@router.delete("/governance-bodies/{body_id}/members/{member_id}", response={204: None, **WRITE_ERRORS})
def body_member_remove(request: HttpRequest, body_id: int, member_id: int):
    user = acting_user(request)
    body = _body(user, body_id)
    member = get_visible(
        BodyMember, user, member_id, BodyMember.objects.visible_to(user).active().filter(body=body)
    )
    services.body_member_remove(member=member, user=user)
    return Status(204, None)


# --- cadences ----------------------------------------------------------------------------------------


class CadenceOut(Schema):
    id: int
    alliance_id: int
    meeting_kind: str
    meeting_kind_label: str
    interval_months: int
    rhythm: str
    body: BodyRef | None
    active: bool
    notes: str
    template_id: int | None = Field(description="The program default it was created from, if any.")
    last_held: date | None = Field(description="Day of the last held meeting that counts for this cadence.")
    basis: Literal["last_held", "start_date", "created"] = Field(
        description="What the interval is added to: the last held meeting, else the alliance's start "
        "date, else the day the cadence was set up."
    )
    basis_date: date
    next_due: date | None = Field(description="basis_date + interval_months; null when inactive.")
    overdue: bool
    days_overdue: int
    next_planned: datetime | None = Field(description="The next planned meeting that counts, if any.")
    explanation: str
    version: int
    archived: bool
    created_at: datetime


def cadence_out(status: CadenceStatus) -> dict[str, Any]:
    c = status.cadence
    return {
        "id": c.pk,
        "alliance_id": c.alliance_id,
        "meeting_kind": c.meeting_kind,
        "meeting_kind_label": c.get_meeting_kind_display(),
        "interval_months": c.interval_months,
        "rhythm": c.rhythm,
        "body": {"id": c.body.pk, "name": c.body.name, "kind": c.body.kind} if c.body_id else None,
        "active": c.active,
        "notes": c.notes,
        "template_id": c.template_id,
        "last_held": status.last_held,
        "basis": status.basis,
        "basis_date": status.basis_date,
        "next_due": status.next_due,
        "overdue": status.overdue,
        "days_overdue": status.days_overdue,
        "next_planned": status.next_planned,
        "explanation": status.explanation,
        "version": c.version,
        "archived": archived_flag(c),
        "created_at": c.created_at,
    }


class CadenceEdit(InputSchema):
    meeting_kind: MeetingKind
    interval_months: int = Field(..., ge=1, le=36, description="Months between meetings (1 = monthly).")
    body_id: Id | None = Field(None, description="Only meetings of this body (or of none) count.")
    active: bool = True
    notes: Text = Field("", max_length=300)


class CadenceIn(CadenceEdit):
    """How often an alliance holds one kind of meeting; the next due date is computed."""

    alliance_id: Id


CadencePatch = partial(CadenceEdit, "CadencePatch")


class CadenceFilters(ArchivedFilter):
    alliance: Id | None = Field(None, description="Alliance id.")
    meeting_kind: MeetingKind | None = None
    active: bool | None = None
    overdue: bool | None = Field(
        None, description="Only cadences past (true) or not past (false) their due date."
    )

    def apply(self, qs: QuerySet) -> QuerySet:
        qs = self.base(qs)
        if self.alliance:
            qs = qs.filter(alliance_id=self.alliance)
        if self.meeting_kind:
            qs = qs.filter(meeting_kind=self.meeting_kind)
        if self.active is not None:
            qs = qs.filter(active=self.active)
        if self.overdue is not None:
            ids = selectors.overdue_cadence_ids(qs)
            qs = qs.filter(pk__in=ids) if self.overdue else qs.exclude(pk__in=ids)
        return qs


class ApplyDefaultsOut(Schema):
    created: list[CadenceOut] = Field(description="The cadences added now (empty when nothing was missing).")
    cadences: list[CadenceOut] = Field(description="Every active cadence of the alliance.")


def _cadence(user: Any, cadence_id: int) -> Cadence:
    return get_visible(Cadence, user, cadence_id, selectors.cadence_queryset(user=user))


def _one_cadence(user: Any, cadence_id: int) -> dict[str, Any]:
    return cadence_out(selectors.cadence_statuses([_cadence(user, cadence_id)])[0])


def _cadence_data(data: dict[str, Any], user: Any) -> dict[str, Any]:
    resolve = Resolver(user)
    if "body_id" in data:
        data["body"] = resolve.one(GovernanceBody, data.pop("body_id"), "body_id")
    resolve.check()
    return data


@router.get("/cadences", response={200: list[CadenceOut], **READ_ERRORS})
@paginate(Page)
def cadence_list(request: HttpRequest, filters: Query[CadenceFilters]):
    qs = filters.apply(selectors.cadence_queryset(user=acting_user(request)))
    return selectors.StatusPage(
        qs.order_by("alliance_id", "interval_months", "meeting_kind", "pk"), cadence_out
    )


@router.post("/cadences", response={201: CadenceOut, **WRITE_ERRORS})
def cadence_create(request: HttpRequest, payload: CadenceIn):
    user = acting_user(request)
    _may_create(user, Cadence)
    data = payload.dict()
    resolve = Resolver(user)
    alliance = resolve.one(Alliance, data.pop("alliance_id"), "alliance_id")
    resolve.check()
    data = _cadence_data(data, user)
    with renamed_fields(FIELDS):
        cadence = services.cadence_create(alliance=alliance, data=data, user=user)
    return Status(201, _one_cadence(user, cadence.pk))


@router.get("/cadences/{cadence_id}", response={200: CadenceOut, **READ_ERRORS})
def cadence_detail(request: HttpRequest, cadence_id: int):
    return _one_cadence(acting_user(request), cadence_id)


@router.patch("/cadences/{cadence_id}", response={200: CadenceOut, **WRITE_ERRORS})
def cadence_update(request: HttpRequest, cadence_id: int, payload: CadencePatch):  # type: ignore[valid-type]
    user = acting_user(request)
    cadence = _cadence(user, cadence_id)
    data, version = changes(payload)
    data = _cadence_data(data, user)
    with renamed_fields(FIELDS):
        services.cadence_update(cadence=cadence, data=data, user=user, expected_version=version)
    return _one_cadence(user, cadence_id)


@router.delete("/cadences/{cadence_id}", response={204: None, **WRITE_ERRORS})
def cadence_archive(request: HttpRequest, cadence_id: int):
    user = acting_user(request)
    model_archive(instance=_cadence(user, cadence_id), user=user)
    return Status(204, None)


@router.post("/cadences/{cadence_id}/restore", response={200: CadenceOut, **WRITE_ERRORS})
def cadence_restore(request: HttpRequest, cadence_id: int):
    user = acting_user(request)
    with renamed_fields(FIELDS):
        model_restore(instance=_cadence(user, cadence_id), user=user)
    return _one_cadence(user, cadence_id)


@router.post(
    "/alliances/{alliance_id}/cadences/apply-defaults", response={200: ApplyDefaultsOut, **WRITE_ERRORS}
)
def cadence_apply_defaults(request: HttpRequest, alliance_id: int):
    """Add the program's default cadences the alliance lacks (idempotent: a second call adds none)."""
    user = acting_user(request)
    alliance = get_visible(Alliance, user, alliance_id)
    created = services.cadence_apply_defaults(alliance=alliance, user=user)
    current = selectors.cadence_queryset(user=user).active().filter(alliance=alliance)
    statuses = selectors.cadence_statuses(current.order_by("interval_months", "meeting_kind", "pk"))
    created_ids = {c.pk for c in created}
    return {
        "created": [cadence_out(s) for s in statuses if s.cadence.pk in created_ids],
        "cadences": [cadence_out(s) for s in statuses],
    }


# --- meetings and decisions ----------------------------------------------------------------------


class MeetingOut(Schema):
    id: int
    alliance_id: int
    body: BodyRef | None
    kind: str
    kind_label: str
    title: str
    scheduled_start: datetime
    end: datetime
    duration_minutes: int
    location: str
    attendees: list[AttendeeContactRef]
    agenda: str
    minutes: str
    status: str
    status_label: str
    decision_count: int
    action_item_count: int
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_kind_label(obj: Meeting) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: Meeting) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_attendees(obj: Meeting) -> list[Contact]:
        return list(obj.attendees.all())

    @staticmethod
    def resolve_decision_count(obj: Meeting) -> int:
        return obj.decision_count

    @staticmethod
    def resolve_action_item_count(obj: Meeting) -> int:
        return obj.action_count

    @staticmethod
    def resolve_archived(obj: Meeting) -> bool:
        return archived_flag(obj)


class MeetingEdit(InputSchema):
    kind: MeetingKind = MeetingKind.QBR
    title: Text = Field(..., min_length=1, max_length=200)
    body_id: Id | None = None
    scheduled_start: AwareDatetime = Field(
        ..., description='With its offset, e.g. "2026-07-09T14:00:00+02:00" (a time without zone is refused).'
    )
    duration_minutes: int = Field(60, ge=5, le=1440)
    location: Text = Field("", max_length=500, description="A room, an address or a video-call link.")
    attendee_ids: list[Id] = Field(default_factory=list, description="Contacts of the alliance's parties.")
    agenda: Text = ""
    minutes: Text = ""


class MeetingIn(MeetingEdit):
    """A meeting; it starts as planned - mark it held with ``POST /meetings/{id}/status``."""

    alliance_id: Id


MeetingPatch = partial(MeetingEdit, "MeetingPatch")


class MeetingStatusIn(InputSchema):
    status: MeetingStatus
    minutes: Text | None = Field(None, description="Replace the minutes (e.g. when marking it held).")
    version: int | None = Field(None, ge=1, description="The version you saw; stale answers 409.")


class MeetingFilters(ArchivedFilter):
    alliance: Id | None = Field(None, description="Alliance id.")
    status: MeetingStatus | None = None
    kind: MeetingKind | None = None
    body: Id | None = Field(None, description="Governance body id.")
    start_from: date | None = Field(
        None, ge=date(1900, 1, 1), le=date(2999, 12, 31), description="Meetings on or after this day."
    )
    start_to: date | None = Field(
        None, ge=date(1900, 1, 1), le=date(2999, 12, 31), description="Meetings on or before this day."
    )
    overdue: bool | None = Field(None, description="Planned meetings whose day has passed (need an update).")

    def apply(self, qs: QuerySet) -> QuerySet:
        qs = self.base(qs)
        if self.alliance:
            qs = qs.filter(alliance_id=self.alliance)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.body:
            qs = qs.filter(body_id=self.body)
        if self.start_from:
            qs = qs.filter(scheduled_start__gte=selectors.day_start(self.start_from))
        if self.start_to:
            qs = qs.filter(scheduled_start__lt=selectors.day_start(self.start_to) + _DAY)
        if self.overdue is not None:
            stale = Q(
                status=MeetingStatus.PLANNED, scheduled_start__lt=selectors.day_start(selectors.today())
            )
            qs = qs.filter(stale) if self.overdue else qs.exclude(stale)
        return qs


def _meetings(user: Any) -> QuerySet:
    return selectors.meetings_of(user=user).prefetch_related("attendees__organization")


def _meeting(user: Any, meeting_id: int) -> Meeting:
    return get_visible(Meeting, user, meeting_id, _meetings(user))


def _meeting_data(data: dict[str, Any], user: Any) -> tuple[dict[str, Any], list[Contact] | None]:
    resolve = Resolver(user)
    if "body_id" in data:
        data["body"] = resolve.one(GovernanceBody, data.pop("body_id"), "body_id")
    attendees = None
    if "attendee_ids" in data:
        attendees = resolve.many(Contact, data.pop("attendee_ids") or [], "attendee_ids")
    resolve.check()
    return data, attendees


@router.get("/meetings", response={200: list[MeetingOut], **READ_ERRORS})
@paginate(Page)
def meeting_list(request: HttpRequest, filters: Query[MeetingFilters]):
    return filters.apply(_meetings(acting_user(request))).order_by("-scheduled_start", "-pk")


@router.post("/meetings", response={201: MeetingOut, **WRITE_ERRORS})
def meeting_create(request: HttpRequest, payload: MeetingIn):
    user = acting_user(request)
    _may_create(user, Meeting)
    data = payload.dict()
    resolve = Resolver(user)
    alliance = resolve.one(Alliance, data.pop("alliance_id"), "alliance_id")
    resolve.check()
    data, attendees = _meeting_data(data, user)
    with renamed_fields(FIELDS):
        meeting = services.meeting_create(alliance=alliance, data=data, attendees=attendees or [], user=user)
    return Status(201, _meeting(user, meeting.pk))


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **READ_ERRORS})
def meeting_detail(request: HttpRequest, meeting_id: int):
    return _meeting(acting_user(request), meeting_id)


@router.patch("/meetings/{meeting_id}", response={200: MeetingOut, **WRITE_ERRORS})
def meeting_update(request: HttpRequest, meeting_id: int, payload: MeetingPatch):  # type: ignore[valid-type]
    user = acting_user(request)
    meeting = _meeting(user, meeting_id)
    data, version = changes(payload)
    data, attendees = _meeting_data(data, user)
    with renamed_fields(FIELDS):
        services.meeting_update(
            meeting=meeting, data=data, attendees=attendees, user=user, expected_version=version
        )
    return _meeting(user, meeting_id)


@router.post("/meetings/{meeting_id}/status", response={200: MeetingOut, **WRITE_ERRORS})
def meeting_status(request: HttpRequest, meeting_id: int, payload: MeetingStatusIn):
    """Mark the meeting held (optionally with minutes) or cancelled, or plan a cancelled one again."""
    user = acting_user(request)
    meeting = _meeting(user, meeting_id)
    services.meeting_set_status(
        meeting=meeting,
        status=payload.status,
        minutes=payload.minutes,
        user=user,
        expected_version=payload.version,
    )
    return _meeting(user, meeting_id)


@router.delete("/meetings/{meeting_id}", response={204: None, **WRITE_ERRORS})
def meeting_archive(request: HttpRequest, meeting_id: int):
    user = acting_user(request)
    model_archive(instance=_meeting(user, meeting_id), user=user)
    return Status(204, None)


@router.post("/meetings/{meeting_id}/restore", response={200: MeetingOut, **WRITE_ERRORS})
def meeting_restore(request: HttpRequest, meeting_id: int):
    user = acting_user(request)
    model_restore(instance=_meeting(user, meeting_id), user=user)
    return _meeting(user, meeting_id)


class DecisionOut(Schema):
    id: int
    alliance_id: int
    meeting_id: int
    text: str
    decided_on: date
    recorded_by: str | None
    archived: bool
    created_at: datetime

    @staticmethod
    def resolve_recorded_by(obj: Decision) -> str | None:
        return obj.recorded_by.username if obj.recorded_by_id else None

    @staticmethod
    def resolve_archived(obj: Decision) -> bool:
        return archived_flag(obj)


class DecisionIn(InputSchema):
    text: Text = Field(..., min_length=1, description="What was decided; dated on the meeting's day.")


@router.get("/meetings/{meeting_id}/decisions", response={200: list[DecisionOut], **READ_ERRORS})
@paginate(Page)
def decision_list(request: HttpRequest, meeting_id: int, filters: Query[ArchivedFilter]):
    user = acting_user(request)
    meeting = _meeting(user, meeting_id)
    qs = Decision.objects.visible_to(user).filter(meeting=meeting).select_related("recorded_by")
    return filters.base(qs).order_by("pk")


@router.post("/meetings/{meeting_id}/decisions", response={201: DecisionOut, **WRITE_ERRORS})
def decision_create(request: HttpRequest, meeting_id: int, payload: DecisionIn):
    user = acting_user(request)
    meeting = _meeting(user, meeting_id)
    return Status(201, services.decision_add(meeting=meeting, text=payload.text, user=user))


# --- action items -------------------------------------------------------------------------------------


class ActionItemOut(Schema):
    id: int
    alliance_id: int
    meeting_id: int | None
    title: str
    notes: str
    owner: AttendeeContactRef
    due_date: date
    status: str
    status_label: str
    completed_on: date | None
    overdue: bool = Field(description="Open and past its due date.")
    days_overdue: int
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_status_label(obj: ActionItem) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_archived(obj: ActionItem) -> bool:
        return archived_flag(obj)


class ActionItemEdit(InputSchema):
    title: Text = Field(..., min_length=1, max_length=250)
    owner_id: Id = Field(..., description="A contact of one of the alliance's parties (either side).")
    due_date: date
    meeting_id: Id | None = Field(None, description="The meeting it came from, if any.")
    notes: Text = ""


class ActionItemIn(ActionItemEdit):
    """Something a named person must do by a date; it starts open."""

    alliance_id: Id


ActionItemPatch = partial(ActionItemEdit, "ActionItemPatch")


class ActionStatusIn(InputSchema):
    status: ActionStatus
    completed_on: date | None = Field(None, description="For done: the day it was done (default today).")
    version: int | None = Field(None, ge=1, description="The version you saw; stale answers 409.")


class ActionItemFilters(ArchivedFilter):
    alliance: Id | None = Field(None, description="Alliance id.")
    meeting: Id | None = Field(None, description="Meeting id.")
    status: ActionStatus | None = None
    overdue: bool | None = Field(None, description="Open and past the due date (true), or not (false).")
    owner_side: Literal["ours", "partner"] | None = Field(None, description="Whose person owns it.")

    def apply(self, qs: QuerySet) -> QuerySet:
        qs = self.base(qs)
        if self.alliance:
            qs = qs.filter(alliance_id=self.alliance)
        if self.meeting:
            qs = qs.filter(meeting_id=self.meeting)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.overdue is not None:
            q = selectors.overdue_action_q()
            qs = qs.filter(q) if self.overdue else qs.exclude(q)
        if self.owner_side:
            qs = qs.filter(owner__organization__is_home=self.owner_side == "ours")
        return qs


def _action(user: Any, item_id: int) -> ActionItem:
    return get_visible(ActionItem, user, item_id, selectors.action_items_of(user=user))


def _action_data(data: dict[str, Any], user: Any) -> dict[str, Any]:
    resolve = Resolver(user)
    if "owner_id" in data:
        data["owner"] = resolve.one(Contact, data.pop("owner_id"), "owner_id", _contacts(user))
    if "meeting_id" in data:
        data["meeting"] = resolve.one(Meeting, data.pop("meeting_id"), "meeting_id")
    resolve.check()
    return data


@router.get("/action-items", response={200: list[ActionItemOut], **READ_ERRORS})
@paginate(Page)
def action_item_list(request: HttpRequest, filters: Query[ActionItemFilters]):
    return filters.apply(selectors.action_items_of(user=acting_user(request))).order_by("due_date", "pk")


@router.post("/action-items", response={201: ActionItemOut, **WRITE_ERRORS})
def action_item_create(request: HttpRequest, payload: ActionItemIn):
    user = acting_user(request)
    _may_create(user, ActionItem)
    data = payload.dict()
    resolve = Resolver(user)
    alliance = resolve.one(Alliance, data.pop("alliance_id"), "alliance_id")
    resolve.check()
    data = _action_data(data, user)
    with renamed_fields(FIELDS):
        item = services.action_item_create(alliance=alliance, data=data, user=user)
    return Status(201, _action(user, item.pk))


@router.get("/action-items/{item_id}", response={200: ActionItemOut, **READ_ERRORS})
def action_item_detail(request: HttpRequest, item_id: int):
    return _action(acting_user(request), item_id)


@router.patch("/action-items/{item_id}", response={200: ActionItemOut, **WRITE_ERRORS})
def action_item_update(request: HttpRequest, item_id: int, payload: ActionItemPatch):  # type: ignore[valid-type]
    user = acting_user(request)
    item = _action(user, item_id)
    data, version = changes(payload)
    data = _action_data(data, user)
    with renamed_fields(FIELDS):
        services.action_item_update(item=item, data=data, user=user, expected_version=version)
    return _action(user, item_id)


@router.post("/action-items/{item_id}/status", response={200: ActionItemOut, **WRITE_ERRORS})
def action_item_status(request: HttpRequest, item_id: int, payload: ActionStatusIn):
    """Complete (done), cancel or reopen an action item."""
    user = acting_user(request)
    item = _action(user, item_id)
    services.action_item_set_status(
        item=item,
        status=payload.status,
        completed_on=payload.completed_on,
        user=user,
        expected_version=payload.version,
    )
    return _action(user, item_id)


@router.delete("/action-items/{item_id}", response={204: None, **WRITE_ERRORS})
def action_item_archive(request: HttpRequest, item_id: int):
    user = acting_user(request)
    model_archive(instance=_action(user, item_id), user=user)
    return Status(204, None)


@router.post("/action-items/{item_id}/restore", response={200: ActionItemOut, **WRITE_ERRORS})
def action_item_restore(request: HttpRequest, item_id: int):
    user = acting_user(request)
    model_restore(instance=_action(user, item_id), user=user)
    return _action(user, item_id)


# --- escalations --------------------------------------------------------------------------------------


class TargetOut(Schema):
    kind: Literal["body", "sponsor", "contact"]
    id: int
    name: str


class EscalationOut(Schema):
    id: int
    alliance_id: int
    title: str
    description: str
    raised_by: str | None
    raised_on: date
    escalated_to: TargetOut
    status: str
    status_label: str
    decision: str
    decided_on: date | None
    decided_by: str
    decided_by_contact: AttendeeContactRef | None
    decision_due: date = Field(
        description="raised_on + 30 days: executives have 30 days to resolve a deadlock."
    )
    age_days: int
    overdue: bool = Field(description="Open for more than 30 days.")
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_raised_by(obj: Escalation) -> str | None:
        return obj.raised_by.username if obj.raised_by_id else None

    @staticmethod
    def resolve_escalated_to(obj: Escalation) -> dict[str, Any]:
        if obj.to_body_id:
            return {"kind": "body", "id": obj.to_body_id, "name": obj.to_body.name}
        if obj.to_sponsor_id:
            return {"kind": "sponsor", "id": obj.to_sponsor_id, "name": obj.to_sponsor.contact.full_name}
        return {"kind": "contact", "id": obj.to_contact_id, "name": obj.to_contact.full_name}

    @staticmethod
    def resolve_status_label(obj: Escalation) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_age_days(obj: Escalation) -> int:
        return obj.age_days()

    @staticmethod
    def resolve_archived(obj: Escalation) -> bool:
        return archived_flag(obj)


class EscalationEdit(InputSchema):
    title: Text = Field(..., min_length=1, max_length=250)
    description: Text = ""
    raised_on: date | None = Field(None, description="Defaults to today.")
    to_body_id: Id | None = Field(None, description="A governance body of the alliance …")
    to_sponsor_id: Id | None = Field(None, description="… or an executive sponsor (alliance member id) …")
    to_contact_id: Id | None = Field(None, description="… or a contact of a party: exactly one of the three.")


class EscalationIn(EscalationEdit):
    """An issue raised to one governance body, executive sponsor or person for a decision."""

    alliance_id: Id


EscalationPatch = partial(EscalationEdit, "EscalationPatch")


class DecideIn(InputSchema):
    decision: Text = Field(..., min_length=1)
    decided_on: date | None = Field(None, description="Defaults to today.")
    decided_by: Text = Field("", max_length=200, description="Who decided, as text (e.g. 'both CEOs').")
    decided_by_contact_id: Id | None = Field(
        None, description="Who decided, as a contact; defaults to the sponsor or person it was escalated to."
    )
    version: int | None = Field(None, ge=1, description="The version you saw; stale answers 409.")


class WithdrawIn(InputSchema):
    reason: Text = ""
    version: int | None = Field(None, ge=1, description="The version you saw; stale answers 409.")


class EscalationFilters(ArchivedFilter):
    alliance: Id | None = Field(None, description="Alliance id.")
    status: EscalationStatus | None = None
    overdue: bool | None = Field(None, description="Open for more than 30 days (true), or not (false).")

    def apply(self, qs: QuerySet) -> QuerySet:
        qs = self.base(qs)
        if self.alliance:
            qs = qs.filter(alliance_id=self.alliance)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.overdue is not None:
            q = selectors.overdue_escalation_q()
            qs = qs.filter(q) if self.overdue else qs.exclude(q)
        return qs


def _escalation(user: Any, escalation_id: int) -> Escalation:
    return get_visible(
        Escalation,
        user,
        escalation_id,
        selectors.escalations_of(user=user).select_related("decided_by_contact__organization"),
    )


def _escalation_data(data: dict[str, Any], user: Any) -> dict[str, Any]:
    resolve = Resolver(user)
    if "to_body_id" in data:
        data["to_body"] = resolve.one(GovernanceBody, data.pop("to_body_id"), "to_body_id")
    if "to_sponsor_id" in data:
        data["to_sponsor"] = resolve.one(AllianceMember, data.pop("to_sponsor_id"), "to_sponsor_id")
    if "to_contact_id" in data:
        data["to_contact"] = resolve.one(Contact, data.pop("to_contact_id"), "to_contact_id", _contacts(user))
    resolve.check()
    return data


@router.get("/escalations", response={200: list[EscalationOut], **READ_ERRORS})
@paginate(Page)
def escalation_list(request: HttpRequest, filters: Query[EscalationFilters]):
    qs = selectors.escalations_of(user=acting_user(request)).select_related(
        "decided_by_contact__organization"
    )
    return filters.apply(qs).order_by("-raised_on", "-pk")


@router.post("/escalations", response={201: EscalationOut, **WRITE_ERRORS})
def escalation_create(request: HttpRequest, payload: EscalationIn):
    user = acting_user(request)
    _may_create(user, Escalation)
    data = payload.dict()
    resolve = Resolver(user)
    alliance = resolve.one(Alliance, data.pop("alliance_id"), "alliance_id")
    resolve.check()
    data = _escalation_data(data, user)
    with renamed_fields(FIELDS):
        escalation = services.escalation_create(alliance=alliance, data=data, user=user)
    return Status(201, _escalation(user, escalation.pk))


@router.get("/escalations/{escalation_id}", response={200: EscalationOut, **READ_ERRORS})
def escalation_detail(request: HttpRequest, escalation_id: int):
    return _escalation(acting_user(request), escalation_id)


@router.patch("/escalations/{escalation_id}", response={200: EscalationOut, **WRITE_ERRORS})
def escalation_update(request: HttpRequest, escalation_id: int, payload: EscalationPatch):  # type: ignore[valid-type]
    user = acting_user(request)
    escalation = _escalation(user, escalation_id)
    data, version = changes(payload)
    data = _escalation_data(data, user)
    with renamed_fields(FIELDS):
        services.escalation_update(escalation=escalation, data=data, user=user, expected_version=version)
    return _escalation(user, escalation_id)


@router.post("/escalations/{escalation_id}/decide", response={200: EscalationOut, **WRITE_ERRORS})
def escalation_decide(request: HttpRequest, escalation_id: int, payload: DecideIn):
    """Record the decision that settles an open escalation."""
    user = acting_user(request)
    escalation = _escalation(user, escalation_id)
    resolve = Resolver(user)
    contact = resolve.one(Contact, payload.decided_by_contact_id, "decided_by_contact_id", _contacts(user))
    resolve.check()
    with renamed_fields(FIELDS):
        services.escalation_decide(
            escalation=escalation,
            decision=payload.decision,
            decided_on=payload.decided_on,
            decided_by=payload.decided_by,
            decided_by_contact=contact,
            user=user,
            expected_version=payload.version,
        )
    return _escalation(user, escalation_id)


@router.post("/escalations/{escalation_id}/withdraw", response={200: EscalationOut, **WRITE_ERRORS})
def escalation_withdraw(request: HttpRequest, escalation_id: int, payload: WithdrawIn):
    """Close an open escalation without a decision."""
    user = acting_user(request)
    escalation = _escalation(user, escalation_id)
    services.escalation_withdraw(
        escalation=escalation, reason=payload.reason, user=user, expected_version=payload.version
    )
    return _escalation(user, escalation_id)


@router.delete("/escalations/{escalation_id}", response={204: None, **WRITE_ERRORS})
def escalation_archive(request: HttpRequest, escalation_id: int):
    user = acting_user(request)
    model_archive(instance=_escalation(user, escalation_id), user=user)
    return Status(204, None)


@router.post("/escalations/{escalation_id}/restore", response={200: EscalationOut, **WRITE_ERRORS})
def escalation_restore(request: HttpRequest, escalation_id: int):
    user = acting_user(request)
    model_restore(instance=_escalation(user, escalation_id), user=user)
    return _escalation(user, escalation_id)
