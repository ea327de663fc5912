from django.apps import AppConfig


class DatacentresConfig(AppConfig):
    name = "jalon.datacentres"
    label = "datacentres"
    verbose_name = "Data centres and server rooms against the EU Code of Conduct"
