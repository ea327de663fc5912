from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "jalon.strategy"
    label = "strategy"
    verbose_name = "REEN strategy, indicators and reports"

    def ready(self) -> None:
        from jalon import events
        from jalon.strategy import publishing
        from jalon.strategy.tasks import on_change

        publishing.register()
        # Other domains link their records to the strategy's actions (a saved footprint
        # scenario) without importing the strategy: jalon.kit.related.
        from jalon.kit import related
        from jalon.strategy.selectors import action_choices

        related.register_choices("strategy.action", action_choices)
        # After a change that an IndicatorSource listens to (the inventory, the catalogue...),
        # recompute the computed indicators, once the footprint's own subscriber has run.
        events.subscribe_any(on_change)
