"""The registry of personal data: the inventory, finding a person's rows, erasing them (one
transaction, audited), purging what is past its retention (CLI, task), and the declarations'
own checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone
from tests import factories
from tests.factories import OrganisationFactory
from typer.testing import CliRunner

from jalon import privacy
from jalon.accounts import services as accounts
from jalon.accounts import throttle
from jalon.accounts.models import Invitation, LoginAttempt
from jalon.cli import app
from jalon.privacy.tasks import purge_personal_data
from jalon.tenancy.models import AuditEvent, Role

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "personal-data.md"
EMAIL = "Dominique@example.org"


@pytest.fixture
def world():
    org, other = OrganisationFactory(slug="ville-a"), OrganisationFactory(slug="ville-b")
    admin = factories.member(org, Role.ADMIN, username="admin")
    invitation, _token = accounts.invite(admin, org, EMAIL, Role.VIEWER, "http://testserver/")
    return {"org": org, "other": other, "admin": admin, "invitation": invitation}


def test_the_inventory_lists_what_the_platform_stores_and_the_docs_describe_each():
    names = {entry.name for entry in privacy.personal_fields()}
    assert {"auth.user", "accounts.invitation", "accounts.loginattempt",
            "tenancy.auditevent.accounts", "publicforms.submissionhit"} <= names
    docs = DOCS.read_text(encoding="utf-8")
    for entry in privacy.personal_fields():
        if not entry.name.startswith("test."):
            assert f"`{entry.name}`" in docs, f"{entry.name} is not in docs/personal-data.md"
            assert str(entry.purpose)


def test_find_returns_every_row_about_a_person_in_one_organisation_only(world):
    found = privacy.find(world["org"], "dominique@EXAMPLE.org ")
    assert sorted(row.entry.name for row in found) == ["accounts.invitation",
                                                        "tenancy.auditevent.accounts"]
    invitation = next(row for row in found if row.entry.name == "accounts.invitation")
    assert invitation.values == {"email": EMAIL} and invitation.pk == world["invitation"].pk
    assert privacy.find(world["other"], EMAIL) == []
    assert privacy.find(world["org"], "") == []


def test_erase_deletes_or_anonymises_as_declared_in_one_audited_transaction(world):
    member = factories.member(world["org"], Role.VIEWER, username="dominique", email=EMAIL)
    result = privacy.erase(world["admin"], world["org"], EMAIL)
    assert result.erased == {"accounts.invitation": 1, "tenancy.auditevent.accounts": 1}
    assert result.kept == {"auth.user": 1}  # an account is closed by another procedure
    assert not Invitation.objects.filter(email__iexact=EMAIL).exists()
    created = AuditEvent.objects.get(action="invitation.created")  # the event stays
    assert created.target == ""
    assert get_user_model().objects.filter(pk=member.pk).exists()
    erasure = AuditEvent.objects.get(action="privacy.erased")
    assert erasure.actor == world["admin"] and erasure.organisation == world["org"]
    assert erasure.details == {"erased": result.erased, "kept": result.kept}
    assert "ominique" not in str(erasure.details) + erasure.target
    # Nothing left to erase; the user is still reported as kept.
    again = privacy.erase(world["admin"], world["org"], EMAIL)
    assert again.erased == {} and again.kept == {"auth.user": 1}


def test_platform_rows_are_found_and_erased_without_an_organisation():
    throttle.record_failure("Dominique", "192.0.2.1")
    assert [row.entry.name for row in privacy.find(None, "dominique")] == [
        "accounts.loginattempt"] * 2
    assert privacy.find(OrganisationFactory(slug="ville-a"), "dominique") == []
    # Counted per account, per account and address, per address: the first two name them.
    assert privacy.erase(None, None, "dominique").erased == {"accounts.loginattempt": 2}
    LoginAttempt.objects.filter(kind="address").delete()
    assert not LoginAttempt.objects.exists()


def test_purge_removes_what_is_past_its_retention_and_is_idempotent(world):
    now = timezone.now()
    throttle.record_failure("someone", "192.0.2.1")
    assert privacy.purge_expired(now) == {}
    later = now + dt.timedelta(days=181)
    assert privacy.purge_expired(later) == {"accounts.invitation": 1,
                                            "accounts.loginattempt": 3}
    assert not Invitation.objects.exists() and not LoginAttempt.objects.exists()
    # Account events keep who they were about for a year (the event itself stays).
    assert AuditEvent.objects.get(action="invitation.created").target == EMAIL
    purged = AuditEvent.objects.get(action="privacy.purged")
    assert purged.actor is None and purged.details["counts"]["accounts.invitation"] == 1
    assert privacy.purge_expired(later) == {}
    assert AuditEvent.objects.filter(action="privacy.purged").count() == 1
    a_year_later = now + dt.timedelta(days=366)
    assert privacy.purge_expired(a_year_later) == {"tenancy.auditevent.accounts": 1}
    assert AuditEvent.objects.get(action="invitation.created").target != EMAIL


def test_a_retention_can_depend_on_the_organisation(world):
    other_invitation, _ = accounts.invite(world["admin"], world["other"], "x@example.org",
                                          Role.VIEWER, "http://testserver/")
    privacy.register(
        Invitation, name="test.invitation", fields=("email",), subject="email",
        date_field="created_at", purpose="test",
        retention=lambda org: dt.timedelta(days=10) if org and org.slug == "ville-a" else None)
    try:
        counts = privacy.purge_expired(timezone.now() + dt.timedelta(days=11))
    finally:
        privacy.unregister("test.invitation")
    assert counts == {"test.invitation": 1}
    assert list(Invitation.objects.all()) == [other_invitation]


def test_the_management_command_purges(world, capsys):
    # `jalon manage purge_personal_data` runs this command (run in process here: a real
    # `jalon manage` closes the database connections the test transaction holds).
    Invitation.objects.update(created_at=timezone.now() - dt.timedelta(days=200))
    call_command("purge_personal_data")
    assert ("accounts.invitation : 1 ligne(s) effacée(s) ou anonymisée(s)"
            in capsys.readouterr().out)
    assert not Invitation.objects.exists()
    call_command("purge_personal_data")
    assert ("Aucune donnée personnelle arrivée au terme de sa conservation."
            in capsys.readouterr().out)


def test_jalon_manage_knows_the_commands():
    result = CliRunner().invoke(app, ["manage", "help", "purge_personal_data"])
    assert result.exit_code == 0, result.output
    assert "retention has ended" in result.output


def test_the_task_purges(world):
    Invitation.objects.update(created_at=timezone.now() - dt.timedelta(days=200))
    result = purge_personal_data.enqueue()
    assert result.return_value == {"accounts.invitation": 1}
    assert not Invitation.objects.exists()


def test_the_erase_command_lists_then_erases(world, capsys):
    call_command("erase_personal_data", "ville-a", EMAIL, "--dry-run")
    listed = capsys.readouterr().out
    assert "accounts.invitation" in listed and "2 ligne(s) trouvée(s)." in listed
    assert Invitation.objects.exists()
    call_command("erase_personal_data", "ville-a", EMAIL)
    assert "accounts.invitation : 1 ligne(s)" in capsys.readouterr().out
    assert not Invitation.objects.exists()
    with pytest.raises(CommandError, match="Organisation inconnue"):
        call_command("erase_personal_data", "nulle-part", EMAIL)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"name": "accounts.invitation", "fields": ("email",)}, "declared twice"),
    ({"name": "test.bad", "fields": ("nope",)}, "has no field named 'nope'"),
    ({"name": "test.bad", "fields": ("email.key",)}, "not a JSON field"),
    ({"name": "test.bad", "fields": ("expires_at",), "on_erasure": "anonymise"},
     "cannot be anonymised"),
    ({"name": "test.bad", "fields": ()}, "no field declared"),
])
def test_bad_declarations_are_refused(kwargs, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        privacy.register(Invitation, subject="email", retention=None, date_field="created_at",
                         purpose="test", **kwargs)
    assert "test.bad" not in {entry.name for entry in privacy.personal_fields()}
