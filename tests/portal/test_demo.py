"""The portal's part of the demo: an accepted, an expired and an open invitation, loaded idempotently
(the whole demo is exercised in tests/demo)."""

from __future__ import annotations

from types import SimpleNamespace

from django.core import mail

from amity.demo.loader import LoadResult
from amity.portal import demo
from amity.portal.models import Invitation, InvitationStatus
from tests import factories as f


def test_the_demo_invitations_load_once(manager, home):
    stratus = f.OrganizationFactory(name="Stratus Cloud", domain="stratuscloud.example")
    kestrel = f.OrganizationFactory(name="Kestrel IT", domain="kestrel-it.example")
    lena = f.partner_user(kestrel, username="lena", first_name="Lena", last_name="Hoffmann")
    loader = SimpleNamespace(
        users={"alice": manager}, orgs={"Stratus Cloud": stratus, "Kestrel IT": kestrel}, result=LoadResult()
    )
    demo.load(loader)
    statuses = {i.email: i.status for i in Invitation.objects.all()}
    assert statuses == {
        lena.email: InvitationStatus.ACCEPTED,
        "rosa.delgado@stratuscloud.example": InvitationStatus.EXPIRED,
        "felix.wagner@kestrel-it.example": InvitationStatus.OPEN,
    }
    assert Invitation.objects.get(user=lena).accepted_at == lena.date_joined
    assert loader.result.created["invitations"] == 3
    assert not mail.outbox  # loading sends no e-mail

    again = SimpleNamespace(users=loader.users, orgs=loader.orgs, result=LoadResult())
    demo.load(again)
    assert Invitation.objects.count() == 3
    assert not again.result.created_anything and again.result.existing["invitations"] == 3
