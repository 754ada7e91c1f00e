"""Pages: comment threads (htmx fragments, and plain forms without JavaScript), a milestone's
discussion page, and the activity feed.

With htmx a post swaps the thread in place; without it the browser posts the same form and is
sent back to the commented page, at the new comment.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from amity.alliances import selectors as alliance_selectors
from amity.alliances.views import alliance_header_context
from amity.core.models import user_role
from amity.core.permissions import can, get_visible_or_404
from amity.core.roles import Role
from amity.core.services import ConflictError
from amity.core.views import _errors_to_form, _int_or_none

from . import activity as feed
from . import selectors, services
from .forms import CommentForm
from .models import Comment, target_url

THREAD = "comments/partials/thread.html"


def _thread_response(request: HttpRequest, target: Any, **extra: Any) -> HttpResponse:
    ctx = selectors.thread(user=request.user, target=target, **extra)
    ctx["show_target"] = request.POST.get("show_target") == "1" or request.GET.get("show_target") == "1"
    return render(request, THREAD, ctx)


def _not_notified_sentence(comment: Comment, user: Any) -> str:
    missed = selectors.decorate([comment], user)[0].not_notified
    return f" Not notified: {', '.join(missed)}." if missed else ""


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def thread(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """GET: the thread as a fragment (htmx) or the page that shows it; POST: add a comment."""
    target = selectors.get_target(user=request.user, kind=kind, pk=pk)
    if request.method != "POST":
        if request.htmx:
            ctx = selectors.thread(user=request.user, target=target)
            ctx["show_target"] = True
            return render(request, THREAD, ctx)
        return redirect(target_url(kind, target) + f"#{selectors.thread_id(kind, target.pk)}")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.comment_create(
                user=request.user, target=target, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            if request.htmx:
                return _thread_response(request, target, posted=comment, flash="Comment posted.")
            messages.success(request, "Comment posted." + _not_notified_sentence(comment, request.user))
            return redirect(comment.get_absolute_url())
    if request.htmx:  # htmx swaps only 2xx answers: the errors come back in the thread
        return _thread_response(request, target, form=form)
    ctx = selectors.thread(user=request.user, target=target, form=form)
    ctx.update({"title": "Comment not posted", "target_label": selectors.target_label(kind, target)})
    return render(request, "comments/comment_form_page.html", ctx, status=422)


def _visible_comment(request: HttpRequest, pk: int) -> Comment:
    return get_visible_or_404(Comment, request.user, pk=pk, archived_at__isnull=True)


def _comment_context(request: HttpRequest, comment: Comment, **extra: Any) -> dict[str, Any]:
    comment = selectors.comments_on(user=request.user, target=comment.target).get(pk=comment.pk)
    selectors.decorate([comment], request.user)
    return {
        "c": comment,
        "thread_id": selectors.thread_id(comment.target_kind, comment.target_id),
        "target_label": selectors.target_label(comment.target_kind, comment.target),
        **extra,
    }


@login_required
@require_safe
def comment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One comment as a fragment (htmx: e.g. after cancelling an edit); else its place on its page."""
    comment = _visible_comment(request, pk)
    if request.htmx:
        return render(request, "comments/partials/comment.html", _comment_context(request, comment))
    return redirect(comment.get_absolute_url())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _visible_comment(request, pk)
    if not can(request.user, "change", comment):
        raise PermissionDenied("Only its author edits a comment.")
    template = "comments/partials/comment_edit.html" if request.htmx else "comments/comment_edit.html"
    if request.method != "POST":
        form = CommentForm(initial={"body": comment.body})
        return render(request, template, _comment_context(request, comment, form=form, title="Edit comment"))
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = services.comment_update(
                comment=comment,
                user=request.user,
                body=form.cleaned_data["body"],
                expected_version=_int_or_none(request.POST.get("version")),
            )
        except ConflictError as exc:
            form.add_error(None, f"{exc} Your text is below; save again to replace theirs.")
            comment.refresh_from_db()
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            if request.htmx:
                return render(request, "comments/partials/comment.html", _comment_context(request, comment))
            messages.success(request, "Comment saved." + _not_notified_sentence(comment, request.user))
            return redirect(comment.get_absolute_url())
    ctx = _comment_context(request, comment, form=form, title="Edit comment")
    return render(request, template, ctx, status=200 if request.htmx else 422)


@login_required
@require_POST
def comment_archive(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _visible_comment(request, pk)
    if not can(request.user, "archive", comment):
        raise PermissionDenied("Only its author or an admin archives a comment.")
    services.comment_archive(comment=comment, user=request.user)
    if request.htmx:
        return _thread_response(request, comment.target, flash="Comment archived.")
    messages.success(request, "Comment archived.")
    return redirect(
        target_url(comment.target_kind, comment.target)
        + f"#{selectors.thread_id(comment.target_kind, comment.target_id)}"
    )


@login_required
@require_safe
def milestone_discussion(request: HttpRequest, pk: int) -> HttpResponse:
    """A roadmap milestone with its discussion (the roadmap lists the milestones' threads)."""
    milestone = selectors.get_target(user=request.user, kind="milestone", pk=pk)
    alliance = alliance_selectors.alliance_detail(user=request.user, pk=milestone.alliance_id)
    ctx = alliance_header_context(request, alliance, tab="roadmap")
    ctx.update({"milestone": milestone, "title": milestone.title})
    return render(request, "comments/milestone_discussion.html", ctx)


# --- the activity feed ---------------------------------------------------------------------


def _day_label(day: date, today: date) -> str:
    if day == today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    return f"{day:%A} {day.day} {day:%B %Y}" if day.year != today.year else f"{day:%A} {day.day} {day:%B}"


@login_required
@require_safe
def activity(request: HttpRequest) -> HttpResponse:
    """Recent activity across the alliances the user sees, newest first."""
    user = request.user
    alliance_id = _int_or_none(request.GET.get("alliance"))
    alliance = feed.visible_alliance(user, alliance_id)
    if alliance_id and alliance is None:
        raise Http404("No alliance matches the given query.")
    pages = feed.MAX_OFFSET // feed.PAGE_SIZE + 1
    page = min(max(_int_or_none(request.GET.get("page")) or 1, 1), pages)
    result = feed.feed(user=user, alliance_id=alliance_id, offset=(page - 1) * feed.PAGE_SIZE)
    today = timezone.localdate()
    days: list[dict[str, Any]] = []
    for item in result.items:
        day = timezone.localdate(item.at)
        if not days or days[-1]["day"] != day:
            days.append({"day": day, "label": _day_label(day, today), "items": []})
        days[-1]["items"].append(item)
    base = f"alliance={alliance.pk}&" if alliance else ""
    return render(
        request,
        "comments/activity.html",
        {
            "title": "Activity",
            "days": days,
            "alliance": alliance,
            "alliances": alliance_selectors_for_filter(user),
            "page": page,
            "newer_url": f"?{base}page={page - 1}" if page > 1 else "",
            "older_url": f"?{base}page={page + 1}" if result.next_offset is not None and page < pages else "",
            "is_partner": user_role(user) == Role.PARTNER,
            "can_see_applications": can(user, "view", _application_model()),
        },
    )


def alliance_selectors_for_filter(user: Any) -> list[dict[str, Any]]:
    from amity.alliances.models import Alliance

    return list(Alliance.objects.visible_to(user).active().order_by("name").values("pk", "name"))


def _application_model() -> Any:
    from amity.partners.models_applications import PartnerApplication

    return PartnerApplication
