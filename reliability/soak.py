"""Load and soak: 50 simulated users, a mixed read/write workload against gunicorn +
PostgreSQL for 5 minutes; zero errors and zero lost writes.

A fresh database on the shared PostgreSQL server (``amity_soak``, dropped at the end) or
``--database-url``; gunicorn with 5 sync workers. Each user (a thread) signs in or uses its
own API token and loops: list pages (/partners/, /alliances/), API lists, creates
organizations and contacts (each POST with an Idempotency-Key, kept for its retries), and
edits its own or a shared organization with the version it read - a 409 on the shared one is a
conflict on purpose, *explained*, not an error. At the end the database is reconciled with what
the clients recorded: every confirmed create exactly once, every confirmed edit's text present.
"""

from __future__ import annotations

import random
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reliability.common import (
    Result,
    base_env,
    django_eval,
    drop_shared_pg_database,
    free_port,
    prepare,
    scenario_main,
    shared_pg_database,
    start_server,
)

CHECK = """
import json
from amity.partners.models import Contact, Organization
orgs = {}
for name in Organization.objects.filter(name__startswith="soak-").values_list("name", flat=True):
    orgs[name] = orgs.get(name, 0) + 1
contacts = {}
for email in Contact.objects.filter(email__startswith="soak-").values_list("email", flat=True):
    contacts[email] = contacts.get(email, 0) + 1
descriptions = dict(Organization.objects.filter(name__startswith="soak-").values_list("name", "description"))
print(json.dumps({"orgs": orgs, "contacts": contacts, "descriptions": descriptions}))
"""


class User(threading.Thread):
    def __init__(self, index: int, base: str, token: str, shared_id: int, until: float, seed: int) -> None:
        super().__init__(name=f"user-{index}", daemon=True)
        self.index, self.base, self.token, self.shared_id, self.until = index, base, token, shared_id, until
        self.rng = random.Random(seed)
        self.ops = self.conflicts = 0
        self.errors: list[str] = []
        self.orgs: dict[str, int] = {}  # name -> id
        self.contacts: list[str] = []
        self.last_description: dict[str, str] = {}
        self.latencies: list[float] = []

    def call(self, session, method: str, path: str, expect=(200,), **kw):
        import requests

        self.ops += 1
        started = time.monotonic()
        try:
            response = session.request(method, self.base + path, timeout=60, **kw)
        except requests.RequestException as exc:
            self.errors.append(f"{method} {path}: {type(exc).__name__}")
            return None
        self.latencies.append(time.monotonic() - started)
        if response.status_code == 409 and 409 in expect:
            self.conflicts += 1
            return response
        if response.status_code not in expect:
            self.errors.append(f"{method} {path}: {response.status_code} {response.text[:150]}")
            return None
        return response

    def create(self, session, path: str, body: dict):
        """POST with an Idempotency-Key; a dropped connection is retried with the same key."""
        key = str(uuid.uuid4())
        for _ in range(3):
            import requests

            self.ops += 1
            try:
                response = session.post(
                    self.base + path, json=body, headers={"Idempotency-Key": key}, timeout=60
                )
            except requests.RequestException as exc:
                self.errors.append(f"POST {path} (will retry): {type(exc).__name__}")
                continue
            if response.status_code == 201:
                return response.json()
            self.errors.append(f"POST {path}: {response.status_code} {response.text[:150]}")
            return None
        return None

    def run(self) -> None:
        import requests

        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {self.token}"
        pages = requests.Session()
        if not self.sign_in(pages):
            return
        seq = 0
        while time.monotonic() < self.until:
            seq += 1
            roll = self.rng.random()
            if roll < 0.30:
                self.call(pages, "GET", self.rng.choice(["/partners/", "/alliances/", "/"]))
            elif roll < 0.55:
                self.call(
                    api,
                    "GET",
                    self.rng.choice(["/api/v1/organizations?page_size=25", "/api/v1/contacts?page_size=25"]),
                )
            elif roll < 0.75 or not self.orgs:
                name = f"soak-{self.index}-{seq}"
                out = self.create(api, "/api/v1/organizations", {"name": name, "partner_kind": "isv"})
                if out:
                    self.orgs[name] = out["id"]
            elif roll < 0.87:
                name = self.rng.choice(list(self.orgs))
                email = f"soak-{self.index}-{seq}@example.com"
                out = self.create(
                    api,
                    "/api/v1/contacts",
                    {
                        "organization_id": self.orgs[name],
                        "first_name": "Soak",
                        "last_name": str(seq),
                        "email": email,
                    },
                )
                if out:
                    self.contacts.append(email)
            else:
                own = self.rng.random() < 0.6
                org_id = self.orgs[self.rng.choice(list(self.orgs))] if own else self.shared_id
                current = self.call(api, "GET", f"/api/v1/organizations/{org_id}")
                if current is None:
                    continue
                data = current.json()
                text = f"edited by {self.index} at {seq}"
                time.sleep(self.rng.uniform(0, 0.3))  # think: others may edit the shared one meanwhile
                done = self.call(
                    api,
                    "PATCH",
                    f"/api/v1/organizations/{org_id}",
                    expect=(200, 409),
                    json={"description": text, "version": data["version"]},
                )
                if done is not None and done.status_code == 200 and own:
                    self.last_description[data["name"]] = text
            time.sleep(self.rng.uniform(0.1, 0.6))

    def sign_in(self, session) -> bool:
        login = self.call(session, "GET", "/login/")
        if login is None:
            return False
        token = session.cookies.get("csrftoken", "")
        done = self.call(
            session,
            "POST",
            "/login/",
            expect=(200, 302),
            data={
                "username": "reliability",
                "password": "reliability-pass-2026",
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": self.base + "/login/"},
            allow_redirects=False,
        )
        return done is not None and "sessionid" in session.cookies


def run(
    *,
    quick: bool = False,
    users: int = 50,
    seconds: float | None = None,
    database_url: str = "",
    work_dir: Path | None = None,
) -> Result:
    result = Result(f"soak: {users} users, mixed read/write")
    started = time.monotonic()
    work = Path(work_dir or tempfile.mkdtemp(prefix="amity-rel-soak-"))
    duration = seconds or (45 if quick else 300)
    own_db = not database_url
    url = database_url or shared_pg_database("amity_soak")
    server = None
    try:
        env = base_env(work / "var", url)
        tokens = prepare(env, tokens=users)
        shared = django_eval(
            env,
            "import json\nfrom amity.partners.models import Organization\n"
            "o, _ = Organization.objects.get_or_create(name='soak-shared', defaults={'partner_kind': 'isv'})\n"
            "print(json.dumps(o.pk))",
        )
        port = free_port()
        server = start_server(env, port, work / "gunicorn.log", workers=5)
        base = f"http://127.0.0.1:{port}"
        until = time.monotonic() + duration
        threads = [User(i, base, tokens[i], shared, until, seed=i) for i in range(users)]
        for t in threads:
            t.start()
            time.sleep(0.05)
        for t in threads:
            t.join(timeout=duration + 300)
        check = django_eval(env, CHECK)
        confirmed_orgs = {n for t in threads for n in t.orgs}
        confirmed_contacts = [e for t in threads for e in t.contacts]
        missing = [n for n in confirmed_orgs if check["orgs"].get(n, 0) != 1]
        missing += [e for e in confirmed_contacts if check["contacts"].get(e, 0) != 1]
        extra = [n for n, c in check["orgs"].items() if n != "soak-shared" and n not in confirmed_orgs]
        extra += [e for e, c in check["contacts"].items() if e not in set(confirmed_contacts)]
        stale = [
            n
            for t in threads
            for n, text in t.last_description.items()
            if check["descriptions"].get(n) != text
        ]
        latencies = sorted(x for t in threads for x in t.latencies)
        result.operations = sum(t.ops for t in threads)
        errors = [e for t in threads for e in t.errors]
        result.errors = len(errors)
        result.explained = sum(t.conflicts for t in threads)
        result.lost_writes = len(missing) + len(extra) + len(stale)

        def p(q):
            return (
                round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000)
                if latencies
                else None
            )  # noqa: E731

        result.details = {
            "users": users,
            "seconds": duration,
            "organizations_created": len(confirmed_orgs),
            "contacts_created": len(confirmed_contacts),
            "edits_confirmed": sum(len(t.last_description) for t in threads),
            "conflicts_409": result.explained,
            "latency_ms": {"p50": p(0.5), "p95": p(0.95), "p99": p(0.99), "max": p(1.0)},
            "throughput_rps": round(result.operations / duration, 1),
            "missing_or_duplicated": missing[:20],
            "unrecorded_rows": extra[:20],
            "edits_not_found": stale[:20],
            "errors": errors[:20],
        }
        result.notes.append(
            f"{duration:.0f} s, {result.details['throughput_rps']} req/s, p95 {result.details['latency_ms']['p95']} ms; "
            f"{len(confirmed_orgs)} organizations + {len(confirmed_contacts)} contacts created, "
            f"{result.explained} deliberate 409 conflicts"
        )
    finally:
        if server is not None:
            server.stop()
        if own_db:
            drop_shared_pg_database("amity_soak")
        result.seconds = round(time.monotonic() - started, 1)
    return result


def main() -> None:
    scenario_main(__doc__, run, users=50, seconds=None, database_url="")


if __name__ == "__main__":
    main()
