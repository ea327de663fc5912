"""Inventory imports through the web pages: upload, preview, mapping, confirm, history."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests import paths
from tests.factories import OperatorFactory, OrganisationFactory, member

from jalon.inventory import apply, selectors
from jalon.inventory.models import Asset, ImportStatus, InventoryImport
from jalon.tenancy.models import AuditEvent, Role

ROOT = paths.ROOT
FIXTURES = ROOT / "tests" / "fixtures"
GLPI = FIXTURES / "glpi_computers_excel_cp1252.csv"
CANONICAL = FIXTURES / "canonical.csv"
DEMO = ROOT / "src" / "jalon" / "data" / "demo" / "val-de-lisiere-glpi.csv"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR


@pytest.fixture
def org(db):
    return OrganisationFactory(operator=OperatorFactory(name="GIP Test", slug="gip"),
                               name="Agglo", slug="agglo", kind="epci")


@pytest.fixture
def editor(org):
    return member(org, Role.EDITOR, username="editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def url(name, org, *args):
    return reverse(f"inventory:{name}", args=[org.slug, *args])


def upload(client, org, path: Path, name: str | None = None, content: bytes | None = None):
    data = content if content is not None else path.read_bytes()
    file = SimpleUploadedFile(name or path.name, data)
    return client.post(url("imports", org), {"file": file})


def last_import(org) -> InventoryImport:
    return InventoryImport.objects.filter(organisation=org).latest("id")


def confirm(client, org, source, mode="replace"):
    """Confirm as the page does: replacing ticks the box for the removals it announced."""
    plan = selectors.import_plan(InventoryImport.objects.get(pk=source.pk))
    removed = plan["replace"]["removed"] if plan else 0
    return client.post(url("import_confirm", org, source.pk),
                       {"mode": mode, "expected_removed": removed, "confirm_removal": "on"})


def test_glpi_upload_preview_shows_problems_mapping_and_classification(editor_client, org):
    response = upload(editor_client, org, GLPI)
    source = last_import(org)
    assert response.status_code == 302
    assert response["Location"] == url("import_detail", org, source.pk)
    assert source.status == ImportStatus.PREVIEW
    assert source.counts["read"] == 40 and source.counts["used"] == 40
    assert source.counts["unclassified"] == 1
    assert [p["line"] for p in source.problems] == [9, 15, 22]
    assert {p["source"] for p in source.problems} == {GLPI.name}  # never the server path
    assert source.mapping["Valeur"] == "purchase_price_eur"
    assert Path(source.stored_path).name == f"{source.sha256}.csv"

    page = editor_client.get(response["Location"]).content.decode()
    for expected in ("31/02/2019", "inconnue", "12,3,4", "Valeur", "purchase_price_eur",
                     "type-laptop", "Boîtier X", "30", GLPI.name, source.sha256):
        assert expected in page
    assert '<th scope="col">' in page
    assert "style=" not in page and "<script" not in page
    assert not Asset.objects.exists()  # nothing changes before the confirmation


def test_mapping_correction_reanalyses_the_file(editor_client, org):
    upload(editor_client, org, GLPI)
    source = last_import(org)
    fields = {f"h{i}": target for i, target in enumerate(source.ordered_mapping().values())}
    index = list(source.ordered_mapping()).index("Valeur")
    fields[f"h{index}"] = "ignore"
    response = editor_client.post(url("import_mapping", org, source.pk), fields)
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.status == ImportStatus.PREVIEW
    assert source.mapping_override["Valeur"] == "ignore"
    assert source.mapping["Valeur"] == "ignore"
    assert [p["line"] for p in source.problems] == [9, 15]
    assert "12,3,4" not in editor_client.get(url("import_detail", org, source.pk)).content.decode()


def test_mapping_rejects_unknown_columns(editor_client, org):
    upload(editor_client, org, GLPI)
    source = last_import(org)
    fields = {f"h{i}": target for i, target in enumerate(source.ordered_mapping().values())}
    fields["h0"] = "not_a_column"
    response = editor_client.post(url("import_mapping", org, source.pk), fields)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_confirm_replace_creates_assets_with_categories_and_audits(editor_client, org, editor):
    upload(editor_client, org, GLPI)
    source = last_import(org)
    response = confirm(editor_client, org, source)
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.status == ImportStatus.DONE, source.error
    assert source.confirmed_by == editor
    assert Asset.objects.filter(organisation=org).count() == 40
    laptop = Asset.objects.get(inventory_number="INV-2023-0012")
    assert (laptop.category, laptop.rule, laptop.source_line) == ("laptop", "type-laptop", 2)
    assert str(laptop.purchase_price_eur) == "1089.00"
    assert laptop.entity == "Entité racine > Agglo > DSI"
    assert Asset.objects.filter(category="").count() == 1
    assert Asset.objects.get(source_line=29).condition == "refurbished"
    org.refresh_from_db()
    assert org.inventory_version == 1
    event = AuditEvent.objects.get(action="inventory.import")
    assert event.actor == editor and event.target == GLPI.name
    assert event.details["created"] == 40 and event.details["problems"] == 3

    # A second confirmation of the same import is refused: it is done.
    confirm(editor_client, org, source)
    assert Asset.objects.filter(organisation=org).count() == 40


def test_replace_mode_replaces_the_previous_inventory(editor_client, org):
    upload(editor_client, org, GLPI)
    confirm(editor_client, org, last_import(org))
    upload(editor_client, org, CANONICAL)
    confirm(editor_client, org, last_import(org))
    numbers = set(Asset.objects.filter(organisation=org).values_list("inventory_number",
                                                                     flat=True))
    assert all(n.startswith("VDL-") for n in numbers)


def test_merge_by_inventory_number_updates_and_adds(editor_client, org, tmp_path):
    upload(editor_client, org, CANONICAL)
    confirm(editor_client, org, last_import(org))
    before = Asset.objects.filter(organisation=org).count()
    first = Asset.objects.get(inventory_number="VDL-000001")
    second = tmp_path / "update.csv"
    second.write_text(
        "inventory_number,name,type,model,entity\n"
        "VDL-000001,PC-DSI-001,Portable,Latitude 5450,Finances\n"
        "VDL-999999,PC-NEW-1,Portable,Latitude 7450,DSI\n"
        ",PC-SANS-NUMERO,Unité centrale,OptiPlex 7020,DSI\n", encoding="utf-8")
    upload(editor_client, org, second)
    source = last_import(org)
    confirm(editor_client, org, source, mode="merge")
    source.refresh_from_db()
    assert source.status == ImportStatus.DONE, source.error
    assert (source.counts["updated"], source.counts["created"]) == (1, 2)
    assert Asset.objects.filter(organisation=org).count() == before + 2
    first.refresh_from_db()
    assert (first.model, first.entity, first.source_import_id) == ("Latitude 5450", "Finances",
                                                                  source.pk)
    assert Asset.objects.filter(inventory_number="VDL-999999", category="laptop").exists()
    assert Asset.objects.filter(name="PC-SANS-NUMERO", inventory_number="").exists()


def test_merge_keeps_a_retirement_recorded_in_jalon(editor_client, org, tmp_path):
    upload(editor_client, org, CANONICAL)
    confirm(editor_client, org, last_import(org))
    asset = Asset.objects.get(inventory_number="VDL-000002")
    editor_client.post(url("asset_event", org, asset.pk),
                       {"kind": "retired", "date": "2025-01-31", "disposal": "recycled"})
    again = tmp_path / "again.csv"
    again.write_text("inventory_number,type,model\nVDL-000002,Portable,EliteBook 840 G9\n",
                     encoding="utf-8")
    upload(editor_client, org, again)
    confirm(editor_client, org, last_import(org), mode="merge")
    asset.refresh_from_db()
    assert str(asset.retirement_date) == "2025-01-31" and asset.disposal == "recycled"


def test_failed_apply_leaves_previous_inventory_intact(editor_client, org, monkeypatch):
    upload(editor_client, org, CANONICAL)
    confirm(editor_client, org, last_import(org))
    previous = set(Asset.objects.filter(organisation=org).values_list("id", flat=True))
    org.refresh_from_db()
    version = org.inventory_version

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(apply, "_write", broken)
    upload(editor_client, org, GLPI)
    source = last_import(org)
    confirm(editor_client, org, source)
    source.refresh_from_db()
    assert source.status == ImportStatus.FAILED
    assert "disk full" in source.error and "inchangé" in source.error
    assert set(Asset.objects.filter(organisation=org).values_list("id", flat=True)) == previous
    org.refresh_from_db()
    assert org.inventory_version == version
    assert not AuditEvent.objects.filter(action="inventory.import",
                                         details__import_id=source.pk).exists()
    page = editor_client.get(url("import_detail", org, source.pk)).content.decode()
    assert "disk full" in page


def test_too_large_upload_is_refused_with_the_limit(editor_client, org, settings):
    settings.MAX_UPLOAD_MB = 1
    response = upload(editor_client, org, GLPI, content=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 400
    page = response.content.decode()
    assert "1 Mo" in page and 'aria-invalid="true"' in page
    assert not InventoryImport.objects.exists()


def test_unknown_suffix_is_refused(editor_client, org):
    response = upload(editor_client, org, GLPI, name="inventaire.exe")
    assert response.status_code == 400
    assert not InventoryImport.objects.exists()


def test_unmappable_file_offers_its_headers_for_mapping(editor_client, org, tmp_path):
    # Headers no asset tool uses (custom_export.csv's are all known names since issue 16).
    odd = tmp_path / "export_maison.csv"
    odd.write_bytes("Code;Genre;Réf. constructeur;Montant\r\nA-1;Portable;Latitude 5440;"
                    "1089\r\nA-2;Écran;P2422H;189\r\n".encode("cp1252"))
    upload(editor_client, org, odd)
    source = last_import(org)
    assert source.status == ImportStatus.FAILED
    assert "Genre" in source.mapping and set(source.mapping.values()) == {"ignore"}
    page = editor_client.get(url("import_detail", org, source.pk)).content.decode()
    assert "export_maison.csv" in page and 'name="h0"' in page
    assert "aucune colonne ne dit ce que sont les appareils" in source.error
    headers = list(source.ordered_mapping())
    fields = {f"h{i}": "ignore" for i in range(len(headers))}
    fields[f"h{headers.index('Genre')}"] = "type"
    fields[f"h{headers.index('Réf. constructeur')}"] = "model"
    editor_client.post(url("import_mapping", org, source.pk), fields)
    source.refresh_from_db()
    assert source.status == ImportStatus.PREVIEW and source.counts["used"] > 0


def test_cancel_an_import(editor_client, org):
    upload(editor_client, org, GLPI)
    source = last_import(org)
    editor_client.post(url("import_cancel", org, source.pk))
    source.refresh_from_db()
    assert source.status == ImportStatus.CANCELLED
    confirm(editor_client, org, source)
    assert not Asset.objects.exists()


def test_history_shows_sha256_counts_and_who(editor_client, org):
    upload(editor_client, org, GLPI)
    source = last_import(org)
    confirm(editor_client, org, source, mode="merge")
    page = editor_client.get(url("imports", org)).content.decode()
    assert source.sha256 in page and GLPI.name in page and "editor" in page
    assert "Fusionner par numéro d&#x27;inventaire" in page
    for figure in (">40<", ">1<", ">3<"):
        assert figure in page


def test_running_import_page_refreshes_without_javascript(editor_client, org):
    upload(editor_client, org, GLPI)
    source = last_import(org)
    InventoryImport.objects.filter(pk=source.pk).update(status=ImportStatus.ANALYSING,
                                                        progress=40)
    response = editor_client.get(url("import_detail", org, source.pk))
    assert response["Refresh"] == "2"
    assert '<progress id="import-progress" max="100" value="40">' in response.content.decode()
    InventoryImport.objects.filter(pk=source.pk).update(status=ImportStatus.PREVIEW)
    assert "Refresh" not in editor_client.get(url("import_detail", org, source.pk))


def test_agent_json_single_file(editor_client, org):
    upload(editor_client, org, FIXTURES / "agent" / "glpi-agent-laptop.json")
    source = last_import(org)
    assert source.status == ImportStatus.PREVIEW, source.error
    assert source.counts["used"] == 1 and source.mapping == {}
    confirm(editor_client, org, source)
    assert Asset.objects.get(organisation=org).category == "laptop"


def test_zip_of_agent_files(editor_client, org):
    folder = FIXTURES / "agent" / "folder"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"inventaires/{path.name}")
        archive.writestr("../../evil.json", b'{"deviceid": "x"}')  # stays inside the folder
        archive.writestr("notes.txt", b"not an inventory")
    upload(editor_client, org, folder, name="agents.zip", content=buffer.getvalue())
    source = last_import(org)
    assert source.status == ImportStatus.PREVIEW, source.error
    extracted = Path(source.stored_path).with_suffix(".d")
    assert sorted(p.name for p in extracted.iterdir()) == sorted(
        [*(p.name for p in folder.iterdir()), "evil.json"])
    assert not (Path(source.stored_path).parent.parent / "evil.json").exists()
    assert source.counts["used"] == 2  # the desktop and the VM; broken.json is a problem
    assert any("broken.json" in p["source"] for p in source.problems)
    assert all(p["source"].startswith("agents.zip") for p in source.problems)
    confirm(editor_client, org, source)
    assert set(Asset.objects.values_list("category", flat=True)) == {"desktop",
                                                                     "virtual_machine"}


def test_damaged_zip_fails_with_a_message(editor_client, org):
    upload(editor_client, org, GLPI, name="agents.zip", content=b"PK\x03\x04 not a zip")
    source = last_import(org)
    assert source.status == ImportStatus.FAILED and "ZIP" in source.error


def test_demo_glpi_export_imports_in_reasonable_time(editor_client, org):
    started = time.perf_counter()
    upload(editor_client, org, DEMO)
    source = last_import(org)
    confirm(editor_client, org, source)
    elapsed = time.perf_counter() - started
    source.refresh_from_db()
    assert source.status == ImportStatus.DONE, source.error
    assert Asset.objects.filter(organisation=org).count() == source.counts["used"] > 9_000
    assert elapsed < 30


def test_mapping_inputs_share_one_datalist_and_name_empty_headers(editor_client, org):
    upload(editor_client, org, FIXTURES / "glpi_global_utf8bom.csv")
    source = last_import(org)
    headers = list(source.ordered_mapping())
    assert headers[-1] == ""  # the trailing ";" of a GLPI export
    page = editor_client.get(url("import_detail", org, source.pk)).content.decode()
    assert "<select" not in page
    assert page.count('<datalist id="jalon-columns">') == 1
    assert page.count('list="jalon-columns"') == len(headers)
    assert f'<label for="id_h{len(headers) - 1}">Colonne {len(headers)} (sans en-tête)' in page
    assert 'tabindex="0" role="region"' in page


def test_mapping_accepts_any_case_and_explains_unknown_columns(editor_client, org):
    upload(editor_client, org, GLPI)
    source = last_import(org)
    fields = {f"h{i}": target for i, target in enumerate(source.ordered_mapping().values())}
    index = list(source.ordered_mapping()).index("Valeur")
    fields[f"h{index}"] = "  IGNORE "
    fields["h0"] = "nom"
    response = editor_client.post(url("import_mapping", org, source.pk), fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert "« nom » n&#x27;est pas une colonne de Jalon" in page
    source.refresh_from_db()
    assert source.mapping_override in (None, {})
    fields["h0"] = "name"
    assert editor_client.post(url("import_mapping", org, source.pk), fields).status_code == 302
    source.refresh_from_db()
    assert source.mapping_override["Valeur"] == "ignore"


def test_problems_are_paginated(editor_client, org):
    upload(editor_client, org, GLPI)
    source = last_import(org)
    source.problems = [{"source": "f.csv", "line": n, "column": "Valeur", "value": "x",
                        "message": "?"} for n in range(1, 46)]
    source.problem_count = 45
    source.save(update_fields=["problems", "problem_count"])
    response = editor_client.get(url("import_detail", org, source.pk))
    assert len(response.context["problems"].object_list) == 20
    assert "?problems=2#problems" in response.content.decode()
    last = editor_client.get(url("import_detail", org, source.pk), {"problems": 3})
    assert [p["line"] for p in last.context["problems"].object_list] == list(range(41, 46))
