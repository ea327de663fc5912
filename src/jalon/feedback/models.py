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


class Theme(models.Model):
    """A theme of comments: a closed tree per organisation (themes, then sub-themes), with
    one "other" bucket for what fits nowhere (as the State's classification plan of "Je donne
    mon avis" comments, with its "Autre / inclassable")."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="feedback_themes")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")
    code = models.SlugField(max_length=60)
    label = models.CharField(_("thème"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    is_other = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"],
                                               name="one_feedback_theme_code_per_organisation")]

    def __str__(self) -> str:
        return self.label

    @property
    def full_label(self) -> str:
        return f"{self.parent.label} › {self.label}" if self.parent_id and self.parent else \
            self.label


class ThemeModel(models.Model):
    """A triage model of comments trained for the organisation (jalon.core.triage), with its
    quality measured on comments kept apart from training."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="feedback_theme_models")
    version = models.CharField(max_length=60)
    algorithm = models.CharField(max_length=80)
    trained_at = models.DateTimeField()
    trained_by = models.CharField(max_length=150, blank=True)
    n_examples = models.PositiveIntegerField()
    n_evaluated = models.PositiveIntegerField(default=0)
    macro_f1 = models.FloatField(null=True)
    top3_accuracy = models.FloatField(null=True)
    data = models.BinaryField()

    class Meta:
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return self.version


class Triage(models.TextChoices):
    SUGGESTED = "suggested", _("Suggestion de l'IA, à vérifier")
    CONFIRMED = "confirmed", _("Suggestion confirmée")
    CORRECTED = "corrected", _("Suggestion corrigée")
    MANUAL = "manual", _("Classé par une personne")


class CommentTheme(models.Model):
    """The theme of one comment: the model's ranked suggestions (with the model version), then
    the theme a person chose. Only a person's choice counts in the figures per theme."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE,
                                    related_name="theme_triage")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="+")
    suggestions = models.JSONField(default=list)  # [{"theme": code, "confidence": 0.83}, …]
    model_version = models.CharField(max_length=60, blank=True)
    suggested_at = models.DateTimeField(null=True)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="comments")
    status = models.CharField(max_length=10, choices=Triage.choices, default=Triage.SUGGESTED)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-response__received_at"]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.status}"
