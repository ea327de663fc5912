"""Forms of the budget pages. Validation only: writes go through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jalon.budget import services
from jalon.budget.models import Kind, RatingValue, Section
from jalon.core import budget as core
from jalon.kit.forms import Accessible, with_blank


class ImportForm(Accessible, forms.Form):
    year = forms.IntegerField(
        label=_("Exercice"), min_value=services.MIN_YEAR, max_value=services.MAX_YEAR,
        help_text=_("L'année des dépenses du fichier ; ses lignes remplaceront celles déjà "
                    "importées pour cette année."))
    file = forms.FileField(
        label=_("Export du logiciel financier"),
        help_text=_("CSV (points-virgules ou virgules, UTF-8 ou tel qu'Excel l'enregistre) ou "
                    "classeur XLSX ; une ligne d'en-têtes puis une ligne par dépense. 5 Mo au "
                    "plus."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Format non accepté : déposez un fichier .csv ou "
                                          ".xlsx."), code="suffix")
        if upload.size > services.MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse la taille maximale de %(limit)s Mo."),
                params={"limit": services.MAX_IMPORT_BYTES // (1024 * 1024)}, code="too_large")
        return upload


def field_choices() -> list[tuple[str, str]]:
    return [("", str(_("— ignorer cette colonne —"))),
            *[(name, core.FIELD_LABELS[name]) for name in core.FIELDS]]


class MappingForm(Accessible, forms.Form):
    """One choice per column of the file: the field it goes into, or ignored."""

    def __init__(self, *args: Any, mapping: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = list(mapping)
        for index, header in enumerate(self.headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("(colonne sans en-tête)"), required=False,
                choices=field_choices(), initial=mapping[header])

    def columns(self) -> dict[str, str]:
        return {header: self.cleaned_data.get(f"col_{i}") or ""
                for i, header in enumerate(self.headers)}


class LineFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200,
                        help_text=_("Libellé, fournisseur, début du compte, référence"),
                        widget=forms.TextInput(attrs={"type": "search"}))
    year = forms.TypedChoiceField(label=_("Exercice"), required=False, coerce=int,
                                  empty_value=None)
    kind = forms.ChoiceField(label=_("Nature"), required=False,
                             choices=with_blank(Kind.choices, _("Toutes")))
    section = forms.ChoiceField(label=_("Section"), required=False,
                                choices=with_blank(Section.choices, _("Toutes")))
    annex = forms.ChoiceField(label=_("Annexe légale"), required=False, choices=[
        ("", _("Toutes les lignes")), ("yes", _("Dans l'annexe")),
        ("no", _("Hors annexe"))])

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Tous")), *[(str(y), str(y)) for y in years]]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: self.cleaned_data.get(name) or ("" if name != "year" else None)
                for name in self.fields}


class KindForm(Accessible, forms.Form):
    kind = forms.ChoiceField(
        label=_("Nature de la dépense"), required=False,
        choices=[("", _("— selon les règles —")), *Kind.choices],
        help_text=_("Choisie à la main, elle est gardée quand les règles changent ; « selon "
                    "les règles » revient au classement automatique."))


class RatingForm(Accessible, forms.Form):
    rating = forms.ChoiceField(label=_("Cotation"), choices=RatingValue.choices)
    reason = forms.CharField(
        label=_("Motif"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Pourquoi cette cotation plutôt que celle par défaut ; conservé dans le "
                    "journal."))


class RuleForm(Accessible, forms.Form):
    match = forms.ChoiceField(label=_("Critère"), choices=[
        ("label", _("Le libellé contient")), ("account", _("Le compte commence par"))])
    pattern = forms.CharField(
        label=_("Motif"), max_length=200,
        help_text=_("Des mots du libellé séparés par « | » (sans accents ni majuscules requis), "
                    "ou le début d'un numéro de compte."))
    kind = forms.ChoiceField(label=_("Nature"), choices=Kind.choices)
