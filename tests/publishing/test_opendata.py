"""Open data of a published strategy: CSVs valid against their Table Schemas, DCAT catalogue."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from frictionless import Resource, Schema
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, SH

from jalon.publishing import opendata

from .test_opendata_world import build, no_personal_data

pytestmark = pytest.mark.django_db
NAMES = ["strategy", "indicators", "values", "footprint", "inventory"]
LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SHAPES = opendata.SCHEMA_DIR.parent / "dcat" / "dcat-ap-harvest.shapes.ttl"


def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def world(db):
    return build()


def url(name: str, slug: str = "lisiere", *args) -> str:
    return reverse(name, args=[slug, *args])


@pytest.mark.parametrize("name", NAMES)
def test_each_csv_validates_against_its_table_schema(client, world, name, tmp_path: Path):
    response = client.get(url("opendata:csv", "lisiere", name))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "public" in response["Cache-Control"]
    body = response.content
    assert no_personal_data(body)
    (tmp_path / f"{name}.csv").write_bytes(body)
    schema_response = client.get(url("opendata:schema", "lisiere", name))
    assert schema_response.status_code == 200
    (tmp_path / f"{name}.schema.json").write_bytes(schema_response.content)
    schema = Schema(f"{name}.schema.json", basepath=str(tmp_path))
    resource = Resource(f"{name}.csv", basepath=str(tmp_path), schema=schema)
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert rows, f"{name} is empty"
    # The shipped schema is the one served.
    shipped = json.loads((opendata.SCHEMA_DIR / f"{name}.schema.json").read_text())
    assert json.loads(schema_response.content) == shipped


def test_csv_contents_and_neutralised_cells(client, world):
    rows = list(csv.DictReader(io.StringIO(
        client.get(url("opendata:csv", "lisiere", "strategy")).content.decode())))
    assert [r["level"] for r in rows][:3] == ["axis", "objective", "action"]
    action = next(r for r in rows if r["owner"] == "DSI")
    assert action["title"].startswith("'=")  # a formula is neutralised
    assert action["budget"] == "12000.0" and action["status"] == "in_progress"
    sub = next(r for r in rows if r["title"] == "Réparer avant de remplacer")
    assert sub["parent_id"].startswith("objective-")
    values = list(csv.DictReader(io.StringIO(
        client.get(url("opendata:csv", "lisiere", "values")).content.decode())))
    assert {"author"} & set(values[0]) == set()
    assert values[0]["comment"] == "'-moyenne annuelle"
    inventory = {r["category"]: r for r in csv.DictReader(io.StringIO(
        client.get(url("opendata:csv", "lisiere", "inventory")).content.decode()))}
    assert inventory["laptop"]["in_service"] == "10"
    assert inventory["laptop"]["refurbished_share"] == "0.4"
    assert "desktop" not in inventory  # retired
    indicators = list(csv.DictReader(io.StringIO(
        client.get(url("opendata:csv", "lisiere", "indicators")).content.decode())))
    assert [r["target_kind"] for r in indicators] == ["level", "floor", "max_duration"]
    assert indicators[2]["status"] == "no_data"


def jsonld_graph(client) -> Graph:
    response = client.get(url("opendata:catalogue_jsonld"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    return Graph().parse(data=response.content.decode(), format="json-ld")


def test_jsonld_catalogue(client, world):
    response = client.get(url("opendata:catalogue_jsonld"))
    data = json.loads(response.content)
    assert "@context" in data and data["@context"]["dcat"] == str(DCAT)
    graph = jsonld_graph(client)
    catalogue = URIRef("http://testserver/p/lisiere/data/catalogue.jsonld")
    publisher = graph.value(catalogue, DCTERMS.publisher)
    assert str(graph.value(publisher, DCTERMS.identifier)) == "213300015"
    distributions = list(graph.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == len(NAMES)
    for d in distributions:
        download = str(graph.value(d, DCAT.downloadURL))
        schema = str(graph.value(d, DCTERMS.conformsTo))
        assert download.startswith("http://testserver/p/lisiere/data/")
        assert schema.startswith("http://testserver/p/lisiere/data/schemas/")
        assert graph.value(d, DCTERMS.license) == LICENCE
        # Every advertised address answers.
        for address in (download, schema):
            assert Client().get(address.removeprefix("http://testserver")).status_code == 200
    assert no_personal_data(response.content)


def test_the_three_serialisations_hold_the_same_graph(client, world):
    """JSON-LD, Turtle and RDF/XML, built by rdflib from one graph."""
    ld = jsonld_graph(client)
    ttl = Graph().parse(data=client.get(url("opendata:catalogue_ttl")).content.decode(),
                        format="turtle")
    response = client.get(url("opendata:catalogue_rdf"))
    assert response["Content-Type"].startswith("application/rdf+xml")
    xml = Graph().parse(data=response.content.decode(), format="xml")
    assert len(ld) > 50
    assert isomorphic(ld, ttl) and isomorphic(ld, xml)


@pytest.mark.parametrize(("accept", "media_type"), [
    ("", "application/ld+json"),
    ("*/*", "application/ld+json"),
    ("text/turtle", "text/turtle"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("text/html, application/xml;q=0.9, text/turtle;q=0.5", "application/rdf+xml"),
    ("text/turtle;q=0.2, application/ld+json;q=0.8", "application/ld+json"),
    ("text/turtle;q=0, application/rdf+xml;q=bad", "application/ld+json"),
])
def test_content_negotiation(client, world, accept, media_type):
    response = client.get(url("opendata:catalogue"), HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(media_type)
    assert "Accept" in response["Vary"]
    graph = Graph().parse(data=response.content.decode(), format={
        "application/ld+json": "json-ld", "text/turtle": "turtle",
        "application/rdf+xml": "xml"}[media_type])
    assert (URIRef("http://testserver/p/lisiere/data/catalogue.jsonld"), RDF.type,
            DCAT.Catalog) in graph


def test_what_harvesters_need(client, world):
    """data.gouv.fr takes a dataset only with a dct:identifier; DCAT-AP recommends contact
    point, temporal and spatial coverage, frequency and theme."""
    graph = jsonld_graph(client)
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert {str(graph.value(d, DCTERMS.identifier)) for d in datasets} == {
        "jalon:213300015:strategie", "jalon:213300015:empreinte"}
    for dataset in datasets:
        contact = graph.value(dataset, DCAT.contactPoint)
        assert str(graph.value(contact, VCARD.hasURL)) == "http://testserver/p/lisiere/"
        spatial = graph.value(dataset, DCTERMS.spatial)
        assert str(graph.value(spatial, DCTERMS.identifier)) == world["org"].insee_code
        assert graph.value(dataset, DCTERMS.accrualPeriodicity) is not None
        assert graph.value(dataset, DCAT.theme) is not None
        period = graph.value(dataset, DCTERMS.temporal)
        start, end = graph.value(period, DCAT.startDate), graph.value(period, DCAT.endDate)
        assert start.toPython() <= end.toPython()
    strategy = URIRef("http://testserver/p/lisiere/data/catalogue.jsonld#strategie")
    period = graph.value(strategy, DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2024-01-01"
    # The identifier does not depend on the address the site is reached at.
    other = Graph().parse(data=client.get(url("opendata:catalogue_jsonld"),
                                          HTTP_HOST="localhost").content.decode(),
                          format="json-ld")
    assert ({str(o) for o in other.objects(None, DCTERMS.identifier)}
            == {str(o) for o in graph.objects(None, DCTERMS.identifier)})


def test_the_catalogue_passes_the_shapes(client, world):
    graph = jsonld_graph(client)
    conforms, report, text = validate(graph, shacl_graph=shapes(), advanced=True)
    assert conforms, text
    warnings = list(report.subjects(SH.resultSeverity, SH.Warning))
    assert warnings == [], text


def test_the_shapes_catch_a_dataset_without_identifier(client, world):
    """The shapes are not a formality: without dct:identifier the catalogue is refused."""
    graph = jsonld_graph(client)
    graph.remove((None, DCTERMS.identifier, None))
    conforms, _report, text = validate(graph, shacl_graph=shapes())
    assert not conforms and "dct:identifier" in text


def test_literals_are_escaped_in_turtle(client, world):
    world["org"].name = 'Commune "guillemets" \\ et\nligne'
    world["org"].save()
    body = client.get(url("opendata:catalogue_ttl")).content.decode()
    graph = Graph().parse(data=body, format="turtle")
    assert 'Commune "guillemets" \\ et\nligne' in {str(o) for o in graph.objects()}


def test_everything_is_404_when_the_strategy_is_not_public(client, db):
    # Set-up: nothing published at all (the catalogue no longer depends on the strategy).
    build(public=False, public_footprint=False)
    paths = [url("opendata:catalogue_jsonld"), url("opendata:catalogue_ttl"),
             *[url("opendata:csv", "lisiere", n) for n in NAMES],
             *[url("opendata:schema", "lisiere", n) for n in NAMES]]
    for path in paths:
        assert client.get(path).status_code == 404, path


def test_unknown_names_and_organisations_are_404(client, world):
    assert client.get(url("opendata:csv", "lisiere", "members")).status_code == 404
    assert client.get(url("opendata:schema", "lisiere", "members")).status_code == 404
    assert client.get(url("opendata:catalogue_jsonld", "nowhere")).status_code == 404


def test_footprint_stays_out_of_open_data_until_the_footprint_is_published(client, db):
    """A public strategy publishes the strategy dataset; the footprint and inventory aggregates
    follow the organisation's own choice to publish its footprint."""
    build(public_footprint=False)
    for name in ("footprint", "inventory"):
        assert client.get(url("opendata:csv", "lisiere", name)).status_code == 404
    for name in ("strategy", "indicators", "values"):
        assert client.get(url("opendata:csv", "lisiere", name)).status_code == 200
    catalogue = json.loads(client.get(url("opendata:catalogue_jsonld")).content)
    text = json.dumps(catalogue)
    assert "footprint.csv" not in text and "inventory.csv" not in text
    assert "strategy.csv" in text
    page = client.get(url("publicstrategy:index")).content.decode()
    assert "footprint.csv" not in page and "strategy.csv" in page
