"""The activity feed: what happened recently across the alliances a user sees.

Read from the records Amity already keeps - stage history, tier history, the change history of
plans, milestones, commitments and deal registrations (status changes found by comparing each
version with the one before), comments, and partner applications - rather than from a second
copy of them: nothing to backfill, nothing to drift, and every source is read through the
visibility rule of its own model, so a partner user sees exactly the alliances they are party
to and, within them, the kinds of data each alliance shares with their organization.

One query per source, whatever the page: each source returns its newest ``offset + limit + 1``
rows, and the merge keeps one page of them. The feed is for recent activity, so it goes back
at most ``MAX_OFFSET`` items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, OuterRef, Subquery
from django.urls import reverse

from amity.alliances.models import Alliance, DataKind, Stage, StageChange, TierChange
from amity.core.models import user_role
from amity.core.permissions import is_internal

#: How far back the feed pages (items); deeper history is on each alliance's History tab.
MAX_OFFSET = 1000
PAGE_SIZE = 50


@dataclass(frozen=True)
class Activity:
    at: datetime
    source: str  # which record it comes from: stage, tier, plan, milestone, commitment, …
    key: int  # the record's id within its source (keeps the order stable)
    verb: str  # what happened, e.g. "plan.agreed", "comment.added"
    title: str
    detail: str
    url: str
    icon: str
    tone: str  # a Bootstrap colour name for the icon
    alliance_id: int | None
    alliance_name: str
    actor: str
    data_kind: str | None  # the alliance data kind it belongs to (None: the alliance itself)


@dataclass(frozen=True)
class FeedPage:
    items: list[Activity]
    offset: int
    limit: int
    has_more: bool

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.has_more and self.offset + self.limit <= MAX_OFFSET else None


def _name(user: Any) -> str:
    return str(user) if user is not None else ""


def _excerpt(text: str, size: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _visible_alliances(user: Any) -> Any:
    return Alliance.objects.visible_to(user).values("pk")


# --- sources ---------------------------------------------------------------------------------


def _stages(user: Any, alliance_id: int | None, n: int) -> list[Activity]:
    internal = is_internal(user)
    qs = StageChange.objects.filter(alliance_id__in=_visible_alliances(user))
    if alliance_id:
        qs = qs.filter(alliance_id=alliance_id)
    labels = dict(Stage.choices)
    items = []
    for c in qs.select_related("alliance", "changed_by").order_by("-changed_at", "-id")[:n]:
        created = not c.from_stage
        title = (
            f"Alliance created in {labels.get(c.to_stage, c.to_stage)}"
            if created
            else f"Moved from {labels.get(c.from_stage, c.from_stage)} to {labels.get(c.to_stage, c.to_stage)}"
        )
        detail = ""
        if internal:  # the reasons, and a gate overridden, are ours
            detail = c.reason if not c.overridden else f"Gate overridden: {c.override_reason}"
        items.append(
            Activity(
                at=c.changed_at,
                source="stage",
                key=c.pk,
                verb="alliance.created" if created else "alliance.stage_changed",
                title=title,
                detail=_excerpt(detail),
                url=reverse("alliances:alliance_detail", args=[c.alliance_id]),
                icon="bi-plus-circle" if created else "bi-signpost-2",
                tone="primary",
                alliance_id=c.alliance_id,
                alliance_name=c.alliance.name,
                actor=_name(c.changed_by),
                data_kind=None,
            )
        )
    return items


def _tiers(user: Any, alliance_id: int | None, n: int) -> list[Activity]:
    if not is_internal(user):
        return []  # tiers are our classification of partners: never shown to a partner
    qs = TierChange.objects.all()
    if alliance_id:
        qs = qs.filter(alliance_id=alliance_id)
    rows = qs.select_related("alliance", "from_tier", "to_tier", "changed_by").order_by("-changed_at", "-id")[
        :n
    ]
    return [
        Activity(
            at=t.changed_at,
            source="tier",
            key=t.pk,
            verb="alliance.tier_changed",
            title=f"Tier {t.from_tier or 'none'} → {t.to_tier or 'none'}",
            detail=_excerpt(t.justification),
            url=reverse("alliances:alliance_history", args=[t.alliance_id]),
            icon="bi-layers",
            tone="secondary",
            alliance_id=t.alliance_id,
            alliance_name=t.alliance.name,
            actor=_name(t.changed_by),
            data_kind=None,
        )
        for t in rows
    ]


@dataclass(frozen=True)
class StatusSource:
    """Status changes of one model, from its change history."""

    source: str
    model: Any
    kind: str | None
    statuses: dict[str, tuple[str, str, str]]  # status → (verb, icon, tone)
    noun: str
    name_field: str
    url: Any  # history row → URL

    def read(self, user: Any, alliance_id: int | None, n: int) -> list[Activity]:
        history = self.model.history.model
        previous = (
            history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
            .order_by("-history_id")
            .values("status")[:1]
        )
        qs = history.objects.filter(
            history_type="~",
            status__in=list(self.statuses),
            id__in=self.model.objects.visible_to(user).values("pk"),
        )
        if alliance_id:
            qs = qs.filter(alliance_id=alliance_id)
        qs = (
            qs.annotate(previous_status=Subquery(previous))
            .filter(previous_status__isnull=False)
            .exclude(previous_status=F("status"))
            .select_related("history_user", "alliance")
            .order_by("-history_date", "-history_id")[:n]
        )
        labels = dict(self.model._meta.get_field("status").choices)
        items = []
        for row in qs:
            verb, icon, tone = self.statuses[row.status]
            name = getattr(row, self.name_field)
            items.append(
                Activity(
                    at=row.history_date,
                    source=self.source,
                    key=row.history_id,
                    verb=verb,
                    title=f"{self.noun} “{name}” {labels.get(row.status, row.status).lower()}",
                    detail=f"{labels.get(row.previous_status, row.previous_status)} → "
                    f"{labels.get(row.status, row.status)}",
                    url=self.url(row),
                    icon=icon,
                    tone=tone,
                    alliance_id=row.alliance_id,
                    alliance_name=row.alliance.name if row.alliance else "",
                    actor=_name(row.history_user),
                    data_kind=self.kind,
                )
            )
        return items


def _status_sources() -> list[StatusSource]:
    from amity.agreements.models import Commitment
    from amity.pipeline.models import DealRegistration
    from amity.planning.models import JointBusinessPlan, Milestone

    return [
        StatusSource(
            "plan",
            JointBusinessPlan,
            DataKind.PLAN,
            {
                "proposed": ("plan.proposed", "bi-send", "primary"),
                "agreed": ("plan.agreed", "bi-people", "success"),
                "active": ("plan.activated", "bi-play-circle", "success"),
                "closed": ("plan.closed", "bi-lock", "secondary"),
            },
            "Plan",
            "title",
            lambda r: reverse("planning:plan_detail", args=[r.alliance_id, r.id]),
        ),
        StatusSource(
            "milestone",
            Milestone,
            DataKind.ROADMAP,
            {
                "done": ("milestone.done", "bi-flag-fill", "success"),
                "cancelled": ("milestone.cancelled", "bi-x-circle", "secondary"),
            },
            "Milestone",
            "title",
            lambda r: reverse("comments:milestone_discussion", args=[r.id]),
        ),
        StatusSource(
            "commitment",
            Commitment,
            DataKind.COMMITMENTS,
            {
                "met": ("commitment.met", "bi-check2-circle", "success"),
                "missed": ("commitment.missed", "bi-exclamation-octagon", "danger"),
                "waived": ("commitment.waived", "bi-dash-circle", "secondary"),
                "renegotiated": ("commitment.renegotiated", "bi-arrow-left-right", "warning"),
            },
            "Commitment",
            "title",
            lambda r: reverse("agreements:commitment_detail", args=[r.id]),
        ),
        StatusSource(
            "registration",
            DealRegistration,
            DataKind.PIPELINE,
            {
                "approved": ("deal.approved", "bi-shield-check", "success"),
                "rejected": ("deal.rejected", "bi-shield-x", "danger"),
            },
            "Deal registration",
            "company_name",
            lambda r: reverse("pipeline:registration_detail", args=[r.id]),
        ),
    ]


def _comments(user: Any, alliance_id: int | None, n: int) -> list[Activity]:
    from .models import TARGET_KINDS, Comment
    from .selectors import target_label

    qs = Comment.objects.visible_to(user).active()
    if alliance_id:
        qs = qs.filter(alliance_id=alliance_id)
    rows = qs.select_related("author", "alliance", "plan", "milestone", "commitment").order_by(
        "-created_at", "-id"
    )[:n]
    return [
        Activity(
            at=c.created_at,
            source="comment",
            key=c.pk,
            verb="comment.added",
            title=f"{c.author} commented on {target_label(c.target_kind, c.target)}",
            detail=_excerpt(c.body),
            url=c.get_absolute_url(),
            icon="bi-chat-left-text",
            tone="info",
            alliance_id=c.alliance_id,
            alliance_name=c.alliance.name,
            actor=_name(c.author),
            data_kind=TARGET_KINDS[c.target_kind],
        )
        for c in rows
    ]


def _applications(user: Any, alliance_id: int | None, n: int) -> list[Activity]:
    from amity.partners.models_applications import PartnerApplication

    if alliance_id or not is_internal(user):
        return []
    qs = PartnerApplication.objects.visible_to(user).active().order_by("-created_at", "-id")[:n]
    return [
        Activity(
            at=a.created_at,
            source="application",
            key=a.pk,
            verb="application.submitted",
            title=f"{a.company_name} applied to become a partner",
            detail=_excerpt(f"{a.get_partner_kind_display()} · {a.country} · {a.proposal}"),
            url=a.get_absolute_url(),
            icon="bi-envelope-paper",
            tone="warning",
            alliance_id=None,
            alliance_name="",
            actor=a.contact_name,
            data_kind=None,
        )
        for a in qs
    ]


def feed(*, user: Any, alliance_id: int | None = None, offset: int = 0, limit: int = PAGE_SIZE) -> FeedPage:
    """One page of the feed, newest first. ``alliance_id`` must be one ``user`` sees (the
    caller checks it: the sources would simply find nothing of an alliance the user cannot see)."""
    if user_role(user) is None:
        return FeedPage([], offset, limit, False)
    offset = max(0, min(offset, MAX_OFFSET))
    n = offset + limit + 1
    items: list[Activity] = []
    items += _stages(user, alliance_id, n)
    items += _tiers(user, alliance_id, n)
    for source in _status_sources():
        items += source.read(user, alliance_id, n)
    items += _comments(user, alliance_id, n)
    items += _applications(user, alliance_id, n)
    items.sort(key=lambda a: (a.at, a.source, a.key), reverse=True)
    page = items[offset : offset + limit]
    return FeedPage(page, offset, limit, len(items) > offset + limit)


def visible_alliance(user: Any, alliance_id: int | None) -> Alliance | None:
    """The alliance to filter by, if ``user`` sees it (None when no filter or not visible)."""
    if not alliance_id:
        return None
    return Alliance.objects.visible_to(user).filter(pk=alliance_id).first()
