"""Partner access in the demo story: who was invited to Amity, and how it went.

* **Lena Hoffmann** (Kestrel IT) accepted Alice's invitation when Kestrel joined: her account
  (``lena``) is the one the invitation created.
* **Rosa Delgado** (Stratus Cloud, Marketplace Partner Manager) was invited in October and never
  opened the link: the invitation expired - Alice can send a new link from Stratus's
  *People with access* page.
* **Felix Wagner** (Kestrel IT, Head of Presales) has an open invitation. It is made when the
  demo is loaded (a link valid for ``AMITY_INVITATION_DAYS`` from then), since a link of the
  story's own date would have expired long ago; its link is not printed (only a digest is
  stored): *Resend* shows a fresh one.

No e-mail is sent while loading. Idempotent by e-mail address: an address with any invitation is
left as it is.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from amity.accounts.models import User
from amity.core.services import set_history_user
from amity.demo.loader import email_for, story_time

from . import services
from .models import Invitation, invitation_days


def _exists(loader: Any, email: str) -> bool:
    if Invitation.objects.filter(email__iexact=email).exists():
        loader.result.existing["invitations"] += 1
        return True
    return False


def _accepted(loader: Any) -> None:
    """Lena's account predates this app's rows, so her accepted invitation is recorded as it was
    (the service refuses to invite an address that already has access - rightly)."""
    lena = User.objects.filter(username="lena").first()
    alice = loader.users.get("alice")
    if lena is None or _exists(loader, lena.email):
        return
    accepted = lena.date_joined
    sent = accepted - timedelta(days=1, hours=3)
    invitation = Invitation(
        email=lena.email,
        first_name=lena.first_name,
        last_name=lena.last_name,
        organization=lena.organization,
        invited_by=alice,
        token_digest=services.digest(services.TOKEN_PREFIX + secrets.token_urlsafe(32)),
        created_at=sent,
        expires_at=sent + timedelta(days=invitation_days()),
        last_sent_at=sent,
        sent_count=1,
        accepted_at=accepted,
        user=lena,
    )
    set_history_user(invitation, lena)
    invitation._change_reason = "accepted"
    with story_time(accepted):
        invitation.save()
    loader.result.created["invitations"] += 1


def _invite(loader: Any, *, org: str, first: str, last: str, by: str, when: datetime) -> None:
    organization = loader.orgs[org]
    email = email_for(first, last, organization.domain)
    if _exists(loader, email):
        return
    with story_time(when):
        services.invitation_create(
            organization=organization,
            email=email,
            first_name=first,
            last_name=last,
            user=loader.users[by],
            send=False,
            now=when,
        )
    loader.result.created["invitations"] += 1


def load(loader: Any) -> None:
    _accepted(loader)
    _invite(
        loader,
        org="Stratus Cloud",
        first="Rosa",
        last="Delgado",
        by="alice",
        when=datetime(2026, 10, 5, 8, 30, tzinfo=UTC),
    )
    _invite(
        loader,
        org="Kestrel IT",
        first="Felix",
        last="Wagner",
        by="alice",
        when=timezone.now().replace(microsecond=0) - timedelta(hours=2),
    )
