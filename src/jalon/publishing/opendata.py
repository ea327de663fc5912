"""Open data of an organisation: CSV resources, their Table Schemas, a DCAT-AP catalogue.

The resources are the `Dataset`s the domains declare in the publishing registry (the strategy's,
the footprint's, the inventory aggregates...); a dataset is public once its domain is published
(tenancy.Publication, read through tenancy.scope) and it is available (e.g. a strategy exists).
The catalogue lists the datasets of every published domain: it does not depend on any one
domain. Everything here is public, so it carries no personal data: rows are aggregates or what
the authority adopted. CSV: UTF-8, comma, header line, cells neutralised against spreadsheet
formulas (jalon.core.exports.safe_cell). Each CSV conforms to its Table Schema (shipped in
jalon/data/schemas/opendata/); the catalogue (JSON-LD and Turtle, written by hand: no RDF library
at run time) points every distribution at its schema with dct:conformsTo. See docs/open-data.md.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from django.http import Http404

from jalon.core.exports import safe_cell
from jalon.kit.formatting import utc_stamp
from jalon.publishing import registry
from jalon.publishing.registry import Dataset
from jalon.tenancy import scope
from jalon.tenancy.models import Organisation

SCHEMA_DIR: Final = registry.SCHEMA_DIR
LICENCE: Final = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
LICENCE_NAME: Final = "Licence Ouverte / Open Licence version 2.0"


# --- What is published ---------------------------------------------------------------------------

def published_datasets(organisation: Organisation,
                       domains: set[str] | None = None) -> list[Dataset]:
    """The datasets the organisation publishes, in registry order: their group's domain is
    published and they are available."""
    published = scope.published_domains(organisation) if domains is None else domains
    groups = {g.key: g for g in registry.dataset_groups()}
    return [d for d in registry.datasets()
            if d.group in groups and groups[d.group].domain in published
            and d.available(organisation)]


def published_dataset(organisation: Organisation, key: str) -> Dataset:
    """A dataset the organisation publishes, else 404 (unknown, or its domain not published)."""
    dataset = registry.dataset(key)
    group = registry.dataset_group(dataset.group) if dataset is not None else None
    if (dataset is None or group is None or not scope.is_published(organisation, group.domain)
            or not dataset.available(organisation)):
        raise Http404("No such resource")
    return dataset


def schema_bytes(dataset: Dataset) -> bytes:
    return dataset.schema.read_bytes()


def field_names(dataset: Dataset) -> list[str]:
    document: dict[str, Any] = json.loads(dataset.schema.read_text(encoding="utf-8"))
    return [f["name"] for f in document["fields"]]


def csv_text(dataset: Dataset, organisation: Organisation) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(field_names(dataset))
    for row in dataset.rows(organisation):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


# --- DCAT-AP catalogue ---------------------------------------------------------------------------

PREFIXES: Final = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
MEDIA_TYPE: Final = "https://www.iana.org/assignments/media-types/text/csv"
LANGUAGE: Final = "http://publications.europa.eu/resource/authority/language/FRA"


@dataclass(frozen=True)
class Urls:
    """Absolute addresses, built by the view from the request (stable per site)."""

    catalogue: str
    page: str
    csv: Callable[[str], str]
    schema: Callable[[str], str]


def catalogue(organisation: Organisation, urls: Urls,
              datasets: list[Dataset] | None = None) -> dict[str, Any]:
    """The catalogue as plain data, turned into JSON-LD or Turtle below: one DCAT dataset per
    DatasetGroup with a published distribution, in registry order."""
    publisher: dict[str, Any] = {"id": urls.page + "#organisation", "name": organisation.name}
    if organisation.siren:
        publisher["siren"] = organisation.siren
    published = published_datasets(organisation) if datasets is None else datasets
    groups: list[dict[str, Any]] = []
    for group in registry.dataset_groups():
        distributions = [{
            "id": urls.csv(d.key), "title": d.title, "description": d.description,
            "download": urls.csv(d.key), "schema": urls.schema(d.key),
            "modified": utc_stamp(d.modified(organisation)),
        } for d in published if d.group == group.key]
        if not distributions:
            continue
        groups.append({
            "id": f"{urls.catalogue}#{group.key}", "title": f"{group.title} — {organisation.name}",
            "description": group.description, "keywords": list(group.keywords),
            "landing": urls.page, "frequency": group.frequency, "distributions": distributions,
            "modified": max(d["modified"] for d in distributions),
        })
    titles = ", ".join(g["title"].removesuffix(f" — {organisation.name}").lower()
                       for g in groups)
    return {
        "id": urls.catalogue,
        "title": f"Données ouvertes du numérique responsable — {organisation.name}",
        "description": f"Publiés avec Jalon : {titles}." if titles
                       else "Aucune donnée publiée pour l'instant.",
        "homepage": urls.page, "publisher": publisher, "datasets": groups,
        "modified": max((g["modified"] for g in groups),
                        default=utc_stamp(organisation.created_at)),
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
    body = " ;\n".join(f"    {p} {o}" for p, o in pairs if o)  # no object: no triple
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
