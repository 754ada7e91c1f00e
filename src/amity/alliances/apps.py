from django.apps import AppConfig


class AlliancesConfig(AppConfig):
    name = "amity.alliances"
    label = "alliances"
    verbose_name = "Alliances"

    def ready(self) -> None:
        from amity.core.agenda import register_daily

        from .tiering import daily

        # The periodic re-tier review (once a quarter by default) and approved changes whose
        # grace period ended.
        register_daily("tiers", lambda today: daily(today))
