"""The audits domain through HTTP and the API: portfolio, sample, campaign (a real browser
pass against pages served on loopback, run inline), grids, declarations, public pages,
indicators, access."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone
from tests import factories
from tests.audits.conftest import needs_chromium
from tests.audits.factories import (
    DeclarationFactory,
    PageAuditFactory,
    RgaaEntryFactory,
    RgaaGridFactory,
    RgesnGridFactory,
    result,
)
from tests.factories import DigitalServiceFactory, OrganisationFactory, api_token, published

from jalon.audits import publishing
from jalon.audits.models import (
    Campaign,
    Declaration,
    PageAudit,
    RgaaEntry,
    RgaaGrid,
    RgesnGrid,
    SamplePage,
)
from jalon.tenancy.models import AuditEvent

pytestmark = pytest.mark.django_db
API = "/api/v1"


def client_for(org, role: str) -> Client:
    client = Client()
    client.force_login(factories.member(org, role))
    return client


@pytest.fixture
def org():
    return OrganisationFactory(slug="ville-a")


@pytest.fixture
def editor(org):
    return client_for(org, "editor")


@pytest.fixture
def service(org):
    return DigitalServiceFactory(organisation=org, name="Site de la ville",
                                 url="https://www.ville-a.fr/",
                                 sample_urls="https://www.ville-a.fr/contact\n"
                                             "https://www.ville-a.fr/mentions-legales")


def base(org) -> str:
    return f"/o/{org.slug}/audits/"


def test_portfolio_and_service_pages(org, editor, service):
    PageAuditFactory(service=service, url="https://www.ville-a.fr/", ecoindex=82, grade="A")
    PageAuditFactory(service=service, url="https://www.ville-a.fr/contact", ecoindex=70,
                     grade="C", axe_violations=1,
                     result=result("https://www.ville-a.fr/contact", 70, "C", violations=1))
    page = editor.get(base(org))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Site de la ville" in text
    assert "76,0" in text  # mean EcoIndex of the two pages
    assert 'role="img"' in text and "portfolio-caption" in text  # chart and its table
    detail = editor.get(f"{base(org)}services/{service.pk}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "Mentions légales" in body  # the default RGAA sample from the catalogue
    assert "history-caption" in body
    audit = PageAudit.objects.get(url="https://www.ville-a.fr/contact")
    shown = editor.get(f"{base(org)}pages/{audit.pk}/").content.decode()
    assert "image-alt" in shown and "1.1" in shown and "Score partiel" in shown


def test_sample_edit_validates_and_replaces(org, editor, service):
    url = f"{base(org)}services/{service.pk}/sample/"
    assert editor.get(url).status_code == 200
    bad = editor.post(url, {"kind_0": "home", "url_0": "javascript:alert(1)",
                            "kind_1": "contact", "url_1": "https://www.ville-a.fr/contact"})
    assert bad.status_code == 400
    assert "pas une adresse http(s)" in bad.content.decode()
    assert not SamplePage.objects.exists()
    ok = editor.post(url, {"kind_0": "home", "url_0": "https://www.ville-a.fr/",
                           "kind_1": "search", "url_1": "https://www.ville-a.fr/?q=eau"})
    assert ok.status_code == 302
    assert list(SamplePage.objects.values_list("kind", "url")) == [
        ("home", "https://www.ville-a.fr/"), ("search", "https://www.ville-a.fr/?q=eau")]
    assert AuditEvent.objects.filter(action="audits.sample").exists()


def test_a_viewer_cannot_manage(org, service):
    viewer = client_for(org, "viewer")
    assert viewer.get(base(org)).status_code == 200
    assert viewer.get(f"{base(org)}campaigns/new/").status_code == 403
    assert viewer.get(f"{base(org)}services/{service.pk}/sample/").status_code == 403
    grid = RgaaGridFactory(service=service)
    assert viewer.get(f"{base(org)}rgaa/{grid.pk}/").status_code == 200
    assert viewer.post(f"{base(org)}rgaa/{grid.pk}/", {"status_1.1": "C"}).status_code == 403


@needs_chromium
def test_campaign_runs_in_the_background_and_stores_each_page(
        org, editor, site_url, django_capture_on_commit_callbacks):
    good = DigitalServiceFactory(organisation=org, name="Bon site", url=f"{site_url}/good.html")
    bad = DigitalServiceFactory(organisation=org, name="Site fautif",
                                url=f"{site_url}/faulty.html",
                                sample_urls=f"{site_url}/missing.html")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(f"{base(org)}campaigns/new/", {
            "name": "Campagne de test", "services": [good.pk, bad.pk], "runs": "1"})
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.status, campaign.total_pages, campaign.done_pages) == ("done", 3, 3)
    statuses = dict(PageAudit.objects.values_list("url", "status"))
    assert statuses == {f"{site_url}/good.html": "ok", f"{site_url}/faulty.html": "ok",
                        f"{site_url}/missing.html": "http_error"}
    faulty = PageAudit.objects.get(url=f"{site_url}/faulty.html")
    assert faulty.axe_violations and faulty.axe_violations >= 5
    assert faulty.rgesn_failed and faulty.rgesn_failed >= 4
    page = editor.get(response["Location"]).content.decode()
    assert "3 pages auditées sur 3" in page and "erreur HTTP" in page
    # The grid of the faulty site shows axe's findings as evidence to confirm.
    grid = RgaaGridFactory(service=bad, size=25)
    shown = editor.get(f"{base(org)}rgaa/{grid.pk}/?theme=1").content.decode()
    assert "À confirmer : axe-core signale « image-alt »" in shown


@needs_chromium
def test_loopback_refused_when_the_instance_does_not_allow_it(
        org, editor, site_url, settings, django_capture_on_commit_callbacks):
    settings.AUDITS_ALLOW_LOOPBACK = False
    service = DigitalServiceFactory(organisation=org, url=f"{site_url}/good.html")
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(f"{base(org)}campaigns/new/", {"services": [service.pk], "runs": "1"})
    assert PageAudit.objects.get().status == "refused"


def test_campaign_form_errors(org, editor, service):
    url = f"{base(org)}campaigns/new/"
    assert editor.get(url).status_code == 200
    assert editor.post(url, {"runs": "1"}).status_code == 400
    past = (timezone.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = editor.post(url, {"services": [service.pk], "runs": "1", "scheduled_for": past})
    assert response.status_code == 400
    assert "dans le futur" in response.content.decode()
    assert not Campaign.objects.exists()


def test_rgaa_grid_rate_and_declaration(org, editor, service):
    editor.post(f"{base(org)}services/{service.pk}/rgaa/new/", {"size": "25",
                                                                "auditor": "Audit interne"})
    grid = RgaaGrid.objects.get(service=service)
    url = f"{base(org)}rgaa/{grid.pk}/?theme=1"
    page = editor.get(url)
    assert page.status_code == 200
    assert "1.1" in page.content.decode()
    response = editor.post(url, {"status_1.1": "C", "status_1.2": "NC",
                                 "note_1.2": "Images décoratives restituées",
                                 "status_1.3": "NA"})
    assert response.status_code == 302
    assert RgaaEntry.objects.filter(grid=grid).count() == 3
    # Per page: 1.1 is non compliant on the contact page, so non compliant overall.
    contact = "https://www.ville-a.fr/contact"
    editor.post(f"{url}&page={contact}", {"status_1.1": "NC"})
    api = Client(headers={"Authorization": f"Bearer {api_token(org, 'viewer')[1]}"})
    grids = api.get(f"{API}/audits/services/{service.pk}/grids").json()
    assert (grids["rgaa_validated"], grids["rgaa_applicable"], grids["rgaa_rate"]) == (0, 2, 0)
    assert grids["rgaa_untested"] == 22
    # Bad status is refused
    assert editor.post(url, {"status_1.1": "peut-être"}).status_code == 400
    # Declaration: contact required, then generated with its mandatory content.
    new = f"{base(org)}services/{service.pk}/declarations/rgaa/new/"
    refused = editor.post(new, {"technologies": "HTML"})
    assert refused.status_code == 400
    created = editor.post(new, {"contact": "accessibilite@ville-a.fr",
                                "technologies": "HTML, CSS",
                                "derogations": "Cartes interactives anciennes"})
    assert created.status_code == 302
    declaration = Declaration.objects.get()
    content = declaration.content
    assert content["state"] == "none"
    assert [n["criterion"] for n in content["non_compliances"]] == ["1.1", "1.2"]
    assert content["recourse"].startswith("Si vous constatez")
    assert {"contact", "technologies", "test_environment", "tools", "pages",
            "established_on", "valid_until", "derogations", "out_of_scope"} <= set(content)
    shown = editor.get(created["Location"]).content.decode()
    assert "Accessibilité : non conforme" in shown
    assert "Voies de recours" in shown


def test_declaration_publication_and_public_pages(org, editor, service):
    declaration = DeclarationFactory(service=service, published=False, content={
        "organisation": org.name, "service": service.name, "state": "partial",
        "state_label": "partiellement conforme", "rate": 75.0, "pages": [],
        "non_compliances": [], "tools": [], "test_environment": {}, "recourse": "Recours.",
        "contact": "a@b.fr", "established_on": "2026-01-01", "valid_until": "2029-01-01"})
    public = f"/p/{org.slug}/audits/{service.pk}/accessibilite/"
    assert Client().get(public).status_code == 404  # domain not published
    published(org, "audits")
    assert Client().get(public).status_code == 404  # declaration not published
    editor.post(f"{base(org)}declarations/{declaration.pk}/publish/", {"publish": "1"})
    response = Client().get(public)
    assert response.status_code == 200
    assert "Accessibilité : partiellement conforme" in response.content.decode()
    index = Client().get(f"/p/{org.slug}/audits/").content.decode()
    assert service.name in index
    # A substantial change makes it no longer current.
    editor.post(f"{base(org)}declarations/{declaration.pk}/change/",
                {"day": timezone.localdate().isoformat()})
    assert "Accessibilité : non conforme" in Client().get(public).content.decode()


def test_rgesn_grid_declaration_and_json(org, editor, service):
    editor.post(f"{base(org)}services/{service.pk}/rgesn/new/")
    grid = RgesnGrid.objects.get(service=service)
    url = f"{base(org)}rgesn/{grid.pk}/?theme=1"
    refused = editor.post(url, {"status_1.1": "C", "status_1.7": "NA"})
    assert refused.status_code == 400
    assert "Justifiez" in refused.content.decode()
    ok = editor.post(url, {"status_1.1": "C", "status_1.3": "NC", "status_1.7": "NA",
                           "justification_1.7": "Aucun chiffrement propre au service",
                           "referent": "Service numérique", "objective": "80 % en 2028"})
    assert ok.status_code == 302
    created = editor.post(f"{base(org)}services/{service.pk}/declarations/rgesn/new/",
                          {"plan": "Passer les images en WebP", "review_frequency": "annuelle"})
    assert created.status_code == 302
    declaration = Declaration.objects.get(kind="rgesn")
    assert declaration.rate == round(100 * 1.5 / 2.75, 1)
    editor.post(f"{base(org)}declarations/{declaration.pk}/publish/", {"publish": "1"})
    published(org, "audits")
    data = Client().get(f"/p/{org.slug}/audits/{service.pk}/ecoconception.json").json()
    assert data["type"] == "rgesn-declaration"
    assert data["score"] == declaration.rate
    assert [c["criterion"] for c in data["not_applicable"]] == ["1.7"]
    assert data["not_applicable"][0]["justification"]
    assert data["status"] == "current"
    html = Client().get(f"/p/{org.slug}/audits/{service.pk}/ecoconception/")
    assert "Critères non applicables" in html.content.decode()


def test_api(org, service):
    audit = PageAuditFactory(service=service)
    declaration = DeclarationFactory(service=service)
    _token, secret = api_token(org, "viewer")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    listing = api.get(f"{API}/audits/pages?service_id={service.pk}").json()
    assert [row["id"] for row in listing["items"]] == [audit.pk]
    detail = api.get(f"{API}/audits/pages/{audit.pk}").json()
    assert detail["result"]["ecoindex"]["score"] == 85
    declarations = api.get(f"{API}/audits/declarations").json()["items"]
    assert declarations[0]["status"] == "current"
    assert api.get(f"{API}/audits/declarations/{declaration.pk}").status_code == 200
    # Launching needs audits.manage
    assert api.post(f"{API}/audits/campaigns", json.dumps({"service_ids": [service.pk]}),
                    content_type="application/json").status_code == 403
    other = DigitalServiceFactory()
    _t, manager = api_token(org, "editor")
    api = Client(headers={"Authorization": f"Bearer {manager}"})
    unknown = api.post(f"{API}/audits/campaigns", json.dumps({"service_ids": [other.pk]}),
                       content_type="application/json")
    assert unknown.status_code == 422
    assert api.get(f"{API}/audits/pages/{PageAuditFactory(service=other).pk}"
                   ).status_code == 404


def test_scheduled_campaign_through_the_api(org, service, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                                  "QUEUES": ["default"]}}
    _t, manager = api_token(org, "editor")
    api = Client(headers={"Authorization": f"Bearer {manager}"})
    when = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = api.post(f"{API}/audits/campaigns", json.dumps({
        "service_ids": [service.pk], "runs": 2, "scheduled_for": when}),
        content_type="application/json")
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["total_pages"], body["done_pages"]) == ("scheduled", 3, 0)
    assert api.get(f"{API}/audits/campaigns/{body['id']}").json()["service_ids"] == [
        service.pk]


def test_indicators_and_open_data(org, service):
    today = timezone.localdate()
    other = DigitalServiceFactory(organisation=org, url="https://demarches.ville-a.fr/")
    PageAuditFactory(service=service, ecoindex=80)
    PageAuditFactory(service=service, ecoindex=60, url="https://www.ville-a.fr/contact")
    grid = RgaaGridFactory(service=service)
    RgaaEntryFactory(grid=grid, criterion="1.1", status="C")
    DeclarationFactory(service=service, rate=80.0, established_on=today)
    values = {key: formula(org, today)[-1].value
              for key, formula in publishing.FORMULAS.items() if formula(org, today)}
    assert values == {publishing.ACCESSIBILITY_AUDITED: 50.0, publishing.DECLARED: 50.0,
                      publishing.RGAA_RATE: 80.0, publishing.ECODESIGN_AUDITED: 50.0,
                      publishing.ECOINDEX: 70.0}
    RgesnGridFactory(service=other)
    assert publishing.ecodesign_audited(org, today)[-1].value == 100.0
    rows = list(publishing.audit_rows(org))
    assert rows[0][:2] == (other.pk, other.name) or rows[1][:2] == (service.pk, service.name)
    published(org, "audits")
    csv = Client().get(f"/p/{org.slug}/data/audits.csv")
    assert csv.status_code == 200
    assert "Site de la ville" in csv.content.decode("utf-8-sig")


def test_a_recurring_campaign_is_rescheduled(org, service, settings):
    from tests.audits.factories import CampaignFactory

    from jalon.audits import services as audit_services

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                                  "QUEUES": ["default"]}}
    campaign = CampaignFactory(organisation=org, repeat_days=90)
    campaign.services.set([service])
    following = audit_services.repeat_campaign(campaign)
    assert following.status == "scheduled"
    assert following.repeat_days == 90
    assert following.scheduled_for is not None
    assert (following.scheduled_for - campaign.created_at).days == 90
    assert list(following.services.all()) == [service]
    assert following.total_pages == 3


def test_repeat_days_are_checked(org, editor, service):
    response = editor.post(f"{base(org)}campaigns/new/", {
        "services": [service.pk], "runs": "1", "repeat_days": "0"})
    assert response.status_code == 400
    assert not Campaign.objects.exists()


def test_portfolio_against_the_strategy_targets(org, editor, service):
    """The portfolio shows each indicator the audits feed to the strategy now, beside the
    target the current strategy set on it (read through the publishing spine), its year and
    its status; an indicator the strategy does not follow says so."""
    from jalon.strategy import services as strategy_services
    from jalon.strategy.models import IndicatorDefinition, Strategy

    year = timezone.localdate().year
    PageAuditFactory(service=service, ecoindex=80)
    PageAuditFactory(service=service, ecoindex=60, url="https://www.ville-a.fr/contact")
    strategy = Strategy.objects.create(organisation=org, title="Stratégie NR",
                                       period_start=year - 1, period_end=year + 3)
    definition = IndicatorDefinition.objects.create(
        key="ecoindex-moyen", organisation=org, name="EcoIndex moyen des services publics",
        unit="/100", direction="up", computed=publishing.ECOINDEX)
    indicator = strategy_services.add_indicator(
        None, strategy, definition, target_kind="level", target_value=75.0,
        target_date=dt.date(year + 2, 12, 31))
    assert indicator.values.count() == 1  # computed at once: 70 this year
    rows = {r.key: r for r in publishing.strategy_targets(org)}
    assert rows[publishing.ECOINDEX].value == 70.0
    target = rows[publishing.ECOINDEX].targets[0]
    assert (target.year, target.follower) == (year + 2, "Stratégie NR")
    assert target.status in ("on_track", "at_risk", "off_track", "no_data", "achieved")
    assert rows[publishing.DECLARED].targets == []
    text = editor.get(base(org)).content.decode()
    assert "targets-caption" in text
    assert f"75\u202f/100 en {year + 2}" in text
    assert f"/o/{org.slug}/strategy/indicators/{indicator.pk}/" in text
    assert target.status_label in text
    assert "70,0 /100" in text  # the value computed now
    assert "Pas suivi par la stratégie en cours" in text  # the four others
