"""Audits of an organisation's digital services (catalogue.DigitalService): the pages to
audit, campaigns, the stored result of each page's browser pass, the manual RGAA 4.1.2 and
RGESN 2024 grids, and the declarations generated from them.

A stored PageAudit is never changed: history and declarations read what was measured then,
with the protocol and tool versions it was measured with (`result`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jalon.catalogue.models import DigitalService
from jalon.tenancy.models import Organisation


class PageKind(models.TextChoices):
    """The RGAA sample (DINUM, "évaluation de la conformité"), in that order."""

    HOME = "home", _("Accueil")
    CONTACT = "contact", _("Contact")
    LEGAL = "legal", _("Mentions légales")
    ACCESSIBILITY = "accessibility", _("Accessibilité")
    SITEMAP = "sitemap", _("Plan du site")
    HELP = "help", _("Aide")
    SIGN_IN = "sign_in", _("Authentification")
    SEARCH = "search", _("Résultat de recherche")
    FORM = "form", _("Formulaire")
    DOCUMENT = "document", _("Page avec document")
    OTHER = "other", _("Autre page")


class SamplePage(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="audit_sample_pages")
    service = models.ForeignKey(DigitalService, on_delete=models.CASCADE,
                                related_name="audit_sample_pages")
    kind = models.CharField(_("type de page"), max_length=20, choices=PageKind.choices)
    url = models.CharField(_("adresse"), max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "url"],
                                               name="audits_one_url_per_sample")]

    def __str__(self) -> str:
        return self.url


class CampaignStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Programmée")
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminée")
    FAILED = "failed", _("Échouée")


class Campaign(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="audit_campaigns")
    name = models.CharField(_("nom"), max_length=200)
    services = models.ManyToManyField(DigitalService, related_name="audit_campaigns")
    runs = models.PositiveSmallIntegerField(_("chargements par page"), default=3)
    status = models.CharField(max_length=12, choices=CampaignStatus.choices,
                              default=CampaignStatus.QUEUED)
    scheduled_for = models.DateTimeField(_("programmée pour"), null=True, blank=True)
    repeat_days = models.PositiveSmallIntegerField(
        _("répéter tous les (jours)"), null=True, blank=True,
        help_text=_("Une fois terminée, la campagne est reprogrammée autant de jours plus "
                    "tard."))
    total_pages = models.PositiveIntegerField(default=0)
    done_pages = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def progress(self) -> int:
        return round(100 * self.done_pages / self.total_pages) if self.total_pages else 0


class PageAudit(models.Model):
    """The stored result of one page's browser pass (N runs)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="page_audits")
    service = models.ForeignKey(DigitalService, on_delete=models.CASCADE,
                                related_name="page_audits")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="page_audits")
    url = models.CharField(max_length=500)
    kind = models.CharField(max_length=20, choices=PageKind.choices, default=PageKind.OTHER)
    status = models.CharField(max_length=20)
    message = models.CharField(max_length=500, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    ecoindex = models.FloatField(null=True, blank=True)
    grade = models.CharField(max_length=1, blank=True)
    score_range = models.FloatField(null=True, blank=True)
    dom_nodes = models.PositiveIntegerField(null=True, blank=True)
    requests = models.PositiveIntegerField(null=True, blank=True)
    size_kb = models.FloatField(null=True, blank=True)
    ghg_g = models.FloatField(null=True, blank=True)
    water_cl = models.FloatField(null=True, blank=True)
    axe_violations = models.PositiveIntegerField(null=True, blank=True)
    rgesn_failed = models.PositiveIntegerField(null=True, blank=True)
    result = models.JSONField(default=dict)
    measured_at = models.DateTimeField()

    class Meta:
        ordering = ["-measured_at", "-id"]
        indexes = [models.Index(fields=["service", "-measured_at"])]

    def __str__(self) -> str:
        return f"{self.url} ({self.measured_at:%Y-%m-%d})"

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def violations(self) -> list[dict[str, Any]]:
        return list(self.result.get("axe", {}).get("violations", []))


class GridStatus(models.TextChoices):
    UNTESTED = "", _("Non évalué")
    COMPLIANT = "C", _("Conforme")
    NOT_COMPLIANT = "NC", _("Non conforme")
    NOT_APPLICABLE = "NA", _("Non applicable")


class RgaaGrid(models.Model):
    """A manual RGAA 4.1.2 audit of one service (25, 50 or 106 criteria, as Ara offers)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="rgaa_grids")
    service = models.ForeignKey(DigitalService, on_delete=models.CASCADE,
                                related_name="rgaa_grids")
    size = models.PositiveSmallIntegerField(_("taille de l'audit"), default=106,
                                            choices=[(25, _("Rapide (25 critères)")),
                                                     (50, _("Complémentaire (50 critères)")),
                                                     (106, _("Complet (106 critères)"))])
    auditor = models.CharField(_("réalisé par"), max_length=200, blank=True,
                               help_text=_("Audit interne ou nom de la société."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"RGAA {self.service}"


class RgaaEntry(models.Model):
    """The status of one criterion on one page of the sample ("" page: every page, or the
    elements common to all pages)."""

    grid = models.ForeignKey(RgaaGrid, on_delete=models.CASCADE, related_name="entries")
    criterion = models.CharField(max_length=6)
    page = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=2, choices=GridStatus.choices, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    derogation = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["grid", "criterion", "page"],
                                               name="audits_one_rgaa_entry")]

    def __str__(self) -> str:
        return f"{self.criterion} {self.status}"


class RgesnGrid(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="rgesn_grids")
    service = models.ForeignKey(DigitalService, on_delete=models.CASCADE,
                                related_name="rgesn_grids")
    referent = models.CharField(_("référent écoconception"), max_length=200, blank=True)
    objective = models.CharField(_("objectif à deux ans"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"RGESN {self.service}"


class RgesnEntry(models.Model):
    grid = models.ForeignKey(RgesnGrid, on_delete=models.CASCADE, related_name="entries")
    criterion = models.CharField(max_length=6)
    status = models.CharField(max_length=2, choices=GridStatus.choices, blank=True)
    justification = models.TextField(blank=True, max_length=2000)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["grid", "criterion"],
                                               name="audits_one_rgesn_entry")]

    def __str__(self) -> str:
        return f"{self.criterion} {self.status}"


class DeclarationKind(models.TextChoices):
    RGAA = "rgaa", _("Déclaration d'accessibilité")
    RGESN = "rgesn", _("Déclaration d'écoconception")


class Declaration(models.Model):
    """A declaration as generated on one day: its content is a frozen snapshot of the grid
    and audits it came from (versioned: a new generation is a new version)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="audit_declarations")
    service = models.ForeignKey(DigitalService, on_delete=models.CASCADE,
                                related_name="audit_declarations")
    kind = models.CharField(max_length=5, choices=DeclarationKind.choices)
    version = models.PositiveIntegerField()
    established_on = models.DateField(_("établie le"))
    rate = models.FloatField(null=True, blank=True)
    state = models.CharField(max_length=10, blank=True)
    content = models.JSONField(default=dict)
    published = models.BooleanField(default=False)
    substantial_change_on = models.DateField(
        _("modification substantielle le"), null=True, blank=True,
        help_text=_("Une refonte ou une modification substantielle rend la déclaration "
                    "caduque."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-established_on", "-version"]
        constraints = [models.UniqueConstraint(fields=["service", "kind", "version"],
                                               name="audits_declaration_version")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"
