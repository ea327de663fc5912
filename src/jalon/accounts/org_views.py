"""Organisation settings (Capability.ADMINISTER): profile, members and their capabilities,
invitations, API tokens, audit."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jalon.accounts import selectors, services
from jalon.accounts.forms import (
    ApiTokenForm,
    InvitationForm,
    MemberAccessForm,
    OrganisationProfileForm,
    RoleForm,
)
from jalon.accounts.models import Invitation
from jalon.core.exports import safe_cell
from jalon.tenancy.capabilities import Capability, ordered, preset
from jalon.tenancy.models import ApiToken, Membership, Role
from jalon.tenancy.scope import OrganisationRequest, held, organisation_view

admin_view = organisation_view(capability=Capability.ADMINISTER)

# Events per page of the audit trail: 30 rows keep the page under ~300 DOM elements, the
# EcoIndex grade A that every page of Jalon keeps (50 rows gave 426 elements, grade B).
AUDIT_PAGE_SIZE = 30


def _render(request: HttpRequest, template: str, section: str, context: dict[str, Any],
            status: int = 200) -> HttpResponse:
    return render(request, template, {"section": section, **context}, status=status)


def _back(request: OrganisationRequest, name: str) -> HttpResponse:
    return redirect(f"orgadmin:{name}", request.organisation.slug)


@admin_view
def settings_index(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    form = OrganisationProfileForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        changed = services.update_organisation(request.user, organisation, **form.cleaned_data)
        messages.success(request, _("Profil enregistré.") if changed
                         else _("Aucune modification."))
        return _back(request, "settings")
    if request.method == "POST":
        organisation.refresh_from_db()  # the form mutated the instance while validating
    return _render(request, "accounts/settings_profile.html", "profile", {"form": form},
                   status=400 if form.errors else 200)


def _described(holder: Membership | ApiToken) -> Membership | ApiToken:
    """Sets `capability_labels` and `custom` (capabilities other than the role's preset)."""
    capabilities = held(holder)
    holder.capability_labels = [c.label for c in ordered(capabilities)]  # type: ignore[union-attr]
    holder.custom = capabilities != preset(holder.role)  # type: ignore[union-attr]
    return holder


def _membership(request: OrganisationRequest, membership_id: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user", "organisation"),
                             pk=membership_id, organisation=request.organisation)


@admin_view
def members(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    return _render(request, "accounts/settings_members.html", "members", {
        "members": [_described(m) for m in selectors.members(organisation)],
        "roles": Role.choices})


@admin_view
@require_http_methods(["GET", "POST"])
def member(request: OrganisationRequest, membership_id: int) -> HttpResponse:
    """One member's role preset and capabilities, checkbox by checkbox."""
    membership = _membership(request, membership_id)
    form = MemberAccessForm(request.POST or None, initial={
        "role": membership.role, "capabilities": [c.value for c in held(membership)]})
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.set_capabilities(request.user, membership,
                                                form.cleaned_data["role"], form.chosen())
        except services.AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, (_("Capacités de %(user)s enregistrées.") if changed
                                       else _("Aucune modification."))
                             % {"user": membership.user.get_username()})
            return _back(request, "members")
    return _render(request, "accounts/settings_member.html", "members", {
        "form": form, "membership": _described(membership)},
        status=400 if form.errors else 200)


@admin_view
@require_POST
def member_role(request: OrganisationRequest, membership_id: int) -> HttpResponse:
    """Apply a role's preset (the member then holds exactly the role's capabilities)."""
    membership = _membership(request, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Rôle inconnu."))
    else:
        try:
            services.change_role(request.user, membership, form.cleaned_data["role"])
            messages.success(request, _("Rôle de %(user)s modifié.")
                             % {"user": membership.user.get_username()})
        except services.AccountError as error:
            messages.error(request, str(error))
    return _back(request, "members")


@admin_view
@require_POST
def member_remove(request: OrganisationRequest, membership_id: int) -> HttpResponse:
    membership = _membership(request, membership_id)
    try:
        services.remove_member(request.user, membership)
        messages.success(request, _("%(user)s ne fait plus partie de l'organisation.")
                         % {"user": membership.user.get_username()})
    except services.AccountError as error:
        messages.error(request, str(error))
    if membership.user_id == request.user.pk and membership.pk is None:
        return redirect("home")
    return _back(request, "members")


@admin_view
def invitations(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite(request.user, organisation, form.cleaned_data["email"],
                            form.cleaned_data["role"], request.build_absolute_uri("/"))
        except services.AccountError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, _("Invitation envoyée à %(email)s.")
                             % {"email": form.cleaned_data["email"]})
            return _back(request, "invitations")
    return _render(request, "accounts/settings_invitations.html", "invitations", {
        "form": form, "invitations": selectors.pending_invitations(organisation)},
        status=400 if form.errors else 200)


@admin_view
@require_POST
def invitation_revoke(request: OrganisationRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_id,
                                   organisation=request.organisation)
    try:
        services.revoke_invitation(request.user, invitation)
        messages.success(request, _("Invitation révoquée."))
    except services.AccountError as error:
        messages.error(request, str(error))
    return _back(request, "invitations")


@admin_view
@never_cache
def tokens(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        # The secret is shown in this response only (never stored, never redirected with).
        try:
            _token, secret = services.create_api_token(request.user, organisation,
                                                       form.cleaned_data["name"],
                                                       form.cleaned_data["role"],
                                                       form.chosen_or_preset(),
                                                       days=form.cleaned_data["days"])
        except services.AccountError as error:
            form.add_error(None, str(error))
        else:
            form = ApiTokenForm()
    response = _render(request, "accounts/settings_tokens.html", "tokens", {
        "form": form, "tokens": [_described(t) for t in selectors.api_tokens(organisation)],
        "secret": secret},
        status=400 if form.errors else 200)
    return response


@admin_view
@require_POST
def token_revoke(request: OrganisationRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id,
                              organisation=request.organisation)
    try:
        services.revoke_api_token(request.user, token)
        messages.success(request, _("Jeton « %(name)s » révoqué.") % {"name": token.name})
    except services.AccountError as error:
        messages.error(request, str(error))
    return _back(request, "tokens")


@admin_view
@require_POST
def token_reown(request: OrganisationRequest, token_id: int) -> HttpResponse:
    """The administrator answers for the token from now on (it then survives its creator's
    departure)."""
    token = get_object_or_404(ApiToken.objects.select_related("organisation__operator",
                                                              "created_by"),
                              pk=token_id, organisation=request.organisation)
    try:
        services.reown_api_token(request.user, token)
        messages.success(request, _("Vous répondez désormais du jeton « %(name)s ».")
                         % {"name": token.name})
    except services.AccountError as error:
        messages.error(request, str(error))
    return _back(request, "tokens")


@admin_view
def audit(request: OrganisationRequest) -> HttpResponse:
    organisation = request.organisation
    page = Paginator(selectors.audit_events(organisation), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page"))
    return _render(request, "accounts/settings_audit.html", "audit", {"page": page})


class _Echo:
    """A file-like object whose write returns the line (csv.writer into a streamed answer)."""

    def write(self, value: str) -> str:
        return value


AUDIT_CSV_HEADER = ("date", "personne", "action", "objet", "details", "adresse_ip",
                    "navigateur")


@admin_view
@never_cache
def audit_export(request: OrganisationRequest) -> StreamingHttpResponse:
    """The organisation's whole audit trail as CSV (UTF-8 with BOM, comma-separated), every
    text cell spreadsheet-safe (jalon.core.exports.safe_cell: OWASP CSV injection). Exporting
    it is itself audited: it holds addresses and user agents."""
    organisation = request.organisation
    services.record_audit_export(request.user, organisation)
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(AUDIT_CSV_HEADER)
        for event in selectors.audit_events(organisation).iterator(chunk_size=1000):
            yield writer.writerow([safe_cell(cell) for cell in (
                event.at.isoformat(), event.actor.get_username() if event.actor else "",
                event.action, event.target,
                json.dumps(event.details, ensure_ascii=False, sort_keys=True,
                           cls=DjangoJSONEncoder) if event.details else "",
                event.ip or "", event.user_agent)])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="journal-{organisation.slug}-{timezone.localdate():%Y-%m-%d}.csv"')
    return response
