from django.apps import AppConfig


class AlgorithmsConfig(AppConfig):
    name = "jalon.algorithms"
    label = "algorithms"
    verbose_name = "Register of algorithms and AI systems"
