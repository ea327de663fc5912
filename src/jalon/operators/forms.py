"""Forms of the operator pages: templates and shared indicator definitions."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.core.trajectory import Direction
from jalon.kit.forms import Accessible
from jalon.operators import selectors
from jalon.strategy.models import IndicatorDefinition


# ModelChoiceField and ModelForm are generic for type checkers only: not subscriptable at run time.
class OperatorChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def __init__(self, operators: Any, **kwargs: Any) -> None:
        super().__init__(queryset=operators, label=gettext_lazy("Opérateur"), empty_label=None,
                         **kwargs)


class TemplateCreateForm(Accessible, forms.Form):
    base = forms.ChoiceField(label=gettext_lazy("Modèle de départ"),
                             help_text=gettext_lazy("Le modèle intégré à Jalon dont les axes, "
                                                    "objectifs et indicateurs sont copiés."))
    title = forms.CharField(label=gettext_lazy("Titre"), max_length=300)
    key = forms.SlugField(label=gettext_lazy("Identifiant"), max_length=90, required=False,
                          help_text=gettext_lazy("Lettres, chiffres et tirets ; déduit du titre "
                                                 "si vide."))
    published = forms.BooleanField(label=gettext_lazy("Publier aux membres dès maintenant"),
                                   required=False)

    def __init__(self, *args: Any, operators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["base"]).choices = selectors.builtin_choices()
        if operators.count() > 1:
            self.fields["operator"] = OperatorChoice(operators)
            self.order_fields(["operator"])
            self._describe()


class TemplateEditForm(Accessible, forms.Form):
    title = forms.CharField(label=gettext_lazy("Titre"), max_length=300)
    # A declared field, taken out of the class by the form's metaclass: BaseForm.data stays.
    data = forms.CharField(  # type: ignore[assignment]
        label=gettext_lazy("Contenu du modèle (JSON)"), widget=forms.Textarea(
            attrs={"rows": 16, "cols": 80, "spellcheck": "false"}),
        help_text=gettext_lazy("Axes, objectifs, actions et indicateurs, dans le format des "
                               "modèles intégrés. Un JSON invalide est refusé."))
    published = forms.BooleanField(label=gettext_lazy("Publié aux membres"), required=False)

    def clean_data(self) -> dict[str, Any]:
        try:
            data = json.loads(self.cleaned_data["data"])
        except ValueError as error:
            raise forms.ValidationError(_("JSON invalide : %(error)s") % {"error": error}) \
                from None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("Le modèle doit être un objet JSON ({…})."))
        return data


class DefinitionForm(Accessible, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = IndicatorDefinition
        fields = ["name", "unit", "precision", "direction", "description", "method", "source"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3, "cols": 60}),
                   "method": forms.Textarea(attrs={"rows": 3, "cols": 60})}
        help_texts = {"unit": gettext_lazy("Par exemple « % », « kgCO2e/agent », « jours »."),
                      "precision": gettext_lazy("Nombre de décimales affichées."),
                      "method": gettext_lazy("Comment la valeur est obtenue : numérateur, "
                                             "dénominateur, périmètre.")}

    def __init__(self, *args: Any, operators: Any = None, with_shared: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["direction"] = forms.ChoiceField(
            label=gettext_lazy("Sens"),
            choices=[(Direction.UP.value, gettext_lazy("Plus est mieux")),
                     (Direction.DOWN.value, gettext_lazy("Moins est mieux"))])
        if with_shared:
            self.fields["shared"] = forms.BooleanField(
                label=gettext_lazy("Partagé avec les membres"), required=False,
                initial=self.instance.shared if self.instance.pk else True)
        if operators is not None and operators.count() > 1:
            self.fields["operator"] = OperatorChoice(operators)
            self.order_fields(["operator"])
        self._describe()
