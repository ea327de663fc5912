from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "jalon.audits"
    label = "audits"
    verbose_name = "Audits of digital services (EcoIndex, RGAA, RGESN, declarations)"

    def ready(self) -> None:
        from jalon.audits import publishing
        from jalon.kit import navigation
        from jalon.tenancy.capabilities import Capability

        publishing.register_all()
        navigation.register(navigation.Section(
            key="audits", label=_("Audits"), url_name="audits:index",
            capability=Capability.READ, order=40))
