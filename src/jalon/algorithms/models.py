"""The register of an organisation's algorithms and AI systems.

One `AlgorithmicSystem` per algorithm or AI system, tied to the catalogue's services that use
it; `SystemVersion` keeps each state after a change (versioned history); `Answer` stores each
answer of the AI Act form, the deployer checklist, the FRIA and the registration summary with
who answered and when; `Evaluation` is the evaluation before deployment and its go / no-go;
`BiasReport` a bias measurement (versioned per system); `CostEstimate` the environmental
cost; `Contest` a report of an error or a contest sent from the public register page.

French law: CRPA L312-1-3 (publication of the main algorithmic processing rules used for
individual decisions, organisations of 50 agents or more) and L311-3-1 (mention on the
decision, rules communicated on request).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jalon.catalogue.models import DigitalService
from jalon.core import ai_act
from jalon.tenancy.models import Organisation


class Automation(models.TextChoices):
    INFORMATION = "information", _("Information (aucune décision)")
    DECISION_AID = "decision_aid", _("Aide à la décision (un agent décide)")
    AUTOMATED = "automated", _("Décision automatisée")


class Stage(models.TextChoices):
    IDEA = "idea", _("Idée")
    EVALUATION = "evaluation", _("En évaluation")
    PILOT = "pilot", _("Expérimentation")
    IN_SERVICE = "in_service", _("En service")
    RETIRED = "retired", _("Retiré")


STAGE_DATE_FIELDS = {"idea": "idea_on", "evaluation": "evaluation_on", "pilot": "pilot_on",
                     "in_service": "in_service_on", "retired": "retired_on"}


class Category(models.TextChoices):
    PROHIBITED = ai_act.PROHIBITED, _("Pratique interdite (art. 5)")
    HIGH_RISK = ai_act.HIGH_RISK, _("Haut risque (annexe III)")
    TRANSPARENCY = ai_act.TRANSPARENCY, _("Obligations de transparence (art. 50)")
    MINIMAL = ai_act.MINIMAL, _("Risque minimal")
    UNCLASSIFIED = ai_act.UNCLASSIFIED, _("Non classé")


class AlgorithmicSystem(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="algorithmic_systems")
    name = models.CharField(_("nom"), max_length=200)
    purpose = models.TextField(_("finalité"), max_length=4000)
    decision = models.TextField(
        _("décision éclairée ou prise"), blank=True, max_length=2000,
        help_text=_("La décision administrative que l'algorithme prépare ou prend (CRPA "
                    "L311-3-1)."))
    automation = models.CharField(_("niveau d'automatisation"), max_length=20,
                                  choices=Automation.choices, default=Automation.DECISION_AID)
    is_ai = models.BooleanField(_("système d'IA"), default=True,
                                help_text=_("Système d'IA au sens de l'art. 3(1) du règlement "
                                            "(UE) 2024/1689 ; décochez pour un algorithme à "
                                            "règles explicites."))
    is_generative = models.BooleanField(_("IA générative"), default=False)
    data_used = models.TextField(_("données utilisées"), blank=True, max_length=4000)
    data_sources = models.TextField(_("sources des données"), blank=True, max_length=2000)
    model_type = models.CharField(_("type de modèle"), max_length=200, blank=True,
                                  help_text=_("Par exemple : règles, régression logistique, "
                                              "grand modèle de langage."))
    provider = models.CharField(_("fournisseur"), max_length=200, blank=True)
    hosting = models.CharField(_("hébergement"), max_length=200, blank=True)
    open_source = models.BooleanField(_("code source ouvert"), default=False)
    source_url = models.CharField(_("adresse du code source"), max_length=500, blank=True)
    oversight_role = models.CharField(_("rôle chargé du contrôle humain"), max_length=200,
                                      blank=True)
    oversight_person = models.CharField(_("personne chargée du contrôle humain"),
                                        max_length=200, blank=True)
    oversight_checks = models.TextField(_("ce que cette personne vérifie"), blank=True,
                                        max_length=2000)
    override = models.TextField(_("comment elle peut passer outre"), blank=True,
                                max_length=2000)
    contest = models.TextField(_("comment contester une décision"), blank=True,
                               max_length=2000)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    stage = models.CharField(_("étape du cycle de vie"), max_length=20, choices=Stage.choices,
                             default=Stage.IDEA)
    idea_on = models.DateField(_("idée le"), null=True, blank=True)
    evaluation_on = models.DateField(_("évaluation depuis le"), null=True, blank=True)
    pilot_on = models.DateField(_("expérimentation depuis le"), null=True, blank=True)
    in_service_on = models.DateField(_("en service depuis le"), null=True, blank=True)
    retired_on = models.DateField(_("retiré le"), null=True, blank=True)
    services = models.ManyToManyField(DigitalService, blank=True, related_name="algorithms",
                                      verbose_name=_("services qui l'utilisent"))
    category = models.CharField(_("classification AI Act"), max_length=20,
                                choices=Category.choices, default=Category.UNCLASSIFIED)
    transparency = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="one_algorithm_name_per_organisation")]

    def __str__(self) -> str:
        return self.name

    @property
    def public(self) -> bool:
        """Shown on the public register: past the idea stage."""
        return self.stage != Stage.IDEA


class SystemVersion(models.Model):
    system = models.ForeignKey(AlgorithmicSystem, on_delete=models.CASCADE,
                               related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    changed = models.JSONField(default=list)  # field names changed since the previous version
    actor_name = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["system", "number"],
                                               name="one_version_number_per_system")]

    def __str__(self) -> str:
        return f"{self.system_id} v{self.number}"


class Answer(models.Model):
    system = models.ForeignKey(AlgorithmicSystem, on_delete=models.CASCADE,
                               related_name="answers")
    key = models.CharField(max_length=60)
    value = models.TextField(max_length=4000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_by_name = models.CharField(max_length=200, blank=True)
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["system", "key"],
                                               name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"{self.key}={self.value[:20]}"


class Decision(models.TextChoices):
    PENDING = "pending", _("En attente")
    GO = "go", _("Go : déploiement décidé")
    NO_GO = "no_go", _("No go : pas de déploiement")


class Evaluation(models.Model):
    system = models.OneToOneField(AlgorithmicSystem, on_delete=models.CASCADE,
                                  related_name="evaluation")
    need = models.TextField(_("besoin"), max_length=4000)
    alternative = models.TextField(_("alternative sans IA envisagée"), max_length=4000,
                                   blank=True)
    benefits = models.JSONField(default=list)  # [{name, unit, threshold, direction, measured}]
    risks = models.JSONField(default=dict)  # {requirement key: {level, note}}
    test_results = models.TextField(_("résultats des tests"), max_length=6000, blank=True)
    decision = models.CharField(_("décision"), max_length=10, choices=Decision.choices,
                                default=Decision.PENDING)
    decided_by = models.CharField(_("décidé par"), max_length=200, blank=True)
    decided_on = models.DateField(_("décidé le"), null=True, blank=True)
    monitoring = models.TextField(_("suivi après déploiement"), max_length=4000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.system_id}: {self.decision}"


class BiasReport(models.Model):
    system = models.ForeignKey(AlgorithmicSystem, on_delete=models.CASCADE,
                               related_name="bias_reports")
    number = models.PositiveIntegerField()
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    decision_column = models.CharField(max_length=200)
    group_column = models.CharField(max_length=200)
    outcome_column = models.CharField(max_length=200, blank=True)
    stratum_column = models.CharField(max_length=200, blank=True)
    positive = models.CharField(max_length=200, blank=True)
    outcome_positive = models.CharField(max_length=200, blank=True)
    result = models.JSONField()
    note = models.TextField(max_length=2000, blank=True)
    created_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["system", "number"],
                                               name="one_bias_report_number_per_system")]

    def __str__(self) -> str:
        return f"{self.system_id} v{self.number}"


class CostKind(models.TextChoices):
    GENERATIVE_API = "generative_api", _("IA générative par API d'un fournisseur")
    SELF_HOSTED = "self_hosted", _("Modèle hébergé par l'organisation")


class CostEstimate(models.Model):
    system = models.OneToOneField(AlgorithmicSystem, on_delete=models.CASCADE,
                                  related_name="cost")
    kind = models.CharField(_("cas"), max_length=20, choices=CostKind.choices)
    provider = models.CharField(_("fournisseur (EcoLogits)"), max_length=60, blank=True)
    model_name = models.CharField(_("modèle"), max_length=120, blank=True)
    requests_per_month = models.FloatField(_("requêtes par mois"), default=0)
    output_tokens = models.PositiveIntegerField(_("jetons produits par requête"), default=400)
    energy_kwh_per_year = models.FloatField(_("énergie par an (kWh)"), null=True, blank=True)
    power_w = models.FloatField(_("puissance moyenne (W)"), null=True, blank=True)
    hours_per_year = models.FloatField(_("heures de fonctionnement par an"), null=True,
                                       blank=True)
    benefit = models.FloatField(_("bénéfice mesuré"), null=True, blank=True)
    benefit_unit = models.CharField(_("unité du bénéfice"), max_length=60, blank=True,
                                    default="heures d'agent économisées par an")
    result = models.JSONField(default=dict)  # the computed figures, kept for the indicators
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.system_id}: {self.kind}"


class ContestStatus(models.TextChoices):
    NEW = "new", _("Reçu")
    REVIEWED = "reviewed", _("Examiné")
    CLOSED = "closed", _("Clos")


class Contest(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="algorithm_contests")
    system = models.ForeignKey(AlgorithmicSystem, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="contests")
    system_named = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20)  # "error" | "contest"
    message = models.TextField(max_length=4000)
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    received_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ContestStatus.choices,
                              default=ContestStatus.NEW)
    response = models.TextField(max_length=4000, blank=True)
    reviewed_by_name = models.CharField(max_length=200, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.received_at:%Y-%m-%d}"
