from django.apps import AppConfig


class FootprintConfig(AppConfig):
    name = "jalon.footprint"
    label = "footprint"

    def ready(self) -> None:
        from jalon import events
        from jalon.footprint import publishing
        from jalon.footprint.tasks import on_inventory_change

        publishing.register()
        # A strategy action's page lists the saved scenarios linked to it (jalon.kit.related).
        from django.utils.translation import gettext_lazy as _

        from jalon.footprint.scenarios_links import action_scenarios
        from jalon.kit import related

        related.register("strategy.action", "footprint", _("Scénarios"), action_scenarios)
        # After an inventory change, precompute the footprint (before the indicators that
        # read it: INSTALLED_APPS puts footprint before strategy).
        events.subscribe(events.INVENTORY, on_inventory_change)
