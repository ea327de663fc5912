"""Forms of the catalogue pages. Validation only (with the services' rules): writes go
through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jalon.catalogue import services
from jalon.catalogue.models import Audience, DigitalService, ServiceKind, ServiceStatus
from jalon.kit.forms import Accessible, with_blank


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ServiceForm(Accessible, forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time
    # Longer than the stored code: a country name ("France") is accepted and turned into it.
    hosting_country = forms.CharField(
        label=_("Pays d'hébergement"), required=False, max_length=60,
        help_text=_("Code ISO 3166 à deux lettres, par exemple FR."),
        widget=forms.TextInput(attrs={"size": 10, "autocomplete": "off"}))

    class Meta:
        model = DigitalService
        fields = list(services.EDITABLE)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "sample_urls": forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
            "url": forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
            "in_service_since": DateInput(),
            "retired_on": DateInput(),
        }
        help_texts = {"url": _("Par exemple https://www.exemple.fr ; vide pour une application "
                               "sans adresse web.")}

    def _post_clean(self) -> None:
        # The services' rules (same as the CSV import and the API), not the model's.
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
        return {name: self.cleaned_data[name] for name in services.EDITABLE}


class ServiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200,
                        help_text=_("Nom, adresse, description, éditeur, hébergeur"),
                        widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label=_("Type"), required=False,
                             choices=with_blank(ServiceKind.choices, _("Tous")))
    audience = forms.ChoiceField(label=pgettext_lazy("audience", "Public"), required=False,
                                 choices=with_blank(Audience.choices, _("Tous")))
    status = forms.ChoiceField(label=_("Statut"), required=False,
                               choices=with_blank(ServiceStatus.choices, _("Tous")))

    def filters(self) -> dict[str, str]:
        """The valid filters; an invalid one (stale link) is dropped rather than refused."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


class ImportForm(Accessible, forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV des services"),
        help_text=_("CSV séparé par des points-virgules ou des virgules, en UTF-8 ou tel "
                    "qu'Excel l'enregistre ; une ligne d'en-têtes puis une ligne par service. "
                    "2 Mo au plus."))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Format non accepté : déposez un fichier .csv."),
                                        code="suffix")
        if upload.size > services.MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse la taille maximale de %(limit)s Mo."),
                params={"limit": services.MAX_IMPORT_BYTES // (1024 * 1024)}, code="too_large")
        return upload
