"""Strategy pages: the strategy and its tree, the team view of indicators, indicator pages.

Thin: scope (organisation_view), form, selector or service, template. Computed indicators are
brought up to date lazily when a page shows them (services.recompute_computed_indicators).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jalon.kit import related
from jalon.kit import views as kit_views
from jalon.publishing import services as publishing_services
from jalon.strategy import presenters, selectors, services, status, tasks
from jalon.strategy.forms import (
    ActionForm,
    AxisForm,
    CreateStrategyForm,
    IndicatorFilterForm,
    IndicatorForm,
    ObjectiveForm,
    RecomputeYearForm,
    StrategyForm,
    ValueForm,
    indicator_initial,
)
from jalon.strategy.models import ActionStatus, Indicator, Objective, Strategy
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.scope import OrganisationRequest, has, organisation_view

INDICATORS_PER_PAGE = 15
VALUES_PER_PAGE = 10
INDICATOR_FORM = "strategy/indicator_form.html"
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


def _indicator_url(request: OrganisationRequest, pk: int) -> str:
    return reverse("strategy:indicator", args=[request.organisation.slug, pk])


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
    if (asked := kit_views.confirm_withdrawal(request, _("Stratégie"), _index_url(request))):
        return asked
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


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def strategy_edit(request: OrganisationRequest) -> HttpResponse:
    current = _strategy_or_404(request)
    return kit_views.edit(
        request, selectors.strategies(request.organisation), current.pk, StrategyForm,
        service=lambda strategy, form: services.update_strategy(request.user, strategy,
                                                                **form.cleaned_data),
        success_url=_index_url(request), message=_("Stratégie mise à jour."), template=FORM,
        context={"title": _("Modifier la stratégie"), "back": _index_url(request)})


FORM = "strategy/form.html"
CONFIRM_DELETE = "strategy/confirm_delete.html"


# --------------------------------------------------------------------------- axes


def _axis_url(request: OrganisationRequest, axis_id: int) -> str:
    return reverse("strategy:axis", args=[request.organisation.slug, axis_id])


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def axis_detail(request: OrganisationRequest, pk: int) -> HttpResponse:
    axis = selectors.axis(request.organisation, pk)
    node = next(n for n in selectors.strategy_tree(axis.strategy) if n.axis.pk == axis.pk)
    _with_related(node.objectives, request.organisation.pk)
    return render(request, "strategy/axis.html", {
        "axis": axis, "node": node, "can_edit": _can_edit(request),
        "status_labels": dict(ActionStatus.choices)})


def _with_related(nodes: list[Any], organisation_id: int) -> None:
    """Each action's records in other domains (saved scenarios…), through jalon.kit.related;
    attributes for the template only."""
    for node in nodes:
        for action in node.actions:
            action.organisation_id = organisation_id  # what the providers scope on
            action.related = related.links("strategy.action", action)
        _with_related(node.children, organisation_id)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def axis_new(request: OrganisationRequest) -> HttpResponse:
    current = _strategy_or_404(request)
    return kit_views.create(
        request, AxisForm,
        service=lambda form: services.add_axis(request.user, current, **form.cleaned_data),
        success_url=lambda axis: _axis_url(request, axis.pk), message=_("Axe ajouté."),
        template=FORM, context={"title": _("Ajouter un axe"), "back": _index_url(request)})


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def axis_edit(request: OrganisationRequest, pk: int) -> HttpResponse:
    return kit_views.edit(
        request, selectors.axes(request.organisation), pk, AxisForm,
        service=lambda axis, form: services.update_axis(request.user, axis, **form.cleaned_data),
        success_url=_axis_url(request, pk), message=_("Axe mis à jour."), template=FORM,
        context={"title": _("Modifier l'axe"), "back": _axis_url(request, pk)})


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def axis_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    return kit_views.delete(
        request, selectors.axes(request.organisation), pk,
        service=lambda axis: services.delete_axis(request.user, axis),
        success_url=_index_url(request),
        message=_("Axe supprimé, avec ses objectifs et actions."), template=CONFIRM_DELETE,
        context=lambda axis: {"title": _("Supprimer l'axe"), "name": axis.title,
                              "back": _axis_url(request, pk)})


# --------------------------------------------------------------------------- objectives


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def objective_new(request: OrganisationRequest, pk: int) -> HttpResponse:
    axis = selectors.axis(request.organisation, pk)
    initial = {}
    parent_id = request.GET.get("parent", "")
    if parent_id.isdigit():
        initial["parent"] = Objective.objects.filter(axis=axis, pk=int(parent_id)).first()
    back = _axis_url(request, axis.pk)
    return kit_views.create(
        request, ObjectiveForm,
        service=lambda form: services.add_objective(request.user, axis, **form.cleaned_data),
        success_url=back, message=_("Objectif ajouté."), template=FORM,
        context={"title": _("Ajouter un objectif"), "back": back, "intro": axis.title},
        form_kwargs={"axis": axis, "initial": initial})


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def objective_edit(request: OrganisationRequest, pk: int) -> HttpResponse:
    def save(objective: Objective, form: ObjectiveForm) -> None:
        parent = form.cleaned_data.pop("parent")
        services.update_objective(request.user, objective, **form.cleaned_data)
        if parent != objective.parent:
            Objective.objects.filter(pk=objective.pk).update(parent=parent)

    return kit_views.edit(
        request, selectors.objectives(request.organisation), pk, ObjectiveForm, service=save,
        success_url=lambda objective: _axis_url(request, objective.axis_id),
        message=_("Objectif mis à jour."), template=FORM,
        context=lambda objective: {"title": _("Modifier l'objectif"),
                                   "back": _axis_url(request, objective.axis_id)},
        form_kwargs=lambda objective: {"axis": objective.axis})


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def objective_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    return kit_views.delete(
        request, selectors.objectives(request.organisation), pk,
        service=lambda objective: services.delete_objective(request.user, objective),
        success_url=lambda objective: _axis_url(request, objective.axis_id),
        message=_("Objectif supprimé, avec ses sous-objectifs et actions."),
        template=CONFIRM_DELETE,
        context=lambda objective: {"title": _("Supprimer l'objectif"), "name": objective.title,
                                   "back": _axis_url(request, objective.axis_id)})


# --------------------------------------------------------------------------- actions


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def action_new(request: OrganisationRequest, pk: int) -> HttpResponse:
    objective = selectors.objective(request.organisation, pk)
    back = _axis_url(request, objective.axis_id)
    return kit_views.create(
        request, ActionForm,
        service=lambda form: services.add_action(request.user, objective, **form.cleaned_data),
        success_url=back, message=_("Action ajoutée."), template=FORM,
        context={"title": _("Ajouter une action"), "back": back, "intro": objective.title})


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def action_edit(request: OrganisationRequest, pk: int) -> HttpResponse:
    return kit_views.edit(
        request, selectors.actions(request.organisation), pk, ActionForm,
        service=lambda action, form: services.update_action(request.user, action,
                                                            **form.cleaned_data),
        success_url=lambda action: _axis_url(request, action.objective.axis_id),
        message=_("Action mise à jour."), template=FORM,
        context=lambda action: {"title": _("Modifier l'action"),
                                "back": _axis_url(request, action.objective.axis_id)})


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def action_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    return kit_views.delete(
        request, selectors.actions(request.organisation), pk,
        service=lambda action: services.delete_action(request.user, action),
        success_url=lambda action: _axis_url(request, action.objective.axis_id),
        message=_("Action supprimée."), template=CONFIRM_DELETE,
        context=lambda action: {"title": _("Supprimer l'action"), "name": action.title,
                                "back": _axis_url(request, action.objective.axis_id)})


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

    def save(form: IndicatorForm) -> Indicator:
        definition = form.cleaned_data["definition"]
        if definition is None:
            # The service makes the key unique among the organisation's definitions.
            definition = services.create_definition(request.user, organisation,
                                                     **form.definition_values())
        return services.add_indicator(request.user, current, definition,
                                      **form.indicator_values())

    return kit_views.create(
        request, IndicatorForm, service=save,
        success_url=lambda indicator: _indicator_url(request, indicator.pk),
        message=_("Indicateur ajouté."), template=INDICATOR_FORM,
        context={"title": _("Ajouter un indicateur"),
                 "back": reverse("strategy:indicators", args=[organisation.slug])},
        form_kwargs={"definitions": selectors.available_definitions(organisation),
                     "objectives": Objective.objects.filter(axis__strategy=current)})


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def indicator_edit(request: OrganisationRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    back = _indicator_url(request, pk)
    return kit_views.edit(
        request, selectors.indicators(organisation), pk, IndicatorForm,
        service=lambda indicator, form: services.update_indicator(
            request.user, indicator, **form.indicator_values()),
        success_url=back, message=_("Cible mise à jour."), template=INDICATOR_FORM,
        context=lambda indicator: {"title": _("Modifier l'indicateur"), "back": back,
                                   "definition": indicator.definition},
        form_kwargs=lambda indicator: {
            "initial": indicator_initial(indicator),
            "definitions": selectors.available_definitions(organisation),
            "objectives": Objective.objects.filter(axis__strategy=indicator.strategy),
            "editing": True})


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def indicator_delete(request: OrganisationRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    return kit_views.delete(
        request, selectors.indicators(organisation), pk,
        service=lambda indicator: services.delete_indicator(request.user, indicator),
        success_url=reverse("strategy:indicators", args=[organisation.slug]),
        message=_("Indicateur retiré de la stratégie."), template=CONFIRM_DELETE,
        context=lambda indicator: {"title": _("Retirer l'indicateur"),
                                   "name": indicator.definition.name,
                                   "back": _indicator_url(request, pk)})


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def indicator_detail(request: OrganisationRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    services.recompute_computed_indicators(organisation)
    indicator = selectors.indicator(organisation, pk)
    return _render_indicator(request, indicator, ValueForm(initial={
        "date": timezone.localdate()}))


def _render_indicator(request: OrganisationRequest, indicator: Any, form: ValueForm,
                      status_code: int = 200,
                      recompute_form: RecomputeYearForm | None = None) -> HttpResponse:
    item = status.assess_indicator(indicator)
    closed = services.closed_years(indicator.strategy_id)
    computed_closed = sorted({v.date.year for v in item.values
                              if v.inventory_version is not None and v.date.year in closed},
                             reverse=True)
    if recompute_form is None and computed_closed:
        recompute_form = RecomputeYearForm(years=computed_closed)
    page = Paginator(list(reversed(item.values)), VALUES_PER_PAGE).get_page(
        request.GET.get("page"))
    for entry in page.object_list:
        # Attributes for the template only, on the page's model instances.
        entry.display = status.format_value(  # type: ignore[attr-defined]
            item.definition, entry.value)
        entry.closed = entry.date.year in closed  # type: ignore[attr-defined]
    history = [{"entry": old, "display": status.format_value(item.definition, old.value),
                "replaced_by": status.format_value(item.definition, old.replaced_by_value)}
               for old in selectors.superseded_values(indicator)]
    chart = presenters.indicator_chart(item)
    return render(request, "strategy/indicator.html", {
        "item": item, "indicator": indicator, "definition": item.definition, "page": page,
        "chart": chart.svg, "chart_rows": chart.rows, "form": form,
        "can_edit": _can_edit(request), "manual": not item.definition.computed,
        "kind_label": status.KIND_LABELS.get(indicator.target_kind, ""),
        "baseline": status.baseline_text(indicator), "closed_years": sorted(closed),
        "history": history, "recompute_form": recompute_form}, status=status_code)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_POST
def recompute_year(request: OrganisationRequest, pk: int) -> HttpResponse:
    """Recompute a closed year's value of a computed indicator, with a reason (audited)."""
    organisation = request.organisation
    indicator = selectors.indicator(organisation, pk)
    closed = services.closed_years(indicator.strategy_id)
    years = sorted({v.date.year for v in indicator.values.all()
                    if v.inventory_version is not None and v.date.year in closed}, reverse=True)
    form = RecomputeYearForm(request.POST, years=years)
    if form.is_valid():
        try:
            services.recompute_closed_year(request.user, indicator, form.cleaned_data["year"],
                                           form.cleaned_data["reason"])
        except services.RecomputeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Valeur de %(year)s recalculée ; l'ancienne est "
                                        "conservée dans l'historique.")
                             % {"year": form.cleaned_data["year"]})
            return redirect("strategy:indicator", organisation.slug, indicator.pk)
    return _render_indicator(request, indicator, ValueForm(), 400, recompute_form=form)


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
