from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "jalon.strategy"
    label = "strategy"
    verbose_name = "REEN strategy, indicators and reports"
