"""Personal data of an organisation: its register of processing activities (GDPR art. 30) with
DPIA screening and record, data subjects' requests on the legal clock, breaches (art. 33-34),
due purge tasks of its other systems, the sovereignty of its solutions' hosting, and the
training coverage of its agents.

The legal rules are computed in jalon.core.gdpr_deadlines, gdpr_dpia and sovereignty (pure);
the models store the facts and the dates computed from them (for lists and the API).
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jalon.algorithms.models import AlgorithmicSystem
from jalon.catalogue.models import DigitalService
from jalon.core import gdpr_deadlines as clock
from jalon.core import gdpr_dpia as dpia_core
from jalon.core import sovereignty as sov
from jalon.tenancy.models import Organisation


class Role(models.TextChoices):
    CONTROLLER = "controller", _("Responsable de traitement")
    JOINT = "joint", _("Responsable conjoint")
    PROCESSOR = "processor", _("Sous-traitant")


class LegalBasis(models.TextChoices):
    # GDPR art. 6(1) (a) to (f).
    CONSENT = "consent", _("Consentement")
    CONTRACT = "contract", _("Contrat")
    LEGAL_OBLIGATION = "legal_obligation", _("Obligation légale")
    VITAL_INTERESTS = "vital_interests", _("Sauvegarde des intérêts vitaux")
    PUBLIC_TASK = "public_task", _("Mission d'intérêt public")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("Intérêt légitime")


SENSITIVE_CATEGORIES: dict[str, Any] = {
    # GDPR art. 9(1) and 10, and the French social security number (NIR, loi 78-17 art. 30).
    "health": _("Santé"), "racial_ethnic": _("Origine raciale ou ethnique"),
    "political": _("Opinions politiques"), "religious": _("Convictions religieuses ou "
                                                          "philosophiques"),
    "trade_union": _("Appartenance syndicale"), "genetic": _("Données génétiques"),
    "biometric": _("Données biométriques"), "sex_life": _("Vie ou orientation sexuelle"),
    "criminal": _("Condamnations et infractions"), "nir": _("Numéro de sécurité sociale (NIR)"),
}


class RetentionUnit(models.TextChoices):
    DAYS = "days", _("jours")
    MONTHS = "months", _("mois")
    YEARS = "years", _("ans")


class RetentionStart(models.TextChoices):
    COLLECTION = "collection", _("la collecte")
    LAST_CONTACT = "last_contact", _("le dernier contact")
    END_OF_RELATIONSHIP = "end_of_relationship", _("la fin de la relation ou du contrat")
    CLOSURE = "closure", _("la clôture du dossier")
    END_OF_SERVICE = "end_of_service", _("la fin du service rendu")
    OTHER = "other", _("un autre événement (précisé)")


class FinalFate(models.TextChoices):
    DELETE = "delete", _("Suppression")
    ANONYMISE = "anonymise", _("Anonymisation")
    ARCHIVE = "archive", _("Archivage définitif (archives publiques)")


class ActivityStatus(models.TextChoices):
    ACTIVE = "active", _("En vigueur")
    DRAFT = "draft", _("En préparation")
    ENDED = "ended", _("Terminé")


class ProcessingActivity(models.Model):
    """One line of the register (GDPR art. 30, the CNIL's model register)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="processing_activities")
    reference = models.CharField(_("référence"), max_length=30, blank=True)
    name = models.CharField(_("nom du traitement"), max_length=200)
    status = models.CharField(_("état"), max_length=10, choices=ActivityStatus.choices,
                              default=ActivityStatus.ACTIVE)
    role = models.CharField(_("rôle de la collectivité"), max_length=12, choices=Role.choices,
                            default=Role.CONTROLLER)
    controller_name = models.CharField(
        _("responsable de traitement (si sous-traitant)"), max_length=200, blank=True)
    owner_team = models.CharField(_("service responsable"), max_length=200, blank=True)
    purposes = models.TextField(_("finalités"), max_length=3000)
    legal_basis = models.CharField(_("base légale"), max_length=24,
                                   choices=LegalBasis.choices)
    legal_basis_detail = models.CharField(_("texte fondant le traitement"), max_length=300,
                                          blank=True)
    data_subjects = models.TextField(_("catégories de personnes concernées"), max_length=2000)
    data_categories = models.TextField(_("catégories de données"), max_length=2000)
    sensitive_categories = models.JSONField(_("données sensibles"), default=list, blank=True)
    recipients = models.TextField(_("destinataires"), max_length=2000, blank=True)
    transfers_outside_eu = models.BooleanField(_("transferts hors UE"), default=False)
    transfer_countries = models.CharField(_("pays de destination"), max_length=200,
                                          blank=True)
    transfer_safeguards = models.CharField(_("garanties des transferts"), max_length=300,
                                           blank=True)
    retention_value = models.PositiveIntegerField(_("durée de conservation"), null=True,
                                                  blank=True)
    retention_unit = models.CharField(_("unité"), max_length=6,
                                      choices=RetentionUnit.choices,
                                      default=RetentionUnit.YEARS)
    retention_start = models.CharField(_("à compter de"), max_length=24,
                                       choices=RetentionStart.choices,
                                       default=RetentionStart.COLLECTION)
    retention_start_detail = models.CharField(_("précision sur l'événement"), max_length=200,
                                              blank=True)
    final_fate = models.CharField(_("sort final"), max_length=10, choices=FinalFate.choices,
                                  default=FinalFate.DELETE)
    purge_every_months = models.PositiveSmallIntegerField(
        _("purge à confirmer tous les (mois)"), default=12,
        help_text=_("Fréquence à laquelle le service responsable confirme la purge des données "
                    "arrivées au terme de leur conservation."))
    security_measures = models.TextField(_("mesures de sécurité"), max_length=3000,
                                         blank=True)
    services = models.ManyToManyField(DigitalService, blank=True,
                                      related_name="processing_activities",
                                      verbose_name=_("services numériques concernés"))
    algorithms = models.ManyToManyField(AlgorithmicSystem, blank=True,
                                        related_name="processing_activities",
                                        verbose_name=_("algorithmes concernés"))
    # DPIA screening (see jalon.core.gdpr_dpia).
    dpia_criteria = models.JSONField(_("critères du CEPD"), default=list, blank=True)
    on_cnil_required_list = models.BooleanField(
        _("sur la liste CNIL des traitements soumis à AIPD"), default=False)
    on_cnil_exempt_list = models.BooleanField(
        _("sur la liste CNIL des traitements dispensés d'AIPD"), default=False)
    # In the public register (the fields shown are chosen per organisation: RegisterSettings).
    published = models.BooleanField(_("publié dans le registre public"), default=True)
    created_on = models.DateField(_("inscrit au registre le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reference", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="gdpr_one_activity_name_per_organisation")]

    def __str__(self) -> str:
        return self.name

    @property
    def screening(self) -> dpia_core.Screening:
        return dpia_core.screen(self.dpia_criteria or (),
                                on_cnil_required_list=self.on_cnil_required_list,
                                on_cnil_exempt_list=self.on_cnil_exempt_list)

    @property
    def retention_text(self) -> str:
        if self.retention_value is None:
            return str(_("Non renseignée"))
        start = (self.retention_start_detail if self.retention_start == RetentionStart.OTHER
                 and self.retention_start_detail else self.get_retention_start_display())
        return str(_("%(value)d %(unit)s à compter de %(start)s, puis %(fate)s") % {
            "value": self.retention_value, "unit": self.get_retention_unit_display(),
            "start": start, "fate": str(self.get_final_fate_display()).lower()})

    @property
    def sensitive_labels(self) -> list[str]:
        return [str(SENSITIVE_CATEGORIES[c]) for c in self.sensitive_categories or ()
                if c in SENSITIVE_CATEGORIES]


class RegisterSettings(models.Model):
    """Which optional fields of the register the organisation publishes (gdpr.register)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE,
                                        related_name="gdpr_register_settings")
    published_fields = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Registre publié : {self.organisation_id}"


class Processor(models.Model):
    """A processor of the activity (GDPR art. 28) and its contract."""

    activity = models.ForeignKey(ProcessingActivity, on_delete=models.CASCADE,
                                 related_name="processors")
    name = models.CharField(_("sous-traitant"), max_length=200)
    service = models.CharField(_("prestation"), max_length=300, blank=True)
    country = models.CharField(_("pays"), max_length=2, blank=True)
    contract_reference = models.CharField(_("référence du contrat"), max_length=100,
                                          blank=True)
    contract_signed_on = models.DateField(_("contrat signé le"), null=True, blank=True)
    contract_ends_on = models.DateField(_("fin du contrat"), null=True, blank=True)
    art28_clauses = models.BooleanField(_("clauses de l'article 28 au contrat"),
                                        default=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Dpia(models.Model):
    """The DPIA record of an activity (GDPR art. 35(7))."""

    activity = models.OneToOneField(ProcessingActivity, on_delete=models.CASCADE,
                                    related_name="dpia")
    started_on = models.DateField(_("engagée le"), null=True, blank=True)
    description = models.TextField(_("description systématique"), max_length=4000,
                                   blank=True)
    necessity = models.TextField(_("nécessité et proportionnalité"), max_length=4000,
                                 blank=True)
    dpo_opinion = models.TextField(_("avis du délégué à la protection des données"),
                                   max_length=3000, blank=True)
    signed_off_by = models.CharField(_("validée par"), max_length=200, blank=True)
    signed_off_on = models.DateField(_("validée le"), null=True, blank=True)
    next_review_on = models.DateField(_("prochain réexamen"), null=True, blank=True)

    def __str__(self) -> str:
        return f"AIPD {self.activity}"


class DpiaRisk(models.Model):
    dpia = models.ForeignKey(Dpia, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(_("risque"), max_length=200)
    likelihood = models.PositiveSmallIntegerField(_("vraisemblance (1 à 4)"))
    severity = models.PositiveSmallIntegerField(_("gravité (1 à 4)"))
    measures = models.TextField(_("mesures"), max_length=2000, blank=True)
    residual_likelihood = models.PositiveSmallIntegerField(_("vraisemblance résiduelle"))
    residual_severity = models.PositiveSmallIntegerField(_("gravité résiduelle"))

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    @property
    def level(self) -> str:
        return dpia_core.risk_level(self.likelihood, self.severity)

    @property
    def residual_level(self) -> str:
        return dpia_core.risk_level(self.residual_likelihood, self.residual_severity)

    @property
    def level_label(self) -> str:
        return dpia_core.RISK_LABELS[self.level]

    @property
    def residual_label(self) -> str:
        return dpia_core.RISK_LABELS[self.residual_level]


# --- Requests -----------------------------------------------------------------------------------

class RequestKind(models.TextChoices):
    ACCESS = "access", _("Accès (art. 15)")
    RECTIFICATION = "rectification", _("Rectification (art. 16)")
    ERASURE = "erasure", _("Effacement (art. 17)")
    RESTRICTION = "restriction", _("Limitation (art. 18)")
    PORTABILITY = "portability", _("Portabilité (art. 20)")
    OBJECTION = "objection", _("Opposition (art. 21)")
    HUMAN_REVIEW = "human_review", _("Intervention humaine sur une décision automatisée "
                                     "(art. 22)")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Reçue")
    IN_PROGRESS = "in_progress", _("En cours")
    WAITING = "waiting", _("En attente de la personne")
    EXTENDED = "extended", _("Prolongée")
    ANSWERED = "answered", _("Répondue")
    REFUSED = "refused", _("Refusée (motivée)")
    WITHDRAWN = "withdrawn", _("Retirée")


CLOSED_STATUSES = (RequestStatus.ANSWERED, RequestStatus.REFUSED, RequestStatus.WITHDRAWN)


class Channel(models.TextChoices):
    EMAIL = "email", _("Courriel")
    MAIL = "mail", _("Courrier")
    FORM = "form", _("Formulaire en ligne")
    DESK = "desk", _("Accueil")
    API = "api", _("API")


class DataSubjectRequest(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="data_subject_requests")
    reference = models.CharField(_("référence"), max_length=30)
    kind = models.CharField(_("droit exercé"), max_length=16, choices=RequestKind.choices)
    received_on = models.DateField(_("reçue le"))
    channel = models.CharField(_("canal"), max_length=8, choices=Channel.choices,
                               default=Channel.EMAIL)
    requester_name = models.CharField(_("nom de la personne"), max_length=200, blank=True)
    requester_email = models.CharField(_("adresse électronique de la personne"),
                                       max_length=254, blank=True)
    description = models.TextField(_("objet de la demande"), max_length=4000, blank=True)
    activity = models.ForeignKey(ProcessingActivity, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="requests",
                                 verbose_name=_("traitement concerné"))
    status = models.CharField(_("statut"), max_length=12, choices=RequestStatus.choices,
                              default=RequestStatus.RECEIVED)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("suivie par"))
    # Dates computed by jalon.core.gdpr_deadlines (kept up to date by the services).
    due_on = models.DateField(_("échéance"))
    extended_due_on = models.DateField(_("échéance prolongée"), null=True, blank=True)
    extension_reasons = models.TextField(_("raisons de la prolongation"), max_length=2000,
                                         blank=True)
    extension_informed_on = models.DateField(_("personne informée de la prolongation le"),
                                             null=True, blank=True)
    answered_on = models.DateField(_("répondue le"), null=True, blank=True)
    answer = models.TextField(_("réponse"), max_length=6000, blank=True)
    reminders_sent = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "reference"],
                                               name="gdpr_one_request_reference")]

    def __str__(self) -> str:
        return self.reference

    @property
    def final_due_on(self) -> Any:
        return self.extended_due_on or self.due_on

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def pauses(self) -> list[clock.Pause]:
        return [clock.Pause(cast(clock.PauseKind, p.kind), p.started_on, p.ended_on)
                for p in self.request_pauses.all()]


class PauseKind(models.TextChoices):
    IDENTITY = "identity", _("Vérification d'identité (art. 12.6)")
    CLARIFICATION = "clarification", _("Précision de la demande (considérant 63)")


class RequestPause(models.Model):
    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE,
                                related_name="request_pauses")
    kind = models.CharField(_("motif"), max_length=14, choices=PauseKind.choices)
    started_on = models.DateField(_("question posée le"))
    ended_on = models.DateField(_("réponse reçue le"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_on}"


class RequestDocument(models.Model):
    """A document of the request (proof of identity, the answer sent...), kept in the database
    so that it is deleted with the request in the same transaction (retention, erasure)."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE,
                                related_name="documents")
    name = models.CharField(_("nom"), max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


# --- Breaches -----------------------------------------------------------------------------------

class BreachNature(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", _("Confidentialité (divulgation, accès non autorisé)")
    INTEGRITY = "integrity", _("Intégrité (altération)")
    AVAILABILITY = "availability", _("Disponibilité (perte, destruction)")


class BreachRisk(models.TextChoices):
    # Art. 33(1): no notification when "unlikely to result in a risk"; art. 34: people informed
    # when "likely to result in a high risk".
    UNLIKELY = "unlikely", _("Risque peu probable (pas de notification)")
    RISK = "risk", _("Risque (notification à la CNIL)")
    HIGH = "high", _("Risque élevé (notification et information des personnes)")


class Breach(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="breaches")
    reference = models.CharField(_("référence"), max_length=30)
    title = models.CharField(_("intitulé"), max_length=200)
    aware_at = models.DateTimeField(_("connue le"))
    occurred_at = models.DateTimeField(_("survenue le"), null=True, blank=True)
    nature = models.CharField(_("nature"), max_length=16, choices=BreachNature.choices)
    description = models.TextField(_("description"), max_length=4000)
    activities = models.ManyToManyField(ProcessingActivity, blank=True,
                                        related_name="breaches",
                                        verbose_name=_("traitements concernés"))
    people_count = models.PositiveIntegerField(_("nombre approximatif de personnes"),
                                               null=True, blank=True)
    records_count = models.PositiveIntegerField(_("nombre approximatif d'enregistrements"),
                                                null=True, blank=True)
    consequences = models.TextField(_("conséquences probables"), max_length=3000, blank=True)
    risk = models.CharField(_("niveau de risque"), max_length=10, choices=BreachRisk.choices,
                            default=BreachRisk.RISK)
    notified_at = models.DateTimeField(_("notifiée à la CNIL le"), null=True, blank=True)
    cnil_reference = models.CharField(_("référence de la notification"), max_length=60,
                                      blank=True)
    delay_reasons = models.TextField(_("motifs du retard de notification"), max_length=2000,
                                     blank=True)
    people_informed_on = models.DateField(_("personnes informées le"), null=True, blank=True)
    measures = models.TextField(_("mesures prises"), max_length=4000, blank=True)
    closed_on = models.DateField(_("close le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-aware_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "reference"],
                                               name="gdpr_one_breach_reference")]

    def __str__(self) -> str:
        return self.title

    @property
    def notification_required(self) -> bool:
        return self.risk != BreachRisk.UNLIKELY

    @property
    def notify_by(self) -> Any:
        return clock.notification_deadline(self.aware_at)


# --- Retention ----------------------------------------------------------------------------------

class PurgeRecord(models.Model):
    """What a run of the purge of Jalon's own personal data did in one organisation, for one
    declaration of jalon.privacy: how many rows, how, by which rule."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="purge_records")
    ran_at = models.DateTimeField(_("exécutée le"))
    declaration = models.CharField(_("donnée"), max_length=100)
    purpose = models.CharField(_("finalité"), max_length=400, blank=True)
    rule = models.CharField(_("règle"), max_length=300)
    action = models.CharField(_("action"), max_length=10)
    count = models.PositiveIntegerField(_("lignes"))

    class Meta:
        ordering = ["-ran_at", "declaration", "id"]

    def __str__(self) -> str:
        return f"{self.declaration} {self.ran_at:%Y-%m-%d}"


class PurgeTaskStatus(models.TextChoices):
    DUE = "due", _("À confirmer")
    CONFIRMED = "confirmed", _("Confirmée")


class PurgeTask(models.Model):
    """A purge due in another system of the organisation, by an activity's retention: the
    owner confirms it was done; the confirmation is the proof."""

    activity = models.ForeignKey(ProcessingActivity, on_delete=models.CASCADE,
                                 related_name="purge_tasks")
    due_on = models.DateField(_("à faire pour le"))
    status = models.CharField(_("état"), max_length=10, choices=PurgeTaskStatus.choices,
                              default=PurgeTaskStatus.DUE)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    confirmed_by_name = models.CharField(_("confirmée par"), max_length=200, blank=True)
    records_purged = models.PositiveIntegerField(_("enregistrements purgés"), null=True,
                                                 blank=True)
    proof = models.TextField(_("preuve (méthode, référence du journal)"), max_length=2000,
                             blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "due_on"],
                                               name="gdpr_one_purge_task_per_due_date")]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.due_on}"


# --- Sovereignty --------------------------------------------------------------------------------

class HostingProfile(models.Model):
    """Sovereignty facts of one digital service or one processing activity."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="hosting_profiles")
    service = models.OneToOneField(DigitalService, on_delete=models.CASCADE, null=True,
                                   blank=True, related_name="hosting_profile")
    activity = models.OneToOneField(ProcessingActivity, on_delete=models.CASCADE, null=True,
                                    blank=True, related_name="hosting_profile")
    provider = models.CharField(_("prestataire"), max_length=200, blank=True)
    storage_country = models.CharField(_("pays de stockage"), max_length=2, blank=True)
    processing_country = models.CharField(_("pays de traitement"), max_length=2, blank=True)
    non_eu_law_exposure = models.BooleanField(
        _("soumis à un droit extra-européen"), null=True, blank=True,
        help_text=_("Le prestataire ou sa maison mère relève-t-il d'une loi extra-européenne "
                    "à portée extraterritoriale (CLOUD Act, FISA…) ?"))
    secnumcloud = models.BooleanField(_("qualifié SecNumCloud"), null=True, blank=True)
    health_data = models.BooleanField(_("données de santé"), default=False)
    hds = models.BooleanField(_("certifié HDS"), null=True, blank=True)
    open_source = models.BooleanField(_("logiciel libre"), null=True, blank=True)
    export_format = models.CharField(_("format d'export"), max_length=100, blank=True)
    open_export_format = models.BooleanField(_("export dans un format ouvert"), null=True,
                                             blank=True)
    exit_clause = models.BooleanField(_("clause de réversibilité"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(service__isnull=False) | models.Q(activity__isnull=False),
            name="gdpr_hosting_profile_has_a_subject")]

    def __str__(self) -> str:
        return self.subject_name

    @property
    def subject_name(self) -> str:
        return str(self.service or self.activity)

    def facts(self) -> sov.Facts:
        return sov.Facts(storage_country=self.storage_country,
                         processing_country=self.processing_country,
                         non_eu_law_exposure=self.non_eu_law_exposure,
                         secnumcloud=self.secnumcloud, health_data=self.health_data,
                         hds=self.hds, open_source=self.open_source,
                         open_export_format=self.open_export_format,
                         exit_clause=self.exit_clause)

    @property
    def score(self) -> sov.Score:
        return sov.score(self.facts())


# --- Training -----------------------------------------------------------------------------------

class TrainingTopic(models.TextChoices):
    CYBERSECURITY = "cybersecurity", _("Cybersécurité")
    GDPR = "gdpr", _("RGPD et protection des données")
    RESPONSIBLE_DIGITAL = "responsible_digital", _("Numérique responsable")
    AI = "ai", _("Intelligence artificielle")


class TrainingCampaign(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="training_campaigns")
    title = models.CharField(_("intitulé"), max_length=200)
    topic = models.CharField(_("thème"), max_length=20, choices=TrainingTopic.choices)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    agents_concerned = models.PositiveIntegerField(_("agents concernés"))
    target_share = models.PositiveSmallIntegerField(_("cible (%)"), default=100)
    target_date = models.DateField(_("échéance de la cible"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "title", "id"]

    def __str__(self) -> str:
        return self.title


class TrainingAttendance(models.Model):
    """One agent trained in a campaign: a keyed hash of the identifier (never the identifier:
    the coverage needs distinct agents, not names)."""

    campaign = models.ForeignKey(TrainingCampaign, on_delete=models.CASCADE,
                                 related_name="attendances")
    agent_hash = models.CharField(max_length=64)
    attended_on = models.DateField(null=True, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "agent_hash"],
                                               name="gdpr_one_attendance_per_agent")]


    def __str__(self) -> str:
        return f"{self.campaign_id} {self.attended_on}"
