"""Forms of the register's pages. Validation only (with the services' rules): writes go
through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jalon.algorithms import ai_act_questions as q
from jalon.algorithms import services
from jalon.algorithms.models import (
    AlgorithmicSystem,
    Automation,
    Category,
    ContestStatus,
    CostEstimate,
    CostKind,
    Decision,
    Stage,
)
from jalon.catalogue.models import DigitalService
from jalon.kit.forms import Accessible, with_blank
from jalon.tenancy.models import Organisation

YES_NO = (("yes", _("Oui")), ("no", _("Non")))
MAX_UPLOAD_MB = services.MAX_BIAS_BYTES // (1024 * 1024)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class SystemForm(Accessible, forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time
    services = forms.ModelMultipleChoiceField(
        label=_("Services du catalogue qui l'utilisent"), required=False,
        queryset=DigitalService.objects.none(), widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = AlgorithmicSystem
        fields = [*services.EDITABLE]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in (
            "purpose", "decision", "data_used", "data_sources", "oversight_checks", "override",
            "contest")} | {name: DateInput() for name in (
                "idea_on", "evaluation_on", "pilot_on", "in_service_on", "retired_on")}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services_field = self.fields["services"]
        assert isinstance(services_field, forms.ModelMultipleChoiceField)  # noqa: S101
        services_field.queryset = DigitalService.objects.filter(organisation=organisation)
        if self.instance.pk:
            self.initial["services"] = list(self.instance.services.values_list("pk", flat=True))
        self.order_fields(["name", "purpose", "decision", "automation", "services"])

    def _post_clean(self) -> None:
        try:
            cleaned = services.clean_values(
                {k: v for k, v in self.cleaned_data.items() if k in services.EDITABLE},
                current=self.instance if self.instance.pk else None)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.cleaned_data.update(cleaned)

    def values(self) -> dict[str, Any]:
        out = {name: self.cleaned_data[name] for name in services.EDITABLE}
        out["services"] = [s.pk for s in self.cleaned_data.get("services") or []]
        return out


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}))
    stage = forms.ChoiceField(label=_("Étape"), required=False,
                              choices=with_blank(Stage.choices, _("Toutes")))
    category = forms.ChoiceField(label=_("Classification"), required=False,
                                 choices=with_blank(Category.choices, _("Toutes")))
    automation = forms.ChoiceField(label=_("Automatisation"), required=False,
                                   choices=with_blank(Automation.choices, _("Tous")))

    def filters(self) -> dict[str, str]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


class AnswersForm(Accessible, forms.Form):
    """Yes/no questions (radio buttons) or texts, one field per key; `sections` gives the
    template its fieldsets."""

    def __init__(self, *args: Any, sections: Any, texts: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = []
        for section in sections:
            key, title, reference, intro, items = section
            for name, label in items:
                if texts:
                    self.fields[name] = forms.CharField(
                        label=label, required=False, max_length=4000,
                        widget=forms.Textarea(attrs={"rows": 2, "cols": 30}))
                else:
                    self.fields[name] = forms.ChoiceField(
                        label=label, required=False, choices=YES_NO, widget=forms.RadioSelect)
            self.sections.append({"key": key, "title": title, "reference": reference,
                                  "intro": intro,
                                  "fields": [self[name] for name, _label in items]})

    def answers(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


def obligations_sections() -> tuple[Any, ...]:
    return (("art26", _("Obligations du déployeur"), "art. 26",
             _("Cochez « Oui » pour chaque obligation en place."), q.ART26_ITEMS),)


def assessment_sections() -> tuple[Any, ...]:
    return (("art27", _("Analyse d'impact sur les droits fondamentaux"), "art. 27(1)",
             _("À réaliser avant la première utilisation par un organisme public."),
             q.FRIA_ITEMS),
            ("annex8c", _("Résumé pour l'enregistrement"), "art. 49(3), annexe VIII section C",
             _("Les informations qu'un déployeur public enregistre dans la base de l'UE."),
             q.REGISTRATION_ITEMS))


BENEFIT_ROWS = 3
DIRECTIONS = (("up", _("au moins")), ("down", _("au plus")))


class EvaluationForm(Accessible, forms.Form):
    need = forms.CharField(label=_("Besoin"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Le problème à résoudre, pour qui, aujourd'hui."))
    alternative = forms.CharField(label=_("Alternative sans IA envisagée"), required=False,
                                  max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("Ce qui serait fait sans algorithme, et pourquoi "
                                              "ce n'est pas retenu."))
    test_results = forms.CharField(label=_("Résultats des tests"), required=False,
                                   max_length=6000, widget=forms.Textarea(attrs={"rows": 4}))
    monitoring = forms.CharField(label=_("Suivi après déploiement"), required=False,
                                 max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("Indicateurs suivis une fois en service ; ils "
                                             "peuvent être des indicateurs de la stratégie."))
    decision = forms.ChoiceField(label=_("Décision"), choices=Decision.choices)
    decided_by = forms.CharField(label=_("Décidé par (nom et fonction)"), required=False,
                                 max_length=200)
    decided_on = forms.DateField(label=_("Décidé le"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.benefit_rows = []
        for i in range(1, BENEFIT_ROWS + 1):
            names = [f"benefit_{i}_{part}" for part in ("name", "unit", "direction",
                                                        "threshold", "measured")]
            self.fields[names[0]] = forms.CharField(label=_("Indicateur %(n)d") % {"n": i},
                                                    required=False, max_length=200)
            self.fields[names[1]] = forms.CharField(label=_("Unité"), required=False,
                                                    max_length=60)
            self.fields[names[2]] = forms.ChoiceField(label=_("Sens du seuil"), required=False,
                                                      choices=DIRECTIONS)
            self.fields[names[3]] = forms.FloatField(label=_("Seuil"), required=False)
            self.fields[names[4]] = forms.FloatField(label=_("Mesuré"), required=False)
            self.benefit_rows.append([self[n] for n in names])
        self.risk_rows = []
        for key, label in q.ALTAI:
            self.fields[f"risk_{key}_level"] = forms.ChoiceField(
                label=label, required=False, choices=q.RISK_LEVELS)
            self.fields[f"risk_{key}_note"] = forms.CharField(
                label=_("Mesures et commentaire : %(r)s") % {"r": label}, required=False,
                max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "cols": 30}))
            self.risk_rows.append((self[f"risk_{key}_level"], self[f"risk_{key}_note"]))

    @staticmethod
    def initial_from(evaluation: Any) -> dict[str, Any]:
        if evaluation is None:
            return {}
        data: dict[str, Any] = {name: getattr(evaluation, name) for name in (
            "need", "alternative", "test_results", "monitoring", "decision", "decided_by",
            "decided_on")}
        for i, benefit in enumerate(evaluation.benefits[:BENEFIT_ROWS], 1):
            for part in ("name", "unit", "direction", "threshold", "measured"):
                data[f"benefit_{i}_{part}"] = benefit.get(part)
        for key, risk in evaluation.risks.items():
            data[f"risk_{key}_level"] = risk.get("level", "")
            data[f"risk_{key}_note"] = risk.get("note", "")
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        benefits = []
        for i in range(1, BENEFIT_ROWS + 1):
            name = (data.get(f"benefit_{i}_name") or "").strip()
            if not name:
                continue
            benefits.append({part: data.get(f"benefit_{i}_{part}") for part in (
                "name", "unit", "direction", "threshold", "measured")})
        risks = {key: {"level": data.get(f"risk_{key}_level") or "",
                       "note": (data.get(f"risk_{key}_note") or "").strip()}
                 for key, _label in q.ALTAI}
        return {"need": data["need"], "alternative": data.get("alternative", ""),
                "test_results": data.get("test_results", ""),
                "monitoring": data.get("monitoring", ""), "decision": data["decision"],
                "decided_by": data.get("decided_by", ""), "decided_on": data.get("decided_on"),
                "benefits": benefits, "risks": risks}


class BiasForm(Accessible, forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV des décisions"),
        help_text=_("Une ligne par décision ; séparateur point-virgule ou virgule, UTF-8 ou tel "
                    "qu'Excel l'enregistre. %(mb)d Mo au plus.") % {"mb": MAX_UPLOAD_MB})
    decision = forms.CharField(label=_("Colonne de la décision"), max_length=200)
    group = forms.CharField(label=_("Colonne du groupe"), max_length=200)
    positive = forms.CharField(
        label=_("Valeur de décision favorable"), required=False, max_length=200,
        help_text=_("Vide : 1/0 ou oui/non sont reconnus."))
    outcome = forms.CharField(label=_("Colonne du résultat réel (facultatif)"), required=False,
                              max_length=200)
    outcome_positive = forms.CharField(label=_("Valeur de résultat favorable"), required=False,
                                       max_length=200)
    stratum = forms.CharField(label=_("Colonne de strate (facultatif)"), required=False,
                              max_length=200,
                              help_text=_("Pour vérifier que l'écart ne s'inverse pas par "
                                          "strate (paradoxe de Simpson)."))
    note = forms.CharField(label=_("Commentaire"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2, "cols": 30}))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Format non accepté : déposez un fichier .csv."))
        if upload.size > services.MAX_BIAS_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse %(mb)d Mo.")
                                        % {"mb": MAX_UPLOAD_MB})
        return upload


class CostForm(Accessible, forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time
    provider = forms.ChoiceField(label=_("Fournisseur (EcoLogits)"), required=False)

    class Meta:
        model = CostEstimate
        fields = ["kind", "provider", "model_name", "requests_per_month", "output_tokens",
                  "energy_kwh_per_year", "power_w", "hours_per_year", "benefit", "benefit_unit"]
        help_texts = {
            "model_name": _("Nom du modèle tel qu'EcoLogits le connaît, par exemple "
                            "mistral-small-latest."),
            "energy_kwh_per_year": _("Modèle hébergé : mesurée, sinon calculée depuis la "
                                     "puissance et les heures."),
            "benefit": _("Pour le classement de rationalisation : par exemple les heures "
                         "d'agent économisées par an."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from jalon.core import ai_cost

        super().__init__(*args, **kwargs)
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ChoiceField)  # noqa: S101
        provider.choices = with_blank([(p, p) for p in ai_cost.providers()], "—")
        self.fields["kind"].choices = CostKind.choices  # type: ignore[attr-defined]


class ReviewForm(Accessible, forms.Form):
    system = forms.ModelChoiceField(label=_("Algorithme concerné"), required=False,
                                    queryset=AlgorithmicSystem.objects.none())
    status = forms.ChoiceField(label=_("Statut"), choices=ContestStatus.choices)
    response = forms.CharField(label=_("Réponse ou suite donnée"), required=False,
                               max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        system = self.fields["system"]
        assert isinstance(system, forms.ModelChoiceField)  # noqa: S101
        system.queryset = AlgorithmicSystem.objects.filter(organisation=organisation)


class ContestForm(Accessible, forms.Form):
    """The public « report an error or contest a decision » form (jalon.publicforms)."""

    kind = forms.ChoiceField(label=_("Vous souhaitez"), widget=forms.RadioSelect, choices=(
        ("error", _("signaler une erreur dans le registre")),
        ("contest", _("contester une décision prise avec un algorithme"))))
    system = forms.CharField(label=_("Algorithme concerné"), required=False, max_length=200,
                             help_text=_("Son nom tel qu'il figure dans le registre."))
    message = forms.CharField(label=_("Votre message"), max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 5}))
    name = forms.CharField(label=_("Votre nom (facultatif)"), required=False, max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Votre adresse électronique (facultatif)"),
                             required=False, max_length=254,
                             help_text=_("Pour recevoir une réponse."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
