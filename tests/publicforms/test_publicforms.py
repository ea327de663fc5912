"""The anonymous public form component, through a test-only domain (tests/publicforms/urls.py):
success, honeypot, throttling, size limits, no cookie, origin check, 404, errors in French,
and the submission's personal data found, erased and purged through jalon.privacy."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from tests.factories import PublicationFactory, UserFactory
from tests.publicforms import urls as domain

from jalon import privacy
from jalon.publicforms.base import PublicForm
from jalon.publicforms.models import SubmissionHit
from jalon.tenancy.models import AuditEvent, Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.publicforms.urls")]

ORIGIN = "http://testserver"


@pytest.fixture(autouse=True)
def _empty_store():
    domain.STORED.clear()
    yield
    domain.STORED.clear()


@pytest.fixture
def org() -> Organisation:
    return PublicationFactory(organisation__slug="ville-a",
                              organisation__name="Organisation ville-a",
                              domain=domain.DOMAIN).organisation


def url(slug: str = "ville-a") -> str:
    return reverse("testvoice:feedback", args=[slug])


def post(client: Client, data: dict, slug: str = "ville-a", origin: str | None = ORIGIN,
         address: str = "203.0.113.5", **extra):
    if origin is not None:
        extra["HTTP_ORIGIN"] = origin
    return client.post(url(slug), data, REMOTE_ADDR=address, **extra)


def text(response) -> str:
    return html.unescape(response.content.decode())


def no_cookie(response) -> None:
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


GOOD = {"email": "Camille@example.org", "message": "Le formulaire d'inscription est trop long."}


# The page and the success path ---------------------------------------------------------------

def test_the_form_page_sets_no_cookie_and_has_a_labelled_hidden_honeypot(org):
    response = Client().get(url())
    assert response.status_code == 200
    no_cookie(response)
    page = text(response)
    assert "csrfmiddlewaretoken" not in page
    assert '<div hidden>' in page
    hidden = page.split("<div hidden>", 1)[1].split("</div>", 1)[0]
    assert '<label for="id_website">' in hidden and 'name="website"' in hidden
    assert 'for="id_message"' in page and "Organisation ville-a" in page


def test_a_submission_is_stored_audited_and_answered_by_a_redirect_without_cookie(org):
    client = Client()
    response = post(client, GOOD)
    assert response.status_code == 303
    assert response["Location"] == reverse("testvoice:feedback_thanks", args=["ville-a"])
    no_cookie(response)
    assert [row["message"] for row in domain.STORED] == [GOOD["message"]]
    event = AuditEvent.objects.get(action=domain.ACTION)
    assert event.actor is None and event.organisation == org and event.target == "1"
    assert event.details["personal"] == GOOD
    assert event.details["domain"] == domain.DOMAIN
    # The address is counted as a salted hash, never stored in clear.
    hit = SubmissionHit.objects.get()
    assert hit.organisation == org and len(hit.address_hash) == 64
    assert "203.0.113.5" not in str(list(SubmissionHit.objects.values()))
    assert domain.STORED[0]["address_hash"] == hit.address_hash
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Merci, votre envoi a bien été reçu." in text(thanks)
    no_cookie(thanks)


def test_a_signed_in_visitor_gets_no_cookie_either(org):
    client = Client()
    client.force_login(UserFactory(username="agent"))
    for response in (client.get(url()), post(client, GOOD)):
        no_cookie(response)
    assert AuditEvent.objects.get(action=domain.ACTION).actor is None


def test_the_referer_is_enough_when_the_origin_is_missing(org):
    response = post(Client(), GOOD, origin=None, HTTP_REFERER=f"{ORIGIN}/p/ville-a/avis/")
    assert response.status_code == 303
    assert len(domain.STORED) == 1


# Refusals -------------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {"HTTP_ORIGIN": "https://evil.example"},
    {"HTTP_ORIGIN": "null"},
    {"HTTP_REFERER": "https://evil.example/page"},
    {},
    {"HTTP_ORIGIN": ORIGIN, "HTTP_SEC_FETCH_SITE": "cross-site"},
])
def test_a_post_from_another_site_is_refused(org, headers):
    response = post(Client(), GOOD, origin=None, **headers)
    assert response.status_code == 403
    assert "n'a pas été envoyé depuis une page de ce site" in text(response)
    no_cookie(response)
    assert domain.STORED == [] and not AuditEvent.objects.filter(action=domain.ACTION).exists()


def test_a_filled_honeypot_looks_like_a_success_but_stores_nothing(org):
    response = post(Client(), {**GOOD, "website": "https://spam.example"})
    assert response.status_code == 303
    assert response["Location"].endswith("/merci/")
    assert domain.STORED == []
    assert not AuditEvent.objects.filter(action=domain.ACTION).exists()
    assert not SubmissionHit.objects.exists()


@override_settings(PUBLICFORMS_ADDRESS_LIMIT=2)
def test_throttling_per_address(org):
    PublicationFactory(organisation__slug="ville-b", domain=domain.DOMAIN)
    client = Client()
    assert post(client, GOOD).status_code == 303
    assert post(client, GOOD, slug="ville-b").status_code == 303  # counted across organisations
    response = post(client, GOOD)
    assert response.status_code == 429
    assert response["Retry-After"] and 590 <= int(response["Retry-After"]) <= 600
    page = text(response)
    assert "Trop d'envois depuis votre connexion" in page and "dans 10 minutes" in page
    no_cookie(response)
    assert len(domain.STORED) == 2
    # Another address is not blocked.
    assert post(client, GOOD, address="198.51.100.7").status_code == 303


@override_settings(PUBLICFORMS_ADDRESS_LIMIT=2, TRUSTED_PROXIES=["10.0.0.1"])
def test_throttling_reads_the_client_address_behind_a_trusted_proxy_only(org):
    client = Client()
    for _ in range(2):
        assert post(client, GOOD, address="10.0.0.1",
                    HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 303
    assert post(client, GOOD, address="10.0.0.1",
                HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert post(client, GOOD, address="10.0.0.1",
                HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 303


@override_settings(PUBLICFORMS_ORGANISATION_LIMIT=3)
def test_throttling_per_organisation(org):
    PublicationFactory(organisation__slug="ville-b", domain=domain.DOMAIN)
    client = Client()
    for n in range(3):
        assert post(client, GOOD, address=f"192.0.2.{n}").status_code == 303
    response = post(client, GOOD, address="192.0.2.99")
    assert response.status_code == 429
    page = text(response)
    assert "Ce formulaire reçoit trop d'envois en ce moment" in page and "dans 60 minutes" in page
    # Another organisation's form is not blocked.
    assert post(client, GOOD, slug="ville-b", address="192.0.2.99").status_code == 303


def test_an_oversize_body_is_refused_with_a_clear_message(org):
    response = post(Client(), {**GOOD, "message": "x" * 70_000})
    assert response.status_code == 413
    assert "dépasse la taille acceptée (64 Ko au plus" in text(response)
    assert domain.STORED == []


def test_too_many_fields_are_refused(org):
    data = {**GOOD, **{f"extra{n}": "1" for n in range(40)}}
    response = post(Client(), data)
    assert response.status_code == 413
    assert "30 champs au plus" in text(response)
    # A name repeated counts as many fields.
    assert post(Client(), {**GOOD, "message": ["x"] * 40}).status_code == 413
    assert domain.STORED == []


def test_a_too_long_field_is_an_error_next_to_it(org):
    response = post(Client(), {**GOOD, "message": "x" * 6000})
    assert response.status_code == 400
    page = text(response)
    assert ('<ul class="errorlist" id="id_message_error"><li>Ce champ compte 6000 caractères : '
            "5000 au plus, raccourcissez-le.</li></ul>") in page
    assert 'aria-describedby="id_message_error"' in page and 'aria-invalid="true"' in page
    assert domain.STORED == []


def test_errors_are_in_french_next_to_their_fields(org):
    response = post(Client(), {"email": "pas une adresse", "message": ""})
    assert response.status_code == 400
    page = text(response)
    assert "Le formulaire contient des erreurs" in page
    email_error = page.split('id="id_email_error">', 1)[1].split("</ul>", 1)[0]
    assert "Saisissez une adresse de courriel valide." in email_error
    message_error = page.split('id="id_message_error">', 1)[1].split("</ul>", 1)[0]
    assert "Ce champ est obligatoire." in message_error
    assert 'value="pas une adresse"' in page  # what was typed is kept
    no_cookie(response)
    assert not SubmissionHit.objects.exists()


def test_a_refusal_by_the_service_stores_nothing(org):
    response = post(Client(), {**GOOD, "message": "refusé"})
    assert response.status_code == 400
    assert "Le service n'accepte pas ce message." in text(response)
    assert not AuditEvent.objects.filter(action=domain.ACTION).exists()
    assert not SubmissionHit.objects.exists()


@pytest.mark.parametrize("slug", ["ville-cachee", "nulle-part"])
def test_an_unpublished_domain_is_404(slug):
    PublicationFactory(organisation__slug="ville-cachee", domain=domain.DOMAIN, published=False)
    assert Client().get(url(slug)).status_code == 404
    assert post(Client(), GOOD, slug=slug).status_code == 404
    assert Client().get(reverse("testvoice:feedback_thanks", args=[slug])).status_code == 404
    assert domain.STORED == []


def test_an_undeclared_audit_action_is_refused_when_wiring_the_urls():
    page = PublicForm(domain="x", form_class=domain.FeedbackForm, service=domain.receive,
                      action="x.undeclared", title="X")
    with pytest.raises(ImproperlyConfigured, match="register_audit"):
        page.urls()


# Personal data --------------------------------------------------------------------------------

def test_the_submission_is_found_and_erased_through_privacy(org):
    post(Client(), GOOD)
    found = privacy.find(org, "camille@EXAMPLE.org")
    assert [(row.entry.name, row.values["details.personal"]) for row in found] == [
        ("test.voice", GOOD)]
    other = PublicationFactory(organisation__slug="ville-b", domain=domain.DOMAIN).organisation
    assert privacy.find(other, GOOD["email"]) == []
    # The address (as typed by the person) finds the throttling counter.
    assert [row.entry.name for row in privacy.find(org, "203.0.113.5")] == [
        "publicforms.submissionhit"]

    result = privacy.erase(None, org, GOOD["email"])
    assert result.erased == {"test.voice": 1}
    event = AuditEvent.objects.get(action=domain.ACTION)  # the event stays in the trail
    assert "personal" not in event.details and event.details["personal_erased"] is True
    assert "Camille" not in str(event.details)
    assert privacy.find(org, GOOD["email"]) == []
    erasure = AuditEvent.objects.get(action="privacy.erased")
    assert erasure.details["erased"] == {"test.voice": 1}
    assert "Camille" not in str(erasure.details)


def test_the_submission_is_purged_after_its_retention(org):
    post(Client(), GOOD)
    now = timezone.now()
    assert privacy.purge_expired(now) == {}
    # After the throttling window, the counter goes; after the retention, the audit data.
    later = now + dt.timedelta(hours=2)
    assert privacy.purge_expired(later) == {"publicforms.submissionhit": 1}
    assert "personal" in AuditEvent.objects.get(action=domain.ACTION).details
    much_later = now + domain.RETENTION + dt.timedelta(days=1)
    assert privacy.purge_expired(much_later) == {"test.voice": 1}
    assert "personal" not in AuditEvent.objects.get(action=domain.ACTION).details
    assert privacy.purge_expired(much_later) == {}  # idempotent
