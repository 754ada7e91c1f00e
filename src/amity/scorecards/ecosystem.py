"""The ecosystem map: partners, alliances (multi-party ones included) and the customers partners
share, as a graph (networkx), with the partners that hold otherwise separate parts together.

Nodes: partner organizations, alliances, and customer accounts that deals of two or more
different partners' alliances share. Edges: partner — alliance (a party of it), alliance —
shared customer (a deal of the alliance is with that customer). Our own company is left out:
it is in every alliance and would connect everything.

A **bridge partner** is one whose removal - with the alliances it is the only partner of - splits
its part of the ecosystem into more pieces that hold other partners. Its explanation names the
pieces it connects. Betweenness centrality
ranks how much of the ecosystem's shortest paths run through each partner (or its alliances).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from django.urls import reverse

from amity.alliances.models import Alliance, AllianceParty
from amity.pipeline.models import OpportunityAlliance


@dataclass
class Bridge:
    organization: Any
    pieces: list[list[str]]
    betweenness: float

    @property
    def explanation(self) -> str:
        named = "; ".join(
            ", ".join(p[:3]) + (f" and {len(p) - 3} more" if len(p) > 3 else "") for p in self.pieces
        )
        return (
            f"Without {self.organization.name} the ecosystem splits into {len(self.pieces)} parts: {named}."
        )


@dataclass
class Ecosystem:
    graph: nx.Graph
    bridges: list[Bridge] = field(default_factory=list)
    chart: dict = field(default_factory=dict)
    shared_customers: int = 0
    multi_party: int = 0


def _node(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


def build(user: Any) -> Ecosystem:
    alliances = {
        a.pk: a
        for a in Alliance.objects.visible_to(user).filter(archived_at__isnull=True).exclude(stage="retired")
    }
    parties = list(
        AllianceParty.objects.filter(
            alliance_id__in=alliances, archived_at__isnull=True, organization__is_home=False
        ).select_related("organization")
    )
    orgs_of: dict[int, list[Any]] = defaultdict(list)
    for p in parties:
        orgs_of[p.alliance_id].append(p.organization)
    g = nx.Graph()
    for alliance_id, orgs in orgs_of.items():
        a = alliances[alliance_id]
        g.add_node(
            _node("alliance", a.pk),
            kind="alliance",
            label=a.name,
            url=a.get_absolute_url(),
            parties=len(orgs),
        )
        for org in orgs:
            g.add_node(
                _node("org", org.pk), kind="partner", label=org.name, url=org.get_absolute_url(), obj=org
            )
            g.add_edge(_node("org", org.pk), _node("alliance", a.pk))
    # Customers shared by the alliances of two or more different partners.
    by_account: dict[int, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    for account_id, account_name, alliance_id in OpportunityAlliance.objects.filter(
        archived_at__isnull=True, alliance_id__in=list(orgs_of), opportunity__archived_at__isnull=True
    ).values_list("opportunity__account_id", "opportunity__account__name", "alliance_id"):
        by_account[account_id].add(alliance_id)
        names[account_id] = account_name
    shared = 0
    for account_id, alliance_ids in by_account.items():
        partners = {org.pk for aid in alliance_ids for org in orgs_of[aid]}
        if len(partners) < 2:
            continue
        shared += 1
        node = _node("customer", account_id)
        g.add_node(
            node,
            kind="customer",
            label=names[account_id],
            url=reverse("pipeline:account_detail", args=[account_id]),
        )
        for aid in alliance_ids:
            g.add_edge(node, _node("alliance", aid))
    result = Ecosystem(
        graph=g, shared_customers=shared, multi_party=sum(1 for o in orgs_of.values() if len(o) > 1)
    )
    if g.number_of_nodes() == 0:
        return result
    betweenness = nx.betweenness_centrality(g)
    partner_nodes = {n for n, d in g.nodes(data=True) if d["kind"] == "partner"}
    # A partner's weight: the betweenness of the partner or of its alliances, whichever is larger
    # (paths between others run through its alliances, the partner itself is often a leaf).
    weight = {n: max([betweenness[n]] + [betweenness[a] for a in g.neighbors(n)]) for n in partner_nodes}
    for node, data in g.nodes(data=True):
        if data["kind"] != "partner":
            continue
        # Take the partner away with the alliances it is the only partner of.
        own = {
            n
            for n in g.neighbors(node)
            if g.nodes[n]["kind"] == "alliance" and set(g.neighbors(n)) & partner_nodes == {node}
        }
        component = nx.node_connected_component(g, node)
        rest = g.subgraph(component - {node} - own)
        pieces = []
        for comp in nx.connected_components(rest):
            labels = sorted(rest.nodes[n]["label"] for n in comp if rest.nodes[n]["kind"] == "partner")
            if labels:  # a piece holding only customers is no split
                pieces.append(labels)
        if len(pieces) < 2:
            continue
        pieces.sort(key=lambda p: (-len(p), p))
        result.bridges.append(Bridge(data["obj"], pieces, weight[node]))
    result.bridges.sort(key=lambda b: (-b.betweenness, b.organization.name))
    bridge_ids = {_node("org", b.organization.pk) for b in result.bridges}
    categories = [
        {"name": "Partner"},
        {"name": "Bridge partner"},
        {"name": "Alliance"},
        {"name": "Shared customer"},
    ]
    nodes = []
    for node, data in g.nodes(data=True):
        if data["kind"] == "partner":
            category = 1 if node in bridge_ids else 0
            size = 14 + 60 * weight[node]
        elif data["kind"] == "alliance":
            category, size = 2, 10 + 4 * data.get("parties", 1)
        else:
            category, size = 3, 8
        nodes.append(
            {
                "id": node,
                "name": data["label"],
                "category": category,
                "symbolSize": round(size, 1),
                "value": round(weight.get(node, betweenness[node]), 3),
                "raw": {"url": data["url"]},
            }
        )
    result.chart = {
        "categories": categories,
        "nodes": sorted(nodes, key=lambda n: n["id"]),
        "links": [{"source": a, "target": b} for a, b in sorted(g.edges())],
    }
    return result
