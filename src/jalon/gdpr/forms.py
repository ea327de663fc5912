"""Forms of the personal-data pages. Validation of shapes only: the rules are the services'
(a ValidationError they raise lands on the form's fields through kit.views)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jalon.core import gdpr_dpia
from jalon.gdpr import register
from jalon.gdpr import services as gdpr_services
from jalon.gdpr.models import (
    SENSITIVE_CATEGORIES,
    Breach,
    DataSubjectRequest,
    Dpia,
    DpiaRisk,
    HostingProfile,
    PauseKind,
    ProcessingActivity,
    Processor,
    RequestKind,
    RequestStatus,
    TrainingCampaign,
)
from jalon.kit.forms import Accessible, with_blank
from jalon.tenancy.models import Organisation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


TRISTATE = [("", _("Inconnu")), ("true", _("Oui")), ("false", _("Non"))]


def _tristate(label: Any, help_text: Any = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, required=False, choices=TRISTATE, help_text=help_text,
        coerce=lambda v: {"true": True, "false": False}.get(v), empty_value=None)


class ActivityForm(Accessible, forms.ModelForm):  # type: ignore[type-arg]
    sensitive_categories = forms.MultipleChoiceField(
        label=_("Données sensibles"), required=False,
        choices=list(SENSITIVE_CATEGORIES.items()), widget=forms.CheckboxSelectMultiple)
    dpia_criteria = forms.MultipleChoiceField(
        label=_("Critères du CEPD pour l'analyse d'impact"), required=False,
        choices=list(gdpr_dpia.CRITERIA.items()), widget=forms.CheckboxSelectMultiple,
        help_text=_("Deux critères ou plus : une analyse d'impact (AIPD) est attendue."))
    services: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Services numériques concernés"), required=False, queryset=None,
        widget=forms.CheckboxSelectMultiple)

    algorithms: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Algorithmes du registre concernés"), required=False, queryset=None,
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ProcessingActivity
        fields = [*gdpr_services.ACTIVITY_FIELDS]
        widgets: dict[str, forms.Widget] = {name: forms.Textarea(attrs={"rows": 3}) for name in (
            "purposes", "data_subjects", "data_categories", "recipients", "security_measures")}
        widgets["created_on"] = DateInput()

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from jalon.gdpr import selectors

        self.fields["services"].queryset = selectors.services(organisation)  # type: ignore[attr-defined]
        from jalon.algorithms.models import AlgorithmicSystem

        self.fields["algorithms"].queryset = AlgorithmicSystem.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation).order_by("name")
        if self.instance.pk:
            self.fields["services"].initial = list(self.instance.services.all())
            self.fields["algorithms"].initial = list(self.instance.algorithms.all())
        self.fields["reference"].help_text = _("Laissée vide, elle est attribuée (T-001…).")

    def _post_clean(self) -> None:  # the services check the model
        pass

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in gdpr_services.ACTIVITY_FIELDS
                if name in self.cleaned_data}


class ProcessorForm(Accessible, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Processor
        fields = list(gdpr_services.PROCESSOR_FIELDS)
        widgets = {"contract_signed_on": DateInput(), "contract_ends_on": DateInput()}

    def _post_clean(self) -> None:
        pass


class DpiaForm(Accessible, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Dpia
        fields = list(gdpr_services.DPIA_FIELDS)
        widgets = {"started_on": DateInput(), "signed_off_on": DateInput(),
                   "next_review_on": DateInput(),
                   "description": forms.Textarea(attrs={"rows": 3}),
                   "necessity": forms.Textarea(attrs={"rows": 3}),
                   "dpo_opinion": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self) -> None:
        pass


LEVEL_CHOICES = [(k, f"{k} — {v}") for k, v in gdpr_dpia.LEVELS.items()]


class RiskForm(Accessible, forms.ModelForm):  # type: ignore[type-arg]
    likelihood = forms.TypedChoiceField(label=_("Vraisemblance"), choices=LEVEL_CHOICES,
                                        coerce=int)
    severity = forms.TypedChoiceField(label=_("Gravité"), choices=LEVEL_CHOICES, coerce=int)
    residual_likelihood = forms.TypedChoiceField(label=_("Vraisemblance résiduelle"),
                                                 choices=LEVEL_CHOICES, coerce=int)
    residual_severity = forms.TypedChoiceField(label=_("Gravité résiduelle"),
                                               choices=LEVEL_CHOICES, coerce=int)

    class Meta:
        model = DpiaRisk
        fields = list(gdpr_services.RISK_FIELDS)
        widgets = {"measures": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self) -> None:
        pass


class RegisterFieldsForm(Accessible, forms.Form):
    published_fields = forms.MultipleChoiceField(
        label=_("Champs publiés en plus des champs obligatoires"), required=False,
        choices=[(f.key, f.label) for f in register.OPTIONAL],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Toujours publiés : référence, nom, état, rôle, finalités, base légale."))


class RequestForm(Accessible, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DataSubjectRequest
        fields = ["kind", "received_on", "channel", "requester_name", "requester_email",
                  "description", "activity"]
        widgets = {"received_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from jalon.gdpr import selectors

        self.fields["activity"].queryset = selectors.activities(organisation)  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        pass

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Délai"), required=False, choices=[
        ("", _("Toutes")), ("open", _("Ouvertes")), ("late", _("En retard")),
        ("due_soon", _("Échéance proche")), ("paused", _("Délai suspendu")),
        ("answered_on_time", _("Répondues dans le délai")),
        ("answered_late", _("Répondues en retard"))])
    kind = forms.ChoiceField(label=_("Droit exercé"), required=False,
                             choices=with_blank(RequestKind.choices, _("Tous")))

    def filters(self) -> dict[str, str]:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


class PauseForm(Accessible, forms.Form):
    kind = forms.ChoiceField(label=_("Motif de la suspension"), choices=PauseKind.choices)
    started_on = forms.DateField(label=_("Question posée à la personne le"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ResumeForm(Accessible, forms.Form):
    ended_on = forms.DateField(label=_("Réponse de la personne reçue le"), widget=DateInput())


class ExtendForm(Accessible, forms.Form):
    reasons = forms.CharField(
        label=_("Raisons de la prolongation"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Complexité ou nombre des demandes (art. 12.3 du RGPD)."))
    informed_on = forms.DateField(label=_("Personne informée le"), required=False,
                                  widget=DateInput(),
                                  help_text=_("Au plus tard un mois après la réception."))


class AnswerForm(Accessible, forms.Form):
    status = forms.ChoiceField(label=_("Issue"), choices=[
        (RequestStatus.ANSWERED, _("Répondue")), (RequestStatus.REFUSED, _("Refusée (motivée)")),
        (RequestStatus.WITHDRAWN, _("Retirée par la personne"))])
    answered_on = forms.DateField(label=_("Date de la réponse"), widget=DateInput())
    answer = forms.CharField(label=_("Réponse apportée"), required=False, max_length=6000,
                             widget=forms.Textarea(attrs={"rows": 4}))


class DocumentForm(Accessible, forms.Form):
    file = forms.FileField(label=_("Pièce jointe"),
                           help_text=_("PDF, PNG, JPEG, ODT ou texte ; 5 Mo au plus."))


class BreachForm(Accessible, forms.ModelForm):  # type: ignore[type-arg]
    activities: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Traitements concernés"), required=False, queryset=None,
        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Breach
        fields = list(gdpr_services.BREACH_FIELDS)
        widgets = {"aware_at": DateTimeInput(), "occurred_at": DateTimeInput(),
                   "notified_at": DateTimeInput(), "people_informed_on": DateInput(),
                   "closed_on": DateInput(),
                   **{n: forms.Textarea(attrs={"rows": 3}) for n in (
                       "description", "consequences", "measures", "delay_reasons")}}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from jalon.gdpr import selectors

        self.fields["activities"].queryset = selectors.activities(organisation)  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["activities"].initial = list(self.instance.activities.all())

    def _post_clean(self) -> None:
        pass

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in gdpr_services.BREACH_FIELDS}


class ConfirmPurgeForm(Accessible, forms.Form):
    records_purged = forms.IntegerField(label=_("Enregistrements purgés"), required=False,
                                        min_value=0)
    proof = forms.CharField(
        label=_("Preuve de la purge"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Méthode, requête ou procédure suivie, référence du journal."))


class HostingForm(Accessible, forms.ModelForm):  # type: ignore[type-arg]
    non_eu_law_exposure = _tristate(_("Soumis à un droit extra-européen"),
                                    _("Le prestataire ou sa maison mère relève-t-il d'une loi "
                                      "extra-européenne à portée extraterritoriale (CLOUD Act, "
                                      "FISA…) ?"))
    secnumcloud = _tristate(_("Qualifié SecNumCloud"))
    hds = _tristate(_("Certifié HDS"))
    open_source = _tristate(_("Logiciel libre"))
    open_export_format = _tristate(_("Export dans un format ouvert"))
    exit_clause = _tristate(_("Clause de réversibilité"))
    storage_country = forms.CharField(label=_("Pays de stockage"), required=False,
                                      max_length=60, help_text=_("Par exemple FR."))
    processing_country = forms.CharField(label=_("Pays de traitement"), required=False,
                                         max_length=60, help_text=_("Par exemple FR."))

    class Meta:
        model = HostingProfile
        fields = list(gdpr_services.HOSTING_FIELDS)

    def _post_clean(self) -> None:
        pass

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in gdpr_services.HOSTING_FIELDS}


class CampaignForm(Accessible, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TrainingCampaign
        fields = list(gdpr_services.CAMPAIGN_FIELDS)
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(),
                   "target_date": DateInput()}

    def _post_clean(self) -> None:
        pass

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in gdpr_services.CAMPAIGN_FIELDS}


class AttendanceForm(Accessible, forms.Form):
    file = forms.FileField(
        label=_("Feuille d'émargement (CSV)"),
        help_text=_("Une ligne par agent présent : colonne « matricule » (ou « courriel »), "
                    "et si possible « date ». Séparateur point-virgule ou virgule ; 2 Mo au "
                    "plus."))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Format non accepté : déposez un fichier .csv."))
        if upload.size > gdpr_services.MAX_ATTENDANCE_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 2 Mo."))
        return upload
