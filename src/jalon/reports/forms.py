"""Forms of the reports domain (public report form, back office)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jalon.kit.forms import Accessible, with_blank
from jalon.reports.models import (
    AnswerTemplate,
    Category,
    FaqEntry,
    Report,
    ReportStatus,
    Team,
    TriageSettings,
    TriageState,
)
from jalon.tenancy.models import Organisation


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to three photos in one input (<input type=file multiple>), checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,"
                                                                       "image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, (list, tuple)):
            return [super(MultiplePhotoField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ReportForm(Accessible, forms.Form):
    category = forms.ChoiceField(
        label=_("Catégorie"), required=False,
        help_text=_("Si vous ne savez pas, laissez « Je ne sais pas » : une suggestion "
                    "automatique sera faite, puis vérifiée par un agent."))
    description = forms.CharField(
        label=_("Description du problème"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce que vous avez constaté, depuis quand. N'indiquez pas d'informations "
                    "personnelles sur d'autres personnes."))
    address = forms.CharField(
        label=_("Adresse ou lieu"), max_length=300, required=False,
        help_text=_("Par exemple : 12 rue des Lilas, ou « devant l'école Jules Ferry »."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    latitude = forms.CharField(
        label=_("Latitude"), max_length=20, required=False,
        help_text=_("Facultatif si vous avez donné une adresse. En degrés décimaux, par "
                    "exemple 48,8566."), widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    longitude = forms.CharField(
        label=_("Longitude"), max_length=20, required=False,
        help_text=_("Par exemple 2,3522."), widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    photos = MultiplePhotoField(
        label=_("Photos (trois au plus)"), required=False,
        help_text=_("JPEG, PNG ou WebP, 8 Mo au plus chacune. Elles sont réenregistrées sans "
                    "leurs métadonnées (position GPS, appareil, date)."))
    email = forms.EmailField(
        label=_("Votre adresse électronique"), required=False,
        help_text=_("Pour recevoir le lien de suivi. Elle n'est ni publiée ni transmise."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(c.code, c.label) for c in Category.objects.filter(
            organisation=organisation, active=True)]
        self.fields["category"].choices = [("", _("Je ne sais pas")), *choices]  # type: ignore[attr-defined]


class ReportFilterForm(Accessible, forms.Form):
    status = forms.ChoiceField(label=_("Statut"), required=False)
    category = forms.ChoiceField(label=_("Catégorie"), required=False)
    team = forms.TypedChoiceField(label=_("Équipe"), required=False, coerce=int,
                                  empty_value=None)
    triage = forms.ChoiceField(label=_("Tri"), required=False,
                               choices=with_blank(TriageState.choices, _("Tous")))
    q = forms.CharField(label=_("Texte"), required=False, max_length=200)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("Tous")), ("open", _("Ouverts (non clos)")), *ReportStatus.choices]
        self.fields["category"].choices = with_blank(  # type: ignore[attr-defined]
            [(c.code, c.label) for c in Category.objects.filter(organisation=organisation)],
            _("Toutes"))
        self.fields["team"].choices = with_blank(  # type: ignore[attr-defined]
            [(str(t.pk), t.name) for t in Team.objects.filter(organisation=organisation)],
            _("Toutes"))

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class TriageForm(Accessible, forms.Form):
    category = forms.ModelChoiceField(label=_("Catégorie"), queryset=Category.objects.none(),
                                      empty_label=None)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation)


class StatusForm(Accessible, forms.Form):
    status = forms.ChoiceField(label=_("Nouveau statut"), choices=ReportStatus.choices)
    template = forms.ModelChoiceField(
        label=_("Modèle de réponse"), queryset=AnswerTemplate.objects.none(), required=False,
        empty_label=_("Aucun"),
        help_text=_("Si le message est vide, le texte du modèle choisi est envoyé."))
    message = forms.CharField(label=_("Message à l'usager"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Visible sur la page de suivi du signalement."))
    reason = forms.CharField(label=_("Motif du rejet"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Obligatoire pour un rejet ; montré à l'usager."))
    duplicate_of = forms.ModelChoiceField(
        label=_("Doublon de"), queryset=Report.objects.none(), required=False,
        help_text=_("Obligatoire pour un doublon."))

    def __init__(self, *args: Any, organisation: Organisation, report: Report,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = AnswerTemplate.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation)
        duplicate = self.fields["duplicate_of"]
        # The reports of the year before this one (a select of a few hundred options at most).
        duplicate.queryset = Report.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation,
            received_at__gte=report.received_at - dt.timedelta(days=365),
        ).exclude(pk=report.pk).exclude(status=ReportStatus.DUPLICATE).order_by("-received_at")
        duplicate.label_from_instance = (  # type: ignore[attr-defined]
            lambda r: f"{r.reference} — {r.description[:60]}")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("message") or "").strip() and data.get("template") is not None:
            data["message"] = data["template"].body
        return data


class AssignForm(Accessible, forms.Form):
    team = forms.ModelChoiceField(label=_("Équipe"), queryset=Team.objects.none(),
                                  required=False, empty_label=_("Aucune"))

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation)


class CategoryForm(Accessible, forms.ModelForm[Category]):
    class Meta:
        model = Category
        fields = ["code", "label", "description", "team", "active", "position"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation)
        if self.instance.pk:
            # The code is the Open311 service_code clients keep, and the model's label.
            self.fields["code"].disabled = True

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in self.changed_data
                or not self.instance.pk}

    def _post_clean(self) -> None:  # validation belongs to the service
        pass


class TeamForm(Accessible, forms.ModelForm[Team]):
    class Meta:
        model = Team
        fields = ["name", "email"]

    def _post_clean(self) -> None:
        pass


class AnswerTemplateForm(Accessible, forms.ModelForm[AnswerTemplate]):
    class Meta:
        model = AnswerTemplate
        fields = ["title", "status", "body"]

    def _post_clean(self) -> None:
        pass


class FaqEntryForm(Accessible, forms.ModelForm[FaqEntry]):
    link = forms.URLField(label=_("Lien pour en savoir plus"), required=False,
                          assume_scheme="https")

    class Meta:
        model = FaqEntry
        fields = ["question", "answer", "link", "published", "position"]

    def _post_clean(self) -> None:
        pass


class TriageSettingsForm(Accessible, forms.ModelForm[TriageSettings]):
    class Meta:
        model = TriageSettings
        fields = ["auto_route", "auto_route_threshold", "faq_threshold", "human_contact"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left empty: the measured default (services.ANSWER_SCORE).
        self.fields["faq_threshold"].required = False

    def _post_clean(self) -> None:
        pass


class FaqQuestionForm(Accessible, forms.Form):
    question = forms.CharField(label=_("Votre question"), max_length=500, min_length=3)


class TerritoryForm(Accessible, forms.Form):
    outline = forms.FileField(
        label=_("Contour du territoire (GeoJSON)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json,"
                                                         "application/json"}),
        help_text=_("Un Polygon ou un MultiPolygon en WGS84 (longitude, latitude en degrés "
                    "décimaux), ou une Feature / FeatureCollection qui en contient ; 5 Mo et "
                    "200 000 points au plus. Par exemple le contour de votre commune ou de "
                    "votre EPCI tiré d'Admin Express (IGN), exporté en GeoJSON EPSG:4326."))
