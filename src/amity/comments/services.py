"""Writes: comments, their mentions, and the notification of each person mentioned.

Who is mentioned is decided when the text is written: ``@username`` (or ``@first.last``) names
an active user; only a person who can see the commented object is notified - a partner user of
another organization, or one whose alliance does not share that kind of data, is not (the
author is told so). Each person is notified once per comment, also when it is edited.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from amity.accounts.models import User
from amity.core.models import user_role
from amity.core.roles import INTERNAL_ROLES
from amity.core.services import model_archive, require, set_history_user
from amity.notifications.models import Notification, Reason

from . import mentions, selectors
from .models import MAX_BODY, Comment, CommentMention

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mentioned:
    handle: str
    user: User | None
    notified: bool


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something first."})
    if len(body) > MAX_BODY:
        raise ValidationError(
            {"body": f"A comment holds at most {MAX_BODY:,} characters (this one has {len(body):,})."}
        )
    if "\x00" in body:
        raise ValidationError({"body": "The text contains a null character."})
    return body


def _sees(user: User, target: Any, cache: dict[Any, bool]) -> bool:
    """Whether ``user`` sees ``target`` through the visibility rule (one query per partner org)."""
    role = user_role(user)
    if role is None:
        return False
    model = type(target)
    if role in INTERNAL_ROLES and getattr(model, "internal_visibility", None) is None:
        return True
    key = (role, user.organization_id) if role not in INTERNAL_ROLES else ("user", user.pk)
    if key not in cache:
        cache[key] = model.objects.visible_to(user).filter(pk=target.pk).exists()
    return cache[key]


def resolve_mentions(*, target: Any, author: Any, body: str) -> list[Mentioned]:
    """Who each @handle in ``body`` names, and whether they may be notified (two queries, plus
    one per partner organization among them)."""
    wanted = mentions.handles(body)
    if not wanted:
        return []
    by_name = Q()
    for handle in wanted:
        by_name |= Q(username__iexact=handle)
    users = {u.username.lower(): u for u in User.objects.filter(by_name, is_active=True)}
    dotted = [h for h in wanted if h not in users and "." in h]
    if dotted:
        by_full = Q()
        for handle in dotted:
            first, _, last = handle.partition(".")
            by_full |= Q(first_name__iexact=first, last_name__iexact=last)
        matches: dict[str, list[User]] = {}
        for u in User.objects.filter(by_full, is_active=True):
            matches.setdefault(f"{u.first_name}.{u.last_name}".lower(), []).append(u)
        for handle in dotted:
            found = matches.get(handle, [])
            if len(found) == 1:  # an ambiguous full name names nobody
                users[handle] = found[0]
    cache: dict[Any, bool] = {}
    result = []
    for handle in wanted:
        user = users.get(handle)
        notified = user is not None and user.pk != getattr(author, "pk", None) and _sees(user, target, cache)
        result.append(Mentioned(handle, user, notified))
    return result


def _notification_title(comment: Comment, kind: str) -> str:
    text = " ".join(comment.body.split())
    excerpt = text if len(text) <= 80 else text[:79] + "…"
    title = f"{comment.author} mentioned you on {selectors.target_label(kind, comment.target)}: “{excerpt}”"
    return title[:300]


def _send_mention_emails(notes: list[Notification], comment: Comment) -> None:
    """E-mail each newly mentioned person at once (mentions are not part of the daily digest)."""
    for note in notes:
        if not note.user.email:
            continue
        context = {
            "user": note.user,
            "comment": comment,
            "target": selectors.target_label(comment.target_kind, comment.target),
            "url": settings.AMITY_BASE_URL + note.url,
        }
        message = EmailMessage(
            subject=f"{comment.author} mentioned you in Amity"[:200],
            body=render_to_string("comments/email/mention.txt", context),
            to=[note.user.email],
        )
        try:
            message.send()
        except (smtplib.SMTPException, OSError):
            logger.exception("The mention e-mail to %s could not be sent.", note.user)


def _record_mentions(comment: Comment, found: list[Mentioned], *, email: bool) -> list[Notification]:
    """Replace the comment's mention rows and notify whoever is newly mentioned."""
    CommentMention.objects.filter(comment=comment).delete()
    CommentMention.objects.bulk_create(
        [CommentMention(comment=comment, handle=m.handle, user=m.user, notified=m.notified) for m in found]
    )
    kind = comment.target_kind
    uid = f"comment:{comment.pk}"
    now = timezone.now()
    already = set(
        Notification.objects.filter(uid=uid, reason=Reason.MENTIONED).values_list("user_id", flat=True)
    )
    created = []
    for m in found:
        if not m.notified or m.user is None or m.user.pk in already:
            continue
        note = Notification(
            user=m.user,
            alliance_id=comment.alliance_id,
            uid=uid,
            reason=Reason.MENTIONED,
            kind="comment",
            title=_notification_title(comment, kind),
            url=comment.get_absolute_url()[:500],
            day=timezone.localdate(),
            # A mention is e-mailed at once (below), never again in the daily reminder digest.
            emailed_at=now,
        )
        note.save()
        created.append(note)
    if created and email:
        transaction.on_commit(lambda: _send_mention_emails(created, comment))
    return created


def _check_target(user: Any, target: Any) -> str:
    kind = selectors.kind_of(target)
    if not type(target).objects.visible_to(user).filter(pk=target.pk).exists():
        raise ValidationError(
            {kind: f"{type(target)._meta.verbose_name.capitalize()} {target.pk} not found."}
        )
    if target.archived_at is not None:
        raise ValidationError({kind: f"{target} is archived: its thread is closed."})
    return kind


def comment_create(*, user: Any, target: Any, body: str, email: bool = True) -> Comment:
    """Comment on a plan, milestone or commitment ``user`` sees; notify the people mentioned."""
    require(user, "create", Comment)
    kind = _check_target(user, target)
    comment = Comment(alliance_id=target.alliance_id, author=user, body=_clean_body(body), **{kind: target})
    comment.full_clean()
    set_history_user(comment, user)
    with transaction.atomic():
        comment.save()
        _record_mentions(
            comment, resolve_mentions(target=target, author=user, body=comment.body), email=email
        )
    return comment


def comment_update(
    *, comment: Comment, user: Any, body: str, expected_version: int | None = None, email: bool = True
) -> Comment:
    """The author edits their comment; people newly mentioned are notified (others not again)."""
    from amity.core.services import ConflictError

    require(user, "change", comment)
    if comment.archived_at is not None:
        raise ValidationError({"body": "This comment is archived."})
    body = _clean_body(body)
    with transaction.atomic():
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        if expected_version is not None and current.version != expected_version:
            raise ConflictError(current, expected_version)
        if current.body == body:
            return current
        current.body = body
        current.edited_at = timezone.now()
        current.version += 1
        current.full_clean()
        set_history_user(current, user)
        current.save()
        _record_mentions(
            current, resolve_mentions(target=current.target, author=user, body=body), email=email
        )
    return current


def comment_archive(*, comment: Comment, user: Any) -> Comment:
    """Archive (never delete) a comment: its author or an admin."""
    return model_archive(instance=comment, user=user, reason="comment archived")
