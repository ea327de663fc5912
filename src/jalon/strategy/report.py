"""The annual review of a strategy (CGCT L. 2311-1-1, D. 2311-15-1) and what publishing shares.

Shared by the public page, the embeddable charts and the report: targets worded by kind,
statuses in words, one SVG chart per indicator (jalon.kit.charts) with its data table.

The report of year N reads the strategy as assessed on 31 December of N, the values of N, the
footprint of N-2..N, and renders one HTML document, turned into a tagged PDF (PDF/UA-1) by
WeasyPrint. Reproducible: the same data gives the same bytes. The document never shows the
current time; its dates (shown and in the PDF metadata) are the data's own dates of change;
every list has a fixed order; the PDF identifier is derived from the HTML. On screen, the
same sections are shown one part at a time (screen_parts), to keep each page light.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from dataclasses import dataclass
from typing import Any, Final

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from jalon.core.trajectory import Point, Status, TargetKind
from jalon.kit import charts
from jalon.kit.formatting import display_unit, fr_criterion, fr_number, utc_stamp
from jalon.kit.labels import CATEGORY_LABELS, CRITERION_LABELS, PHASE_LABELS
from jalon.strategy import opendata
from jalon.strategy.models import ActionStatus, AnnualReport, Indicator, Strategy
from jalon.tenancy import audit
from jalon.tenancy.models import Organisation

STATUS_LABELS: Final = {
    Status.ACHIEVED: gettext_lazy("Atteint"), Status.ON_TRACK: gettext_lazy("En bonne voie"),
    Status.AT_RISK: gettext_lazy("À surveiller"),
    Status.OFF_TRACK: gettext_lazy("Hors trajectoire"),
    Status.NO_DATA: gettext_lazy("Pas encore de valeur"),
}
STATUS_CLASSES: Final = {
    Status.ACHIEVED: "status-ok", Status.ON_TRACK: "status-ok", Status.AT_RISK: "status-warn",
    Status.OFF_TRACK: "status-bad", Status.NO_DATA: "muted",
}


def number(value: float | None, indicator: Indicator) -> str:
    return fr_number(value, indicator.definition.precision)


def target_text(indicator: Indicator) -> str:
    """The target in words, by kind: « Atteindre 7 ans d'ici le 31/12/2027 »."""
    if not has_target(indicator):
        return gettext("Cible à définir")
    unit = indicator.definition.unit
    value = f"{number(indicator.target_value, indicator)} {unit}".strip()
    date = date_format(indicator.target_date, "SHORT_DATE_FORMAT") \
        if indicator.target_date else ""
    kind = TargetKind(indicator.target_kind)
    words = {"value": value, "date": date}
    if kind is TargetKind.LEVEL:
        return (gettext("Atteindre %(value)s d'ici le %(date)s") if date
                else gettext("Atteindre %(value)s")) % words
    if kind is TargetKind.RATE:
        rate = fr_number(indicator.target_value * 100, 1)
        rate = rate.removesuffix(",0").removesuffix(".0")
        words["rate"] = ("+" if indicator.target_value >= 0 else "") + rate
        return (gettext("%(rate)s %% par an jusqu'au %(date)s") if date
                else gettext("%(rate)s %% par an")) % words
    if kind is TargetKind.FLOOR:
        return (gettext("Au moins %(value)s à partir du %(date)s") if date
                else gettext("Au moins %(value)s")) % words
    if kind is TargetKind.CEILING:
        return (gettext("Au plus %(value)s à partir du %(date)s") if date
                else gettext("Au plus %(value)s")) % words
    return gettext("Durée maximale : %(value)s") % words


def has_target(indicator: Indicator) -> bool:
    return bool(getattr(indicator, "target_defined", True))


def status_label(status: Any) -> str:
    return str(STATUS_LABELS.get(Status(status), status))


def yearly_points(values: list[Any]) -> list[Point]:
    """The last value of each year, in date order (what the chart and its table show)."""
    by_year: dict[int, Point] = {}
    for value in sorted(values, key=lambda v: (v.date, v.pk or 0)):
        by_year[value.date.year] = Point(value.date, value.value)
    return [by_year[y] for y in sorted(by_year)]


def _on_path(path: list[Point], at: dt.date) -> float | None:
    if not path:
        return None
    if at <= path[0].date:
        return path[0].value
    for before, after in itertools.pairwise(path):
        if before.date <= at <= after.date:
            span = (after.date - before.date).days or 1
            return before.value + (after.value - before.value) * (at - before.date).days / span
    return path[-1].value


def chart_data(status: Any) -> dict[str, Any]:
    """Years, measured values and the target path at the same dates, for a chart and a table."""
    indicator = status.indicator
    points = yearly_points(list(indicator.values.all()))
    path = list(status.assessment.path)
    kind = TargetKind(indicator.target_kind)
    defined = has_target(indicator)
    rows = []
    for point in points:
        wanted = _on_path(path, point.date) if defined else None
        if wanted is None and defined and kind is not TargetKind.RATE:
            wanted = indicator.target_value
        rows.append({"year": point.date.year, "date": point.date, "value": point.value,
                     "target": wanted, "value_text": number(point.value, indicator),
                     "target_text": "–" if wanted is None else number(wanted, indicator)})
    return {"rows": rows, "has_target": any(r["target"] is not None for r in rows)}


def chart_svg(status: Any, chart_id: str) -> str:
    indicator, definition = status.indicator, status.definition
    data = chart_data(status)
    rows = data["rows"]
    series: list[tuple[str, list[float]]] = [
        (gettext("Valeur (%(unit)s)") % {"unit": definition.unit}, [r["value"] for r in rows])]
    if data["has_target"]:
        series.append((gettext("Trajectoire cible"), [r["target"] or 0.0 for r in rows]))
    words = {"target": target_text(indicator), "unit": definition.unit}
    if rows:
        desc = gettext(
            "%(count)s valeurs annuelles de %(first)s à %(last)s, dernière : %(latest)s "
            "%(unit)s. Cible : %(target)s. Statut : %(status)s.") % {
            **words, "count": len(rows), "first": rows[0]["year"], "last": rows[-1]["year"],
            "latest": rows[-1]["value_text"],
            "status": status_label(status.assessment.status)}
    else:
        desc = gettext("Aucune valeur. Cible : %(target)s.") % words
    return charts.line_chart(chart_id, [r["year"] for r in rows], series,
                             title=definition.name, desc=desc,
                             fmt=lambda v: fr_number(v, definition.precision))


@dataclass
class IndicatorView:
    status: Any
    target: str
    latest: str
    latest_date: dt.date | None
    label: str
    css: str
    chart: str
    rows: list[dict[str, Any]]

    @property
    def indicator(self) -> Indicator:
        indicator: Indicator = self.status.indicator
        return indicator

    @property
    def explanation(self) -> str:
        return str(self.status.explanation)


def indicator_view(status: Any, *, chart: bool = True, prefix: str = "ind") -> IndicatorView:
    latest = status.assessment.latest
    indicator = status.indicator
    return IndicatorView(
        status=status, target=target_text(indicator),
        latest=(f"{number(latest.value, indicator)} {indicator.definition.unit}".strip()
                if latest else "–"),
        latest_date=latest.date if latest else None,
        label=status_label(status.assessment.status),
        css=STATUS_CLASSES.get(Status(status.assessment.status), ""),
        chart=chart_svg(status, f"{prefix}-{indicator.pk}") if chart else "",
        rows=chart_data(status)["rows"])


def tree_view(strategy: Strategy) -> list[opendata.Node]:
    return opendata.tree(strategy)


ACTION_LABELS: Final = dict(ActionStatus.choices)


def action_counts(nodes: list[opendata.Node]) -> list[tuple[str, int]]:
    counts = {key: 0 for key in ActionStatus.values}
    for node in opendata.walk(nodes):
        for action in node.actions:
            counts[action.status] = counts.get(action.status, 0) + 1
    return [(str(ACTION_LABELS[k]), n) for k, n in counts.items() if n]


# --- The annual report -------------------------------------------------------------------------

def available_years(strategy: Strategy, today: dt.date | None = None) -> list[int]:
    """Years a review can be written for: the strategy's period, up to the current year."""
    last = min(strategy.period_end, (today or timezone.localdate()).year)
    return list(range(strategy.period_start, last + 1))


def last_change(organisation: Organisation, strategy: Strategy, year: int) -> dt.datetime:
    """When the data behind the report of `year` last changed (its only date)."""
    dates = [opendata.strategy_modified(strategy), opendata.inventory_modified(organisation)]
    saved = AnnualReport.objects.filter(strategy=strategy, year=year).first()
    if saved is not None:
        dates.append(saved.updated_at)
    return max(dates)


def _footprint(organisation: Organisation, year: int) -> dict[str, Any]:
    from jalon.footprint.services import footprint_for

    years = [year - 2, year - 1, year]
    data = {y: footprint_for(organisation, y, opendata.METHOD) for y in years}
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
    return {
        "years": years, "evolution": evolution, "phases": phases, "chart": chart,
        "categories": [{"label": label, "value": fr_criterion("gwp", value),
                        "count": fr_number(count)} for label, value, count in categories],
        "devices": current["rows"]["used"], "factor_set": current["factor_set"],
    }


INDICATORS_PER_PART: Final = 5  # keeps a screen part under ~330 DOM elements


@dataclass(frozen=True)
class Part:
    """One screen part of the report: some of its sections, or some of its indicators
    (`first`..`last`, 1-based, inclusive). The PDF is the whole document."""

    number: int
    title: str
    sections: tuple[str, ...]
    first: int = 0
    last: int = 0


def screen_parts(indicator_count: int) -> list[Part]:
    """Introduction and strategy; the indicators, INDICATORS_PER_PART at a time; the
    footprint with the sources (the PDF's order)."""
    parts = [Part(1, gettext("Introduction et stratégie"), ("intro", "strategy"))]
    for start in range(0, indicator_count, INDICATORS_PER_PART):
        first, last = start + 1, min(start + INDICATORS_PER_PART, indicator_count)
        words = {"first": first, "last": last}
        title = (gettext("Indicateurs %(first)s à %(last)s") % words if last > first
                 else gettext("Indicateur %(first)s") % words)
        parts.append(Part(len(parts) + 1, title, ("indicators",), first, last))
    if not indicator_count:
        parts.append(Part(2, gettext("Indicateurs"), ("indicators",)))
    parts.append(Part(len(parts) + 1, gettext("Empreinte, sources et méthodes"),
                      ("footprint", "sources")))
    return parts


def screen_part(parts: list[Part], requested: Any) -> Part:
    """The part asked for (?part=N); the first one for anything else, the last one beyond."""
    try:
        number = int(requested)
    except (TypeError, ValueError):
        number = 1
    return parts[min(max(number, 1), len(parts)) - 1]


def report_context(organisation: Organisation, strategy: Strategy, year: int,
                   part: Any = None) -> dict[str, Any]:
    """Everything the report of `year` shows, as of 31 December of that year.

    `part` None is the whole document (the PDF); anything else is the screen part
    ?part=`part` (screen_parts): only what that part shows is computed, plus the list of
    parts for the table of contents."""
    as_of = dt.date(year, 12, 31)
    saved = AnnualReport.objects.filter(strategy=strategy, year=year).first()
    statuses = list(opendata.statuses(strategy, today=as_of))
    sections: tuple[str, ...] = ("intro", "strategy", "indicators", "footprint", "sources")
    shown = statuses
    extra: dict[str, Any] = {}
    if part is not None:
        parts = screen_parts(len(statuses))
        current = screen_part(parts, part)
        sections = current.sections
        shown = statuses[current.first - 1:current.last] if current.last else []
        extra = {"screen": True, "parts": parts, "part": current,
                 "previous_part": parts[current.number - 2] if current.number > 1 else None,
                 "next_part": parts[current.number] if current.number < len(parts) else None,
                 "indicator_count": len(statuses)}
    indicators = []
    for status in shown if "indicators" in sections else []:
        view = indicator_view(status, prefix=f"r{year}")
        view.rows = [r for r in view.rows if r["year"] <= year]
        values = sorted((v for v in status.indicator.values.all() if v.date.year == year),
                        key=lambda v: (v.date, v.pk))
        indicators.append({"view": view, "values": values})
    nodes = tree_view(strategy) if "strategy" in sections else []
    sources = sorted({(s.definition.name, s.definition.source, s.definition.method)
                      for s in statuses if s.definition.source or s.definition.method})
    from jalon.footprint.selectors import sources as factor_sources

    changed = last_change(organisation, strategy, year)
    return {
        "report_org": organisation, "strategy": strategy, "year": year, "as_of": as_of,
        "introduction": saved.introduction if saved else "",
        "nodes": nodes, "action_counts": action_counts(nodes),
        "action_labels": ACTION_LABELS, "indicators": indicators,
        "footprint": (_footprint(organisation, year)
                      if {"footprint", "sources"} & set(sections) else None),
        "indicator_sources": sources,
        "factor_sources": factor_sources() if "sources" in sections else [],
        "changed": changed, "changed_date": timezone.localtime(changed).date(),
        "title": gettext("Bilan %(year)s de la stratégie numérique responsable — %(name)s") % {
            "year": year, "name": organisation.name},
        **extra,
    }


def render_document(organisation: Organisation, strategy: Strategy, year: int) -> str:
    """The standalone HTML document of the report (the PDF's source)."""
    context = report_context(organisation, strategy, year)
    context["stylesheet"] = render_to_string("strategy/report/print.css")
    context["stamp"] = utc_stamp(context["changed"])
    context["created"] = utc_stamp(strategy.created_at)
    return render_to_string("strategy/report/document.html", context)


def render_pdf(html: str, base_url: str) -> bytes:
    """A tagged PDF/UA-1 document, identical for identical HTML."""
    from weasyprint import HTML

    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    pdf: bytes = HTML(string=html, base_url=base_url).write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True, pdf_identifier=identifier)
    return pdf


@transaction.atomic
def save_introduction(actor: Any, strategy: Strategy, year: int, text: str) -> AnnualReport:
    report, created = AnnualReport.objects.get_or_create(strategy=strategy, year=year)
    if report.introduction != text or created:
        report.introduction = text
        report.save()
        audit.record(actor, "strategy.report.introduction", strategy.organisation,
                     target=f"{strategy.pk}:{year}", year=year)
    return report

