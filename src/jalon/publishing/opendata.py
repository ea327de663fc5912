"""Open data of an organisation: CSV resources, their Table Schemas, a DCAT-AP catalogue.

The resources are the `Dataset`s the domains declare in the publishing registry (the strategy's,
the footprint's, the inventory aggregates...); a dataset is public once its domain is published
(tenancy.Publication, read through tenancy.scope) and it is available (e.g. a strategy exists).
The catalogue lists the datasets of every published domain: it does not depend on any one
domain. Everything here is public, so it carries no personal data: rows are aggregates or what
the authority adopted. CSV: UTF-8, comma, header line, cells neutralised against spreadsheet
formulas (jalon.core.exports.safe_cell). Each CSV conforms to its Table Schema (shipped in
jalon/data/schemas/opendata/); the catalogue, a DCAT-AP graph built with rdflib and serialised as
JSON-LD, Turtle or RDF/XML, points every distribution at its schema with dct:conformsTo and gives
each dataset what data.gouv.fr's harvester needs (a stable dct:identifier first: a dataset
without one is skipped). See docs/open-data.md.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from django.http import Http404
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD
from rdflib.term import Node

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

VCARD: Final = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN: Final = Namespace("http://www.w3.org/ns/locn#")
PREFIXES: Final = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "vcard": VCARD, "locn": LOCN,
                   "skos": SKOS, "xsd": XSD}
MEDIA_TYPE: Final = "https://www.iana.org/assignments/media-types/text/csv"
FILE_TYPE_CSV: Final = "http://publications.europa.eu/resource/authority/file-type/CSV"
LANGUAGE: Final = "http://publications.europa.eu/resource/authority/language/FRA"
THEMES: Final = "http://publications.europa.eu/resource/authority/data-theme/"
# ADMS publisher type of every organisation using Jalon (a local authority or its operator).
PUBLISHER_TYPE: Final = "http://purl.org/adms/publishertype/LocalAuthority"
# What each serialisation is called by rdflib, and its media type.
FORMATS: Final = {
    "jsonld": ("json-ld", "application/ld+json"),
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("xml", "application/rdf+xml"),
}


@dataclass(frozen=True)
class Urls:
    """Absolute addresses, built by the view from the request (stable per site)."""

    catalogue: str
    page: str
    csv: Callable[[str], str]
    schema: Callable[[str], str]


def dataset_identifier(organisation: Organisation, group_key: str) -> str:
    """dct:identifier of a dataset, stable whatever address the site is reached at: the
    publisher's SIREN (else the organisation's address name) and the dataset's key.
    data.gouv.fr's harvester matches a dataset across harvests by it."""
    return f"jalon:{organisation.siren or organisation.slug}:{group_key}"


def catalogue(organisation: Organisation, urls: Urls,
              datasets: list[Dataset] | None = None) -> dict[str, Any]:
    """The catalogue as plain data, turned into RDF by `graph`: one DCAT dataset per
    DatasetGroup with a published distribution, in registry order."""
    publisher: dict[str, Any] = {"id": urls.page + "#organisation", "name": organisation.name}
    if organisation.siren:
        publisher["siren"] = organisation.siren
    spatial = ({"code": organisation.insee_code, "name": organisation.name}
               if organisation.insee_code else None)
    contact = {"name": organisation.name, "url": urls.page}
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
            "id": f"{urls.catalogue}#{group.key}",
            "identifier": dataset_identifier(organisation, group.key),
            "title": f"{group.title} — {organisation.name}",
            "description": group.description, "keywords": list(group.keywords),
            "landing": urls.page, "frequency": group.frequency, "distributions": distributions,
            "modified": max(d["modified"] for d in distributions),
            "temporal": group.temporal(organisation) if group.temporal else None,
            "themes": [THEMES + code for code in group.themes],
        })
    titles = ", ".join(g["title"].removesuffix(f" — {organisation.name}").lower()
                       for g in groups)
    return {
        "id": urls.catalogue,
        "title": f"Données ouvertes du numérique responsable — {organisation.name}",
        "description": f"Publiés avec Jalon : {titles}." if titles
                       else "Aucune donnée publiée pour l'instant.",
        "homepage": urls.page, "publisher": publisher, "contact": contact,
        "spatial": spatial, "datasets": groups,
        "modified": max((g["modified"] for g in groups),
                        default=utc_stamp(organisation.created_at)),
    }


def _fr(text: str) -> Literal:
    return Literal(text, lang="fr")


def _stamp(value: str) -> Literal:
    return Literal(value, datatype=XSD.dateTime)


def graph(data: dict[str, Any]) -> Graph:
    """The DCAT-AP 3 graph of the catalogue (shapes it passes: docs/open-data.md)."""
    g = Graph()
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, namespace)
    catalogue_ref = URIRef(data["id"])
    publisher = URIRef(data["publisher"]["id"])
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal(data["publisher"]["name"])))
    g.add((publisher, DCTERMS.type, URIRef(PUBLISHER_TYPE)))
    if "siren" in data["publisher"]:
        g.add((publisher, DCTERMS.identifier, Literal(data["publisher"]["siren"])))

    contact = BNode()
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(data["contact"]["name"])))
    g.add((contact, VCARD.hasURL, URIRef(data["contact"]["url"])))

    spatial = None
    if data["spatial"]:
        # The organisation's territory by its INSEE code (commune) or SIREN of EPCI.
        spatial = BNode()
        g.add((spatial, RDF.type, DCTERMS.Location))
        g.add((spatial, DCTERMS.identifier, Literal(data["spatial"]["code"])))
        g.add((spatial, LOCN.geographicName, _fr(data["spatial"]["name"])))

    g.add((catalogue_ref, RDF.type, DCAT.Catalog))
    catalogue_facts: tuple[tuple[URIRef, Node], ...] = (
            (DCTERMS.title, _fr(data["title"])),
            (DCTERMS.description, _fr(data["description"])),
            (DCTERMS.language, URIRef(LANGUAGE)),
            (FOAF.homepage, URIRef(data["homepage"])),
            (DCTERMS.publisher, publisher),
            (DCTERMS.license, URIRef(LICENCE)),
            (DCTERMS.modified, _stamp(data["modified"])))
    for predicate, obj in catalogue_facts:
        g.add((catalogue_ref, predicate, obj))
    if spatial is not None:
        g.add((catalogue_ref, DCTERMS.spatial, spatial))

    for ds in data["datasets"]:
        dataset = URIRef(ds["id"])
        g.add((catalogue_ref, DCAT.dataset, dataset))
        g.add((dataset, RDF.type, DCAT.Dataset))
        facts: tuple[tuple[URIRef, Node], ...] = (
                (DCTERMS.identifier, Literal(ds["identifier"])),
                (DCTERMS.title, _fr(ds["title"])),
                (DCTERMS.description, _fr(ds["description"])),
                (DCAT.landingPage, URIRef(ds["landing"])),
                (DCTERMS.publisher, publisher),
                (DCAT.contactPoint, contact),
                (DCTERMS.language, URIRef(LANGUAGE)),
                (DCTERMS.accrualPeriodicity, URIRef(ds["frequency"])),
                (DCTERMS.modified, _stamp(ds["modified"])))
        for predicate, obj in facts:
            g.add((dataset, predicate, obj))
        for keyword in ds["keywords"]:
            g.add((dataset, DCAT.keyword, _fr(keyword)))
        for theme in ds["themes"]:
            g.add((dataset, DCAT.theme, URIRef(theme)))
        if spatial is not None:
            g.add((dataset, DCTERMS.spatial, spatial))
        if ds["temporal"]:
            start, end = ds["temporal"]
            period = BNode()
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            g.add((period, DCAT.startDate, Literal(start.isoformat(), datatype=XSD.date)))
            g.add((period, DCAT.endDate, Literal(end.isoformat(), datatype=XSD.date)))
            g.add((dataset, DCTERMS.temporal, period))
        for d in ds["distributions"]:
            distribution = URIRef(d["id"])
            g.add((dataset, DCAT.distribution, distribution))
            g.add((distribution, RDF.type, DCAT.Distribution))
            distribution_facts: tuple[tuple[URIRef, Node], ...] = (
                    (DCTERMS.title, _fr(d["title"])),
                    (DCTERMS.description, _fr(d["description"])),
                    (DCAT.accessURL, URIRef(d["download"])),
                    (DCAT.downloadURL, URIRef(d["download"])),
                    (DCAT.mediaType, URIRef(MEDIA_TYPE)),
                    (DCTERMS.format, URIRef(FILE_TYPE_CSV)),
                    (DCTERMS.license, URIRef(LICENCE)),
                    (DCTERMS.conformsTo, URIRef(d["schema"])),
                    (DCTERMS.modified, _stamp(d["modified"])))
            for predicate, obj in distribution_facts:
                g.add((distribution, predicate, obj))
    return g


def serialise(data: dict[str, Any], fmt: str) -> tuple[str, str]:
    """(body, media type) of the catalogue in `fmt` (a key of FORMATS)."""
    name, media_type = FORMATS[fmt]
    g = graph(data)
    if fmt == "jsonld":
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        return g.serialize(format=name, context=context, auto_compact=True, indent=2), media_type
    return g.serialize(format=name), media_type


def negotiate(accept: str) -> str:
    """The serialisation asked for by an Accept header (JSON-LD unless another is preferred).
    Quality values are honoured; unknown types are ignored."""
    wanted: list[tuple[float, int, str]] = []
    by_type = {media_type: fmt for fmt, (_name, media_type) in FORMATS.items()}
    by_type |= {"application/x-turtle": "ttl", "application/xml": "rdf", "text/xml": "rdf",
                "application/json": "jsonld"}
    for position, part in enumerate(accept.split(",")):
        media_type, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        fmt = by_type.get(media_type.strip().lower())
        if fmt is not None and quality > 0:
            wanted.append((-quality, position, fmt))
    return min(wanted)[2] if wanted else "jsonld"
