from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "jalon.audits"
    label = "audits"
    verbose_name = "Audits of digital services (EcoIndex, RGAA, RGESN, declarations)"
