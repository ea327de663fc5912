"""The personal-data domain through HTTP, the API and its services: register, public register
and open data, requests on the legal clock, breaches, retention, sovereignty, training."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from frictionless import Resource, Schema
from tests import factories
from tests.factories import DigitalServiceFactory, OrganisationFactory, api_token, published
from tests.gdpr.factories import (
    DataSubjectRequestFactory,
    ProcessingActivityFactory,
    TrainingCampaignFactory,
)

from jalon import privacy
from jalon.gdpr import publishing, services
from jalon.gdpr.models import (
    Breach,
    DataSubjectRequest,
    ProcessingActivity,
    PurgeRecord,
    PurgeTask,
    TrainingAttendance,
)
from jalon.tenancy.models import AuditEvent, Organisation

pytestmark = pytest.mark.django_db
API = "/api/v1/privacy"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gdpr"


def member(org: Organisation, role: str) -> Client:
    client = Client()
    client.force_login(factories.member(org, role))
    return client


@pytest.fixture
def org():
    return OrganisationFactory(slug="ville-a")


@pytest.fixture
def editor(org):
    return member(org, "editor")


@pytest.fixture
def viewer(org):
    return member(org, "viewer")


@pytest.fixture
def token(org):
    _token, secret = api_token(org, "editor")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def url(org: Organisation, tail: str = "") -> str:
    return f"/o/{org.slug}/gdpr/{tail}"


def activity_form(**values) -> dict[str, object]:
    data = {"name": "Inscriptions scolaires", "status": "active", "role": "controller",
            "purposes": "Inscrire les enfants.", "legal_basis": "public_task",
            "data_subjects": "Enfants, parents", "data_categories": "Identité, adresse",
            "retention_value": "1", "retention_unit": "years", "retention_start": "end_of_service",
            "final_fate": "delete", "purge_every_months": "12", "published": "on",
            "dpia_criteria": ["vulnerable", "sensitive_data"], "sensitive_categories": ["health"],
            "security_measures": "Habilitations ZZ-SECRET-MEASURE"}
    return {**data, **values}


# --- Register -----------------------------------------------------------------------------------

def test_register_pages_and_screening(org, editor, viewer):
    service = DigitalServiceFactory(organisation=org, name="Portail famille")
    response = editor.post(url(org, "registre/nouveau/"),
                           activity_form(services=[service.pk]))
    assert response.status_code == 302
    activity = ProcessingActivity.objects.get(organisation=org)
    assert activity.reference == "T-001" and list(activity.services.all()) == [service]
    assert activity.screening.verdict == "expected"
    body = viewer.get(url(org, f"registre/{activity.pk}/")).content.decode()
    assert "AIPD attendue" in body and "Portail famille" in body
    assert "Modifier" not in body  # a viewer reads, does not write
    assert viewer.get(url(org, "registre/nouveau/")).status_code == 403
    assert AuditEvent.objects.filter(action="gdpr.activity.create").exists()


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"retention_value": ""}, "retention_value", "durée de conservation"),
    ({"role": "processor"}, "controller_name", "responsable de traitement"),
    ({"transfers_outside_eu": "on"}, "transfer_safeguards", "garanties"),
    ({"purposes": ""}, "purposes", ""),
])
def test_register_refuses_incomplete_entries(org, editor, values, field, message):
    response = editor.post(url(org, "registre/nouveau/"), activity_form(**values))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not ProcessingActivity.objects.exists()


def test_dpia_record_and_processors(org, editor):
    activity = ProcessingActivityFactory(organisation=org)
    assert editor.post(url(org, f"registre/{activity.pk}/aipd/"), {
        "started_on": "2026-01-05", "signed_off_on": "2026-02-01"}).status_code == 400
    assert editor.post(url(org, f"registre/{activity.pk}/aipd/"), {
        "started_on": "2026-01-05", "signed_off_on": "2026-02-01",
        "signed_off_by": "DGS"}).status_code == 302
    assert editor.post(url(org, f"registre/{activity.pk}/aipd/risques/"), {
        "title": "Accès illégitime", "likelihood": "3", "severity": "4", "measures": "MFA",
        "residual_likelihood": "1", "residual_severity": "4"}).status_code == 302
    risk = activity.dpia.risks.get()
    assert risk.level == "critical" and risk.residual_level == "moderate"
    assert editor.post(url(org, f"registre/{activity.pk}/sous-traitants/"), {
        "name": "Éditeur", "country": "Gaule"}).status_code == 400
    assert editor.post(url(org, f"registre/{activity.pk}/sous-traitants/"), {
        "name": "Éditeur", "country": "FR", "art28_clauses": "on"}).status_code == 302
    body = editor.get(url(org, f"registre/{activity.pk}/")).content.decode()
    assert "Critique" in body and "Éditeur" in body


def test_public_register_and_open_data_publish_only_chosen_fields(org, editor, client):
    editor.post(url(org, "registre/nouveau/"), activity_form())
    ProcessingActivityFactory(organisation=org, name="Projet", status="draft", reference="T-002")
    public = f"/p/{org.slug}/gdpr/"
    assert client.get(public).status_code == 404  # not published
    published(org, "gdpr")
    body = client.get(public).content.decode()
    assert "Inscriptions scolaires" in body and "Projet" not in body
    detail = client.get(f"{public}T-001/").content.decode()
    assert "Enfants, parents" in detail
    assert "ZZ-SECRET-MEASURE" not in detail  # security measures: not published by default
    assert client.get(f"{public}T-002/").status_code == 404  # the draft
    csv_response = client.get(f"/p/{org.slug}/data/registre-traitements.csv")
    assert csv_response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    assert len(rows) == 1 and rows[0]["security_measures"] == ""
    assert rows[0]["retention_value"] == "1" and rows[0]["dpia_verdict"] == "expected"
    # The organisation chooses: publish the measures, hide the retention.
    response = editor.post(url(org, "registre/publication/"), {
        "published_fields": ["security_measures", "data_subjects"]})
    assert response.status_code == 302
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"/p/{org.slug}/data/registre-traitements.csv").content.decode())))
    assert "ZZ-SECRET-MEASURE" in rows[0]["security_measures"]
    assert rows[0]["retention_value"] == "" and rows[0]["data_categories"] == ""


def test_open_data_validates_against_its_table_schema(org, tmp_path):
    for n in range(3):
        ProcessingActivityFactory(organisation=org, name=f"Traitement {n}",
                                  transfers_outside_eu=n == 1, transfer_countries="US",
                                  transfer_safeguards="CCT")
    rows = list(publishing.register_rows(org))
    schema = json.loads(publishing.SCHEMA.read_text(encoding="utf-8"))
    assert all(len(r) == len(schema["fields"]) for r in rows)
    path = tmp_path / "register.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([f["name"] for f in schema["fields"]])
        writer.writerows(rows)
    (tmp_path / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    report = Resource(path="register.csv", basepath=str(tmp_path),
                      schema=Schema("schema.json", basepath=str(tmp_path))).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])


# --- Requests -----------------------------------------------------------------------------------

def test_api_creates_a_request_with_its_legal_dates(org, token):
    response = Client().post(f"{API}/requests", json.dumps(
        {"kind": "erasure", "received_on": "2026-04-01", "requester_email": "a@exemple.fr"}),
        content_type="application/json", **token)
    assert response.status_code == 201, response.content
    body = response.json()
    # 1 May 2026 is Labour Day (a Friday), then the weekend: Monday 4 May.
    assert body["received_on"] == "2026-04-01" and body["due_on"] == "2026-05-04"
    assert body["extended_due_on"] is None and body["reference"].startswith("DDP-2026-")
    listed = Client().get(f"{API}/requests", **token).json()["items"]
    assert [r["due_on"] for r in listed] == ["2026-05-04"]


@pytest.mark.parametrize(("payload", "field"), [
    ({"received_on": "2026-04-01"}, "kind"),
    ({"kind": "astrology", "received_on": "2026-04-01"}, "kind"),
    ({"kind": "access"}, "received_on"),
    ({"kind": "access", "received_on": "2099-01-01"}, "received_on"),
])
def test_api_refuses_bad_requests_in_french(org, token, payload, field):
    response = Client().post(f"{API}/requests", json.dumps(payload),
                             content_type="application/json", **token)
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert not DataSubjectRequest.objects.exists()


def test_api_extension_pause_and_answer(org, token):
    today = timezone.localdate()
    received = today - dt.timedelta(days=20)
    created = Client().post(f"{API}/requests", json.dumps(
        {"kind": "access", "received_on": received.isoformat()}),
        content_type="application/json", **token).json()
    rid = created["id"]
    refused = Client().post(f"{API}/requests/{rid}/extend", json.dumps({"reasons": ""}),
                            content_type="application/json", **token)
    assert refused.status_code == 422 and "reasons" in refused.json()["detail"]
    extended = Client().post(f"{API}/requests/{rid}/extend", json.dumps(
        {"reasons": "Plusieurs logiciels à interroger", "informed_on": today.isoformat()}),
        content_type="application/json", **token).json()
    assert extended["extended_due_on"] > extended["due_on"]
    again = Client().post(f"{API}/requests/{rid}/extend", json.dumps(
        {"reasons": "Encore", "informed_on": today.isoformat()}),
        content_type="application/json", **token)
    assert again.status_code == 422  # only one extension
    paused = Client().post(f"{API}/requests/{rid}/pause", json.dumps(
        {"kind": "identity", "started_on": (today - dt.timedelta(days=5)).isoformat()}),
        content_type="application/json", **token).json()
    assert paused["deadline_state"] == "paused" and paused["status"] == "waiting"
    resumed = Client().post(f"{API}/requests/{rid}/resume", json.dumps(
        {"ended_on": today.isoformat()}), content_type="application/json", **token).json()
    assert resumed["pauses"][0]["ended_on"] == today.isoformat()
    assert dt.date.fromisoformat(resumed["extended_due_on"]) == dt.date.fromisoformat(
        extended["extended_due_on"]) + dt.timedelta(days=5) or resumed["extended_due_on"]
    answered = Client().post(f"{API}/requests/{rid}/answer", json.dumps(
        {"answered_on": today.isoformat(), "answer": "Copie envoyée."}),
        content_type="application/json", **token).json()
    assert answered["status"] == "answered" and answered["answered_within_deadline"] is True


def test_extension_refused_after_the_first_month(org, token):
    request = services.create_request(None, org, {
        "kind": "access", "received_on": timezone.localdate() - dt.timedelta(days=60)})
    response = Client().post(f"{API}/requests/{request.pk}/extend", json.dumps(
        {"reasons": "Complexe", "informed_on": timezone.localdate().isoformat()}),
        content_type="application/json", **token)
    assert response.status_code == 422
    assert "Trop tard" in json.dumps(response.json(), ensure_ascii=False)


def test_viewer_token_and_viewer_member_cannot_see_requests(org, viewer):
    DataSubjectRequestFactory(organisation=org, requester_name="Personne Secrète")
    _token, secret = api_token(org, "viewer")
    response = Client().get(f"{API}/requests", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403
    assert viewer.get(url(org, "demandes/")).status_code == 403
    assert "Personne Secrète" not in viewer.get(url(org)).content.decode()


def test_request_pages_late_first_extend_answer_and_documents(org, editor):
    today = timezone.localdate()
    late = services.create_request(None, org, {"kind": "erasure",
                                               "received_on": today - dt.timedelta(days=45)})
    fresh = services.create_request(None, org, {"kind": "access",
                                                "received_on": today - dt.timedelta(days=2)})
    page = editor.get(url(org, "demandes/"))
    rows = page.context["rows"]
    assert [r.request for r in rows] == [late, fresh] and rows[0].state == "late"
    assert "En retard" in page.content.decode()
    only_late = editor.get(url(org, "demandes/"), {"state": "late"}).context["rows"]
    assert [r.request for r in only_late] == [late]
    # Extend without reasons: refused, on the form.
    response = editor.post(url(org, f"demandes/{fresh.pk}/extend/"),
                           {"reasons": "", "informed_on": today.isoformat()})
    assert response.status_code == 400 and "raisons" in response.content.decode()
    assert editor.post(url(org, f"demandes/{fresh.pk}/extend/"), {
        "reasons": "Volume", "informed_on": today.isoformat()}).status_code == 302
    fresh.refresh_from_db()
    assert fresh.extended_due_on is not None and fresh.status == "extended"
    upload = io.BytesIO(b"%PDF-1.4 piece")
    upload.name = "identite.pdf"
    assert editor.post(url(org, f"demandes/{fresh.pk}/document/"),
                       {"file": upload}).status_code == 302
    bad = io.BytesIO(b"MZ")
    bad.name = "virus.exe"
    assert editor.post(url(org, f"demandes/{fresh.pk}/document/"),
                       {"file": bad}).status_code == 400
    document = fresh.documents.get()
    download = editor.get(url(org, f"demandes/{fresh.pk}/pieces/{document.pk}/"))
    assert download.content == b"%PDF-1.4 piece" and "attachment" in download["Content-Disposition"]
    assert editor.post(url(org, f"demandes/{fresh.pk}/answer/"), {
        "status": "answered", "answered_on": today.isoformat(),
        "answer": "Réponse envoyée"}).status_code == 302
    fresh.refresh_from_db()
    assert fresh.status == "answered" and fresh.answered_on == today


def test_reminders_seven_days_before_and_on_the_due_date(org):
    factories.member(org, "editor", email="dpo@ville.example")
    request = services.create_request(None, org, {"kind": "access",
                                                  "received_on": dt.date(2026, 3, 2)})
    assert request.due_on == dt.date(2026, 4, 2)
    assert services.send_reminders(dt.date(2026, 3, 20)).sent == []
    assert len(services.send_reminders(dt.date(2026, 3, 26)).sent) == 1
    assert services.send_reminders(dt.date(2026, 3, 27)).sent == []  # once
    assert len(services.send_reminders(dt.date(2026, 4, 2)).sent) == 1
    assert len(mail.outbox) == 2 and mail.outbox[0].to == ["dpo@ville.example"]
    assert "DDP-2026-001" in mail.outbox[1].subject


def test_on_time_indicator(org):
    today = dt.date(2026, 12, 6)
    DataSubjectRequestFactory(organisation=org, received_on=dt.date(2026, 3, 2),
                              due_on=dt.date(2026, 4, 2), status="answered",
                              answered_on=dt.date(2026, 3, 30))
    DataSubjectRequestFactory(organisation=org, received_on=dt.date(2026, 5, 4),
                              due_on=dt.date(2026, 6, 4), status="answered",
                              answered_on=dt.date(2026, 6, 10))
    DataSubjectRequestFactory(organisation=org, received_on=dt.date(2026, 9, 1),
                              due_on=dt.date(2026, 10, 1))  # open and late
    DataSubjectRequestFactory(organisation=org, received_on=dt.date(2026, 12, 1),
                              due_on=dt.date(2027, 1, 4))  # not yet due
    values = publishing.requests_on_time(org, today)
    assert [(v.year, round(v.value, 1)) for v in values] == [(2026, 33.3)]
    assert values[0].detail == {"due_in_year": 3, "answered_in_time": 1}


# --- Breaches -----------------------------------------------------------------------------------

def test_breach_72_hour_clock_and_late_notification_needs_reasons(org, editor):
    aware = timezone.localtime() - dt.timedelta(days=5)
    data = {"title": "Fuite", "aware_at": aware.strftime("%Y-%m-%dT%H:%M"),
            "nature": "confidentiality", "description": "Courriel mal adressé.", "risk": "risk",
            "notified_at": (aware + dt.timedelta(hours=90)).strftime("%Y-%m-%dT%H:%M")}
    response = editor.post(url(org, "violations/nouvelle/"), data)
    assert response.status_code == 400 and "motifs du retard" in response.content.decode()
    data["delay_reasons"] = "Week-end prolongé, découverte tardive de l'étendue."
    assert editor.post(url(org, "violations/nouvelle/"), data).status_code == 302
    breach = Breach.objects.get()
    body = editor.get(url(org, "violations/")).content.decode()
    assert "Notifiée après 72 heures" in body
    running = services.create_breach(None, org, {
        "title": "Perte", "aware_at": timezone.now() - dt.timedelta(hours=10),
        "nature": "availability", "description": "Perte.", "risk": "high"})
    body = editor.get(url(org, f"violations/{running.pk}/")).content.decode()
    assert "heures restantes" in body
    assert breach.reference.endswith("-001") and running.reference.endswith("-002")


# --- Retention ----------------------------------------------------------------------------------

def test_purge_writes_records_per_organisation(org):
    other = OrganisationFactory(slug="ville-b")
    old = services.create_request(None, org, {"kind": "access",
                                              "received_on": dt.date(2019, 1, 2)})
    DataSubjectRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=6 * 365))
    services.create_request(None, other, {"kind": "access",
                                          "received_on": timezone.localdate()})
    counts = privacy.purge_expired()
    assert counts.get("gdpr.datasubjectrequest") == 1
    record = PurgeRecord.objects.get(organisation=org)
    assert record.count == 1 and record.action == "delete" and "1\u202f826 jours" in record.rule
    assert not PurgeRecord.objects.filter(organisation=other).exists()
    assert privacy.purge_expired() == {}  # idempotent: nothing more, no new record
    assert PurgeRecord.objects.count() == 1


def test_due_purge_tasks_confirmed_with_proof(org, editor, viewer):
    today = timezone.localdate()
    activity = ProcessingActivityFactory(organisation=org, purge_every_months=6,
                                         created_on=today - dt.timedelta(days=200))
    ProcessingActivityFactory(organisation=org, retention_value=None, status="draft")
    assert editor.post(url(org, "conservation/purges-a-confirmer/")).status_code == 302
    task = PurgeTask.objects.get()
    assert task.activity == activity
    assert services.generate_purge_tasks(org) == []  # idempotent
    response = editor.post(url(org, f"conservation/purges/{task.pk}/"), {"proof": ""})
    assert response.status_code == 400
    assert editor.post(url(org, f"conservation/purges/{task.pk}/"), {
        "records_purged": "12", "proof": "Script de purge, journal du 2026-06-01"}
    ).status_code == 302
    task.refresh_from_db()
    assert task.status == "confirmed" and task.confirmed_by_name
    assert "Script de purge" in viewer.get(url(org, "conservation/")).content.decode()


# --- Sovereignty and training -------------------------------------------------------------------

def test_sovereignty_profile_and_portfolio(org, editor, viewer):
    service = DigitalServiceFactory(organisation=org, name="Portail")
    response = editor.post(url(org, f"souverainete/services/{service.pk}/"), {
        "provider": "OVHcloud", "storage_country": "France", "non_eu_law_exposure": "false",
        "secnumcloud": "true", "open_source": "true", "open_export_format": "true",
        "exit_clause": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    body = viewer.get(url(org, "souverainete/")).content.decode()
    assert "Portail" in body and "100 (A)" in body
    activity = ProcessingActivityFactory(organisation=org)
    assert editor.post(url(org, f"registre/{activity.pk}/hebergement/"), {
        "storage_country": "US", "non_eu_law_exposure": "true"}).status_code == 302
    values = publishing.eu_jurisdiction(org, timezone.localdate())
    assert values[0].value == 0.0


def test_training_attendance_import_all_or_nothing(org, editor):
    campaign = TrainingCampaignFactory(organisation=org, starts_on=dt.date(2026, 3, 1),
                                       agents_concerned=8)
    page = url(org, f"formations/{campaign.pk}/")
    bad = io.BytesIO((FIXTURES / "emargement_erreurs_cp1252.csv").read_bytes())
    bad.name = "emargement.csv"
    response = editor.post(page, {"file": bad})
    assert response.status_code == 400
    body = response.content.decode()
    assert "32/03/2026" in body and "Identifiant de l&#x27;agent manquant" in body
    assert not TrainingAttendance.objects.exists()
    good = io.BytesIO((FIXTURES / "emargement_cp1252.csv").read_bytes())
    good.name = "emargement.csv"
    assert editor.post(page, {"file": good}).status_code == 302
    assert TrainingAttendance.objects.count() == 4
    assert not TrainingAttendance.objects.filter(agent_hash__icontains="A000").exists()
    again = io.BytesIO((FIXTURES / "emargement_cp1252.csv").read_bytes())
    again.name = "emargement.csv"
    editor.post(page, {"file": again})
    assert TrainingAttendance.objects.count() == 4  # distinct agents
    coverage = publishing.training_coverage("cybersecurity")(org, dt.date(2026, 12, 6))
    assert coverage[-1].value == 50.0


def test_api_register_and_trainings(org, token):
    service = DigitalServiceFactory(organisation=org, name="Portail")
    response = Client().post(f"{API}/activities", json.dumps({
        "name": "Inscriptions", "purposes": "Inscrire.", "legal_basis": "public_task",
        "data_subjects": "Parents", "data_categories": "Identité", "retention_value": 1,
        "dpia_criteria": ["vulnerable", "large_scale"], "service_ids": [service.pk]}),
        content_type="application/json", **token)
    assert response.status_code == 201, response.content
    assert response.json()["dpia_verdict"] == "expected"
    other = DigitalServiceFactory(name="Ailleurs")
    response = Client().post(f"{API}/activities", json.dumps({
        "name": "Autre", "purposes": "x", "legal_basis": "public_task", "data_subjects": "x",
        "data_categories": "x", "retention_value": 1, "service_ids": [other.pk]}),
        content_type="application/json", **token)
    assert response.status_code == 422  # another organisation's service
    campaign = Client().post(f"{API}/trainings", json.dumps({
        "title": "RGPD", "topic": "gdpr", "starts_on": "2026-01-05", "agents_concerned": 10}),
        content_type="application/json", **token).json()
    imported = Client().post(f"{API}/trainings/{campaign['id']}/attendance", json.dumps(
        {"csv": "matricule;date\nA1;2026-02-01\nA2;2026-02-01\n"}),
        content_type="application/json", **token)
    assert imported.json() == {"added": 2, "already": 0, "absent": 0}
    assert Client().get(f"{API}/trainings/{campaign['id']}", **token).json()["coverage"] == 20.0


def test_personal_data_declared_and_erasure_keeps_requests(org):
    names = {entry.name for entry in privacy.personal_fields()}
    assert {"gdpr.datasubjectrequest", "gdpr.trainingattendance"} <= names
    services.create_request(None, org, {"kind": "access", "received_on": timezone.localdate(),
                                        "requester_email": "x@exemple.fr"})
    found = privacy.find(org, "X@exemple.fr")
    assert [f.entry.name for f in found] == ["gdpr.datasubjectrequest"]
    assert privacy.erase(None, org, "x@exemple.fr").kept == {"gdpr.datasubjectrequest": 1}


def test_daily_command(org):
    from django.core.management import call_command

    ProcessingActivityFactory(organisation=org, created_on=dt.date(2020, 1, 1))
    out = io.StringIO()
    call_command("gdpr_daily", stdout=out)
    assert "1 purge(s) à confirmer" in out.getvalue()


def test_a_dpo_with_only_the_personal_data_capability_reads_and_manages(org):
    dpo = factories.UserFactory(username="dpo")
    factories.MembershipFactory(user=dpo, organisation=org, role="viewer",
                                capabilities=["personal_data.manage"])
    client = Client()
    client.force_login(dpo)
    for tail in ("", "registre/", "demandes/", "violations/", "conservation/",
                 "souverainete/", "formations/"):
        assert client.get(url(org, tail)).status_code == 200, tail
    outsider = OrganisationFactory(slug="ville-z")
    assert client.get(url(outsider, "registre/")).status_code == 404


def test_activity_links_algorithms_of_the_register(org, editor, token):
    from tests.algorithms.factories import AlgorithmicSystemFactory

    mine = AlgorithmicSystemFactory(organisation=org, name="Tri des signalements")
    theirs = AlgorithmicSystemFactory(organisation=OrganisationFactory(), name="Ailleurs")
    assert editor.post(url(org, "registre/nouveau/"),
                       activity_form(algorithms=[mine.pk])).status_code == 302
    activity = ProcessingActivity.objects.get(organisation=org)
    assert list(activity.algorithms.all()) == [mine]
    assert "Tri des signalements" in editor.get(url(org, f"registre/{activity.pk}/")
                                                ).content.decode()
    assert editor.post(url(org, f"registre/{activity.pk}/modifier/"),
                       activity_form(algorithms=[theirs.pk])).status_code == 400
    response = Client().patch(f"{API}/activities/{activity.pk}", json.dumps(
        {"algorithm_ids": [theirs.pk]}), content_type="application/json", **token)
    assert response.status_code == 422
    response = Client().get(f"{API}/activities/{activity.pk}", **token)
    assert response.json()["algorithm_ids"] == [mine.pk]


def test_an_algorithms_page_links_the_processing_activities_that_use_it(client):
    """Issue 12: a record of the register of algorithms links to the GDPR processing records
    that use it (the GDPR app provides the links through jalon.kit.related)."""
    from django.urls import reverse
    from tests import factories as platform
    from tests.algorithms.factories import AlgorithmicSystemFactory
    from tests.gdpr.factories import ProcessingActivityFactory

    from jalon.tenancy.models import Role

    org = platform.OrganisationFactory(slug="lisiere-rgpd")
    editor = platform.member(org, Role.EDITOR, username="redac")
    system = AlgorithmicSystemFactory(organisation=org, name="Affectation des places")
    activity = ProcessingActivityFactory(organisation=org, name="Inscriptions scolaires")
    activity.algorithms.add(system)
    ProcessingActivityFactory(organisation=org, name="Paie des agents")  # not linked
    client.force_login(editor)
    html = client.get(reverse("algorithms:detail", args=[org.slug, system.pk])).content.decode()
    assert "Traitements de données personnelles" in html
    assert "Inscriptions scolaires" in html and "Paie des agents" not in html
    assert reverse("gdpr:activity", args=[org.slug, activity.pk]) in html
