"""GET forms of the footprint and scenario pages: every input validated, errors in French."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jalon.core.scenario import ScenarioParams
from jalon.kit.forms import Accessible
from jalon.kit.labels import category_label, mix_label

FIRST_YEAR = 2015
METHOD_LABELS: Final = {
    "stock": _("Stock : fabrication amortie sur la durée de vie"),
    "flux": _("Flux : achats de l'année"),
}


def current_year() -> int:
    return timezone.localdate().year


def year_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=FIRST_YEAR, max_value=current_year() + 1,
                              initial=current_year)


class FootprintForm(forms.Form):
    year = forms.IntegerField(label=_("Année"))
    method = forms.ChoiceField(label=_("Méthode"), choices=list(METHOD_LABELS.items()),
                               initial="stock")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"] = year_field(_("Année"))

    @classmethod
    def from_query(cls, query: Any) -> FootprintForm:
        """Bound to the query string, missing values taken from the defaults."""
        data = {"year": query.get("year") or current_year(),
                "method": query.get("method") or "stock"}
        return cls(data)


class ScenarioForm(forms.Form):
    """Fields per category present: lifespan (years), refurbished share, reduction (%)."""

    start_year = forms.IntegerField(label=_("Année de départ"))
    mix = forms.ChoiceField(label=_("Mix électrique"), required=False)

    def __init__(self, *args: Any, categories: Iterable[str] = (),
                 countries: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_year"] = year_field(_("Année de départ"))
        # Mixes by their French name ('Belgique', not 'BEL'), in alphabetical order.
        mixes = sorted(((c, mix_label(c)) for c in countries), key=lambda pair: pair[1])
        cast(forms.ChoiceField, self.fields["mix"]).choices = [
            ("", _("Celui de l'inventaire (inchangé)")), *mixes]
        self.categories = list(categories)
        for category in self.categories:
            name = category_label(category)
            # In the table-shaped form, each input is named by its row and column headers.
            named = {p: {"aria-labelledby": f"cat-{category} col-{p}"}
                     for p in ("lifespan", "refurbished", "reduce")}
            self.fields[f"lifespan_{category}"] = forms.FloatField(
                label=_("Durée de vie, %(c)s (ans)") % {"c": name}, required=False,
                min_value=1, max_value=20,
                widget=forms.NumberInput(attrs=named["lifespan"]))
            self.fields[f"refurbished_{category}"] = forms.FloatField(
                label=_("Part d'achats reconditionnés, %(c)s (%%)") % {"c": name},
                required=False, min_value=0, max_value=100,
                widget=forms.NumberInput(attrs=named["refurbished"]))
            self.fields[f"reduce_{category}"] = forms.FloatField(
                label=_("Réduction du parc, %(c)s (%%)") % {"c": name}, required=False,
                min_value=0, max_value=100, widget=forms.NumberInput(attrs=named["reduce"]))

    def rows(self) -> list[dict[str, Any]]:
        """Bound fields per category, for a table-shaped form."""
        return [{"key": c, "label": category_label(c),
                 "fields": [self[f"{p}_{c}"] for p in ("lifespan", "refurbished", "reduce")]}
                for c in self.categories]

    def params(self) -> ScenarioParams:
        data = self.cleaned_data

        def picked(prefix: str, scale: float) -> dict[str, float]:
            return {c: float(data[f"{prefix}_{c}"]) / scale for c in self.categories
                    if data.get(f"{prefix}_{c}") is not None}

        return ScenarioParams(lifespans=picked("lifespan", 1), refurbished=picked(
            "refurbished", 100), reduction=picked("reduce", 100), country=data["mix"] or None)

    def changes_anything(self) -> bool:
        p = self.params()
        return bool(p.lifespans or p.refurbished or p.reduction or p.country)


class HypothesisForm(Accessible, forms.Form):
    """An organisation's value for one hypothesis of one category (footprint.hypotheses)."""

    category = forms.CharField(widget=forms.HiddenInput)
    key = forms.ChoiceField(widget=forms.HiddenInput,
                            choices=[(k, k) for k in ("lifespan_years", "annual_kwh", "pue")])
    value = forms.FloatField(label=_("Valeur de l'organisation"))
    reason = forms.CharField(label=_("Pourquoi (source, mesure, contrat)"), max_length=500,
                             widget=forms.TextInput)


def scenario_query(start_year: int, parameters: dict[str, Any]) -> dict[str, str]:
    """The scenario page's query string for saved parameters (ScenarioForm's field names, in
    the units people enter: years and percentages)."""
    query = {"start_year": str(start_year), "mix": parameters.get("mix") or ""}
    for prefix, key, scale in (("lifespan", "lifespans", 1), ("refurbished", "refurbished", 100),
                               ("reduce", "reduction", 100)):
        for category, value in (parameters.get(key) or {}).items():
            query[f"{prefix}_{category}"] = f"{float(value) * scale:g}"
    return query


class SavedScenarioForm(Accessible, forms.Form):
    """The name, description and linked action of a saved scenario."""

    name = forms.CharField(label=_("Nom du scénario"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    action = forms.TypedChoiceField(label=_("Action de la stratégie qu'il éclaire"),
                                    required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, actions: Iterable[tuple[int, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["action"]).choices = [
            ("", _("Aucune")), *actions]


class CompareForm(forms.Form):
    """Two or three saved scenarios to compare."""

    ids = forms.TypedMultipleChoiceField(label=_("Scénarios à comparer"), coerce=int)

    def __init__(self, *args: Any, scenarios: Iterable[tuple[int, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["ids"]).choices = list(scenarios)

    def clean_ids(self) -> list[int]:
        ids: list[int] = self.cleaned_data["ids"]
        if not 2 <= len(ids) <= 3:
            raise forms.ValidationError(_("Choisissez deux ou trois scénarios à comparer."))
        return ids
