"""Users' feedback on the organisation's digital services: one form per service of the
catalogue (its questions versioned), the responses received through the public answer page.

A response keeps every answer (JSON, keyed by question code, as its form version asked) and,
for the five indicator questions of the standard questionnaire, a typed copy that the indicators
are computed from in the database (jalon.core.feedback_indicators).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jalon.catalogue.models import DigitalService
from jalon.tenancy.models import Organisation


class FeedbackForm(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="feedback_forms")
    service = models.OneToOneField(DigitalService, on_delete=models.CASCADE,
                                   related_name="feedback_form")
    active = models.BooleanField(_("formulaire ouvert"), default=True)
    intro = models.TextField(_("texte d'introduction"), blank=True, max_length=1000)
    button_placed_on = models.DateField(
        _("bouton placé sur le service le"), null=True, blank=True,
        help_text=_("Date à laquelle le bouton « Je donne mon avis » a été mis en ligne sur "
                    "le service ; vide s'il ne l'est pas encore."))
    button_location = models.CharField(_("page où le bouton est placé"), max_length=500,
                                       blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service__name", "id"]

    def __str__(self) -> str:
        return f"Avis — {self.service}"

    @property
    def has_button(self) -> bool:
        return self.active and self.button_placed_on is not None


class FormVersion(models.Model):
    form = models.ForeignKey(FeedbackForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    questions = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["form", "-number"]
        constraints = [models.UniqueConstraint(fields=["form", "number"],
                                               name="one_feedback_version_number_per_form")]

    def __str__(self) -> str:
        return f"{self.form} v{self.number}"


class Source(models.TextChoices):
    BUTTON = "button", _("Bouton")
    LINK = "link", _("Lien")
    WIDGET = "widget", _("Module")
    DIRECT = "direct", _("Accès direct")


class Response(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="feedback_responses")
    form = models.ForeignKey(FeedbackForm, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="responses")
    received_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.DIRECT)
    language = models.CharField(max_length=8, default="fr")
    answers = models.JSONField(default=dict)
    comment = models.TextField(blank=True)
    # The indicator questions, typed (None: not answered or not asked by this version).
    satisfaction = models.PositiveSmallIntegerField(null=True)
    comprehension = models.PositiveSmallIntegerField(null=True)
    no_help = models.BooleanField(null=True)
    reached = models.BooleanField(null=True)
    help_quality = models.PositiveSmallIntegerField(null=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["organisation", "received_at"]),
                   models.Index(fields=["form", "received_at"])]

    def __str__(self) -> str:
        return f"{self.form} — {self.received_at:%Y-%m-%d %H:%M}"
