"""Fixtures of the reliability tests: scratch PostgreSQL databases for subprocesses."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture
def postgres_scratch_url() -> Iterator[str]:
    """The URL of an empty database, created for the test on the PostgreSQL server of
    AMITY_TEST_DATABASE_URL and dropped after it; skips when that is not set or unreachable."""
    url = os.environ.get("AMITY_TEST_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "PostgreSQL run: set AMITY_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/amity "
            "(a scratch database is created on that server and dropped)"
        )
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    server = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
        "connect_timeout": 5,
    }
    name = f"amity_reliability_{os.getpid()}"
    try:
        admin = psycopg.connect(**server)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL at {server['host']}:{server['port']} is unreachable: {exc}")
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    try:
        yield f"postgres://{auth}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(**server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
