from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "amity.funds"
    label = "funds"
    verbose_name = "Funds and incentives"

    def ready(self) -> None:
        from amity.core.agenda import register_daily

        from . import agenda
        from .services import expire_budgets

        # MDF request decisions, claim reviews and budget expiry dates on the shared agenda.
        agenda.register()
        # Fiscal year close: unspent funds of budgets past their expiry date expire.
        register_daily("funds", lambda today: expire_budgets(today=today))
