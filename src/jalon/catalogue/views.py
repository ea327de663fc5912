"""Catalogue pages. Thin: scope (decorator), form, selector or service, template."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jalon.catalogue import selectors, services
from jalon.catalogue.forms import ImportForm, ServiceFilterForm, ServiceForm
from jalon.catalogue.models import Audience, DigitalService, ServiceKind, ServiceStatus
from jalon.core.catalogue import TEMPLATE_EXAMPLE, TEMPLATE_HEADERS
from jalon.kit import views as kit_views
from jalon.tenancy import scope
from jalon.tenancy.capabilities import Capability
from jalon.tenancy.scope import OrganisationRequest, organisation_view

SERVICES_PER_PAGE = 50


def _can_edit(request: OrganisationRequest) -> bool:
    return scope.has(request, Capability.EDIT_CATALOGUE)


def _list_url(request: OrganisationRequest) -> str:
    return reverse("catalogue:list", args=[request.organisation.slug])


def _detail_url(request: OrganisationRequest, service: DigitalService) -> str:
    return reverse("catalogue:detail", args=[request.organisation.slug, service.pk])


def _labels() -> dict[str, Any]:
    return {"kind_labels": dict(ServiceKind.choices),
            "audience_labels": dict(Audience.choices),
            "status_labels": dict(ServiceStatus.choices)}


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def service_list(request: OrganisationRequest) -> HttpResponse:
    form = ServiceFilterForm(request.GET or None)
    rows = selectors.service_list(request.organisation,
                                  selectors.ServiceFilters(**form.filters()))
    page = Paginator(rows, SERVICES_PER_PAGE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(request, "catalogue/list.html", {
        "filter_form": form, "page": page, "page_base": kept.urlencode(),
        "total": selectors.services(request.organisation).count(),
        "can_edit": _can_edit(request), **_labels()})


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def service_detail(request: OrganisationRequest, service_id: int) -> HttpResponse:
    service = selectors.service(request.organisation, service_id)
    return render(request, "catalogue/detail.html", {
        "service": service, "can_edit": _can_edit(request), **_labels()})


FORM = "catalogue/form.html"


@organisation_view(capability=Capability.EDIT_CATALOGUE)
@require_http_methods(["GET", "POST"])
def service_create(request: OrganisationRequest) -> HttpResponse:
    return kit_views.create(
        request, ServiceForm,
        service=lambda form: services.create_service(request.user, request.organisation,
                                                     form.values()),
        success_url=lambda service: _detail_url(request, service),
        message=_("Service ajouté au catalogue."), template=FORM,
        context={"title": _("Ajouter un service numérique"), "back": _list_url(request)})


@organisation_view(capability=Capability.EDIT_CATALOGUE)
@require_http_methods(["GET", "POST"])
def service_edit(request: OrganisationRequest, service_id: int) -> HttpResponse:
    return kit_views.edit(
        request, selectors.services(request.organisation), service_id, ServiceForm,
        service=lambda service, form: services.update_service(request.user, service,
                                                               form.values()),
        success_url=lambda service: _detail_url(request, service),
        message=_("Service mis à jour."), template=FORM,
        context=lambda service: {"title": _("Modifier le service"),
                                 "back": _detail_url(request, service)})


@organisation_view(capability=Capability.EDIT_CATALOGUE)
@require_http_methods(["GET", "POST"])
def service_delete(request: OrganisationRequest, service_id: int) -> HttpResponse:
    service = selectors.service(request.organisation, service_id)
    if request.method == "POST":
        services.delete_service(request.user, service)
        messages.success(request, _("Service « %(name)s » supprimé du catalogue.")
                         % {"name": service.name})
        return redirect(_list_url(request))
    return render(request, "catalogue/confirm_delete.html", {
        "service": service, "back": _detail_url(request, service)})


@organisation_view(capability=Capability.EDIT_CATALOGUE)
@require_http_methods(["GET", "POST"])
def service_import(request: OrganisationRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            outcome = services.import_csv(request.user, request.organisation, upload.read(),
                                          upload.name or "")
            if outcome.ok:
                messages.success(request, _(
                    "Import réussi : %(created)d service(s) ajouté(s), %(updated)d mis à "
                    "jour.") % {"created": outcome.created, "updated": outcome.updated})
                if outcome.ignored_columns:
                    messages.info(request, _("Colonnes ignorées (non reconnues) : %(columns)s.")
                                  % {"columns": ", ".join(outcome.ignored_columns)})
                return redirect(_list_url(request))
    return render(request, "catalogue/import.html", {
        "form": form, "outcome": outcome, "headers": TEMPLATE_HEADERS,
        "back": _list_url(request)}, status=status)


@organisation_view(capability=Capability.READ)
@require_http_methods(["GET"])
def import_template(request: OrganisationRequest) -> HttpResponse:
    """An empty file to fill in: the headers and one example line, as French Excel reads it
    (UTF-8 with BOM, semicolons)."""
    lines = [";".join(TEMPLATE_HEADERS), ";".join(TEMPLATE_EXAMPLE)]
    response = HttpResponse(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-services.csv"'
    return response
