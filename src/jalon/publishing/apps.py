from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "jalon.publishing"
    label = "publishing"
    verbose_name = "Publishing: public pages, open data, annual report, indicators"
