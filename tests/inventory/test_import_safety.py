"""Safe imports: merge by default, replace only after a preview counting what it removes and an
explicit confirmation, publication after review (or automatic), French column names, and the
corrected mapping remembered for the next file of the same layout."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests import paths
from tests.factories import OperatorFactory, OrganisationFactory, PublicationFactory, member

from jalon.footprint.models import FootprintResult
from jalon.inventory import publishing, selectors
from jalon.inventory.models import (
    Asset,
    ImportMapping,
    ImportStatus,
    InventoryImport,
    InventoryPublication,
)
from jalon.tenancy.models import AuditEvent, Role

GLPI = paths.FIXTURES / "glpi_computers_excel_cp1252.csv"
CANONICAL = paths.FIXTURES / "canonical.csv"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    cache.clear()


@pytest.fixture
def org(db):
    return OrganisationFactory(operator=OperatorFactory(name="GIP", slug="gip"),
                               name="Ville", slug="ville", kind="commune")


@pytest.fixture
def editor(org):
    return member(org, Role.EDITOR, username="editor")


@pytest.fixture
def client_in(client, editor):
    client.force_login(editor)
    return client


def url(name, org, *args):
    return reverse(f"inventory:{name}", args=[org.slug, *args])


def upload(client, org, content: bytes, name="inventaire.csv") -> InventoryImport:
    response = client.post(url("imports", org), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    return InventoryImport.objects.filter(organisation=org).latest("id")


def csv_rows(numbers) -> bytes:
    lines = ["inventory_number,name,category,purchase_date"]
    lines += [f"{n},PC {n},laptop,2022-01-10" for n in numbers]
    return ("\n".join(lines) + "\n").encode()


def imported(client, org, numbers, mode="merge", **extra):
    source = upload(client, org, csv_rows(numbers))
    response = client.post(url("import_confirm", org, source.pk), {"mode": mode, **extra})
    source.refresh_from_db()
    return source, response


def numbers(org):
    return set(Asset.objects.filter(organisation=org).values_list("inventory_number",
                                                                  flat=True))


def test_merge_is_the_default_and_the_preview_counts_both_modes(client_in, org):
    imported(client_in, org, ["A1", "A2", "A3"])
    source = upload(client_in, org, csv_rows(["A2", "A3", "B1"]))
    assert source.mode == "merge"
    assert source.counts["plan"]["replace"] == {"added": 1, "updated": 2, "removed": 1}
    page = client_in.get(url("import_detail", org, source.pk)).content.decode()
    assert "Ce que l'import changera" in page
    assert re.search(r'value="merge"[^>]*checked', page)
    assert not re.search(r'value="replace"[^>]*checked', page)
    assert "suppression de 1 appareils" in page
    # A confirmation without a mode merges: nothing is removed.
    client_in.post(url("import_confirm", org, source.pk), {"mode": "merge"})
    source.refresh_from_db()
    assert source.status == ImportStatus.DONE
    assert numbers(org) == {"A1", "A2", "A3", "B1"}
    assert source.counts["deleted"] == 0


def test_replace_needs_the_removal_ticked_and_the_number_it_was_shown(client_in, org):
    imported(client_in, org, ["A1", "A2", "A3"])
    source = upload(client_in, org, csv_rows(["A3"]))
    # Replace without ticking: refused with the count, nothing changes.
    response = client_in.post(url("import_confirm", org, source.pk),
                              {"mode": "replace", "expected_removed": 2})
    assert response.status_code == 400
    assert "Remplacer supprimerait 2 appareils" in response.content.decode()
    source.refresh_from_db()
    assert source.status == ImportStatus.PREVIEW and numbers(org) == {"A1", "A2", "A3"}
    # Ticked, but the page said another number (the inventory changed since): refused.
    client_in.post(url("import_confirm", org, source.pk),
                   {"mode": "replace", "expected_removed": 1, "confirm_removal": "on"})
    source.refresh_from_db()
    assert source.status == ImportStatus.PREVIEW
    # Ticked with the number shown: replaced.
    client_in.post(url("import_confirm", org, source.pk),
                   {"mode": "replace", "expected_removed": 2, "confirm_removal": "on"})
    source.refresh_from_db()
    assert source.status == ImportStatus.DONE, source.error
    assert numbers(org) == {"A3"} and source.counts["deleted"] == 3


def test_api_replace_needs_expected_removed(client, org, editor):
    from jalon.inventory import services

    imported_source = services.start_import(editor, org, SimpleUploadedFile(
        "a.csv", csv_rows(["A1", "A2"])))
    services.confirm_import(editor, imported_source, "merge")
    source = services.start_import(editor, org, SimpleUploadedFile("b.csv", csv_rows(["A1"])))
    with pytest.raises(services.RemovalNotConfirmed) as refused:
        services.confirm_import(editor, source, "replace")
    assert refused.value.removed == 1
    services.confirm_import(editor, source, "replace", expected_removed=1)
    assert numbers(org) == {"A1"}


def test_public_pages_show_the_reviewed_inventory_until_published(client_in, org, client):
    PublicationFactory(organisation=org, domain="footprint", published=True)
    imported(client_in, org, ["A1", "A2"])
    # The first import waits for review too: the public side stays on version 0 (empty).
    publication = InventoryPublication.objects.get(organisation=org)
    assert publication.version == 0 and selectors.published_version(org) == 0
    client_in.post(url("import_publish", org))
    org.refresh_from_db()
    assert selectors.published_version(org) == org.inventory_version == 1
    rows_before = list(publishing.inventory_rows(org))
    assert rows_before[0][1] == 2
    published_before = selectors.published_version(org)
    # Warm the published footprint (the footprint task does it after each change).
    from jalon.footprint.services import footprint_for, published_footprint_for

    year_data = footprint_for(org, 2026)
    source, _ = imported(client_in, org, ["A3", "A4", "A5"])
    org.refresh_from_db()
    assert org.inventory_version == published_before + 1
    assert selectors.published_version(org) == published_before
    assert list(publishing.inventory_rows(org)) == rows_before  # frozen aggregates
    assert published_footprint_for(org, 2026) == year_data
    assert FootprintResult.objects.filter(organisation=org,
                                          inventory_version=published_before).exists()
    detail = client_in.get(url("import_detail", org, source.pk)).content.decode()
    assert "À vérifier avant publication" in detail and "Publier l'inventaire" in detail
    listing = client_in.get(url("imports", org)).content.decode()
    assert "À vérifier avant publication" in listing

    client_in.post(url("import_publish", org), {"next": source.pk})
    source.refresh_from_db()
    assert source.published_at is not None
    assert selectors.published_version(org) == org.inventory_version
    assert next(iter(publishing.inventory_rows(org)))[1] == 5
    assert AuditEvent.objects.filter(organisation=org, action="inventory.publish").count() == 2


def test_open_data_report_and_indicators_keep_the_reviewed_inventory(client_in, org):
    """What the footprint publishes besides the public home (the open-data CSV, the annual
    report, its headline figures, the indicator per agent) reads the published version too."""
    from django.utils import timezone

    from jalon.footprint import publishing as published_side
    from jalon.footprint import tasks as footprint_tasks

    org.agents = 100
    org.save()
    today = timezone.localdate()

    def published():
        return (list(published_side.footprint_rows(org)),
                published_side.report_footprint(org, today.year)["footprint"]["counted"],
                published_side.headline_devices(org, today.year).value,
                [v.value for v in published_side.footprint_per_agent(org, today)])

    imported(client_in, org, ["A1", "A2"])
    client_in.post(url("import_publish", org))
    # What the inventory's event runs once the change is committed (tests run in a transaction).
    footprint_tasks.recompute_footprint.call(org.pk)
    before = published()
    assert before[2] == "2"
    dated = selectors.published_inventory_date(org)
    assert dated == selectors.inventory_date(org) and dated is not None

    imported(client_in, org, ["A3", "A4", "A5"])  # applied, waiting for review
    org.refresh_from_db()
    footprint_tasks.recompute_footprint.call(org.pk)
    assert selectors.published_version(org) < org.inventory_version
    assert published() == before
    # The date the public home and the datasets' dct:modified give is the published one's.
    assert selectors.inventory_date(org) > dated
    assert selectors.published_inventory_date(org) == dated
    assert published_side.modified(org) == publishing.modified(org) == dated

    client_in.post(url("import_publish", org))
    org.refresh_from_db()
    after = published()
    assert after[2] == "5"
    assert after[3][-1] > before[3][-1]
    assert selectors.published_inventory_date(org) == selectors.inventory_date(org) > dated


def test_auto_publish_is_an_organisation_setting(client_in, org):
    response = client_in.post(url("import_publication", org), {"auto_publish": "on"})
    assert response.status_code == 302
    assert InventoryPublication.objects.get(organisation=org).auto_publish
    source, _ = imported(client_in, org, ["A1"])
    assert source.published_at is not None
    org.refresh_from_db()
    assert selectors.published_version(org) == org.inventory_version == 1
    assert AuditEvent.objects.filter(action="inventory.auto_publish").exists()


def test_viewers_cannot_publish_or_change_the_setting(client, org):
    viewer = member(org, Role.VIEWER, username="viewer")
    client.force_login(viewer)
    assert client.post(url("import_publish", org)).status_code == 403
    assert client.post(url("import_publication", org), {"auto_publish": "on"}
                       ).status_code == 403


def test_mapping_targets_are_french_names_and_codes_still_accepted(client_in, org):
    source = upload(client_in, org, GLPI.read_bytes(), GLPI.name)
    page = client_in.get(url("import_detail", org, source.pk)).content.decode()
    assert "Prix d&#x27;achat HT (€)" in page or "Prix d'achat HT (€)" in page
    assert 'value="purchase_price_eur"' not in page  # inputs show names, not codes
    headers = list(source.ordered_mapping())
    fields = {f"h{i}": t for i, t in enumerate(source.ordered_mapping().values())}
    fields[f"h{headers.index('Valeur')}"] = "prix d'achat ttc (€, utilisé ÷ 1,2 sans prix ht)"
    response = client_in.post(url("import_mapping", org, source.pk), fields)
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.mapping_override["Valeur"] == "purchase_price_incl_vat_eur"


def test_a_corrected_mapping_is_proposed_for_the_same_layout(client_in, org):
    source = upload(client_in, org, GLPI.read_bytes(), GLPI.name)
    assert not source.mapping_remembered
    fields = {f"h{i}": t for i, t in enumerate(source.ordered_mapping().values())}
    fields[f"h{list(source.ordered_mapping()).index('Valeur')}"] = "ignore"
    client_in.post(url("import_mapping", org, source.pk), fields)
    assert ImportMapping.objects.filter(organisation=org).count() == 1

    again = upload(client_in, org, GLPI.read_bytes() + b"\n", "export-suivant.csv")
    assert again.status == ImportStatus.PREVIEW, again.error
    assert again.mapping_remembered and again.mapping["Valeur"] == "ignore"
    page = client_in.get(url("import_detail", org, again.pk)).content.decode()
    assert "Correspondance reprise de votre correction précédente" in page

    # Another organisation does not get it.
    other = OrganisationFactory(operator=org.operator, name="Autre", slug="autre")
    client_in.force_login(member(other, Role.EDITOR, username="other-editor"))
    elsewhere = upload(client_in, other, GLPI.read_bytes(), GLPI.name)
    assert not elsewhere.mapping_remembered and elsewhere.mapping["Valeur"] != "ignore"
