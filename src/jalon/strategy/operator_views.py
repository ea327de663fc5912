"""Operator pages for strategies: templates and indicator definitions an operator publishes
to its members (mounted at /operator/strategy/, namespace "operatorstrategy").

Only operator administrators (OperatorAdmin) reach these pages; anyone else gets a 404, and an
administrator only ever sees the templates and definitions of the operators they administer.
The writes below are small services (each one audited); views only parse and render.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jalon.accounts.selectors import administered_operators
from jalon.core.trajectory import Direction
from jalon.kit.forms import Accessible
from jalon.strategy import services
from jalon.strategy.models import IndicatorDefinition, StrategyTemplate
from jalon.tenancy import audit
from jalon.tenancy.models import Operator

# --------------------------------------------------------------------------------------------
# Built-in templates (data files of jalon.data.strategy_templates)
# --------------------------------------------------------------------------------------------


def builtin_templates() -> dict[str, dict[str, Any]]:
    """Jalon's built-in templates by key: {key: data}, the data as in the JSON file."""
    return dict(services.builtin_templates())


def template_title(data: dict[str, Any], key: str) -> str:
    return str(data.get("title") or data.get("name") or key)


# --------------------------------------------------------------------------------------------
# Services (audited)
# --------------------------------------------------------------------------------------------


class OperatorStrategyError(Exception):
    pass


def _unique_template_key(operator: Operator, wanted: str) -> str:
    base = slugify(wanted)[:90] or "modele"
    key, n = base, 1
    while StrategyTemplate.objects.filter(operator=operator, key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


def create_template(actor: Any, operator: Operator, base_key: str, title: str,
                    key: str = "", published: bool = False) -> StrategyTemplate:
    """A template of the operator, starting from a copy of a built-in template's JSON."""
    builtins = builtin_templates()
    if base_key not in builtins:
        raise OperatorStrategyError(_("Modèle de départ inconnu : %(key)s") % {"key": base_key})
    wanted = slugify(key or title)[:90]
    if wanted in builtins:
        raise OperatorStrategyError(_("L'identifiant %(key)s est celui d'un modèle intégré à "
                                      "Jalon : choisissez-en un autre.") % {"key": wanted})
    data = json.loads(json.dumps(builtins[base_key]))  # a deep copy
    with transaction.atomic():
        template_key = _unique_template_key(operator, key or title)
        if "title" in data:
            data["title"] = title
        if "key" in data:
            data["key"] = template_key
        template = StrategyTemplate.objects.create(
            operator=operator, key=template_key, title=title, data=data, published=published)
        audit.record(actor, "strategy.operator_template_created", None,
                     target=f"{operator.slug}/{template.key}", operator=operator.slug,
                     based_on=base_key, published=published)
    return template


def update_template(actor: Any, template: StrategyTemplate, *, title: str,
                    data: dict[str, Any], published: bool) -> StrategyTemplate:
    data = dict(data)
    if "title" in data:
        data["title"] = title
    changed = sorted(name for name, new in (("title", title), ("data", data),
                                            ("published", published))
                     if getattr(template, name) != new)
    with transaction.atomic():
        template.title, template.data, template.published = title, data, published
        template.save(update_fields=["title", "data", "published"])
        audit.record(actor, "strategy.operator_template_updated", None,
                     target=f"{template.operator.slug}/{template.key}",
                     operator=template.operator.slug, changed=changed)
    return template


def set_template_published(actor: Any, template: StrategyTemplate,
                           published: bool) -> StrategyTemplate:
    with transaction.atomic():
        template.published = published
        template.save(update_fields=["published"])
        audit.record(actor, "strategy.operator_template_"
                     + ("published" if published else "unpublished"), None,
                     target=f"{template.operator.slug}/{template.key}",
                     operator=template.operator.slug)
    return template


DEFINITION_FIELDS = ("name", "unit", "precision", "direction", "description", "method",
                     "source")


def create_definition(actor: Any, operator: Operator, key: str = "",
                      **fields: Any) -> IndicatorDefinition:
    """An indicator definition owned by the operator and shared with its members."""
    base = slugify(key or fields.get("name", ""))[:90] or "indicateur"
    key, n = base, 1
    while IndicatorDefinition.objects.filter(operator=operator, organisation__isnull=True,
                                             key=key).exists():
        n += 1
        key = f"{base}-{n}"
    with transaction.atomic():
        definition = IndicatorDefinition.objects.create(
            operator=operator, organisation=None, key=key, shared=True,
            **{name: fields[name] for name in DEFINITION_FIELDS if name in fields})
        audit.record(actor, "strategy.operator_definition_created", None,
                     target=f"{operator.slug}/{definition.key}", operator=operator.slug)
    return definition


def update_definition(actor: Any, definition: IndicatorDefinition, *, shared: bool,
                      **fields: Any) -> IndicatorDefinition:
    changed = sorted(name for name in (*DEFINITION_FIELDS, "shared")
                     if getattr(definition, name) != (shared if name == "shared"
                                                      else fields.get(name)))
    with transaction.atomic():
        for name in DEFINITION_FIELDS:
            if name in fields:
                setattr(definition, name, fields[name])
        definition.shared = shared
        definition.save()
        operator = definition.operator
        if operator is None:
            raise ValueError("only an operator's definitions are edited here")
        audit.record(actor, "strategy.operator_definition_updated", None,
                     target=f"{operator.slug}/{definition.key}",
                     operator=operator.slug, changed=changed)
    return definition


# --------------------------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------------------------


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
        cast(forms.ChoiceField, self.fields["base"]).choices = [
            (key, template_title(data, key)) for key, data in builtin_templates().items()]
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


# --------------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------------


def _operators(request: HttpRequest) -> Any:
    operators = administered_operators(request.user)
    if not operators.exists():
        raise Http404("Not an operator administrator")
    return operators


def _template(request: HttpRequest, pk: int) -> StrategyTemplate:
    return get_object_or_404(StrategyTemplate.objects.select_related("operator"), pk=pk,
                             operator__in=_operators(request))


def _definition(request: HttpRequest, pk: int) -> IndicatorDefinition:
    return get_object_or_404(IndicatorDefinition.objects.select_related("operator"), pk=pk,
                             operator__in=_operators(request), organisation__isnull=True)


def _status(form: forms.BaseForm) -> int:
    return 400 if form.errors else 200


@login_required
def index(request: HttpRequest) -> HttpResponse:
    operators = _operators(request)
    return render(request, "strategy/operator/index.html", {
        "operators": operators,
        "templates": StrategyTemplate.objects.filter(operator__in=operators)
        .select_related("operator").order_by("operator__name", "title"),
        "definitions": IndicatorDefinition.objects.filter(
            operator__in=operators, organisation__isnull=True)
        .select_related("operator").order_by("operator__name", "name"),
        "builtins": [(key, template_title(data, key))
                     for key, data in builtin_templates().items()],
    })


@login_required
def template_create(request: HttpRequest) -> HttpResponse:
    operators = _operators(request)
    form = TemplateCreateForm(request.POST or None, operators=operators)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        operator = data.get("operator") or operators.first()
        try:
            template = create_template(request.user, operator, data["base"], data["title"],
                                       data["key"], data["published"])
        except (OperatorStrategyError, IntegrityError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Modèle « %(title)s » créé.") % {"title": template.title})
            return redirect("operatorstrategy:template_edit", pk=template.pk)
    return render(request, "strategy/operator/template_form.html",
                  {"form": form, "template": None}, status=_status(form))


@login_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    initial = {"title": template.title, "published": template.published,
               "data": json.dumps(template.data, ensure_ascii=False, indent=2)}
    form = TemplateEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        update_template(request.user, template, title=form.cleaned_data["title"],
                        data=form.cleaned_data["data"],
                        published=form.cleaned_data["published"])
        messages.success(request, _("Modèle « %(title)s » enregistré.")
                         % {"title": template.title})
        return redirect("operatorstrategy:index")
    return render(request, "strategy/operator/template_form.html",
                  {"form": form, "template": template}, status=_status(form))


@require_POST
@login_required
def template_publish(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    published = request.POST.get("published") == "1"
    set_template_published(request.user, template, published)
    messages.success(request, (_("Modèle « %(title)s » publié aux membres.") if published
                               else _("Modèle « %(title)s » retiré des membres."))
                     % {"title": template.title})
    return redirect("operatorstrategy:index")


@login_required
def definition_create(request: HttpRequest) -> HttpResponse:
    operators = _operators(request)
    form = DefinitionForm(request.POST or None, operators=operators)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in DEFINITION_FIELDS}
        operator = form.cleaned_data.get("operator") or operators.first()
        definition = create_definition(request.user, operator, **data)
        messages.success(request, _("Indicateur « %(name)s » publié aux membres.")
                         % {"name": definition.name})
        return redirect("operatorstrategy:index")
    return render(request, "strategy/operator/definition_form.html",
                  {"form": form, "definition": None}, status=_status(form))


@login_required
def definition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    definition = _definition(request, pk)
    form = DefinitionForm(request.POST or None, instance=definition, with_shared=True)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in DEFINITION_FIELDS}
        # The form's instance was modified by validation: update from the database copy.
        update_definition(request.user, _definition(request, pk),
                          shared=form.cleaned_data["shared"], **data)
        messages.success(request, _("Indicateur « %(name)s » enregistré.")
                         % {"name": data["name"]})
        return redirect("operatorstrategy:index")
    return render(request, "strategy/operator/definition_form.html",
                  {"form": form, "definition": definition}, status=_status(form))
