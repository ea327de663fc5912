from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatacentresConfig(AppConfig):
    name = "jalon.datacentres"
    label = "datacentres"
    verbose_name = "Data centres and server rooms against the EU Code of Conduct"

    def ready(self) -> None:
        from jalon import privacy
        from jalon.datacentres import publishing, selectors
        from jalon.datacentres.models import PracticeStatus
        from jalon.footprint import pue
        from jalon.kit import navigation
        from jalon.tenancy.capabilities import Capability

        publishing.register_all()
        # The footprint multiplies the energy of each hosted server by its room's PUE.
        pue.register("datacentres", selectors.pue_map)
        # The person responsible for a practice may be named: found by that name, blanked on
        # erasure (the practice's status and evidence stay), kept while the room is managed.
        privacy.register(
            PracticeStatus, name="datacentres.practicestatus", fields=("owner",),
            subject="owner", retention=None, date_field="updated_at",
            organisation_field="site__organisation", on_expiry="anonymise",
            on_erasure="anonymise",
            purpose=_("Désigner la personne responsable de chaque pratique du code de conduite "
                      "européen dans une salle serveurs."))
        navigation.register(navigation.Section(
            key="datacentres", label=_("Salles serveurs"), url_name="datacentres:index",
            capability=Capability.READ, order=70))
