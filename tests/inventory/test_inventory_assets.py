"""The asset list, the asset page, lifecycle events, bulk retirement and tenant isolation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from tests import factories
from tests.factories import (
    AssetFactory,
    InventoryImportFactory,
    LifecycleEventFactory,
    OperatorFactory,
    OrganisationFactory,
)

from jalon.inventory.models import Asset, InventoryImport, LifecycleEvent
from jalon.tenancy.models import AuditEvent, Role


@pytest.fixture
def operator(db):
    return OperatorFactory(name="GIP Test", slug="gip")


@pytest.fixture
def org(operator):
    return OrganisationFactory(operator=operator, name="Agglo", slug="agglo", kind="epci")


@pytest.fixture
def other_org(operator):
    return OrganisationFactory(operator=operator, name="Autre", slug="autre", kind="commune")


def member(organisation, username, role):
    return factories.member(organisation, role, username=username)


def url(name, org, *args):
    return reverse(f"inventory:{name}", args=[org.slug, *args])


def make_assets(org, count, **fields):
    return [AssetFactory(organisation=org, name=fields.get("name", f"PC-{i:03d}"),
                         inventory_number=f"INV-{i:03d}", category=fields.get("category", "laptop"),
                         entity=fields.get("entity", "DSI"), site=fields.get("site", "Hôtel"),
                         model=fields.get("model", "Latitude"),
                         condition=fields.get("condition", "new"),
                         purchase_date=dt.date(2020, 1, 1) + dt.timedelta(days=i))
            for i in range(count)]


@pytest.fixture
def editor_client(client, org):
    client.force_login(member(org, "editor", Role.EDITOR))
    return client


@pytest.fixture
def viewer_client(client, org):
    client.force_login(member(org, "viewer", Role.VIEWER))
    return client


def names(response):
    return [a.name for a in response.context["page"].object_list]


def test_list_filters_sort_and_search(viewer_client, org):
    make_assets(org, 3)
    AssetFactory(organisation=org, name="ECR-01", inventory_number="E-1", category="monitor",
                 entity="Finances", site="Annexe", model="P2423D", condition="refurbished",
                 purchase_date=None, retirement_date=dt.date(2024, 6, 30))
    get = lambda **q: viewer_client.get(url("assets", org), q)  # noqa: E731
    assert names(get(category="monitor")) == ["ECR-01"]
    assert names(get(entity="Finances")) == ["ECR-01"]
    assert names(get(site="Annexe")) == ["ECR-01"]
    assert names(get(condition="refurbished")) == ["ECR-01"]
    assert names(get(status="retired")) == ["ECR-01"]
    assert len(names(get(status="in_service"))) == 3
    assert names(get(q="p2423")) == ["ECR-01"]  # model, case-insensitive
    assert names(get(q="INV-001")) == ["PC-001"]
    assert names(get(sort="-name"))[0] == "PC-002"
    assert names(get(sort="-purchase_date"))[:2] == ["PC-002", "PC-001"]
    assert names(get(sort="category"))[0] == "PC-000"  # laptop < monitor
    assert names(get(sort="entity"))[0] == "PC-000"  # DSI < Finances
    # A sort outside the whitelist falls back to the name instead of reaching order_by.
    response = get(sort="user")
    assert response.status_code == 200 and names(response)[0] == "ECR-01"


def test_pagination_keeps_the_filters(viewer_client, org):
    make_assets(org, 120)
    response = viewer_client.get(url("assets", org), {"category": "laptop", "sort": "-name"})
    assert len(response.context["page"].object_list) == 25  # ASSETS_PER_PAGE
    page = response.content.decode()
    assert "?category=laptop&amp;sort=-name&amp;page=2" in page
    second = viewer_client.get(url("assets", org),
                               {"category": "laptop", "sort": "-name", "page": 2})
    assert names(second)[0] == "PC-094"
    assert "page=1" in second.content.decode()


def test_viewer_sees_no_editing_controls(viewer_client, org):
    make_assets(org, 1)
    page = viewer_client.get(url("assets", org)).content.decode()
    assert 'name="asset"' not in page
    asset = Asset.objects.get()
    assert "Ajouter un événement" not in viewer_client.get(url("asset", org, asset.pk)).content \
        .decode()


def test_asset_page_shows_fields_and_events(viewer_client, org):
    source = InventoryImportFactory(organisation=org, file_name="export.csv")
    asset = AssetFactory(organisation=org, name="SRV-01", inventory_number="INV-9",
                         category="server", rule="type-server", model="PowerEdge R650",
                         ram_gb=256, source_import=source, source_line=26)
    LifecycleEventFactory(asset=asset, kind="repaired", date=dt.date(2024, 2, 1),
                          note="Alimentation changée")
    page = viewer_client.get(url("asset", org, asset.pk)).content.decode()
    for expected in ("SRV-01", "INV-9", "type-server", "PowerEdge R650", "256", "export.csv",
                     "ligne 26", "Réparation", "Alimentation changée"):
        assert expected in page


def test_add_retired_event_donated_with_beneficiary(editor_client, org):
    asset = make_assets(org, 1)[0]
    version = org.inventory_version
    response = editor_client.post(url("asset_event", org, asset.pk), {
        "kind": "retired", "date": "2025-03-01", "disposal": "donated",
        "beneficiary": "Emmaüs Connect"})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.retirement_date == dt.date(2025, 3, 1) and asset.disposal == "donated"
    event = asset.events.get()
    assert (event.kind, event.beneficiary) == ("retired", "Emmaüs Connect")
    org.refresh_from_db()
    assert org.inventory_version == version + 1
    assert AuditEvent.objects.filter(action="inventory.event", organisation=org).exists()
    page = editor_client.get(url("asset", org, asset.pk)).content.decode()
    assert "Emmaüs Connect" in page and "Don" in page


def test_event_errors_are_tied_to_their_fields(editor_client, org):
    asset = make_assets(org, 1)[0]
    response = editor_client.post(url("asset_event", org, asset.pk), {
        "kind": "retired", "date": "2025-03-01", "disposal": "donated"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-describedby="id_beneficiary_error"' in page
    assert 'id="id_beneficiary_error"' in page
    asset.refresh_from_db()
    assert asset.retirement_date is None and not asset.events.exists()


def test_recycled_event_with_weee_weight_and_a_non_retiring_event(editor_client, org):
    asset = make_assets(org, 1)[0]
    editor_client.post(url("asset_event", org, asset.pk),
                       {"kind": "repaired", "date": "2024-01-10"})
    asset.refresh_from_db()
    assert asset.retirement_date is None
    editor_client.post(url("asset_event", org, asset.pk), {
        "kind": "retired", "date": "2025-01-10", "disposal": "recycled",
        "weee_weight_kg": "2.5"})
    assert asset.events.get(kind="retired").weee_weight_kg == 2.5


def test_bulk_retirement_of_three_assets(editor_client, org):
    assets = make_assets(org, 5)
    chosen = [a.pk for a in assets[:3]]
    response = editor_client.post(url("retire", org), {
        "asset": chosen, "date": "2025-06-30", "disposal": "sold_refurbished",
        "query": "category=laptop&sort=-name"})
    assert response.status_code == 302
    assert response["Location"].endswith("?category=laptop&sort=-name")
    retired = Asset.objects.filter(retirement_date=dt.date(2025, 6, 30))
    assert sorted(retired.values_list("pk", flat=True)) == chosen
    assert set(retired.values_list("disposal", flat=True)) == {"sold_refurbished"}
    assert LifecycleEvent.objects.filter(kind="retired").count() == 3
    org.refresh_from_db()
    assert org.inventory_version == 1
    assert AuditEvent.objects.get(action="inventory.retire").details["count"] == 3


def test_bulk_retirement_needs_a_selection_and_a_route(editor_client, org):
    make_assets(org, 2)
    response = editor_client.post(url("retire", org), {"date": "2025-06-30",
                                                       "disposal": "recycled"})
    assert response.status_code == 400
    assert "Cochez au moins un appareil" in response.content.decode()
    response = editor_client.post(url("retire", org), {
        "asset": [Asset.objects.first().pk], "date": "2025-06-30"})
    assert response.status_code == 400
    assert not Asset.objects.filter(retirement_date__isnull=False).exists()


def test_bulk_retirement_ignores_assets_of_another_organisation(editor_client, org, other_org):
    mine = make_assets(org, 1)[0]
    theirs = make_assets(other_org, 1)[0]
    editor_client.post(url("retire", org), {"asset": [mine.pk, theirs.pk],
                                            "date": "2025-06-30", "disposal": "recycled"})
    theirs.refresh_from_db()
    assert theirs.retirement_date is None
    assert not LifecycleEvent.objects.filter(asset=theirs).exists()


def test_viewer_cannot_write(viewer_client, org, tmp_path, settings):
    settings.UPLOAD_DIR = tmp_path
    asset = make_assets(org, 1)[0]
    source = InventoryImportFactory(organisation=org, file_name="a.csv", status="preview",
                                    counts={"used": 1})
    with (tmp_path / "a.csv").open("w") as handle:
        handle.write("type\nPortable\n")
    with (tmp_path / "a.csv").open("rb") as handle:
        assert viewer_client.post(url("imports", org), {"file": handle}).status_code == 403
    assert viewer_client.post(url("import_confirm", org, source.pk),
                              {"mode": "replace"}).status_code == 403
    assert viewer_client.post(url("import_mapping", org, source.pk)).status_code == 403
    assert viewer_client.post(url("import_cancel", org, source.pk)).status_code == 403
    assert viewer_client.post(url("asset_event", org, asset.pk), {
        "kind": "repaired", "date": "2025-01-01"}).status_code == 403
    assert viewer_client.post(url("retire", org), {
        "asset": [asset.pk], "date": "2025-01-01", "disposal": "recycled"}).status_code == 403
    assert InventoryImport.objects.count() == 1
    assert viewer_client.get(url("imports", org)).status_code == 200


def test_other_organisation_gets_404_everywhere(client, org, other_org):
    asset = make_assets(org, 1)[0]
    source = InventoryImportFactory(organisation=org, file_name="a.csv")
    outsider = member(other_org, "outsider", Role.ADMIN)
    client.force_login(outsider)
    own_urls = [url("assets", org), url("imports", org), url("asset", org, asset.pk),
                url("import_detail", org, source.pk)]
    for target in own_urls:
        assert client.get(target).status_code == 404, target
    posts = [url("retire", org), url("asset_event", org, asset.pk),
             url("import_mapping", org, source.pk), url("import_confirm", org, source.pk),
             url("import_cancel", org, source.pk), url("imports", org)]
    for target in posts:
        assert client.post(target).status_code == 404, target
    # Through their own organisation's URLs, our ids do not exist either.
    for target in (url("asset", other_org, asset.pk), url("import_detail", other_org, source.pk),
                   url("asset_event", other_org, asset.pk),
                   url("import_confirm", other_org, source.pk)):
        response = client.get(target) if "events" not in target and "confirm" not in target \
            else client.post(target)
        assert response.status_code == 404, target


def test_anonymous_is_sent_to_login(client, org):
    response = client.get(url("assets", org))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_every_inventory_view_declares_its_role():
    from jalon.inventory import urls

    for pattern in urls.urlpatterns:
        assert hasattr(pattern.callback, "jalon_capability"), pattern.name
