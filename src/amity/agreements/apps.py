from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "amity.agreements"
    label = "agreements"
    verbose_name = "Agreements"

    def ready(self) -> None:
        from amity.alliances.selectors import register_timeline

        from . import agenda
        from .selectors import alliance_history

        # Agreement notice deadlines and expiries, and commitment due dates, on the shared agenda;
        # agreement, document and commitment changes on the alliance's History tab.
        agenda.register()
        register_timeline("agreements", alliance_history)
        # Before each day's reminders: activate, auto-renew or expire agreements.
        from amity.core.agenda import register_daily

        from .services import agreements_roll_over

        register_daily("agreements", lambda today: agreements_roll_over(today=today))
