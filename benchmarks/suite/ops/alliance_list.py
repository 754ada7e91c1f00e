"""The filtered alliance list page: ``/alliances/?stage=…&tier=…``, first page, sorted by name."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from ..sql import money, placeholders, rows
from .base import Operation

LATEST_CLASSIFICATION = (
    "(SELECT r.classification FROM alliances_strategicreview r WHERE r.alliance_id = a.id "
    "AND r.archived_at IS NULL ORDER BY r.review_date DESC, r.id DESC LIMIT 1)"
)


class AllianceList(Operation):
    name = "alliance_list"
    title = "Filtered alliance list page (stage + tier)"
    amity_path = (
        "alliances.views.AllianceListView: get_queryset (selectors.alliance_list), the filter set, "
        "sort, Paginator, the row values - the view without its template; page: GET /alliances/?stage=&tier="
    )
    baseline_path = (
        "COUNT(*) of the filter; one query for the page (alliance, tier, owner, latest "
        "classification as a correlated subquery, LIMIT page size); the page's parties"
    )

    def prepare(self, env: Any) -> None:
        from django.conf import settings

        super().prepare(env)
        found = rows(
            "SELECT stage, tier_id, COUNT(*) FROM alliances_alliance WHERE archived_at IS NULL "
            "AND tier_id IS NOT NULL GROUP BY stage, tier_id ORDER BY COUNT(*) DESC, stage, tier_id LIMIT 1"
        )
        self.stage, self.tier_id, self.matches = found[0] if found else ("manage", 0, 0)
        self.page_size = settings.AMITY_PAGE_SIZE
        self.url = "/alliances/?" + urlencode({"stage": self.stage, "tier": self.tier_id})

    def describe(self) -> dict:
        return {"stage": self.stage, "tier_id": self.tier_id, "matches": self.matches}

    def amity(self) -> dict:
        from django.core.paginator import Paginator
        from django.test import RequestFactory

        from amity.alliances.views import AllianceListView
        from amity.core.views import resolve

        request = RequestFactory().get(self.url)
        request.user = self.env.user
        view = AllianceListView()
        qs = view.get_queryset(request)
        filterset = view.filterset_class(request.GET or None, queryset=qs, request=request)
        qs = filterset.qs
        _sort, order_by = view.sort_param(request)
        paginator = Paginator(qs.order_by(order_by, "pk"), view.page_size(request))
        page = paginator.get_page(request.GET.get("page"))
        columns = view.get_columns(request)
        return {
            "count": paginator.count,
            "rows": [(obj, [resolve(obj, c.key) for c in columns]) for obj in page.object_list],
            "columns": [c.key for c in columns],
        }

    def baseline(self) -> dict:
        where = "a.archived_at IS NULL AND a.stage = %s AND a.tier_id = %s"
        params = [self.stage, self.tier_id]
        count = rows(f"SELECT COUNT(*) FROM alliances_alliance a WHERE {where}", params)[0][0]
        page = rows(
            "SELECT a.id, a.name, a.alliance_type, a.tier_id, a.stage, u.first_name, u.last_name, "
            f"u.username, a.annual_value, {LATEST_CLASSIFICATION} FROM alliances_alliance a "
            "LEFT JOIN accounts_user u ON u.id = a.owner_id "
            f"WHERE {where} ORDER BY a.name, a.id LIMIT %s",
            [*params, self.page_size],
        )
        parties: dict[int, list] = defaultdict(list)
        ids = [r[0] for r in page]
        if ids:
            for alliance_id, name, role in rows(
                "SELECT p.alliance_id, o.name, p.role FROM alliances_allianceparty p "
                "JOIN partners_organization o ON o.id = p.organization_id "
                f"WHERE p.archived_at IS NULL AND p.alliance_id IN ({placeholders(ids)}) ORDER BY p.id",
                ids,
            ):
                parties[alliance_id].append((name, role))
        return {"count": count, "page": page, "parties": parties}

    def amity_answer(self, raw: dict) -> dict:
        out = []
        for obj, values in raw["rows"]:
            v = dict(zip(raw["columns"], values, strict=True))
            owner = v["owner"]
            out.append(
                (
                    obj.pk,
                    v["name"],
                    tuple((p.organization.name, p.role) for p in v["active_parties"]),
                    obj.alliance_type,
                    obj.tier_id,
                    v["stage"],
                    str(owner) if owner else None,
                    money(v["annual_value"]) if v["annual_value"] is not None else None,
                    v.get("review_classification"),
                )
            )
        return {"count": raw["count"], "rows": out}

    def baseline_answer(self, raw: dict) -> dict:
        out = []
        for pk, name, kind, tier_id, stage, first, last, username, value, cls in raw["page"]:
            full = f"{first} {last}".strip()
            owner = (full or username) if username is not None else None
            out.append(
                (
                    pk,
                    name,
                    tuple(raw["parties"].get(pk, ())),
                    kind,
                    tier_id,
                    stage,
                    owner,
                    money(value) if value is not None else None,
                    cls,
                )
            )
        return {"count": raw["count"], "rows": out}

    def page_url(self) -> str:
        return self.url

    def size(self, answer: dict) -> int:
        return answer["count"]
