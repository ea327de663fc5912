"""The catalogue of digital services: pages, CSV import, API, access."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests import factories, paths
from tests.factories import DigitalServiceFactory, OrganisationFactory, api_token

from jalon.catalogue.models import DigitalService
from jalon.tenancy.models import AuditEvent, Organisation

pytestmark = pytest.mark.django_db
FIXTURES = paths.FIXTURES / "catalogue"
API = "/api/v1"


def member(org: Organisation, role: str) -> Client:
    client = Client()
    client.force_login(factories.member(org, role))
    return client


def service(org: Organisation, name: str = "Site de la ville", **values) -> DigitalService:
    return DigitalServiceFactory(organisation=org, name=name, **values)


@pytest.fixture
def org():
    return OrganisationFactory(slug="ville-a")


@pytest.fixture
def editor(org):
    return member(org, "editor")


@pytest.fixture
def viewer(org):
    return member(org, "viewer")


def url(org: Organisation, tail: str = "") -> str:
    return f"/o/{org.slug}/services/{tail}"


def form_data(**values) -> dict[str, str]:
    data = {"name": "Inscription scolaire", "kind": "online_procedure", "audience": "public",
            "url": "demarches.ville.example/ecole", "sample_urls": "", "description": "",
            "owner_team": "Éducation", "provider": "Éditeur", "hosting_provider": "OVHcloud",
            "hosting_country": "fr", "status": "in_service", "in_service_since": "2021-03-01",
            "retired_on": ""}
    return {**data, **values}


# Pages -----------------------------------------------------------------------------------------

def test_list_and_filters(org, viewer):
    service(org)
    service(org, "Paie", kind="internal_app", audience="agents", provider="Éditeur RH")
    service(org, "Vieux site", status="retired")
    body = viewer.get(url(org)).content.decode()
    assert "Site de la ville" in body and "Paie" in body and "Vieux site" in body
    assert "Ajouter un service" not in body  # a viewer sees no write action

    def names(**query):
        response = viewer.get(url(org), query)
        assert response.status_code == 200
        return [s.name for s in response.context["page"].object_list]

    assert names(kind="internal_app") == ["Paie"]
    assert names(audience="public") == ["Site de la ville", "Vieux site"]
    assert names(status="retired") == ["Vieux site"]
    assert names(q="rh") == ["Paie"]
    assert names(kind="nonsense") == ["Paie", "Site de la ville", "Vieux site"]  # stale link


def test_nav_link_and_detail(org, viewer):
    s = service(org, sample_urls="https://www.ville.example/a\nhttps://www.ville.example/b")
    body = viewer.get(url(org, f"{s.pk}/")).content.decode()
    assert 'href="/o/ville-a/services/"' in body  # the organisation's navigation
    assert "https://www.ville.example/b" in body and "UE/EEE" in body
    assert "Modifier" not in body


def test_create_edit_delete_with_audit(org, editor):
    assert "Ajouter un service" in editor.get(url(org)).content.decode()
    response = editor.post(url(org, "new/"), form_data())
    created = DigitalService.objects.get(organisation=org)
    assert response.status_code == 302 and response["Location"] == url(org, f"{created.pk}/")
    assert (created.url, created.hosting_country) == ("https://demarches.ville.example/ecole",
                                                      "FR")

    response = editor.post(url(org, f"{created.pk}/edit/"),
                           form_data(status="being_retired", retired_on="2026-06-30"))
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.status == "being_retired" and str(created.retired_on) == "2026-06-30"

    confirm = editor.get(url(org, f"{created.pk}/delete/"))
    assert "Inscription scolaire" in confirm.content.decode()
    assert DigitalService.objects.filter(pk=created.pk).exists()  # a GET deletes nothing
    assert editor.post(url(org, f"{created.pk}/delete/")).status_code == 302
    assert not DigitalService.objects.filter(pk=created.pk).exists()
    actions = list(AuditEvent.objects.filter(organisation=org).order_by("at", "id")
                   .values_list("action", flat=True))
    assert actions == ["catalogue.create", "catalogue.update", "catalogue.delete"]


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"url": "pas une adresse"}, "url", "Adresse web invalide"),
    ({"hosting_country": "Gaule"}, "hosting_country", "ISO 3166"),
    ({"sample_urls": "https://a.example\nnimportequoi"}, "sample_urls", "nimportequoi"),
    ({"in_service_since": "2022-01-01", "retired_on": "2021-01-01"}, "retired_on", "précède"),
    ({"name": ""}, "name", ""),
])
def test_invalid_forms_say_why(org, editor, values, field, message):
    response = editor.post(url(org, "new/"), form_data(**values))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not DigitalService.objects.exists()


def test_duplicate_names_are_refused(org, editor):
    service(org, "Inscription scolaire")
    response = editor.post(url(org, "new/"), form_data(name="inscription scolaire"))
    assert response.status_code == 400 and "porte déjà ce nom" in response.content.decode()
    assert DigitalService.objects.count() == 1


def test_viewers_cannot_write(org, viewer):
    s = service(org)
    for path in ("new/", "import/", f"{s.pk}/edit/", f"{s.pk}/delete/"):
        assert viewer.get(url(org, path)).status_code == 403
        assert viewer.post(url(org, path), form_data()).status_code == 403
    assert DigitalService.objects.get().name == "Site de la ville"


def test_members_of_another_organisation_get_404(org):
    s = service(org)
    outsider = member(OrganisationFactory(slug="ville-b"), "admin")
    for path in ("", "new/", "import/", f"{s.pk}/", f"{s.pk}/edit/", f"{s.pk}/delete/"):
        assert outsider.get(url(org, path)).status_code == 404
    assert outsider.post(url(org, f"{s.pk}/delete/")).status_code == 404
    # And their own catalogue does not reach this service by id.
    assert outsider.get(f"/o/ville-b/services/{s.pk}/").status_code == 404
    assert DigitalService.objects.filter(pk=s.pk).exists()


# CSV import --------------------------------------------------------------------------------------

def upload(client: Client, org: Organisation, name: str, content: bytes):
    return client.post(url(org, "import/"), {"file": SimpleUploadedFile(name, content)})


def test_import_a_messy_excel_file(org, editor):
    content = (FIXTURES / "services_excel_cp1252.csv").read_bytes()
    response = upload(editor, org, "catalogue.csv", content)
    assert response.status_code == 302
    services = {s.name: s for s in DigitalService.objects.filter(organisation=org)}
    assert len(services) == 7
    school = services["Inscription scolaire"]
    assert (school.kind, school.audience, school.hosting_country, str(school.in_service_since),
            school.owner_team) == ("online_procedure", "public", "FR", "2021-03-01",
                                   "Direction de l’éducation")
    assert services["Site de la ville"].sample_url_list == [
        "https://www.ville-exemple.example/actualites", "https://www.ville-exemple.example/agenda"]
    assert services["Appli « Ma ville »"].hosting_country == "US"
    assert services["Ancien portail famille"].status == "retired"
    page = editor.get(response["Location"]).content.decode()
    assert "7 service(s) ajouté(s), 0 mis à jour" in page and "Budget annuel" in page
    event = AuditEvent.objects.get(organisation=org, action="catalogue.import")
    assert event.details["created"] == 7 and event.details["encoding"] == "cp1252"

    # Again, with one service edited since: updated by name, nothing duplicated.
    services["Logiciel de paie"].description = "Gardée : pas de colonne vide pour l'écraser"
    services["Logiciel de paie"].save()
    assert upload(editor, org, "catalogue.csv", content).status_code == 302
    assert DigitalService.objects.filter(organisation=org).count() == 7
    paie = DigitalService.objects.get(name="Logiciel de paie")
    assert paie.description == ""  # the file has a Remarques column, empty for it


def test_a_bad_file_writes_nothing_and_names_line_column_value(org, editor):
    service(org, "Déjà là")
    content = (FIXTURES / "services_errors_cp1252.csv").read_bytes()
    response = upload(editor, org, "services.csv", content)
    assert response.status_code == 400
    body = response.content.decode()
    assert "rien n&#x27;a été importé" in body or "rien n'a été importé" in body
    errors = [(e.line, e.column, e.value) for e in response.context["outcome"].errors]
    assert errors == [(3, "URL", "urbanisme ville"), (4, "Public", "Tout le monde"),
                      (4, "Pays d'hébergement", "Gaule"),
                      (4, "En service depuis", "2021-13-01"), (5, "Nom", "Site de la ville")]
    for text in ("urbanisme ville", "Tout le monde", "Gaule", "2021-13-01", "ligne 2"):
        assert text in body
    assert list(DigitalService.objects.values_list("name", flat=True)) == ["Déjà là"]
    assert not AuditEvent.objects.filter(action="catalogue.import").exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("services.xlsx", b"PK\x03\x04", "fichier .csv"),
    ("services.csv", b"Nom;Type;Public\n" + b"x" * (2 * 1024 * 1024 + 1), "taille maximale"),
])
def test_import_refuses_other_formats_and_big_files(org, editor, name, content, message):
    response = upload(editor, org, name, content)
    assert response.status_code == 400 and message in response.content.decode()
    assert not DigitalService.objects.exists()


def test_the_template_file_imports(org, viewer, editor):
    response = viewer.get(url(org, "import/modele.csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbfNom;Type;URL;")
    assert upload(editor, org, "modele.csv", response.content).status_code == 302
    assert DigitalService.objects.get().name == "Inscription scolaire"


def test_import_page_without_a_file(org, editor):
    assert editor.get(url(org, "import/")).status_code == 200
    assert editor.post(url(org, "import/")).status_code == 400


# API -----------------------------------------------------------------------------------------

class Api:
    def __init__(self, org: Organisation, role: str = "editor") -> None:
        _token, secret = api_token(org, role)  # made by a new administrator of `org`
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path: str, **params):
        return self.client.get(API + path, params, headers=self.headers)

    def send(self, method: str, path: str, body=None):
        return getattr(self.client, method)(API + path, json.dumps(body or {}),
                                            content_type="application/json",
                                            headers=self.headers)


def test_api_crud(org):
    api = Api(org)
    response = api.send("post", "/services", {
        "name": "Signalement voirie", "kind": "Démarche en ligne", "audience": "public",
        "url": "https://demarches.ville.example/voirie", "hosting_country": "fr",
        "sample_urls": ["https://demarches.ville.example/voirie/nouveau"],
        "in_service_since": "2022-04-04"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["kind"], created["hosting_country"], created["hosted_in_eu_eea"],
            created["status"], created["sample_urls"]) == (
        "online_procedure", "FR", True, "in_service",
        ["https://demarches.ville.example/voirie/nouveau"])
    sid = created["id"]
    assert api.get(f"/services/{sid}").json()["name"] == "Signalement voirie"

    patched = api.send("patch", f"/services/{sid}", {"status": "being_retired",
                                                     "hosting_country": "US"}).json()
    assert (patched["status"], patched["hosted_in_eu_eea"], patched["url"]) == (
        "being_retired", False, "https://demarches.ville.example/voirie")

    assert api.send("delete", f"/services/{sid}").status_code == 204
    assert api.get(f"/services/{sid}").status_code == 404
    actions = set(AuditEvent.objects.filter(organisation=org, action__startswith="catalogue.")
                  .values_list("action", flat=True))
    assert actions == {"catalogue.create", "catalogue.update", "catalogue.delete"}


def test_api_list_filters_and_pagination(org):
    for i in range(3):
        service(org, f"Site {i}")
    service(org, "Paie", kind="internal_app", audience="agents")
    api = Api(org, "viewer")
    page = api.get("/services", page_size=2).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    assert [s["name"] for s in api.get("/services", kind="internal_app").json()["items"]] == [
        "Paie"]
    assert api.get("/services", audience="agents").json()["count"] == 1
    assert api.get("/services", q="site").json()["count"] == 3
    assert api.get("/services", kind="application interne").json()["count"] == 1
    bad = api.get("/services", kind="vaisseau")
    assert bad.status_code == 422 and "kind" in bad.json()["detail"]


@pytest.mark.parametrize(("body", "field", "message"), [
    ({}, "name", "Indiquez le nom"),
    ({}, "audience", "obligatoire"),
    ({"name": "A", "audience": "public"}, "kind", "obligatoire"),
    ({"name": "A", "kind": "vaisseau", "audience": "public"}, "kind", "Type de service inconnu"),
    ({"name": "A", "kind": "api", "audience": "public", "url": "pas une url"}, "url",
     "Adresse web invalide"),
    ({"name": "A", "kind": "api", "audience": "public", "hosting_country": "XX"},
     "hosting_country", "ISO 3166"),
    ({"name": "A", "kind": "api", "audience": "public", "in_service_since": "2022-01-01",
      "retired_on": "2020-01-01"}, "retired_on", "précède"),
    ({"name": "Existant", "kind": "api", "audience": "public"}, "name", "porte déjà ce nom"),
    ({"name": "A", "kind": "api", "audience": "public", "owner": "x"}, None, None),
])
def test_api_422_with_clear_messages(org, body, field, message):
    service(org, "Existant")
    response = Api(org).send("post", "/services", body)
    if field is None:  # unknown keys are ignored by the schema
        assert response.status_code == 201
        return
    assert response.status_code == 422, response.content
    assert message in " ".join(response.json()["detail"][field])


def test_api_type_errors_are_422_not_500(org):
    api = Api(org)
    for body in ({"name": 12, "kind": "api", "audience": "public"},
                 {"name": "A", "kind": "api", "audience": "public", "in_service_since": "hier"},
                 {"name": "A" * 300, "kind": "api", "audience": "public"},
                 {"name": "A", "kind": "api", "audience": "public", "sample_urls": "x"}):
        assert api.send("post", "/services", body).status_code == 422
    s = service(org)
    assert api.send("patch", f"/services/{s.pk}", {"url": "nope"}).status_code == 422
    assert api.send("patch", f"/services/{s.pk}", {"name": ""}).status_code == 422
    s.refresh_from_db()
    assert (s.name, s.url) == ("Site de la ville", "https://www.ville.example")


def test_api_viewer_tokens_cannot_write_and_other_organisations_are_404(org):
    s = service(org)
    viewer = Api(org, "viewer")
    assert viewer.send("post", "/services", {"name": "A", "kind": "api",
                                             "audience": "public"}).status_code == 403
    assert viewer.send("patch", f"/services/{s.pk}", {"name": "B"}).status_code == 403
    assert viewer.send("delete", f"/services/{s.pk}").status_code == 403
    other = Api(OrganisationFactory(slug="ville-b"), "admin")
    assert other.get(f"/services/{s.pk}").status_code == 404
    assert other.send("patch", f"/services/{s.pk}", {"name": "B"}).status_code == 404
    assert other.send("delete", f"/services/{s.pk}").status_code == 404
    assert other.get("/services").json()["count"] == 0
    assert DigitalService.objects.get().name == "Site de la ville"


def test_pages_in_english(org, viewer):
    s = service(org)
    body = viewer.get(url(org), headers={"Accept-Language": "en"}).content.decode()
    assert "Catalogue of digital services" in body and "Audience" in body
    assert "Public (users)" in viewer.get(url(org, f"{s.pk}/"),
                                          headers={"Accept-Language": "en"}).content.decode()
