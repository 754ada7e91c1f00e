"""The alliance detail page (overview tab) of the alliance with the most parties and people."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..sql import placeholders, rows
from .base import Operation

HISTORY = (
    ("alliances_historicalalliance", "id"),
    ("alliances_historicalallianceparty", "alliance_id"),
    ("alliances_historicalalliancemember", "alliance_id"),
    ("alliances_historicalstrategicreview", "alliance_id"),
)


class AllianceDetail(Operation):
    name = "alliance_detail"
    title = "Alliance detail page (overview)"
    amity_path = (
        "alliances.selectors.alliance_detail + alliances.views.detail_context (header, people, stage "
        "history, timeline, sharing, tier history, latest review, next stages with their gate "
        "checklists) - the view without its template; page: GET /alliances/<id>/"
    )
    baseline_path = (
        "one query each for the alliance (with tier and owner), parties, people, objectives, latest "
        "review, stage history, tier changes, open proposal, sharing settings, transitions, gate "
        "requirements and the four history tables; gate checks evaluated in plain Python"
    )

    def prepare(self, env: Any) -> None:
        super().prepare(env)
        found = rows(
            "SELECT a.id FROM alliances_alliance a WHERE a.archived_at IS NULL ORDER BY "
            "(SELECT COUNT(*) FROM alliances_alliancemember m WHERE m.alliance_id = a.id) + "
            "(SELECT COUNT(*) FROM alliances_allianceparty p WHERE p.alliance_id = a.id) + "
            "(SELECT COUNT(*) FROM alliances_stagechange s WHERE s.alliance_id = a.id) DESC, a.id LIMIT 1"
        )
        self.pk = found[0][0]

    def describe(self) -> dict:
        return {"alliance_id": self.pk}

    def amity(self) -> dict:
        from django.test import RequestFactory

        from amity.alliances import selectors
        from amity.alliances.views import detail_context

        request = RequestFactory().get(self.page_url())
        request.user = self.env.user
        alliance = selectors.alliance_detail(user=self.env.user, pk=self.pk)
        return detail_context(request, alliance)

    def baseline(self) -> dict:
        pk = self.pk
        (alliance,) = rows(
            "SELECT a.id, a.name, a.stage, a.tier_id, a.owner_id, a.start_date, a.exit_plan, a.archived_at, "
            "t.name, u.first_name, u.last_name, u.username FROM alliances_alliance a "
            "LEFT JOIN alliances_tier t ON t.id = a.tier_id LEFT JOIN accounts_user u ON u.id = a.owner_id "
            "WHERE a.id = %s",
            [pk],
        )
        parties = rows(
            "SELECT p.id, p.organization_id, p.role, o.name, o.is_home FROM alliances_allianceparty p "
            "JOIN partners_organization o ON o.id = p.organization_id "
            "WHERE p.alliance_id = %s AND p.archived_at IS NULL ORDER BY p.id",
            [pk],
        )
        members = rows(
            "SELECT m.id, m.contact_id, m.role, c.first_name, c.last_name, c.organization_id, o.is_home "
            "FROM alliances_alliancemember m JOIN partners_contact c ON c.id = m.contact_id "
            "JOIN partners_organization o ON o.id = c.organization_id "
            "WHERE m.alliance_id = %s AND m.archived_at IS NULL ORDER BY m.role, m.id",
            [pk],
        )
        objectives = rows(
            "SELECT o.code, o.title FROM alliances_alliance_objectives ao "
            "JOIN alliances_corporateobjective o ON o.id = ao.corporateobjective_id "
            "WHERE ao.alliance_id = %s ORDER BY o.code",
            [pk],
        )
        reviews = rows(
            "SELECT r.id, r.review_date, r.classification, r.explanation, t.name, u.username, COUNT(*) OVER () "
            "FROM alliances_strategicreview r LEFT JOIN alliances_tier t ON t.id = r.recommended_tier_id "
            "LEFT JOIN accounts_user u ON u.id = r.reviewed_by_id "
            "WHERE r.alliance_id = %s AND r.archived_at IS NULL ORDER BY r.review_date DESC, r.id DESC LIMIT 1",
            [pk],
        )
        stages = rows(
            "SELECT s.id, s.from_stage, s.to_stage, s.changed_at, s.reason, u.username FROM alliances_stagechange s "
            "LEFT JOIN accounts_user u ON u.id = s.changed_by_id WHERE s.alliance_id = %s "
            "ORDER BY s.changed_at DESC, s.id DESC LIMIT 25",
            [pk],
        )
        tier_changes = rows(
            "SELECT c.id, f.name, t.name, c.source, c.changed_at, c.reason FROM alliances_tierchange c "
            "LEFT JOIN alliances_tier f ON f.id = c.from_tier_id LEFT JOIN alliances_tier t ON t.id = c.to_tier_id "
            "WHERE c.alliance_id = %s ORDER BY c.changed_at DESC, c.id DESC LIMIT 5",
            [pk],
        )
        proposal = rows(
            "SELECT p.id FROM alliances_tierproposal p JOIN alliances_tierreview r ON r.id = p.review_id "
            "WHERE p.alliance_id = %s AND p.status IN ('proposed', 'approved') "
            "ORDER BY r.run_on DESC, p.id DESC LIMIT 1",
            [pk],
        )
        sharing = rows(
            "SELECT organization_id, kind, shared FROM alliances_sharingsetting WHERE alliance_id = %s", [pk]
        )
        transitions = rows(
            "SELECT to_stage, label FROM alliances_stagetransitionrule WHERE archived_at IS NULL AND from_stage = %s",
            [alliance[2]],
        )
        targets = [t for t, _ in transitions]
        requirements = (
            rows(
                "SELECT id, stage, label, check_kind FROM alliances_gaterequirement WHERE archived_at IS NULL "
                f'AND stage IN ({placeholders(targets)}) ORDER BY stage, "order", id',
                targets,
            )
            if targets
            else []
        )
        history = [
            rows(
                f"SELECT history_id, history_type, history_date FROM {table} WHERE {column} = %s "
                "ORDER BY history_date DESC LIMIT 25",
                [pk],
            )
            for table, column in HISTORY
        ]
        return {
            "alliance": alliance,
            "parties": parties,
            "members": members,
            "objectives": objectives,
            "reviews": reviews,
            "stages": stages,
            "tier_changes": tier_changes,
            "proposal": proposal,
            "sharing": sharing,
            "targets": targets,
            "requirements": requirements,
            "history": history,
        }

    def amity_answer(self, ctx: dict) -> dict:
        a = ctx["alliance"]
        return {
            "alliance": (a.pk, a.name, a.stage, a.tier_id, a.owner_id),
            "parties": [(p.pk, p.organization_id, p.role) for p in ctx["parties"]],
            "members": [
                (m.pk, m.contact_id, m.role) for group in ("managers", "team") for m in ctx["people"][group]
            ]
            + sorted((m.pk, m.contact_id, m.role) for s in ctx["people"]["sponsors"] for m in s["members"]),
            "objectives": sorted(o.code for o in ctx["objectives"]),
            "review": ctx["review"].pk if ctx["review"] else None,
            "stage_history": [s.pk for s in ctx["stage_history"]],
            "tier_changes": [c.pk for c in ctx["tier_changes"]],
            "open_proposal": ctx["open_proposal"].pk if ctx["open_proposal"] else None,
            "sharing": sorted((s.party.organization_id, tuple(sorted(s.explicit))) for s in ctx["sharing"]),
            "targets": sorted(
                (t["stage"], tuple((i["id"], i["met"]) for i in t["items"])) for t in ctx["targets"]
            ),
        }

    def baseline_answer(self, raw: dict) -> dict:
        from django.utils import timezone

        pk, name, stage, tier_id, owner_id, start_date, exit_plan, _archived, *_ = raw["alliance"]
        parties, members = raw["parties"], raw["members"]
        partner_orgs = {p[1] for p in parties if p[2] != "host"}
        sponsors = [m for m in members if m[2] == "sponsor"]
        review = raw["reviews"][0] if raw["reviews"] else None
        checks = {
            "owner": owner_id is not None,
            "partner": any(p[2] != "host" for p in parties),
            "sponsors": any(m[6] for m in sponsors) and any(not m[6] for m in sponsors),
            "review": review is not None,
            "recent_review": review is not None and review[1] >= timezone.localdate() - timedelta(days=365),
            "objective": bool(raw["objectives"]),
            "tier": tier_id is not None,
            "start_date": start_date is not None,
            "exit_plan": bool((exit_plan or "").strip()),
        }
        party_orgs = {p[1] for p in parties}
        explicit: dict[int, list[str]] = {org: [] for org in partner_orgs}
        for org, kind, _shared in raw["sharing"]:
            if org in explicit:
                explicit[org].append(kind)
        return {
            "alliance": (pk, name, stage, tier_id, owner_id),
            "parties": [(p[0], p[1], p[2]) for p in parties],
            "members": [(m[0], m[1], m[2]) for m in members if m[2] == "manager"]
            + [(m[0], m[1], m[2]) for m in members if m[2] == "team"]
            + sorted((m[0], m[1], m[2]) for m in sponsors if m[5] in party_orgs),
            "objectives": sorted(code for code, _ in raw["objectives"]),
            "review": review[0] if review else None,
            "stage_history": [s[0] for s in raw["stages"]],
            "tier_changes": [c[0] for c in raw["tier_changes"]],
            "open_proposal": raw["proposal"][0][0] if raw["proposal"] else None,
            "sharing": sorted((org, tuple(sorted(kinds))) for org, kinds in explicit.items()),
            "targets": sorted(
                (
                    target,
                    tuple(
                        (req_id, checks.get(check, False) if check != "attest" else False)
                        for req_id, stage_, _label, check in raw["requirements"]
                        if stage_ == target
                    ),
                )
                for target in raw["targets"]
            ),
        }

    def page_url(self) -> str:
        return f"/alliances/{self.pk}/"

    def size(self, answer: dict) -> int:
        return len(answer["parties"]) + len(answer["members"]) + len(answer["stage_history"])
