"""The budget pages, the import (preview, mapping, all or nothing), the ratings and their
audit trail, the annex XLSX, the API and the publishing entries, through HTTP."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook
from tests import factories, paths
from tests.budget.factories import SpendingLineFactory
from tests.factories import OrganisationFactory, api_token

from jalon.budget import publishing, selectors, services
from jalon.budget.models import ImportStatus, Rating, SpendingImport, SpendingLine
from jalon.core.budget import label_stem
from jalon.publishing import indicators, registry
from jalon.tenancy.models import AuditEvent, Organisation

pytestmark = pytest.mark.django_db
FIXTURES = paths.FIXTURES / "budget"
API = "/api/v1"


def member(org: Organisation, role: str) -> Client:
    client = Client()
    client.force_login(factories.member(org, role))
    return client


@pytest.fixture
def org():
    return OrganisationFactory(slug="agglo")


@pytest.fixture
def editor(org):
    return member(org, "editor")


@pytest.fixture
def viewer(org):
    return member(org, "viewer")


def url(org: Organisation, tail: str = "") -> str:
    return f"/o/{org.slug}/budget/{tail}"


def upload(client: Client, org: Organisation, name: str, year: int = 2025):
    data = (FIXTURES / name).read_bytes()
    return client.post(url(org, "import/"), {
        "year": str(year), "file": SimpleUploadedFile(name, data)})


def imported(client: Client, org: Organisation, name: str = "mandats-2025.csv") -> None:
    response = upload(client, org, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    source = SpendingImport.objects.get(organisation=org, status=ImportStatus.PREVIEW)
    response = client.post(url(org, f"imports/{source.pk}/apply/"), {"apply": "1"})
    assert response.status_code == 302


def test_import_preview_then_apply(org, editor):
    response = upload(editor, org, "mandats-2025.csv")
    source = SpendingImport.objects.get(organisation=org)
    assert response["Location"].endswith(f"/imports/{source.pk}/")
    page = editor.get(response["Location"]).content.decode()
    assert "Correspondance des colonnes" in page
    assert "cp1252" in page and "Aperçu : 40 lignes prêtes" in page
    assert "L-REFURB" in page or "L-DEVICE" in page
    assert not SpendingLine.objects.exists()  # nothing before confirmation
    response = editor.post(url(org, f"imports/{source.pk}/apply/"), {"apply": "1"})
    assert response.status_code == 302
    assert SpendingLine.objects.filter(organisation=org, year=2025).count() == 40
    assert not Rating.objects.filter(line__organisation=org).exists()  # defaults: no copy
    first = SpendingLine.objects.filter(organisation=org).first()
    assert [r.axis_number for r in selectors.ratings(first)] == [1, 2, 3, 4, 5, 6]
    assert AuditEvent.objects.filter(action="budget.import", organisation=org).exists()
    # Applying twice is refused.
    again = editor.post(url(org, f"imports/{source.pk}/apply/"), {"apply": "1"})
    assert again.status_code == 302
    assert SpendingLine.objects.filter(organisation=org).count() == 40


def test_xlsx_import(org, editor):
    imported(editor, org, "mandats-2025.xlsx")
    assert SpendingLine.objects.filter(organisation=org).count() == 10


def test_errors_are_listed_and_nothing_is_written(org, editor):
    upload(editor, org, "mandats-erreurs.csv")
    source = SpendingImport.objects.get(organisation=org)
    page = editor.get(url(org, f"imports/{source.pk}/")).content.decode()
    assert "rien ne sera importé" in page and "« 21A3 »" in page
    assert "Confirmer l&#x27;import" not in page
    response = editor.post(url(org, f"imports/{source.pk}/apply/"), {"apply": "1"})
    assert response.status_code == 400
    assert not SpendingLine.objects.exists()


def test_mapping_correction(org, editor):
    data = "Nat.;Objet;Montant mandaté\r\n2183;PC portables;1 200,00\r\n".encode("cp1252")
    editor.post(url(org, "import/"), {"year": "2025",
                                      "file": SimpleUploadedFile("x.csv", data)})
    source = SpendingImport.objects.get(organisation=org)
    page = editor.get(url(org, f"imports/{source.pk}/")).content.decode()
    assert "Colonne obligatoire absente" in page
    editor.post(url(org, f"imports/{source.pk}/mapping/"),
                {"col_0": "account", "col_1": "label", "col_2": "amount_ttc"})
    source.refresh_from_db()
    assert source.mapping == {"Nat.": "account", "Objet": "label", "Montant mandaté": "amount_ttc"}
    editor.post(url(org, f"imports/{source.pk}/apply/"), {"apply": "1"})
    assert SpendingLine.objects.get(organisation=org).kind == "new_equipment"


def test_reimport_replaces_the_year_and_says_what_is_lost(org, editor):
    imported(editor, org)
    line = SpendingLine.objects.filter(organisation=org).first()
    services.override_rating(None, line, "biodiversity", "favourable", "Motif")
    upload(editor, org, "mandats-2025.xlsx")
    source = SpendingImport.objects.get(organisation=org, status=ImportStatus.PREVIEW)
    page = editor.get(url(org, f"imports/{source.pk}/")).content.decode()
    assert "remplacera les 40 lignes" in page and "1 cotation(s) modifiée(s)" in page
    editor.post(url(org, f"imports/{source.pk}/apply/"), {"apply": "1"})
    assert SpendingLine.objects.filter(organisation=org).count() == 10


def test_cancel_import(org, editor):
    upload(editor, org, "mandats-2025.csv")
    source = SpendingImport.objects.get(organisation=org)
    editor.post(url(org, f"imports/{source.pk}/apply/"), {"cancel": "1"})
    source.refresh_from_db()
    assert source.status == ImportStatus.CANCELLED and not SpendingLine.objects.exists()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("x.pdf", b"%PDF", "Format non accepté"),
    ("x.csv", b"", "vide"),
])
def test_bad_uploads(org, editor, name, data, message):
    response = editor.post(url(org, "import/"), {
        "year": "2025", "file": SimpleUploadedFile(name, data or b"\n")})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_viewer_reads_but_does_not_write(org, editor, viewer):
    imported(editor, org)
    line = SpendingLine.objects.filter(organisation=org).first()
    assert viewer.get(url(org)).status_code == 200
    assert viewer.get(url(org, f"lines/{line.pk}/")).status_code == 200
    assert viewer.get(url(org, "import/")).status_code == 403
    assert viewer.post(url(org, f"lines/{line.pk}/ratings/water/"), {
        "water-rating": "favourable", "water-reason": "x"}).status_code == 403
    assert viewer.post(url(org, "rules/"), {"match": "label", "pattern": "x",
                                            "kind": "telecoms"}).status_code == 403


def test_index_summary_chart_and_tables(org, editor):
    imported(editor, org)
    page = editor.get(url(org)).content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "Axe 1 – Atténuation du changement climatique" in page
    assert "obligatoire" in page and "au-delà de l'annexe" in page
    assert "annex/2025.xlsx" in page
    lines_page = editor.get(url(org, "lines/?year=2025&kind=refurbished_equipment")).content
    assert b"L-REFURB" in lines_page


def test_override_needs_a_reason_and_is_audited(org, editor):
    imported(editor, org)
    line = SpendingLine.objects.filter(organisation=org, kind="new_equipment").first()
    response = editor.post(url(org, f"lines/{line.pk}/ratings/climate_mitigation/"), {
        "climate_mitigation-rating": "neutral", "climate_mitigation-reason": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()
    response = editor.post(url(org, f"lines/{line.pk}/ratings/climate_mitigation/"), {
        "climate_mitigation-rating": "neutral",
        "climate_mitigation-reason": "Équipement à faible consommation, label TCO"})
    assert response.status_code == 302
    rating = line.ratings.get(axis="climate_mitigation")
    assert rating.rating == "neutral"
    event = AuditEvent.objects.get(action="budget.rating_override")
    assert event.details["before"] == "unfavourable" and "TCO" in event.details["reason"]
    page = editor.get(url(org, f"lines/{line.pk}/")).content.decode()
    assert "label TCO" in page and "Rétablir" in page
    editor.post(url(org, f"lines/{line.pk}/ratings/climate_mitigation/"), {"reset": "1"})
    assert not line.ratings.exists()
    assert selectors.ratings(line)[0].rating == "unfavourable"
    assert AuditEvent.objects.get(action="budget.rating_reset").details["reason"]


def test_unknown_axis_is_404(org, editor):
    line = SpendingLineFactory(organisation=org)
    assert editor.post(url(org, f"lines/{line.pk}/ratings/nope/"), {}).status_code == 404


def test_kind_by_hand_moves_default_ratings(org, editor):
    imported(editor, org)
    line = SpendingLine.objects.filter(organisation=org, kind="new_equipment").first()
    editor.post(url(org, f"lines/{line.pk}/kind/"), {"kind": "refurbished_equipment"})
    line.refresh_from_db()
    assert line.kind_manual
    assert selectors.ratings(line)[3].rating == "very_favourable"  # axis 4
    editor.post(url(org, f"lines/{line.pk}/kind/"), {"kind": ""})
    line.refresh_from_db()
    assert not line.kind_manual and line.kind == "new_equipment"


def test_organisation_rule_reclassifies(org, editor):
    imported(editor, org)
    response = editor.post(url(org, "rules/"), {"match": "label", "pattern": "copieurs",
                                                "kind": "new_equipment"})
    assert response.status_code == 302
    copiers = SpendingLine.objects.filter(organisation=org, label__icontains="copieurs")
    assert copiers.exists() and all(c.kind == "new_equipment" and c.kind_rule.startswith("ORG-")
                                    for c in copiers)
    page = editor.get(url(org, "rules/")).content.decode()
    assert "copieurs" in page and "L-REFURB" in page
    rule = org.budget_rules.get()
    editor.post(url(org, f"rules/{rule.pk}/delete/"))
    assert not org.budget_rules.exists()
    assert not SpendingLine.objects.filter(organisation=org, kind_rule__startswith="ORG-").exists()
    bad = editor.post(url(org, "rules/"), {"match": "account", "pattern": "21A",
                                           "kind": "telecoms"})
    assert bad.status_code == 400 and "chiffres" in bad.content.decode()


def test_annex_xlsx_layout(org, editor):
    imported(editor, org)
    response = editor.get(url(org, "annex/2025.xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Annexe", "Détail", "Hors annexe", "Méthode"]
    annex = book["Annexe"]
    texts = [c for row in annex.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("Impact du budget pour la transition écologique" in t for t in texts)
    assert "Axe 1 – Favorable" in texts and "Axe 6 – Neutre" in texts
    assert "Axe 2 – Neutre" not in texts  # axes 2-5 are not compulsory in 2025
    total = next(row for row in annex.iter_rows(values_only=True) if row[0] == "Total")
    invest = sum(float(line.amount_ttc) for line in SpendingLine.objects.filter(
        organisation=org, in_annex=True))
    assert total[4] == pytest.approx(invest)
    assert total[4] == pytest.approx(sum(total[5:10]))  # axis 1 splits the whole amount
    assert book["Hors annexe"].max_row > 2
    assert editor.get(url(org, "annex/2019.xlsx")).status_code == 404


def test_annex_2024_lists_the_decree_accounts_with_their_source(org, editor):
    SpendingLineFactory(organisation=org, year=2024, account="2313",
                        payment_date=dt.date(2024, 5, 2), label="Travaux salle serveurs")
    book = load_workbook(io.BytesIO(editor.get(url(org, "annex/2024.xlsx")).content))
    rows = [row for row in book["Méthode"].iter_rows(values_only=True) if row and row[0]]
    accounts = {row[0]: row for row in rows if isinstance(row[0], str) and row[0].isdigit()}
    assert "2313" in accounts and "2031" in accounts
    assert "ECOE2416708D" in accounts["2313"][2] and "ATD 31" in accounts["2313"][3]
    assert "may go on" in accounts["2313"][4]


def test_annex_neutralises_formulas(org, editor):
    SpendingLineFactory(organisation=org, label="=HYPERLINK(\"x\")")
    book = load_workbook(io.BytesIO(editor.get(url(org, "annex/2025.xlsx")).content))
    labels = [row[2] for row in book["Détail"].iter_rows(min_row=2, values_only=True)]
    assert labels == ["'=HYPERLINK(\"x\")"]


def test_template_and_reference_pages(org, viewer):
    response = viewer.get(url(org, "import/modele.csv"))
    assert response.content.decode("cp1252").startswith("Compte;Fonction;Libellé")
    page = viewer.get(url(org, "reference/")).content.decode()
    assert "ADEME" in page and "2020/852" in page


# API -------------------------------------------------------------------------------------------

def bearer(org: Organisation, role: str) -> dict[str, str]:
    _token, secret = api_token(org, role)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_api_lines_ratings_override(org, editor):
    imported(editor, org)
    client = Client()
    headers = bearer(org, "editor")
    body = client.get(f"{API}/budget/lines?year=2025&kind=refurbished_equipment",
                      **headers).json()
    assert body["count"] > 0
    item = body["items"][0]
    assert item["kind_rule"] == "L-REFURB" and len(item["ratings"]) == 6
    assert [r["axis_number"] for r in item["ratings"]] == [1, 2, 3, 4, 5, 6]
    line_id = item["id"]
    response = client.put(f"{API}/budget/lines/{line_id}/ratings/water",
                          data=json.dumps({"rating": "favourable", "reason": ""}),
                          content_type="application/json", **headers)
    assert response.status_code == 422 and "reason" in response.json()["detail"]
    response = client.put(f"{API}/budget/lines/{line_id}/ratings/water",
                          data=json.dumps({"rating": "favourable", "reason": "Eau : zéro"}),
                          content_type="application/json", **headers)
    assert response.status_code == 200 and response.json()["overridden"] is True
    response = client.delete(f"{API}/budget/lines/{line_id}/ratings/water", **headers)
    assert response.json()["overridden"] is False
    response = client.patch(f"{API}/budget/lines/{line_id}",
                            data=json.dumps({"kind": "telecoms"}),
                            content_type="application/json", **headers)
    assert response.json()["kind"] == "telecoms" and response.json()["kind_manual"]
    summary = client.get(f"{API}/budget/summary/2025", **headers).json()
    assert summary["lines"] == 40 and summary["compulsory_axes"] == [1, 6]
    assert summary["agec_reuse_share"] is not None
    it = next(c for c in summary["agec_by_category"]
              if c["category"] == "Matériel informatique et téléphonie")
    assert it["reuse_share"] == summary["agec_reuse_share"]
    assert (it["target_share"], it["target_period"]) == (20, "2024–2026")
    assert "secondary source" in it["target_uncertainty"]


def test_api_viewer_cannot_override(org):
    line = SpendingLineFactory(organisation=org)
    response = Client().put(f"{API}/budget/lines/{line.pk}/ratings/water",
                            data=json.dumps({"rating": "favourable", "reason": "x"}),
                            content_type="application/json", **bearer(org, "viewer"))
    assert response.status_code == 403


# Publishing ------------------------------------------------------------------------------------

def test_report_section_dataset_and_agec_indicator(org, editor):
    imported(editor, org)
    section = registry.report_sections()
    assert any(s.key == "budget" for s in section)
    context = publishing.report_context(org, 2025)
    assert context is not None and context["summary"]["lines"] == 40
    assert publishing.report_context(org, 2019) is None
    rows = list(publishing.green_budget_rows(org))
    assert rows and all(len(r) == 10 for r in rows)
    values = indicators.compute(publishing.AGEC_KEY, org)
    value = next(v for v in values if v.year == 2025)
    assert value.detail["source"] == "budget"
    assert 0 < value.value < 100
    assert value.detail["equipment_ht_eur"] > value.detail["reuse_ht_eur"] > 0


def test_agec_indicator_prefers_a_fully_priced_inventory(org):
    import datetime as dt
    from decimal import Decimal

    from tests.factories import AssetFactory

    AssetFactory(organisation=org, category="laptop", quantity=4, condition="refurbished",
                 purchase_date=dt.date(2025, 3, 1), purchase_price_eur=Decimal("300"))
    AssetFactory(organisation=org, category="laptop", quantity=4, condition="new",
                 purchase_date=dt.date(2025, 3, 1), purchase_price_eur=Decimal("900"))
    SpendingLineFactory(organisation=org, kind="refurbished_equipment")
    value = next(v for v in indicators.compute(publishing.AGEC_KEY, org) if v.year == 2025)
    assert value.detail["source"] == "inventory"
    assert value.value == pytest.approx(25.0)


def test_learning_a_rule_from_a_correction(org, editor):
    imported(editor, org)
    line = SpendingLine.objects.filter(organisation=org, kind="services").first()
    response = editor.post(url(org, f"lines/{line.pk}/kind/"),
                           {"kind": "cloud_hosting", "learn": "on"})
    assert response.status_code == 302
    rule = org.budget_rules.get()
    assert rule.pattern == label_stem(line.label) and rule.pattern
    same = SpendingLine.objects.filter(organisation=org, label=line.label)
    assert same.count() >= 1
    assert all(x.kind == "cloud_hosting" and x.kind_rule == rule.rule_id and not x.kind_manual
               for x in same)
    assert AuditEvent.objects.filter(action="budget.rule_create").exists()


def test_open_dataset_validates_against_its_table_schema(org, editor, tmp_path):
    from frictionless import Resource, Schema

    from jalon.publishing import opendata

    imported(editor, org)
    dataset = registry.dataset("budget-vert-numerique")
    assert dataset is not None and dataset.available(org)
    (tmp_path / "data.csv").write_text(opendata.csv_text(dataset, org), encoding="utf-8")
    (tmp_path / "schema.json").write_bytes(opendata.schema_bytes(dataset))
    report = Resource("data.csv", basepath=str(tmp_path),
                      schema=Schema("schema.json", basepath=str(tmp_path))).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_summary_on_groups_equals_the_line_by_line_sums(org, editor):
    from decimal import Decimal

    from jalon.core import budget as core

    imported(editor, org)
    lines = list(SpendingLine.objects.filter(organisation=org)[:3])
    services.override_rating(None, lines[0], "climate_mitigation", "very_favourable", "x")
    services.override_rating(None, lines[1], "water", "to_examine", "y")
    services.override_rating(None, lines[2], "water", "neutral", "z")
    SpendingLine.objects.filter(pk=lines[2].pk).update(amount_ht=None)
    s = selectors.summary(org, 2025)
    rated = selectors.rated_lines(org, 2025)
    for annex, key in ((False, "all"), (True, "annex")):
        expected = core.by_axis(rated, annex_only=annex)
        for a in s["axes"]:
            assert a[key] == [expected[a["axis"]][r] for r in core.RATINGS]
    assert s["to_examine"] == sum(list(r.ratings.values()).count(core.TO_EXAMINE)
                                  for r in rated)
    assert s["lines"] == len(rated) and s["overridden"] == 3
    # The AGEC share is that of the décret's IT and telephony category (printers apart).
    it_lines = [(line.kind, line.amount_ht, line.amount_ttc)
                for line in SpendingLine.objects.filter(organisation=org, year=2025)
                if core.agec_category(line.label) == core.AGEC_IT]
    agec = core.agec_share(it_lines)
    assert s["agec"].share == pytest.approx(agec.share)
    assert s["agec"].lines_without_ht == agec.lines_without_ht
    assert s["agec_target"].share == 20 and s["agec_target"].period == "2024–2026"
    assert s["total"] == sum((r.amount_ttc for r in rated), Decimal(0))
