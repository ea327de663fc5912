"""The bias report (HTML page and PDF) and the cost chart: what the templates need."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from jalon.algorithms.models import AlgorithmicSystem, BiasReport
from jalon.kit import charts
from jalon.kit.formatting import fr_number
from jalon.tenancy.models import Organisation


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{fr_number(value * 100, 1)} %"


def bias_context(report: BiasReport) -> dict[str, Any]:
    result = report.result
    groups = [{"name": name, **entry} for name, entry in result["groups"].items()]
    bars = [charts.Bar(g["name"], g["selection_rate"] * 100,
                       (g["ci_low"] or 0) * 100, (g["ci_high"] or 0) * 100) for g in groups]
    chart = charts.bar_chart(
        f"bias-{report.pk}", bars, title="Taux de sélection par groupe",
        desc="Part de décisions favorables par groupe, en %, avec l'intervalle de confiance "
             "à 95 % (bootstrap) ; les valeurs sont dans le tableau qui suit.",
        fmt=lambda v: f"{fr_number(v, 1)} %")
    simpson = result.get("simpson")
    strata_groups: list[str] = []
    if simpson:
        strata_groups = sorted({g for row in simpson["strata"] for g in row["rates"]})
    return {"report": report, "result": result, "groups": groups,
            "chart": mark_safe(chart),  # noqa: S308  # built by kit.charts, escaped there
            "simpson": simpson, "strata_groups": strata_groups,
            "has_outcomes": "equalized_odds_difference" in result}


def bias_pdf(organisation: Organisation, system: AlgorithmicSystem, report: BiasReport,
             base_url: str) -> bytes:
    from jalon.publishing.report import render_pdf

    html = render_to_string("algorithms/bias_document.html", {
        "organisation": organisation, "system": system, **bias_context(report),
        "stylesheet": render_to_string("publishing/report/print.css")})
    return render_pdf(html, base_url)


def cost_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    if not rows:
        return {"chart": ""}
    bars = [charts.Bar(r["system"].name, r["gwp"],
                       r["cost"].result["gwp_kg_per_year"]["low"],
                       r["cost"].result["gwp_kg_per_year"]["high"]) for r in rows]
    chart = charts.bar_chart("ai-cost", bars, title="Émissions par an et par système",
                             desc="kg CO2e par an, avec la fourchette basse–haute ; les "
                                  "valeurs sont dans le tableau qui suit.",
                             fmt=lambda v: f"{fr_number(v, 1)} kg")
    return {"chart": mark_safe(chart)}  # noqa: S308  # built by kit.charts, escaped there
