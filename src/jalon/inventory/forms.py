"""Forms of the inventory pages. Validation only: writes go through services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jalon.core.eol import RuleError, compile_pattern
from jalon.core.model import CATEGORIES, CONDITIONS
from jalon.inventory.analysis import MAPPING_TARGETS
from jalon.inventory.models import Disposal, EventKind, ImportMode, Route, RouteField
from jalon.inventory.selectors import ASSET_SORTS, IN_SERVICE, RETIRED, AssetFilters
from jalon.inventory.uploads import ALLOWED_SUFFIXES, max_upload_bytes, suffix_of
from jalon.kit import labels
from jalon.kit.forms import with_blank

SORT_LABELS = {
    "name": _("Nom (A → Z)"), "-name": _("Nom (Z → A)"),
    "category": _("Catégorie (A → Z)"), "-category": _("Catégorie (Z → A)"),
    "purchase_date": _("Date d'achat (anciens d'abord)"),
    "-purchase_date": _("Date d'achat (récents d'abord)"),
    "entity": _("Entité (A → Z)"), "-entity": _("Entité (Z → A)"),
}
if set(SORT_LABELS) != set(ASSET_SORTS):
    raise ImproperlyConfigured("SORT_LABELS must name every sort of ASSET_SORTS")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier d'inventaire"),
        help_text=_("CSV ou XLSX (format Jalon, export GLPI, NumEcoEval), inventaire "
                    "GLPI-Agent (.json) ou FusionInventory (.xml, .ocs), ou ZIP de fichiers "
                    "d'agents."))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if suffix_of(upload.name or "") not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(
                _("Format non accepté. Extensions acceptées : %(suffixes)s."),
                params={"suffixes": " ".join(ALLOWED_SUFFIXES)}, code="suffix")
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("Le fichier dépasse la taille maximale de %(limit)s Mo."),
                params={"limit": max_upload_bytes() // (1024 * 1024)}, code="too_large")
        return upload


# Jalon's columns as a user names them (the mapping form shows these, and accepts them or the
# column codes of the canonical schema, jalon/data/schemas/inventory.schema.json).
TARGET_LABELS: dict[str, Promise] = {
    "inventory_number": _("Numéro d'inventaire"),
    "name": _("Nom de l'appareil"),
    "category": _("Catégorie Jalon"),
    "item_type": _("Type d'élément (ordinateur, moniteur…)"),
    "type": _("Type"),
    "manufacturer": _("Fabricant"),
    "model": _("Modèle"),
    "quantity": _("Quantité"),
    "purchase_date": _("Date d'achat"),
    "commissioning_date": _("Date de mise en service"),
    "retirement_date": _("Date de sortie du parc"),
    "lifespan_years": _("Durée de vie (ans)"),
    "purchase_price_eur": _("Prix d'achat HT (€)"),
    "condition": _("État à l'achat (neuf, reconditionné, réemploi)"),
    "status": _("Statut"),
    "entity": _("Entité"),
    "site": _("Site"),
    "user": _("Utilisateur"),
    "country": _("Pays (code ISO)"),
    "annual_kwh": _("Consommation annuelle (kWh)"),
    "is_virtual": _("Machine virtuelle (oui/non)"),
    "cpu_units": _("Nombre de processeurs"),
    "cpu_cores": _("Cœurs par processeur"),
    "ram_gb": _("Mémoire vive (Go)"),
    "ssd_count": _("Nombre de SSD"),
    "ssd_capacity_gb": _("Capacité SSD (Go)"),
    "hdd_count": _("Nombre de disques durs"),
    "hdd_capacity_gb": _("Capacité disques durs (Go)"),
    "pue": _("PUE de la salle"),
    "disposal": _("Filière de sortie"),
    "weight_kg": _("Poids (kg)"),
    "comment": _("Commentaire (lu pour le reconditionné et la filière de sortie)"),
    "purchase_price_incl_vat_eur": _("Prix d'achat TTC (€, utilisé ÷ 1,2 sans prix HT)"),
    "ignore": _("Ignorer cette colonne"),
}
if set(TARGET_LABELS) != set(MAPPING_TARGETS):
    raise ImproperlyConfigured("TARGET_LABELS must name every target of MAPPING_TARGETS: "
                               f"{sorted(set(MAPPING_TARGETS) ^ set(TARGET_LABELS))}")
# The id of the one <datalist> of Jalon's columns that every mapping input shares.
COLUMNS_DATALIST = "jalon-columns"


def target_label(target: str) -> str:
    return str(TARGET_LABELS.get(target, target))


class MappingForm(forms.Form):
    """One text input per source header, suggesting Jalon's columns by their French names
    from one shared <datalist> (a select per header would repeat ~35 options for every column
    of the file). A name or a column code is accepted. The field names are positions, the
    labels the headers (headers are free text and would make poor HTML names); a header left
    empty in the file is named by its position."""

    def __init__(self, *args: Any, mapping: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = list(mapping)
        for index, header in enumerate(self.headers):
            label = header.strip() or _("Colonne %(number)d (sans en-tête)") % {
                "number": index + 1}
            self.fields[f"h{index}"] = forms.CharField(
                label=label, initial=target_label(mapping[header]), max_length=200,
                widget=forms.TextInput(attrs={
                    "list": COLUMNS_DATALIST, "autocomplete": "off", "spellcheck": "false"}))

    @staticmethod
    def targets() -> list[tuple[str, str]]:
        """Jalon's columns for the datalist: (code, French name)."""
        return [(t, target_label(t)) for t in MAPPING_TARGETS]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        allowed = {t.lower(): t for t in MAPPING_TARGETS}
        allowed.update({target_label(t).strip().lower(): t for t in MAPPING_TARGETS})
        for name in list(self.fields):
            value = cleaned.get(name)
            if value is None:
                continue
            target = allowed.get(value.strip().lower())
            if target is None:
                self.add_error(name, forms.ValidationError(
                    _("« %(value)s » n'est pas une colonne de Jalon. Choisissez une colonne "
                      "de la liste proposée, ou « Ignorer cette colonne » pour ne pas la "
                      "lire."),
                    params={"value": value}, code="unknown_column"))
            else:
                cleaned[name] = target
        return cleaned

    def columns(self) -> dict[str, str]:
        return {header: self.cleaned_data[f"h{index}"]
                for index, header in enumerate(self.headers)}


class ConfirmForm(forms.Form):
    """Merge is the default. Replacing removes the devices the file does not list: when it
    would remove any, the box saying how many must be ticked (services check the number)."""

    mode = forms.ChoiceField(label=_("Mode d'import"), choices=[
        (ImportMode.MERGE, _("Fusionner : mettre à jour les appareils de même numéro "
                             "d'inventaire et ajouter les autres")),
        (ImportMode.REPLACE, _("Remplacer : l'inventaire devient exactement ce fichier")),
    ], initial=ImportMode.MERGE, widget=forms.RadioSelect)
    expected_removed = forms.IntegerField(required=False, min_value=0,
                                          widget=forms.HiddenInput)
    confirm_removal = forms.BooleanField(required=False)

    def __init__(self, *args: Any, removed: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.removed = removed
        self.fields["expected_removed"].initial = removed
        self.fields["confirm_removal"].label = _(
            "Je confirme la suppression de %(count)s appareils absents du fichier (avec "
            "leur historique), si je choisis de remplacer") % {"count": removed}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if (cleaned.get("mode") == ImportMode.REPLACE and self.removed
                and not cleaned.get("confirm_removal")):
            self.add_error("confirm_removal", _(
                "Remplacer supprimerait %(count)s appareils : cochez la case pour le "
                "confirmer, ou choisissez de fusionner.") % {"count": self.removed})
        return cleaned


class PublicationForm(forms.Form):
    auto_publish = forms.BooleanField(
        label=_("Publier automatiquement chaque import appliqué"), required=False,
        help_text=_("Sinon, un import appliqué reste invisible sur les pages publiques jusqu'à "
                    "ce qu'un éditeur l'ait vérifié et publié."))


ALL_FEMININE = _("Toutes")


def _with_blank(values: Any, blank: Any = ALL_FEMININE) -> list[tuple[str, Any]]:
    return with_blank(values, blank)


class AssetFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200,
                        help_text=_("Nom, modèle ou numéro d'inventaire"),
                        widget=forms.TextInput(attrs={"type": "search"}))
    category = forms.ChoiceField(label=_("Catégorie"), required=False,
                                 choices=_with_blank(labels.choices(labels.CATEGORY_LABELS,
                                                                    CATEGORIES)))
    entity = forms.ChoiceField(label=_("Entité"), required=False)
    site = forms.ChoiceField(label=_("Site"), required=False)
    condition = forms.ChoiceField(label=_("État à l'achat"), required=False,
                                  choices=_with_blank(labels.choices(labels.CONDITION_LABELS,
                                                                     CONDITIONS), _("Tous")))
    status = forms.ChoiceField(label=_("Statut"), required=False, choices=[
        ("", _("Tous")), (IN_SERVICE, _("En service")), (RETIRED, _("Sortis du parc"))])
    sort = forms.ChoiceField(label=_("Trier par"), required=False,
                             choices=list(SORT_LABELS.items()))

    def __init__(self, *args: Any, choices: dict[str, list[str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["entity"]).choices = _with_blank(
            [(v, v) for v in choices["entity"]])
        cast(forms.ChoiceField, self.fields["site"]).choices = _with_blank(
            [(v, v) for v in choices["site"]], _("Tous"))

    def filters(self) -> AssetFilters:
        """The valid filters; an invalid one (stale link) is dropped rather than refused."""
        if not self.is_bound:
            return AssetFilters()
        self.is_valid()
        data = {name: self.cleaned_data.get(name) or "" for name in self.fields}
        return AssetFilters(**{**data, "sort": data["sort"] or "name"})


class DisposalMixin(forms.Form):
    disposal = forms.ChoiceField(label=_("Filière de sortie"), required=False,
                                 choices=_with_blank(Disposal.choices, "—"))
    beneficiary = forms.CharField(label=_("Bénéficiaire du don"), required=False,
                                  max_length=200)
    weee_weight_kg = forms.FloatField(label=_("Poids DEEE (kg)"), required=False, min_value=0)

    def check_disposal(self, retiring: bool) -> None:
        disposal = self.cleaned_data.get("disposal")
        if retiring and not disposal:
            self.add_error("disposal", _("Indiquez la filière de sortie."))
        if not retiring and disposal:
            self.add_error("disposal", _("La filière ne s'indique que pour une sortie du parc."))
        if disposal == Disposal.DONATED and not self.cleaned_data.get("beneficiary"):
            self.add_error("beneficiary", _("Indiquez le bénéficiaire du don."))


class EventForm(DisposalMixin):
    kind = forms.ChoiceField(label=_("Événement"), choices=EventKind.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Remarque"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ("kind", "date", "disposal", "beneficiary", "weee_weight_kg", "note")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        self.check_disposal(retiring=cleaned.get("kind") == EventKind.RETIRED)
        return cleaned


class RetireForm(DisposalMixin):
    """Bulk retirement: the asset checkboxes are named `asset`, outside this form's fields,
    because they are rendered inside the table rows."""

    date = forms.DateField(label=_("Date de sortie"),
                           widget=forms.DateInput(attrs={"type": "date"}))
    field_order = ("date", "disposal", "beneficiary", "weee_weight_kg")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["weee_weight_kg"].label = _("Poids DEEE par appareil (kg)")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        self.check_disposal(retiring=True)
        return cleaned


class RouteRuleForm(forms.Form):
    """One of the organisation's end-of-life rules (services validate the pattern too)."""

    field = forms.ChoiceField(label=_("Lu dans"), choices=RouteField.choices,
                              initial=RouteField.STATUS)
    pattern = forms.CharField(
        label=_("Motif"), max_length=300,
        help_text=_("Mots séparés par « | », cherchés sans tenir compte des majuscules ni des "
                    "accents (expression régulière : « don|cede gratuitement »)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    route = forms.ChoiceField(label=_("Filière"), choices=Route.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    position = forms.IntegerField(label=_("Ordre"), required=False, min_value=0,
                                  help_text=_("Les règles de l'organisation sont essayées "
                                              "dans cet ordre, avant celles de Jalon."))

    def clean_pattern(self) -> str:
        pattern = str(self.cleaned_data["pattern"]).strip()
        try:
            compile_pattern(pattern)
        except RuleError as exc:
            raise forms.ValidationError(
                _("Ce motif n'est pas une expression régulière valide (%(error)s)."),
                params={"error": exc}, code="pattern") from exc
        return pattern
