"""The deal-registration duplicate/conflict check, for a sample of registrations."""

from __future__ import annotations

from typing import Any

from ..sql import rows
from .base import Operation

OPEN = ("prospecting", "qualification", "proposal", "negotiation")


class DuplicateCheck(Operation):
    name = "registration_duplicate_check"
    title = "Deal-registration duplicate check"
    amity_path = "pipeline.services.find_matches(registration, today) for each registration of the sample"
    baseline_path = (
        "per registration: open opportunities of accounts with the same normalized name or domain "
        "(one join), and the other active registrations with the same name or domain"
    )

    def prepare(self, env: Any) -> None:
        from amity.pipeline.models import DealRegistration

        super().prepare(env)
        self.today = env.today
        sample = 10 if env.quick else 50
        ids = [
            r[0]
            for r in rows("SELECT id FROM pipeline_dealregistration WHERE archived_at IS NULL ORDER BY id")
        ]
        step = max(1, len(ids) // sample)
        picked = ids[::step][:sample]
        self.registrations = list(DealRegistration.objects.filter(pk__in=picked).order_by("pk"))
        self.keys = [(r.pk, r.organization_id, r.normalized_name, r.domain) for r in self.registrations]

    def describe(self) -> dict:
        return {"registrations": len(self.registrations), "of": self._count()}

    def _count(self) -> int:
        return rows("SELECT COUNT(*) FROM pipeline_dealregistration")[0][0]

    def amity(self) -> list:
        from amity.pipeline.services import find_matches

        return [find_matches(r, self.today) for r in self.registrations]

    def baseline(self) -> list:
        open_marks = ", ".join(f"'{s}'" for s in OPEN)
        out = []
        for pk, _organization, name, domain in self.keys:
            if not name and not domain:
                out.append(([], []))
                continue
            conditions, params = [], []
            if name:
                conditions.append("{t}.normalized_name = %s")
                params.append(name)
            if domain:
                conditions.append("{t}.domain = %s")
                params.append(domain)
            key = " OR ".join(conditions)
            opportunities = rows(
                "SELECT o.id, a.id, a.normalized_name, a.domain FROM pipeline_opportunity o "
                "JOIN pipeline_account a ON a.id = o.account_id "
                f"WHERE ({key.format(t='a')}) AND a.archived_at IS NULL AND o.archived_at IS NULL "
                f"AND o.stage IN ({open_marks}) ORDER BY o.id",
                params,
            )
            others = rows(
                "SELECT r.id, r.organization_id, r.normalized_name, r.domain FROM pipeline_dealregistration r "
                f"WHERE ({key.format(t='r')}) AND r.archived_at IS NULL AND r.id <> %s "
                "AND (r.status = 'submitted' OR (r.status = 'approved' AND r.protection_until >= %s)) "
                "ORDER BY r.id",
                [*params, pk, self.today],
            )
            out.append((opportunities, others))
        return out

    def amity_answer(self, raw: list) -> list:
        return [
            [
                (m.kind, m.opportunity_id or m.other_registration_id, m.account_id, m.on_name, m.on_domain)
                for m in matches
            ]
            for matches in raw
        ]

    def baseline_answer(self, raw: list) -> list:
        out = []
        for (_pk, organization_id, name, domain), (opportunities, others) in zip(self.keys, raw, strict=True):
            found = [
                ("open_opportunity", opp, account, bool(name) and n == name, bool(domain) and d == domain)
                for opp, account, n, d in opportunities
            ]
            found += [
                (
                    "duplicate" if org == organization_id else "competing_registration",
                    other,
                    None,
                    bool(name) and n == name,
                    bool(domain) and d == domain,
                )
                for other, org, n, d in others
            ]
            out.append(found)
        return out

    def size(self, answer: list) -> int:
        return sum(len(m) for m in answer)
