"""Feedback on services: pages, versioned questions, the public answer page (spam, bad input,
no cookie, no JavaScript), indicators, exports, API, publishing, personal data, demo."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from openpyxl import load_workbook
from tests import factories
from tests.factories import DigitalServiceFactory, OrganisationFactory, api_token, published
from tests.feedback.factories import answer, form_with_version

from jalon.feedback import questions as q
from jalon.feedback import services
from jalon.feedback.models import FeedbackForm, FormVersion, Response
from jalon.publishing import indicators
from jalon.tenancy.models import AuditEvent, Organisation

pytestmark = pytest.mark.django_db
ORIGIN = "http://testserver"
API = "/api/v1"


def member(org: Organisation, role: str) -> Client:
    client = Client()
    client.force_login(factories.member(org, role))
    return client


@pytest.fixture
def org():
    return OrganisationFactory(slug="ville-a")


@pytest.fixture
def service(org):
    return DigitalServiceFactory(organisation=org, name="Inscription scolaire",
                                 kind="online_procedure", in_service_since=dt.date(2020, 1, 1))


@pytest.fixture
def form(service):
    return form_with_version(service=service)


@pytest.fixture
def editor(org):
    return member(org, "editor")


@pytest.fixture
def viewer(org):
    return member(org, "viewer")


def url(org: Organisation, tail: str = "") -> str:
    return f"/o/{org.slug}/feedback/{tail}"


def public(org: Organisation, service_id: int) -> str:
    return f"/p/{org.slug}/feedback/{service_id}/"


GOOD = {"satisfaction": "4", "comprehension": "5", "contact_tried": ["phone"],
        "contact_reached": "yes", "contact_satisfaction": "5",
        "verbatim": "Rapide, merci.", "website": ""}


def submit(org, service_id, data, address="192.0.2.10", **extra):
    headers = {"HTTP_ORIGIN": ORIGIN, **extra}
    return Client().post(public(org, service_id), data, REMOTE_ADDR=address, **headers)


# Back office ------------------------------------------------------------------------------------

def test_index_lists_services_and_opens_a_form(org, service, editor):
    response = editor.get(url(org))
    assert response.status_code == 200
    assert "Inscription scolaire" in response.content.decode()
    response = editor.post(url(org, "ouvrir/"), {"service": service.pk})
    assert response.status_code == 302
    form = FeedbackForm.objects.get(service=service)
    assert services.current_version(form).questions == q.standard_questions()
    assert AuditEvent.objects.filter(action="feedback.form_created").exists()


def test_viewer_reads_but_cannot_open_or_change(org, service, form, viewer):
    assert viewer.get(url(org)).status_code == 200
    assert viewer.get(url(org, f"services/{service.pk}/")).status_code == 200
    assert viewer.post(url(org, "ouvrir/"), {"service": service.pk}).status_code == 403
    assert viewer.get(url(org, f"services/{service.pk}/questions/")).status_code == 403
    assert viewer.get(url(org, f"services/{service.pk}/reglages/")).status_code == 403


def test_service_page_shows_indicators_trend_and_comments(org, service, form, editor):
    last_month = timezone.now().replace(day=1) - dt.timedelta(days=3)
    answer(form, last_month, satisfaction="5", verbatim="Très clair, merci.")
    answer(form, last_month, satisfaction="3", contact_tried=["none"])
    html = editor.get(url(org, f"services/{service.pk}/")).content.decode()
    assert "7,5" in html  # (10 + 5) / 2
    assert "Très clair, merci." in html
    assert "<svg" in html and 'role="img"' in html
    assert "trend-caption" in html  # the data table beside the charts


def test_questions_reworded_removed_added_make_a_new_version(org, service, form, editor):
    page = editor.get(url(org, f"services/{service.pk}/questions/"))
    assert page.status_code == 200
    data = {}
    for question in q.standard_questions():
        code = question["code"]
        data[f"label_{code}"] = question["label"]
        data[f"help_{code}"] = question["help"]
        if code != q.CONTACT_SATISFACTION:
            data[f"keep_{code}"] = "on"
    data["label_satisfaction"] = "Comment s'est passée votre inscription ?"
    data.update(new_kind="choice", new_label="Comment avez-vous connu ce service ?",
                new_options="Site de la ville\nBouche à oreille\nCourrier")
    response = editor.post(url(org, f"services/{service.pk}/questions/"), data)
    assert response.status_code == 302, response.content.decode()
    version = services.current_version(form)
    assert version.number == 2
    codes = [question["code"] for question in version.questions]
    assert q.CONTACT_SATISFACTION not in codes and "q1" in codes
    assert version.questions[0]["label"] == "Comment s'est passée votre inscription ?"
    assert FormVersion.objects.filter(form=form).count() == 2
    # The public page asks the new version.
    html = Client().get(public(org, service.pk)).content.decode()
    published(org, "feedback")
    html = Client().get(public(org, service.pk)).content.decode()
    assert "Comment avez-vous connu ce service ?" in html
    assert "qualité de l&#x27;aide" not in html


def test_new_question_without_options_is_refused_in_french(org, service, form, editor):
    data = {f"label_{c}": qq["label"] for c, qq in q.STANDARD_BY_CODE.items()}
    data.update({f"keep_{c}": "on" for c in q.STANDARD_CODES})
    data.update(new_kind="choice", new_label="Votre quartier ?", new_options="Centre")
    response = editor.post(url(org, f"services/{service.pk}/questions/"), data)
    assert response.status_code == 400
    assert "de 2 à 12 réponses possibles" in response.content.decode()
    assert services.current_version(form).number == 1


def test_satisfaction_cannot_be_removed():
    with pytest.raises(Exception, match="satisfaction générale est obligatoire"):
        q.clean_questions([{**q.STANDARD_BY_CODE[q.VERBATIM]}])


def test_standard_question_kind_cannot_change():
    with pytest.raises(Exception, match="type d'une question standard"):
        q.clean_questions([{**q.STANDARD_BY_CODE[q.SATISFACTION], "kind": "text"}])


def test_settings_button_date_in_the_future_is_refused(org, service, form, editor):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = editor.post(url(org, f"services/{service.pk}/reglages/"), {
        "active": "on", "button_placed_on": tomorrow.isoformat()})
    assert response.status_code == 400
    assert "dans le futur" in response.content.decode()
    response = editor.post(url(org, f"services/{service.pk}/reglages/"), {
        "active": "on", "button_placed_on": "2025-01-15",
        "button_location": "https://ville.example/inscription/fin"})
    assert response.status_code == 302
    form.refresh_from_db()
    assert form.has_button


def test_button_page_gives_link_html_without_script_and_small_widget(org, service, form, viewer):
    html = viewer.get(url(org, f"services/{service.pk}/bouton/")).content.decode()
    assert f"/p/ville-a/feedback/{service.pk}/?source=link" in html
    assert "&lt;a href=" in html and "bouton-avis.svg" in html
    assert "widget.js" in html
    from django.contrib.staticfiles import finders

    widget = finders.find("feedback/widget.js")
    assert widget is not None
    with open(widget, "rb") as handle:
        assert len(handle.read()) < 5 * 1024


# Public answer page ----------------------------------------------------------------------------

def test_public_page_needs_the_domain_published(org, service, form):
    assert Client().get(public(org, service.pk)).status_code == 404
    published(org, "feedback")
    response = Client().get(public(org, service.pk))
    assert response.status_code == 200
    assert not response.cookies
    html = response.content.decode()
    assert "<script" not in html
    assert "<fieldset" in html and "<legend>" in html
    assert len(response.content) < 60 * 1024


def test_the_blank_answer_page_costs_two_queries(org, service, form,
                                                 django_assert_max_num_queries):
    published(org, "feedback")
    first = Client().get(public(org, service.pk) + "?source=button")
    with django_assert_max_num_queries(2):
        again = Client().get(public(org, service.pk) + "?source=button")
    assert again.status_code == 200 and again.content == first.content
    assert not again.cookies
    # a change of the form's settings is a new page, at once
    form.intro = "Nouvelle introduction du service."
    form.save()
    assert "Nouvelle introduction" in Client().get(public(org, service.pk)).content.decode()


def test_closed_form_and_unknown_service_are_404(org, service, form):
    published(org, "feedback")
    FeedbackForm.objects.filter(pk=form.pk).update(active=False)
    assert Client().get(public(org, service.pk)).status_code == 404
    other = DigitalServiceFactory(organisation=org)
    assert Client().get(public(org, other.pk)).status_code == 404


def test_an_answer_is_stored_with_its_indicator_columns(org, service, form):
    published(org, "feedback")
    response = submit(org, service.pk, {**GOOD, "source": "button"})
    assert response.status_code == 303
    assert response["Location"].endswith("/merci/")
    assert not response.cookies
    stored = Response.objects.get()
    assert (stored.satisfaction, stored.comprehension, stored.no_help, stored.reached,
            stored.help_quality) == (4, 5, False, True, 5)
    assert stored.comment == "Rapide, merci." and stored.source == "button"
    assert stored.version.number == 1
    event = AuditEvent.objects.get(action="feedback.answer_received")
    assert event.actor_id is None
    assert Client().get(response["Location"]).status_code == 200


def test_only_satisfaction_is_required(org, service, form):
    published(org, "feedback")
    assert submit(org, service.pk, {"satisfaction": "2", "website": ""}).status_code == 303
    response = submit(org, service.pk, {"comprehension": "3", "website": ""},
                      address="192.0.2.11")
    assert response.status_code == 400
    assert "aria-invalid" in response.content.decode()
    assert Response.objects.count() == 1


@pytest.mark.parametrize("data", [
    {"satisfaction": "9"},
    {"satisfaction": "4", "contact_tried": ["none", "phone"]},
    {"satisfaction": "4", "contact_reached": "peut-être"},
])
def test_bad_answers_are_refused_with_a_french_message(org, service, form, data):
    published(org, "feedback")
    response = submit(org, service.pk, {**data, "website": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Sélectionnez un choix valide" in body or "ne se coche pas" in body
    assert not Response.objects.exists()


def test_honeypot_is_answered_as_success_and_nothing_stored(org, service, form):
    published(org, "feedback")
    response = submit(org, service.pk, {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 303
    assert not Response.objects.exists()


def test_cross_site_post_is_refused(org, service, form):
    published(org, "feedback")
    response = submit(org, service.pk, GOOD, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert not Response.objects.exists()


@override_settings(PUBLICFORMS_ADDRESS_LIMIT=2)
def test_per_address_rate_limit(org, service, form):
    published(org, "feedback")
    assert submit(org, service.pk, GOOD).status_code == 303
    assert submit(org, service.pk, GOOD).status_code == 303
    refused = submit(org, service.pk, GOOD)
    assert refused.status_code == 429
    assert "Réessayez dans" in refused.content.decode()
    assert Response.objects.count() == 2
    assert submit(org, service.pk, GOOD, address="192.0.2.99").status_code == 303


def test_too_long_comment_is_refused(org, service, form):
    published(org, "feedback")
    response = submit(org, service.pk, {**GOOD, "verbatim": "x" * 2001})
    assert response.status_code == 400
    assert not Response.objects.exists()
    huge = submit(org, service.pk, {**GOOD, "verbatim": "x" * 70000}, address="192.0.2.12")
    assert huge.status_code == 413


def test_custom_question_answers_are_kept(org, service, form):
    published(org, "feedback")
    current = services.current_version(form).questions
    services.save_questions(None, form, [*current, {"kind": "choice", "label": "Quartier ?",
                                                    "options": ["Centre", "Nord"]}])
    assert submit(org, service.pk, {**GOOD, "q1": "2"}).status_code == 303
    stored = Response.objects.get()
    assert stored.answers["q1"] == "2" and stored.version.number == 2


# Indicators, exports, API -------------------------------------------------------------------------

def test_exports_neutralise_formulas(org, service, form, viewer):
    answer(form, satisfaction="1", verbatim="=HYPERLINK(\"http://evil\",\"x\")")
    response = viewer.get(url(org, "export.csv"))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Date" and len(rows) == 2
    assert "'=HYPERLINK" in rows[1][rows[0].index("Commentaire")]
    assert "Très mal" in rows[1]
    response = viewer.get(url(org, f"services/{service.pk}/export.xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in sheet[2]]
    assert any(isinstance(v, str) and v.startswith("'=HYPERLINK") for v in values)
    assert viewer.get(url(org, "export.pdf")).status_code == 404


def test_comments_page_filters(org, service, form, viewer):
    answer(form, satisfaction="2", verbatim="Le paiement a échoué deux fois.")
    answer(form, satisfaction="5", verbatim="Parfait.")
    html = viewer.get(url(org, "commentaires/") + "?q=paiement").content.decode()
    assert "Le paiement a échoué" in html and "Parfait." not in html


def test_api_forms_indicators_responses_and_patch(org, service, form):
    _token, reader = api_token(org, "viewer")
    _token, manager = api_token(org, "editor")
    answer(form, satisfaction="5", contact_tried=["none"], verbatim="Top")
    answer(form, satisfaction="3", contact_tried=["phone"], contact_reached="no")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {reader}"}
    client = Client()
    body = client.get(f"{API}/feedback/forms/{service.pk}/indicators", **auth).json()
    assert body["overall"]["satisfaction"] == 7.5
    assert body["overall"]["autonomy"] == 50.0
    assert body["overall"]["help_reachable"] == 0.0
    assert len(body["months"]) == 12
    listed = client.get(f"{API}/feedback/responses?with_comment=true", **auth).json()
    assert [r["comment"] for r in listed["items"]] == ["Top"]
    assert client.get(f"{API}/feedback/coverage", **auth).json()["public_services"] == 1
    patch = {"questions": [{"code": "satisfaction", "label": "Alors ?"}]}
    assert client.patch(f"{API}/feedback/forms/{service.pk}", json.dumps(patch),
                        content_type="application/json", **auth).status_code == 403
    response = client.patch(f"{API}/feedback/forms/{service.pk}", json.dumps(patch),
                            content_type="application/json",
                            HTTP_AUTHORIZATION=f"Bearer {manager}")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    bad = client.patch(f"{API}/feedback/forms/{service.pk}",
                       json.dumps({"questions": [{"code": "verbatim", "label": "x"}]}),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {manager}")
    assert bad.status_code == 422
    assert "satisfaction générale" in json.dumps(bad.json(), ensure_ascii=False)


def test_api_opens_a_form_and_refuses_another_organisations_service(org, service):
    _token, manager = api_token(org, "editor")
    other = DigitalServiceFactory(organisation=OrganisationFactory())
    auth = {"HTTP_AUTHORIZATION": f"Bearer {manager}"}
    assert Client().post(f"{API}/feedback/forms/{other.pk}", **auth).status_code == 404
    response = Client().post(f"{API}/feedback/forms/{service.pk}", **auth)
    assert response.status_code == 201
    assert response.json()["answer_url"].endswith(f"/p/ville-a/feedback/{service.pk}/")


# Publishing and strategy -------------------------------------------------------------------------

def test_indicator_sources_button_share_and_satisfaction(org, service, form):
    DigitalServiceFactory(organisation=org, name="Portail", in_service_since=dt.date(2020, 1, 1))
    today = timezone.localdate()
    values = indicators.compute("feedback_button_share", org, today)
    assert values[-1].value == 0.0
    FeedbackForm.objects.filter(pk=form.pk).update(button_placed_on=dt.date(today.year, 1, 1))
    values = indicators.compute("feedback_button_share", org, today)
    assert values[-1].value == 50.0 and values[-1].detail["without_button"] == ["Portail"]
    answer(form, satisfaction="5")
    answer(form, satisfaction="4")
    values = indicators.compute("feedback_satisfaction", org, today)
    assert values[-1].value == 8.75


def test_open_data_and_public_section(org, service, form):
    last_month = timezone.now().replace(day=1) - dt.timedelta(days=3)
    answer(form, last_month, satisfaction="5", verbatim="Nom Prénom, dossier 123")
    published(org, "feedback")
    response = Client().get(f"/p/{org.slug}/data/feedback-monthly.csv")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Inscription scolaire" in text and "10.0" in text
    assert "dossier 123" not in text
    assert Client().get(f"/p/{org.slug}/data/feedback-buttons.csv").status_code == 200
    home = Client().get(f"/p/{org.slug}/").content.decode()
    assert "Avis des usagers" in home and "dossier 123" not in home
    results = Client().get(f"/p/{org.slug}/feedback/")
    assert results.status_code == 200 and not results.cookies


def test_comments_expire_after_two_years(org, service, form):
    from jalon.privacy.services import purge_expired

    old = answer(form, timezone.now() - dt.timedelta(days=800), satisfaction="3",
                 verbatim="Appelez-moi au 06 00 00 00 00")
    recent = answer(form, satisfaction="4", verbatim="Bien")
    purge_expired()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.comment == "" and "verbatim" not in old.answers and old.satisfaction == 3
    assert recent.comment == "Bien"


# Demo ------------------------------------------------------------------------------------------

def test_demo_is_fast_idempotent_and_covers_twelve_months(django_user_model):
    from jalon.catalogue.demo import seed_services
    from jalon.feedback.demo import ANSWERS, seed_demo

    agglo = OrganisationFactory(slug="val-de-lisiere")
    admin = factories.member(agglo, "admin")
    seed_services(agglo, admin)
    started = time.perf_counter()
    created = seed_demo(agglo, {"admin": admin}, lambda _m: None)
    elapsed = time.perf_counter() - started
    assert elapsed < 3, elapsed
    assert created and Response.objects.filter(organisation=agglo).count() == ANSWERS
    months = {(r.year, r.month) for r in Response.objects.filter(organisation=agglo)
              .values_list("received_at", flat=True)}
    assert len(months) >= 12
    assert FormVersion.objects.filter(form__organisation=agglo, number=2).exists()
    assert seed_demo(agglo, {"admin": admin}, lambda _m: None) == []
    assert Response.objects.filter(organisation=agglo).count() == ANSWERS
