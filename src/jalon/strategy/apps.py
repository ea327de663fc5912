from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "jalon.strategy"
    label = "strategy"
    verbose_name = "REEN strategy, indicators and reports"

    def ready(self) -> None:
        from jalon import events
        from jalon.strategy import publishing
        from jalon.strategy.tasks import on_inventory_change

        publishing.register()
        # After an inventory change, recompute the indicators computed from it (their
        # IndicatorSources listen to events.INVENTORY), once the footprint is enqueued.
        events.subscribe(events.INVENTORY, on_inventory_change)
