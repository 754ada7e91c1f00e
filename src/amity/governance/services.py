"""Every write to governance: bodies and their members, cadences, meetings, decisions, action
items and escalations.

Services validate (``full_clean()`` plus the rules below), write inside one transaction, and
raise ``ValidationError({field: message})`` naming the field, or ``PermissionDenied`` for a
user who may see the object but not change it. The people involved - body members,
attendees, action-item owners, deciders - must be contacts of the alliance's parties.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from amity.alliances.models import Alliance, MemberRole
from amity.core import events
from amity.core.services import ConflictError, model_archive, model_update, require, set_history_user
from amity.partners.models import Contact

from .models import (
    MAX_YEAR,
    MIN_YEAR,
    ActionItem,
    ActionStatus,
    BodyMember,
    BodyRole,
    Cadence,
    CadenceTemplate,
    Decision,
    Escalation,
    EscalationStatus,
    GovernanceBody,
    Meeting,
    MeetingStatus,
    program_date,
    program_today,
)

# --- shared checks --------------------------------------------------------------------------------


def _writable(alliance: Alliance) -> None:
    if alliance.archived_at is not None:
        raise ValidationError(
            {"alliance": f"{alliance} is archived: restore it before changing its governance."}
        )


def _party_org_ids(alliance: Alliance) -> set[int]:
    return set(alliance.parties.filter(archived_at__isnull=True).values_list("organization_id", flat=True))


def _check_contacts(alliance: Alliance, contacts: Iterable[Contact], field: str) -> None:
    """Every contact must work for one of the alliance's parties (either side)."""
    orgs = _party_org_ids(alliance)
    outsiders = [c for c in contacts if c.organization_id not in orgs]
    if outsiders:
        names = ", ".join(f"{c} ({c.organization})" for c in outsiders)
        verb = "works" if len(outsiders) == 1 else "work"
        raise ValidationError(
            {field: f"{names} {verb} for an organization that is not a party of {alliance}."}
        )
    archived = [c for c in contacts if c.archived_at is not None]
    if archived:
        raise ValidationError({field: f"{', '.join(map(str, archived))} is archived."})


def _save_new(instance: Any, user: Any, m2m: dict[str, Iterable[Any]] | None = None) -> Any:
    instance.full_clean()
    set_history_user(instance, user)
    with transaction.atomic():
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(list(values))
    return instance


def _not_future(day: date | None, field: str, what: str) -> None:
    if day is not None and day > program_today():
        raise ValidationError({field: f"{what} cannot be in the future."})


def _fmt(day: date) -> str:
    return date_format(day, "j M Y")


def _current(instance: Any, expected_version: int | None) -> Any:
    """The row as stored now, locked until the transaction ends; a stale version is a conflict.

    Status changes check their rule against this row, so two people deciding (or completing)
    the same thing at once cannot both succeed.
    """
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(current, expected_version)
    return current


# --- governance bodies ----------------------------------------------------------------------------


def body_create(*, alliance: Alliance, data: dict[str, Any], user: Any) -> GovernanceBody:
    require(user, "create", GovernanceBody)
    _writable(alliance)
    data = {k: v for k, v in data.items() if k != "alliance"}
    return _save_new(GovernanceBody(alliance=alliance, **data), user)


def body_update(
    *, body: GovernanceBody, data: dict[str, Any], user: Any, expected_version: int | None = None
) -> tuple[GovernanceBody, list[str]]:
    """Edit a body's name, kind or purpose (a body never moves to another alliance)."""
    require(user, "change", body)
    _writable(body.alliance)
    data = {k: v for k, v in data.items() if k != "alliance"}
    return model_update(instance=body, data=data, user=user, expected_version=expected_version)


@transaction.atomic
def body_member_add(
    *, body: GovernanceBody, contact: Contact, role: str = BodyRole.MEMBER, user: Any
) -> BodyMember:
    """Seat a contact of one of the parties on the body (or change their role there)."""
    require(user, "change", body)
    _writable(body.alliance)
    if body.archived_at is not None:
        raise ValidationError({"body": f"{body} is archived."})
    _check_contacts(body.alliance, [contact], "contact")
    member = BodyMember.objects.select_for_update().filter(body=body, contact=contact).first()
    if member is not None and member.archived_at is None and member.role == role:
        raise ValidationError(
            {"contact": f"{contact} is already {member.get_role_display().lower()} of {body}."}
        )
    if member is None:
        member = BodyMember(body=body, contact=contact, role=role)
    else:  # a former member comes back, or a member becomes chair: same row, new version
        member.archived_at = None
        member.role = role
        member.version += 1
    member.full_clean(validate_constraints=False)
    set_history_user(member, user)
    member.save()
    return member


def body_member_remove(*, member: BodyMember, user: Any) -> BodyMember:
    require(user, "change", member.body)
    return model_archive(instance=member, user=user, reason="left the body")


# --- cadences --------------------------------------------------------------------------------------


def cadence_create(*, alliance: Alliance, data: dict[str, Any], user: Any) -> Cadence:
    require(user, "create", Cadence)
    _writable(alliance)
    data = {k: v for k, v in data.items() if k not in ("alliance", "template")}
    return _save_new(Cadence(alliance=alliance, **data), user)


def cadence_update(
    *, cadence: Cadence, data: dict[str, Any], user: Any, expected_version: int | None = None
) -> tuple[Cadence, list[str]]:
    require(user, "change", cadence)
    _writable(cadence.alliance)
    data = {k: v for k, v in data.items() if k not in ("alliance", "template")}
    return model_update(instance=cadence, data=data, user=user, expected_version=expected_version)


@transaction.atomic
def cadence_apply_defaults(*, alliance: Alliance, user: Any) -> list[Cadence]:
    """Give the alliance a cadence for every active program template it lacks; idempotent.

    A template is skipped when the alliance already has an active cadence from it, or an
    active cadence for the same kind of meeting (set up by hand). A template naming a body
    kind attaches the cadence to the alliance's first active body of that kind, if any.
    Returns the cadences created (none on a second run).
    """
    require(user, "create", Cadence)
    # Lock the alliance row so two simultaneous clicks cannot both create the defaults.
    alliance = Alliance.objects.select_for_update().get(pk=alliance.pk)
    _writable(alliance)
    existing = list(Cadence.objects.filter(alliance=alliance, archived_at__isnull=True))
    have_templates = {c.template_id for c in existing}
    have_kinds = {c.meeting_kind for c in existing}
    bodies: dict[str, GovernanceBody] = {}
    for body in GovernanceBody.objects.filter(alliance=alliance, archived_at__isnull=True).order_by("id"):
        bodies.setdefault(body.kind, body)
    created = []
    for template in CadenceTemplate.objects.filter(archived_at__isnull=True).order_by("order", "id"):
        if template.pk in have_templates or template.meeting_kind in have_kinds:
            continue
        cadence = Cadence(
            alliance=alliance,
            template=template,
            meeting_kind=template.meeting_kind,
            interval_months=template.interval_months,
            body=bodies.get(template.body_kind) if template.body_kind else None,
        )
        created.append(_save_new(cadence, user))
        have_kinds.add(template.meeting_kind)
    return created


# --- meetings and decisions -----------------------------------------------------------------------

#: Allowed status changes of a meeting. A cancelled meeting can be planned again (rescheduled);
#: a held meeting stays held - its minutes can still be edited.
MEETING_MOVES = {
    MeetingStatus.PLANNED: {MeetingStatus.HELD, MeetingStatus.CANCELLED},
    MeetingStatus.CANCELLED: {MeetingStatus.PLANNED},
    MeetingStatus.HELD: set(),
}


def meeting_create(
    *, alliance: Alliance, data: dict[str, Any], user: Any, attendees: Iterable[Contact] = ()
) -> Meeting:
    """Plan a meeting (it starts as planned; mark it held once it took place)."""
    require(user, "create", Meeting)
    _writable(alliance)
    attendees = list(attendees)
    _check_contacts(alliance, attendees, "attendees")
    data = {k: v for k, v in data.items() if k not in ("alliance", "status")}
    return _save_new(
        Meeting(alliance=alliance, status=MeetingStatus.PLANNED, **data), user, {"attendees": attendees}
    )


def meeting_update(
    *,
    meeting: Meeting,
    data: dict[str, Any],
    user: Any,
    attendees: Iterable[Contact] | None = None,
    expected_version: int | None = None,
) -> tuple[Meeting, list[str]]:
    """Edit a meeting; its status changes only through :func:`meeting_set_status`."""
    require(user, "change", meeting)
    _writable(meeting.alliance)
    data = {k: v for k, v in data.items() if k not in ("alliance", "status")}
    m2m = None
    if attendees is not None:
        attendees = list(attendees)
        _check_contacts(meeting.alliance, attendees, "attendees")
        m2m = {"attendees": attendees}
    moved = data.get("scheduled_start")
    if (
        meeting.status == MeetingStatus.HELD
        and moved
        and timezone.is_aware(moved)
        and MIN_YEAR <= moved.year <= MAX_YEAR
        and program_date(moved) > program_today()
    ):
        raise ValidationError({"scheduled_start": "A held meeting cannot move into the future."})
    with transaction.atomic():
        meeting, changed = model_update(
            instance=meeting, data=data, user=user, expected_version=expected_version, m2m=m2m
        )
        if "scheduled_start" in changed:
            # Decisions are dated by their meeting.
            Decision.objects.filter(meeting=meeting).update(decided_on=meeting.day)
    return meeting, changed


def meeting_set_status(
    *,
    meeting: Meeting,
    status: str,
    user: Any,
    minutes: str | None = None,
    expected_version: int | None = None,
) -> Meeting:
    """Mark a meeting held (optionally with its minutes) or cancelled, or plan it again."""
    require(user, "change", meeting)
    _writable(meeting.alliance)
    with transaction.atomic():
        meeting = _current(meeting, expected_version)
        return _meeting_move(meeting, status, user, minutes)


def _meeting_move(meeting: Meeting, status: str, user: Any, minutes: str | None) -> Meeting:
    if status not in MeetingStatus.values:
        raise ValidationError({"status": f"Choose one of {', '.join(MeetingStatus.values)}."})
    if status != meeting.status and status not in MEETING_MOVES[MeetingStatus(meeting.status)]:
        raise ValidationError(
            {
                "status": f"A {meeting.get_status_display().lower()} meeting cannot become "
                f"{MeetingStatus(status).label.lower()}."
            }
        )
    if status == MeetingStatus.HELD and meeting.day > program_today():
        raise ValidationError(
            {"status": f"This meeting is on {_fmt(meeting.day)}: it can be marked held from that day on."}
        )
    data: dict[str, Any] = {"status": status}
    if minutes is not None:
        data["minutes"] = minutes
    held_before = meeting.status == MeetingStatus.HELD
    meeting, _ = model_update(instance=meeting, data=data, user=user)
    if meeting.status == MeetingStatus.HELD and not held_before:
        events.emit(
            "meeting.held",
            alliance_id=meeting.alliance_id,
            kind="governance",
            data={
                "id": meeting.pk,
                "title": meeting.title,
                "kind": meeting.kind,
                "status": meeting.status,
                "day": meeting.day,
                "url": meeting.get_absolute_url(),
            },
            actor=user,
        )
    return meeting


def decision_add(*, meeting: Meeting, text: str, user: Any) -> Decision:
    """Record a decision taken in the meeting; it is dated on the meeting's day."""
    require(user, "create", Decision)
    _writable(meeting.alliance)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"meeting": "The meeting was cancelled: no decisions were taken in it."})
    if meeting.archived_at is not None:
        raise ValidationError({"meeting": "The meeting is archived."})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write down what was decided."})
    decision = Decision(
        alliance_id=meeting.alliance_id,
        meeting=meeting,
        text=text,
        decided_on=meeting.day,
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    decision = _save_new(decision, user)
    events.emit(
        "decision.recorded",
        alliance_id=decision.alliance_id,
        kind="governance",
        data={
            "id": decision.pk,
            "text": decision.text,
            "decided_on": decision.decided_on,
            "meeting": {"id": meeting.pk, "title": meeting.title},
            "url": decision.get_absolute_url(),
        },
        actor=user,
    )
    return decision


# --- action items -----------------------------------------------------------------------------------


def action_item_create(*, alliance: Alliance, data: dict[str, Any], user: Any) -> ActionItem:
    """A new open action item owned by a contact of one of the parties."""
    require(user, "create", ActionItem)
    _writable(alliance)
    data = {k: v for k, v in data.items() if k not in ("alliance", "status", "completed_on")}
    if data.get("owner") is not None:
        _check_contacts(alliance, [data["owner"]], "owner")
    meeting = data.get("meeting")
    if meeting is not None and meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"meeting": "The meeting was cancelled."})
    return _save_new(ActionItem(alliance=alliance, status=ActionStatus.OPEN, **data), user)


def action_item_update(
    *, item: ActionItem, data: dict[str, Any], user: Any, expected_version: int | None = None
) -> tuple[ActionItem, list[str]]:
    """Edit an action item; its status changes only through :func:`action_item_set_status`."""
    require(user, "change", item)
    _writable(item.alliance)
    data = {k: v for k, v in data.items() if k not in ("alliance", "status", "completed_on")}
    if data.get("owner") is not None and data["owner"].pk != item.owner_id:
        _check_contacts(item.alliance, [data["owner"]], "owner")
    return model_update(instance=item, data=data, user=user, expected_version=expected_version)


def action_item_set_status(
    *,
    item: ActionItem,
    status: str,
    user: Any,
    completed_on: date | None = None,
    expected_version: int | None = None,
) -> ActionItem:
    """Complete (done, on ``completed_on`` - default today), cancel or reopen an action item."""
    require(user, "change", item)
    _writable(item.alliance)
    if status not in ActionStatus.values:
        raise ValidationError({"status": f"Choose one of {', '.join(ActionStatus.values)}."})
    if status == ActionStatus.DONE:
        completed_on = completed_on or program_today()
        _not_future(completed_on, "completed_on", "The completion date")
    elif completed_on is not None:
        raise ValidationError({"completed_on": "Only a done action item has a completion date."})
    with transaction.atomic():
        item = _current(item, expected_version)
        item, _ = model_update(
            instance=item, data={"status": status, "completed_on": completed_on}, user=user
        )
    return item


# --- escalations ---------------------------------------------------------------------------------------

TARGETS = ("to_body", "to_sponsor", "to_contact")


def _check_target(alliance: Alliance, data: dict[str, Any]) -> None:
    chosen = [name for name in TARGETS if data.get(name) is not None]
    if len(chosen) != 1:
        raise ValidationError(
            {"to_body": "Escalate to exactly one governance body, executive sponsor or person."}
        )
    if data.get("to_contact") is not None:
        _check_contacts(alliance, [data["to_contact"]], "to_contact")
    body = data.get("to_body")
    if body is not None and body.archived_at is not None:
        raise ValidationError({"to_body": f"{body} is archived."})
    sponsor = data.get("to_sponsor")
    if sponsor is not None and (sponsor.role != MemberRole.SPONSOR or sponsor.archived_at is not None):
        raise ValidationError({"to_sponsor": "Choose a current executive sponsor of this alliance."})


def escalation_create(*, alliance: Alliance, data: dict[str, Any], user: Any) -> Escalation:
    """Raise an issue to one body, executive sponsor or person; it awaits their decision."""
    require(user, "create", Escalation)
    _writable(alliance)
    data = {k: v for k, v in data.items() if k in {"title", "description", "raised_on", *TARGETS}}
    data.setdefault("raised_on", None)
    if data["raised_on"] is None:
        data["raised_on"] = program_today()
    _not_future(data["raised_on"], "raised_on", "The day it was raised")
    for name in TARGETS:
        data.setdefault(name, None)
    _check_target(alliance, data)
    escalation = Escalation(
        alliance=alliance,
        raised_by=user if getattr(user, "is_authenticated", False) else None,
        status=EscalationStatus.OPEN,
        **data,
    )
    return _save_new(escalation, user)


def escalation_update(
    *, escalation: Escalation, data: dict[str, Any], user: Any, expected_version: int | None = None
) -> tuple[Escalation, list[str]]:
    """Edit the title, description, date raised or target (the decision has its own service)."""
    require(user, "change", escalation)
    _writable(escalation.alliance)
    data = {k: v for k, v in data.items() if k in {"title", "description", "raised_on", *TARGETS}}
    if "raised_on" in data:
        if data["raised_on"] is None:
            raise ValidationError({"raised_on": "Give the day it was raised."})
        _not_future(data["raised_on"], "raised_on", "The day it was raised")
    if any(name in data for name in TARGETS):
        # A new target replaces the old one.
        data = {**{name: None for name in TARGETS}, **data}
        _check_target(escalation.alliance, data)
    return model_update(instance=escalation, data=data, user=user, expected_version=expected_version)


def escalation_decide(
    *,
    escalation: Escalation,
    decision: str,
    user: Any,
    decided_on: date | None = None,
    decided_by: str = "",
    decided_by_contact: Contact | None = None,
    expected_version: int | None = None,
) -> Escalation:
    """Record the decision that settles an open escalation.

    Who decided defaults to the person it was escalated to (the sponsor's contact, the
    contact) or the body's name.
    """
    require(user, "change", escalation)
    _writable(escalation.alliance)
    with transaction.atomic():
        escalation = _open_escalation(escalation, expected_version)
        return _decide(escalation, decision, user, decided_on, decided_by, decided_by_contact)


def _open_escalation(escalation: Escalation, expected_version: int | None) -> Escalation:
    escalation = _current(escalation, expected_version)
    if escalation.status != EscalationStatus.OPEN:
        raise ValidationError(
            {"status": f"This escalation is already {escalation.get_status_display().lower()}."}
        )
    return escalation


def _decide(
    escalation: Escalation,
    decision: str,
    user: Any,
    decided_on: date | None,
    decided_by: str,
    decided_by_contact: Contact | None,
) -> Escalation:
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError({"decision": "Write down the decision."})
    decided_on = decided_on or program_today()
    _not_future(decided_on, "decided_on", "The decision date")
    if decided_on < escalation.raised_on:
        raise ValidationError(
            {"decided_on": f"The decision cannot come before the escalation ({_fmt(escalation.raised_on)})."}
        )
    decided_by = (decided_by or "").strip()
    if decided_by_contact is not None:
        _check_contacts(escalation.alliance, [decided_by_contact], "decided_by_contact")
    elif not decided_by:
        if escalation.to_sponsor_id:
            decided_by_contact = escalation.to_sponsor.contact
        elif escalation.to_contact_id:
            decided_by_contact = escalation.to_contact
        else:
            decided_by = str(escalation.to_body)
    escalation, _ = model_update(
        instance=escalation,
        data={
            "status": EscalationStatus.DECIDED,
            "decision": decision,
            "decided_on": decided_on,
            "decided_by": decided_by[:200],
            "decided_by_contact": decided_by_contact,
        },
        user=user,
    )
    return escalation


def escalation_withdraw(
    *, escalation: Escalation, user: Any, reason: str = "", expected_version: int | None = None
) -> Escalation:
    """Close an open escalation without a decision (the teams settled it themselves)."""
    require(user, "change", escalation)
    _writable(escalation.alliance)
    with transaction.atomic():
        escalation = _open_escalation(escalation, expected_version)
        escalation, _ = model_update(
            instance=escalation,
            data={
                "status": EscalationStatus.WITHDRAWN,
                "decision": (reason or "").strip(),
                "decided_on": program_today(),
                "decided_by": str(user)[:200] if getattr(user, "is_authenticated", False) else "",
                "decided_by_contact": None,
            },
            user=user,
        )
    return escalation
