"""From the footprint JSON to rows and charts for the templates (no computation of impacts).

Every page shows numbers from the same dict (services.footprint_for): these helpers only pick,
sort, label and format.
"""

from __future__ import annotations

from typing import Any, Final

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from jalon.core.model import CRITERIA, PHASES
from jalon.kit import charts
from jalon.kit.formatting import display_unit, fr_criterion, fr_number, in_display_unit
from jalon.kit.labels import CRITERION_LABELS, PHASE_LABELS, category_label

CHART_CAP: Final = 10  # bars of the entity chart, rows of the table beside it
DIMENSIONS: Final = ("category", "entity", "site")
# Published references (docs/validation.md), both with a broader scope than an inventory.
GREENIT_KG_PER_USER: Final = 460.0
LA_ROCHELLE_T: Final = 680.0
LA_ROCHELLE_COMPUTERS: Final = 2500
LA_ROCHELLE_SCREENS: Final = 3400
COMPUTERS: Final = ("laptop", "desktop", "thin_client", "workstation")


def _svg(markup: str) -> SafeString:
    # Safe: charts.py escapes every text it writes.
    return mark_safe(markup)  # noqa: S308


def gwp_t(value: float) -> str:
    return fr_criterion("gwp", value)


def _range(criterion: str, triple: dict[str, float]) -> str:
    """"min – max" of a value, in its display unit."""
    return f"{fr_criterion(criterion, triple['min'])} – {fr_criterion(criterion, triple['max'])}"


def totals(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for criterion in CRITERIA:
        triple = data["totals"][criterion]
        assessed = data["criteria"][criterion]["phases_assessed"]
        rows.append({
            "key": criterion, "label": CRITERION_LABELS[criterion],
            "unit": display_unit(criterion),
            "value": fr_criterion(criterion, triple["value"]),
            "min": fr_criterion(criterion, triple["min"]),
            "max": fr_criterion(criterion, triple["max"]),
            "range": _range(criterion, triple),
            "phases": [PHASE_LABELS[p] for p in assessed],
            "not_assessed": [PHASE_LABELS[p] for p in PHASES if p not in assessed],
        })
    return rows


def devices_in_service(data: dict[str, Any]) -> int:
    return sum(int(entry["count"]) for entry in data["by_category"].values())


def categories(data: dict[str, Any]) -> list[dict[str, Any]]:
    entries = sorted(data["by_category"].items(), key=lambda kv: -kv[1]["gwp"]["value"])
    return [{
        "key": key, "label": category_label(key), "count": fr_number(entry["count"]),
        "lifespan": ("–" if entry["lifespan_years"] is None
                     else fr_number(entry["lifespan_years"], 1)),
        "gwp": fr_criterion("gwp", entry["gwp"]["value"]), "gwp_range": _range("gwp", entry["gwp"]),
        "values": [{"criterion": c, "value": fr_criterion(c, entry[c]["value"]),
                    "min": fr_criterion(c, entry[c]["min"]),
                    "max": fr_criterion(c, entry[c]["max"])} for c in CRITERIA],
    } for key, entry in entries]


def phases(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Phase × criterion; a phase a criterion does not assess says so instead of 0."""
    rows = []
    for phase in PHASES:
        cells = []
        for criterion in CRITERIA:
            assessed = phase in data["criteria"][criterion]["phases_assessed"]
            value = data["by_phase"][phase][criterion]["value"]
            cells.append({"assessed": assessed, "value": fr_criterion(criterion, value)})
        rows.append({"key": phase, "label": PHASE_LABELS[phase], "cells": cells})
    return rows


def criteria_header() -> list[dict[str, str]]:
    return [{"key": c, "label": str(CRITERION_LABELS[c]), "unit": display_unit(c)}
            for c in CRITERIA]


def dimension_rows(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """Every entity or site (name: "entity", "site") by decreasing gwp, all criteria."""
    entries = sorted(data.get(f"by_{name}", {}).items(), key=lambda kv: -kv[1]["gwp"]["value"])
    return [{"label": key or _("(non renseigné)"),
             "values": [fr_criterion(c, entry[c]["value"]) for c in CRITERIA],
             "gwp": fr_criterion("gwp", entry["gwp"]["value"])} for key, entry in entries]


def dimension(data: dict[str, Any], name: str, cap: int = CHART_CAP) -> dict[str, Any]:
    """The first `cap` entities or sites by decreasing gwp (the breakdown page and the
    exports have them all)."""
    rows = dimension_rows(data, name)
    return {"rows": rows[:cap], "total": len(rows), "capped": len(rows) > cap,
            "more": max(len(rows) - cap, 0)}


def category_chart(data: dict[str, Any], chart_id: str = "chart-categories") -> SafeString:
    entries = sorted(data["by_category"].items(), key=lambda kv: -kv[1]["gwp"]["value"])
    bars = [charts.Bar(category_label(k), in_display_unit("gwp", e["gwp"]["value"]) or 0.0,
                       in_display_unit("gwp", e["gwp"]["min"]),
                       in_display_unit("gwp", e["gwp"]["max"])) for k, e in entries]
    return _svg(charts.bar_chart(
        chart_id, bars, title=_("Changement climatique par catégorie (tCO2e)"),
        desc=_("Barres horizontales : empreinte carbone de chaque catégorie d'équipements, "
               "trait noir de la valeur minimale à la valeur maximale. Valeurs dans le "
               "tableau voisin."),
        fmt=lambda v: fr_number(v, 1)))


def phase_chart(data: dict[str, Any], chart_id: str = "chart-phases") -> SafeString:
    """Share of each phase per criterion (criteria have different units: shares compare)."""
    rows = []
    for criterion in CRITERIA:
        values = [data["by_phase"][p][criterion]["value"] for p in PHASES]
        total = sum(values) or 1.0
        rows.append((str(CRITERION_LABELS[criterion]), [100 * v / total for v in values]))
    return _svg(charts.stacked_bars(
        chart_id, rows, [str(PHASE_LABELS[p]) for p in PHASES],
        title=_("Part de chaque phase du cycle de vie, par critère (%)"),
        desc=_("Barres empilées : pour chaque critère, part de la fabrication, de la "
               "distribution, de l'utilisation et de la fin de vie. Valeurs dans le tableau "
               "voisin."),
        fmt=lambda v: fr_number(v, 0) + " %"))


def dimension_chart(data: dict[str, Any], name: str, title: str) -> SafeString:
    entries = sorted(data.get(f"by_{name}", {}).items(),
                     key=lambda kv: -kv[1]["gwp"]["value"])[:CHART_CAP]
    bars = [charts.Bar(key or _("(non renseigné)"),
                       in_display_unit("gwp", entry["gwp"]["value"]) or 0.0)
            for key, entry in entries]
    return _svg(charts.bar_chart(
        f"chart-{name}", bars, title=title,
        desc=_("Barres horizontales des %(n)s premiers, en tCO2e ; valeurs dans le tableau "
               "voisin.") % {"n": len(bars)},
        fmt=lambda v: fr_number(v, 1)))


def per_agent(data: dict[str, Any], agents: int | None) -> dict[str, Any] | None:
    if not agents:
        return None
    kg = data["totals"]["gwp"]["value"] / agents
    return {"kg": fr_number(kg, 0), "min": fr_number(data["totals"]["gwp"]["min"] / agents, 0),
            "max": fr_number(data["totals"]["gwp"]["max"] / agents, 0),
            "greenit": fr_number(GREENIT_KG_PER_USER, 0),
            "ratio": fr_number(100 * kg / GREENIT_KG_PER_USER, 0),
            "agents": fr_number(agents)}


def references(data: dict[str, Any]) -> dict[str, Any]:
    """La Rochelle per computer, beside ours (both carry screens, phones, printers…)."""
    computers = sum(int(data["by_category"].get(c, {}).get("count", 0)) for c in COMPUTERS)
    screens = int(data["by_category"].get("monitor", {}).get("count", 0))
    ours = data["totals"]["gwp"]["value"] / computers if computers else None
    return {
        "greenit": fr_number(GREENIT_KG_PER_USER, 0),
        "lr_t": fr_number(LA_ROCHELLE_T, 0), "lr_computers": fr_number(LA_ROCHELLE_COMPUTERS),
        "lr_screens": fr_number(LA_ROCHELLE_SCREENS),
        "lr_per_computer": fr_number(LA_ROCHELLE_T * 1000 / LA_ROCHELLE_COMPUTERS, 0),
        "computers": fr_number(computers), "screens": fr_number(screens),
        "per_computer": None if ours is None else fr_number(ours, 0),
    }


def headline(data: dict[str, Any]) -> dict[str, str]:
    gwp = data["totals"]["gwp"]
    return {"value": gwp_t(gwp["value"]), "min": gwp_t(gwp["min"]), "max": gwp_t(gwp["max"])}


def problems(data: dict[str, Any]) -> dict[str, Any]:
    rows = data["rows"]
    return {"problems": len(rows["problems"]), "unclassified": rows["unclassified"],
            "read": rows["read"], "used": rows["used"],
            "unclassified_types": rows.get("unclassified_types", [])[:10]}


def footprint_context(data: dict[str, Any]) -> dict[str, Any]:
    """What the footprint page and the public page share."""
    return {
        "data": data, "has_data": devices_in_service(data) > 0,
        "headline": headline(data), "totals": totals(data),
        "criteria": criteria_header(), "categories": categories(data), "phases": phases(data),
        "devices": fr_number(devices_in_service(data)),
        "category_chart": category_chart(data), "phase_chart": phase_chart(data),
    }
