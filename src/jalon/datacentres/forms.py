"""Forms of the data centres pages. Validation only (with the services' rules): writes go
through services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jalon.datacentres import services
from jalon.datacentres.models import PracticeState, PracticeStatus, Site, SiteYear
from jalon.kit.forms import Accessible


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _decimal_inputs(names: Sequence[str]) -> dict[str, forms.Widget]:
    # Text inputs with a decimal keyboard: a number field would refuse « 1,6 » in some browsers.
    return {name: forms.TextInput(attrs={"inputmode": "decimal", "size": 14,
                                         "autocomplete": "off"})
            for name in names}


class _ServiceRules(forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time
    """Model form whose values are checked by a service function (not the model's rules)."""

    editable: tuple[str, ...] = ()

    def clean_with(self, values: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _post_clean(self) -> None:
        try:
            cleaned = self.clean_with({k: v for k, v in self.cleaned_data.items()
                                       if k in self.editable})
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.cleaned_data.update(cleaned)

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.editable
                if name in self.cleaned_data}


class SiteForm(Accessible, _ServiceRules):
    editable = services.SITE_FIELDS

    class Meta:
        model = Site
        fields = list(services.SITE_FIELDS)
        field_classes = {name: forms.CharField for name in services.SITE_NUMBERS}
        widgets = {
            **_decimal_inputs(services.SITE_NUMBERS),
            "commissioned_on": DateInput(), "contract_start": DateInput(),
            "owner_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "operator_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "owner_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "operator_phone": forms.TextInput(attrs={"inputmode": "tel",
                                                     "autocomplete": "off"}),
            "lau_code": forms.TextInput(attrs={"size": 8, "autocomplete": "off",
                                               "spellcheck": "false"}),
            "contract_end": DateInput(),
            "inventory_sites": forms.Textarea(attrs={"rows": 3}),
            "hosted_assets": forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "it_power_kw": _("Somme des puissances nominales des serveurs, du stockage et du "
                             "réseau de la salle (PDIT). À partir de 500 kW, le rapport annuel "
                             "de la directive 2023/1791 est obligatoire."),
            "declared_pue": _("Utilisé quand l'énergie n'est pas mesurée (estimation) ; pour "
                              "une colocation, le PUE garanti par le contrat."),
            "inventory_sites": _("Un par ligne, tels qu'écrits dans la colonne « Lieu » de "
                                 "l'inventaire : les serveurs situés à ces lieux sont hébergés "
                                 "ici."),
            "hosted_assets": _("Un par ligne : nom ou numéro d'inventaire d'un serveur hébergé "
                               "ici (prime sur le lieu)."),
            "refrigerants": _("Par exemple R410A, R32."),
            "lau_code": _("Code de la commune du site dans les tables LAU d'Eurostat : en "
                          "France, le code INSEE de la commune (5 caractères, par exemple "
                          "35238), pas le code postal. Demandé par le règlement délégué "
                          "2024/1364, annexe I."),
            "structure": _("Le site est-il un seul bâtiment ou local (une structure) ou "
                           "plusieurs (un groupe de structures) ?"),
            "electrical_redundancy": _("Par exemple « 2N / N+1 / N » : un niveau par échelon "
                                       "de l'alimentation, du plus haut (arrivée) au plus "
                                       "bas (baie), séparés par « / »."),
            "cooling_redundancy": _("Par exemple « N+1 » ou « N+1 / N » : un niveau par "
                                    "échelon du refroidissement, séparés par « / »."),
            "owner_email": _("Coordonnées demandées par le règlement délégué 2024/1364 "
                             "(annexe I) : de préférence une adresse de service."),
            "operator_email": _("De préférence une adresse de service, pas celle d'une "
                                "personne."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in services.SITE_NUMBERS:
            self.fields[name].required = False
            self.fields[name].label = _label(Site, name)
            if name in services.SITE_NUMBERS and self.instance.pk:
                value = getattr(self.instance, name)
                self.initial[name] = "" if value is None else _plain(value)
        # A code typed with spaces or a « FR » prefix is normalised by the services, with a
        # message saying what a LAU code is (rather than the field's length error).
        lau = cast(forms.CharField, self.fields["lau_code"])
        lau.max_length = 40
        lau.validators = []
        lau.widget.attrs["maxlength"] = "40"
        for name, field in self.fields.items():
            if field.label and name not in services.SITE_NUMBERS:
                field.label = str(field.label)[:1].upper() + str(field.label)[1:]

    def clean_with(self, values: dict[str, Any]) -> dict[str, Any]:
        return services.clean_site(values, current=self.instance if self.instance.pk else None)


class YearForm(Accessible, _ServiceRules):
    editable = services.YEAR_FIELDS

    class Meta:
        model = SiteYear
        fields = list(services.YEAR_FIELDS)
        field_classes = {name: forms.CharField for name in services.YEAR_NUMBERS}
        widgets = {**_decimal_inputs(services.YEAR_NUMBERS),
                   "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "average_it_load_kw": _("Si l'énergie n'est pas mesurée : EIT est estimée par la "
                                    "charge moyenne × 8 760 h, EDC par EIT × PUE."),
            "it_kwh": _("Mesurée en sortie des onduleurs ou des PDU."),
            "total_kwh": _("Toute l'énergie entrant dans la salle (électricité, fluides)."),
        }

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        self.site = site
        super().__init__(*args, **kwargs)
        for name in services.YEAR_NUMBERS:
            self.fields[name].required = False
            self.fields[name].label = _label(SiteYear, name)
            if self.instance.pk:
                value = getattr(self.instance, name)
                self.initial[name] = "" if value is None else _plain(value)
        for name, field in self.fields.items():
            if field.label and name not in services.YEAR_NUMBERS:
                field.label = str(field.label)[:1].upper() + str(field.label)[1:]

    def clean_with(self, values: dict[str, Any]) -> dict[str, Any]:
        return services.clean_year(self.site, values,
                                   current=self.instance if self.instance.pk else None)


def _label(model: Any, name: str) -> str:
    text = str(model._meta.get_field(name).verbose_name)
    return text[:1].upper() + text[1:]


def _plain(value: float) -> str:
    """A stored float as the form shows it back: no trailing « .0 », a comma in French."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


class PracticeForm(Accessible, forms.Form):
    """One practice of a site's checklist: status, owner, due date, evidence."""

    status = forms.ChoiceField(label=_("Statut"), choices=PracticeState.choices)
    owner = forms.CharField(label=_("Responsable"), required=False, max_length=200)
    due_date = forms.DateField(label=_("Échéance"), required=False, widget=DateInput())
    evidence = forms.CharField(
        label=_("Preuve ou justification"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Document, constat ou décision qui montre la mise en œuvre ; pour une "
                    "pratique sans objet, la raison."))

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in services.CHECKLIST_FIELDS}

    @staticmethod
    def initial_for(row: PracticeStatus | None) -> dict[str, Any]:
        if row is None:
            return {"status": PracticeState.NOT_STARTED}
        return {"status": row.status, "owner": row.owner, "due_date": row.due_date,
                "evidence": row.evidence}
