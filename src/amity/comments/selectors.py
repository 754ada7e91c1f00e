"""Reads: the commented objects, their threads (for one user), and what a thread shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Prefetch, QuerySet
from django.http import Http404

from amity.alliances import sharing
from amity.core.models import user_role
from amity.core.permissions import can, is_internal
from amity.core.roles import Role
from amity.partners.models import Organization

from . import mentions
from .models import TARGET_KINDS, Comment, CommentMention, target_url


def target_models() -> dict[str, Any]:
    """Target kind → model (imported late: the target apps import nothing from here)."""
    from amity.agreements.models import Commitment
    from amity.planning.models import JointBusinessPlan, Milestone

    return {"plan": JointBusinessPlan, "milestone": Milestone, "commitment": Commitment}


def kind_of(target: Any) -> str:
    for kind, model in target_models().items():
        if isinstance(target, model):
            return kind
    raise TypeError(f"Comments are not kept on {type(target).__name__}.")


def get_target(*, user: Any, kind: str, pk: int) -> Any:
    """The plan, milestone or commitment ``pk`` if ``user`` sees it; 404 otherwise."""
    model = target_models().get(kind)
    if model is None:
        raise Http404("Unknown kind of object.")
    target = model.objects.visible_to(user).select_related("alliance").filter(pk=pk).first()
    if target is None:
        raise Http404(f"No {model._meta.verbose_name} matches the given query.")
    return target


def target_label(kind: str, target: Any) -> str:
    """``the plan “FY2026 co-sell plan”`` - for notifications, e-mails and the feed."""
    noun = {"plan": "the plan", "milestone": "the milestone", "commitment": "the commitment"}[kind]
    return f"{noun} “{target}”"


def comment_list(*, user: Any) -> QuerySet:
    """Every comment ``user`` may read, with what rendering it needs (no query per comment)."""
    return (
        Comment.objects.visible_to(user)
        .select_related("author", "author__organization", "alliance", "plan", "milestone", "commitment")
        .prefetch_related(Prefetch("mentions", queryset=CommentMention.objects.select_related("user")))
    )


def comments_on(*, user: Any, target: Any, include_archived: bool = False) -> QuerySet:
    qs = comment_list(user=user).filter(**{kind_of(target): target})
    return qs if include_archived else qs.active()


@dataclass(frozen=True)
class MentionView:
    notified: bool
    name: str
    why: str


def mention_views(comment: Comment, reader: Any) -> dict[str, MentionView]:
    """How each mention of ``comment`` reads for ``reader``. Our people learn why someone was not
    notified; a partner author learns only that nobody of that name who can see this was found
    (a partner user need not learn which users exist elsewhere); other partner readers, nothing."""
    internal = is_internal(reader)
    author = comment.author_id == getattr(reader, "pk", None)
    views = {}
    for m in comment.mentions.all():
        if m.notified:
            why = ""
        elif not internal:
            why = "nobody of that name who can see this" if author else ""
        elif m.user_id is None:
            why = "nobody of that name"
        elif m.user_id == comment.author_id:
            why = "that is the author"
        else:
            why = "cannot see this"
        views[m.handle] = MentionView(
            m.notified, str(m.user) if m.user and (m.notified or internal) else "", why
        )
    return views


def decorate(comments: list[Comment], user: Any) -> list[Comment]:
    """Attach what a thread shows for each comment: its HTML, what the reader may do with it,
    and (for the author) the people who were not notified and why."""
    for c in comments:
        views = mention_views(c, user)
        c.body_html = mentions.render(c.body, views)
        c.can_edit = can(user, "change", c) and c.archived_at is None
        c.can_archive = can(user, "archive", c) and c.archived_at is None
        c.not_notified = (
            [f"@{h} ({v.why})" if v.why else f"@{h}" for h, v in views.items() if not v.notified]
            if c.author_id == getattr(user, "pk", None)
            else []
        )
    return comments


def audience(*, target: Any, kind: str) -> str:
    """Who reads a thread: our people, and the partners of the alliance who see its kind."""
    home = Organization.objects.filter(is_home=True).values_list("name", flat=True).first() or "our company"
    partners = [
        row.organization.name for row in sharing.matrix(target.alliance) if row.shared[TARGET_KINDS[kind]]
    ]
    if not partners:
        return f"Only {home} sees this thread: the alliance shares this {kind} with no partner."
    names = partners[0] if len(partners) == 1 else ", ".join(partners[:-1]) + " and " + partners[-1]
    return f"Everyone at {home} and at {names} who can see this {kind} reads this thread."


def can_comment(*, user: Any, target: Any) -> bool:
    return can(user, "create", Comment) and target.archived_at is None


def thread_id(kind: str, pk: int) -> str:
    return f"thread-{kind}-{pk}"


def thread(
    *, user: Any, target: Any, form: Any = None, posted: Comment | None = None, flash: str = ""
) -> dict[str, Any]:
    """The context of a comment thread (``comments/partials/thread.html``): a fixed number of
    queries whatever the number of comments."""
    from .forms import CommentForm

    kind = kind_of(target)
    comments = decorate(list(comments_on(user=user, target=target)), user)
    allowed = can_comment(user=user, target=target)
    return {
        "target": target,
        "target_kind": kind,
        "thread_id": thread_id(kind, target.pk),
        "target_url": target_url(kind, target),
        "comments": comments,
        "can_comment": allowed,
        "form": form if form is not None else (CommentForm() if allowed else None),
        "audience": audience(target=target, kind=kind),
        "posted": posted,
        "flash": flash,
        "posted_not_notified": decorate([posted], user)[0].not_notified if posted is not None else [],
        "is_partner": user_role(user) == Role.PARTNER,
    }


def milestone_counts(*, user: Any, milestone_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per milestone: how many visible comments, and when the latest was written (one query)."""
    rows = (
        Comment.objects.visible_to(user)
        .active()
        .filter(milestone_id__in=milestone_ids)
        .values("milestone_id")
        .annotate(n=Count("id"), last=Max("created_at"))
        .order_by()
    )
    return {r["milestone_id"]: r for r in rows}


def comment_url(comment: Comment) -> str:
    return target_url(comment.target_kind, comment.target) + f"#{comment.anchor}"
