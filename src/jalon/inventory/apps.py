from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "jalon.inventory"
    label = "inventory"
