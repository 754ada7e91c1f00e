"""Pages: calendar feeds (and the secret .ics URL), and the notifications inbox.

Views parse the request, call one service or selector, and render.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from amity.core.permissions import get_visible_or_404
from amity.core.views import _errors_to_form, safe_next

from . import selectors, services
from .forms import FeedForm
from .models import CalendarFeed, Notification

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """Create, see and revoke calendar feeds; a new feed's URL is shown once."""
    user = request.user
    created = None
    form = FeedForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            feed, raw = services.feed_create(
                user=user, name=form.cleaned_data["name"], alliance=form.cleaned_data["alliance"]
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            created = {"feed": feed, "url": services.feed_url(raw), "webcal": services.webcal_url(raw)}
            form = FeedForm(user=user)
    status = 422 if request.method == "POST" and created is None else 200
    context = {"title": "Calendar", "form": form, "created": created, **selectors.calendar_page(user=user)}
    return render(request, "notifications/calendar.html", context, status=status)


@login_required
@require_POST
def feed_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_visible_or_404(CalendarFeed, request.user, pk=pk, owner_id=request.user.pk)
    services.feed_revoke(feed=feed, user=request.user)
    messages.success(request, f"Revoked the calendar feed “{feed.name}”. Its address no longer works.")
    return redirect("notifications:calendar")


@never_cache
@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret feed itself: no sign-in; the token decides whose agenda it is."""
    response = HttpResponse(services.feed_render(token=token), content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="amity.ics"'
    return response


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    show = "unread" if request.GET.get("show") == "unread" else "all"
    qs = selectors.notification_list(user=request.user, unread=True if show == "unread" else None)
    page = Paginator(qs, settings.AMITY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {
            "title": "Notifications",
            "page": page,
            "notifications": page.object_list,
            "show": show,
            "querystring": f"show={show}" if show == "unread" else "",
            "unread_total": selectors.unread_count(user=request.user),
            "reminder_days": settings.AMITY_REMINDER_DAYS,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_visible_or_404(Notification, request.user, pk=pk, user_id=request.user.pk)
    services.notification_mark_read(notification=note, user=request.user)
    return redirect(safe_next(request, default=reverse("notifications:notification_list")))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect(safe_next(request, default=reverse("notifications:notification_list")))
