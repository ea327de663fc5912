"""The messy town-hall file (tests/fixtures/make_town_hall.py: cp1252, `;`, a title line, a
free-comment line, subtotal and TOTAL rows, French headers) imported through the web as a
webmaster of a small commune would: the page names the format honestly, gives figures in
French and categories in words."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests import paths
from tests.factories import OperatorFactory, OrganisationFactory, member

from jalon.inventory.models import ImportStatus, InventoryImport
from jalon.tenancy.models import Role

pytestmark = pytest.mark.django_db


def test_the_town_hall_file_reads_in_words(client, settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    org = OrganisationFactory(operator=OperatorFactory(), name="Commune", slug="commune",
                              kind="commune")
    client.force_login(member(org, Role.EDITOR, username="webmestre"))
    stored = paths.FIXTURES / "town_hall_messy.csv"
    client.post(reverse("inventory:imports", args=[org.slug]),
                {"file": SimpleUploadedFile("inventaire mairie.csv", stored.read_bytes())})
    source = InventoryImport.objects.get(organisation=org)
    assert source.status == ImportStatus.PREVIEW, source.error
    page = client.get(reverse("inventory:import_detail", args=[org.slug, source.pk]),
                      HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "tableur générique" in page
    assert "glpi" not in page.lower().split("format reconnu")[1][:200]
    assert "<td>Ordinateurs portables</td>" in page  # the category in words
    listing = client.get(reverse("inventory:imports", args=[org.slug]),
                         HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<td class="num">40</td>' in listing  # devices kept: TOTAL and comment rows are not
