"""Strategy pages: the strategy and its tree, the team view of indicators, indicator pages.

Thin: scope (organisation_view), form, selector or service, template. Computed indicators are
brought up to date lazily when a page shows them (services.recompute_computed_indicators).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jalon.publishing import services as publishing_services
from jalon.strategy import presenters, selectors, services, status, tasks
from jalon.strategy.forms import (
    ActionForm,
    AxisForm,
    CreateStrategyForm,
    IndicatorFilterForm,
    IndicatorForm,
    ObjectiveForm,
    StrategyForm,
    ValueForm,
    indicator_initial,
)
from jalon.strategy.models import ActionStatus, Objective, Strategy
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.scope import OrganisationRequest, has, organisation_view

INDICATORS_PER_PAGE = 15
VALUES_PER_PAGE = 10
MAX_CHART_YEARS = 12


def _can_edit(request: OrganisationRequest) -> bool:
    return has(request, Capability.EDIT_STRATEGY)


def _strategy_or_404(request: OrganisationRequest) -> Strategy:
    from django.http import Http404

    found = selectors.current_strategy(request.organisation)
    if found is None:
        raise Http404("No strategy yet")
    return found


def _index_url(request: OrganisationRequest) -> str:
    return reverse("strategy:index", args=[request.organisation.slug])


# --------------------------------------------------------------------------- strategy


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def index(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    current = selectors.current_strategy(organisation)
    if current is None:
        return _render_create(request, None)
    services.recompute_computed_indicators(organisation)
    statuses = status.strategy_statuses(current)
    counts: dict[str, int] = {}
    for item in statuses:
        counts[item.status] = counts.get(item.status, 0) + 1
    summary = [(status.STATUS_SYMBOLS[s], status.STATUS_LABELS[s], counts.get(s, 0))
               for s in status.STATUS_ORDER if counts.get(s)]
    return render(request, "strategy/index.html", {
        "strategy": current, "tree": selectors.strategy_tree(current),
        "summary": summary, "indicator_count": len(statuses), "can_edit": _can_edit(request),
        "can_publish": has(request, Capability.PUBLISH), "public": selectors.is_public(current),
        "template_title": selectors_title(organisation, current.template_key),
    })


@organisation_view(capability=Capability.PUBLISH)
@require_POST
def publish(request: OrganisationRequest) -> HttpResponse:
    """Publication is an administrator's decision, like the footprint page's."""
    _strategy_or_404(request)
    public = request.POST.get("public") == "1"
    publishing_services.set_published(request.user, request.organisation, selectors.STRATEGY,
                                      public)
    messages.success(request, _("La stratégie est publiée : page publique, données ouvertes et "
                                "rapports annuels sont en ligne.") if public else
                     _("La stratégie n'est plus publiée."))
    return redirect(_index_url(request))


def selectors_title(organisation: Any, key: str) -> str:
    for choice in selectors.available_templates(organisation):
        if choice.key == key:
            return choice.title
    return key


def _render_create(request: OrganisationRequest, form: CreateStrategyForm | None,
                   status_code: int = 200) -> HttpResponse:
    templates = selectors.available_templates(request.organisation)
    form = form or CreateStrategyForm(templates=templates)
    return render(request, "strategy/create.html", {
        "form": form, "templates": templates, "can_edit": _can_edit(request)},
        status=status_code)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_POST
def create(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    templates = selectors.available_templates(organisation)
    form = CreateStrategyForm(request.POST, templates=templates)
    if not form.is_valid():
        return _render_create(request, form, 400)
    data = form.cleaned_data
    services.create_from_template(
        request.user, organisation, data["template"], title=data["title"],
        period_start=data["period_start"], period_end=data["period_end"],
        adopted_on=data["adopted_on"], deliberation=data["deliberation"])
    messages.success(request, _("Stratégie créée à partir du modèle."))
    return redirect(_index_url(request))


def _form_page(request: HttpRequest, form: Any, *, title: str, back: str,
               status_code: int = 200, intro: str = "") -> HttpResponse:
    return render(request, "strategy/form.html", {
        "form": form, "title": title, "back": back, "intro": intro}, status=status_code)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def strategy_edit(request: OrganisationRequest) -> HttpResponse:
    current = _strategy_or_404(request)
    form = StrategyForm(request.POST or None, instance=Strategy.objects.get(pk=current.pk))
    if request.method == "POST" and form.is_valid():
        services.update_strategy(request.user, current, **form.cleaned_data)
        messages.success(request, _("Stratégie mise à jour."))
        return redirect(_index_url(request))
    return _form_page(request, form, title=_("Modifier la stratégie"), back=_index_url(request),
                      status_code=400 if request.method == "POST" else 200)


def _confirm_delete(request: HttpRequest, *, title: str, name: str, back: str) -> HttpResponse:
    return render(request, "strategy/confirm_delete.html",
                  {"title": title, "name": name, "back": back})


# --------------------------------------------------------------------------- axes


def _axis_url(request: OrganisationRequest, axis_id: int) -> str:
    return reverse("strategy:axis", args=[request.organisation.slug, axis_id])


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def axis_detail(request: OrganisationRequest, pk: int) -> HttpResponse:
    axis = selectors.axis(request.organisation, pk)
    node = next(n for n in selectors.strategy_tree(axis.strategy) if n.axis.pk == axis.pk)
    return render(request, "strategy/axis.html", {
        "axis": axis, "node": node, "can_edit": _can_edit(request),
        "status_labels": dict(ActionStatus.choices)})


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def axis_new(request: OrganisationRequest) -> HttpResponse:
    current = _strategy_or_404(request)
    form = AxisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        axis = services.add_axis(request.user, current, **form.cleaned_data)
        messages.success(request, _("Axe ajouté."))
        return redirect(_axis_url(request, axis.pk))
    return _form_page(request, form, title=_("Ajouter un axe"), back=_index_url(request),
                      status_code=400 if request.method == "POST" else 200)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def axis_edit(request: OrganisationRequest, pk: int) -> HttpResponse:
    axis = selectors.axis(request.organisation, pk)
    form = AxisForm(request.POST or None, instance=selectors.axis(request.organisation, pk))
    if request.method == "POST" and form.is_valid():
        services.update_axis(request.user, axis, **form.cleaned_data)
        messages.success(request, _("Axe mis à jour."))
        return redirect(_axis_url(request, axis.pk))
    return _form_page(request, form, title=_("Modifier l'axe"), back=_axis_url(request, pk),
                      status_code=400 if request.method == "POST" else 200)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def axis_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    axis = selectors.axis(request.organisation, pk)
    if request.method == "POST":
        services.delete_axis(request.user, axis)
        messages.success(request, _("Axe supprimé, avec ses objectifs et actions."))
        return redirect(_index_url(request))
    return _confirm_delete(request, title=_("Supprimer l'axe"), name=axis.title,
                           back=_axis_url(request, pk))


# --------------------------------------------------------------------------- objectives


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def objective_new(request: OrganisationRequest, pk: int) -> HttpResponse:
    axis = selectors.axis(request.organisation, pk)
    initial = {}
    parent_id = request.GET.get("parent", "")
    if parent_id.isdigit():
        initial["parent"] = Objective.objects.filter(axis=axis, pk=int(parent_id)).first()
    form = ObjectiveForm(request.POST or None, axis=axis, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.add_objective(request.user, axis, **form.cleaned_data)
        messages.success(request, _("Objectif ajouté."))
        return redirect(_axis_url(request, axis.pk))
    return _form_page(request, form, title=_("Ajouter un objectif"),
                      back=_axis_url(request, axis.pk), intro=axis.title,
                      status_code=400 if request.method == "POST" else 200)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def objective_edit(request: OrganisationRequest, pk: int) -> HttpResponse:
    objective = selectors.objective(request.organisation, pk)
    form = ObjectiveForm(request.POST or None, axis=objective.axis,
                         instance=selectors.objective(request.organisation, pk))
    if request.method == "POST" and form.is_valid():
        parent = form.cleaned_data.pop("parent")
        services.update_objective(request.user, objective, **form.cleaned_data)
        if parent != objective.parent:
            Objective.objects.filter(pk=objective.pk).update(parent=parent)
        messages.success(request, _("Objectif mis à jour."))
        return redirect(_axis_url(request, objective.axis_id))
    return _form_page(request, form, title=_("Modifier l'objectif"),
                      back=_axis_url(request, objective.axis_id),
                      status_code=400 if request.method == "POST" else 200)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def objective_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    objective = selectors.objective(request.organisation, pk)
    back = _axis_url(request, objective.axis_id)
    if request.method == "POST":
        services.delete_objective(request.user, objective)
        messages.success(request, _("Objectif supprimé, avec ses sous-objectifs et actions."))
        return redirect(back)
    return _confirm_delete(request, title=_("Supprimer l'objectif"), name=objective.title,
                           back=back)


# --------------------------------------------------------------------------- actions


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def action_new(request: OrganisationRequest, pk: int) -> HttpResponse:
    objective = selectors.objective(request.organisation, pk)
    form = ActionForm(request.POST or None)
    back = _axis_url(request, objective.axis_id)
    if request.method == "POST" and form.is_valid():
        services.add_action(request.user, objective, **form.cleaned_data)
        messages.success(request, _("Action ajoutée."))
        return redirect(back)
    return _form_page(request, form, title=_("Ajouter une action"), back=back,
                      intro=objective.title,
                      status_code=400 if request.method == "POST" else 200)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def action_edit(request: OrganisationRequest, pk: int) -> HttpResponse:
    action = selectors.action(request.organisation, pk)
    form = ActionForm(request.POST or None,
                      instance=selectors.action(request.organisation, pk))
    back = _axis_url(request, action.objective.axis_id)
    if request.method == "POST" and form.is_valid():
        services.update_action(request.user, action, **form.cleaned_data)
        messages.success(request, _("Action mise à jour."))
        return redirect(back)
    return _form_page(request, form, title=_("Modifier l'action"), back=back,
                      status_code=400 if request.method == "POST" else 200)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def action_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    action = selectors.action(request.organisation, pk)
    back = _axis_url(request, action.objective.axis_id)
    if request.method == "POST":
        services.delete_action(request.user, action)
        messages.success(request, _("Action supprimée."))
        return redirect(back)
    return _confirm_delete(request, title=_("Supprimer l'action"), name=action.title,
                           back=back)


# --------------------------------------------------------------------------- indicators


def _sort_key(sort: str) -> Any:
    far = dt.date.min

    def by_date(item: status.IndicatorStatus) -> dt.date:
        return item.latest.date if item.latest else far

    keys = {
        "name": lambda i: i.definition.name.lower(),
        "status": lambda i: (status.STATUS_ORDER[i.status], i.definition.name.lower()),
        "date": by_date,
    }
    return keys.get(sort.lstrip("-"), keys["name"])


def filter_statuses(items: list[status.IndicatorStatus], filters: dict[str, Any]
                    ) -> list[status.IndicatorStatus]:
    """The team view's filters (axis, status, target kind, computed/manual) and sort."""
    if filters.get("axis"):
        items = [i for i in items if i.indicator.objective
                 and i.indicator.objective.axis_id == filters["axis"]]
    if filters.get("status"):
        items = [i for i in items if i.status == filters["status"]]
    if filters.get("kind"):
        items = [i for i in items if i.indicator.target_defined
                 and i.indicator.target_kind == filters["kind"]]
    if filters.get("origin") == "computed":
        items = [i for i in items if i.definition.computed]
    elif filters.get("origin") == "manual":
        items = [i for i in items if not i.definition.computed]
    sort = filters.get("sort") or "name"
    return sorted(items, key=_sort_key(sort), reverse=sort.startswith("-"))


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def indicator_list(request: OrganisationRequest) -> HttpResponse:
    current = _strategy_or_404(request)
    services.recompute_computed_indicators(request.organisation)
    form = IndicatorFilterForm(request.GET or None, axes=list(current.axes.all()))
    items = filter_statuses(status.strategy_statuses(current), form.values())
    page = Paginator(items, INDICATORS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "strategy/indicators.html", {
        "strategy": current, "form": form, "page": page, "page_base": query.urlencode(),
        "can_edit": _can_edit(request)})


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def indicator_new(request: OrganisationRequest) -> HttpResponse:
    current = _strategy_or_404(request)
    organisation = request.organisation
    form = IndicatorForm(request.POST or None,
                         definitions=selectors.available_definitions(organisation),
                         objectives=Objective.objects.filter(axis__strategy=current))
    if request.method == "POST" and form.is_valid():
        definition = form.cleaned_data["definition"]
        if definition is None:
            # The service makes the key unique among the organisation's definitions.
            definition = services.create_definition(request.user, organisation,
                                                     **form.definition_values())
        indicator = services.add_indicator(request.user, current, definition,
                                           **form.indicator_values())
        messages.success(request, _("Indicateur ajouté."))
        return redirect("strategy:indicator", organisation.slug, indicator.pk)
    return render(request, "strategy/indicator_form.html", {
        "form": form, "title": _("Ajouter un indicateur"),
        "back": reverse("strategy:indicators", args=[organisation.slug])},
        status=400 if request.method == "POST" else 200)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def indicator_edit(request: OrganisationRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    indicator = selectors.indicator(organisation, pk)
    form = IndicatorForm(request.POST or None, initial=indicator_initial(indicator),
                         definitions=selectors.available_definitions(organisation),
                         objectives=Objective.objects.filter(axis__strategy=indicator.strategy),
                         editing=True)
    back = reverse("strategy:indicator", args=[organisation.slug, pk])
    if request.method == "POST" and form.is_valid():
        services.update_indicator(request.user, indicator, **form.indicator_values())
        messages.success(request, _("Cible mise à jour."))
        return redirect(back)
    return render(request, "strategy/indicator_form.html", {
        "form": form, "title": _("Modifier l'indicateur"), "back": back,
        "definition": indicator.definition},
        status=400 if request.method == "POST" else 200)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def indicator_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    indicator = selectors.indicator(organisation, pk)
    if request.method == "POST":
        services.delete_indicator(request.user, indicator)
        messages.success(request, _("Indicateur retiré de la stratégie."))
        return redirect("strategy:indicators", organisation.slug)
    return _confirm_delete(request, title=_("Retirer l'indicateur"),
                           name=indicator.definition.name,
                           back=reverse("strategy:indicator", args=[organisation.slug, pk]))


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def indicator_detail(request: OrganisationRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    services.recompute_computed_indicators(organisation)
    indicator = selectors.indicator(organisation, pk)
    return _render_indicator(request, indicator, ValueForm(initial={
        "date": timezone.localdate()}))


def _render_indicator(request: OrganisationRequest, indicator: Any, form: ValueForm,
                      status_code: int = 200) -> HttpResponse:
    item = status.assess_indicator(indicator)
    page = Paginator(list(reversed(item.values)), VALUES_PER_PAGE).get_page(
        request.GET.get("page"))
    for entry in page.object_list:
        # An attribute for the template only, on the page's model instances.
        entry.display = status.format_value(  # type: ignore[attr-defined]
            item.definition, entry.value)
    chart = presenters.indicator_chart(item)
    return render(request, "strategy/indicator.html", {
        "item": item, "indicator": indicator, "definition": item.definition, "page": page,
        "chart": chart.svg, "chart_rows": chart.rows, "form": form,
        "can_edit": _can_edit(request), "manual": not item.definition.computed,
        "kind_label": status.KIND_LABELS.get(indicator.target_kind, ""),
        "baseline": status.baseline_text(indicator)}, status=status_code)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_POST
def indicator_value(request: OrganisationRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    indicator = selectors.indicator(organisation, pk)
    form = ValueForm(request.POST)
    if indicator.definition.computed:
        form.add_error(None, _("Les valeurs de cet indicateur sont calculées depuis "
                               "l'inventaire."))
    if not form.is_valid():
        return _render_indicator(request, indicator, form, 400)
    services.add_value(request.user, indicator, **form.cleaned_data)
    messages.success(request, _("Valeur enregistrée."))
    return redirect("strategy:indicator", organisation.slug, indicator.pk)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_POST
def recompute(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    tasks.recompute_indicators.enqueue(organisation.pk)
    messages.success(request, _("Recalcul des indicateurs de l'inventaire lancé."))
    return redirect("strategy:indicators", organisation.slug)
