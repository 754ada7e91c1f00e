"""Pages: subscriptions (list, create, edit, rotate the secret, send a test, archive) and the
delivery log with each attempt (redeliver a failed delivery).

Admins and alliance managers manage every subscription; partner users their own organization's
(another organization's answers 404); executives and sales reps have no webhooks (403).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from amity.core.models import user_role
from amity.core.permissions import can, get_visible_or_404
from amity.core.roles import Role
from amity.core.services import ConflictError
from amity.core.views import CappedPaginator, _errors_to_form

from . import catalog, selectors, services
from .forms import SubscriptionForm
from .models import Delivery, DeliveryStatus, Subscription


def _may_use(request: HttpRequest) -> None:
    if not can(request.user, "view", Subscription):
        raise PermissionDenied("Webhooks are managed by admins, alliance managers and partner users.")


def _subscription(request: HttpRequest, pk: int) -> Subscription:
    _may_use(request)
    return get_visible_or_404(Subscription, request.user, pk=pk)


def _may_change(request: HttpRequest, subscription: Subscription) -> None:
    if not can(request.user, "change", subscription):
        raise PermissionDenied


@login_required
def subscription_list(request: HttpRequest) -> HttpResponse:
    _may_use(request)
    archived = request.GET.get("archived") == "1"
    subscriptions = selectors.subscription_list(user=request.user, include_archived=archived)
    page = Paginator(subscriptions, settings.AMITY_PAGE_SIZE).get_page(request.GET.get("page"))
    template = (
        "webhooks/partials/subscription_table.html" if request.htmx else "webhooks/subscription_list.html"
    )
    return render(
        request,
        template,
        {
            "title": "Webhooks",
            "page": page,
            "subscriptions": page.object_list,
            "archived": archived,
            "querystring": "archived=1" if archived else "",
            "can_create": can(request.user, "create", Subscription),
            "events": catalog.EVENTS.values(),
        },
    )


@login_required
def subscription_create(request: HttpRequest) -> HttpResponse:
    _may_use(request)
    if not can(request.user, "create", Subscription):
        raise PermissionDenied
    owner_choice = user_role(request.user) != Role.PARTNER
    form = SubscriptionForm(
        request.POST or None, user=request.user, owner_choice=owner_choice, initial={"active": True}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not owner_choice:
            data.pop("organization", None)
        try:
            subscription, secret = services.subscription_create(user=request.user, data=data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Created the webhook “{subscription.name}”.")
            return _show_secret_once(request, subscription, secret)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "webhooks/subscription_form.html",
        {"title": "New webhook", "form": form, "subscription": None},
        status=status,
    )


@login_required
def subscription_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    _may_change(request, subscription)
    initial = {k: getattr(subscription, k) for k in ("name", "url", "events", "active")}
    form = SubscriptionForm(request.POST or None, user=request.user, owner_choice=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(
                subscription=subscription,
                data={k: form.cleaned_data[k] for k in services.EDITABLE},
                user=request.user,
                expected_version=_version(request),
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Saved the webhook “{form.cleaned_data['name']}”.")
            return redirect(subscription.get_absolute_url())
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "webhooks/subscription_form.html",
        {"title": f"Edit {subscription.name}", "form": form, "subscription": subscription},
        status=status,
    )


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


SECRET_KEY_IN_SESSION = "webhooks:new_secret"


def _show_secret_once(request: HttpRequest, subscription: Subscription, secret: str) -> HttpResponse:
    # Post/redirect/get: the detail page pops the secret from the session, so a reload or the
    # back button never shows it again.
    request.session[SECRET_KEY_IN_SESSION] = {"id": subscription.pk, "secret": secret}
    return redirect(subscription.get_absolute_url())


@never_cache
@login_required
def subscription_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The subscription with its delivery log; a new secret is shown once (create, rotate)."""
    subscription = _subscription(request, pk)
    secret = None
    if not request.htmx:
        pending = request.session.pop(SECRET_KEY_IN_SESSION, None)
        if pending and pending.get("id") == subscription.pk:
            secret = pending.get("secret")
    return _detail(request, subscription, secret=secret)


def _detail(request: HttpRequest, subscription: Subscription, *, secret: str | None = None) -> HttpResponse:
    show = request.GET.get("status") if request.GET.get("status") in DeliveryStatus.values else None
    deliveries = selectors.delivery_list(user=request.user, subscription=subscription, status=show)
    page = CappedPaginator(deliveries, 25).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "title": subscription.name,
        "subscription": subscription,
        "secret": secret,
        "page": page,
        "deliveries": page.object_list,
        "show": show,
        "statuses": DeliveryStatus.choices,
        "querystring": f"status={show}" if show else "",
        "polling": any(d.status == DeliveryStatus.PENDING for d in page.object_list),
        "can_change": can(request.user, "change", subscription),
        "can_archive": can(request.user, "archive", subscription),
        "event_types": [catalog.EVENTS[e] for e in subscription.events if e in catalog.EVENTS],
    }
    if request.htmx:
        # 286 tells htmx to stop polling once nothing is pending.
        status = 200 if context["polling"] or request.GET.get("page") else 286
        return render(request, "webhooks/partials/delivery_log.html", context, status=status)
    return render(request, "webhooks/subscription_detail.html", context)


@login_required
@require_POST
def subscription_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    _may_change(request, subscription)
    try:
        subscription, secret = services.subscription_rotate_secret(
            subscription=subscription, user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(subscription.get_absolute_url())
    messages.success(
        request, "A new secret is in use from the next delivery on; the old one no longer signs."
    )
    return _show_secret_once(request, subscription, secret)


@login_required
@require_POST
def subscription_test(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    _may_change(request, subscription)
    try:
        services.subscription_test(subscription=subscription, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Test delivery (event “ping”) queued: the background worker sends it in a moment; "
            "its answer appears in the log below.",
        )
    return redirect(subscription.get_absolute_url())


@login_required
@require_POST
def subscription_archive(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    if not can(request.user, "archive", subscription):
        raise PermissionDenied
    if request.POST.get("restore") == "1":
        services.subscription_restore(subscription=subscription, user=request.user)
        messages.success(request, f"Restored the webhook “{subscription.name}”.")
        return redirect(subscription.get_absolute_url())
    services.subscription_archive(subscription=subscription, user=request.user)
    messages.success(request, f"Archived the webhook “{subscription.name}”: nothing more is sent to it.")
    return redirect("webhooks:subscription_list")


@never_cache
@login_required
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _may_use(request)
    delivery = get_visible_or_404(Delivery, request.user, pk=pk)
    return render(
        request,
        "webhooks/delivery_detail.html",
        {
            "title": f"Delivery of {delivery.event}",
            "delivery": delivery,
            "subscription": delivery.subscription,
            "attempts": delivery.attempt_log.all(),
            "body": services.encode(delivery.payload).decode("utf-8"),
            "can_change": can(request.user, "change", delivery.subscription),
        },
    )


@login_required
@require_POST
def delivery_redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    _may_use(request)
    delivery = get_visible_or_404(Delivery, request.user, pk=pk)
    _may_change(request, delivery.subscription)
    try:
        services.delivery_redeliver(delivery=delivery, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Delivery of “{delivery.event}” queued again, with a fresh retry schedule."
        )
    return redirect(delivery.subscription.get_absolute_url())
