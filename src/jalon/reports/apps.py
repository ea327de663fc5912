from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jalon.reports"
    label = "reports"
    verbose_name = "Citizen reports, AI triage under human control, FAQ assistant"
