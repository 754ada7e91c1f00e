"""Shared fixtures. Tests hit the real database (SQLite, or PostgreSQL with
AMITY_TEST_DATABASE_URL) and use factories from ``tests.factories``."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories as f


def pytest_report_header(config):
    import os

    url = os.environ.get("AMITY_TEST_DATABASE_URL")
    if url:
        return f"amity: database {url.split('@')[-1]} (PostgreSQL run)"
    return (
        "amity: database SQLite. The PostgreSQL run is skipped: set "
        "AMITY_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/amity to run the suite on PostgreSQL."
    )


def pytest_collection_modifyitems(config, items):
    # Browser tests flush the database (live server); run them last.
    items.sort(key=lambda item: "/e2e/" in str(item.fspath))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs ~0.15 s per factory user; tests are about Amity, not about hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _temporary_media_root(tmp_path_factory):
    # Uploads (agreement documents, the demo's PDFs) never land in var/media during tests.
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True, scope="session")
def _static_files_from_the_source():
    # `amity serve` collects hashed static files into var/static; the live server of the browser
    # tests serves the source files, so pages must name them unhashed whatever var/ holds.
    from django.conf import settings
    from django.test.utils import override_settings

    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}, WHITENOISE_USE_FINDERS=True):
        yield


@pytest.fixture
def home(db):
    return f.home_org()


@pytest.fixture
def admin(db, home):
    return f.admin_user(username="admin1")


@pytest.fixture
def manager(db, home):
    return f.manager_user(username="manager1")


@pytest.fixture
def executive(db, home):
    return f.executive_user(username="exec1")


@pytest.fixture
def partner_org(db):
    return f.OrganizationFactory(name="Stratus Test Cloud")


@pytest.fixture
def other_partner_org(db):
    return f.OrganizationFactory(name="Kestrel Test IT")


@pytest.fixture
def partner(db, partner_org):
    return f.partner_user(partner_org, username="partner1")


@pytest.fixture
def other_partner(db, other_partner_org):
    return f.partner_user(other_partner_org, username="partner2")


@pytest.fixture
def alliance(db, home, partner_org):
    return f.AllianceFactory(name="Stratus Test Alliance", partner=partner_org)


@pytest.fixture
def other_alliance(db, home, other_partner_org):
    return f.AllianceFactory(name="Kestrel Test Alliance", partner=other_partner_org)


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def client_for(db):
    """``client_for(user)`` returns a Django test client signed in as ``user``."""

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def api_for(db):
    """``api_for(user)`` returns a client that sends a real Bearer token for ``user``
    (a write-scope token: it may do whatever the user may)."""
    from amity.accounts.services import token_create

    def make(user):
        if user is None:
            return Client()
        _, raw = token_create(user=user, name="test", scope="write")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make
