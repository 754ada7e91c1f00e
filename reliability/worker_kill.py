"""The worker killed in the middle of a CRM import: the job is taken up again and finishes,
with every record exactly once.

A migrated Amity (SQLite by default, ``--database-url`` for PostgreSQL), a salesforce accounts
export of a few thousand rows uploaded and confirmed through the API, ``amity worker`` started,
SIGKILLed as soon as the job reports progress, and a new worker started. Without the recovery
pass (amity.notifications.recovery) the task stayed RUNNING for ever; now the new worker puts
it back in the queue once the dead worker's heartbeat is stale, the import runs again
(upserting by external id) and finishes. Measured: time from the kill to the job being done;
the accounts counted by external id (each exactly once, none missing).
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reliability.common import Result, base_env, django_eval, prepare, scenario_main, start_worker

STALE = "15"  # AMITY_WORKER_STALE_SECONDS for the scenario (default 60)

JOB = """
import json
from amity.pipeline.models import ImportJob
job = ImportJob.objects.get(pk=%(pk)d)
print(json.dumps({"status": job.status, "rows_read": job.rows_read, "message": job.message}))
"""

UPLOAD = """
import json
from django.core.files.uploadedfile import SimpleUploadedFile
from amity.accounts.models import User
from amity.pipeline import services_imports as services
user = User.objects.get(username="reliability")
data = open(%(path)r, "rb").read()
job = services.import_upload(user=user, file=SimpleUploadedFile("accounts.csv", data), kind="accounts", format="salesforce")
job = services.import_confirm(job=job, user=user)
print(json.dumps({"pk": job.pk}))
"""

COUNT = """
import json
from django.db.models import Count
from amity.pipeline.models import Account
rows = Account.objects.filter(external_ids__salesforce__startswith="001REL").values_list("external_ids", flat=True)
seen = {}
for ids in rows:
    seen[ids["salesforce"]] = seen.get(ids["salesforce"], 0) + 1
from django_tasks_db.models import DBTaskResult
print(json.dumps({"distinct": len(seen), "rows": sum(seen.values()), "duplicated": sum(1 for v in seen.values() if v > 1),
    "tasks": list(DBTaskResult.objects.values_list("status", flat=True))}))
"""


def accounts_csv(rows: int) -> bytes:
    out = io.StringIO()
    out.write("Id,Name,Website,BillingCountry,Industry,Type,OwnerId\n")
    for i in range(rows):
        out.write(
            f"001REL{i:09d},Reliability Account {i},https://r{i}.example.com/,Netherlands,Retail,Customer,005X\n"
        )
    return out.getvalue().encode()


def job_state(env: dict, pk: int) -> dict:
    """The job's progress - straight from SQLite (an ``amity shell`` takes seconds to start)."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30) as conn:
            status, rows, message = conn.execute(
                "SELECT status, rows_read, message FROM pipeline_importjob WHERE id = ?", [pk]
            ).fetchone()
        return {"status": status, "rows_read": rows, "message": message}
    return django_eval(env, JOB % {"pk": pk})


def run(*, quick: bool = False, database_url: str = "", work_dir: Path | None = None) -> Result:
    result = Result("worker killed mid-import")
    started = time.monotonic()
    work = Path(work_dir or tempfile.mkdtemp(prefix="amity-rel-worker-"))
    rows = 3000 if quick else 8000
    env = base_env(
        work / "var", database_url or f"sqlite:///{work / 'amity.sqlite3'}", AMITY_WORKER_STALE_SECONDS=STALE
    )
    prepare(env)
    csv = work / "accounts.csv"
    csv.write_bytes(accounts_csv(rows))
    pk = django_eval(env, UPLOAD % {"path": str(csv)})["pk"]
    workers = []
    try:
        first = start_worker(env, work / "worker-1.log", worker_id="first")
        workers.append(first)
        deadline = time.monotonic() + 300
        state = {}
        while time.monotonic() < deadline:
            state = job_state(env, pk)
            if state["status"] != "queued" and (state["rows_read"] > 0 or state["status"] != "running"):
                break
            time.sleep(0.1)
        if state.get("status") != "running":
            result.notes.append(
                f"the import was {state.get('status')} before the kill (too fast to interrupt)"
            )
        first.kill()
        killed_at = time.monotonic()
        result.details["rows_read_at_kill"] = state.get("rows_read")
        second = start_worker(env, work / "worker-2.log", worker_id="second")
        workers.append(second)
        while time.monotonic() - killed_at < 300:
            state = job_state(env, pk)
            if state["status"] in ("done", "failed"):
                break
            time.sleep(1)
        result.recovery_s = round(time.monotonic() - killed_at, 1)
        counts = django_eval(env, COUNT)
        result.operations = rows
        result.lost_writes = (rows - counts["distinct"]) + counts["duplicated"]
        if state["status"] != "done":
            result.errors += 1
            result.notes.append(f"job ended {state['status']}: {state.get('message', '')[:200]}")
        result.details.update(
            rows=rows,
            final=state,
            accounts=counts["distinct"],
            duplicated=counts["duplicated"],
            tasks=counts["tasks"],
        )
        result.notes.append(
            f"killed at {result.details['rows_read_at_kill']} rows read; job {state['status']}, "
            f"{counts['distinct']}/{rows} accounts, {counts['duplicated']} duplicated"
        )
    finally:
        for w in workers:
            w.stop()
        result.seconds = round(time.monotonic() - started, 1)
    return result


def main() -> None:
    scenario_main(__doc__, run, database_url="")


if __name__ == "__main__":
    main()
