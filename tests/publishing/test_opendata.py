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
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from jalon.publishing import opendata

from .test_opendata_world import build, no_personal_data

pytestmark = pytest.mark.django_db
NAMES = ["strategy", "indicators", "values", "footprint", "inventory"]
LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")


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


def test_jsonld_catalogue(client, world):
    response = client.get(url("opendata:catalogue_jsonld"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    data = json.loads(response.content)
    assert "@context" in data and data["@type"] == "dcat:Catalog"
    assert data["dct:publisher"]["dct:identifier"] == "213300015"
    distributions = [d for ds in data["dcat:dataset"] for d in ds["dcat:distribution"]]
    assert all(ds["@type"] == "dcat:Dataset" for ds in data["dcat:dataset"])
    assert len(distributions) == len(NAMES)
    for d in distributions:
        assert d["@type"] == "dcat:Distribution"
        assert d["dcat:downloadURL"]["@id"].startswith("http://testserver/p/lisiere/data/")
        assert d["dct:conformsTo"]["@id"].startswith("http://testserver/p/lisiere/data/"
                                                     "schemas/")
        assert d["dct:license"]["@id"] == str(LICENCE)
        # Every advertised address answers.
        for key in ("dcat:downloadURL", "dct:conformsTo"):
            path = d[key]["@id"].removeprefix("http://testserver")
            assert Client().get(path).status_code == 200
    assert no_personal_data(response.content)
    # As RDF, the JSON-LD and the Turtle say the same thing.
    ld = Graph().parse(data=response.content.decode(), format="json-ld")
    ttl = Graph().parse(data=client.get(url("opendata:catalogue_ttl")).content.decode(),
                        format="turtle")
    assert len(ld) == len(ttl) and len(ld) > 50
    assert set(ld) == set(ttl)


def test_turtle_catalogue(client, world):
    response = client.get(url("opendata:catalogue_ttl"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.content.decode(), format="turtle")
    catalogue = URIRef("http://testserver/p/lisiere/data/catalogue.jsonld")
    assert (catalogue, RDF.type, DCAT.Catalog) in graph
    datasets = list(graph.objects(catalogue, DCAT.dataset))
    assert len(datasets) == 2
    publisher = graph.value(catalogue, DCTERMS.publisher)
    assert str(graph.value(publisher, DCTERMS.identifier)) == "213300015"
    assert (publisher, RDF.type, FOAF.Organization) in graph
    conforms = set()
    for dataset in datasets:
        assert (dataset, RDF.type, DCAT.Dataset) in graph
        for distribution in graph.objects(dataset, DCAT.distribution):
            assert (distribution, RDF.type, DCAT.Distribution) in graph
            assert (distribution, DCTERMS.license, LICENCE) in graph
            assert graph.value(distribution, DCAT.downloadURL) is not None
            assert graph.value(distribution, DCTERMS.modified) is not None
            conforms.add(str(graph.value(distribution, DCTERMS.conformsTo)))
    assert conforms == {f"http://testserver/p/lisiere/data/schemas/{n}.schema.json"
                        for n in NAMES}


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
