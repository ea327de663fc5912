from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "jalon.tenancy"
    label = "tenancy"
    verbose_name = "Operators, organisations and memberships"
