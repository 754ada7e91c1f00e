from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "amity.funds"
    label = "funds"
    verbose_name = "Funds and incentives"
