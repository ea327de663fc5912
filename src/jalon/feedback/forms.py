"""Forms of the feedback pages: the public answer form, built from a form version's questions;
the editor of the questions; the form's settings. Validation only: writes go through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.feedback import questions as q
from jalon.feedback import services
from jalon.feedback.models import FeedbackForm, FormVersion, Source
from jalon.kit.forms import Accessible


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _field(question: dict[str, Any]) -> forms.Field:
    kind = question["kind"]
    common: dict[str, Any] = {"label": question["label"], "required": question["required"],
                              "help_text": question.get("help", "")}
    if kind == q.TEXT:
        return forms.CharField(max_length=q.MAX_TEXT_ANSWER, widget=forms.Textarea(
            attrs={"rows": 5, "maxlength": q.MAX_TEXT_ANSWER}), **common)
    if kind == q.MULTI:
        return forms.MultipleChoiceField(choices=q.options(question),
                                         widget=forms.CheckboxSelectMultiple, **common)
    return forms.ChoiceField(choices=q.options(question), widget=forms.RadioSelect, **common)


class AnswerFormBase(Accessible, forms.Form):
    version: FormVersion  # set on the class built for a version

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        tried = data.get(q.CONTACT_TRIED) or []
        if q.NO_HELP in tried and len(tried) > 1:
            self.add_error(q.CONTACT_TRIED, _("« Je n'ai pas eu besoin d'aide » ne se coche "
                                              "pas avec un moyen d'aide : décochez l'un ou "
                                              "l'autre."))
        data["form_version"] = self.version.pk
        return data


def answer_form_class(version: FormVersion, source: str = "") -> type[forms.Form]:
    """The public form of a version: one field per question, in order; `source` (how the
    visitor came: button, link, widget) travels in a hidden field."""
    fields: dict[str, forms.Field] = {
        question["code"]: _field(question) for question in version.questions}
    fields["source"] = forms.ChoiceField(
        choices=Source.choices, required=False, widget=forms.HiddenInput,
        initial=source if source in Source.values else Source.DIRECT)
    attrs: dict[str, Any] = {**fields, "version": version}
    return type("AnswerForm", (AnswerFormBase,), attrs)


class SettingsForm(Accessible, forms.Form):
    active = forms.BooleanField(label=gettext_lazy("Formulaire ouvert aux réponses"),
                                required=False)
    intro = forms.CharField(
        label=gettext_lazy("Texte d'introduction"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Affiché en haut de la page de réponse, par exemple pour dire à "
                               "quoi serviront les avis."))
    button_placed_on = forms.DateField(
        label=gettext_lazy("Bouton mis en ligne le"), required=False, widget=DateInput(),
        help_text=gettext_lazy("Vide tant que le bouton n'est pas placé sur le service : le "
                               "taux de services équipés d'un bouton compte cette date."))
    button_location = forms.CharField(
        label=gettext_lazy("Page où le bouton est placé"), required=False, max_length=500,
        help_text=gettext_lazy("Par exemple https://demarches.exemple.fr/fin-de-demarche"))

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in services.SETTINGS}

    @classmethod
    def initial_for(cls, form: FeedbackForm) -> dict[str, Any]:
        return {name: getattr(form, name) for name in services.SETTINGS}


class EnableForm(Accessible, forms.Form):
    service = forms.TypedChoiceField(label=gettext_lazy("Service"), coerce=int)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = choices  # type: ignore[attr-defined]


class QuestionsForm(Accessible, forms.Form):
    """The questions of the current version, each kept or removed and reworded, and one new
    question. `questions()` gives the list for services.save_questions."""

    new_kind = forms.ChoiceField(
        label=gettext_lazy("Type de la nouvelle question"), required=False,
        choices=[("", gettext_lazy("Aucune question à ajouter")),
                 *q.CUSTOM_KINDS.items()])
    new_label = forms.CharField(label=gettext_lazy("Intitulé de la nouvelle question"),
                                required=False, max_length=q.MAX_LABEL)
    new_help = forms.CharField(label=gettext_lazy("Aide de la nouvelle question"),
                               required=False, max_length=q.MAX_HELP)
    new_options = forms.CharField(
        label=gettext_lazy("Réponses possibles de la nouvelle question"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Pour un choix unique ou multiple : une réponse par ligne."))
    new_required = forms.BooleanField(label=gettext_lazy("Réponse obligatoire"),
                                      required=False)

    def __init__(self, *args: Any, current: list[dict[str, Any]], **kwargs: Any) -> None:
        self.current = current
        super().__init__(*args, **kwargs)
        extra: dict[str, forms.Field] = {}
        for position, question in enumerate(current, 1):
            code = question["code"]
            name = _("Question %(n)d") % {"n": position}
            extra[f"keep_{code}"] = forms.BooleanField(
                label=_("%(name)s : garder") % {"name": name}, required=False,
                initial=True, disabled=code == q.SATISFACTION)
            extra[f"label_{code}"] = forms.CharField(
                label=_("%(name)s : intitulé") % {"name": name}, max_length=q.MAX_LABEL,
                initial=question["label"])
            extra[f"help_{code}"] = forms.CharField(
                label=_("%(name)s : aide") % {"name": name}, max_length=q.MAX_HELP,
                required=False, initial=question.get("help", ""))
            if not question.get("standard"):
                extra[f"required_{code}"] = forms.BooleanField(
                    label=_("%(name)s : réponse obligatoire") % {"name": name},
                    required=False, initial=question.get("required", False))
            if question["kind"] in (q.CHOICE, q.MULTI) and not question.get("standard"):
                extra[f"options_{code}"] = forms.CharField(
                    label=_("%(name)s : réponses possibles (une par ligne)") % {"name": name},
                    widget=forms.Textarea(attrs={"rows": 3}),
                    initial="\n".join(question.get("options", [])))
        # The questions first, then the new one.
        new = {k: self.fields.pop(k) for k in list(self.fields)}
        self.fields.update(extra)
        self.fields.update(new)
        self._describe()

    def rows(self) -> list[dict[str, Any]]:
        """Per question, its bound fields (for the template)."""
        out = []
        for question in self.current:
            code = question["code"]
            out.append({"question": question,
                        "fields": [self[f"{prefix}_{code}"] for prefix in
                                   ("keep", "label", "help", "required", "options")
                                   if f"{prefix}_{code}" in self.fields]})
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_kind") and not (data.get("new_label") or "").strip():
            self.add_error("new_label", _("Indiquez l'intitulé de la question à ajouter."))
        return data

    def questions(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        out: list[dict[str, Any]] = []
        for question in self.current:
            code = question["code"]
            if code != q.SATISFACTION and not data.get(f"keep_{code}"):
                continue
            item = {**question, "label": data.get(f"label_{code}", question["label"]),
                    "help": data.get(f"help_{code}", "")}
            if f"required_{code}" in data:
                item["required"] = bool(data[f"required_{code}"])
            if f"options_{code}" in data:
                item["options"] = [line.strip() for line in
                                   (data[f"options_{code}"] or "").splitlines() if line.strip()]
            out.append(item)
        if data.get("new_kind"):
            out.append({"kind": data["new_kind"], "label": data.get("new_label", ""),
                        "help": data.get("new_help", ""),
                        "required": bool(data.get("new_required")),
                        "options": [line.strip() for line in
                                    (data.get("new_options") or "").splitlines()
                                    if line.strip()]})
        return out

    def save_errors(self, error: ValidationError) -> None:
        for message in error.messages:
            self.add_error(None, message)


class CommentFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Rechercher dans les commentaires"),
                        required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}))
    service = forms.TypedChoiceField(label=gettext_lazy("Service"), required=False,
                                     coerce=int, empty_value=None)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Tous")), *choices]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {"q": "", "service": None}
        return {"q": self.cleaned_data.get("q") or "",
                "service": self.cleaned_data.get("service")}
