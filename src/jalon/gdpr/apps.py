from django.apps import AppConfig


class GdprConfig(AppConfig):
    name = "jalon.gdpr"
    label = "gdpr"
    verbose_name = "Personal data (GDPR register, requests, retention, sovereignty, training)"
