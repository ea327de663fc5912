"""Issue 16, done when: a realistic GLPI export of an agglomeration (11,000 rows re-saved by a
French Excel: cp1252, `;`, French headers, decimal commas), imported with no hand mapping,
gives the retirement, price and origin columns, no false problems, a refurbished share and an
AGEC spend share, and a reuse rate that counts donations and resales.

The file is made by tests/fixtures/make_glpi_agglomeration.py in tmp_path (3 MB).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from tests import paths
from tests.factories import OperatorFactory, OrganisationFactory, member
from typer.testing import CliRunner

from jalon.cli import app
from jalon.core.readers import read_inventory
from jalon.inventory import indicators
from jalon.inventory.models import Asset, ImportStatus, InventoryImport, RouteRule
from jalon.tenancy.models import AuditEvent, Role

FIXTURES = paths.ROOT / "tests" / "fixtures"
ROWS = 11_000
TODAY = dt.date(2026, 1, 15)


def make(path):
    spec = importlib.util.spec_from_file_location(
        "make_glpi_agglomeration", FIXTURES / "make_glpi_agglomeration.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write(path, ROWS)


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    return make(tmp_path_factory.mktemp("glpi") / "export-glpi-agglo.csv")


def test_read_whole_with_no_mapping(export):
    result = read_inventory([export])
    mapping = result.report.mapping
    assert result.report.read == ROWS and result.report.formats == ["glpi"]
    assert mapping["Date de sortie du parc"] == "retirement_date"
    assert mapping["Prix d'achat HT"] == "purchase_price_eur"
    assert mapping["Mode d'acquisition"] == "condition"
    assert mapping["Commentaires"] == "comment"
    # The three planted problems, and nothing else: no flood of "retired without a date".
    assert sorted((p.line, p.column) for p in result.problems) == [
        (3, "Date d'achat"), (5, "Numéro d'inventaire"), (12, "Statut")]
    frame = result.frame
    assert frame.get_column("retirement_date").is_not_null().sum() > 4_000
    assert frame.get_column("purchase_price_eur").null_count() < ROWS // 10
    assert frame.filter(frame["condition"] == "refurbished").height > 100


def test_command_line_names_the_unused_columns_and_gives_the_rates(export):
    result = CliRunner().invoke(app, ["inventory", str(export), "--year", "2025",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["rows"]["problems"]) == 3
    assert data["columns"]["unused"]["Date de fin de garantie"] == "warranty_end"
    buys, rate = data["purchases"], data["reuse_rate_retired"]
    assert 5 < buys["refurbished_purchase_share"] < 25
    assert 3 < buys["reuse_spend_share"] < buys["refurbished_purchase_share"]
    assert rate["by_route"]["donated"] > 0 and rate["by_route"]["sold_refurbished"] > 0
    assert rate["left_out"]["awaiting_decision"] > 0
    assert 40 < rate["value"] < 80
    table = CliRunner().invoke(app, ["inventory", str(export), "--year", "2025"])
    assert "recognised but not used" in table.stderr and "Fournisseur" in table.stderr


@pytest.fixture
def org(db, settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return OrganisationFactory(operator=OperatorFactory(name="GIP", slug="gip"),
                               name="Agglo", slug="agglo", kind="epci")


@pytest.fixture
def editor_client(client, org):
    client.force_login(member(org, Role.EDITOR, username="editor"))
    return client


def url(name, org, *args):
    return reverse(f"inventory:{name}", args=[org.slug, *args])


@pytest.mark.django_db
def test_web_import_with_no_mapping_gives_shares_and_a_reuse_rate(editor_client, org, export):
    editor_client.post(url("imports", org), {
        "file": SimpleUploadedFile(export.name, export.read_bytes())})
    source = InventoryImport.objects.get(organisation=org)
    assert source.status == ImportStatus.PREVIEW, source.error
    assert source.problem_count == 3
    assert source.unused_columns["Fournisseur"] == "supplier"
    assert {r["route"] for r in source.routes} >= {"donated", "sold_refurbished", "recycled"}
    # The preview sums up last year (here 2025 while the clock says 2026).
    assert source.circularity["year"] == timezone.localdate().year - 1
    if source.circularity["year"] == 2025:
        assert source.circularity["purchases"]["reuse_spend_share"] > 3
        assert source.circularity["reuse_rate_retired"]["left_out"]["awaiting_decision"] > 0
    page = editor_client.get(url("import_detail", org, source.pk),
                             HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Colonnes reconnues mais pas utilisées" in page and "fournisseur" in page
    assert "le statut dit que l&#x27;appareil est sorti du parc" in page  # in French
    assert "the status says retired" not in page
    assert "ce numéro d&#x27;inventaire figure déjà ligne 4" in page
    assert "taux de réemploi des équipements retirés (décret 2023-266)" in page
    editor_client.post(url("import_confirm", org, source.pk), {"mode": "replace"})
    source.refresh_from_db()
    assert source.status == ImportStatus.DONE, source.error
    assert Asset.objects.filter(organisation=org).count() == ROWS

    def value(formula, year=2025):
        return next(v for v in formula(org, TODAY) if v.date.year == year)

    refurbished = value(indicators.refurbished_purchase_share)
    spend = value(indicators.reuse_spend_share)
    rate = value(indicators.reuse_rate_retired)
    assert 5 < refurbished.value < 25 and 3 < spend.value < refurbished.value
    assert rate.detail["by_route"]["donated"] > 0
    assert rate.detail["by_route"]["sold_refurbished"] > 0
    assert rate.detail["awaiting_decision_units"] > 0
    assert 40 < rate.value < 80
    # The command line gives the same rate on the same file.
    cli = json.loads(CliRunner().invoke(app, ["inventory", str(export), "--year", "2025",
                                              "--format", "json"]).stdout)
    assert rate.value == pytest.approx(cli["reuse_rate_retired"]["value"])

    # The rule that matched is shown per device.
    donated = Asset.objects.filter(organisation=org, route="donated",
                                   route_rule="status-donated").first()
    page = editor_client.get(url("asset", org, donated.pk)).content.decode()
    assert "Don" in page and "règle status-donated" in page

    # An organisation's rule: "Réformé" alone means "awaiting decision" here; audited.
    before = Asset.objects.filter(organisation=org, route="").count()
    response = editor_client.post(url("routes", org), {
        "field": "status", "pattern": "^reforme$", "route": "awaiting_decision",
        "note": "Chez nous, « Réformé » attend la commission de réforme"})
    assert response.status_code == 302
    rule = RouteRule.objects.get(organisation=org)
    assert Asset.objects.filter(organisation=org, route_rule=rule.name).count() > 0
    assert Asset.objects.filter(organisation=org, route="").count() < before
    event = AuditEvent.objects.get(organisation=org, action="inventory.route_rule_created")
    assert event.details["assets_rerouted"] > 0
    page = editor_client.get(url("routes", org)).content.decode()
    assert rule.name in page and "status-donated" in page and "AGPL-3.0-or-later" in page
    after = value(indicators.reuse_rate_retired)
    assert after.detail["awaiting_decision_units"] > rate.detail["awaiting_decision_units"]
