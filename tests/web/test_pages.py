"""Pages that read as French all the way, navigate and say when there is nothing yet (issue 9):
labels instead of codes, one number format, the operator's entry in the header, links
between public pages, the one-organisation landing, the first-run checklist, empty states,
and 403s logged without a traceback."""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from tests.factories import (
    PASSWORD,
    AssetFactory,
    OperatorAdminFactory,
    OrganisationFactory,
    UserFactory,
    member,
    published,
)

from jalon.kit import formatting, labels
from jalon.kit.logfilters import PermissionDeniedWithoutTraceback

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def text(response) -> str:
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())  # keeps U+202F


# --- Labels and formats ------------------------------------------------------------------------

@pytest.mark.parametrize(("table", "code", "label"), [
    (labels.CATEGORY_LABELS, "laptop", "Ordinateurs portables"),
    (labels.CATEGORY_LABELS, "ip_phone", "Téléphones IP"),
    (labels.CONDITION_LABELS, "new", "Neuf"),
    (labels.CONDITION_LABELS, "refurbished", "Reconditionné"),
    (labels.MIX_LABELS, "BEL", "Belgique"),
    (labels.MIX_LABELS, "EEE", "Europe (moyenne)"),
    (labels.MIX_LABELS, "WOR", "Monde (moyenne)"),
])
def test_codes_have_french_labels(table, code, label):
    with translation.override("fr"):
        assert str(table[code]) == label


def test_every_code_of_the_reference_data_has_a_label():
    import jalon.data.reference as reference
    from jalon.core.model import CATEGORIES, CONDITIONS
    from jalon.kit.labels import CATEGORY_LABELS, CONDITION_LABELS, MIX_LABELS

    assert set(CATEGORIES) <= set(CATEGORY_LABELS)
    assert set(CONDITIONS) <= set(CONDITION_LABELS)
    electricity = Path(reference.__file__).parent / "electricity.csv"
    mixes = {line.split(",")[0] for line in electricity.read_text().splitlines()[1:] if line}
    assert mixes <= set(MIX_LABELS)


def test_an_unknown_code_is_shown_as_is():
    assert labels.mix_label("XYZ") == "XYZ"
    assert labels.condition_label(None) == ""


def test_one_number_and_date_format():
    with translation.override("fr"):
        assert formatting.fr_number(9245) == "9\u202f245"
        assert formatting.fr_number(1150, 2) == "1\u202f150,00"
        assert formatting.fr_date(dt.date(2026, 12, 7)) == "7 décembre 2026"
        assert formatting.fr_date(dt.date(2026, 12, 7), "short") == "07/12/2026"
        assert formatting.fr_date(None) == ""
    with translation.override("en"):
        assert formatting.fr_number(9245) == "9,245"


def test_inventory_pages_show_labels_not_codes():
    organisation = OrganisationFactory()
    asset = AssetFactory(organisation=organisation, category="ip_phone", condition="refurbished",
                         country="BEL", purchase_price_eur=1150)
    client = signed_in(member(organisation, "viewer"))
    listing = text(client.get(reverse("inventory:assets", args=[organisation.slug])))
    assert "Téléphones IP" in listing
    assert ">ip_phone<" not in listing
    assert '<option value="ip_phone">Téléphones IP</option>' in listing
    assert '<option value="refurbished">Reconditionné</option>' in listing
    detail = text(client.get(reverse("inventory:asset", args=[organisation.slug, asset.pk])))
    assert "Reconditionné" in detail and "Belgique" in detail
    assert "1\u202f150,00" in detail
    assert ">refurbished<" not in detail and ">BEL<" not in detail


def test_device_counts_use_the_thousands_separator():
    organisation = OrganisationFactory()
    AssetFactory.create_batch(3, organisation=organisation)
    client = signed_in(member(organisation, "viewer"))
    page = text(client.get(reverse("inventory:assets", args=[organisation.slug])))
    assert "3 appareils enregistrés." in page


# --- Navigation --------------------------------------------------------------------------------

def test_operator_administrators_get_the_operators_entry_in_the_header():
    organisation = OrganisationFactory()
    admin = OperatorAdminFactory(operator=organisation.operator).user
    page = text(signed_in(admin).get("/"))
    assert f'href="{reverse("operator:index")}"' in page
    assert "Espace opérateur" in page


def test_members_get_no_operators_entry():
    organisation = OrganisationFactory()
    page = text(signed_in(member(organisation, "admin")).get("/"))
    assert "Espace opérateur" not in page


def test_public_pages_link_to_each_other():
    organisation = OrganisationFactory()
    published(organisation, "footprint")
    published(organisation, "strategy")
    from jalon.strategy.models import Strategy
    Strategy.objects.create(organisation=organisation, title="Stratégie NR 2026-2030",
                            period_start=2026, period_end=2030)
    home = reverse("public:home", args=[organisation.slug])
    strategy = reverse("publicstrategy:index", args=[organisation.slug])
    # The home links the strategy from its section; the strategy links back through the
    # public pages' navigation.
    assert f'href="{strategy}"' in text(Client().get(home))
    page = text(Client().get(strategy))
    assert 'aria-label="Pages publiques"' in page
    assert f'href="{home}"' in page and f'href="{strategy}"' in page


def test_a_public_page_does_not_link_to_what_is_not_published():
    organisation = OrganisationFactory()
    published(organisation, "footprint")
    published(organisation, "strategy", False)
    page = text(Client().get(reverse("public:home", args=[organisation.slug])))
    assert reverse("publicstrategy:index", args=[organisation.slug]) not in page


def sign_in(client: Client, user) -> str:
    response = client.post(reverse("accounts:login"),
                           {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response["Location"]


def test_a_member_of_one_organisation_lands_in_it():
    organisation = OrganisationFactory()
    user = member(organisation, "viewer")
    assert sign_in(Client(), user) == reverse("footprint:dashboard", args=[organisation.slug])


def test_a_member_of_two_organisations_lands_on_the_home_page():
    user = member(OrganisationFactory(), "viewer")
    member_of_second = OrganisationFactory()
    from tests.factories import MembershipFactory
    MembershipFactory(user=user, organisation=member_of_second)
    assert sign_in(Client(), user) == reverse("home")


def test_a_sign_in_from_a_page_goes_back_to_it():
    organisation = OrganisationFactory()
    user = member(organisation, "viewer")
    target = reverse("inventory:assets", args=[organisation.slug])
    response = Client().post(f"{reverse('accounts:login')}?next={target}",
                             {"username": user.username, "password": PASSWORD})
    assert response["Location"] == target


def test_an_operator_administrator_lands_on_the_home_page():
    organisation = OrganisationFactory()
    admin = OperatorAdminFactory(operator=organisation.operator).user
    assert sign_in(Client(), admin) == reverse("home")


def test_a_member_without_read_lands_on_the_home_page():
    organisation = OrganisationFactory()
    user = UserFactory()
    from tests.factories import MembershipFactory
    MembershipFactory(user=user, organisation=organisation, role="viewer", capabilities=[])
    assert sign_in(Client(), user) == reverse("home")


# --- First-run checklist and empty states -----------------------------------------------------

def checklist(page: str) -> dict[str, bool]:
    """{step label: done} of the dashboard's checklist."""
    section = page.split('id="first-steps"', 1)[1].split("</section>", 1)[0]
    steps = {}
    for head, item in re.findall(r"<li([^>]*)>(.*?)</li>", section):
        label = html.unescape(re.sub(r"<[^>]+>", "", item)).split(" — ")[0].strip()
        steps[label] = 'class="done"' in head
    return steps


def test_a_new_organisation_sees_a_checklist_and_no_zero_figures():
    organisation = OrganisationFactory()
    client = signed_in(member(organisation, "admin"))
    page = text(client.get(reverse("footprint:dashboard", args=[organisation.slug])))
    assert checklist(page) == {"Importer l'inventaire du parc": False,
                               "Choisir un modèle de stratégie": False,
                               "Publier l'empreinte ou la stratégie": False}
    assert f'href="{reverse("inventory:imports", args=[organisation.slug])}"' in page
    assert "0,000" not in page and "Pas encore d'empreinte" in page
    footprint = text(client.get(reverse("footprint:footprint", args=[organisation.slug])))
    assert "0,000" not in footprint and "Aucun équipement en service" in footprint


def test_the_checklist_ticks_from_real_state():
    organisation = OrganisationFactory()
    AssetFactory(organisation=organisation)
    published(organisation, "footprint")
    page = text(signed_in(member(organisation, "admin")).get(
        reverse("footprint:dashboard", args=[organisation.slug])))
    steps = checklist(page)
    assert steps["Importer l'inventaire du parc"] is True
    assert steps["Publier l'empreinte ou la stratégie"] is True
    assert steps["Choisir un modèle de stratégie"] is False


def test_a_viewer_sees_the_steps_without_links_to_forms_they_cannot_use():
    organisation = OrganisationFactory()
    page = text(signed_in(member(organisation, "viewer")).get(
        reverse("footprint:dashboard", args=[organisation.slug])))
    assert reverse("strategy:create", args=[organisation.slug]) not in page
    assert "Choisir un modèle de stratégie" in page


def test_an_empty_published_footprint_says_so_on_the_public_page():
    organisation = OrganisationFactory()
    published(organisation, "footprint")
    page = text(Client().get(reverse("public:home", args=[organisation.slug])))
    assert "0,000" not in page and "Pas encore d'empreinte" in page


def test_no_link_to_a_file_of_the_repository():
    organisation = OrganisationFactory()
    AssetFactory(organisation=organisation)
    published(organisation, "footprint")
    pages = [text(Client().get(reverse("public:home", args=[organisation.slug]))),
             text(signed_in(member(organisation, "viewer")).get(
                 reverse("footprint:footprint", args=[organisation.slug])))]
    for page in pages:
        assert not re.search(r"docs/[\w-]+\.md", page)


# --- 403 logging -------------------------------------------------------------------------------

def test_a_403_is_logged_as_one_line_without_traceback(caplog):
    organisation = OrganisationFactory()
    client = signed_in(member(organisation, "viewer"))
    # The filter comes from settings.LOGGING, as in production.
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("strategy:create", args=[organisation.slug]))
    assert response.status_code == 403
    forbidden = [r for r in caplog.records if r.name == "django.request"]
    assert forbidden and all(r.exc_info is None for r in forbidden)
    assert "Forbidden" in forbidden[0].getMessage()


def test_the_filter_is_configured_and_keeps_other_tracebacks():
    from django.conf import settings

    assert "permission_denied" in settings.LOGGING["loggers"]["django.request"]["filters"]
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", None,
                               (ValueError, ValueError("boom"), None))
    assert PermissionDeniedWithoutTraceback().filter(record) is True
    assert record.exc_info is not None


def test_the_filter_drops_a_permission_denied_traceback():
    from django.core.exceptions import PermissionDenied

    error = PermissionDenied()
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1,
                               "Forbidden (Permission denied): %s", ("/o/x/",),
                               (PermissionDenied, error, None))
    assert PermissionDeniedWithoutTraceback().filter(record) is True
    assert record.exc_info is None and record.getMessage().endswith("/o/x/")
