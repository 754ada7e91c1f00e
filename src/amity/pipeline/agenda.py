"""Agenda sources of the pipeline, registered in ``PipelineConfig.ready()``.

* ``registration_decision`` - a submitted deal registration's decision deadline (OPEN until
  approved or rejected; a passed one is overdue). Recipients: the alliance owner.
* ``registration_expiry`` - the last day of an approved registration's protection window
  (OPEN while approved; DONE once expired).
* ``opportunity_close`` - the expected close date of an open opportunity of the alliance
  (one item per alliance the opportunity is linked to). Recipients: the opportunity owner.

Each source runs one query for all the alliances it is given.

Sources do not know who is asking, and competing partners must never see each other's
registrations: registration items are therefore given only for alliances where the
registering partner is the only partner party (the usual two-party alliance, whose partner
sees its own registrations anyway). Registrations in multi-partner alliances are reviewed
from the registrations list instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse

from amity.alliances.models import AllianceParty
from amity.core import agenda

from .models import OPEN_STAGES, DealRegistration, OpportunityAlliance, OpportunityStage, RegistrationStatus

DATA_KIND = "pipeline"
OPPORTUNITY_CLOSE = "opportunity_close"
REGISTRATION_DECISION = "registration_decision"
REGISTRATION_EXPIRY = "registration_expiry"


def _between(qs: Any, field: str, start: date | None, end: date | None) -> Any:
    if start is not None:
        qs = qs.filter(**{f"{field}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{field}__lte": end})
    return qs


def _owner(pk: int | None) -> tuple[int, ...]:
    return (pk,) if pk else ()


def _registrations(alliance_ids: Any) -> Any:
    competitor = AllianceParty.objects.filter(
        alliance_id=OuterRef("alliance_id"), archived_at__isnull=True, organization__is_home=False
    ).exclude(organization_id=OuterRef("organization_id"))
    return (
        DealRegistration.objects.filter(alliance_id__in=alliance_ids, archived_at__isnull=True)
        .filter(~Exists(competitor))
        .select_related("alliance", "organization")
    )


def _pending(regs: Any, start: date | None, end: date | None) -> Any:
    return _between(regs.filter(status=RegistrationStatus.SUBMITTED), "decision_deadline", start, end)


def _decision_items(pending: Any) -> Iterable[agenda.AgendaItem]:
    for r in pending.order_by("decision_deadline", "pk"):
        yield agenda.AgendaItem(
            uid=f"dealreg-{r.pk}-decision",
            alliance_id=r.alliance_id,
            kind=REGISTRATION_DECISION,
            title=f"Decide deal registration: {r.company_name} ({r.organization.name})",
            day=r.decision_deadline,
            url=reverse("pipeline:registration_detail", args=[r.pk]),
            description=f"Submitted {r.submitted_on:%d %b %Y}; approve or reject by this day.",
            recipients=_owner(r.alliance.owner_id),
            data_kind=DATA_KIND,
        )


def _windows(regs: Any, start: date | None, end: date | None, statuses: tuple[str, ...]) -> Any:
    return _between(
        regs.filter(status__in=statuses, protection_until__isnull=False), "protection_until", start, end
    )


def _expiry_items(windows: Any) -> Iterable[agenda.AgendaItem]:
    for r in windows.order_by("protection_until", "pk"):
        yield agenda.AgendaItem(
            uid=f"dealreg-{r.pk}-expiry",
            alliance_id=r.alliance_id,
            kind=REGISTRATION_EXPIRY,
            title=f"Deal protection ends: {r.company_name} ({r.organization.name})",
            day=r.protection_until,
            url=reverse("pipeline:registration_detail", args=[r.pk]),
            status=agenda.OPEN if r.status == RegistrationStatus.APPROVED else agenda.DONE,
            recipients=_owner(r.alliance.owner_id),
            data_kind=DATA_KIND,
        )


def _open_links(alliance_ids: Any, start: date | None, end: date | None) -> Any:
    """The links of open deals closing in the window: one agenda item each."""
    return _between(
        OpportunityAlliance.objects.filter(
            alliance_id__in=alliance_ids,
            opportunity__stage__in=OPEN_STAGES,
            opportunity__archived_at__isnull=True,
        ),
        "opportunity__close_date",
        start,
        end,
    )


def _link_items(links: Any) -> Iterable[agenda.AgendaItem]:
    # One item per open deal and alliance (thousands in a big program): plain rows rather than
    # model instances, and the detail URL reversed once.
    rows = links.values_list(
        "alliance_id",
        "alliance__owner_id",
        "opportunity_id",
        "opportunity__name",
        "opportunity__close_date",
        "opportunity__stage",
        "opportunity__amount",
        "opportunity__currency",
        "opportunity__probability",
        "opportunity__owner_id",
    )
    stages = dict(OpportunityStage.choices)
    url = _detail_url()
    for (
        alliance_id,
        alliance_owner,
        pk,
        name,
        close_date,
        stage,
        amount,
        currency,
        probability,
        owner,
    ) in rows.order_by("opportunity__close_date", "pk"):
        yield agenda.AgendaItem(
            uid=f"opportunity-{pk}-close-{alliance_id}",
            alliance_id=alliance_id,
            kind=OPPORTUNITY_CLOSE,
            title=f"Expected close: {name}",
            day=close_date,
            url=url(pk),
            description=f"{stages.get(stage, stage)}, {amount:,.2f} {currency} at {probability}%.",
            recipients=_owner(owner or alliance_owner),
            data_kind=DATA_KIND,
        )


def items(alliance_ids: Any, start: date | None, end: date | None) -> Iterable[agenda.AgendaItem]:
    regs = _registrations(alliance_ids)
    yield from _decision_items(_pending(regs, start, end))
    statuses = (RegistrationStatus.APPROVED, RegistrationStatus.EXPIRED)
    yield from _expiry_items(_windows(regs, start, end, statuses))
    yield from _link_items(_open_links(alliance_ids, start, end))


def summary(alliance_ids: Any, start: date | None, end: date | None, limit: int) -> agenda.Counted:
    """The dashboard's counts of open items, counted in the database (a big program has
    thousands of registrations and hundreds of thousands of open deals), with the first
    ``limit`` of each kind."""
    regs = _registrations(alliance_ids)
    counted = {
        REGISTRATION_DECISION: agenda.counted(
            _pending(regs, start, end), "decision_deadline", limit, _decision_items
        ),
        REGISTRATION_EXPIRY: agenda.counted(
            _windows(regs, start, end, (RegistrationStatus.APPROVED,)),
            "protection_until",
            limit,
            _expiry_items,
        ),
        OPPORTUNITY_CLOSE: agenda.counted(
            _open_links(alliance_ids, start, end), "opportunity__close_date", limit, _link_items
        ),
    }
    return {kind: c for kind, c in counted.items() if c[0]}


def _detail_url() -> Any:
    """``pk -> the opportunity page's URL``, reversed once (the URL is ``…/<pk>/``)."""
    marker = 987654321
    template = reverse("pipeline:opportunity_detail", args=[marker])
    head, tail = template.split(str(marker), 1)
    return lambda pk: f"{head}{pk}{tail}"


def register() -> None:
    agenda.register("pipeline", items, summary=summary, data_kind=DATA_KIND)
