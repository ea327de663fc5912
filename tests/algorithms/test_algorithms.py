"""The register through its pages, its API, its public page and its command: what a DPO or a
chargée de mission does with it."""

from __future__ import annotations

import html
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests import factories
from tests.algorithms.factories import AlgorithmicSystemFactory, BiasReportFactory, ContestFactory
from tests.factories import DigitalServiceFactory, OrganisationFactory, api_token, published
from typer.testing import CliRunner

from jalon.algorithms import demo, exports, services
from jalon.algorithms.models import AlgorithmicSystem, BiasReport, Contest
from jalon.cli import app
from jalon.tenancy.models import AuditEvent, Organisation

pytestmark = pytest.mark.django_db
API = "/api/v1"
ORIGIN = "http://testserver"
DECISIONS = demo.DECISIONS


def client_for(org: Organisation, role: str) -> Client:
    client = Client()
    client.force_login(factories.member(org, role))
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def org():
    return OrganisationFactory(slug="ville-a", name="Ville A")


@pytest.fixture
def editor(org):
    return client_for(org, "editor")


@pytest.fixture
def viewer(org):
    return client_for(org, "viewer")


def url(org: Organisation, tail: str = "") -> str:
    return f"/o/{org.slug}/algorithms/{tail}"


def form_data(**values) -> dict:
    data = {"name": "Affectation scolaire", "purpose": "Proposer une école à chaque enfant.",
            "decision": "Affectation", "automation": "decision_aid", "is_ai": "on",
            "data_used": "Adresse, vœux", "data_sources": "", "model_type": "Score",
            "provider": "Éditeur", "hosting": "OVHcloud", "source_url": "",
            "oversight_role": "Commission", "oversight_person": "", "oversight_checks": "",
            "override": "", "contest": "Recours gracieux", "contact": "a@ville.example",
            "stage": "pilot", "idea_on": "", "evaluation_on": "2026-01-01",
            "pilot_on": "2026-03-01", "in_service_on": "", "retired_on": ""}
    return {**data, **values}


# Records and history ---------------------------------------------------------------------------

def test_create_edit_and_history_with_audit(org, editor):
    service = DigitalServiceFactory(organisation=org, name="Inscription scolaire")
    response = editor.post(url(org, "new/"), form_data(services=[service.pk]))
    assert response.status_code == 302
    system = AlgorithmicSystem.objects.get(organisation=org)
    assert list(system.services.all()) == [service]
    assert system.version == 1
    response = editor.post(url(org, f"{system.pk}/edit/"),
                           form_data(services=[service.pk], stage="in_service",
                                     in_service_on="2026-09-01"))
    assert response.status_code == 302
    system.refresh_from_db()
    assert (system.version, system.stage) == (2, "in_service")
    body = text(editor.get(url(org, f"{system.pk}/history/")))
    assert "stage" in body and "« pilot » → « in_service »" in body
    actions = list(AuditEvent.objects.filter(organisation=org).values_list("action", flat=True))
    assert "algorithms.create" in actions and "algorithms.update" in actions
    assert text(editor.get(url(org))).count("Affectation scolaire") >= 1


def test_bad_values_get_french_errors_and_nothing_is_written(org, editor):
    response = editor.post(url(org, "new/"), form_data(name="", pilot_on="2025-01-01"))
    assert response.status_code == 400
    body = text(response)
    assert "Ce champ est obligatoire" in body
    assert not AlgorithmicSystem.objects.exists()
    response = editor.post(url(org, "new/"), form_data(evaluation_on="2026-05-01",
                                                       pilot_on="2026-03-01"))
    assert response.status_code == 400
    assert "précède" in text(response)


def test_viewer_reads_but_does_not_write(org, viewer):
    system = AlgorithmicSystemFactory(organisation=org)
    assert viewer.get(url(org, f"{system.pk}/")).status_code == 200
    assert viewer.get(url(org, "new/")).status_code == 403
    assert viewer.post(url(org, f"{system.pk}/classification/"),
                       {"art50_1_interacts": "yes"}).status_code == 403
    assert "Modifier la fiche" not in text(viewer.get(url(org, f"{system.pk}/")))


def test_another_organisations_service_cannot_be_linked(org):
    other = DigitalServiceFactory()
    with pytest.raises(services.ValidationError):
        services.create_system(None, org, {"name": "X", "purpose": "Y",
                                           "services": [other.pk]})


def test_ensure_system_registers_once_and_adds_links(org):
    service = DigitalServiceFactory(organisation=org)
    first = services.ensure_system(org, "Tri des signalements", purpose="Trier.")
    again = services.ensure_system(org, "tri des signalements", purpose="Autre.",
                                   services=[service])
    assert first.pk == again.pk and again.purpose == "Trier."
    assert list(again.services.all()) == [service]
    assert AlgorithmicSystem.objects.filter(organisation=org).count() == 1


# AI Act ------------------------------------------------------------------------------------------

def test_guided_classification_stores_who_and_when_and_reclassifies(org, editor):
    system = AlgorithmicSystemFactory(organisation=org)
    page = text(editor.get(url(org, f"{system.pk}/classification/")))
    assert "art. 5(1)" in page and "annexe III" in page and "art. 50" in page
    answers = {k: "no" for k in ("art5_a_manipulation", "art5_c_social_scoring")}
    answers |= {"annex3_3_education": "yes", "art6_3_profiling": "yes"}
    response = editor.post(url(org, f"{system.pk}/classification/"), answers)
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.category == "high_risk"
    answer = system.answers.get(key="annex3_3_education")
    assert answer.answered_by_name and answer.answered_at
    detail = text(editor.get(url(org, f"{system.pk}/")))
    assert "Haut risque" in detail and "art. 27" in detail
    assert editor.get(url(org, f"{system.pk}/obligations/")).status_code == 200
    response = editor.post(url(org, f"{system.pk}/assessment/"),
                           {"fria_c_persons_affected": "Familles"})
    assert response.status_code == 302
    assert system.answers.get(key="fria_c_persons_affected").value == "Familles"


# Evaluation ------------------------------------------------------------------------------------

def test_evaluation_go_needs_a_signature(org, editor):
    system = AlgorithmicSystemFactory(organisation=org, stage="pilot")
    data = {"need": "Délais", "decision": "go", "decided_by": "", "decided_on": ""}
    response = editor.post(url(org, f"{system.pk}/evaluation/"), data)
    assert response.status_code == 400
    assert "qui l'a prise" in text(response)
    data |= {"decided_by": "DGS", "decided_on": "2026-01-10", "benefit_1_name": "Délai",
             "benefit_1_unit": "jours", "benefit_1_direction": "down",
             "benefit_1_threshold": "21", "risk_fairness_level": "high",
             "risk_fairness_note": "Mesurer les biais"}
    assert editor.post(url(org, f"{system.pk}/evaluation/"), data).status_code == 302
    system.refresh_from_db()
    assert system.evaluation.benefits[0]["threshold"] == 21
    assert system.evaluation.risks["fairness"]["level"] == "high"


# Bias --------------------------------------------------------------------------------------------

def upload(data: bytes, name: str = "decisions.csv", **fields) -> dict:
    return {"file": SimpleUploadedFile(name, data, content_type="text/csv"),
            "decision": "Affecté au premier vœu", "group": "Quartier", **fields}


def test_bias_upload_report_versions_and_pdf(org, editor):
    system = AlgorithmicSystemFactory(organisation=org)
    response = editor.post(url(org, f"{system.pk}/bias/"),
                           upload(DECISIONS.read_bytes(), outcome="Vœu prioritaire",
                                  stratum="Secteur"))
    assert response.status_code == 302
    report = BiasReport.objects.get(system=system)
    assert report.number == 1
    body = text(editor.get(response["Location"]))
    assert "Paradoxe de Simpson" in body and "Petits groupes" in body
    assert "quatre cinquièmes" in body and "<svg" in body
    assert "73,8 %" in body and "55,4 %" in body  # 295/400 and 144/260
    pdf = editor.get(url(org, f"{system.pk}/bias/{report.pk}.pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    editor.post(url(org, f"{system.pk}/bias/"), upload(DECISIONS.read_bytes()))
    assert list(system.bias_reports.values_list("number", flat=True)) == [2, 1]


def test_a_bad_decisions_file_lists_its_errors_and_stores_nothing(org, editor):
    system = AlgorithmicSystemFactory(organisation=org)
    bad = "Quartier;Affecté au premier vœu\nQPV;oui\nHors QPV;peut-être\n".encode("cp1252")
    response = editor.post(url(org, f"{system.pk}/bias/"), upload(bad))
    assert response.status_code == 400
    body = text(response)
    assert "peut-être" in body and "rien n'a été enregistré" in body
    response = editor.post(url(org, f"{system.pk}/bias/"), upload(bad, name="x.xlsx"))
    assert "Format non accepté" in text(response)
    assert not BiasReport.objects.exists()


# Cost --------------------------------------------------------------------------------------------

def test_cost_generative_and_self_hosted_and_rationalisation(org, editor):
    chatbot = AlgorithmicSystemFactory(organisation=org, name="Chatbot", is_generative=True)
    ocr = AlgorithmicSystemFactory(organisation=org, name="OCR")
    response = editor.post(url(org, f"{chatbot.pk}/cost/"), {
        "kind": "generative_api", "provider": "mistralai",
        "model_name": "mistral-small-latest", "requests_per_month": "1000",
        "output_tokens": "400", "benefit": "100", "benefit_unit": "heures"})
    assert response.status_code == 302
    chatbot.refresh_from_db()
    assert chatbot.cost.result["gwp_kg_per_year"]["value"] > 0
    response = editor.post(url(org, f"{ocr.pk}/cost/"), {
        "kind": "self_hosted", "power_w": "100", "hours_per_year": "1000",
        "output_tokens": "400", "requests_per_month": "0", "benefit_unit": "h"})
    assert response.status_code == 302
    ocr.refresh_from_db()
    assert ocr.cost.result["energy_kwh_per_year"]["value"] == 100
    response = editor.post(url(org, f"{ocr.pk}/cost/"), {
        "kind": "generative_api", "provider": "openai", "model_name": "nope",
        "requests_per_month": "10", "output_tokens": "400", "benefit_unit": "h"})
    assert response.status_code == 400 and "inconnu d'EcoLogits" in text(response)
    body = text(editor.get(url(org, "rationalisation/")))
    assert body.index("Chatbot") < body.index("OCR") or "bénéfice non mesuré" in body


# Transparency outputs ----------------------------------------------------------------------------

def test_public_register_page_and_contest_form(org, editor):
    published(org, "algorithms")
    shown = AlgorithmicSystemFactory(organisation=org, name="Affectation", contest="Recours")
    AlgorithmicSystemFactory(organisation=org, name="Idée secrète", stage="idea")
    anonymous = Client()
    page = anonymous.get(f"/p/{org.slug}/algorithms/")
    assert page.status_code == 200
    body = text(page)
    assert "Affectation" in body and "Idée secrète" not in body
    assert anonymous.get(f"/p/{org.slug}/algorithms/{shown.pk}/").status_code == 200
    response = anonymous.post(f"/p/{org.slug}/algorithms/contester/", {
        "kind": "contest", "system": "affectation", "message": "Je conteste.",
        "email": "parent@example.org"}, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 303
    contest = Contest.objects.get()
    assert contest.system == shown and contest.email == "parent@example.org"
    assert "Je conteste" in text(editor.get(url(org, "contests/")))
    other = ContestFactory(organisation=org, system_named="?")
    response = editor.post(url(org, f"contests/{other.pk}/"),
                           {"status": "reviewed", "system": shown.pk})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.system == shown
    response = editor.post(url(org, f"contests/{contest.pk}/"),
                           {"status": "closed", "response": "Règles envoyées."})
    assert response.status_code == 302
    contest.refresh_from_db()
    assert contest.status == "closed" and contest.reviewed_by_name


def test_public_register_is_404_until_published(org):
    AlgorithmicSystemFactory(organisation=org)
    assert Client().get(f"/p/{org.slug}/algorithms/").status_code == 404


def test_exports_and_notice(org, editor):
    service = DigitalServiceFactory(organisation=org, name="Lisa", kind="chatbot")
    system = AlgorithmicSystemFactory(organisation=org, name="Chatbot", is_generative=True,
                                      automation="information", contact="contact@ville.example")
    system.services.add(service)
    nl = json.loads(editor.get(url(org, "export/algoritmeregister.json")).content)
    assert nl[0]["name"] == "Chatbot" and nl[0]["organization"] == "Ville A"
    assert nl[0]["status"] == "in_use"
    uk = json.loads(editor.get(url(org, "export/atrs.json")).content)
    assert uk[0]["tier_1"]["name"] == "Chatbot"
    assert uk[0]["tier_2"]["tool_specification"]["phase"] == "Production"
    body = text(editor.get(url(org, f"{system.pk}/notice/")))
    assert "Vous échangez avec un système d'intelligence artificielle" in body
    assert "&lt;aside" in editor.get(url(org, f"{system.pk}/notice/")).content.decode()
    assert "article 50" in exports.notice_text(system, "Lisa")


def test_open_data_dataset(org):
    published(org, "algorithms")
    AlgorithmicSystemFactory(organisation=org, name="Affectation", oversight_person="M. X")
    response = Client().get(f"/p/{org.slug}/data/algorithms.csv")
    assert response.status_code == 200
    content = response.content.decode("utf-8-sig")
    assert "Affectation" in content and "M. X" not in content


# API ---------------------------------------------------------------------------------------------

def test_api_records_classification_evaluation_bias(org):
    _token, secret = api_token(org, "editor")
    headers = {"Authorization": f"Bearer {secret}"}
    client = Client()
    response = client.post(f"{API}/algorithms", json.dumps({
        "name": "Tri", "purpose": "Trier les signalements", "stage": "pilot"}),
        content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.post(f"{API}/algorithms", json.dumps({"name": "", "purpose": ""}),
                           content_type="application/json", headers=headers)
    assert response.status_code == 422 and "obligatoire" in response.content.decode()
    response = client.patch(f"{API}/algorithms/{pk}", json.dumps({"stage": "in_service"}),
                            content_type="application/json", headers=headers)
    assert response.json()["version"] == 2
    response = client.put(f"{API}/algorithms/{pk}/classification", json.dumps(
        {"answers": {"art50_1_interacts": "yes"}}), content_type="application/json",
        headers=headers)
    assert response.json()["category"] == "transparency"
    response = client.put(f"{API}/algorithms/{pk}/evaluation", json.dumps(
        {"need": "Délais", "decision": "no_go", "decided_by": "DGS",
         "decided_on": "2026-01-01"}), content_type="application/json", headers=headers)
    assert response.status_code == 200 and response.json()["decision"] == "no_go"
    response = client.post(f"{API}/algorithms/{pk}/bias-reports", {
        "file": SimpleUploadedFile("d.csv", DECISIONS.read_bytes()),
        "decision": "Affecté au premier vœu", "group": "Quartier"}, headers=headers)
    assert response.status_code == 201, response.content
    assert response.json()["result"]["groups"]["QPV"]["n"] == 260
    listed = client.get(f"{API}/algorithms/{pk}/bias-reports", headers=headers).json()
    assert len(listed) == 1
    assert client.get(f"{API}/algorithms", headers=headers).json()[0]["name"] == "Tri"


def test_api_viewer_cannot_write(org):
    _token, secret = api_token(org, "viewer")
    response = Client().post(f"{API}/algorithms", json.dumps({"name": "X", "purpose": "Y"}),
                             content_type="application/json",
                             headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403


# Indicators ------------------------------------------------------------------------------------

def test_indicators(org):
    from jalon.publishing import indicators

    system = AlgorithmicSystemFactory(organisation=org, stage="in_service")
    services.save_evaluation(None, system, {"need": "x", "decision": "go",
                                            "decided_by": "DGS", "decided_on": "2020-01-01"})
    AlgorithmicSystemFactory(organisation=org, stage="in_service")
    BiasReportFactory(system=system)
    share = indicators.compute("algorithms_evaluated_before_deployment_share", org)
    assert share[-1].value == 50.0
    recent = indicators.compute("algorithms_recent_bias_measurement_share", org)
    assert recent[-1].value == 50.0
    assert indicators.compute("algorithms_registered", org)[-1].value == 2


# Command line ------------------------------------------------------------------------------------

def test_jalon_bias_json_contract():
    result = CliRunner().invoke(app, [
        "bias", str(DECISIONS), "--decision", "Affecté au premier vœu", "--group", "Quartier",
        "--outcome", "Vœu prioritaire", "--positive", "oui", "--outcome-positive", "oui",
        "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    qpv = data["groups"]["QPV"]
    assert set(qpv) >= {"n", "selection_rate", "ci_low", "ci_high"}
    assert qpv["n"] == 260 and qpv["selection_rate"] == pytest.approx(144 / 260)
    assert data["demographic_parity_difference"] == pytest.approx(295 / 400 - 144 / 260)
    assert data["demographic_parity_ratio"] == pytest.approx((144 / 260) / (295 / 400))
    assert "equalized_odds_difference" in data


def test_jalon_bias_table_and_errors(tmp_path):
    result = CliRunner().invoke(app, ["bias", str(DECISIONS), "--decision",
                                      "Affecté au premier vœu", "--group", "Quartier"])
    assert result.exit_code == 0 and "QPV" in result.stdout
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"groupe;decision\nA;oui\nB;bof\n")
    result = CliRunner().invoke(app, ["bias", str(bad), "--decision", "decision",
                                      "--group", "groupe"])
    assert result.exit_code == 2
    assert "ligne 3" in result.output and "bof" in result.output
