"""REST API of the comments app: ``/comments`` (threads on plans, milestones and commitments,
with @mentions) and ``/activity`` (the feed).

A comment is read through its target's visibility: a comment on something you cannot see is
404, like the thing itself. Only the author edits (403 for others who see it); the author or an
admin archives (DELETE).
"""

# No ``from __future__ import annotations``: ninja reads the handlers' annotations at import,
# and @paginate wraps handlers so string annotations would resolve in ninja's own module.

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import model_validator

from amity.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InputSchema,
    Page,
    acting_user,
    archived_flag,
    check_id,
    get_visible,
)

from . import activity as feed
from . import mentions, selectors, services
from .models import MAX_BODY, Comment

router = Router(tags=["comments"])

BODY_HELP = f"Plain text, at most {MAX_BODY:,} characters; @username mentions notify people who can see it."


class CommentAuthorOut(Schema):
    id: int
    username: str
    name: str
    organization: str | None = Field(description="A partner user's organization; None for our people.")

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)

    @staticmethod
    def resolve_organization(obj: Any) -> str | None:
        return obj.organization.name if getattr(obj, "is_partner", False) and obj.organization_id else None


class CommentTargetOut(Schema):
    kind: str = Field(description="plan, milestone or commitment.")
    id: int
    title: str
    alliance_id: int


class CommentMentionOut(Schema):
    handle: str = Field(description="As written after the @ (lower-case).")
    username: str | None = Field(description="Who it named: when notified, or to our people.")
    notified: bool
    reason: str = Field(description="Why not notified, as far as you may know it; empty when notified.")


class CommentOut(Schema):
    id: int
    target: CommentTargetOut
    author: CommentAuthorOut
    body: str
    body_html: str = Field(description="The body as HTML: escaped, line breaks, links and mentions.")
    mentions: list[CommentMentionOut]
    url: str
    created_at: datetime
    edited_at: datetime | None
    archived: bool
    version: int

    @staticmethod
    def resolve_target(obj: Comment) -> dict[str, Any]:
        target = obj.target
        return {
            "kind": obj.target_kind,
            "id": target.pk,
            "title": str(target),
            "alliance_id": obj.alliance_id,
        }

    @staticmethod
    def resolve_body_html(obj: Comment, context: dict[str, Any]) -> str:
        return str(mentions.render(obj.body, selectors.mention_views(obj, context["request"].auth)))

    @staticmethod
    def resolve_mentions(obj: Comment, context: dict[str, Any]) -> list[dict[str, Any]]:
        reader = context["request"].auth
        views = selectors.mention_views(obj, reader)
        internal = getattr(reader, "is_internal", False)
        return [
            {
                "handle": m.handle,
                "username": m.user.username if m.user_id and (m.notified or internal) else None,
                "notified": m.notified,
                "reason": views[m.handle].why,
            }
            for m in obj.mentions.all()
        ]

    @staticmethod
    def resolve_url(obj: Comment) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_archived(obj: Comment) -> bool:
        return archived_flag(obj)


class CommentFilters(Schema):
    plan: Id | None = Field(None, description="Comments on this joint business plan.")
    milestone: Id | None = Field(None, description="Comments on this roadmap milestone.")
    commitment: Id | None = Field(None, description="Comments on this commitment.")
    alliance: Id | None = Field(None, description="Comments on anything of this alliance.")
    include_archived: bool = False


class CommentIn(InputSchema):
    """A comment on exactly one of a plan, a milestone or a commitment."""

    plan_id: Id | None = None
    milestone_id: Id | None = None
    commitment_id: Id | None = None
    # Checked by the service, so errors name the field: the API's error mapper drops "body" from
    # a pydantic location (it is also the name of the request body).
    body: str = Field("", description=BODY_HELP, json_schema_extra={"minLength": 1, "maxLength": MAX_BODY})

    @model_validator(mode="after")
    def one_target(self) -> "CommentIn":
        given = [n for n in ("plan_id", "milestone_id", "commitment_id") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("Give exactly one of plan_id, milestone_id or commitment_id.")
        return self


class CommentPatch(InputSchema):
    body: str = Field("", description=BODY_HELP, json_schema_extra={"minLength": 1, "maxLength": MAX_BODY})
    version: int | None = Field(
        None, ge=1, description="The version you edited; a stale version answers 409."
    )


def _comments(user: Any, include_archived: bool = False) -> Any:
    qs = selectors.comment_list(user=user)
    return qs if include_archived else qs.active()


@router.get("/comments", response={200: list[CommentOut], **READ_ERRORS})
@paginate(Page)
def comment_list(request: HttpRequest, filters: Query[CommentFilters]):
    """Comments you may read, oldest first; filter by target (404 if you cannot see it) or alliance."""
    user = acting_user(request)
    qs = _comments(user, filters.include_archived)
    for kind in ("plan", "milestone", "commitment"):
        pk = getattr(filters, kind)
        if pk is not None:
            check_id(pk)
            qs = qs.filter(**{kind: selectors.get_target(user=user, kind=kind, pk=pk)})
    if filters.alliance is not None:
        qs = qs.filter(alliance_id=filters.alliance)
    return qs.order_by("created_at", "id")


@router.post("/comments", response={201: CommentOut, **WRITE_ERRORS})
def comment_create(request: HttpRequest, payload: CommentIn):
    """Comment on a plan, milestone or commitment; each @mentioned person who can see it is notified."""
    user = acting_user(request)
    kind, pk = next(
        (k, getattr(payload, f"{k}_id"))
        for k in ("plan", "milestone", "commitment")
        if getattr(payload, f"{k}_id")
    )
    target = selectors.target_models()[kind].objects.visible_to(user).filter(pk=pk).first()
    if target is None:
        raise ValidationError({f"{kind}_id": [f"{kind.capitalize()} {pk} not found."]})
    comment = services.comment_create(user=user, target=target, body=payload.body)
    return Status(201, _comments(user).get(pk=comment.pk))


@router.get("/comments/{comment_id}", response={200: CommentOut, **READ_ERRORS})
def comment_detail(request: HttpRequest, comment_id: int):
    user = acting_user(request)
    return get_visible(Comment, user, comment_id, _comments(user, include_archived=True))


@router.patch("/comments/{comment_id}", response={200: CommentOut, **WRITE_ERRORS})
def comment_update(request: HttpRequest, comment_id: int, payload: CommentPatch):
    """Edit your own comment (403 for anyone else's); newly mentioned people are notified."""
    user = acting_user(request)
    comment = get_visible(Comment, user, comment_id, _comments(user))
    comment = services.comment_update(
        comment=comment, user=user, body=payload.body, expected_version=payload.version
    )
    return _comments(user).get(pk=comment.pk)


@router.delete("/comments/{comment_id}", response={204: None, **WRITE_ERRORS})
def comment_archive(request: HttpRequest, comment_id: int):
    """Archive a comment (its author or an admin): it leaves the thread; nothing is deleted."""
    user = acting_user(request)
    services.comment_archive(comment=get_visible(Comment, user, comment_id, _comments(user)), user=user)
    return Status(204, None)


# --- the activity feed -------------------------------------------------------------------------


class ActivityAllianceRef(Schema):
    id: int
    name: str


class ActivityItemOut(Schema):
    at: datetime
    verb: str = Field(description="What happened, e.g. alliance.stage_changed, plan.agreed, comment.added.")
    source: str
    title: str
    detail: str
    url: str
    alliance: ActivityAllianceRef | None
    actor: str = Field(description="Who did it, when known.")
    data_kind: str | None = Field(description="The kind of alliance data it belongs to (partner sharing).")


class ActivityPageOut(Schema):
    items: list[ActivityItemOut]
    next_offset: int | None = Field(description="The offset of the next (older) page; null at the end.")


class ActivityFilters(Schema):
    alliance: Id | None = Field(None, description="Only this alliance (404 if you cannot see it).")
    limit: int = Field(feed.PAGE_SIZE, ge=1, le=100)
    offset: int = Field(
        0, ge=0, le=feed.MAX_OFFSET, description=f"At most {feed.MAX_OFFSET}: the feed is recent."
    )


@router.get("/activity", response={200: ActivityPageOut, **READ_ERRORS}, tags=["activity"])
def activity(request: HttpRequest, filters: Query[ActivityFilters]):
    """Recent activity across the alliances you see, newest first (a partner user: only what
    each alliance shares with their organization). Paged by ``offset``; no total is counted."""
    user = acting_user(request)
    if filters.alliance is not None and feed.visible_alliance(user, filters.alliance) is None:
        from django.http import Http404

        raise Http404
    page = feed.feed(user=user, alliance_id=filters.alliance, offset=filters.offset, limit=filters.limit)
    return {
        "items": [
            {
                **{
                    k: getattr(a, k)
                    for k in ("at", "verb", "source", "title", "detail", "url", "actor", "data_kind")
                },
                "alliance": {"id": a.alliance_id, "name": a.alliance_name} if a.alliance_id else None,
            }
            for a in page.items
        ],
        "next_offset": page.next_offset,
    }
