"""Open data of a published strategy: CSV resources, their Table Schemas, a DCAT-AP catalogue.

Everything here is public once the organisation's current strategy is public (Strategy.public),
so it carries no personal data: no author of a value, no user of a device, no member. Rows are
aggregates or the strategy as the authority adopted it. CSV: UTF-8, comma, header line, cells
neutralised against spreadsheet formulas (jalon.core.exports.safe_cell). Each CSV conforms to
the Table Schema shipped in jalon/data/schemas/opendata/<name>.schema.json; the catalogue
(JSON-LD and Turtle, written by hand: no RDF library at run time) points every distribution at
its schema with dct:conformsTo. See docs/open-data.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from django.db.models import Max, Prefetch
from django.http import Http404
from django.utils import timezone

from jalon.core.exports import safe_cell
from jalon.core.model import CRITERIA, PHASES
from jalon.inventory.models import Asset
from jalon.kit.formatting import utc_stamp
from jalon.strategy.models import (
    Action,
    AnnualReport,
    Axis,
    Indicator,
    IndicatorValue,
    Objective,
    Strategy,
)
from jalon.strategy.selectors import current_strategy
from jalon.strategy.status import assess_indicator
from jalon.tenancy.models import Organisation

SCHEMA_DIR: Final = Path(__file__).resolve().parent.parent / "data" / "schemas" / "opendata"
LICENCE: Final = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
LICENCE_NAME: Final = "Licence Ouverte / Open Licence version 2.0"
FOOTPRINT_YEARS: Final = 3  # the footprint CSV covers the last three years
METHOD: Final = "stock"


# Strategy and indicator status come from the strategy app itself (selectors, status).


def indicators_of(strategy: Strategy, until: dt.date | None = None) -> list[Indicator]:
    """The strategy's indicators in a stable order, with their values (up to `until`)."""
    values = IndicatorValue.objects.order_by("date", "id")
    if until is not None:
        values = values.filter(date__lte=until)
    return list(Indicator.objects.filter(strategy=strategy)
                .select_related("definition", "objective")
                .prefetch_related(Prefetch("values", queryset=values))
                .order_by("position", "id"))


def statuses(strategy: Strategy, today: dt.date | None = None) -> list[Any]:
    """One IndicatorStatus per indicator, in the strategy's order. With `today`, as of that
    day: values after it are left out (the review of year N ignores the values of N+1)."""
    return [assess_indicator(indicator, today)
            for indicator in indicators_of(strategy, until=today)]


# --- Access ------------------------------------------------------------------------------------

def public_strategy(org_slug: str) -> tuple[Organisation, Strategy]:
    """The organisation and its current strategy if that strategy is public, else 404."""
    organisation = Organisation.objects.filter(slug=org_slug).first()
    strategy = current_strategy(organisation) if organisation else None
    if organisation is None or strategy is None or not strategy.public:
        raise Http404("No published strategy")
    return organisation, strategy


def published_years(strategy: Strategy) -> list[int]:
    """Years with an annual report (an introduction saved): published with a public strategy."""
    return sorted(AnnualReport.objects.filter(strategy=strategy).exclude(introduction="")
                  .values_list("year", flat=True))


# --- Tree --------------------------------------------------------------------------------------

@dataclass
class Node:
    level: str  # axis, objective, action
    obj: Any
    parent_id: str = ""
    children: list[Node] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.level}-{self.obj.pk}"


def tree(strategy: Strategy) -> list[Node]:
    """Axes → objectives (→ sub-objectives) → actions, ordered by position then id."""
    axes = list(Axis.objects.filter(strategy=strategy).order_by("position", "id"))
    objectives = list(Objective.objects.filter(axis__strategy=strategy)
                      .order_by("position", "id"))
    actions = list(Action.objects.filter(objective__axis__strategy=strategy)
                   .order_by("position", "id"))
    by_objective: dict[int, list[Action]] = {}
    for action in actions:
        by_objective.setdefault(action.objective_id, []).append(action)
    nodes = {o.pk: Node("objective", o, actions=by_objective.get(o.pk, [])) for o in objectives}
    roots: dict[int, list[Node]] = {}
    for objective in objectives:
        node = nodes[objective.pk]
        parent = nodes.get(objective.parent_id) if objective.parent_id else None
        if parent is not None:
            node.parent_id = parent.id
            parent.children.append(node)
        else:
            node.parent_id = f"axis-{objective.axis_id}"
            roots.setdefault(objective.axis_id, []).append(node)
    return [Node("axis", axis, children=roots.get(axis.pk, [])) for axis in axes]


def walk(nodes: Iterable[Node]) -> Iterable[Node]:
    for node in nodes:
        yield node
        yield from walk(node.children)


# --- CSV resources -----------------------------------------------------------------------------

def _number(value: Any) -> Any:
    if value is None:
        return ""
    return float(value) if not isinstance(value, int) else value


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def strategy_rows(strategy: Strategy) -> Iterable[list[Any]]:
    for node in walk(tree(strategy)):
        yield [node.level, node.id, node.parent_id, node.obj.title, "", "", "", "", ""]
        for action in node.actions:
            yield ["action", f"action-{action.pk}", node.id, action.title, action.status,
                   action.owner, _date(action.start_date), _date(action.end_date),
                   _number(action.budget_eur)]


def indicator_rows(strategy: Strategy) -> Iterable[list[Any]]:
    for status in statuses(strategy):
        indicator, definition = status.indicator, status.definition
        defined = getattr(indicator, "target_defined", True)  # a target "to be defined"
        yield [indicator.pk, definition.key, definition.name, definition.unit,
               definition.direction, indicator.target_kind if defined else "",
               _number(indicator.target_value) if defined else "",
               _date(indicator.target_date) if defined else "", _date(indicator.baseline_date),
               _number(indicator.baseline_value), str(status.assessment.status),
               f"objective-{indicator.objective_id}" if indicator.objective_id else ""]


def value_rows(strategy: Strategy) -> Iterable[list[Any]]:
    values = (IndicatorValue.objects.filter(indicator__strategy=strategy)
              .order_by("indicator__position", "indicator_id", "date", "id")
              .values_list("indicator_id", "date", "value", "kind", "source", "comment"))
    for indicator_id, date, value, kind, source, comment in values:  # never the author
        yield [indicator_id, date.isoformat(), _number(value), kind, source, comment]


def footprint_years(today: dt.date | None = None) -> list[int]:
    year = (today or timezone.localdate()).year
    return list(range(year - FOOTPRINT_YEARS + 1, year + 1))


def footprint_rows(organisation: Organisation, years: Sequence[int] | None = None
                   ) -> Iterable[list[Any]]:
    """Totals, by category (phase "total") and by phase (category "total"), per criterion."""
    from jalon.footprint.services import footprint_for

    for year in years or footprint_years():
        data = footprint_for(organisation, year, METHOD)

        def row(criterion: str, phase: str, category: str, figure: dict[str, Any],
                year: int = year) -> list[Any]:
            return [year, METHOD, criterion, phase, category, _number(figure["value"]),
                    _number(figure["min"]), _number(figure["max"]), figure["unit"]]

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


def inventory_rows(organisation: Organisation, today: dt.date | None = None
                   ) -> Iterable[list[Any]]:
    """Per category: devices in service, average age (years), refurbished or reused share.

    Aggregates only (quantity-weighted); never a device, a name or a user.
    """
    today = today or timezone.localdate()
    sums: dict[str, dict[str, float]] = {}
    rows = (Asset.objects.filter(organisation=organisation).exclude(category="")
            .exclude(retirement_date__lte=today)
            .values_list("category", "quantity", "commissioning_date", "purchase_date",
                         "condition"))
    for category, quantity, commissioned, purchased, condition in rows:
        entry = sums.setdefault(category, {"count": 0, "aged": 0, "age": 0.0, "second": 0})
        entry["count"] += quantity
        start = commissioned or purchased
        if start is not None and start <= today:
            entry["aged"] += quantity
            entry["age"] += quantity * (today - start).days / 365.25
        if condition in ("refurbished", "reused"):
            entry["second"] += quantity
    for category in sorted(sums):
        entry = sums[category]
        age = round(entry["age"] / entry["aged"], 2) if entry["aged"] else ""
        share = round(entry["second"] / entry["count"], 4) if entry["count"] else ""
        yield [category, int(entry["count"]), age, share]


@dataclass(frozen=True)
class Resource:
    name: str
    dataset: str
    title: str
    description: str
    rows: Callable[[Organisation, Strategy], Iterable[list[Any]]]


RESOURCES: Final = {r.name: r for r in (
    Resource("strategy", "strategie", "Arborescence de la stratégie",
             "Axes, objectifs et actions (état, pilote, dates, budget).",
             lambda org, strategy: strategy_rows(strategy)),
    Resource("indicators", "strategie", "Indicateurs de suivi",
             "Indicateurs, cibles typées, valeur de référence et statut.",
             lambda org, strategy: indicator_rows(strategy)),
    Resource("values", "strategie", "Valeurs des indicateurs",
             "Valeurs datées des indicateurs (résultats ou estimations), avec leur source.",
             lambda org, strategy: value_rows(strategy)),
    Resource("footprint", "empreinte", "Empreinte environnementale du numérique",
             "Empreinte multicritère du parc informatique (méthode stock), trois dernières "
             "années, totale, par phase du cycle de vie et par catégorie.",
             lambda org, strategy: footprint_rows(org)),
    Resource("inventory", "empreinte", "Parc informatique en service (agrégats)",
             "Par catégorie : équipements en service, âge moyen, part reconditionnée ou "
             "réemployée.",
             lambda org, strategy: inventory_rows(org)),
)}
DATASETS: Final = {
    "strategie": ("Stratégie numérique responsable",
                  "La stratégie numérique responsable de la collectivité (loi REEN, décret "
                  "2022-1084) : axes, objectifs, actions, indicateurs et leurs valeurs.",
                  ["numérique responsable", "REEN", "stratégie", "indicateurs"]),
    "empreinte": ("Empreinte environnementale du numérique",
                  "Empreinte environnementale du parc informatique de la collectivité et "
                  "agrégats de ce parc, calculés par Jalon.",
                  ["numérique responsable", "empreinte environnementale", "parc informatique"]),
}


def published_resources(organisation: Organisation) -> list[Resource]:
    """What the open data of a public strategy holds.

    The footprint and the inventory aggregates follow the organisation's own choice to publish
    its footprint (the public footprint page): making the strategy public does not publish them.
    """
    return [r for r in RESOURCES.values()
            if r.dataset != "empreinte" or organisation.public_footprint]


def schema(name: str) -> dict[str, Any]:
    if name not in RESOURCES:
        raise Http404("No such schema")
    document: dict[str, Any] = json.loads(
        (SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    return document


def schema_bytes(name: str) -> bytes:
    if name not in RESOURCES:
        raise Http404("No such schema")
    return (SCHEMA_DIR / f"{name}.schema.json").read_bytes()


def csv_text(name: str, organisation: Organisation, strategy: Strategy) -> str:
    resource = RESOURCES.get(name)
    if resource is None:
        raise Http404("No such resource")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f["name"] for f in schema(name)["fields"]])
    for row in resource.rows(organisation, strategy):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


# --- Dates of change (dct:modified, reports) -----------------------------------------------------

def strategy_modified(strategy: Strategy) -> dt.datetime:
    latest: dt.datetime | None = IndicatorValue.objects.filter(
        indicator__strategy=strategy).aggregate(at=Max("created_at"))["at"]
    return max(filter(None, (strategy.updated_at, latest)))


def inventory_modified(organisation: Organisation) -> dt.datetime:
    from jalon.footprint.selectors import inventory_date

    return inventory_date(organisation) or organisation.created_at


def resource_modified(name: str, organisation: Organisation, strategy: Strategy
                      ) -> dt.datetime:
    if RESOURCES[name].dataset == "empreinte":
        return inventory_modified(organisation)
    return strategy_modified(strategy) if name != "strategy" else strategy.updated_at


# --- DCAT-AP catalogue ---------------------------------------------------------------------------

PREFIXES: Final = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
MEDIA_TYPE: Final = "https://www.iana.org/assignments/media-types/text/csv"
LANGUAGE: Final = "http://publications.europa.eu/resource/authority/language/FRA"
FREQUENCY: Final = {"strategie": "http://publications.europa.eu/resource/authority/frequency/IRREG",
                    "empreinte": "http://publications.europa.eu/resource/authority/frequency/ANNUAL"}


@dataclass(frozen=True)
class Urls:
    """Absolute addresses, built by the view from the request (stable per site)."""

    catalogue: str
    page: str
    csv: Callable[[str], str]
    schema: Callable[[str], str]


def catalogue(organisation: Organisation, strategy: Strategy, urls: Urls) -> dict[str, Any]:
    """The catalogue as plain data, turned into JSON-LD or Turtle below."""
    publisher: dict[str, Any] = {"id": urls.page + "#organisation", "name": organisation.name}
    if organisation.siren:
        publisher["siren"] = organisation.siren
    datasets: list[dict[str, Any]] = []
    published = published_resources(organisation)
    for key, (title, description, keywords) in DATASETS.items():
        distributions = [{
            "id": urls.csv(r.name), "title": r.title, "description": r.description,
            "download": urls.csv(r.name), "schema": urls.schema(r.name),
            "modified": utc_stamp(resource_modified(r.name, organisation, strategy)),
        } for r in published if r.dataset == key]
        if not distributions:
            continue
        datasets.append({
            "id": f"{urls.catalogue}#{key}", "title": f"{title} — {organisation.name}",
            "description": description, "keywords": keywords, "landing": urls.page,
            "frequency": FREQUENCY[key], "distributions": distributions,
            "modified": max(d["modified"] for d in distributions),
        })
    return {
        "id": urls.catalogue,
        "title": f"Données ouvertes du numérique responsable — {organisation.name}",
        "description": f"{strategy.title} ({strategy.period_start}–{strategy.period_end}), "
                       + ("son suivi et l'empreinte du parc informatique, publiés avec Jalon."
                          if organisation.public_footprint
                          else "et son suivi, publiés avec Jalon."),
        "homepage": urls.page, "publisher": publisher, "datasets": datasets,
        "modified": max(d["modified"] for d in datasets),
    }


def _dt(value: str) -> dict[str, str]:
    return {"@value": value, "@type": "xsd:dateTime"}


def _fr(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "fr"}


def to_jsonld(data: dict[str, Any]) -> dict[str, Any]:
    publisher: dict[str, Any] = {"@id": data["publisher"]["id"], "@type": "foaf:Organization",
                                 "foaf:name": data["publisher"]["name"]}
    if "siren" in data["publisher"]:
        publisher["dct:identifier"] = data["publisher"]["siren"]
    return {
        "@context": PREFIXES,
        "@id": data["id"], "@type": "dcat:Catalog",
        "dct:title": _fr(data["title"]), "dct:description": _fr(data["description"]),
        "dct:language": {"@id": LANGUAGE}, "foaf:homepage": {"@id": data["homepage"]},
        "dct:publisher": publisher, "dct:license": {"@id": LICENCE},
        "dct:modified": _dt(data["modified"]),
        "dcat:dataset": [{
            "@id": ds["id"], "@type": "dcat:Dataset",
            "dct:title": _fr(ds["title"]), "dct:description": _fr(ds["description"]),
            "dcat:keyword": [_fr(k) for k in ds["keywords"]],
            "dcat:landingPage": {"@id": ds["landing"]},
            "dct:publisher": {"@id": data["publisher"]["id"]},
            "dct:language": {"@id": LANGUAGE},
            "dct:accrualPeriodicity": {"@id": ds["frequency"]},
            "dct:modified": _dt(ds["modified"]),
            "dcat:distribution": [{
                "@id": d["id"], "@type": "dcat:Distribution",
                "dct:title": _fr(d["title"]), "dct:description": _fr(d["description"]),
                "dcat:accessURL": {"@id": d["download"]},
                "dcat:downloadURL": {"@id": d["download"]},
                "dcat:mediaType": {"@id": MEDIA_TYPE},
                "dct:format": {"@id": "http://publications.europa.eu/resource/authority/"
                                      "file-type/CSV"},
                "dct:license": {"@id": LICENCE},
                "dct:conformsTo": {"@id": d["schema"]},
                "dct:modified": _dt(d["modified"]),
            } for d in ds["distributions"]],
        } for ds in data["datasets"]],
    }


def _literal(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r"))
    return f'"{escaped}"'


def _iri(url: str) -> str:
    if any(c in url for c in '<>"{}|^`\\ '):
        raise ValueError(f"not an IRI: {url!r}")
    return f"<{url}>"


def _block(subject: str, pairs: list[tuple[str, str]]) -> str:
    body = " ;\n".join(f"    {p} {o}" for p, o in pairs)
    return f"{_iri(subject)}\n{body} .\n"


def to_turtle(data: dict[str, Any]) -> str:
    def stamp(value: str) -> str:
        return f"{_literal(value)}^^xsd:dateTime"

    fr = "@fr"
    blocks = ["".join(f"@prefix {p}: <{u}> .\n" for p, u in PREFIXES.items())]
    blocks.append(_block(data["id"], [
        ("a", "dcat:Catalog"),
        ("dct:title", _literal(data["title"]) + fr),
        ("dct:description", _literal(data["description"]) + fr),
        ("dct:language", _iri(LANGUAGE)),
        ("foaf:homepage", _iri(data["homepage"])),
        ("dct:publisher", _iri(data["publisher"]["id"])),
        ("dct:license", _iri(LICENCE)),
        ("dct:modified", stamp(data["modified"])),
        ("dcat:dataset", ", ".join(_iri(ds["id"]) for ds in data["datasets"])),
    ]))
    publisher = [("a", "foaf:Organization"), ("foaf:name", _literal(data["publisher"]["name"]))]
    if "siren" in data["publisher"]:
        publisher.append(("dct:identifier", _literal(data["publisher"]["siren"])))
    blocks.append(_block(data["publisher"]["id"], publisher))
    for ds in data["datasets"]:
        blocks.append(_block(ds["id"], [
            ("a", "dcat:Dataset"),
            ("dct:title", _literal(ds["title"]) + fr),
            ("dct:description", _literal(ds["description"]) + fr),
            ("dcat:keyword", ", ".join(_literal(k) + fr for k in ds["keywords"])),
            ("dcat:landingPage", _iri(ds["landing"])),
            ("dct:publisher", _iri(data["publisher"]["id"])),
            ("dct:language", _iri(LANGUAGE)),
            ("dct:accrualPeriodicity", _iri(ds["frequency"])),
            ("dct:modified", stamp(ds["modified"])),
            ("dcat:distribution", ", ".join(_iri(d["id"]) for d in ds["distributions"])),
        ]))
        for d in ds["distributions"]:
            blocks.append(_block(d["id"], [
                ("a", "dcat:Distribution"),
                ("dct:title", _literal(d["title"]) + fr),
                ("dct:description", _literal(d["description"]) + fr),
                ("dcat:accessURL", _iri(d["download"])),
                ("dcat:downloadURL", _iri(d["download"])),
                ("dcat:mediaType", _iri(MEDIA_TYPE)),
                ("dct:format",
                 _iri("http://publications.europa.eu/resource/authority/file-type/CSV")),
                ("dct:license", _iri(LICENCE)),
                ("dct:conformsTo", _iri(d["schema"])),
                ("dct:modified", stamp(d["modified"])),
            ]))
    return "\n".join(blocks)
