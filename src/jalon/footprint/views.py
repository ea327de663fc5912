"""Footprint pages of an organisation (its public section is declared in publishing.py).

Views only parse the request, call services/selectors and render: the numbers come from
services.footprint_for (cached per inventory version), never from a computation here.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jalon.core import hypotheses as core_hypotheses
from jalon.core.model import CRITERIA
from jalon.footprint import beyond, exports, hypotheses, presenters, selectors, services
from jalon.footprint.forms import (
    METHOD_LABELS,
    CompareForm,
    FootprintForm,
    HypothesisForm,
    SavedScenarioForm,
    ScenarioForm,
    current_year,
    scenario_query,
)
from jalon.inventory import selectors as inventory_selectors
from jalon.kit import charts, navigation, related
from jalon.kit import views as kit_views
from jalon.kit.formatting import display_unit, fr_criterion, fr_number, in_display_unit
from jalon.kit.labels import CRITERION_LABELS, category_label
from jalon.publishing import services as publishing_services
from jalon.tenancy import scope
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.scope import OrganisationRequest, has, organisation_view

PUBLIC_MAX_AGE = 300
BREAKDOWN_PER_PAGE = 25


@organisation_view(capability=Capability.READ)
def dashboard(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    year = current_year()
    data = services.footprint_for(organisation, year, "stock")
    steps = navigation.first_steps(request, organisation)
    return render(request, "footprint/dashboard.html", {
        "year": year, "headline": presenters.headline(data),
        "devices": presenters.devices_in_service(data),
        "per_agent": presenters.per_agent(data, organisation.agents),
        "last_import": inventory_selectors.last_finished_import(organisation),
        "problems": presenters.problems(data),
        "category_chart": presenters.category_chart(data, "chart-dashboard"),
        "categories": presenters.categories(data),
        "has_data": presenters.devices_in_service(data) > 0,
        # A new organisation's first-run checklist, each step read from its real state.
        "first_steps": steps, "first_steps_pending": any(not s["done"] for s in steps),
    })


@organisation_view(capability=Capability.READ)
def footprint(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    form = FootprintForm.from_query(request.GET)
    context: dict[str, Any] = {"form": form,
                               "can_publish": has(request, Capability.PUBLISH),
                               "published": scope.is_published(organisation,
                                                               selectors.FOOTPRINT)}
    if not form.is_valid():
        return render(request, "footprint/footprint.html", context, status=400)
    year, method = form.cleaned_data["year"], form.cleaned_data["method"]
    result = services.footprint_result(organisation, year, method)
    data = result.data
    context.update(presenters.footprint_context(data))
    context.update({
        "beyond": [{"label": line.label, "gwp": fr_number(line.gwp_kg, 1),
                    "range": (f"{fr_number(line.low_kg, 1)} – {fr_number(line.high_kg, 1)}"
                              if line.low_kg is not None and line.high_kg is not None else ""),
                    "energy": fr_number(line.energy_kwh, 1) if line.energy_kwh else "",
                    "source": line.source, "url": line.url}
                   for line in beyond.lines(organisation, year)],
        "year": year, "method": method, "method_label": METHOD_LABELS[method],
        "computed_at": result.computed_at, "query": request.GET.urlencode(),
        "entities": presenters.dimension(data, "entity"),
        "sites": len(data.get("by_site", {})),
        "entity_chart": presenters.dimension_chart(
            data, "entity", _("Changement climatique par entité, 10 premières (tCO2e)")),
        "per_agent": presenters.per_agent(data, organisation.agents),
        "references": presenters.references(data),
        "problems": presenters.problems(data), "sources": selectors.sources(),
        "last_import": inventory_selectors.last_finished_import(organisation),
        "export_query": f"year={year}&method={method}",
    })
    return render(request, "footprint/footprint.html", context)


@organisation_view(capability=Capability.READ)
def breakdown(request: OrganisationRequest) -> HttpResponse:
    """Every category, entity or site with all criteria, 25 rows a page."""
    organisation = request.organisation
    dimension = request.GET.get("dimension") or "entity"
    form = FootprintForm.from_query(request.GET)
    if dimension not in presenters.DIMENSIONS or not form.is_valid():
        raise Http404
    year, method = form.cleaned_data["year"], form.cleaned_data["method"]
    data = services.footprint_for(organisation, year, method)
    rows = (presenters.categories(data) if dimension == "category"
            else presenters.dimension_rows(data, dimension))
    query = f"dimension={dimension}&year={year}&method={method}"
    return render(request, "footprint/breakdown.html", {
        "dimension": dimension, "year": year, "method": method,
        "method_label": METHOD_LABELS[method], "criteria": presenters.criteria_header(),
        "page": Paginator(rows, BREAKDOWN_PER_PAGE).get_page(request.GET.get("page")),
        "total": len(rows), "page_base": query,
        "export_query": f"year={year}&method={method}",
        "footprint_query": f"year={year}&method={method}",
    })


@organisation_view(capability=Capability.READ)
def export(request: OrganisationRequest, fmt: str) -> HttpResponse:
    organisation = request.organisation
    form = FootprintForm.from_query(request.GET)
    if fmt not in exports.CONTENT_TYPES or not form.is_valid():
        raise Http404
    year, method = form.cleaned_data["year"], form.cleaned_data["method"]
    data = services.footprint_for(organisation, year, method)
    body = exports.render(fmt, data, selectors.sources())
    response = HttpResponse(body, content_type=exports.CONTENT_TYPES[fmt])
    name = f"jalon-empreinte-{organisation.slug}-{year}-{method}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@organisation_view(capability=Capability.PUBLISH)
@require_POST
def publish(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    back = reverse("footprint:footprint", args=[organisation.slug])
    if (asked := kit_views.confirm_withdrawal(request, _("Empreinte du parc"), back)):
        return asked
    public = request.POST.get("public") == "1"
    publishing_services.set_published(request.user, organisation, selectors.FOOTPRINT, public)
    messages.success(request, _("L'empreinte est publiée.") if public
                     else _("L'empreinte n'est plus publiée."))
    return redirect("footprint:footprint", organisation.slug)


def _signed(percent: float) -> str:
    # An explicit sign (typographic minus): a change must not read as a level.
    return ("+" if percent > 0 else "−" if percent < 0 else "") + fr_number(abs(percent), 1)


def _three_totals(data: dict[str, Any], footprint: dict[str, Any], start: int
                  ) -> list[dict[str, str]]:
    """The three climate totals a reader can confuse, side by side, each with what it is: the
    start year's footprint (footprint page, report, same year and method: stock), the
    reference's steady state (a constant estate renewed at the end of each lifespan) and the
    reference trajectory's first projected year (the inventory aged with no purchase after
    it)."""
    first = data["baseline"]["years"][0] if data["baseline"]["years"] else None
    rows = [{
        "label": str(_("Empreinte de l'année %(year)s") % {"year": start}),
        "value": fr_criterion("gwp", footprint["totals"]["gwp"]["value"]),
        "devices": fr_number(presenters.devices_in_service(footprint)),
        "what": str(_("Ce que montrent la page Empreinte et le bilan annuel : la fabrication "
                      "des équipements en service pendant l'année répartie sur leur durée de "
                      "vie, leur utilisation pour leurs jours de service.")),
    }, {
        "label": str(_("Régime permanent de la référence")),
        "value": fr_criterion("gwp", data["baseline"]["steady_state"]["totals"]["gwp"][
            "value"]),
        "devices": fr_number(data["baseline"]["steady_state"].get("count") or 0),
        "what": str(_("Le parc actuel supposé constant et renouvelé à la fin de chaque durée "
                      "de vie : l'empreinte annuelle à long terme, à laquelle se compare le "
                      "scénario.")),
    }]
    if first is not None:
        rows.append({
            "label": str(_("Trajectoire de référence, %(year)s") % {"year": first["year"]}),
            "value": fr_criterion("gwp", first["totals"]["gwp"]["value"]),
            "devices": fr_number(first["count"]),
            "what": str(_("L'inventaire projeté année par année à partir de %(start)s, sans "
                          "achat nouveau après lui : une année projetée, pas un bilan.")
                        % {"start": start}),
        })
    return rows


def _reference_gap(data: dict[str, Any], footprint: dict[str, Any], start: int
                   ) -> dict[str, Any]:
    """Why the reference is not the footprint of the same year, in figures: the totals, the
    devices and the difference (issue 9: « 240 t, 8 218 équipements » beside « 164 t, 8 520 »
    without a word); the parameters table gives the same per category."""
    steady = data["baseline"]["steady_state"]
    total_fp = footprint["totals"]["gwp"]["value"]
    total_ref = steady["totals"]["gwp"]["value"]
    return {"year": start,
            "footprint": fr_criterion("gwp", total_fp),
            "reference": fr_criterion("gwp", total_ref),
            "gap": ("+" if total_ref - total_fp > 0 else "") + fr_criterion(
                "gwp", total_ref - total_fp),
            "gap_share": _signed(100 * (total_ref - total_fp) / total_fp) if total_fp else "–",
            "fp_devices": fr_number(presenters.devices_in_service(footprint)),
            "ref_devices": fr_number(steady.get("count") or 0)}


def _scenario_tables(data: dict[str, Any]) -> dict[str, Any]:
    base, scen = data["baseline"], data["scenario"]
    steady = []
    for criterion in CRITERIA:
        b = base["steady_state"]["totals"][criterion]["value"]
        s = scen["steady_state"]["totals"][criterion]["value"]
        steady.append({"label": f"{CRITERION_LABELS[criterion]} ({display_unit(criterion)})",
                       "baseline": fr_criterion(criterion, b),
                       "scenario": fr_criterion(criterion, s),
                       "change": _signed(100 * (s - b) / b) if b else "–"})
    per_category = {}
    for cat, entry in base["steady_state"]["by_category"].items():
        other = scen["steady_state"]["by_category"].get(cat, entry)
        per_category[cat] = {"key": cat, "label": category_label(cat), "fields": [],
                             "baseline": fr_criterion("gwp", entry["gwp"]["value"]),
                             "scenario": fr_criterion("gwp", other["gwp"]["value"])}
    years = [{"year": b["year"], "baseline": fr_criterion("gwp", b["totals"]["gwp"]["value"]),
              "scenario": fr_criterion("gwp", s["totals"]["gwp"]["value"]),
              "baseline_count": fr_number(b["count"], 0),
              "scenario_count": fr_number(s["count"], 0)}
             for b, s in zip(base["years"], scen["years"], strict=False)]

    def t(side: dict[str, Any]) -> float | None:
        return in_display_unit("gwp", side["steady_state"]["totals"]["gwp"]["value"])

    def g(side: dict[str, Any], k: str) -> float | None:
        return in_display_unit("gwp", side["steady_state"]["totals"]["gwp"][k])

    steady_chart = charts.bar_chart(
        "chart-steady",
        [charts.Bar(_("Référence"), t(base) or 0.0, g(base, "min"), g(base, "max")),
         charts.Bar(_("Scénario"), t(scen) or 0.0, g(scen, "min"), g(scen, "max"))],
        title=_("Régime permanent : référence et scénario (tCO2e par an)"),
        desc=_("Deux barres horizontales, trait noir du minimum au maximum ; valeurs dans le "
               "tableau voisin."), fmt=lambda v: fr_number(v, 1))
    trajectory_chart = charts.line_chart(
        "chart-trajectory", [y["year"] for y in base["years"]],
        [(_("Référence"), [in_display_unit("gwp", y["totals"]["gwp"]["value"]) or 0.0
                           for y in base["years"]]),
         (_("Scénario"), [in_display_unit("gwp", y["totals"]["gwp"]["value"]) or 0.0
                          for y in scen["years"]])],
        title=_("Trajectoire année par année (tCO2e)"),
        desc=_("Deux courbes : référence en trait plein avec des ronds, scénario en tirets avec "
               "des carrés ; l'axe couvre l'étendue des valeurs, il ne part pas de zéro ; "
               "valeurs dans le tableau voisin."), fmt=lambda v: fr_number(v, 1),
        from_zero=False)
    return {"steady": steady, "per_category": per_category, "years": years,
            "steady_chart": presenters._svg(steady_chart),
            "trajectory_chart": presenters._svg(trajectory_chart)}


def _current_rows(organisation: Any, form: ScenarioForm, start_year: int) -> dict[str, str]:
    """Per category, the current values the inputs change, in words, and the same values as
    the inputs' placeholders."""
    current = services.current_values_for(organisation, start_year)
    texts = {}
    for category, values in current.items():
        texts[category] = str(_("%(n)s en service, %(life)s ans, %(share)s %% reconditionnés")
                              % {"n": fr_number(values.count),
                                 "life": fr_number(values.lifespan, 1),
                                 "share": fr_number(100 * values.refurbished, 0)})
        for prefix, shown in (("lifespan", fr_number(values.lifespan, 1)),
                              ("refurbished", fr_number(100 * values.refurbished, 0)),
                              ("reduce", "0")):
            field = form.fields.get(f"{prefix}_{category}")
            if field is not None:
                field.widget.attrs["placeholder"] = shown
    return texts


@organisation_view(capability=Capability.READ)
def scenario(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    saved = None
    query: QueryDict = request.GET
    if request.GET.get("saved", "").isdigit():
        saved = selectors.saved_scenario(organisation, int(request.GET["saved"]))
        query = QueryDict(mutable=True)
        query.update(scenario_query(saved.start_year, saved.parameters))
    listing = services.footprint_for(organisation, current_year(), "stock")
    options = {"categories": [c for c in listing["by_category"] if c != "virtual_machine"],
               "countries": services.factor_set().countries()}
    submitted = "start_year" in query
    form = (ScenarioForm(query, **options) if submitted
            else ScenarioForm(initial={"start_year": current_year()}, **options))
    start_year = (form.cleaned_data["start_year"] if submitted and form.is_valid()
                  else current_year())
    current = _current_rows(organisation, form, start_year)
    rows = [{**row, "current": current.get(row["key"], "–")} for row in form.rows()]
    can_save = has(request, Capability.EDIT_STRATEGY)
    context: dict[str, Any] = {"form": form, "submitted": submitted, "rows": rows,
                               "saved": saved, "can_save": can_save,
                               "saved_count": selectors.saved_scenarios(organisation).count()}
    status = 200
    if submitted and form.is_valid():
        data = services.scenario_for(organisation, form.params(), start_year)
        context["result"] = data
        if data is not None:
            # The reference beside the footprint of the same year and method (stock).
            footprint = services.footprint_for(organisation, start_year, "stock")
            context["three_totals"] = _three_totals(data, footprint, start_year)
            context["gap"] = _reference_gap(data, footprint, start_year)
            tables = _scenario_tables(data)
            # One table: each category's inputs, then its steady state before and after.
            results = tables.pop("per_category")
            merged = [{**row, **results.pop(row["key"], {"baseline": "–", "scenario": "–"}),
                       "fields": row["fields"]} for row in rows]
            context["rows"] = merged + [{**r, "current": "–"} for r in results.values()]
            context.update(tables)
            context["unchanged"] = not form.changes_anything()
            if can_save and saved is None:
                # What the scenario changes (empty inputs change nothing: not repeated).
                context["save_url"] = (
                    reverse("footprint:scenario_save", args=[organisation.slug]) + "?"
                    + urlencode([(k, v) for k, v in query.items() if k in form.fields and v]))
    elif submitted:
        status = 400
    return render(request, "footprint/scenario.html", context, status=status)


def _parameters_text(parameters: dict[str, Any]) -> str:
    """What a saved scenario changes, in one line: « Durée de vie : ordinateur portable 7 ans ;
    achats reconditionnés : smartphone 30 % »."""
    parts = []
    for key, label, scale, unit in (
            ("lifespans", _("durée de vie"), 1, _("ans")),
            ("refurbished", _("achats reconditionnés"), 100, "%"),
            ("reduction", _("réduction du parc"), 100, "%")):
        values = parameters.get(key) or {}
        if values:
            items = ", ".join(f"{category_label(c)} {fr_number(float(v) * scale, 1)} {unit}"
                              for c, v in sorted(values.items()))
            parts.append(f"{label} : {items}")
    if parameters.get("mix"):
        parts.append(str(_("mix électrique : %(mix)s") % {"mix": parameters["mix"]}))
    return " ; ".join(parts) or str(_("aucun changement (égal à la référence)"))


def _scenario_url(organisation: Any, scenario_id: int) -> str:
    return (reverse("footprint:scenario", args=[organisation.slug]) + "?"
            + urlencode({"saved": scenario_id}))


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_http_methods(["GET", "POST"])
def scenario_save(request: OrganisationRequest) -> HttpResponse:
    """Keep the scenario just computed under a name, linked to an action (audited). GET: the
    form, with what the scenario changes; POST: save."""
    organisation = request.organisation
    listing = services.footprint_for(organisation, current_year(), "stock")
    data = request.POST if request.method == "POST" else request.GET
    form = ScenarioForm(data, categories=[c for c in listing["by_category"]
                                         if c != "virtual_machine"],
                        countries=services.factor_set().countries())
    actions = related.choices(services.ACTION_KIND, organisation)
    params = [(k, v) for k, v in data.items() if k in form.fields and v]
    back = reverse("footprint:scenario", args=[organisation.slug]) + "?" + urlencode(params)
    if not form.is_valid():
        messages.error(request, _("Les paramètres du scénario sont invalides : recalculez-le "
                                  "avant de l'enregistrer."))
        return redirect(back)
    if request.method == "GET":
        return render(request, "footprint/scenario_save.html", {
            "form": SavedScenarioForm(actions=actions), "hidden": params, "back": back,
            "start_year": form.cleaned_data["start_year"],
            "changes": _parameters_text(services.params_to_dict(form.params()))})
    meta = SavedScenarioForm(request.POST, actions=actions)
    if meta.is_valid():
        try:
            saved = services.save_scenario(
                request.user, organisation, name=meta.cleaned_data["name"],
                description=meta.cleaned_data["description"], params=form.params(),
                start_year=form.cleaned_data["start_year"],
                action_id=meta.cleaned_data["action"])
        except services.ScenarioError as exc:
            meta.add_error("name", str(exc))
        else:
            messages.success(request, _("Scénario « %(name)s » enregistré.")
                             % {"name": saved.name})
            return redirect("footprint:scenarios", organisation.slug)
    return render(request, "footprint/scenario_save.html", {
        "form": meta, "hidden": params, "back": back,
        "start_year": form.cleaned_data["start_year"],
        "changes": _parameters_text(services.params_to_dict(form.params()))}, status=400)


@organisation_view(capability=Capability.READ)
def scenario_list(request: OrganisationRequest) -> HttpResponse:
    """The saved scenarios, what each changes, the action it supports; pick 2–3 to compare."""
    organisation = request.organisation
    actions = dict(related.choices(services.ACTION_KIND, organisation))
    rows = [{"scenario": s, "changes": _parameters_text(s.parameters),
             "url": _scenario_url(organisation, s.pk),
             "action": (actions.get(s.action_id) or _("action supprimée")) if s.action_id
             else ""}
            for s in selectors.saved_scenarios(organisation)]
    return render(request, "footprint/scenarios.html", {
        "rows": rows, "can_edit": has(request, Capability.EDIT_STRATEGY)})


@organisation_view(capability=Capability.EDIT_STRATEGY)
def scenario_edit(request: OrganisationRequest, scenario_id: int) -> HttpResponse:
    organisation = request.organisation
    saved = selectors.saved_scenario(organisation, scenario_id)
    actions = related.choices(services.ACTION_KIND, organisation)
    status = 200
    if request.method == "POST":
        form = SavedScenarioForm(request.POST, actions=actions)
        if form.is_valid():
            try:
                services.update_scenario(request.user, saved, name=form.cleaned_data["name"],
                                         description=form.cleaned_data["description"],
                                         action_id=form.cleaned_data["action"])
            except services.ScenarioError as exc:
                form.add_error("name", str(exc))
            else:
                messages.success(request, _("Scénario enregistré."))
                return redirect("footprint:scenarios", organisation.slug)
        status = 400
    else:
        form = SavedScenarioForm(initial={"name": saved.name, "description": saved.description,
                                          "action": saved.action_id}, actions=actions)
    return render(request, "footprint/scenario_edit.html", {
        "form": form, "saved": saved, "changes": _parameters_text(saved.parameters)},
        status=status)


@organisation_view(capability=Capability.EDIT_STRATEGY)
@require_POST
def scenario_delete(request: OrganisationRequest, scenario_id: int) -> HttpResponse:
    organisation = request.organisation
    saved = selectors.saved_scenario(organisation, scenario_id)
    services.delete_scenario(request.user, saved)
    messages.success(request, _("Scénario « %(name)s » supprimé.") % {"name": saved.name})
    return redirect("footprint:scenarios", organisation.slug)


@organisation_view(capability=Capability.READ)
def scenario_compare(request: OrganisationRequest) -> HttpResponse:
    """Two or three saved scenarios side by side, against the same reference."""
    organisation = request.organisation
    scenarios = list(selectors.saved_scenarios(organisation))
    form = CompareForm(request.GET or None, scenarios=[(s.pk, s.name) for s in scenarios])
    picked = {int(v) for v in request.GET.getlist("ids") if v.isdigit()}
    context: dict[str, Any] = {"form": form, "scenarios": scenarios, "picked": picked}
    if not request.GET:
        return render(request, "footprint/scenario_compare.html", context)
    if not form.is_valid():
        return render(request, "footprint/scenario_compare.html", context, status=400)
    chosen = [s for s in scenarios if s.pk in form.cleaned_data["ids"]]
    starts = {s.start_year for s in chosen}
    computed = [(s, services.scenario_for(organisation, services.params_from_dict(
        s.parameters), s.start_year)) for s in chosen]
    results = [(s, data) for s, data in computed if data is not None]
    if len(results) < len(computed):
        context["empty"] = True
        return render(request, "footprint/scenario_compare.html", context)
    actions = dict(related.choices(services.ACTION_KIND, organisation))
    base = results[0][1]
    ref_steady = base["baseline"]["steady_state"]["totals"]["gwp"]["value"]
    columns = []
    for saved, data in results:
        steady = data["scenario"]["steady_state"]["totals"]["gwp"]["value"]
        years = data["scenario"]["years"]
        ref_years = data["baseline"]["years"]
        cumulated = sum(y["totals"]["gwp"]["value"] for y in years)
        ref_cumulated = sum(y["totals"]["gwp"]["value"] for y in ref_years)
        columns.append({
            "scenario": saved, "url": _scenario_url(organisation, saved.pk),
            "changes": _parameters_text(saved.parameters),
            "action": actions.get(saved.action_id, "") if saved.action_id else "",
            "steady": fr_criterion("gwp", steady),
            "steady_change": (_signed(100 * (steady - data["baseline"]["steady_state"]["totals"]
                                             ["gwp"]["value"]) / ref_steady)
                              if ref_steady else "–"),
            "last_year": years[-1]["year"] if years else "",
            "last": fr_criterion("gwp", years[-1]["totals"]["gwp"]["value"]) if years else "–",
            "last_count": fr_number(years[-1]["count"], 0) if years else "–",
            "cumulated": fr_criterion("gwp", cumulated),
            "avoided": fr_criterion("gwp", ref_cumulated - cumulated),
        })
    context.update({"columns": columns, "same_start": len(starts) == 1,
                    "reference_steady": fr_criterion("gwp", ref_steady)})
    if len(starts) == 1:
        xs = [y["year"] for y in base["baseline"]["years"]]
        series: list[tuple[str, list[float | None]]] = [
            (str(_("Référence")), [in_display_unit("gwp", y["totals"]["gwp"]["value"])
                                   for y in base["baseline"]["years"]])]
        series += [(saved.name, [in_display_unit("gwp", y["totals"]["gwp"]["value"])
                                 for y in data["scenario"]["years"]])
                   for saved, data in results]
        context["chart"] = presenters._svg(charts.line_chart(
            "chart-compare", xs, series,
            title=_("Trajectoires comparées (tCO2e par an)"),
            desc=_("Une courbe par scénario et une pour la référence, chacune avec son trait "
                   "et ses marques ; l'axe couvre l'étendue des valeurs ; valeurs dans le "
                   "tableau qui suit."), fmt=lambda v: fr_number(v, 1), from_zero=False))
        context["chart_rows"] = [
            {"year": year, "reference": fr_criterion("gwp", ref["totals"]["gwp"]["value"]),
             "values": [fr_criterion("gwp", data["scenario"]["years"][i]["totals"]["gwp"][
                 "value"]) for _saved, data in results]}
            for i, (year, ref) in enumerate(zip(xs, base["baseline"]["years"], strict=True))]
    return render(request, "footprint/scenario_compare.html", context)


# --- Hypotheses ------------------------------------------------------------------------------

HYPOTHESIS_LABELS: Final = {
    "lifespan_years": gettext_lazy("Durée de vie"),
    "annual_kwh": gettext_lazy("Consommation annuelle"),
    "grid_factor": gettext_lazy("Facteur d'émission de l'électricité"),
    "pue": gettext_lazy("PUE de la salle"),
}
WHY_BOAVIZTA: Final = {
    "annual_kwh": gettext_lazy(
        "Boavizta suppose l'appareil allumé %(ratio)s %% du temps, jour et nuit, à %(power)s W "
        "en moyenne ; Jalon compte les heures de bureau de son profil d'usage. Si vos appareils "
        "restent allumés hors des heures de bureau, donnez votre propre consommation annuelle."),
    "lifespan_years": gettext_lazy(
        "Boavizta retient une durée de vie de %(years)s ans ; Jalon celle de l'étude "
        "ADEME-Arcep 2022. Si vous gardez vos appareils plus ou moins longtemps, donnez votre "
        "durée de vie."),
}


def _hypothesis_rows(organisation: Any) -> list[dict[str, Any]]:
    factor_set = services.factor_set()
    mine = hypotheses.by_category(organisation)
    data = services.footprint_for(organisation, current_year(), "stock")
    rows = []
    for category in sorted(data["by_category"], key=category_label):
        items = core_hypotheses.category_hypotheses(factor_set, category,
                                                    overrides=mine.get(category, {}))
        boavizta = core_hypotheses.boavizta_defaults(category)
        differences = [{
            "label": HYPOTHESIS_LABELS[d.key],
            "jalon": fr_number(d.jalon, 1), "boavizta": fr_number(d.boavizta, 1),
            "ratio": fr_number(d.ratio, 1),
            "why": WHY_BOAVIZTA[d.key] % {
                "ratio": fr_number(100 * boavizta.use_time_ratio),
                "power": fr_number(boavizta.avg_power_w), "years": fr_number(
                    boavizta.lifespan_years, 1)} if boavizta else "",
        } for d in core_hypotheses.notable_differences(items, boavizta)]
        rows.append({
            "key": category, "label": category_label(category),
            "count": fr_number(data["by_category"][category]["count"]),
            "virtual": category == "virtual_machine",
            "items": [{
                "key": h.key, "label": HYPOTHESIS_LABELS[h.key],
                "value": fr_number(h.value, 4 if h.key == "grid_factor" else 1),
                "unit": h.unit, "source": h.source, "note": h.note,
                "default": fr_number(h.default, 1) if h.default is not None else "",
                "reason": h.reason, "editable": h.key in core_hypotheses.OVERRIDABLE,
            } for h in items],
            "boavizta": differences,
        })
    return rows


def _hypotheses_url(organisation: Any, category: str) -> str:
    return (reverse("footprint:hypotheses", args=[organisation.slug]) + "?"
            + urlencode({"category": category}))


@organisation_view(capability=Capability.READ)
def hypotheses_page(request: OrganisationRequest) -> HttpResponse:
    """Each device category's hypotheses with their sources, the organisation's own values,
    and where Boavizta's defaults differ by more than half, why."""
    organisation = request.organisation
    can_edit = has(request, Capability.EDIT_INVENTORY)
    form: HypothesisForm | None = None
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("clear"):
            hypotheses.clear_override(request.user, organisation,
                                      request.POST.get("category", ""),
                                      request.POST.get("key", ""))
            messages.success(request, _("La valeur de Jalon est rétablie."))
            return redirect(_hypotheses_url(organisation, request.POST.get("category", "")))
        form = HypothesisForm(request.POST)
        if form.is_valid():
            try:
                hypotheses.set_override(request.user, organisation,
                                        form.cleaned_data["category"], form.cleaned_data["key"],
                                        form.cleaned_data["value"], form.cleaned_data["reason"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field, error)
            else:
                messages.success(request, _("Hypothèse enregistrée : l'empreinte est "
                                            "recalculée avec votre valeur."))
                return redirect(_hypotheses_url(organisation, form.cleaned_data["category"]))
        status = 400
    rows = _hypothesis_rows(organisation)
    wanted = request.POST.get("category") or request.GET.get("category", "")
    current = next((r for r in rows if r["key"] == wanted), rows[0] if rows else None)
    return render(request, "footprint/hypotheses.html", {
        "rows": rows, "current": current, "can_edit": can_edit, "form": form,
        "editable": [(k, HYPOTHESIS_LABELS[k]) for k in core_hypotheses.OVERRIDABLE
                     if current and any(i["key"] == k for i in current["items"])],
    }, status=status)
