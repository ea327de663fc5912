"""Forms of the audits pages (French labels, accessible error descriptions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jalon.audits.models import GridStatus, PageKind
from jalon.catalogue.models import DigitalService
from jalon.core.audits_referentials import RgaaCriterion, RgesnCriterion
from jalon.kit.forms import Accessible


class SampleForm(Accessible, forms.Form):
    """The pages to audit of one service: one (kind, address) pair per row."""

    def __init__(self, *args: Any, rows: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        count = max(len(rows) + 3, 10)
        kinds = list(PageKind.values)
        for i in range(count):
            kind, url = rows[i] if i < len(rows) else (kinds[i] if i < len(kinds) else
                                                       PageKind.OTHER, "")
            self.fields[f"kind_{i}"] = forms.ChoiceField(
                label=_("Type de la page %(n)d") % {"n": i + 1}, choices=PageKind.choices,
                initial=kind, required=False)
            self.fields[f"url_{i}"] = forms.CharField(
                label=_("Adresse de la page %(n)d") % {"n": i + 1}, required=False,
                max_length=500, initial=url)
        self.count = count

    def rows(self) -> list[tuple[str, str]]:
        return [(self.cleaned_data[f"kind_{i}"] or PageKind.OTHER, self.cleaned_data[f"url_{i}"])
                for i in range(self.count)]

    def pairs(self) -> list[tuple[Any, Any]]:
        return [(self[f"kind_{i}"], self[f"url_{i}"]) for i in range(self.count)]


class CampaignForm(Accessible, forms.Form):
    name = forms.CharField(label=_("Nom de la campagne"), max_length=200, required=False)
    services = forms.ModelMultipleChoiceField(
        label=_("Services à auditer"), queryset=DigitalService.objects.none(),
        widget=forms.CheckboxSelectMultiple)
    runs = forms.IntegerField(label=_("Chargements par page"), min_value=1, max_value=10,
                              initial=3, help_text=_(
                                  "L'EcoIndex retenu est la médiane des chargements ; l'écart "
                                  "entre eux est affiché."))
    scheduled_for = forms.DateTimeField(
        label=_("Programmer pour (facultatif)"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                   format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        help_text=_("Laisser vide pour lancer la campagne tout de suite."))
    repeat_days = forms.IntegerField(
        label=_("Répéter tous les (jours, facultatif)"), required=False, min_value=1,
        max_value=366, help_text=_("Par exemple 90 pour une campagne par trimestre."))

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services_field: Any = self.fields["services"]
        services_field.queryset = services


class RgaaGridCreateForm(Accessible, forms.Form):
    size = forms.TypedChoiceField(label=_("Taille de l'audit"), coerce=int, initial=25,
                                  choices=[(25, _("Rapide (25 critères)")),
                                           (50, _("Complémentaire (50 critères)")),
                                           (106, _("Complet (106 critères)"))])
    auditor = forms.CharField(label=_("Réalisé par"), max_length=200, required=False,
                              help_text=_("Audit interne ou nom de la société."))


STATUS_CHOICES = [(GridStatus.UNTESTED.value, _("Non évalué")),
                  (GridStatus.COMPLIANT.value, _("Conforme")),
                  (GridStatus.NOT_COMPLIANT.value, _("Non conforme")),
                  (GridStatus.NOT_APPLICABLE.value, _("Non applicable"))]


class RgaaEntriesForm(forms.Form):
    """The criteria of one theme, for one page of the sample (or the whole sample)."""

    def __init__(self, *args: Any, criteria: list[RgaaCriterion],
                 initial_values: dict[str, tuple[str, str, bool]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            status, note, derogation = initial_values.get(c.number, ("", "", False))
            self.fields[f"status_{c.number}"] = forms.ChoiceField(
                label=_("Critère %(n)s") % {"n": c.number}, choices=STATUS_CHOICES,
                required=False, initial=status)
            self.fields[f"note_{c.number}"] = forms.CharField(
                label=_("Remarque sur le critère %(n)s") % {"n": c.number}, required=False,
                max_length=2000, initial=note)
            self.fields[f"derogation_{c.number}"] = forms.BooleanField(
                label=_("Dérogation pour charge disproportionnée (critère %(n)s)")
                % {"n": c.number}, required=False, initial=derogation)

    def values(self) -> dict[str, tuple[str, str, bool]]:
        return {c.number: (self.cleaned_data[f"status_{c.number}"] or "",
                           self.cleaned_data[f"note_{c.number}"] or "",
                           bool(self.cleaned_data[f"derogation_{c.number}"]))
                for c in self.criteria}


class RgesnEntriesForm(forms.Form):
    def __init__(self, *args: Any, criteria: list[RgesnCriterion],
                 initial_values: dict[str, tuple[str, str]], referent: str, objective: str,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.fields["referent"] = forms.CharField(
            label=_("Référent écoconception (critère 1.3)"), required=False, max_length=200,
            initial=referent)
        self.fields["objective"] = forms.CharField(
            label=_("Objectif de score à deux ans"), required=False, max_length=500,
            initial=objective)
        for c in criteria:
            status, justification = initial_values.get(c.number, ("", ""))
            self.fields[f"status_{c.number}"] = forms.ChoiceField(
                label=_("Critère %(n)s") % {"n": c.number}, choices=STATUS_CHOICES,
                required=False, initial=status)
            self.fields[f"justification_{c.number}"] = forms.CharField(
                label=_("Justification ou remarque (critère %(n)s)") % {"n": c.number},
                required=False, max_length=2000, initial=justification)

    def values(self) -> dict[str, tuple[str, str]]:
        return {c.number: (self.cleaned_data[f"status_{c.number}"] or "",
                           self.cleaned_data[f"justification_{c.number}"] or "")
                for c in self.criteria}


class RgaaDeclarationForm(Accessible, forms.Form):
    contact = forms.CharField(label=_("Contact pour signaler un défaut"), max_length=300,
                              help_text=_("Adresse électronique ou adresse d'un formulaire."))
    technologies = forms.CharField(label=_("Technologies utilisées"), max_length=300,
                                   initial="HTML, CSS, JavaScript")
    assistive = forms.CharField(
        label=_("Technologies d'assistance utilisées pour les tests"), max_length=300,
        required=False, help_text=_("Par exemple NVDA 2024.4 avec Firefox."))
    derogations = forms.CharField(label=_("Dérogations pour charge disproportionnée"),
                                  required=False, max_length=3000, widget=forms.Textarea(
                                      attrs={"rows": 3}))
    out_of_scope = forms.CharField(label=_("Contenus non soumis à l'obligation"),
                                   required=False, max_length=3000,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    schema_url = forms.URLField(label=_("Adresse du schéma pluriannuel"), required=False,
                                assume_scheme="https",
                                max_length=500)


class RgesnDeclarationForm(Accessible, forms.Form):
    plan = forms.CharField(label=_("Plan d'action"), required=False, max_length=3000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    review_frequency = forms.CharField(label=_("Fréquence des revues"), required=False,
                                       max_length=200)


class SubstantialChangeForm(Accessible, forms.Form):
    day = forms.DateField(label=_("Date de la modification substantielle"),
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
