from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatacentresConfig(AppConfig):
    name = "jalon.datacentres"
    label = "datacentres"
    verbose_name = "Data centres and server rooms against the EU Code of Conduct"

    def ready(self) -> None:
        from jalon.datacentres import publishing, selectors
        from jalon.footprint import pue
        from jalon.kit import navigation
        from jalon.tenancy.capabilities import Capability

        publishing.register_all()
        # The footprint multiplies the energy of each hosted server by its room's PUE.
        pue.register("datacentres", selectors.pue_map)
        navigation.register(navigation.Section(
            key="datacentres", label=_("Salles serveurs"), url_name="datacentres:index",
            capability=Capability.READ, order=70))
