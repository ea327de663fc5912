"""Digital spending of an organisation, line by line, with its kind and its green-budget rating
on the six axes of the annex « Impact du budget pour la transition écologique ».

Codes are those of jalon.core.budget; the French labels are the choices below.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jalon.core import budget as core
from jalon.tenancy.models import Organisation


class Kind(models.TextChoices):
    NEW_EQUIPMENT = core.NEW_EQUIPMENT, _("Équipement neuf")
    REFURBISHED_EQUIPMENT = core.REFURBISHED_EQUIPMENT, _("Équipement reconditionné ou réemployé")
    REPAIR_MAINTENANCE = core.REPAIR_MAINTENANCE, _("Réparation et maintenance")
    SOFTWARE_LICENCES = core.SOFTWARE_LICENCES, _("Licences logicielles")
    CLOUD_HOSTING = core.CLOUD_HOSTING, _("Cloud et hébergement")
    TELECOMS = core.TELECOMS, _("Télécommunications")
    SERVICES = core.SERVICES, _("Prestations de services")
    MACHINE_ROOM_ENERGY = core.MACHINE_ROOM_ENERGY, _("Énergie des salles informatiques")
    UNCLASSIFIED = core.UNCLASSIFIED, _("Non classée")


class Axis(models.TextChoices):
    CLIMATE_MITIGATION = core.CLIMATE_MITIGATION, _("Axe 1 – Atténuation du changement climatique")
    CLIMATE_ADAPTATION = core.CLIMATE_ADAPTATION, _(
        "Axe 2 – Adaptation au changement climatique et prévention des risques naturels")
    WATER = core.WATER, _("Axe 3 – Gestion des ressources en eau")
    CIRCULAR_ECONOMY = core.CIRCULAR_ECONOMY, _(
        "Axe 4 – Économie circulaire, déchets, risques technologiques")
    POLLUTION = core.POLLUTION, _("Axe 5 – Prévention et contrôle des pollutions de l'air et "
                                  "des sols")
    BIODIVERSITY = core.BIODIVERSITY, _("Axe 6 – Biodiversité et espaces naturels, agricoles "
                                        "et sylvicoles")


class RatingValue(models.TextChoices):
    VERY_FAVOURABLE = core.VERY_FAVOURABLE, _("Très favorable")
    FAVOURABLE = core.FAVOURABLE, _("Favorable")
    NEUTRAL = core.NEUTRAL, _("Neutre")
    UNFAVOURABLE = core.UNFAVOURABLE, _("Défavorable")
    TO_EXAMINE = core.TO_EXAMINE, _("À approfondir")


class Section(models.TextChoices):
    INVESTMENT = core.INVESTMENT, _("Investissement")
    OPERATING = core.OPERATING, _("Fonctionnement")


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("À vérifier")
    APPLIED = "applied", _("Importé")
    CANCELLED = "cancelled", _("Abandonné")


class SpendingImport(models.Model):
    """A file of a year's digital spending: stored, previewed (mapping, errors), then applied
    at once or not at all."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="spending_imports")
    year = models.PositiveSmallIntegerField(_("exercice"))
    file_name = models.CharField(_("fichier"), max_length=255)
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    mapping = models.JSONField(default=dict, blank=True)  # header -> field ("" ignored)
    header_order = models.JSONField(default=list, blank=True)
    status = models.CharField(_("statut"), max_length=12, choices=ImportStatus.choices,
                              default=ImportStatus.PREVIEW)
    line_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.year})"

    def ordered_mapping(self) -> dict[str, str]:
        """The mapping in the file's column order (a JSON object's keys may be reordered)."""
        return {h: self.mapping.get(h, "") for h in self.header_order}


class ClassificationRule(models.Model):
    """An organisation's own rule, tried before Jalon's defaults (core.budget.default_rules)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="budget_rules")
    match = models.CharField(_("critère"), max_length=10,
                             choices=[("label", _("Libellé contient")),
                                      ("account", _("Compte commence par"))])
    pattern = models.CharField(_("motif"), max_length=200)
    kind = models.CharField(_("nature"), max_length=30, choices=Kind.choices)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.get_match_display()} « {self.pattern} » → {self.get_kind_display()}"

    @property
    def rule_id(self) -> str:
        return f"ORG-{self.pk}"

    def as_core(self) -> core.Rule:
        return core.Rule(self.rule_id, self.kind, self.match, self.pattern, 0,
                         str(_("Règle de l'organisation : %(rule)s") % {"rule": self}))


class SpendingLine(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="spending_lines")
    source_import = models.ForeignKey(SpendingImport, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="lines")
    year = models.PositiveSmallIntegerField(_("exercice"))
    line_number = models.PositiveIntegerField(_("ligne du fichier"), default=0)
    nomenclature = models.CharField(_("nomenclature"), max_length=4, default=core.M57)
    chapter = models.CharField(_("chapitre"), max_length=10, blank=True)
    account = models.CharField(_("compte"), max_length=10)
    function = models.CharField(_("fonction"), max_length=20, blank=True)
    label = models.CharField(_("libellé"), max_length=core.MAX_TEXT)
    supplier = models.CharField(_("fournisseur"), max_length=core.MAX_TEXT, blank=True)
    reference = models.CharField(_("référence"), max_length=core.MAX_TEXT, blank=True)
    amount_ht = models.DecimalField(_("montant HT"), max_digits=14, decimal_places=2,
                                    null=True, blank=True)
    amount_ttc = models.DecimalField(_("montant TTC"), max_digits=14, decimal_places=2)
    commitment_date = models.DateField(_("date d'engagement"), null=True, blank=True)
    payment_date = models.DateField(_("date de mandatement"), null=True, blank=True)
    section = models.CharField(_("section"), max_length=12, choices=Section.choices)
    in_annex = models.BooleanField(_("dans l'annexe légale"), default=False)
    scope_reason = models.CharField(max_length=300, blank=True)
    kind = models.CharField(_("nature"), max_length=30, choices=Kind.choices)
    kind_rule = models.CharField(_("règle appliquée"), max_length=30, blank=True)
    kind_explanation = models.CharField(max_length=400, blank=True)
    kind_manual = models.BooleanField(_("nature choisie à la main"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "account", "id"]
        indexes = [models.Index(fields=["organisation", "year"])]

    def __str__(self) -> str:
        return f"{self.account} {self.label}"

    def scope(self) -> core.Scope:
        return core.legal_scope(self.year, self.nomenclature, self.account, self.chapter)


class Rating(models.Model):
    """A line's rating on one axis: Jalon's default for its kind, or an override with its
    reason (the change is also in the audit trail)."""

    line = models.ForeignKey(SpendingLine, on_delete=models.CASCADE, related_name="ratings")
    axis = models.CharField(_("axe"), max_length=30, choices=Axis.choices)
    rating = models.CharField(_("cotation"), max_length=20, choices=RatingValue.choices)
    rationale = models.CharField(_("justification"), max_length=600, blank=True)
    source = models.CharField(_("source"), max_length=400, blank=True)
    source_url = models.CharField(max_length=400, blank=True)
    overridden = models.BooleanField(_("modifiée"), default=False)
    reason = models.TextField(_("motif de la modification"), blank=True, max_length=1000)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["line", "axis"]
        constraints = [models.UniqueConstraint(fields=["line", "axis"],
                                               name="one_rating_per_line_and_axis")]

    def __str__(self) -> str:
        return f"{self.axis}: {self.rating}"

    @property
    def axis_number(self) -> int:
        return core.AXIS_NUMBER[self.axis]
