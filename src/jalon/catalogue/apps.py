from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "jalon.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue of digital services"

    def ready(self) -> None:
        from jalon.catalogue import publishing

        publishing.register_all()
