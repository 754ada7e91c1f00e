"""The worker killed in the middle of a webhook delivery: the delivery is sent again and
succeeds; the receiver can recognise the repeat by its ``Amity-Delivery`` id.

A local receiver holds the first request it gets (as a slow receiver would) while the worker
that sent it is SIGKILLed; the attempt was claimed and never recorded. A new worker's
recovery pass (amity.notifications.recovery) sends it again once its lease
(``AMITY_WEBHOOK_LEASE_SECONDS``, 20 s here, 600 by default) has run out. Measured: every
delivery succeeded, every delivery id reached the receiver, how many were received twice
(at-least-once: same id, so a receiver drops it), and the time from the kill to the last
success.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reliability.common import Result, base_env, django_eval, prepare, scenario_main, start_worker

SETUP = """
import json, uuid
from amity.partners.models import Organization
from amity.webhooks.models import Delivery, Subscription, SubscriptionSecret
from amity.webhooks import services, signing
home = Organization.objects.get(is_home=True)
secret = signing.new_secret()
sub = Subscription.objects.create(organization=home, name="reliability", url=%(url)r, events=["ping"], secret_prefix=secret[:10])
SubscriptionSecret.objects.create(subscription=sub, secret=secret)
ids = []
for i in range(%(count)d):
    d = Delivery.objects.create(subscription=sub, event="ping", event_id=uuid.uuid4(), payload={"n": i})
    ids.append(str(d.uid))
print(json.dumps(ids))
"""

ENQUEUE = """
import json
from amity.webhooks.models import Delivery
from amity.webhooks.services import _enqueue
pks = list(Delivery.objects.values_list("pk", flat=True))
for pk in pks:
    _enqueue(pk, 1)
print(json.dumps(len(pks)))
"""

STATE = """
import json
from amity.webhooks.models import Delivery
print(json.dumps(list(Delivery.objects.values_list("status", flat=True))))
"""


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        self.received: list[str] = []
        self.holding = threading.Event()
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), Handler)


class Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with self.server.lock:
            self.server.received.append(self.headers.get("Amity-Delivery", ""))
            first = not self.server.holding.is_set()
            self.server.holding.set()
        if first:
            time.sleep(8)  # the worker is killed while it waits for this answer
        try:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")
        except OSError:
            pass

    def log_message(self, *args) -> None:
        pass


def run(*, quick: bool = False, database_url: str = "", work_dir: Path | None = None) -> Result:
    result = Result("worker killed mid-webhook")
    started = time.monotonic()
    work = Path(work_dir or tempfile.mkdtemp(prefix="amity-rel-webhook-"))
    count = 5 if quick else 20
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    env = base_env(
        work / "var",
        database_url or f"sqlite:///{work / 'amity.sqlite3'}",
        AMITY_WORKER_STALE_SECONDS="15",
        AMITY_WEBHOOK_LEASE_SECONDS="20",
    )
    workers = []
    try:
        prepare(env)
        uids = django_eval(env, SETUP % {"url": url, "count": count})
        first = start_worker(env, work / "worker-1.log", worker_id="first")
        workers.append(first)
        django_eval(env, ENQUEUE)
        if not receiver.holding.wait(240):
            raise RuntimeError("the worker never sent a delivery:\n" + first.tail())
        first.kill()
        killed_at = time.monotonic()
        workers.append(start_worker(env, work / "worker-2.log", worker_id="second"))
        statuses: list[str] = []
        while time.monotonic() - killed_at < 240:
            statuses = django_eval(env, STATE)
            if all(s in ("succeeded", "gave_up") for s in statuses):
                break
            time.sleep(2)
        result.recovery_s = round(time.monotonic() - killed_at, 1)
        succeeded = statuses.count("succeeded")
        got = set(receiver.received)
        repeats = len(receiver.received) - len(got)
        result.operations = count
        result.lost_writes = (count - succeeded) + len(set(uids) - got)
        result.explained = repeats
        result.details = {
            "deliveries": count,
            "succeeded": succeeded,
            "statuses": statuses,
            "received": len(receiver.received),
            "distinct_ids_received": len(got),
            "received_twice_same_id": repeats,
        }
        result.notes.append(
            f"{succeeded}/{count} deliveries succeeded; {len(got)} distinct ids received, "
            f"{repeats} received again with the same Amity-Delivery id (at-least-once)"
        )
    finally:
        for w in workers:
            w.stop()
        receiver.shutdown()
        result.seconds = round(time.monotonic() - started, 1)
    return result


def main() -> None:
    scenario_main(__doc__, run, database_url="")


if __name__ == "__main__":
    main()
