"""Assessments in the demo story (told as of 1 November 2026), through the services.

* **Stratus Cloud Co-Sell** — three waves of the two-sided health check (H2 2025, H1 2026 closed;
  H2 2026 open with our answers in and Priya's). We think information flows well; Stratus does
  not (the largest gap, turned into an action item in H1 2026); both sides want more binding
  commitments than today; the balance of power has moved towards the middle since 2025.
* **Halcyon + Meridian Healthcare Data Platform** — alliance maturity, both sides (Marco).
* The **best-practice benchmark** on eight alliances, our side only (practices vs performance).

Answers are fixed numbers per side and wave (no randomness), so the story reads the same on
every machine. Idempotent: an existing wave is left as it is.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from amity.alliances.models import Alliance
from amity.demo.loader import story_time

from . import services
from .models import Assessment, Instrument

STRATUS = "Stratus Cloud Co-Sell"
MERIDIAN = "Halcyon + Meridian Healthcare Data Platform"
KESTREL = "Kestrel IT Reseller (DACH)"

# Health check answers per wave and side: item → value, or (stands, wants) for tensions.
HEALTH = {
    "H2 2025": {
        "ours": {
            "flexibility-position": (2, 4), "flexibility-fit": 2, "flexibility-focus": 3,
            "power-position": (2, 3), "power-use": 4, "power-value": 4,
            "management-position": (2, 3), "management-coordination": 2, "management-bottleneck": 4,
            "visibility-position": (3, 4), "visibility-pipeline": 4, "visibility-protected": 4,
            "execution-position": (2, 4), "execution-resources": 2, "execution-restructuring": 3,
            "alignment-position": (3, 4), "alignment-strengths": 4, "alignment-expectations": 3,
        },
        "partner": {
            "flexibility-position": (2, 4), "flexibility-fit": 2, "flexibility-focus": 2,
            "power-position": (1, 3), "power-use": 2, "power-value": 3,
            "management-position": (2, 3), "management-coordination": 2, "management-bottleneck": 4,
            "visibility-position": (2, 4), "visibility-pipeline": 1, "visibility-protected": 4,
            "execution-position": (2, 4), "execution-resources": 2, "execution-restructuring": 2,
            "alignment-position": (3, 4), "alignment-strengths": 4, "alignment-expectations": 3,
        },
    },
    "H1 2026": {
        "ours": {
            "flexibility-position": (3, 4), "flexibility-fit": 3, "flexibility-focus": 4,
            "power-position": (2, 3), "power-use": 4, "power-value": 4,
            "management-position": (3, 3), "management-coordination": 3, "management-bottleneck": 3,
            "visibility-position": (3, 4), "visibility-pipeline": 5, "visibility-protected": 4,
            "execution-position": (3, 4), "execution-resources": 3, "execution-restructuring": 4,
            "alignment-position": (4, 4), "alignment-strengths": 5, "alignment-expectations": 4,
        },
        "partner": {
            "flexibility-position": (3, 4), "flexibility-fit": 3, "flexibility-focus": 3,
            "power-position": (2, 3), "power-use": 3, "power-value": 4,
            "management-position": (3, 3), "management-coordination": 3, "management-bottleneck": 3,
            "visibility-position": (2, 4), "visibility-pipeline": 2, "visibility-protected": 4,
            "execution-position": (3, 4), "execution-resources": 3, "execution-restructuring": 3,
            "alignment-position": (4, 4), "alignment-strengths": 4, "alignment-expectations": 4,
        },
    },
    "H2 2026": {
        "ours": {
            "flexibility-position": (3, 4), "flexibility-fit": 4, "flexibility-focus": 4,
            "power-position": (3, 3), "power-use": 4, "power-value": 5,
            "management-position": (3, 3), "management-coordination": 4, "management-bottleneck": 2,
            "visibility-position": (4, 4), "visibility-pipeline": 5, "visibility-protected": 4,
            "execution-position": (3, 4), "execution-resources": 3, "execution-restructuring": 4,
            "alignment-position": (4, 4), "alignment-strengths": 5, "alignment-expectations": 4,
        },
        "partner": {
            "flexibility-position": (3, 4), "flexibility-fit": 3, "flexibility-focus": 4,
            "power-position": (2, 3), "power-use": 3, "power-value": 4,
            "management-position": (3, 3), "management-coordination": 3, "management-bottleneck": 3,
            "visibility-position": (3, 4), "visibility-pipeline": 3, "visibility-protected": 5,
            "execution-position": (3, 4), "execution-resources": 2, "execution-restructuring": 3,
            "alignment-position": (4, 4), "alignment-strengths": 5, "alignment-expectations": 4,
        },
    },
}  # fmt: skip

#: The best-practice benchmark: (alliance, who answered, a repeating pattern of answers 1-5).
BENCHMARKS = (
    (KESTREL, "alice", (4, 3, 2, 5, 3, 1, 4)),
    (STRATUS, "alice", (5, 4, 4, 5, 3, 4, 5)),
    (MERIDIAN, "omar", (4, 4, 3, 4, 5, 3)),
    ("Norte Sistemas Reseller (Iberia)", "alice", (3, 2, 3, 4, 2)),
    ("Atlas Distribution (UK & Ireland)", "alice", (3, 3, 4, 2, 3)),
    ("Pacific Rim Solutions Reseller (APAC)", "alice", (2, 2, 3, 1, 3)),
    ("Lumen CRM Integration", "alice", (2, 3, 2, 2, 4)),
    ("Bluepeak Managed Analytics", "alice", (3, 4, 2, 3)),
)

# (wave, opened, closed or None, our respondents, partner respondents)
WAVES = (
    ("H2 2025", "2025-11-10", "2025-12-05", ("alice", "hannah"), ("priya",)),
    ("H1 2026", "2026-05-11", "2026-06-05", ("alice", "hannah"), ("priya",)),
    ("H2 2026", "2026-10-19", None, ("alice",), ("priya",)),
)


def _at(day: str) -> datetime:
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time(11, 0)))


def _answers(values: dict[str, Any], nudge: int = 0, lo: int = 1, hi: int = 5) -> dict[str, dict]:
    """The side's answers; a second respondent of the same side answers one point off on a few items."""
    out = {}
    for i, (key, value) in enumerate(values.items()):
        shift = nudge if i % 3 == 0 else 0
        if isinstance(value, tuple):
            out[key] = {"value": min(hi, max(lo, value[0] + shift)), "want": value[1]}
        else:
            out[key] = {"value": min(hi, max(lo, value + shift))}
    return out


def _generic(instrument: Instrument, pattern: tuple[int, ...]) -> dict[str, dict]:
    return {item.key: {"value": pattern[i % len(pattern)]} for i, item in enumerate(instrument.items.all())}


class _Story:
    def __init__(self, loader: Any):
        self.loader = loader
        self.users = loader.users

    def count(self, what: str, created: bool) -> None:
        (self.loader.result.created if created else self.loader.result.existing)[what] += 1

    def wave(self, alliance, instrument, wave, opened, closed, ours, theirs, two_sided=True):
        existing = Assessment.objects.filter(alliance=alliance, instrument=instrument, wave=wave).first()
        self.count("assessments", existing is None)
        if existing is not None:
            return None
        with story_time(_at(opened)):
            assessment = services.assessment_create(
                alliance=alliance,
                instrument=instrument,
                wave=wave,
                two_sided=two_sided,
                opened_on=date.fromisoformat(opened),
                user=self.users["hannah"],
            )
        for username, answers in ours + theirs:
            if username not in self.users:
                continue
            with story_time(_at(closed or "2026-10-28")):
                services.response_save(
                    assessment=assessment, user=self.users[username], answers=answers, submit=True
                )
            self.count("assessment answers", True)
        if closed:
            with story_time(_at(closed)):
                services.assessment_close(assessment=assessment, user=self.users["hannah"])
        return assessment


def load(loader: Any) -> None:
    story = _Story(loader)
    if "hannah" not in story.users:
        return
    alliances = {a.name: a for a in Alliance.objects.filter(name__in=[STRATUS, MERIDIAN, KESTREL])}
    instruments = {i.key: i for i in Instrument.objects.filter(active=True)}
    health = instruments.get("alliance-health")
    stratus = alliances.get(STRATUS)
    if health and stratus:
        for wave, opened, closed, ours, theirs in WAVES:
            data = HEALTH[wave]
            created = story.wave(
                stratus,
                health,
                wave,
                opened,
                closed,
                [(u, _answers(data["ours"], nudge=(1 if n else 0))) for n, u in enumerate(ours)],
                [(u, _answers(data["partner"])) for u in theirs],
            )
            if created is not None and wave == "H1 2026":
                owner = (
                    stratus.members.filter(contact__organization__is_home=True)
                    .select_related("contact")
                    .first()
                )
                if owner is not None:
                    from amity.governance.services import action_item_set_status

                    with story_time(_at("2026-06-08")):
                        [action] = services.gaps_to_actions(
                            assessment=created,
                            user=story.users["alice"],
                            owner=owner.contact,
                            item_keys=["visibility-pipeline"],
                        )
                    # Done in September: a shared pipeline dashboard (the gap narrowed in H2 2026).
                    with story_time(_at("2026-09-15")):
                        action_item_set_status(
                            item=action,
                            status="done",
                            completed_on=date(2026, 9, 15),
                            user=story.users["alice"],
                        )
    maturity = instruments.get("alliance-maturity")
    meridian = alliances.get(MERIDIAN)
    if maturity and meridian:
        story.wave(
            meridian,
            maturity,
            "2026",
            "2026-09-14",
            None,
            [("omar", _generic(maturity, (4, 3, 4, 3, 2, 4)))],
            [("marco", _generic(maturity, (3, 3, 2, 3, 2, 4)))],
        )
    benchmark = instruments.get("best-practices")
    if benchmark:
        # The benchmark on eight alliances, our side: how many practices each has adopted varies.
        for name, owner, pattern in BENCHMARKS:
            alliance = Alliance.objects.filter(name=name).first()
            if alliance is not None and owner in story.users:
                story.wave(
                    alliance,
                    benchmark,
                    "2026",
                    "2026-03-02",
                    "2026-03-20",
                    [(owner, _generic(benchmark, pattern))],
                    [],
                    two_sided=False,
                )
