"""Citizen reports end to end, through HTTP: the public form without JavaScript (spam, bad
input, photos stripped of their metadata), the follow-up link, the AI triage under human
control, the back office, retraining, the FAQ assistant, the API and the demo."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from PIL import Image
from tests.factories import OrganisationFactory, api_token, member, published
from tests.reports.factories import (
    AnswerTemplateFactory,
    FaqEntryFactory,
    ReportFactory,
    TeamFactory,
    jpeg,
)

from jalon import privacy
from jalon.core import reportdata, triage
from jalon.reports import services
from jalon.reports.models import (
    FaqExchange,
    Report,
    ReportStatus,
    TriageModelRecord,
    TriageSettings,
    TriageState,
)
from jalon.tenancy.models import AuditEvent

pytestmark = pytest.mark.django_db
ORIGIN = "http://testserver"


@pytest.fixture(scope="module")
def bundled_model() -> triage.TriageModel:
    rows = reportdata.training()
    return triage.train([r.text for r in rows], [r.category for r in rows], version="test-1")


@pytest.fixture
def org(bundled_model: triage.TriageModel) -> Any:
    organisation = OrganisationFactory(slug="lisiere", name="Agglo de la Lisière")
    published(organisation, "reports")
    services.install_demo_categories(None, organisation)
    team = TeamFactory(organisation=organisation, name="Voirie")
    organisation.report_categories.filter(code="voirie").update(team=team)
    TriageModelRecord.objects.create(
        organisation=organisation, version="test-1", algorithm=bundled_model.algorithm,
        n_examples=bundled_model.n_examples, macro_f1=0.8, top3_accuracy=0.95, n_evaluated=312,
        data=bundled_model.to_bytes(key=services._signing_key()))
    return organisation


def form_url(org: Any) -> str:
    return reverse("reports_public:form", args=[org.slug])


def post_report(client: Client, org: Any, **fields: Any) -> Any:
    data = {"category": "", "description": "Un gros nid de poule devant l'école, dangereux",
            "address": "12 rue des Lilas", "latitude": "", "longitude": "", "email": "",
            **fields}
    return client.post(form_url(org), data, HTTP_ORIGIN=ORIGIN)


# --- Public form --------------------------------------------------------------------------------

def test_form_without_javascript_and_without_cookie(org: Any, client: Client) -> None:
    response = client.get(form_url(org))
    assert response.status_code == 200
    assert not response.cookies
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body and "<script" not in body
    assert "Voirie et trottoirs" in body and "Je ne sais pas" in body
    assert "intelligence artificielle" in body  # AI Act art. 50: the citizen is told


def test_a_citizen_files_a_report_and_follows_it(org: Any, client: Client) -> None:
    photo = io.BytesIO(jpeg((800, 600), gps=True))
    photo.name = "IMG_0001.jpg"
    response = client.post(form_url(org), {
        "category": "", "description": "Lampadaire éteint depuis trois jours, rue noire",
        "address": "", "latitude": "47,3215", "longitude": "1.642",
        "email": "habitant@exemple.fr", "photos": [photo]}, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 303, response.content.decode()[:2000]
    assert not response.cookies
    report = Report.objects.get(organisation=org)
    assert str(report.latitude) == "47.321500"
    # The AI suggested, nobody routed: pending, no category, no team.
    assert report.triage_state == TriageState.PENDING
    assert report.suggestions[0]["category"] == "eclairage"
    assert report.model_version == "test-1"
    assert report.category is None and report.team is None
    # The follow-up link was sent to the given address.
    assert len(mail.outbox) == 1 and response["Location"].split("?")[0] in mail.outbox[0].body
    follow = client.get(response["Location"])
    assert follow.status_code == 200
    body = follow.content.decode()
    assert "Nouveau" in body and "suggérée par un système d'intelligence artificielle" in body
    assert follow["Referrer-Policy"] == "no-referrer"
    # The audit event keeps the submitted data under "personal".
    event = AuditEvent.objects.get(action="reports.report_received")
    assert event.details["personal"]["email"] == "habitant@exemple.fr"


def test_photos_are_reencoded_without_metadata(org: Any, client: Client) -> None:
    original = jpeg((800, 600), gps=True)
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(0x8825)  # the fixture does carry a GPS position
    photo = io.BytesIO(original)
    photo.name = "gps.jpg"
    response = post_report(Client(), org, photos=[photo])
    assert response.status_code == 303
    stored = Report.objects.get(organisation=org).photos.get()
    with Image.open(io.BytesIO(bytes(stored.data))) as clean:
        assert clean.format == "JPEG"
        assert not clean.getexif()
        assert "exif" not in clean.info and "icc_profile" not in clean.info
        # Turned upright from the EXIF orientation (6: rotate 90°) before the tag was dropped.
        assert clean.size == (600, 800) == (stored.width, stored.height)
    assert b"PhoneMaker" not in bytes(stored.data) and b"GPS" not in bytes(stored.data)
    # The reporter sees it through the private link.
    token_url = response["Location"].split("?")[0]
    image = client.get(f"{token_url}photos/0.jpg")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"description": "trou"}, "description", "10 caractères au moins"),
    ({"address": ""}, "address", "Indiquez une adresse"),
    ({"latitude": "48,85", "longitude": ""}, "longitude", "la latitude et la longitude"),
    ({"address": "", "latitude": "91", "longitude": "2"}, "latitude", "entre -90 et 90"),
    ({"latitude": "nord", "longitude": "2"}, "latitude", "pas un nombre décimal"),
    ({"email": "pas-une-adresse"}, "email", "adresse"),
    ({"category": "inexistante"}, "category", "choix"),
])
def test_bad_input_is_refused_in_french(org: Any, client: Client, fields: dict[str, str],
                                        field: str, message: str) -> None:
    response = post_report(client, org, **fields)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body and message in body
    assert not Report.objects.exists()


@pytest.mark.parametrize(("content", "message"), [
    (b"%PDF-1.4 not an image", "illisible"),
    (b"\xff\xd8\xff\xe0garbage", "illisible"),
])
def test_bad_photos_are_refused(org: Any, client: Client, content: bytes, message: str) -> None:
    upload = io.BytesIO(content)
    upload.name = "photo.jpg"
    response = post_report(client, org, photos=[upload])
    assert response.status_code == 400 and message in response.content.decode()
    assert not Report.objects.exists()


def test_at_most_three_photos(org: Any, client: Client) -> None:
    uploads = []
    for i in range(4):
        upload = io.BytesIO(jpeg())
        upload.name = f"p{i}.jpg"
        uploads.append(upload)
    response = post_report(client, org, photos=uploads)
    assert response.status_code == 400 and "Trois photos au plus" in response.content.decode()


def test_spam_defences(org: Any, client: Client, settings: Any) -> None:
    # Honeypot: answered as a success, nothing stored.
    response = post_report(client, org, website="http://spam.example")
    assert response.status_code == 303 and not Report.objects.exists()
    # Another site's form: refused.
    response = client.post(form_url(org), {"description": "x" * 20, "address": "ici"},
                           HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403 and not Report.objects.exists()
    # Too big a body.
    response = client.post(form_url(org), {"description": "x"}, HTTP_ORIGIN=ORIGIN,
                           CONTENT_LENGTH=str(200 * 1024 * 1024))
    assert response.status_code == 413
    # Throttle: PUBLICFORMS_ADDRESS_LIMIT per window from one address.
    settings.PUBLICFORMS_ADDRESS_LIMIT = 2
    assert post_report(client, org).status_code == 303
    assert post_report(client, org).status_code == 303
    third = post_report(client, org)
    assert third.status_code == 429 and "Retry-After" in third
    assert Report.objects.count() == 2


def test_the_ai_suggestion_button_stores_nothing(org: Any, client: Client) -> None:
    response = client.post(form_url(org), {"description": "tags sur le mur de l'école",
                                           "suggest": "1"}, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Suggestion automatique (intelligence artificielle)" in body
    assert '<option value="graffitis" selected>' in body
    assert not Report.objects.exists()


def test_unpublished_organisation_has_no_public_pages(org: Any, client: Client) -> None:
    published(org, "reports", False)
    assert client.get(form_url(org)).status_code == 404
    assert client.get(reverse("reports_public:faq", args=[org.slug])).status_code == 404
    assert client.get(f"/open311/{org.slug}/v2/services.json").status_code == 404


def test_follow_link_needs_the_exact_token(org: Any, client: Client) -> None:
    ReportFactory(organisation=org, follow_token_hash=services.token_hash("abc" * 10))
    assert client.get(reverse("reports_public:follow", args=[org.slug, "abc" * 10])
                      ).status_code == 200
    assert client.get(reverse("reports_public:follow", args=[org.slug, "abd" * 10])
                      ).status_code == 404
    other = OrganisationFactory()
    published(other, "reports")
    assert client.get(reverse("reports_public:follow", args=[other.slug, "abc" * 10])
                      ).status_code == 404


def test_auto_routing_only_when_opted_in_above_the_threshold(org: Any) -> None:
    text = "Lampadaire éteint et réverbère qui clignote toute la nuit, rue dans le noir"
    received = services.receive(org, {"description": text, "address": "rue des Lilas"})
    assert received.report.triage_state == TriageState.PENDING
    assert received.report.category is None
    TriageSettings.objects.create(organisation=org, auto_route=True, auto_route_threshold=0.5)
    received = services.receive(org, {"description": text, "address": "rue des Lilas"})
    assert received.report.triage_state == TriageState.AUTO
    assert received.report.category.code == "eclairage"
    TriageSettings.objects.filter(organisation=org).update(auto_route_threshold=1.0)
    received = services.receive(org, {"description": text, "address": "rue des Lilas"})
    assert received.report.triage_state == TriageState.PENDING


# --- Back office ------------------------------------------------------------------------------

@pytest.fixture
def agent(org: Any, client: Client) -> Any:
    user = member(org, "editor")
    client.force_login(user)
    return user


def test_an_agent_confirms_or_corrects_the_suggestion(org: Any, agent: Any,
                                                      client: Client) -> None:
    report = services.receive(org, {"description": "Nid de poule énorme sur la chaussée",
                                    "address": "rue Pasteur"}).report
    assert report.suggestions[0]["category"] == "voirie"
    page = client.get(reverse("reports:detail", args=[org.slug, report.pk]))
    assert page.status_code == 200
    assert "Suggestion de l'IA" in page.content.decode()
    voirie = org.report_categories.get(code="voirie")
    response = client.post(reverse("reports:triage_report", args=[org.slug, report.pk]),
                           {"category": voirie.pk})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.triage_state == TriageState.CONFIRMED
    assert report.team.name == "Voirie" and report.routed_at is not None
    bruit = org.report_categories.get(code="bruit")
    client.post(reverse("reports:triage_report", args=[org.slug, report.pk]),
                {"category": bruit.pk})
    report.refresh_from_db()
    assert report.triage_state == TriageState.CORRECTED and report.category == bruit
    event = AuditEvent.objects.filter(action="reports.triage").latest("at")
    assert event.details["suggested"] == "voirie" and event.details["category"] == "bruit"


def test_a_reader_cannot_triage(org: Any, client: Client) -> None:
    client.force_login(member(org, "viewer"))
    report = ReportFactory(organisation=org)
    assert client.get(reverse("reports:detail", args=[org.slug, report.pk])).status_code == 200
    category = org.report_categories.first()
    response = client.post(reverse("reports:triage_report", args=[org.slug, report.pk]),
                           {"category": category.pk})
    assert response.status_code == 403


def test_statuses_rejection_reason_and_duplicates(org: Any, agent: Any,
                                                  client: Client) -> None:
    first = ReportFactory(organisation=org)
    second = ReportFactory(organisation=org,
                           follow_token_hash=services.token_hash("suivi-du-second"))
    url = reverse("reports:status", args=[org.slug, second.pk])
    # Not routed before a person confirms the category.
    response = client.post(url, {"status": "planned"})
    assert response.status_code == 400 and "Confirmez d&#x27;abord" in response.content.decode()
    response = client.post(url, {"status": "rejected"})
    assert response.status_code == 400 and "motif du rejet" in response.content.decode()
    response = client.post(url, {"status": "duplicate"})
    assert response.status_code == 400 and "doublon" in response.content.decode()
    response = client.post(url, {"status": "duplicate", "duplicate_of": first.pk})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == ReportStatus.DUPLICATE and second.duplicate_of == first
    assert second.closed_at is not None
    template = AnswerTemplateFactory(organisation=org, body="Route départementale.")
    client.post(url, {"status": "rejected", "reason": "Hors compétence",
                      "template": template.pk})
    second.refresh_from_db()
    assert second.status_reason == "Hors compétence"
    follow = Client().get(reverse("reports_public:follow", args=[org.slug, "suivi-du-second"]))
    body = follow.content.decode()
    assert "Hors compétence" in body and "Route départementale." in body


def test_likely_duplicates_are_listed(org: Any, agent: Any, client: Client) -> None:
    first = services.receive(org, {"description": "Lampadaire éteint devant le 12",
                                   "address": "12 rue des Lilas"}).report
    second = services.receive(org, {"description": "Le lampadaire du 12 est éteint",
                                    "address": "12, Rue des Lilas"}).report
    services.receive(org, {"description": "Tags sur le mur de la mairie",
                           "address": "place du Marché"})
    page = client.get(reverse("reports:detail", args=[org.slug, second.pk])).content.decode()
    table = page.split('id="dup-title"')[1].split("Historique")[0]
    assert first.reference in table and "même adresse" in table
    assert "Tags sur le mur" not in table


def test_assignment_to_a_team(org: Any, agent: Any, client: Client) -> None:
    report = ReportFactory(organisation=org)
    team = TeamFactory(organisation=org, name="Régie")
    client.post(reverse("reports:assign", args=[org.slug, report.pk]), {"team": team.pk})
    report.refresh_from_db()
    assert report.team == team
    foreign = TeamFactory(organisation=OrganisationFactory())
    response = client.post(reverse("reports:assign", args=[org.slug, report.pk]),
                           {"team": foreign.pk})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.team == team


def test_retraining_uses_human_validations_and_is_measured(org: Any, agent: Any,
                                                           client: Client) -> None:
    report = services.receive(org, {"description": "Cabine téléphonique couverte d'affiches",
                                    "address": "rue de la Gare"}).report
    services.triage_report(agent, report, org.report_categories.get(code="graffitis"))
    response = client.post(reverse("reports:retrain", args=[org.slug]))
    assert response.status_code == 302
    record = TriageModelRecord.objects.get(organisation=org, active=True)
    assert record.n_validations == 1 and record.n_examples == 241
    assert record.n_evaluated == 312 and record.macro_f1 > 0.7 and record.top3_accuracy > 0.9
    page = client.get(reverse("reports:triage", args=[org.slug])).content.decode()
    assert "F1 macro" in page and record.version in page
    assert TriageModelRecord.objects.filter(organisation=org).count() == 2


def test_auto_routing_threshold_is_checked(org: Any, agent: Any, client: Client) -> None:
    url = reverse("reports:triage", args=[org.slug])
    response = client.post(url, {"auto_route": "on", "auto_route_threshold": "0.2"})
    assert response.status_code == 400 and "entre 0,5 et 1" in response.content.decode()
    response = client.post(url, {"auto_route": "on", "auto_route_threshold": "0.95"})
    assert response.status_code == 302
    assert TriageSettings.objects.get(organisation=org).auto_route_threshold == 0.95


def test_back_office_pages(org: Any, agent: Any, client: Client) -> None:
    ReportFactory(organisation=org)
    FaqEntryFactory(organisation=org)
    for name in ("index", "triage", "settings", "faq", "category_create", "team_create",
                 "template_create", "faq_create"):
        response = client.get(reverse(f"reports:{name}", args=[org.slug]))
        assert response.status_code == 200, name
    response = client.post(reverse("reports:category_create", args=[org.slug]),
                           {"code": "voirie", "label": "Doublon", "position": 0})
    assert response.status_code == 400 and "déjà ce code" in response.content.decode()
    response = client.post(reverse("reports:category_create", args=[org.slug]),
                           {"code": "neige", "label": "Déneigement", "active": "on",
                            "position": 20})
    assert response.status_code == 302 and org.report_categories.filter(code="neige").exists()


# --- FAQ assistant ------------------------------------------------------------------------------

def test_the_assistant_answers_only_from_the_faq(org: Any, client: Client) -> None:
    entry = FaqEntryFactory(organisation=org)
    FaqEntryFactory(organisation=org, question="Comment inscrire mon enfant à la cantine ?",
                    answer="Sur le portail famille, avant le 30 juin.")
    TriageSettings.objects.create(organisation=org, human_contact="Accueil, 01 02 03 04 05")
    url = reverse("reports_public:faq", args=[org.slug])
    response = client.get(url, {"question": "horaires de la decheterie ?"})
    body = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert "assistant automatisé" in body and f'href="#faq-{entry.pk}"' in body
    assert "Du lundi au samedi" in body
    response = client.get(url, {"question": "Quel temps fera-t-il demain ?"})
    body = response.content.decode()
    assert "pas trouvé de réponse sûre" in body and "01 02 03 04 05" in body
    exchanges = FaqExchange.objects.filter(organisation=org)
    assert exchanges.count() == 2
    assert exchanges.filter(answered=True, entry=entry).count() == 1
    assert exchanges.filter(handed_to_human=True).count() == 1


def test_the_organisation_sets_how_sure_the_assistant_must_be(org: Any, agent: Any,
                                                             client: Client) -> None:
    FaqEntryFactory(organisation=org)
    url = reverse("reports:triage", args=[org.slug])
    settings_page = client.get(url).content.decode()
    assert 'name="faq_threshold"' in settings_page and "0,35" in settings_page
    response = client.post(url, {"auto_route_threshold": "0.9", "faq_threshold": "0.95"})
    assert response.status_code == 400 and "entre 0,1 et 0,9" in response.content.decode()
    faq = reverse("reports_public:faq", args=[org.slug])
    question = {"question": "horaires de la decheterie ?"}
    assert "pas trouvé de réponse sûre" not in client.get(faq, question).content.decode()
    response = client.post(url, {"auto_route_threshold": "0.9", "faq_threshold": "0.9"})
    assert response.status_code == 302
    assert TriageSettings.objects.get(organisation=org).faq_threshold == 0.9
    # Stricter: the same question is now handed to a person.
    assert "pas trouvé de réponse sûre" in client.get(faq, question).content.decode()


def test_faq_questions_are_declared_personal_data() -> None:
    names = {entry.name for entry in privacy.personal_fields()}
    assert {"reports.report", "reports.faqexchange", "audit:reports.report_received"} <= names


def test_erasure_anonymises_a_reporter(org: Any) -> None:
    admin = member(org, "admin")
    report = ReportFactory(organisation=org, email="moi@exemple.fr")
    privacy.erase(admin, org, "moi@exemple.fr")
    report.refresh_from_db()
    assert report.email == "" and report.description == ""


# --- API ---------------------------------------------------------------------------------------

def test_api_suggest(org: Any, client: Client) -> None:
    _token, secret = api_token(org, "viewer")
    response = client.post("/api/v1/reports/suggest",
                           data=json.dumps({"text": "lampadaire en panne rue noire"}),
                           content_type="application/json",
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    data = response.json()
    assert data["model"] == "test-1"
    assert data["suggestions"][0]["category"] == "eclairage"
    assert 0 < data["suggestions"][0]["confidence"] <= 1 and len(data["suggestions"]) == 3
    assert "intelligence artificielle" in data["notice"]
    assert not Report.objects.exists()


def test_api_list_and_triage(org: Any, client: Client) -> None:
    report = services.receive(org, {"description": "Nid de poule énorme",
                                    "address": "rue Pasteur"}).report
    _token, reader = api_token(org, "viewer")
    _token, editor = api_token(org, "editor")
    listed = client.get("/api/v1/reports", headers={"Authorization": f"Bearer {reader}"})
    assert listed.status_code == 200 and listed.json()["items"][0]["id"] == report.pk
    url = f"/api/v1/reports/{report.pk}/triage"
    body = json.dumps({"category": "voirie"})
    assert client.post(url, data=body, content_type="application/json",
                       headers={"Authorization": f"Bearer {reader}"}).status_code == 403
    response = client.post(url, data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {editor}"})
    assert response.status_code == 200 and response.json()["triage_state"] == "confirmed"


# --- Demo ----------------------------------------------------------------------------------------

def test_demo_is_idempotent_and_has_every_state(client: Client) -> None:
    import time

    from jalon.reports import demo

    agglomeration = OrganisationFactory(slug="val-de-lisiere")
    admin = member(agglomeration, "admin", username="admin")
    started = time.perf_counter()
    created = demo.seed_demo(agglomeration, {"admin": admin}, lambda _m: None)
    first = time.perf_counter() - started
    assert created
    reports = Report.objects.filter(organisation=agglomeration)
    assert reports.count() == 100
    assert set(reports.values_list("status", flat=True)) == set(ReportStatus.values)
    assert reports.filter(triage_state=TriageState.PENDING).exists()
    assert reports.filter(triage_state=TriageState.CORRECTED).exists()
    assert reports.filter(status=ReportStatus.DUPLICATE, duplicate_of__isnull=False).count() == 7
    assert agglomeration.faq_entries.count() == 40
    assert agglomeration.report_categories.count() == 12
    record = TriageModelRecord.objects.get(organisation=agglomeration)
    assert record.n_evaluated == 312 and record.macro_f1 > 0.6 and record.n_examples == 140
    started = time.perf_counter()
    assert demo.seed_demo(agglomeration, {"admin": admin}, lambda _m: None) == []
    again = time.perf_counter() - started
    assert reports.count() == 100
    # Timings only reported: the shared test machine's load makes a bound flaky. The first seed
    # trains the model (under a second on an idle 2-core machine); a second one is queries.
    print(f"demo seeded in {first:.2f} s, again in {again:.2f} s")
    client.force_login(admin)
    assert client.get(reverse("reports:index", args=[agglomeration.slug])).status_code == 200
    assert Client().get(reverse("reports_public:form", args=[agglomeration.slug])
                        ).status_code == 200



def test_the_triage_registers_itself_in_the_register_of_algorithms(org: Any) -> None:
    from jalon.algorithms.models import AlgorithmicSystem
    from jalon.reports.register import NAME

    admin = member(org, "admin")
    first = services.retrain(admin, org)
    system = AlgorithmicSystem.objects.get(organisation=org, name=NAME)
    assert system.automation == "decision_aid" and system.is_ai and system.open_source
    assert f"F1 macro {first.macro_f1:.3f}" in system.evaluation.test_results
    assert system.cost.kind == "self_hosted" and system.cost.result["gwp_kg_per_year"]
    report = services.receive(org, {"description": "Nid de poule énorme", "address": "ici"})
    services.triage_report(admin, report.report, org.report_categories.get(code="bruit"))
    second = services.retrain(admin, org)
    system.evaluation.refresh_from_db()
    assert second.version in system.evaluation.test_results
    assert "1 validations humaines" in system.evaluation.test_results
    assert AlgorithmicSystem.objects.filter(organisation=org, name=NAME).count() == 1
