from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "amity.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from amity.alliances.selectors import register_timeline

        from .agenda import register_sources
        from .selectors import alliance_governance_history

        register_sources()
        register_timeline(
            "governance",
            lambda *, alliance, user, limit: alliance_governance_history(
                alliance_id=alliance.pk, limit=limit
            ),
        )
