"""/healthz answers 503 with a reason when the database is unreachable (a real refused connection)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = """
import django, json
django.setup()
from django.test import Client
r = Client().get("/healthz")
print(json.dumps({"status": r.status_code, "body": json.loads(r.content)}))
"""


def test_healthz_reports_503_when_the_database_is_unreachable(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "amity.settings",
        # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
        "AMITY_VAR_DIR": str(tmp_path),
    }
    env.pop("AMITY_TEST_DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == 503
    assert result["body"]["database"] == "unreachable"
    assert result["body"]["reason"]


def test_healthz_is_ok_with_a_working_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
