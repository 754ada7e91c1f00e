"""Uploads in these tests go to a temporary MEDIA_ROOT, never into var/media."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time
from unittest import mock

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@contextmanager
def on_day(day: date):
    """Run the enclosed code as if today were ``day`` (noon, local time)."""
    moment = timezone.make_aware(datetime.combine(day, time(12, 0)))
    with mock.patch.object(timezone, "now", lambda: moment):
        yield


@pytest.fixture
def today():
    """``with today(date(2026, 11, 1)):`` - the clock for services and selectors."""
    return on_day
