"""Fixtures of the portal tests."""

from __future__ import annotations

import pytest
from django.urls import reverse

from amity.portal import services


@pytest.fixture
def invite(manager, django_capture_on_commit_callbacks):
    """``invite(org, email=…)`` invites through the service as the manager - the e-mail goes out
    on commit, which is run here - and returns (invitation, the accept page's path)."""

    def make(organization, email="new.person@partner.example", **kw):
        user = kw.pop("user", manager)
        with django_capture_on_commit_callbacks(execute=True):
            invitation, raw = services.invitation_create(
                organization=organization, email=email, user=user, **kw
            )
        return invitation, reverse("portal:invitation_accept", args=[raw])

    return make
