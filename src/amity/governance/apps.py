from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "amity.governance"
    label = "governance"
    verbose_name = "Governance"
