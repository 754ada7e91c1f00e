"""What each partner of an alliance sees of it, per kind of data (``SharingSetting``).

The visibility rule enforces it: every model of a kind admits a partner's rows only for the
alliances in ``shared_alliance_ids(org, kind)`` (``models.py``), and a plan's revenue figures are
redacted field by field. This module reads and writes the settings and says them in plain words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from amity.core.services import require, set_history_user

from .models import (
    SHARED_BY_DEFAULT,
    Alliance,
    AllianceParty,
    DataKind,
    PartyRole,
    SharingSetting,
    shared_alliance_ids,
    visible_alliance_ids,
)

#: Short names for sentences ("sees the plan, the roadmap and …").
PHRASES = {
    DataKind.PLAN: "the joint business plan",
    DataKind.ROADMAP: "the roadmap",
    DataKind.COMMITMENTS: "the commitments",
    DataKind.PIPELINE: "our deals linked to the alliance (with their amounts)",
    DataKind.REVENUE: "revenue figures (plan revenue target and growth, the forecast)",
    DataKind.SCORECARD: "the scorecard",
    DataKind.ASSESSMENTS: "the two-sided assessments",
    DataKind.DOCUMENTS: "the agreements and their documents",
    DataKind.GOVERNANCE: "governance (bodies, meetings, decisions, actions, escalations)",
}

#: The alliance tab each kind fills (the tab is hidden from a partner who does not see it).
TAB_KINDS = {
    "plan": DataKind.PLAN,
    "roadmap": DataKind.ROADMAP,
    "commitments": DataKind.COMMITMENTS,
    "agreements": DataKind.DOCUMENTS,
    "governance": DataKind.GOVERNANCE,
    "assessments": DataKind.ASSESSMENTS,
    "scorecard": DataKind.SCORECARD,
}


@dataclass
class PartnerSharing:
    party: AllianceParty
    shared: dict[str, bool]  # kind → shared
    explicit: set[str]  # kinds set by someone (the others follow the default)

    @property
    def organization(self) -> Any:
        return self.party.organization

    @property
    def seen(self) -> list[str]:
        return [k for k in DataKind.values if self.shared[k]]

    @property
    def hidden(self) -> list[str]:
        return [k for k in DataKind.values if not self.shared[k]]

    def sentence(self) -> str:
        return describe(self.organization.name, self.shared)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


#: Said whenever the pipeline or revenue is hidden. The partner is paid on these deals and must be
#: able to check each fee, so its own incentive statements name them whatever the settings: each
#: line is a deal linked to one of the partner's alliances, with the amount the fee was computed on.
STATEMENT_DISCLOSURE = (
    "Its own incentive statements still list each deal it earned a fee on, with the amount the fee "
    "was calculated on."
)


def describe(name: str, shared: dict[str, bool]) -> str:
    """``shared`` in plain words for the alliance page."""
    seen = [PHRASES[DataKind(k)] for k in DataKind.values if shared[k]]
    hidden = [PHRASES[DataKind(k)] for k in DataKind.values if not shared[k]]
    if not seen:
        text = f"{name} sees only the alliance itself, its parties and people - none of its data."
    else:
        text = f"{name} sees {_join(seen)}" + (f"; not {_join(hidden)}." if hidden else ".")
    if not (shared[DataKind.PIPELINE] and shared[DataKind.REVENUE]):
        text += " " + STATEMENT_DISCLOSURE
    return text


def partner_parties(alliance: Alliance) -> list[AllianceParty]:
    return list(
        AllianceParty.objects.filter(alliance=alliance, archived_at__isnull=True)
        .exclude(role=PartyRole.HOST)
        .select_related("organization")
        .order_by("organization__name")
    )


def matrix(alliance: Alliance) -> list[PartnerSharing]:
    """Each partner of the alliance with what it sees (settings, else the defaults)."""
    parties = partner_parties(alliance)
    rows = {(s.organization_id, s.kind): s.shared for s in SharingSetting.objects.filter(alliance=alliance)}
    result = []
    for party in parties:
        shared, explicit = {}, set()
        for kind in DataKind.values:
            key = (party.organization_id, kind)
            if key in rows:
                shared[kind], _ = rows[key], explicit.add(kind)
            else:
                shared[kind] = SHARED_BY_DEFAULT[DataKind(kind)]
        result.append(PartnerSharing(party, shared, explicit))
    return result


def sees(organization_id: int, alliance_id: int, kind: str) -> bool:
    """Whether the partner ``organization_id`` sees ``kind`` of the alliance (one query)."""
    return shared_alliance_ids(organization_id, kind).filter(alliance_id=alliance_id).exists()


def shared_kinds(organization_id: int, alliance_id: int) -> dict[str, bool]:
    """Every kind for one partner of one alliance (for the partner's own view; two queries)."""
    if not AllianceParty.objects.filter(
        alliance_id=alliance_id, organization_id=organization_id, archived_at__isnull=True
    ).exists():
        return dict.fromkeys(DataKind.values, False)
    rows = dict(
        SharingSetting.objects.filter(alliance_id=alliance_id, organization_id=organization_id).values_list(
            "kind", "shared"
        )
    )
    return {k: rows.get(k, SHARED_BY_DEFAULT[DataKind(k)]) for k in DataKind.values}


#: Agenda items name their data kind (``AgendaItem.data_kind``); these differ from ``DataKind``.
AGENDA_KINDS = {"agreements": DataKind.DOCUMENTS}


def kind_filter(organization_id: int | None) -> Callable[[int, str], bool]:
    """``sees(alliance_id, kind)`` for one partner organization, from two queries (its alliances,
    its settings) - for lists of items from many alliances (agenda, calendar feeds, reminders,
    activity). The same answer as ``shared_alliance_ids`` per kind. ``None`` (our own people)
    sees everything. A kind that is not a ``DataKind`` (MDF, say) is left to the rows' own
    visibility."""
    if organization_id is None:
        return lambda alliance_id, kind: True
    parties = set(visible_alliance_ids(organization_id).values_list("alliance_id", flat=True))
    settings_of = {
        (alliance_id, kind): shared
        for alliance_id, kind, shared in SharingSetting.objects.filter(
            organization_id=organization_id
        ).values_list("alliance_id", "kind", "shared")
    }

    def sees_kind(alliance_id: int, kind: str) -> bool:
        kind = AGENDA_KINDS.get(kind, kind)
        if kind not in DataKind.values:
            return True
        if alliance_id not in parties:
            return False
        return settings_of.get((alliance_id, kind), SHARED_BY_DEFAULT[DataKind(kind)])

    return sees_kind


@transaction.atomic
def set_sharing(*, alliance: Alliance, changes: list[tuple[int, str, bool]], user: Any) -> int:
    """Apply ``(organization_id, kind, shared)`` changes; returns how many settings changed.

    Only partners of the alliance and known kinds; nothing is written when one change is wrong.
    """
    require(user, "change", alliance)
    partners = {p.organization_id for p in partner_parties(alliance)}
    errors = []
    for organization_id, kind, _ in changes:
        if organization_id not in partners:
            errors.append(f"Organization {organization_id} is not a partner of this alliance.")
        if kind not in DataKind.values:
            errors.append(f"Unknown kind of data {kind!r}; use one of {', '.join(DataKind.values)}.")
    if errors:
        raise ValidationError({"sharing": errors})
    changed = 0
    for organization_id, kind, shared in changes:
        setting = SharingSetting.objects.filter(
            alliance=alliance, organization_id=organization_id, kind=kind
        ).first()
        if setting is None:
            if shared == SHARED_BY_DEFAULT[DataKind(kind)]:
                continue  # the default already says so: no row needed
            setting = SharingSetting(alliance=alliance, organization_id=organization_id, kind=kind)
        elif setting.shared == shared:
            continue
        setting.shared = shared
        setting.changed_by = user if getattr(user, "is_authenticated", False) else None
        setting.changed_at = timezone.now()
        set_history_user(setting, user)
        setting.save()
        changed += 1
    return changed
