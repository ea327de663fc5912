"""Error pages are Jalon's own: in the person's language, with landmarks and a way back.

Django's defaults are bare English pages; a 404 is what a visitor of an unpublished page, or a
member outside an organisation, meets.
"""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from tests.factories import OperatorFactory, OrganisationFactory, member

from jalon.tenancy.models import Role

pytestmark = pytest.mark.django_db


def test_not_found_is_a_jalon_page_in_french() -> None:
    response = Client().get("/pas/de/page/ici/")
    body = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="fr">' in body and "<main" in body
    assert "Page introuvable" in body and 'href="/"' in body


def test_not_found_follows_the_language() -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/pas/de/page/ici/")
    body = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in body and "Page not found" in body


def test_forbidden_explains_the_role() -> None:
    org = OrganisationFactory(operator=OperatorFactory(name="GIP", slug="gip"), name="Ville",
                              slug="ville", kind="commune")
    viewer = member(org, Role.VIEWER, username="lecteur")
    client = Client()
    client.force_login(viewer)
    response = client.get(reverse("strategy:create", args=[org.slug]))
    body = response.content.decode()
    assert response.status_code == 403
    assert "Accès refusé" in body and "rôle" in body and "<main" in body


def test_expired_form_is_explained_and_nothing_is_saved() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a", "password": "b"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "Formulaire expiré" in body and "Rien n'a été enregistré" in body


def test_server_error_page_renders_without_a_request() -> None:
    """handler500 renders 500.html with no context at all: it must not need one."""
    body = render_to_string("500.html")
    assert "Erreur du serveur" in body and "<main" in body and 'lang="fr"' in body
