"""Forms of the strategy pages. Validation only: writes go through services."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from jalon.core.trajectory import Direction, Status, TargetKind
from jalon.strategy.models import (
    Action,
    ActionStatus,
    Axis,
    IndicatorDefinition,
    Objective,
    Strategy,
    ValueKind,
)
from jalon.strategy.status import KIND_LABELS, STATUS_LABELS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


YEAR: dict[str, Any] = {"min_value": 2000, "max_value": 2100}


class PeriodChecked(forms.BaseForm):
    """Forms with a strategy period: it must not end before it starts."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("La fin de la période doit suivre son début."))
        return data


class CreateStrategyForm(PeriodChecked, forms.Form):
    template = forms.ChoiceField(label=_("Modèle"), widget=forms.RadioSelect)
    title = forms.CharField(label=_("Titre"), max_length=300, required=False,
                            help_text=_("Laissez vide pour reprendre le titre du modèle."))
    period_start = forms.IntegerField(label=_("Début de la période (année)"), **YEAR)
    period_end = forms.IntegerField(label=_("Fin de la période (année)"), **YEAR)
    adopted_on = forms.DateField(label=_("Date d'adoption"), required=False, widget=DateInput())
    deliberation = forms.CharField(label=_("Référence de la délibération"), max_length=200,
                                   required=False)

    def __init__(self, *args: Any, templates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["template"]).choices = [
            (t.key, t.title) for t in templates]
        year = timezone.localdate().year
        self.fields["period_start"].initial = year
        self.fields["period_end"].initial = year + 5


class StrategyForm(PeriodChecked, forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time
    class Meta:
        model = Strategy
        fields = ["title", "adopted_on", "deliberation", "period_start", "period_end"]
        widgets = {"adopted_on": DateInput()}


class AxisForm(forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time
    class Meta:
        model = Axis
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ObjectiveForm(forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time
    parent = forms.ModelChoiceField(label=_("Sous-objectif de"), required=False,
                                    queryset=Objective.objects.none(),
                                    empty_label=_("(objectif de l'axe)"))

    class Meta:
        model = Objective
        fields = ["title", "description", "parent"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, axis: Axis, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = Objective.objects.filter(axis=axis)
        if self.instance.pk:
            choices = choices.exclude(pk__in=_self_and_descendants(self.instance))
        parent = cast("forms.ModelChoiceField[Objective]", self.fields["parent"])
        parent.queryset = choices
        # Set on the instance (as Django allows): the choices are labelled by title.
        parent.label_from_instance = lambda o: o.title  # type: ignore[method-assign,assignment]


def _self_and_descendants(objective: Objective) -> set[int]:
    found, frontier = {objective.pk}, [objective.pk]
    while frontier:
        frontier = list(Objective.objects.filter(parent_id__in=frontier)
                        .values_list("pk", flat=True))
        found.update(frontier)
    return found


class ActionForm(forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time
    class Meta:
        model = Action
        fields = ["title", "status", "owner", "start_date", "end_date", "budget_eur"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La fin doit suivre le début."))
        return data


ACTION_STATUS_CHOICES = ActionStatus.choices


class IndicatorForm(forms.Form):
    """Pick a definition available to the organisation, or describe the organisation's own;
    then the typed target (validated per kind). A rate is entered in % per year."""

    definition = forms.ModelChoiceField(
        label=_("Indicateur du catalogue"), required=False,
        queryset=IndicatorDefinition.objects.none(),
        empty_label=_("(créer votre propre indicateur ci-dessous)"))
    name = forms.CharField(label=_("Nom de votre indicateur"), max_length=300, required=False)
    unit = forms.CharField(label=_("Unité"), max_length=50, required=False,
                           help_text=_("Par exemple %, ans, kg, jours, agents."))
    precision = forms.IntegerField(label=_("Décimales"), min_value=0, max_value=4, initial=0,
                                   required=False)
    direction = forms.ChoiceField(label=_("Sens"), initial=Direction.UP, choices=[
        (Direction.UP, _("plus, c'est mieux")), (Direction.DOWN, _("moins, c'est mieux"))])
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    method = forms.CharField(label=_("Méthode de calcul"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label=_("Source"), max_length=300, required=False)
    objective = forms.ModelChoiceField(label=_("Objectif suivi"), required=False,
                                       queryset=Objective.objects.none(),
                                       empty_label=_("(aucun objectif précis)"))
    target_defined = forms.BooleanField(label=_("La cible est fixée"), required=False,
                                        initial=True)
    target_kind = forms.ChoiceField(label=_("Type de cible"), initial=TargetKind.LEVEL,
                                    choices=[(k.value, KIND_LABELS[k]) for k in TargetKind])
    target_value = forms.FloatField(
        label=_("Valeur cible"), required=False,
        help_text=_("Niveau, plancher, plafond ou durée dans l'unité de l'indicateur ; pour "
                    "une évolution annuelle, le pourcentage par an (10 pour +10 %/an)."))
    target_date = forms.DateField(label=_("Échéance (ou « à partir du » pour un plancher)"),
                                  required=False, widget=DateInput())
    baseline_date = forms.DateField(label=_("Date de référence"), required=False,
                                    widget=DateInput())
    baseline_value = forms.FloatField(label=_("Valeur de référence"), required=False)

    def __init__(self, *args: Any, definitions: Any, objectives: Any,
                 editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        cast("forms.ModelChoiceField[IndicatorDefinition]",
             self.fields["definition"]).queryset = definitions
        objective = cast("forms.ModelChoiceField[Objective]", self.fields["objective"])
        objective.queryset = objectives
        # Set on the instance (as Django allows): the choices are labelled by title.
        objective.label_from_instance = lambda o: o.title  # type: ignore[method-assign,assignment]
        if editing:
            for name in ("definition", "name", "unit", "precision", "direction", "description",
                         "method", "source"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.editing and not data.get("definition"):
            if not data.get("name"):
                self.add_error("name", _("Choisissez un indicateur du catalogue ou nommez le "
                                         "vôtre."))
            if not data.get("unit"):
                self.add_error("unit", _("Indiquez l'unité de votre indicateur."))
        if not data.get("target_defined"):
            return data
        kind = data.get("target_kind")
        value = data.get("target_value")
        unit = (data["definition"].unit if data.get("definition") else data.get("unit")) or ""
        if value is None:
            self.add_error("target_value", _("Indiquez la valeur cible."))
            return data
        if kind == TargetKind.RATE:
            if not -100 < value <= 1000:
                # Translators: not a format string ("%" is the percent sign).
                # xgettext:no-python-format
                self.add_error("target_value", _("Une évolution annuelle entre −100 % et "
                                                 "+1000 % est attendue."))
            data["target_value"] = value / 100
        elif kind == TargetKind.MAX_DURATION:
            if value <= 0:
                self.add_error("target_value", _("Une durée maximale positive est attendue."))
        elif unit.strip() == "%" and not 0 <= value <= 100:
            self.add_error("target_value", _("Un pourcentage entre 0 et 100 est attendu."))
        base_date, base_value = data.get("baseline_date"), data.get("baseline_value")
        if (base_date is None) != (base_value is None):
            self.add_error("baseline_value", _("Indiquez la date et la valeur de référence, ou "
                                               "aucune des deux."))
        target_date = data.get("target_date")
        if base_date and target_date and base_date >= target_date:
            self.add_error("baseline_date", _("La date de référence doit précéder l'échéance."))
        if kind == TargetKind.RATE and base_value is not None and base_value <= 0:
            self.add_error("baseline_value", _("Une évolution annuelle part d'une valeur de "
                                               "référence positive."))
        return data

    def definition_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"key": slugify(data["name"])[:90] or "indicateur", "name": data["name"],
                "unit": data["unit"], "precision": data.get("precision") or 0,
                "direction": data["direction"], "description": data.get("description", ""),
                "method": data.get("method", ""), "source": data.get("source", "")}

    def indicator_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        defined = bool(data.get("target_defined"))
        return {"objective": data.get("objective"), "target_defined": defined,
                "target_kind": data["target_kind"] if defined else TargetKind.LEVEL,
                "target_value": data["target_value"] if defined else 0.0,
                "target_date": data.get("target_date") if defined else None,
                "baseline_date": data.get("baseline_date"),
                "baseline_value": data.get("baseline_value")}


def indicator_initial(indicator: Any) -> dict[str, Any]:
    value = indicator.target_value
    if indicator.target_kind == TargetKind.RATE:
        value = round(value * 100, 6)
    return {"objective": indicator.objective, "target_defined": indicator.target_defined,
            "target_kind": indicator.target_kind,
            "target_value": value if indicator.target_defined else None,
            "target_date": indicator.target_date, "baseline_date": indicator.baseline_date,
            "baseline_value": indicator.baseline_value}


class ValueForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    value = forms.FloatField(label=_("Valeur"))
    kind = forms.ChoiceField(label=_("Nature"), choices=ValueKind.choices,
                             initial=ValueKind.RESULT)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)
    comment = forms.CharField(label=_("Commentaire"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def clean_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["date"]
        if value.year < 1990 or value.year > 2100:
            raise forms.ValidationError(_("Une date entre 1990 et 2100 est attendue."))
        return value


SORTS = {"name": _("Nom (A → Z)"), "-name": _("Nom (Z → A)"),
         "status": _("État (à traiter d'abord)"),
         "-date": _("Dernière valeur (récentes d'abord)"),
         "date": _("Dernière valeur (anciennes d'abord)")}


class IndicatorFilterForm(forms.Form):
    axis = forms.TypedChoiceField(label=_("Axe"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("État"), required=False, choices=[
        ("", _("Tous"))] + [(s.value, STATUS_LABELS[s]) for s in Status])
    kind = forms.ChoiceField(label=_("Type de cible"), required=False, choices=[
        ("", _("Tous"))] + [(k.value, KIND_LABELS[k]) for k in TargetKind])
    origin = forms.ChoiceField(label=_("Origine"), required=False, choices=[
        ("", _("Toutes")), ("computed", _("Calculé depuis l'inventaire")),
        ("manual", _("Saisi"))])
    sort = forms.ChoiceField(label=_("Trier par"), required=False, choices=list(SORTS.items()))

    def __init__(self, *args: Any, axes: list[Axis], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["axis"]).choices = [("", _("Tous"))] + [
            (a.pk, a.title[:60]) for a in axes]

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"sort": "name"}
        data = dict(self.cleaned_data)
        data["sort"] = data.get("sort") or "name"
        return data


class RecomputeYearForm(forms.Form):
    """Recompute a closed year's computed value: which year, and why (recorded, audited)."""

    year = forms.TypedChoiceField(label=_("Année close"), coerce=int)
    reason = forms.CharField(label=_("Motif du recalcul"), max_length=500,
                             widget=forms.TextInput,
                             help_text=_("Enregistré avec la valeur remplacée et dans le "
                                         "journal : par exemple « erreur de l'import du "
                                         "12/01 corrigée »."))

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["year"]).choices = [(y, y) for y in years]


class CloseYearForm(forms.Form):
    """Close a year: the date its review was presented (optional)."""

    presented_on = forms.DateField(label=_("Présenté le"), required=False, widget=DateInput())


class ReopenYearForm(forms.Form):
    reason = forms.CharField(label=_("Motif de la réouverture"), max_length=500,
                             widget=forms.TextInput)
