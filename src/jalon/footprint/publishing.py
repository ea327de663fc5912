"""What the footprint publishes, declared in the publishing registry (FootprintConfig.ready()).

- the domain "footprint" (Publication): the footprint's section of the public home
  /p/<org_slug>/ (the former public footprint page, in full), its dataset, and the inventory
  aggregates the inventory declares in the same group ("empreinte");
- the dataset "footprint": totals, by phase and by category, per criterion, last three years;
- the report sections "footprint" and "sources" (always part of the annual review, as before);
- the indicator source "footprint_per_agent" (recomputed after an inventory change).

Everything published reads the inventory version the public pages show
(`published_footprint_for`): while an import waits for review, the open data, the annual report
and the indicators keep the reviewed inventory, as the public home does; the organisation's own
pages (dashboard, footprint, API) show the new one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Final

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jalon import events
from jalon.core.exports import number_cell
from jalon.core.model import CRITERIA, PHASES
from jalon.footprint import presenters, selectors
from jalon.footprint.services import published_footprint_for
from jalon.inventory.indicators import provenance
from jalon.inventory.models import Asset
from jalon.kit import charts
from jalon.kit.formatting import display_unit, fr_change, fr_criterion, fr_number
from jalon.kit.labels import CATEGORY_LABELS, CRITERION_LABELS, PHASE_LABELS
from jalon.publishing import registry
from jalon.publishing.indicators import yearly_value, years
from jalon.publishing.registry import ComputedValue
from jalon.tenancy.models import Organisation

FOOTPRINT: Final = selectors.FOOTPRINT
FOOTPRINT_YEARS: Final = 3  # the footprint CSV covers the last three years
METHOD: Final = "stock"


def footprint_years(today: dt.date | None = None) -> list[int]:
    year = (today or timezone.localdate()).year
    return list(range(year - FOOTPRINT_YEARS + 1, year + 1))


def footprint_period(organisation: Organisation) -> tuple[dt.date, dt.date]:
    """dct:temporal of the footprint's dataset: the years its CSV covers."""
    years = footprint_years()
    return dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)


def footprint_rows(organisation: Organisation, years: Sequence[int] | None = None
                   ) -> Iterable[list[Any]]:
    """Totals, by category (phase "total") and by phase (category "total"), per criterion."""
    for year in years or footprint_years():
        data = published_footprint_for(organisation, year, METHOD)

        def row(criterion: str, phase: str, category: str, figure: dict[str, Any],
                year: int = year) -> list[Any]:
            return [year, METHOD, criterion, phase, category, number_cell(figure["value"]),
                    number_cell(figure["min"]), number_cell(figure["max"]), figure["unit"]]

        for criterion in CRITERIA:
            yield row(criterion, "total", "total", data["totals"][criterion])
            for phase in PHASES:
                figure = data["by_phase"].get(phase, {}).get(criterion)
                if figure:
                    yield row(criterion, phase, "total", figure)
            for category in sorted(data["by_category"]):
                figure = data["by_category"][category].get(criterion)
                if figure:
                    yield row(criterion, "total", category, figure)


def modified(organisation: Organisation) -> dt.datetime:
    return selectors.published_inventory_date(organisation) or organisation.created_at


# --- Public home ---------------------------------------------------------------------------------

def public_context(organisation: Organisation, request: HttpRequest) -> dict[str, Any]:
    """The footprint's section of the public home: the whole former public page."""
    year = timezone.localdate().year
    # The version published: an import waiting for review is not public yet.
    data = published_footprint_for(organisation, year, METHOD)
    context = presenters.footprint_context(data)
    context.update({"year": year,
                    "inventory_date": selectors.published_inventory_date(organisation),
                    "sources": selectors.sources()})
    return context


# --- Annual report -------------------------------------------------------------------------------

def report_footprint(organisation: Organisation, year: int) -> dict[str, Any]:
    years = [year - 2, year - 1, year]
    data = {y: published_footprint_for(organisation, y, METHOD) for y in years}
    current = data[year]
    evolution = [{
        "label": str(CRITERION_LABELS[c]), "unit": display_unit(c),
        "values": [fr_criterion(c, data[y]["totals"][c]["value"]) for y in years],
    } for c in ("gwp", "adpe", "pe", "wu")]
    phases = [{"label": str(PHASE_LABELS[p]),
               "value": fr_criterion("gwp", current["by_phase"].get(p, {}).get("gwp",
                                                                              {}).get("value"))}
              for p in PHASE_LABELS]
    categories = sorted(
        ((str(CATEGORY_LABELS.get(k, k)), v["gwp"]["value"], v.get("count"))
         for k, v in current["by_category"].items()), key=lambda r: (-r[1], r[0]))
    by_category = charts.bar_chart(
        f"fp-cat-{year}", [charts.Bar(label, value / 1000) for label, value, _n in categories],
        title=gettext("Changement climatique par catégorie d'équipements, %(year)s (tCO2e)")
        % {"year": year},
        desc=gettext("Les catégories, de la plus émettrice à la moins émettrice ; valeurs "
                     "dans le tableau qui suit."),
        fmt=lambda v: fr_number(v, 1))
    chart = charts.line_chart(
        f"fp-{year}", years,
        [(gettext("Changement climatique (tCO2e)"),
          [data[y]["totals"]["gwp"]["value"] / 1000 for y in years])],
        title=gettext("Changement climatique, %(first)s–%(last)s") % {"first": years[0],
                                                                     "last": year},
        desc=gettext("Empreinte carbone du parc (tCO2e), méthode stock : %(values)s.") % {
            "values": ", ".join(f"{y} : {fr_criterion('gwp', data[y]['totals']['gwp']['value'])}"
                                for y in years)},
        fmt=lambda v: fr_number(v, 1))
    return {"footprint": {
        "years": years, "evolution": evolution, "phases": phases, "chart": chart,
        "categories": [{"label": label, "value": fr_criterion("gwp", value),
                        "count": fr_number(count)} for label, value, count in categories],
        "category_chart": by_category,
        "counted": fr_number(counted_devices(current)),
        "devices": fr_number(current["rows"]["used"]), "factor_set": current["factor_set"],
    }, "modified": modified(organisation)}


def counted_devices(data: dict[str, Any]) -> int:
    """Devices the year's footprint counts: those in service at least one day of the year (the
    stock method), fewer than the rows read when the inventory keeps retired devices."""
    return sum(int(v.get("count") or 0) for v in data["by_category"].values())


# --- Headline figures of the annual report ------------------------------------------------------

def _source(data: dict[str, Any]) -> str:
    return gettext("Calculée par Jalon depuis l'inventaire, méthode stock, facteurs %(name)s "
                   "%(version)s") % {"name": data["factor_set"].get("name", ""),
                                      "version": data["factor_set"].get("version", "")}


def headline_footprint(organisation: Organisation, year: int) -> registry.HeadlineFigure | None:
    """The year's footprint (stock method) and its change from the year before."""
    if not Asset.objects.filter(organisation=organisation).exists():
        return None
    current = published_footprint_for(organisation, year, METHOD)
    previous = published_footprint_for(organisation, year - 1, METHOD)
    now, before = current["totals"]["gwp"]["value"], previous["totals"]["gwp"]["value"]
    if not now:
        return None
    change = fr_change(now, before)
    return registry.HeadlineFigure(
        label=gettext("Empreinte carbone du parc informatique en %(year)s") % {"year": year},
        value=f"{fr_criterion('gwp', now)} tCO2e",
        change=(gettext("%(change)s par rapport à %(year)s") % {"change": change,
                                                                 "year": year - 1}
                if change else ""),
        source=_source(current))


def headline_devices(organisation: Organisation, year: int) -> registry.HeadlineFigure | None:
    """How many devices the year's footprint counts, and how many inventory rows were read."""
    if not Asset.objects.filter(organisation=organisation).exists():
        return None
    current = published_footprint_for(organisation, year, METHOD)
    counted = counted_devices(current)
    before = published_footprint_for(organisation, year - 1, METHOD)
    change = fr_change(counted, counted_devices(before))
    return registry.HeadlineFigure(
        label=gettext("Équipements en service au cours de %(year)s") % {"year": year},
        value=fr_number(counted),
        change=(gettext("%(change)s par rapport à %(year)s") % {"change": change,
                                                                 "year": year - 1}
                if change else ""),
        source=gettext("Inventaire : %(rows)s lignes lues, dont les équipements retirés avant "
                       "%(year)s ou entrés après") % {"rows": fr_number(current["rows"]["used"]),
                                                      "year": year})


def report_sources(organisation: Organisation, year: int) -> dict[str, Any]:
    return {"factor_set": published_footprint_for(organisation, year, METHOD)["factor_set"],
            "factor_sources": selectors.sources(), "modified": modified(organisation),
            "overrides": report_overrides(organisation)}


def report_overrides(organisation: Organisation) -> list[dict[str, str]]:
    """The organisation's own hypotheses, with Jalon's value they replace (the report cites
    them: a reader must know the figure rests on them)."""
    from jalon.core import hypotheses as core_hypotheses
    from jalon.footprint.hypotheses import by_category
    from jalon.footprint.services import factor_set

    labels = {"lifespan_years": gettext("durée de vie (ans)"),
              "annual_kwh": gettext("consommation annuelle (kWh)"), "pue": gettext("PUE")}
    out = []
    for category, mine in sorted(by_category(organisation).items()):
        for item in core_hypotheses.category_hypotheses(factor_set(), category, overrides=mine):
            if item.default is None:
                continue
            out.append({"category": str(CATEGORY_LABELS.get(category, category)),
                        "label": labels.get(item.key, item.key),
                        "value": fr_number(item.value, 1), "default": fr_number(item.default, 1),
                        "reason": item.reason})
    return out


# --- Indicator source ----------------------------------------------------------------------------

def footprint_per_agent(organisation: Organisation, today: dt.date) -> list[ComputedValue]:
    """Climate-change footprint of year N (stock method, published version) per agent."""
    agents = organisation.agents
    if not agents or not Asset.objects.filter(organisation=organisation).exists():
        return []
    out = []
    for year in years(today):
        data = published_footprint_for(organisation, year, METHOD)
        gwp = float(data["totals"]["gwp"]["value"])
        if gwp <= 0:
            continue
        detail = {"gwp_kg": gwp, "agents": agents, "method": METHOD,
                  "factor_set": data.get("factor_set", {})}
        out.append(yearly_value(year, gwp / agents, detail, today))
    return out


# --- Declaration ---------------------------------------------------------------------------------

def register() -> None:
    registry.register(
        registry.Domain(FOOTPRINT, _("Empreinte environnementale"),
                        _("L'empreinte du parc informatique sur la page publique, avec ses "
                          "données ouvertes (empreinte et agrégats du parc)."), order=10),
        registry.DatasetGroup(
            "empreinte", FOOTPRINT, "Empreinte environnementale du numérique",
            "Empreinte environnementale du parc informatique de la collectivité et agrégats de "
            "ce parc, calculés par Jalon.",
            ("numérique responsable", "empreinte environnementale", "parc informatique"),
            frequency="http://publications.europa.eu/resource/authority/frequency/ANNUAL",
            order=20, temporal=footprint_period, themes=("ENVI", "TECH")),
        registry.Dataset(
            "footprint", "empreinte", "Empreinte environnementale du numérique",
            "Empreinte multicritère du parc informatique (méthode stock), trois dernières "
            "années, totale, par phase du cycle de vie et par catégorie.",
            registry.SCHEMA_DIR / "footprint.schema.json", footprint_rows, modified, order=20),
        registry.Headline("footprint", headline_footprint, order=10),
        registry.Headline("devices", headline_devices, order=20),
        registry.PublicSection(FOOTPRINT, FOOTPRINT, _("Empreinte environnementale du numérique"),
                               "footprint/_public_section.html", public_context, order=10),
        registry.ReportSection("footprint", _("Empreinte environnementale du numérique"),
                               "footprint/report/_footprint.html", report_footprint,
                               order=40),
        # Sources and methods of the whole report (every section's sources): always last.
        registry.ReportSection("sources", _("Sources et méthodes"),
                               "footprint/report/_sources.html", report_sources, order=1000),
        registry.IndicatorSource(
            "footprint_per_agent", FOOTPRINT, _("Empreinte carbone par agent"), "kgCO2e/agent",
            footprint_per_agent, listens=(events.INVENTORY,), provenance=provenance),
    )
