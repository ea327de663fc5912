from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "jalon.privacy"
    label = "privacy"
    verbose_name = "Personal data: inventory, retention and erasure"

    def ready(self) -> None:
        from jalon.privacy import platform

        platform.declare()
