from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "amity.planning"
    label = "planning"
    verbose_name = "Planning"

    def ready(self) -> None:
        from amity.alliances.selectors import register_timeline

        from .agenda import register_sources
        from .selectors import alliance_planning_history

        register_sources()
        register_timeline(
            "planning",
            lambda *, alliance, user, limit: alliance_planning_history(
                alliance_id=alliance.pk, limit=limit, user=user
            ),
        )
