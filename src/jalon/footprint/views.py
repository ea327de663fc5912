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
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jalon.core import hypotheses as core_hypotheses
from jalon.core.model import CRITERIA
from jalon.footprint import beyond, exports, hypotheses, presenters, selectors, services
from jalon.footprint.forms import (
    METHOD_LABELS,
    FootprintForm,
    HypothesisForm,
    ScenarioForm,
    current_year,
)
from jalon.inventory import selectors as inventory_selectors
from jalon.kit import charts, navigation
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
    year's footprint (footprint page, report), the reference's steady state (a constant estate
    renewed at the end of each lifespan) and the reference trajectory's first projected year
    (the inventory aged with no purchase after it)."""
    year = current_year()
    first = data["baseline"]["years"][0] if data["baseline"]["years"] else None
    rows = [{
        "label": str(_("Empreinte de l'année %(year)s") % {"year": year}),
        "value": fr_criterion("gwp", footprint["totals"]["gwp"]["value"]),
        "devices": fr_number(presenters.devices_in_service(footprint)),
        "what": str(_("Ce que montrent la page Empreinte et le bilan annuel : la fabrication "
                      "des équipements en service pendant l'année répartie sur leur durée de "
                      "vie, leur utilisation pour leurs jours de service.")),
    }, {
        "label": str(_("Régime permanent de la référence")),
        "value": fr_criterion("gwp", data["baseline"]["steady_state"]["totals"]["gwp"][
            "value"]),
        "devices": "",
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
               "des carrés ; valeurs dans le tableau voisin."), fmt=lambda v: fr_number(v, 0))
    return {"steady": steady, "per_category": per_category, "years": years,
            "steady_chart": presenters._svg(steady_chart),
            "trajectory_chart": presenters._svg(trajectory_chart)}


@organisation_view(capability=Capability.READ)
def scenario(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    baseline = services.footprint_for(organisation, current_year(), "stock")
    options = {"categories": [c for c in baseline["by_category"] if c != "virtual_machine"],
               "countries": services.factor_set().countries()}
    submitted = "start_year" in request.GET
    form = (ScenarioForm(request.GET, **options) if submitted
            else ScenarioForm(initial={"start_year": current_year()}, **options))
    context: dict[str, Any] = {"form": form, "submitted": submitted, "rows": form.rows()}
    status = 200
    if submitted and form.is_valid():
        data = services.scenario_for(organisation, form.params(),
                                     form.cleaned_data["start_year"])
        context["result"] = data
        if data is not None:
            context["three_totals"] = _three_totals(data, baseline,
                                                    form.cleaned_data["start_year"])
            tables = _scenario_tables(data)
            # One table: each category's inputs, then its steady state before and after.
            results = tables.pop("per_category")
            rows = [{**row, **results.pop(row["key"], {"baseline": "–", "scenario": "–"}),
                     "fields": row["fields"]} for row in context["rows"]]
            context["rows"] = rows + list(results.values())  # e.g. virtual machines
            context.update(tables)
            context["unchanged"] = not form.changes_anything()
    elif submitted:
        status = 400
    return render(request, "footprint/scenario.html", context, status=status)


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
