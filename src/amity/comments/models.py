"""Comments on joint business plans, roadmap milestones and commitments, with @mentions.

A comment belongs to exactly one target (three nullable foreign keys and a check constraint,
rather than a generic relation, so the visibility rule is a plain subquery per target): a
partner user sees a comment exactly when they see its target - their alliance, and the kind
of data (plan, roadmap, commitments) the alliance shares with their organization.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from amity.alliances.models import DataKind
from amity.core.models import BaseModel
from amity.core.roles import EVERYONE, Role

#: The longest comment (characters).
MAX_BODY = 5000

#: Target kind → (the comment's foreign key, the kind of alliance data it belongs to).
TARGET_KINDS: dict[str, str] = {
    "plan": DataKind.PLAN,
    "milestone": DataKind.ROADMAP,
    "commitment": DataKind.COMMITMENTS,
}


class Comment(BaseModel):
    """One comment on a plan, a milestone or a commitment. Archived, never deleted.

    ``alliance`` is the target's alliance, copied when the comment is written (for the
    activity feed and its filter); visibility always follows the target itself.
    """

    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.CASCADE, related_name="comments", editable=False
    )
    plan = models.ForeignKey(
        "planning.JointBusinessPlan", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    milestone = models.ForeignKey(
        "planning.Milestone", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    commitment = models.ForeignKey(
        "agreements.Commitment", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    body = models.TextField(max_length=MAX_BODY, help_text="Plain text; mention people with @username.")
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Everyone who sees the target may comment (executives too: a comment is a contribution to
    # the conversation, not a change to alliance data). Only the author edits; the author or an
    # admin archives (``allows``).
    policy = {"view": EVERYONE, "create": EVERYONE, "change": EVERYONE, "archive": EVERYONE}

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="comment_exactly_one_target",
                condition=Q(plan__isnull=False, milestone__isnull=True, commitment__isnull=True)
                | Q(plan__isnull=True, milestone__isnull=False, commitment__isnull=True)
                | Q(plan__isnull=True, milestone__isnull=True, commitment__isnull=False),
            )
        ]
        indexes = [
            models.Index(fields=["plan", "created_at"], name="comment_plan"),
            models.Index(fields=["milestone", "created_at"], name="comment_milestone"),
            models.Index(fields=["commitment", "created_at"], name="comment_commitment"),
            models.Index(fields=["alliance", "created_at"], name="comment_alliance"),
            models.Index(fields=["created_at"], name="comment_created"),
        ]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.target}"

    @property
    def target_kind(self) -> str:
        if self.plan_id:
            return "plan"
        if self.milestone_id:
            return "milestone"
        return "commitment"

    @property
    def target(self) -> Any:
        return getattr(self, self.target_kind)

    @property
    def target_id(self) -> int:
        return getattr(self, f"{self.target_kind}_id")

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    def get_absolute_url(self) -> str:
        return target_url(self.target_kind, self.target) + f"#{self.anchor}"

    def allows(self, user: Any, action: str) -> bool:
        mine = self.author_id == getattr(user, "pk", None)
        if action == "change":
            return mine
        if action == "archive":
            return mine or getattr(user, "role", None) == Role.ADMIN
        return True

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        from amity.agreements.models import Commitment
        from amity.planning.models import JointBusinessPlan, Milestone

        def visible(model: Any) -> Any:
            return model.objects.filter(model.partner_visibility(organization_id)).values("pk")

        return (
            Q(plan__in=visible(JointBusinessPlan))
            | Q(milestone__in=visible(Milestone))
            | Q(commitment__in=visible(Commitment))
        )


def target_url(kind: str, target: Any) -> str:
    """Where a target's comment thread is shown (the milestone has a discussion page)."""
    if kind == "plan":
        return reverse("planning:plan_detail", args=[target.alliance_id, target.pk])
    if kind == "milestone":
        return reverse("comments:milestone_discussion", args=[target.pk])
    return reverse("agreements:commitment_detail", args=[target.pk])


class CommentMention(models.Model):
    """An @handle in a comment: who it named, and whether they were notified.

    ``user`` is empty when nobody of that name exists; ``notified`` is false when the person
    cannot see the commented object (or is the author), so they were not told about it.
    """

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    handle = models.CharField(max_length=150, help_text="As written, without the @.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    notified = models.BooleanField(default=False)

    class Meta:
        ordering = ["comment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "handle"], name="comment_mention_once"),
        ]

    def __str__(self) -> str:
        return f"@{self.handle} in comment {self.comment_id}"
