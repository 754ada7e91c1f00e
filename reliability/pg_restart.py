"""PostgreSQL restarted under load: requests fail fast with 503, Amity recovers by itself, and
nothing is half-written.

A throwaway PostgreSQL cluster of our own (port 55432 by default - never the shared server),
Amity migrated into it and served by gunicorn; client threads create organizations through the
API, each POST with an ``Idempotency-Key`` that the client keeps for its retries, and read
lists and pages. Mid-run the cluster is stopped (``pg_ctl -m fast``: open connections are cut),
kept down for a few seconds and started again. Measured: how fast requests answer while the
database is down (503 with Retry-After, not 500, not hanging), the time from the database being
back to the first success and to every client succeeding again; then, from the database: each
write a client saw succeed is there exactly once, nothing a client saw fail is there, and no
request left a half-done write (an idempotency record never completed, an organization without
its history row).
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reliability.common import (
    Cluster,
    Result,
    base_env,
    django_eval,
    free_port,
    prepare,
    scenario_main,
    start_server,
)

#: A 503 slower than this does not count as failing fast.
FAST = 2.0

CHECK = """
import json
from amity.core.models import IdempotencyRecord
from amity.partners.models import Organization
names = {}
for name in Organization.objects.filter(name__startswith="pgr-").values_list("name", flat=True):
    names[name] = names.get(name, 0) + 1
ids = set(Organization.objects.filter(name__startswith="pgr-").values_list("pk", flat=True))
logged = set(Organization.history.model.objects.filter(id__in=ids).values_list("id", flat=True))
no_history = len(ids - logged)
open_records = IdempotencyRecord.objects.filter(status=0).count()
print(json.dumps({"names": names, "no_history": no_history, "open_records": open_records}))
"""


class Client(threading.Thread):
    def __init__(self, index: int, base: str, token: str, stop: threading.Event, state: dict) -> None:
        super().__init__(name=f"client-{index}", daemon=True)
        self.index, self.base, self.token, self.stop_event, self.state = index, base, token, stop, state
        self.ops = self.ok_writes = 0
        self.confirmed: list[str] = []
        self.abandoned: list[str] = []
        self.fast_503 = 0
        self.slow_503: list[float] = []
        self.errors: list[str] = []
        self.successes: list[float] = []  # monotonic times of successful requests

    def _request(self, session, method: str, path: str, **kw):
        import requests

        started = time.monotonic()
        try:
            response = session.request(method, self.base + path, timeout=15, **kw)
        except requests.RequestException as exc:
            return None, time.monotonic() - started, exc
        return response, time.monotonic() - started, None

    def _note_failure(self, response, took: float, exc, what: str) -> None:
        outage = self.state.get("down_at") is not None
        if response is not None and response.status_code == 503:
            if took <= FAST:
                self.fast_503 += 1
            else:
                self.slow_503.append(round(took, 2))
            return
        if exc is not None and outage:
            self.state.setdefault("connection_errors", []).append(f"{what}: {type(exc).__name__}")
            return
        detail = f"{response.status_code} {response.text[:200]}" if response is not None else repr(exc)
        self.errors.append(f"{what}: {detail}")

    def run(self) -> None:
        import requests

        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token}"
        seq = 0
        while not self.stop_event.is_set():
            seq += 1
            if seq % 3 == 0:
                self.ops += 1
                response, took, exc = self._request(session, "GET", "/api/v1/organizations?page_size=20")
                if response is not None and response.status_code == 200:
                    self.successes.append(time.monotonic())
                else:
                    self._note_failure(response, took, exc, "GET organizations")
                time.sleep(0.05)
                continue
            name = f"pgr-{self.index}-{seq}"
            key = str(uuid.uuid4())
            body = {"name": name, "partner_kind": "var", "description": "restart scenario"}
            deadline = time.monotonic() + 60
            while True:  # the same key for every retry of this write
                self.ops += 1
                response, took, exc = self._request(
                    session, "POST", "/api/v1/organizations", json=body, headers={"Idempotency-Key": key}
                )
                if response is not None and response.status_code == 201:
                    self.confirmed.append(name)
                    self.successes.append(time.monotonic())
                    break
                self._note_failure(response, took, exc, f"POST {name}")
                if response is not None and response.status_code not in (502, 503, 504):
                    self.abandoned.append(name)
                    break
                if time.monotonic() > deadline:
                    self.abandoned.append(name)
                    break
                time.sleep(0.25)
            time.sleep(0.05)


def run(*, quick: bool = False, port: int = 55432, clients: int = 8, work_dir: Path | None = None) -> Result:
    result = Result("postgresql restart under load")
    started = time.monotonic()
    work = Path(work_dir or tempfile.mkdtemp(prefix="amity-rel-pg-"))
    cluster = Cluster(port)  # raises Skip without PostgreSQL binaries
    server = None
    try:
        cluster.start()
        cluster.create_database()
        env = base_env(work / "var", cluster.url)
        tokens = prepare(env, tokens=clients)
        http_port = free_port()
        server = start_server(env, http_port, work / "gunicorn.log", workers=3)
        base = f"http://127.0.0.1:{http_port}"
        stop = threading.Event()
        state: dict = {}
        threads = [Client(i, base, tokens[i], stop, state) for i in range(clients)]
        for t in threads:
            t.start()
        warm, down, after = (5, 3, 10) if quick else (15, 5, 25)
        time.sleep(warm)
        state["down_at"] = time.monotonic()
        cluster.stop("fast")
        health = _probe_health(base)
        time.sleep(down)
        cluster.start()
        up_at = time.monotonic()
        time.sleep(after)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        first_success = min((s for t in threads for s in t.successes if s > up_at), default=None)
        all_back = max(
            (min((s for s in t.successes if s > up_at), default=float("inf")) for t in threads), default=None
        )
        check = django_eval(env, CHECK)
        confirmed = [n for t in threads for n in t.confirmed]
        abandoned = [n for t in threads for n in t.abandoned]
        names = check["names"]
        missing = [n for n in confirmed if names.get(n, 0) == 0]
        duplicated = [n for n, count in names.items() if count > 1]
        ghosts = [n for n in abandoned if names.get(n, 0)]
        result.operations = sum(t.ops for t in threads)
        result.explained = sum(t.fast_503 for t in threads) + len(state.get("connection_errors", []))
        errors = [e for t in threads for e in t.errors]
        slow = [s for t in threads for s in t.slow_503]
        result.errors = len(errors) + len(slow) + len(ghosts) + check["no_history"] + check["open_records"]
        result.lost_writes = len(missing) + len(duplicated)
        result.recovery_s = round(first_success - up_at, 2) if first_success else None
        result.details = {
            "clients": clients,
            "writes_confirmed": len(confirmed),
            "writes_abandoned": len(abandoned),
            "fast_503": sum(t.fast_503 for t in threads),
            "slow_503_seconds": slow[:20],
            "connection_errors_during_outage": len(state.get("connection_errors", [])),
            "healthz_during_outage": health,
            "outage_seconds": round(up_at - state["down_at"], 2),
            "all_clients_back_s": round(all_back - up_at, 2)
            if all_back not in (None, float("inf"))
            else None,
            "missing": missing[:20],
            "duplicated": duplicated[:20],
            "written_though_failed": ghosts[:20],
            "organizations_without_history": check["no_history"],
            "idempotency_records_left_open": check["open_records"],
            "unexplained": errors[:20],
        }
        result.notes.append(
            f"{len(confirmed)} writes confirmed; outage {result.details['outage_seconds']} s; "
            f"{result.details['fast_503']} fast 503s; healthz during outage {health}"
        )
        if result.details["connection_errors_during_outage"]:
            result.notes.append(
                f"{result.details['connection_errors_during_outage']} connection errors while the database "
                "went down (requests in flight when PostgreSQL cut their connection); retried with their key"
            )
    finally:
        if server is not None:
            server.stop()
        cluster.destroy()
        result.seconds = round(time.monotonic() - started, 1)
    return result


def _probe_health(base: str) -> str:
    import requests

    time.sleep(0.5)
    started = time.monotonic()
    try:
        status = requests.get(base + "/healthz", timeout=10).status_code
    except requests.RequestException as exc:
        return f"no answer ({type(exc).__name__})"
    return f"{status} in {time.monotonic() - started:.2f} s"


def main() -> None:
    scenario_main(__doc__, run, port=55432)


if __name__ == "__main__":
    main()
