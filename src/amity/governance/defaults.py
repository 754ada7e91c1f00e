"""The program's default governance rhythm, installed by a data migration.

Seed 002 names the rhythm of joint business management - executive alignment meetings,
quarterly business reviews, monthly pipeline reviews; the domain notes add that the
executive steering committee meets quarterly. A program changes these rows in the admin
(Governance → Cadence templates); alliances adopt them with "Apply default cadences".
"""

from __future__ import annotations

# (name, meeting kind, interval in months, body kind, description)
TEMPLATES = [
    (
        "Quarterly business review",
        "qbr",
        3,
        "steering",
        "Last quarter against the commitments made at the previous QBR; the joint pipeline deal by "
        "deal; blockers and escalations; next quarter's plan with owners and dates (60-90 minutes, "
        "4-6 people).",
    ),
    (
        "Monthly pipeline review",
        "pipeline",
        1,
        "operating",
        "The joint pipeline, opportunity by opportunity: stage, next step, who helps; registered deals "
        "and conflicts.",
    ),
    (
        "Executive alignment",
        "executive",
        6,
        "",
        "The executive sponsors of both sides: strategy, investment, and the decisions the teams "
        "could not take.",
    ),
]


def install(apps, schema_editor=None) -> None:
    """Create the default templates that are missing (idempotent); works with historical models."""
    Template = apps.get_model("governance", "CadenceTemplate")
    for order, (name, kind, months, body_kind, description) in enumerate(TEMPLATES):
        Template.objects.get_or_create(
            name=name,
            defaults={
                "meeting_kind": kind,
                "interval_months": months,
                "body_kind": body_kind,
                "description": description,
                "order": order,
            },
        )
