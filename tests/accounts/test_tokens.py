"""API tokens: lifetime, last use (time and address), revoked when their creator loses the
right to create them or explicitly re-owned, rate limit per token (429, Retry-After, OpenAPI);
the audit trail's origin and its CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from tests import factories
from tests.factories import OrganisationFactory, member

from jalon.accounts import services
from jalon.api.api import api
from jalon.tenancy.models import ApiToken, AuditEvent, Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganisationFactory(slug="ville-a", name="Ville A")


@pytest.fixture
def admin(org):
    return member(org, Role.ADMIN, username="admin", email="admin@ville-a.fr")


def call(secret: str, address: str = "192.0.2.5"):
    return Client(REMOTE_ADDR=address).get("/api/v1/organisation",
                                           headers={"Authorization": f"Bearer {secret}"})


def test_a_token_expires_when_chosen(client, org, admin):
    client.force_login(admin)
    page = client.get(reverse("orgadmin:tokens", args=[org.slug])).content.decode()
    assert 'name="days"' in page and '<option value="90" selected>' in page
    client.post(reverse("orgadmin:tokens", args=[org.slug]),
                {"name": "GLPI", "role": "viewer", "days": "30"})
    token = ApiToken.objects.get()
    assert abs(token.expires_at - timezone.now() - dt.timedelta(days=30)) < dt.timedelta(
        minutes=1)
    with pytest.raises(services.AccountError, match="de 1 à 365 jours"):
        services.create_api_token(admin, org, "long", "viewer", days=366)
    _token, secret = services.create_api_token(admin, org, "court", "viewer", days=1)
    assert call(secret).status_code == 200
    ApiToken.objects.filter(name="court").update(expires_at=timezone.now())
    assert call(secret).status_code == 401
    listing = client.get(reverse("orgadmin:tokens", args=[org.slug])).content.decode()
    assert "Expiré le" in listing and "Expire le" in listing


def test_last_use_records_time_and_address(org, admin):
    token, secret = services.create_api_token(admin, org, "GLPI", "viewer")
    assert call(secret, "198.51.100.9").status_code == 200
    token.refresh_from_db()
    assert token.last_used_ip == "198.51.100.9" and token.last_used_at is not None
    first = token.last_used_at
    call(secret, "198.51.100.9")
    token.refresh_from_db()
    assert token.last_used_at == first  # at most one write a minute...
    call(secret, "203.0.113.1")
    token.refresh_from_db()
    assert token.last_used_ip == "203.0.113.1"  # ...unless the address changes


def test_only_administrators_create_tokens(org):
    editor = member(org, Role.EDITOR, username="editor")
    with pytest.raises(services.AccountError, match="administrateur"):
        services.create_api_token(editor, org, "x", "viewer")


@pytest.mark.parametrize("loss", ["removed", "demoted", "capability", "deactivated",
                                  "bypassed"])
def test_a_token_stops_when_its_creator_loses_the_right(org, admin, loss):
    other_admin = member(org, Role.ADMIN, username="other")
    token, secret = services.create_api_token(admin, org, "GLPI", "editor")
    assert call(secret).status_code == 200
    membership = Membership.objects.get(user=admin, organisation=org)
    if loss == "removed":
        services.remove_member(other_admin, membership)
    elif loss == "demoted":
        services.change_role(other_admin, membership, Role.EDITOR)
    elif loss == "capability":
        services.set_capabilities(other_admin, membership, Role.ADMIN,
                                  {c for c in services.preset(Role.ADMIN)
                                   if c.value != "organisation.admin"})
    elif loss == "deactivated":
        admin.is_active = False
        admin.save()
    else:  # a change made behind Jalon's back: refused at use all the same
        Membership.objects.filter(pk=membership.pk).update(role="viewer",
                                                           capabilities=["read"])
    assert call(secret).status_code == 401
    token.refresh_from_db()
    if loss != "bypassed":
        assert token.revoked_at is not None
        revoked = AuditEvent.objects.get(action="api_token.revoked")
        assert revoked.details["reason"].startswith("creator_")


def test_an_administrator_reowns_a_token_before_its_creator_leaves(client, org, admin):
    successor = member(org, Role.ADMIN, username="successor")
    token, secret = services.create_api_token(admin, org, "GLPI", "editor")
    client.force_login(successor)
    response = client.post(reverse("orgadmin:token_reown", args=[org.slug, token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.created_by == successor
    assert AuditEvent.objects.filter(action="api_token.reowned").exists()
    services.remove_member(successor, Membership.objects.get(user=admin, organisation=org))
    assert call(secret).status_code == 200  # the integration keeps working


@override_settings(API_RATE_LIMIT=5, API_RATE_WINDOW_SECONDS=60)
def test_the_rate_limit_answers_429_with_retry_after(org, admin):
    _token, secret = services.create_api_token(admin, org, "GLPI", "viewer")
    _other, other_secret = services.create_api_token(admin, org, "autre", "viewer")
    codes = [call(secret).status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and set(codes[5:]) <= {200, 429}
    limited = call(secret)
    if limited.status_code == 200:  # the window's bucket turned meanwhile: once more
        limited = [call(secret) for _ in range(6)][-1]
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert "Trop de requêtes" in limited.json()["detail"]
    assert call(other_secret).status_code == 200  # per token


def test_the_openapi_document_describes_the_429():
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    operation = schema["paths"]["/api/v1/organisation"]["get"]
    assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_the_audit_trail_records_the_origin_and_exports_as_csv(client, org, admin):
    client.force_login(admin)
    origin = {"REMOTE_ADDR": "192.0.2.77", "HTTP_USER_AGENT": "=HYPERLINK(\"x\")"}
    client.post(reverse("orgadmin:tokens", args=[org.slug]),
                {"name": "=cmd|' /C calc'!A0", "role": "viewer"}, **origin)
    created = AuditEvent.objects.get(action="api_token.created")
    assert created.ip == "192.0.2.77" and created.user_agent.startswith("=HYPERLINK")
    page = client.get(reverse("orgadmin:audit", args=[org.slug])).content.decode()
    assert "192.0.2.77" in page and "audit/export.csv" in page
    response = client.get(reverse("orgadmin:audit_export", args=[org.slug]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    row = next(r for r in rows if r["action"] == "api_token.created")
    assert row["objet"] == "'=cmd|' /C calc'!A0"  # neutralised for spreadsheets
    assert row["navigateur"].startswith("'=HYPERLINK") and row["adresse_ip"] == "192.0.2.77"
    assert AuditEvent.objects.filter(action="audit.exported", organisation=org).exists()
    # Another organisation's events are not in it.
    elsewhere = factories.OrganisationFactory(slug="ville-b")
    AuditEvent.objects.create(organisation=elsewhere, action="secret.elsewhere")
    again = client.get(reverse("orgadmin:audit_export", args=[org.slug]))
    assert b"secret.elsewhere" not in b"".join(again.streaming_content)


def test_origin_is_blanked_after_the_retention(org, admin, client):
    from jalon import privacy

    client.force_login(admin)
    client.post(reverse("orgadmin:tokens", args=[org.slug]), {"name": "x", "role": "viewer"},
                REMOTE_ADDR="192.0.2.8", HTTP_USER_AGENT="Navigateur")
    later = timezone.now() + dt.timedelta(days=366)
    counts = privacy.purge_expired(later)
    assert counts.get("tenancy.auditevent.origin", 0) >= 1
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.ip is None and event.user_agent == ""
