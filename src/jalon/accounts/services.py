"""Writes for accounts, memberships, invitations, API tokens and organisations.

Every change records an audit event in the same transaction (jalon.tenancy.audit.record).
Views catch `AccountError` and show its message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.accounts.models import Invitation
from jalon.tenancy.audit import record
from jalon.tenancy.capabilities import Capability, ordered, preset
from jalon.tenancy.models import (
    ROLE_RANK,
    ApiToken,
    Membership,
    Operator,
    Organisation,
    Role,
)
from jalon.tenancy.scope import held, may_create_tokens

INVITATION_DAYS = 7
PROFILE_FIELDS = ("name", "kind", "siren", "insee_code", "population", "agents",
                  "require_admin_otp")


class AccountError(Exception):
    """A change refused for a reason the person can act on (message in French)."""


# Sign-in and account events -------------------------------------------------------------------

def record_sign_in(user: Any, second_factor: bool = False) -> None:
    details: dict[str, Any] = {"second_factor": True} if second_factor else {}
    record(user, "account.signed_in", None, user.get_username(), **details)


def record_second_factor_failure(user: Any) -> None:
    record(None, "account.otp_failed", target=user.get_username())


def record_second_factor_change(user: Any, action: str) -> None:
    """account.otp_enabled / otp_disabled / otp_backup_renewed, in the trail of each of the
    person's organisations (their administrators see who protects their account)."""
    organisations: list[Organisation | None] = list(
        Organisation.objects.filter(memberships__user=user).distinct())
    for organisation in organisations or [None]:
        record(user, action, organisation, target=user.get_username())


def record_sign_in_failure(username: str) -> None:
    """A password check that failed: in the trail of every organisation of the account typed
    (its administrators see attempts on their members), or of the platform for an unknown
    identifier. The address and user agent come with every event (tenancy.audit)."""
    typed = username.strip()[:150]
    user = get_user_model().objects.filter(username__iexact=typed).first()
    organisations: list[Organisation | None] = (
        list(Organisation.objects.filter(memberships__user=user).distinct())
        if user is not None else [])
    for organisation in organisations or [None]:
        record(None, "account.sign_in_failed", organisation, target=typed,
               known=user is not None)


def record_audit_export(user: Any, organisation: Organisation) -> None:
    record(user, "audit.exported", organisation, target=organisation.slug)


def record_sign_out(user: Any) -> None:
    record(user, "account.signed_out", target=user.get_username())


def record_password_reset(user: Any) -> None:
    record(user, "account.password_reset", target=user.get_username())


# Invitations --------------------------------------------------------------------------------

def _send_invitation(invitation: Invitation, token: str, base_url: str) -> None:
    link = base_url.rstrip("/") + reverse("accounts:invitation", args=[token])
    context = {"invitation": invitation, "link": link, "days": INVITATION_DAYS}
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


@transaction.atomic
def invite(actor: Any, organisation: Organisation, email: str, role: str,
           base_url: str) -> tuple[Invitation, str]:
    """Invite an e-mail address with a role; the token only travels in the e-mail."""
    email = email.strip()
    if Membership.objects.filter(organisation=organisation,
                                 user__email__iexact=email).exists():
        raise AccountError(_("Cette personne est déjà membre de l'organisation."))
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, role=Role(role), token_hash=Invitation.hash(token),
        invited_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS))
    record(actor, "invitation.created", organisation, target=email, role=role,
           invitation=invitation.pk)
    # Sent inside the transaction: if the mail cannot leave, no invitation is left dangling.
    _send_invitation(invitation, token, base_url)
    return invitation, token


@transaction.atomic
def revoke_invitation(actor: Any, invitation: Invitation) -> None:
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise AccountError(_("Cette invitation n'est plus en attente."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(actor, "invitation.revoked", invitation.organisation, target=invitation.email,
           invitation=invitation.pk)


def _lock_pending(invitation: Invitation) -> Invitation:
    locked = Invitation.objects.select_for_update().select_related("organisation").get(
        pk=invitation.pk)
    if not locked.is_pending:
        raise AccountError(_("Cette invitation a déjà été utilisée, a expiré ou a été révoquée."))
    return locked


def _join(user: Any, invitation: Invitation) -> Membership:
    organisation = invitation.organisation
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None:
        membership = Membership.objects.create(user=user, organisation=organisation,
                                               role=invitation.role)
        record(user, "membership.created", organisation, target=user.get_username(),
               role=invitation.role, invitation=invitation.pk)
    elif ROLE_RANK[Role(invitation.role)] > ROLE_RANK[Role(membership.role)]:
        # A higher role adds its preset; capabilities granted before are kept.
        before, before_capabilities = membership.role, held(membership)
        after_capabilities = before_capabilities | preset(invitation.role)
        membership.role = invitation.role
        membership.capabilities = _values(after_capabilities)
        membership.save(update_fields=["role", "capabilities"])
        record(user, "membership.role_changed", organisation, target=user.get_username(),
               before=before, after=invitation.role, invitation=invitation.pk,
               **_change(before_capabilities, after_capabilities))
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record(user, "invitation.accepted", organisation, target=invitation.email,
           invitation=invitation.pk)
    return membership


@transaction.atomic
def accept_invitation(user: Any, invitation: Invitation) -> Membership:
    return _join(user, _lock_pending(invitation))


@transaction.atomic
def register_from_invitation(invitation: Invitation, username: str, first_name: str,
                             last_name: str, password: str) -> Any:
    invitation = _lock_pending(invitation)
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise AccountError(_("Cet identifiant est déjà pris."))
    user = user_model.objects.create_user(username=username, email=invitation.email,
                                          password=password, first_name=first_name,
                                          last_name=last_name)
    record(user, "account.created", invitation.organisation, target=username,
           invitation=invitation.pk)
    _join(user, invitation)
    return user


# Members ------------------------------------------------------------------------------------

def _last_administrator() -> str:
    return _("L'organisation doit garder au moins un administrateur : donnez d'abord la "
             "capacité « Administrer l'organisation » à un autre membre.")


def _values(capabilities: frozenset[Capability] | set[Capability]) -> list[str]:
    return [c.value for c in ordered(capabilities)]


def _change(before: frozenset[Capability], after: frozenset[Capability]) -> dict[str, Any]:
    """Audit details of a change of capabilities."""
    return {"granted": _values(after - before), "removed": _values(before - after),
            "capabilities": _values(after)}


def _keeps_an_administrator(membership: Membership, after: frozenset[Capability]) -> bool:
    """Whether the organisation still has a member holding ADMINISTER once `membership` holds
    `after` (or is gone, with an empty set). Locks the organisation's memberships, so that two
    administrators cannot remove each other at the same time."""
    if Capability.ADMINISTER in after:
        return True
    others = (Membership.objects.select_for_update()
              .filter(organisation_id=membership.organisation_id).exclude(pk=membership.pk))
    return any(Capability.ADMINISTER in held(m) for m in others)


def _save_capabilities(actor: Any, membership: Membership, role: Role,
                       after: frozenset[Capability], action: str) -> bool:
    before_role, before = membership.role, held(membership)
    if before_role == role and before == after:
        return False
    if Capability.ADMINISTER in before and not _keeps_an_administrator(membership, after):
        raise AccountError(_last_administrator())
    membership.role = role
    membership.capabilities = _values(after)
    membership.save(update_fields=["role", "capabilities"])
    record(actor, action, membership.organisation, target=membership.user.get_username(),
           before=before_role, after=str(role), **_change(before, after))
    if Capability.ADMINISTER in before and Capability.ADMINISTER not in after:
        revoke_tokens_of(actor, membership.user, membership.organisation, "creator_demoted")
    return True


@transaction.atomic
def change_role(actor: Any, membership: Membership, role: str) -> bool:
    """Apply a role's preset: the member holds exactly the role's capabilities."""
    chosen = Role(role)
    return _save_capabilities(actor, membership, chosen, preset(chosen),
                              "membership.role_changed")


@transaction.atomic
def set_capabilities(actor: Any, membership: Membership, role: str,
                     capabilities: frozenset[Capability] | set[Capability]) -> bool:
    """Grant and remove capabilities one by one; `role` is the preset label kept with them.
    Returns whether anything changed."""
    return _save_capabilities(actor, membership, Role(role), frozenset(capabilities),
                              "membership.capabilities_changed")


@transaction.atomic
def remove_member(actor: Any, membership: Membership) -> None:
    if (Capability.ADMINISTER in held(membership)
            and not _keeps_an_administrator(membership, frozenset())):
        raise AccountError(_last_administrator())
    username = membership.user.get_username()
    organisation = membership.organisation
    role = membership.role
    capabilities = _values(held(membership))
    user = membership.user
    membership.delete()
    record(actor, "membership.removed", organisation, target=username, role=role,
           capabilities=capabilities)
    revoke_tokens_of(actor, user, organisation, "creator_removed")


def deactivated(user: Any) -> int:
    """A deactivated account: revoke every token it created (accounts.apps connects this to
    the user model's saves, so that any way of deactivating an account revokes them)."""
    with transaction.atomic():
        return revoke_tokens_of(None, user, None, "creator_deactivated")


# API tokens ---------------------------------------------------------------------------------

def _token_lifetime(days: int | None) -> dt.timedelta:
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else int(days)
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise AccountError(_("Un jeton vaut de 1 à %(max)d jours ; choisissez une durée dans "
                             "cet intervalle.") % {"max": settings.API_TOKEN_MAX_DAYS})
    return dt.timedelta(days=days)


@transaction.atomic
def create_api_token(actor: Any, organisation: Organisation, name: str, role: str,
                     capabilities: frozenset[Capability] | set[Capability] | None = None,
                     days: int | None = None) -> tuple[ApiToken, str]:
    """A new token with the role's capabilities, or those chosen, valid `days` days
    (settings.API_TOKEN_DEFAULT_DAYS by default, at most API_TOKEN_MAX_DAYS); the secret is
    returned once and only its hash is kept. Only someone who may create tokens for the
    organisation (scope.may_create_tokens) can, and the token works only while they may."""
    if not may_create_tokens(actor, organisation):
        raise AccountError(_("Seul un administrateur de l'organisation peut créer un jeton."))
    lifetime = _token_lifetime(days)
    secret = ApiToken.new_secret()
    chosen = preset(role) if capabilities is None else frozenset(capabilities)
    token = ApiToken.objects.create(organisation=organisation, name=name.strip(), role=Role(role),
                                    capabilities=_values(chosen), prefix=secret[:12],
                                    key_hash=ApiToken.hash(secret), created_by=actor,
                                    expires_at=timezone.now() + lifetime)
    record(actor, "api_token.created", organisation, target=token.name, prefix=token.prefix,
           role=role, capabilities=_values(chosen), token=token.pk,
           expires_at=token.expires_at.isoformat(), days=lifetime.days)
    return token, secret


@transaction.atomic
def revoke_api_token(actor: Any, token: ApiToken, reason: str = "") -> None:
    if token.revoked_at is not None:
        raise AccountError(_("Ce jeton est déjà révoqué."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(actor, "api_token.revoked", token.organisation, target=token.name,
           prefix=token.prefix, token=token.pk, **({"reason": reason} if reason else {}))


@transaction.atomic
def reown_api_token(actor: Any, token: ApiToken) -> None:
    """An administrator answers for a token from now on (before its creator leaves, so that
    the integration keeps working): the token then lives as long as they may create tokens."""
    if not token.is_active:
        raise AccountError(_("Ce jeton est révoqué ou expiré : créez-en un nouveau."))
    if not may_create_tokens(actor, token.organisation):
        raise AccountError(_("Seul un administrateur de l'organisation peut reprendre un jeton."))
    before = token.created_by.get_username() if token.created_by else ""
    token.created_by = actor
    token.save(update_fields=["created_by"])
    record(actor, "api_token.reowned", token.organisation, target=token.name,
           prefix=token.prefix, token=token.pk, before=before, after=actor.get_username())


def revoke_tokens_of(actor: Any, user: Any, organisation: Organisation | None,
                     reason: str) -> int:
    """Revoke the active tokens `user` created (in `organisation`, or everywhere), when they
    can no longer create tokens there. Callers hold a transaction."""
    tokens = ApiToken.objects.filter(created_by=user, revoked_at__isnull=True,
                                     expires_at__gt=timezone.now()).select_related(
        "organisation__operator")
    if organisation is not None:
        tokens = tokens.filter(organisation=organisation)
    revoked = 0
    for token in tokens:
        if not may_create_tokens(user, token.organisation):
            revoke_api_token(actor, token, reason)
            revoked += 1
    return revoked


# Organisations ------------------------------------------------------------------------------

@transaction.atomic
def update_organisation(actor: Any, organisation: Organisation, **values: Any) -> list[str]:
    before = Organisation.objects.get(pk=organisation.pk)
    changed = [f for f in PROFILE_FIELDS
               if f in values and getattr(before, f) != values[f]]
    if not changed:
        return []
    for field in changed:
        setattr(organisation, field, values[field])
    organisation.save(update_fields=changed)
    record(actor, "organisation.updated", organisation, target=organisation.slug,
           changes={f: [getattr(before, f), values[f]] for f in changed})
    return changed


@transaction.atomic
def create_organisation(actor: Any, operator: Operator, slug: str, admin_email: str,
                        base_url: str, **values: Any) -> tuple[Organisation, Invitation | None]:
    if Organisation.objects.filter(slug=slug).exists():
        raise AccountError(_("Cet identifiant d'URL est déjà utilisé."))
    organisation = Organisation.objects.create(
        operator=operator, slug=slug, **{f: values[f] for f in PROFILE_FIELDS if f in values})
    record(actor, "organisation.created", organisation, target=slug, operator=operator.slug)
    invitation = None
    if admin_email:
        invitation, _token = invite(actor, organisation, admin_email, Role.ADMIN, base_url)
    return organisation, invitation
