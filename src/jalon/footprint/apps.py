from django.apps import AppConfig


class FootprintConfig(AppConfig):
    name = "jalon.footprint"
    label = "footprint"

    def ready(self) -> None:
        from jalon import events
        from jalon.footprint import publishing
        from jalon.footprint.tasks import on_inventory_change

        publishing.register()
        # After an inventory change, precompute the footprint (before the indicators that
        # read it: INSTALLED_APPS puts footprint before strategy).
        events.subscribe(events.INVENTORY, on_inventory_change)
