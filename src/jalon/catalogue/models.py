"""The catalogue of an organisation's digital services: its websites, online procedures,
mobile and internal applications, APIs and chatbots. Other domains (audits, algorithms,
personal data, users' voice) hang on these services.

The codes of the vocabularies are those of jalon.core.catalogue (which reads CSV files).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jalon.core import catalogue as core
from jalon.tenancy.models import Organisation


class ServiceKind(models.TextChoices):
    WEBSITE = core.WEBSITE, _("Site internet")
    ONLINE_PROCEDURE = core.ONLINE_PROCEDURE, _("Démarche en ligne")
    MOBILE_APP = core.MOBILE_APP, _("Application mobile")
    INTERNAL_APP = core.INTERNAL_APP, _("Application interne")
    API = core.API, _("API")
    CHATBOT = core.CHATBOT, _("Agent conversationnel (chatbot)")


class Audience(models.TextChoices):
    PUBLIC = core.PUBLIC, _("Public (usagers)")
    AGENTS = core.AGENTS, _("Agents")


class ServiceStatus(models.TextChoices):
    IN_PROJECT = core.IN_PROJECT, _("En projet")
    IN_SERVICE = core.IN_SERVICE, _("En service")
    BEING_RETIRED = core.BEING_RETIRED, _("En cours de retrait")
    RETIRED = core.RETIRED, _("Retiré")


class DigitalService(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="digital_services")
    name = models.CharField(_("nom"), max_length=core.MAX_NAME)
    kind = models.CharField(_("type"), max_length=20, choices=ServiceKind.choices)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    url = models.CharField(_("adresse principale (URL)"), max_length=core.MAX_URL, blank=True)
    sample_urls = models.TextField(
        _("échantillon de pages"), blank=True,
        help_text=_("Quelques adresses représentatives du service, une par ligne."))
    audience = models.CharField(pgettext_lazy("audience", "public"), max_length=10,
                                choices=Audience.choices)
    owner_team = models.CharField(_("équipe responsable"), max_length=core.MAX_TEXT, blank=True)
    provider = models.CharField(_("éditeur ou prestataire"), max_length=core.MAX_TEXT,
                                blank=True)
    hosting_provider = models.CharField(_("hébergeur"), max_length=core.MAX_TEXT, blank=True)
    hosting_country = models.CharField(
        _("pays d'hébergement"), max_length=2, blank=True,
        help_text=_("Code ISO 3166 à deux lettres, par exemple FR."))
    status = models.CharField(_("statut"), max_length=20, choices=ServiceStatus.choices,
                              default=ServiceStatus.IN_SERVICE)
    in_service_since = models.DateField(_("en service depuis"), null=True, blank=True)
    retired_on = models.DateField(_("retiré le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="one_service_name_per_organisation")]

    def __str__(self) -> str:
        return self.name

    @property
    def sample_url_list(self) -> list[str]:
        return [line.strip() for line in self.sample_urls.splitlines() if line.strip()]

    @property
    def hosted_in_eu_eea(self) -> bool | None:
        return core.in_eu_eea(self.hosting_country) if self.hosting_country else None
