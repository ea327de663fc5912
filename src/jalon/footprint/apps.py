from django.apps import AppConfig


class FootprintConfig(AppConfig):
    name = "jalon.footprint"
    label = "footprint"
