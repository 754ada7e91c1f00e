"""The request machinery of the authorization matrix: clients per user, one savepoint per request,
the body of any response (HTML, JSON, CSV, XLSX, PDF, ICS, files) as text, canaries found."""

from __future__ import annotations

import re
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test import Client

from . import canaries as c
from .world import P, World, all_tables, domain_models

USERS = ["anonymous", "admin", "manager", "executive", "sales", "partner_a", "partner_b"]
INTERNAL = ["admin", "manager", "executive", "sales"]


@dataclass
class Hit:
    phase: str  # which sharing situation / pass
    user: str
    method: str
    url: str
    route: str  # the URL pattern (or OpenAPI "METHOD path")
    status: int
    ctype: str = ""
    found: dict[str, set[str]] = field(default_factory=dict)
    error: str = ""
    location: str = ""
    export_links: bool = False
    own: set[str] = field(default_factory=set)  # classes of alliance X's markers (A's own data)
    seconds: float = 0.0

    def short(self) -> str:
        return f"{self.method} {self.url} as {self.user} [{self.phase}] → {self.status}"


class Runner:
    def __init__(self, world: World) -> None:
        self.world = world
        self.hits: list[Hit] = []
        self.clients: dict[str, Client] = {}
        self.token_clients: dict[str, Client] = {}
        for key in USERS:
            client = Client(raise_request_exception=True)
            if key != "anonymous":
                client.force_login(world.clients_users[key])
            self.clients[key] = client
        self.login_url = resolve_url(settings.LOGIN_URL)

    def token_client(self, key: str) -> Client:
        """A client with a write-scope Bearer token (API writes without CSRF)."""
        if key not in self.token_clients:
            from amity.accounts.services import token_create

            _, raw = token_create(user=self.world.clients_users[key], name="authz matrix", scope="write")
            self.token_clients[key] = Client(raise_request_exception=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
        return self.token_clients[key]

    def request(
        self,
        phase: str,
        user: str,
        url: str,
        route: str,
        *,
        method: str = "get",
        client: Client | None = None,
        data: Any = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        check: Any = None,
    ) -> Hit:
        """One request in a savepoint that is rolled back (a request changes nothing for the
        next one, and a database error cannot poison the transaction on PostgreSQL).
        ``check(hit)`` runs inside the savepoint, before the rollback."""
        client = client or self.clients[user]
        kwargs: dict[str, Any] = {"headers": headers or {}}
        if data is not None:
            kwargs["data"] = data
        if content_type:
            kwargs["content_type"] = content_type
        hit = Hit(phase, user, method.upper(), url, route, 0)
        started = time.perf_counter()
        try:
            with transaction.atomic():
                try:
                    response = getattr(client, method)(url, **kwargs)
                    hit.status = response.status_code
                    hit.ctype = response.get("Content-Type", "")
                    hit.location = response.get("Location", "")
                    text = body_text(response)
                    hit.found = c.found(text + "\n" + response.get("Content-Disposition", ""))
                    hit.export_links = "export=csv" in text or "export=xlsx" in text
                    hit.own = set(re.findall(r"xside_([a-z]+)_", text.lower()))
                except Exception as exc:  # noqa: BLE001 - a crash is a finding
                    hit.status = 599
                    hit.error = _crash(exc)
                if check is not None:
                    check(hit)
                transaction.set_rollback(True)
        except Exception as exc:  # noqa: BLE001 - e.g. the rollback of a broken transaction
            hit.status = hit.status or 599
            hit.error = hit.error or _crash(exc)
        hit.seconds = time.perf_counter() - started
        self.hits.append(hit)
        return hit

    def hits_of(self, *, phase: str | None = None, user: str | None = None) -> list[Hit]:
        return [
            h for h in self.hits if (phase is None or h.phase == phase) and (user is None or h.user == user)
        ]


def _crash(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [fr for fr in frames if "/src/amity/" in fr.filename] or frames
    where = " ← ".join(
        f"{fr.filename.split('/src/')[-1]}:{fr.lineno} {fr.name}" for fr in reversed(ours[-3:])
    )
    return f"{type(exc).__name__}: {str(exc)[:300]} at {where}"


def body_text(response: Any) -> str:
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    # No response.close() here: the test client closes responses itself, with Django's
    # close_old_connections unhooked - closing again would close the connection (PostgreSQL).
    ctype = response.get("Content-Type", "")
    if "pdf" in ctype or raw.startswith(b"%PDF"):
        return c.pdf_text(raw) + "\n" + raw.decode("latin-1")
    if "spreadsheetml" in ctype or raw.startswith(b"PK\x03\x04"):
        return c.xlsx_text(raw) + "\n" + raw.decode("latin-1")
    if "calendar" in ctype:
        return c.ics_text(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


# --- what partner A could change of Y -------------------------------------------------------------


class YSnapshot:
    """The rows of alliance Y's world, read straight from the tables: for every table the number
    of rows that are a P row of Y or point at one, and the full P rows. Taken before partner A's
    writes and inside each write's savepoint, it shows any change A made to Y."""

    def __init__(self, world: World) -> None:
        y_models = {m for m in domain_models() if m._meta.label in world.renumbered}
        y_models |= {
            m
            for m in domain_models()
            if world.filled.get(m._meta.label) == "generic" and m._meta.label in world.generic_of_y
        }
        qn = connection.ops.quote_name
        self.counts: list[tuple[str, str]] = []
        self.rows: list[tuple[str, str]] = []
        for table in all_tables():
            columns = []
            instance_type = getattr(table, "instance_type", None)
            if table in y_models:
                columns.append(table._meta.pk.column)
                self.rows.append(
                    (
                        table._meta.label,
                        f"SELECT * FROM {qn(table._meta.db_table)} WHERE {qn(table._meta.pk.column)} = {P}",
                    )
                )
            elif instance_type in y_models:
                columns.append(table._meta.get_field(instance_type._meta.pk.name).column)
            for fld in table._meta.concrete_fields:
                if fld.is_relation and fld.related_model in y_models and fld.column not in columns:
                    columns.append(fld.column)
            if columns:
                where = " OR ".join(f"{qn(col)} = {P}" for col in columns)
                self.counts.append(
                    (table._meta.label, f"SELECT COUNT(*) FROM {qn(table._meta.db_table)} WHERE {where}")
                )

    def take(self) -> dict[str, Any]:
        state: dict[str, Any] = {}
        with connection.cursor() as cursor:
            for label, sql in self.counts:
                cursor.execute(sql)
                state[f"{label} rows of Y"] = cursor.fetchone()[0]
            for label, sql in self.rows:
                cursor.execute(sql)
                state[f"{label} P row"] = tuple(str(v) for v in (cursor.fetchone() or ()))
        return state

    @staticmethod
    def diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
        return [
            f"{key}: {before.get(key)!r:.80} → {after.get(key)!r:.80}"
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)
        ]


def found_classes(hits: Iterable[Hit]) -> set[str]:
    return {cls for h in hits for cls in h.found}
