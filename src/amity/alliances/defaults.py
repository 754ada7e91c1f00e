"""Default life-cycle transitions, stage gates, tiers and review rules.

Installed by a data migration so every new installation starts with good practice; a
program changes them as data afterwards (admin pages or API), never in code.
Stage mapping (help text): identify ≈ ASAP "alliance strategy"; assess & select ≈ "partner
analysis and selection"; negotiate ≈ "trust building and value-creating negotiation";
launch ≈ "operational planning" + "structuring and governance"; manage & grow, review &
renew ≈ "launch and management"; transform or retire ≈ "transform, innovate or exit"
(ISO 44001's eighth stage, exit strategy).
"""

from __future__ import annotations

TRANSITIONS = [
    ("identify", "assess", "Start assessment"),
    ("identify", "retired", "Not pursued"),
    ("assess", "negotiate", "Selected: negotiate"),
    ("assess", "retired", "Not selected"),
    ("negotiate", "launch", "Agreement reached: launch"),
    ("negotiate", "retired", "Negotiation abandoned"),
    ("launch", "manage", "Launched: manage & grow"),
    ("manage", "review", "Annual review"),
    ("manage", "transform", "Transform or retire"),
    ("review", "manage", "Renewed"),
    ("review", "transform", "Transform or retire"),
    ("transform", "manage", "Transformed: back to manage & grow"),
    ("transform", "retired", "Retire"),
]

# (stage entered, check, label, help)
GATES = [
    ("assess", "partner", "A partner organization is named", ""),
    ("assess", "owner", "An alliance owner is assigned", "Someone must be accountable for the assessment."),
    (
        "negotiate",
        "review",
        "A strategic review is recorded",
        "Seed 000: decide whether it is truly strategic before negotiating.",
    ),
    (
        "negotiate",
        "objective",
        "It serves at least one corporate objective",
        "Seed 004: the program must support the business strategy.",
    ),
    ("launch", "attest", "A signed alliance agreement is on file", "Flexible yet contractual (seed 000)."),
    (
        "launch",
        "sponsors",
        "Executive sponsors are named on both sides",
        "Direct executive involvement (seed 000).",
    ),
    (
        "launch",
        "attest",
        "A joint business plan with mutual expectations is agreed",
        "Revenue growth and capability development, reviewed annually.",
    ),
    ("launch", "start_date", "A start date is set", ""),
    ("manage", "tier", "A tier is assigned", "Not every partner gets the same attention."),
    ("review", "recent_review", "A strategic review in the last 12 months", "Review and renew annually."),
    ("retired", "exit_plan", "An exit plan is written", "No retirement without an exit plan."),
    ("retired", "attest", "Open commitments to customers are handed over", ""),
]

TIERS = [
    (
        "Strategic",
        1,
        3,
        "The few alliances that move major business goals, with time, investment and top-executive sponsorship.",
        "#5b2a86",
    ),
    ("Platinum", 2, 4, "Large, multi-country alliances with joint plans and sponsors.", "#2f6690"),
    ("Gold", 3, 6, "Important alliances with a joint plan and regular governance.", "#c9a227"),
    ("Silver", 4, 8, "Active partners managed through the program.", "#8d99ae"),
    ("Registered", 5, None, "Registered partners with self-service support.", "#adb5bd"),
]

#: The engagement level each default tier gets (the optimizer's levels).
TIER_LEVELS = {
    "Strategic": "strategic",
    "Platinum": "managed",
    "Gold": "managed",
    "Silver": "self-service",
    "Registered": "self-service",
}


def install_tier_levels(apps, schema_editor=None) -> None:
    """Give the default tiers their engagement level where none is set (idempotent)."""
    Tier = apps.get_model("alliances", "Tier")
    for name, level in TIER_LEVELS.items():
        Tier.objects.filter(name=name, engagement_level="").update(engagement_level=level)


def _c(fact, op, value):
    return {"fact": fact, "op": op, "value": value}


# (kind, order, name, description, conditions, outcome, tier name)
RULES = [
    (
        "signal",
        10,
        "Time: dedicated alliance management",
        "Seed 000: at least half a person's time manages the alliance.",
        [_c("fte", ">=", "0.5")],
        "time",
        None,
    ),
    (
        "signal",
        20,
        "Investment: real money behind it",
        "Seed 000: at least 50,000 a year invested.",
        [_c("investment", ">=", "50000")],
        "investment",
        None,
    ),
    (
        "signal",
        30,
        "Top-executive sponsorship",
        "Seed 000: a vice president or higher sponsors it.",
        [_c("sponsorship", ">=", 3)],
        "sponsorship",
        None,
    ),
    (
        "classification",
        10,
        "Strategic: strong criteria, strategic activities and commitment",
        "Strong on seed 000's criteria, at least three of seed 001's activities, and at least two commitment signals.",
        [_c("criteria_total", ">=", 13), _c("activities_count", ">=", 3), _c("commitment_signals", ">=", 2)],
        "strategic",
        None,
    ),
    (
        "classification",
        20,
        "Tactical: weak on the strategic criteria",
        "The criteria total 8 or less out of 20.",
        [_c("criteria_total", "<=", 8)],
        "tactical",
        None,
    ),
    (
        "classification",
        30,
        "Tactical: sold as is",
        "Seed 001: at most one strategic activity - a distribution relationship.",
        [_c("activities_count", "<=", 1), _c("criteria_total", "<=", 11)],
        "tactical",
        None,
    ),
    (
        "tier",
        10,
        "Strategic tier: strategic and very strong",
        "Classified strategic with criteria of 15 or more.",
        [_c("classification", "==", "strategic"), _c("criteria_total", ">=", 15)],
        "",
        "Strategic",
    ),
    (
        "tier",
        20,
        "Platinum: strategic",
        "Classified strategic.",
        [_c("classification", "==", "strategic")],
        "",
        "Platinum",
    ),
    (
        "tier",
        30,
        "Platinum: strong and large",
        "Criteria 12+ and 1M+ expected annual revenue.",
        [_c("criteria_total", ">=", 12), _c("annual_value", ">=", "1000000")],
        "",
        "Platinum",
    ),
    (
        "tier",
        40,
        "Gold: solid criteria",
        "Criteria 10 or more.",
        [_c("criteria_total", ">=", 10)],
        "",
        "Gold",
    ),
    (
        "tier",
        50,
        "Gold: revenue",
        "250k+ expected annual revenue.",
        [_c("annual_value", ">=", "250000")],
        "",
        "Gold",
    ),
    (
        "tier",
        60,
        "Silver: some strategic value",
        "Criteria 6 or more.",
        [_c("criteria_total", ">=", 6)],
        "",
        "Silver",
    ),
    (
        "tier",
        70,
        "Silver: revenue",
        "50k+ expected annual revenue.",
        [_c("annual_value", ">=", "50000")],
        "",
        "Silver",
    ),
    ("tier", 80, "Registered: everyone else", "No other tier rule matched.", [], "", "Registered"),
    (
        "flag",
        10,
        "Alliancize: channel partner with strategic potential",
        "Seed 001: a channel partner scoring 9+ on the criteria could create more value as an alliance.",
        [
            _c("alliance_type", "==", "channel"),
            _c("criteria_total", ">=", 9),
            _c("classification", "!=", "strategic"),
        ],
        "alliancize",
        None,
    ),
    (
        "flag",
        20,
        "Alliancize: channel partner already doing strategic activities",
        "Seed 001: a channel partner with two or more strategic activities.",
        [
            _c("alliance_type", "==", "channel"),
            _c("activities_count", ">=", 2),
            _c("classification", "!=", "strategic"),
        ],
        "alliancize",
        None,
    ),
]


def install(apps, schema_editor=None) -> None:
    """Create the defaults that are missing (idempotent); works with historical models."""
    Transition = apps.get_model("alliances", "StageTransitionRule")
    Gate = apps.get_model("alliances", "GateRequirement")
    Tier = apps.get_model("alliances", "Tier")
    Rule = apps.get_model("alliances", "ReviewRule")
    for from_stage, to_stage, label in TRANSITIONS:
        Transition.objects.get_or_create(from_stage=from_stage, to_stage=to_stage, defaults={"label": label})
    if not Gate.objects.exists():
        for order, (stage, check, label, help_text) in enumerate(GATES):
            Gate.objects.create(stage=stage, check_kind=check, label=label, help_text=help_text, order=order)
    tiers = {}
    for name, rank, target, description, color in TIERS:
        tier = Tier.objects.filter(name=name).first() or Tier.objects.filter(rank=rank).first()
        if tier is None:
            tier = Tier.objects.create(
                name=name, rank=rank, target_count=target, description=description, color=color
            )
        tiers[name] = tier
    if not Rule.objects.exists():
        for kind, order, name, description, conditions, outcome, tier_name in RULES:
            Rule.objects.create(
                kind=kind,
                order=order,
                name=name,
                description=description,
                conditions=conditions,
                outcome=outcome,
                tier=tiers.get(tier_name),
            )
