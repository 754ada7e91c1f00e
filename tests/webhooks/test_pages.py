"""Pages: list, create (secret shown once), edit, rotate, Send test delivery, the delivery log with
attempts, Redeliver, archive - and who may see what (a partner only its own; 404 for others)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from amity.webhooks import services
from amity.webhooks.models import Delivery, DeliveryStatus, Subscription

pytestmark = pytest.mark.django_db

FORM = {
    "name": "CRM sync",
    "url": "https://crm.example.com/amity",
    "events": ["deal.approved", "plan.agreed"],
    "active": "on",
}


@pytest.fixture
def ours(subscribe):
    return subscribe("https://hooks.halcyon.example/amity", ["alliance.stage_changed"], name="Ours")[0]


@pytest.fixture
def theirs(subscribe, partner):
    return subscribe("https://hooks.partner.example/amity", ["deal.approved"], user=partner, name="Theirs")[0]


def test_the_user_menu_links_to_webhooks_for_those_who_manage_them(client_for, admin, partner, executive):
    assert 'data-testid="webhooks-link"' in client_for(admin).get("/").content.decode()
    assert (
        'data-testid="webhooks-link"'
        in client_for(partner).get(reverse("webhooks:subscription_list")).content.decode()
    )
    page = client_for(executive).get("/").content.decode()
    assert 'data-testid="webhooks-link"' not in page


def test_admins_see_every_webhook_a_partner_only_its_own(
    client_for, admin, partner, other_partner, ours, theirs
):
    page = client_for(admin).get(reverse("webhooks:subscription_list")).content.decode()
    assert "Ours" in page and "Theirs" in page
    page = client_for(partner).get(reverse("webhooks:subscription_list")).content.decode()
    assert "Theirs" in page and "Ours" not in page
    stranger = client_for(other_partner)
    assert "Theirs" not in stranger.get(reverse("webhooks:subscription_list")).content.decode()
    for name in ("subscription_detail", "subscription_edit"):
        assert stranger.get(reverse(f"webhooks:{name}", args=[theirs.pk])).status_code == 404
    for name in ("subscription_test", "subscription_rotate", "subscription_archive"):
        assert stranger.post(reverse(f"webhooks:{name}", args=[theirs.pk])).status_code == 404
    assert client_for(partner).get(reverse("webhooks:subscription_detail", args=[ours.pk])).status_code == 404


def test_executives_have_no_webhooks(client_for, executive, ours):
    client = client_for(executive)
    assert client.get(reverse("webhooks:subscription_list")).status_code == 403
    assert client.get(reverse("webhooks:subscription_create")).status_code == 403
    assert client.get(reverse("webhooks:subscription_detail", args=[ours.pk])).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, ours):
    response = client.get(reverse("webhooks:subscription_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_creating_shows_the_secret_once(client_for, manager, home):
    client = client_for(manager)
    form = client.get(reverse("webhooks:subscription_create")).content.decode()
    assert 'data-testid="event-choices"' in form and "Commitment missed" in form
    assert "A commitment of an alliance was marked missed." in form  # each event with its description
    response = client.post(reverse("webhooks:subscription_create"), FORM)
    subscription = Subscription.objects.get()
    assert response.status_code == 302 and response["Location"] == subscription.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    secret = subscription.signing_secret.secret
    assert 'data-testid="new-secret"' in page and secret in page
    assert subscription.organization == home and subscription.created_by == manager
    assert subscription.events == ["deal.approved", "plan.agreed"]
    again = client.get(response["Location"]).content.decode()
    assert secret not in again and subscription.secret_prefix in again


def test_bad_input_shows_the_form_again_with_the_problem(client_for, admin, home):
    client = client_for(admin)
    response = client.post(
        reverse("webhooks:subscription_create"), {**FORM, "url": "http://crm.example.com/"}
    )
    assert response.status_code == 422
    assert 'data-field-error="url"' in response.content.decode() and "Use https" in response.content.decode()
    response = client.post(reverse("webhooks:subscription_create"), {**FORM, "events": []})
    assert response.status_code == 422 and 'data-field-error="events"' in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_partner_creates_webhooks_for_its_own_organization(
    client_for, partner, partner_org, other_partner_org
):
    client = client_for(partner)
    form = client.get(reverse("webhooks:subscription_create")).content.decode()
    assert 'name="organization"' not in form
    response = client.post(
        reverse("webhooks:subscription_create"), {**FORM, "organization": other_partner_org.pk}
    )
    assert response.status_code == 302
    assert Subscription.objects.get().organization == partner_org
    local = client.post(reverse("webhooks:subscription_create"), {**FORM, "url": "http://localhost:8765/"})
    assert local.status_code == 422 and "public https address" in local.content.decode()


def test_an_admin_may_create_one_for_a_partner(client_for, admin, partner_org):
    client_for(admin).post(reverse("webhooks:subscription_create"), {**FORM, "organization": partner_org.pk})
    assert Subscription.objects.get().organization == partner_org


def test_editing_saves_and_a_stale_form_is_refused(client_for, admin, ours):
    client = client_for(admin)
    url = reverse("webhooks:subscription_edit", args=[ours.pk])
    assert 'value="1"' in client.get(url).content.decode()
    response = client.post(url, {**FORM, "name": "Renamed", "version": "1"})
    assert response.status_code == 302
    ours.refresh_from_db()
    assert (ours.name, ours.active, ours.version) == ("Renamed", True, 2)
    stale = client.post(url, {**FORM, "name": "Stale", "version": "1"})
    assert stale.status_code == 422 and "changed by someone else" in stale.content.decode()
    client.post(url, {**{k: v for k, v in FORM.items() if k != "active"}, "version": "2"})
    ours.refresh_from_db()
    assert ours.active is False


def test_rotating_shows_the_new_secret_once(client_for, partner, theirs):
    client = client_for(partner)
    old = theirs.signing_secret.secret
    response = client.post(reverse("webhooks:subscription_rotate", args=[theirs.pk]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    theirs.refresh_from_db()
    new = theirs.signing_secret.secret
    assert new != old and new in page and old not in page
    assert client.get(reverse("webhooks:subscription_rotate", args=[theirs.pk])).status_code == 405


def test_send_test_delivery_button_pings_and_the_log_shows_the_answer(
    client_for, admin, subscribe, receiver, django_capture_on_commit_callbacks
):
    subscription, _ = subscribe(receiver.url, ["deal.approved"])
    client = client_for(admin)
    detail = client.get(subscription.get_absolute_url()).content.decode()
    assert 'data-testid="send-test"' in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhooks:subscription_test", args=[subscription.pk]))
    assert response.status_code == 302
    ping = Delivery.objects.get(subscription=subscription, event="ping")
    page = client.get(subscription.get_absolute_url()).content.decode()
    assert "Test delivery" in page and 'hx-trigger="every 3s"' in page  # it polls while pending

    receiver.answers = [(503, b"maintenance window")]
    services.delivery_attempt(delivery_id=ping.pk)
    page = client.get(subscription.get_absolute_url()).content.decode()
    assert "maintenance window" in page and "503" in page and 'hx-trigger="every 3s"' not in page
    assert 'data-testid="redeliver"' in page
    # The htmx poll answers the log alone and, nothing pending, 286: stop polling.
    poll = client.get(subscription.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert poll.status_code == 286 and "<html" not in poll.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhooks:delivery_redeliver", args=[ping.pk]))
    services.delivery_attempt(delivery_id=ping.pk)
    ping.refresh_from_db()
    assert ping.status == DeliveryStatus.SUCCEEDED and ping.attempts == 2
    delivery_page = client.get(reverse("webhooks:delivery_detail", args=[ping.pk])).content.decode()
    assert str(ping.uid) in delivery_page and "maintenance window" in delivery_page
    assert '"event":"ping"' in delivery_page.replace("&quot;", '"')


def test_a_partner_sees_its_own_delivery_log_only(client_for, partner, other_partner, theirs):
    delivery = services.subscription_test(subscription=theirs, user=partner)
    assert client_for(partner).get(reverse("webhooks:delivery_detail", args=[delivery.pk])).status_code == 200
    stranger = client_for(other_partner)
    assert stranger.get(reverse("webhooks:delivery_detail", args=[delivery.pk])).status_code == 404
    assert stranger.post(reverse("webhooks:delivery_redeliver", args=[delivery.pk])).status_code == 404


def test_archive_and_restore(client_for, admin, ours):
    client = client_for(admin)
    response = client.post(reverse("webhooks:subscription_archive", args=[ours.pk]))
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.archived_at is not None
    client.get(reverse("webhooks:subscription_list"))  # shows (and so clears) the message
    assert ours.get_absolute_url() not in client.get(reverse("webhooks:subscription_list")).content.decode()
    assert (
        ours.get_absolute_url()
        in client.get(reverse("webhooks:subscription_list") + "?archived=1").content.decode()
    )
    client.post(reverse("webhooks:subscription_archive", args=[ours.pk]), {"restore": "1"})
    ours.refresh_from_db()
    assert ours.archived_at is None


def test_the_list_page_queries_do_not_grow_with_rows(
    client_for, admin, subscribe, django_assert_max_num_queries
):
    client = client_for(admin)
    subscribe("https://a.example/", ["deal.approved"])
    client.get(reverse("webhooks:subscription_list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("webhooks:subscription_list"))
    for n in range(10):
        subscribe(f"https://b{n}.example/", ["deal.approved"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("webhooks:subscription_list"))
