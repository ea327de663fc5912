"""The footprint uses the PUE of the room hosting each server (footprint.pue provider)."""

from __future__ import annotations

import pytest
from tests.datacentres.factories import SiteFactory, SiteYearFactory
from tests.factories import AssetFactory, OrganisationFactory, member

from jalon.datacentres import selectors, services
from jalon.footprint import pue
from jalon.footprint.services import compute_footprint

pytestmark = pytest.mark.django_db


def server(org, name, site="", pue_value=None, inventory_number=""):
    return AssetFactory(organisation=org, category="server", name=name, site=site,
                        inventory_number=inventory_number, model="PowerEdge R650",
                        manufacturer="Dell", pue=pue_value)


def test_provider_maps_locations_names_and_numbers():
    org = OrganisationFactory()
    room = SiteFactory(organisation=org, inventory_sites="Salle A", hosted_assets="srv-b\nINV-9",
                       declared_pue=2.0)
    SiteYearFactory(site=room, year=2024, it_kwh=100.0, total_kwh=150.0)
    SiteFactory(organisation=org, name="Sans PUE", declared_pue=None, inventory_sites="Cave")
    assert selectors.pue_map(org) == {"site": {"Salle A": 1.5},
                                      "name": {"srv-b": 1.5, "INV-9": 1.5},
                                      "inventory_number": {"srv-b": 1.5, "INV-9": 1.5}}


def test_frame_takes_the_room_pue_most_specific_first():
    org = OrganisationFactory()
    SiteFactory(organisation=org, name="Salle", inventory_sites=" salle a ", declared_pue=1.4)
    SiteFactory(organisation=org, name="Colocation", hosted_assets="SRV-2", declared_pue=1.2)
    server(org, "srv-1", site="Salle A", pue_value=1.9)  # the room's PUE replaces the asset's
    server(org, "srv-2", site="Salle A")  # named in the colocation: its PUE wins
    server(org, "srv-3", site="Ailleurs", pue_value=1.8)  # not hosted: keeps its own
    server(org, "srv-4", site="Ailleurs")  # not hosted, no PUE: the engine's default
    frame = pue.frame_for(org).sort("name")
    assert frame.get_column("pue").to_list() == [1.4, 1.2, 1.8, None]


def test_footprint_energy_follows_the_room_pue():
    org = OrganisationFactory()
    admin = member(org, "admin")
    server(org, "srv-1", site="Salle serveurs")
    before = compute_footprint(org, 2025, "stock")
    room = services.create_site(admin, org, {"name": "Salle", "inventory_sites":
                                             "Salle serveurs", "declared_pue": "1,2"})
    low = compute_footprint(org, 2025, "stock")
    services.update_site(admin, room, {"declared_pue": "2,4"})
    high = compute_footprint(org, 2025, "stock")

    def use_gwp(data):
        return data["by_phase"]["use"]["gwp"]["value"]

    # The engine's default PUE (1.75) lies between: the room's PUE is applied both ways.
    assert use_gwp(low) < use_gwp(before) < use_gwp(high)
    assert use_gwp(high) == pytest.approx(2 * use_gwp(low), rel=1e-6)


def test_a_change_of_room_invalidates_cached_footprints():
    org = OrganisationFactory()
    admin = member(org, "admin")
    version = org.inventory_version
    room = services.create_site(admin, org, {"name": "Salle"})
    org.refresh_from_db()
    assert org.inventory_version == version + 1
    services.create_year(admin, room, {"year": 2024, "it_kwh": 10, "total_kwh": 15})
    org.refresh_from_db()
    assert org.inventory_version == version + 2
    services.save_checklist(admin, room, {"3.1.1": {"status": "implemented"}})
    services.update_site(admin, room, {"notes": "Allée froide confinée"})
    org.refresh_from_db()
    assert org.inventory_version == version + 2  # neither changes the footprint
    with services.one_announcement():
        services.update_site(admin, room, {"declared_pue": 1.5})
        services.create_year(admin, room, {"year": 2025, "it_kwh": 10, "total_kwh": 14})
    org.refresh_from_db()
    assert org.inventory_version == version + 3  # one announcement for both
