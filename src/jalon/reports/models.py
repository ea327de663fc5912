"""Citizen reports ("signalements"), their AI triage under human control, and the FAQ
assistant.

A report is filed by anyone (public form, Open311 client): a category chosen by the citizen or
left to the triage, a description, a location (address or coordinates), up to three photos
(re-encoded, without metadata), an optional e-mail. The triage model suggests categories with
confidences (`suggestions`, `model_version`); a person confirms or corrects them, and only then
is the report routed to the category's team — unless the organisation opted in to automatic
routing above a confidence it chose (TriageSettings).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jalon.tenancy.models import Organisation


class ReportStatus(models.TextChoices):
    NEW = "new", _("Nouveau")
    ACKNOWLEDGED = "acknowledged", _("Pris en compte")
    PLANNED = "planned", _("Intervention programmée")
    IN_PROGRESS = "in_progress", _("En cours")
    RESOLVED = "resolved", _("Résolu")
    REJECTED = "rejected", _("Rejeté")
    DUPLICATE = "duplicate", _("Doublon")


CLOSED_STATUSES = frozenset({ReportStatus.RESOLVED, ReportStatus.REJECTED,
                             ReportStatus.DUPLICATE})


class TriageState(models.TextChoices):
    PENDING = "pending", _("Suggestion à valider")
    CONFIRMED = "confirmed", _("Suggestion confirmée")
    CORRECTED = "corrected", _("Suggestion corrigée")
    AUTO = "auto", _("Routé automatiquement")
    MANUAL = "manual", _("Sans suggestion, catégorie choisie par un agent")
    NONE = "none", _("Sans suggestion")


class Source(models.TextChoices):
    WEB = "web", _("Formulaire public")
    OPEN311 = "open311", _("Client Open311")
    AGENT = "agent", _("Saisi par un agent")


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="report_teams")
    name = models.CharField(_("nom"), max_length=120)
    email = models.EmailField(_("adresse de contact"), blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="reports_one_team_name")]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="report_categories")
    code = models.SlugField(_("code"), max_length=40,
                            help_text=_("Identifiant stable (Open311 service_code), par "
                                        "exemple voirie."))
    label = models.CharField(_("libellé"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="categories", verbose_name=_("équipe chargée"))
    active = models.BooleanField(_("proposée au public"), default=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "label", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"],
                                               name="reports_one_category_code")]

    def __str__(self) -> str:
        return self.label


class TriageSettings(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE,
                                        related_name="report_triage_settings")
    auto_route = models.BooleanField(
        _("router automatiquement les suggestions très sûres"), default=False,
        help_text=_("Désactivé par défaut : une personne confirme chaque suggestion avant "
                    "que le signalement soit transmis à une équipe."))
    auto_route_threshold = models.FloatField(
        _("confiance minimale pour le routage automatique"), default=0.9,
        help_text=_("Entre 0,5 et 1. Seule une suggestion dont la confiance atteint ce seuil "
                    "est routée sans validation humaine."))
    # The assistant's trade-off between wrong answers and questions handed to a person, measured
    # at each threshold on 80 held-out questions (benchmarks/eval_faq.py, docs/reports.md).
    faq_threshold = models.FloatField(
        _("confiance minimale de l'assistant pour répondre"), default=0.25,
        help_text=_("Entre 0,1 et 0,9. Plus haut, l'assistant se trompe moins souvent mais "
                    "oriente plus souvent vers une personne. Mesuré sur 80 questions de test : "
                    "à 0,25 il répond à 75 % des questions (19 % de réponses fausses), à 0,35 "
                    "à 48 % (10 %), à 0,40 à 30 % (6 %)."))
    human_contact = models.CharField(
        _("contact humain proposé par l'assistant"), max_length=300, blank=True,
        help_text=_("Par exemple : « Accueil de la mairie, 01 23 45 67 89, du lundi au "
                    "vendredi »."))

    def __str__(self) -> str:
        return f"triage settings of {self.organisation_id}"


class Report(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="citizen_reports")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="reports", verbose_name=_("catégorie"))
    citizen_category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("catégorie choisie par l'usager"))
    description = models.TextField(_("description"), max_length=2000)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    follow_token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(_("statut"), max_length=20, choices=ReportStatus.choices,
                              default=ReportStatus.NEW)
    status_reason = models.TextField(_("motif"), blank=True, max_length=2000)
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="duplicates",
                                     verbose_name=_("doublon de"))
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="reports", verbose_name=_("équipe"))
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # AI triage: the ranked suggestions as made ([{"category": code, "confidence": 0.93}]),
    # the model's version, and what people did with them.
    suggestions = models.JSONField(default=list, blank=True)
    model_version = models.CharField(max_length=60, blank=True)
    triage_state = models.CharField(max_length=12, choices=TriageState.choices,
                                    default=TriageState.NONE)
    triaged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    triaged_at = models.DateTimeField(null=True, blank=True)
    routed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"S-{self.pk or 0:06d}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def top_suggestion(self) -> dict[str, object] | None:
        return self.suggestions[0] if self.suggestions else None


class ReportPhoto(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField(default=0)
    # Re-encoded JPEG: no EXIF, no GPS, no ICC profile, no comment (see services.clean_photo).
    data = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"photo {self.position} of {self.report_id}"


class ReportUpdate(models.Model):
    """One step of a report's history: a status change, an answer to the citizen, a triage."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    status = models.CharField(max_length=20, choices=ReportStatus.choices, blank=True)
    message = models.TextField(blank=True, max_length=4000)
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} @ {self.at:%Y-%m-%d}"


class AnswerTemplate(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="report_answer_templates")
    title = models.CharField(_("titre"), max_length=120)
    body = models.TextField(_("texte"), max_length=2000)
    status = models.CharField(_("pour le statut"), max_length=20,
                              choices=ReportStatus.choices, blank=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class TriageModelRecord(models.Model):
    """A trained triage model of an organisation, its measured quality and its bytes."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="triage_models")
    version = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    algorithm = models.CharField(max_length=80)
    n_examples = models.PositiveIntegerField()
    n_validations = models.PositiveIntegerField(default=0)
    macro_f1 = models.FloatField(null=True)
    top3_accuracy = models.FloatField(null=True)
    n_evaluated = models.PositiveIntegerField(default=0)
    training_seconds = models.FloatField(default=0)
    data = models.BinaryField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "version"],
                                               name="reports_one_model_version")]

    def __str__(self) -> str:
        return self.version


class FaqEntry(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="faq_entries")
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("réponse"), max_length=4000)
    link = models.URLField(_("lien pour en savoir plus"), blank=True)
    published = models.BooleanField(_("publiée"), default=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.question


class FaqExchange(models.Model):
    """A question asked to the FAQ assistant and what it did (kept under the retention rule
    declared with jalon.privacy)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="faq_exchanges")
    asked_at = models.DateTimeField(default=timezone.now, db_index=True)
    question = models.CharField(max_length=500)
    entry = models.ForeignKey(FaqEntry, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="exchanges")
    score = models.FloatField(default=0)
    answered = models.BooleanField(default=False)
    handed_to_human = models.BooleanField(default=False)

    class Meta:
        ordering = ["-asked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.asked_at:%Y-%m-%d} {self.question[:30]}"


class Territory(models.Model):
    """The organisation's outline (checked by jalon.core.territory: polygons of
    [longitude, latitude] rings in WGS84), drawn as the plan of its reports, and the area
    outside which a report's position is refused."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE,
                                        related_name="report_territory")
    name = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    polygons = models.JSONField(default=list)
    n_points = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"territory of {self.organisation_id}"
