from django.apps import AppConfig


class GdprConfig(AppConfig):
    name = "jalon.gdpr"
    label = "gdpr"
    verbose_name = "Personal data (GDPR register, requests, retention, sovereignty, training)"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from jalon.gdpr import privacy_declarations, publishing
        from jalon.kit import navigation
        from jalon.tenancy.capabilities import Capability

        publishing.register_all()
        privacy_declarations.declare()
        from jalon.gdpr.publishing import activities_using_algorithm
        from jalon.kit import related

        related.register("algorithms.system", "gdpr", _("Traitements de données personnelles"),
                         activities_using_algorithm)
        navigation.register(navigation.Section(
            key="gdpr", label=_("Données personnelles"), url_name="gdpr:index",
            capability=Capability.MANAGE_PERSONAL_DATA, order=60))
