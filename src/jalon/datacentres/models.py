"""An organisation's server rooms, data centres and colocation contracts, their yearly figures
and their Code of Conduct checklist.

A site's hosted servers are not stored as links to assets (a "replace" import of the inventory
recreates every asset): they are the inventory's servers whose location (`Asset.site`) is one of
the site's `inventory_sites`, or whose name or inventory number is one of `hosted_assets`
(selectors.hosting).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jalon.core import datacentres as core
from jalon.tenancy.models import Organisation


class SiteKind(models.TextChoices):
    # Delegated Regulation 2024/1364 art. 2: enterprise, colocation and co-hosting data
    # centres; a server room is a small enterprise data centre.
    SERVER_ROOM = "server_room", _("Salle serveurs en propre")
    ENTERPRISE = "enterprise", _("Centre de données en propre")
    COLOCATION = "colocation", _("Colocation (baies louées chez un hébergeur)")
    COHOSTING = "cohosting", _("Hébergement infogéré (co-hosting)")


class Cooling(models.TextChoices):
    UNKNOWN = "unknown", _("Non renseigné")
    SPLIT = "split", _("Climatiseurs à détente directe (split)")
    CRAC = "crac", _("Armoires de climatisation (CRAC/CRAH)")
    CHILLED_WATER = "chilled_water", _("Eau glacée")
    FREE_COOLING = "free_cooling", _("Free cooling (air ou eau extérieurs)")
    ADIABATIC = "adiabatic", _("Refroidissement adiabatique ou évaporatif")
    LIQUID = "liquid", _("Refroidissement liquide")


class Structure(models.TextChoices):
    # Delegated Regulation 2024/1364, Annex I point 1(d): the type is given for « a structure »
    # or « a group of structures ».
    UNKNOWN = "", _("Non renseigné")
    SINGLE = "single", _("Une structure")
    GROUP = "group", _("Un groupe de structures")


class PracticeState(models.TextChoices):
    NOT_STARTED = core.NOT_STARTED, _("Non engagée")
    IN_PROGRESS = core.IN_PROGRESS, _("En cours")
    IMPLEMENTED = core.IMPLEMENTED, _("Mise en œuvre")
    NOT_APPLICABLE = core.NOT_APPLICABLE, _("Sans objet")


class Site(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="datacentre_sites")
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=SiteKind.choices,
                            default=SiteKind.SERVER_ROOM)
    owner = models.CharField(_("propriétaire"), max_length=200, blank=True)
    operator = models.CharField(_("exploitant"), max_length=200, blank=True)
    owner_email = models.CharField(_("courriel du propriétaire"), max_length=254, blank=True)
    owner_phone = models.CharField(_("téléphone du propriétaire"), max_length=30, blank=True)
    operator_email = models.CharField(_("courriel de l'exploitant"), max_length=254,
                                      blank=True)
    operator_phone = models.CharField(_("téléphone de l'exploitant"), max_length=30,
                                      blank=True)
    municipality = models.CharField(_("commune"), max_length=200, blank=True)
    lau_code = models.CharField(_("code d'unité administrative locale (LAU)"), max_length=8,
                                blank=True)
    structure = models.CharField(_("structure"), max_length=10, choices=Structure.choices,
                                 blank=True, default=Structure.UNKNOWN)
    mixed_services = models.BooleanField(
        _("offre aussi l'autre service (colocation et hébergement infogéré)"), default=False)
    electrical_redundancy = models.CharField(_("redondance électrique"), max_length=40,
                                             blank=True)
    cooling_redundancy = models.CharField(_("redondance du refroidissement"), max_length=40,
                                          blank=True)
    commissioned_on = models.DateField(_("mise en service"), null=True, blank=True)
    it_power_kw = models.FloatField(_("puissance informatique installée (kW)"), null=True,
                                    blank=True)
    total_floor_m2 = models.FloatField(_("surface totale (m²)"), null=True, blank=True)
    computer_room_m2 = models.FloatField(_("surface de la salle informatique (m²)"),
                                         null=True, blank=True)
    cooling = models.CharField(_("refroidissement"), max_length=20, choices=Cooling.choices,
                               default=Cooling.UNKNOWN)
    refrigerants = models.CharField(_("fluides frigorigènes"), max_length=200, blank=True)
    declared_pue = models.FloatField(_("PUE déclaré ou contractuel"), null=True, blank=True)
    inventory_sites = models.TextField(_("lieux de l'inventaire"), blank=True)
    hosted_assets = models.TextField(_("serveurs hébergés (noms ou numéros d'inventaire)"),
                                     blank=True)
    contract_provider = models.CharField(_("hébergeur"), max_length=200, blank=True)
    contract_reference = models.CharField(_("référence du contrat"), max_length=200,
                                          blank=True)
    contract_start = models.DateField(_("début du contrat"), null=True, blank=True)
    contract_end = models.DateField(_("fin du contrat"), null=True, blank=True)
    contract_power_kw = models.FloatField(_("puissance souscrite (kW)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="datacentres_site_unique_name")]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def inventory_site_list(self) -> list[str]:
        return self._lines(self.inventory_sites)

    @property
    def hosted_asset_list(self) -> list[str]:
        return self._lines(self.hosted_assets)

    @property
    def is_colocation(self) -> bool:
        return self.kind in (SiteKind.COLOCATION, SiteKind.COHOSTING)

    @property
    def in_eed_scope(self) -> bool:
        return core.in_eed_scope(self.it_power_kw)


class SiteYear(models.Model):
    """A site's figures for one calendar year (the Annex II indicators of Delegated Regulation
    2024/1364, plus the average IT load used to estimate energy when it is not metered)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("année"))
    average_it_load_kw = models.FloatField(_("charge informatique moyenne (kW)"), null=True,
                                           blank=True)
    it_kwh = models.FloatField(_("énergie informatique EIT (kWh)"), null=True, blank=True)
    total_kwh = models.FloatField(_("énergie totale EDC (kWh)"), null=True, blank=True)
    declared_pue = models.FloatField(_("PUE déclaré de l'année"), null=True, blank=True)
    water_m3 = models.FloatField(_("eau consommée WIN (m³)"), null=True, blank=True)
    potable_water_m3 = models.FloatField(_("dont eau potable (m³)"), null=True, blank=True)
    reused_kwh = models.FloatField(_("chaleur réutilisée EREUSE (kWh)"), null=True, blank=True)
    waste_heat_temperature_c = models.FloatField(_("température moyenne de la chaleur fatale "
                                                   "(°C)"), null=True, blank=True)
    intake_temperature_c = models.FloatField(_("consigne de température d'entrée d'air (°C)"),
                                             null=True, blank=True)
    cooling_degree_days = models.FloatField(_("degrés-jours de refroidissement"), null=True,
                                            blank=True)
    renewable_kwh = models.FloatField(_("énergie renouvelable ERES-TOT (kWh)"), null=True,
                                      blank=True)
    renewable_goo_kwh = models.FloatField(_("dont garanties d'origine (kWh)"), null=True,
                                          blank=True)
    renewable_ppa_kwh = models.FloatField(_("dont contrats d'achat directs PPA (kWh)"),
                                          null=True, blank=True)
    renewable_onsite_kwh = models.FloatField(_("dont production sur site (kWh)"), null=True,
                                             blank=True)
    server_capacity = models.FloatField(_("capacité des serveurs CSERV"), null=True,
                                        blank=True)
    storage_capacity_pb = models.FloatField(_("capacité de stockage CSTOR (Po)"), null=True,
                                            blank=True)
    traffic_in_bandwidth_gbps = models.FloatField(_("bande passante entrante (Gbit/s)"),
                                                  null=True, blank=True)
    traffic_out_bandwidth_gbps = models.FloatField(_("bande passante sortante (Gbit/s)"),
                                                   null=True, blank=True)
    traffic_in_eb = models.FloatField(_("trafic entrant (Eo)"), null=True, blank=True)
    traffic_out_eb = models.FloatField(_("trafic sortant (Eo)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site", "year"]
        constraints = [models.UniqueConstraint(fields=["site", "year"],
                                               name="datacentres_siteyear_unique_year")]

    def __str__(self) -> str:
        return f"{self.site} {self.year}"

    def energy(self) -> core.Energy:
        return core.energy(metered_it_kwh=self.it_kwh, metered_total_kwh=self.total_kwh,
                           average_it_load_kw=self.average_it_load_kw,
                           pue_value=self.declared_pue or self.site.declared_pue)

    def pue(self) -> float | None:
        figures = self.energy()
        return core.pue(figures.total_kwh, figures.it_kwh)


class PracticeStatus(models.Model):
    """Where a site stands on one practice of the Code of Conduct (by its number)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="practices")
    number = models.CharField(max_length=12)
    status = models.CharField(_("statut"), max_length=16, choices=PracticeState.choices,
                              default=PracticeState.NOT_STARTED)
    evidence = models.TextField(_("preuve ou justification"), blank=True)
    owner = models.CharField(_("responsable"), max_length=200, blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site", "number"]
        constraints = [models.UniqueConstraint(fields=["site", "number"],
                                               name="datacentres_practice_unique_number")]

    def __str__(self) -> str:
        return f"{self.site} {self.number}"
