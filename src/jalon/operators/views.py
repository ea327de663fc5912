"""Operator pages for strategies: templates and indicator definitions an operator publishes
to its members (mounted at /operator/strategy/, namespace "operatorstrategy").

Only operator administrators (OperatorAdmin) reach these pages (`tenancy.scope.operator_view`);
anyone else gets a 404, and an administrator only ever sees the templates and definitions of the
operators they administer. Views parse, call `services` (writes, audited) or `selectors`
(reads) and render.
"""

from __future__ import annotations

import json

from django import forms as django_forms
from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jalon.operators import selectors, services
from jalon.operators.forms import DefinitionForm, TemplateCreateForm, TemplateEditForm
from jalon.tenancy.scope import OperatorRequest, operator_view


def _status(form: django_forms.BaseForm) -> int:
    return 400 if form.errors else 200


@operator_view
def index(request: OperatorRequest) -> HttpResponse:
    operators = request.operators
    return render(request, "operators/strategy/index.html", {
        "operators": operators,
        "templates": selectors.templates(operators),
        "definitions": selectors.definitions(operators),
        "builtins": selectors.builtin_choices(),
    })


@operator_view
def template_create(request: OperatorRequest) -> HttpResponse:
    operators = request.operators
    form = TemplateCreateForm(request.POST or None, operators=operators)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        operator = data.get("operator") or operators[0]
        try:
            template = services.create_template(request.user, operator, data["base"],
                                                data["title"], data["key"], data["published"])
        except (services.OperatorStrategyError, IntegrityError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Modèle « %(title)s » créé.") % {"title": template.title})
            return redirect("operatorstrategy:template_edit", pk=template.pk)
    return render(request, "operators/strategy/template_form.html",
                  {"form": form, "template": None}, status=_status(form))


@operator_view
def template_edit(request: OperatorRequest, pk: int) -> HttpResponse:
    template = selectors.template(request.operators, pk)
    initial = {"title": template.title, "published": template.published,
               "data": json.dumps(template.data, ensure_ascii=False, indent=2)}
    form = TemplateEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_template(request.user, template, title=form.cleaned_data["title"],
                                 data=form.cleaned_data["data"],
                                 published=form.cleaned_data["published"])
        messages.success(request, _("Modèle « %(title)s » enregistré.")
                         % {"title": template.title})
        return redirect("operatorstrategy:index")
    return render(request, "operators/strategy/template_form.html",
                  {"form": form, "template": template}, status=_status(form))


@require_POST
@operator_view
def template_publish(request: OperatorRequest, pk: int) -> HttpResponse:
    template = selectors.template(request.operators, pk)
    published = request.POST.get("published") == "1"
    services.set_template_published(request.user, template, published)
    messages.success(request, (_("Modèle « %(title)s » publié aux membres.") if published
                               else _("Modèle « %(title)s » retiré des membres."))
                     % {"title": template.title})
    return redirect("operatorstrategy:index")


@operator_view
def definition_create(request: OperatorRequest) -> HttpResponse:
    operators = request.operators
    form = DefinitionForm(request.POST or None, operators=operators)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.DEFINITION_FIELDS}
        operator = form.cleaned_data.get("operator") or operators[0]
        definition = services.create_definition(request.user, operator, **data)
        messages.success(request, _("Indicateur « %(name)s » publié aux membres.")
                         % {"name": definition.name})
        return redirect("operatorstrategy:index")
    return render(request, "operators/strategy/definition_form.html",
                  {"form": form, "definition": None}, status=_status(form))


@operator_view
def definition_edit(request: OperatorRequest, pk: int) -> HttpResponse:
    definition = selectors.definition(request.operators, pk)
    form = DefinitionForm(request.POST or None, instance=definition, with_shared=True)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.DEFINITION_FIELDS}
        # The form's instance was modified by validation: update from the database copy.
        services.update_definition(request.user, selectors.definition(request.operators, pk),
                                   shared=form.cleaned_data["shared"], **data)
        messages.success(request, _("Indicateur « %(name)s » enregistré.")
                         % {"name": data["name"]})
        return redirect("operatorstrategy:index")
    return render(request, "operators/strategy/definition_form.html",
                  {"form": form, "definition": definition}, status=_status(form))
