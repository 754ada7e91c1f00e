"""Calendar feeds, in-app reminders and the worker's once-a-day guard.

Everything here *consumes* the agenda (:mod:`amity.core.agenda`); no model refers to the
apps that produce dated items, so a new kind of date needs no change here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from amity.alliances.models import visible_alliance_ids
from amity.core.models import BaseModel
from amity.core.roles import ADMINS, EVERYONE, INTERNAL_ROLES

NOBODY: frozenset[str] = frozenset()


class CalendarFeed(BaseModel):
    """A secret, revocable iCalendar URL that acts as its owner.

    Only a SHA-256 digest of the token is stored (the URL is shown once, at creation); the
    prefix lets the owner recognise a feed. Without an alliance the feed holds the items of
    every alliance the owner can see at the moment the calendar client asks.

    Feeds are personal, like API tokens: every signed-in role (also executives and partner
    users) may create and revoke their own, and nobody sees anybody else's.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    alliance = models.ForeignKey(
        "alliances.Alliance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendar_feeds",
        help_text="Leave empty for all the alliances you can see.",
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="First characters of the token, to recognise it.")
    digest = models.CharField(
        max_length=64, help_text="SHA-256 of the token; the token itself is never stored."
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    policy = {"view": EVERYONE, "create": EVERYONE, "change": EVERYONE, "archive": EVERYONE}

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["digest"], name="calendar_feed_digest_unique")]
        indexes = [models.Index(fields=["owner", "revoked_at"], name="calendar_feed_owner")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.archived_at is None

    def allows(self, user: Any, action: str) -> bool:
        """A feed is its owner's alone."""
        return self.owner_id == getattr(user, "pk", None)

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        return Q(alliance__isnull=True) | Q(alliance_id__in=visible_alliance_ids(organization_id))


class Reason(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    MENTIONED = "mentioned", "Mentioned"


#: The sharing kind of data (``alliances.DataKind``) of each kind of reminder.
REMINDER_KINDS = {
    "plan": ("plan_agreement",),
    "roadmap": ("milestone_due",),
    "commitments": ("commitment_due",),
    "documents": ("agreement_notice", "agreement_expiry"),
    "governance": ("meeting", "action_item_due", "cadence_due", "escalation_open"),
    "pipeline": ("opportunity_close",),
}


class Notification(BaseModel):
    """A reminder of one agenda item for one person, shown in the app and sent in a digest.

    At most one per (user, item uid, reason): that constraint is what makes ``amity notify``
    idempotent - a second run finds every reminder already given.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    alliance = models.ForeignKey("alliances.Alliance", on_delete=models.PROTECT, related_name="notifications")
    uid = models.CharField("item", max_length=255, help_text="The agenda item's stable uid.")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    day = models.DateField(help_text="The item's due date.")
    read_at = models.DateTimeField(null=True, blank=True, editable=False)
    emailed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the e-mail digest carrying it was sent."
    )

    policy = {"view": EVERYONE, "create": NOBODY, "change": EVERYONE, "archive": NOBODY}

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "uid", "reason"], name="notification_once_per_reason")
        ]
        indexes = [
            models.Index(fields=["user", "read_at", "created_at"], name="notification_inbox"),
            models.Index(fields=["user", "emailed_at"], name="notification_digest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.title} (for {self.user})"

    def allows(self, user: Any, action: str) -> bool:
        return self.user_id == getattr(user, "pk", None)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @classmethod
    def partner_visibility(cls, organization_id: int) -> Q:
        # A partner who left an alliance no longer sees its reminders either, nor the reminders
        # of a kind of data the alliance no longer shares with it.
        from amity.alliances.models import shared_alliance_ids

        q = Q(alliance_id__in=visible_alliance_ids(organization_id))
        for data_kind, kinds in REMINDER_KINDS.items():
            q &= ~Q(kind__in=kinds) | Q(alliance_id__in=shared_alliance_ids(organization_id, data_kind))
        return q

    def get_absolute_url(self) -> str:
        return self.url or reverse("alliances:alliance_detail", args=[self.alliance_id])


class ScheduledRun(BaseModel):
    """One row per scheduled job and day: the guard that lets any number of workers run while
    the daily reminders are enqueued exactly once (the unique constraint refuses a second row).
    """

    task = models.CharField(max_length=100)
    day = models.DateField()
    task_result_id = models.CharField(max_length=64, blank=True, help_text="Id of the enqueued task.")

    policy = {"view": INTERNAL_ROLES, "create": ADMINS, "change": ADMINS, "archive": ADMINS}

    class Meta:
        ordering = ["-day", "task"]
        constraints = [models.UniqueConstraint(fields=["task", "day"], name="scheduled_run_once_per_day")]

    def __str__(self) -> str:
        return f"{self.task} on {self.day:%Y-%m-%d}"


class WorkerHeartbeat(models.Model):
    """A running ``amity worker`` (database task queue), seen every few seconds.

    A task left ``RUNNING`` by a worker whose heartbeat went stale - the process was killed,
    the machine died - is put back in the queue by the next worker's recovery pass
    (:mod:`amity.notifications.recovery`); Amity's tasks are safe to run twice."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host} (pid {self.pid})"
