from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    name = "jalon.operators"
    label = "operators"
    verbose_name = "Operator templates, shared indicators and peers"
