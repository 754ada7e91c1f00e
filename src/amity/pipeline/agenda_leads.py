"""Agenda source of leads: a routed lead's answer is due (``lead_answer``).

Leads are only routed to alliances with a single partner organization
(``services_leads._candidates`` / ``route_lead_to``), so the item is seen by exactly the
partner the lead went to and by us. Recipients: the alliance owner. OPEN while the lead waits;
an answered lead is DONE.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.urls import reverse

from amity.core import agenda

from .agenda import DATA_KIND, _between, _owner
from .models import Lead, LeadStatus

ANSWERED = (LeadStatus.ACCEPTED, LeadStatus.DECLINED, LeadStatus.CONVERTED)


def items(alliance_ids: Any, start: date | None, end: date | None) -> Iterable[agenda.AgendaItem]:
    leads = _between(
        Lead.objects.filter(
            alliance_id__in=alliance_ids,
            archived_at__isnull=True,
            response_due__isnull=False,
            status__in=(LeadStatus.ROUTED, *ANSWERED),
        ).select_related("alliance", "organization"),
        "response_due",
        start,
        end,
    )
    for lead in leads.order_by("response_due", "pk"):
        yield agenda.AgendaItem(
            uid=f"lead-{lead.pk}-answer-{lead.organization_id}",
            alliance_id=lead.alliance_id,
            kind="lead_answer",
            title=f"Answer the lead: {lead.company_name} ({lead.organization.name})",
            day=lead.response_due,
            url=reverse("pipeline:lead_detail", args=[lead.pk]),
            description="Routed to the partner; accept or decline with a reason by this day.",
            status=agenda.OPEN if lead.status == LeadStatus.ROUTED else agenda.DONE,
            recipients=_owner(lead.alliance.owner_id),
            data_kind=DATA_KIND,
        )


def register() -> None:
    agenda.register("pipeline_leads", items)
