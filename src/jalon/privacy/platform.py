"""The personal data of the platform itself: accounts, invitations, sign-in attempts and the
account events of the audit trail. Domains declare their own in their `AppConfig.ready()`.

Models are looked up by label: privacy depends on no domain's code.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jalon.privacy.registry import register

INVITATION_RETENTION = dt.timedelta(days=180)
ACCOUNT_ACTIONS = ("account.", "invitation.", "membership.")


def _login_window(_organisation: object) -> dt.timedelta:
    return dt.timedelta(seconds=settings.LOGIN_WINDOW_SECONDS)


def _audit_keep(_organisation: object) -> dt.timedelta:
    return dt.timedelta(days=settings.AUDIT_PERSONAL_DAYS)


def declare() -> None:
    register(
        apps.get_model(settings.AUTH_USER_MODEL), name="auth.user",
        fields=("username", "first_name", "last_name", "email"), subject="email",
        retention=None, date_field="date_joined", organisation_field="memberships__organisation",
        on_erasure="keep",
        purpose=_("Comptes des agents : se connecter, signer leurs modifications. Un compte est "
                  "fermé en retirant la personne des organisations et par l'opérateur, pas par "
                  "une demande d'effacement."))
    register(
        apps.get_model("accounts", "Invitation"), name="accounts.invitation", fields=("email",),
        subject="email", retention=INVITATION_RETENTION, date_field="created_at",
        purpose=_("Inviter une personne à rejoindre une organisation."))
    register(
        apps.get_model("accounts", "LoginAttempt"), name="accounts.loginattempt",
        fields=("username", "ip"), subject="username", retention=_login_window, date_field="at",
        organisation_field=None,
        purpose=_("Limiter les tentatives de connexion (identifiant saisi, adresse IP)."))
    register(
        apps.get_model("tenancy", "AuditEvent"), name="tenancy.auditevent.accounts",
        fields=("target",), subject="target", retention=_audit_keep, date_field="at",
        where=Q(action__startswith=ACCOUNT_ACTIONS[0]) | Q(action__startswith=ACCOUNT_ACTIONS[1])
        | Q(action__startswith=ACCOUNT_ACTIONS[2]),
        on_expiry="anonymise", on_erasure="anonymise",
        purpose=_("Journal des actions sur les comptes : qui a été invité, s'est connecté, a "
                  "changé de rôle (identifiant ou adresse électronique dans la cible)."))
    register(
        apps.get_model("tenancy", "AuditEvent"), name="tenancy.auditevent.origin",
        fields=("ip", "user_agent"), subject="actor__email", retention=_audit_keep,
        date_field="at", on_expiry="anonymise", on_erasure="anonymise",
        purpose=_("Journal des actions : adresse IP et navigateur d'où vient chaque action, "
                  "pour retrouver l'origine d'un accès frauduleux."))
    register(
        apps.get_model("tenancy", "ApiToken"), name="tenancy.apitoken",
        fields=("last_used_ip",), subject="created_by__email", retention=_audit_keep,
        date_field="last_used_at", on_expiry="anonymise", on_erasure="anonymise",
        purpose=_("Jetons d'API : adresse IP de la dernière utilisation, pour repérer un "
                  "jeton utilisé depuis un endroit inattendu."))
