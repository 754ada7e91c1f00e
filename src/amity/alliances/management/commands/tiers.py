"""``amity tiers review [--on DATE] [--user NAME]``: run the re-tier review now and list what it
proposes; ``amity tiers apply [--on DATE]``: apply approved changes whose grace period ended (the
daily pass of ``amity worker`` does both on its own: a review each quarter, applying daily)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from amity.accounts.models import User
from amity.alliances import tiering
from amity.alliances.models import OPEN_PROPOSALS


class Command(BaseCommand):
    help = "Run the re-tier review (review) or apply approved tier changes that are due (apply)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["review", "apply"])
        parser.add_argument(
            "--on", type=date.fromisoformat, default=None, help="The day (YYYY-MM-DD); default today."
        )
        parser.add_argument(
            "--user", default=None, help="Run the review as this user (default: as the system)."
        )

    def handle(self, *args, action: str, on: date | None, user: str | None, **options) -> None:
        if action == "apply":
            self.stdout.write(f"tier changes applied: {tiering.apply_due(on)}")
            return
        actor = None
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active user {user!r}.")
        review = tiering.run_review(on=on, user=actor, scheduled=actor is None)
        proposals = review.proposals.select_related("alliance", "current_tier", "proposed_tier", "rule")
        self.stdout.write(f"{review}: performance {review.period_start} – {review.period_end}")
        for p in proposals.filter(status__in=OPEN_PROPOSALS).order_by("alliance__name"):
            rule = f" (rule: {p.rule.name})" if p.rule else ""
            self.stdout.write(
                f"  {p.alliance.name}: {p.current_tier or 'no tier'} → {p.proposed_tier or 'no tier'}, "
                f"{p.get_status_display().lower()}, effective {p.effective_on}{rule}"
            )
        counts = {s: proposals.filter(status=s).count() for s in ("no_change", "not_evaluated")}
        self.stdout.write(f"  {counts['no_change']} keep their tier, {counts['not_evaluated']} not evaluated")
