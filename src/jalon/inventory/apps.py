from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "jalon.inventory"
    label = "inventory"

    def ready(self) -> None:
        from jalon.inventory import publishing

        publishing.register()
